"""A matplotlib canvas for one dataset chart, drawn on demand.

The canvas holds a builder (a function that draws a :class:`~vocgui.plots.dataset_charts.
Chart` on the canvas' figure). ``invalidate`` only marks it stale; it draws when it is
visible (now, or when next shown), because a chart costs ~0.1-0.4 s to draw.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from matplotlib import rc_context
from matplotlib.backend_bases import PickEvent
from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg
from matplotlib.figure import Figure
from PySide6.QtCore import QTimer, Signal
from PySide6.QtGui import QPalette, QResizeEvent, QShowEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

from vocgui.plots.dataset_charts import Chart

ChartBuilder = Callable[[Figure], Chart]
#: Wait this long after the last resize before rebuilding a chart that no longer fits.
RESIZE_SETTLE_MS = 200


def palette_rc(palette: QPalette) -> dict[str, str]:
    """matplotlib colours matching a Qt palette, so charts follow a light or dark scheme."""
    window = palette.color(QPalette.ColorRole.Window).name()
    base = palette.color(QPalette.ColorRole.Base).name()
    text = palette.color(QPalette.ColorRole.WindowText).name()
    return {"figure.facecolor": window, "axes.facecolor": base, "legend.facecolor": base,
            "text.color": text, "axes.labelcolor": text, "axes.edgecolor": text,
            "xtick.color": text, "ytick.color": text, "legend.labelcolor": text}


class ChartCanvas(FigureCanvasQTAgg):
    """Draws one chart; emits ``classes_clicked(classes, mode)`` when a bar or cell that
    stands for classes is clicked."""

    classes_clicked = Signal(object, str)

    def __init__(self, builder: ChartBuilder, parent: QWidget | None = None) -> None:
        super().__init__(Figure(figsize=(6, 4), dpi=90, layout="constrained"))
        self.setParent(parent)
        self.setMinimumSize(320, 240)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.builder = builder
        self.chart: Chart | None = None
        self.draw_count = 0  # how many times the chart was built (the tests check on-demand)
        self.last_draw_s = 0.0  # seconds the last build and render took
        self._stale = True
        self.mpl_connect("pick_event", self._on_pick)
        # A chart laid out for another size (see Chart.still_fits) is rebuilt once the
        # user stops resizing.
        self._resize_timer = QTimer(self)
        self._resize_timer.setSingleShot(True)
        self._resize_timer.setInterval(RESIZE_SETTLE_MS)
        self._resize_timer.timeout.connect(self._check_fit)

    def mark_stale(self) -> None:
        """The data changed: draw again when next refreshed or shown."""
        self._stale = True

    def invalidate(self) -> None:
        """The data changed: redraw now if visible, else when next shown."""
        self._stale = True
        if self.isVisible():
            self.refresh()

    def refresh(self) -> None:
        """Build the chart if it is stale."""
        if not self._stale:
            return
        self._stale = False
        start = time.perf_counter()
        # The canvas fixes its own palette to white; the surroundings carry the scheme.
        colors = palette_rc((self.parentWidget() or self).palette())
        # Artists take their default colours from rcParams when created; the context
        # lasts only for this build, on the GUI thread where all charts are built.
        with rc_context(colors):
            self.chart = self.builder(self.figure)
        self.figure.set_facecolor(colors["figure.facecolor"])
        self.draw_count += 1
        self.draw()  # now rather than idle, so the cost is known (see the panel's debounce)
        self.last_draw_s = time.perf_counter() - start

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt's name)
        super().showEvent(event)
        self.refresh()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        if self.chart is not None and self.chart.still_fits is not None:
            self._resize_timer.start()

    def _check_fit(self) -> None:
        chart = self.chart
        box = self.figure.bbox
        if chart is not None and chart.still_fits and not chart.still_fits(box.width,
                                                                           box.height):
            self.invalidate()

    def _on_pick(self, event: PickEvent) -> None:
        if self.chart is None:
            return
        target = self.chart.target_of(event.artist, event.mouseevent)
        if target is not None:
            self.classes_clicked.emit(list(target.classes), target.mode)
