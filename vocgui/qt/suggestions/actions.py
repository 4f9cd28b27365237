"""What the annotator does with the model's suggestions: accept them for the current
image (A), accept and go on (S), jump to the next image of the Label next queue (L),
and accept the confident suggestions of the whole selection after a confirmation. Each
accept is ONE undoable edit (core ``accept_command``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QLabel, QMenu, QMessageBox

from vocgui.core.suggestions import accept_command, next_to_label, plan_accept
from vocgui.core.wording import plural
from vocgui.qt.suggestions.bar import SuggestionBar

if TYPE_CHECKING:
    from vocgui.qt.main_window import MainWindow


class SuggestionActions(QObject):
    """The Suggestions menu, its keys on the annotation widgets, the tag editor's model
    line and the status bar's Label next count, for ``window``."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.state, self.source = window.state, window.suggestions
        #: The image Label next went to last (pressing L on it again skips it).
        self._last_jump = -1
        keyboard = window.keyboard
        keyboard.bind(Qt.Key.Key_A, self.accept)
        keyboard.bind(Qt.Key.Key_S, self.accept_and_next)
        keyboard.bind(Qt.Key.Key_L, self.label_next)
        self.bar = SuggestionBar(self.source, self.accept, self.accept_and_next)
        window.tag_editor.set_suggestions(self.source, self.bar)
        window.table.set_suggestions(self.source)
        self.queue_label = QLabel()
        self.queue_label.setToolTip("Unlabeled images, most uncertain first: L (or "
                                    "Suggestions > Label Next) jumps to the next one")
        window.statusBar().addPermanentWidget(self.queue_label)
        self._build_menu()
        self.source.queue_changed.connect(self._update_queue_label)
        self.source.changed.connect(self._update_queue_label)
        self._update_queue_label()

    def _build_menu(self) -> None:
        bar = self.window.menuBar()
        self.menu = QMenu("&Suggestions", bar)
        bar.insertMenu(self.window.menus.help_menu.menuAction(), self.menu)
        entries = (
            ("&Accept Suggestion\tA", self.accept,
             "Set the current image's labels to the model's suggestion (one undoable edit)"),
            ("Accept Suggestion and &Next\tS", self.accept_and_next,
             "Accept the suggestion, then go to the next image"),
            ("&Label Next\tL", self.label_next,
             "Go to the unlabeled image the model is least sure about"),
            ("Accept &Confident Suggestions for Selected…", self.accept_confident_selected,
             "Accept the suggestions of the selected images whose scores are all confident"),
        )
        # The keys go through the keyboard editor (not window shortcuts), so typing in a
        # text box never accepts anything; the menu names them after a tab.
        for text, slot, tip in entries:
            action = self.menu.addAction(text)
            action.triggered.connect(lambda _=False, run=slot: run())
            action.setStatusTip(tip)
        self.state.project_changed.connect(self._project_changed)
        self._project_changed(self.state.project)

    def _project_changed(self, project: object) -> None:
        self.menu.setEnabled(project is not None)

    # --- the edits ---------------------------------------------------------------------
    def accept(self) -> bool:
        """Accept the model's suggestion for the edited images (selection, or the current
        one). Returns whether an edit was made."""
        project, s = self.state.project, self.source.suggestions
        rows = self.state.edit_rows()
        if project is None or s is None or not len(rows):
            self._say("No suggestion to accept: " + ("no model has scored the images yet"
                                                      if s is None else "no image chosen"))
            return False
        try:
            plan = plan_accept(project, s, rows)
        except ValueError as exc:
            self._say(str(exc))
            return False
        if not plan.n_images:
            self._say("Already as the model suggests" if not plan.skipped_unscored
                      else "The model did not score this image")
            return False
        return self.state.push(accept_command(project, plan))

    def accept_and_next(self) -> bool:
        """Accept the suggestion, then move to the next image of the table."""
        project, s = self.state.project, self.source.suggestions
        if project is None or s is None or not len(self.state.edit_rows()):
            return self.accept()  # says why there is nothing to accept
        self.accept()
        self.window.table.move_current(1)
        return True

    def label_next(self) -> bool:
        """Select the most uncertain unlabeled image (your claimed images first; images
        other annotators claimed are theirs); pressed again on the image it gave (left
        unlabeled: skipped), the one after that in the queue."""
        queue, project = self.source.queue(), self.state.project
        ordered = queue if project is None else project.claims_first(queue)
        current = self.state.current_row
        skipping = current if current == self._last_jump else -1
        row = next_to_label(ordered, skipping)
        if row is None:
            self._say("Every unlabeled image is claimed by someone else (Team > Show Images)"
                      if len(queue) else "Every image is labeled: Label next is empty")
            return False
        self.window.show_images()
        self.state.request_selection(np.array([row]))
        self._last_jump = row
        return True

    def accept_confident_selected(self) -> int:
        """After a confirmation stating how many images and labels change, accept the
        suggestions of the selected images whose scores are all confident, as one
        undoable edit. Returns the number of images changed."""
        project, s = self.state.project, self.source.suggestions
        rows = self.state.selected_rows
        if project is None or s is None:
            QMessageBox.information(self.window, "No suggestions", self.source.caption())
            return 0
        if not len(rows):
            QMessageBox.information(self.window, "Nothing selected",
                                    "Select the images whose suggestions to accept.")
            return 0
        plan = plan_accept(project, s, rows, confident_only=True)
        if not plan.n_images:
            QMessageBox.information(self.window, "Nothing to change",
                                    f"Of the {plural(len(rows), 'selected image')}: "
                                    f"{plan.describe()}.")
            return 0
        answer = QMessageBox.question(
            self.window, "Accept confident suggestions",
            f"Accept the suggestions of {s.name} for "
            f"{plural(plan.n_images, 'image')} ({plural(plan.n_labels, 'label')} change)?"
            f"\n\nOf the {plural(len(rows), 'selected image')}: {plan.describe()}. "
            "One undoable edit (Ctrl+Z).")
        if answer != QMessageBox.StandardButton.Yes:
            return 0
        return plan.n_images if self.state.push(accept_command(project, plan)) else 0

    # --- status ------------------------------------------------------------------------
    def _update_queue_label(self) -> None:
        queue = self.source.queue()
        self.queue_label.setText(f"Label next: {plural(len(queue), 'unlabeled image')}"
                                 if len(queue) else "")

    def _say(self, text: str) -> None:
        self.window.statusBar().showMessage(text, 5000)
