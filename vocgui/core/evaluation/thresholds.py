"""Per-class decision thresholds: normalising user input, and the best-F1 threshold per class.

The best threshold is found exactly, not on a grid: with the scores of a class sorted
high to low, every distinct score is a possible cut, and F1 at all cuts comes from two
cumulative sums. It is tuned on the validation predictions themselves, so the gain it
reports is an optimistic estimate of what the next run will see.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from vocgui.core.evaluation.confusion import ThresholdCounter, check_predictions

#: Threshold used when nothing else is said.
DEFAULT_THRESHOLD = 0.5


def threshold_array(thresholds: float | Sequence[float] | Mapping[str, float] | np.ndarray,
                    classes: Sequence[str]) -> np.ndarray:
    """One float64 threshold per class from a scalar, a sequence in class order, or a
    mapping class -> threshold (missing classes get :data:`DEFAULT_THRESHOLD`)."""
    if isinstance(thresholds, Mapping):
        unknown = sorted(set(thresholds) - set(classes))
        if unknown:
            raise ValueError(f"thresholds given for unknown classes: {', '.join(unknown)}")
        return np.array([float(thresholds.get(c, DEFAULT_THRESHOLD)) for c in classes])
    values = np.asarray(thresholds, dtype=np.float64)
    if values.ndim == 0:
        return np.full(len(classes), float(values))
    if values.shape != (len(classes),):
        raise ValueError(f"expected {len(classes)} thresholds, got {values.shape[0]}")
    return values.copy()


def _best_cut(truth: np.ndarray, column: np.ndarray) -> tuple[float, float] | None:
    """(threshold, F1) maximising F1 for one class, or None when the class has no positives."""
    n_pos = int(truth.sum())
    if n_pos == 0:
        return None
    order = np.argsort(-column, kind="stable")
    ordered = column[order]
    tp = np.cumsum(truth[order])
    fp = np.arange(1, len(ordered) + 1) - tp
    # Only cut after the last of a run of equal scores: ">= threshold" keeps ties together.
    last_of_tie = np.append(ordered[1:] != ordered[:-1], True)
    cuts = np.flatnonzero(last_of_tie)
    f1 = 2 * tp[cuts] / (2 * tp[cuts] + fp[cuts] + (n_pos - tp[cuts]))
    best = int(np.argmax(f1))  # the first maximum: the highest threshold reaching it
    i = cuts[best]
    if i + 1 < len(ordered):
        # Halfway to the next lower score, so rounding in the UI does not move the cut.
        lower = ordered[i + 1]
        threshold = lower + (ordered[i] - lower) / 2
        if not lower < threshold <= ordered[i]:
            threshold = ordered[i]
    else:
        threshold = ordered[i]
    return float(threshold), float(f1[best])


def best_f1_thresholds(y_true: np.ndarray, scores: np.ndarray, classes: Sequence[str],
                       current: float | Sequence[float] | Mapping[str, float] | np.ndarray
                       = DEFAULT_THRESHOLD) -> pd.DataFrame:
    """The threshold maximising each class's F1 on these predictions, and the gain over
    ``current``.

    Returns one row per class (index = class name) with columns ``threshold`` (best),
    ``f1`` (at best), ``current_threshold``, ``current_f1`` and ``gain`` (f1 - current_f1).
    A class without positives keeps its current threshold and a gain of 0.
    """
    y_true, scores = check_predictions(y_true, scores, classes)
    current_t = threshold_array(current, classes)
    current_f1 = ThresholdCounter(y_true, scores, classes).counts(current_t).f1
    best_t = current_t.copy()
    best_f1 = current_f1.copy()
    for k in range(len(classes)):
        found = _best_cut(y_true[:, k], scores[:, k])
        if found is not None and found[1] > current_f1[k]:
            best_t[k], best_f1[k] = found
    return pd.DataFrame({
        "threshold": best_t, "f1": best_f1, "current_threshold": current_t,
        "current_f1": current_f1, "gain": best_f1 - current_f1,
    }, index=pd.Index(list(classes), name="class"))
