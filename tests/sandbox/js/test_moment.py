"""``require('moment')`` (libs/moment.js): parsing, formatting and arithmetic, checked against Python's datetime."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest
from pm_harness import PmContext

# 2026-03-07T09:05:03.045Z, a Saturday.
T = datetime(2026, 3, 7, 9, 5, 3, 45000, tzinfo=UTC)
MS = int(T.timestamp() * 1000)


@pytest.fixture(scope="module")
def pm() -> PmContext:
    context = PmContext()
    context.ctx.eval(f"var moment = require('moment'); var T = {MS};")
    return context


@pytest.mark.parametrize(("expression", "expected"), [
    ("moment.utc(T).format()", "2026-03-07T09:05:03Z"),
    ("moment.utc(T).format('YYYY-MM-DD HH:mm:ss.SSS')", "2026-03-07 09:05:03.045"),
    ("moment.utc(T).format('ddd, DD MMM YYYY HH:mm:ss [GMT]')", T.strftime("%a, %d %b %Y %H:%M:%S GMT")),
    ("moment.utc(T).format('dddd MMMM Do YY h:m:s a A')", "Saturday March 7th 26 9:5:3 am AM"),
    ("moment.utc(T).format('X x Z ZZ Q DDD E')", f"{MS // 1000} {MS} +00:00 +0000 1 66 6"),
    ("moment.utc(T).format('W')", str(T.isocalendar()[1])),
    ("moment.utc(T).toISOString()", "2026-03-07T09:05:03.045Z"),
    ("moment.utc(T).unix()", MS // 1000),
    ("moment.utc(T).valueOf()", MS),
    ("moment.utc(T).add(1, 'days').format('YYYY-MM-DD')", (T + timedelta(days=1)).strftime("%Y-%m-%d")),
    ("moment.utc(T).add(30, 'minutes').add(2, 'h').format('HH:mm')", "11:35"),
    ("moment.utc(T).subtract(1, 'month').format('YYYY-MM-DD')", "2026-02-07"),
    ("moment.utc('2026-01-31').add(1, 'months').format('YYYY-MM-DD')", "2026-02-28"),
    ("moment.utc(T).add({days: 2, hours: 1}).format('DD HH')", "09 10"),
    ("moment.utc(T).subtract(1, 'year').year()", 2025),
    ("moment.utc(T).startOf('day').toISOString()", "2026-03-07T00:00:00.000Z"),
    ("moment.utc(T).startOf('month').toISOString()", "2026-03-01T00:00:00.000Z"),
    ("moment.utc(T).endOf('month').toISOString()", "2026-03-31T23:59:59.999Z"),
    ("moment.utc(T).startOf('isoWeek').format('YYYY-MM-DD dddd')", "2026-03-02 Monday"),
    ("moment.utc('2026-03-10').diff(moment.utc('2026-03-07'), 'days')", 3),
    ("moment.utc('2026-03-07T12:00:00Z').diff(moment.utc('2026-03-07T00:00:00Z'), 'hours')", 12),
    ("moment.utc('2027-03-07').diff(moment.utc('2026-03-07'), 'years')", 1),
    ("moment.utc('2026-05-07').diff(moment.utc('2026-03-07'), 'months')", 2),
    ("moment.utc('2026-03-08').diff(moment.utc('2026-03-07'), 'days', true)", 1),
    ("moment.utc('2026-03-07T10:20:30+02:00').toISOString()", "2026-03-07T08:20:30.000Z"),
    ("moment.utc('07/03/2026 14:30', 'DD/MM/YYYY HH:mm').toISOString()", "2026-03-07T14:30:00.000Z"),
    ("moment.utc('March 7, 2026', 'MMMM D, YYYY').format('YYYY-MM-DD')", "2026-03-07"),
    ("moment('not a date').isValid()", False),
    ("moment('not a date').format()", "Invalid date"),
    ("moment.unix(1700000000).utc().format('YYYY-MM-DDTHH:mm:ss')", "2023-11-14T22:13:20"),
    ("[moment.utc(T).isBefore(moment.utc(T).add(1, 's')), moment.utc(T).isAfter(T), moment.utc(T).isSame(T + 5, 'second')]",
     [True, False, True]),
    ("[moment.utc(T).month(), moment.utc(T).date(), moment.utc(T).day(), moment.utc(T).hours(), moment.utc(T).daysInMonth()]",
     [2, 7, 6, 9, 31]),
    ("moment.utc(T).clone().add(1, 'd').valueOf() - T", 86400000),
    ("moment.isMoment(moment())", True),
    ("moment.duration(90, 'minutes').asHours()", 1.5),
    ("moment.utc(T).add(moment.duration(1, 'hour')).format('HH')", "10"),
    ("JSON.stringify({at: moment.utc(T)})", '{"at":"2026-03-07T09:05:03.045Z"}'),
])
def test_moment(pm: PmContext, expression: str, expected: object) -> None:
    assert pm.value(expression) == expected


def test_now_is_now(pm: PmContext) -> None:
    before = int(time.time())
    now = pm.value("moment().unix()")
    assert before - 2 <= now <= int(time.time()) + 2
    assert pm.value("moment().format('YYYY')") == str(datetime.now().year)


def test_local_format_carries_the_local_offset(pm: PmContext) -> None:
    offset = pm.value(f"moment({MS}).format('Z')")
    local = datetime.fromtimestamp(MS / 1000).astimezone().strftime("%z")
    assert offset == local[:3] + ":" + local[3:]
