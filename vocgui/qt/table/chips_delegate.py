"""Paints an image's labels as rounded chips in the class colours (the Labels column)."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRectF, Qt
from PySide6.QtGui import QColor, QFontMetrics, QPainter
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from vocgui.qt.table.model import LABEL_CHIPS_ROLE

_PAD_X, _GAP, _MARGIN_Y = 5, 3, 3


def text_color_on(background: QColor) -> QColor:
    """Black or white, whichever reads better on ``background`` (relative luminance)."""
    r, g, b = background.redF(), background.greenF(), background.blueF()
    luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b
    return QColor("#000000") if luminance > 0.55 else QColor("#ffffff")


class LabelChipsDelegate(QStyledItemDelegate):
    """Draws [(name, colour), ...] from LABEL_CHIPS_ROLE as chips; '+N' when they overflow."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        chips = index.data(LABEL_CHIPS_ROLE) or []
        # Background, selection and focus as the style draws them, without the text.
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        style = opt.widget.style() if opt.widget else None
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)
        if not chips:
            return
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        font = painter.font()
        font.setPointSizeF(max(7.0, font.pointSizeF() * 0.9))
        painter.setFont(font)
        metrics = QFontMetrics(font)
        rect = option.rect
        height = min(metrics.height() + 2, rect.height() - 2 * _MARGIN_Y)
        top = rect.top() + (rect.height() - height) / 2
        x = rect.left() + 3
        right = rect.right() - 3
        for i, (name, color) in enumerate(chips):
            width = metrics.horizontalAdvance(name) + 2 * _PAD_X
            more = f"+{len(chips) - i}"
            rest_width = metrics.horizontalAdvance(more) + _GAP
            last = i == len(chips) - 1
            if x + width > right or (not last and x + width + rest_width > right):
                painter.setPen(option.palette.color(option.palette.ColorRole.Text))
                painter.drawText(QRectF(x, top, right - x, height),
                                 Qt.AlignmentFlag.AlignVCenter, more)
                break
            background = QColor(color)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(background)
            chip = QRectF(x, top, width, height)
            painter.drawRoundedRect(chip, height / 2, height / 2)
            painter.setPen(text_color_on(background))
            painter.drawText(chip, Qt.AlignmentFlag.AlignCenter, name)
            x += width + _GAP
        painter.restore()
