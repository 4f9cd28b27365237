"""Compare two runs: per-class metric deltas side by side, and how many images were
relabelled after the older run."""

from __future__ import annotations

import numpy as np
import pandas as pd
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from vocgui.core.evaluation.compare import compare_runs, relabelled_rows, shared_rows
from vocgui.core.evaluation.report import UNDEFINED
from vocgui.core.evaluation.review_runs import load_review, run_caption, run_threshold
from vocgui.core.project import Project
from vocgui.core.wording import plural
from vocgui.qt.app_state import AppState
from vocgui.qt.background import BackgroundCall

#: (metric, header) columns shown; each as "A", "B", "Δ".
SHOWN = (("f1", "F1"), ("ap", "AP"), ("precision", "P"), ("recall", "R"))
BETTER, WORSE = QColor("#2e7d32"), QColor("#c62828")


def _compare(path: str, runs: pd.DataFrame, id_a: int, id_b: int
             ) -> tuple[pd.DataFrame, str, np.ndarray]:
    """Runs on a pool thread, on its own read-only Project (the live one belongs to the
    GUI thread; every committed edit is on disk): the comparison frame, a one-line note
    and the image ids of run A's validation images relabelled since."""
    run_a = runs.set_index("id").loc[id_a]
    run_b = runs.set_index("id").loc[id_b]
    with Project.open(path, read_only=True) as project:
        a, b = load_review(project, id_a), load_review(project, id_b)
        fixed = relabelled_rows(a, project.labels, project.classes)
    frame = compare_runs(a, b, run_threshold(run_a), run_threshold(run_b))
    note = (f"{gain_line(frame, id_a, id_b)}. Each run at its own threshold; "
            f"{plural(len(shared_rows(a, b)), 'image')} in both validation sets; "
            f"{len(fixed)} of run {id_a}'s validation images were relabelled since it ran.")
    return frame, note, fixed


def gain_line(frame: pd.DataFrame, id_a: int, id_b: int) -> str:
    """The headline of a comparison, from its ``(macro)`` row: "mAP 0.580 → 0.710 (+0.130),
    macro F1 0.200 → 0.350 (+0.150) from run 1 to run 2" (mAP: the mean of the classes' AP)."""
    macro = frame.loc["(macro)"]
    parts = []
    for metric, title in (("ap", "mAP"), ("f1", "macro F1")):
        a, b, delta = (macro[f"{metric}_{k}"] for k in ("a", "b", "delta"))
        parts.append(f"{title} {_text(a)} → {_text(b)} ({_text(delta, '{:+.3f}')})")
    return f"{', '.join(parts)} from run {id_a} to run {id_b}"


class CompareView(QWidget):
    """Pick runs A and B; shows B - A per class."""

    def __init__(self, state: AppState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.runs = pd.DataFrame()
        self.combo_a, self.combo_b = QComboBox(), QComboBox()
        self.compare_button = QPushButton("Compare")
        self.relabelled_button = QPushButton("Show relabelled images in the table")
        self.relabelled_button.setEnabled(False)
        self.relabelled = np.zeros(0, dtype=np.int64)
        self.note = QLabel("")
        self.note.setWordWrap(True)
        self.model = QStandardItemModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setEditTriggers(QTableView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents)
        top = QHBoxLayout()
        top.addWidget(QLabel("A:"))
        top.addWidget(self.combo_a, 1)
        top.addWidget(QLabel("B:"))
        top.addWidget(self.combo_b, 1)
        top.addWidget(self.compare_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        note_row = QHBoxLayout()
        note_row.addWidget(self.note, 1)
        note_row.addWidget(self.relabelled_button)
        layout.addLayout(note_row)
        layout.addWidget(self.table, 1)
        self.worker = BackgroundCall(self)
        self.worker.done.connect(self._show)
        self.worker.failed.connect(lambda m: self.note.setText(f"Cannot compare: {m}"))
        self.compare_button.clicked.connect(self.compare)
        self.relabelled_button.clicked.connect(self._show_relabelled)

    def set_runs(self, runs: pd.DataFrame) -> None:
        """Offer ``runs`` (newest first): B defaults to the newest, A to the one before."""
        self.runs = runs
        for combo in (self.combo_a, self.combo_b):
            combo.clear()
            for _, run in runs.iterrows():
                combo.addItem(run_caption(run), int(run["id"]))
        self.combo_b.setCurrentIndex(0 if len(runs) else -1)
        self.combo_a.setCurrentIndex(1 if len(runs) > 1 else -1)
        self.compare_button.setEnabled(len(runs) > 1)
        self.model.clear()
        self.relabelled_button.setEnabled(False)
        self.note.setText("" if len(runs) > 1 else "Comparing needs two runs with "
                          "validation predictions.")

    def compare(self) -> None:
        project = self.state.project
        id_a, id_b = self.combo_a.currentData(), self.combo_b.currentData()
        if project is None or id_a is None or id_b is None:
            return
        self.note.setText("Comparing…")
        runs = self.runs
        path = project.location  # reopened read-only by the worker
        self.worker.start(lambda: _compare(path, runs, int(id_a), int(id_b)))

    def _show(self, result: tuple[pd.DataFrame, str, np.ndarray]) -> None:
        frame, note, self.relabelled = result
        self.note.setText(note)
        self.relabelled_button.setEnabled(len(self.relabelled) > 0)
        self.model.clear()
        headers = ["Class", "Support A", "Support B"]
        for _, title in SHOWN:
            headers += [f"{title} A", f"{title} B", f"Δ {title}"]
        self.model.setHorizontalHeaderLabels(headers)
        for name, row in frame.iterrows():
            items = [QStandardItem(str(name)), _number(row["support_a"], "{:.0f}"),
                     _number(row["support_b"], "{:.0f}")]
            for metric, _ in SHOWN:
                items += [_number(row[f"{metric}_a"]), _number(row[f"{metric}_b"])]
                delta = _number(row[f"{metric}_delta"], "{:+.3f}")
                if np.isfinite(row[f"{metric}_delta"]) and abs(row[f"{metric}_delta"]) >= 5e-4:
                    delta.setForeground(BETTER if row[f"{metric}_delta"] > 0 else WORSE)
                items.append(delta)
            self.model.appendRow(items)


    def _show_relabelled(self) -> None:
        self.state.request_rows_filter(
            self.relabelled, f"relabelled since run {self.combo_a.currentData()}")


def _text(value: float, fmt: str = "{:.3f}") -> str:
    # Rounded first, and -0.0 made 0.0: a delta of -1e-17 reads "+0.000", not "-0.000".
    return UNDEFINED if not np.isfinite(value) else fmt.format(round(value, 3) + 0.0)


def _number(value: float, fmt: str = "{:.3f}") -> QStandardItem:
    item = QStandardItem(_text(value, fmt))
    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return item
