"""Precision-recall curves per class, with average precision, for the review views.

The curves do not depend on the thresholds, so they are computed once per run; the
operating point at the current thresholds is (recall, precision) of the live confusion
counts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from sklearn.metrics import precision_recall_curve

from vocgui.core.evaluation.confusion import ConfusionCounts, check_predictions
from vocgui.core.evaluation.metrics import average_precisions


@dataclass(frozen=True)
class PRCurve:
    """One class's precision-recall curve (scikit-learn's, recall decreasing)."""

    class_name: str
    precision: np.ndarray
    recall: np.ndarray
    #: Score thresholds, one fewer than points (see ``precision_recall_curve``).
    thresholds: np.ndarray
    #: Average precision; NaN for a class with no positives.
    average_precision: float
    support: int


def pr_curves(y_true: np.ndarray, scores: np.ndarray, classes: Sequence[str]) -> list[PRCurve]:
    """One :class:`PRCurve` per class; a class with no positives gets empty arrays."""
    y_true, scores = check_predictions(y_true, scores, classes)
    ap = average_precisions(y_true, scores)
    curves = []
    for k, name in enumerate(classes):
        truth = y_true[:, k]
        support = int(truth.sum())
        if support == 0:
            empty = np.zeros(0)
            curves.append(PRCurve(name, empty, empty, empty, float("nan"), 0))
            continue
        precision, recall, thresholds = precision_recall_curve(truth, scores[:, k])
        curves.append(PRCurve(name, precision, recall, thresholds, float(ap[k]), support))
    return curves


def operating_points(counts: ConfusionCounts) -> np.ndarray:
    """(n_classes, 2) array of (recall, precision) at the thresholds of ``counts``."""
    return np.column_stack([counts.recall, counts.precision])
