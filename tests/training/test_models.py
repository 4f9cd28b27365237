"""The model's starting point and its rate schedule (no training: both are set up before
the first step, and tests/training/test_job.py trains with them)."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from vocgui.training.models import build_model, learning_rate_schedule


def test_the_head_starts_at_each_class_frequency():
    prior = np.array([0.6, 0.04, 0.0, 1.0])
    model, _ = build_model("small_cnn", len(prior), 32, None, class_prior=prior)
    bias = keras.ops.convert_to_numpy(model.get_layer("scores").bias)
    # Classes no training image has (or every one has) stay finite.
    assert np.allclose(1 / (1 + np.exp(-bias)), [0.6, 0.04, 1e-3, 1 - 1e-3], atol=1e-6)
    untouched, _ = build_model("small_cnn", len(prior), 32, None)
    assert not keras.ops.convert_to_numpy(untouched.get_layer("scores").bias).any()


def test_cosine_schedule_warms_up_then_decays_to_zero():
    assert learning_rate_schedule(3e-3, "constant", 100) == 3e-3
    schedule = learning_rate_schedule(3e-3, "cosine", 100)
    rate = [float(keras.ops.convert_to_numpy(schedule(step))) for step in (0, 10, 55, 100)]
    assert rate[0] == pytest.approx(3e-4)  # a tenth of the rate at the first step
    assert rate[1] == pytest.approx(3e-3)  # the peak after a tenth of the steps
    assert rate[2] == pytest.approx(1.5e-3)  # half way through the decay
    assert rate[3] == pytest.approx(0.0, abs=1e-9)
