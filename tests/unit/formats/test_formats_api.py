"""The package's public surface is exactly the three file loaders and their in-memory twins."""

from __future__ import annotations

import rqrun.formats as formats


def test_api__all_is_the_loaders() -> None:
    assert sorted(formats.__all__) == [
        "collection_from_object", "data_from_object", "environments_from_object",
        "load_collection", "load_data", "load_environments",
    ]
    for name in formats.__all__:
        assert callable(getattr(formats, name))


def test_api__every_module_declares_all() -> None:
    from rqrun.formats import (
        _reading,
        _warnings,
        datafile,
        environments,
        postman,
        requestly,
        workspace,
    )

    for module in (_reading, _warnings, datafile, environments, postman, requestly, workspace):
        assert module.__all__, module.__name__
        for name in module.__all__:
            assert hasattr(module, name), (module.__name__, name)
