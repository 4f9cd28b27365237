"""Per-class (one-vs-rest) confusion counts of a multi-label model at per-class thresholds.

The counts are those of scikit-learn's ``multilabel_confusion_matrix`` on
``scores >= thresholds``, but computed from scores sorted once per class, so moving a
threshold costs one binary search per class instead of a pass over every image: the
review views recompute them on every slider move.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

#: The four cells of a class's 2x2 matrix: true/false positives/negatives.
CELLS: tuple[str, ...] = ("tp", "fp", "fn", "tn")
#: Human names of the cells, for captions.
CELL_NAMES: dict[str, str] = {
    "tp": "true positives", "fp": "false positives",
    "fn": "false negatives", "tn": "true negatives",
}


def predicted(scores: np.ndarray, thresholds: np.ndarray | float) -> np.ndarray:
    """The predicted label matrix: a class is predicted when its score reaches its threshold."""
    return np.asarray(scores) >= thresholds


def _ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    """num / den, 0 where den is 0 (scikit-learn's ``zero_division=0``)."""
    num = np.asarray(num, dtype=np.float64)
    den = np.asarray(den, dtype=np.float64)
    return np.divide(num, den, out=np.zeros_like(num), where=den > 0)


@dataclass(frozen=True)
class ConfusionCounts:
    """TP/FP/FN/TN of every class at given thresholds, and the rates derived from them."""

    classes: tuple[str, ...]
    thresholds: np.ndarray
    tp: np.ndarray
    fp: np.ndarray
    fn: np.ndarray
    tn: np.ndarray

    def cell(self, name: str) -> np.ndarray:
        """Counts of one cell ('tp', 'fp', 'fn' or 'tn') for every class."""
        if name not in CELLS:
            raise ValueError(f"unknown confusion cell {name!r}; expected one of {CELLS}")
        return getattr(self, name)

    @property
    def support(self) -> np.ndarray:
        """Images that carry each class (true positives + false negatives)."""
        return self.tp + self.fn

    @property
    def precision(self) -> np.ndarray:
        return _ratio(self.tp, self.tp + self.fp)

    @property
    def recall(self) -> np.ndarray:
        return _ratio(self.tp, self.tp + self.fn)

    @property
    def f1(self) -> np.ndarray:
        return _ratio(2 * self.tp, 2 * self.tp + self.fp + self.fn)

    @property
    def false_positive_rate(self) -> np.ndarray:
        return _ratio(self.fp, self.fp + self.tn)

    def rates(self) -> np.ndarray:
        """(n_classes, 2, 2) row-normalised matrices: each true row sums to 1 (0 if empty)."""
        matrices = self.matrices().astype(np.float64)
        totals = matrices.sum(axis=2, keepdims=True)
        return np.divide(matrices, totals, out=np.zeros_like(matrices), where=totals > 0)

    def matrices(self) -> np.ndarray:
        """(n_classes, 2, 2) in scikit-learn's layout: ``[[tn, fp], [fn, tp]]``."""
        return np.stack([np.stack([self.tn, self.fp], axis=1),
                         np.stack([self.fn, self.tp], axis=1)], axis=1)


class ThresholdCounter:
    """Confusion counts of one set of predictions at any thresholds, in O(classes x log n).

    For each class the scores of the images that carry it and of those that do not are
    sorted once; the number of scores at or above a threshold is then one
    ``searchsorted``.
    """

    def __init__(self, y_true: np.ndarray, scores: np.ndarray, classes: Sequence[str]) -> None:
        y_true, scores = check_predictions(y_true, scores, classes)
        self.classes = tuple(classes)
        self._positives = [np.sort(scores[y_true[:, k], k]) for k in range(len(self.classes))]
        self._negatives = [np.sort(scores[~y_true[:, k], k]) for k in range(len(self.classes))]

    def counts(self, thresholds: np.ndarray) -> ConfusionCounts:
        """Counts at ``thresholds`` (one per class; see ``thresholds.threshold_array``)."""
        thresholds = np.asarray(thresholds, dtype=np.float64)
        if thresholds.shape != (len(self.classes),):
            raise ValueError(f"expected {len(self.classes)} thresholds, got shape "
                             f"{thresholds.shape}")
        n_pos = np.array([len(a) for a in self._positives], dtype=np.int64)
        n_neg = np.array([len(a) for a in self._negatives], dtype=np.int64)
        # Scores below the threshold: the first index where the threshold could be inserted.
        pos_below = np.array([np.searchsorted(a, t, side="left")
                              for a, t in zip(self._positives, thresholds, strict=True)],
                             dtype=np.int64)
        neg_below = np.array([np.searchsorted(a, t, side="left")
                              for a, t in zip(self._negatives, thresholds, strict=True)],
                             dtype=np.int64)
        return ConfusionCounts(
            classes=self.classes, thresholds=thresholds.copy(),
            tp=n_pos - pos_below, fp=n_neg - neg_below, fn=pos_below, tn=neg_below)


def check_predictions(y_true: np.ndarray, scores: np.ndarray,
                      classes: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """Validated (bool labels, float64 scores), both (n_images, n_classes)."""
    y_true = np.asarray(y_true)
    scores = np.asarray(scores, dtype=np.float64)
    if scores.ndim != 2 or scores.shape[1] != len(classes):
        raise ValueError(f"scores must be (n_images, {len(classes)}), got {scores.shape}")
    if y_true.shape != scores.shape:
        raise ValueError(f"true labels {y_true.shape} and scores {scores.shape} differ in shape")
    if not np.isfinite(scores).all():
        raise ValueError("scores contain NaN or infinite values")
    return y_true.astype(bool), scores


def cell_members(y_true: np.ndarray, scores: np.ndarray, class_index: int, threshold: float,
                 cell: str) -> np.ndarray:
    """Positions (into the prediction arrays) of the images in one cell of one class's
    matrix, highest score first."""
    truth = np.asarray(y_true[:, class_index], dtype=bool)
    column = np.asarray(scores[:, class_index], dtype=np.float64)
    hit = column >= threshold
    masks = {"tp": truth & hit, "fp": ~truth & hit, "fn": truth & ~hit, "tn": ~truth & ~hit}
    if cell not in masks:
        raise ValueError(f"unknown confusion cell {cell!r}; expected one of {CELLS}")
    members = np.flatnonzero(masks[cell])
    return members[np.argsort(-column[members], kind="stable")]


def class_order(counts: ConfusionCounts, by: str = "support") -> np.ndarray:
    """Class indices in display order: 'support' (most images first), 'f1' (worst first)
    or 'name' (the project's class order)."""
    if by == "support":
        return np.argsort(-counts.support, kind="stable")
    if by == "f1":
        return np.argsort(counts.f1, kind="stable")
    if by == "name":
        return np.arange(len(counts.classes))
    raise ValueError(f"unknown class order {by!r}; expected 'support', 'f1' or 'name'")
