"""``--shard K/N`` arithmetic: the shards cover every iteration once, in order, as evenly as they can."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rqrun.errors import UsageError
from rqrun.shard import parse_shard, shard_range


@given(total=st.integers(min_value=0, max_value=500), n=st.integers(min_value=1, max_value=64))
def test_shards_partition_the_iterations_in_order_and_evenly(total: int, n: int) -> None:
    shares = [shard_range(total, k, n) for k in range(1, n + 1)]
    assert [i for share in shares for i in share] == list(range(total))
    sizes = [len(share) for share in shares]
    assert max(sizes) - min(sizes) <= 1
    assert sizes == sorted(sizes, reverse=True)  # the longer shares come first, as Playwright's


def test_thirty_rows_in_three_shards() -> None:
    assert [list(shard_range(30, k, 3)) for k in (1, 2, 3)] == [list(range(0, 10)), list(range(10, 20)), list(range(20, 30))]
    assert [list(shard_range(7, k, 3)) for k in (1, 2, 3)] == [[0, 1, 2], [3, 4], [5, 6]]


@pytest.mark.parametrize(("text", "expected"), [("1/1", (1, 1)), ("2/3", (2, 3)), (" 3 / 3 ", (3, 3))])
def test_parse_shard(text: str, expected: tuple[int, int]) -> None:
    assert parse_shard(text) == expected


@pytest.mark.parametrize("text", ["0/3", "4/3", "1/0", "3", "a/b", "-1/2", "1/2/3", "", "1.5/2"])
def test_parse_shard_refuses_what_is_not_k_of_n(text: str) -> None:
    with pytest.raises(UsageError, match="--shard"):
        parse_shard(text)
