"""GUI event-loop lag while a ResNet50 run trains in the child process, and Stop latency.

    python benchmarks/bench_gui_lag_training.py [--backbone resnet50] [--seconds 240]

ResNet50's first batch comes 2-3 minutes after Start on a busy 2-core machine (TensorFlow
import, model build, graph tracing, all at the training process's lower priority), hence
the long default window; ``--backbone mobilenetv3 --seconds 90`` is a shorter check.

An offscreen window holds the real Training panel on a project made from the generated
demo dataset (120 images). A 5 ms ``QTimer`` measures how late the event loop serves it
(lag = gap between two timeouts minus 5 ms):

* (a) idle: the same window, no run (the baseline, measured in the same run);
* (b) training: a run of ``--backbone`` (ResNet50, ``weights=none``, 64 px, batch 16 by
  default) started from the panel, watched until ``--batches`` batches were trained or
  ``--seconds`` passed; then Stop is clicked and the time until the run has ended
  (recorded in the project) is measured. The lag is taken from the run's ``started``
  event to the Stop click; the first second after the Start click is shown apart (it
  writes the run into the project and spawns the child);
* (c) Stop latency on the small CNN: Stop clicked mid-epoch, time until the run ended.

Prints p50/p99/max lag for (a) and (b), both Stop times, and last the ratio of the
training p99 lag to the idle p99 lag. Targets (issue 5): p99 under 16 ms, max under
50 ms while training; Stop within a couple of seconds on the small CNN.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from PySide6.QtCore import QEventLoop, Qt, QTimer
from PySide6.QtWidgets import QApplication, QMainWindow

from vocgui.core.demo import write_demo
from vocgui.core.project import Project
from vocgui.qt.app_state import AppState
from vocgui.qt.training import TrainingPanel
from vocgui.training.config import defaults_for

TICK_MS = 5


class LagProbe:
    """Records how late each tick of a 5 ms precise timer fires, with the tick's time."""

    def __init__(self) -> None:
        self.timer = QTimer()
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.setInterval(TICK_MS)
        self.timer.timeout.connect(self._tick)
        self.ticks: list[tuple[float, float]] = []  # (time, lag ms)
        self._last = 0.0

    def start(self) -> None:
        self.ticks = []
        self._last = time.perf_counter()
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()

    def lags(self, since: float = 0.0, until: float = float("inf")) -> np.ndarray:
        """Lags (ms) of the ticks that fired between ``since`` and ``until``."""
        return np.asarray([lag for at, lag in self.ticks if since <= at <= until])

    def _tick(self) -> None:
        now = time.perf_counter()
        self.ticks.append((now, max(0.0, (now - self._last) * 1000.0 - TICK_MS)))
        self._last = now


def spin(seconds: float, until=lambda: False) -> None:
    """Run the event loop for ``seconds`` or until ``until()`` is true."""
    end = time.perf_counter() + seconds
    while time.perf_counter() < end and not until():
        QApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)


def summary(lags: np.ndarray) -> str:
    if not len(lags):
        return "no ticks"
    return (f"p50 {np.percentile(lags, 50):6.2f} ms  p99 {np.percentile(lags, 99):6.2f} ms  "
            f"max {lags.max():7.2f} ms  ({len(lags)} ticks)")


def time_renders(panel: TrainingPanel) -> list[float]:
    """Record how long each render of the curves takes (ms, in the render thread)."""
    durations: list[float] = []
    render = panel.curves.renderer.render

    def timed_render(*args):
        began = time.perf_counter()
        image = render(*args)
        durations.append((time.perf_counter() - began) * 1000.0)
        return image

    panel.curves.renderer.render = timed_render
    return durations


