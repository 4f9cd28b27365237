"""The Review panel: from "this run's F1 is low" to the images and classes at fault.

Layout: run picker and export on top, the threshold bar, then the per-class table next
to tabs (confusion grid, PR curves, likely label errors, run comparison), and the gallery
of the images behind whatever was clicked. Loading a run, finding label issues, comparing
and exporting run off the GUI thread; threshold moves recompute everything at once.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from vocgui.core.evaluation.confusion import CELL_NAMES, ConfusionCounts
from vocgui.core.evaluation.report import summary_text
from vocgui.core.evaluation.review_runs import load_review, reviewable_runs, run_threshold
from vocgui.core.evaluation.run_review import RunReview
from vocgui.core.project import Project, RunEvent
from vocgui.core.project.commands import SaveThresholds
from vocgui.core.wording import plural
from vocgui.plots.review_report import write_report
from vocgui.qt.app_state import AppState
from vocgui.qt.background import BackgroundCall
from vocgui.qt.review.canvases import ConfusionCanvas, PrCurvesCanvas
from vocgui.qt.review.class_table import ClassTableModel, ClassTableView
from vocgui.qt.review.compare_view import CompareView
from vocgui.qt.review.controls import RunPicker, ThresholdBar
from vocgui.qt.review.gallery import Gallery
from vocgui.qt.review.issues_view import IssuesView
from vocgui.qt.review.review_session import ReviewSession


def _list_runs(path: str) -> pd.DataFrame:
    """Runs on a pool thread, on its own read-only Project (the live one belongs to the
    GUI thread): the reviewable runs, newest first."""
    with Project.open(path, read_only=True) as project:
        return reviewable_runs(project)


def _load(path: str, run_id: int) -> tuple[RunReview, dict[str, float] | None]:
    """Runs on a pool thread, on its own read-only Project: the review with its
    threshold-free parts computed, and the thresholds saved with the run."""
    with Project.open(path, read_only=True) as project:
        review = load_review(project, run_id)
        saved = project.saved_thresholds(run_id)
    review.curves()
    review.average_precisions()
    return review, saved


def default_run(runs: pd.DataFrame) -> int:
    """The run the tab opens on: the newest completed one (a stopped 1-epoch try says
    little), else the newest. ``runs`` is newest first."""
    completed = runs[runs["status"] == "completed"]
    return int((completed if len(completed) else runs)["id"].iloc[0])


def shown_run_caption(runs: pd.DataFrame, run_id: int) -> str:
    """"Run 3 (the newest completed run)", or the shown run's status when it is not."""
    run = runs.set_index("id").loc[run_id]
    if run["status"] == "completed":
        newer = runs[(runs["status"] == "completed") & (runs["id"] > run_id)]
        return f"Run {run_id}" + ("" if len(newer) else " (the newest completed run)")
    return f"Run {run_id} ({run['status']}, {plural(int(run['n_epochs']), 'epoch')})"


def _scrolled(widget: QWidget) -> QScrollArea:
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setWidget(widget)
    return area


