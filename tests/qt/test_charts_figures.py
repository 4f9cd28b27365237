"""The dataset chart builders (pure matplotlib, no Qt): what they draw, and that a real
click on a bar or a heatmap cell resolves to the right classes."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from matplotlib.backend_bases import MouseEvent
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import to_hex
from matplotlib.figure import Figure

from vocgui.core.stats import DatasetStats, compute_stats, multi_hot
from vocgui.plots.dataset_charts import (
    NEGATIVE_COLOR,
    POSITIVE_COLOR,
    Chart,
    ClassTarget,
    cooccurrence_chart,
    imbalance_chart,
    labels_per_image_chart,
)
from vocgui.plots.dataset_size_charts import batch_memory_chart, format_bytes, image_sizes_chart

CLASSES = ["cat", "dog", "person", "sofa"]
LABELS = [("person",), ("cat", "person"), ("person",), (), ("dog", "person", "cat"),
          ("person", "sofa"), ("cat",)]


@pytest.fixture()
def stats() -> DatasetStats:
    images = pd.DataFrame({"width": [500, 375, 500, 333, 0, 500, 640],
                           "height": [375, 500, 333, 500, 0, 500, 480]})
    objects = pd.DataFrame({"image": [0, 1, 1, 2, 4, 4, 4, 5, 5, 6],
                            "name": ["person", "cat", "person", "person", "dog", "person",
                                     "cat", "person", "sofa", "cat"]})
    return compute_stats(multi_hot(LABELS, CLASSES), CLASSES, images, objects)


def _click(chart: Chart, x: float, y: float) -> list[ClassTarget]:
    """Press the left button at display point (x, y) the way a canvas does, and collect
    what the chart resolves the resulting pick events to."""
    canvas = chart.figure.canvas
    targets: list[ClassTarget] = []
    cid = canvas.mpl_connect("pick_event", lambda e: targets.append(
        chart.target_of(e.artist, e.mouseevent)))
    MouseEvent("button_press_event", canvas, x, y, button=1)._process()
    canvas.mpl_disconnect(cid)
    return [t for t in targets if t is not None]


def _center(artist) -> tuple[float, float]:
    box = artist.get_window_extent()
    return (box.x0 + box.x1) / 2, (box.y0 + box.y1) / 2


def test_imbalance_bars_are_sorted_tagged_and_clickable(stats: DatasetStats) -> None:
    chart = imbalance_chart(stats)
    FigureCanvasAgg(chart.figure).draw()
    ax = chart.figure.axes[0]
    # most frequent class on top: person 5, cat 3, then dog and sofa 1
    assert [t.get_text() for t in ax.get_yticklabels()] == ["person", "cat", "dog", "sofa"]
    assert len(chart.bars) == 8
    widths = {(bar.get_gid(), to_hex(bar.get_facecolor())): bar.get_width()
              for bar in chart.bars}
    assert widths[("person", POSITIVE_COLOR)] == 5
    assert widths[("person", NEGATIVE_COLOR)] == 2
    assert widths[("cat", POSITIVE_COLOR)] == 3
    (weight_axis,) = ax.child_axes  # the class weights on the right
    assert [t.get_text() for t in weight_axis.get_yticklabels()] == ["2", "3.33", "10", "10"]
    for bar in chart.bars:
        assert _click(chart, *_center(bar)) == [ClassTarget((bar.get_gid(),), "any")]
    assert _click(chart, 2, 2) == []  # outside every bar


def test_imbalance_bars_stand_upright_in_a_wide_short_figure(stats: DatasetStats) -> None:
    chart = imbalance_chart(stats, log_scale=True, figure=Figure(figsize=(12, 1.6), dpi=100))
    FigureCanvasAgg(chart.figure).draw()
    ax = chart.figure.axes[0]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["person", "cat", "dog", "sofa"]
    assert ax.get_yscale() == "log"
    for bar in chart.bars:
        assert _click(chart, *_center(bar)) == [ClassTarget((bar.get_gid(),), "any")]
    # laid out for its size: a taller figure wants horizontal bars again
    assert chart.still_fits(1200, 160)
    assert not chart.still_fits(600, 800)
    tall = imbalance_chart(stats, figure=Figure(figsize=(6, 8), dpi=100))
    assert [t.get_text() for t in tall.figure.axes[0].get_yticklabels()][0] == "person"
    assert imbalance_chart(stats, orientation="horizontal").still_fits is None


def test_imbalance_log_scale(stats: DatasetStats) -> None:
    chart = imbalance_chart(stats, log_scale=True)
    assert chart.figure.axes[0].get_xscale() == "log"
    assert "log scale" in chart.figure.axes[0].get_xlabel()


def test_cooccurrence_cells_resolve_to_class_pairs(stats: DatasetStats) -> None:
    chart = cooccurrence_chart(stats)
    FigureCanvasAgg(chart.figure).draw()
    ax = chart.figure.axes[0]
    data = chart.grid.get_array()
    assert data[0, 2] == pytest.approx(2 / 3)  # 2 of the 3 cat images have a person
    assert np.ma.is_masked(data[1, 1]) or np.isnan(data[1, 1])

    def cell(row: int, col: int) -> tuple[float, float]:
        return tuple(ax.transData.transform((col, row)))

    assert _click(chart, *cell(0, 2)) == [ClassTarget(("cat", "person"), "all")]
    assert _click(chart, *cell(3, 3)) == [ClassTarget(("sofa",), "any")]


def test_labels_per_image_histogram(stats: DatasetStats) -> None:
    chart = labels_per_image_chart(stats)
    heights = [p.get_height() for p in chart.figure.axes[0].patches]
    assert heights == [1, 3, 2, 1]
    assert "1 without labels" in chart.figure.axes[0].get_title()


def test_image_sizes_chart_has_four_panels_and_a_summary(stats: DatasetStats) -> None:
    chart = image_sizes_chart(stats.sizes)
    FigureCanvasAgg(chart.figure).draw()
    assert len(chart.figure.axes) == 5  # four panels and the hexbin's colour bar
    title = chart.figure.get_suptitle()
    assert "6 images" in title and "1 without a size" in title
    empty = image_sizes_chart(compute_stats(np.zeros((2, 1), bool), ["a"]).sizes)
    assert "No image sizes known" in empty.figure.axes[0].texts[0].get_text()


def test_batch_memory_chart_and_byte_formatting() -> None:
    chart = batch_memory_chart(128, 32)
    title = chart.figure.axes[0].get_title()
    assert "32 x 128 x 128 x 3 float32: 6.0 MiB" in title
    assert "66.0 MiB" in title  # with 10 batches queued ahead
    labels = [t.get_text() for t in chart.figure.axes[0].get_xticklabels()]
    assert labels == ["8", "16", "32", "64", "128", "256"]
    odd = batch_memory_chart((64, 96), 48).figure.axes[0]
    assert "48" in [t.get_text() for t in odd.get_xticklabels()]  # the chosen size is shown
    assert "48 x 64 x 96 x 3 float32: 3.4 MiB" in odd.get_title()
    assert format_bytes(512) == "512 B"
    assert format_bytes(3 * 2**30) == "3.0 GiB"


def test_builders_handle_an_empty_selection(stats: DatasetStats) -> None:
    nothing = compute_stats(np.zeros((0, 4), bool), CLASSES)
    for chart in (imbalance_chart(nothing), cooccurrence_chart(nothing),
                  labels_per_image_chart(nothing)):
        FigureCanvasAgg(chart.figure).draw()
        assert chart.bars == {}
    # a chart redrawn into the same figure replaces what was there
    chart = imbalance_chart(stats)
    again = imbalance_chart(stats, figure=chart.figure)
    assert again.figure is chart.figure and len(again.figure.axes) == 1
