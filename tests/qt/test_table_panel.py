"""The table panel wired to AppState: filter requests from other views, the filter bar,
the always-visible count, and selection/current row published to the state."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import Qt

from vocgui.core.project import Project
from vocgui.qt.app_state import AppState
from vocgui.qt.table import ImageTablePanel


@pytest.fixture
def panel(qtbot, voc_sample: Path, tmp_path: Path):
    state = AppState()
    widget = ImageTablePanel(state)
    qtbot.addWidget(widget)
    widget.show()
    state.set_project(Project.create_from_voc(tmp_path / "p.vocgui", voc_sample))
    yield widget
    state.set_project(None)


def test_rows_filter_request_shows_its_caption_and_clears(qtbot, panel: ImageTablePanel):
    state, bar = panel.state, panel.filter_bar
    with qtbot.waitSignal(state.filter_changed) as changed:
        state.request_rows_filter(np.array([1, 5, 9]), "3 likely label issues")
    assert int(changed.args[0].sum()) == 3 and panel.model.rowCount() == 3
    assert bar.rows_caption.isVisible() and bar.rows_caption.text() == "3 likely label issues"
    assert "<b>3</b> of 100 images" in bar.count_label.text()
    qtbot.mouseClick(bar.clear_rows_button, Qt.MouseButton.LeftButton)
    assert panel.model.rowCount() == 100 and not bar.rows_caption.isVisible()
    assert bar.description.text() == "No filter"


def test_class_filter_request_combines_with_the_bar(qtbot, panel: ImageTablePanel):
    state, project = panel.state, panel.state.project
    panel.filter_bar.review_box.setCurrentIndex(panel.filter_bar.review_box.findData(
        "unreviewed"))
    state.request_class_filter(["person"], "none")
    expected = {i for i in range(100) if "person" not in project.labels_of(i)}
    shown = {panel.model.row_id(i) for i in range(panel.model.rowCount())}
    assert shown == expected
    text = panel.filter_bar.description.text()
    assert "has none of person" in text and "unreviewed" in text
    assert panel.filter_bar.labels_button.text() == "Labels (1)"
    qtbot.mouseClick(panel.filter_bar.clear_button, Qt.MouseButton.LeftButton)
    assert panel.model.rowCount() == 100


def test_labels_menu_toggles_classes(qtbot, panel: ImageTablePanel):
    menu = panel.filter_bar.labels_menu
    dog = next(a for a in menu.actions() if a.text() == "dog")
    dog.trigger()
    assert panel.model.filter.classes == ("dog",)
    all_of = next(a for a in menu.actions() if a.text() == "Has all of")
    all_of.trigger()
    assert panel.model.filter.class_mode == "all"
    dog.trigger()
    assert panel.model.filter.classes == () and panel.model.rowCount() == 100


def test_selection_and_current_row_reach_the_state(qtbot, panel: ImageTablePanel):
    view, state = panel.view, panel.state
    assert state.current_row == panel.model.row_id(0)  # the first image on opening
    view.selectRow(4)
    assert state.current_row == panel.model.row_id(4)
    assert list(state.selected_rows) == [panel.model.row_id(4)]
    view.selectAll()
    assert len(state.selected_rows) == 100
    state.set_current_row(panel.model.row_id(7))  # another view moves to an image
    assert view.currentIndex().row() == 7
