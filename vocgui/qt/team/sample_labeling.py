"""Labeling the agreement sample: each annotator on their own, one image at a time.

A dedicated mode, not the normal tag editor: the editor shows the image's current
labels (someone else's work) and every edit path (bulk edits, imports, accepted fixes)
writes the image's own labels, so independent labels there would leak or be overwritten.
Here the annotator sees the image and the class list with only their own earlier answers
ticked, and Save writes only their row of the agreement labels.

Images are decoded off the GUI thread by the viewer's :class:`ImageLoader` (the next
image is prefetched); a decode that finishes after the annotator moved on is cached
but not shown.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from vocgui.core.project.user import current_user
from vocgui.qt.app_state import AppState
from vocgui.qt.viewer.image_loader import DecodedImage, ImageLoader

#: Longest side the image is decoded at (JPEG draft mode keeps it quick).
_SHOWN_SIDE = 900
#: Decoded images kept: the current one, its neighbours and a few visited (RGB at 900 px
#: is about 2 MB).
_CACHE_BYTES = 16 * 2**20


class SampleLabelingDialog(QDialog):
    """Steps through the sample; Save and Next stores the ticked classes as your labels."""

    def __init__(self, state: AppState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.setWindowTitle(f"Label the agreement sample as {current_user()}")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.loader = ImageLoader(_SHOWN_SIDE, _CACHE_BYTES, max_threads=1, parent=self)
        self.loader.ready.connect(self._on_ready)
        self._pixmap = QPixmap()
        self.shown: DecodedImage | None = None  # the decoded image on screen
        labels = state.project.agreement_labels()
        self.rows = labels.rows
        self._mine = dict(zip(*labels.by_user.get(current_user(), ([], [])), strict=True))
        self.image = QLabel(alignment=Qt.AlignmentFlag.AlignCenter)
        self.image.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        self.image.setMinimumSize(320, 240)
        self.classes = QListWidget()
        self.classes.setMaximumWidth(260)
        self.where = QLabel()
        self.where.setWordWrap(True)
        self.previous = QPushButton("&Previous")
        self.save = QPushButton("&Save and Next")
        self.save.setDefault(True)
        close = QPushButton("Close")
        self.previous.clicked.connect(lambda: self._go(self.index - 1))
        self.save.clicked.connect(self._save_and_next)
        close.clicked.connect(self.close)

        side = QVBoxLayout()
        side.addWidget(QLabel("Classes present (yours only):"))
        side.addWidget(self.classes, 1)
        top = QHBoxLayout()
        top.addWidget(self.image, 1)
        top.addLayout(side)
        buttons = QHBoxLayout()
        buttons.addWidget(self.where, 1)
        for button in (self.previous, self.save, close):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addLayout(top, 1)
        layout.addLayout(buttons)
        self.resize(900, 600)
        todo = [i for i, r in enumerate(self.rows.tolist()) if r not in self._mine]
        self.index = -1
        self._go(todo[0] if todo else 0)

    def _go(self, index: int) -> None:
        if not len(self.rows):
            self.where.setText("The agreement sample is empty: Team > Add Images to "
                               "Agreement Sample first.")
            self.save.setEnabled(False)
            self.previous.setEnabled(False)
            return
        self.index = int(np.clip(index, 0, len(self.rows) - 1))
        project, row = self.state.project, int(self.rows[self.index])
        mine = self._mine.get(row)
        self.classes.clear()
        for j, name in enumerate(project.classes):
            item = QListWidgetItem(name)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            checked = mine is not None and j < len(mine) and mine[j]
            item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
            self.classes.addItem(item)
        self._request(row)
        done = sum(r in self._mine for r in self.rows.tolist())
        self.where.setText(f"Image {self.index + 1} of {len(self.rows)}: "
                           f"{project.images['filename'].iat[row]} · you labeled {done} of "
                           f"{len(self.rows)}" + (" · labeled by you" if mine is not None
                                                  else ""))
        self.previous.setEnabled(self.index > 0)

    def _request(self, row: int) -> None:
        """Show ``row``'s image from the cache, or ask for it (and prefetch the next)."""
        project = self.state.project
        self.loader.cancel_pending()  # images already stepped past
        decoded = self.loader.request(row, project.absolute_path(row))
        if decoded is not None:
            self._show(decoded)
        else:
            self.shown, self._pixmap = None, QPixmap()
            self.image.clear()
            self.image.setText(f"Loading {project.images['filename'].iat[row]}\u2026")
        if self.index + 1 < len(self.rows):
            following = int(self.rows[self.index + 1])
            self.loader.prefetch(following, project.absolute_path(following))

    @property
    def current_row(self) -> int:
        """The image the dialog is on (its picture may still be decoding)."""
        return int(self.rows[self.index]) if len(self.rows) else -1

    def _on_ready(self, row: int, decoded: DecodedImage) -> None:
        if row == self.current_row:  # else the annotator has moved past it
            self._show(decoded)

    def _show(self, decoded: DecodedImage) -> None:
        self.shown = decoded
        self._pixmap = QPixmap.fromImage(decoded.image) if decoded.ok else QPixmap()
        self.image.setText("" if decoded.ok else decoded.reason())
        self._fit()

    def _fit(self) -> None:
        if not self._pixmap.isNull():
            self.image.setPixmap(self._pixmap.scaled(
                self.image.size(), Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation))

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        self._fit()

    def ticked(self) -> list[str]:
        """The class names ticked now."""
        return [self.classes.item(i).text() for i in range(self.classes.count())
                if self.classes.item(i).checkState() == Qt.CheckState.Checked]

    def _save_and_next(self) -> None:
        project, row = self.state.project, int(self.rows[self.index])
        names = self.ticked()
        if not self.state.report_failure(lambda: project.set_agreement_labels(row, names),
                                         "Save agreement labels"):
            return
        self._mine[row] = np.isin(project.classes, names)
        self._go(self.index + 1)
