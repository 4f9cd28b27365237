"""One training run, start to finish, in the training process.

``run_training(snapshot, config, out_dir, reporter)`` checks and splits the snapshot,
builds the input pipelines and the model, fits (optionally a second fine-tuning phase),
and writes into ``out_dir``: ``model.keras``, ``history.json`` (one dict per epoch),
``config.json``, ``setup.json`` (device, precision, data parallelism: what the run
really trained with), ``preprocessing.json`` (how images become inputs, for every later
prediction) and ``predictions.npz`` (see :mod:`vocgui.training.events`); given the
list of images to ``score``, a completed run then scores them all
(:mod:`vocgui.training.scoring`: ``scores.npz``, ``features.npy``). It reports
through ``reporter`` and always ends with exactly one ``finished`` event; failures
(NaN loss, out of memory, missing weights, no usable images) become a ``failed`` status
with a clear message instead of an exception. It runs on the Keras backend of this
process, which must be ``config.backend``.
"""

from __future__ import annotations

import dataclasses
import json
import math
import traceback
from dataclasses import dataclass, field
from pathlib import Path

import keras
import numpy as np

from vocgui.core.wording import plural
from vocgui.training import events
from vocgui.training import weights as weights_mod
from vocgui.training.callbacks import ProgressReporter, StopChecker, ValidationMetrics
from vocgui.training.config import ConfigError, TrainConfig
from vocgui.training.data import make_batches
from vocgui.training.faults import changed_images, changed_images_message, image_read_errors
from vocgui.training.models import build_model, compile_model, unfreeze_top_blocks
from vocgui.training.prepare import NoUsableImages, Prepared, prepare
from vocgui.training.preprocessing import Preprocessing, decide
from vocgui.training.reporter import Reporter
from vocgui.training.runtime import (
    Setup,
    check_backend,
    decide_setup,
    detect_device,
    is_out_of_memory,
    seed_everything,
    training_scope,
)
from vocgui.training.score_list import read_score_list
from vocgui.training.scoring import ScoringStopped, score_images, write_scored


@dataclass
class TrainingResult:
    status: str  # "completed" | "stopped" | "failed"
    message: str
    reason: str
    model_path: str | None = None
    predictions_path: str | None = None
    history: list[dict] = field(default_factory=list)


def _pipelines(data: Prepared, config: TrainConfig, setup: Setup,
               preprocessing: Preprocessing):
    common = {"classes": data.classes, "target_size": config.target_size,
              "batch_size": setup.global_batch, "seed": config.seed,
              "workers": config.workers, "preprocessing": preprocessing,
              "pad_to": _data_parallel(setup)}
    train = make_batches(config.pipeline, data.train.paths, data.train.labels, shuffle=True,
                         augment=config.augment, weights=data.sample_weight, **common)
    val = make_batches(config.pipeline, data.val.paths, data.val.labels, shuffle=False,
                       **common)
    return train, val


def _save_predictions(path: Path, data: Prepared, scores: np.ndarray) -> None:
    # No y_true: the project keeps the labels once, in the run's snapshot.
    np.savez(path, rows=data.val.rows.astype(np.int64), scores=scores.astype(np.float32),
             classes=np.array(data.classes, dtype=str))


