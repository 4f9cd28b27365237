"""Team mode on PostgreSQL against the SQLite file, on the 17,125-image VOC2012 project.

- Edit latency p50/p99: 1 and 8 concurrent editor processes of 1,000 single-image edits
  each on PostgreSQL (target p99 < 20 ms, 0 lost edits), against 1 editor on the SQLite
  file (its lock admits one writer). The editors edit back to back, so with more editors
  than cores they wait for CPU: each run also prints the CPU one edit costs (the editor
  and, on a local server, its server process), and 8 editors run once more paced at one
  edit per --pace-ms each (still 20 edits a second per annotator at the default).
- An edit in one process seen by another (a LISTEN thread here): p99 (target < 1 s).
- Opening the project from PostgreSQL against from the file (the ratio, last line).

The server: ``VOCGUI_TEST_POSTGRES`` (an admin URL), else a throwaway cluster started from
Debian's PostgreSQL binaries (tests/pg_cluster.py). Needs the shared VOC data.
The server's durability settings are printed first: the edits' commits are synchronous.
``python benchmarks/bench_team.py [--edits 1000] [--editors 8] [--pace-ms 50]``
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

#: One editor: add its own class to rows start.., one edit each (one every ``pace`` s, or
#: back to back), timing every call; prints one JSON object: edits, a list of (row,
#: seconds taken, time.time() at return), and the CPU seconds of the editor and of its
#: server process (read from /proc where the server is local, else null).
_EDITOR = """
import json, os, sys, time
from vocgui.core.project import Project
url, name, start, n, pace, local = (sys.argv[1], sys.argv[2], int(sys.argv[3]),
                                    int(sys.argv[4]), float(sys.argv[5]), sys.argv[6] == "1")
def server_cpu(pid):
    if not (local and pid):
        return None
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
with Project.open(url) as project:
    project.add_class(name) if name not in project.classes else None
    backend = getattr(project._store, "backend_pid", None)
    out, cpu, server = [], time.process_time(), server_cpu(backend)
    due = time.perf_counter()
    for row in range(start, start + n):
        due += pace
        t0 = time.perf_counter()
        project.add_label([row], name)
        out.append((row, time.perf_counter() - t0, time.time()))
        time.sleep(max(0.0, due - time.perf_counter()))
    cpu = time.process_time() - cpu
    server = None if server is None else server_cpu(backend) - server
print(json.dumps({"edits": out, "cpu": cpu, "server": server}))
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


def _editors(url: str, count: int, edits: int, pace: float = 0.0,
             local: bool = False) -> list[dict]:
    procs = [subprocess.Popen([sys.executable, "-c", _EDITOR, url, f"editor{i}",
                               str(i * edits), str(edits), str(pace), "1" if local else "0"],
                              stdout=subprocess.PIPE, text=True,
                              env={**os.environ, "PYTHONPATH": str(REPO),
                                   "VOCGUI_USER": f"editor{i}"}) for i in range(count)]
    results = []
    for proc in procs:
        out, _ = proc.communicate()
        if proc.returncode:
            sys.exit(f"an editor failed ({proc.returncode})")
        results.append(json.loads(out))
    return results


def _cpu(runs: list[dict], edits: int) -> str:
    """The CPU one edit costs, and what the editors need for one edit each."""
    client = sum(r["cpu"] for r in runs) / (len(runs) * edits) * 1000
    text = f"CPU per edit: editor {client:.2f} ms"
    per_edit = client
    if all(r["server"] is not None for r in runs):
        server = sum(r["server"] for r in runs) / (len(runs) * edits) * 1000
        text += f" + its server process {server:.2f} ms"
        per_edit += server
    if len(runs) > 1:
        cores = os.cpu_count() or 1
        text += (f"; {len(runs)} editors need {len(runs) * per_edit:.1f} ms of CPU for one "
                 f"edit each: {len(runs) * per_edit / cores:.1f} ms at the least on "
                 f"{cores} cores (load {os.getloadavg()[0]:.1f})")
    return text


def _settings(url: str, throwaway: bool) -> str:
    """The server's version and the settings that decide when a commit is on disk."""
    import psycopg

    names = ("server_version", "synchronous_commit", "fsync", "wal_sync_method",
             "full_page_writes", "shared_buffers")
    with psycopg.connect(url) as conn:
        values = [conn.execute(f"SHOW {name}").fetchone()[0] for name in names]
    text = "server: " + ", ".join(f"{n} {v}" for n, v in zip(names, values, strict=True))
    if throwaway:
        text += ("; a throwaway cluster on a Unix socket (no network round trips), "
                 "shared_buffers 32 MB (Debian's default: 128 MB), otherwise defaults")
    return text


def _ms(values) -> str:
    values = np.asarray(values) * 1000
    return f"p50 {np.percentile(values, 50):.1f} ms, p99 {np.percentile(values, 99):.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--edits", type=int, default=1000)
    parser.add_argument("--editors", type=int, default=8)
    parser.add_argument("--pace-ms", type=float, default=50,
                        help="the paced run: one edit per this many ms per editor")
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
        print(_settings(url, cluster is not None))
        started = time.perf_counter()
        copy_project(file_project, url)
        print(f"copy of the 17,125-image project to PostgreSQL: "
              f"{time.perf_counter() - started:.1f} s")

        seen: dict[tuple[str, int], float] = {}
        listener = TeamListener(url, lambda note: seen.setdefault(
            (note["who"], note["rows"][0]), time.time()) if note.get("rows") else None)
        listener.start()
        listener.listening.wait(10)
        local = cluster is not None
        (sqlite_run,) = _editors(str(file_project), 1, args.edits)
        print(f"SQLite, 1 editor x {args.edits}: "
              f"{_ms([r[1] for r in sqlite_run['edits']])}; {_cpu([sqlite_run], args.edits)}")
        paced = args.pace_ms / 1000
        for count, pace in ((1, 0.0), (args.editors, 0.0), (args.editors, paced)):
            database = url if count == 1 else new_database()
            if count != 1:
                copy_project(file_project, database)
            runs = _editors(database, count, args.edits, pace, local)
            latencies = [r[1] for run in runs for r in run["edits"]]
            with Project.open(database, read_only=True) as project:
                lost = sum(args.edits - int(project.labels[:, project.classes.index(
                    f"editor{i}")].sum()) for i in range(count))
            how = f", paced at one edit per {args.pace_ms:g} ms each" if pace else ""
            print(f"PostgreSQL, {count} editor(s) x {args.edits}{how}: {_ms(latencies)}; "
                  f"lost edits: {lost}; {_cpu(runs, args.edits)}")
            if count == 1:
                time.sleep(1)
                # from the edit's start: the note may arrive before the call returns
                edits = runs[0]["edits"]
                delays = [seen[("editor0", row)] - (done - took) for row, took, done in edits
                          if ("editor0", row) in seen]
                print(f"an edit seen by another process: {_ms(delays)} "
                      f"({len(edits) - len(delays)} notes missing)")
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
