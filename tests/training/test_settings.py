"""The settings table covers every TrainConfig field, and ``vocgui train`` reaches each."""

from __future__ import annotations

import argparse
import dataclasses

from vocgui.cli.train import add_arguments, config_from_args
from vocgui.training.config import Augment, TrainConfig, defaults_for
from vocgui.training.settings import BY_NAME, SETTINGS


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    return parser


def test_the_table_has_one_row_per_config_field() -> None:
    fields = {f.name for f in dataclasses.fields(TrainConfig) if f.name != "augment"}
    fields |= {f"augment.{f.name}" for f in dataclasses.fields(Augment)}
    assert sorted(BY_NAME) == sorted(fields)
    assert len(BY_NAME) == len(SETTINGS)
    keys = [s.key for s in SETTINGS]
    assert len(set(keys)) == len(keys)  # each is one editor attribute and one CLI dest


def test_every_field_is_reachable_from_the_command_line(every_setting_changed) -> None:
    wanted = every_setting_changed
    argv = ["data", "--backbone", wanted.backbone]
    for setting in SETTINGS:
        value = setting.value(wanted)
        if setting.name == "backbone":
            continue
        if isinstance(value, bool):
            argv.append(setting.flag if value else "--no-" + setting.flag[2:])
        else:
            argv += [setting.flag, str(value)]
    assert config_from_args(_parser().parse_args(argv)) == wanted


def test_flags_keep_their_names_and_unset_ones_keep_the_backbone_defaults() -> None:
    args = _parser().parse_args(["data", "--backbone", "resnet50", "--batch-size", "8",
                                 "--no-horizontal-flip", "--fine-tune-lr", "2e-6",
                                 "--mixed-precision", "--val-fraction", "0.3"])
    config = config_from_args(args)
    assert config == defaults_for("resnet50", batch_size=8, fine_tune_lr=2e-6,
                                  mixed_precision=True, val_fraction=0.3,
                                  augment=Augment(horizontal_flip=False))
    assert config_from_args(_parser().parse_args(["data"])) == defaults_for("small_cnn")
