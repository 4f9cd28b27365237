"""The scoring pass on its own, in the training process: the saved model(s) of a run score
a list of images (``vocgui predict``) exactly as the run's own pass does.

Several models (the folds of a cross-validated run) give the mean of their scores. Ends
with exactly one ``finished`` event, like a training run: "completed", "stopped" (Stop
while scoring) or "failed" with a message naming the model file it could not use.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import keras
import numpy as np

from vocgui.core.wording import plural
from vocgui.training import events
from vocgui.training.config import TrainConfig
from vocgui.training.preprocessing import Preprocessing, needs_antialias
from vocgui.training.reporter import Reporter
from vocgui.training.score_list import read_score_list
from vocgui.training.scoring import ScoringStopped, score_images, write_scored


@dataclass
class ScoringResult:
    status: str  # "completed" | "stopped" | "failed"
    message: str


def load_model(path: str) -> keras.Model:
    """The saved model at ``path``; ValueError names the file when it cannot be used."""
    if not Path(path).is_file():
        raise ValueError(f"the model file {path} is missing")
    try:
        # compile=False: scoring needs no loss (and the weighted loss is vocgui's own).
        return keras.models.load_model(path, compile=False)
    except Exception as exc:  # Keras raises many kinds for a damaged or foreign file
        raise ValueError(f"the model file {path} cannot be read: {exc}") from exc


def _antialias(config: TrainConfig, models: list[str], reference: list[str]) -> bool:
    """The resize decision the models trained with: the ``preprocessing.json`` their run
    saved beside them; for a run older than that file, decided again over its validation
    images (and always on for flow, which then resized only like Keras' load_img)."""
    try:
        return Preprocessing.load(Path(models[0]).parent).antialias
    except (IndexError, ValueError):
        if config.pipeline == "flow":
            return True
        return bool(reference) and needs_antialias(reference, config.target_size)


def run_scoring(snapshot, config: TrainConfig, out_dir, reporter: Reporter, score: str,
                models: list[str], in_sample: list[int], reference: list[str]
                ) -> ScoringResult:
    """Score the images listed in ``score`` with each of ``models`` (mean of them) into
    ``out_dir``. ``in_sample`` are the ids of images the models trained on;
    ``reference`` the validation images whose resize decision the run used."""
    return finish_pass(
        reporter, lambda: _score(snapshot, config, Path(out_dir), reporter, score, models,
                                 in_sample, reference),
        ValueError, "Cannot score", "scoring the images", "Scoring")


def finish_pass(reporter: Reporter, work: Callable[[], ScoringResult],
                refused: type[Exception], refused_text: str, doing: str, what: str
                ) -> ScoringResult:
    """Run ``work()`` and send exactly one ``finished`` event for it: a ``refused`` error
    fails with ``refused_text`` and its message, Stop ends it "stopped" ("... while
    ``doing``"), anything else fails naming the exception ("``what`` failed: ...")."""
    try:
        result = work()
    except refused as exc:
        result = ScoringResult("failed", f"{refused_text}: {exc}.")
    except ScoringStopped:
        result = ScoringResult("stopped", f"Stopped by the user while {doing}.")
    except Exception as exc:  # anything else still ends with a message
        traceback.print_exc()
        result = ScoringResult("failed", f"{what} failed: {type(exc).__name__}: {exc}")
    reporter.on_event(events.finished(result.status, result.message, None, result.status))
    return result


def _score(snapshot, config: TrainConfig, out: Path, reporter: Reporter, score: str,
           models: list[str], in_sample: list[int], reference: list[str]) -> ScoringResult:
    images = read_score_list(score)
    antialias = _antialias(config, models, reference)
    total = None
    for path in models:
        scored = score_images(load_model(path), images["row"].to_numpy(),
                              list(images["path"]), config, antialias, reporter)
        if total is None:
            total = scored  # its features: each model has its own feature space
        else:  # the same files decode (or not) for every model: the same rows
            total.scores = total.scores + scored.scores
    if total is None:
        raise ValueError("no model to score with")
    total.scores = (total.scores / len(models)).astype(np.float32)
    write_scored(out, total, list(snapshot.classes), np.asarray(in_sample, np.int64),
                 reporter, int(images["row"].max()) + 1 if len(images) else 0)
    return ScoringResult("completed", f"Scored {plural(len(total.rows), 'image')} with "
                         f"{plural(len(models), 'model')}.")
