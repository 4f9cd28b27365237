"""The scoring pass: a completed run's model scores every image (labeled or not) with the
validation's preprocessing, marks in-sample scores, saves pooled features, skips
undecodable files with a count, can be stopped, and 'vocgui predict' redoes it headless."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from vocgui.core.duplicates.search import cosine_pairs
from vocgui.core.duplicates.thresholds import DEFAULT_SIMILARITY
from vocgui.core.project import Project
from vocgui.core.project.run_recorder import RunRecorder
from vocgui.core.voc import load_voc
from vocgui.training.config import Augment, defaults_for
from vocgui.training.job import run_training
from vocgui.training.reporter import CollectingReporter
from vocgui.training.score_list import write_score_list

pytestmark = pytest.mark.slow


def tiny(**changes):
    return defaults_for("small_cnn", **{"target_size": 64, "batch_size": 16, "epochs": 1,
                                        "augment": Augment.off(), **changes})


@pytest.fixture(scope="module")
def project_with_unlabeled(demo_root: Path, tmp_path_factory) -> Path:
    """The 120-image demo plus 6 images without XMLs, one of them not a decodable JPEG."""
    root = tmp_path_factory.mktemp("scoring") / "demo"
    shutil.copytree(demo_root, root)
    jpegs = sorted((root / "JPEGImages").glob("*.jpg"))
    for k in range(5):
        shutil.copy(jpegs[k], root / "JPEGImages" / f"new_{k}.jpg")
    data = jpegs[0].read_bytes()
    (root / "JPEGImages" / "new_broken.jpg").write_bytes(data[: len(data) // 3])
    path = root.parent / "p.vocgui"
    Project.create(path, load_voc(root, check_images=False)).close()
    return path


def _score_list(project_path: Path, out: Path) -> str:
    with Project.open(project_path, read_only=True) as project:
        write_score_list(out / "score.csv", *project.image_list())
        return str(out / "score.csv")


def test_a_completed_run_scores_every_image(project_with_unlabeled: Path, tmp_path) -> None:
    with Project.open(project_with_unlabeled) as project:
        snapshot = project.snapshot()
        n_images, unlabeled = len(project.images), project.n_unlabeled
        names = [Path(f).name for f in project.images["filename"]]
    assert unlabeled == 6
    reporter = CollectingReporter()
    result = run_training(snapshot, tiny(pipeline="tfdata"), tmp_path, reporter,
                          score=_score_list(project_with_unlabeled, tmp_path))
    assert result.status == "completed" and "scored 125 images" in result.message
    scores = np.load(tmp_path / "scores.npz")
    features = np.load(tmp_path / "features.npy")  # the Map tab's interface
    assert len(scores["rows"]) == n_images - 1  # the broken file is skipped...
    skipped = [e for e in reporter.of_type("excluded") if "not scored" in e["reason"]]
    assert [Path(e["file"]).name for e in skipped] == ["new_broken.jpg"]  # ...and named
    assert features.dtype == np.float16 and features.shape[0] == n_images
    assert not features[125].any() and features[scores["rows"]].any(axis=1).all()
    # These real features at the default similarity: the five copies, next to nothing else
    # (raw cosines put almost every pair of this one-epoch model above 0.95).
    i, j, _ = cosine_pairs(features, DEFAULT_SIMILARITY)
    copies = {tuple(sorted((names.index(f"new_{k}.jpg"), names.index(jpeg))))
              for k, jpeg in enumerate(sorted(n for n in names if not n.startswith("new_"))[:5])}
    found = set(zip(i.tolist(), j.tolist(), strict=True))
    assert copies <= found and len(found - copies) <= 2, found - copies
    train_rows = set(snapshot.frame["row"][snapshot.frame["split"] == "train"])
    assert {int(r) for r in scores["rows"][scores["in_sample"]]} == train_rows
    # the validation images get the very scores the validation pass gave them
    val = np.load(tmp_path / "predictions.npz")
    position = {int(r): i for i, r in enumerate(scores["rows"])}
    again = scores["scores"][[position[int(r)] for r in val["rows"]]]
    np.testing.assert_allclose(again, val["scores"], atol=1e-5)
    passes = reporter.of_type("scoring")
    assert passes and passes[-1]["done"] == passes[-1]["total"]
    event = reporter.of_type("predictions")[-1]
    assert event["split"] == "all" and event["skipped"] == 1
    with Project.open(project_with_unlabeled) as project:
        run_id = project.create_run(tiny().to_dict(), snapshot)
        RunRecorder(project, run_id).handle(event)
        stored = project.predictions(run_id, "all")
        assert stored.features == str(tmp_path / "features.npy")
        assert stored.in_sample.sum() == len(train_rows)
        assert not stored.y_true[np.isin(stored.rows, project.labeled_rows, invert=True)].any()


def test_stop_while_scoring_ends_the_run_stopped(project_with_unlabeled: Path,
                                                 tmp_path) -> None:
    with Project.open(project_with_unlabeled, read_only=True) as project:
        snapshot = project.snapshot()
    reporter = CollectingReporter(stop_after=lambda e: e["type"] == "scoring")
    result = run_training(snapshot, tiny(pipeline="flow", batch_size=8), tmp_path, reporter,
                          score=_score_list(project_with_unlabeled, tmp_path))
    assert result.status == "stopped" and "while scoring" in result.message
    assert (tmp_path / "model.keras").is_file() and not (tmp_path / "scores.npz").exists()


def test_kfold_splits_cover_every_image_once_and_stratify() -> None:
    from vocgui.training.split import kfold_splits

    rng = np.random.default_rng(0)
    y = rng.random((200, 4)) < [0.5, 0.2, 0.1, 0.05]
    fold = kfold_splits(y, 5, seed=1)
    assert sorted(set(fold.tolist())) == [0, 1, 2, 3, 4]
    sizes = np.bincount(fold)
    assert sizes.min() >= 35 and sizes.max() <= 45
    for k in range(5):  # each fold holds about a fifth of every class, the rare ones too
        counts = y[fold == k].sum(axis=0)
        assert np.all(np.abs(counts - y.sum(axis=0) / 5) <= 2.5), counts


def test_a_cross_validated_run_scores_every_labeled_image_out_of_sample(
        project_with_unlabeled: Path, tmp_path) -> None:
    with Project.open(project_with_unlabeled, read_only=True) as project:
        snapshot = project.snapshot()
        unlabeled = set(np.flatnonzero(~project.images["labeled"].to_numpy()).tolist())
    reporter = CollectingReporter()
    result = run_training(snapshot, tiny(folds=2), tmp_path, reporter,
                          score=_score_list(project_with_unlabeled, tmp_path))
    assert result.status == "completed", result.message
    assert result.message.startswith("2-fold cross-validation: out-of-sample micro-F1")
    assert len(reporter.of_type("started")) == 1
    epochs = reporter.of_type("epoch")
    assert [(e["fold"], e["epoch"], e["epochs"]) for e in epochs] == [(1, 1, 2), (2, 2, 2)]
    # The ETA covers the whole run: at fold 1's last batch, fold 2 is still to come.
    last = {e["fold"]: e for e in reporter.of_type("batch")}
    assert last[1]["eta"] > 0 and last[2]["eta"] == 0
    val = np.load(tmp_path / "predictions.npz")  # every labeled image, out of sample
    assert sorted(val["rows"].tolist()) == sorted(snapshot.frame["row"].tolist())
    scores = np.load(tmp_path / "scores.npz")
    assert not scores["in_sample"].any()
    assert set(scores["rows"].tolist()) - set(val["rows"].tolist()) == unlabeled - {125}
    folds = [np.load(tmp_path / f"fold-{k}" / "scores.npz") for k in (1, 2)]
    row = sorted(unlabeled - {125})[0]  # an unlabeled image: the mean of the 2 models
    mean = np.mean([f["scores"][list(f["rows"]).index(row)] for f in folds], axis=0)
    np.testing.assert_allclose(scores["scores"][list(scores["rows"]).index(row)], mean,
                               atol=1e-6)
    assert (tmp_path / "fold-2" / "model.keras").is_file()
    assert result.model_path == str(tmp_path / "fold-1" / "model.keras")
