"""The decision threshold of each class a run's suggestions use, and where it came from.

In order of precedence, per class:

1. **saved**: set by the user in the Review tab and saved with the run
   (:meth:`Project.saved_thresholds`);
2. **tuned**: the best-F1 threshold (:func:`best_f1_thresholds`) on the run's
   out-of-sample scores of the labeled images: images that did not train the model
   (``in_sample`` False: a single run's validation images and the images labeled since
   it; for a cross-validated run every labeled image), against their labels now;
3. **run**: the run's own threshold (its config's, else 0.5), for a class with fewer
   than :data:`MIN_POSITIVES` out-of-sample examples, or none the project still knows.

One threshold for every class under-suggests a rare class (its scores seldom reach 0.5)
and over-suggests one the model over-scores; tuning on images the model never saw gives
each class the cut that scores best on data like the images it is about to label. On
the scores of training images the model is over-confident, so those never tune.

The labels tuned against are the project's current ones, so corrections made since the
run count; images labeled by accepting suggestions count too, agreeing with the cut that
suggested them, which is why a run's thresholds are best read right after training.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from vocgui.core.evaluation.thresholds import best_f1_thresholds
from vocgui.core.project import Predictions, Project
from vocgui.core.wording import plural

#: A class needs this many out-of-sample positives to be tuned. The best-F1 cut sits just
#: under one of the positives it keeps, so with two or three of them a single odd score
#: (one positive the model nearly missed) drags the cut down to wherever it lies and
#: floods the suggestions; from about five the cut rests on several examples, and the
#: demo's 5% classes have that many among a single run's 120 validation images.
MIN_POSITIVES = 5
#: Where a class's threshold came from (see the module docstring).
SAVED, TUNED, RUN = "saved", "tuned", "run"


@dataclass(frozen=True)
class ClassThresholds:
    """One threshold per class of a run (``classes`` order) with its source
    (:data:`SAVED`, :data:`TUNED` or :data:`RUN`); ``positives[k]``: out-of-sample
    labeled images carrying class k, of the ``n_images`` tuning looked at."""

    classes: tuple[str, ...]
    values: np.ndarray
    sources: tuple[str, ...]
    positives: np.ndarray
    n_images: int
    run_threshold: float

    def source_of(self, k: int) -> str:
        """Where class k's threshold came from, in words."""
        if self.sources[k] == SAVED:
            return "set by the user (saved from the Review tab)"
        if self.sources[k] == TUNED:
            return (f"tuned on {plural(self.n_images, 'out-of-sample image')} "
                    f"({int(self.positives[k]):,} with the class)")
        if not self.n_images:
            return "the run's threshold (no labeled out-of-sample image to tune on)"
        return (f"the run's threshold (only {plural(int(self.positives[k]), 'example')} "
                f"out of sample; tuning needs {MIN_POSITIVES})")

    def caption(self) -> str:
        """Which thresholds are in use, briefly: "per-class thresholds tuned on 412
        out-of-sample images", "thresholds saved from the Review tab", ..."""
        n_run = self.sources.count(RUN)
        if SAVED in self.sources:
            text = "thresholds saved from the Review tab"
        elif TUNED in self.sources:
            text = (f"per-class thresholds tuned on "
                    f"{plural(self.n_images, 'out-of-sample image')}")
        else:
            return f"the run's threshold {self.run_threshold:.2f} for every class"
        if n_run:
            text += f" ({plural(n_run, 'class')} at the run's {self.run_threshold:.2f})"
        return text

    def short_caption(self) -> str:
        """:meth:`caption` in a few words, for a line beside buttons: "thresholds tuned
        on 412 images", "thresholds saved from Review", "the run's threshold 0.50"."""
        if SAVED in self.sources:
            return "thresholds saved from Review"
        if TUNED in self.sources:
            return f"thresholds tuned on {plural(self.n_images, 'image')}"
        return f"the run's threshold {self.run_threshold:.2f}"

    def details(self) -> str:
        """One line per class: its threshold and where it came from."""
        return "\n".join(f"{name}: {self.values[k]:.3f}, {self.source_of(k)}"
                         for k, name in enumerate(self.classes))


def tune_thresholds(classes: Sequence[str], scores: np.ndarray, truth: np.ndarray,
                    known: np.ndarray, run_threshold: float,
                    saved: Mapping[str, float] | None = None,
                    min_positives: int = MIN_POSITIVES) -> ClassThresholds:
    """Per-class thresholds from the out-of-sample scores ``scores`` of labeled images
    and their labels ``truth`` (both n_images x n_classes; ``known[k]``: class k's
    labels are known), with ``saved`` thresholds winning where given."""
    classes = tuple(classes)
    values = np.full(len(classes), float(run_threshold), dtype=np.float64)
    sources = np.full(len(classes), RUN, dtype=object)
    known = np.asarray(known, dtype=bool)
    positives = np.where(known, np.asarray(truth, dtype=bool).sum(axis=0), 0)
    enough = known & (positives >= min_positives)
    if enough.any():
        best = best_f1_thresholds(truth, scores, classes, run_threshold)
        values[enough] = best["threshold"].to_numpy()[enough]
        sources[enough] = TUNED
    for k, name in enumerate(classes):
        if saved and name in saved:
            values[k], sources[k] = float(saved[name]), SAVED
    return ClassThresholds(classes, values.astype(np.float32), tuple(sources.tolist()),
                           positives.astype(np.int64), len(scores), float(run_threshold))


def run_class_thresholds(project: Project, run_id: int, predictions: Predictions,
                         run_threshold: float) -> ClassThresholds:
    """The thresholds of run ``run_id``'s scoring pass ``predictions`` (module
    docstring): tuned on its out-of-sample labeled images, against the project's labels
    matched by class name, under any thresholds saved with the run."""
    rows = np.asarray(predictions.rows, dtype=np.int64)
    n = len(project.images)
    inside = (rows >= 0) & (rows < n)  # rows of images the project no longer has
    labeled = project.images["labeled"].to_numpy(dtype=bool)
    # Scores that do not say which images trained the model tune nothing: any might have.
    in_sample = (np.ones(len(rows), dtype=bool) if predictions.in_sample is None
                 else np.asarray(predictions.in_sample, dtype=bool))
    tuning = inside & ~in_sample
    tuning[tuning] = labeled[rows[tuning]]
    column = pd.Index(project.classes).get_indexer(predictions.classes)
    known = column >= 0
    truth = np.zeros((int(tuning.sum()), len(predictions.classes)), dtype=bool)
    truth[:, known] = project.labels[np.ix_(rows[tuning], column[known])]
    return tune_thresholds(predictions.classes, predictions.scores[tuning], truth, known,
                           run_threshold, project.saved_thresholds(run_id))
