"""The Training panel with real runs: a real project from the demo dataset, a real small
CNN trained in a real child process, its events recorded in the real project file.

Each run is tiny (64 px, 120 images); most of a run's time is the child importing
TensorFlow. Stop and kill are exercised mid-run, and the panel must stay usable after.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from vocgui.core.project import Project
from vocgui.core.project.runs import run_folder
from vocgui.qt.app_state import AppState
from vocgui.qt.training import TrainingPanel
from vocgui.training.config import defaults_for

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]

RUN_TIMEOUT_MS = 180_000
#: A config that would train for long: the tests stop or kill it mid-run.
LONG = defaults_for("small_cnn", target_size=64, batch_size=8, epochs=200)


@pytest.fixture
def project(demo_root: Path, tmp_path: Path) -> Project:
    project = Project.create_from_voc(tmp_path / "demo.vocgui", demo_root)
    yield project
    project.close()


@pytest.fixture
def panel(qtbot, project: Project) -> TrainingPanel:
    state = AppState()
    state.set_project(project)
    panel = TrainingPanel(state)
    qtbot.addWidget(panel)
    panel.resize(1200, 850)
    panel.show()
    qtbot.waitExposed(panel)
    yield panel
    panel.shutdown()  # never leave a child process behind, even when a test failed


def _events_of(panel: TrainingPanel) -> list[dict]:
    seen: list[dict] = []
    panel.event_shown.connect(seen.append)
    return seen


def _start(qtbot, panel: TrainingPanel, config) -> int:
    panel.form.set_config(config)
    with qtbot.waitSignal(panel.run_started, timeout=10_000) as started:
        panel.start_button.click()
    return started.args[0]


def _wait_for_batches(qtbot, seen: list[dict], n: int) -> None:
    qtbot.waitUntil(lambda: sum(e["type"] == "batch" for e in seen) >= n,
                    timeout=RUN_TIMEOUT_MS)


def test_stop_mid_run_then_a_full_run_is_recorded_with_predictions(qtbot, panel, project):
    seen = _events_of(panel)
    first = _start(qtbot, panel, LONG)
    assert not panel.start_button.isEnabled() and not panel.form.isEnabled()
    _wait_for_batches(qtbot, seen, 2)
    progress_mid_run = panel.progress.value()
    assert 0 < progress_mid_run < 1000
    assert "Epoch 1/200" in panel.progress.format() and "ETA" in panel.progress.format()
    with qtbot.waitSignal(panel.run_finished, timeout=60_000) as ended:
        panel.stop_button.click()
    assert ended.args[:2] == [first, "stopped"]
    assert project.run(first)["status"] == "stopped"
    assert panel.start_button.isEnabled()

    # While the next run trains, the annotator keeps editing: the run keeps its snapshot.
    seen.clear()
    second = _start(qtbot, panel, defaults_for("small_cnn", target_size=64, batch_size=16,
                                               epochs=2))
    project.add_label([0], "run-time edit")
    with qtbot.waitSignal(panel.run_finished, timeout=RUN_TIMEOUT_MS) as ended:
        pass
    assert ended.args[:2] == [second, "completed"], ended.args
    run = project.run(second)
    assert run["status"] == "completed" and Path(run["model_path"]).is_file()
    assert [e["epoch"] for e in run["epochs"]] == [1, 2]
    assert "run-time edit" not in run["snapshot"].classes
    assert "run-time edit" in project.labels_of(0)  # the edit survived the run
    predictions = project.predictions(second)
    assert len(predictions.rows) > 0
    assert predictions.scores.shape == (len(predictions.rows), len(predictions.classes))
    assert np.isfinite(predictions.scores).all()
    assert Path(run["model_path"]).parent == run_folder(Path(project.path), second)

    # What the panel shows: full bar, both epochs in the curves, per-class rows, both runs.
    types = [e["type"] for e in seen]
    assert types.index("started") < types.index("batch") and types[-1] == "finished"
    assert panel.progress.value() == 1000
    assert panel.curves.history.epochs == [1, 2]
    assert len(panel.curves.history.batch_loss) >= 2
    qtbot.waitUntil(lambda: panel.curves.redraw_count >= 1, timeout=5_000)
    table = panel.class_table.metrics
    assert table.rowCount() == len(predictions.classes)
    assert {table.index(r, 0).data() for r in range(table.rowCount())} == set(
        predictions.classes)
    listed = [panel.runs.item(r, 0).text() for r in range(panel.runs.rowCount())]
    assert listed == [str(second), str(first)]
    assert "completed" in panel.status_line.text()
    # the device the child really trained on (this machine: the CPU, and why)
    assert panel.device_line.text().startswith("Device: CPU (tensorflow): ")
    assert "expected" not in panel.device_line.text()

    # A past run can be looked at again.
    panel.show_run(first)
    assert panel.curves.history.epochs == [e["epoch"] for e in project.run(first)["epochs"]]


def test_killed_child_fails_the_run_with_a_message_and_the_panel_stays_usable(
        qtbot, panel, project):
    seen = _events_of(panel)
    run_id = _start(qtbot, panel, LONG)
    _wait_for_batches(qtbot, seen, 1)
    pid = panel.session.pid
    with qtbot.waitSignal(panel.run_finished, timeout=60_000) as ended:
        os.kill(pid, signal.SIGKILL)
    run_id_ended, status, message = ended.args
    assert (run_id_ended, status) == (run_id, "failed")
    assert message
    assert project.run(run_id)["status"] == "failed"
    assert project.run(run_id)["message"] == message
    assert message in panel.status_line.text()
    assert panel.start_button.isEnabled() and panel.form.isEnabled()
    project.add_label([1, 2], "after the crash")  # the project is still writable
    assert "after the crash" in project.labels_of(2)


def test_missing_weights_file_fails_the_run_with_a_clear_message(qtbot, panel, project,
                                                                  tmp_path):
    missing = tmp_path / "nowhere" / "base.weights.h5"
    _start(qtbot, panel, defaults_for("mobilenetv3", weights=str(missing), target_size=64,
                                      epochs=1))
    with qtbot.waitSignal(panel.run_finished, timeout=RUN_TIMEOUT_MS) as ended:
        pass
    run_id, status, message = ended.args
    assert status == "failed" and str(missing) in message, message
    assert project.run(run_id)["status"] == "failed"
    assert message in panel.status_line.text() and panel.start_button.isEnabled()


def test_a_bad_setting_is_named_and_starts_nothing(qtbot, panel, project):
    panel.form.learning_rate.setText("0.0.1")
    panel.start_button.click()
    assert "learning rate" in panel.status_line.text()
    assert panel.session is None and len(project.runs()) == 0
    assert panel.start_button.isEnabled()

#: Runs in a fresh interpreter, so that no other test's TensorFlow import can hide one
#: made by the GUI: a whole run from the panel, then a second run that is still training
#: when the application quits (aboutToQuit must stop it and record its end).
GUI_PROCESS_SCRIPT = """
import json, sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from vocgui.core.project import Project
from vocgui.qt.app_state import AppState
from vocgui.qt.training import TrainingPanel
from vocgui.training.config import defaults_for

