"""Read-only mode: a project locked by another process opens read-only from the lock
message (or File > Open Read-Only, ``vocgui --read-only``) and refuses every edit."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from main_window_helpers import LOAD_TIMEOUT_MS, private_settings, use_private_data_dir
from PySide6.QtWidgets import QApplication, QMessageBox

from vocgui.core.project import Project
from vocgui.core.project.commands import AddLabel
from vocgui.qt.app_state import AppState
from vocgui.qt.main_window import MainWindow


@pytest.fixture
def locked_project(demo_root: Path, tmp_path: Path):
    """A project held open for editing by this test, as another vocgui would hold it."""
    holder = Project.create_from_voc(tmp_path / "held.vocgui", demo_root)
    yield holder
    holder.close()


def _visible_box() -> QMessageBox | None:
    boxes = [w for w in QApplication.topLevelWidgets()
             if isinstance(w, QMessageBox) and w.isVisible()]
    return boxes[0] if boxes else None


def test_the_lock_message_opens_it_read_only_and_edits_are_refused(
        qtbot, locked_project, tmp_path, monkeypatch):
    use_private_data_dir(tmp_path, monkeypatch)
    window = MainWindow(AppState(), private_settings(tmp_path))
    qtbot.addWidget(window)
    path = locked_project.path
    with qtbot.waitSignal(window.open_failed, timeout=LOAD_TIMEOUT_MS):
        window.open_path(path)
    qtbot.waitUntil(lambda: _visible_box() is not None)
    box = _visible_box()
    assert "open it read-only" in box.text()
    [button] = [b for b in box.buttons() if b.text() == "Open Read-Only"]
    with qtbot.waitSignal(window.project_opened, timeout=LOAD_TIMEOUT_MS):
        button.click()
    project = window.state.project
    assert project.read_only and project.path == path
    assert "(read-only)" in window.windowTitle()
    assert window.saved_label.text() == "Read-only: edits are refused"

    before = project.labels.copy()
    name = project.classes[0]
    rows = np.flatnonzero(~before[:, 0])[:2]
    with qtbot.waitSignal(window.state.edit_refused) as refused:
        window.state.push(AddLabel(project, rows, name))
    assert "read-only" in refused.args[0] and f"Add '{name}'" in refused.args[0]
    assert refused.args[0] in window.statusBar().currentMessage()
    assert window.state.undo_stack.count() == 0
    np.testing.assert_array_equal(project.labels, before)
    # The editing process still owns the file and its labels are as they were.
    np.testing.assert_array_equal(locked_project.labels, before)


def test_vocgui_read_only_opens_a_locked_project(locked_project, tmp_path):
    out = tmp_path / "shot.png"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", VOCGUI_DATA_DIR=str(tmp_path / "d"))
    args = [sys.executable, "-m", "vocgui", "--screenshot", str(out), "--screenshot-delay",
            "0", str(locked_project.path)]
    refused = subprocess.run(args, env=env, text=True, capture_output=True, timeout=300)
    assert refused.returncode == 1 and "--read-only" in refused.stderr
    done = subprocess.run([*args, "--read-only"], env=env, text=True, capture_output=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    assert out.is_file()


def test_training_cannot_start_in_a_read_only_window(qtbot, locked_project):
    from vocgui.qt.training import TrainingPanel
    from vocgui.qt.training.panel import READ_ONLY_TIP

    state = AppState()
    panel = TrainingPanel(state)
    qtbot.addWidget(panel)
    state.set_project(Project.open(locked_project.path, read_only=True))
    assert not panel.start_button.isEnabled()
    assert panel.start_button.toolTip() == READ_ONLY_TIP
    panel.start()  # a shortcut or a stale click: still nothing is recorded
    assert state.project.runs().empty and READ_ONLY_TIP in panel.status_line.text()
    state.project.close()
    state.set_project(locked_project)  # the editing window may train
    assert panel.start_button.isEnabled() and panel.start_button.toolTip() == ""
    panel.shutdown()
