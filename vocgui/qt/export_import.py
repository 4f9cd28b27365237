"""File > Export and File > Import Labels: the project's exports and the CSV label import
(``vocgui.core.project.export`` / ``label_import``) behind dialogs.

Exports read the live project, which belongs to the GUI thread (docs/architecture.md:
a worker would have to open its own read-only copy); they take well under a second for
17k images (CSV ~50 ms, VOC ImageSets ~0.3 s measured), so they run here with a busy
cursor. An import is one undoable command, shown with the matching report before it is
applied.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from vocgui.core.project import Project
from vocgui.core.project.errors import ExportError, ProjectIOError
from vocgui.core.project.export import (
    export_csv,
    export_jsonl,
    export_voc_imagesets,
    voc_split_members,
)
from vocgui.core.project.label_import import plan_label_import
from vocgui.core.wording import plural
from vocgui.qt.app_state import AppState

#: kind -> (menu text, the core export, file-dialog filter; None = choose a folder)
EXPORTS: dict[str, tuple[str, Callable, str | None]] = {
    "csv": ("Labels as CSV (flow_from_dataframe)…", export_csv, "CSV files (*.csv)"),
    "jsonl": ("Labels as JSON Lines…", export_jsonl, "JSON Lines (*.jsonl)"),
    "voc": ("VOC ImageSets (classification)…", export_voc_imagesets, None),
}


#: kind -> the end of the name a save dialog suggests (after the project's name).
SUGGESTED_SUFFIX = {"csv": "-labels.csv", "jsonl": "-labels.jsonl", "voc": "-imagesets"}


def _written_text(kind: str, project: Project, written: Path) -> str:
    total = len(project.images)
    if kind == "jsonl":  # every image, with its labeled state
        return f"{plural(total, 'image')} written to {written}"
    unlabeled = project.n_unlabeled
    not_labeled = f"; {plural(unlabeled, 'unlabeled image')} left out" if unlabeled else ""
    if kind == "csv":
        return f"{plural(total - unlabeled, 'labeled image')} written to {written}{not_labeled}"
    members = voc_split_members(project)
    listed = len(members["trainval"]) + len(members["test"])
    no_split = total - unlabeled - listed
    left_out = f" ({plural(no_split, 'image')} without a split left out)" if no_split else ""
    return f"{plural(listed, 'image')} listed by split in {written}{left_out}{not_labeled}"


class ExportImport:
    """Runs exports and imports for the project open in ``state``; messages go to
    ``parent``'s dialogs."""

    def __init__(self, state: AppState, parent: QWidget) -> None:
        self.state = state
        self.parent = parent

    def ask_export(self, kind: str) -> None:
        """Ask where, then export (menu entry point)."""
        project = self.state.project
        if project is None:
            return
        text, _, file_filter = EXPORTS[kind]
        title = f"Export {text.rstrip('…')}"
        suggested = str(Path.home() / f"{Path(project.path).stem}{SUGGESTED_SUFFIX[kind]}")
        if file_filter is None:
            # A save dialog, not a folder chooser: the new folder's name may be typed in.
            target, _ = QFileDialog.getSaveFileName(
                self.parent, f"{title}: a new folder (or an empty one) outside the dataset",
                suggested, "", options=QFileDialog.Option.DontConfirmOverwrite)
        else:
            target, _ = QFileDialog.getSaveFileName(self.parent, title, suggested, file_filter)
        if target:
            self.export(kind, Path(target))

    def export(self, kind: str, target: Path) -> Path | None:
        """Export to ``target``; says where it went, or why not. Returns the written path."""
        project = self.state.project
        if project is None:
            return None
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            written = EXPORTS[kind][1](project, target)
        except (ExportError, ProjectIOError, OSError) as exc:
            self._tell(QMessageBox.Icon.Warning, "Export failed", str(exc))
            return None
        finally:
            QGuiApplication.restoreOverrideCursor()
        self._tell(QMessageBox.Icon.Information, "Exported", _written_text(
            kind, project, written))
        return written

    def ask_import(self) -> None:
        """Ask for a CSV, then import (menu entry point)."""
        path, _ = QFileDialog.getOpenFileName(self.parent, "Import labels from a CSV", "",
                                              "CSV files (*.csv);;All files (*)")
        if path:
            self.import_labels(Path(path))

    def import_labels(self, path: Path) -> bool:
        """Match ``path``'s lines to images, show the report, and apply it as one undoable
        edit if the user agrees. Returns whether labels were imported."""
        project = self.state.project
        if project is None:
            return False
        try:
            plan = plan_label_import(project, path)
        except ValueError as exc:
            self._tell(QMessageBox.Icon.Warning, "Import failed", str(exc))
            return False
        if not len(plan.rows):
            self._tell(QMessageBox.Icon.Warning, "Nothing to import", plan.report())
            return False
        answer = QMessageBox.question(
            self.parent, "Import labels",
            f"{plan.report()}\n\nReplace the labels of these {len(plan.rows):,} images? "
            "(Edit > Undo takes it back.)")
        if answer != QMessageBox.StandardButton.Yes:
            return False
        self.state.push(plan.command(project))
        return True

    def _tell(self, icon: QMessageBox.Icon, title: str, text: str) -> None:
        QMessageBox(icon, title, text, QMessageBox.StandardButton.Ok, self.parent).exec()
