"""How a training run talks to the outside: a reporter receives events and says when to stop.

Imports no TensorFlow.
"""

from __future__ import annotations

import json
import math
import threading
from typing import IO, Any, Protocol, runtime_checkable


@runtime_checkable
class Reporter(Protocol):
    """Receives the run's events (see :mod:`vocgui.training.events`) and holds the stop flag."""

    def on_event(self, event: dict[str, Any]) -> None: ...

    def should_stop(self) -> bool: ...


class CollectingReporter:
    """Keeps every event in a list; stop is requested with :meth:`request_stop`.

    ``stop_after`` optionally requests the stop by itself once an event matches it
    (``stop_after(event) -> bool``), which lets a caller stop a run at a precise point.
    """

    def __init__(self, stop_after=None) -> None:
        self.events: list[dict[str, Any]] = []
        self._stop = threading.Event()
        self._stop_after = stop_after

    def on_event(self, event: dict[str, Any]) -> None:
        self.events.append(event)
        if self._stop_after is not None and self._stop_after(event):
            self._stop.set()

    def should_stop(self) -> bool:
        return self._stop.is_set()

    def request_stop(self) -> None:
        self._stop.set()

    def of_type(self, kind: str) -> list[dict[str, Any]]:
        return [e for e in self.events if e["type"] == kind]


class JsonLinesReporter:
    """Writes each event as one JSON line to ``stream`` (flushed); stop via a shared Event.

    Used in the child process, where ``stream`` is the event pipe to the parent.
    Thread-safe: Keras callbacks and the stdin reader thread may report concurrently.
    """

    def __init__(self, stream: IO[str], stop: threading.Event) -> None:
        self._stream = stream
        self._stop = stop
        self._lock = threading.Lock()

    def on_event(self, event: dict[str, Any]) -> None:
        line = json.dumps(_finite(event), allow_nan=False, default=_json_default)
        with self._lock:
            self._stream.write(line + "\n")
            self._stream.flush()

    def should_stop(self) -> bool:
        return self._stop.is_set()


def _finite(value: Any) -> Any:
    """``value`` with NaN and infinite floats replaced by None (JSON has no NaN)."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    return value


def _json_default(value: Any) -> Any:
    """numpy scalars and arrays as plain JSON; anything else as its string."""
    if hasattr(value, "tolist"):
        return _finite(value.tolist())
    return str(value)
