"""Which run the Review tab opens on: the newest completed one, said so in its summary,
not a stopped 1-epoch try that happens to be newer."""

from __future__ import annotations

import numpy as np

from vocgui.core.project import Project
from vocgui.qt.app_state import AppState
from vocgui.qt.review import ReviewPanel

WAIT_MS = 30_000


def _run(project: Project, status: str, epochs: int) -> int:
    run_id = project.create_run({"backbone": "small_cnn", "threshold": 0.5},
                                project.snapshot())
    for epoch in range(1, epochs + 1):
        project.log_epoch(run_id, epoch, {"loss": 1.0 / epoch})
    rows = np.arange(0, 40, 2)
    scores = np.random.default_rng(run_id).random((len(rows), len(project.classes)))
    project.save_predictions(run_id, rows, project.classes, scores)
    project.finish_run(run_id, status)
    return run_id


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
