"""The public surface is exactly what __all__ says, and importing it stays cheap."""

from __future__ import annotations

import subprocess
import sys

import rqrun


def test_all_names_resolve():
    for name in rqrun.__all__:
        assert getattr(rqrun, name) is not None, name


def test_import_and_version_do_not_load_heavy_modules():
    code = (
        "import sys, rqrun.cli.main as m\n"
        "heavy = [n for n in ('httpx', 'RestrictedPython', 'boto3', 'botocore', 'keyring', 'cryptography') if n in sys.modules]\n"
        "print(','.join(heavy))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
