"""The Training panel: settings, Start/Stop, progress, live curves, per-class table, runs.

Training runs in a spawned child process (:mod:`vocgui.training.launcher`); this panel
only shows its events, which a :class:`~vocgui.qt.training.session.TrainingSession`
records in the project on the GUI thread. The GUI process never imports TensorFlow.

The main window must call :meth:`TrainingPanel.shutdown` from its ``closeEvent``; the
panel also hooks ``QApplication.aboutToQuit`` so that quitting any other way stops the
child process and records the run's end too.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from vocgui.core.project import Project, RunEvent
from vocgui.core.wording import plural
from vocgui.plots.training_curves import AVERAGES
from vocgui.qt.app_state import AppState
from vocgui.qt.training.class_table import ClassMetricsView
from vocgui.qt.training.config_form import TrainConfigForm
from vocgui.qt.training.curves_canvas import TrainingCurvesCanvas
from vocgui.qt.training.device_line import DeviceLine
from vocgui.qt.training.leak_gate import LeakGate
from vocgui.qt.training.progress import batch_progress, excluded_summary
from vocgui.qt.training.runs_view import RunsView
from vocgui.qt.training.session import TrainingSession
from vocgui.training.config import ConfigError, TrainConfig
from vocgui.training.run_start import RunStartError

#: Status line colour per run outcome.
#: Why Start is off in a read-only window (the tooltip of the disabled button).
READ_ONLY_TIP = ("Opened read-only: a run is recorded in the project, so training needs "
                 "the project opened for editing (File > Open).")
OUTCOME_COLORS = {"completed": "#1b7a3a", "stopped": "#a0620b", "failed": "#b3261e"}


#: The run message's place before any run: what to do, instead of an empty band.
IDLE_HINT = ("Choose the settings below, then Start training. Past runs and their curves "
             "are under Progress and runs.")


class TrainingPanel(QWidget):
    """Configure, start, watch and stop training runs of ``state.project``."""

    #: A run started (argument: run id).
    run_started = Signal(int)
    #: An event of the current run was recorded and shown (argument: the event dict).
    event_shown = Signal(object)
    #: The current run ended and the panel is ready again: (run id, status, message).
    run_finished = Signal(int, str, str)

    def __init__(self, state: AppState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.session: TrainingSession | None = None
        #: (file, reason) of the images the current run's check left out.
        self._excluded: list[tuple[str, str]] = []
        self.form = TrainConfigForm()
        self.start_button = QPushButton("Start training")
        self.stop_button = QPushButton("Stop")
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.progress.setTextVisible(True)
        self.status_line = StatusLine()
        self.device_line = DeviceLine()
        self.average = QComboBox()
        self.average.addItems(AVERAGES)
        self.curves = TrainingCurvesCanvas()
        self.class_table = ClassMetricsView()
        self.runs = RunsView()
        self.leak_gate = LeakGate(self)
        self.leak_gate.passed.connect(self._begin)
        self.leak_gate.declined.connect(self._not_started)
        self._build_layout()
        self.start_button.clicked.connect(self.start)
        self.stop_button.clicked.connect(self.stop)
        self.average.currentTextChanged.connect(self.curves.set_average)
        self.runs.run_selected.connect(self.show_run)
        self.form.backend.currentTextChanged.connect(self.device_line.show_backend)
        self.device_line.show_backend(self.form.backend.currentData())
        state.project_changed.connect(self._on_project_changed)
        state.run_changed.connect(self._on_run_event)
        app = QCoreApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.shutdown)
        self._on_project_changed(state.project)

    def _build_layout(self) -> None:
        settings = QScrollArea()
        settings.setWidget(self.form)
        settings.setWidgetResizable(True)
        settings.setFrameShape(QScrollArea.Shape.NoFrame)
        # The form wraps its groups to the width instead (TrainConfigForm._reflow).
        settings.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        controls = QHBoxLayout()
        controls.addWidget(self.start_button)
        controls.addWidget(self.stop_button)
        controls.addWidget(self.progress, 1)
        curves_bar = QHBoxLayout()
        curves_bar.addWidget(QLabel("F1 / precision / recall average:"))
        curves_bar.addWidget(self.average)
        curves_bar.addStretch(1)
        curves_box = QWidget()
        curves_layout = QVBoxLayout(curves_box)
        curves_layout.setContentsMargins(0, 0, 0, 0)
        curves_layout.addLayout(curves_bar)
        curves_layout.addWidget(self.curves, 1)
        lower = QSplitter(Qt.Orientation.Horizontal)
        lower.addWidget(self.class_table)
        lower.addWidget(self.runs)
        # Even halves: the runs list's five short columns then fit beside the class table
        # at 1024 px, and the message column takes what is left.
        lower.setStretchFactor(0, 1)
        lower.setStretchFactor(1, 1)
        progress = QSplitter(Qt.Orientation.Vertical)
        progress.addWidget(curves_box)
        progress.addWidget(lower)
        progress.setStretchFactor(0, 1)
        progress.setStretchFactor(1, 1)
        # Settings and progress take turns at the whole height: side by side, neither
        # fits a 720-pixel screen (the per-class table showed three rows).
        self.pages = QTabWidget()
        self.pages.setDocumentMode(True)
        self.pages.addTab(settings, "Settings")
        self.pages.addTab(progress, "Progress and runs")
        layout = QVBoxLayout(self)
        layout.addLayout(controls)
        layout.addWidget(self.status_line)
        layout.addWidget(self.device_line)
        layout.addWidget(self.pages, 1)

    # --- actions -----------------------------------------------------------------------
    def start(self) -> None:
        """Start a run of the form's config on a snapshot of the project's labels."""
        project = self.state.project
        if project is None or self.session is not None or self.leak_gate.running:
            return
        if project.read_only:
            self._show_status(READ_ONLY_TIP, "failed")
            return
        try:
            config = self.form.config()
        except ConfigError as exc:
            self._show_status(f"Cannot start: {exc}", "failed")
            return
        if self.leak_gate.check(project, config):  # near-copies across train and val?
            self.progress.setValue(0)
            self.progress.setFormat("Checking for validation images seen in training…")
            self._show_status("Before the run: looking for validation images with "
                              "near-copies in training (Stop cancels).")
            self._sync_buttons()
            return
        self._begin(config)

    def _begin(self, config: TrainConfig) -> None:
        """Start the run (after the leak check, if there was one)."""
        project = self.state.project
        if project is None or self.session is not None:
            return
        try:
            session = TrainingSession(project, config, self)
        except RunStartError as exc:  # recorded, as a failed run (its events list it)
            self.runs.select_run(exc.run_id)
            self._show_status(f"Run {exc.run_id} failed. {exc}", "failed")
            self._sync_buttons()
            return
        except Exception as exc:  # the project could not record the run (disk full...)
            self._show_status(f"Cannot start: could not create the run: {exc}", "failed")
            self._sync_buttons()
            return
        self.session = session
        self._excluded = []
        session.event_received.connect(self._on_event)
        session.finished.connect(self._on_finished)
        self.curves.reset()
        self.class_table.metrics.set_per_class(None)
        self.progress.setValue(0)
        self.progress.setFormat("Starting the training process…")
        self._show_status(f"Run {session.run_id}: starting {config.backbone} "
                          f"({plural(config.total_epochs, 'epoch')}, {config.target_size} px).")
        self._sync_buttons()
        self.runs.select_run(session.run_id)  # listed by its run_started event
        self.pages.setCurrentIndex(1)  # watch it
        self.run_started.emit(session.run_id)

    def _not_started(self, text: str) -> None:
        self.progress.setFormat("No run")
        self._show_status(text, "stopped")
        self._sync_buttons()

    def stop(self) -> None:
        """Ask the current run to stop; returns at once (the run ends a moment later).
        Before it starts, while its leak check runs: start nothing."""
        if self.leak_gate.running:
            self.leak_gate.cancel()
            self._not_started("Not started: stopped while checking for copies.")
            return
        if self.session is not None and self.session.running:
            self.session.stop()
            self.stop_button.setEnabled(False)
            self.progress.setFormat(self.progress.format() + " · stopping…")
            self._show_status(f"Run {self.session.run_id}: stopping…")

    def shutdown(self) -> None:
        """Stop any run and wait for the child to end, recording its end in the project.

        For the main window's ``closeEvent`` (also connected to ``aboutToQuit``); safe to
        call more than once.
        """
        # Every session still alive: the current one, and ended or abandoned ones whose
        # child process is still exiting (they delete themselves once it has).
        for session in self.findChildren(TrainingSession):
            session.shutdown()

    def show_run(self, run_id: int) -> None:
        """Show a recorded run's epoch curves and last per-class metrics (when idle)."""
        project = self.state.project
        if project is None or self.session is not None:
            return
        run = project.run(run_id)
        epochs = [(e["epoch"], e) for e in run["epochs"]]  # each: {"epoch", **metrics}
        self.curves.show_epochs(epochs)
        last = epochs[-1][1] if epochs else {}
        self.class_table.metrics.set_per_class(last.get("per_class"))
        self._show_status(f"Run {run_id}: {run.get('status')}. {run.get('message') or ''}",
                          run.get("status"))

    # --- events of the current run -----------------------------------------------------
    def _on_event(self, event: dict[str, Any]) -> None:
        kind = event.get("type")
        if kind == "scoring":  # the model scores every image once training is done
            self.progress.setValue(round(1000 * event["done"] / max(1, event["total"])))
            self.progress.setFormat(f"Scoring every image: batch {event['done']} of "
                                    f"{event['total']}")
        elif kind == "batch":
            fraction, text = batch_progress(event)
            self.progress.setValue(round(fraction * 1000))
            stopping = not self.stop_button.isEnabled()  # Stop was clicked: the batch ends
            self.progress.setFormat(text + (" · stopping…" if stopping else ""))
            self.curves.add_batch(event["epoch"], event["batch"], event["batches"],
                                  event["loss"])
        elif kind == "epoch":
            metrics = event.get("metrics") or {}
            self.curves.add_epoch(event["epoch"], metrics)
            self.class_table.metrics.set_per_class(metrics.get("per_class"))
        elif kind == "started":
            project = self.state.project
            left_out = project.n_unlabeled if project is not None else 0
            self._show_status(
                f"Run {self.session.run_id}: training on {plural(event['n_train'], 'image')}, "
                f"validating on {event['n_val']}, {plural(event['epochs'], 'epoch')} of "
                f"{plural(event['batches'], 'batch')} on {event.get('device', 'the CPU')}"
                + (f"; {plural(left_out, 'unlabeled image')} left out." if left_out else ".")
                + f"{excluded_summary(self._excluded)}")
            self.progress.setFormat("Preparing the first batch…")
            self.device_line.show_run_device(event.get("device", "unknown"))
        elif kind == "excluded":
            # An image the pre-check left out of training is left out of scoring too, and
            # reported again there: name each image once, with the first reason.
            file = str(event.get("file"))
            if all(known != file for known, _ in self._excluded):
                self._excluded.append((file, str(event.get("reason"))))
            self._show_status(f"Run {self.session.run_id}: "
                              f"{excluded_summary(self._excluded).strip()}")
        elif kind == "log":
            text = event.get("message") or f"Excluded {event.get('file')}: {event.get('reason')}"
            self._show_status(f"Run {self.session.run_id}: {text}")
        self.event_shown.emit(event)

    def _on_finished(self, status: str, message: str) -> None:
        session = self.session
        self.session = None
        self.progress.setFormat(f"Run {session.run_id} {status}")
        if status == "completed":
            self.progress.setValue(1000)
        self._show_status(f"Run {session.run_id} {status}. {message}"
                          f"{excluded_summary(self._excluded)}", status)
        self._sync_buttons()
        self.run_finished.emit(session.run_id, status, message)

    # --- project and widgets -----------------------------------------------------------
    def _on_project_changed(self, project: Project | None) -> None:
        if self.session is not None and project is self.session.project:
            return  # the same project again: the run goes on
        self.leak_gate.cancel()  # its question was about the previous project
        if self.session is not None:
            # The old project is closed already: stop its run, record nothing more.
            session, self.session = self.session, None
            session.event_received.disconnect(self._on_event)
            session.finished.disconnect(self._on_finished)
            session.abandon()
            self._show_status(f"Run {session.run_id} was stopped: its project was closed.",
                              "stopped")
        else:  # the previous project's message is not about this one
            self._show_status(IDLE_HINT if project is not None else "")
        self.runs.refresh(project)
        self.curves.reset()
        self.class_table.metrics.set_per_class(None)
        self.progress.setValue(0)
        self.progress.setFormat("No run" if project is not None else "No project open")
        self._sync_buttons()

    def _on_run_event(self, _event: RunEvent) -> None:
        # Any run of the project started, logged an epoch or ended: its row follows.
        self.runs.refresh(self.state.project)

    def _sync_buttons(self) -> None:
        running = self.session is not None or self.leak_gate.running
        project = self.state.project
        read_only = project is not None and project.read_only
        # A run is recorded in the project file, which a read-only window never writes.
        self.start_button.setEnabled(project is not None and not read_only and not running)
        self.start_button.setToolTip(READ_ONLY_TIP if read_only else "")
        self.stop_button.setEnabled(running)
        self.form.setEnabled(not running)

    def _show_status(self, text: str, outcome: str | None = None) -> None:
        self.status_line.show_text(text, OUTCOME_COLORS.get(outcome or "", ""))


class StatusLine(QPlainTextEdit):
    """The run's message: two lines high whatever it says (a long error scrolls inside
    instead of pushing the form down), selectable, in the outcome's colour."""

    LINES = 2

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setReadOnly(True)
        self.setFrameShape(QPlainTextEdit.Shape.NoFrame)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.viewport().setAutoFillBackground(False)
        margins = self.contentsMargins()
        height = (self.fontMetrics().lineSpacing() * self.LINES
                  + 2 * self.document().documentMargin() + margins.top() + margins.bottom())
        self.setFixedHeight(round(height))

    def show_text(self, text: str, color: str = "") -> None:
        self.setStyleSheet(f"QPlainTextEdit {{ color: {color}; background: transparent; }}"
                           if color else "QPlainTextEdit { background: transparent; }")
        self.setPlainText(text)
        self.setToolTip(text)

    def text(self) -> str:
        return self.toPlainText()