class ReviewPanel(QWidget):
    """Post-mortem review of a training run's validation predictions."""

    def __init__(self, state: AppState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.session = ReviewSession(self)
        self.runs = pd.DataFrame()
        self.picker = RunPicker()
        self.export_button = QPushButton("Export report…")
        self.save_button = QPushButton("Save thresholds")
        self.save_button.setToolTip(
            "Keep these per-class thresholds with the run: its suggestions (tag editor, "
            "table, Label next) then use them instead of thresholds tuned out of sample. "
            "Edit > Undo takes it back.")
        #: The thresholds saved with the shown run (None: none saved).
        self.saved: dict[str, float] | None = None
        self.threshold_bar = ThresholdBar(self.session)
        self.summary = QLabel("Open a project with a trained run to review it.")
        self.summary.setWordWrap(True)  # the metrics line is long at 1024 px
        self.class_table = ClassTableView(ClassTableModel(self.session))
        self.confusion = ConfusionCanvas(self.session)
        self.curves = PrCurvesCanvas(self.session)
        self.issues = IssuesView(state, self.session)
        self.compare = CompareView(state)
        self.gallery = Gallery(state, self.session)
        #: Which run is shown and why ("Run 3, the newest completed run").
        self.shown_caption = ""
        self.tabs = QTabWidget()
        # The per-class table is a tab of its own: beside the grids it needed sideways
        # scrolling at 1280 px, and each view gets the pane's whole width this way.
        self.tabs.addTab(self.class_table, "Per class")
        self.tabs.addTab(_scrolled(self.confusion), "Confusion")
        self.tabs.addTab(_scrolled(self.curves), "PR curves")
        self.tabs.addTab(self.issues, "Likely label errors")
        self.tabs.addTab(self.compare, "Compare runs")
        self._layout()
        # The gallery's question, re-asked when thresholds move: (class index, cell|None).
        self._gallery_query: tuple[int, str | None] | None = None
        self.lister, self.loader, self.exporter = (BackgroundCall(self) for _ in range(3))
        self.lister.done.connect(self._runs_listed)
        self.loader.done.connect(self._run_loaded)
        self.exporter.done.connect(lambda paths: self.summary.setText(
            f"Wrote {len(paths)} files to {paths[0].parent}" if paths else "Nothing written"))
        for worker in (self.lister, self.loader, self.exporter):
            worker.failed.connect(self._failed)
        state.project_changed.connect(lambda _p: self.refresh())
        # New runs (and the predictions of a running one) appear as they are recorded.
        state.run_changed.connect(self._on_run_event)
        self.picker.run_chosen.connect(self.load_run)
        self.export_button.clicked.connect(self._ask_export)
        self.save_button.clicked.connect(self.save_thresholds)
        self.confusion.cell_clicked.connect(self.show_cell)
        self.class_table.class_activated.connect(lambda k: self.show_cell(k, None))
        self.issues.gallery_requested.connect(self.show_rows)
        self.session.review_changed.connect(self._review_changed)
        self.session.counts_changed.connect(self._counts_changed)
        self._review_changed()
        self.refresh()

    def _layout(self) -> None:
        top = QHBoxLayout()
        top.addWidget(self.picker, 1)
        top.addWidget(self.save_button)
        top.addWidget(self.export_button)
        whole = QSplitter(Qt.Orientation.Vertical)
        whole.addWidget(self.tabs)
        whole.addWidget(self.gallery)
        whole.setStretchFactor(0, 3)
        whole.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.threshold_bar)
        layout.addWidget(self.summary)
        layout.addWidget(whole, 1)

    # --- runs ---------------------------------------------------------------------------
    def refresh(self) -> None:
        """List the project's reviewable runs again (in the background)."""
        self.loader.forget()
        project = self.state.project
        if project is None:
            self.runs = pd.DataFrame()
            self.picker.set_runs(self.runs, None)
            self.compare.set_runs(self.runs)
            self.session.set_review(None, None)
            return
        path = project.location  # reopened read-only by the worker
        self.lister.start(lambda: _list_runs(path))

    def _on_run_event(self, event: RunEvent) -> None:
        if event.kind in ("run_predictions", "run_finished"):
            self.refresh()
        elif event.kind == "run_thresholds" and event.run_id == self.session.run_id \
                and self.state.project is not None:
            # Saved, undone or redone: a short read of one row on the GUI thread.
            self.saved = self.state.project.saved_thresholds(event.run_id)
            self._show_saved()

    def save_thresholds(self) -> None:
        """Save the thresholds now set with the shown run (one undoable edit)."""
        project, run_id = self.state.project, self.session.run_id
        if project is None or run_id is None or self.session.review is None:
            return
        self.state.push(SaveThresholds(project, run_id, self.session.threshold_map()))

    def _show_saved(self) -> None:
        """The save button says whether the thresholds now set are the saved ones."""
        review = self.session.review
        same = review is not None and self.saved == self.session.threshold_map()
        self.save_button.setEnabled(review is not None and not same)
        self.save_button.setText("Thresholds saved" if same else "Save thresholds")

    def load_run(self, run_id: int) -> None:
        """Review run ``run_id`` (loaded in the background)."""
        project = self.state.project
        if project is None:
            return
        self.summary.setText(f"Loading run {run_id}…")
        path = project.location  # reopened read-only by the worker
        self.loader.start(lambda: (run_id, _load(path, run_id)))

    def _runs_listed(self, runs: pd.DataFrame) -> None:
        self.runs = runs
        self.compare.set_runs(runs)
        current = self.session.run_id
        if runs.empty:
            self.picker.set_runs(runs, None)
            self.session.set_review(None, None)
            self.summary.setText("No run of this project has validation predictions yet: "
                                 "train one in the Training panel.")
            return
        keep = current is not None and current in set(runs["id"])
        chosen = current if keep else default_run(runs)
        self.picker.set_runs(runs, chosen)
        if not keep:
            self.load_run(chosen)

    def _run_loaded(self, result: tuple[int, tuple[RunReview, dict[str, float] | None]]
                    ) -> None:
        run_id, (review, self.saved) = result
        run = self.runs.set_index("id").loc[run_id]
        self.shown_caption = shown_run_caption(self.runs, run_id)
        self.picker.set_runs(self.runs, run_id)
        self.session.set_review(run_id, review, run_threshold(run), self.saved)

    def _failed(self, message: str) -> None:
        self.summary.setText(message)

    # --- the images behind a number -----------------------------------------------------
    def show_cell(self, class_index: int, cell: str | None) -> None:
        """Fill the gallery with one cell of a class's matrix ('tp', 'fp', 'fn', 'tn'),
        or with cell None: every image labelled or predicted as the class."""
        self._gallery_query = (class_index, cell)
        self._ask_gallery()

    def show_rows(self, rows: np.ndarray, caption: str) -> None:
        """Fill the gallery with ``rows`` as they are (not re-asked on threshold moves)."""
        self._gallery_query = None
        self.gallery.show_rows(rows, None, caption)

    def _ask_gallery(self) -> None:
        review = self.session.review
        if review is None or self._gallery_query is None:
            return
        k, cell = self._gallery_query
        name = review.classes[k]
        if cell is None:
            rows = review.class_rows(name, self.session.thresholds)
            caption = f"{name}: labelled or predicted"
        else:
            rows = review.cell_rows(name, cell, self.session.thresholds)
            caption = f"{name}: {CELL_NAMES[cell]}"
        if caption != self.gallery.caption_text() or not np.array_equal(
                rows, self.gallery.shown_rows()):
            self.gallery.show_rows(rows, k, caption)

    def _review_changed(self) -> None:
        self._gallery_query = None
        enabled = self.session.review is not None
        self.export_button.setEnabled(enabled)
        if not enabled:
            self.saved = None
        self._show_saved()

    def _counts_changed(self, counts: ConfusionCounts) -> None:
        review = self.session.review
        if review is None:
            return
        summary = review.summary(counts)
        n_supported = int((np.asarray(counts.support) > 0).sum())
        self.summary.setText(
            f"{self.shown_caption}: {plural(len(review.rows), 'validation image')}, "
            f"{plural(len(review.classes), 'class')} ({n_supported} with support, those of "
            f"the macro F1 and mAPs) · {summary_text(summary)} · click a confusion cell or "
            "a class to see its images")
        self._show_saved()
        self._ask_gallery()

    # --- export -------------------------------------------------------------------------
    def _ask_export(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Export the review report to")
        if folder:
            self.export_report(Path(folder))

    def export_report(self, out_dir: Path) -> None:
        """Write the report (figures and CSVs) into ``out_dir`` in the background."""
        review, project = self.session.review, self.state.project
        if review is None or project is None:
            return
        thresholds, order_by = self.session.thresholds.copy(), self.session.order_by
        filenames = list(project.images["filename"])
        self.summary.setText(f"Exporting the report to {out_dir}…")
        self.exporter.start(lambda: write_report(review, thresholds, out_dir, filenames,
                                                 order_by))
