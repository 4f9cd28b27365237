"""Team mode on PostgreSQL against the SQLite file, on the 17,125-image VOC2012 project.

- Edit latency p50/p99: 1 and 8 concurrent editor processes of 1,000 single-image edits
  each on PostgreSQL (target p99 < 20 ms, 0 lost edits), against 1 editor on the SQLite
  file (its lock admits one writer).
- An edit in one process seen by another (a LISTEN thread here): p99 (target < 1 s).
- Opening the project from PostgreSQL against from the file (the ratio, last line).

The server: ``VOCGUI_TEST_POSTGRES`` (an admin URL), else a throwaway cluster started from
Debian's PostgreSQL binaries (tests/pg_cluster.py). Needs the shared VOC data.
``python benchmarks/bench_team.py [--edits 1000] [--editors 8]``
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))
SHARED = Path(os.environ.get("VOCGUI_SHARED", REPO.parent / "shared"))
TARBALL = SHARED / "data" / "voc2012-annotations.tar.gz"

#: One editor: add its own class to rows start.., one edit each, timing every call;
#: prints one JSON line of (row, seconds taken, time.time() at return).
_EDITOR = """
import json, sys, time
from vocgui.core.project import Project
url, name, start, n = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
with Project.open(url) as project:
    project.add_class(name) if name not in project.classes else None
    out = []
    for row in range(start, start + n):
        t0 = time.perf_counter()
        project.add_label([row], name)
        out.append((row, time.perf_counter() - t0, time.time()))
print(json.dumps(out))
"""


def _server():
    from pg_cluster import Cluster, create_database, server_binaries

    given = os.environ.get("VOCGUI_TEST_POSTGRES")
    if given:
        return None, lambda: create_database(given, "bench")
    binaries = server_binaries()
    if binaries is None:
        sys.exit("needs PostgreSQL (Debian's postgresql package) or VOCGUI_TEST_POSTGRES")
    cluster = Cluster(Path(tempfile.mkdtemp(prefix="vocgui-bench-pg-")), binaries)
    cluster.init()
    cluster.start()
    return cluster, cluster.new_database


def _editors(url: str, count: int, edits: int) -> list[list]:
    procs = [subprocess.Popen([sys.executable, "-c", _EDITOR, url, f"editor{i}",
                               str(i * edits), str(edits)], stdout=subprocess.PIPE, text=True,
                              env={**os.environ, "PYTHONPATH": str(REPO),
                                   "VOCGUI_USER": f"editor{i}"}) for i in range(count)]
    results = []
    for proc in procs:
        out, _ = proc.communicate()
        if proc.returncode:
            sys.exit(f"an editor failed ({proc.returncode})")
        results.append(json.loads(out))
    return results


def _ms(values) -> str:
    values = np.asarray(values) * 1000
    return f"p50 {np.percentile(values, 50):.1f} ms, p99 {np.percentile(values, 99):.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--edits", type=int, default=1000)
    parser.add_argument("--editors", type=int, default=8)
    args = parser.parse_args()
    if not TARBALL.is_file():
        sys.exit(f"needs the shared VOC data: {TARBALL} not found (set VOCGUI_SHARED)")
    from vocgui.core.project import Project
    from vocgui.core.project.copying import copy_project
    from vocgui.core.project.team_events import TeamListener

    work = Path(tempfile.mkdtemp(prefix="vocgui-bench-team-"))
    cluster, new_database = _server()
    try:
        with tarfile.open(TARBALL) as tar:
            tar.extractall(work, filter="data")
        file_project = work / "voc2012.vocgui"
        Project.create_from_voc(file_project, work / "VOC2012", check_images=False).close()
        url = new_database()
        started = time.perf_counter()
        copy_project(file_project, url)
        print(f"copy of the 17,125-image project to PostgreSQL: "
              f"{time.perf_counter() - started:.1f} s")

        seen: dict[tuple[str, int], float] = {}
        listener = TeamListener(url, lambda note: seen.setdefault(
            (note["who"], note["rows"][0]), time.time()) if note.get("rows") else None)
        listener.start()
        listener.listening.wait(10)
        (sqlite_run,) = _editors(str(file_project), 1, args.edits)
        print(f"SQLite, 1 editor x {args.edits}: {_ms([r[1] for r in sqlite_run])}")
        for count in (1, args.editors):
            database = url if count == 1 else new_database()
            if count != 1:
                copy_project(file_project, database)
            runs = _editors(database, count, args.edits)
            latencies = [r[1] for run in runs for r in run]
            with Project.open(database, read_only=True) as project:
                lost = sum(args.edits - int(project.labels[:, project.classes.index(
                    f"editor{i}")].sum()) for i in range(count))
            print(f"PostgreSQL, {count} editor(s) x {args.edits}: {_ms(latencies)}; "
                  f"lost edits: {lost}")
            if count == 1:
                time.sleep(1)
                # from the edit's start: the note may arrive before the call returns
                delays = [seen[("editor0", row)] - (done - took) for row, took, done in runs[0]
                          if ("editor0", row) in seen]
                missing = len(runs[0]) - len(delays)
                print(f"an edit seen by another process: {_ms(delays)} "
                      f"({missing} notes missing)")
        listener.stop()
        timings = {}
        for name, location in (("SQLite", file_project), ("PostgreSQL", url)):
            best = float("inf")
            for _ in range(3):
                started = time.perf_counter()
                Project.open(location, read_only=True).close()
                best = min(best, time.perf_counter() - started)
            timings[name] = best
        print(f"open the 17,125-image project: PostgreSQL {timings['PostgreSQL']:.3f} s vs "
              f"SQLite {timings['SQLite']:.3f} s: "
              f"{timings['PostgreSQL'] / timings['SQLite']:.2f}x")
    finally:
        if cluster is not None:
            cluster.stop("immediate")
            shutil.rmtree(cluster.folder, ignore_errors=True)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
