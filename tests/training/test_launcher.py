"""The training child process through TrainingProcess: events, Stop, a killed child."""

from __future__ import annotations

import signal
import subprocess
import sys
import threading
import time

import pytest

from vocgui.training.config import Augment, defaults_for
from vocgui.training.launcher import TrainingProcess

pytestmark = pytest.mark.slow


def tiny(**changes):
    return defaults_for("small_cnn", **{"target_size": 48, "batch_size": 16, "epochs": 1,
                                        "augment": Augment.off(), "workers": 1, **changes})


def test_events_arrive_in_order_and_stdout_noise_stays_out(demo_snapshot, tmp_path):
    # pipeline "flow": flow_from_dataframe prints to stdout, which must not reach events
    with TrainingProcess(demo_snapshot, tiny(epochs=2, pipeline="flow"), tmp_path) as process:
        events = list(process.events(timeout=120))
    kinds = [e["type"] for e in events]
    assert kinds[0] == "log" and "started" in kinds
    assert kinds.count("epoch") == 2 and kinds[-2:] == ["predictions", "finished"]
    assert events[-1]["status"] == "completed"
    # Keras prints "Found N ... image filenames" on stdout; it must land in the log
    assert not any(e["type"] == "log" and e["message"].startswith("child:") for e in events)
    log = (tmp_path / "child.log").read_text()
    assert "image filenames" in log
    # and no NodeDef error line from TensorFlow's op determinism rewriting the flow map
    assert "use_unbounded_threadpool" not in log, log
    assert (tmp_path / "snapshot.csv").is_file() and (tmp_path / "model.keras").is_file()
    assert process.returncode == 0


def test_stop_from_another_thread_ends_the_run(demo_snapshot, tmp_path):
    process = TrainingProcess(demo_snapshot, tiny(epochs=200), tmp_path)
    try:
        for event in process.events(timeout=120):
            if event["type"] == "epoch":
                requested = time.monotonic()
                # as the GUI does: events read on one thread, Stop pressed on another
                threading.Thread(target=process.stop, kwargs={"timeout": 20}).start()
            if event["type"] == "finished":
                break
        assert event["status"] == "stopped", event
        assert time.monotonic() - requested < 20
    finally:
        process.close()
    assert process.returncode == 0


def test_killed_child_gives_a_failed_event(demo_snapshot, tmp_path):
    with TrainingProcess(demo_snapshot, tiny(epochs=200), tmp_path) as process:
        for event in process.events(timeout=120):
            if event["type"] == "started":
                process.kill()
            last = event
    assert last["type"] == "finished" and last["status"] == "failed"
    assert last["reason"] == "crashed" and "SIGKILL" in last["message"]
    assert process.poll(0.1) is None and process.ended


def test_launcher_and_cli_import_no_tensorflow():
    code = ("import sys, vocgui.training.launcher, vocgui.cli.train; "
            "heavy = [m for m in ('tensorflow', 'keras') if m in sys.modules]; "
            "assert not heavy, heavy")
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


def test_a_child_that_does_not_stop_in_time_is_terminated(demo_snapshot, tmp_path):
    # Asked to stop at once, the child is still importing TensorFlow (seconds) when the
    # 0.5 s grace ends, so the watchdog has to terminate it.
    with TrainingProcess(demo_snapshot, tiny(), tmp_path) as process:
        process.stop(timeout=0.5)
        events = list(process.events(timeout=60))
    assert events[-1]["type"] == "finished" and events[-1]["status"] == "stopped"
    assert "terminated" in events[-1]["message"]
    assert process.returncode == -signal.SIGTERM
