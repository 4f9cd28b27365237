"""Pretrained weights: cache first, a bounded connection check, clear messages, no hang."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from vocgui.training import weights
from vocgui.training.config import defaults_for
from vocgui.training.reporter import CollectingReporter


@pytest.fixture
def offline(monkeypatch, tmp_path: Path) -> Path:
    """An empty Keras cache and a download host that refuses connections (a port on
    localhost that nothing listens on), whatever network the test machine has."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        free_port = probe.getsockname()[1]
    monkeypatch.setattr(weights, "DOWNLOAD_HOST", ("127.0.0.1", free_port))
    (tmp_path / "keras").mkdir()
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras"))
    return tmp_path / "keras" / "models"


def test_imagenet_without_cache_or_network_is_a_clear_error(offline):
    with pytest.raises(weights.WeightsUnavailable) as info:
        weights.resolve("resnet50", "imagenet")
    message = str(info.value)
    assert "resnet50_weights_tf_dim_ordering_tf_kernels_notop.h5" in message
    assert str(offline) in message
    # Named as the form says it, and as the command line does.
    assert "'None (from scratch)'" in message and "--weights none" in message
    assert "local weights file" in message


def test_cached_weights_need_no_network(offline):
    offline.mkdir(parents=True)
    (offline / weights.CACHE_FILES["mobilenetv3"]).write_bytes(b"h5")
    assert weights.resolve("mobilenetv3", "imagenet") == "imagenet"


def test_local_file_and_none(tmp_path: Path):
    assert weights.resolve("resnet50", "none") is None
    with pytest.raises(weights.WeightsUnavailable, match="weights file not found"):
        weights.resolve("resnet50", str(tmp_path / "nope.h5"))
    with pytest.raises(weights.WeightsUnavailable, match="no ImageNet weights for small_cnn"):
        weights.resolve("small_cnn", "imagenet")


@pytest.mark.timeout(60)  # the point: a missing download must never hang a run
def test_run_with_unavailable_weights_fails_quickly_with_the_message(offline, demo_snapshot,
                                                                      tmp_path):
    from vocgui.training.job import run_training

    reporter = CollectingReporter()
    result = run_training(demo_snapshot, defaults_for("mobilenetv3", target_size=64),
                          tmp_path / "run", reporter)
    assert result.status == "failed" and result.reason == "weights_unavailable"
    [finished] = reporter.of_type("finished")
    assert finished["status"] == "failed"
    assert "Options:" in finished["message"]
    assert not reporter.of_type("started")  # failed before any image was read


def test_unloadable_weights_file_is_named(tmp_path: Path):
    from vocgui.training.models import build_base

    bad = tmp_path / "bad.weights.h5"
    bad.write_text("not HDF5")
    with pytest.raises(weights.WeightsUnavailable, match="cannot load weights file .*bad"):
        build_base("small_cnn", 32, str(bad))
