"""Average precision: scikit-learn's, and the PASCAL VOC devkit's two definitions.

The devkit (``VOCevalcls.m``) ranks the images by score, counts a true positive for each
image carrying the class and a false positive for each that does not, and ignores the
images whose only evidence for the class is ``difficult`` objects (ground truth 0: neither
TP nor FP). From that precision/recall curve it takes

* **VOC2007, 11-point**: the mean over recall r in {0, 0.1, ..., 1} of the highest
  precision at a recall >= r (0 when the curve never reaches r);
* **VOC2010+, all points**: the area under the curve after making precision monotone
  (each point takes the highest precision at any higher recall), summed where recall
  changes.

scikit-learn's :func:`~sklearn.metrics.average_precision_score` is neither: it sums
precision times recall step without interpolation and groups tied scores. Images tied on
a score are ranked here in their given order, as the devkit's sort does (stable).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from sklearn.metrics import average_precision_score

#: The AP definitions reported side by side: column name -> label for people.
AP_DEFINITIONS: dict[str, str] = {
    "ap": "AP (scikit-learn)",
    "ap_voc07": "AP VOC2007 11-point",
    "ap_voc10": "AP VOC2010+ all-points",
}


def average_precisions(y_true: np.ndarray, scores: np.ndarray) -> np.ndarray:
    """Per-class scikit-learn average precision; NaN for a class with no positive example."""
    y = np.asarray(y_true).astype(bool)
    s = np.asarray(scores, dtype=np.float64)
    ap = np.full(y.shape[1], np.nan)
    for j in range(y.shape[1]):
        if y[:, j].any():
            ap[j] = average_precision_score(y[:, j], s[:, j])
    return ap


def _curve(positive: np.ndarray, score: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(recall, precision) after each image in the devkit's ranking."""
    order = np.argsort(-score, kind="stable")
    tp = np.cumsum(positive[order])
    fp = np.cumsum(~positive[order])
    return tp / positive.sum(), tp / (tp + fp)


def voc07_ap(positive: np.ndarray, score: np.ndarray) -> float:
    """VOC2007 11-point interpolated AP of one class; NaN without a positive."""
    positive = np.asarray(positive, dtype=bool)
    if not positive.any():
        return float("nan")
    recall, precision = _curve(positive, np.asarray(score, dtype=np.float64))
    points = [precision[recall >= r].max() if (recall >= r).any() else 0.0
              for r in np.linspace(0.0, 1.0, 11)]
    return float(np.mean(points))


def voc10_ap(positive: np.ndarray, score: np.ndarray) -> float:
    """VOC2010+ all-points AP (area under the monotone curve) of one class; NaN without
    a positive."""
    positive = np.asarray(positive, dtype=bool)
    if not positive.any():
        return float("nan")
    recall, precision = _curve(positive, np.asarray(score, dtype=np.float64))
    mrec = np.concatenate([[0.0], recall, [1.0]])
    mpre = np.concatenate([[0.0], precision, [0.0]])
    mpre = np.maximum.accumulate(mpre[::-1])[::-1]
    steps = np.flatnonzero(mrec[1:] != mrec[:-1]) + 1
    return float(np.sum((mrec[steps] - mrec[steps - 1]) * mpre[steps]))


def average_precision_table(y_true: np.ndarray, scores: np.ndarray, classes: Sequence[str],
                            ignore: np.ndarray | None = None) -> pd.DataFrame:
    """Per class (index = name): ``support`` and the three AP definitions of
    :data:`AP_DEFINITIONS`, NaN where a class has no positive.

    ``ignore`` (bool, same shape) marks the labels the VOC columns leave out, image by
    image and class by class, as the devkit does with labels coming only from difficult
    objects (see :func:`vocgui.core.evaluation.difficult.difficult_only`); the
    scikit-learn column uses every label.
    """
    y = np.asarray(y_true, dtype=bool)
    s = np.asarray(scores, dtype=np.float64)
    skip = np.zeros_like(y) if ignore is None else np.asarray(ignore, dtype=bool)
    voc07, voc10 = np.full(y.shape[1], np.nan), np.full(y.shape[1], np.nan)
    for k in range(y.shape[1]):
        kept = ~skip[:, k]
        voc07[k] = voc07_ap(y[kept, k], s[kept, k])
        voc10[k] = voc10_ap(y[kept, k], s[kept, k])
    return pd.DataFrame({"support": y.sum(axis=0).astype(int),
                         "ap": average_precisions(y, s), "ap_voc07": voc07,
                         "ap_voc10": voc10}, index=pd.Index(list(classes), name="class"))


def mean_average_precisions(table: pd.DataFrame) -> dict[str, float | None]:
    """The mAP of each AP column of ``table``, over the classes with support (the classes
    the macro averages use); None when no class has any."""
    supported = table[table["support"] > 0]
    return {f"m{column}": (float(supported[column].mean()) if len(supported) else None)
            for column in AP_DEFINITIONS}
