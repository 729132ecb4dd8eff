"""``--shard K/N``: which iterations the K-th of N machines runs.

Each shard takes one contiguous block of the iterations (data rows), the blocks as even as
they can be, the first ``total % N`` one longer: Playwright splits its tests the same way.
Iteration numbers stay global, so the shards' JSON reports merge back in order
(``rqrun merge-reports``).
"""

from __future__ import annotations

import re

from rqrun.errors import UsageError

__all__ = ["parse_shard", "shard_range"]

_SHARD = re.compile(r"\s*(\d{1,6})\s*/\s*(\d{1,6})\s*\Z")
_HINT = "write --shard K/N with 1 <= K <= N, e.g. --shard 2/3 for the second of three shares"


def parse_shard(text: str) -> tuple[int, int]:
    """``"2/3"`` as ``(2, 3)``; anything else is a :class:`UsageError` (exit 2)."""
    match = _SHARD.match(text)
    if not match:
        raise UsageError(f"--shard {text!r} is not K/N", hint=_HINT)
    k, n = int(match.group(1)), int(match.group(2))
    if n < 1 or not 1 <= k <= n:
        raise UsageError(f"--shard {text!r}: K must be between 1 and N, and N at least 1", hint=_HINT)
    return k, n


def shard_range(total: int, k: int, n: int) -> range:
    """The global iteration numbers (0-based) shard ``k`` of ``n`` runs out of ``total``."""
    if n < 1 or not 1 <= k <= n:
        raise UsageError(f"shard {k}/{n}: K must be between 1 and N", hint=_HINT)
    size, extra = divmod(total, n)
    index = k - 1
    start = size * index + min(extra, index)
    return range(start, start + size + (1 if index < extra else 0))
