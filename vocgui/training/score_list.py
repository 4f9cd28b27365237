"""The list of images a run's model scores, as the parent hands it to the child process.

A CSV with columns ``row`` (image id) and ``path`` (absolute image path), written
atomically into the run folder. Imports no TensorFlow.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

import numpy as np
import pandas as pd

from vocgui.core.atomic import atomic_text_writer

#: The list's file name in a run folder.
SCORE_LIST = "score.csv"


def write_score_list(path: str | os.PathLike, rows: Sequence[int],
                     paths: Sequence[str]) -> None:
    """Write the images to score (``rows[i]`` is the id of ``paths[i]``)."""
    frame = pd.DataFrame({"row": np.asarray(rows, dtype=np.int64),
                          "path": pd.Series([str(p) for p in paths], dtype=str)})
    with atomic_text_writer(path) as fh:
        frame.to_csv(fh, index=False, lineterminator="\n")


def read_score_list(path: str | os.PathLike) -> pd.DataFrame:
    """The frame (``row`` int64, ``path`` str) written by :func:`write_score_list`;
    ValueError names the file if it is not one."""
    try:
        frame = pd.read_csv(path, dtype={"path": str}, keep_default_na=False)
    except (OSError, ValueError) as exc:
        raise ValueError(f"{path}: unreadable list of images to score: {exc}") from exc
    if list(frame.columns) != ["row", "path"]:
        raise ValueError(f"{path}: expected columns row,path, found {list(frame.columns)}")
    frame["row"] = frame["row"].astype(np.int64)
    return frame
