"""The real main window, headless, on the 100 real VOC2012 images: open the folder, filter,
edit with the keyboard, undo/redo, bulk edit, close, reopen and find every edit."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest
from main_window_helpers import (
    LOAD_TIMEOUT_MS,
    answer_dialogs,
    choose,
    open_window,
    press,
    private_settings,
    use_private_data_dir,
)
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from vocgui.core.project import Project
from vocgui.core.project.location import project_path_for_folder
from vocgui.qt.app_state import AppState
from vocgui.qt.classes import ClassManagerDialog
from vocgui.qt.main_window import MainWindow
from vocgui.qt.settings import Settings
from vocgui.qt.table.columns import Column
from vocgui.qt.table.filter import TableFilter


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return use_private_data_dir(tmp_path, monkeypatch)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return private_settings(tmp_path)


def test_open_filter_edit_undo_bulk_close_reopen(qtbot, voc_sample, data_dir, settings):
    window = open_window(qtbot, settings, voc_sample)
    state, table = window.state, window.table
    project = state.project
    assert project is not None and len(project.images) == 100
    # The project file lives in the data folder, never inside the dataset.
    project_path = Path(project.path)
    assert project_path == project_path_for_folder(voc_sample)
    assert voc_sample not in project_path.parents
    assert "voc2012-sample" in window.windowTitle()
    assert settings.last_project() == project_path.resolve()
    assert "100</b> of 100" in table.filter_bar.count_label.text()

    # Filter by typing in the name box.
    qtbot.keyClicks(table.filter_bar.search, "2007_001")
    qtbot.waitUntil(lambda: table.model.rowCount() < 100)
    expected = sum("2007_001" in n for n in project.images.filename)
    assert table.model.rowCount() == expected
    assert f"{expected:,}</b> of 100" in table.filter_bar.count_label.text()
    assert "name contains '2007_001'" in table.filter_bar.description.text()
    assert state.visible_mask.sum() == expected

    # Keyboard: '1' toggles class 1 on the current image, Space marks it reviewed and moves.
    table.view.setFocus()
    first = state.current_row
    assert first >= 0 and table.model.positions_of(np.array([first]))[0] == 0
    had_class_1 = bool(project.labels[first, 0])
    qtbot.keyClick(table.view, Qt.Key.Key_1)
    assert bool(project.labels[first, 0]) != had_class_1
    qtbot.keyClick(table.view, Qt.Key.Key_Space)
    assert project.images.review[first] == "reviewed"
    second = state.current_row
    assert second != first and table.model.positions_of(np.array([second]))[0] == 1
    qtbot.keyClick(table.view, Qt.Key.Key_F)
    assert project.images.review[second] == "flagged"

    # Undo / redo through the Edit menu's actions, which say what they undo.
    assert "flag" in window.menus.undo_action.text().lower()
    window.menus.undo_action.trigger()
    assert project.images.review[second] == "unreviewed"
    assert "review" in window.menus.undo_action.text().lower()
    window.menus.redo_action.trigger()
    assert project.images.review[second] == "flagged"
    window.menus.undo_action.trigger()

    # Bulk edit on the filtered rows, confirmed in the real dialogs.
    filtered = np.flatnonzero(state.visible_mask)
    lacking = int((~project.labels[filtered, project.classes.index("boat")]).sum())
    texts = answer_dialogs(choose("boat"), press(QMessageBox.StandardButton.Yes))
    assert window.menus.bulk_edit("filtered", add=True) == lacking
    assert f"to {lacking:,} of the {len(filtered):,} filtered images" in texts[1]
    assert project.labels[filtered, project.classes.index("boat")].all()

    # Close; reopen the project file and find the edits.
    labels_before = project.labels.copy()
    reviews_before = project.images.review.tolist()
    window.close()
    assert state.project is None
    with Project.open(project_path) as reopened:
        assert np.array_equal(reopened.labels, labels_before)
        assert reopened.images.review.tolist() == reviews_before
        assert reopened.images.review[first] == "reviewed"
        assert bool(reopened.labels[first, 0]) != had_class_1


def test_reopening_the_folder_opens_its_project_with_the_edits(qtbot, voc_sample, data_dir,
                                                              settings):
    window = open_window(qtbot, settings, voc_sample)
    window.state.project.set_review(np.array([4]), "flagged")
    window.close()
    again = open_window(qtbot, settings, voc_sample)
    assert again.state.project.images.review[4] == "flagged"
    # No argument at start-up means the last project.
    from vocgui.qt.app import startup_target
    assert startup_target(None, settings) == Path(again.state.project.path).resolve()
    again.close()


def voc_with_problems(sample: Path, folder: Path) -> Path:
    """Four real images and XMLs from the sample, one image missing, one broken XML and
    one image without an annotation: a VOC folder the loader reports problems about."""
    xmls = sorted((sample / "Annotations").glob("*.xml"))[:4]
    (folder / "Annotations").mkdir(parents=True)
    (folder / "JPEGImages").mkdir()
    for xml in xmls:
        shutil.copy(xml, folder / "Annotations")
        shutil.copy(sample / "JPEGImages" / f"{xml.stem}.jpg", folder / "JPEGImages")
    (folder / "JPEGImages" / f"{xmls[0].stem}.jpg").unlink()
    (folder / "Annotations" / "broken.xml").write_text("<annotation><filename>x.jpg")
    extra = sorted((sample / "JPEGImages").glob("*.jpg"))[-1]
    shutil.copy(extra, folder / "JPEGImages")
    return folder


def test_problems_panel_click_selects_the_image(qtbot, voc_sample, tmp_path, data_dir,
                                                settings):
    window = open_window(qtbot, settings, voc_with_problems(voc_sample, tmp_path / "voc"))
    project, panel = window.state.project, window.problems
    kinds = [p.kind for p in panel.model.problems]
    assert {"missing_image", "malformed_xml"} <= set(kinds)
    assert "unannotated_image" not in kinds  # the extra JPEG is an unlabeled row
    assert project.images["labeled"].tolist()[-1:] == [False]
    assert f"reported {len(kinds)} problems." in panel.summary.text()

    def click(kind: str) -> None:
        index = panel.model.index(kinds.index(kind), 1)
        qtbot.mouseClick(panel.view.viewport(), Qt.MouseButton.LeftButton,
                         pos=panel.view.visualRect(index).center())

    missing = panel.model.problems[kinds.index("missing_image")]
    row = list(project.images.filename).index(missing.image)
    window.table.set_filter(TableFilter(text="no-such-name"))
    click("missing_image")
    assert list(window.state.selected_rows) == [row]
    assert window.state.current_row == row
    assert window.table.model.rowCount() == len(project.images)  # the hiding filter went
    click("malformed_xml")  # names no image in the table: the selection stays
    assert list(window.state.selected_rows) == [row]
    window.close()


def test_add_panel_tabifies_and_adds_a_view_toggle(qtbot, settings, data_dir):
    window = MainWindow(AppState(), settings)
    qtbot.addWidget(window)
    panel = QWidget()
    dock = window.add_panel("Dataset", panel)
    assert dock.widget() is panel
    assert dock in window.tabifiedDockWidgets(window.problems_dock)
    assert dock.toggleViewAction() in window.menus.view_menu.actions()
    # Readable on a 1366x768 screen.
    assert window.width() <= 1366 and window.height() <= 768


def test_a_locked_project_shows_a_message_not_a_crash(qtbot, voc_sample, tmp_path, data_dir,
                                                     settings):
    path = tmp_path / "locked.vocgui"
    holder = Project.create_from_voc(path, voc_sample)
    try:
        window = MainWindow(AppState(), settings)
        qtbot.addWidget(window)
        with qtbot.waitSignal(window.open_failed, timeout=LOAD_TIMEOUT_MS) as failed:
            window.open_path(path)
        assert str(path) in failed.args[0]
        qtbot.waitUntil(lambda: QApplication.activeModalWidget() is not None
                        or any(isinstance(w, QMessageBox) and w.isVisible()
                               for w in QApplication.topLevelWidgets()))
        boxes = [w for w in QApplication.topLevelWidgets()
                 if isinstance(w, QMessageBox) and w.isVisible()]
        assert boxes and str(path) in boxes[0].text()
        assert window.state.project is None
        for box in boxes:
            box.accept()
    finally:
        holder.close()


def test_table_keeps_selection_across_sort_and_filter(qtbot, voc_sample, data_dir, settings):
    window = open_window(qtbot, settings, voc_sample)
    state, table = window.state, window.table
    chosen = np.array([2, 30, 31, 77])
    state.request_selection(chosen)
    assert list(state.selected_rows) == list(chosen) and state.current_row == 2
    table.view.sortByColumn(Column.OBJECTS, Qt.SortOrder.DescendingOrder)
    assert list(state.selected_rows) == list(chosen) and state.current_row == 2
    names = window.state.project.images.filename
    keep = names[30][:9]
    table.set_filter(TableFilter(text=keep))
    visible = [r for r in chosen if keep in names[r]]
    assert list(state.selected_rows) == visible
    window.close()


def test_dropping_a_folder_opens_it_and_recent_lists_it(qtbot, voc_sample, data_dir, settings):
    window = MainWindow(AppState(), settings)
    qtbot.addWidget(window)
    window.show()
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(voc_sample))])
    position = QPointF(window.rect().center())
    enter = QDragEnterEvent(position.toPoint(), Qt.DropAction.CopyAction, mime,
                            Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    window.dragEnterEvent(enter)
    assert enter.isAccepted()
    drop = QDropEvent(position, Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                      Qt.KeyboardModifier.NoModifier)
    with qtbot.waitSignal(window.project_opened, timeout=LOAD_TIMEOUT_MS):
        window.dropEvent(drop)
    recent = [a.text() for a in window.menus.recent_menu.actions()]
    # Recent lists the dataset folder the user dropped, not the hashed project file.
    assert recent == [str(voc_sample.resolve())]
    # The same folder again is already open: refused without touching the lock.
    assert not window.open_path(voc_sample)
    assert window.state.project is not None
    text_file = voc_sample / "Annotations" / "2007_000027.xml"
    mime.setUrls([QUrl.fromLocalFile(str(text_file))])
    refused = QDragEnterEvent(position.toPoint(), Qt.DropAction.CopyAction, mime,
                              Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    refused.ignore()
    window.dragEnterEvent(refused)
    assert not refused.isAccepted()
    window.close()


def test_thumbnails_tab_is_built_when_first_shown(qtbot, voc_sample, data_dir, settings):
    window = open_window(qtbot, settings, voc_sample)
    assert window.thumbnails is None
    window.table.views.setCurrentIndex(1)
    grid = window.thumbnails
    assert grid is not None and window.table.views.currentWidget() is grid
    assert window.table.views.tabText(1) == "Thumbnails"
    window.table.set_filter(TableFilter(text="2007_001"))
    qtbot.waitUntil(lambda: grid.model().rowCount() == window.table.model.rowCount())
    window.close()


def test_classes_menu_opens_the_class_manager(qtbot, voc_sample, data_dir, settings):
    window = open_window(qtbot, settings, voc_sample)
    seen: list[QWidget] = []

    def close(dialog: QWidget) -> None:
        seen.append(dialog)
        dialog.reject()

    manage = next(a for a in window.menus.classes_menu.actions() if "Manage" in a.text())
    for _ in range(3):
        answer_dialogs(close)
        manage.trigger()
    assert len(seen) == 3 and isinstance(seen[0], ClassManagerDialog)
    # Each closed dialog is deleted, not left hidden reloading on every edit.
    qtbot.waitUntil(lambda: not window.findChildren(ClassManagerDialog))
    window.close()


def test_status_bar_cancel_stops_opening(qtbot, voc2012_annotations, data_dir, settings):
    window = MainWindow(AppState(), settings)
    qtbot.addWidget(window)
    window.show()
    window.loader.progress.connect(
        lambda *_: window.cancel_button.isEnabled() and qtbot.mouseClick(
            window.cancel_button, Qt.MouseButton.LeftButton))
    with qtbot.waitSignal(window.open_failed, timeout=LOAD_TIMEOUT_MS) as failed:
        window.open_path(voc2012_annotations)
        assert window.progress_bar.isVisible() and window.cancel_button.isVisible()
    assert failed.args[0] == "cancelled"
    qtbot.waitUntil(lambda: not window.progress_bar.isVisible())
    assert window.state.project is None
    assert "cancelled" in window.status_label.text()
    window.close()
