"""Vault costs a run pays: unlock per key source, cached gets, one write, and redaction.

Run: ``.venv/bin/python bench/bench_vault.py``. Each unlock is measured on a fresh ``Vault``
object (as a new process would pay it: parse, unwrap the data key, decrypt every value),
median of several runs, with 100 secrets in the vault.
"""

from __future__ import annotations

import base64
import os
import random
import statistics
import string
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

__all__ = ["main"]

SECRETS = 100
REPEAT = 7


def _median_ms(fn: Callable[[], object], repeat: int = REPEAT) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def _fill(path: Path) -> None:
    from rqrun.vault import Vault

    vault = Vault(path, notify=lambda m: None)

    def change(doc: dict, sealer: object) -> bool:  # one write for all entries: faster setup
        from rqrun.vault.schema import LOCAL, utc_now

        for i in range(SECRETS):
            entry = {"name": f"secret{i}", "source": LOCAL, "allow_hosts": None, "created_at": utc_now()}
            entry["value"] = sealer.seal_secret(entry, f"value-{i}-" + "x" * 24)  # type: ignore[attr-defined]
            doc["secrets"].append(entry)
        return True

    vault.modify(change)


def _unlock_cost(home: Path, env: dict[str, str]) -> float:
    from rqrun.vault import Vault

    os.environ["RQRUN_HOME"] = str(home)
    os.environ.update(env)
    try:
        path = home / "vault.json"
        _fill(path)

        def unlock() -> None:
            vault = Vault(path, notify=lambda m: None)
            vault.unlock()

        return _median_ms(unlock)
    finally:
        for name in env:
            os.environ.pop(name, None)


def _placeholder_costs(path: Path) -> tuple[float, float]:
    """Milliseconds to render 10,000 ``{{vault:k}}`` placeholders after the one unlock.

    Goes through the run's own path: :class:`rqrun.variables.Renderer` with
    :meth:`rqrun.run_vault.RunVault.lookup` (which also registers each value with the redactor).
    Measured twice: one template holding all 10,000, and 10,000 one-placeholder templates (a
    header per request, as a long run pays it).
    """
    from rqrun.options import RunOptions
    from rqrun.redact import Redactor
    from rqrun.run_vault import RunVault
    from rqrun.variables import Renderer, Scopes

    view = RunVault(RunOptions(collection="bench", vault_path=str(path)), Redactor([]))
    view.lookup("secret0")  # the one unlock a process pays, outside the timing
    names = [f"secret{i % SECRETS}" for i in range(10_000)]
    big = " ".join("{{vault:" + name + "}}" for name in names)
    small = ["Bearer {{vault:" + name + "}}" for name in names]

    def one_template() -> None:
        rendered = Renderer(Scopes(), vault=view.lookup).render(big)
        assert "{{" not in rendered

    def many_templates() -> None:
        renderer = Renderer(Scopes(), vault=view.lookup)
        for template in small:
            renderer.render(template)

    return _median_ms(one_template), _median_ms(many_templates)


def main() -> None:
    os.environ["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"
    for name in ("RQRUN_VAULT_KEY", "RQRUN_VAULT_PASSPHRASE"):
        os.environ.pop(name, None)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        raw = base64.b64encode(os.urandom(32)).decode()
        print(f"unlock with {SECRETS} secrets (parse + unwrap + decrypt all), median of {REPEAT}:")
        print(f"  raw key (RQRUN_VAULT_KEY)        {_unlock_cost(root / 'raw', {'RQRUN_VAULT_KEY': raw}):8.2f} ms")
        pw_ms = _unlock_cost(root / "pw", {"RQRUN_VAULT_PASSPHRASE": "correct horse battery staple"})
        from rqrun.vault import crypto

        alg = crypto.default_kdf()["alg"]
        print(f"  passphrase ({alg:8})            {pw_ms:8.2f} ms")
        print(f"  key file ($RQRUN_HOME/vault.key) {_unlock_cost(root / 'file', {}):8.2f} ms")

        from rqrun.vault import Vault

        os.environ["RQRUN_HOME"] = str(root / "file")
        vault = Vault(root / "file" / "vault.json", notify=lambda m: None)
        vault.unlock()
        keys = [f"secret{i % SECRETS}" for i in range(10_000)]

        def gets() -> None:
            for key in keys:
                vault.get(key)

        print(f"10,000 get() after unlock          {_median_ms(gets):8.2f} ms")
        one, many = _placeholder_costs(root / "file" / "vault.json")
        print(f"10,000 {{{{vault:k}}}} in one template     {one:8.2f} ms   (Renderer + the run's vault view)")
        print(f"10,000 templates of one {{{{vault:k}}}}    {many:8.2f} ms   (target: under 50 ms)")
        counter = iter(range(10**6))
        print(f"one set() (lock, re-read, write)   {_median_ms(lambda: vault.set(f'w{next(counter)}', 'v')):8.2f} ms")

    from rqrun.redact import Redactor

    rng = random.Random(1)
    secrets = ["".join(rng.choices(string.ascii_letters + string.digits, k=rng.randint(12, 40))) for _ in range(100)]
    words = [" ".join(rng.choices(["alpha", "beta", "gamma", "delta", "token", "id", "ok"], k=8)) for _ in range(200)]
    parts: list[str] = []
    size = 0
    while size < 1_000_000:
        chunk = rng.choice(words) + (" " + rng.choice(secrets) if rng.random() < 0.05 else "") + "\n"
        parts.append(chunk)
        size += len(chunk)
    report = "".join(parts)
    redactor = Redactor(secrets)
    redactor.redact("warm up the pattern")
    cost = _median_ms(lambda: redactor.redact(report))
    assert not any(s in redactor.redact(report) for s in secrets)
    print(f"redact a {len(report) / 1e6:.1f} MB report, 100 secrets  {cost:8.2f} ms")


if __name__ == "__main__":
    main()
