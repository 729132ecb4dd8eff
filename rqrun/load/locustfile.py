"""The locustfile ``rqrun load`` hands Locust: one user class, configured by ``rqrun load``'s flags.

``rqrun load`` puts the run options (as JSON) in ``RQRUN_LOAD_OPTIONS`` and starts Locust on
this file, in a fresh process so that gevent's monkey-patching comes before anything else.
"""

from __future__ import annotations

import json
import os

from rqrun.load import RqrunUser

_OPTIONS = json.loads(os.environ.get("RQRUN_LOAD_OPTIONS", "{}"))


class CollectionUser(RqrunUser):
    """Runs the collection ``rqrun load`` was given."""

    collection = _OPTIONS.pop("collection", None)
    iterations = _OPTIONS.pop("iterations_per_user", None)
    run_options = {k: tuple(v) if isinstance(v, list) else v for k, v in _OPTIONS.items()}
