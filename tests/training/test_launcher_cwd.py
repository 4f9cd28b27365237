"""The training child runs the parent's vocgui wherever the app was started: a ``vocgui/``
source tree in the current directory (a clone's parent folder) must not shadow it."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from vocgui.training.config import Augment, defaults_for
from vocgui.training.launcher import TrainingProcess, child_command

pytestmark = pytest.mark.slow

DECOY = 'raise ImportError("the decoy vocgui in the current directory was imported")\n'


@pytest.fixture
def decoy_cwd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A current directory holding a ``vocgui`` package that fails on import."""
    folder = tmp_path / "parent-of-a-clone"
    (folder / "vocgui" / "training").mkdir(parents=True)
    (folder / "vocgui" / "__init__.py").write_text(DECOY)
    (folder / "vocgui" / "training" / "__init__.py").write_text(DECOY)
    (folder / "vocgui" / "training" / "child.py").write_text(DECOY)
    monkeypatch.chdir(folder)
    return folder


def test_the_child_trains_from_a_folder_holding_a_decoy_vocgui(demo_snapshot, decoy_cwd,
                                                               tmp_path):
    config = defaults_for("small_cnn", target_size=32, batch_size=16, epochs=1,
                          augment=Augment.off(), workers=1)
    with TrainingProcess(demo_snapshot, config, tmp_path / "run") as process:
        events = list(process.events(timeout=300))
    log = (tmp_path / "run" / "child.log").read_text()
    assert events[-1]["status"] == "completed", (events[-1], log)
    assert "decoy" not in log


def test_the_child_command_keeps_the_current_directory_off_the_path(tmp_path):
    command, env = child_command(tmp_path / "spec.json")
    assert command[:4] == [sys.executable, "-P", "-m", "vocgui.training.child"]
    root = Path(__file__).resolve().parents[2]
    import vocgui

    assert Path(vocgui.__file__).resolve().parents[1] == root
    assert env["PYTHONPATH"].split(":")[0] == str(root)
