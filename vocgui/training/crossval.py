"""A cross-validated run, in the training process: K models on a multi-label stratified
K-fold split of the labeled images, so that every labeled image gets an out-of-sample
score, and every other image of the project the mean of the K models' scores.

Fold ``k`` is a whole single run (:func:`vocgui.training.job.train_once`: the same
checks, pipelines, model, callbacks, Stop and scoring pass) on a copy of the snapshot
whose split says "val" for the images of fold ``k`` and "train" for the others (the
dataset's test images stay held back), in ``out_dir/fold-<k>/``. Its validation scores
are the held-out images' out-of-sample scores. Events of fold ``k`` carry ``fold`` and
``folds`` and count epochs across the whole run (fold 2's first epoch is epoch E + 1 of
K * E), so progress, curves and the project's history read as one run.

Written into ``out_dir`` at the end: ``predictions.npz`` (split "val": every labeled
image's out-of-sample score; the review views and label-error finding use it),
``scores.npz`` / ``features.npy`` (split "all": nothing is in-sample; the features are
fold 1's, whose model scores every image), ``folds.json`` (the images each fold held
out) and ``history.json``. The summary metrics (the ``finished`` message and a
``crossval`` entry in ``history.json``) are over all folds' out-of-sample scores.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from vocgui.core.embedding_map import FEATURES_FILE
from vocgui.core.evaluation.metrics import classification_metrics
from vocgui.core.stats.labels import multi_hot
from vocgui.core.wording import plural
from vocgui.training import events
from vocgui.training.config import TrainConfig
from vocgui.training.features import save_features
from vocgui.training.reporter import Reporter
from vocgui.training.score_list import read_score_list, write_score_list
from vocgui.training.scoring import SCORES_FILE
from vocgui.training.split import kfold_splits


@dataclass(frozen=True)
class FoldSnapshot:
    """The run's snapshot with the split of one fold (what ``prepare`` reads)."""

    classes: tuple[str, ...]
    frame: pd.DataFrame


class FoldReporter:
    """Passes fold ``fold``'s events on with ``fold``/``folds``, run-wide epochs and a
    run-wide ETA; keeps each fold's predictions to itself (the run announces the merged
    ones at the end).

    ``fold_seconds`` are the wall times of the folds already done. A batch event's ``eta``
    (the fold's own, from its batch rate) becomes the time left in the whole run: this
    fold's rest plus, for each fold still to come, the mean time of the folds done (each
    a whole fold: model building, epochs, validation and scoring pass), or while none is,
    this fold's projected time (its elapsed time plus its own ETA).
    """

    def __init__(self, reporter: Reporter, fold: int, folds: int, epochs: int,
                 fold_seconds: list[float] | None = None) -> None:
        self.reporter, self.fold, self.folds, self.epochs = reporter, fold, folds, epochs
        self.fold_seconds = list(fold_seconds or [])
        self.started = time.monotonic()

    def _run_eta(self, fold_eta: float) -> float:
        per_fold = (float(np.mean(self.fold_seconds)) if self.fold_seconds
                    else time.monotonic() - self.started + fold_eta)
        return fold_eta + (self.folds - self.fold) * per_fold

    def on_event(self, event: dict[str, Any]) -> None:
        kind = event["type"]
        if kind == "predictions":
            return
        event = {**event, "fold": self.fold, "folds": self.folds}
        if event.get("epoch") is not None:
            event["epoch"] = event["epoch"] + (self.fold - 1) * self.epochs
        if "epochs" in event:
            event["epochs"] = self.epochs * self.folds
        if kind == "batch" and event.get("eta") is not None:
            event["eta"] = self._run_eta(float(event["eta"]))
        if kind == "started" and self.fold > 1:  # one run: one 'started'
            event = {**events.log(f"fold {self.fold} of {self.folds}: training on "
                                  f"{event['n_train']} images, holding out "
                                  f"{event['n_val']}"), "fold": self.fold,
                     "folds": self.folds}
        self.reporter.on_event(event)

    def should_stop(self) -> bool:
        return self.reporter.should_stop()


def fold_of_each(snapshot, config: TrainConfig) -> np.ndarray:
    """The fold (1..K) holding out each snapshot image; 0 for the dataset's test images."""
    frame = snapshot.frame
    split = np.asarray(frame["split"], dtype=object) if "split" in frame else \
        np.full(len(frame), "", dtype=object)
    usable = split != "test"
    y = multi_hot([tuple(t) for t in frame["labels"]], list(snapshot.classes))
    fold = np.zeros(len(frame), dtype=np.int64)
    fold[np.flatnonzero(usable)] = kfold_splits(y[usable], config.folds, config.seed) + 1
    return fold


