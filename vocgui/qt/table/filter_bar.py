"""The row of filter controls above the image table, and the line saying what is shown."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMenu,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from vocgui.qt.table.filter import CLASS_MODES, TableFilter

_SPLIT_CHOICES = [("All splits", None), ("train", "train"), ("val", "val"), ("test", "test"),
                  ("No split", ""), ("Excluded", "excluded")]
_REVIEW_CHOICES = [("Any status", None), ("Unlabeled", "unlabeled"), ("Labeled", "labeled"),
                   ("Unreviewed", "unreviewed"), ("Reviewed", "reviewed"),
                   ("Flagged", "flagged")]
#: The model box: text -> (TableFilter.suggestions, TableFilter.min_uncertainty).
_MODEL_CHOICES = {"Any model score": (None, None), "Has suggestions": ("has", None),
                  "No suggestion": ("none", None), "All scores confident": ("confident", None),
                  "Uncertainty ≥ 0.25": (None, 0.25), "Uncertainty ≥ 0.5": (None, 0.5),
                  "Uncertainty ≥ 0.75": (None, 0.75)}
#: The labeled-state choices of the status box, as TableFilter.labeled values.
_STATE_CHOICES = {"unlabeled": False, "labeled": True}
#: Typing pauses this long (ms) before the name filter applies.
_TEXT_DEBOUNCE_MS = 120
#: The Labels menu lists at most this many classes; the rest are one "Other label…" away.
#: A menu of 20,000 actions took 50 s to build and 38 s to tear down.
MENU_CLASSES = 100


class FilterBar(QWidget):
    """Edits a ``TableFilter``; emits ``filter_edited`` with the new one on each change."""

    filter_edited = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._filter = TableFilter()
        self._classes: list[str] = []

        self.search = QLineEdit(placeholderText="Filter by file name…", clearButtonEnabled=True)
        self.search.setToolTip("Show images whose file name contains this text (Ctrl+F)")
        self._text_timer = QTimer(self, singleShot=True, interval=_TEXT_DEBOUNCE_MS)
        self._text_timer.timeout.connect(self._text_edited)
        self.search.textEdited.connect(lambda _text: self._text_timer.start())

        self.labels_button = QToolButton(text="Labels")
        self.labels_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.labels_button.setToolTip("Show images that have any of / all of / none of "
                                      "the checked classes")
        self.labels_button.setMinimumWidth(
            self.labels_button.fontMetrics().horizontalAdvance("Labels (99)") + 24)
        self.labels_menu = QMenu(self)
        self.labels_menu.aboutToShow.connect(self._show_checked_classes)
        self.labels_button.setMenu(self.labels_menu)

        self.split_box = QComboBox(toolTip="Show one split only (from ImageSets/Main)")
        for text, value in _SPLIT_CHOICES:
            self.split_box.addItem(text, value)
        self.split_box.currentIndexChanged.connect(self._choices_edited)
        self.review_box = QComboBox(toolTip="Show unlabeled or labeled images only, or one "
                                    "review status")
        for text, value in _REVIEW_CHOICES:
            self.review_box.addItem(text, value)
        self.review_box.currentIndexChanged.connect(self._choices_edited)
        self.model_box = QComboBox(toolTip="Show images by the current model's scores: "
                                   "with suggestions, all confident, or uncertain")
        self.model_box.addItems(list(_MODEL_CHOICES))
        # As narrow as the shorter choices: the name filter keeps its room at 1024 px.
        self.model_box.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.model_box.setMinimumContentsLength(10)
        self.model_box.currentIndexChanged.connect(self._choices_edited)
        self.problems_box = QCheckBox("Problems", toolTip="Show only images with loader problems")
        self.problems_box.toggled.connect(self._choices_edited)

        self.rows_caption = QLabel()
        self.rows_caption.setToolTip("The table shows a set of images chosen in another view")
        self.clear_rows_button = QToolButton(text="✕ Show all")
        self.clear_rows_button.setToolTip("Drop the chosen set of images from the filter")
        self.clear_rows_button.clicked.connect(self._clear_rows)
        self.clear_button = QToolButton(text="Clear filter", toolTip="Show every image")
        self.clear_button.clicked.connect(lambda: self._emit(TableFilter()))
        self.count_label = QLabel("No images")
        self.count_label.setToolTip("Images shown / images in the project")
        self.description = QLabel()
        self.description.setTextFormat(Qt.TextFormat.PlainText)
        # Long filters are clipped here (the tooltip has all of it), never squeeze the count.
        self.description.setSizePolicy(QSizePolicy.Policy.Ignored,
                                       QSizePolicy.Policy.Preferred)

        controls = QHBoxLayout()
        controls.setContentsMargins(0, 0, 0, 0)
        controls.addWidget(self.search, 3)
        for widget in (self.labels_button, self.split_box, self.review_box, self.model_box,
                       self.problems_box):
            controls.addWidget(widget)
        summary = QHBoxLayout()
        summary.setContentsMargins(0, 0, 0, 0)
        summary.addWidget(self.count_label)
        summary.addSpacing(10)
        summary.addWidget(self.rows_caption)
        summary.addWidget(self.clear_rows_button)
        summary.addWidget(self.description, 1)
        summary.addWidget(self.clear_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 0)
        layout.setSpacing(3)
        layout.addLayout(controls)
        layout.addLayout(summary)
        self._build_labels_menu()

    @property
    def filter(self) -> TableFilter:
        return self._filter

    def set_classes(self, classes: list[str]) -> None:
        """The classes the Labels menu offers."""
        self._classes = list(classes)
        self._build_labels_menu()

    def set_filter(self, table_filter: TableFilter) -> None:
        """Show ``table_filter`` in the widgets (does not emit ``filter_edited``)."""
        self._filter = table_filter
        self._sync_widgets()

    def set_counts(self, shown: int, total: int) -> None:
        self.count_label.setText(f"<b>{shown:,}</b> of {total:,} images")

    # --- widgets -> filter -------------------------------------------------------------
    def _emit(self, table_filter: TableFilter) -> None:
        self.set_filter(table_filter)
        self.filter_edited.emit(table_filter)

    def _text_edited(self) -> None:
        self._emit(replace(self._filter, text=self.search.text().strip()))

    def _choices_edited(self) -> None:
        choice = self.review_box.currentData()
        review = None if choice in _STATE_CHOICES else choice
        labeled = _STATE_CHOICES.get(choice)
        suggestions, min_uncertainty = _MODEL_CHOICES[self.model_box.currentText()]
        self._emit(replace(self._filter, split=self.split_box.currentData(),
                           review=review, labeled=labeled,
                           problems_only=self.problems_box.isChecked(),
                           suggestions=suggestions, min_uncertainty=min_uncertainty))

    def _clear_rows(self) -> None:
        self._emit(replace(self._filter, rows=None, rows_caption=""))

    def _class_toggled(self, name: str, checked: bool) -> None:
        classes = [c for c in self._filter.classes if c != name]
        if checked:
            classes.append(name)
        self._emit(replace(self._filter, classes=tuple(classes)))

    def _mode_chosen(self, mode: str) -> None:
        self._emit(replace(self._filter, class_mode=mode))

    # --- filter -> widgets -------------------------------------------------------------
    def _build_labels_menu(self) -> None:
        menu = self.labels_menu
        menu.clear()
        self._mode_actions: dict[str, QAction] = {}
        self._class_actions: dict[str, QAction] = {}
        modes = QActionGroup(menu)
        for mode, text in CLASS_MODES.items():
            action = QAction(text.capitalize(), menu, checkable=True)
            action.triggered.connect(lambda _=False, m=mode: self._mode_chosen(m))
            modes.addAction(action)
            menu.addAction(action)
            self._mode_actions[mode] = action
        menu.addSeparator()
        # The checked classes first, so every one of them can be unchecked here.
        listed = list(dict.fromkeys([c for c in self._filter.classes if c in self._classes]
                                    + self._classes[:MENU_CLASSES]))
        for name in listed:
            action = QAction(name, menu, checkable=True)
            action.toggled.connect(lambda checked, n=name: self._class_toggled(n, checked))
            menu.addAction(action)
            self._class_actions[name] = action
        if len(self._classes) > len(listed):
            more = len(self._classes) - len(listed)
            other = menu.addAction(f"Other label… ({more:,} more classes)")
            other.triggered.connect(self._choose_other_class)
        menu.addSeparator()
        clear = menu.addAction("Clear label filter")
        clear.triggered.connect(lambda: self._emit(replace(self._filter, classes=())))
        self._sync_widgets()

    def _show_checked_classes(self) -> None:
        # A class checked through "Other label…" has no action yet: list it now, while no
        # action of the menu is being toggled.
        if any(name not in self._class_actions for name in self._filter.classes):
            self._build_labels_menu()

    def _choose_other_class(self) -> None:
        name, ok = QInputDialog.getItem(self, "Filter by label", "Class (type to search):",
                                        self._classes, 0, True)
        if ok and name in self._classes and name not in self._filter.classes:
            self._class_toggled(name, True)

    def _sync_widgets(self) -> None:
        f = self._filter
        boxes = (self.split_box, self.review_box, self.model_box, self.problems_box)
        for widget in boxes:
            widget.blockSignals(True)
        if self.search.text().strip() != f.text:
            self.search.setText(f.text)
        self.split_box.setCurrentIndex(max(0, self.split_box.findData(f.split)))
        choice = f.review if f.labeled is None else ("labeled" if f.labeled else "unlabeled")
        self.review_box.setCurrentIndex(max(0, self.review_box.findData(choice)))
        self.problems_box.setChecked(f.problems_only)
        model = [text for text, value in _MODEL_CHOICES.items()
                 if value == (f.suggestions, f.min_uncertainty)]
        self.model_box.setCurrentText(model[0] if model else next(iter(_MODEL_CHOICES)))
        for widget in boxes:
            widget.blockSignals(False)
        n = len(f.classes)
        self.labels_button.setText(f"Labels ({n})" if n else "Labels")
        # Update the menu in place: rebuilding it would delete the action being toggled.
        for mode, action in self._mode_actions.items():
            action.setChecked(mode == f.class_mode)
        for name, action in self._class_actions.items():
            action.blockSignals(True)
            action.setChecked(name in f.classes)
            action.blockSignals(False)
        self.rows_caption.setText(f.rows_caption or "chosen images")
        self.rows_caption.setVisible(f.rows is not None)
        self.clear_rows_button.setVisible(f.rows is not None)
        others = f.describe(include_rows=False)
        self.description.setText(f"Filter: {others}" if others
                                 else "" if f.rows is not None else "No filter")
        self.description.setToolTip(f.describe() or "Every image is shown")
        self.clear_button.setEnabled(not f.is_empty())
