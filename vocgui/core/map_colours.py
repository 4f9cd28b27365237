"""What the points of the embedding map are coloured by: one value per image.

Categorical colourings give a category index per image (-1 = none) and the category
names; continuous ones give a float per image (NaN = unknown, e.g. an image the run did
not score). Nothing here reads pixels.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from vocgui.core.suggestions.scores import uncertainty_of

#: (key, menu text)
COLOURINGS = (("class", "Class (first label)"), ("n_labels", "Number of labels"),
              ("split", "Split"), ("labeled", "Labeled / unlabeled"),
              ("label_error", "Label-error score (run)"),
              ("uncertainty", "Uncertainty (run)"))


@dataclass(frozen=True)
class Colouring:
    """``codes`` (int, categorical) with ``names``, or ``values`` (float, continuous)."""

    key: str
    codes: np.ndarray | None = None
    names: tuple[str, ...] = ()
    values: np.ndarray | None = None


def colouring(key: str, labels: np.ndarray, classes: list[str], splits,
              scores: np.ndarray | None = None, scored_rows: np.ndarray | None = None,
              labeled: np.ndarray | None = None,
              thresholds: np.ndarray | float = 0.5) -> Colouring:
    """The colouring ``key`` of every image. ``labels`` is the (n, k) bool matrix;
    ``labeled`` the project's labeled/unlabeled state (default: has any label);
    ``scores`` the run's (len(scored_rows), k) predictions for the run's classes, which
    must be the project's ``classes`` here (else the run-based colourings are unknown);
    ``thresholds`` its classes' decision thresholds, which uncertainty is measured from
    (as the suggestions measure it)."""
    n = len(labels)
    if key == "class":
        first = np.where(labels.any(axis=1), np.argmax(labels, axis=1), -1)
        return Colouring(key, codes=first, names=tuple(classes))
    if key == "n_labels":
        return Colouring(key, values=labels.sum(axis=1).astype(np.float32))
    if key == "split":
        values = np.asarray([str(s) for s in splits], dtype=object)
        names = tuple(sorted(set(values), key=lambda s: (s == "", s)))
        lookup = {s: i for i, s in enumerate(names)}
        return Colouring(key, codes=np.asarray([lookup[s] for s in values], dtype=np.int64),
                         names=tuple(s or "no split" for s in names))
    if key == "labeled":
        state = labels.any(axis=1) if labeled is None else np.asarray(labeled, dtype=bool)
        return Colouring(key, codes=state.astype(np.int64), names=("unlabeled", "labeled"))
    values = np.full(n, np.nan, dtype=np.float32)
    if scores is not None and scored_rows is not None and scores.shape[1] == labels.shape[1]:
        p = np.asarray(scores, dtype=np.float32)
        if key == "label_error":  # how far the given labels are from what the model says
            values[scored_rows] = np.abs(labels[scored_rows].astype(np.float32) - p).max(1)
        elif key == "uncertainty":  # scores near their class's threshold: its doubt
            values[scored_rows] = uncertainty_of(p, thresholds)
    return Colouring(key, values=values)
