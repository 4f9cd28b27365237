"""The command line answers at once: ``--help`` and usage errors import none of the heavy
libraries (which cost seconds), and a closed pipe ends output quietly."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from vocgui.cli.main import SUBCOMMANDS

REPO = Path(__file__).resolve().parents[2]
HEAVY = ("pandas", "sklearn", "matplotlib", "cleanlab", "tensorflow", "keras", "PySide6")

_PROBE = """
import sys
from vocgui.cli.main import main
try:
    code = main(sys.argv[1:])
except SystemExit as exc:
    code = exc.code
heavy = [name for name in {heavy!r} if name in sys.modules]
print("HEAVY=" + ",".join(heavy), file=sys.stderr)
raise SystemExit(code)
"""


def _vocgui(*args: str, stdout: int = subprocess.PIPE) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(REPO))
    return subprocess.run([sys.executable, "-c", _PROBE.format(heavy=HEAVY), *args],
                          env=env, text=True, stdout=stdout, stderr=subprocess.PIPE,
                          timeout=120)


@pytest.mark.parametrize("args", [["--help"], *([name, "--help"] for name in SUBCOMMANDS)])
def test_help_imports_no_heavy_library(args):
    done = _vocgui(*args)
    assert done.returncode == 0, done.stderr
    assert "usage: vocgui" in done.stdout
    assert "HEAVY=\n" in done.stderr, done.stderr


def test_top_level_help_lists_every_subcommand():
    done = _vocgui("--help")
    for name, (_module, help_text) in SUBCOMMANDS.items():
        assert name in done.stdout and help_text in done.stdout


@pytest.mark.parametrize("command", ["review", "scan", "train", "demo"])
def test_a_missing_argument_is_a_usage_error_without_heavy_imports(command):
    done = _vocgui(command)
    assert done.returncode == 2
    assert "the following arguments are required" in done.stderr
    assert "HEAVY=\n" in done.stderr, done.stderr


def test_a_closed_pipe_ends_scan_quietly(demo_root):
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader is gone before the first line, as with `| head -0`
    try:
        done = _vocgui("scan", "--json", str(demo_root), stdout=write_end)
    finally:
        os.close(write_end)
    assert "Traceback" not in done.stderr and "BrokenPipe" not in done.stderr, done.stderr
    assert done.returncode == 141
