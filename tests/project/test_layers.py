"""Data flows one way; no stage imports a later stage or flows (import-linter contract)."""

from __future__ import annotations

import shutil
import subprocess

from tests.support.paths import ROOT


def test_import_layers() -> None:
    exe = shutil.which("lint-imports") or str(ROOT / ".venv" / "bin" / "lint-imports")
    proc = subprocess.run([exe], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
