"""Every error rqrun raises, and the exit code each one means.

The tree (exit code in brackets, see ``spec/cli.md``)::

    RqrunError
    ├── UsageError [2]            bad flag value, bad combination of options
    ├── InputError [3]            a collection, environment or data file that cannot be used
    │   └── FileNotAllowed        a file a collection names, outside where it may read
    ├── RunError [4]              the run could not do what it was asked
    │   ├── RequestSendError      network, timeout, TLS: nothing (or not all) came back
    │   └── ScriptError           a script asked the host for something it cannot do
    └── VaultError [5]            the vault cannot give what was asked
        ├── VaultLocked           no key could unlock it, or it failed to authenticate
        ├── SecretNotFound        an unresolved ``{{vault:key}}``
        ├── SecretNotAllowed      a secret bound for a host outside its allow-list
        └── ProviderError         AWS failed and nothing was cached

A script's own failure (it raised, did not compile, timed out, was killed) is not raised: the
runner records it on the request's execution with its kind (``rqrun.sandbox.model.FailureKind``)
and goes on, and the run exits 4.

This module imports nothing from rqrun, so every module can import it.
"""

from __future__ import annotations

import enum

__all__ = [
    "ExitCode",
    "RqrunError",
    "UsageError",
    "InputError",
    "FileNotAllowed",
    "RunError",
    "RequestSendError",
    "ScriptError",
    "VaultError",
    "VaultLocked",
    "SecretNotFound",
    "SecretNotAllowed",
    "ProviderError",
    "Interrupted",
]


@enum.unique
class ExitCode(enum.IntEnum):
    OK = 0
    TESTS_FAILED = 1
    USAGE = 2
    INPUT = 3
    RUN = 4
    VAULT = 5
    HANGUP = 129  # SIGHUP: 128 + 1
    INTERRUPTED = 130  # SIGINT (Ctrl-C): 128 + 2
    TERMINATED = 143  # SIGTERM (CI, docker stop, Kubernetes): 128 + 15


class RqrunError(Exception):
    """Base of every error meant for a user: a message, where it happened, and how to fix it."""

    exit_code: ExitCode = ExitCode.RUN
    reference: str = "rqrun-error"

    def __init__(self, message: str, *, where: str | None = None, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.where = where
        self.hint = hint

    def one_line(self) -> str:
        """The single line shown to a user: ``where: message (hint)``."""
        text = f"{self.where}: {self.message}" if self.where else self.message
        if self.hint:
            text = f"{text} ({self.hint})"
        return text

    def __str__(self) -> str:
        return self.one_line()


class UsageError(RqrunError):
    exit_code = ExitCode.USAGE
    reference = "usage"


class InputError(RqrunError):
    exit_code = ExitCode.INPUT
    reference = "invalid-input"


class FileNotAllowed(InputError):
    """A collection named a file outside its folder or ``--working-dir``, or one of rqrun's own."""

    reference = "file-not-allowed"


class RunError(RqrunError):
    exit_code = ExitCode.RUN
    reference = "run-error"


class RequestSendError(RunError):
    reference = "request-failed"

    def __init__(self, message: str, *, kind: str = "network", **kwargs: object) -> None:
        super().__init__(message, **kwargs)  # type: ignore[arg-type]
        self.kind = kind  # network | timeout | tls | protocol | too-large | invalid-request


class ScriptError(RunError):
    """A script's call the host cannot serve (a bad ``rq.sendRequest`` argument): the script
    that made it fails (exit 4); it is never a usage error of the command line."""

    reference = "script-error"

    def __init__(self, message: str, *, line: int | None = None, **kwargs: object) -> None:
        super().__init__(message, **kwargs)  # type: ignore[arg-type]
        self.line = line


class VaultError(RqrunError):
    exit_code = ExitCode.VAULT
    reference = "vault-error"


class VaultLocked(VaultError):
    reference = "vault-locked"


class SecretNotFound(VaultError):
    reference = "secret-not-found"


class SecretNotAllowed(VaultError):
    reference = "secret-not-allowed"


class ProviderError(VaultError):
    reference = "provider-error"


class Interrupted(KeyboardInterrupt):
    """A signal asked the run to stop: SIGINT, SIGTERM or SIGHUP.

    A ``KeyboardInterrupt`` so that every path that already handles Ctrl-C (abandon the
    request, finish the reports) handles the others too; it carries the exit code to use.
    """

    def __init__(self, signal_name: str = "SIGINT", exit_code: int = ExitCode.INTERRUPTED) -> None:
        super().__init__(signal_name)
        self.signal_name = signal_name
        self.exit_code = int(exit_code)
