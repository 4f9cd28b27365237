"""Bulk edit: add or remove one label on all selected or all filtered images, after a
confirmation that says how many images change."""

from __future__ import annotations

import numpy as np
from PySide6.QtWidgets import QInputDialog, QMessageBox, QWidget

from vocgui.core.project import Project
from vocgui.core.project.commands import AddLabel, RemoveLabel
from vocgui.qt.app_state import AppState


def rows_that_change(project: Project, rows: np.ndarray, name: str, add: bool) -> np.ndarray:
    """The rows among ``rows`` whose labels adding (or removing) ``name`` would change."""
    if name not in project.classes:
        return rows if add else rows[:0]
    has = project.labels[rows, project.classes.index(name)]
    return rows[~has] if add else rows[has]


def ask_class(parent: QWidget | None, project: Project, add: bool, scope: str) -> str | None:
    """Ask which class to add (an existing one or a new name) or remove; None = cancelled."""
    dialog = QInputDialog(parent)
    verb = "Add a label to" if add else "Remove a label from"
    dialog.setWindowTitle(f"{verb} {scope} images")
    dialog.setLabelText("Class to add (pick one or type a new name):" if add
                        else "Class to remove:")
    dialog.setComboBoxItems(list(project.classes))
    dialog.setComboBoxEditable(add)
    if not dialog.exec():
        return None
    name = dialog.textValue().strip()
    return name or None


def bulk_label_edit(parent: QWidget | None, state: AppState, rows: np.ndarray, scope: str,
                    add: bool) -> int:
    """Ask for a class, confirm, then add it to (or remove it from) ``rows`` as one undoable
    edit. ``scope`` names the rows ('selected', 'filtered'). Returns the rows changed."""
    project = state.project
    if project is None:
        return 0
    rows = np.asarray(rows, dtype=np.int64)
    if len(rows) == 0:
        QMessageBox.information(parent, "Nothing to edit", f"There are no {scope} images.")
        return 0
    name = ask_class(parent, project, add, scope)
    if name is None:
        return 0
    changing = rows_that_change(project, rows, name, add)
    if len(changing) == 0:
        state_text = "already have" if add else "do not have"
        QMessageBox.information(parent, "Nothing to change",
                                f"All {len(rows):,} {scope} images {state_text} '{name}'.")
        return 0
    question = (f"Add '{name}' to {len(changing):,} of the {len(rows):,} {scope} images?"
                if add else
                f"Remove '{name}' from {len(changing):,} of the {len(rows):,} {scope} images?")
    if name not in project.classes:
        question += f"\n\n'{name}' is a new class; it will be created."
    answer = QMessageBox.question(
        parent, "Confirm bulk edit", question + "\n\nYou can undo this with Ctrl+Z.",
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
        QMessageBox.StandardButton.Yes)
    if answer != QMessageBox.StandardButton.Yes:
        return 0
    command = AddLabel if add else RemoveLabel
    state.push(command(project, changing, name))
    return len(changing)
