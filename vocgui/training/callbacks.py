"""Keras callbacks of a run: progress and Stop, and whole-validation-set metrics per epoch.

Callbacks run on the training thread; they only compute and report through the
:class:`~vocgui.training.reporter.Reporter`, never touch anything else.
"""

from __future__ import annotations

import math
import time

import keras
import numpy as np

from vocgui.core.evaluation.metrics import classification_metrics, per_class_metrics
from vocgui.training import events
from vocgui.training.reporter import Reporter

#: Minimum seconds between two batch events (the last batch of an epoch always reports).
BATCH_EVENT_INTERVAL = 0.1


class StopChecker(keras.callbacks.Callback):
    """Checks the reporter's stop flag after every batch of fit, evaluate and predict.

    ``stop_training`` alone ends fit only after the current batch *and* a full validation
    pass; setting ``stop_evaluating``/``stop_predicting`` too cuts that pass short.
    """

    def __init__(self, reporter: Reporter) -> None:
        super().__init__()
        self.reporter = reporter
        self.stopped = False

    def _check(self) -> bool:
        if self.reporter.should_stop():
            self.stopped = True
            self.model.stop_training = True
            self.model.stop_evaluating = True
            self.model.stop_predicting = True
        return self.stopped

    def on_train_batch_end(self, batch, logs=None) -> None:
        self._check()

    def on_test_batch_end(self, batch, logs=None) -> None:
        self._check()

    def on_predict_batch_end(self, batch, logs=None) -> None:
        self._check()


class ProgressReporter(keras.callbacks.Callback):
    """Sends ``batch`` events (throttled) with the running loss and an ETA for the run."""

    def __init__(self, reporter: Reporter, batches: int, total_epochs: int) -> None:
        super().__init__()
        self.reporter = reporter
        self.batches = batches
        self.total_epochs = total_epochs
        self.nan_loss = False
        self._run_start = time.monotonic()
        self._epoch_start = self._run_start
        self._epoch = 0
        self._last_sent = 0.0
        self._batches_done = 0

    def on_epoch_begin(self, epoch, logs=None) -> None:
        self._epoch = epoch + 1
        self._epoch_start = time.monotonic()

    def on_train_batch_end(self, batch, logs=None) -> None:
        self._batches_done += 1
        loss = float((logs or {}).get("loss", math.nan))
        if not math.isfinite(loss):
            self.nan_loss = True
        now = time.monotonic()
        last = batch + 1 == self.batches
        if not last and now - self._last_sent < BATCH_EVENT_INTERVAL:
            return
        self._last_sent = now
        left = (self.total_epochs - self._epoch) * self.batches + self.batches - (batch + 1)
        # Seconds per batch over the whole run so far, validation passes included.
        eta = (now - self._run_start) / self._batches_done * left
        self.reporter.on_event(events.batch(self._epoch, self.total_epochs, batch + 1,
                                            self.batches, loss, now - self._epoch_start, eta))


class ValidationMetrics(keras.callbacks.Callback):
    """At each epoch end, predicts the whole validation set in its fixed order and reports
    the loss and the metrics of :mod:`vocgui.core.evaluation.metrics`.

    ``val_data`` must not shuffle: row ``i`` of the predictions is validation image ``i``
    (so the scores line up with ``y_true``; the ``tee`` trick misaligns with shuffling).
    The last scores are kept in :attr:`scores` (and their epoch in :attr:`epoch`).
    """

    def __init__(self, reporter: Reporter, val_data, y_true: np.ndarray,
                 classes: list[str], threshold: float, total_epochs: int,
                 stop_checker: StopChecker) -> None:
        super().__init__()
        self.reporter = reporter
        self.val_data = val_data
        self.y_true = np.asarray(y_true, dtype=bool)
        self.classes = classes
        self.threshold = threshold
        self.total_epochs = total_epochs
        self.stop_checker = stop_checker
        self.scores: np.ndarray | None = None
        self.epoch: int | None = None
        self.history: list[dict] = []
        self._epoch_start = time.monotonic()

    def on_epoch_begin(self, epoch, logs=None) -> None:
        self._epoch_start = time.monotonic()

    def on_epoch_end(self, epoch, logs=None) -> None:
        loss = float((logs or {}).get("loss", math.nan))
        if self.reporter.should_stop() or not math.isfinite(loss):
            return  # an interrupted or diverged epoch has no meaningful metrics
        scores = self.model.predict(self.val_data, verbose=0, callbacks=[self.stop_checker])
        if self.stop_checker.stopped or len(scores) < len(self.y_true):
            return  # Stop came during the validation pass
        # Data-parallel batches may end in padding: the first rows are the images.
        scores = np.asarray(scores[: len(self.y_true)], dtype=np.float32)
        metrics = {"loss": loss, "val_loss": self._loss(scores)}
        metrics.update(classification_metrics(self.y_true, scores, self.threshold,
                                               self.classes))
        table = per_class_metrics(self.y_true, scores, self.threshold, self.classes)
        metrics["per_class"] = {
            "class": list(self.classes),
            **{col: [None if not math.isfinite(v) else float(v) for v in table[col]]
               for col in ("precision", "recall", "f1", "ap")},
            "support": [int(v) for v in table["support"]],
        }
        self.scores, self.epoch = scores, epoch + 1
        self.history.append({"epoch": epoch + 1, **metrics})
        self.reporter.on_event(events.epoch(epoch + 1, self.total_epochs, metrics,
                                            time.monotonic() - self._epoch_start))

    def _loss(self, scores: np.ndarray) -> float:
        """The model's own loss on the validation set (no sample weights)."""
        value = self.model.loss(self.y_true.astype(np.float32), scores)
        return float(keras.ops.convert_to_numpy(value))
