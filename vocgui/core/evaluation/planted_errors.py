"""Label errors planted at random, and how many of them label-error finding recovers:
the measure behind ``benchmarks/bench_crossval.py`` and its test.

Each planted image gets one wrong class: it loses one of its labels, or gains one it
lacks (an image without labels always gains one), the two equally likely.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from vocgui.core.project import LabelSnapshot


def plant_label_errors(snapshot: LabelSnapshot, n_errors: int, seed: int
                       ) -> tuple[LabelSnapshot, set[int]]:
    """``snapshot`` with ``n_errors`` images, chosen at random, one class wrong each, and
    the image ids of those images."""
    rng = np.random.default_rng(seed)
    frame = snapshot.frame.copy()
    chosen = rng.choice(len(frame), n_errors, replace=False)
    labels = list(frame["labels"])
    for i in chosen:
        given = set(labels[i])
        if given and rng.random() < 0.5:
            given.discard(rng.choice(sorted(given)))
        else:
            given.add(rng.choice([c for c in snapshot.classes if c not in given]))
        labels[i] = tuple(sorted(given))
    frame["labels"] = labels
    return LabelSnapshot(snapshot.classes, frame), {int(frame["row"].iat[i]) for i in chosen}


def recall_precision(issues: pd.DataFrame, planted: set[int], n_top: int | None = None
                     ) -> tuple[float, float]:
    """(recall, precision) of the ``planted`` image ids among the first ``n_top`` rows
    (default: as many as were planted) of a label-issue frame, most likely first."""
    n_top = len(planted) if n_top is None else n_top
    top: Sequence[int] = issues["row"].head(n_top).astype(int).tolist()
    hits = len(set(top) & planted)
    return hits / max(1, len(planted)), hits / max(1, len(top))
