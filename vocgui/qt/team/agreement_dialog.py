"""The agreement table: two annotators' per-class counts and Cohen's kappa on the sample,
and the images they disagree on, each opening in the viewer and settled in one undoable
edit (their labels, A's, B's or both together, become the image's own)."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from vocgui.core.evaluation.agreement import AgreementReport, agreement_report, kappa_text
from vocgui.core.project.agreement_commands import SettleAgreement
from vocgui.qt.app_state import AppState

_CLASS_HEADERS = ("Class", "Both yes", "Only A", "Only B", "Both no", "Kappa")
_IMAGE_HEADERS = ("Image", "Only A", "Only B", "State")


def _table(headers: tuple[str, ...]) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(list(headers))
    table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
    table.verticalHeader().hide()
    table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 8)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
    return table


def _cell(text: str, number: bool = False) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    if number:
        item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return item


class AgreementDialog(QDialog):
    """Non-modal: the viewer stays usable next to it while disagreements are settled."""

    def __init__(self, state: AppState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.report: AgreementReport | None = None
        self._refresh_due = False
        self.setWindowTitle("Agreement")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.a, self.b = QComboBox(), QComboBox()
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.classes = _table(_CLASS_HEADERS)
        self.images = _table(_IMAGE_HEADERS)
        self.images.itemSelectionChanged.connect(self._open_current)
        self.settle_buttons = []
        buttons = QHBoxLayout()
        buttons.addWidget(QLabel("Settle the selected image as:"))
        for text, how in (("A's labels", "a"), ("B's labels", "b"),
                          ("Both (union)", "union"), ("Its labels now", "now")):
            button = QPushButton(text)
            button.clicked.connect(lambda _=False, h=how: self.settle(h))
            buttons.addWidget(button)
            self.settle_buttons.append(button)
        buttons.addStretch(1)
        close = QPushButton("Close")
        close.clicked.connect(self.close)
        buttons.addWidget(close)

        pick = QHBoxLayout()
        pick.addWidget(QLabel("Annotator A:"))
        pick.addWidget(self.a)
        pick.addWidget(QLabel("B:"))
        pick.addWidget(self.b)
        pick.addWidget(self.summary, 1)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.classes)
        lower = QWidget()
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 0, 0, 0)
        lower_layout.addWidget(QLabel("Images they disagree on (select one to see it in "
                                      "the viewer):"))
        lower_layout.addWidget(self.images, 1)
        lower_layout.addLayout(buttons)
        split.addWidget(lower)
        layout = QVBoxLayout(self)
        layout.addLayout(pick)
        layout.addWidget(split, 1)
        self.resize(760, 560)

        annotators = state.project.agreement_labels().annotators()
        for combo, default in ((self.a, 0), (self.b, 1)):
            combo.addItems(annotators)
            combo.setCurrentIndex(min(default, len(annotators) - 1))
            combo.currentIndexChanged.connect(self.refresh)
        self.state.changed.connect(self._project_changed)
        self.refresh()

    def _project_changed(self, _event) -> None:
        # Later, once: a settle (or its undo) is several events in one transaction, and
        # its settled mark is written after the labels' event.
        if self.isVisible() and not self._refresh_due:
            self._refresh_due = True
            QTimer.singleShot(0, self.refresh)

    def refresh(self) -> None:
        """Recompute the report for the chosen pair and fill both tables."""
        self._refresh_due = False
        project = self.state.project
        try:
            self.report = agreement_report(project.agreement_labels(),
                                           self.a.currentText() or None,
                                           self.b.currentText() or None)
        except ValueError as exc:
            self.report = None
            self.summary.setText(str(exc))
            self.classes.setRowCount(0)
            self.images.setRowCount(0)
            self._enable_settling()
            return
        r = self.report
        for table, column in ((self.classes, 2), (self.images, 1)):
            table.setHorizontalHeaderItem(column, QTableWidgetItem(f"Only {r.a}"))
            table.setHorizontalHeaderItem(column + 1, QTableWidgetItem(f"Only {r.b}"))
        self.settle_buttons[0].setText(f"{r.a}'s labels")
        self.settle_buttons[1].setText(f"{r.b}'s labels")
        open_ = sum(not d.settled for d in r.disagreements)
        self.summary.setText(f"{r.n_images} sample images labeled by both · overall kappa "
                             f"{kappa_text(r.overall.kappa)} · {len(r.disagreements)} "
                             f"disagree, {open_} not settled")
        self.classes.setRowCount(len(r.per_class) + 1)
        bold = QFont()
        bold.setBold(True)
        for i, c in enumerate((*r.per_class, r.overall)):
            values = (c.name, str(c.both_yes), str(c.only_a), str(c.only_b), str(c.both_no),
                      kappa_text(c.kappa))
            for j, text in enumerate(values):
                item = _cell(text, number=j > 0)
                if c is r.overall:
                    item.setFont(bold)
                self.classes.setItem(i, j, item)
        names = project.images["filename"].to_numpy(dtype=object)
        selected = self.selected_row()
        self.images.blockSignals(True)
        self.images.setRowCount(len(r.disagreements))
        for i, d in enumerate(r.disagreements):
            values = (names[d.row], ", ".join(d.only_a) or "–", ", ".join(d.only_b) or "–",
                      "settled" if d.settled else "open")
            for j, text in enumerate(values):
                self.images.setItem(i, j, _cell(text))
            if d.row == selected:
                self.images.selectRow(i)
        self.images.blockSignals(False)
        self._enable_settling()

    def selected_row(self) -> int | None:
        """The image id of the selected disagreement, or None."""
        index = self.images.currentRow()
        if self.report is None or not 0 <= index < len(self.report.disagreements) \
                or not self.images.selectedItems():
            return None
        return self.report.disagreements[index].row

    def _enable_settling(self) -> None:
        can = self.selected_row() is not None and not self.state.project.read_only
        for button in self.settle_buttons:
            button.setEnabled(can)

    def _open_current(self) -> None:
        row = self.selected_row()
        if row is not None:
            self.state.request_selection([row])
            self.state.set_current_row(row)
        self._enable_settling()

    def settle(self, how: str) -> bool:
        """Make the selected image's final labels A's, B's, their union or its labels as
        they are now; one undoable edit. False when nothing is selected or it failed."""
        row = self.selected_row()
        if row is None or self.report is None:
            return False
        project = self.state.project
        labels = project.agreement_labels()
        a = self._labels_of(labels, self.report.a, row)
        b = self._labels_of(labels, self.report.b, row)
        chosen = {"a": a, "b": b, "union": a | b,
                  "now": set(project.labels_of(row))}[how]
        done = self.state.push(SettleAgreement(project, row, sorted(chosen)))
        self.refresh()
        return done

    @staticmethod
    def _labels_of(labels, who: str, row: int) -> set[str]:
        rows, matrix = labels.by_user[who]
        i = int((rows == row).nonzero()[0][0])
        return {n for n, present in zip(labels.classes, matrix[i], strict=True) if present}
