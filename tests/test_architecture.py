"""The layering rules hold: import contracts (import-linter) and the lint (ruff)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def test_import_contracts_hold() -> None:
    """core imports no Qt/TF; training no Qt; the GUI package never TensorFlow."""
    exe = shutil.which("lint-imports")
    assert exe, "import-linter is not installed (pip install -e '.[test]')"
    result = subprocess.run([exe, "--no-cache"], cwd=REPO, capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_is_clean() -> None:
    result = subprocess.run([sys.executable, "-m", "ruff", "check", "vocgui", "tests",
                             "benchmarks"], cwd=REPO, capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr


def test_no_file_is_over_600_lines() -> None:
    long = [f"{p.relative_to(REPO)} ({n} lines)" for p in (REPO / "vocgui").rglob("*.py")
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > 600]
    assert not long, long
