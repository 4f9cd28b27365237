"""Reopening a project vs parsing the XMLs again, and a synthetic 1,000,000-image project.

Run: python benchmarks/bench_project.py [--tarball PATH] [--images N]
Prints the 17,125-image VOC2012 figures, then the synthetic project's reopen time and
memory, and last the ratio (XML loading time / project reopen time; target >= 10).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
from shared_data import TARBALL, extract_voc2012

from vocgui.core.project import Project
from vocgui.core.voc import VocDataset, load_voc

# Runs in a fresh process so its memory is the project's alone.
_REOPEN = """
import json, sys, time
from vocgui.core.project import Project
def kib(field):
    for line in open("/proc/self/status"):
        if line.startswith(field):
            return int(line.split()[1])
base = kib("VmRSS:")
start = time.perf_counter()
project = Project.open(sys.argv[1], read_only=True)
seconds = time.perf_counter() - start
print(json.dumps({"seconds": seconds, "peak_mib": (kib("VmHWM:") - base) / 1024,
                  "rss_mib": (kib("VmRSS:") - base) / 1024,
                  "images": len(project.images), "labels": int(project.labels.sum()),
                  "frame_mib": project.images.memory_usage(deep=True).sum() / 2**20}))
"""


def best_of(n: int, func) -> float:
    times = []
    for _ in range(n):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return min(times)


def synthetic_dataset(n: int, seed: int = 0) -> VocDataset:
    """``n`` images with VOC-like label statistics (1-3 of 20 classes each)."""
    rng = np.random.default_rng(seed)
    classes = [f"class{k:02d}" for k in range(20)]
    n_labels = rng.choice([1, 2, 3], size=n, p=[0.6, 0.3, 0.1])
    combos = {}
    labels = []
    for count, pick in zip(n_labels, rng.integers(0, 20, size=(n, 3)), strict=True):
        key = tuple(sorted({classes[k] for k in pick[:count]}))
        labels.append(combos.setdefault(key, key))
    stems = [f"{i:08d}" for i in range(n)]
    images = pd.DataFrame({
        "filename": [s + ".jpg" for s in stems], "root": np.zeros(n, dtype=np.int64),
        "image_path": ["JPEGImages/" + s + ".jpg" for s in stems],
        "annotation_path": ["Annotations/" + s + ".xml" for s in stems],
        "labels": pd.Series(labels, dtype=object), "n_objects": n_labels,
        "width": np.full(n, 500), "height": np.full(n, 375), "depth": np.full(n, 3),
        "segmented": np.zeros(n, dtype=bool),
        "split": rng.choice(["train", "val"], size=n), "labeled": np.ones(n, dtype=bool),
    })
    objects = pd.DataFrame({"image": pd.Series([], dtype=np.int64), "name": [], "xmin": [],
                            "ymin": [], "xmax": [], "ymax": [], "difficult": [],
                            "truncated": [], "occluded": [], "pose": []})
    return VocDataset(images, objects, classes, [], ["/data/synthetic"])


def reopen_in_child(path: Path) -> dict:
    out = subprocess.run([sys.executable, "-c", _REOPEN, str(path)], check=True,
                         capture_output=True, text=True).stdout
    return json.loads(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tarball", type=Path, default=TARBALL)
    parser.add_argument("--images", type=int, default=1_000_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        root = extract_voc2012(tmp, args.tarball)
        parse_s = best_of(3, lambda: load_voc(root))
        parse_1_s = best_of(3, lambda: load_voc(root, workers=1))
        Project.create(tmp / "voc.vocgui", load_voc(root)).close()
        reopen_s = best_of(5, lambda: Project.open(tmp / "voc.vocgui").close())
        reopen_child = reopen_in_child(tmp / "voc.vocgui")
        print(f"VOC2012, {reopen_child['images']} images, {reopen_child['labels']} labels")
        print(f"  load_voc (parse XMLs, default workers): {parse_s * 1000:8.1f} ms")
        print(f"  load_voc (parse XMLs, 1 process):       {parse_1_s * 1000:8.1f} ms")
        print(f"  Project.open (reopen, no XML):          {reopen_s * 1000:8.1f} ms "
              f"(+{reopen_child['rss_mib']:.0f} MiB resident)")

        start = time.perf_counter()
        dataset = synthetic_dataset(args.images)
        Project.create(tmp / "big.vocgui", dataset).close()
        create_s = time.perf_counter() - start
        del dataset
        size_mib = (tmp / "big.vocgui").stat().st_size / 2**20
        runs = [reopen_in_child(tmp / "big.vocgui") for _ in range(3)]
        print(f"synthetic, {runs[0]['images']:,} images, {runs[0]['labels']:,} labels "
              f"(created in {create_s:.1f} s, file {size_mib:.0f} MiB)")
        print(f"  Project.open: {statistics.median(r['seconds'] for r in runs):.2f} s median, "
              f"memory +{statistics.median(r['rss_mib'] for r in runs):.0f} MiB resident "
              f"(+{statistics.median(r['peak_mib'] for r in runs):.0f} MiB peak), "
              f"image table {runs[0]['frame_mib']:.0f} MiB")
    print(f"ratio load_voc / reopen (17,125 VOC2012 images): {parse_s / reopen_s:.1f}x "
          "(target >= 10x)")


if __name__ == "__main__":
    main()
