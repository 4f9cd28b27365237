"""The "Dataset" charts panel driven headless on a real project made from the demo
dataset: bar and cell clicks request table filters, charts follow the filter and edits
(debounced), and nothing is computed or drawn while hidden."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from matplotlib.colors import to_hex
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor, QPalette

from vocgui.core.project import Project
from vocgui.core.project.commands import AddLabel
from vocgui.qt.app_state import AppState
from vocgui.qt.charts import DatasetChartsPanel
from vocgui.qt.charts.chart_canvas import ChartCanvas


@pytest.fixture()
def state(tmp_path: Path, demo_root: Path) -> Iterator[AppState]:
    state = AppState()
    yield state
    state.set_project(None)  # closes the project


@pytest.fixture()
def panel(qtbot, state: AppState, tmp_path: Path, demo_root: Path) -> DatasetChartsPanel:
    panel = DatasetChartsPanel(state)
    qtbot.addWidget(panel)
    panel.resize(1000, 600)
    state.set_project(Project.create_from_voc(tmp_path / "demo.vocgui", demo_root))
    panel.show()
    qtbot.waitExposed(panel)
    qtbot.waitUntil(lambda: panel.stats is not None)
    return panel


def _click_display_point(qtbot, canvas: ChartCanvas, x: float, y: float) -> None:
    """A real left click at matplotlib display coordinates (pixels, origin bottom-left)."""
    ratio = canvas.device_pixel_ratio
    height = canvas.figure.bbox.height
    qtbot.mouseClick(canvas, Qt.MouseButton.LeftButton,
                     pos=QPoint(round(x / ratio), round((height - y) / ratio)))


def test_clicking_a_bar_filters_the_table_to_its_class(qtbot, panel: DatasetChartsPanel,
                                                       state: AppState) -> None:
    canvas = panel.imbalance
    canvas.draw()  # lay out now, so the bars' screen extents are final
    for name in ("hexagon", "circle"):
        bar = next(b for b in canvas.chart.bars if b.get_gid() == name and b.get_width() > 0)
        box = bar.get_window_extent()
        with qtbot.waitSignal(state.class_filter_requested, timeout=2000) as blocker:
            _click_display_point(qtbot, canvas, (box.x0 + box.x1) / 2, (box.y0 + box.y1) / 2)
        assert blocker.args == [[name], "any"]


def test_clicking_a_cooccurrence_cell_filters_to_both_classes(
        qtbot, panel: DatasetChartsPanel, state: AppState) -> None:
    panel.tabs.setCurrentWidget(panel.cooccurrence)
    canvas = panel.cooccurrence
    qtbot.waitUntil(lambda: canvas.chart is not None)
    canvas.draw()
    classes = state.project.classes
    row, col = classes.index("circle"), classes.index("square")
    x, y = canvas.chart.grid.axes.transData.transform((col, row))
    with qtbot.waitSignal(state.class_filter_requested, timeout=2000) as blocker:
        _click_display_point(qtbot, canvas, x, y)
    assert blocker.args == [["circle", "square"], "all"]


def test_charts_follow_the_filter_and_edits_once_settled(qtbot, panel: DatasetChartsPanel,
                                                         state: AppState) -> None:
    project = state.project
    n = len(project.images)
    qtbot.wait(250)  # nothing pending: showing the panel computed once
    assert panel.recompute_count == 1
    assert panel.summary.text() == f"{n} labeled images, 8 classes"
    # several filter changes in quick succession cause one recompute
    for keep in (3, 2, 4):
        state.set_visible_mask(np.arange(n) % keep == 0)
    qtbot.waitUntil(lambda: panel.recompute_count == 2)
    qtbot.wait(250)
    assert panel.recompute_count == 2
    mask = np.arange(n) % 4 == 0
    assert panel.stats.n_images == mask.sum()
    assert panel.stats.positives.tolist() == project.labels[mask].sum(axis=0).tolist()
    assert f"of {n} (filtered)" in panel.summary.text()
    # an edit (through the undo stack, as views do) shows in the charts
    j = project.classes.index("hexagon")
    before = int(panel.stats.positives[j])
    rows = np.flatnonzero(mask & ~project.labels[:, j])[:5]
    state.push(AddLabel(project, rows, "hexagon"))
    qtbot.waitUntil(lambda: panel.recompute_count == 3)
    assert panel.stats.positives[j] == before + 5
    widths = sorted(b.get_width() for b in panel.imbalance.chart.bars if b.get_gid() == "hexagon")
    assert widths == sorted([before + 5, mask.sum() - before - 5])


def test_only_the_visible_chart_draws_and_a_hidden_panel_waits(
        qtbot, panel: DatasetChartsPanel, state: AppState) -> None:
    assert panel.imbalance.draw_count == 1
    assert panel.sizes.draw_count == 0 and panel.cooccurrence.draw_count == 0
    panel.tabs.setCurrentWidget(panel.sizes)
    qtbot.waitUntil(lambda: panel.sizes.draw_count == 1)
    assert "120 images" in panel.sizes.figure.get_suptitle()
    # an edit changes labels, not sizes: the sizes chart is not drawn again
    state.push(AddLabel(state.project, np.arange(3), "star"))
    qtbot.waitUntil(lambda: panel.recompute_count == 2)
    panel.tabs.setCurrentWidget(panel.imbalance)
    panel.tabs.setCurrentWidget(panel.sizes)
    assert panel.sizes.draw_count == 1 and panel.imbalance.draw_count == 2
    panel.hide()
    state.set_visible_mask(np.arange(len(state.project.images)) < 10)
    qtbot.wait(400)
    assert panel.recompute_count == 2 and panel.sizes.draw_count == 1
    panel.show()
    qtbot.waitUntil(lambda: panel.recompute_count == 3)
    assert panel.stats.n_images == 10
    qtbot.waitUntil(lambda: panel.sizes.draw_count == 2)
    assert "10 images" in panel.sizes.figure.get_suptitle()


def test_imbalance_rebuilds_upright_when_the_panel_becomes_wide_and_short(
        qtbot, panel: DatasetChartsPanel) -> None:
    canvas = panel.imbalance
    assert canvas.chart.figure.axes[0].get_yticklabels()[0].get_text() == "circle"
    drawn = canvas.draw_count
    panel.resize(1300, 230)
    qtbot.waitUntil(lambda: canvas.draw_count == drawn + 1)
    labels = [t.get_text() for t in canvas.chart.figure.axes[0].get_xticklabels()]
    assert labels[0] == "circle" and len(labels) == 8
    assert panel.recompute_count == 1  # a new layout, not new statistics


def test_log_scale_and_batch_memory_controls(qtbot, panel: DatasetChartsPanel) -> None:
    panel.log_scale.setChecked(True)
    assert panel.imbalance.chart.figure.axes[0].get_xscale() == "log"
    panel.target_size.setValue(224)
    panel.batch_size.setValue(64)
    assert panel.memory.text() == "= 36.8 MiB per batch"  # 224*224*3*64*4 bytes
    panel.tabs.setCurrentWidget(panel.batch_memory)
    qtbot.waitUntil(lambda: panel.batch_memory.chart is not None)
    assert "64 x 224 x 224 x 3 float32: 36.8 MiB" in (
        panel.batch_memory.chart.figure.axes[0].get_title())


def test_charts_follow_a_dark_palette(qtbot, panel: DatasetChartsPanel) -> None:
    dark = QPalette()
    dark.setColor(QPalette.ColorRole.Window, QColor("#202124"))
    dark.setColor(QPalette.ColorRole.Base, QColor("#2b2c2f"))
    dark.setColor(QPalette.ColorRole.WindowText, QColor("#e8eaed"))
    panel.setPalette(dark)
    panel.log_scale.setChecked(True)  # any rebuild picks the palette up
    figure = panel.imbalance.chart.figure
    assert to_hex(figure.get_facecolor()) == "#202124"
    ax = figure.axes[0]
    assert to_hex(ax.get_facecolor()) == "#2b2c2f"
    assert to_hex(ax.get_yticklabels()[0].get_color()) == "#e8eaed"
    assert to_hex(ax.title.get_color()) == "#e8eaed"


def test_without_a_project_the_panel_says_so(qtbot) -> None:
    state = AppState()
    panel = DatasetChartsPanel(state)
    qtbot.addWidget(panel)
    panel.show()
    qtbot.waitExposed(panel)
    assert panel.stats is None
    assert panel.summary.text() == "No dataset open"
    assert panel.imbalance.chart.bars == {}
