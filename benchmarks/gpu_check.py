"""ResNet50 at 224 px with mixed precision on this machine's GPU, from the real Training tab.

    python benchmarks/gpu_check.py --backend tensorflow|jax [--batches 40] [--batch-size 64]

Run by ``benchmarks/gpu_check.sh``, which finds the GPU and the backend that can use it.
An offscreen window holds the real Training panel on a generated demo dataset; a run of
ResNet50 (``weights=none``: no network needed; 224 px; mixed precision on) starts from
it and is stopped after ``--batches`` training batches, or at ``--seconds``. Prints:

- the device line the run reported (GPU model and memory, precision, data parallelism);
- the first-batch setup time (the run's ``started`` event to its first batch: model
  build, compilation, the first step);
- images per second over the batches after the first (the run's global batch size);
- peak GPU memory used during the run over the idle figure (``nvidia-smi``; TensorFlow
  and JAX are told to allocate as they go, so the figure is what the run needed);
- the GUI event-loop lag while it trained (5 ms timer: p50 / p99 / max).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

# Read by the training child: allocate GPU memory as needed, so the peak is meaningful.
os.environ.setdefault("TF_FORCE_GPU_ALLOW_GROWTH", "true")
os.environ.setdefault("XLA_PYTHON_CLIENT_PREALLOCATE", "false")

from bench_gui_lag_training import LagProbe, spin, summary  # noqa: E402
from PySide6.QtWidgets import QApplication, QMainWindow  # noqa: E402

from vocgui.core.demo import write_demo  # noqa: E402
from vocgui.core.project import Project  # noqa: E402
from vocgui.qt.app_state import AppState  # noqa: E402
from vocgui.qt.training import TrainingPanel  # noqa: E402
from vocgui.training.config import Augment, defaults_for  # noqa: E402


class MemoryPeak:
    """Polls ``nvidia-smi`` for the memory used on all GPUs (MiB) and keeps the peak."""

    def __init__(self, interval: float = 0.25) -> None:
        self.interval, self.peak, self._stop = interval, 0, threading.Event()
        self.idle = self.read()
        self._thread = threading.Thread(target=self._poll, daemon=True)

    @staticmethod
    def read() -> int:
        smi = shutil.which("nvidia-smi")
        if not smi:
            return 0
        try:
            out = subprocess.run([smi, "--query-gpu=memory.used", "--format=csv,noheader,"
                                  "nounits"], capture_output=True, text=True, timeout=5).stdout
            return sum(int(float(v)) for v in out.split())
        except (OSError, ValueError, subprocess.SubprocessError):
            return 0

    def _poll(self) -> None:
        while not self._stop.wait(self.interval):
            self.peak = max(self.peak, self.read())

    def __enter__(self) -> MemoryPeak:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", required=True, choices=("tensorflow", "jax", "torch"))
    parser.add_argument("--batches", type=int, default=40, help="training batches to time")
    parser.add_argument("--batch-size", type=int, default=64, help="per device")
    parser.add_argument("--seconds", type=float, default=200.0, help="give up after this")
    # Only to try the script itself on a CPU quickly (e.g. --backbone small_cnn --size 64).
    parser.add_argument("--backbone", default="resnet50")
    parser.add_argument("--size", type=int, default=224)
    args = parser.parse_args()
    _app = QApplication.instance() or QApplication([])  # kept alive for the run
    with tempfile.TemporaryDirectory() as tmp:
        # Enough images for --batches training batches in one epoch at one GPU's batch.
        n_images = max(256, int(args.batches * args.batch_size * 1.3))
        root = write_demo(Path(tmp) / "demo", n_images=n_images, seed=0)
        project = Project.create_from_voc(Path(tmp) / "demo.vocgui", root)
        state = AppState()
        state.set_project(project)
        window = QMainWindow()
        panel = TrainingPanel(state)
        window.setCentralWidget(panel)
        window.resize(1280, 720)
        window.show()
        config = defaults_for(
            args.backbone, weights="none", target_size=args.size, batch_size=args.batch_size,
            epochs=3, mixed_precision=True, augment=Augment.off(), backend=args.backend,
            pipeline="tfdata" if args.backend == "tensorflow" else "flow", split="stratified")
        marks: dict = {"batches": []}

        def on_event(event: dict) -> None:
            now = time.perf_counter()
            if event["type"] == "started":
                marks["started"], marks["device"] = now, event.get("device", "?")
                marks["global_batch"] = event.get("setup", {}).get("global_batch",
                                                                   args.batch_size)
                marks["per_epoch"] = event["batches"]
            elif event["type"] == "batch":
                done = (event["epoch"] - 1) * marks["per_epoch"] + event["batch"]
                marks["batches"].append((now, done))
            elif event["type"] == "finished":
                marks["finished"] = event

        panel.event_shown.connect(on_event)
        probe = LagProbe()
        deadline = time.perf_counter() + args.seconds
        with MemoryPeak() as memory:
            panel.form.set_config(config)
            panel.start_button.click()
            probe.start()
            spin(args.seconds, until=lambda: (
                "finished" in marks
                or (marks["batches"] and marks["batches"][-1][1] >= args.batches)))
            probe.stop()
            if "finished" not in marks:
                panel.stop_button.click()
                spin(max(30.0, deadline - time.perf_counter()),
                     until=lambda: "finished" in marks)
        panel.shutdown()
        project.close()
    seen = marks["batches"]
    print(f"device: {marks.get('device', 'no run started')}")
    if "started" not in marks or len(seen) < 2:
        ended = marks.get("finished", {})
        print(f"gpu_check: the run did not get past its first batch in {args.seconds:.0f} s "
              f"({ended.get('status', 'no end')}: {ended.get('message', '')})")
        return 1
    (t0, b0), (t1, b1) = seen[0], seen[-1]
    print(f"first batch setup: {t0 - marks['started']:.1f} s after the started event")
    rate = (b1 - b0) * marks["global_batch"] / max(t1 - t0, 1e-9)
    print(f"throughput: {rate:.0f} images/s over {b1 - b0} batches of "
          f"{marks['global_batch']} ({args.backbone}, {args.size} px, mixed precision, "
          f"{args.backend})")
    print(f"peak GPU memory: {memory.peak - memory.idle} MiB over the idle {memory.idle} MiB")
    print(f"GUI event-loop lag while training: "
          f"{summary(probe.lags(since=marks['started'], until=t1))}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
