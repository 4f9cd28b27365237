"""Multi-label classification metrics at a threshold, shared by training and the review views.

Pure numpy/scikit-learn. ``y_true`` is the boolean label matrix (n_images x n_classes,
column order = class order), ``scores`` the predicted probabilities of the same shape.

Macro averages and the mAPs are taken over the same classes: those with at least one
positive (support). A class without support has no recall, F1 or AP; it is listed in
``ap_excluded`` and shown as "n/a", instead of counting as 0 in one mean and being left
out of the other. The ``map`` is scikit-learn's (uninterpolated) mean AP; ``map_voc07``
and ``map_voc10`` are the PASCAL VOC devkit's (:mod:`vocgui.core.evaluation.average_precision`).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from sklearn.metrics import hamming_loss, precision_recall_fscore_support

from vocgui.core.evaluation.average_precision import average_precisions, voc07_ap, voc10_ap


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
    supported = np.flatnonzero(y.any(axis=0))
    for average in ("micro", "macro", "weighted"):
        if average == "macro" and not len(supported):
            p = r = f = None  # no class with support: no macro average
        else:
            labels = supported if average == "macro" else None
            p, r, f, _ = precision_recall_fscore_support(
                y, pred, average=average, zero_division=0, labels=labels
            )
        out[f"precision_{average}"] = None if p is None else float(p)
        out[f"recall_{average}"] = None if r is None else float(r)
        out[f"f1_{average}"] = None if f is None else float(f)
    ap = average_precisions(y, s)
    names = list(classes) if classes is not None else list(range(y.shape[1]))
    out["ap"] = [None if np.isnan(v) else float(v) for v in ap]
    out["map"] = float(np.nanmean(ap)) if np.isfinite(ap).any() else None
    for name, one_class in (("map_voc07", voc07_ap), ("map_voc10", voc10_ap)):
        values = [one_class(y[:, k], s[:, k]) for k in supported]
        out[name] = float(np.mean(values)) if values else None
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

    ``support`` is the number of true positives in ``y_true``; see
    :func:`mark_undefined` for the values that are NaN.
    """
    y, s, pred = _as_arrays(y_true, scores, thresholds)
    if len(classes) != y.shape[1]:
        raise ValueError(f"{len(classes)} class names for {y.shape[1]} columns")
    p, r, f, support = precision_recall_fscore_support(
        y, pred, average=None, zero_division=0, labels=list(range(y.shape[1]))
    )
    table = pd.DataFrame(
        {
            "support": support.astype(int),
            "precision": p,
            "recall": r,
            "f1": f,
            "ap": average_precisions(y, s),
        },
        index=pd.Index(list(classes), name="class"),
    )
    return mark_undefined(table, pred.sum(axis=0))


def mark_undefined(table: pd.DataFrame, predicted: np.ndarray) -> pd.DataFrame:
    """NaN ("n/a") instead of 0 where a per-class value is undefined: recall, F1 and
    every AP column of a class with no support, and its precision too when nothing was
    predicted for it (``predicted``: positive predictions per class)."""
    table = table.copy()
    unsupported = table["support"].to_numpy() == 0
    for column in ("recall", "f1", "ap", "ap_voc07", "ap_voc10"):
        if column in table:
            table.loc[unsupported, column] = np.nan
    table.loc[unsupported & (np.asarray(predicted) == 0), "precision"] = np.nan
    return table
