"""Training curves: batch and epoch loss, validation loss, F1/precision/recall and mAP.

Qt-free and pyplot-free. :class:`CurveHistory` collects what a run reported (batch losses
and the per-epoch metrics dicts of the training events); :class:`TrainingCurves` draws
it on a matplotlib ``Figure`` it owns the axes of, creating its artists once and only
updating their data afterwards, so a live view can redraw it cheaply many times.

Epochs are numbered from 1 on the x axis: the metrics of epoch ``e`` sit at ``x = e``
and the batches of that epoch between ``e - 1`` and ``e``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

#: The averages the F1/precision/recall axes can show (keys ``f1_<average>`` etc.).
AVERAGES = ("micro", "macro", "weighted")
#: The batch-loss line keeps at most this many points (older ones are thinned) so
#: drawing stays cheap on long runs.
MAX_BATCH_POINTS = 600


def _number(value: object) -> float | None:
    """``value`` as a finite float, or None (missing, None, NaN, not a number)."""
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


@dataclass
class CurveHistory:
    """What a run reported so far, in the form the curves need.

    ``epochs[i]`` (1-based) is the epoch whose metrics dict is ``metrics[i]``;
    ``batch_x`` holds fractional epochs (``epoch - 1 + batch / batches``).
    """

    batch_x: list[float] = field(default_factory=list)
    batch_loss: list[float] = field(default_factory=list)
    epochs: list[int] = field(default_factory=list)
    metrics: list[dict] = field(default_factory=list)

    def add_batch(self, epoch: int, batch: int, batches: int, loss: object) -> None:
        """Record the running loss after ``batch`` (1-based) of ``batches`` in ``epoch``."""
        value = _number(loss)
        if value is None:
            return
        self.batch_x.append(epoch - 1 + batch / max(batches, 1))
        self.batch_loss.append(value)
        if len(self.batch_loss) > 2 * MAX_BATCH_POINTS:
            # Thin the older half; the recent batches stay at full resolution.
            half = len(self.batch_loss) // 2
            self.batch_x[:half] = self.batch_x[:half:2]
            self.batch_loss[:half] = self.batch_loss[:half:2]

    def add_epoch(self, epoch: int, metrics: Mapping) -> None:
        """Record the metrics dict reported at the end of ``epoch`` (1-based)."""
        self.epochs.append(int(epoch))
        self.metrics.append(dict(metrics))

    def series(self, key: str) -> tuple[list[int], list[float]]:
        """(epochs, values) of one epoch metric, skipping epochs that lack it."""
        xs, ys = [], []
        for epoch, metrics in zip(self.epochs, self.metrics, strict=True):
            value = _number(metrics.get(key))
            if value is not None:
                xs.append(epoch)
                ys.append(value)
        return xs, ys

    @classmethod
    def from_epochs(cls, epochs: Iterable[tuple[int, Mapping]]) -> CurveHistory:
        """A history of epoch metrics only (a finished run read back from the project)."""
        history = cls()
        for epoch, metrics in epochs:
            history.add_epoch(epoch, metrics)
        return history


class TrainingCurves:
    """Three axes on ``figure``: loss, F1/precision/recall (one average), mAP."""

    def __init__(self, figure: Figure, average: str = "micro") -> None:
        self.figure = figure
        self.average = average
        self.loss_ax, self.quality_ax, self.map_ax = figure.subplots(1, 3)
        self._lines = {
            "batch": self.loss_ax.plot([], [], color="#9ab8d8", lw=0.8, label="batch loss")[0],
            "loss": self.loss_ax.plot([], [], "o-", color="#1f5fa8", ms=3, label="loss")[0],
            "val_loss": self.loss_ax.plot([], [], "s-", color="#d0642b", ms=3,
                                          label="val loss")[0],
            "f1": self.quality_ax.plot([], [], "o-", color="#2a9d55", ms=3, label="F1")[0],
            "precision": self.quality_ax.plot([], [], "^-", color="#7b4ab3", ms=3,
                                              label="precision")[0],
            "recall": self.quality_ax.plot([], [], "v-", color="#c23b7a", ms=3,
                                           label="recall")[0],
            "map": self.map_ax.plot([], [], "o-", color="#b8860b", ms=3, label="mAP")[0],
        }
        for ax, title in ((self.loss_ax, "Loss"), (self.quality_ax, ""), (self.map_ax, "mAP")):
            ax.set_title(title, fontsize=9)
            ax.xaxis.set_major_locator(MaxNLocator(integer=True))  # epochs are whole
            ax.tick_params(labelsize=7)
            ax.grid(True, alpha=0.3)
        for ax in (self.quality_ax, self.map_ax):
            ax.set_ylim(0.0, 1.02)
        # One legend row under the axes: inside them it would cover the curves.
        shown = [line for key, line in self._lines.items() if key != "map"]
        # The x axes' name goes in that row too: under each axis it collided with the legend.
        figure.legend(handles=shown, loc="lower left", ncol=len(shown), fontsize=7,
                      frameon=False, handlelength=1.5, columnspacing=1.2)
        figure.text(0.995, 0.02, "x axis: epoch", ha="right", va="bottom", fontsize=7)
        self._set_quality_title()
        figure.subplots_adjust(left=0.06, right=0.99, bottom=0.2, top=0.88, wspace=0.22)

    def _set_quality_title(self) -> None:
        self.quality_ax.set_title(f"F1 / precision / recall ({self.average})", fontsize=9)

    def set_average(self, average: str) -> None:
        """Show ``average`` (one of :data:`AVERAGES`) on the F1/precision/recall axes."""
        if average not in AVERAGES:
            raise ValueError(f"unknown average {average!r}; expected one of {AVERAGES}")
        self.average = average
        self._set_quality_title()

    def update(self, history: CurveHistory) -> None:
        """Put ``history`` into the lines and rescale the axes (the caller draws)."""
        self._lines["batch"].set_data(history.batch_x, history.batch_loss)
        for key in ("loss", "val_loss", "map"):
            self._lines[key].set_data(*history.series(key))
        for name in ("f1", "precision", "recall"):
            self._lines[name].set_data(*history.series(f"{name}_{self.average}"))
        last = max([*history.epochs, math.ceil(history.batch_x[-1]) if history.batch_x else 0])
        for ax in (self.loss_ax, self.quality_ax, self.map_ax):
            ax.set_xlim(0, max(last, 1) + 0.1)
        if history.batch_loss or history.metrics:
            self.loss_ax.relim()
            self.loss_ax.autoscale_view(scalex=False)
        else:  # nothing to show: not the previous run's range
            self.loss_ax.set_ylim(0.0, 1.0)


def training_curves_figure(history: CurveHistory, average: str = "micro",
                           size: tuple[float, float] = (10.0, 3.2)) -> Figure:
    """A new Figure showing ``history`` (for reports and the command line)."""
    figure = Figure(figsize=size)
    curves = TrainingCurves(figure, average)
    curves.update(history)
    return figure
