"""Precision-recall curves per class with the current operating point marked (no pyplot).

:class:`PRCurvesGrid` draws the curves once per run (they do not depend on thresholds)
and afterwards only moves the operating-point markers.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from vocgui.core.evaluation.confusion import ConfusionCounts
from vocgui.core.evaluation.curves import PRCurve, operating_points
from vocgui.plots.review_grid import (
    figure_size,
    fit_margins,
    note_hidden,
    outer_edges,
    panel_axes,
    shown_order,
)


class PRCurvesGrid:
    """One precision-recall panel per class, in a given order."""

    def __init__(self, figure: Figure, columns: int = 5) -> None:
        self.figure = figure
        self.columns = columns
        self.order: np.ndarray = np.zeros(0, dtype=np.int64)
        self._axes: list[Axes] = []
        self._markers: list = []
        self._labels: list = []

    def set_curves(self, curves: Sequence[PRCurve], order: Sequence[int] | None = None) -> None:
        """Draw ``curves`` (one per class) in ``order`` (class indices; default: as given)."""
        self.order = shown_order(order, len(curves))
        n = len(self.order)
        self._axes = panel_axes(self.figure, n, self.columns)
        note_hidden(self.figure, n, len(curves))
        self._markers, self._labels = [], []
        for slot, (ax, k) in enumerate(zip(self._axes, self.order, strict=True)):
            curve = curves[k]
            ap = "n/a" if np.isnan(curve.average_precision) else \
                f"{curve.average_precision:.2f}"
            ax.set_title(f"{curve.class_name}  n={curve.support}  AP {ap}", fontsize=8)
            ax.step(curve.recall, curve.precision, where="post", lw=1.2, color="#1f77b4")
            self._markers.append(ax.plot([], [], "o", color="#d62728", ms=6, zorder=3)[0])
            self._labels.append(ax.text(0.03, 0.05, "", fontsize=7, transform=ax.transAxes))
            ax.set_xlim(0, 1.02)
            ax.set_ylim(0, 1.05)
            left, bottom = outer_edges(slot, n, self.columns)
            ax.set_xticks([0, 0.5, 1], ["0", "0.5", "1"] if bottom else [])
            ax.set_yticks([0, 0.5, 1], ["0", "0.5", "1"] if left else [])
            ax.tick_params(labelsize=6, length=2)
            ax.grid(alpha=0.3)
            if bottom:
                ax.set_xlabel("recall", fontsize=7, labelpad=1)
            if left:
                ax.set_ylabel("precision", fontsize=7, labelpad=1)
        self.fit()

    def fit(self) -> None:
        """Re-fit the margins to the figure's current size (call after a resize)."""
        fit_margins(self.figure, len(self._axes), self.columns,
                    margins=(0.45, 0.1, 0.3, 0.4), gaps=(0.15, 0.45))

    def update(self, counts: ConfusionCounts) -> None:
        """Move each class's marker to (recall, precision) at the thresholds of ``counts``."""
        points = operating_points(counts)
        for slot, k in enumerate(self.order):
            recall, precision = points[k]
            self._markers[slot].set_data([recall], [precision])
            self._labels[slot].set_text(f"t={counts.thresholds[k]:.2f} "
                                        f"P={precision:.2f} R={recall:.2f}")


def pr_curves_figure(curves: Sequence[PRCurve], counts: ConfusionCounts,
                     order: Sequence[int] | None = None, columns: int = 5) -> Figure:
    """A new Figure of the PR curves with operating points (for reports)."""
    shown = len(shown_order(order, len(curves)))
    figure = Figure(figsize=figure_size(shown, (2.4, 2.3), columns))
    grid = PRCurvesGrid(figure, columns)
    grid.set_curves(curves, order)
    grid.update(counts)
    return figure