app = QApplication([])
project = Project.create_from_voc(sys.argv[1], sys.argv[2])
state = AppState()
state.set_project(project)
panel = TrainingPanel(state)
panel.show()
result = {"ended": []}

def on_finished(run_id, status, message):
    result["ended"].append([run_id, status])
    if len(result["ended"]) == 1:
        result["modules_after_run"] = [m for m in ("tensorflow", "keras") if m in sys.modules]
        panel.form.set_config(defaults_for("small_cnn", target_size=64, epochs=200))
        panel.start()

def on_event(event):
    if event["type"] == "batch" and len(result["ended"]) == 1 and "pid" not in result:
        result["pid"] = panel.session.pid
        app.quit()

panel.run_finished.connect(on_finished)
panel.event_shown.connect(on_event)
panel.form.set_config(defaults_for("small_cnn", target_size=64, batch_size=16, epochs=1))
panel.start()
QTimer.singleShot(150_000, app.quit)
app.exec()
result["statuses"] = project.runs()["status"].tolist()
result["modules_at_exit"] = [m for m in ("tensorflow", "keras") if m in sys.modules]
print("RESULT " + json.dumps(result))
"""


def test_gui_process_never_imports_tensorflow_and_quitting_stops_the_run(
        demo_root: Path, tmp_path: Path) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [sys.executable, "-c", GUI_PROCESS_SCRIPT, str(tmp_path / "p.vocgui"), str(demo_root)],
        capture_output=True, text=True, timeout=240, env=env, cwd=REPO)
    lines = [line for line in done.stdout.splitlines() if line.startswith("RESULT ")]
    assert done.returncode == 0 and lines, done.stdout[-3000:] + done.stderr[-3000:]
    result = json.loads(lines[-1][len("RESULT "):])
    assert result["modules_after_run"] == [] and result["modules_at_exit"] == []
    assert result["ended"] == [[1, "completed"], [2, "stopped"]], result
    assert result["statuses"] == ["completed", "stopped"]
    assert not Path(f"/proc/{result['pid']}").exists()  # the child ended with the app
