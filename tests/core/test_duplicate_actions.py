"""Resolving duplicates: moving a group to one split, excluding copies, both undoable and
durable, and a resolved leak no longer reported."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from duplicates_helpers import PLANTED, planted_voc

from vocgui.core.duplicates.leaks import leak_warning
from vocgui.core.duplicates.report import find_duplicates
from vocgui.core.duplicates.resolve import exclusion_changes, same_split_changes
from vocgui.core.project import Project
from vocgui.core.project.commands import SetSplits, UndoStack


@pytest.fixture(scope="module")
def planted(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return planted_voc(tmp_path_factory.mktemp("dups"))[0]


def test_same_split_resolves_the_leak_in_one_undoable_durable_edit(planted, tmp_path):
    path = tmp_path / "p.vocgui"
    with Project.create_from_voc(path, planted, workers=1) as p:
        report = find_duplicates(p, workers=1)
        assert leak_warning(p, "official").startswith(
            "1 validation or test image has a near-copy on another side of the split: 1 by "
            "hash. ")
        assert leak_warning(p, "stratified") is None
        before = p.images["split"].tolist()
        rows, splits = same_split_changes(report.leaks)
        assert splits == ["train"]  # a tie between train and val keeps training data
        stack = UndoStack()
        stack.push(SetSplits(p, rows, splits))
        assert stack.undo_text() == "Move 1 image to 'train'"
        assert find_duplicates(p, workers=1).leaks == []
        assert leak_warning(p, "official") is None
        stack.undo()
        assert p.images["split"].tolist() == before
        assert len(find_duplicates(p, workers=1).leaks) == 1
        stack.redo()
    with Project.open(path) as p:  # on disk, in the table and in the columns blob
        assert p.images["split"].iat[int(rows[0])] == "train"
        assert p.images["split"].tolist() == ["train"] * len(before)
        assert find_duplicates(p, workers=1).leaks == []


def test_excluding_copies_keeps_one_image_per_group_out_of_training(planted, tmp_path):
    with Project.create_from_voc(tmp_path / "p.vocgui", planted, workers=1) as p:
        report = find_duplicates(p, workers=1)
        rows = exclusion_changes(report.groups)
        assert len(rows) == len(PLANTED)  # each group is a pair: one of two goes
        events = []
        p.events.connect(events.append)
        command = SetSplits(p, rows, "excluded")
        command.redo()
        assert command.text == f"Exclude {len(PLANTED)} images from training"
        assert [e.kind for e in events] == ["split"]
        assert np.array_equal(events[0].rows, rows)
        snapshot = p.snapshot()
        assert len(snapshot.frame) == len(p.images) - len(rows)
        assert not set(rows) & set(snapshot.frame["row"])
        assert exclusion_changes(find_duplicates(p, workers=1).groups).size == 0
        command.undo()
        assert len(p.snapshot().frame) == len(p.images)


def test_a_bad_split_is_refused_and_nothing_changes(planted, tmp_path):
    with Project.create_from_voc(tmp_path / "p.vocgui", planted, workers=1) as p:
        before = p.images["split"].tolist()
        with pytest.raises(ValueError, match="unknown split 'holdout'"):
            p.set_splits([0], ["holdout"])
        with pytest.raises(ValueError, match="2 splits for 1 rows"):
            p.set_splits([0], ["train", "val"])
        assert p.images["split"].tolist() == before
