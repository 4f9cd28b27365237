"""File > Export and File > Import Labels: the project's exports and the CSV label import
(``vocgui.core.project.export`` / ``label_import``) behind dialogs.

An export runs on a pool thread (:class:`~vocgui.qt.background.BackgroundCall`) on its own
read-only Project opened from the file, since the live one belongs to the GUI thread
(docs/architecture.md); every committed edit is on disk, so it writes what the window
shows. One export runs at a time: asking for another meanwhile is refused with a message.
An import is one undoable command, shown with the matching report before it is applied.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QMainWindow, QMessageBox

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
from vocgui.qt.background import BackgroundCall

#: kind -> (menu text, the core export, file-dialog filter; None = choose a folder)
EXPORTS: dict[str, tuple[str, Callable, str | None]] = {
    "csv": ("Labels as CSV (flow_from_dataframe)…", export_csv, "CSV files (*.csv)"),
    "jsonl": ("Labels as JSON Lines…", export_jsonl, "JSON Lines (*.jsonl)"),
    "voc": ("VOC ImageSets (classification)…", export_voc_imagesets, None),
}


#: kind -> the end of the name a save dialog suggests (after the dataset folder's name).
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


def suggested_name(project: Project, kind: str) -> str:
    """The file or folder name a save dialog offers: the dataset folder's name (the
    project's first root; the project file's own name is a hash for projects kept in the
    data folder) and the kind's suffix."""
    base = Path(project.roots[0]).name if project.roots else Path(project.path).stem
    return f"{base}{SUGGESTED_SUFFIX[kind]}"


def run_export(project_path: str, kind: str, target: Path) -> tuple[bool, str]:
    """Runs on a pool thread, on its own read-only Project: export ``kind`` to ``target``.
    Returns (written, the message for the user: what was written, or why not)."""
    try:
        with Project.open(project_path, read_only=True) as project:
            written = EXPORTS[kind][1](project, target)
            return True, _written_text(kind, project, written)
    except (ExportError, ProjectIOError) as exc:
        return False, str(exc)
    except OSError as exc:  # its own text names the temporary file, not the target
        return False, f"{target} could not be written: {exc.strerror or exc}"


class ExportImport:
    """Runs exports and imports for the project open in ``state``; messages go to
    ``parent``'s dialogs and status bar."""

    def __init__(self, state: AppState, parent: QMainWindow) -> None:
        self.state = state
        self.parent = parent
        self.exporting = BackgroundCall(parent)
        self.exporting.done.connect(self._export_done)
        self.exporting.failed.connect(self._export_failed)

    def ask_export(self, kind: str) -> None:
        """Ask where, then export (menu entry point)."""
        project = self.state.project
        if project is None:
            return
        text, _, file_filter = EXPORTS[kind]
        title = f"Export {text.rstrip('…')}"
        suggested = str(Path.home() / suggested_name(project, kind))
        if file_filter is None:
            # A save dialog, not a folder chooser: the new folder's name may be typed in.
            target, _ = QFileDialog.getSaveFileName(
                self.parent, f"{title}: a new folder (or an empty one) outside the dataset",
                suggested, "", options=QFileDialog.Option.DontConfirmOverwrite)
        else:
            target, _ = QFileDialog.getSaveFileName(self.parent, title, suggested, file_filter)
        if target:
            self.export(kind, Path(target))

    def export(self, kind: str, target: Path) -> bool:
        """Start exporting to ``target`` off the GUI thread; a message box says where it
        went, or why not, when it is done. Returns whether it started (not while another
        export runs)."""
        project = self.state.project
        if project is None:
            return False
        if self.exporting.running:
            self._tell(QMessageBox.Icon.Information, "Export already running",
                       "An export is still being written; try again when it has finished.")
            return False
        self.parent.statusBar().showMessage(f"Exporting to {target}…")
        path = project.location  # reopened read-only by the worker
        self.exporting.start(lambda: run_export(path, kind, target))
        return True

    def _export_done(self, outcome: tuple[bool, str]) -> None:
        written, text = outcome
        self.parent.statusBar().clearMessage()
        if written:
            self._tell(QMessageBox.Icon.Information, "Exported", text)
        else:
            self._tell(QMessageBox.Icon.Warning, "Export failed", text)

    def _export_failed(self, message: str) -> None:
        self.parent.statusBar().clearMessage()
        self._tell(QMessageBox.Icon.Warning, "Export failed", message)

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
