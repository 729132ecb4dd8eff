"""Placeholder rendering: scopes, precedence, composites, cycles, dynamic values, the vault seam."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rqrun.errors import SecretNotFound
from rqrun.variables import Renderer, Scopes, missing_secret, placeholders_in, to_text


def scopes(**layers):
    return Scopes(**layers)


def test_spaces_inside_braces_and_names_with_dots_and_dashes():
    r = Renderer(scopes(environment={"api.host": "h", "x-y": "z"}))
    assert r.render("{{ api.host }}/{{x-y}}") == "h/z"


@pytest.mark.parametrize(
    "layer, expected",
    [
        ("data", "from-data"),
        ("run", "from-run"),
        ("environment", "from-env"),
        ("folders", "from-near-folder"),
        ("collection", "from-collection"),
        ("globals", "from-globals"),
    ],
)
def test_precedence_highest_scope_wins(layer, expected):
    order = ["data", "run", "environment", "folders", "collection", "globals"]
    values = {
        "data": {"v": "from-data"},
        "run": {"v": "from-run"},
        "environment": {"v": "from-env"},
        "folders": [{"v": "from-near-folder"}, {"v": "from-far-folder"}],
        "collection": {"v": "from-collection"},
        "globals": {"v": "from-globals"},
    }
    # keep only the scopes at or below the one under test
    kept = {name: values[name] for name in order[order.index(layer):]}
    assert Renderer(Scopes(**kept)).render("{{v}}") == expected


def test_nearest_folder_shadows_outer_folder():
    s = scopes(folders=[{"v": "inner"}, {"v": "outer", "w": "outer-w"}])
    assert Renderer(s).render("{{v}} {{w}}") == "inner outer-w"


def test_unresolved_left_verbatim_and_recorded():
    r = Renderer(scopes())
    assert r.render("a {{missing}} b") == "a {{missing}} b"
    assert r.unresolved == {"missing"}


def test_composite_values_render_recursively():
    r = Renderer(scopes(environment={"host": "example.test", "base": "https://{{host}}/v1", "url": "{{base}}/users"}))
    assert r.render("{{url}}") == "https://example.test/v1/users"


def test_cycle_left_unrendered_with_a_warning():
    r = Renderer(scopes(environment={"a": "x{{b}}", "b": "y{{a}}"}))
    out = r.render("{{a}}")
    assert out == "xy{{a}}"
    assert any("cycle a -> b -> a" in w for w in r.warnings)


def test_self_reference_does_not_loop():
    r = Renderer(scopes(environment={"a": "{{a}}!"}))
    assert r.render("{{a}}") == "{{a}}!"


def test_typed_values_render_like_javascript():
    assert to_text(True) == "true" and to_text(False) == "false"
    assert to_text(5.0) == "5" and to_text(1.5) == "1.5" and to_text(None) == ""
    assert to_text({"a": [1, 2]}) == '{"a":[1,2]}'


def test_dynamic_values():
    r = Renderer(scopes())
    guid = r.render("{{$guid}}")
    assert re.fullmatch(r"[0-9a-f-]{36}", guid)
    assert r.render("{{$randomUUID}}") != r.render("{{$randomUUID}}")
    value = int(r.render("{{$randomInt 3 4}}"))
    assert value in (3, 4)
    assert len(r.render("{{$randomAlphaNumeric 12}}")) == 12
    assert r.render("{{$randomBoolean}}") in ("true", "false")
    assert "@" in r.render("{{$randomEmail}}")
    assert r.render("{{$timestamp}}").isdigit()
    assert r.render("{{$isoTimestamp}}").endswith("Z")
    # Every draw is a word (a double-barrelled name like "Berners-Lee" included): one value per
    # check, so the assertion holds whatever the system random source picks.
    for name in ("randomFirstName", "randomLastName", "randomWord"):
        for _ in range(50):
            value = r.render("{{$" + name + "}}")
            assert re.fullmatch(r"[A-Za-z]+(?:-[A-Za-z]+)*", value), (name, value)


def test_user_variable_named_like_a_generator_wins_without_arguments():
    r = Renderer(scopes(environment={"$randomInt": "7"}))
    assert r.render("{{$randomInt}}") == "7"
    assert r.render("{{$randomInt 1 1}}") == "1"


def test_unknown_dynamic_is_unresolved_and_bad_arguments_warn():
    r = Renderer(scopes())
    assert r.render("{{$nope}}") == "{{$nope}}"
    assert "$nope" in r.unresolved
    assert r.render("{{$randomInt 9 1}}") == "{{$randomInt 9 1}}"
    assert r.warnings


def test_vault_placeholders_go_to_the_resolver():
    seen = []

    def vault(key):
        seen.append(key)
        if key == "api-key":
            return "s3cr3t"
        raise missing_secret(key)

    r = Renderer(scopes(environment={"auth": "Key {{vault:api-key}}"}), vault=vault)
    assert r.render("{{auth}}") == "Key s3cr3t"
    assert r.used_secrets == {"api-key"}
    with pytest.raises(SecretNotFound) as info:
        r.render("{{vault:other}}")
    assert "rqrun vault set other" in info.value.one_line()


def test_vault_without_resolver_is_unresolved():
    r = Renderer(scopes())
    assert r.render("{{vault:k}}") == "{{vault:k}}"
    assert "vault:k" in r.unresolved


def test_placeholders_in_lists_names():
    assert placeholders_in("{{a}} {{ $guid }} {{vault:x}}") == ["a", "$guid", "vault:x"]


def test_ten_thousand_vault_placeholders_all_render():
    """The 50 ms budget is measured by bench/bench_vault.py; here, that every one resolves."""
    r = Renderer(scopes(), vault=lambda key: "value-" + key)
    out = r.render("{{vault:k}}," * 10_000)
    assert out == "value-k," * 10_000 and not r.unresolved


_names = st.text(alphabet=st.characters(blacklist_characters="{}", blacklist_categories=("Cs",)), min_size=1, max_size=12)


@settings(max_examples=300, deadline=None)
@given(template=st.text(max_size=200), env=st.dictionaries(_names, st.text(max_size=30), max_size=5))
def test_rendering_never_raises_and_plain_text_survives(template, env):
    r = Renderer(scopes(environment=env))
    out = r.render(template)
    assert isinstance(out, str)
    if "{{" not in template:
        assert out == template


@settings(max_examples=200, deadline=None)
@given(env=st.dictionaries(st.sampled_from("abcde"), st.sampled_from(["{{a}}", "{{b}}", "x{{c}}", "{{d}}{{e}}", "z"]), max_size=5))
def test_any_web_of_references_terminates(env):
    r = Renderer(scopes(environment=env))
    for name in "abcde":
        r.render("{{" + name + "}}")


def test_exponential_composites_stop_at_the_expansion_budget():
    env = {f"v{i}": "{{v%d}}{{v%d}}" % (i + 1, i + 1) for i in range(40)}
    env["v40"] = "x"
    r = Renderer(scopes(environment=env))
    out = r.render("{{v0}}")
    assert len(out) < 10_000_000
    assert any("expand more than" in w for w in r.warnings)


def _doubling_chain(levels: int, leaf: str) -> dict[str, str]:
    env = {"a0": leaf}
    env.update({f"a{i}": "{{a%d}}{{a%d}}" % (i - 1, i - 1) for i in range(1, levels + 1)})
    return env


def test_doubling_values_fail_the_request_at_the_size_ceiling():
    from rqrun.variables import MAX_RENDERED_CHARS, RenderTooLarge

    r = Renderer(scopes(run=_doubling_chain(30, "x" * 1000)))
    with pytest.raises(RenderTooLarge) as info:
        r.render("http://h/{{a30}}")
    assert info.value.kind == "too-large"
    assert info.value.one_line().startswith("variables expand to more than 16,777,216 characters (16 MiB) in this request")
    assert "{{a30}}" in info.value.message
    assert MAX_RENDERED_CHARS == 16 * 1024 * 1024


def test_the_ceiling_counts_every_field_of_one_request_but_not_plain_text():
    from rqrun.variables import RenderTooLarge

    r = Renderer(scopes(environment={"v": "y" * 600}), max_chars=1000)
    assert r.render("z" * 5000) == "z" * 5000  # no placeholder: nothing is built
    assert r.render("{{v}}") == "y" * 600
    with pytest.raises(RenderTooLarge):
        r.render("{{v}}")  # 1,200 characters for this renderer in all
    assert Renderer(scopes(environment={"v": "y" * 600}), max_chars=1000).render("{{v}}") == "y" * 600


def test_a_value_just_under_the_ceiling_renders():
    r = Renderer(scopes(data={"big": "b" * 1000}), max_chars=1010)
    assert r.render("<{{big}}>") == "<" + "b" * 1000 + ">"


def test_nested_intermediate_text_counts_towards_the_ceiling():
    from rqrun.variables import RenderTooLarge

    env = {"a0": "{{leaf}}!", "a1": "{{a0}}", "a2": "{{a1}}", "leaf": "q" * 400}
    assert Renderer(scopes(environment=env), max_chars=1700).render("{{a2}}") == "q" * 400 + "!"
    with pytest.raises(RenderTooLarge) as info:
        Renderer(scopes(environment=env), max_chars=1000).render("{{a2}}")
    assert "{{a2}}" in info.value.message


def test_the_ceiling_message_names_a_long_placeholder_briefly_and_a_literal_overflow_plainly():
    from rqrun.variables import RenderTooLarge

    long_name = "n" * 500
    with pytest.raises(RenderTooLarge) as info:
        Renderer(scopes(environment={long_name: "v" * 50}), max_chars=20).render("{{" + long_name + "}}")
    assert "{{" + "n" * 57 + "...}}" in info.value.message and len(info.value.message) < 200
    with pytest.raises(RenderTooLarge) as info:
        Renderer(scopes(environment={"v": "1"}), max_chars=20).render("{{v}}" + "z" * 30)
    assert info.value.message == "variables expand to more than 20 characters in this request"
