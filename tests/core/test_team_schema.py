"""Schema 5 (team labeling): the migration, and who last edited each image."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import numpy as np
import pytest
from helpers_project import load_dataset

from vocgui.core.project import SCHEMA_VERSION, Project
from vocgui.core.project.commands import (
    AddLabel,
    DeleteClass,
    MergeClasses,
    SetReview,
    UndoStack,
)
from vocgui.core.project.schema import TEAM_DDL
from vocgui.core.project.user import USER_ENV, check_user_name, current_user, set_user

V1_FILE = Path(__file__).parent / "data" / "schema_v1.vocgui"
TEAM_TABLES = ("image_edits", "claims", "agreement_images", "agreement_labels")


def test_an_old_project_gains_the_team_tables_and_keeps_who_edited(tmp_path: Path) -> None:
    path = tmp_path / "old.vocgui"
    shutil.copy(V1_FILE, path)
    with Project.open(path, read_only=True) as p:  # not migrated: the team reads are empty
        assert not p.has_team_tables and p.last_editors().tolist() == ["", "", ""]
        assert p.claims().empty and not len(p.claimed_rows("mine"))
        assert not len(p.agreement_labels().rows) and p.settled_marks([0]) == [""]
    with Project.open(path) as p:
        # The v1 file's log: 'root' marked image 2 reviewed; nobody edited 0 and 1.
        assert p.last_editors().tolist() == ["", "", "root"]
    conn = sqlite3.connect(path)
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert set(TEAM_TABLES) <= tables
    assert conn.execute("SELECT value FROM meta WHERE key = 'schema_version'"
                        ).fetchone()[0] == str(SCHEMA_VERSION) == "6"
    conn.close()
    assert all(f"CREATE TABLE {t} " in TEAM_DDL for t in TEAM_TABLES)


def test_the_user_is_configured_in_one_place(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(USER_ENV, "  ann  ")
    assert current_user() == "ann"
    set_user("bob")
    assert current_user() == "bob"
    set_user(None)
    monkeypatch.setenv(USER_ENV, "\x07")  # unusable: the login name instead
    assert current_user() not in ("", "\x07")
    for bad in ("", "   ", "x" * 65, "a\nb"):
        with pytest.raises(ValueError):
            check_user_name(bad)


def test_label_and_review_edits_record_the_last_editor(voc_sample: Path,
                                                       tmp_path: Path) -> None:
    with Project.create(tmp_path / "p.vocgui", load_dataset(voc_sample)) as p:
        stack = UndoStack()
        set_user("ann")
        stack.push(AddLabel(p, [0, 1, 2], "a new class"))
        set_user("bob")
        stack.push(SetReview(p, [2, 3], "flagged"))
        assert p.last_editors()[:5].tolist() == ["ann", "ann", "bob", "bob", ""]
        set_user("cy")
        stack.undo()  # the undo is cy's edit of images 2 and 3
        assert p.last_editors()[:5].tolist() == ["ann", "ann", "cy", "cy", ""]
        assert p.edit_log()["who"].tolist()[-3:] == ["ann", "bob", "cy"]
    with Project.open(tmp_path / "p.vocgui", read_only=True) as p:
        assert p.last_editors()[3] == "cy"


def test_class_merges_and_deletes_record_who_relabelled_the_images(voc_sample: Path,
                                                                  tmp_path: Path) -> None:
    with Project.create(tmp_path / "p.vocgui", load_dataset(voc_sample)) as p:
        first, second, third = p.classes[:3]
        labels = p.labels  # columns in class order
        with_second, with_third = labels[:, 1], labels[:, 2]
        only_first = labels[:, 0] & ~with_second
        assert only_first.any() and with_second.any() and with_third.any()
        start = p.log_position()
        stack = UndoStack()
        set_user("ann")
        stack.push(MergeClasses(p, [first, second], first))
        editors = p.last_editors().to_numpy()
        # Images that carried the second class were relabelled; those with only the
        # first keep their labels, so nobody is named for them.
        assert (editors[with_second] == "ann").all()
        assert (editors[only_first & ~with_third] == "").all()
        set_user("bob")
        stack.push(DeleteClass(p, third))
        editors = p.last_editors().to_numpy()
        assert (editors[with_third] == "bob").all()
        assert (editors[with_second & ~with_third] == "ann").all()
        set_user("cy")
        stack.undo()  # cy puts the third class back on its images
        assert (p.last_editors().to_numpy()[with_third] == "cy").all()
        set_user("ann")  # what ann's undo would be told: others changed these since
        assert p.editors_since(start, np.flatnonzero(with_third)) == {
            int(r): "cy" for r in np.flatnonzero(with_third)}
    with Project.open(tmp_path / "p.vocgui", read_only=True) as p:  # it was committed
        assert (p.last_editors().to_numpy()[with_second & ~with_third] == "ann").all()
