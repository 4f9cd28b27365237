"""Several processes on one team project (a real PostgreSQL server): per-cell label
edits never lose each other, and every app hears of the others' edits within a second."""

from __future__ import annotations

import queue
import subprocess
import sys
import time

import numpy as np
import pytest
from helpers_project import load_dataset, project_state
from voc_xml_helpers import write_jpeg

from vocgui.cli.main import main
from vocgui.core.project import Project
from vocgui.core.project.commands import RenameClass, UndoStack
from vocgui.core.project.team_events import TeamListener

_EDITOR = """
import os, sys
from vocgui.core.project import Project
url, name, rows = sys.argv[1], sys.argv[2], [int(r) for r in sys.argv[3].split(",")]
os.environ["VOCGUI_USER"] = name
with Project.open(url) as project:
    for row in rows:
        project.add_label([row], name)
        project.remove_label([row], project.classes[0])
print("done")
"""

#: An app with the project open since before another process added images: it adds its
#: own folder (which holds the other's folder too) once the test says so.
_ADDER = """
import sys
from vocgui.core.project import Project
from vocgui.core.voc import load_voc
with Project.open(sys.argv[1]) as project:
    print(len(project.images), flush=True)
    sys.stdin.readline()
    added = project.add_images(load_voc(sys.argv[2]))
    print(added.rows.tolist(), added.n_already, flush=True)
"""

#: Another annotator's class edits, from a process of its own.
_CLASS_EDITS = """
import sys
from vocgui.core.project import Project
with Project.open(sys.argv[1]) as project:
    first, second, third = project.classes[:3]
    project.merge_classes([first, second], "merged")
    project.rename_class(third, "renamed")
"""


@pytest.fixture(scope="module")
def team_dataset(demo_root):
    return load_dataset(demo_root)


def _listen(project: Project) -> tuple[TeamListener, queue.Queue]:
    notes: queue.Queue = queue.Queue()
    listener = TeamListener(project.location, notes.put)
    listener.start()
    assert listener.listening.wait(10)
    return listener, notes


def _apply_until(project: Project, notes: queue.Queue, done, timeout: float = 5) -> float:
    """Apply notes as the GUI thread would, until ``done()``; the seconds it took."""
    start = time.perf_counter()
    while not done():
        project.apply_remote(notes.get(timeout=timeout))
    return time.perf_counter() - start


def _drain(project: Project, notes: queue.Queue) -> None:
    """Apply every note until none comes for a moment."""
    while True:
        try:
            project.apply_remote(notes.get(timeout=0.5))
        except queue.Empty:
            return


def test_another_apps_edits_arrive_within_a_second(pg_url, team_dataset, monkeypatch):
    Project.create(pg_url, team_dataset).close()
    mine, theirs = Project.open(pg_url), Project.open(pg_url)
    events = []
    mine.events.connect(events.append)
    listener, notes = _listen(mine)
    try:
        monkeypatch.setenv("VOCGUI_USER", "bob")
        start = time.perf_counter()
        theirs.add_label([4, 6], theirs.classes[1])
        theirs.set_review([6], "flagged", "box too big")
        _apply_until(mine, notes, lambda: mine.images["review"].iat[6] == "flagged")
        assert time.perf_counter() - start < 1.0
        assert [e.kind for e in events] == ["labels", "review"]
        assert events[0].rows.tolist() == [4, 6] and events[0].classes == (theirs.classes[1],)
        assert project_state(mine) == project_state(theirs)
        UndoStack().push(RenameClass(theirs, theirs.classes[2], "renamed by bob"))
        _apply_until(mine, notes, lambda: "renamed by bob" in mine.classes)
        assert events[-2].kind == "classes"
        assert project_state(mine) == project_state(theirs)
        run_events = []  # thresholds saved with a run: the suggestions there reload
        mine.run_events.connect(run_events.append)
        run = theirs.create_run({}, theirs.snapshot())
        theirs.save_thresholds(run, {"renamed by bob": 0.3})
        _apply_until(mine, notes, lambda: "run_thresholds" in [e.kind for e in run_events])
        assert run_events[-1].run_id == run
        assert mine.saved_thresholds(run) == {"renamed by bob": 0.3}
        _drain(mine, notes)
        mine.add_label([0], "mine")  # my own edit: applied at once, its note skipped
        seen = len(events)
        mine.apply_remote(notes.get(timeout=5))
        assert len(events) == seen
    finally:
        listener.stop()
        mine.close()
        theirs.close()


