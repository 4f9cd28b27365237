"""Class and sample weights against label imbalance, from the label matrix ``Y``.

Keras' ``fit(class_weight=...)`` takes the argmax of multi-hot targets, so only one class
per image would be weighted; the per-sample form (``flow_from_dataframe``'s
``weight_col``) or a positive-weighted binary cross-entropy are the usable forms.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np

from vocgui.core.stats.labels import images_per_class

#: Weight given where a weight is undefined (a class with no positives): unweighted.
NEUTRAL_WEIGHT = 1.0


def class_weight_array(y: np.ndarray) -> np.ndarray:
    """Per class ``total / count``: total = all labels of all images, count = the class's.

    This is the simple form of the original blog post. Classes with no image get
    :data:`NEUTRAL_WEIGHT`.
    """
    counts = images_per_class(y).astype(np.float64)
    total = counts.sum()
    weights = np.full(len(counts), NEUTRAL_WEIGHT)
    present = counts > 0
    weights[present] = total / counts[present]
    return weights


def class_weights(y: np.ndarray, classes: Sequence[str]) -> dict[str, float]:
    """:func:`class_weight_array` as ``{class name: weight}``."""
    return dict(zip(classes, class_weight_array(y).tolist(), strict=True))


def positive_weights(y: np.ndarray) -> np.ndarray:
    """Per class ``negatives / positives``: the ``pos_weight`` of a weighted binary
    cross-entropy, which balances each class's positives against its negatives.

    Classes without positives (or without negatives) get :data:`NEUTRAL_WEIGHT`.
    """
    positives = images_per_class(y).astype(np.float64)
    negatives = len(y) - positives
    weights = np.full(len(positives), NEUTRAL_WEIGHT)
    defined = (positives > 0) & (negatives > 0)
    weights[defined] = negatives[defined] / positives[defined]
    return weights


def sample_weights(y: np.ndarray, weights: np.ndarray | None = None,
                   reduce: Literal["max", "mean"] = "max") -> np.ndarray:
    """One weight per image, usable as ``flow_from_dataframe``'s ``weight_col``.

    An image's weight is the ``max`` (or ``mean``) of the class weights of its labels
    (``weights`` defaults to :func:`class_weight_array`). The result is scaled so the
    mean over all images is 1, which keeps the loss on its usual scale; images with no
    label get exactly 1.0 (the average: neither up- nor down-weighted).
    """
    if weights is None:
        weights = class_weight_array(y)
    weights = np.asarray(weights, dtype=np.float64)
    if weights.shape != (y.shape[1],):
        raise ValueError(f"expected {y.shape[1]} class weights, got shape {weights.shape}")
    n_labels = np.count_nonzero(y, axis=1)
    labelled = n_labels > 0
    out = np.ones(len(y), dtype=np.float64)
    if not labelled.any():
        return out
    if reduce == "max":
        raw = np.where(y[labelled], weights, -np.inf).max(axis=1)
    elif reduce == "mean":
        raw = (y[labelled] @ weights) / n_labels[labelled]
    else:
        raise ValueError(f"reduce must be 'max' or 'mean', not {reduce!r}")
    # Unlabelled images take the labelled images' mean, so after scaling they are 1.0.
    out[labelled] = raw / raw.mean()
    return out
