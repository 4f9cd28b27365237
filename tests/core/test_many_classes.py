"""20,000 distinct class names: bounded statistics, charts and review figures, and a
warning (issue 10, item 18)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
from voc_xml_helpers import annotation_xml, object_xml, write_voc

from vocgui.core.evaluation.run_review import RunReview
from vocgui.core.stats.summary import MAX_PAIRED_CLASSES, compute_stats
from vocgui.core.voc import load_voc
from vocgui.plots.dataset_charts import MAX_BARS, cooccurrence_chart, imbalance_chart
from vocgui.plots.review_confusion import confusion_grid_figure
from vocgui.plots.review_curves import pr_curves_figure
from vocgui.plots.review_grid import MAX_PANELS

REPO = Path(__file__).resolve().parents[2]


def _labels(n_images: int, n_classes: int, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    y = rng.random((n_images, n_classes)) < 0.02
    y[:, 7] = True  # one class everywhere: it must be among the paired ones
    return y


def test_cooccurrence_is_counted_among_the_most_frequent_classes_only() -> None:
    classes = [f"c{i:04d}" for i in range(1500)]
    y = _labels(300, len(classes))
    stats = compute_stats(y, classes)
    assert stats.cooccurrence.shape == (MAX_PAIRED_CLASSES, MAX_PAIRED_CLASSES)
    paired = [classes.index(name) for name in stats.cooccurrence_classes]
    assert paired == sorted(paired) and 7 in paired
    top = np.sort(y.sum(axis=0))[::-1][MAX_PAIRED_CLASSES - 1]
    assert all(y[:, j].sum() >= top for j in paired)
    sub = y[:, paired].astype(int)
    np.testing.assert_array_equal(stats.cooccurrence, sub.T @ sub)
    few = compute_stats(y[:, :20], classes[:20])  # few classes: every pair, as before
    assert few.cooccurrence_classes == tuple(classes[:20])


def test_charts_draw_the_most_frequent_classes_and_say_so() -> None:
    classes = [f"c{i:04d}" for i in range(1500)]
    stats = compute_stats(_labels(300, len(classes)), classes)
    imbalance = imbalance_chart(stats)
    assert len(imbalance.bars) == 2 * MAX_BARS
    assert "100 most frequent of 1,500 classes" in imbalance.figure.axes[0].get_title()
    heatmap = cooccurrence_chart(stats)
    assert heatmap.grid_classes == stats.cooccurrence_classes
    assert "of 1,500 classes" in heatmap.figure.axes[0].get_title()


def test_review_figures_draw_at_most_max_panels() -> None:
    n_classes = 400
    rng = np.random.default_rng(1)
    y = rng.random((80, n_classes)) < 0.1
    review = RunReview(np.arange(80), tuple(f"k{i}" for i in range(n_classes)),
                       rng.random((80, n_classes)).astype(np.float32), y)
    counts = review.counts(0.5)
    order = np.argsort(-counts.support, kind="stable")
    grid = confusion_grid_figure(counts, order)
    curves = pr_curves_figure(review.curves(), counts, order)
    for figure in (grid, curves):
        assert sum(ax.get_visible() for ax in figure.axes) == MAX_PANELS
        assert f"first {MAX_PANELS} of 400 classes" in figure.get_suptitle()


def test_implausibly_many_classes_are_a_warning(tmp_path: Path) -> None:
    objects = [object_xml(f"id{i}") for i in range(1200)]
    root = write_voc(tmp_path / "voc", {"a.xml": annotation_xml("a.jpg", objects),
                                        "b.xml": annotation_xml("b.jpg", [object_xml("x")])})
    ds = load_voc(root)
    [warning] = [p for p in ds.problems if p.kind == "many_classes"]
    assert "1,201 distinct class names" in warning.message
    assert warning.file == str(root / "Annotations")


def test_scan_of_20000_classes_stays_small(tmp_path: Path) -> None:
    objects = "".join(f"<object><name>c{i:05d}</name></object>" for i in range(20_000))
    root = write_voc(tmp_path / "voc", {"big.xml": annotation_xml("big.jpg", [objects]),
                                        "s.xml": annotation_xml("s.jpg", [object_xml("c1")])})
    # The peak is VmHWM, this process's own: ru_maxrss survives exec on Linux, so it
    # reports pytest's own size (1.4 GB once TensorFlow is loaded) instead.
    code = ("import re, resource, sys\n"
            "from pathlib import Path\n"
            "from vocgui.cli.main import main\n"
            "code = main(['scan', sys.argv[1], '--json'])\n"
            "status = Path('/proc/self/status')\n"
            "peak = (int(re.search(r'VmHWM:\\s+(\\d+)', status.read_text()).group(1))\n"
            "        if status.exists() else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)\n"
            "print(peak // 1024, file=sys.stderr)\n"
            "sys.exit(code)\n")
    done = subprocess.run([sys.executable, "-c", code, str(root)], cwd=REPO,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "many_classes" in done.stdout
    peak_mb = int(done.stderr.split()[-1])
    assert peak_mb < 600, peak_mb  # co-occurrence of every pair alone took 3.2 GB
