"""The main window's menus (File, Edit, View, Classes, Team, Help) and what their actions do."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDockWidget, QFileDialog, QInputDialog, QMenu, QMessageBox

from vocgui.core.project.location import PROJECT_SUFFIX, data_dir
from vocgui.core.project.team_url import is_team_url
from vocgui.qt.add_images import ImageAdder
from vocgui.qt.bulk_edit import bulk_label_edit
from vocgui.qt.export_import import EXPORTS, ExportImport
from vocgui.qt.shortcuts import class_key_problem
from vocgui.qt.team.team_menu import TeamMenu

if TYPE_CHECKING:
    from vocgui.qt.main_window import MainWindow

_KEYS_HELP = """<h3>Keyboard</h3><table cellpadding=3>
<tr><td><b>↑ ↓ PgUp PgDn Home End</b></td><td>move in the table</td></tr>
<tr><td><b>{keys}</b></td><td>toggle class 1 … 10 on the selection (or the current image)</td></tr>
<tr><td><b>Space</b>, <b>Enter</b></td><td>mark reviewed and go to the next image</td></tr>
<tr><td><b>F</b></td><td>flag (again: unflag)</td></tr>
<tr><td><b>A</b>, <b>S</b></td><td>accept the model's suggestion (S: and go on)</td></tr>
<tr><td><b>L</b></td><td>Label next: the unlabeled image the model is least sure about</td></tr>
<tr><td><b>Ctrl+Z</b>, <b>Ctrl+Shift+Z</b></td><td>undo, redo</td></tr>
<tr><td><b>Ctrl+F</b></td><td>filter by file name</td></tr>
</table><p>The class keys work while the table or the viewer has the focus.
Change them with Edit &gt; Class Keys.</p>"""


class MainMenus:
    """Builds the menu bar of ``window`` and keeps its actions' state current."""

    def __init__(self, window: MainWindow) -> None:
        self.window = window
        self.state = window.state
        bar = window.menuBar()
        self.file_menu = bar.addMenu("&File")
        self.edit_menu = bar.addMenu("&Edit")
        self.view_menu = bar.addMenu("&View")
        self.classes_menu = bar.addMenu("&Classes")
        self.team = TeamMenu(window, bar.addMenu("&Team"))
        self.help_menu = bar.addMenu("&Help")
        self._project_actions: list[QAction] = []
        self.exchange = ExportImport(self.state, window)
        self.adder = ImageAdder(self.state, window)
        self._build_file()
        self._build_edit()
        self._build_classes()
        self._build_help()

    def _action(self, menu: QMenu, text: str, slot: Callable[[], object],
                shortcut: QKeySequence | QKeySequence.StandardKey | str | None = None,
                tip: str = "", needs_project: bool = False) -> QAction:
        action = menu.addAction(text)
        action.triggered.connect(lambda _checked=False: slot())
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.setStatusTip(tip)
        action.setToolTip(tip or text)
        if needs_project:
            self._project_actions.append(action)
        return action

    # --- File --------------------------------------------------------------------------
    def _build_file(self) -> None:
        m = self.file_menu
        self._action(m, "Open &Folder…", self._open_folder, QKeySequence.StandardKey.Open,
                     "Open a PASCAL VOC folder (Annotations/, JPEGImages/)")
        self._action(m, "Open &Project…", self._open_project, "Ctrl+Shift+O",
                     f"Open a vocgui project file ({PROJECT_SUFFIX})")
        self._action(m, "Open &Read-Only…", self._open_read_only,
                     tip="Look at a project (one open elsewhere too) without changing it")
        self._action(m, "Open &Team Project…", self._open_team_project,
                     tip="Open a project on a PostgreSQL server (a postgresql:// URL), "
                         "edited by several annotators at once")
        self._action(m, "Open &Demo Dataset", lambda: self.window.open_path(None),
                     tip="Open the built-in demo dataset (made on first use)")
        self.recent_menu = m.addMenu("&Recent Projects")
        self.update_recent()
        m.addSeparator()
        self._action(m, "&Add Images…", self.adder.ask, "Ctrl+Shift+A",
                     "Add a folder of images to the project (searched recursively; images "
                     "without an annotation arrive unlabeled)", needs_project=True)
        export_menu = m.addMenu("&Export")
        for kind, (text, _, _) in EXPORTS.items():
            self._action(export_menu, text, lambda k=kind: self.exchange.ask_export(k),
                         tip="Write the labels to a new file; the dataset is never modified",
                         needs_project=True)
        self._action(m, "&Import Labels from CSV…", self.exchange.ask_import,
                     tip="Replace the labels of the images a CSV names (one undoable edit)",
                     needs_project=True)
        m.addSeparator()
        self._action(m, "&Quit", self.window.close, QKeySequence.StandardKey.Quit,
                     "Close the window (every edit is already saved)")

    def _open_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self.window, "Open a VOC folder")
        if folder:
            self.window.open_path(Path(folder))

    def _open_project(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self.window, "Open a vocgui project", "",
                                              f"vocgui projects (*{PROJECT_SUFFIX})")
        if path:
            self.window.open_path(Path(path))

    def _open_team_project(self) -> None:
        url, ok = QInputDialog.getText(
            self.window, "Open a team project",
            "PostgreSQL URL of the project's database, e.g.\n"
            "postgresql://ann@db.lab.example/voc2012\n"
            "(a password comes from PGPASSWORD or ~/.pgpass; put a project there with\n"
            "'vocgui project copy my.vocgui URL')", text="postgresql://")
        url = url.strip()
        if not ok or not url:
            return
        if not is_team_url(url):
            self.window.statusBar().showMessage(
                f"Not a team project URL (it starts with postgresql://): {url}", 6000)
            return
        self.window.open_path(url)

    def _open_read_only(self) -> None:
        # Folders' projects live in the data folder: start there.
        path, _ = QFileDialog.getOpenFileName(
            self.window, "Open a vocgui project read-only", str(data_dir() / "projects"),
            f"vocgui projects (*{PROJECT_SUFFIX})")
        if path:
            self.window.open_path(Path(path), read_only=True)

    def update_recent(self) -> None:
        self.recent_menu.clear()
        for path in self.window.settings.recent_projects():
            # The dataset folder the user opened, not the hashed project file name.
            action = self.recent_menu.addAction(self.window.settings.recent_name(path))
            action.setToolTip(f"Project file: {path}")
            action.setStatusTip(f"Project file: {path}")
            action.triggered.connect(lambda _=False, p=path: self.window.open_path(p))
        self.recent_menu.setEnabled(not self.recent_menu.isEmpty())

    # --- Edit --------------------------------------------------------------------------
    def _build_edit(self) -> None:
        m = self.edit_menu
        stack = self.state.undo_stack
        self.undo_action = stack.createUndoAction(self.window, "&Undo")
        self.undo_action.setShortcut(QKeySequence.StandardKey.Undo)
        self.redo_action = stack.createRedoAction(self.window, "&Redo")
        self.redo_action.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        m.addAction(self.undo_action)
        m.addAction(self.redo_action)
        m.addSeparator()
        keyboard = self.window.keyboard
        self._action(m, "Mark Reviewed and Next\tSpace", keyboard.mark_reviewed_and_next,
                     tip="Mark the current image reviewed and go to the next one",
                     needs_project=True)
        self._action(m, "Flag / Unflag\tF", keyboard.toggle_flag,
                     tip="Flag the current image for a second look", needs_project=True)
        self._action(m, "Find Similar Images", self.window.find_similar, "Ctrl+Shift+F",
                     tip="The images nearest to the current one, by a run's features or "
                     "by perceptual hash", needs_project=True)
        self.toggle_menu = m.addMenu("&Toggle Class")
        m.addSeparator()
        bulk_actions = (
            ("&Add Label to Selected…", "selected", True, "every selected image"),
            ("&Remove Label from Selected…", "selected", False, "every selected image"),
            ("Add Label to All &Filtered…", "filtered", True, "every image the table shows"),
            ("Remove Label from All F&iltered…", "filtered", False,
             "every image the table shows"),
        )
        for text, scope, add, whom in bulk_actions:
            verb = "Add one label to" if add else "Remove one label from"
            self._action(m, text, lambda s=scope, a=add: self.bulk_edit(s, a),
                         tip=f"{verb} {whom}", needs_project=True)
        m.addSeparator()
        self._action(m, "&Filter by Name", self._focus_search, QKeySequence.StandardKey.Find,
                     "Type part of a file name to filter the table")
        self._action(m, "Class &Keys…", self._edit_class_keys,
                     tip="Choose the keys that toggle class 1 … 10")

    def bulk_edit(self, scope: str, add: bool) -> int:
        """Add or remove a label on the selected or all filtered rows (after dialogs)."""
        rows = (self.state.selected_rows if scope == "selected"
                else np.flatnonzero(self.state.visible_mask))
        return bulk_label_edit(self.window, self.state, rows, scope, add)

    def _focus_search(self) -> None:
        self.window.table.filter_bar.search.setFocus()
        self.window.table.filter_bar.search.selectAll()

    def _edit_class_keys(self) -> None:
        keys = self.window.settings.class_keys()
        text, ok = QInputDialog.getText(
            self.window, "Class keys", "Ten keys for class 1 … 10, separated by spaces:",
            text=" ".join(keys))
        if not ok:
            return
        keys = text.upper().split()
        problem = class_key_problem(keys, self.plain_shortcuts())
        try:
            if problem is not None:
                raise ValueError(problem)
            self.window.settings.set_class_keys(keys)
        except ValueError as exc:
            QMessageBox.warning(self.window, "Class keys", str(exc))
            return
        self.window.keyboard.set_class_keys(self.window.settings.class_keys())
        self.window.tag_editor.set_class_keys(self.window.settings.class_keys())
        self.update_classes()

    def plain_shortcuts(self) -> dict[str, str]:
        """The menus' shortcuts that are one key without modifiers ('F1'), with their
        action's name: keys a class key may not take."""
        taken = {}
        for action in self.window.findChildren(QAction):
            for sequence in action.shortcuts():
                if sequence.count() == 1 and not sequence[0].keyboardModifiers():
                    taken[sequence.toString()] = action.text().replace("&", "").split("\t")[0]
        return taken

    def update_classes(self) -> None:
        """Rebuild Edit > Toggle Class from the project's first ten classes."""
        self.toggle_menu.clear()
        project = self.state.project
        classes = [] if project is None else project.classes
        keys = self.window.keyboard.class_keys
        for i, name in enumerate(classes[: len(keys)]):
            action = self.toggle_menu.addAction(f"{name}\t{keys[i]}")
            action.triggered.connect(lambda _=False, k=i: self.window.keyboard.toggle_class(k))
        self.toggle_menu.setEnabled(bool(classes))

    # --- View, Classes, Help -----------------------------------------------------------
    def add_panel_toggle(self, dock: QDockWidget) -> None:
        action = dock.toggleViewAction()
        action.setStatusTip(f"Show or hide the {dock.windowTitle()} panel")
        self.view_menu.addAction(action)

    def _build_classes(self) -> None:
        self._action(self.classes_menu, "&Manage Classes…", self.window.open_class_manager,
                     "Ctrl+K", "Add, rename, merge, delete, reorder and colour classes",
                     needs_project=True)

    def _build_help(self) -> None:
        self._action(self.help_menu, "&Keyboard Shortcuts", self._show_keys, "F1")
        self._action(self.help_menu, "&About vocgui", self._show_about)

    def _show_keys(self) -> None:
        keys = ", ".join(self.window.keyboard.class_keys)
        QMessageBox.information(self.window, "Keyboard shortcuts", _KEYS_HELP.format(keys=keys))

    def _show_about(self) -> None:
        from vocgui import __version__

        QMessageBox.about(self.window, "About vocgui",
                          f"<h3>vocgui {__version__}</h3><p>Curate multi-label PASCAL VOC "
                          "datasets, train Keras models on them in the background and "
                          "review what they learned.</p>")

    def update_enabled(self) -> None:
        has_project = self.state.project is not None
        for action in self._project_actions:
            action.setEnabled(has_project)
