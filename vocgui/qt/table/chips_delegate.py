"""Paints an image's labels as rounded chips in the class colours (the Labels column)."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRectF, Qt
from PySide6.QtGui import QColor, QFontMetrics, QPainter
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from vocgui.qt.table.model import LABEL_CHIPS_ROLE

_PAD_X, _GAP, _MARGIN_Y = 5, 3, 3
#: Room kept for a '+N' after the chips that fit.
_MORE_WIDTH = 22


def text_color_on(background: QColor) -> QColor:
    """Black or white, whichever reads better on ``background`` (relative luminance)."""
    r, g, b = background.redF(), background.greenF(), background.blueF()
    luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b
    return QColor("#000000") if luminance > 0.55 else QColor("#ffffff")


def chip_widths(natural: Sequence[float], space: float, smallest: float) -> list[float]:
    """How wide to draw each chip in ``space``: its natural width when all fit, else the
    same share for every chip (small chips keep their natural width and give the rest to
    the others), never below ``smallest``. Chips that do not fit even at ``smallest``
    are left out (the list is shorter); the caller says how many with '+N'."""
    n = len(natural)
    room = space - _GAP * max(n - 1, 0)
    if sum(natural) <= room:
        return list(natural)
    fits = n
    while fits and smallest * fits + _GAP * (fits - 1) > space - (_MORE_WIDTH if fits < n else 0):
        fits -= 1
    room = space - _GAP * max(fits - 1, 0) - (_MORE_WIDTH if fits < n else 0)
    widths = list(natural[:fits])
    # Water-filling: each chip gets min(natural, fair share of what is left).
    order = sorted(range(fits), key=lambda i: widths[i])
    left = room
    for placed, i in enumerate(order):
        share = left / (fits - placed)
        widths[i] = max(smallest, min(widths[i], share))
        left -= widths[i]
    return widths


class LabelChipsDelegate(QStyledItemDelegate):
    """Draws [(name, colour), ...] from LABEL_CHIPS_ROLE as chips. When they do not fit,
    each chip is shortened with an ellipsis ('tria…') before any is left out as '+N'."""

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
        natural = [metrics.horizontalAdvance(name) + 2 * _PAD_X for name, _ in chips]
        smallest = metrics.horizontalAdvance("ab\u2026") + 2 * _PAD_X
        widths = chip_widths(natural, right - x, smallest)
        for (name, color), width in zip(chips, widths, strict=False):
            background = QColor(color)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(background)
            chip = QRectF(x, top, width, height)
            painter.drawRoundedRect(chip, height / 2, height / 2)
            painter.setPen(text_color_on(background))
            text = metrics.elidedText(name, Qt.TextElideMode.ElideRight,
                                      round(width - 2 * _PAD_X) + 1)
            painter.drawText(chip, Qt.AlignmentFlag.AlignCenter, text)
            x += width + _GAP
        if len(widths) < len(chips):
            painter.setPen(option.palette.color(option.palette.ColorRole.Text))
            painter.drawText(QRectF(x, top, max(right - x, 0), height),
                             Qt.AlignmentFlag.AlignVCenter, f"+{len(chips) - len(widths)}")
        painter.restore()
