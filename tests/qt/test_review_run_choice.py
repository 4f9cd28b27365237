"""Which run the Review tab opens on: the newest completed one, said so in its summary,
not a stopped 1-epoch try that happens to be newer."""

from __future__ import annotations

import numpy as np
from PySide6.QtWidgets import QPushButton

from vocgui.core.project import Project
from vocgui.qt.app_state import AppState
from vocgui.qt.review import ReviewPanel
from vocgui.qt.training import TrainingPanel

WAIT_MS = 30_000


def _run(project: Project, status: str, epochs: int) -> int:
    run_id = project.create_run({"backbone": "small_cnn", "threshold": 0.5},
                                project.snapshot())
    for epoch in range(1, epochs + 1):
        project.log_epoch(run_id, epoch, {"loss": 1.0 / epoch})
    _finish(project, run_id, status)
    return run_id


def _finish(project: Project, run_id: int, status: str) -> None:
    rows = np.arange(0, 40, 2)
    scores = np.random.default_rng(run_id).random((len(rows), len(project.classes)))
    project.save_predictions(run_id, rows, project.classes, scores)
    project.finish_run(run_id, status)


def test_review_opens_on_the_newest_completed_run_and_says_so(qtbot, state: AppState) -> None:
    project = state.project
    _run(project, "completed", 3)
    newest_completed = _run(project, "completed", 2)
    stopped = _run(project, "stopped", 1)
    panel = ReviewPanel(state)
    qtbot.addWidget(panel)
    qtbot.waitUntil(lambda: panel.session.review is not None, timeout=WAIT_MS)
    assert panel.session.run_id == newest_completed
    assert panel.picker.run_ids()[0] == stopped  # still offered, newest first
    assert f"Run {newest_completed} (the newest completed run)" in panel.summary.text()
    panel.load_run(stopped)
    qtbot.waitUntil(lambda: panel.session.run_id == stopped, timeout=WAIT_MS)
    assert f"Run {stopped} (stopped, 1 epoch)" in panel.summary.text()


def test_new_runs_appear_in_both_tabs_without_a_refresh(qtbot, state: AppState) -> None:
    """The Training tab's run list and the Review tab's picker follow the project's run
    events; there is no Refresh button."""
    review = ReviewPanel(state)
    training = TrainingPanel(state)
    for panel in (review, training):
        qtbot.addWidget(panel)
    assert not [b for b in review.findChildren(QPushButton) if b.text() == "Refresh"]
    assert review.picker.run_ids() == [] and training.runs.rowCount() == 0
    run_id = state.project.create_run({"backbone": "small_cnn"}, state.project.snapshot())
    assert training.runs.rowCount() == 1
    training.runs.select_run(run_id)
    state.project.log_epoch(run_id, 1, {"loss": 0.4})
    assert training.runs.item(0, 3).text().startswith("1/")  # its epoch count followed
    assert training.runs.selectedItems()  # and it stayed selected
    _finish(state.project, run_id, "completed")
    qtbot.waitUntil(lambda: review.session.run_id == run_id, timeout=WAIT_MS)
    assert review.picker.run_ids() == [run_id]
    assert training.runs.item(0, 4).text() == "completed"
