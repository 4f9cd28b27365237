"""The "features only" pass: with no pretrained weights on the machine (and no network
at test time) it says which file is missing and where it goes; with a real backbone's
weights file where Keras keeps them, it computes every image's features for real and
the duplicate search uses them."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "core"))
from duplicates_helpers import planted_voc  # noqa: E402

from vocgui.cli.main import main  # noqa: E402
from vocgui.core.embedding_map import load_run_features, runs_with_features  # noqa: E402
from vocgui.core.project import Project  # noqa: E402
from vocgui.training.weights import CACHE_FILES  # noqa: E402

WEIGHTS = CACHE_FILES["mobilenetv3"]
#: The full pass runs EfficientNet-B0: randomly initialised, MobileNetV3's pooled features
#: are ~1e-10 (below float16), EfficientNet-B0's ~1e-6 (measured).
FULL_PASS = "efficientnetb0"


@pytest.fixture(scope="module")
def project_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Real VOC images with planted copies (one exact), in a project file."""
    root, _ = planted_voc(tmp_path_factory.mktemp("features"))
    path = root.parent / "p.vocgui"
    Project.create_from_voc(path, root, workers=1).close()
    return path


def test_without_local_weights_the_missing_file_is_named(
        project_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture) -> None:
    home = tmp_path / "keras"
    home.mkdir()
    monkeypatch.setenv("KERAS_HOME", str(home))
    assert main(["predict", str(project_file), "--features-only"]) == 2
    err = capsys.readouterr().err
    assert WEIGHTS in err and str(home / "models") in err
    assert "No run has features yet" in err
    with Project.open(project_file, read_only=True) as p:
        assert p.runs().empty  # nothing recorded, no process started


@pytest.mark.slow
def test_local_weights_give_every_image_features_for_real(
        project_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture) -> None:
    import h5py
    import keras
    from keras.src.legacy.saving.legacy_h5_format import save_weights_to_hdf5_group

    from vocgui.core.duplicates.report import find_duplicates

    # A real EfficientNet-B0 base, randomly initialised (no pretrained weights are
    # faked), saved in the legacy HDF5 layout of Keras' published weights files, where
    # Keras keeps them.
    keras.utils.set_random_seed(0)
    base = keras.applications.EfficientNetB0(include_top=False, weights=None,
                                             input_shape=(64, 64, 3))
    models = tmp_path / "keras" / "models"
    models.mkdir(parents=True)
    with h5py.File(models / CACHE_FILES[FULL_PASS], "w") as fh:
        save_weights_to_hdf5_group(fh, base)
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras"))

    assert main(["predict", str(project_file), "--features-only", "--backbone", FULL_PASS,
                 "--size", "64"]) == 0
    out = capsys.readouterr().out
    assert f"Features only (no training): 46 images through {FULL_PASS}" in out
    with Project.open(project_file) as p:
        (run_id,) = runs_with_features(p)
        run = p.run(run_id)
        assert run["status"] == "completed" and run["model_path"] is None
        assert run["prediction_splits"] == []  # no scores: nothing for the Review tab
        features = load_run_features(p.path, run_id, len(p.images))
        assert features.shape == (46, base.output_shape[-1])
        assert features.dtype == np.float16 and np.all(np.abs(features).sum(axis=1) > 0)
        report = find_duplicates(p, workers=1)
        assert report.features_run == run_id
        exact = next(g for g in report.groups if g.exact)
        assert "embedding" in exact.methods  # the same pixels: cosine 1
