"""A grid of per-class 2x2 confusion matrices with counts and rates (no pyplot).

Each panel is one class's one-vs-rest matrix in scikit-learn's layout (rows: truly
absent / present; columns: predicted absent / present). Correct cells are shaded blue,
errors red, by their rate within the true row. :class:`ConfusionGrid` creates its artists
once per class count and afterwards only updates them, so threshold moves redraw cheaply;
:meth:`ConfusionGrid.cell_at` maps a click back to (class, cell).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib import colormaps
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from vocgui.core.evaluation.confusion import ConfusionCounts
from vocgui.plots.review_grid import (
    figure_size,
    fit_margins,
    note_hidden,
    outer_edges,
    panel_axes,
    shown_order,
)

#: Cell name at (true row, predicted column) of a panel.
LAYOUT = (("tn", "fp"), ("fn", "tp"))
_CORRECT = colormaps["Blues"]
_ERROR = colormaps["Reds"]


def _colours(rates: np.ndarray) -> np.ndarray:
    """(2, 2, 4) RGBA for one panel: blue diagonal, red off-diagonal, by rate."""
    # Kept off the darkest end so the counts stay readable.
    shade = 0.08 + 0.72 * rates
    rgba = _CORRECT(shade)
    off = np.array([[False, True], [True, False]])
    rgba[off] = _ERROR(shade[off])
    return rgba


class ConfusionGrid:
    """Draws :class:`ConfusionCounts` on a Figure, one panel per class in ``order``."""

    def __init__(self, figure: Figure, columns: int = 5) -> None:
        self.figure = figure
        self.columns = columns
        self.order: np.ndarray = np.zeros(0, dtype=np.int64)
        #: One panel per class, in display order (``self.order[i]`` is in ``axes[i]``).
        self.axes: list[Axes] = []
        self._images: list = []
        self._texts: list[list] = []

    def _build(self, n_classes: int) -> None:
        self.axes = panel_axes(self.figure, n_classes, self.columns)
        self._images, self._texts = [], []
        for slot, ax in enumerate(self.axes):
            self._images.append(ax.imshow(np.zeros((2, 2, 4)), interpolation="nearest"))
            self._texts.append([ax.text(j, i, "", ha="center", va="center", fontsize=8)
                                for i in range(2) for j in range(2)])
            left, bottom = outer_edges(slot, n_classes, self.columns)
            ax.set_xticks([0, 1], ["pred no", "pred yes"] if bottom else ["", ""], fontsize=7)
            ax.set_yticks([0, 1], ["true no", "true yes"] if left else ["", ""], fontsize=7,
                          rotation=90, va="center")
            ax.tick_params(length=0, pad=2)
        self.fit()

    def update(self, counts: ConfusionCounts, order: Sequence[int] | None = None) -> None:
        """Show ``counts`` with panels in ``order`` (class indices; default: class order)."""
        self.order = shown_order(order, len(counts.classes))
        n = len(self.order)
        if len(self.axes) != n:
            self._build(n)
            note_hidden(self.figure, n, len(counts.classes))
        matrices, rates = counts.matrices(), counts.rates()
        f1 = counts.f1
        for slot, k in enumerate(self.order):
            self._images[slot].set_data(_colours(rates[k]))
            for cell_index, text in enumerate(self._texts[slot]):
                i, j = divmod(cell_index, 2)
                text.set_text(f"{LAYOUT[i][j].upper()} {matrices[k, i, j]}\n"
                              f"{rates[k, i, j]:.0%}")
                text.set_color("white" if rates[k, i, j] > 0.6 else "black")
            f1_text = f"{f1[k]:.2f}" if counts.support[k] else "n/a"  # no positive: undefined
            self.axes[slot].set_title(
                f"{counts.classes[k]}  n={counts.support[k]}  F1 {f1_text}  "
                f"t={counts.thresholds[k]:.2f}", fontsize=8)

    def fit(self) -> None:
        """Re-fit the margins to the figure's current size (call after a resize)."""
        fit_margins(self.figure, len(self.axes), self.columns, margins=(0.3, 0.1, 0.3, 0.3),
                    gaps=(0.15, 0.5))

    def cell_center(self, class_index: int, cell: str) -> tuple[float, float]:
        """Display coordinates (pixels from the bottom left) of a cell's centre."""
        slot = int(np.flatnonzero(self.order == class_index)[0])
        i, j = next((i, j) for i in range(2) for j in range(2) if LAYOUT[i][j] == cell)
        x, y = self.axes[slot].transData.transform((j, i))
        return float(x), float(y)

    def cell_at(self, axes: Axes | None, x: float | None, y: float | None
                ) -> tuple[int, str] | None:
        """(class index, cell name) under a click at data coordinates (x, y), or None."""
        if axes is None or x is None or y is None or axes not in self.axes:
            return None
        i, j = int(round(y)), int(round(x))
        if not (0 <= i <= 1 and 0 <= j <= 1):
            return None
        return int(self.order[self.axes.index(axes)]), LAYOUT[i][j]


def confusion_grid_figure(counts: ConfusionCounts, order: Sequence[int] | None = None,
                          columns: int = 5) -> Figure:
    """A new Figure of the confusion grid (for reports and the command line)."""
    shown = len(shown_order(order, len(counts.classes)))
    figure = Figure(figsize=figure_size(shown, (2.3, 2.5), columns))
    ConfusionGrid(figure, columns).update(counts, order)
    return figure
