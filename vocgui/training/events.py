"""The events a training run emits: the one place that defines their types and fields.

Events are plain JSON-able dicts with a ``"type"`` key. The training process emits them
through its reporter; the launcher carries them as JSON lines from the child process to
the GUI (or the CLI); ``vocgui.core.project.run_recorder`` stores them in the project.
Importing this module imports no TensorFlow.

Types and fields (all times in seconds, all metrics floats unless noted):

``started``
    ``n_train``, ``n_val`` (int images), ``classes`` (list of str), ``config`` (dict,
    :meth:`TrainConfig.to_dict`), ``batches`` (int per epoch), ``epochs`` (int, total of
    all phases), ``n_negatives`` (int training images with no label), ``n_excluded``
    (int images left out, each also reported by an ``excluded`` event), ``n_test`` (int
    test images held back, trained and validated on by no split method), ``device`` (str).
``batch``
    ``epoch`` (int, 1-based), ``epochs`` (int), ``batch`` (int, 1-based), ``batches``
    (int), ``loss`` (running mean over the epoch so far), ``elapsed`` (since the epoch
    began), ``eta`` (estimated seconds left in the whole run). Sent at most ~10 times a
    second, and always for the last batch of an epoch.
``epoch``
    ``epoch`` (int, 1-based), ``epochs`` (int), ``seconds`` (duration of the epoch),
    ``metrics``: ``loss``, ``val_loss`` and everything
    :func:`vocgui.core.evaluation.metrics.classification_metrics` returns on the whole
    validation set at the configured threshold (``f1_micro``, ``precision_macro``,
    ``map`` ... ``ap`` per class), plus ``per_class``: ``{"class": [...], "support":
    [...], "precision": [...], "recall": [...], "f1": [...], "ap": [...]}`` (lists in
    class order; ap None where undefined).
``predictions``
    ``file`` (absolute path of ``predictions.npz``: arrays ``rows`` (int image ids),
    ``scores`` (float32, n x k), ``classes`` (str); the labels they are scored against
    are the run's snapshot's, kept once in the project),
    ``split`` ("val"), ``n`` (int rows), ``epoch`` (int: the epoch whose end produced
    them; after a Stop, the last complete epoch, while ``model.keras`` holds the weights
    at the Stop). With ``split`` "all" it is the scoring pass over every image of the
    project (:mod:`vocgui.training.scoring`): ``file`` is ``scores.npz`` (``rows``,
    ``scores``, ``classes``, ``in_sample`` bool per row instead of ``y_true``),
    ``features`` the path of ``features.npy`` (float16, one row per image id), and
    ``skipped`` (int images that could not be decoded, each also an ``excluded`` event).
``scoring``
    ``done``, ``total`` (int batches of the scoring pass; throttled like ``batch``),
    ``fold``/``folds`` (int) in a cross-validated run.
``finished``
    ``status`` ("completed" | "stopped" | "failed"), ``message`` (str, human readable;
    for a failure it says what went wrong and what to do), ``model_path`` (str or None),
    ``reason`` (str: "completed", "stopped", "nan_loss", "out_of_memory",
    "weights_unavailable", "no_images", "bad_config", "image_changed", "crashed",
    "error").
``log``
    ``message`` (str), ``level`` ("info" | "warning").
``excluded``
    ``file`` (str path), ``row`` (int image id or None), ``reason`` (str).

Floats that are NaN or infinite travel as None (JSON has neither); show them with
:func:`number_text`.

Exactly one ``finished`` event ends every run, also one whose process crashed (the
launcher then makes it up from the exit code and the end of the error output).
"""

from __future__ import annotations

from typing import Any

STATUSES = ("completed", "stopped", "failed")

#: Required fields of each event type (besides "type").
REQUIRED: dict[str, tuple[str, ...]] = {
    "started": ("n_train", "n_val", "classes", "config", "batches", "epochs"),
    "batch": ("epoch", "epochs", "batch", "batches", "loss"),
    "epoch": ("epoch", "epochs", "metrics"),
    "predictions": ("file",),
    "scoring": ("done", "total"),
    "finished": ("status", "message", "model_path"),
    "log": ("message",),
    "excluded": ("file", "reason"),
}


def number_text(value: Any, spec: str = ".4f") -> str:
    """A metric or loss of an event for display: 'nan' for None (a non-finite value) or
    NaN, else ``format(value, spec)``."""
    if value is None or value != value:  # None, or NaN (never equal to itself)
        return "nan"
    return format(float(value), spec)


class EventError(ValueError):
    """An event dict that does not follow the definitions above."""


def validate(event: dict[str, Any]) -> dict[str, Any]:
    """Return ``event`` unchanged if well formed, else raise :class:`EventError`."""
    kind = event.get("type")
    if kind not in REQUIRED:
        raise EventError(f"unknown event type {kind!r} in {event!r}")
    missing = [f for f in REQUIRED[kind] if f not in event]
    if missing:
        raise EventError(f"{kind} event lacks {', '.join(missing)}: {event!r}")
    if kind == "finished" and event["status"] not in STATUSES:
        raise EventError(f"finished status must be one of {STATUSES}: {event!r}")
    return event


def started(**fields: Any) -> dict[str, Any]:
    return validate({"type": "started", **fields})


def batch(epoch: int, epochs: int, batch: int, batches: int, loss: float,
          elapsed: float, eta: float | None) -> dict[str, Any]:
    return validate({"type": "batch", "epoch": epoch, "epochs": epochs, "batch": batch,
                     "batches": batches, "loss": float(loss), "elapsed": float(elapsed),
                     "eta": None if eta is None else float(eta)})


def epoch(epoch: int, epochs: int, metrics: dict[str, Any], seconds: float) -> dict[str, Any]:
    return validate({"type": "epoch", "epoch": epoch, "epochs": epochs, "metrics": metrics,
                     "seconds": float(seconds)})


def predictions(file: str, n: int, epoch: int | None, split: str = "val",
                **extra: Any) -> dict[str, Any]:
    return validate({"type": "predictions", "file": file, "n": int(n), "split": split,
                     "epoch": epoch, **extra})


def scoring(done: int, total: int, **extra: Any) -> dict[str, Any]:
    return validate({"type": "scoring", "done": int(done), "total": int(total), **extra})


def finished(status: str, message: str, model_path: str | None = None,
             reason: str | None = None) -> dict[str, Any]:
    return validate({"type": "finished", "status": status, "message": message,
                     "model_path": model_path, "reason": reason or status})


def log(message: str, level: str = "info") -> dict[str, Any]:
    return validate({"type": "log", "message": message, "level": level})


def excluded(file: str, reason: str, row: int | None = None) -> dict[str, Any]:
    return validate({"type": "excluded", "file": file, "row": row, "reason": reason})
