"""The command line of a vocgui child process (training, scoring, a UMAP layout)."""

from __future__ import annotations

import os
import sys
from pathlib import Path


def module_command(module: str, *args: str) -> tuple[list[str], dict[str, str]]:
    """``python -P -m module args...`` and the environment it adds.

    ``-P`` keeps the current directory off the child's ``sys.path``: started from a folder
    holding a ``vocgui/`` source tree (a clone's parent folder), ``python -m`` would import
    that tree instead of the installed package. The folder this very ``vocgui`` was
    imported from goes first on ``PYTHONPATH``, so the child runs the parent's code.
    """
    package_root = str(Path(__file__).resolve().parents[2])
    python_path = os.pathsep.join(
        p for p in (package_root, os.environ.get("PYTHONPATH", "")) if p)
    return [sys.executable, "-P", "-m", module, *args], {"PYTHONPATH": python_path}