def run_folds(snapshot, config: TrainConfig, out: Path, reporter: Reporter,
              score: str | None, train_once) -> Any:
    """Train the K folds with ``train_once`` (job's single run) and merge their scores;
    returns the run's TrainingResult (that of the fold that failed or was stopped)."""
    folds = config.folds
    fold = fold_of_each(snapshot, config)
    frame = snapshot.frame
    rows = frame["row"].to_numpy(dtype=np.int64)
    images = read_score_list(score) if score is not None else None
    one = TrainConfig.from_dict({**config.to_dict(), "folds": 0, "split": "official"})
    history: list[dict] = []
    results = []
    fold_seconds: list[float] = []
    for k in range(1, folds + 1):
        folder = out / f"fold-{k}"
        folder.mkdir(parents=True, exist_ok=True)
        split = np.where(fold == 0, "test", np.where(fold == k, "val", "train"))
        fold_frame = frame.assign(split=pd.Series(split, dtype=str))
        fold_score = None
        if images is not None:  # fold 1 scores every image (features); the others the rest
            listed = images if k == 1 else images[~images["row"].isin(rows)]
            fold_score = str(folder / "score.csv")
            write_score_list(fold_score, listed["row"].to_numpy(), list(listed["path"]))
        fold_reporter = FoldReporter(reporter, k, folds, config.total_epochs, fold_seconds)
        result = train_once(FoldSnapshot(tuple(snapshot.classes), fold_frame), one, folder,
                            fold_reporter, fold_score)
        fold_seconds.append(time.monotonic() - fold_reporter.started)
        history.extend({**entry, "fold": k} for entry in result.history)
        if result.status != "completed":
            result.message = f"Fold {k} of {folds}: {result.message}"
            result.history = history
            return result
        results.append(result)
    return _merge(snapshot, config, out, reporter, fold, results, history,
                  images is not None)


def _merge(snapshot, config: TrainConfig, out: Path, reporter: Reporter, fold: np.ndarray,
           results: list, history: list[dict], scored: bool) -> Any:
    """The run's files and events from its folds' (see the module docstring)."""
    classes = list(snapshot.classes)
    rows, scores = [], []
    for k in range(1, config.folds + 1):
        with np.load(out / f"fold-{k}" / "predictions.npz", allow_pickle=False) as npz:
            rows.append(npz["rows"])
            scores.append(npz["scores"])
    oos_rows = np.concatenate(rows)
    order = np.argsort(oos_rows, kind="stable")
    oos_rows, oos = oos_rows[order], np.concatenate(scores)[order]
    np.savez(out / "predictions.npz", rows=oos_rows, scores=oos.astype(np.float32),
             classes=np.array(classes, dtype=str))
    reporter.on_event(events.predictions(str(out / "predictions.npz"), len(oos_rows), None))
    frame = snapshot.frame
    position = pd.Index(frame["row"].to_numpy()).get_indexer(oos_rows)
    y = multi_hot([tuple(frame["labels"].iat[p]) for p in position], classes)
    summary = classification_metrics(y, oos, config.threshold, classes)
    history.append({"crossval": True, "folds": config.folds, **summary})
    (out / "history.json").write_text(json.dumps(history, indent=1))
    (out / "folds.json").write_text(json.dumps(
        {str(k): frame["row"][fold == k].astype(int).tolist()
         for k in range(1, config.folds + 1)}))
    if scored:
        _merge_scores(out, config.folds, oos_rows, oos, classes, reporter)
    results[0].model_path = str(out / "fold-1" / "model.keras")
    results[0].predictions_path = str(out / "predictions.npz")
    ap = summary.get("map")
    results[0].message = (
        f"{config.folds}-fold cross-validation: out-of-sample micro-F1 "
        f"{summary['f1_micro']:.3f}" + ("" if ap is None else f", mAP {ap:.3f}")
        + f" over all {plural(len(oos_rows), 'labeled image')}.")
    results[0].history = history
    return results[0]


def _merge_scores(out: Path, folds: int, oos_rows: np.ndarray, oos: np.ndarray,
                  classes: list[str], reporter: Reporter) -> None:
    """scores.npz: the out-of-sample score of each labeled image and, for every other
    image, the mean of the K models; features.npy: fold 1's."""
    sums: dict[int, np.ndarray] = {}
    for k in range(1, folds + 1):
        with np.load(out / f"fold-{k}" / SCORES_FILE, allow_pickle=False) as npz:
            for row, values in zip(npz["rows"].tolist(), npz["scores"], strict=True):
                if row not in sums:
                    sums[row] = np.zeros(len(classes), np.float64)
                sums[row] += values
    labeled = set(oos_rows.tolist())
    others = np.asarray(sorted(r for r in sums if r not in labeled), dtype=np.int64)
    mean = np.asarray([sums[r] / folds for r in others.tolist()], np.float32).reshape(
        len(others), len(classes))
    rows = np.concatenate([oos_rows, others])
    order = np.argsort(rows, kind="stable")
    np.savez(out / SCORES_FILE, rows=rows[order],
             scores=np.concatenate([oos, mean])[order].astype(np.float32),
             classes=np.array(classes, dtype=str), in_sample=np.zeros(len(rows), bool))
    save_features(out / FEATURES_FILE, np.load(out / "fold-1" / FEATURES_FILE,
                                                allow_pickle=False))
    reporter.on_event(events.predictions(str(out / SCORES_FILE), len(rows), None,
                                         split="all", features=str(out / FEATURES_FILE),
                                         skipped=0))
