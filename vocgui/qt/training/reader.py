"""The reader thread: reads a training process's events off its pipe, for the GUI thread.

Reading blocks until the child writes, so it happens on this ``QThread``. Each event is
put on a thread-safe queue and ``events_ready`` is emitted; the GUI thread drains the
queue (:meth:`EventReader.take`) in the connected slot. The queue, rather than one
signal argument per event, lets :meth:`TrainingSession.shutdown` drain what is left
synchronously after the thread ended, when no queued signal will be delivered any more.

The reader never touches the project: recording happens on the GUI thread.
"""

from __future__ import annotations

import queue
from typing import Any

from PySide6.QtCore import QObject, QThread, Signal

from vocgui.training import events as ev
from vocgui.training.launcher import TrainingProcess


class EventReader(QThread):
    """Iterates ``process``'s events on its own thread; ends after the ``finished`` one."""

    #: New events wait in the queue (emitted from the reader thread; delivered queued).
    events_ready = Signal()

    def __init__(self, process: TrainingProcess, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._process = process
        self._queue: queue.SimpleQueue[dict[str, Any]] = queue.SimpleQueue()

    def run(self) -> None:
        saw_finished = False
        try:
            for event in self._process.events():
                saw_finished = saw_finished or event.get("type") == "finished"
                self._queue.put(event)
                self.events_ready.emit()
        except Exception as exc:  # the pipe broke, a line was not JSON...: end the run
            if not saw_finished:
                self._queue.put(ev.finished(
                    "failed", f"Lost the connection to the training process: {exc}",
                    reason="crashed"))
                saw_finished = True
        if not saw_finished:
            # The launcher promises a finished event; never leave the panel waiting forever.
            self._queue.put(ev.finished(
                "failed", "The training process ended without reporting how.",
                reason="crashed"))
        self.events_ready.emit()

    def take(self) -> list[dict[str, Any]]:
        """Every event waiting in the queue, oldest first (call from the GUI thread)."""
        taken = []
        while True:
            try:
                taken.append(self._queue.get_nowait())
            except queue.Empty:
                return taken
