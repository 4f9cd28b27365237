"""Multi-label classification metrics at a threshold, shared by training and the review views.

Pure numpy/scikit-learn. ``y_true`` is the boolean label matrix (n_images x n_classes,
column order = class order), ``scores`` the predicted probabilities of the same shape.
The mAP is the PASCAL VOC classification metric as scikit-learn computes it: the mean of
:func:`sklearn.metrics.average_precision_score` per class, over the classes that have at
least one positive (AP is undefined without positives; those classes are reported in
``ap_excluded`` instead of silently counting as 0 or 1).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from sklearn.metrics import (
    average_precision_score,
    hamming_loss,
    precision_recall_fscore_support,
)


def _as_arrays(
    y_true: np.ndarray, scores: np.ndarray, thresholds: float | np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Validated (y_true bool, scores float, y_pred bool) with matching 2-D shapes."""
    y = np.asarray(y_true).astype(bool)
    s = np.asarray(scores, dtype=np.float64)
    if y.ndim != 2 or s.shape != y.shape:
        raise ValueError(
            f"y_true and scores must be 2-D arrays of the same shape, got {y.shape} and {s.shape}"
        )
    t = np.asarray(thresholds, dtype=np.float64)
    if t.ndim not in (0, 1) or (t.ndim == 1 and t.shape[0] != y.shape[1]):
        raise ValueError(
            f"thresholds must be a number or one per class ({y.shape[1]}), got shape {t.shape}"
        )
    return y, s, s >= t


def average_precisions(y_true: np.ndarray, scores: np.ndarray) -> np.ndarray:
    """Per-class average precision; NaN for a class with no positive example."""
    y = np.asarray(y_true).astype(bool)
    s = np.asarray(scores, dtype=np.float64)
    ap = np.full(y.shape[1], np.nan)
    for j in range(y.shape[1]):
        if y[:, j].any():
            ap[j] = average_precision_score(y[:, j], s[:, j])
    return ap


def classification_metrics(
    y_true: np.ndarray,
    scores: np.ndarray,
    thresholds: float | np.ndarray = 0.5,
    classes: Sequence[str] | None = None,
) -> dict:
    """Summary metrics of multi-label predictions at ``thresholds`` (one, or one per class).

    Returns a JSON-able dict: ``f1_micro``, ``f1_macro``, ``f1_weighted``, the same for
    ``precision_*`` and ``recall_*``, ``ap`` (list, one per class, None where undefined),
    ``map`` (None when no class has a positive), ``ap_excluded`` (names, or indices when
    ``classes`` is not given, of the classes left out of the mAP), ``hamming_loss``,
    ``subset_accuracy`` and ``n_samples``. Undefined ratios (no predicted or no true
    positive) count as 0, as scikit-learn's ``zero_division=0``.
    """
    y, s, pred = _as_arrays(y_true, scores, thresholds)
    out: dict = {"n_samples": int(y.shape[0])}
    for average in ("micro", "macro", "weighted"):
        p, r, f, _ = precision_recall_fscore_support(
            y, pred, average=average, zero_division=0
        )
        out[f"precision_{average}"] = float(p)
        out[f"recall_{average}"] = float(r)
        out[f"f1_{average}"] = float(f)
    ap = average_precisions(y, s)
    names = list(classes) if classes is not None else list(range(y.shape[1]))
    out["ap"] = [None if np.isnan(v) else float(v) for v in ap]
    out["map"] = float(np.nanmean(ap)) if np.isfinite(ap).any() else None
    out["ap_excluded"] = [names[j] for j in np.flatnonzero(np.isnan(ap))]
    out["hamming_loss"] = float(hamming_loss(y, pred)) if y.size else 0.0
    out["subset_accuracy"] = float(np.all(y == pred, axis=1).mean()) if len(y) else 0.0
    return out


def per_class_metrics(
    y_true: np.ndarray,
    scores: np.ndarray,
    thresholds: float | np.ndarray,
    classes: Sequence[str],
) -> pd.DataFrame:
    """One row per class (index = class name): support, precision, recall, f1, ap.

    ``support`` is the number of true positives in ``y_true``; ``ap`` is NaN for a class
    with no positive example.
    """
    y, s, pred = _as_arrays(y_true, scores, thresholds)
    if len(classes) != y.shape[1]:
        raise ValueError(f"{len(classes)} class names for {y.shape[1]} columns")
    p, r, f, support = precision_recall_fscore_support(
        y, pred, average=None, zero_division=0, labels=list(range(y.shape[1]))
    )
    return pd.DataFrame(
        {
            "support": support.astype(int),
            "precision": p,
            "recall": r,
            "f1": f,
            "ap": average_precisions(y, s),
        },
        index=pd.Index(list(classes), name="class"),
    )
