"""The small-multiples layout the review figures share: one panel per class, in a grid."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

#: Panels per row when the figure is not told otherwise.
DEFAULT_COLUMNS = 5
#: Most panels drawn: the first classes of the order (a dataset with 20,000 classes made
#: a figure nobody could draw or read); the tables keep every class.
MAX_PANELS = 60


def shown_order(order: Sequence[int] | None, n_classes: int) -> np.ndarray:
    """The class indices to draw: ``order`` (default: class order), at most
    :data:`MAX_PANELS` of them."""
    full = np.arange(n_classes) if order is None else np.asarray(order, dtype=np.int64)
    return full[:MAX_PANELS]


def note_hidden(figure: Figure, shown: int, n_classes: int) -> None:
    """Say on ``figure`` how many classes its panels leave out, if any."""
    if n_classes > shown:
        figure.suptitle(f"the first {shown} of {n_classes:,} classes in this order; the "
                        "CSV tables list them all", fontsize=9, color="0.3")


def grid_shape(n_panels: int, columns: int = DEFAULT_COLUMNS) -> tuple[int, int]:
    """(rows, columns) of a grid holding ``n_panels`` (at least 1 x 1)."""
    columns = max(1, min(columns, n_panels))
    return max(1, math.ceil(n_panels / columns)), columns


def panel_axes(figure: Figure, n_panels: int, columns: int = DEFAULT_COLUMNS) -> list[Axes]:
    """Clear ``figure`` and give it ``n_panels`` axes in a grid (unused cells are hidden)."""
    figure.clear()
    rows, cols = grid_shape(n_panels, columns)
    axes = figure.subplots(rows, cols, squeeze=False).ravel().tolist()
    for spare in axes[n_panels:]:
        spare.set_visible(False)
    return axes[:n_panels]


def outer_edges(slot: int, n_panels: int, columns: int = DEFAULT_COLUMNS) -> tuple[bool, bool]:
    """(on the left edge, on the bottom edge) of panel ``slot``: where axis words go.

    Text is most of a grid's drawing time, and every panel has the same axes, so the
    words are written once per row and column only.
    """
    return slot % columns == 0, slot + columns >= n_panels


def figure_size(n_panels: int, panel: tuple[float, float],
                columns: int = DEFAULT_COLUMNS) -> tuple[float, float]:
    """Figure size in inches for ``n_panels`` panels of ``panel`` inches each."""
    rows, cols = grid_shape(n_panels, columns)
    return cols * panel[0], rows * panel[1]


def fit_margins(figure: Figure, n_panels: int, columns: int = DEFAULT_COLUMNS,
                margins: tuple[float, float, float, float] = (0.4, 0.1, 0.45, 0.3),
                gaps: tuple[float, float] = (0.4, 0.65)) -> None:
    """Set the figure's margins and gaps in inches (left, right, top, bottom; horizontal,
    vertical), so titles and tick labels fit whatever size the figure has."""
    rows, cols = grid_shape(n_panels, columns)
    width, height = figure.get_size_inches()
    left, right, top, bottom = margins
    gap_h, gap_v = gaps
    # Never let the margins meet on a tiny figure.
    width, height = max(width, left + right + 0.5), max(height, top + bottom + 0.5)
    axes_w = max((width - left - right - (cols - 1) * gap_h) / cols, 0.1)
    axes_h = max((height - top - bottom - (rows - 1) * gap_v) / rows, 0.1)
    figure.subplots_adjust(left=left / width, right=1 - right / width, top=1 - top / height,
                           bottom=bottom / height, wspace=gap_h / axes_w, hspace=gap_v / axes_h)
