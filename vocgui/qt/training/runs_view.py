"""The list of a project's training runs, newest first, so the user finds every run."""

from __future__ import annotations

import pandas as pd
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget, QTableWidgetItem

from vocgui.core.project import Project

#: Status -> text colour in the list.
STATUS_COLORS = {"completed": "#1b7a3a", "stopped": "#a0620b", "failed": "#b3261e",
                 "running": "#1f5fa8"}
HEADERS = ("Run", "Started", "Backbone", "Epochs", "Status", "Message")


def _total_epochs(config: dict) -> int:
    """Epochs of both phases of a run's config (as TrainConfig.total_epochs)."""
    fine = config.get("fine_tune_epochs", 0) if config.get("fine_tune_blocks", 0) else 0
    return int(config.get("epochs", 0)) + int(fine)


class RunsView(QTableWidget):
    """One row per run of the project; selecting one emits ``run_selected(run_id)``."""

    run_selected = Signal(int)

    def __init__(self, parent=None) -> None:
        super().__init__(0, len(HEADERS), parent)
        self.setHorizontalHeaderLabels(HEADERS)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.verticalHeader().setVisible(False)
        self.verticalHeader().setDefaultSectionSize(20)
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        # The message takes the width that is left and is elided there (its tooltip has
        # all of it): sized to its contents, a long one pushed the list into sideways
        # scrolling.
        header.setSectionResizeMode(len(HEADERS) - 1, QHeaderView.ResizeMode.Stretch)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.itemSelectionChanged.connect(self._emit_selected)

    def refresh(self, project: Project | None) -> None:
        """Show ``project``'s runs (none when no project is open), keeping the selected
        run selected."""
        runs = project.runs() if project is not None else pd.DataFrame()
        selected = self.selectedItems()
        keep = selected[0].data(Qt.ItemDataRole.UserRole) if selected else None
        self.blockSignals(True)
        self.setRowCount(0)
        for _, run in runs.iloc[::-1].iterrows():
            config = run["config"]
            # Month-day and time: the year rarely helps and the column must stay narrow.
            cells = (run["id"], str(run["created"])[5:16].replace("T", " "),
                     config.get("backbone", ""), f"{run['n_epochs']}/{_total_epochs(config)}",
                     run["status"], run["message"] or "")
            row = self.rowCount()
            self.insertRow(row)
            for column, value in enumerate(cells):
                item = QTableWidgetItem(str(value))
                item.setData(Qt.ItemDataRole.UserRole, int(run["id"]))
                item.setToolTip(str(value))
                if column == 4:
                    item.setForeground(QColor(STATUS_COLORS.get(str(value), "#000000")))
                self.setItem(row, column, item)
        self.blockSignals(False)
        if keep is not None:
            self.select_run(keep)

    def select_run(self, run_id: int) -> None:
        """Select the row of ``run_id`` (without emitting ``run_selected``)."""
        self.blockSignals(True)
        for row in range(self.rowCount()):
            if self.item(row, 0).data(Qt.ItemDataRole.UserRole) == run_id:
                self.selectRow(row)
        self.blockSignals(False)

    def _emit_selected(self) -> None:
        items = self.selectedItems()
        if items:
            self.run_selected.emit(int(items[0].data(Qt.ItemDataRole.UserRole)))
