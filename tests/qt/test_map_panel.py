"""The Map tab in the real main window on a real project (the demo's JPEGs, features from
their pixels): PCA shown and cached; a lasso or rectangle drawn with the mouse selects
exactly the points inside it in the table, also when the table is sorted and filtered;
the current image follows the table; colours follow edits; the real UMAP (umap-learn, in
its child process) replaces the PCA and is read back from its cache the next time.

One window and project serve the module (opening them is most of the cost)."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from map_features import record_run_with_features
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication

from vocgui.core.embedding_map import layout_path, load_run_features, save_layout
from vocgui.core.project import Project
from vocgui.core.suggestions import load_run_scores, uncertainty_of
from vocgui.qt.app_state import AppState
from vocgui.qt.main_window import MainWindow
from vocgui.qt.map import MapPanel
from vocgui.qt.map.scatter import rows_inside
from vocgui.qt.table.columns import Column
from vocgui.qt.table.filter import TableFilter
from vocgui.qt.table.model import contiguous_runs


def _wait(condition, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        QApplication.processEvents()
        time.sleep(0.01)


@pytest.fixture(scope="module")
def map_window(qapp, demo_root: Path, tmp_path_factory: pytest.TempPathFactory
               ) -> Iterator[tuple[MainWindow, AppState, Path, int]]:
    """The main window at 1280x720 on its Map tab, the PCA of run ``run_id`` shown."""
    path = tmp_path_factory.mktemp("map") / "map.vocgui"
    with Project.create_from_voc(path, demo_root, workers=1) as project:
        run_id = record_run_with_features(project)
    state = AppState()
    window = MainWindow(state)
    window.resize(1280, 720)
    window.show()
    state.set_project(Project.open(path))
    window.show_tab("Map")
    window.map.umap_enabled = False  # the UMAP test turns it on
    _wait(lambda: window.map.method == "pca", 60)
    yield window, state, path, run_id
    state.set_project(None)
    window.close()


@pytest.fixture
def map_view(map_window):
    """The module's window with the whole table shown by file name and nothing selected."""
    window, state, _path, _run_id = map_window
    window.table.set_filter(TableFilter())
    window.table.view.sortByColumn(Column.FILE, Qt.SortOrder.AscendingOrder)
    window.table.view.clearSelection()
    window.map.scatter.set_mode("lasso")
    QApplication.processEvents()
    return map_window


