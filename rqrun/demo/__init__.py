"""The bundled demo API that ``rqrun demo``, the README and the tests run collections against.

It is standard library only, binds 127.0.0.1 on a free port and keeps its state in memory,
so a first run needs no network and no external service::

    from rqrun.demo import DemoServer

    with DemoServer() as srv:
        print(srv.url)   # http://127.0.0.1:PORT

The names are imported lazily so that ``python -m rqrun.demo.server`` does not import the
module twice (runpy warns when the package has already imported it).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rqrun.demo.server import (
        DEFAULT_PASSWORD,
        DEFAULT_SIGNING_KEY,
        DEFAULT_USERNAME,
        DemoServer,
        sign,
    )

__all__ = ["DemoServer", "DEFAULT_PASSWORD", "DEFAULT_SIGNING_KEY", "DEFAULT_USERNAME", "sign"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from rqrun.demo import server

        return getattr(server, name)
    raise AttributeError(f"module 'rqrun.demo' has no attribute {name!r}")
