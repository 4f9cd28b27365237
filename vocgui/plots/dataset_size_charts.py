"""Image size charts (width and height histograms, width x height hexbin, aspect
ratios) and the memory one input batch takes, from :mod:`vocgui.core.stats`."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from matplotlib.figure import Figure
from matplotlib.ticker import LogFormatter

from vocgui.core.stats import SizeStats, batch_memory_bytes
from vocgui.plots.dataset_charts import POSITIVE_COLOR, Chart

#: flow_from_dataframe's default max_queue_size: batches prepared ahead of the model.
DEFAULT_QUEUE = 10
_BATCH_SIZES = (8, 16, 32, 64, 128, 256)


def format_bytes(n: float) -> str:
    """``n`` bytes in binary units: '6.0 MiB'."""
    for unit in ("B", "KiB", "MiB", "GiB"):
        if abs(n) < 1024 or unit == "GiB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    raise AssertionError("unreachable")


def _fresh(figure: Figure | None, size: tuple[float, float]) -> Figure:
    if figure is None:
        return Figure(figsize=size, layout="constrained")
    figure.clear()
    return figure


def image_sizes_chart(sizes: SizeStats, *, figure: Figure | None = None) -> Chart:
    """Four panels: width and height histograms, width x height hexbin (log colour),
    aspect-ratio histogram; the title sums up megapixels and unknown sizes."""
    figure = _fresh(figure, (8, 6))
    if sizes.known == 0:
        ax = figure.add_subplot()
        ax.set_axis_off()
        ax.text(0.5, 0.5, f"No image sizes known ({sizes.unknown:,} images without a size)",
                ha="center", va="center", transform=ax.transAxes, color="0.4")
        return Chart(figure)
    (ax_w, ax_h), (ax_wh, ax_aspect) = figure.subplots(2, 2)
    ax_w.hist(sizes.width, bins=40, color=POSITIVE_COLOR)
    ax_w.set_xlabel("width (px)")
    ax_w.set_ylabel("images")
    ax_h.hist(sizes.height, bins=40, color=POSITIVE_COLOR)
    ax_h.set_xlabel("height (px)")
    ax_h.set_ylabel("images")
    hexes = ax_wh.hexbin(sizes.width, sizes.height, gridsize=30, mincnt=1, bins="log",
                         cmap="viridis")
    # Not "images": beside the aspect chart's y label it read "images images".
    colorbar = figure.colorbar(hexes, ax=ax_wh, label="images per cell")
    # Plain numbers ("2", "10") on the log colour bar, not "2x10^0".
    colorbar.ax.yaxis.set_major_formatter(LogFormatter(labelOnlyBase=False))
    colorbar.ax.yaxis.set_minor_formatter(LogFormatter(labelOnlyBase=False))
    ax_wh.set_xlabel("width (px)")
    ax_wh.set_ylabel("height (px)")
    ax_aspect.hist(sizes.aspect, bins=40, color=POSITIVE_COLOR)
    ax_aspect.axvline(1.0, color="0.3", lw=0.8, ls="--")
    ax_aspect.set_xlabel("aspect ratio (width / height)")
    ax_aspect.set_ylabel("images")
    mp = sizes.megapixels
    unknown = f"; {sizes.unknown:,} without a size" if sizes.unknown else ""
    figure.suptitle(f"Image sizes: {sizes.known:,} images, median "
                    f"{np.median(sizes.width):.0f} x {np.median(sizes.height):.0f} px, "
                    f"{np.median(mp):.2f} MP (max {mp.max():.2f} MP){unknown}")
    return Chart(figure)


def batch_memory_chart(target_size: int | tuple[int, int], batch_size: int, *,
                       channels: int = 3, dtype: npt.DTypeLike = np.float32,
                       queue: int = DEFAULT_QUEUE, figure: Figure | None = None) -> Chart:
    """Memory of one input batch at ``target_size`` for common batch sizes, the chosen
    ``batch_size`` highlighted, and what ``queue`` batches waiting ahead take."""
    figure = _fresh(figure, (6, 4))
    h, w = (target_size, target_size) if isinstance(target_size, int) else target_size
    sizes = sorted(set(_BATCH_SIZES) | {batch_size})
    mib = np.array([batch_memory_bytes((h, w), b, channels, dtype) for b in sizes]) / 2**20
    ax = figure.add_subplot()
    colors = ["#d9823b" if b == batch_size else POSITIVE_COLOR for b in sizes]
    bars = ax.bar([str(b) for b in sizes], mib, color=colors)
    ax.bar_label(bars, [format_bytes(m * 2**20) for m in mib], fontsize=8, padding=2)
    ax.set_ylim(0, mib.max() * 1.15)
    ax.set_xlabel("batch size")
    ax.set_ylabel("MiB per batch")
    one = batch_memory_bytes((h, w), batch_size, channels, dtype)
    ax.set_title(f"Input batch {batch_size} x {h} x {w} x {channels} "
                 f"{np.dtype(dtype).name}: {format_bytes(one)}\n"
                 f"with {queue} batches queued ahead: {format_bytes(one * (queue + 1))}",
                 fontsize=10)
    return Chart(figure)
