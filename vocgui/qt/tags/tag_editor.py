"""Edit the labels of the current image or of the whole selection, one undoable click each.

Each class is a checkable row: checked when every edited image has the label, partly
checked when only some do (clicking it then adds the label to all). A type-ahead box adds
a label by name and creates the class when it is new. The current image's review status
and note sit below. Every change is one core command pushed on ``state`` (undoable).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QStringListModel, Qt, QTimer
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from vocgui.core.project import REVIEW_STATUSES, ChangeEvent
from vocgui.core.project.commands import AddLabel, RemoveLabel, SetReview
from vocgui.qt.app_state import AppState
from vocgui.qt.settings import DEFAULT_CLASS_KEYS
from vocgui.qt.tags.swatch import swatch_icon

if TYPE_CHECKING:
    from vocgui.qt.suggestions import SuggestionSource

_NAME = Qt.ItemDataRole.UserRole
_CLASS_COL, _KEY_COL, _COUNT_COL, _SCORE_COL = 0, 1, 2, 3
#: How a suggested class's score reads ("✓ 0.93"), and its colour.
_SUGGESTED_MARK = "\u2713 "
_SUGGESTED_COLOR = QColor("#1a7f37")


class TagEditor(QWidget):
    """The labels, review status and note of ``state.edit_rows()``, editable."""

    def __init__(self, state: AppState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self._updating = False  # True while the widgets are set from the project
        self._rows = np.zeros(0, dtype=np.int64)
        #: What the class rows show now (edited-row count, per-class counts), or None.
        self._shown: tuple[int, np.ndarray] | None = None
        self._keys: tuple[str, ...] = DEFAULT_CLASS_KEYS
        #: A new class name typed once: Enter again creates it.
        self._pending_new: str | None = None
        #: The model's suggestions (set_suggestions), and the score texts shown per class.
        self._suggestions: SuggestionSource | None = None
        self._score_texts: list[str] = []
        self._build()
        state.project_changed.connect(lambda _p: self._rebuild())
        state.current_row_changed.connect(lambda _r: self._refresh())
        state.selection_changed.connect(lambda _r: self._refresh())
        state.changed.connect(self._on_data_changed)
        self._rebuild()

    # --- building ----------------------------------------------------------------------
    def _build(self) -> None:
        self.header = QLabel()
        self.header.setWordWrap(True)
        self.add_box = QLineEdit()
        self.add_box.setPlaceholderText("Add a tag: type a class name, Enter")
        self.add_box.setToolTip("Adds the label to the edited images; a new name creates "
                                "the class")
        self.add_box.setClearButtonEnabled(True)
        self._names = QStringListModel(self)
        completer = QCompleter(self._names, self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.add_box.setCompleter(completer)
        # Enter on a highlighted completion adds that class (via activated), else the text.
        completer.activated.connect(self.add_tag)
        self.add_box.returnPressed.connect(self._on_return)
        self.add_box.textEdited.connect(self._forget_pending)
        self.message = QLabel()
        self.message.setStyleSheet("QLabel { color: #b02a37; }")
        self.message.hide()

        self.class_list = QTreeWidget()
        self.class_list.setHeaderLabels(["Class", "Key", "Images", "Model"])
        self.class_list.headerItem().setToolTip(
            _SCORE_COL, "The current model's score of the current image for each class; "
            "\u2713 marks the classes it suggests, ? a class it does not know")
        self.class_list.setColumnHidden(_SCORE_COL, True)
        self.class_list.setRootIsDecorated(False)
        self.class_list.setUniformRowHeights(True)
        self.class_list.setAlternatingRowColors(True)
        header = self.class_list.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(_CLASS_COL, QHeaderView.ResizeMode.Stretch)
        for column in (_KEY_COL, _COUNT_COL):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        # A fixed width: sized to its contents, each score set on a change of image
        # re-measured the column (6 ms a cell, benchmarks/bench_suggestions.py).
        header.setSectionResizeMode(_SCORE_COL, QHeaderView.ResizeMode.Fixed)
        header.resizeSection(_SCORE_COL, self.class_list.fontMetrics().horizontalAdvance(
            f"{_SUGGESTED_MARK}0.00") + 2 * header.fontMetrics().horizontalAdvance("MM"))
        self.class_list.itemChanged.connect(self._on_item_changed)
        self.hint = QLabel("Keys 1\u20139 and 0 toggle the first ten classes.")
        self.hint.setWordWrap(True)

        self.review_box = QComboBox()
        self.review_box.addItems([s.capitalize() for s in REVIEW_STATUSES])
        self.review_box.setToolTip("Review status of the current image")
        self.review_box.activated.connect(self._on_review_chosen)
        self.note_box = QLineEdit()
        self.note_box.setPlaceholderText("Note about the current image")
        self.note_box.setClearButtonEnabled(True)
        self.note_box.editingFinished.connect(self._on_note_edited)
        review = QHBoxLayout()
        review.addWidget(QLabel("Review:"))
        review.addWidget(self.review_box)
        review.addWidget(self.note_box, 1)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.header)
        self._layout = layout
        layout.addWidget(self.add_box)
        layout.addWidget(self.message)
        layout.addWidget(self.class_list, 1)
        layout.addWidget(self.hint)
        layout.addLayout(review)

    # --- public ------------------------------------------------------------------------
    def rows(self) -> np.ndarray:
        """The rows being edited (the selection, or the current row)."""
        return self._rows

    def check_state(self, name: str) -> Qt.CheckState:
        """The check mark shown for class ``name``."""
        return self.class_item(name).checkState(_CLASS_COL)

    def class_item(self, name: str) -> QTreeWidgetItem:
        """The list row of class ``name`` (KeyError when there is none)."""
        for index in range(self.class_list.topLevelItemCount()):
            item = self.class_list.topLevelItem(index)
            if item.data(_CLASS_COL, _NAME) == name:
                return item
        raise KeyError(f"no class named {name!r}")

    def set_class_checked(self, name: str, checked: bool) -> None:
        """Add (``checked``) or remove class ``name`` on every edited row: one command."""
        project = self.state.project
        if project is None or not len(self._rows):
            return
        command = AddLabel if checked else RemoveLabel
        self.state.push(command(project, self._rows.copy(), name))

    def set_suggestions(self, source: SuggestionSource, bar: QWidget | None = None) -> None:
        """Show ``source``'s scores of the current image beside the classes (with ``bar``,
        which names the model and accepts, under the header)."""
        self._suggestions = source
        self.class_list.setColumnHidden(_SCORE_COL, False)
        if bar is not None:
            self._layout.insertWidget(1, bar)
        source.changed.connect(self._refresh_scores)
        self._refresh_scores()

    def score_text(self, name: str) -> str:
        """The model's score shown for class ``name`` ("\u2713 0.93" when suggested, "?"
        when the model does not know the class, "" without a score)."""
        return self.class_item(name).text(_SCORE_COL)

    def set_class_keys(self, keys: Sequence[str]) -> None:
        """Show these key hints next to the first ``len(keys)`` classes (user's bindings)."""
        self._keys = tuple(keys)
        self.hint.setText(f"Keys {', '.join(self._keys)} toggle the first "
                          f"{len(self._keys)} classes." if self._keys else "")
        self._rebuild()

    def toggle_class(self, name: str) -> None:
        """Remove ``name`` when every edited row has it, else add it to all of them."""
        self.set_class_checked(name, self.check_state(name) != Qt.CheckState.Checked)

    def add_tag(self, text: str) -> None:
        """Add the label typed in ``text`` (matched case-insensitively; new names create
        a class) to the edited rows."""
        project = self.state.project
        name = text.strip()
        if project is None or not name or not len(self._rows):
            return
        if any(ord(ch) < 32 for ch in name):
            self._say(f"'{name}' contains control characters; not a class name.")
            return
        name = {c.casefold(): c for c in project.classes}.get(name.casefold(), name)
        if name not in project.classes or self.check_state(name) != Qt.CheckState.Checked:
            self.set_class_checked(name, True)
        # Cleared after the completer has finished writing its choice into the box.
        QTimer.singleShot(0, self.add_box.clear)
        self._say("")

    # --- refreshing --------------------------------------------------------------------
    def _rebuild(self) -> None:
        """Recreate the class rows (the class list, names, colours or order changed)."""
        project = self.state.project
        classes = project.classes if project is not None else []
        colors = project.class_colors if project is not None else {}
        self._updating = True
        try:
            self.class_list.clear()
            for index, name in enumerate(classes):
                key = self._keys[index] if index < len(self._keys) else ""
                item = QTreeWidgetItem([name, key, ""])
                item.setData(_CLASS_COL, _NAME, name)
                item.setIcon(_CLASS_COL, swatch_icon(colors.get(name, "#9e9e9e")))
                item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
                              | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(_CLASS_COL, Qt.CheckState.Unchecked)
                item.setTextAlignment(_KEY_COL, Qt.AlignmentFlag.AlignCenter)
                item.setTextAlignment(_COUNT_COL, Qt.AlignmentFlag.AlignRight)
                self.class_list.addTopLevelItem(item)
            self._names.setStringList(list(classes))
        finally:
            self._updating = False
        self._shown = None
        self._score_texts = [""] * len(classes)
        self._refresh()

    def _refresh(self) -> None:
        """Set check marks, counts, header and review widgets for the edited rows."""
        project = self.state.project
        self._rows = self.state.edit_rows() if project is not None else self._rows[:0]
        editable = project is not None and len(self._rows) > 0
        self.class_list.setEnabled(editable)
        self.add_box.setEnabled(editable)
        self.header.setText(self._header_text())
        self._refresh_checks()
        self._refresh_review()
        self._refresh_scores()

    def _refresh_scores(self) -> None:
        """The model's scores of the current image; only the cells that change are set."""
        if self._suggestions is None:
            return
        s, row = self._suggestions.suggestions, self.state.current_row
        n = self.class_list.topLevelItemCount()
        texts = [""] * n
        if s is not None and len(s.classes) == n and 0 <= row < len(s.scored) and \
                s.scored[row]:
            texts = ["?" if not known else f"{_SUGGESTED_MARK if mark else ''}{p:.2f}"
                     for p, known, mark in zip(s.scores[row].tolist(), s.known.tolist(),
                                               s.suggested[row].tolist(), strict=True)]
        shown = self._score_texts if len(self._score_texts) == n else [None] * n
        changed = [i for i in range(n) if texts[i] != shown[i]]
        if not changed:
            return
        # One dataChanged for the column instead of one per cell: each makes the view
        # re-measure its contents-sized columns (benchmarks/bench_suggestions.py).
        model = self.class_list.model()
        blocked = model.blockSignals(True)
        for index in changed:
            item = self.class_list.topLevelItem(index)
            item.setText(_SCORE_COL, texts[index])
            suggested = texts[index].startswith(_SUGGESTED_MARK)
            item.setForeground(_SCORE_COL, _SUGGESTED_COLOR if suggested
                               else self.palette().text().color())
            item.setToolTip(_SCORE_COL, "the model does not know this class (added or "
                            "renamed since its run)" if texts[index] == "?" else
                            "suggested by the model" if suggested else "")
        model.blockSignals(blocked)
        self._score_texts = texts
        model.dataChanged.emit(model.index(changed[0], _SCORE_COL),
                               model.index(changed[-1], _SCORE_COL))

    def _refresh_checks(self) -> None:
        project = self.state.project
        n = len(self._rows)
        counts = (project.labels[self._rows].sum(axis=0) if project is not None and n
                  else np.zeros(self.class_list.topLevelItemCount(), dtype=np.int64))
        # Touch only the rows whose count changed: with thousands of classes, setting every
        # row on each move to the next image costs far more than a frame.
        indices = range(self.class_list.topLevelItemCount())
        if self._shown is not None and self._shown[0] == n and len(self._shown[1]) == len(counts):
            indices = np.flatnonzero(self._shown[1] != counts).tolist()
        self._shown = (n, counts)
        self._updating = True
        # A count column sized to its contents re-measures every row after each setText:
        # size it once, after the loop (8 ms -> 1.5 ms per lasso with 20 classes).
        header = self.class_list.header()
        header.setSectionResizeMode(_COUNT_COL, QHeaderView.ResizeMode.Interactive)
        try:
            for index in indices:
                item = self.class_list.topLevelItem(index)
                count = int(counts[index]) if index < len(counts) else 0
                state = (Qt.CheckState.Checked if n and count == n
                         else Qt.CheckState.PartiallyChecked if count
                         else Qt.CheckState.Unchecked)
                item.setCheckState(_CLASS_COL, state)
                item.setText(_COUNT_COL, f"{count}/{n}" if n > 1 else "")
                item.setToolTip(_CLASS_COL, f"{item.text(_CLASS_COL)}: on {count} of the "
                                f"{n} edited image{'s' if n != 1 else ''}")
        finally:
            header.setSectionResizeMode(_COUNT_COL, QHeaderView.ResizeMode.ResizeToContents)
            self._updating = False

    def _refresh_review(self) -> None:
        project, row = self.state.project, self.state.current_row
        has_row = project is not None and 0 <= row < len(project.images)
        self.review_box.setEnabled(has_row)
        self.note_box.setEnabled(has_row)
        self._updating = True
        try:
            if has_row:
                status = str(project.images["review"].iat[row])
                self.review_box.setCurrentIndex(REVIEW_STATUSES.index(status)
                                                if status in REVIEW_STATUSES else 0)
                self.note_box.setText(str(project.images["note"].iat[row]))
            else:
                self.review_box.setCurrentIndex(0)
                self.note_box.clear()
        finally:
            self._updating = False

    def _header_text(self) -> str:
        project, n = self.state.project, len(self._rows)
        if project is None:
            return "No project open"
        if n == 0:
            return "No image selected"
        if n == 1:
            return f"Labels of <b>{project.images['filename'].iat[int(self._rows[0])]}</b>"
        return f"Labels of <b>{n} selected images</b>"

    def _on_data_changed(self, event: ChangeEvent) -> None:
        kind, rows = event.kind, event.rows
        if kind == "classes":
            self._rebuild()
        elif kind == "labels" and self._touches(rows, self._rows):
            self._refresh_checks()
        elif kind == "review" and self._touches(rows, [self.state.current_row]):
            self._refresh_review()

    @staticmethod
    def _touches(changed: np.ndarray | None, shown) -> bool:
        return changed is None or bool(np.intersect1d(changed, shown).size)

    # --- user edits --------------------------------------------------------------------
    def _on_return(self) -> None:
        """Enter adds the class typed, or else the completion shown for it ('tri' ->
        'triangle'); a name matching no class creates one only on a second Enter."""
        project = self.state.project
        text = self.add_box.text().strip()
        if project is None or not text:
            return
        known = {c.casefold() for c in project.classes}
        if text.casefold() not in known:
            completion = self._completion_of(text)
            if completion is not None:
                self._pending_new = None
                self.add_tag(completion)
                return
            if self._pending_new != text:
                self._pending_new = text
                self._say(f"'{text}' is not a class yet: press Enter again to create it "
                          "and add it, or change the name.")
                return
        self._pending_new = None
        self.add_tag(text)

    def _completion_of(self, text: str) -> str | None:
        """The first class the completer offers for ``text`` (None when it offers none)."""
        completer = self.add_box.completer()
        completer.setCompletionPrefix(text)
        if not completer.completionCount():
            return None
        completer.setCurrentRow(0)
        return completer.currentCompletion() or None

    def _forget_pending(self, _text: str) -> None:
        if self._pending_new is not None:
            self._pending_new = None
            self._say("")

    def _on_item_changed(self, item: QTreeWidgetItem, column: int) -> None:
        if self._updating or column != _CLASS_COL:
            return
        checked = item.checkState(_CLASS_COL) == Qt.CheckState.Checked
        self._shown = None  # the click changed a row: a refused edit must put it back
        self.set_class_checked(item.data(_CLASS_COL, _NAME), checked)
        self._refresh_checks()

    def _on_review_chosen(self, index: int) -> None:
        project, row = self.state.project, self.state.current_row
        if self._updating or project is None or row < 0:
            return
        if project.images["review"].iat[row] != REVIEW_STATUSES[index]:
            self.state.push(SetReview(project, [row], REVIEW_STATUSES[index]))

    def _on_note_edited(self) -> None:
        project, row = self.state.project, self.state.current_row
        if self._updating or project is None or row < 0:
            return
        note = self.note_box.text()
        if note != project.images["note"].iat[row]:
            status = str(project.images["review"].iat[row])
            self.state.push(SetReview(project, [row], status, note=note))

    def _say(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(bool(text))
