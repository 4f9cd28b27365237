"""The map's scatter plot: a pyqtgraph plot whose points are one :class:`PointCloud`, so
17k-100k points pan and zoom at frame rate (``benchmarks/bench_map.py`` measures it
against pyqtgraph's own scatter and matplotlib).

Modes: "pan" (drag pans, wheel zooms), "lasso" (drag a free shape) and "rect" (drag a
rectangle); a finished shape emits :attr:`MapScatter.shape_selected` with the image ids
inside it. Hovering a point emits :attr:`MapScatter.hovered` (row, or -1). The current
image is drawn as a ringed marker above the rest.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from matplotlib.path import Path as PolygonPath
from PySide6.QtCore import QPointF, Qt, Signal
from PySide6.QtGui import QColor, QPainterPath, QPen
from PySide6.QtWidgets import QGraphicsPathItem, QWidget

from vocgui.qt.map.point_cloud import PointCloud

#: Screen pixels within which the pointer hovers a point.
HOVER_PIXELS = 6
MODES = ("pan", "lasso", "rect")


def rows_inside(xy: np.ndarray, polygon: np.ndarray) -> np.ndarray:
    """Row ids of the points of ``xy`` (n, 2) inside ``polygon`` (m, 2), sorted."""
    if len(polygon) < 3:
        return np.zeros(0, dtype=np.int64)
    return np.flatnonzero(PolygonPath(polygon).contains_points(xy)).astype(np.int64)


class _SelectingViewBox(pg.ViewBox):
    """A ViewBox whose left drag draws a lasso or rectangle instead of panning."""

    def __init__(self, scatter: MapScatter) -> None:
        super().__init__()
        self.scatter = scatter
        self.setMouseMode(pg.ViewBox.PanMode)
        self._points: list[QPointF] = []
        self._outline = QGraphicsPathItem()
        self._outline.setPen(QPen(QColor("#1f6feb"), 0, Qt.PenStyle.DashLine))
        self._outline.setZValue(1e9)
        self.addItem(self._outline, ignoreBounds=True)

    def mouseDragEvent(self, ev, axis=None) -> None:  # noqa: N802 - pyqtgraph's name
        mode = self.scatter.mode
        if mode == "pan" or ev.button() != Qt.MouseButton.LeftButton:
            super().mouseDragEvent(ev, axis)
            return
        ev.accept()
        here = self.mapSceneToView(ev.scenePos())
        if ev.isStart():
            self._points = [self.mapSceneToView(ev.buttonDownScenePos())]
        if mode == "lasso":
            self._points.append(here)
        else:
            start = self._points[0]
            self._points = [start, QPointF(here.x(), start.y()), here,
                            QPointF(start.x(), here.y())]
        path = QPainterPath(self._points[0])
        for point in self._points[1:]:
            path.lineTo(point)
        path.closeSubpath()
        self._outline.setPath(path)
        if ev.isFinish():
            polygon = np.asarray([(p.x(), p.y()) for p in self._points], dtype=np.float64)
            self._outline.setPath(QPainterPath())
            self._points = []
            self.scatter.select_polygon(polygon)


class MapScatter(pg.PlotWidget):
    """Points at ``xy`` (row i = image id i), one ARGB colour each."""

    #: The image ids inside a finished lasso or rectangle (sorted ndarray).
    shape_selected = Signal(object)
    #: The image under the pointer (-1: none).
    hovered = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        self.mode = "pan"
        super().__init__(parent, viewBox=_SelectingViewBox(self), background="w")
        self.xy = np.zeros((0, 2), dtype=np.float64)
        self.hideAxis("left")
        self.hideAxis("bottom")
        self.setMenuEnabled(False)
        #: Every point, the selected ones ringed.
        self.points = PointCloud()
        #: The current image: one ring (a pyqtgraph scatter of one point costs nothing).
        self.current = pg.ScatterPlotItem(size=16, pen=pg.mkPen("#d62728", width=3),
                                          brush=None, symbol="o", pxMode=True)
        for item in (self.points, self.current):
            self.addItem(item)
        self.hovered_row = -1
        self.scene().sigMouseMoved.connect(self._mouse_moved)

    def set_mode(self, mode: str) -> None:
        if mode not in MODES:
            raise ValueError(f"unknown map mode {mode!r}; use one of {MODES}")
        self.mode = mode

    def set_points(self, xy: np.ndarray, colours: np.ndarray) -> None:
        """Show ``xy`` with one 0xAARRGGBB colour per point; the view fits them."""
        self.xy = np.asarray(xy, dtype=np.float64).reshape(-1, 2)
        self.points.set_points(self.xy, colours)
        self.set_current(-1)
        self.getViewBox().autoRange(padding=0.05)

    def set_colours(self, colours: np.ndarray) -> None:
        self.points.set_colours(colours)

    def set_selected(self, rows: np.ndarray) -> None:
        """Ring the points of ``rows``."""
        self.points.set_selected(rows)

    def set_current(self, row: int) -> None:
        self.current.setData(pos=self.xy[[row]] if 0 <= row < len(self.xy) else
                             np.zeros((0, 2)))

    def select_polygon(self, polygon: np.ndarray) -> None:
        """Select the points inside ``polygon`` (view coordinates)."""
        self.shape_selected.emit(rows_inside(self.xy, polygon))

    def _mouse_moved(self, scene_pos: QPointF) -> None:
        row = -1
        if len(self.xy) and self.sceneBoundingRect().contains(scene_pos):
            box = self.getViewBox()
            here = box.mapSceneToView(scene_pos)
            # Distances in screen pixels: data units differ per axis.
            width, height = box.viewPixelSize()
            d2 = (((self.xy[:, 0] - here.x()) / width) ** 2
                  + ((self.xy[:, 1] - here.y()) / height) ** 2)
            nearest = int(np.argmin(d2))
            row = nearest if d2[nearest] <= HOVER_PIXELS ** 2 else -1
        if row != self.hovered_row:
            self.hovered_row = row
            self.hovered.emit(row)
