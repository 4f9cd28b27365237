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
