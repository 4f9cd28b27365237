"""The review figures (no Qt) on the real run: confusion grid texts and click mapping, PR
operating points."""

from __future__ import annotations

import numpy as np
import pytest
from matplotlib.figure import Figure
from review_run import trained_project

from vocgui.core.evaluation.confusion import CELLS
from vocgui.core.evaluation.review_runs import load_review
from vocgui.core.evaluation.run_review import RunReview
from vocgui.core.project import Project
from vocgui.plots.review_confusion import ConfusionGrid
from vocgui.plots.review_curves import pr_curves_figure


@pytest.fixture(scope="module")
def review(tmp_path_factory) -> RunReview:
    with Project.open(trained_project(tmp_path_factory), read_only=True) as project:
        return load_review(project, 2)


def test_grid_shows_counts_and_maps_clicks_back(review):
    grid = ConfusionGrid(Figure(figsize=(10, 5)))
    counts = review.counts(0.4)
    order = np.argsort(-counts.f1)
    grid.update(counts, order)
    for slot, k in enumerate(order):
        texts = " ".join(t.get_text() for t in grid.axes[slot].texts)
        for cell in CELLS:
            assert f"{cell.upper()} {counts.cell(cell)[k]}\n" in texts
        assert grid.axes[slot].get_title().startswith(f"{review.classes[k]}  n={counts.support[k]}")
        for cell in CELLS:
            x, y = grid.cell_center(k, cell)
            data = grid.axes[slot].transData.inverted().transform((x, y))
            assert grid.cell_at(grid.axes[slot], *data) == (k, cell)
    assert grid.cell_at(None, 0.0, 0.0) is None
    assert grid.cell_at(grid.axes[0], 3.0, 0.0) is None


def test_update_moves_texts_without_new_artists(review):
    grid = ConfusionGrid(Figure(figsize=(10, 5)))
    grid.update(review.counts(0.5))
    artists = [id(t) for ax in grid.axes for t in ax.texts]
    grid.update(review.counts(0.2))
    assert [id(t) for ax in grid.axes for t in ax.texts] == artists
    tp = review.counts(0.2).tp[0]
    assert any(t.get_text().startswith(f"TP {tp}\n") for t in grid.axes[0].texts)


def test_pr_figure_marks_the_operating_points(review):
    counts = review.counts(0.6)
    figure = pr_curves_figure(review.curves(), counts)
    axes = [ax for ax in figure.axes if ax.get_visible()]
    assert len(axes) == len(review.classes)
    for k, ax in enumerate(axes):
        marker = ax.lines[-1]
        assert marker.get_xdata()[0] == pytest.approx(counts.recall[k])
        assert marker.get_ydata()[0] == pytest.approx(counts.precision[k])
