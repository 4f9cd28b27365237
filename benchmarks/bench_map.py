"""The Map tab with 17,125 points: a lasso reaching the table, and pan/zoom frames.

Run: QT_QPA_PLATFORM=offscreen python benchmarks/bench_map.py
A project of the 17,125 real VOC2012 annotations (shared tarball; no pixels needed) with
one run whose features are synthetic (17,125 x 64 float16, a mixture of 20 clusters):
the Map tab lays them out (PCA) in the real main window. Measured: a lasso around a
third of the points until the table has selected them (target < 100 ms), and one pan or
zoom frame of the pyqtgraph scatter, repainted synchronously (target < 16 ms). Baseline,
in the same run: the same points in a matplotlib scatter (Agg in a Qt canvas), one zoom
frame each. The last line is the frame-time ratio matplotlib / pyqtgraph.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np  # noqa: E402
from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402
from shared_data import TARBALL, extract_voc2012  # noqa: E402

from vocgui.core.atomic import save_npy_atomically  # noqa: E402
from vocgui.core.embedding_map import features_path  # noqa: E402
from vocgui.core.project import Project  # noqa: E402
from vocgui.qt.app_state import AppState  # noqa: E402
from vocgui.qt.main_window import MainWindow  # noqa: E402


def median_ms(times: list[float]) -> float:
    return statistics.median(times) * 1000


def synthetic_features(n: int) -> np.ndarray:
    rng = np.random.default_rng(0)
    centres = rng.normal(scale=4.0, size=(20, 64))
    return (centres[rng.integers(0, 20, n)] + rng.normal(size=(n, 64))).astype(np.float16)


def main() -> None:
    if not TARBALL.is_file():
        sys.exit(f"bench_map: the VOC2012 annotations are missing: {TARBALL}")
    app = QApplication.instance() or QApplication([])
    with tempfile.TemporaryDirectory(prefix="bench_map_") as tmp:
        path = Path(tmp) / "voc.vocgui"
        with Project.create_from_voc(path, extract_voc2012(tmp)) as project:
            run_id = project.create_run({"backbone": "synthetic"}, project.snapshot())
            project.finish_run(run_id, "completed")
            n = len(project.images)
        features_path(path, run_id).parent.mkdir(parents=True, exist_ok=True)
        save_npy_atomically(features_path(path, run_id), synthetic_features(n))
        state = AppState()
        window = MainWindow(state)
        window.resize(1280, 720)
        window.show()
        state.set_project(Project.open(path))
        window.show_tab("Map")
        panel = window.map
        panel.umap_enabled = False
        while panel.method != "pca":
            app.processEvents()
            time.sleep(0.01)
        scatter, box = panel.scatter, panel.scatter.getViewBox()
        app.processEvents()
        xy = scatter.xy

        lasso = []
        for k in range(7):
            centre = np.percentile(xy, 20 + 10 * k, axis=0)
            polygon = np.asarray([centre + xy.std(axis=0) * np.array([np.cos(a), np.sin(a)])
                                  for a in np.linspace(0, 2 * np.pi, 64, endpoint=False)])
            start = time.perf_counter()
            scatter.select_polygon(polygon)  # what a finished mouse lasso calls
            lasso.append(time.perf_counter() - start)
            assert len(state.selected_rows) > 0
        print(f"lasso -> table selection ({n} points, ~{len(state.selected_rows)} selected): "
              f"median {median_ms(lasso):.1f} ms, max {max(lasso) * 1000:.1f} ms "
              "(target < 100 ms)")

        viewport = scatter.viewport()
        frames = []
        for k in range(30):
            start = time.perf_counter()
            if k % 2:
                box.translateBy(x=xy[:, 0].std() * 0.05)
            else:
                box.scaleBy((0.95, 0.95) if k % 4 == 0 else (1 / 0.95, 1 / 0.95))
            viewport.repaint()
            frames.append(time.perf_counter() - start)
        ours = median_ms(frames)
        print(f"pyqtgraph pan/zoom frame: median {ours:.1f} ms, max "
              f"{max(frames) * 1000:.1f} ms (target < 16 ms)")

        figure = Figure(figsize=(8, 6), dpi=100)
        canvas = FigureCanvasQTAgg(figure)
        canvas.resize(scatter.size())
        canvas.show()
        ax = figure.add_subplot()
        ax.scatter(xy[:, 0], xy[:, 1], s=4, c=np.arange(n) % 20, cmap="tab20")
        canvas.draw()
        x0, x1 = ax.get_xlim()
        frames_mpl = []
        for k in range(10):
            scale = 0.95 ** (k + 1)
            ax.set_xlim(x0 * scale, x1 * scale)
            start = time.perf_counter()
            canvas.draw()
            canvas.repaint()
            frames_mpl.append(time.perf_counter() - start)
        theirs = median_ms(frames_mpl)
        print(f"matplotlib zoom frame (same points): median {theirs:.1f} ms")
        state.set_project(None)
        window.close()
    print(f"frame-time ratio (matplotlib / pyqtgraph): {theirs / ours:.1f}x")


if __name__ == "__main__":
    main()