def run_training(snapshot, config: TrainConfig, out_dir, reporter: Reporter,
                 score: str | None = None) -> TrainingResult:
    """Train on ``snapshot`` (a :class:`vocgui.core.project.LabelSnapshot` or anything with
    its ``classes`` and ``frame``) with ``config``; results go into ``out_dir``.

    ``score`` names a list of images (:mod:`vocgui.training.score_list`: every image of
    the project, labeled or not) that the model scores once the run completes. With
    ``config.folds`` K >= 2 the run is cross-validated (:mod:`vocgui.training.crossval`)."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    try:
        if config.folds >= 2:  # K single runs, one per fold (imported when needed)
            from vocgui.training.crossval import run_folds

            config.check()
            (out / "config.json").write_text(json.dumps(config.to_dict(), indent=2))
            result = run_folds(snapshot, config, out, reporter, score, _run)
        else:
            result = _run(snapshot, config, out, reporter, score)
    except weights_mod.WeightsUnavailable as exc:
        result = TrainingResult("failed", str(exc), "weights_unavailable")
    except NoUsableImages as exc:
        result = TrainingResult("failed", f"Cannot train: {exc}.", "no_images")
    except ConfigError as exc:
        result = TrainingResult("failed", f"Bad training setting: {exc}", "bad_config")
    except Exception as exc:
        if not is_out_of_memory(exc):
            traceback.print_exc()  # goes to stderr, i.e. the child's log
            result = TrainingResult("failed", f"Training failed: {type(exc).__name__}: {exc}",
                                    "error")
        else:
            result = _out_of_memory(exc, config)
    reporter.on_event(events.finished(result.status, result.message, result.model_path,
                                      result.reason))
    return result


def _out_of_memory(exc: BaseException, config: TrainConfig) -> TrainingResult:
    detail = (str(exc).strip().splitlines() or [type(exc).__name__])[0][:200]
    return TrainingResult(
        "failed",
        f"Out of memory ({detail}). Use a smaller batch size "
        f"(now {config.batch_size}), a smaller image size (now {config.target_size}) "
        f"or a smaller backbone (now {config.backbone}).", "out_of_memory")


def _run(snapshot, config: TrainConfig, out: Path, reporter: Reporter,
         score: str | None) -> TrainingResult:
    config.check()
    check_backend(config)
    seed_everything(config.seed)
    (out / "config.json").write_text(json.dumps(config.to_dict(), indent=2))
    resolved = weights_mod.resolve(config.backbone, config.weights)  # fails fast
    data = prepare(snapshot, config, reporter)
    setup = decide_setup(config, detect_device())
    # Once for the run, over both sides, and kept for every later prediction.
    preprocessing = decide(config.pipeline, data.train.paths + data.val.paths,
                           config.target_size)
    preprocessing.save(out)
    (out / "setup.json").write_text(json.dumps(setup.to_dict(), indent=2))
    train, val = _pipelines(data, config, setup, preprocessing)
    batches = math.ceil(len(data.train.rows) / setup.global_batch)
    with training_scope(setup):
        model, base = build_model(config.backbone, len(data.classes), config.target_size,
                                  resolved, class_prior=data.train.y.mean(axis=0))
        compile_model(model, config.learning_rate, data.pos_weight, config.lr_schedule,
                      batches * config.epochs)
        reporter.on_event(events.started(
            n_train=len(data.train.rows), n_val=len(data.val.rows), classes=data.classes,
            config=config.to_dict(), batches=batches, epochs=config.total_epochs,
            n_negatives=data.n_negatives, n_excluded=data.n_excluded, n_test=data.n_test,
            device=setup.describe(), setup=setup.to_dict(),
            preprocessing=dataclasses.asdict(preprocessing), split=data.split_method,
            weights=resolved or "none"))
        if setup.replicas > 1:
            reporter.on_event(events.log(
                f"training data-parallel on {setup.replicas} devices: batch "
                f"{config.batch_size} per device, {setup.global_batch} per step"))
        return _fit(model, base, train, val, data, config, resolved, batches, out, reporter,
                    score, preprocessing, _data_parallel(setup))


def _data_parallel(setup: Setup) -> int:
    """The devices ``keras.distribution.DataParallel`` splits each batch over (else 1)."""
    return setup.replicas if setup.strategy == "DataParallel" else 1


def _fit(model, base, train, val, data: Prepared, config: TrainConfig, resolved,
         batches: int, out: Path, reporter: Reporter, score: str | None,
         preprocessing: Preprocessing, devices: int) -> TrainingResult:
    stopper = StopChecker(reporter)
    progress = ProgressReporter(reporter, batches, config.total_epochs)
    metrics = ValidationMetrics(reporter, val, data.val.y, data.classes, config.threshold,
                                config.total_epochs, stopper)
    callbacks = [stopper, keras.callbacks.TerminateOnNaN(), progress, metrics]
    try:
        # shuffle=False: the pipelines shuffle the training images themselves.
        model.fit(train, epochs=config.epochs, verbose=0, callbacks=callbacks, shuffle=False)
        if (config.fine_tune_blocks > 0 and config.fine_tune_epochs > 0
                and resolved is not None and not stopper.stopped and not progress.nan_loss):
            opened = unfreeze_top_blocks(base, config.fine_tune_blocks)
            reporter.on_event(events.log(f"fine-tuning the top {config.fine_tune_blocks} "
                                         f"blocks ({opened} layers) at rate "
                                         f"{config.fine_tune_lr}"))
            compile_model(model, config.fine_tune_lr, data.pos_weight, config.lr_schedule,
                          batches * config.fine_tune_epochs)
            model.fit(train, initial_epoch=config.epochs, epochs=config.total_epochs,
                      verbose=0, callbacks=callbacks, shuffle=False)
    except image_read_errors():
        changed = changed_images(data, config, reporter)
        if not changed:
            raise  # not an image's fault: reported as any other error
        return TrainingResult("failed", changed_images_message(changed), "image_changed",
                              history=metrics.history)
    (out / "history.json").write_text(json.dumps(metrics.history, indent=1))
    if progress.nan_loss:
        return TrainingResult(
            "failed", "The loss became NaN (training diverged). Lower the learning rate "
            f"(now {config.learning_rate}) or check the images; no model was saved.",
            "nan_loss", history=metrics.history)
    model_path = out / "model.keras"
    model.save(model_path)
    predictions_path = None
    if metrics.scores is not None:
        predictions_path = out / "predictions.npz"
        _save_predictions(predictions_path, data, metrics.scores)
        reporter.on_event(events.predictions(str(predictions_path), len(metrics.scores),
                                             metrics.epoch))
    if stopper.stopped:
        done = len(metrics.history)
        return TrainingResult("stopped", f"Stopped by the user after {done} complete "
                              f"epoch{'s' if done != 1 else ''}.", "stopped", str(model_path),
                              predictions_path and str(predictions_path), metrics.history)
    last = metrics.history[-1] if metrics.history else {}
    f1 = last.get("f1_micro")
    summary = f"; validation micro-F1 {f1:.3f}" if f1 is not None else ""
    if score is not None:
        images = read_score_list(score)
        # The run's own preprocessing: the same resize decision for every image.
        try:
            scored = score_images(model, images["row"].to_numpy(), list(images["path"]),
                                  config, preprocessing.antialias, reporter, devices)
        except ScoringStopped:
            return TrainingResult("stopped", "Stopped by the user while scoring the images, "
                                  f"after {plural(len(metrics.history), 'epoch')}; the model "
                                  "is saved.", "stopped", str(model_path),
                                  predictions_path and str(predictions_path), metrics.history)
        write_scored(out, scored, data.classes, data.train.rows, reporter,
                     int(images["row"].max()) + 1 if len(images) else 0)
        summary += f"; scored {plural(len(scored.rows), 'image')}"
    return TrainingResult("completed", f"Trained {plural(len(metrics.history), 'epoch')}{summary}.",
                          "completed", str(model_path),
                          predictions_path and str(predictions_path), metrics.history)
