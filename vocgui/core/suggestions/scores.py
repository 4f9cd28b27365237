"""A run's scores of every image, matched to the project's classes, as suggestions.

:func:`load_run_scores` reads a run's scoring pass (split "all") as plain values; it
reads the whole score matrix (17,125 x 20 floats, and the run's snapshot), so the app
calls it on a worker with its own read-only project. :func:`match_classes` then matches
the run's classes to the project's current ones BY NAME, a few milliseconds of numpy
that the GUI thread redoes after every class edit: a class the project has and the
model does not know (added, or renamed, since the run) has no score and is reported in
``unknown``; a class the model knows that the project no longer has is ignored.

Uncertainty of an image = max over its classes of how near the score p is to the class's
threshold t: ``p / t`` below it, ``(1 - p) / (1 - t)`` from it up, which at t = 0.5 is
``1 - |2p - 1|``. The outputs are independent sigmoids, so an image is as uncertain as
its least decided class: one class at its threshold means the annotator has to look,
however sure the model is of the others. Summed entropy would grow with the number of
classes and rank an image with many mildly unsure classes above one coin-flip; this
measure is 1 at p = t and 0 at p = 0 or 1, in [0, 1] whatever the number of classes.
Measured from the threshold, not from 0.5: with a rare class cut at 0.06, a score of
0.08 is a suggestion, not a confident "no" (the Map tab colours by the same measure, from
the same thresholds). The confident band moves with the threshold the same
way: a score is confident where this measure is at most 0.2, (0.1, 0.9) at t = 0.5.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from vocgui.core.evaluation.review_runs import run_threshold
from vocgui.core.project import Project
from vocgui.core.suggestions.class_thresholds import ClassThresholds, run_class_thresholds
from vocgui.core.suggestions.model_runs import SCORES_SPLIT, model_name

#: At threshold 0.5, a score is confident outside (lo, hi): an image is "all confident"
#: when every known class's score is at most lo or at least hi. For another threshold t
#: the band is scaled to (lo * 2t, t + (hi - 0.5) * 2(1 - t)): see the module docstring.
CONFIDENT_BAND = (0.1, 0.9)


@dataclass(frozen=True)
class RunScores:
    """One run's scores of the project's images (split "all"), as plain values:
    ``scores[i, k]`` of image ``rows[i]`` for the run's class ``classes[k]``, whose
    decision threshold is ``thresholds[k]`` (``origin`` says where each came from);
    ``in_sample[i]``: image ``rows[i]`` trained the model. ``name`` says which model it
    is ("run 7 (cross-validated, 5 folds)")."""

    run_id: int
    name: str
    classes: tuple[str, ...]
    rows: np.ndarray
    scores: np.ndarray
    thresholds: np.ndarray
    in_sample: np.ndarray
    origin: ClassThresholds


def load_run_scores(project: Project, run_id: int) -> RunScores:
    """Run ``run_id``'s scores of every image (KeyError when it has no scoring pass).

    Each class's threshold is the one saved with the run, else tuned on its
    out-of-sample labeled images, else the run's own (its config's, else 0.5): see
    :mod:`.class_thresholds`."""
    runs = project.runs()
    found = runs[runs["id"] == int(run_id)]
    if found.empty:
        raise KeyError(f"{project.path} has no run {run_id}")
    run = found.iloc[0]
    predictions = project.predictions(int(run_id), SCORES_SPLIT)
    n = len(predictions.rows)
    in_sample = (np.zeros(n, dtype=bool) if predictions.in_sample is None
                 else predictions.in_sample)
    origin = run_class_thresholds(project, int(run_id), predictions, run_threshold(run))
    return RunScores(int(run_id), model_name(run["config"], int(run_id)),
                     predictions.classes, predictions.rows, predictions.scores,
                     origin.values, in_sample, origin)


def _margin(scores: np.ndarray, thresholds: np.ndarray | float = 0.5) -> np.ndarray:
    """Per score, how near it is to its class's threshold (module docstring): 1 at the
    threshold, 0 at 0 and 1; NaN where the score or threshold is NaN."""
    scores = np.asarray(scores, dtype=np.float32)
    t = np.broadcast_to(np.asarray(thresholds, dtype=np.float32), scores.shape[-1:])
    tiny = np.float32(1e-6)  # a threshold of 0 or 1: every score on one side of it
    with np.errstate(invalid="ignore"):
        return np.where(scores < t, scores / np.maximum(t, tiny),
                        (1.0 - scores) / np.maximum(1.0 - t, tiny)).astype(np.float32)


def uncertainty_of(scores: np.ndarray, thresholds: np.ndarray | float = 0.5) -> np.ndarray:
    """Per row, max over classes of how near each score is to its class's threshold
    (module docstring); NaN scores are left out, and a row with none is NaN."""
    margin = _margin(scores, thresholds)
    known = ~np.isnan(margin)
    best = np.where(known, margin, -1.0).max(axis=1, initial=-1.0)
    return np.where(known.any(axis=1), best, np.nan).astype(np.float32)


@dataclass(frozen=True)
class Suggestions:
    """A run's scores matched to the project's classes ``classes`` (their order) over
    every image (row = image id).

    ``scores`` is NaN for classes the model does not know (``known`` False, named in
    ``unknown``) and for images it did not score (``scored`` False). ``suggested`` is
    score >= threshold (``origin``: the run's thresholds and where they came from);
    ``uncertainty`` see the module docstring (NaN: not scored); ``confident`` every
    known class's score outside :data:`CONFIDENT_BAND`."""

    run_id: int
    name: str
    classes: tuple[str, ...]
    known: np.ndarray
    unknown: tuple[str, ...]
    scores: np.ndarray
    thresholds: np.ndarray
    scored: np.ndarray
    in_sample: np.ndarray
    suggested: np.ndarray
    uncertainty: np.ndarray
    confident: np.ndarray
    origin: ClassThresholds

    def suggested_names(self, row: int) -> list[str]:
        """The classes suggested for image ``row``, in class order."""
        return [self.classes[j] for j in np.flatnonzero(self.suggested[row])]


def match_classes(run_scores: RunScores, classes: Sequence[str], n_images: int,
                  band: tuple[float, float] = CONFIDENT_BAND) -> Suggestions:
    """``run_scores`` over the project's ``n_images`` images and current ``classes``,
    matched by class name (module docstring)."""
    classes = tuple(classes)
    column = {name: k for k, name in enumerate(run_scores.classes)}
    source = np.asarray([column.get(name, -1) for name in classes], dtype=np.int64)
    known = source >= 0
    rows = np.asarray(run_scores.rows, dtype=np.int64)
    inside = (rows >= 0) & (rows < n_images)  # rows of images the project no longer has
    rows = rows[inside]
    scores = np.full((n_images, len(classes)), np.nan, dtype=np.float32)
    scores[np.ix_(rows, np.flatnonzero(known))] = \
        run_scores.scores[np.flatnonzero(inside)][:, source[known]]
    thresholds = np.full(len(classes), np.nan, dtype=np.float32)
    thresholds[known] = run_scores.thresholds[source[known]]
    scored = np.zeros(n_images, dtype=bool)
    scored[rows] = True
    in_sample = np.zeros(n_images, dtype=bool)
    in_sample[rows] = np.asarray(run_scores.in_sample, dtype=bool)[inside]
    with np.errstate(invalid="ignore"):  # NaN compares False: no suggestion
        suggested = scores >= thresholds
        lo, hi = band
        low, high = thresholds * (2 * lo), thresholds + (1 - thresholds) * (2 * hi - 1)
        unsure = ((scores > low) & (scores < high)).any(axis=1)
    return Suggestions(
        run_scores.run_id, run_scores.name, classes, known,
        tuple(name for name, k in zip(classes, known, strict=True) if not k),
        scores, thresholds, scored, in_sample, suggested,
        uncertainty_of(scores, np.nan_to_num(thresholds, nan=0.5)),
        scored & ~unsure & known.any(), run_scores.origin)
