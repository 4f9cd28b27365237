"""What the duplicate actions change: one split per group, or one image kept per group.

Both return plain (rows, splits) for :class:`vocgui.core.project.commands.SetSplits`, so
an action over many groups is one undoable edit.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import numpy as np

from vocgui.core.duplicates.groups import DuplicateGroup

#: On a tie, the split a group moves to: keeping copies in training loses no training data.
_PREFERENCE = ("train", "val", "test", "", "excluded")


def group_split(group: DuplicateGroup) -> str:
    """The split most of the group's (not excluded) images are in; ties go to train, then
    val, then test."""
    counts = Counter(s for s in group.splits if s != "excluded") or Counter(group.splits)
    return min(counts, key=lambda s: (-counts[s], _PREFERENCE.index(s)
                                      if s in _PREFERENCE else len(_PREFERENCE)))


def same_split_changes(groups: Sequence[DuplicateGroup]) -> tuple[np.ndarray, list[str]]:
    """Rows to move so each group's images share its :func:`group_split` (excluded
    images stay excluded), and the split each moves to."""
    rows, splits = [], []
    for group in groups:
        target = group_split(group)
        for row, split in zip(group.rows, group.splits, strict=True):
            if split not in (target, "excluded"):
                rows.append(row)
                splits.append(target)
    return np.asarray(rows, dtype=np.int64), splits


def exclusion_changes(groups: Sequence[DuplicateGroup]) -> np.ndarray:
    """Rows to exclude so each group keeps one image: its first in :func:`group_split`."""
    rows = []
    for group in groups:
        target = group_split(group)
        keep = next(r for r, s in zip(group.rows, group.splits, strict=True) if s == target)
        rows.extend(r for r, s in zip(group.rows, group.splits, strict=True)
                    if r != keep and s != "excluded")
    return np.asarray(sorted(rows), dtype=np.int64)
