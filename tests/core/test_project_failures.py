"""Disk full, read-only file or folder: a clear error naming the file, memory and file
unchanged, and the project still usable afterwards."""

from __future__ import annotations

import hashlib
import os
import subprocess
import textwrap
from pathlib import Path

import numpy as np
import pytest
from helpers_project import load_dataset, project_state
from unprivileged import unprivileged_python

from vocgui.core.project import ChangeEvent, Project, ProjectIOError


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _try_open_in_child(path: Path) -> list[str]:
    code = textwrap.dedent(f"""
        from vocgui.core.project import Project, ProjectIOError
        try:
            Project.open({str(path)!r})
        except ProjectIOError as exc:
            print("REFUSED", exc)
        else:
            print("OPENED FOR EDITING")
        with Project.open({str(path)!r}, read_only=True) as p:
            print("READ", len(p.images), p.labels_of(0))
    """)
    done = subprocess.run([*unprivileged_python(), "-c", code], capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout.splitlines()


@pytest.fixture()
def project_path(voc_sample: Path, tmp_path: Path) -> Path:
    path = tmp_path / "p.vocgui"
    with Project.create(path, load_dataset(voc_sample)) as p:
        p.set_labels([0], ["before"])
    return path


def test_disk_full_during_an_edit_changes_nothing(project_path: Path) -> None:
    with Project.open(project_path) as p:
        events: list[ChangeEvent] = []
        p.events.connect(events.append)
        before = project_state(p)
        # SQLite's page limit makes the file genuinely full: the next write gets SQLITE_FULL.
        pages = p._store.conn.execute("PRAGMA page_count").fetchone()[0]
        p._store.conn.execute(f"PRAGMA max_page_count = {pages}")
        with pytest.raises(ProjectIOError) as err:
            # Long names: the edit (labels + its log entry) needs pages the file lacks.
            p.set_row_labels(np.arange(100), [[f"class {i} {'x' * 300}" for i in range(r % 7)]
                                              for r in range(100)])
        assert str(project_path) in str(err.value) and "disk is full" in str(err.value)
        assert "nothing was changed" in str(err.value)
        assert project_state(p) == before and events == []
        p._store.conn.execute("PRAGMA max_page_count = 1073741823")  # space freed
        p.add_label([1], "after")
        assert "after" in p.labels_of(1)
    with Project.open(project_path) as again:
        assert again.labels_of(0) == ("before",) and len(again.classes) == 22
        assert again._store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_a_full_filesystem_is_reported(voc_sample: Path, tmp_path: Path) -> None:
    mount = tmp_path / "tiny"
    mount.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mount)],
                      capture_output=True).returncode != 0:
        pytest.skip("cannot mount a small tmpfs here (needs root); the page-limit test covers "
                    "a full database")
    try:
        with Project.create(mount / "p.vocgui", load_dataset(voc_sample)) as p:
            filler = mount / "filler"
            with open(filler, "wb") as fh, pytest.raises(OSError):
                while True:
                    fh.write(b"\0" * 65536)
                    fh.flush()
            before = project_state(p)
            with pytest.raises(ProjectIOError, match="disk is full|could not"):
                for i in range(200):  # until the WAL needs a page the disk does not have
                    p.set_row_labels(np.arange(100), [[f"c{i} {j}"] for j in range(100)])
                    before = project_state(p)
            assert project_state(p) == before
            filler.unlink()
            p.add_label([0], "space again")
        with Project.open(mount / "p.vocgui", read_only=True) as again:
            assert "space again" in again.labels_of(0)
    finally:
        subprocess.run(["umount", str(mount)], check=True)


def test_a_read_only_file_is_refused_for_editing_but_readable(project_path: Path) -> None:
    os.chmod(project_path.parent, 0o777)  # the folder stays writable: only the file is not
    os.chmod(project_path, 0o444)
    before = _digest(project_path)
    refused, read = _try_open_in_child(project_path)
    assert refused.startswith(f"REFUSED {project_path}")
    assert "read-only" in refused
    assert read == "READ 100 ('before',)"
    assert _digest(project_path) == before


def test_a_read_only_folder_is_refused_for_editing_but_readable(project_path: Path) -> None:
    os.chmod(project_path.parent, 0o555)
    try:
        refused, read = _try_open_in_child(project_path)
    finally:
        os.chmod(project_path.parent, 0o755)
    assert refused.startswith(f"REFUSED {project_path}") and "read-only" in refused
    assert read == "READ 100 ('before',)"
