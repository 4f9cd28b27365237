"""The viewer pane: the current image with its VOC boxes, decoded off the GUI thread.

Navigation: the Previous/Next buttons emit ``previous_requested`` / ``next_requested``.
The main window connects them to the table's navigation (which knows the sorted order).
When nothing is connected, the viewer steps through ``state.visible_mask`` in row order.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import SIGNAL, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QIcon, QKeySequence, QPixmap, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QStackedWidget,
    QStyle,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from vocgui.core.project import ChangeEvent
from vocgui.core.wording import plural
from vocgui.qt.app_state import AppState
from vocgui.qt.elided_label import ElidedLabel
from vocgui.qt.viewer.canvas import ZOOM_STEP, Box, ImageCanvas
from vocgui.qt.viewer.image_loader import DecodedImage, ImageLoader

#: Longest side the viewer decodes (larger photos are decoded reduced, boxes still fit).
VIEWER_MAX_SIDE = 2560
#: Decoded images kept for going back and forth (~70 VOC-sized images).
VIEWER_CACHE_BYTES = 48 * 2**20
_UNKNOWN_CLASS_COLOR = "#9e9e9e"


class ImageViewer(QWidget):
    """Shows ``state.current_row``'s image with its boxes; fit, zoom, next/previous."""

    #: The user asked for the next / previous image (the table moves its current row).
    next_requested = Signal()
    previous_requested = Signal()
    #: The current row's image (or its placeholder) is on screen (argument: row).
    image_shown = Signal(int)
    #: Decoding found problems with a row's file: (row, list of Problem).
    problems_found = Signal(int, object)

    def __init__(self, state: AppState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.loader = ImageLoader(VIEWER_MAX_SIDE, VIEWER_CACHE_BYTES, parent=self)
        self._row = -1  # the row asked for
        # What is on screen; the previous image stays there while the next one decodes.
        self._shown: DecodedImage | None = None
        self._shown_row = -1
        self._objects = None  # the objects table the index below was built from
        self._objects_of: dict[int, np.ndarray] = {}
        self._build()
        self.loader.ready.connect(self._on_ready)
        self.canvas.zoom_changed.connect(lambda _zoom: self._update_info())
        state.project_changed.connect(self._on_project_changed)
        state.current_row_changed.connect(self.show_row)
        state.changed.connect(self._on_data_changed)
        self._on_project_changed(state.project)

    # --- building ----------------------------------------------------------------------
    def _build(self) -> None:
        style = self.style()
        self.previous_button = self._tool_button(
            "Previous", "Previous image", style.standardIcon(QStyle.StandardPixmap.SP_ArrowBack))
        self.next_button = self._tool_button(
            "Next", "Next image", style.standardIcon(QStyle.StandardPixmap.SP_ArrowForward))
        self.boxes_button = self._tool_button("Boxes", "Show the VOC boxes and class names")
        self.boxes_button.setCheckable(True)
        self.boxes_button.setChecked(True)
        self.fit_button = self._tool_button("Fit", "Fit the image to the pane")
        self.actual_button = self._tool_button("1:1", "One image pixel per screen pixel")
        self.zoom_out_button = self._tool_button("\u2212", "Zoom out (-, wheel)")
        self.zoom_in_button = self._tool_button("+", "Zoom in (+, wheel)")
        # The zoom sits beside its buttons and never gives way; the file name and size
        # are shortened with an ellipsis when the pane is narrow (the tooltip has them).
        self.zoom_label = QLabel()
        self.info = ElidedLabel()

        bar = QHBoxLayout()
        bar.setContentsMargins(4, 2, 4, 2)
        for button in (self.previous_button, self.next_button, self.boxes_button,
                       self.fit_button, self.actual_button, self.zoom_out_button,
                       self.zoom_in_button):
            bar.addWidget(button)
        bar.addWidget(self.zoom_label)
        bar.addSpacing(6)
        bar.addWidget(self.info, 1)

        self.banner = QLabel()
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet("QLabel { background: #fff3cd; color: #664d03; "
                                  "padding: 3px 6px; }")
        self.banner.hide()
        self.canvas = ImageCanvas(self)
        self.placeholder = QLabel()
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.placeholder.setWordWrap(True)
        self.placeholder.setMargin(24)
        self.placeholder.setStyleSheet("QLabel { font-size: 13pt; }")
        self.stack = QStackedWidget()
        self.stack.addWidget(self.canvas)
        self.stack.addWidget(self.placeholder)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addLayout(bar)
        layout.addWidget(self.banner)
        layout.addWidget(self.stack, 1)

        self.previous_button.clicked.connect(lambda: self._step(-1))
        self.next_button.clicked.connect(lambda: self._step(+1))
        self.boxes_button.toggled.connect(self.canvas.set_boxes_visible)
        self.fit_button.clicked.connect(self.canvas.fit)
        self.actual_button.clicked.connect(self.canvas.actual_size)
        self.zoom_in_button.clicked.connect(self.zoom_in)
        self.zoom_out_button.clicked.connect(self.zoom_out)
        for keys, slot in (("+", self.zoom_in), ("=", self.zoom_in), ("-", self.zoom_out)):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)

    def _tool_button(self, text: str, tip: str, icon: QIcon | None = None) -> QToolButton:
        button = QToolButton(self)
        button.setText(text)
        button.setToolTip(tip)
        if icon is not None:
            button.setIcon(icon)
        button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        button.setAutoRaise(True)
        return button

    # --- public ------------------------------------------------------------------------
    def pixmap(self) -> QPixmap | None:
        """The pixmap on screen, or None while a placeholder is shown."""
        if self._shown is None or not self._shown.ok:
            return None
        return self.canvas.pixmap()

    def shown(self) -> DecodedImage | None:
        """What is on screen (the previous image until the current row's has decoded;
        None with a 'No project' / 'No image' placeholder)."""
        return self._shown

    def placeholder_text(self) -> str:
        """The placeholder's text ('' while an image is shown)."""
        showing = self.stack.currentWidget() is self.placeholder
        return self.placeholder.text() if showing else ""

    def set_boxes_visible(self, visible: bool) -> None:
        self.boxes_button.setChecked(visible)

    def boxes_visible(self) -> bool:
        return self.boxes_button.isChecked()

    def zoom_in(self) -> None:
        self.canvas.zoom_by(ZOOM_STEP)

    def zoom_out(self) -> None:
        self.canvas.zoom_by(1 / ZOOM_STEP)

    def show_row(self, row: int) -> None:
        """Show ``row``'s image (from the cache at once, else when decoded)."""
        project = self.state.project
        self._row = row
        if project is None or row < 0 or row >= len(project.images):
            self._shown, self._shown_row = None, -1
            self._show_placeholder("No project open" if project is None
                                   else "No image selected")
            return
        self.loader.cancel_pending()  # superseded requests and old prefetches
        decoded = self.loader.request(row, project.absolute_path(row))
        if decoded is not None:
            self._display(row, decoded)
        else:
            self.info.setText(f"Loading {project.images['filename'].iat[row]}\u2026")
        for neighbour in self._neighbours(row):
            self.loader.prefetch(neighbour, project.absolute_path(neighbour))

    # --- reacting ----------------------------------------------------------------------
    def _on_project_changed(self, _project: object) -> None:
        self.loader.clear()
        self._objects, self._objects_of = None, {}
        self.show_row(self.state.current_row)

    def _on_data_changed(self, event: ChangeEvent) -> None:
        # Renamed or recoloured classes change the boxes' names and colours; a rename or
        # merge also renames the boxes themselves ('objects').
        # A label removed or added changes which boxes are drawn as 'not in labels'.
        if self._shown is None or not self._shown.ok:
            return
        shown_relabelled = event.kind == "labels" and (
            event.rows is None or self._shown_row in set(event.rows.tolist()))
        if event.kind in ("classes", "objects") or shown_relabelled:
            self.canvas.set_boxes(self._boxes_of(self._shown_row))

    def _on_ready(self, row: int, decoded: DecodedImage) -> None:
        if row == self._row:
            self._display(row, decoded)

    def _display(self, row: int, decoded: DecodedImage) -> None:
        self._shown, self._shown_row = decoded, row
        if decoded.ok:
            self.canvas.set_image(QPixmap.fromImage(decoded.image), decoded.full_size,
                                  self._boxes_of(row))
            self.stack.setCurrentWidget(self.canvas)
            self.banner.setText("\n".join(p.message for p in decoded.problems))
            self.banner.setVisible(bool(decoded.problems))
            self._update_info()
        else:
            self._show_placeholder(f"Cannot show {decoded.path.name}",
                                   "\n".join(p.message for p in decoded.problems))
        if decoded.problems:
            self.problems_found.emit(row, list(decoded.problems))
        self.image_shown.emit(row)

    def _show_placeholder(self, title: str, reason: str = "") -> None:
        self.placeholder.setText(f"{title}\n\n{reason}" if reason else title)
        self.stack.setCurrentWidget(self.placeholder)
        self.banner.hide()
        self.info.setText("")
        self.zoom_label.setText("")

    def _update_info(self) -> None:
        shown = self._shown
        if shown is None or not shown.ok:
            return
        width, height = shown.full_size
        n_boxes = len(self.canvas.boxes())
        self.zoom_label.setText(f"{self.canvas.zoom():.0%}")
        self.info.setText(f"{shown.path.name}  \u00b7  {width}\u00d7{height}  \u00b7  "
                          f"{plural(n_boxes, 'object')}")
        self.info.setToolTip(str(shown.path))

    # --- boxes and navigation ----------------------------------------------------------
    def _boxes_of(self, row: int) -> list[Box]:
        project = self.state.project
        if project is None or row < 0:
            return []
        objects = project.objects
        if objects is not self._objects:
            self._objects = objects
            self._objects_of = objects.groupby("image").indices if len(objects) else {}
        positions = self._objects_of.get(row)
        if positions is None:
            return []
        colors = project.class_colors
        labels = set(project.labels_of(row))
        boxes = []
        for obj in objects.iloc[positions].itertuples(index=False):
            # VOC coordinates are 1-based and inclusive.
            rect = QRectF(obj.xmin - 1, obj.ymin - 1, obj.xmax - obj.xmin + 1,
                          obj.ymax - obj.ymin + 1)
            color = QColor(colors.get(obj.name, _UNKNOWN_CLASS_COLOR))
            boxes.append(Box(str(obj.name), rect, color, bool(obj.difficult),
                             in_labels=str(obj.name) in labels))
        return boxes

    def _neighbours(self, row: int) -> list[int]:
        """The next and previous visible rows (row order), to decode ahead."""
        return [r for r in (self._visible_step(row, +1), self._visible_step(row, -1))
                if r >= 0]

    def _visible_step(self, row: int, delta: int) -> int:
        visible = np.flatnonzero(self.state.visible_mask)
        if not len(visible):
            return -1
        at = np.searchsorted(visible, row, side="right" if delta > 0 else "left")
        at = at if delta > 0 else at - 1
        return int(visible[at]) if 0 <= at < len(visible) else -1

    def _step(self, delta: int) -> None:
        signal = self.next_requested if delta > 0 else self.previous_requested
        name = "next_requested()" if delta > 0 else "previous_requested()"
        if self.receivers(SIGNAL(name)) > 0:
            signal.emit()
            return
        target = self._visible_step(self.state.current_row, delta)
        if target >= 0:
            self.state.set_current_row(target)
