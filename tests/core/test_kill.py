"""SIGKILL a process in the middle of streaming edits, many times: every edit it reported
as committed is in the file afterwards, and the file passes SQLite's integrity check."""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from helpers_project import load_dataset
from kill_child import apply_edit

from vocgui.core.project import Project

ROUNDS = 15
CHILD = Path(__file__).with_name("kill_child.py")


def _state(project: Project) -> list[tuple]:
    images = project.images
    return list(zip(images["labels"], images["review"], images["note"], strict=True))


@pytest.mark.slow
def test_no_reported_edit_is_lost_when_killed(voc_sample: Path, tmp_path: Path) -> None:
    path = tmp_path / "p.vocgui"
    Project.create(path, load_dataset(voc_sample)).close()
    # The model: a second project (same data) where reported edits are replayed in memory
    # and on its own file; the killed file must match it, or it plus the one edit that
    # may have committed just before the kill, before its number was printed.
    model = Project.create(tmp_path / "model.vocgui", load_dataset(voc_sample))
    rng = random.Random(1234)
    next_edit, total_reported = 0, 0
    for _ in range(ROUNDS):
        child = subprocess.Popen([sys.executable, str(CHILD), str(path), str(next_edit)],
                                 stdout=subprocess.PIPE, text=True)
        first = child.stdout.readline()  # the child is up and streaming edits
        assert first.strip() == str(next_edit), "the child did not start editing"
        time.sleep(rng.uniform(0.0, 0.25))
        child.send_signal(signal.SIGKILL)
        reported = [first] + child.stdout.readlines()
        assert child.wait(timeout=30) == -signal.SIGKILL
        done = [int(line) for line in reported if line.strip()]
        assert done == list(range(next_edit, next_edit + len(done)))
        for i in done:
            apply_edit(model, i)
        total_reported += len(done)
        next_edit += len(done)
        with Project.open(path) as reopened:  # also proves the killed process's lock is gone
            conn = reopened._store.conn
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            assert len(reopened.edit_log()) >= total_reported
            actual = _state(reopened)
        expected = _state(model)
        if actual != expected:  # the kill fell between a commit and its print
            apply_edit(model, next_edit)
            assert actual == _state(model)
            next_edit += 1
    model.close()
    assert total_reported > ROUNDS
