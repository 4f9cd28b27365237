"""The confusion grid and the precision-recall curves as Qt canvases.

Both draw through the artists-once classes of ``vocgui.plots``; a threshold move only
updates texts, colours and markers and asks for one coalesced redraw (``draw_idle``),
and only while the canvas is shown: a hidden one redraws when it is shown again (a
20-panel grid takes ~0.15-0.2 s to draw). Each canvas is as tall as its rows of panels
need, for a scroll area to hold.
"""

from __future__ import annotations

from matplotlib.backend_bases import MouseEvent
from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg
from matplotlib.figure import Figure
from PySide6.QtCore import Signal
from PySide6.QtGui import QResizeEvent, QShowEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

from vocgui.core.evaluation.confusion import ConfusionCounts
from vocgui.plots.review_confusion import ConfusionGrid
from vocgui.plots.review_curves import PRCurvesGrid
from vocgui.plots.review_grid import grid_shape
from vocgui.qt.review.review_session import ReviewSession

#: At most this many panels per row, each at least this wide; pixels per row of panels.
COLUMNS = 5
MIN_PANEL_WIDTH = 190
ROW_HEIGHT = 210


class _GridCanvas(FigureCanvasQTAgg):
    """A canvas holding a grid of per-class panels that refits its margins on resize."""

    def __init__(self, session: ReviewSession, parent: QWidget | None = None) -> None:
        super().__init__(Figure(figsize=(10, 4), dpi=90))
        self.setParent(parent)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.session = session
        self.grid: ConfusionGrid | PRCurvesGrid
        self._stale = False
        session.review_changed.connect(self._review_changed)
        session.counts_changed.connect(self._counts_changed)

    def _fit_height(self, n_panels: int) -> None:
        rows, _ = grid_shape(max(n_panels, 1), self.grid.columns)
        self.setFixedHeight(rows * ROW_HEIGHT)

    def _columns_for_width(self) -> int:
        return max(1, min(COLUMNS, self.width() // MIN_PANEL_WIDTH))

    def request_draw(self) -> None:
        """Redraw soon if shown, else when next shown."""
        self._stale = not self.isVisible()
        if not self._stale:
            self.draw_idle()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt's name)
        super().showEvent(event)
        if self._stale:
            self._stale = False
            self.draw_idle()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        columns = self._columns_for_width()
        if columns != self.grid.columns:
            # Fewer panels per row on a narrow canvas, so titles and counts stay legible.
            self.grid.columns = columns
            self._review_changed()
            if self.session.counts is not None:
                self._counts_changed(self.session.counts)
        elif self.session.review is not None:
            self.grid.fit()

    def _review_changed(self) -> None:
        raise NotImplementedError

    def _counts_changed(self, counts: ConfusionCounts) -> None:
        raise NotImplementedError


class ConfusionCanvas(_GridCanvas):
    """The grid of per-class 2x2 matrices; ``cell_clicked(class_index, cell)`` on a click."""

    cell_clicked = Signal(int, str)

    def __init__(self, session: ReviewSession, parent: QWidget | None = None) -> None:
        super().__init__(session, parent)
        self.grid = ConfusionGrid(self.figure, COLUMNS)
        self.mpl_connect("button_press_event", self._pressed)

    def _review_changed(self) -> None:
        review = self.session.review
        self._fit_height(0 if review is None else len(review.classes))
        self.grid.axes = []  # the next update lays the panels out again
        if review is None:
            self.figure.clear()
            self.request_draw()

    def _counts_changed(self, counts: ConfusionCounts) -> None:
        self.grid.update(counts, self.session.order())
        self.request_draw()

    def _pressed(self, event: MouseEvent) -> None:
        hit = self.grid.cell_at(event.inaxes, event.xdata, event.ydata)
        if hit is not None:
            self.cell_clicked.emit(*hit)


class PrCurvesCanvas(_GridCanvas):
    """Precision-recall curves per class with the operating point at the thresholds."""

    def __init__(self, session: ReviewSession, parent: QWidget | None = None) -> None:
        super().__init__(session, parent)
        self.grid = PRCurvesGrid(self.figure, COLUMNS)
        self._drawn_order: list[int] = []

    def _review_changed(self) -> None:
        review = self.session.review
        self._fit_height(0 if review is None else len(review.classes))
        self._drawn_order = []
        if review is None:
            self.figure.clear()
            self.request_draw()

    def _counts_changed(self, counts: ConfusionCounts) -> None:
        review = self.session.review
        order = self.session.order().tolist()
        if review is not None and order != self._drawn_order:
            # Curves are redrawn only when the panel order changes, not per threshold.
            self.grid.set_curves(review.curves(), order)
            self._drawn_order = order
        self.grid.update(counts)
        self.request_draw()
