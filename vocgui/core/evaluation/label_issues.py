"""Likely label errors: images whose given labels disagree most with a model's
out-of-sample predictions, found with cleanlab's multi-label label-issue finding.

cleanlab decides which images are issues; they are then ordered by how likely their
least likely label is, after calibrating each class's scores on the checked images
(Platt scaling: a logistic fit of the given labels on the score's log-odds). A model's
scores mean different things per class: a well-learnt class scores its negatives near 0,
so a labelled image at 0.1 is strong evidence, while a rare, weakly learnt class scores
some of its own positives at 0.1. Measured on the demo with 40 errors planted
(benchmarks/bench_crossval.py, 5 folds) with three models of rising quality: 30, 32 and
34 of the first 40 issues are planted ones in this order, 27, 30 and 33 in cleanlab's
(its label quality score).

Each issue comes with a suggested change: the labels to add (the model is confident the
class is there, the image lacks it) and to remove (carried, but the model is confident it
is not there), strongest disagreement first. By default "confident" follows confident
learning, one-vs-rest per class: a label is suggested when the image scores at least the
mean score of the images carrying the class, and removed when it scores below the mean
score of the images without it. Both adapt to a model whose scores are low or high
overall (a fixed 0.5 would suggest dropping every rare label of a timid model).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from cleanlab.multilabel_classification import filter as cl_filter
from sklearn.linear_model import LogisticRegression

from vocgui.core.evaluation.confusion import check_predictions
from vocgui.core.evaluation.thresholds import DEFAULT_THRESHOLD, threshold_array

#: Columns of the frame :func:`find_label_issues` returns.
ISSUE_COLUMNS: dict[str, str] = {
    "row": "int, image id in the project",
    "quality": "float in [0, 1], the calibrated probability of the image's least likely "
               "given label (lower = more likely wrong; see the module docstring)",
    "given": "tuple[str, ...], the labels the predictions were scored against",
    "add": "tuple[str, ...], labels the model suggests adding",
    "remove": "tuple[str, ...], labels the model suggests removing",
    "suggested": "tuple[str, ...], the labels after the change",
    "disagreement": "float, the largest |given - score| among the changed classes",
}


class LabelIssueError(ValueError):
    """The predictions cannot be checked for label issues (e.g. too few images)."""


def _suggest(given: np.ndarray, score: np.ndarray, add_at: np.ndarray, remove_below: np.ndarray,
             classes: Sequence[str]) -> tuple[tuple[str, ...], tuple[str, ...], float]:
    """(add, remove, disagreement) for one image, most disagreeing class first."""
    disagreement = np.abs(given.astype(np.float64) - score)
    changed = np.flatnonzero((~given & (score >= add_at)) | (given & (score < remove_below)))
    if len(changed) == 0:
        # The model agrees at these thresholds; cleanlab still found the labelling
        # unlikely, so suggest flipping the class it doubts most.
        changed = np.array([int(np.argmax(disagreement))])
    changed = changed[np.argsort(-disagreement[changed], kind="stable")]
    add = tuple(classes[k] for k in changed if not given[k])
    remove = tuple(classes[k] for k in changed if given[k])
    return add, remove, float(disagreement[changed].max())


def _mean_where(mask: np.ndarray, scores: np.ndarray) -> np.ndarray:
    """Per class, the mean score over ``mask``; :data:`DEFAULT_THRESHOLD` where empty."""
    counts = mask.sum(axis=0)
    sums = np.where(mask, scores, 0.0).sum(axis=0)
    return np.divide(sums, counts, out=np.full(len(counts), DEFAULT_THRESHOLD),
                     where=counts > 0)


def confident_thresholds(y_true: np.ndarray, scores: np.ndarray
                         ) -> tuple[np.ndarray, np.ndarray]:
    """Per class (one-vs-rest confident learning): the mean score of the images carrying
    it (add a label at or above this) and of those without it (remove one below this)."""
    y_true = np.asarray(y_true, dtype=bool)
    return _mean_where(y_true, scores), _mean_where(~y_true, scores)


#: Scores are clipped this far from 0 and 1 before taking log-odds.
_EPS = 1e-6


def calibrated_scores(y_true: np.ndarray, scores: np.ndarray) -> np.ndarray:
    """Per class, the scores mapped to the probability that the class is present, fitted
    on these images' given labels (Platt scaling: logistic regression on the log-odds).

    A class whose given labels are all equal, or whose fit does not rise with the score
    (a model no better than chance on it), keeps its raw scores.
    """
    y_true = np.asarray(y_true, dtype=bool)
    clipped = np.clip(np.asarray(scores, dtype=np.float64), _EPS, 1 - _EPS)
    log_odds = np.log(clipped / (1 - clipped))
    calibrated = clipped.copy()
    for k in range(y_true.shape[1]):
        if y_true[:, k].all() or not y_true[:, k].any():
            continue
        # C=1000: barely regularised; it only keeps a class the model separates
        # perfectly from fitting an infinite slope.
        fit = LogisticRegression(C=1e3).fit(log_odds[:, k:k + 1], y_true[:, k])
        if fit.coef_[0, 0] > 0:
            calibrated[:, k] = fit.predict_proba(log_odds[:, k:k + 1])[:, 1]
    return calibrated


def label_quality(y_true: np.ndarray, scores: np.ndarray) -> np.ndarray:
    """Per image, the calibrated probability (:func:`calibrated_scores`) of its least
    likely given label: a present class's calibrated score, an absent one's complement."""
    y_true = np.asarray(y_true, dtype=bool)
    calibrated = calibrated_scores(y_true, scores)
    return np.where(y_true, calibrated, 1 - calibrated).min(axis=1)


def find_label_issues(y_true: np.ndarray, scores: np.ndarray, classes: Sequence[str],
                      rows: np.ndarray | None = None,
                      thresholds: float | Sequence[float] | np.ndarray | None = None,
                      max_issues: int | None = None) -> pd.DataFrame:
    """The images cleanlab flags as likely mislabelled, most likely first (lowest
    :func:`label_quality`).

    ``scores`` must be out-of-sample (validation) probabilities in [0, 1]; ``rows`` maps
    prediction positions to image ids (default: positions); the suggested changes flip
    the classes on the wrong side of ``thresholds`` (default: the two
    :func:`confident_thresholds`). Returns the columns of
    :data:`ISSUE_COLUMNS`, sorted by ``quality`` ascending.
    """
    y_true, scores = check_predictions(y_true, scores, classes)
    if len(classes) < 2:
        raise LabelIssueError("label issues need at least 2 classes in the predictions")
    if len(scores) < 2:
        raise LabelIssueError(f"label issues need at least 2 images, got {len(scores)}")
    if scores.min() < 0 or scores.max() > 1:
        raise LabelIssueError("label issues need probabilities in [0, 1]; got scores in "
                              f"[{scores.min():.3g}, {scores.max():.3g}]")
    rows = np.arange(len(scores)) if rows is None else np.asarray(rows, dtype=np.int64)
    if thresholds is None:
        add_at, remove_below = confident_thresholds(y_true, scores)
    else:
        add_at = remove_below = threshold_array(thresholds, classes)
    labels = [np.flatnonzero(line).tolist() for line in y_true]
    # n_jobs=1: no worker processes, this runs inside the GUI's worker thread too.
    is_issue = cl_filter.find_label_issues(labels, scores, n_jobs=1)
    quality = label_quality(y_true, scores)
    found = np.flatnonzero(is_issue)
    found = found[np.argsort(quality[found], kind="stable")]
    if max_issues is not None:
        found = found[:max_issues]
    records = []
    for i in found:
        add, remove, strength = _suggest(y_true[i], scores[i], add_at, remove_below, classes)
        given = tuple(classes[k] for k in np.flatnonzero(y_true[i]))
        suggested = tuple(c for c in classes if (c in given and c not in remove) or c in add)
        records.append({"row": int(rows[i]), "quality": float(quality[i]), "given": given,
                        "add": add, "remove": remove, "suggested": suggested,
                        "disagreement": strength})
    frame = pd.DataFrame(records, columns=list(ISSUE_COLUMNS))
    return frame.astype({"row": np.int64, "quality": np.float64, "disagreement": np.float64})
