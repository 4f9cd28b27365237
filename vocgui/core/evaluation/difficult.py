"""Which labels come only from ``difficult`` objects, for VOC-style evaluation to ignore.

In a VOC annotation an object may be marked ``<difficult>1</difficult>``; the devkit
counts an image whose only objects of a class are difficult as neither a positive nor a
negative of that class. The project keeps every object (``Project.objects``), so the mask
is worked out at review time for the images and classes of a run's predictions.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd


def difficult_only(objects: pd.DataFrame, rows: np.ndarray,
                   classes: Sequence[str]) -> np.ndarray:
    """Bool (len(rows), len(classes)): True where image ``rows[i]`` has objects of class
    k and every one of them is difficult. ``objects`` has the loader's columns
    (``image``, ``name``, ``difficult``)."""
    rows = np.asarray(rows, dtype=np.int64)
    mask = np.zeros((len(rows), len(classes)), dtype=bool)
    if objects.empty or not len(rows):
        return mask
    easy = ~objects["difficult"].astype(bool)
    per_pair = pd.DataFrame({"image": objects["image"].astype(np.int64),
                             "name": objects["name"].astype(str), "easy": easy})
    any_easy = per_pair.groupby(["image", "name"], sort=False)["easy"].any()
    only_difficult = any_easy[~any_easy].index
    position = pd.Index(rows).get_indexer(only_difficult.get_level_values("image"))
    column = pd.Index(list(classes)).get_indexer(only_difficult.get_level_values("name"))
    found = (position >= 0) & (column >= 0)
    mask[position[found], column[found]] = True
    return mask
