"""Dataset charts from :class:`vocgui.core.stats.DatasetStats`: label imbalance, label
co-occurrence and labels per image (image sizes and batch memory are in
``dataset_size_charts``).

Builders draw on a matplotlib ``Figure`` (a new one, or one a canvas owns, cleared
first) and return a :class:`Chart` that maps a click on a bar or a heatmap cell back to
the classes it stands for. No pyplot: nothing global, safe in a GUI and in the CLI.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
from matplotlib import colormaps
from matplotlib.artist import Artist
from matplotlib.backend_bases import MouseEvent
from matplotlib.figure import Figure
from matplotlib.image import AxesImage

from vocgui.core.stats import DatasetStats

POSITIVE_COLOR = "#3b75af"
NEGATIVE_COLOR = "#b8b8b8"
EMPTY_COLOR = "#d9823b"
#: Pixels of figure height per class below which the imbalance bars stand upright.
MIN_ROW_PX = 18
#: Most classes the imbalance chart draws (the most frequent first); 20,000 bars took
#: minutes to lay out and could not be read.
MAX_BARS = 100


@dataclass(frozen=True)
class ClassTarget:
    """What a click asks for: show images with ``mode`` ('any'|'all') of ``classes``."""

    classes: tuple[str, ...]
    mode: str = "any"


@dataclass
class Chart:
    """A drawn figure and the artists a click can resolve to classes.

    ``bars`` maps a bar (a ``Rectangle``, also tagged with ``gid`` = class name) to its
    target; ``grid`` is a heatmap image whose cell (row, column) stands for the classes
    ``grid_classes[row]`` and ``grid_classes[column]``.
    """

    figure: Figure
    bars: dict[Artist, ClassTarget] = field(default_factory=dict)
    grid: AxesImage | None = None
    grid_classes: tuple[str, ...] = ()
    #: ``still_fits(width_px, height_px)`` is False when the chart should be rebuilt for
    #: a figure of that size (None: any size fits; matplotlib reflows the layout).
    still_fits: Callable[[float, float], bool] | None = None

    def target_of(self, artist: Artist, mouse: MouseEvent | None = None) -> ClassTarget | None:
        """The classes a pick on ``artist`` (at ``mouse``, for heatmap cells) stands for."""
        if artist in self.bars:
            return self.bars[artist]
        if artist is self.grid and mouse is not None and mouse.xdata is not None:
            col, row = int(round(mouse.xdata)), int(round(mouse.ydata))
            n = len(self.grid_classes)
            if not (0 <= row < n and 0 <= col < n):
                return None
            if row == col:
                return ClassTarget((self.grid_classes[row],), "any")
            return ClassTarget((self.grid_classes[row], self.grid_classes[col]), "all")
        return None


def _fresh(figure: Figure | None, size: tuple[float, float]) -> Figure:
    if figure is None:
        return Figure(figsize=size, layout="constrained")
    figure.clear()
    return figure


def _empty(figure: Figure, message: str) -> Chart:
    ax = figure.add_subplot()
    ax.set_axis_off()
    ax.text(0.5, 0.5, message, ha="center", va="center", transform=ax.transAxes,
            color="0.4")
    return Chart(figure)


def imbalance_orientation(n_classes: int, height_px: float) -> str:
    """'horizontal' bars (one row per class) when the figure is tall enough for
    MIN_ROW_PX per class, else 'vertical' (a wide, short panel)."""
    return "horizontal" if height_px >= MIN_ROW_PX * n_classes + 120 else "vertical"


def imbalance_chart(stats: DatasetStats, *, log_scale: bool = False,
                    orientation: Literal["auto", "horizontal", "vertical"] = "auto",
                    figure: Figure | None = None) -> Chart:
    """Images per class as positives and negatives, most frequent class first, with each
    class's weight (total / count) on the opposite axis. ``orientation`` 'auto' picks
    :func:`imbalance_orientation` for the figure's size. Every bar resolves to its class.
    """
    figure = _fresh(figure, (7, 5))
    if not stats.classes or stats.n_images == 0:
        return _empty(figure, "No images to count" if stats.classes else "No classes yet")
    order = np.argsort(-stats.positives, kind="stable")[:MAX_BARS]
    n = len(order)
    chosen = (imbalance_orientation(n, figure.bbox.height) if orientation == "auto"
              else orientation)
    horizontal = chosen == "horizontal"
    names = [stats.classes[j] for j in order]
    at = np.arange(n)
    ax = figure.add_subplot()
    # barh(y, width, height) and bar(x, height, width): the third argument is thickness.
    draw_bars = ax.barh if horizontal else ax.bar
    pos = draw_bars(at - 0.2, stats.positives[order], 0.4, color=POSITIVE_COLOR)
    neg = draw_bars(at + 0.2, stats.negatives[order], 0.4, color=NEGATIVE_COLOR)
    chart = Chart(figure)
    if orientation == "auto":
        chart.still_fits = lambda _w, h: imbalance_orientation(n, h) == chosen
    for name, p_bar, n_bar in zip(names, pos, neg, strict=True):
        for bar in (p_bar, n_bar):
            bar.set_gid(name)
            bar.set_picker(True)
            chart.bars[bar] = ClassTarget((name,), "any")
    for k, j in enumerate(order):
        value = max(stats.positives[j], 1)
        if horizontal:
            ax.annotate(f"{stats.positives[j]:,}", (value, k - 0.2), xytext=(3, 0),
                        textcoords="offset points", va="center", fontsize=8)
        else:
            ax.annotate(f"{stats.positives[j]:,}", (k - 0.2, value), xytext=(0, 3),
                        textcoords="offset points", ha="center", va="bottom", fontsize=7,
                        rotation=90)
    limits = (0.8, stats.n_images * 1.5) if log_scale else (0, stats.n_images * 1.08)
    value_label = f"images (of {stats.n_images:,}){', log scale' if log_scale else ''}"
    weight_labels = [f"{stats.class_weights[j]:.3g}" for j in order]
    if horizontal:
        ax.set_yticks(at, names)
        ax.set_ylim(n - 0.5, -0.5)
        ax.set_xscale("log" if log_scale else "linear")
        ax.set_xlim(*limits)
        ax.set_xlabel(value_label)
        weights = ax.secondary_yaxis("right")
        weights.set_yticks(at, weight_labels)
        weights.set_ylabel("class weight (total / count)")
    else:
        ax.set_xticks(at, names, rotation=40, ha="right", rotation_mode="anchor")
        ax.set_xlim(-0.5, n - 0.5)
        ax.set_yscale("log" if log_scale else "linear")
        ax.set_ylim(*limits)
        ax.set_ylabel(value_label)
        weights = ax.secondary_xaxis("top")
        weights.set_xticks(at, weight_labels, fontsize=7)
        weights.set_xlabel("class weight (total / count)", fontsize=8)
    figure.legend([pos[0], neg[0]], ["positives (images with the label)", "negatives"],
                  loc="outside lower center", ncols=2, fontsize=8)
    ax.set_title("Label imbalance (click a bar to filter)" if n == len(stats.classes) else
                 f"Label imbalance: the {n} most frequent of {len(stats.classes):,} classes")
    return chart


def cooccurrence_chart(stats: DatasetStats, *, figure: Figure | None = None) -> Chart:
    """Heatmap of P(column class | row class): the share of a row class's images that
    also carry the column class; the diagonal shows image counts. A cell resolves to
    its two classes ('all'), a diagonal cell to its class."""
    figure = _fresh(figure, (7, 6))
    names = stats.cooccurrence_classes or stats.classes
    n = len(names)
    if n == 0 or stats.n_images == 0:
        return _empty(figure, "No labels to pair")
    counts = stats.cooccurrence.astype(np.float64)
    diag = np.diag(counts).copy()
    share = counts / np.where(diag > 0, diag, 1)[:, None]
    np.fill_diagonal(share, np.nan)
    ax = figure.add_subplot()
    cmap = colormaps["viridis"].with_extremes(bad="0.85")  # grey diagonal
    image = ax.imshow(share, vmin=0, vmax=1, cmap=cmap, interpolation="nearest")
    image.set_picker(True)
    ax.set_xticks(range(n), names, rotation=90, fontsize=8)
    ax.set_yticks(range(n), names, fontsize=8)
    small = n <= 12
    for i in range(n):
        ax.text(i, i, f"{int(diag[i])}", ha="center", va="center", fontsize=7, color="0.1")
        if small:
            for j in range(n):
                if i != j and share[i, j] >= 0.005:
                    ax.text(j, i, f"{share[i, j]:.0%}", ha="center", va="center",
                            fontsize=7, color="white" if share[i, j] < 0.6 else "black")
    figure.colorbar(image, ax=ax, label="share of row-class images with the column class")
    hidden = len(stats.classes) - n
    ax.set_title("Label co-occurrence (diagonal: images)" if not hidden else
                 f"Label co-occurrence of the {n} most frequent of {len(stats.classes):,} "
                 "classes")
    return Chart(figure, grid=image, grid_classes=tuple(names))


def labels_per_image_chart(stats: DatasetStats, *, figure: Figure | None = None) -> Chart:
    """Histogram of the number of labels per image; images without labels stand out."""
    figure = _fresh(figure, (6, 4))
    if stats.n_images == 0:
        return _empty(figure, "No images")
    counts = stats.labels_per_image
    ax = figure.add_subplot()
    k = np.arange(len(counts))
    bars = ax.bar(k, counts, color=[EMPTY_COLOR] + [POSITIVE_COLOR] * (len(counts) - 1))
    ax.bar_label(bars, [f"{c:,}" for c in counts], fontsize=8, padding=2)
    ax.set_xticks(k)
    ax.set_xlabel("labels per image")
    ax.set_ylabel("images")
    ax.set_ylim(0, max(counts.max(), 1) * 1.12)
    mean = float((k * counts).sum() / max(counts.sum(), 1))
    ax.set_title(f"Labels per image (mean {mean:.2f}; {counts[0]:,} without labels)")
    return Chart(figure)
