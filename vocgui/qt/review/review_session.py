"""The state the review views share: the run under review and the thresholds.

Every view listens to :class:`ReviewSession`; moving a threshold recomputes the
confusion counts once (one binary search per class) and emits ``counts_changed``.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
from PySide6.QtCore import QObject, Signal

from vocgui.core.evaluation.confusion import ConfusionCounts, class_order
from vocgui.core.evaluation.run_review import RunReview

#: Panel/table orders the user can choose, and their captions.
ORDERS = {"support": "support", "f1": "F1 (worst first)", "name": "class order"}


class ReviewSession(QObject):
    """The run being reviewed, its thresholds and the counts at them."""

    #: A run was loaded (or cleared); views rebuild (curves, class lists).
    review_changed = Signal()
    #: Thresholds or order changed: (ConfusionCounts). Views update cheaply.
    counts_changed = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.review: RunReview | None = None
        self.run_id: int | None = None
        self.run_threshold = 0.5
        self.thresholds = np.zeros(0)
        self.counts: ConfusionCounts | None = None
        self.order_by = "support"

    def set_review(self, run_id: int | None, review: RunReview | None,
                   threshold: float = 0.5, saved: Mapping[str, float] | None = None) -> None:
        """Review ``review`` (of run ``run_id``) starting at the thresholds ``saved`` with
        the run where it has them (by class name), else at one for all classes."""
        self.review, self.run_id, self.run_threshold = review, run_id, float(threshold)
        classes = () if review is None else review.classes
        saved = saved or {}
        self.thresholds = np.array([saved.get(c, self.run_threshold) for c in classes],
                                   dtype=np.float64)
        self.counts = None if review is None else review.counts(self.thresholds)
        self.review_changed.emit()
        if self.counts is not None:
            self.counts_changed.emit(self.counts)

    def order(self) -> np.ndarray:
        """Class indices in the chosen display order."""
        if self.counts is None:
            return np.zeros(0, dtype=np.int64)
        return class_order(self.counts, self.order_by)

    def set_order(self, by: str) -> None:
        if by not in ORDERS:
            raise ValueError(f"unknown order {by!r}; expected one of {list(ORDERS)}")
        self.order_by = by
        self._recount()

    def set_thresholds(self, thresholds: np.ndarray) -> None:
        if self.review is None:
            return
        self.thresholds = self.review.thresholds(thresholds)
        self._recount()

    def set_global_threshold(self, value: float) -> None:
        """The same threshold for every class."""
        self.set_thresholds(np.full(len(self.thresholds), float(value)))

    def set_class_threshold(self, class_index: int, value: float) -> None:
        thresholds = self.thresholds.copy()
        thresholds[class_index] = float(value)
        self.set_thresholds(thresholds)

    def apply_best_thresholds(self) -> pd.DataFrame | None:
        """Set each class's threshold to its best validation F1; returns the per-class
        frame of ``RunReview.best_thresholds`` (with the gains), None without a run."""
        if self.review is None:
            return None
        best = self.review.best_thresholds(self.thresholds)
        self.set_thresholds(best["threshold"].to_numpy())
        return best

    def threshold_map(self) -> dict[str, float]:
        """The current thresholds by class name (what "Save thresholds" keeps)."""
        if self.review is None:
            return {}
        return {c: float(t) for c, t in zip(self.review.classes, self.thresholds, strict=True)}

    def _recount(self) -> None:
        if self.review is None:
            return
        self.counts = self.review.counts(self.thresholds)
        self.counts_changed.emit(self.counts)
