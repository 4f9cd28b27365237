"""Damaged project files, a second writer through another name, abandoned runs
(issue 10, items 8, 10, 11)."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from test_project_file import _open_in_child as open_in_child
from voc_xml_helpers import annotation_xml, object_xml, write_voc

from vocgui.core.project import NotAProjectError, Project, ProjectError, ProjectLockedError
from vocgui.core.project.runs import ABANDONED_MESSAGE
from vocgui.core.voc import load_voc

REPO = Path(__file__).resolve().parents[2]
CLASSES = ("cat", "dog", "bird", "cow")


@pytest.fixture()
def project_path(tmp_path: Path) -> Path:
    """A 60-image project (some pages of every table) made from generated XMLs."""
    xmls = {f"i{i:03d}.xml": annotation_xml(f"i{i:03d}.jpg", [
        object_xml(CLASSES[i % 4]), object_xml(CLASSES[(i // 4) % 4])]) for i in range(60)}
    dataset = load_voc(write_voc(tmp_path / "voc", xmls), workers=1)
    path = tmp_path / "p.vocgui"
    with Project.create(path, dataset) as project:
        project.set_review([1, 2], "flagged", note="look")
    return path


def test_random_damage_is_refused_or_harmless(project_path: Path, tmp_path: Path) -> None:
    """512 random bytes in the middle: the file is refused as damaged (never an uncaught
    error), or it opens, passes SQLite's full integrity check, and takes an edit."""
    pristine = project_path.read_bytes()
    rng = random.Random(10)
    refused = 0
    for trial in range(40):
        damaged = tmp_path / f"d{trial}.vocgui"
        data = bytearray(pristine)
        offset = rng.randrange(len(data) // 4, len(data) * 3 // 4)
        data[offset:offset + 512] = rng.randbytes(512)
        damaged.write_bytes(bytes(data))
        try:
            project = Project.open(damaged)
        except ProjectError as error:
            refused += 1
            assert str(damaged) in str(error)
            continue
        with project:
            conn = project._store.conn
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok", trial
            project.add_label([0], "edited")
            assert "edited" in project.labels_of(0)
    assert refused > 0


def test_a_damaged_image_blob_says_the_file_is_damaged(project_path: Path) -> None:
    conn = sqlite3.connect(project_path)
    (blob,) = conn.execute("SELECT data FROM image_columns").fetchone()
    middle = len(blob) // 2
    broken = blob[:middle] + bytes(b ^ 0xFF for b in blob[middle:middle + 64]) + \
        blob[middle + 64:]
    conn.execute("UPDATE image_columns SET data = ?", (broken,))
    conn.commit()
    conn.close()
    with pytest.raises(NotAProjectError, match="the project file is damaged") as error:
        Project.open(project_path)
    message = str(error.value)
    assert str(project_path) in message and "checksum" in message
    assert "open them again" in message and ".recover" in message


def test_a_corrupt_page_is_found_on_open(project_path: Path) -> None:
    """A damaged b-tree page that SQLite would only trip over later is found by the
    quick check on open (read-only too), before any edit can make things worse."""
    conn = sqlite3.connect(project_path)
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    (root,) = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'edit_log'"
                           ).fetchone()
    conn.close()
    data = bytearray(project_path.read_bytes())
    start = (root - 1) * page_size
    data[start + 8:start + 12] = b"\xff\xff\xff\xff"  # cell count and first cell offset
    project_path.write_bytes(bytes(data))
    for read_only in (False, True):
        with pytest.raises(NotAProjectError, match="the project file is damaged"):
            Project.open(project_path, read_only=read_only)


def _open_in_child(path: Path) -> str:
    """What a second process gets when it opens ``path`` for editing."""
    return open_in_child(path, read_only=False).stdout


def test_the_lock_holds_through_symlinks_and_hard_links(project_path: Path,
                                                         tmp_path: Path) -> None:
    (tmp_path / "elsewhere").mkdir()
    symlink = tmp_path / "elsewhere" / "link.vocgui"
    symlink.symlink_to(project_path)
    hard = tmp_path / "elsewhere" / "hard.vocgui"
    os.link(project_path, hard)
    with Project.open(project_path):
        assert f"pid {os.getpid()}" in _open_in_child(symlink)
        for other in (symlink, hard):
            assert _open_in_child(other).startswith("LOCKED")
            with pytest.raises(ProjectLockedError, match="this process"):
                Project.open(other)
        with Project.open(hard, read_only=True) as reader:  # readers are welcome
            assert len(reader.images) == 60
    with Project.open(hard) as writer:
        writer.add_label([0], "via the hard link")
        assert _open_in_child(symlink).startswith("LOCKED")
    assert _open_in_child(symlink).startswith("OPEN")
    with Project.open(project_path) as p:
        assert "via the hard link" in p.labels_of(0)


def test_a_run_whose_driver_was_killed_is_marked_failed_on_open(project_path: Path) -> None:
    code = textwrap.dedent(f"""
        import time
        from vocgui.core.project import Project
        p = Project.open({str(project_path)!r})
        run = p.create_run({{"epochs": 3}}, p.snapshot())
        p.log_epoch(run, 1, {{"loss": 0.5}})
        print(run, flush=True)
        time.sleep(120)
    """)
    driver = subprocess.Popen([sys.executable, "-c", code], cwd=REPO, stdout=subprocess.PIPE,
                              text=True)
    run_id = int(driver.stdout.readline())
    driver.send_signal(signal.SIGKILL)
    driver.wait(timeout=30)
    with Project.open(project_path, read_only=True) as reader:  # a reader changes nothing
        assert reader.run(run_id)["status"] == "running"
    with Project.open(project_path) as p:
        run = p.run(run_id)
        assert run["status"] == "failed" and run["message"] == ABANDONED_MESSAGE
        assert run["finished"] and [e["epoch"] for e in run["epochs"]] == [1]
        assert p.edit_log()["action"].iloc[-1] == "abandon_runs"
