"""The one table of training settings: how the form and the CLI show each TrainConfig field.

Every field of :class:`~vocgui.training.config.TrainConfig` (and of its
:class:`~vocgui.training.config.Augment`) has one :class:`Setting` here; the training form
builds, fills and reads its editors by looping over :data:`SETTINGS`, and ``vocgui train``
declares its options and builds its config the same way, so a new field is written once.
Imports neither Qt nor TensorFlow.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from vocgui.training.config import (
    BACKBONES,
    BACKENDS,
    IMBALANCE,
    LR_SCHEDULES,
    PIPELINES,
    SPLITS,
    Augment,
    TrainConfig,
)


@dataclass(frozen=True)
class Setting:
    """One config field: its form label and editor, and its CLI option."""

    #: The field, "augment.<field>" for an Augment one.
    name: str
    label: str
    #: "int" spin box, "float" decimal spin box, "rate" a typed number (so 1e-5 fits),
    #: "choice" a combo of ``choices``, "check" a check box; "special": the form shows it
    #: its own way (backbone names, weights file, folds check box, precision); "none":
    #: not on the form (carried through from the config it was given).
    editor: str
    low: float = 0
    high: float = 0
    step: float = 1
    decimals: int = 2
    choices: tuple[str, ...] = ()
    metavar: str | None = None
    help: str | None = None
    #: False: the CLI declares the option itself (``--backbone`` picks the defaults).
    cli: bool = True

    @property
    def key(self) -> str:
        """The field's own name (the argparse dest and the form's editor attribute)."""
        return self.name.rpartition(".")[2]

    @property
    def flag(self) -> str:
        return "--" + self.key.replace("_", "-")

    def value(self, config: TrainConfig) -> Any:
        """This setting's value in ``config``."""
        owner = config.augment if self.name.startswith("augment.") else config
        return getattr(owner, self.key)


SETTINGS: tuple[Setting, ...] = (
    Setting("backbone", "Backbone", "special", choices=BACKBONES, cli=False),
    Setting("weights", "Weights", "special", metavar="W",
            help="imagenet, none, or a weights file for the backbone"),
    Setting("fine_tune_blocks", "Fine-tune top blocks", "int", 0, 50, metavar="N"),
    Setting("fine_tune_epochs", "Fine-tune epochs", "int", 0, 500, metavar="N"),
    Setting("fine_tune_lr", "Fine-tune rate", "rate", metavar="LR"),
    Setting("backend", "Keras backend", "choice", choices=BACKENDS,
            help="Keras backend of the training process (default: tensorflow)"),
    Setting("epochs", "Epochs", "int", 1, 1000, metavar="N"),
    Setting("batch_size", "Batch size", "int", 1, 1024, metavar="N"),
    Setting("target_size", "Image size (px)", "int", 32, 1024, step=16, metavar="PX",
            help="square input side"),
    Setting("learning_rate", "Learning rate", "rate", metavar="LR"),
    Setting("lr_schedule", "Rate schedule", "choice", choices=LR_SCHEDULES,
            help="cosine = warm up over the first tenth of the steps, then decay to zero "
            "by the last (default); constant = the rate throughout"),
    Setting("threshold", "Threshold", "float", 0.01, 0.99, 0.05, metavar="T"),
    Setting("imbalance", "Imbalance", "choice", choices=IMBALANCE),
    Setting("pipeline", "Pipeline", "choice", choices=PIPELINES,
            help="flow = flow_from_dataframe (any backend), tfdata = tf.data (needs "
            "TensorFlow); the same pixels, about the same speed"),
    Setting("split", "Split", "choice", choices=SPLITS),
    Setting("val_fraction", "Validation fraction", "float", 0.05, 0.9, 0.05, metavar="F"),
    Setting("folds", "Cross-validate, K folds:", "special", metavar="K",
            help="cross-validate: K models on a stratified K-fold split, so every labeled "
            "image gets an out-of-sample score (2 or more)"),
    Setting("augment.horizontal_flip", "horizontal flip", "check",
            help="augment with random horizontal flips"),
    Setting("augment.vertical_flip", "vertical flip", "check",
            help="augment with random vertical flips"),
    Setting("augment.shift", "Shift", "float", 0.0, 0.5, 0.05, metavar="F",
            help="augment: random shift, fraction of width/height"),
    Setting("augment.zoom", "Zoom", "float", 0.0, 0.5, 0.05, metavar="F",
            help="augment: random zoom range +- this fraction"),
    Setting("augment.rotation", "Rotation (°)", "float", 0.0, 180.0, 5.0, 0, metavar="DEG",
            help="augment: random rotation in degrees"),
    Setting("mixed_precision", "Precision", "special",
            help="mixed float16 (default: on a GPU that has fast float16, off on the CPU)"),
    Setting("seed", "Seed", "none"),
    Setting("workers", "Workers", "none", metavar="N"),
)

BY_NAME: dict[str, Setting] = {s.name: s for s in SETTINGS}


def field_type(setting: Setting) -> str:
    """The field's annotation as written in the dataclass ("int", "bool | None", ...)."""
    owner = Augment if setting.name.startswith("augment.") else TrainConfig
    return next(f.type for f in dataclasses.fields(owner) if f.name == setting.key)


def apply(config: TrainConfig, values: dict[str, Any]) -> TrainConfig:
    """``config`` with ``values`` (setting name -> value) applied, checked once at the end."""
    top = {n: v for n, v in values.items() if not n.startswith("augment.")}
    augment = {n.removeprefix("augment."): v for n, v in values.items()
               if n.startswith("augment.")}
    if augment:
        top["augment"] = dataclasses.replace(config.augment, **augment)
    return config.replace(**top)

