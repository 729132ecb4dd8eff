"""The public surface is exactly what __all__ says, and importing it stays cheap."""

from __future__ import annotations

import json
import subprocess
import sys

import rqrun


def test_all_names_resolve():
    for name in rqrun.__all__:
        assert getattr(rqrun, name) is not None, name


def test_nothing_else_is_public():
    """The namespace is __all__, dunders, private names and the submodules Python binds on import.

    Checked in a fresh process after every public name was resolved (so the lazy imports have
    run): a helper imported into ``rqrun/__init__.py`` (``Any``, ``TYPE_CHECKING``, the
    ``annotations`` future flag) would otherwise look like API.
    """
    code = (
        "import json, types, rqrun\n"
        "for name in rqrun.__all__: getattr(rqrun, name)\n"
        "extra = [n for n, v in vars(rqrun).items() if not n.startswith('_') and n not in rqrun.__all__\n"
        "         and not (isinstance(v, types.ModuleType) and v.__name__ == 'rqrun.' + n)]\n"
        "print(json.dumps({'extra': sorted(extra), 'dir': dir(rqrun), 'all': sorted(rqrun.__all__),\n"
        "                  'unique': len(set(rqrun.__all__)) == len(rqrun.__all__)}))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    seen = json.loads(out.stdout)
    assert seen["extra"] == [], f"public in rqrun but not in __all__: {seen['extra']}"
    assert seen["dir"] == seen["all"] and seen["unique"]


def test_import_and_version_do_not_load_heavy_modules():
    code = (
        "import sys, rqrun.cli.main as m\n"
        "heavy = [n for n in ('httpx', 'RestrictedPython', 'boto3', 'botocore', 'keyring', 'cryptography') if n in sys.modules]\n"
        "print(','.join(heavy))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
