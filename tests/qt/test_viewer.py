"""The image viewer on the real sample: the right image, its boxes, zoom and navigation."""

from __future__ import annotations

from pathlib import Path
from xml.etree import ElementTree

import numpy as np
import pytest
from PySide6.QtCore import Qt

from vocgui.core.project.commands import RemoveLabel, RenameClass, SetClassColor
from vocgui.qt.app_state import AppState
from vocgui.qt.viewer import ImageViewer


@pytest.fixture
def viewer(qtbot, state: AppState) -> ImageViewer:
    viewer = ImageViewer(state)
    qtbot.addWidget(viewer)
    viewer.resize(640, 480)
    viewer.show()
    return viewer


def _xml(voc_sample: Path, filename: str) -> ElementTree.Element:
    return ElementTree.parse(voc_sample / "Annotations" / (Path(filename).stem + ".xml")).getroot()


def _show(qtbot, viewer: ImageViewer, row: int) -> None:
    with qtbot.waitSignal(viewer.image_shown, timeout=10_000,
                          check_params_cb=lambda shown: shown == row):
        viewer.state.set_current_row(row)


def test_shows_the_current_image_at_its_annotated_size(qtbot, viewer, voc_sample) -> None:
    project = viewer.state.project
    for row in (0, 7, 42):
        _show(qtbot, viewer, row)
        filename = project.images["filename"].iat[row]
        size = _xml(voc_sample, filename).find("size")
        pixmap = viewer.pixmap()
        assert pixmap is not None
        assert (pixmap.width(), pixmap.height()) == (int(size.findtext("width")),
                                                   int(size.findtext("height")))
        assert viewer.shown().path == project.absolute_path(row)
        assert filename in viewer.info.text()
        assert viewer.placeholder_text() == "" and viewer.banner.isHidden()


def test_boxes_are_the_xml_objects_in_class_colours_and_toggle(qtbot, viewer,
                                                               voc_sample) -> None:
    project = viewer.state.project
    row = int(np.argmax(project.images["n_objects"].to_numpy()))
    _show(qtbot, viewer, row)
    expected = sorted((o.findtext("name"), float(o.findtext("bndbox/xmin")))
                      for o in _xml(voc_sample, project.images["filename"].iat[row])
                      .findall("object"))
    boxes = viewer.canvas.boxes()
    assert sorted((b.name, b.rect.left() + 1) for b in boxes) == expected
    assert all(b.color.name() == project.class_colors[b.name] for b in boxes)

    with_boxes = viewer.canvas.grab().toImage()
    viewer.boxes_button.click()
    assert not viewer.boxes_visible()
    without_boxes = viewer.canvas.grab().toImage()
    viewer.boxes_button.click()
    assert viewer.boxes_visible()
    assert with_boxes != without_boxes
    assert viewer.canvas.grab().toImage() == with_boxes


def test_recolouring_a_class_recolours_its_boxes(qtbot, viewer) -> None:
    _show(qtbot, viewer, 0)
    name = viewer.canvas.boxes()[0].name
    viewer.state.push(SetClassColor(viewer.state.project, name, "#123456"))
    assert {b.color.name() for b in viewer.canvas.boxes() if b.name == name} == {"#123456"}


def test_boxes_whose_class_left_the_labels_are_marked(qtbot, viewer) -> None:
    """Removing a label keeps the XML's boxes of that class, drawn dashed and captioned
    'not in labels'; putting the label back restores them."""
    _show(qtbot, viewer, 0)
    project = viewer.state.project
    name = viewer.canvas.boxes()[0].name
    assert all(b.in_labels for b in viewer.canvas.boxes())
    viewer.state.push(RemoveLabel(project, [0], name))
    marked = [b for b in viewer.canvas.boxes() if b.name == name]
    assert marked and not any(b.in_labels for b in marked)
    assert "not in labels" in marked[0].caption()
    assert all(b.in_labels for b in viewer.canvas.boxes() if b.name != name)
    viewer.state.undo_stack.undo()
    assert all(b.in_labels for b in viewer.canvas.boxes())


