"""TrainConfig: JSON round trip, per-backbone defaults, clear errors."""

from __future__ import annotations

import json

import pytest

from vocgui.training.config import BACKBONES, Augment, ConfigError, TrainConfig, defaults_for


def test_round_trip_through_json():
    config = defaults_for("resnet50", epochs=3, augment=Augment(rotation=5.0, zoom=0.0),
                          fine_tune_blocks=2, fine_tune_epochs=1)
    again = TrainConfig.from_dict(json.loads(json.dumps(config.to_dict())))
    assert again == config
    assert again.augment.rotation == 5.0
    assert again.total_epochs == 4


@pytest.mark.parametrize("backbone", BACKBONES)
def test_defaults_per_backbone(backbone):
    config = defaults_for(backbone)
    assert config.backbone == backbone
    if backbone == "small_cnn":
        assert (config.target_size, config.learning_rate, config.weights) == (96, 3e-3, "none")
        assert config.lr_schedule == "cosine"
    else:
        assert config.target_size == 224 and config.weights == "imagenet"
    assert defaults_for("resnet50").learning_rate == 1e-4


@pytest.mark.parametrize(("change", "message"), [
    ({"backbone": "vgg"}, "backbone must be one of"),
    ({"pipeline": "fast"}, "pipeline must be one of"),
    ({"epochs": 0}, "epochs must be at least 1"),
    ({"val_fraction": 1.5}, "val_fraction"),
    ({"imbalance": "class_weight"}, "imbalance must be one of"),
])
def test_bad_settings_are_named(change, message):
    with pytest.raises(ConfigError, match=message):
        TrainConfig(**change)


def test_a_config_recorded_before_the_rate_schedule_existed_reads_as_constant():
    recorded = defaults_for("small_cnn").to_dict()
    del recorded["lr_schedule"]
    assert TrainConfig.from_dict(recorded).lr_schedule == "constant"


def test_unknown_keys_are_named():
    with pytest.raises(ConfigError, match="unknown training settings: colour"):
        TrainConfig.from_dict({"colour": "red"})
