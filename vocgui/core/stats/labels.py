"""Label statistics from the boolean label matrix ``Y`` (n_images x n_classes).

Column ``j`` of ``Y`` is ``classes[j]``; row ``i`` is image id ``i``. Nothing here reads
pixels, so every function runs in milliseconds on the 17k-image VOC2012 table.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from itertools import chain

import numpy as np
import pandas as pd


def multi_hot(labels_column: Iterable[Iterable[str] | str], classes: Sequence[str]) -> np.ndarray:
    """Build the bool matrix ``Y`` from a column of label tuples.

    Each entry is an iterable of class names (a plain string counts as one label).
    Repeated labels in one entry are fine. Raises ``ValueError`` naming the labels
    that are not in ``classes``.
    """
    entries = [(e,) if isinstance(e, str) else e for e in labels_column]
    lengths = np.fromiter(map(len, entries), dtype=np.int64, count=len(entries))
    flat = np.fromiter(chain.from_iterable(entries), dtype=object, count=int(lengths.sum()))
    # get_indexer hashes the class names once and looks up all labels in C.
    cols = pd.Index(list(classes), dtype=object).get_indexer(flat)
    if (cols < 0).any():
        unknown = sorted({str(x) for x in flat[cols < 0]})
        raise ValueError(f"labels not in the class list: {', '.join(unknown[:10])}"
                         + (" ..." if len(unknown) > 10 else ""))
    y = np.zeros((len(entries), len(classes)), dtype=bool)
    y[np.repeat(np.arange(len(entries)), lengths), cols] = True
    return y


def images_per_class(y: np.ndarray) -> np.ndarray:
    """Number of images carrying each class (the positives), int64 per class."""
    return np.count_nonzero(y, axis=0).astype(np.int64)


def objects_per_class(objects: pd.DataFrame, classes: Sequence[str],
                      mask: np.ndarray | None = None) -> np.ndarray:
    """Number of ``<object>`` boxes of each class, int64 per class.

    ``objects`` has the loader's columns ``image`` and ``name``; ``mask`` (bool over
    images) keeps only objects of those images. Names outside ``classes`` are ignored.
    """
    names = objects["name"].to_numpy(dtype=object)
    if mask is not None and len(names):
        names = names[np.asarray(mask, dtype=bool)[objects["image"].to_numpy()]]
    codes = pd.Index(list(classes), dtype=object).get_indexer(names)
    return np.bincount(codes[codes >= 0], minlength=len(classes)).astype(np.int64)


def positives_negatives(y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per class: images with the label (positives) and images without it (negatives)."""
    positives = images_per_class(y)
    return positives, len(y) - positives


def cooccurrence(y: np.ndarray, normalize: bool = False) -> np.ndarray:
    """Class co-occurrence: ``C[i, j]`` = images carrying both class i and class j.

    The diagonal is images per class. With ``normalize``, row ``i`` is divided by
    ``C[i, i]`` so ``C[i, j]`` is the share of class-i images that also carry class j
    (rows of absent classes are 0).
    """
    # Each class column as a bit set, 64 images per word; a pair's count is the popcount
    # of the AND. Single-threaded and steady: a BLAS matmul is as fast alone but stalls
    # when its threads compete for busy cores.
    n_classes = y.shape[1]
    padded = np.zeros((n_classes, -(-len(y) // 64) * 64), dtype=bool)
    padded[:, : len(y)] = y.T
    words = np.packbits(padded, axis=1).view(np.uint64)
    counts = np.empty((n_classes, n_classes), dtype=np.int64)
    for i in range(n_classes):
        counts[i] = np.bitwise_count(words & words[i]).sum(axis=1)
    if not normalize:
        return counts
    diag = np.diag(counts).copy()
    diag[diag == 0] = 1.0
    return counts / diag[:, None]


def labels_per_image(y: np.ndarray) -> np.ndarray:
    """Histogram: entry ``k`` is the number of images with exactly ``k`` labels."""
    per_image = np.count_nonzero(y, axis=1)
    return np.bincount(per_image, minlength=1).astype(np.int64)
