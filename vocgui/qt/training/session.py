"""One training run driven from the GUI: started, recorded and followed on the GUI thread.

The run starts through :func:`vocgui.training.run_start.start_run`, as the CLI's does.
Events take one hop: the launcher's reader thread queues each one and emits a queued
signal; here, on the GUI thread, which owns the project, each is first recorded in the
project and then re-emitted as ``event_received``. Stopping asks the launcher off the
GUI thread (it may wait for the child before killing it), so the interface never blocks.
"""

from __future__ import annotations

import contextlib
import os
from typing import Any

from PySide6.QtCore import QObject, QThreadPool, Signal, Slot

from vocgui.core.project import Project
from vocgui.training import events as ev
from vocgui.training.config import TrainConfig
from vocgui.training.run_start import start_run

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
    """Records and starts one run of ``config`` on a frozen snapshot of ``project``'s labels
    (``job``: a child job name, "train" or "features" for a features-only pass).

    Construction starts the child; it raises ProjectError if the run cannot be recorded
    and :class:`~vocgui.training.run_start.RunStartError` (the run then recorded as
    failed) if the child cannot be spawned. Events are delivered from the event loop, so
    connect to the signals right after construction. Deletes itself (``deleteLater``)
    once the event stream has ended, shortly after the ``finished`` event.
    """

    #: Every event of the run, after it was recorded in the project (argument: dict).
    event_received = Signal(object)
    #: The run ended: (status 'completed'|'stopped'|'failed', message).
    finished = Signal(str, str)
    #: Events wait in the launcher's queue (emitted on its reader thread; queued here).
    _events_waiting = Signal()

    def __init__(self, project: Project, config: TrainConfig,
                 parent: QObject | None = None, job: str = "train") -> None:
        super().__init__(parent)
        self.project = project
        self.config = config
        self.status: str | None = None  # set when the finished event was handled
        self.message = ""
        self._stop_requested = False
        self._project_gone = False
        self._stream_ended = False
        self._events_waiting.connect(self._drain)
        self._run = start_run(project, config, job=job, notify=self._events_waiting.emit)
        self.run_id = self._run.run_id
        self.out_dir = self._run.out_dir
        self.process = self._run.process
        _lower_priority(self.process.pid)

    @property
    def running(self) -> bool:
        return self.status is None

    @property
    def pid(self) -> int:
        """The child process id."""
        return self.process.pid

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
        if self.status is None:
            self.process.stop(wait=True)
        self.process.close()  # also waits for the launcher's reader: every event is queued
        self._drain()

    @Slot()
    def _drain(self) -> None:
        while (event := self.process.poll(0)) is not None:
            self._handle(event)
        if self.process.ended and not self._stream_ended:
            self._stream_ended = True
            self.deleteLater()

    def _handle(self, event: dict[str, Any]) -> None:
        if self.status is not None:
            return  # a late duplicate after the end: the run is already finished
        try:
            if not self._project_gone:
                self._run.record(event)
        except Exception as exc:  # a broken predictions file must not lose the run's end
            self.event_received.emit(ev.log(f"Could not record a {event.get('type')} event "
                                            f"in the project: {exc}", level="warning"))
        if event.get("type") == "finished":
            self.status = str(event.get("status", "failed"))
            self.message = str(event.get("message", ""))
        self.event_received.emit(event)
        if self.status is not None:
            # close() waits for the child to exit (TensorFlow's teardown takes a while).
            QThreadPool.globalInstance().start(self.process.close)
            self.finished.emit(self.status, self.message)
