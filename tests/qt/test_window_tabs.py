"""The views in the main window's tabs work together: a bar clicked in the Dataset tab
filters the real table and brings it forward; the big views are built on first show."""

from __future__ import annotations

from pathlib import Path

import pytest
from main_window_helpers import open_window, private_settings, use_private_data_dir
from PySide6.QtCore import QPoint, Qt

from vocgui.qt.charts import DatasetChartsPanel


@pytest.fixture
def window(qtbot, voc_sample: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    use_private_data_dir(tmp_path, monkeypatch)
    window = open_window(qtbot, private_settings(tmp_path), voc_sample)
    window.resize(1366, 768)
    return window


def test_big_views_are_built_only_when_their_tab_is_first_shown(window) -> None:
    assert window.charts is None and window.training is None and window.review is None
    assert window.show_tab("Review") and window.review is not None
    assert window.charts is None and window.training is None
    assert not window.show_tab("No such tab")


def test_a_bar_click_in_the_dataset_tab_filters_the_table(qtbot, window) -> None:
    assert window.show_tab("Dataset")
    panel = window.charts
    assert isinstance(panel, DatasetChartsPanel)
    qtbot.waitUntil(lambda: panel.stats is not None)
    canvas = panel.imbalance
    canvas.draw()  # lay out now, so the bars' screen extents are final
    bar = next(b for b in canvas.chart.bars if b.get_gid() == "dog" and b.get_width() > 0)
    box = bar.get_window_extent()
    ratio, height = canvas.device_pixel_ratio, canvas.figure.bbox.height
    x, y = (box.x0 + box.x1) / 2, (box.y0 + box.y1) / 2
    qtbot.mouseClick(canvas, Qt.MouseButton.LeftButton,
                     pos=QPoint(round(x / ratio), round((height - y) / ratio)))

    project = window.state.project
    dog = project.classes.index("dog")
    expected = int(project.labels[:, dog].sum())
    assert 0 < expected < len(project.images)
    qtbot.waitUntil(lambda: window.table.model.rowCount() == expected)
    assert window.tabs.currentWidget() is window.table
    shown = {window.table.model.row_id(i) for i in range(expected)}
    assert all(project.labels[row, dog] for row in shown)
    assert window.state.visible_mask.sum() == expected
