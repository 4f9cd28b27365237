"""The "features only" pass, in the training process: a pretrained backbone's pooled
features of every image, with no training and no class scores.

The backbone's ImageNet weights are read from the Keras cache only (never downloaded:
:func:`vocgui.training.weights.missing_local_weights` names the file and where it goes
when it is absent) and loaded into the architecture built without weights, so Keras's own
fetch, and its network access, is never reached. The images go through the same batched,
stoppable, bad-file-tolerant pass as a run's scoring (:func:`scoring.score_images`);
``features.npy`` in the run folder is then what the Map, Duplicates and Find Similar
read, like a trained run's. Ends with exactly one ``finished`` event.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from vocgui.core.embedding_map import FEATURES_FILE
from vocgui.core.wording import plural
from vocgui.training import events
from vocgui.training.config import TrainConfig
from vocgui.training.features import save_features
from vocgui.training.models import build_model
from vocgui.training.preprocessing import needs_antialias
from vocgui.training.reporter import Reporter
from vocgui.training.score_job import ScoringResult, finish_pass
from vocgui.training.score_list import read_score_list
from vocgui.training.scoring import score_images
from vocgui.training.weights import WeightsUnavailable, cached_weights, missing_local_weights


def run_features_only(snapshot, config: TrainConfig, out_dir, reporter: Reporter,
                      score: str) -> ScoringResult:
    """Write ``features.npy`` (one row per image of the project, zeros where a file cannot
    be decoded) of ``config.backbone`` with its cached ImageNet weights into ``out_dir``
    for the images listed in ``score``."""
    return finish_pass(reporter, lambda: _features(config, Path(out_dir), reporter, score),
                       WeightsUnavailable, "No features", "computing features",
                       "Computing features")


def _features(config: TrainConfig, out: Path, reporter: Reporter, score: str
              ) -> ScoringResult:
    missing = missing_local_weights(config.backbone)
    if missing is not None:
        raise WeightsUnavailable(missing)
    weights = str(cached_weights(config.backbone))
    images = read_score_list(score)
    paths = list(images["path"])
    # One output is enough; the head is never trained, its scores are thrown away.
    model, _ = build_model(config.backbone, 1, config.target_size, weights)
    # The one rule of both pipelines (preprocessing.decide), over these images.
    antialias = needs_antialias(paths, config.target_size)
    scored = score_images(model, images["row"].to_numpy(), paths, config, antialias,
                          reporter)
    for row, path, reason in scored.skipped:
        reporter.on_event(events.excluded(path, f"no features: {reason}", row))
    n_images = int(images["row"].max()) + 1 if len(images) else 0
    dense = np.zeros((n_images, scored.features.shape[1]), dtype=np.float16)
    dense[scored.rows] = scored.features
    save_features(out / FEATURES_FILE, dense)
    return ScoringResult("completed", f"Features only (no training): "
                         f"{plural(len(scored.rows), 'image')} through {config.backbone} "
                         f"with its ImageNet weights ({weights}), "
                         f"{dense.shape[1]} values each.")
