"""Event-loop lag of the main window while it opens the 17,125 VOC2012 XMLs off-thread.

Run: python benchmarks/bench_load_lag.py
A 5 ms precise QTimer runs on the GUI thread; each tick's lateness is the lag. Measured
while the real MainWindow opens the extracted VOC2012 folder (parsing, project creation,
then showing the 17k rows), and, as the baseline in the same run, for as long again with
the window idle. Target: no stall over 100 ms. The last line is the ratio of the p99 lags
(loading / idle).
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np  # noqa: E402
from PySide6.QtCore import QEventLoop, QSettings, Qt, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402
from shared_data import TARBALL, extract_voc2012

from vocgui.qt.app_state import AppState  # noqa: E402
from vocgui.qt.main_window import MainWindow  # noqa: E402
from vocgui.qt.settings import Settings  # noqa: E402

TICK_MS = 5


class LagProbe:
    """Records how late each tick of a TICK_MS timer fires."""

    def __init__(self) -> None:
        self.timer = QTimer(interval=TICK_MS, timerType=Qt.TimerType.PreciseTimer)
        self.timer.timeout.connect(self._tick)
        self.lags_ms: list[float] = []
        self._last = 0.0

    def start(self) -> None:
        self.lags_ms.clear()
        self._last = time.perf_counter()
        self.timer.start()

    def stop(self) -> np.ndarray:
        self.timer.stop()
        return np.array(self.lags_ms)

    def _tick(self) -> None:
        now = time.perf_counter()
        self.lags_ms.append(max(0.0, (now - self._last) * 1000 - TICK_MS))
        self._last = now


def describe(name: str, lags: np.ndarray) -> str:
    return (f"{name:<28} ticks {len(lags):6,}  p50 {np.percentile(lags, 50):6.1f} ms  "
            f"p99 {np.percentile(lags, 99):6.1f} ms  max {lags.max():6.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tarball", type=Path, default=TARBALL)
    args = parser.parse_args()
    app = QApplication([])
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        os.environ["VOCGUI_DATA_DIR"] = str(tmp / "data")
        root = extract_voc2012(tmp, args.tarball)
        settings = Settings(QSettings(str(tmp / "settings.ini"), QSettings.Format.IniFormat))
        window = MainWindow(AppState(), settings)
        window.show()
        app.processEvents()
        probe = LagProbe()
        loop = QEventLoop()
        window.project_opened.connect(lambda _p: QTimer.singleShot(200, loop.quit))
        window.open_failed.connect(lambda message: (print(message), loop.quit()))
        probe.start()
        start = time.perf_counter()
        window.open_path(root)
        loop.exec()
        loading = probe.stop()
        seconds = time.perf_counter() - start
        n_images = len(window.state.project.images)
        probe.start()
        QTimer.singleShot(int(seconds * 1000), loop.quit)
        loop.exec()
        idle = probe.stop()
        window.close()
    print(f"opened {n_images:,} images in {seconds:.2f} s (window shown, timer at {TICK_MS} ms)")
    print(describe("while loading off-thread", loading))
    print(describe("idle (baseline)", idle))
    print(f"ratio p99 lag loading / idle: "
          f"{np.percentile(loading, 99) / max(np.percentile(idle, 99), 0.01):.1f}x "
          f"(loading max {loading.max():.0f} ms; target: no stall over 100 ms)")


if __name__ == "__main__":
    main()
