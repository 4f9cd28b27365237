"""Every dataset statistic in one pass: what the charts, the CLI summary and the
training defaults read. Recomputed after each edit, so it stays cheap (a few ms on 17k
images; see benchmarks/bench_stats.py). Everything is O(images x classes) except
co-occurrence, which is bounded to the most frequent classes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from vocgui.core.stats.class_weights import class_weight_array, positive_weights
from vocgui.core.stats.labels import cooccurrence, labels_per_image, objects_per_class
from vocgui.core.stats.sizes import SizeStats, size_stats

#: Classes whose pairs are counted: co-occurrence is O(classes^2) (20,000 classes took
#: 3.2 GB), and a heatmap shows no more than this many rows anyway.
MAX_PAIRED_CLASSES = 100


@dataclass(frozen=True)
class DatasetStats:
    """Statistics of a set of images (all of them, or the rows a filter keeps).

    Arrays are per class in ``classes`` order. ``objects`` is None when no object table
    was given. Label statistics count labeled images only (``n_images``); ``n_unlabeled``
    says how many images were left out because nothing is known about their labels. Sizes
    are properties of the files and cover both.
    """

    classes: tuple[str, ...]
    n_images: int
    positives: np.ndarray
    negatives: np.ndarray
    objects: np.ndarray | None
    class_weights: np.ndarray
    positive_weights: np.ndarray
    #: Co-occurrence counts (see :func:`labels.cooccurrence`) among
    #: ``cooccurrence_classes`` only: the :data:`MAX_PAIRED_CLASSES` most frequent
    #: classes, in class order (all classes when there are fewer).
    cooccurrence: np.ndarray
    labels_per_image: np.ndarray
    sizes: SizeStats
    n_unlabeled: int = 0
    cooccurrence_classes: tuple[str, ...] = ()

    def summary(self) -> dict[str, object]:
        """A JSON-able dict: ``images`` (labeled), ``unlabeled`` (a count), ``classes``
        (name -> images, objects, positives, negatives, class_weight, positive_weight),
        ``labels_per_image`` ({k: images with k labels}, k as str for JSON) and ``sizes``
        (see :meth:`SizeStats.summary`)."""
        per_class = {}
        for j, name in enumerate(self.classes):
            per_class[name] = {
                "images": int(self.positives[j]),
                "objects": None if self.objects is None else int(self.objects[j]),
                "positives": int(self.positives[j]),
                "negatives": int(self.negatives[j]),
                "class_weight": float(self.class_weights[j]),
                "positive_weight": float(self.positive_weights[j]),
            }
        return {
            "images": self.n_images,
            "unlabeled": self.n_unlabeled,
            "classes": per_class,
            "labels_per_image": {str(k): int(v) for k, v in enumerate(self.labels_per_image)},
            "sizes": self.sizes.summary(),
        }


def compute_stats(y: np.ndarray, classes: Sequence[str], images: pd.DataFrame | None = None,
                  objects: pd.DataFrame | None = None,
                  mask: np.ndarray | None = None) -> DatasetStats:
    """Compute :class:`DatasetStats` from the label matrix ``y`` (row i = image i).

    ``images`` supplies the ``width`` / ``height`` columns (sizes are empty without it),
    ``objects`` the loader's object table (``image``, ``name``). ``mask`` (bool over all
    images) restricts everything to those images, e.g. the table's current filter. When
    ``images`` has a ``labeled`` column, label statistics leave the unlabeled images out
    and count them in ``n_unlabeled``.
    """
    y = np.asarray(y, dtype=bool)
    if y.ndim != 2 or y.shape[1] != len(classes):
        raise ValueError(f"label matrix of shape {y.shape} does not match "
                         f"{len(classes)} classes")
    if mask is not None:
        mask = np.asarray(mask, dtype=bool)
        if mask.shape != (len(y),):
            raise ValueError(f"mask has shape {mask.shape}, expected ({len(y)},)")
    if images is not None:
        width, height = images["width"].to_numpy(), images["height"].to_numpy()
        if mask is not None:
            width, height = width[mask], height[mask]
    else:
        width = height = np.zeros(0, dtype=np.int64)
    shown = np.ones(len(y), dtype=bool) if mask is None else mask
    labeled = (np.asarray(images["labeled"], dtype=bool) if images is not None
               and "labeled" in images else np.ones(len(y), dtype=bool))
    n_unlabeled = int(np.count_nonzero(shown & ~labeled))
    counted = None if mask is None and not n_unlabeled else shown & labeled
    sub = y if counted is None else y[counted]
    positives = np.count_nonzero(sub, axis=0).astype(np.int64)
    paired = most_frequent(positives, MAX_PAIRED_CLASSES)
    return DatasetStats(
        classes=tuple(classes),
        n_images=len(sub),
        positives=positives,
        negatives=len(sub) - positives,
        objects=None if objects is None else objects_per_class(objects, classes, counted),
        class_weights=class_weight_array(sub),
        positive_weights=positive_weights(sub),
        cooccurrence=cooccurrence(sub[:, paired]),
        labels_per_image=labels_per_image(sub),
        sizes=size_stats(width, height),
        n_unlabeled=n_unlabeled,
        cooccurrence_classes=tuple(classes[j] for j in paired),
    )


def most_frequent(positives: np.ndarray, limit: int) -> np.ndarray:
    """Indices of the ``limit`` classes with the most images (ties: class order), sorted
    in class order; every index when there are no more than ``limit``."""
    if len(positives) <= limit:
        return np.arange(len(positives))
    return np.sort(np.argsort(-positives, kind="stable")[:limit])


def dataset_summary(y: np.ndarray, classes: Sequence[str], images: pd.DataFrame | None = None,
                    objects: pd.DataFrame | None = None,
                    mask: np.ndarray | None = None) -> dict[str, object]:
    """JSON-able summary of a dataset (see :meth:`DatasetStats.summary`)."""
    return compute_stats(y, classes, images, objects, mask).summary()
