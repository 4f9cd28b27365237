"""The live training curves, rendered off the GUI thread at most a few times per second.

Training events can arrive many times per second; each only updates the
:class:`~vocgui.plots.training_curves.CurveHistory` and marks the view stale. A timer
starts a render at most every ``REDRAW_INTERVAL_MS``, and not at all while the view is
hidden (a tabified panel in the background); showing it again renders.

Why not a ``FigureCanvasQTAgg`` with ``draw_idle``: one draw of the three axes costs
~40 ms of CPU on an idle machine and was measured at 200-700 ms on a busy 2-core one
(bench_gui_lag_training.py), all of it blocking the event loop. Here a one-thread pool
renders with matplotlib's Agg backend (the figure is touched by that thread only) into a
``QImage``; the GUI thread only paints the finished image.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PySide6.QtCore import QObject, QRect, QSize, QThreadPool, QTimer, Signal, Slot
from PySide6.QtGui import QColor, QImage, QPainter, QPaintEvent, QResizeEvent, QShowEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

from vocgui.plots.training_curves import CurveHistory, TrainingCurves

#: Minimum time between the starts of two renders.
REDRAW_INTERVAL_MS = 400
#: Rendering resolution (dots per inch of the figure; pixels come from the widget size).
DPI = 90


class CurvesRenderer:
    """Draws a history into an image with Agg; used by one worker thread at a time."""

    def __init__(self) -> None:
        self.figure = Figure(dpi=DPI)
        self.agg = FigureCanvasAgg(self.figure)
        self.curves = TrainingCurves(self.figure)

    def render(self, history: CurveHistory, average: str, size: QSize,
               pixel_ratio: float) -> QImage:
        """The curves of ``history`` as an image of ``size`` logical pixels."""
        width, height = max(size.width(), 50), max(size.height(), 50)
        dpi = DPI * pixel_ratio
        self.figure.set_dpi(dpi)
        self.figure.set_size_inches(width * pixel_ratio / dpi, height * pixel_ratio / dpi)
        if average != self.curves.average:
            self.curves.set_average(average)
        self.curves.update(history)
        self.agg.draw()
        buffer = self.agg.buffer_rgba()
        # copy(): the image must own its pixels, not borrow the renderer's buffer.
        image = QImage(buffer, buffer.shape[1], buffer.shape[0],
                       QImage.Format.Format_RGBA8888).copy()
        image.setDevicePixelRatio(pixel_ratio)
        return image


class _Rendered(QObject):
    """Carries a finished image from the worker to the GUI thread (queued signal)."""

    image = Signal(QImage)


class TrainingCurvesCanvas(QWidget):
    """Shows a :class:`CurveHistory`; feed it events, it re-renders on its own schedule."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMinimumHeight(200)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.history = CurveHistory()
        self.average = "micro"
        self.renderer = CurvesRenderer()
        self.redraw_count = 0  # finished renders shown (the tests check the throttle)
        self._image = QImage()
        self._stale = True
        self._rendering = False
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._rendered = _Rendered(self)
        self._rendered.image.connect(self._show_image)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(REDRAW_INTERVAL_MS)
        self._timer.timeout.connect(self._render)

    # --- feeding -----------------------------------------------------------------------
    def reset(self, history: CurveHistory | None = None) -> None:
        """Start over with ``history`` (empty by default) and redraw soon."""
        self.history = history if history is not None else CurveHistory()
        self._schedule()

    def show_epochs(self, epochs: Iterable[tuple[int, Mapping]]) -> None:
        """Show a finished run's per-epoch metrics (no batch losses)."""
        self.reset(CurveHistory.from_epochs(epochs))

    def add_batch(self, epoch: int, batch: int, batches: int, loss: object) -> None:
        self.history.add_batch(epoch, batch, batches, loss)
        self._schedule()

    def add_epoch(self, epoch: int, metrics: Mapping) -> None:
        self.history.add_epoch(epoch, metrics)
        self._schedule()

    def set_average(self, average: str) -> None:
        """Show F1/precision/recall with ``average`` ('micro', 'macro' or 'weighted')."""
        self.average = average
        self._schedule()

    def sizeHint(self) -> QSize:
        return QSize(900, 280)

    # --- rendering ---------------------------------------------------------------------
    def _schedule(self) -> None:
        self._stale = True
        if not self._timer.isActive():
            self._timer.start()

    def _render(self) -> None:
        if not self._stale or self._rendering or not self.isVisible():
            return  # a running render reschedules; showEvent renders when shown again
        self._stale = False
        self._rendering = True
        # The worker gets its own copy: the GUI thread keeps appending to the history.
        history = dataclasses.replace(
            self.history, batch_x=list(self.history.batch_x),
            batch_loss=list(self.history.batch_loss), epochs=list(self.history.epochs),
            metrics=list(self.history.metrics))
        job = (history, self.average, self.size(), self.devicePixelRatioF())
        self._pool.start(lambda: self._render_in_worker(*job))

    def _render_in_worker(self, *job: object) -> None:
        try:
            image = self.renderer.render(*job)
        except Exception:  # never leave the view waiting for an image that will not come
            image = QImage()
        self._rendered.image.emit(image)

    @Slot(QImage)
    def _show_image(self, image: QImage) -> None:
        self._rendering = False
        if not image.isNull():
            self._image = image
            self.redraw_count += 1
            self.update()
        if self._stale:
            self._timer.start()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(event.rect(), QColor("white"))
        if not self._image.isNull():
            painter.drawImage(QRect(0, 0, self.width(), self.height()), self._image)
        painter.end()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._schedule()  # re-render at the new size (the old image is stretched meanwhile)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale:
            self._timer.start(0)
