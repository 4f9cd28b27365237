"""Faults of a team project on a real PostgreSQL server: the server stops (edits are
refused with a clear message, never queued; everything reconnects by itself), it
restarts during a stream of edits from several processes, and an editor is killed in the
middle of a bulk edit. Afterwards every acknowledged edit is there and nothing is half
applied."""

from __future__ import annotations

import json
import os
import queue
import signal
import subprocess
import sys
import time

import pytest
from helpers_project import load_dataset, project_state

from vocgui.core.project import Project, ProjectIOError
from vocgui.core.project.team_events import TeamListener

#: Adds its own class to rows one at a time, printing each row once the edit returned;
#: a refused edit is retried (the server is restarting), as an annotator would.
_STREAM = """
import sys, time
from vocgui.core.project import Project, ProjectError
url, name, rows = sys.argv[1], sys.argv[2], range(int(sys.argv[3]))
with Project.open(url) as project:
    for row in rows:
        while True:
            try:
                project.add_label([row], name)
                break
            except ProjectError:
                time.sleep(0.05)
        print(row, flush=True)
"""
#: Bulk edits of every image, one class each, acknowledged one by one.
_BULK = """
import sys
from vocgui.core.project import Project
with Project.open(sys.argv[1]) as project:
    rows = list(range(len(project.images)))
    for k in range(1000):
        project.add_label(rows, f"bulk{k}")
        print(k, flush=True)
"""


@pytest.fixture
def cluster(pg_server):
    if not hasattr(pg_server, "stop"):
        pytest.skip("needs a cluster of the tests' own to stop (VOCGUI_TEST_POSTGRES is set)")
    yield pg_server
    if not (pg_server.data / "postmaster.pid").exists():  # a failed test left it stopped
        pg_server.start()


def _logged_cells(project: Project) -> set[tuple[int, str]]:
    """(row, class) of every add_label in the edit log."""
    return {(row, detail["label"]) for action, detail in
            zip(project.edit_log()["action"], project.edit_log()["detail"], strict=True)
            if action == "add_label" for row in detail["rows"]}


def test_a_stopped_server_refuses_edits_and_everything_reconnects(cluster, pg_url, demo_root):
    Project.create(pg_url, load_dataset(demo_root)).close()
    statuses: queue.Queue = queue.Queue()
    notes: queue.Queue = queue.Queue()
    project = Project.open(pg_url)
    listener = TeamListener(pg_url, notes.put, lambda up, why: statuses.put((up, why)),
                            retry=0.2)
    listener.start()
    try:
        assert listener.listening.wait(10)
        before = project_state(project)
        cluster.stop("fast")
        assert statuses.get(timeout=5)[0] is False
        with pytest.raises(ProjectIOError, match="cannot be reached.*Nothing was changed"):
            project.add_label([0], "zebra")
        assert project_state(project) == before  # memory untouched: nothing queued
        cluster.start()
        assert statuses.get(timeout=10) == (True, "")
        assert notes.get(timeout=5)["action"] == "resync"
        project.add_label([0], "zebra")  # the project's own connection came back too
        with Project.open(pg_url, read_only=True) as again:
            assert "zebra" in again.labels_of(0)
    finally:
        listener.stop()
        project.close()


def test_a_server_restart_during_edits_loses_no_acknowledged_edit(cluster, pg_url, demo_root):
    Project.create(pg_url, load_dataset(demo_root)).close()
    names, n = ("ann", "bob"), 40
    editors = {name: subprocess.Popen([sys.executable, "-c", _STREAM, pg_url, name, str(n)],
                                      stdout=subprocess.PIPE, text=True) for name in names}
    acknowledged = {(int(editor.stdout.readline()), name) for name, editor in editors.items()}
    cluster.stop("fast")  # clients are cut off mid-stream, as in a restart
    time.sleep(0.3)
    cluster.start()
    for name, editor in editors.items():
        out = editor.stdout.read()  # not communicate(): it would skip what readline buffered
        assert editor.wait(timeout=120) == 0
        acknowledged |= {(int(row), name) for row in out.split()}
    assert len(acknowledged) == len(names) * n
    with Project.open(pg_url, read_only=True) as project:
        present = {(int(r), name) for name in names
                   for r in project.labels[:, project.classes.index(name)].nonzero()[0]}
        assert present == acknowledged
        assert _logged_cells(project) == present  # no label without its log entry


def test_an_editor_killed_mid_bulk_edit_leaves_whole_edits_only(pg_url, demo_root):
    Project.create(pg_url, load_dataset(demo_root)).close()
    editor = subprocess.Popen([sys.executable, "-c", _BULK, pg_url], stdout=subprocess.PIPE,
                              text=True)
    acknowledged = [editor.stdout.readline() for _ in range(3)]
    time.sleep(0.05)
    os.kill(editor.pid, signal.SIGKILL)
    acknowledged += editor.stdout.read().split()
    editor.wait()
    with Project.open(pg_url, read_only=True) as project:
        n = len(project.images)
        bulk = [c for c in project.classes if c.startswith("bulk")]
        assert {f"bulk{int(k)}" for k in acknowledged} <= set(bulk)
        for name in bulk:  # all of an edit, or (never acknowledged) none of it
            assert project.labels[:, project.classes.index(name)].sum() == n
        logged = [json.dumps(d) for d in project.edit_log()["detail"]]
        assert len(logged) == len(bulk)
