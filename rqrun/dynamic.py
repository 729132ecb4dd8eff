"""Dynamic values: the generators behind ``{{$guid}}``, ``{{$randomInt 1 6}}`` and friends.

Only the standard library: a faker-sized dependency would cost start-up time for a handful of
words. Every call makes a fresh value, as Requestly and Postman do for each occurrence.
"""

from __future__ import annotations

import random
import string
import time
import uuid
from datetime import datetime, timezone
from typing import Callable

__all__ = ["generate", "names"]

_rng = random.SystemRandom()

_FIRST_NAMES = (
    "Ada", "Alan", "Grace", "Linus", "Margaret", "Ken", "Barbara", "Dennis", "Frances", "Guido",
    "Hedy", "Edsger", "Radia", "Donald", "Katherine", "Tim", "Anita", "John", "Sophie", "Niklaus",
)
_LAST_NAMES = (
    "Lovelace", "Turing", "Hopper", "Torvalds", "Hamilton", "Thompson", "Liskov", "Ritchie",
    "Allen", "Rossum", "Lamarr", "Dijkstra", "Perlman", "Knuth", "Johnson", "Berners-Lee",
    "Borg", "McCarthy", "Wilson", "Wirth",
)
_WORDS = (
    "apple", "river", "stone", "cloud", "ember", "maple", "orbit", "pixel", "quartz", "raven",
    "saddle", "timber", "umbra", "velvet", "willow", "yonder", "zephyr", "harbor", "lantern", "meadow",
)
_DOMAINS = ("example.com", "example.org", "example.net")
_COLORS = ("red", "green", "blue", "cyan", "magenta", "yellow", "black", "white", "orange", "purple")
_HTTP_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


def _int_arg(args: list[str], index: int, default: int) -> int:
    if len(args) <= index:
        return default
    try:
        return int(float(args[index]))
    except ValueError:
        raise ValueError(f"expected a number, got {args[index]!r}") from None


def _random_int(args: list[str]) -> str:
    """``$randomInt`` (0..1000), ``$randomInt MAX`` or ``$randomInt MIN MAX`` (inclusive)."""
    if len(args) == 1:
        low, high = 0, _int_arg(args, 0, 1000)
    else:
        low, high = _int_arg(args, 0, 0), _int_arg(args, 1, 1000)
    if low > high:
        raise ValueError(f"min {low} is greater than max {high}")
    return str(_rng.randint(low, high))


def _random_alnum(args: list[str]) -> str:
    length = _int_arg(args, 0, 1)
    if not 0 < length <= 10_000:
        raise ValueError("length must be between 1 and 10000")
    alphabet = string.ascii_lowercase + string.digits
    return "".join(_rng.choice(alphabet) for _ in range(length))


def _iso_now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _email() -> str:
    return f"{_rng.choice(_FIRST_NAMES).lower()}.{_rng.choice(_LAST_NAMES).lower()}@{_rng.choice(_DOMAINS)}"


_NO_ARGS: dict[str, Callable[[], str]] = {
    "guid": lambda: str(uuid.uuid4()),
    "randomUUID": lambda: str(uuid.uuid4()),
    "timestamp": lambda: str(int(time.time())),
    "isoTimestamp": _iso_now,
    "randomBoolean": lambda: _rng.choice(("true", "false")),
    "randomFirstName": lambda: _rng.choice(_FIRST_NAMES),
    "randomLastName": lambda: _rng.choice(_LAST_NAMES),
    "randomFullName": lambda: f"{_rng.choice(_FIRST_NAMES)} {_rng.choice(_LAST_NAMES)}",
    "randomUserName": lambda: f"{_rng.choice(_FIRST_NAMES).lower()}{_rng.randint(1, 999)}",
    "randomEmail": _email,
    "randomExampleEmail": _email,
    "randomWord": lambda: _rng.choice(_WORDS),
    "randomWords": lambda: " ".join(_rng.choice(_WORDS) for _ in range(_rng.randint(2, 5))),
    "randomColor": lambda: _rng.choice(_COLORS),
    "randomHexColor": lambda: f"#{_rng.randrange(0x1000000):06x}",
    "randomIP": lambda: ".".join(str(_rng.randint(1, 254)) for _ in range(4)),
    "randomPort": lambda: str(_rng.randint(1024, 65535)),
    "randomHttpMethod": lambda: _rng.choice(_HTTP_METHODS),
    "randomPrice": lambda: f"{_rng.randint(1, 999)}.{_rng.randint(0, 99):02d}",
    "randomPhoneNumber": lambda: f"{_rng.randint(200, 999)}-{_rng.randint(200, 999)}-{_rng.randint(0, 9999):04d}",
    "randomUrl": lambda: f"https://{_rng.choice(_WORDS)}.{_rng.choice(_DOMAINS)}",
    "randomDomainName": lambda: f"{_rng.choice(_WORDS)}.{_rng.choice(_DOMAINS)}",
}

_WITH_ARGS: dict[str, Callable[[list[str]], str]] = {
    "randomInt": _random_int,
    "randomAlphaNumeric": _random_alnum,
}


def names() -> list[str]:
    """Every dynamic name, without the leading ``$``."""
    return sorted([*_NO_ARGS, *_WITH_ARGS])


def generate(name: str, args: list[str] | None = None) -> str:
    """A fresh value for ``name`` (with or without ``$``).

    Raises ``KeyError`` for an unknown name and ``ValueError`` for arguments it cannot use.
    """
    key = name[1:] if name.startswith("$") else name
    args = args or []
    if key in _WITH_ARGS:
        return _WITH_ARGS[key](args)
    if key in _NO_ARGS:
        if args:
            raise ValueError(f"${key} takes no arguments")
        return _NO_ARGS[key]()
    raise KeyError(name)
