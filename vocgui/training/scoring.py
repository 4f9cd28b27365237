"""The scoring pass: a trained model scores every image of the project, in the training
process, with the preprocessing of the run's validation, batched, with progress events,
and cancellable.

One ``predict`` over a two-output model gives the class scores and the pooled features
(the ``pool`` layer the head reads: float16 is plenty for similarity maps and halves the
file). Images that cannot be decoded are skipped and counted: the tf.data pipeline drops
them (``ignore_errors``), the few rows that went missing are then found by decoding with
Pillow, and the rest is scored again without them, so a bad file never costs the pass.
Written into the run folder:

- ``scores.npz``: ``rows`` (int64 image ids), ``scores`` (float32, rows x classes),
  ``classes``, ``in_sample`` (bool: the image trained the model, so its score must never
  feed label-error finding);
- ``features.npy``: float16 (n_images, feature width), row = image id, the interface of
  :mod:`vocgui.core.embedding_map` (the Map tab, Find Similar); an image that could not
  be decoded has a row of zeros (it is not in ``scores.npz``).
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import keras
import numpy as np

from vocgui.core.embedding_map import FEATURES_FILE
from vocgui.training import events
from vocgui.training.callbacks import StopChecker
from vocgui.training.config import TrainConfig
from vocgui.training.data import as_keras_input, flow_batches  # the validation preprocessing
from vocgui.training.features import save_features
from vocgui.training.preprocessing import Preprocessing
from vocgui.training.reporter import Reporter
from vocgui.training.validate import image_problem

SCORES_FILE = "scores.npz"
#: Minimum seconds between two ``scoring`` progress events (the last batch always reports).
_EVENT_INTERVAL = 0.1


class ScoringStopped(Exception):
    """The user stopped the run while its images were being scored."""


@dataclass
class Scored:
    """Scores and pooled features of the images that could be read, in input order."""

    rows: np.ndarray
    scores: np.ndarray
    features: np.ndarray
    #: (row, path, reason) of each image skipped because it cannot be decoded.
    skipped: list[tuple[int, str, str]]


class _ScoringProgress(keras.callbacks.Callback):
    """``scoring`` events: batches done of the pass (throttled)."""

    def __init__(self, reporter: Reporter, batches: int, offset: int, total: int) -> None:
        super().__init__()
        self.reporter, self.batches, self.offset, self.total = reporter, batches, offset, total
        self._last = 0.0

    def on_predict_batch_end(self, batch, logs=None) -> None:
        now = time.monotonic()
        if batch + 1 == self.batches or now - self._last >= _EVENT_INTERVAL:
            self._last = now
            self.reporter.on_event(events.scoring(self.offset + batch + 1, self.total))


def scorer(model: keras.Model) -> keras.Model:
    """``model`` with a second output: the pooled features its head reads."""
    return keras.Model(model.inputs, [model.outputs[0], model.get_layer("pool").output])


def _batches(config: TrainConfig, paths: Sequence[str], antialias: bool, ignore_errors: bool,
             batch_size: int, pad_to: int):
    """Unshuffled, unaugmented batches of ``paths`` through the run's pipeline; with
    ``pad_to`` > 1 (flow only) a short batch is padded to a multiple of it."""
    if config.pipeline == "flow":
        return as_keras_input(flow_batches(
            paths, [()] * len(paths), ["x"], target_size=config.target_size,
            batch_size=batch_size, shuffle=False, workers=config.workers, pad_to=pad_to,
            preprocessing=Preprocessing("flow", config.target_size, antialias)))
    if pad_to > 1:  # training refuses tf.data over several devices, so no run gets here
        raise ValueError("scoring data-parallel over several devices needs the flow pipeline")
    # TensorFlow only for the tf.data pipeline: flow runs score without it (any backend).
    import tensorflow as tf

    from vocgui.training.tfdata import _decode

    ds = tf.data.Dataset.from_tensor_slices(tf.constant([str(p) for p in paths]))
    ds = ds.map(lambda path: _decode(path, config.target_size, antialias),
                num_parallel_calls=tf.data.AUTOTUNE, deterministic=True)
    if ignore_errors:
        ds = ds.ignore_errors()
    return ds.batch(batch_size).prefetch(tf.data.AUTOTUNE)


def _predict(model: keras.Model, config: TrainConfig, paths: Sequence[str], antialias: bool,
             reporter: Reporter, ignore_errors: bool, pad_to: int
             ) -> tuple[np.ndarray, np.ndarray]:
    stopper = StopChecker(reporter)
    # Data parallel: the global batch of training, split evenly over the devices.
    batch_size = config.batch_size * pad_to
    batches = math.ceil(len(paths) / batch_size)
    progress = _ScoringProgress(reporter, batches, 0, batches)
    # steps: with ignore_errors the dataset's length is unknown, and Keras, told nothing,
    # reads until the data ends and then warns "Your input ran out of data" on every run.
    scores, features = model.predict(
        _batches(config, paths, antialias, ignore_errors, batch_size, pad_to),
        steps=batches, verbose=0, callbacks=[stopper, progress])
    if stopper.stopped:
        raise ScoringStopped("stopped while scoring")
    if pad_to > 1:  # only the last batch can be padded: the first rows are the images
        scores, features = scores[:len(paths)], features[:len(paths)]
    return scores, features


def _find_unreadable(paths: Sequence[str], workers: int) -> list[str | None]:
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        return list(pool.map(image_problem, paths))


def score_images(model: keras.Model, rows: np.ndarray, paths: Sequence[str],
                 config: TrainConfig, antialias: bool, reporter: Reporter,
                 devices: int = 1) -> Scored:
    """Scores and features of every image in ``paths`` (image ids ``rows``).

    ``devices`` > 1: the model is distributed data-parallel over that many devices
    (``keras.distribution.DataParallel``), which split every batch evenly, so batches
    hold ``batch_size`` images per device and a short last one is padded to a multiple
    of ``devices`` (the padding's scores are dropped). Raises :class:`ScoringStopped`
    when the reporter asks to stop.
    """
    rows = np.asarray(rows, dtype=np.int64)
    paths = [str(p) for p in paths]
    two_outputs = scorer(model)
    reporter.on_event(events.log(f"scoring {len(paths)} images"))
    skipped: list[tuple[int, str, str]] = []
    keep = np.arange(len(paths))
    if config.pipeline == "flow":  # Pillow fails inside the iterator: check first
        problems = _find_unreadable(paths, config.workers)
        keep = np.asarray([i for i, why in enumerate(problems) if why is None], dtype=int)
        skipped = [(int(rows[i]), paths[i], why) for i, why in enumerate(problems)
                   if why is not None]
    if len(keep) == 0:
        return Scored(rows[:0], np.zeros((0, model.outputs[0].shape[-1]), np.float32),
                      np.zeros((0, 0), np.float16), skipped)
    kept_paths = [paths[i] for i in keep]
    scores, features = _predict(two_outputs, config, kept_paths, antialias, reporter,
                                ignore_errors=config.pipeline != "flow", pad_to=devices)
    if len(scores) != len(kept_paths):  # tf.data dropped undecodable images: find them
        problems = _find_unreadable(kept_paths, config.workers)
        good = [i for i, why in enumerate(problems) if why is None]
        skipped += [(int(rows[keep[i]]), kept_paths[i], why or "cannot be decoded")
                    for i, why in enumerate(problems) if why is not None]
        keep = keep[good]
        scores, features = _predict(two_outputs, config, [kept_paths[i] for i in good],
                                    antialias, reporter, ignore_errors=False, pad_to=devices)
    return Scored(rows[keep], np.asarray(scores, np.float32),
                  np.asarray(features).astype(np.float16), skipped)


def write_scored(out: Path, scored: Scored, classes: Sequence[str],
                 in_sample_rows: np.ndarray, reporter: Reporter, n_images: int) -> Path:
    """Write ``scores.npz`` and ``features.npy`` (``n_images`` rows) into ``out`` and
    announce them with a ``predictions`` event (split ``all``); report each skipped
    image."""
    for row, path, reason in scored.skipped:
        reporter.on_event(events.excluded(path, f"not scored: {reason}", row))
    in_sample = np.isin(scored.rows, np.asarray(in_sample_rows, dtype=np.int64))
    scores_path = out / SCORES_FILE
    features_path = out / FEATURES_FILE
    dense = np.zeros((n_images, scored.features.shape[1]), dtype=np.float16)
    dense[scored.rows] = scored.features
    save_features(features_path, dense)
    np.savez(scores_path, rows=scored.rows, scores=scored.scores,
             classes=np.array(list(classes), dtype=str), in_sample=in_sample)
    reporter.on_event(events.predictions(str(scores_path), len(scored.rows), None,
                                         split="all", features=str(features_path),
                                         skipped=len(scored.skipped)))
    return scores_path
