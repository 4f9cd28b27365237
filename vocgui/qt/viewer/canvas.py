"""The zoomable picture: one pixmap and its VOC boxes with class names, fit or zoomed."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFontMetrics,
    QPainter,
    QPen,
    QPixmap,
    QResizeEvent,
    QWheelEvent,
)
from PySide6.QtWidgets import QFrame, QGraphicsPixmapItem, QGraphicsScene, QGraphicsView, QWidget

MIN_ZOOM, MAX_ZOOM = 0.02, 32.0
ZOOM_STEP = 1.25


@dataclass(frozen=True)
class Box:
    """One VOC object to draw: a rectangle in full-resolution image pixels."""

    name: str
    rect: QRectF
    color: QColor
    difficult: bool = False
    #: False when the image's labels no longer include the box's class (the label was
    #: removed): drawn dashed and marked, so it is not taken for a labelled object.
    in_labels: bool = True

    def caption(self) -> str:
        """The name drawn on the box, with what sets it apart."""
        notes = [n for n, on in (("difficult", self.difficult),
                                 ("not in labels", not self.in_labels)) if on]
        return self.name + (f" ({', '.join(notes)})" if notes else "")


class ImageCanvas(QGraphicsView):
    """Shows a pixmap in image-pixel scene coordinates, with boxes drawn on top.

    Scene coordinates are full-resolution image pixels even when the pixmap was decoded
    smaller, so boxes from the XML need no scaling. In fit mode the image follows the
    widget's size; zooming (wheel, ``zoom_by``) leaves fit mode.
    """

    #: The zoom changed (argument: screen pixels per image pixel).
    zoom_changed = Signal(float)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setScene(QGraphicsScene(self))
        self._item = QGraphicsPixmapItem()
        self._item.setTransformationMode(Qt.TransformationMode.SmoothTransformation)
        self.scene().addItem(self._item)
        self._boxes: list[Box] = []
        self._boxes_visible = True
        self._fit = True
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setBackgroundBrush(self.palette().dark())

    # --- content -----------------------------------------------------------------------
    def set_image(self, pixmap: QPixmap, full_size: tuple[int, int], boxes: list[Box]) -> None:
        """Show ``pixmap`` (maybe reduced) as an image of ``full_size`` pixels, with boxes."""
        self._item.setPixmap(pixmap)
        width = full_size[0] or pixmap.width()
        self._item.setScale(width / pixmap.width() if pixmap.width() else 1.0)
        self.scene().setSceneRect(self._item.sceneBoundingRect())
        self._boxes = list(boxes)
        if self._fit:
            self.fit()
        self.viewport().update()

    def set_boxes(self, boxes: list[Box]) -> None:
        self._boxes = list(boxes)
        self.viewport().update()

    def pixmap(self) -> QPixmap:
        return self._item.pixmap()

    def boxes(self) -> list[Box]:
        return list(self._boxes)

    def set_boxes_visible(self, visible: bool) -> None:
        self._boxes_visible = bool(visible)
        self.viewport().update()

    def boxes_visible(self) -> bool:
        return self._boxes_visible

    # --- zoom --------------------------------------------------------------------------
    def zoom(self) -> float:
        """Screen pixels per full-resolution image pixel."""
        return self.transform().m11()

    def is_fit(self) -> bool:
        return self._fit

    def fit(self) -> None:
        """Fit the whole image in the widget (and keep fitting when it is resized)."""
        self._fit = True
        if not self._item.pixmap().isNull():
            self.fitInView(self._item.sceneBoundingRect(), Qt.AspectRatioMode.KeepAspectRatio)
        self.zoom_changed.emit(self.zoom())

    def actual_size(self) -> None:
        """One image pixel per screen pixel."""
        self._fit = False
        self.resetTransform()
        self.zoom_changed.emit(self.zoom())

    def zoom_by(self, factor: float) -> None:
        """Multiply the zoom by ``factor`` (clamped), leaving fit mode."""
        self._fit = False
        current = self.zoom() or 1.0
        factor = min(max(current * factor, MIN_ZOOM), MAX_ZOOM) / current
        self.scale(factor, factor)
        self.zoom_changed.emit(self.zoom())

    def wheelEvent(self, event: QWheelEvent) -> None:
        steps = event.angleDelta().y() / 120.0
        if steps:
            self.zoom_by(ZOOM_STEP ** steps)
        event.accept()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self._fit:
            self.fit()

    # --- drawing the boxes -------------------------------------------------------------
    def drawForeground(self, painter: QPainter, rect: QRectF) -> None:
        if not self._boxes_visible or not self._boxes or self._item.pixmap().isNull():
            return
        painter.setBrush(Qt.BrushStyle.NoBrush)
        for box in self._boxes:
            # A dark halo under the class colour keeps pale colours visible on any image.
            for color, width in ((QColor(0, 0, 0, 110), 4), (box.color, 2)):
                pen = QPen(color, width)
                pen.setCosmetic(True)  # the same screen width at any zoom
                if box.difficult or not box.in_labels:  # the caption says which
                    pen.setStyle(Qt.PenStyle.DashLine)
                painter.setPen(pen)
                painter.drawRect(box.rect)
        # Names are drawn in screen coordinates so they stay readable at any zoom.
        painter.save()
        painter.resetTransform()
        metrics = QFontMetrics(painter.font())
        for box in self._boxes:
            self._draw_name(painter, metrics, box)
        painter.restore()

    def _draw_name(self, painter: QPainter, metrics: QFontMetrics, box: Box) -> None:
        corner = QPointF(self.mapFromScene(box.rect.topLeft()))
        text = box.caption()
        width, height = metrics.horizontalAdvance(text) + 8, metrics.height() + 2
        top = corner.y() - height if corner.y() >= height else corner.y()
        label = QRectF(corner.x() - 1, top, width, height)
        painter.fillRect(label, box.color)
        light = box.color.lightnessF() > 0.6
        painter.setPen(QColor(Qt.GlobalColor.black if light else Qt.GlobalColor.white))
        painter.drawText(label, Qt.AlignmentFlag.AlignCenter, text)