def test_renaming_a_class_renames_its_boxes_and_undo_brings_the_name_back(qtbot,
                                                                         viewer) -> None:
    _show(qtbot, viewer, 0)
    name = viewer.canvas.boxes()[0].name
    viewer.state.push(RenameClass(viewer.state.project, name, "renamed"))
    names = {b.name for b in viewer.canvas.boxes()}
    assert "renamed" in names and name not in names
    assert all(b.color.name() == viewer.state.project.class_colors["renamed"]
               for b in viewer.canvas.boxes() if b.name == "renamed")
    viewer.state.undo_stack.undo()
    assert name in {b.name for b in viewer.canvas.boxes()}


def test_fit_zoom_and_one_to_one(qtbot, viewer) -> None:
    _show(qtbot, viewer, 0)
    fitted = viewer.canvas.zoom()
    assert viewer.canvas.is_fit() and fitted > 0
    viewer.zoom_in_button.click()
    assert viewer.canvas.zoom() == pytest.approx(fitted * 1.25)
    assert not viewer.canvas.is_fit()
    qtbot.keyClick(viewer.canvas, Qt.Key.Key_Minus)
    qtbot.keyClick(viewer.canvas, Qt.Key.Key_Minus)
    assert viewer.canvas.zoom() == pytest.approx(fitted / 1.25)
    viewer.actual_button.click()
    assert viewer.canvas.zoom() == 1.0
    viewer.fit_button.click()
    assert viewer.canvas.zoom() == pytest.approx(fitted)
    assert "%" in viewer.zoom_label.text()


def test_the_newest_request_wins(qtbot, viewer) -> None:
    shown: list[int] = []
    viewer.image_shown.connect(shown.append)
    for row in (3, 20, 40, 60):  # faster than decoding: only 60 is shown
        viewer.state.set_current_row(row)
    qtbot.waitUntil(lambda: shown == [60], timeout=10_000)
    qtbot.wait(200)  # late results of older requests must not replace it
    assert shown == [60]
    assert viewer.shown().path == viewer.state.project.absolute_path(60)
    # 3 and 20 were already decoding; 40 was still waiting and was dropped.
    assert viewer.loader.cached(40) is None


def test_neighbours_are_decoded_ahead(qtbot, viewer) -> None:
    _show(qtbot, viewer, 10)
    qtbot.waitUntil(lambda: viewer.loader.cached(11) is not None
                    and viewer.loader.cached(9) is not None, timeout=10_000)
    shown: list[int] = []
    viewer.image_shown.connect(shown.append)
    viewer.state.set_current_row(11)
    assert shown == [11]  # from the cache, without waiting


def test_next_and_previous_step_through_the_visible_rows(qtbot, viewer) -> None:
    state = viewer.state
    mask = np.zeros(len(state.project.images), dtype=bool)
    mask[[2, 5, 9]] = True
    state.set_visible_mask(mask)
    state.set_current_row(2)
    viewer.next_button.click()
    assert state.current_row == 5
    viewer.next_button.click()
    viewer.next_button.click()  # stays on the last visible row
    assert state.current_row == 9
    viewer.previous_button.click()
    assert state.current_row == 5


def test_next_and_previous_ask_the_table_when_it_listens(qtbot, viewer) -> None:
    asked: list[str] = []
    viewer.next_requested.connect(lambda: asked.append("next"))
    viewer.previous_requested.connect(lambda: asked.append("previous"))
    viewer.state.set_current_row(4)
    viewer.next_button.click()
    viewer.previous_button.click()
    assert asked == ["next", "previous"]
    assert viewer.state.current_row == 4


def test_no_project_and_no_row_show_a_placeholder(qtbot, viewer) -> None:
    assert viewer.placeholder_text() == "No image selected"
    viewer.state.set_project(None)
    assert viewer.placeholder_text() == "No project open"
    assert viewer.pixmap() is None
