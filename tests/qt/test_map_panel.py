"""The Map tab on a real project with features from a real tiny Keras model: PCA shown
and cached, a lasso drawn with the mouse selects exactly the points inside
it in the table, the current image follows the table, colours follow edits."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from map_features import record_run_with_features
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication

from vocgui.core.embedding_map import layout_path, load_run_features
from vocgui.core.project import Project
from vocgui.qt.app_state import AppState
from vocgui.qt.main_window import MainWindow
from vocgui.qt.map.scatter import rows_inside


@pytest.fixture(scope="module")
def featured_project(demo_root: Path, tmp_path_factory: pytest.TempPathFactory):
    path = tmp_path_factory.mktemp("map") / "map.vocgui"
    with Project.create_from_voc(path, demo_root, workers=1) as project:
        run_id = record_run_with_features(project)
    return path, run_id


def _mouse(widget, kind: QEvent.Type, point: QPoint, buttons) -> None:
    button = Qt.MouseButton.LeftButton if kind != QEvent.Type.MouseMove else Qt.MouseButton.NoButton
    event = QMouseEvent(kind, QPointF(point), QPointF(widget.mapToGlobal(point)), button,
                        buttons, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(widget, event)


def test_lasso_selects_exactly_the_points_inside_in_the_table(qtbot, featured_project):
    path, run_id = featured_project
    state = AppState()
    window = MainWindow(state)
    qtbot.addWidget(window)
    window.resize(1280, 720)
    window.show()
    state.set_project(Project.open(path))
    n = len(state.project.images)
    features = load_run_features(path, run_id, n)
    assert features.dtype == np.float16 and features.shape[0] == n

    window.show_tab("Map")
    panel = window.map
    panel.umap_enabled = False  # numba's first compile takes a minute: not in a unit test
    qtbot.waitUntil(lambda: panel.method == "pca", timeout=60_000)
    assert layout_path(path, run_id, "pca").is_file()  # cached for the next time
    scatter = panel.scatter
    qtbot.wait(50)

    # A lasso around the middle of the cloud, drawn with real mouse events.
    box = scatter.getViewBox()
    xy = scatter.xy
    centre = np.median(xy, axis=0)
    spread = xy.std(axis=0)
    shape = [centre + spread * np.array([np.cos(a), np.sin(a)]) * 0.9
             for a in np.linspace(0, 2 * np.pi, 24, endpoint=False)]
    viewport = scatter.viewport()
    pixels = [scatter.mapFromScene(box.mapViewToScene(QPointF(*p))) for p in shape]
    _mouse(viewport, QEvent.Type.MouseButtonPress, pixels[0], Qt.MouseButton.LeftButton)
    for p in [*pixels[1:], pixels[0]]:
        qtbot.wait(30)  # pyqtgraph drops moves that come faster than its frame rate
        _mouse(viewport, QEvent.Type.MouseMove, p, Qt.MouseButton.LeftButton)
    _mouse(viewport, QEvent.Type.MouseButtonRelease, pixels[0], Qt.MouseButton.NoButton)

    # Expected: the points inside the polygon the mouse actually drew.
    drawn = np.asarray([(q.x(), q.y()) for q in
                        (box.mapSceneToView(scatter.mapToScene(p)) for p in pixels)])
    expected = rows_inside(xy, drawn)
    assert 0 < len(expected) < n
    assert np.array_equal(state.selected_rows, expected)
    assert np.array_equal(np.sort(window.table._selected_row_ids()), expected)  # the table
    assert np.array_equal(np.flatnonzero(scatter.selection.data["visible"]), expected)

    # The current image is ringed and follows the table.
    window.table.select_rows(np.array([int(expected[-1])]))
    assert np.allclose(scatter.current.data["x"], [xy[expected[-1], 0]])

    # Colours follow an edit; other colourings work on the same points.
    row = int(expected[0])
    before = scatter.points.data["brush"][row].color().name()
    state.project.set_labels([row], [])
    assert scatter.points.data["brush"][row].color().name() != before or before == "#c8c8c8"
    for k in range(panel.colour_box.count()):
        panel.colour_box.setCurrentIndex(k)
        assert len(scatter.points.data) == n
    state.set_project(None)


def test_without_features_the_map_says_how_to_get_them(qtbot, demo_root, tmp_path):
    state = AppState()
    from vocgui.qt.map import MapPanel

    panel = MapPanel(state)
    qtbot.addWidget(panel)
    state.set_project(Project.create_from_voc(tmp_path / "p.vocgui", demo_root, workers=1))
    assert "No run has features" in panel.status.text()
    assert panel.run_box.count() == 0
    state.set_project(None)
