"""Test images (ImageSets/Main/test.txt) never train or validate, whatever the split."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from vocgui.core.project import Project
from vocgui.training.config import defaults_for
from vocgui.training.prepare import prepare
from vocgui.training.reporter import CollectingReporter


@pytest.fixture(scope="module")
def trainval_and_test(demo_root: Path, tmp_path_factory: pytest.TempPathFactory):
    """A copy of the demo whose ImageSets hold only trainval.txt (80) and test.txt (40)."""
    root = tmp_path_factory.mktemp("tvt") / "demo"
    shutil.copytree(demo_root, root)
    main = root / "ImageSets" / "Main"
    ids = sorted(p.stem for p in (root / "Annotations").glob("*.xml"))
    shutil.rmtree(main)
    main.mkdir(parents=True)
    (main / "trainval.txt").write_text("\n".join(ids[:80]) + "\n")
    (main / "test.txt").write_text("\n".join(ids[80:]) + "\n")
    with Project.create_from_voc(root.parent / "p.vocgui", root) as project:
        return project.snapshot(), ids[80:]


@pytest.mark.parametrize("method", ["official", "stratified"])
def test_no_test_image_is_trained_or_validated_on(trainval_and_test, method):
    snapshot, test_ids = trainval_and_test
    reporter = CollectingReporter()
    data = prepare(snapshot, defaults_for("small_cnn", split=method, val_fraction=0.25),
                   reporter)
    frame = snapshot.frame
    test_rows = frame.loc[frame["split"] == "test", "row"].to_numpy()
    assert len(test_rows) == len(test_ids) == 40
    used = np.concatenate([data.train.rows, data.val.rows])
    assert not np.isin(used, test_rows).any()
    assert len(used) == 80 and data.n_test == 40
    [held] = [e for e in reporter.of_type("log") if "held back" in e["message"]]
    assert held["message"].startswith("40 test images")