def _mouse(widget, kind: QEvent.Type, point: QPoint, buttons) -> None:
    button = (Qt.MouseButton.LeftButton if kind != QEvent.Type.MouseMove
              else Qt.MouseButton.NoButton)
    event = QMouseEvent(kind, QPointF(point), QPointF(widget.mapToGlobal(point)), button,
                        buttons, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(widget, event)


def _drag(qtbot, scatter, shape: list[np.ndarray]) -> np.ndarray:
    """Drag the mouse through ``shape`` (view coordinates); returns the polygon the mouse
    actually drew, in view coordinates (pixels round the points)."""
    box, viewport = scatter.getViewBox(), scatter.viewport()
    pixels = [scatter.mapFromScene(box.mapViewToScene(QPointF(*p))) for p in shape]
    _mouse(viewport, QEvent.Type.MouseButtonPress, pixels[0], Qt.MouseButton.LeftButton)
    for p in pixels[1:]:
        qtbot.wait(30)  # pyqtgraph drops moves that come faster than its frame rate
        _mouse(viewport, QEvent.Type.MouseMove, p, Qt.MouseButton.LeftButton)
    _mouse(viewport, QEvent.Type.MouseButtonRelease, pixels[-1], Qt.MouseButton.NoButton)
    return np.asarray([(q.x(), q.y()) for q in
                       (box.mapSceneToView(scatter.mapToScene(p)) for p in pixels)])


def _table_rows(window: MainWindow) -> np.ndarray:
    """Row ids of the table's selected display rows, read from the view itself."""
    view = window.table.view
    return np.sort([window.table.model.row_id(i.row())
                    for i in view.selectionModel().selectedRows()])


def _circle(xy: np.ndarray, centre: np.ndarray, scale: float, m: int = 24) -> list:
    spread = xy.std(axis=0)
    return [centre + spread * np.array([np.cos(a), np.sin(a)]) * scale
            for a in np.linspace(0, 2 * np.pi, m, endpoint=False)]


def test_the_pca_is_shown_and_cached(map_window):
    _window, state, path, run_id = map_window
    n = len(state.project.images)
    features = load_run_features(path, run_id, n)
    assert features.dtype == np.float16 and features.shape[0] == n
    assert layout_path(path, run_id, "pca").is_file()  # cached for the next time
    assert np.array_equal(np.load(layout_path(path, run_id, "pca")),
                          _window.map.scatter.xy.astype(np.float32))


def test_a_mouse_lasso_selects_exactly_the_points_inside_in_the_table(qtbot, map_view):
    window, state, _path, _run_id = map_view
    scatter = window.map.scatter
    xy = scatter.xy
    shape = _circle(xy, np.median(xy, axis=0), 0.9)
    drawn = _drag(qtbot, scatter, [*shape, shape[0]])
    expected = rows_inside(xy, drawn)
    assert 0 < len(expected) < len(xy)
    assert np.array_equal(state.selected_rows, expected)
    assert np.array_equal(_table_rows(window), expected)
    assert np.array_equal(scatter.points.selected(), expected)  # ringed on the map
    assert len(window.tag_editor.rows()) == len(expected)  # the tag editor edits them

    # The current image is ringed and follows the table.
    window.table.select_rows(np.array([int(expected[-1])]))
    assert np.allclose(scatter.current.data["x"], [xy[expected[-1], 0]])


def test_a_mouse_rectangle_selects_exactly_the_points_inside(qtbot, map_view):
    window, state, _path, _run_id = map_view
    scatter = window.map.scatter
    scatter.set_mode("rect")
    xy = scatter.xy
    low, high = np.percentile(xy, 25, axis=0), np.percentile(xy, 75, axis=0)
    drawn = _drag(qtbot, scatter, [low, (low + high) / 2, high])
    x0, y0 = drawn[0]
    x1, y1 = drawn[-1]
    inside = ((xy[:, 0] - x0) * (xy[:, 0] - x1) < 0) & ((xy[:, 1] - y0) * (xy[:, 1] - y1) < 0)
    expected = np.flatnonzero(inside)
    assert 0 < len(expected) < len(xy)
    assert np.array_equal(state.selected_rows, expected)
    assert np.array_equal(_table_rows(window), expected)


def test_a_lasso_selects_exactly_under_a_sorted_and_filtered_table(map_view):
    window, state, _path, _run_id = map_view
    scatter, table = window.map.scatter, window.table
    xy = scatter.xy
    polygon = np.asarray(_circle(xy, np.percentile(xy, 40, axis=0), 1.0))
    expected = rows_inside(xy, polygon)
    assert 0 < len(expected) < len(xy)
    table.view.sortByColumn(Column.LABELS, Qt.SortOrder.DescendingOrder)
    # A filter showing every lassoed image and others: it stays.
    others = np.setdiff1d(np.arange(len(xy)), expected)[::2]
    table.set_filter(TableFilter(rows=np.union1d(expected, others), rows_caption="some"))
    scatter.select_polygon(polygon)
    assert table.model.rowCount() == len(expected) + len(others)
    assert np.array_equal(state.selected_rows, expected)
    assert np.array_equal(_table_rows(window), expected)
    # One selection range per run of consecutive display rows, in the sorted order.
    positions = np.sort(table.model.positions_of(expected))
    assert len(table.view.selectionModel().selection()) == len(contiguous_runs(positions))

    # A filter hiding some of them is cleared, and exactly they are selected.
    table.set_filter(TableFilter(rows=others, rows_caption="others"))
    scatter.select_polygon(polygon)
    assert table.model.rowCount() == len(xy)
    assert np.array_equal(state.selected_rows, expected)
    assert np.array_equal(_table_rows(window), expected)


def test_colours_follow_edits_and_every_colouring_colours_every_point(map_view):
    window, state, _path, _run_id = map_view
    panel, scatter = window.map, window.map.scatter
    row = int(np.flatnonzero(state.project.labels.any(axis=1))[0])
    before = int(scatter.points.colours()[row])
    labels = state.project.labels_of(row)
    state.project.set_labels([row], [])
    assert int(scatter.points.colours()[row]) != before  # now grey: no first label
    state.project.set_labels([row], labels)
    assert int(scatter.points.colours()[row]) == before
    seen = set()
    for k in range(panel.colour_box.count()):
        panel.colour_box.setCurrentIndex(k)
        colours = scatter.points.colours()
        assert len(colours) == len(scatter.xy) and (colours >> 24 == 0xFF).all()
        seen.add(colours.tobytes())
    assert len(seen) > 2
    panel.colour_box.setCurrentIndex(0)


def test_without_features_the_map_says_how_to_get_them(qtbot, demo_root, tmp_path):
    state = AppState()
    panel = MapPanel(state)
    qtbot.addWidget(panel)
    state.set_project(Project.create_from_voc(tmp_path / "p.vocgui", demo_root, workers=1))
    assert "No run has features" in panel.status.text()
    assert panel.run_box.count() == 0
    state.set_project(None)



def test_uncertainty_is_measured_from_the_thresholds_the_suggestions_use(qtbot, demo_root,
                                                                          tmp_path):
    """The run's scoring pass puts most classes' best cut near 0.35, far from 0.5: the
    Map colours by the tuned thresholds (as the suggestions measure uncertainty), and by
    thresholds saved from the Review tab once they arrive as a run event."""
    with Project.create_from_voc(tmp_path / "p.vocgui", demo_root, workers=1) as project:
        run_id = record_run_with_features(project)
        rows = np.arange(len(project.images))
        noise = np.random.default_rng(1).random(project.labels.shape) * 0.1
        scores = (0.2 + 0.2 * project.labels + noise).astype(np.float32)
        project.save_predictions(run_id, rows, project.classes, scores, split="all",
                                 in_sample=np.zeros(len(rows), dtype=bool))
        tuned = load_run_scores(project, run_id).thresholds
    assert (np.abs(tuned - 0.5) > 0.1).sum() >= 5  # a class with few examples keeps 0.5
    state = AppState()
    panel = MapPanel(state)
    qtbot.addWidget(panel)
    panel.umap_enabled = False
    state.set_project(Project.open(tmp_path / "p.vocgui"))
    panel.colour_box.setCurrentIndex(panel.colour_box.findData("uncertainty"))
    qtbot.waitUntil(lambda: panel.thresholds is not None and panel.method == "pca",
                    timeout=30_000)
    assert [panel.thresholds[c] for c in state.project.classes] == pytest.approx(tuned)
    shown = panel.current_colouring().values
    np.testing.assert_allclose(shown, uncertainty_of(scores, tuned), rtol=1e-6)
    assert not np.allclose(shown, uncertainty_of(scores))  # from 0.5 it differs
    saved = dict.fromkeys(state.project.classes, 0.9)
    state.project.save_thresholds(run_id, saved)
    qtbot.waitUntil(lambda: panel.thresholds == pytest.approx(saved), timeout=30_000)
    np.testing.assert_allclose(panel.current_colouring().values,
                               uncertainty_of(scores, 0.9), rtol=1e-6)
    state.set_project(None)

def _umap_children() -> list[int]:
    """Ids of this process's running UMAP children (from /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            command = (entry / "cmdline").read_bytes()
            parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue  # ended meanwhile
        if b"vocgui.core.map_umap" in command and parent == os.getpid():
            found.append(int(entry.name))
    return found


@pytest.mark.skipif(not Path("/proc/self/stat").is_file(),
                    reason="finds the UMAP child through /proc (Linux)")
def test_choosing_the_run_again_stops_the_umap_child(map_view):
    window, _state, _path, _run_id = map_view
    panel = window.map
    panel.umap_enabled = True
    try:
        panel.refresh_runs()
        _wait(_umap_children, 60)
    finally:
        panel.umap_enabled = False
    panel.refresh_runs()  # what another project, or the window closing, also does
    _wait(lambda: not _umap_children(), 10)
    _wait(lambda: panel.method == "pca", 30)


@pytest.mark.slow  # the first UMAP on a machine compiles umap-learn's numba code (minutes)
def test_the_real_umap_replaces_the_pca_and_is_read_from_its_cache(map_view):
    window, state, path, run_id = map_view
    panel = window.map
    panel.umap_enabled = True
    try:
        panel.refresh_runs()
        _wait(lambda: panel.method == "umap", 900)
        umap_xy = np.load(layout_path(path, run_id, "umap"))
        assert umap_xy.shape == (len(state.project.images), 2)
        assert np.isfinite(umap_xy).all()
        assert np.array_equal(panel.scatter.xy, umap_xy.astype(np.float64))

        # The next open reads the cache instead of computing: a planted layout shows.
        planted = umap_xy[::-1].copy()
        save_layout(path, run_id, "umap", planted)
        panel.refresh_runs()
        _wait(lambda: panel.method == "umap", 60)
        assert np.array_equal(panel.scatter.xy, planted.astype(np.float64))
    finally:
        panel.umap_enabled = False
