"""Manage the class list: add, rename, merge, delete, reorder and recolour, all undoable.

Each action pushes one core command on ``state`` (deleting several classes is one undo
step). The ``*_class``/``merge``/``delete_classes``/``move_selected``/``set_color``
methods act directly; the buttons ask the user first (name, target, confirmation, colour).
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QColor, QDropEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QColorDialog,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from vocgui.core.project import ChangeEvent
from vocgui.core.project.commands import (
    AddClass,
    Batch,
    DeleteClass,
    MergeClasses,
    RenameClass,
    ReorderClasses,
    SetClassColor,
)
from vocgui.core.project.labelling import check_class_name
from vocgui.core.wording import plural
from vocgui.qt.app_state import AppState
from vocgui.qt.tags.swatch import swatch_icon

_NAME = Qt.ItemDataRole.UserRole


class _ClassList(QListWidget):
    """A list whose rows the user may drag into a new order (reported, not applied)."""

    order_dropped = Signal()

    def dropEvent(self, event: QDropEvent) -> None:
        super().dropEvent(event)
        # Applied after the drag finishes: the push rebuilds this list.
        QTimer.singleShot(0, self.order_dropped.emit)


class ClassManagerDialog(QDialog):
    """The class list of ``state.project`` with buttons for every class edit."""

    def __init__(self, state: AppState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.setWindowTitle("Classes")
        self.resize(420, 460)
        self._build()
        # Methods, not lambdas: Qt drops these connections when the dialog is deleted.
        state.project_changed.connect(self._on_project_changed)
        state.changed.connect(self._on_data_changed)
        self._reload()

    def _build(self) -> None:
        self.class_list = _ClassList()
        self.class_list.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.class_list.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.class_list.setToolTip("Drag to reorder; select several to merge or delete")
        self.class_list.order_dropped.connect(self._commit_list_order)
        self.class_list.itemSelectionChanged.connect(self._update_buttons)
        self.class_list.itemDoubleClicked.connect(lambda _item: self._ask_rename())
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setStyleSheet("QLabel { color: #b02a37; }")
        self.message.hide()

        self.buttons: dict[str, QPushButton] = {}
        column = QVBoxLayout()
        for key, text, tip, slot in (
            ("add", "Add\u2026", "Add a new, empty class", self._ask_add),
            ("rename", "Rename\u2026", "Rename the selected class", self._ask_rename),
            ("merge", "Merge\u2026", "Merge the selected classes into one", self._ask_merge),
            ("delete", "Delete\u2026", "Delete the selected classes and their labels",
             self._ask_delete),
            ("color", "Colour\u2026", "Choose the colour of the selected class",
             self._ask_color),
            ("up", "Move up", "Move the selected classes up", lambda: self.move_selected(-1)),
            ("down", "Move down", "Move the selected classes down",
             lambda: self.move_selected(+1)),
        ):
            button = QPushButton(text)
            button.setToolTip(tip)
            button.clicked.connect(slot)
            column.addWidget(button)
            self.buttons[key] = button
        column.addStretch(1)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)

        row = QHBoxLayout()
        row.addWidget(self.class_list, 1)
        row.addLayout(column)
        layout = QVBoxLayout(self)
        layout.addLayout(row, 1)
        layout.addWidget(self.message)
        layout.addWidget(close)

    # --- reading -----------------------------------------------------------------------
    def class_names(self) -> list[str]:
        """The names in the list's order."""
        return [self.class_list.item(i).data(_NAME) for i in range(self.class_list.count())]

    def selected_names(self) -> list[str]:
        """Selected names, in list order."""
        return [n for i, n in enumerate(self.class_names())
                if self.class_list.item(i).isSelected()]

    def select(self, names: list[str]) -> None:
        """Select exactly these classes."""
        for i, name in enumerate(self.class_names()):
            self.class_list.item(i).setSelected(name in names)

    def carriers(self, name: str) -> int:
        """How many images carry class ``name``."""
        project = self.state.project
        return int(project.labels[:, project.classes.index(name)].sum())

    def delete_confirmation(self, names: list[str]) -> str:
        """The question asked before deleting ``names``, with how many images change."""
        project = self.state.project
        columns = [project.classes.index(n) for n in names]
        n_rows = int(project.labels[:, columns].any(axis=1).sum())
        what = f"the class '{names[0]}'" if len(names) == 1 else f"{len(names)} classes"
        label = "this label" if len(names) == 1 else "these labels"
        return (f"Delete {what}? {plural(n_rows, 'image')} carry {label}; it is removed from "
                f"them (their other labels stay).\n\nUndo (Ctrl+Z) brings it back.")

    # --- acting (one undoable command each) --------------------------------------------
    def add_class(self, name: str, color: str | None = None) -> bool:
        name = name.strip()
        if not self._valid_new_name(name):
            return False
        self._push(AddClass(self.state.project, name, color))
        self.select([name])
        return True

    def rename_class(self, old: str, new: str) -> bool:
        new = new.strip()
        if new == old:
            return False
        if new in self.state.project.classes:
            self._say(f"A class '{new}' already exists; select both and merge them instead.")
            return False
        if not self._valid_new_name(new):
            return False
        self._push(RenameClass(self.state.project, old, new))
        self.select([new])
        return True

    def merge(self, sources: list[str], target: str) -> bool:
        target = target.strip()
        if target not in self.state.project.classes and not self._valid_new_name(target):
            return False
        sources = [s for s in sources if s != target]
        if not sources:
            self._say("Choose at least one class to merge into another.")
            return False
        self._push(MergeClasses(self.state.project, sources, target))
        self.select([target])
        return True

    def delete_classes(self, names: list[str]) -> None:
        project = self.state.project
        text = (f"Delete class '{names[0]}'" if len(names) == 1
                else f"Delete {len(names)} classes")
        # One core command, one transaction: all of them go, or (a failure) none.
        self.state.push(Batch(project, [DeleteClass(project, n) for n in names], text))
        self._say("")

    def move_selected(self, delta: int) -> None:
        """Move the selected classes one place up (-1) or down (+1), as one block."""
        names, chosen = self.class_names(), set(self.selected_names())
        if not chosen:
            return
        order = list(range(len(names)))
        indices = [i for i, n in enumerate(names) if n in chosen]
        if (delta < 0 and indices[0] == 0) or (delta > 0 and indices[-1] == len(names) - 1):
            return
        for i in (indices if delta < 0 else reversed(indices)):
            order[i], order[i + delta] = order[i + delta], order[i]
        self._reorder([names[i] for i in order])
        self.select(list(chosen))

    def set_color(self, name: str, color: str) -> None:
        self._push(SetClassColor(self.state.project, name, color))

    # --- asking ------------------------------------------------------------------------
    def _ask_add(self) -> None:
        name, ok = QInputDialog.getText(self, "Add class", "Name of the new class:")
        if ok:
            self.add_class(name)

    def _ask_rename(self) -> None:
        selected = self.selected_names()
        if len(selected) != 1:
            return
        new, ok = QInputDialog.getText(self, "Rename class", f"New name for '{selected[0]}':",
                                       text=selected[0])
        if ok:
            self.rename_class(selected[0], new)

    def _ask_merge(self) -> None:
        selected = self.selected_names()
        if len(selected) < 2:
            return
        target, ok = QInputDialog.getItem(
            self, "Merge classes", f"Merge {len(selected)} classes into (pick one or type a "
            "new name):", selected, 0, True)
        if ok:
            self.merge(selected, target)

    def _ask_delete(self) -> None:
        selected = self.selected_names()
        if not selected:
            return
        answer = QMessageBox.question(self, "Delete classes", self.delete_confirmation(selected),
                                      QMessageBox.StandardButton.Yes
                                      | QMessageBox.StandardButton.Cancel,
                                      QMessageBox.StandardButton.Cancel)
        if answer == QMessageBox.StandardButton.Yes:
            self.delete_classes(selected)

    def _ask_color(self) -> None:
        selected = self.selected_names()
        if len(selected) != 1:
            return
        name = selected[0]
        color = QColorDialog.getColor(QColor(self.state.project.class_colors[name]), self,
                                      f"Colour of '{name}'")
        if color.isValid():
            self.set_color(name, color.name())

    # --- internals ---------------------------------------------------------------------
    def _push(self, command) -> None:
        self.state.push(command)
        self._say("")

    def _reorder(self, names: list[str]) -> None:
        if names != self.state.project.classes:
            self._push(ReorderClasses(self.state.project, names))

    def _commit_list_order(self) -> None:
        selected = self.selected_names()
        self._reorder(self.class_names())
        self._reload()  # the list shows the project's order, whatever the drop did
        self.select(selected)

    def _valid_new_name(self, name: str) -> bool:
        try:
            check_class_name(name)
        except ValueError as exc:
            self._say(str(exc).capitalize() + ".")
            return False
        if name in self.state.project.classes:
            self._say(f"A class '{name}' already exists.")
            return False
        return True

    def _say(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(bool(text))

    def _on_project_changed(self, _project: object) -> None:
        self._reload()

    def _on_data_changed(self, event: ChangeEvent) -> None:
        if event.kind in ("classes", "labels"):
            self._reload()

    def _reload(self) -> None:
        """Show the project's classes with colours and image counts, keeping the selection."""
        selected = set(self.selected_names())
        project = self.state.project
        self.class_list.clear()
        if project is not None:
            counts = project.labels.sum(axis=0) if len(project.classes) else np.zeros(0)
            for name, count in zip(project.classes, counts, strict=True):
                item = QListWidgetItem(swatch_icon(project.class_colors.get(name, "#9e9e9e")),
                                       f"{name}   ({plural(int(count), 'image')})")
                item.setData(_NAME, name)
                self.class_list.addItem(item)
                item.setSelected(name in selected)
        self._update_buttons()

    def _update_buttons(self) -> None:
        n = len(self.selected_names())
        has_project = self.state.project is not None
        self.buttons["add"].setEnabled(has_project)
        for key in ("rename", "color"):
            self.buttons[key].setEnabled(n == 1)
        self.buttons["merge"].setEnabled(n >= 2)
        for key in ("delete", "up", "down"):
            self.buttons[key].setEnabled(n >= 1)