class Run:
    """One run started from the panel, with the times of its milestones."""

    def __init__(self, panel: TrainingPanel, config) -> None:
        self.panel, self.config = panel, config
        self.ended: list[tuple] = []
        self.batches = 0
        self.started_at = self.first_batch_at = self.stop_clicked_at = self.ended_at = None
        panel.event_shown.connect(self._on_event)
        panel.run_finished.connect(self._on_finished)

    def _on_event(self, event: dict) -> None:
        now = time.perf_counter()
        if event["type"] == "started":
            self.started_at = now
        elif event["type"] == "batch":
            self.batches += 1
            self.first_batch_at = self.first_batch_at or now

    def _on_finished(self, *args) -> None:
        self.ended.append(args)
        self.ended_at = time.perf_counter()

    def start(self) -> float:
        self.panel.form.set_config(self.config)
        clicked = time.perf_counter()
        self.panel.start_button.click()
        return clicked

    def stop(self) -> float:
        """Click Stop and wait for the run's end; seconds from the click to the end."""
        if not self.ended:
            self.stop_clicked_at = time.perf_counter()
            self.panel.stop_button.click()
            spin(120, until=lambda: bool(self.ended))
        self.panel.event_shown.disconnect(self._on_event)
        self.panel.run_finished.disconnect(self._on_finished)
        if self.stop_clicked_at is None or self.ended_at is None:
            return float("nan")
        return self.ended_at - self.stop_clicked_at

    @property
    def status(self) -> str:
        return self.ended[0][1] if self.ended else "never ended"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backbone", default="resnet50",
                        choices=("resnet50", "mobilenetv3", "efficientnetb0"))
    parser.add_argument("--seconds", type=float, default=240.0,
                        help="at most this long to watch the training run before Stop")
    parser.add_argument("--batches", type=int, default=5,
                        help="click Stop once this many batches were trained")
    parser.add_argument("--idle-seconds", type=float, default=10.0,
                        help="length of the idle baseline (half before, half after)")
    parser.add_argument("--size", type=int, default=64)
    args = parser.parse_args()

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    app = QApplication.instance() or QApplication(sys.argv)  # noqa: F841 (kept alive)
    work = Path(tempfile.mkdtemp(prefix="vocgui-bench-lag-"))
    project = Project.create_from_voc(work / "demo.vocgui",
                                      write_demo(work / "demo", n_images=120, seed=0))
    state = AppState()
    state.set_project(project)
    window = QMainWindow()
    panel = TrainingPanel(state)
    window.setCentralWidget(panel)
    window.resize(1280, 900)
    window.show()
    spin(1.0)
    probe = LagProbe()
    renders_ms = time_renders(panel)

    # The idle baseline is taken in two halves, before and after the runs, so that a
    # burst of load from elsewhere on the machine weighs less on it.
    probe.start()
    spin(args.idle_seconds / 2)
    idle_before = probe.lags()

    heavy = Run(panel, defaults_for(args.backbone, weights="none", target_size=args.size,
                                    batch_size=16, epochs=50))
    clicked = heavy.start()
    spin(args.seconds, until=lambda: bool(heavy.ended) or heavy.batches >= args.batches)
    heavy_stop_s = heavy.stop()
    probe.stop()
    start_stall = probe.lags(clicked, clicked + 1.0)
    training = probe.lags(heavy.started_at or clicked + 1.0, heavy.stop_clicked_at or clicked)

    small = Run(panel, defaults_for("small_cnn", target_size=64, batch_size=8, epochs=50))
    small.start()
    spin(120, until=lambda: bool(small.ended) or small.batches >= 25)
    small_stop_s = small.stop()
    spin(3.0)  # let the stopped child exit before the second idle half
    probe.start()
    spin(args.idle_seconds / 2)
    probe.stop()
    idle = np.concatenate([idle_before, probe.lags()])

    panel.shutdown()
    project.close()
    window.close()
    print(f"backbone: {args.backbone} (weights none, {args.size} px, batch 16); "
          f"{heavy.batches} batches trained in the {args.seconds:.0f} s window"
          + (f", first batch {heavy.first_batch_at - clicked:.0f} s after Start"
             if heavy.first_batch_at else ""))
    print(f"idle       lag: {summary(idle)}")
    print(f"Start click   : {summary(start_stall)} (first second after the click)")
    print(f"training   lag: {summary(training)} (from the started event to Stop)")
    if renders_ms:
        print(f"curve renders (render thread): {len(renders_ms)}, "
              f"median {np.median(renders_ms):.0f} ms, max {max(renders_ms):.0f} ms")
    print(f"stop -> run ended, {args.backbone}: {heavy_stop_s:.2f} s ({heavy.status})")
    print(f"stop -> run ended, small_cnn mid-epoch: {small_stop_s:.2f} s ({small.status})")
    ratio = np.percentile(training, 99) / max(np.percentile(idle, 99), 1e-3)
    print(f"ratio p99 lag training/idle: {ratio:.2f} "
          f"(training p99 {np.percentile(training, 99):.2f} ms, max {training.max():.2f} ms)")


if __name__ == "__main__":
    main()
