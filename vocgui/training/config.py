"""The settings of one training run, with sensible defaults per backbone.

Imports no TensorFlow, so the GUI can build and show configs.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field
from typing import Any

BACKBONES = ("small_cnn", "mobilenetv3", "efficientnetb0", "resnet50")
PIPELINES = ("flow", "tfdata")
IMBALANCE = ("none", "sample_weights", "pos_weight")
SPLITS = ("official", "stratified")
#: Keras 3 backends a run can train on (``KERAS_BACKEND`` of the training process).
BACKENDS = ("tensorflow", "jax", "torch")
#: How the learning rate moves over a training phase (see :mod:`vocgui.training.models`).
LR_SCHEDULES = ("cosine", "constant")


class ConfigError(ValueError):
    """A setting out of range, named with the allowed values."""


#: The most folds a cross-validated run may have.
MAX_FOLDS = 20


@dataclass
class Augment:
    """Random training-time transforms (the ImageDataGenerator options of the same names)."""

    horizontal_flip: bool = True
    vertical_flip: bool = False
    #: Fraction of width/height.
    shift: float = 0.1
    #: Zoom range +- this fraction.
    zoom: float = 0.1
    #: Degrees.
    rotation: float = 10.0

    @classmethod
    def off(cls) -> Augment:
        return cls(horizontal_flip=False, vertical_flip=False, shift=0.0, zoom=0.0,
                   rotation=0.0)

    def enabled(self) -> bool:
        return bool(self.horizontal_flip or self.vertical_flip or self.shift or self.zoom
                    or self.rotation)


@dataclass
class TrainConfig:
    """Everything that defines a run. ``to_dict``/``from_dict`` round-trip through JSON."""

    backbone: str = "small_cnn"
    epochs: int = 10
    batch_size: int = 32
    #: Square input side in pixels.
    target_size: int = 96
    learning_rate: float = 1e-3
    #: "cosine": each phase warms up over its first tenth of the steps from a tenth of its
    #: rate, then decays along a cosine to zero by its last step; "constant": the rate as
    #: given throughout (Adam's own adaptation only).
    lr_schedule: str = "cosine"
    #: Rate of the fine-tuning phase (top ``fine_tune_blocks`` of the base unfrozen).
    fine_tune_lr: float = 1e-5
    #: 0 keeps the pretrained base frozen; N > 0 unfreezes its top N blocks afterwards.
    fine_tune_blocks: int = 0
    #: Epochs of the fine-tuning phase (run after ``epochs`` when fine_tune_blocks > 0).
    fine_tune_epochs: int = 0
    #: Score at or above which a class counts as predicted (for the epoch metrics).
    threshold: float = 0.5
    augment: Augment = field(default_factory=Augment)
    #: "flow": ImageDataGenerator.flow_from_dataframe (the Keras reference, any backend);
    #: "tfdata": tf.data decode/resize (needs TensorFlow). The same labels, pixels within
    #: one grey level (tests/training/test_pixel_tolerance.py); flow trains at about
    #: tf.data's speed on TensorFlow (benchmarks/bench_pipeline.py).
    pipeline: str = "tfdata"
    #: "imagenet", "none", or a path to a weights file (.h5/.weights.h5) for the base.
    weights: str = "imagenet"
    #: "sample_weights": per-image weights from class frequencies; "pos_weight":
    #: positive-weighted binary cross-entropy. (Keras' class_weight is wrong for
    #: multi-hot targets: it weights only the argmax class.)
    imbalance: str = "none"
    val_fraction: float = 0.2
    #: "official": the dataset's train/val split when it has both; else stratified.
    split: str = "official"
    #: Seeds initialisation, shuffling, dropout and augmentation; with op determinism
    #: where the backend offers it, two runs of one config on a CPU give equal metrics.
    seed: int = 0
    #: None: mixed float16 on a GPU that has fast float16 (compute capability >= 7.0),
    #: float32 elsewhere; True / False force it on / off.
    mixed_precision: bool | None = None
    #: The Keras 3 backend the training process runs (see :mod:`vocgui.training.runtime`).
    backend: str = "tensorflow"
    #: Threads that prepare batches (flow pipeline) / parallel calls (tfdata).
    workers: int = 2
    #: 0: one model on one train/validation split. K >= 2: a cross-validated run, K models
    #: on a stratified K-fold split (:mod:`vocgui.training.crossval`).
    folds: int = 0

    def __post_init__(self) -> None:
        if isinstance(self.augment, dict):
            self.augment = Augment(**self.augment)
        self.check()

    def check(self) -> None:
        """Raise :class:`ConfigError` naming the first bad setting."""
        for name, value, allowed in (("backbone", self.backbone, BACKBONES),
                                     ("pipeline", self.pipeline, PIPELINES),
                                     ("imbalance", self.imbalance, IMBALANCE),
                                     ("split", self.split, SPLITS),
                                     ("lr_schedule", self.lr_schedule, LR_SCHEDULES),
                                     ("backend", self.backend, BACKENDS)):
            if value not in allowed:
                raise ConfigError(f"{name} must be one of {', '.join(allowed)}; got {value!r}")
        for name in ("epochs", "batch_size", "target_size", "workers"):
            if int(getattr(self, name)) < 1:
                raise ConfigError(f"{name} must be at least 1; got {getattr(self, name)!r}")
        if self.target_size < 32:
            raise ConfigError(f"target_size must be at least 32 pixels; got {self.target_size}")
        if not 0.0 < self.val_fraction < 1.0:
            raise ConfigError(f"val_fraction must be between 0 and 1; got {self.val_fraction}")
        if not 0.0 < self.threshold < 1.0:
            raise ConfigError(f"threshold must be between 0 and 1; got {self.threshold}")
        for name in ("learning_rate", "fine_tune_lr"):
            value = getattr(self, name)
            # NaN and infinity pass a plain "<= 0" test and make every weight NaN.
            if not (isinstance(value, int | float) and math.isfinite(value) and value > 0):
                raise ConfigError(f"{name} must be a positive finite number; got {value!r}")
        if self.fine_tune_blocks < 0 or self.fine_tune_epochs < 0:
            raise ConfigError("fine_tune_blocks and fine_tune_epochs must be >= 0")
        if not self.weights:
            raise ConfigError("weights must be 'imagenet', 'none' or a weights file path")
        if self.folds != 0 and not 2 <= self.folds <= MAX_FOLDS:
            raise ConfigError(f"folds must be 0 (no cross-validation) or 2 to {MAX_FOLDS}; "
                              f"got {self.folds}")

    @property
    def total_epochs(self) -> int:
        """Epochs of both phases (the fine-tuning one only when it unfreezes something)."""
        fine = self.fine_tune_epochs if self.fine_tune_blocks > 0 else 0
        return self.epochs + fine

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TrainConfig:
        """Inverse of :meth:`to_dict`; unknown keys are an error that names them. A config
        recorded before ``lr_schedule`` existed trained at a constant rate, and says so."""
        known = {f.name for f in dataclasses.fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ConfigError(f"unknown training settings: {', '.join(unknown)}")
        return cls(**{"lr_schedule": "constant", **data})

    def replace(self, **changes: Any) -> TrainConfig:
        return dataclasses.replace(self, **changes)


#: Per-backbone defaults (the rest are TrainConfig's). The small CNN is trained from
#: scratch, so it gets no pretrained weights and a high peak rate (3e-3: with the cosine
#: schedule's warm-up and decay it converges in fewer epochs than a constant 1e-3; see
#: benchmarks/bench_crossval.py); pretrained bases train a head on a frozen base at a
#: lower rate, at the input size they were trained for.
_DEFAULTS: dict[str, dict[str, Any]] = {
    "small_cnn": {"target_size": 96, "learning_rate": 3e-3, "epochs": 15, "batch_size": 32,
                  "weights": "none"},
    "mobilenetv3": {"target_size": 224, "learning_rate": 1e-3, "epochs": 8, "batch_size": 32,
                    "fine_tune_lr": 1e-5, "weights": "imagenet"},
    "efficientnetb0": {"target_size": 224, "learning_rate": 1e-3, "epochs": 8,
                       "batch_size": 32, "fine_tune_lr": 1e-5, "weights": "imagenet"},
    "resnet50": {"target_size": 224, "learning_rate": 1e-4, "epochs": 8, "batch_size": 32,
                 "fine_tune_lr": 1e-5, "weights": "imagenet"},
}


def defaults_for(backbone: str, **overrides: Any) -> TrainConfig:
    """A config with the sensible defaults of ``backbone``, then ``overrides`` applied."""
    if backbone not in _DEFAULTS:
        raise ConfigError(f"backbone must be one of {', '.join(BACKBONES)}; got {backbone!r}")
    return TrainConfig(backbone=backbone, **{**_DEFAULTS[backbone], **overrides})
