"""One training run driven from the GUI: the child process, its reader thread, the recording.

Lives on the GUI thread, which owns the project: every event the reader thread delivers
is first recorded in the project (:class:`~vocgui.core.project.run_recorder.RunRecorder`)
and then re-emitted as ``event_received``. Stopping asks the launcher off the GUI thread
(it may wait for the child before killing it), so the interface never blocks.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QThreadPool, Signal

from vocgui.core.project import Project
from vocgui.core.project.run_recorder import RunRecorder
from vocgui.core.project.runs import run_folder
from vocgui.qt.training.reader import EventReader
from vocgui.training import events as ev
from vocgui.training.config import TrainConfig
from vocgui.training.launcher import TrainingProcess

#: How long :meth:`TrainingSession.shutdown` waits for the reader after the child ended
#: (the launcher then has delivered its last event already; this only bounds the wait).
SHUTDOWN_READER_WAIT_MS = 5000


#: How much nicer (lower priority) than the GUI the training process runs (Linux: 0-19).
CHILD_NICENESS = 10


def _lower_priority(pid: int) -> None:
    """Give the child a lower CPU priority than the GUI, so that on a busy machine the
    event loop is served first when it wakes up (training only loses idle GUI time).

    Done right after the spawn, before TensorFlow starts its thread pools: Linux threads
    inherit the nice value of the thread that creates them.
    """
    if hasattr(os, "setpriority"):
        with contextlib.suppress(OSError):  # not permitted: train at normal priority
            own = os.getpriority(os.PRIO_PROCESS, 0)
            os.setpriority(os.PRIO_PROCESS, pid, min(own + CHILD_NICENESS, 19))


class TrainingSession(QObject):
    """Starts one run of ``config`` on a frozen snapshot of ``project``'s labels.

    Deletes itself (``deleteLater``) once its reader thread has returned, which happens
    shortly after the ``finished`` event, when the child process has exited.
    """

    #: Every event of the run, after it was recorded in the project (argument: dict).
    event_received = Signal(object)
    #: The run ended: (status 'completed'|'stopped'|'failed', message).
    finished = Signal(str, str)

    def __init__(self, project: Project, config: TrainConfig,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.project = project
        self.config = config
        # Frozen first: the annotator keeps editing while the run trains on this copy.
        self._snapshot = project.snapshot()
        self.run_id = project.create_run(config.to_dict(), self._snapshot)
        self.out_dir = run_folder(Path(project.path), self.run_id)
        self._recorder = RunRecorder(project, self.run_id)
        self.process: TrainingProcess | None = None
        self._reader: EventReader | None = None
        self.status: str | None = None  # set when the finished event was handled
        self.message = ""
        self._stop_requested = False
        self._project_gone = False

    @property
    def running(self) -> bool:
        return self.process is not None and self.status is None

    @property
    def pid(self) -> int | None:
        """The child process id while it runs (None before start)."""
        return None if self.process is None else self.process.pid

    def start(self) -> None:
        """Spawn the child and its reader; a failure to spawn ends the run as failed."""
        try:
            self.out_dir.mkdir(parents=True, exist_ok=True)
            self.process = TrainingProcess(self._snapshot, self.config, self.out_dir)
            _lower_priority(self.process.pid)
        except Exception as exc:  # no python, no disk space...: the run fails, the app stays
            self._handle(ev.finished(
                "failed", f"Could not start the training process: {exc}", reason="error"))
            return
        self._reader = EventReader(self.process, self)
        self._reader.events_ready.connect(self._drain)
        # The session (and its QThread) may only go once the reader has returned.
        self._reader.finished.connect(self.deleteLater)
        self._reader.start()

    def stop(self) -> None:
        """Ask the run to stop, without blocking: the launcher waits, then kills."""
        if not self.running or self._stop_requested:
            return
        self._stop_requested = True
        # stop() only writes to the child's stdin and starts a watchdog, but a full pipe
        # would block that write: keep it off the GUI thread all the same.
        QThreadPool.globalInstance().start(self.process.stop)

    def abandon(self) -> None:
        """The project was closed under the run: stop the child and record nothing more."""
        self._project_gone = True
        self.stop()

    def shutdown(self) -> None:
        """Stop the run and wait until the child ended (closing the app), recording its end.

        Blocks for as long as the launcher's stop takes (the child stops after its current
        batch; it is terminated if it does not within the launcher's timeout).
        """
        if self.process is None:
            return
        if self.status is None:
            self.process.stop(wait=True)
        if self._reader is not None:
            self._reader.wait(SHUTDOWN_READER_WAIT_MS)
            self._drain()
        self.process.close()

    def _drain(self) -> None:
        if self._reader is None:
            return
        for event in self._reader.take():
            self._handle(event)

    def _handle(self, event: dict[str, Any]) -> None:
        if self.status is not None:
            return  # a late duplicate after the end: the run is already finished
        try:
            if not self._project_gone:
                self._recorder.handle(event)
        except Exception as exc:  # a broken predictions file must not lose the run's end
            self.event_received.emit(ev.log(f"Could not record a {event.get('type')} event "
                                            f"in the project: {exc}", level="warning"))
        if event.get("type") == "finished":
            self.status = str(event.get("status", "failed"))
            self.message = str(event.get("message", ""))
        self.event_received.emit(event)
        if self.status is not None:
            if self.process is not None:
                # close() waits for the child to exit (TensorFlow's teardown takes a while).
                QThreadPool.globalInstance().start(self.process.close)
            self.finished.emit(self.status, self.message)
