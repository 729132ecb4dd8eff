"""Sealed providers: the store routes by source prefix and imports no provider; the library never prints."""

from __future__ import annotations

import ast
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import rqrun.vault
from rqrun.errors import ProviderError, VaultError
from rqrun.vault import Vault, providers
from rqrun.vault.store import Sealer

_STORE = Path(rqrun.vault.__file__).with_name("store.py")


def _imported_modules(path: Path) -> set[str]:
    """Every module a file imports, anywhere in it (also inside functions), as dotted names."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: from .x import y
                base = ".".join(["rqrun", "vault"][: 3 - node.level] + ([base] if base else []))
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


def test_store_imports_no_provider_module() -> None:
    imported = _imported_modules(_STORE)
    assert "rqrun.vault.providers" in imported  # the registry is how the store reaches providers
    provider_modules = {"rqrun.vault.aws_provider", "rqrun.vault.aws", "rqrun.vault.aws_client",
                        "rqrun.vault.aws_configs", "rqrun.vault.aws_errors", "boto3", "botocore"}
    assert not imported & provider_modules, imported & provider_modules
    assert not [m for m in imported if m.startswith(("rqrun.vault.aws", "boto"))]
    assert "aws" not in {n.id for n in ast.walk(ast.parse(_STORE.read_text())) if isinstance(n, ast.Name)}


def test_local_only_use_imports_no_provider(vault_env: Path) -> None:
    code = (
        "import sys; from rqrun.vault import open_vault; v = open_vault(None); v.set('k', 'local-1'); "
        "assert v.get('k') == 'local-1' and v.keys() == ['k']; "
        "bad = sorted(m for m in sys.modules if m.startswith('rqrun.vault.aws') or m.split('.')[0] in ('boto3', 'botocore')); "
        "assert not bad, bad"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


class _EchoProvider:
    """A provider whose "remote" secrets are their alias reversed; counts fetches."""

    prefix = "echo"
    aad_fields = ("remote_id",)

    def __init__(self) -> None:
        self.fetches: list[tuple[str, str]] = []

    def active_config(self, doc: dict[str, Any]) -> str | None:
        section = doc.get("echo") or {}
        active = section.get("active")
        return active if isinstance(active, str) else None

    def selection_error(self, doc: dict[str, Any], config: str, where: str) -> VaultError | None:
        return None if config in {"one", "two"} else VaultError(f"no echo config {config!r}", where=where)

    def read_only_error(self, entry: dict[str, Any], where: str) -> VaultError:
        return VaultError(f"{entry['name']!r} belongs to echo", where=where)

    def fetch_missing(self, vault: Vault, doc: dict[str, Any], config: str, alias: str) -> VaultError | None:
        self.fetches.append((config, alias))
        if alias == "broken":
            return ProviderError(f"echo cannot fetch {alias!r}")

        def change(doc: dict[str, Any], sealer: Sealer) -> bool:
            entry = next(e for e in doc["secrets"] if e["source"] == f"echo:{config}" and e["name"] == alias)
            entry["cache"] = {"value": sealer.seal_secret(entry, alias[::-1])}
            return True

        vault.modify(change)
        return None


@pytest.fixture
def echo() -> Iterator[_EchoProvider]:
    provider = _EchoProvider()
    providers.register(provider)
    yield provider
    providers._REGISTERED.pop("echo", None)


def test_store_routes_by_prefix_to_any_provider(echo: _EchoProvider, make_vault: Any) -> None:
    vault = make_vault()
    vault.set("token", "local-token")

    def link(doc: dict[str, Any], sealer: Sealer) -> bool:
        doc["echo"] = {"active": "one"}
        for config, name in (("one", "token"), ("one", "broken"), ("two", "other")):
            doc["secrets"].append({"name": name, "source": f"echo:{config}", "remote_id": name, "error": None})
        return True

    vault.modify(link)
    fresh = make_vault()
    assert fresh.get("token") == "nekot" and fresh.get("token") == "nekot"  # the provider wins; fetched once
    assert echo.fetches == [("one", "token")]
    assert make_vault().get("token") == "nekot" and echo.fetches == [("one", "token")]  # cached in the file
    for _ in range(2):
        with pytest.raises(ProviderError, match="echo cannot fetch 'broken'"):
            fresh.get("broken")
    assert echo.fetches.count(("one", "broken")) == 1  # a failure is remembered for the process
    with pytest.raises(VaultError, match="'token' belongs to echo"):
        fresh.set("token", "x")
    assert not fresh.has("other")
    fresh.use_config("echo", "two")
    assert fresh.get("other") == "rehto" and fresh.get("token") == "local-token"
    fresh.use_config("echo", "three")
    with pytest.raises(VaultError, match="no echo config 'three'"):
        fresh.get("missing")


def test_library_never_prints(vault_env: Path, capfd: pytest.CaptureFixture[str]) -> None:
    vault = Vault(vault_env / "vault.json")  # no notify: notices are kept, not printed
    vault.set("a", "secret-1")
    assert any("created" in n and "vault.key" in n for n in vault.notices)
    (vault_env / "vault.json").chmod(0o644)
    again = Vault(vault_env / "vault.json")
    assert any("chmod 0600" in n for n in again.notices)
    out, err = capfd.readouterr()
    assert out == "" and err == ""
