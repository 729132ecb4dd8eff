"""SecretGate: short secrets are known by exact value and by name, never searched for."""

from __future__ import annotations

import pytest

from rqrun.errors import SecretNotAllowed
from rqrun.gate import Outgoing, SecretGate


def _to(url: str) -> Outgoing:
    return Outgoing("POST", url, [("X-K", "abc12")], b"abc12")


def test_a_short_bound_secret_is_known_by_exact_value_only():
    gate = SecretGate()
    gate.bind("pin", "abc12", ["127.0.0.1"])
    assert gate.key_of("abc12") == ("pin", ("127.0.0.1",))
    assert gate.key_of("abc123") is None and gate.key_of("21cba") is None
    assert gate.found_in(["x abc12 y"]) == []  # too short to search for
    gate.check(_to("http://127.0.0.2/x"))  # by value alone it passes...


def test_a_short_secret_named_by_its_key_is_refused_elsewhere():
    gate = SecretGate()
    gate.bind("pin", "abc12", ["127.0.0.1"])
    with pytest.raises(SecretNotAllowed) as info:  # ...by name it does not
        gate.check(_to("http://127.0.0.2/token"), keys=[("pin", ("127.0.0.1",))], what="OAuth token request")
    assert "'pin'" in info.value.message and "OAuth token request to 127.0.0.2" in info.value.message
    gate.check(_to("http://127.0.0.1/token"), keys=[("pin", ("127.0.0.1",))])


def test_confinement_refuses_any_other_host_whatever_the_request_holds():
    gate = SecretGate()
    gate.confine("pin", ("127.0.0.1",))
    with pytest.raises(SecretNotAllowed):
        gate.check(Outgoing("GET", "http://127.0.0.2/", []))
    assert gate.confined == {"pin": ("127.0.0.1",)}
