"""Team labeling on a PostgreSQL project: two Project instances (two connections, as two
vocgui processes would have) claiming at once, labeling the agreement sample and editing.

Needs a PostgreSQL server (the ``pg_url`` fixture starts a throwaway one, or skips
saying how to get one).
"""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
from helpers_project import load_dataset

from vocgui.core.evaluation.agreement import agreement_report
from vocgui.core.project import Project
from vocgui.core.project.commands import AddLabel, UndoStack
from vocgui.core.project.user import set_user


def test_two_connections_claiming_at_once_never_share_an_image(pg_url, voc_sample: Path
                                                                ) -> None:
    Project.create(pg_url, load_dataset(voc_sample / "JPEGImages")).close()
    got: dict[int, list[int]] = {}
    start = threading.Barrier(2)

    def claim(k: int) -> None:
        with Project.open(pg_url) as p:  # each thread its own project and connection
            start.wait()
            got[k] = [r for _ in range(12) for r in p.claim_next(4).tolist()]

    threads = [threading.Thread(target=claim, args=(k,)) for k in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    every = got[0] + got[1]
    assert len(every) == 96 and len(set(every)) == 96  # nobody got an image twice
    with Project.open(pg_url, read_only=True) as p:
        assert len(p.claims()) == 96 and len(p.claimed_rows("none")) == 4


def test_annotators_on_two_instances_share_the_team_tables(pg_url, voc_sample: Path
                                                           ) -> None:
    ann = Project.create(pg_url, load_dataset(voc_sample))
    bob = Project.open(pg_url)
    try:
        sample = ann.add_to_agreement(3, seed=2).tolist()
        set_user("ann")
        for row in sample:
            ann.set_agreement_labels(row, ["dog"])
        set_user("bob")
        for row, labels in zip(sample, (["dog"], [], ["dog", "cat"]), strict=True):
            bob.set_agreement_labels(row, labels)
        bob.set_review([7], "flagged")
        report = agreement_report(ann.agreement_labels())  # bob's labels, read by ann
        assert (report.a, report.b, report.n_images) == ("ann", "bob", 3)
        assert [d.row for d in report.disagreements] == [sample[1], sample[2]]
        assert ann.last_editors()[7] == "bob"

        set_user("ann")  # undo among users, through the PostgreSQL store
        stack = UndoStack()
        stack.push(AddLabel(ann, [0, 1], "sofa"))
        set_user("bob")
        ann.remove_label([1], "sofa")
        set_user("ann")
        stack.undo()
        assert "bob" in stack._commands[0].left.message()
        assert "sofa" not in ann.labels_of(0) and "sofa" not in ann.labels_of(1)
        # ann's undo changed image 0 only: image 1 is as bob left it
        assert ann.last_editors()[[0, 1]].tolist() == ["ann", "bob"]
    finally:
        bob.close()
        ann.close()


def test_a_class_merge_keeps_labels_its_app_had_not_heard_of(pg_url, voc_sample: Path
                                                             ) -> None:
    """bob merges two classes with a memory behind ann's last edits: her new label of a
    merged class moves to the target too (it is not deleted with its class), and an
    image she gave the target already is not given it twice. A class she has just made
    is the one bob's label of the same name uses."""
    ann = Project.create(pg_url, load_dataset(voc_sample))
    bob = Project.open(pg_url)
    try:
        first, second, target = ann.classes[:3]
        carries = ann.labels[:, :3].any(axis=1)
        fresh, both = (int(r) for r in np.flatnonzero(~carries)[:2])
        ann.add_label([fresh], first)
        ann.add_label([both], second)
        ann.add_label([both], target)
        bob.merge_classes([first, second], target)
        assert target in bob.labels_of(fresh) and target in bob.labels_of(both)
        ann.add_label([fresh], "zebra")  # a new class, which bob has not heard of
        bob.add_label([both], "zebra")  # the same class, not a second one (nor a refusal)
        assert bob.classes.count("zebra") == 1 and "zebra" in bob.labels_of(fresh)
        with Project.open(pg_url, read_only=True) as again:
            assert {first, second} & set(again.classes) == set()
            assert np.array_equal(again.labels, bob.labels)
            assert again.labels[[fresh, both], again.classes.index(target)].all()
    finally:
        bob.close()
        ann.close()
