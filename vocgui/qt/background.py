"""Running one computation at a time off the GUI thread (review loading, the map, the
duplicates finder, exports).

:class:`BackgroundCall` runs a plain function on Qt's global thread pool and delivers its
result (or the error message) on the GUI thread. Starting a new call makes the result of
the one still running stale: it is dropped when it arrives, so a quick succession of
requests (picking runs) shows only the last one.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal, Slot

log = logging.getLogger(__name__)


class _Relay(QObject):
    """Carries a finished call back to the GUI thread (queued connection)."""

    finished = Signal(int, bool, object)


class _Task(QRunnable):
    def __init__(self, token: int, fn: Callable[[], Any], relay: _Relay) -> None:
        super().__init__()
        self.token, self.fn, self.relay = token, fn, relay

    def run(self) -> None:
        try:
            result = self.fn()
        except Exception as exc:  # noqa: BLE001 - any failure goes to the view as a message
            log.exception("background call failed")
            self._tell(False, f"{type(exc).__name__}: {exc}")
        else:
            self._tell(True, result)

    def _tell(self, ok: bool, payload: object) -> None:
        try:
            self.relay.finished.emit(self.token, ok, payload)
        except RuntimeError:
            # The app quit while this ran (e.g. a UMAP layout when the window closed):
            # Python's shutdown deleted the relay, and nobody is left to tell.
            log.debug("a background call ended after the app had quit")


class BackgroundCall(QObject):
    """``start(fn)`` runs ``fn()`` on a pool thread; ``done(result)`` or ``failed(message)``
    follows on the GUI thread for the newest call only."""

    done = Signal(object)
    failed = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._token = 0
        self._running = False
        # Parentless and kept by each task, so a call finishing after this object was
        # deleted emits into a relay whose connection died with us.
        self._relay = _Relay()
        self._relay.finished.connect(self._finished, Qt.ConnectionType.QueuedConnection)

    @property
    def running(self) -> bool:
        return self._running

    def start(self, fn: Callable[[], Any]) -> None:
        self._token += 1
        self._running = True
        QThreadPool.globalInstance().start(_Task(self._token, fn, self._relay))

    def forget(self) -> None:
        """Drop the result of the call still running (its question no longer matters)."""
        self._token += 1
        self._running = False

    @Slot(int, bool, object)
    def _finished(self, token: int, ok: bool, payload: object) -> None:
        if token != self._token:
            return
        self._running = False
        if ok:
            self.done.emit(payload)
        else:
            self.failed.emit(str(payload))
