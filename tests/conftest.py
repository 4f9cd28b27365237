"""Shared fixtures: the real VOC files in ../shared/data and a generated demo dataset.

The shared data is read in place; the 17,125-annotation tarball is extracted once per
test session into a temporary folder. It lives outside the repository (``VOCGUI_SHARED``
names its folder, default ``../shared`` beside the clone): where it is absent, the tests
that need it are skipped with a one-line reason, and every other test (the demo-based
ones included) runs from any clone.
"""

from __future__ import annotations

import os
import tarfile
from pathlib import Path

import pytest

# GUI tests run headless; set before anything imports Qt.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Keep TensorFlow quiet and on the CPU in tests.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("VOCGUI_SHARED", REPO.parent / "shared"))
SAMPLE = SHARED / "data" / "voc2012-sample"
TARBALL = SHARED / "data" / "voc2012-annotations.tar.gz"


def _missing(path: Path) -> str:
    return f"needs the shared VOC data, not found at {path} (set VOCGUI_SHARED)"


@pytest.fixture(scope="session")
def voc_sample() -> Path:
    """The 100 real VOC2012 images with their original XMLs (Annotations/, JPEGImages/)."""
    if not SAMPLE.is_dir():
        pytest.skip(_missing(SAMPLE))
    return SAMPLE


@pytest.fixture(scope="session")
def voc2012_annotations(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """All 17,125 real VOC2012 annotation XMLs and ImageSets/, no images; the VOC root."""
    if not TARBALL.is_file():
        pytest.skip(_missing(TARBALL))
    out = tmp_path_factory.mktemp("voc2012")
    with tarfile.open(TARBALL) as tar:
        tar.extractall(out, filter="data")
    return out / "VOC2012"


@pytest.fixture(scope="session")
def demo_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small deterministic demo dataset (VOC layout, real JPEGs), shared by the session."""
    from vocgui.core.demo import write_demo

    return write_demo(tmp_path_factory.mktemp("demo"), n_images=120, seed=0)


@pytest.fixture
def every_setting_changed():
    """A TrainConfig that differs from the default in every field (checked), so a round
    trip through the form or the CLI that drops any field fails."""
    import dataclasses

    from vocgui.training.config import Augment, TrainConfig

    config = TrainConfig(
        backbone="mobilenetv3", epochs=3, batch_size=8, target_size=128,
        learning_rate=3e-4, fine_tune_lr=2e-6, fine_tune_blocks=2, fine_tune_epochs=1,
        threshold=0.4, pipeline="flow", weights="/models/base.weights.h5",
        imbalance="pos_weight", val_fraction=0.25, split="stratified", seed=7,
        mixed_precision=True, backend="jax", workers=3, folds=4,
        augment=Augment(horizontal_flip=False, vertical_flip=True, shift=0.2, zoom=0.15,
                        rotation=30.0))
    default = TrainConfig()
    for owner, base in ((config, default), (config.augment, default.augment)):
        same = [f.name for f in dataclasses.fields(owner)
                if getattr(owner, f.name) == getattr(base, f.name)]
        assert not same, f"give these settings a non-default value here: {same}"
    return config
