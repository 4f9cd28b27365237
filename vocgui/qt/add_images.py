"""File > Add Images: load a folder in a worker thread, then add it to the open project.

The folder is read with the loader (headers only for images without an XML) in a
``QThread``, which never touches the project; the rows are added on the GUI thread, which
owns the project, in one transaction (``Project.add_images``), and the report says how
many were added and skipped.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QObject, QThread, Signal, Slot
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from vocgui.core.project import ProjectError
from vocgui.core.voc import load_voc
from vocgui.qt.app_state import AppState

log = logging.getLogger(__name__)


class FolderReader(QThread):
    """Loads one folder with :func:`load_voc`; ``loaded(dataset)`` or ``failed(text)``."""

    loaded = Signal(object)
    failed = Signal(str)

    def __init__(self, folder: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.folder = folder

    def run(self) -> None:
        try:
            dataset = load_voc(self.folder)
        except Exception as exc:  # shown to the user, never a crash
            log.exception("could not read %s", self.folder)
            self.failed.emit(f"Could not read {self.folder}: {exc}")
            return
        self.loaded.emit(dataset)


class ImageAdder(QObject):
    """Runs File > Add Images for the project open in ``state``; one folder at a time."""

    #: The report shown to the user (also when nothing could be added).
    finished = Signal(str)

    def __init__(self, state: AppState, parent: QWidget) -> None:
        super().__init__(parent)
        self.state = state
        self.parent_widget = parent
        self.reader: FolderReader | None = None
        self.show_messages = True

    def ask(self) -> None:
        """Ask for a folder, then add it (menu entry point)."""
        folder = QFileDialog.getExistingDirectory(
            self.parent_widget, "Add a folder of images (searched recursively; images "
            "without an annotation arrive unlabeled)")
        if folder:
            self.add(Path(folder))

    def add(self, folder: Path) -> bool:
        """Start reading ``folder``; False when a folder is being read already."""
        if self.state.project is None or (self.reader is not None and self.reader.isRunning()):
            return False
        self.reader = FolderReader(folder, self)
        self.reader.loaded.connect(self._add)
        self.reader.failed.connect(self._tell_failure)
        self.reader.start()
        return True

    @Slot(object)
    def _add(self, dataset) -> None:
        project = self.state.project
        if project is None:
            return
        if dataset.images.empty:
            self._report("No images added", f"No images found in {self.reader.folder}.", True)
            return
        try:
            added = project.add_images(dataset)
        except ProjectError as exc:
            self._report("Adding images failed", str(exc), True)
            return
        self._report("Images added", f"{added.report().capitalize()}. The project now has "
                     f"{len(project.images):,} images, {project.n_unlabeled:,} unlabeled.",
                     False)

    @Slot(str)
    def _tell_failure(self, text: str) -> None:
        self._report("Adding images failed", text, True)

    def _report(self, title: str, text: str, warning: bool) -> None:
        self.finished.emit(text)
        if self.show_messages:
            icon = QMessageBox.Icon.Warning if warning else QMessageBox.Icon.Information
            QMessageBox(icon, title, text, QMessageBox.StandardButton.Ok,
                        self.parent_widget).exec()
