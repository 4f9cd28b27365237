"""Time to an interactive window with the 17,125-image VOC2012 project.

Run: python benchmarks/bench_gui_startup.py [--runs N]
The project is created once from the tarball's XMLs in a temporary folder; then each run
starts a fresh ``python -m vocgui --benchmark-startup PROJECT`` process (headless), which
prints the wall-clock time at which the window had painted with the data, and whether
TensorFlow was imported (it must not be). Baseline, same run: a bare
``python -c "import PySide6.QtWidgets"`` process. Target: under 2 s. The last line is the
ratio vocgui / bare PySide6 import.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from shared_data import TARBALL, extract_voc2012

from vocgui.core.project import Project


def startup_seconds(project: Path, env: dict[str, str]) -> float:
    start = time.time()
    done = subprocess.run([sys.executable, "-m", "vocgui", "--benchmark-startup", str(project)],
                          env=env, capture_output=True, text=True, timeout=300, check=True)
    if "tensorflow_imported=False" not in done.stdout:
        raise SystemExit(f"the GUI process imported TensorFlow:\n{done.stdout}")
    ready = re.search(r"^VOCGUI_READY (\S+)$", done.stdout, re.MULTILINE)
    if ready is None:
        raise SystemExit(f"no VOCGUI_READY line:\n{done.stdout}\n{done.stderr}")
    return float(ready.group(1)) - start


def bare_import_seconds(env: dict[str, str]) -> float:
    start = time.time()
    subprocess.run([sys.executable, "-c", "import PySide6.QtWidgets"], env=env, check=True)
    return time.time() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tarball", type=Path, default=TARBALL)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        root = extract_voc2012(tmp, args.tarball)
        project_path = tmp / "voc2012.vocgui"
        with Project.create_from_voc(project_path, root) as project:
            n_images = len(project.images)
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen", VOCGUI_DATA_DIR=str(tmp / "data"))
        startup_seconds(project_path, env)  # warm the OS file cache once
        ours = [startup_seconds(project_path, env) for _ in range(args.runs)]
        bare = [bare_import_seconds(env) for _ in range(args.runs)]
    ours_s, bare_s = statistics.median(ours), statistics.median(bare)
    print(f"window with {n_images:,} images shown: median {ours_s:.2f} s "
          f"(min {min(ours):.2f}, max {max(ours):.2f}; target < 2 s); TensorFlow not imported")
    print(f"bare 'import PySide6.QtWidgets' process: median {bare_s:.2f} s")
    print(f"ratio vocgui startup / bare PySide6 import: {ours_s / bare_s:.1f}x")


if __name__ == "__main__":
    main()
