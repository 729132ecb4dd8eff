"""Everything a run can be asked to do, as one frozen value.

The library never sees click or argv: the CLI builds a :class:`RunOptions` and hands it over,
and so can any Python caller.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Union

if TYPE_CHECKING:
    from rqrun.model import Collection, Environment

#: A collection as a path, as parsed JSON (a Requestly export or Postman v2.x dict), or loaded.
CollectionInput = Union[str, "os.PathLike[str]", Mapping[str, Any], "Collection"]
#: An environment or globals as a path, as parsed JSON (any form a file may take), or loaded.
EnvironmentInput = Union[str, "os.PathLike[str]", Mapping[str, Any], "Environment"]
#: Iteration data as a path (CSV or JSON) or as rows (flat dicts).
DataInput = Union[str, "os.PathLike[str]", Sequence[Mapping[str, Any]]]
#: What reports and errors call a collection that has no file.
IN_MEMORY_COLLECTION = "<in-memory collection>"

__all__ = ["RunOptions", "CollectionInput", "EnvironmentInput", "DataInput", "IN_MEMORY_COLLECTION", "DEFAULT_TIMEOUT_REQUEST_MS", "DEFAULT_TIMEOUT_SCRIPT_MS", "SECRET_ENV_PREFIX", "secret_vars_from_environ"]

DEFAULT_TIMEOUT_REQUEST_MS = 30_000
DEFAULT_TIMEOUT_SCRIPT_MS = 5_000
#: ``RQRUN_SECRET_API_TOKEN=...`` in the process environment is the secret variable ``API_TOKEN``.
SECRET_ENV_PREFIX = "RQRUN_SECRET_"  # noqa: S105 - a variable-name prefix, not a secret


def secret_vars_from_environ(environ: Mapping[str, str]) -> dict[str, str]:
    """The secret variables a CI passes as ``RQRUN_SECRET_<KEY>`` (empty names and values skipped)."""
    return {
        name[len(SECRET_ENV_PREFIX) :]: value
        for name, value in sorted(environ.items())
        if name.startswith(SECRET_ENV_PREFIX) and len(name) > len(SECRET_ENV_PREFIX) and value
    }


@dataclass(frozen=True)
class RunOptions:
    """The options of one run. Paths are as the user gave them; loaders resolve them.

    ``collection``, ``environment``, ``globals`` and ``iteration_data`` may also be objects a
    caller holds (see :data:`CollectionInput`); a collection without a file reads its files
    (form-data, binary bodies) relative to ``working_dir``, or the current directory.
    """

    collection: CollectionInput
    environment: EnvironmentInput | None = None
    env_name: str | None = None
    globals: EnvironmentInput | None = None
    env_vars: Mapping[str, str] = field(default_factory=dict)
    global_vars: Mapping[str, str] = field(default_factory=dict)
    #: Environment variables whose values are secrets: they resolve as ``{{KEY}}`` (over
    #: ``env_vars``) and are registered with the redactor, so no output shows them.
    secret_vars: Mapping[str, str] = field(default_factory=dict, repr=False)
    iteration_count: int | None = None
    iteration_data: DataInput | None = None
    folders: tuple[str, ...] = ()
    delay_request_ms: int = 0
    bail: bool = False
    timeout_request_ms: int = DEFAULT_TIMEOUT_REQUEST_MS
    timeout_script_ms: int = DEFAULT_TIMEOUT_SCRIPT_MS
    timeout_ms: int | None = None
    script_memory_mb: int = 256
    insecure: bool = False
    follow_redirects: bool = True
    max_redirects: int = 10
    reporters: tuple[str, ...] = ("cli",)
    reporter_options: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    export_environment: str | None = None
    export_globals: str | None = None
    aws_config: str | None = None
    strict_variables: bool = False
    strict_input: bool = False  # unknown keys in collections and environments are errors (exit 3)
    allow_unsupported_scripts: bool = False  # a script rqrun cannot run warns instead of failing its request
    max_requests: int = 10_000  # per iteration: bounds setNextRequest loops
    quiet: bool = False
    color: bool = False
    vault_path: str | None = None
    response_body_limit: int = 1_000_000  # characters of each response body kept in reports
    retries: int = 0
    retry_delay_ms: int = 200  # first back-off; doubles each attempt, with jitter
    retry_on_status: tuple[int, ...] = ()
    retry_unsafe: bool = False  # also retry POST, PATCH and other non-idempotent methods
    cookie_jar: str | None = None
    export_cookie_jar: str | None = None
    ssl_client_cert: str | None = None
    ssl_client_key: str | None = None
    ssl_extra_ca_certs: str | None = None
    http2: bool = False
    parallel: int = 1
    shard: tuple[int, int] | None = None  # (K, N): run the K-th of N contiguous shares of the iterations
    working_dir: str | None = None  # where a collection's files resolve (default: its folder)
    insecure_file_read: bool = False  # let a collection read files outside that folder

    @property
    def source(self) -> str:
        """The collection as reports name it: the path given, a loaded one's file, or a label."""
        given = self.collection
        if isinstance(given, (str, os.PathLike)):
            return os.fspath(given)
        loaded_from = getattr(given, "source", None)
        return loaded_from if isinstance(loaded_from, str) and loaded_from else IN_MEMORY_COLLECTION
