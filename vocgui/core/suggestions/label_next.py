"""The "Label next" queue: unlabeled images, most uncertain first (uncertainty sampling)."""

from __future__ import annotations

import numpy as np

from vocgui.core.suggestions.scores import Suggestions


def label_next_queue(suggestions: Suggestions | None, labeled: np.ndarray) -> np.ndarray:
    """Row ids of the unlabeled images (``labeled`` False), most uncertain first; images
    the model did not score come last, in row order (all of them, without a model)."""
    unlabeled = np.flatnonzero(~np.asarray(labeled, dtype=bool))
    if suggestions is None:
        return unlabeled
    uncertainty = suggestions.uncertainty[unlabeled]
    key = np.where(np.isnan(uncertainty), -1.0, uncertainty)
    return unlabeled[np.argsort(-key, kind="stable")]


def next_to_label(queue: np.ndarray, current: int) -> int | None:
    """The image to label after ``current``: the one after it in ``queue`` when it is in
    the queue (so a skipped image does not come back at once), else the queue's first
    (the most uncertain left); None for an empty queue."""
    if not len(queue):
        return None
    at = np.flatnonzero(queue == current)
    if not len(at):
        return int(queue[0])
    return int(queue[(at[0] + 1) % len(queue)])
