"""The duplicate groups as a tree: one item per group (what it is: a leak, different
labels, how near), its images below with thumbnails, splits and labels.

Thumbnails load lazily through a :class:`ThumbnailLoader`. Picking an image makes it the
app's current image (the viewer and the tag editor show it).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QColor, QIcon, QImage, QPixmap
from PySide6.QtWidgets import QAbstractItemView, QTreeWidget, QTreeWidgetItem, QWidget

from vocgui.core.duplicates.groups import DuplicateGroup
from vocgui.core.wording import plural
from vocgui.qt.app_state import AppState
from vocgui.qt.thumbnails.loader import ThumbnailLoader

THUMBNAIL_SIZE = 72
#: data(0, ROW_ROLE) of an image item is its row id; of a group item, None.
ROW_ROLE = Qt.ItemDataRole.UserRole + 1
#: data(0, GROUP_ROLE) of a group item is its index in :attr:`GroupTree.groups`.
GROUP_ROLE = Qt.ItemDataRole.UserRole + 2
COLUMNS = ("Image", "Split", "Labels")


def group_caption(group: DuplicateGroup) -> str:
    """One line saying what a group is and what found it: "Leak · labels differ · 3
    images, near copies (hash: 6 bits)"."""
    parts = []
    if group.leak:
        parts.append("Leak")
    if group.label_conflict:
        parts.append("labels differ")
    parts.append(f"{plural(len(group.rows), 'image')}, {group.how_found}")
    return " · ".join(parts)


class GroupTree(QTreeWidget):
    """Shows groups; ``selected_groups()`` are those with any item selected."""

    def __init__(self, state: AppState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.groups: list[DuplicateGroup] = []
        self.setHeaderLabels(list(COLUMNS))
        self.setIconSize(QSize(THUMBNAIL_SIZE, THUMBNAIL_SIZE))
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setUniformRowHeights(False)
        self.setColumnWidth(0, 300)
        self.setColumnWidth(1, 70)
        self.loader = ThumbnailLoader(size=THUMBNAIL_SIZE, parent=self)
        self.loader.thumbnail_ready.connect(self._thumbnail_ready)
        placeholder = QPixmap(THUMBNAIL_SIZE, THUMBNAIL_SIZE * 3 // 4)
        placeholder.fill(QColor(128, 128, 128, 60))
        self._placeholder = QIcon(placeholder)
        self._items_of_row: dict[int, list[QTreeWidgetItem]] = {}
        self.currentItemChanged.connect(self._make_current)

    def set_groups(self, groups: Sequence[DuplicateGroup]) -> None:
        """Show ``groups`` (in order), each expanded."""
        self.loader.cancel_pending()
        self.clear()
        self._items_of_row = {}
        self.groups = list(groups)
        project = self.state.project
        for number, group in enumerate(self.groups):
            top = QTreeWidgetItem([group_caption(group), "", ""])
            top.setData(0, GROUP_ROLE, number)
            font = top.font(0)
            font.setBold(True)
            top.setFont(0, font)
            if group.leak or group.label_conflict:
                top.setForeground(0, QColor("#b02a37"))
            self.addTopLevelItem(top)
            # The caption (what the group is, what found it) is wider than the file names.
            top.setFirstColumnSpanned(True)
            top.setToolTip(0, top.text(0))
            for row, split, labels in zip(group.rows, group.splits, group.labels, strict=True):
                name = str(project.images["filename"].iat[row]) if project is not None else ""
                item = QTreeWidgetItem([name, split or "–", ", ".join(labels) or "(none)"])
                item.setData(0, ROW_ROLE, row)
                item.setIcon(0, self._icon(row))
                item.setToolTip(2, ", ".join(labels) or "no labels")
                top.addChild(item)
                self._items_of_row.setdefault(row, []).append(item)
            top.setExpanded(True)
        self.resizeColumnToContents(2)

    def selected_groups(self) -> list[DuplicateGroup]:
        """Groups with the group item or any of its images selected, in list order."""
        numbers = set()
        for item in self.selectedItems():
            top = item if item.parent() is None else item.parent()
            numbers.add(int(top.data(0, GROUP_ROLE)))
        return [self.groups[k] for k in sorted(numbers)]

    def image_rows(self, groups: Sequence[DuplicateGroup]) -> np.ndarray:
        return np.asarray(sorted({r for g in groups for r in g.rows}), dtype=np.int64)

    def _icon(self, row: int) -> QIcon:
        project = self.state.project
        image = (self.loader.thumbnail(row, project.absolute_path(row))
                 if project is not None else None)
        return QIcon(QPixmap.fromImage(image)) if image is not None else self._placeholder

    def _thumbnail_ready(self, key: object, image: QImage) -> None:
        icon = QIcon(QPixmap.fromImage(image))
        for item in self._items_of_row.get(int(key), []):
            item.setIcon(0, icon)

    def _make_current(self, current: QTreeWidgetItem | None, _previous: object) -> None:
        if current is not None and current.data(0, ROW_ROLE) is not None:
            self.state.set_current_row(int(current.data(0, ROW_ROLE)))
