"""Comparing two runs: per-class metric deltas, and the images relabelled since a run.

A run's predictions keep the labels they were scored against (its label snapshot), so
the images whose labels were fixed after a run are exactly those whose current labels
differ from that snapshot: no separate record of fixes is needed.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from vocgui.core.evaluation.run_review import RunReview, Thresholds

#: Metrics compared, in column order.
COMPARED = ("support", "precision", "recall", "f1", "ap")


def compare_runs(a: RunReview, b: RunReview, thresholds_a: Thresholds = 0.5,
                 thresholds_b: Thresholds = 0.5) -> pd.DataFrame:
    """Per-class metrics of run ``a`` and run ``b`` side by side, with ``b - a``.

    One row per class of either run (a's order, then b's new classes); columns
    ``<metric>_a``, ``<metric>_b`` and ``<metric>_delta`` for each of :data:`COMPARED`
    (NaN where a run lacks the class), and a last row ``(macro)`` with the means.
    """
    table_a = a.table(thresholds_a)[list(COMPARED)]
    table_b = b.table(thresholds_b)[list(COMPARED)]
    order = list(a.classes) + [c for c in b.classes if c not in a.classes]
    table_a = table_a.reindex(order)
    table_b = table_b.reindex(order)
    columns = {}
    for metric in COMPARED:
        columns[f"{metric}_a"] = table_a[metric]
        columns[f"{metric}_b"] = table_b[metric]
        columns[f"{metric}_delta"] = table_b[metric] - table_a[metric]
    # float throughout: the macro row and missing classes are not whole numbers.
    frame = pd.DataFrame(columns, index=pd.Index(order, name="class")).astype(np.float64)
    macro = frame.mean()
    # The macro delta compares each run's own macro means (every class of each run).
    for metric in COMPARED:
        macro[f"{metric}_a"] = table_a[metric].mean()
        macro[f"{metric}_b"] = table_b[metric].mean()
        macro[f"{metric}_delta"] = macro[f"{metric}_b"] - macro[f"{metric}_a"]
    frame.loc["(macro)"] = macro
    return frame


def shared_rows(a: RunReview, b: RunReview) -> np.ndarray:
    """Image ids validated in both runs (deltas are only like for like on these)."""
    return np.intersect1d(a.rows, b.rows)


def relabelled_rows(review: RunReview, labels: np.ndarray, classes: Sequence[str]
                    ) -> np.ndarray:
    """Image ids of the run whose labels now (``labels``: the project's matrix over
    ``classes``) differ from those the run was scored against, on the classes both know."""
    common = [c for c in review.classes if c in classes]
    if not common:
        return np.zeros(0, dtype=np.int64)
    run_cols = [review.classes.index(c) for c in common]
    now_cols = [list(classes).index(c) for c in common]
    now = np.asarray(labels, dtype=bool)[np.ix_(review.rows, now_cols)]
    changed = (now != review.y_true[:, run_cols]).any(axis=1)
    return review.rows[changed]
