"""Train/validation split of a label snapshot: the official VOC one, or multi-label stratified.

Keras' ``validation_split`` takes the *first* rows of the frame, so vocgui never uses it:
the split is made here, before any iterator is built. Images with no label are valid
negatives and are kept on both sides. Images the dataset lists in its test set
(``ImageSets/Main/test.txt``, split ``'test'``) are held back by every method: they are
never trained or validated on. Imports no TensorFlow.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
from iterstrat.ml_stratifiers import MultilabelStratifiedKFold, MultilabelStratifiedShuffleSplit

from vocgui.core.project.snapshot import NEW_LABELS_SPLIT


@dataclass(frozen=True)
class Split:
    """Positions (into the snapshot frame) of the training and validation images."""

    train: np.ndarray
    val: np.ndarray
    #: "official" or "stratified": how it was made.
    method: str
    #: Images held back because the dataset lists them as test images.
    n_test: int = 0
    #: Official split: images labeled in vocgui without a split of their own, trained on.
    n_new: int = 0
    #: Official split: annotated images its lists name nowhere, not used.
    n_unlisted: int = 0


#: The split value of the images no run may train or validate on.
TEST = "test"


def has_official_split(split_column) -> bool:
    """True when the dataset's own split names both training and validation images."""
    values = set(split_column)
    return "train" in values and "val" in values


def official_split(split_column) -> Split:
    """Training = rows marked 'train' and the images labeled in vocgui since
    (:data:`NEW_LABELS_SPLIT`); validation = rows marked 'val'. Rows with no split are
    unused: VOC2012's action and layout images, for one, annotate only people, so they
    would teach every other class wrong negatives."""
    values = np.asarray(list(split_column), dtype=object)
    new = values == NEW_LABELS_SPLIT
    return Split(np.flatnonzero((values == "train") | new), np.flatnonzero(values == "val"),
                 "official", n_new=int(new.sum()), n_unlisted=int((values == "").sum()))


def stratified_split(y: np.ndarray, val_fraction: float, seed: int) -> Split:
    """Multi-label iterative stratification (Sechidis et al.) over the label matrix ``y``.

    Negatives (all-zero rows) get an extra "no label" column so they too are spread
    evenly between the two sides. The validation size is about ``val_fraction`` (the
    algorithm trades exact size for label balance). Both sides are sorted by position.
    """
    y = np.asarray(y, dtype=bool)
    n = len(y)
    if n < 2:
        raise ValueError(f"need at least 2 images to split into training and validation; got {n}")
    n_val = min(max(1, round(n * val_fraction)), n - 1)
    target = np.column_stack([y, ~y.any(axis=1)]).astype(int)
    splitter = MultilabelStratifiedShuffleSplit(
        n_splits=1, test_size=n_val / n, random_state=seed
    )
    train, val = next(splitter.split(np.zeros(n), target))
    return Split(np.sort(train), np.sort(val), "stratified")


def make_split(y: np.ndarray, split_column, method: str, val_fraction: float,
               seed: int) -> Split:
    """The split ``method`` asks for: "official" falls back to stratified without one.

    Either way, the rows whose ``split_column`` value is ``'test'`` are on neither side.
    """
    y = np.asarray(y, dtype=bool)
    values = np.asarray(list(split_column), dtype=object)
    if len(values) != len(y):  # no split column: nothing is a test image
        values = np.full(len(y), "", dtype=object)
    usable = np.flatnonzero(values != TEST)
    n_test = len(y) - len(usable)
    if method == "official" and has_official_split(values):
        return replace(official_split(values), n_test=n_test)
    if len(usable) < 2:
        raise ValueError(f"{n_test} of the {len(y)} images are test images, held back from "
                         "training; need at least 2 others to train and validate on")
    inner = stratified_split(y[usable], val_fraction, seed)
    return Split(usable[inner.train], usable[inner.val], inner.method, n_test)


def kfold_splits(y: np.ndarray, folds: int, seed: int) -> np.ndarray:
    """The fold (0..folds-1) of each row of ``y``: multi-label iterative stratification
    (Sechidis et al.) into ``folds`` parts, negatives spread by an extra "no label" column,
    as :func:`stratified_split` does for one split."""
    y = np.asarray(y, dtype=bool)
    if not 2 <= folds <= len(y):
        raise ValueError(f"need at least {max(2, folds)} images for {folds} folds; "
                         f"got {len(y)}")
    target = np.column_stack([y, ~y.any(axis=1)]).astype(int)
    fold = np.zeros(len(y), dtype=np.int64)
    splitter = MultilabelStratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    for k, (_, held_out) in enumerate(splitter.split(np.zeros(len(y)), target)):
        fold[held_out] = k
    return fold