def test_another_process_merging_and_renaming_classes_reaches_an_open_app(pg_url,
                                                                          team_dataset):
    Project.create(pg_url, team_dataset).close()
    mine = Project.open(pg_url)
    events = []
    mine.events.connect(events.append)
    listener, notes = _listen(mine)
    try:
        first, second, third = mine.classes[:3]
        carried = mine.labels[:, :2].any(axis=1)
        subprocess.run([sys.executable, "-c", _CLASS_EDITS, pg_url], check=True, timeout=120)
        _apply_until(mine, notes, lambda: "renamed" in mine.classes)
        assert not {first, second, third} & set(mine.classes) and "merged" in mine.classes
        assert np.array_equal(mine.labels[:, mine.classes.index("merged")], carried)
        assert "classes" in [e.kind for e in events]
        with Project.open(pg_url, read_only=True) as fresh:
            assert project_state(mine) == project_state(fresh)
    finally:
        listener.stop()
        mine.close()


def test_two_annotators_on_one_image_both_win(pg_url, team_dataset):
    """Each process adds its own class to the same images while removing the first class
    from them: every add survives (different cells); the removals of the same cells
    both succeed (last writer wins), and the log holds every edit of both."""
    Project.create(pg_url, team_dataset).close()
    rows = ",".join(str(r) for r in range(10))
    editors = [subprocess.Popen([sys.executable, "-c", _EDITOR, pg_url, name, rows],
                                stdout=subprocess.PIPE, text=True)
               for name in ("ann", "bob")]
    for editor in editors:
        out, _ = editor.communicate(timeout=120)
        assert editor.returncode == 0 and out.strip() == "done"
    with Project.open(pg_url, read_only=True) as project:
        first = project.classes[0]
        for row in range(10):
            labels = project.labels_of(row)
            assert "ann" in labels and "bob" in labels and first not in labels
        log = project.edit_log()
        for name in ("ann", "bob"):
            assert (log["who"] == name).sum() == 20
        assert np.array_equal(project.labels[:10, project.classes.index("ann")], np.ones(10))


def test_split_edits_of_two_apps_both_survive_a_reopen(pg_url, team_dataset):
    """The splits are stored twice (the table and the reopen blob); an app whose memory
    is behind another's split edit must not write the old split back into the blob."""
    Project.create(pg_url, team_dataset).close()
    with Project.open(pg_url) as ann, Project.open(pg_url) as bob:
        ann.set_splits([0], ["excluded"])
        bob.set_splits([1], ["test"])  # bob has not heard of ann's edit
    with Project.open(pg_url, read_only=True) as again:
        assert again.images["split"].iloc[:2].tolist() == ["excluded", "test"]


def test_two_processes_adding_images_collide_on_no_id_and_lose_none(pg_url, team_dataset,
                                                                     tmp_path, capsys):
    """An app opened the project, then ``vocgui add`` in another process added 3 images:
    the app's Add Images of a folder holding those 3 and 2 more must number its 2 after
    the others' (no id collision) and skip the 3, not add them twice."""
    Project.create(pg_url, team_dataset).close()
    n = len(team_dataset.images)
    mine = tmp_path / "mine"
    for name in ("m1.jpg", "m2.jpg", "theirs/t1.jpg", "theirs/t2.jpg", "theirs/t3.jpg"):
        (mine / name).parent.mkdir(parents=True, exist_ok=True)
        write_jpeg(mine / name)
    app = subprocess.Popen([sys.executable, "-c", _ADDER, pg_url, str(mine)],
                           stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert int(app.stdout.readline()) == n  # the app's memory: the project before the add
    assert main(["add", pg_url, str(mine / "theirs")]) == 0  # this process: the other
    said = capsys.readouterr().out
    assert said.startswith("postgresql://vocgui@/") and "added 3 images" in said
    out, _ = app.communicate("go\n", timeout=120)
    assert app.returncode == 0 and out.split("\n")[0] == f"[{n + 3}, {n + 4}] 3"
    with Project.open(pg_url, read_only=True) as project:
        assert len(project.images) == n + 5 and project.n_unlabeled == 5
        assert sorted(project.images["filename"].iloc[n:]) == [
            "m1.jpg", "m2.jpg", "t1.jpg", "t2.jpg", "t3.jpg"]
        assert project.absolute_paths()[n:] == sorted(
            project.absolute_paths()[n:], key=lambda p: "theirs" not in p)
        added = [d["added"] for a, d in zip(project.edit_log()["action"],
                                            project.edit_log()["detail"], strict=True)
                 if a == "add_images"]
        assert added == [3, 2]
