"""Undo among several users: it reverts only the cells of one's own edit that nobody
changed since, and says which it left.

Two users write through one store in the first tests (the configured user is switched
between their edits); a second process cannot open an SQLite project for editing, so two
processes on one project are tested on PostgreSQL.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from helpers_project import load_dataset

from vocgui.core.project import Project
from vocgui.core.project.commands import AddLabel, SetLabels, SetReview, UndoStack
from vocgui.core.project.user import set_user


def test_undo_leaves_cells_another_user_changed_since(voc_sample: Path,
                                                      tmp_path: Path) -> None:
    with Project.create(tmp_path / "p.vocgui", load_dataset(voc_sample)) as p:
        stack = UndoStack()
        set_user("ann")
        before = [p.labels_of(r) for r in (0, 1, 2)]
        stack.push(AddLabel(p, [0, 1, 2], "sofa"))
        stack.push(AddLabel(p, [0, 1], "kite"))  # a class ann's edit creates
        set_user("bob")
        p.remove_label([1], "sofa")  # bob's edits: the same cell, and another class
        p.add_label([2], "dog")
        p.add_label([5], "kite")  # bob uses the class ann created
        set_user("ann")
        stack.undo()  # ann's 'kite': bob uses the class, so it stays; ann's cells go
        assert "kite" in p.classes and stack.undo_text().startswith("Add 'sofa'")
        assert "kite" not in p.labels_of(0) + p.labels_of(1) and "kite" in p.labels_of(5)
        stack.undo()
        command = stack._commands[0]
        assert "sofa" not in p.labels_of(0) and "sofa" not in p.labels_of(2)
        assert "dog" in p.labels_of(2)  # bob's other class of the same image stays
        assert p.labels_of(1) == tuple(sorted(set(before[1]) - {"sofa"}))
        message = command.left.message()
        assert "Undo left 1 change" in message and "'sofa'" in message
        assert p.images["filename"].iat[1] in message and "bob" in message
        assert p.edit_log()["who"].tolist()[-2:] == ["ann", "ann"]


def test_undo_alone_is_exact_and_review_keeps_a_later_mark(voc_sample: Path,
                                                           tmp_path: Path) -> None:
    with Project.create(tmp_path / "p.vocgui", load_dataset(voc_sample)) as p:
        stack = UndoStack()
        labels = p.labels.copy()
        stack.push(SetLabels(p, [3, 4], ["brand new"]))
        stack.undo()
        assert (p.labels == labels).all() and "brand new" not in p.classes
        assert stack._commands[0].left.message() == ""
        set_user("ann")
        stack.push(SetReview(p, [3, 4], "flagged", "check"))
        set_user("bob")
        p.set_review([4], "reviewed")
        set_user("ann")
        stack.undo()
        assert p.images["review"].iat[3] == "unreviewed" and p.images["note"].iat[3] == ""
        assert p.images["review"].iat[4] == "reviewed"
        assert "the review of" in stack._commands[0].left.message()


#: bob, in a vocgui process of his own: the same cells as ann's edits of image 1.
_BOB = """
import sys
from vocgui.core.project import Project
from vocgui.core.project.user import set_user
set_user("bob")
with Project.open(sys.argv[1]) as project:
    project.remove_label([1], sys.argv[2])
    project.set_review([1], "reviewed")
"""


def test_undo_across_two_processes_leaves_what_the_other_changed(pg_url, voc_sample: Path
                                                                 ) -> None:
    """ann adds a class to images 0-2 and flags 0 and 1; bob, in another process, takes
    the class off image 1 and marks it reviewed. ann's app has not heard of it (no
    listener here), yet her undos say so and leave image 1 as bob left it, and revert
    images 0 and 2, which nobody touched."""
    with Project.create(pg_url, load_dataset(voc_sample)) as p:
        name = next(c for c in p.classes if not {c} & {*p.labels_of(0), *p.labels_of(1),
                                                       *p.labels_of(2)})
        set_user("ann")
        stack = UndoStack()
        stack.push(AddLabel(p, [0, 1, 2], name))
        stack.push(SetReview(p, [0, 1], "flagged"))
        subprocess.run([sys.executable, "-c", _BOB, pg_url, name], check=True, timeout=120)
        stack.undo()
        assert "the review of" in stack._commands[1].left.message()
        assert p.images["review"].iloc[:2].tolist() == ["unreviewed", "reviewed"]
        stack.undo()
        message = stack._commands[0].left.message()
        assert "Undo left 1 change" in message and repr(name) in message and "bob" in message
        assert p.images["filename"].iat[1] in message
        assert not {name} & {*p.labels_of(0), *p.labels_of(1), *p.labels_of(2)}
    with Project.open(pg_url, read_only=True) as again:
        assert again.images["review"].iloc[:2].tolist() == ["unreviewed", "reviewed"]
        assert not again.labels[:3, again.classes.index(name)].any()
        assert again.edit_log()["who"].tolist()[-4:] == ["bob", "bob", "ann", "ann"]
