"""``require('uuid')`` (libs/uuid.js): ids Python's uuid module reads as the right version and variant."""

from __future__ import annotations

import uuid

from pm_harness import PmContext


def test_v4_ids_are_random_rfc4122_version_4() -> None:
    pm = PmContext()
    ids = pm.value("(function () { var u = require('uuid'); var out = []; for (var i = 0; i < 200; i++) out.push(u.v4()); return out; })()")
    assert len(set(ids)) == 200
    for text in ids:
        parsed = uuid.UUID(text)
        assert str(parsed) == text and parsed.version == 4 and parsed.variant == uuid.RFC_4122
    assert uuid.UUID(pm.value("require('uuid')()")).version == 4


def test_v1_validate_version_parse() -> None:
    pm = PmContext()
    text = pm.value("require('uuid').v1()")
    assert uuid.UUID(text).version == 1 and uuid.UUID(text).variant == uuid.RFC_4122
    sample = str(uuid.UUID(int=0x1234567890ABCDEF1234567890ABCDEF, version=4))
    assert pm.value(f"[require('uuid').validate('{sample}'), require('uuid').validate('nope'), require('uuid').version('{sample}')]") == \
        [True, False, 4]
    assert pm.value(f"require('uuid').parse('{sample}')") == list(uuid.UUID(sample).bytes)
    assert pm.value(f"require('uuid').stringify(require('uuid').parse('{sample}'))") == sample
    assert pm.value("require('uuid').v4({random: [0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15]})") == \
        "00010203-0405-4607-8809-0a0b0c0d0e0f"
