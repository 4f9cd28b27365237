"""The training child runs the parent's vocgui wherever the app was started: a ``vocgui/``
source tree in the current directory (a clone's parent folder) must not shadow it.
(``tests/cli/test_project_location_cli.py`` trains for real from such a folder.)"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from vocgui.training.launcher import child_command

DECOY = 'raise ImportError("the decoy vocgui in the current directory was imported")\n'


def make_decoy(folder: Path) -> Path:
    """``folder`` holding a ``vocgui`` package (and training child) that fail on import."""
    (folder / "vocgui" / "training").mkdir(parents=True)
    for module in ("__init__.py", "training/__init__.py", "training/child.py"):
        (folder / "vocgui" / module).write_text(DECOY)
    return folder


@pytest.fixture
def decoy_cwd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = make_decoy(tmp_path / "parent-of-a-clone")
    monkeypatch.chdir(folder)
    return folder


def test_the_child_started_in_a_folder_with_a_decoy_runs_the_real_vocgui(decoy_cwd,
                                                                         tmp_path):
    # A spec that does not exist: the real child answers with its own 'finished' event
    # (before TensorFlow loads); the decoy would fail on import instead.
    command, env = child_command(tmp_path / "missing-spec.json")
    done = subprocess.run(command, env={**os.environ, **env}, text=True,
                          capture_output=True, timeout=120, cwd=decoy_cwd)
    assert "decoy" not in done.stderr, done.stderr
    event = json.loads(done.stdout.splitlines()[-1])
    assert event["type"] == "finished" and "Bad training spec" in event["message"]


def test_the_child_command_keeps_the_current_directory_off_the_path(tmp_path):
    import vocgui

    command, env = child_command(tmp_path / "spec.json")
    assert command[:4] == [sys.executable, "-P", "-m", "vocgui.training.child"]
    root = Path(vocgui.__file__).resolve().parents[1]
    assert env["PYTHONPATH"].split(":")[0] == str(root)
