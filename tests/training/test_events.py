"""Event definitions and their JSON-lines transport."""

from __future__ import annotations

import io
import json
import threading

import numpy as np
import pytest

from vocgui.training import events
from vocgui.training.reporter import JsonLinesReporter


def test_constructors_validate():
    assert events.finished("stopped", "by user")["reason"] == "stopped"
    with pytest.raises(events.EventError, match="status"):
        events.finished("paused", "?")
    with pytest.raises(events.EventError, match="lacks"):
        events.validate({"type": "batch", "epoch": 1})
    with pytest.raises(events.EventError, match="unknown event type"):
        events.validate({"type": "party"})


def test_json_lines_reporter_writes_plain_json_without_nan():
    stream, stop = io.StringIO(), threading.Event()
    reporter = JsonLinesReporter(stream, stop)
    reporter.on_event(events.epoch(1, 2, {"loss": float("nan"), "ap": np.array([0.5, np.nan]),
                                          "n": np.int64(3)}, 1.0))
    line = json.loads(stream.getvalue())
    assert line["metrics"] == {"loss": None, "ap": [0.5, None], "n": 3}
    assert not reporter.should_stop()
    stop.set()
    assert reporter.should_stop()
