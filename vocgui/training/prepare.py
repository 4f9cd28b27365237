"""From a label snapshot to the training and validation sets of a run (no TensorFlow).

Checks the images, restricts the labels to the snapshot's classes, splits, and works out
the imbalance weights; everything excluded or odd is reported as events.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from vocgui.core.stats.class_weights import positive_weights, sample_weights
from vocgui.core.stats.labels import multi_hot
from vocgui.core.wording import plural
from vocgui.training import events
from vocgui.training.config import TrainConfig
from vocgui.training.reporter import Reporter
from vocgui.training.split import make_split
from vocgui.training.validate import check_snapshot


class NoUsableImages(ValueError):
    """Too few decodable images to train and validate on."""


@dataclass
class Side:
    """One side of the split, in a fixed order."""

    #: Image ids (the snapshot's ``row`` column).
    rows: np.ndarray
    paths: list[str]
    labels: list[tuple[str, ...]]
    #: Multi-hot labels, bool (n x n_classes), class order = snapshot order.
    y: np.ndarray


@dataclass
class Prepared:
    classes: list[str]
    train: Side
    val: Side
    #: Per-image training weights (imbalance "sample_weights"), else None.
    sample_weight: np.ndarray | None
    #: Per-class positive weights (imbalance "pos_weight"), else None.
    pos_weight: np.ndarray | None
    split_method: str
    n_excluded: int
    #: Test images held back (on neither side).
    n_test: int = 0

    @property
    def n_negatives(self) -> int:
        """Training images without any label (trained as all-zero targets)."""
        return int((~self.train.y.any(axis=1)).sum())


def prepare(snapshot, config: TrainConfig, reporter: Reporter) -> Prepared:
    """Check, clean and split ``snapshot`` (anything with ``classes`` and a ``frame`` of
    ``row``/``path``/``labels``/``split``), reporting excluded images and unknown labels."""
    classes = [str(c) for c in snapshot.classes]
    frame = snapshot.frame
    if not classes:
        raise NoUsableImages("the project has no classes to train on")
    paths = [str(p) for p in frame["path"]]
    rows = np.asarray(frame["row"], dtype=np.int64)
    reporter.on_event(events.log(f"checking {len(paths)} images"))
    checked = check_snapshot(paths, frame["labels"], classes, workers=config.workers,
                             pipeline=config.pipeline)
    for pos, path, reason in checked.excluded:
        reporter.on_event(events.excluded(path, reason, int(rows[pos])))
    if checked.unknown_labels:
        names = ", ".join(f"{k} ({v})" for k, v in sorted(checked.unknown_labels.items()))
        reporter.on_event(events.log(
            f"labels not in the class list were ignored: {names}; {checked.n_all_unknown} "
            f"images had only such labels and train as negatives", level="warning"))
    keep = checked.keep
    labels = [checked.labels[i] for i in keep]
    y = multi_hot(labels, classes)
    split_column = np.asarray(frame["split"], dtype=object)[keep] if "split" in frame else []
    if len(keep) < 2:
        raise NoUsableImages(
            f"only {len(keep)} of {len(paths)} images can be read; need at least 2")
    try:
        split = make_split(y, split_column, config.split, config.val_fraction, config.seed)
    except ValueError as exc:
        raise NoUsableImages(str(exc)) from exc
    if split.n_test:
        reporter.on_event(events.log(
            f"{split.n_test} test images (the dataset's test set) held back: never trained "
            "or validated on"))
    if split.n_new:
        reporter.on_event(events.log(
            f"{plural(split.n_new, 'image')} labeled here, with no split of their own, "
            "train; the dataset's validation images stay as they are"))
    if split.n_unlisted:
        reporter.on_event(events.log(
            f"{plural(split.n_unlisted, 'labeled image')} that the official split lists "
            "nowhere left out (Split: stratified uses them)"))
    if len(split.train) == 0 or len(split.val) == 0:
        raise NoUsableImages(
            f"the {split.method} split left {len(split.train)} training and "
            f"{len(split.val)} validation images; both need at least one")

    def side(positions: np.ndarray) -> Side:
        idx = keep[positions]
        return Side(rows[idx], [paths[i] for i in idx], [labels[p] for p in positions],
                    y[positions])

    train, val = side(split.train), side(split.val)
    return Prepared(
        classes=classes, train=train, val=val,
        sample_weight=(sample_weights(train.y) if config.imbalance == "sample_weights"
                       else None),
        pos_weight=positive_weights(train.y) if config.imbalance == "pos_weight" else None,
        split_method=split.method, n_excluded=len(checked.excluded), n_test=split.n_test,
    )
