"""The Review tab on a chance-level model: it says the model is too weak and offers no
label fix to accept; the per-class table shows the VOC APs and "n/a" where undefined."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from review_run import chance_level_project

from vocgui.core.project import Project
from vocgui.qt.app_state import AppState
from vocgui.qt.review import ReviewPanel
from vocgui.qt.review.class_table import COLUMNS

WAIT_MS = 30_000


@pytest.fixture
def panel(qtbot, demo_root: Path, tmp_path: Path):
    state = AppState()
    widget = ReviewPanel(state)
    qtbot.addWidget(widget)
    widget.show()
    state.set_project(Project.open(chance_level_project(demo_root, tmp_path / "p.vocgui")))
    qtbot.waitUntil(lambda: widget.session.review is not None, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: not widget.issues.finder.running, timeout=WAIT_MS)
    yield widget
    state.set_project(None)


def test_a_chance_level_model_gets_no_one_click_fixes(panel):
    summary = panel.issues.summary.text()
    assert "not clearly better than guessing by class frequency" in summary
    assert "class-frequency baseline on the same 22 images" in summary
    assert panel.issues.model.rowCount() == 0
    assert not panel.issues.accept_button.isEnabled()
    assert not panel.issues.gallery_button.isEnabled()


def test_the_class_table_shows_the_voc_aps_and_n_a(panel):
    model = panel.class_table.proxy.sourceModel()
    headers = [model.headerData(c, Qt.Orientation.Horizontal)
               for c in range(model.columnCount())]
    assert {"AP", "VOC07", "VOC10"} <= set(headers)
    keys = [key for _, key, _ in COLUMNS]
    review = panel.session.review
    table = review.table(panel.session.thresholds)
    assert table.loc["absent", "support"] == 0  # a class no image carries
    for row, name in enumerate(model.names):
        for key in ("recall", "f1", "ap", "ap_voc07", "ap_voc10"):
            shown = model.data(model.index(row, keys.index(key)))
            if table.loc[name, "support"] == 0:
                assert shown == "n/a"
            else:
                assert shown == f"{table.loc[name, key]:.3f}"
    assert "VOC07 11-point" in panel.summary.text()

