"""``vocgui review``: the report of a real run (trained in the session), written headless."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import multilabel_confusion_matrix

from vocgui.cli.main import main
from vocgui.core.evaluation.thresholds import best_f1_thresholds
from vocgui.core.project import Project

# The trained-project helper lives with the Qt review tests; one session builds it once.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "qt"))
from review_run import chance_level_project, project_copy  # noqa: E402

FIGURES = ["confusion_grid.pdf", "confusion_grid.png", "pr_curves.pdf", "pr_curves.png"]
TABLES = ["label_issues.csv", "per_class.csv", "predictions.csv"]


@pytest.fixture
def project_file(tmp_path_factory, tmp_path) -> Path:
    return project_copy(tmp_path_factory, tmp_path)


def test_review_writes_the_report_of_the_newest_run(project_file, tmp_path, capsys):
    out = tmp_path / "report"
    assert main(["review", str(project_file), "--out", str(out)]) == 0
    assert sorted(p.name for p in out.iterdir()) == sorted(FIGURES + TABLES)
    with Project.open(project_file, read_only=True) as project:
        pred = project.predictions(2)
        filenames = project.images["filename"]
    expected = multilabel_confusion_matrix(pred.y_true, pred.scores >= 0.5)
    per_class = pd.read_csv(out / "per_class.csv", index_col="class")
    assert list(per_class.index) == list(pred.classes)
    np.testing.assert_array_equal(per_class["tp"], expected[:, 1, 1])
    np.testing.assert_array_equal(per_class["fp"], expected[:, 0, 1])
    per_image = pd.read_csv(out / "predictions.csv", keep_default_na=False)
    np.testing.assert_array_equal(per_image["row"], pred.rows)
    assert list(per_image["filename"]) == [filenames.iat[r] for r in pred.rows]
    printed = capsys.readouterr().out
    assert f"run 2: {len(pred.rows)} validation images" in printed
    assert f"wrote 7 files to {out}" in printed
    # the likely label errors, with what was checked: this run's validation images only
    issues = pd.read_csv(out / "label_issues.csv", keep_default_na=False)
    lines = printed.splitlines()
    [at] = [i for i, line in enumerate(lines) if line.startswith("Likely label errors")]
    assert lines[at].startswith(f"Likely label errors: {len(issues)} look mislabelled: "
                                f"checked the {len(pred.rows)} validation images of run 2 "
                                f"(of {len(filenames)} labeled; a cross-validated run "
                                "checks them all)")
    assert "The model is clearly better than guessing by class frequency" in lines[at]
    shown = lines[at + 1:at + 1 + min(10, len(issues))]  # the first ten, most likely first
    assert len(issues) > 0
    assert [line.split(":")[0].strip() for line in shown] == list(issues["filename"])[:10]


def test_review_of_an_older_run_at_best_thresholds(project_file, tmp_path, capsys):
    out = tmp_path / "best"
    code = main(["review", str(project_file), "--run", "1", "--best-thresholds",
                 "--formats", "png", "--out", str(out)])
    assert code == 0
    assert sorted(p.name for p in out.iterdir()) == sorted(
        ["confusion_grid.png", "pr_curves.png", *TABLES])
    with Project.open(project_file, read_only=True) as project:
        pred = project.predictions(1)
    best = best_f1_thresholds(pred.y_true, pred.scores, pred.classes, 0.5)
    per_class = pd.read_csv(out / "per_class.csv", index_col="class")
    np.testing.assert_allclose(per_class["threshold"], best["threshold"])
    assert "best-F1 thresholds raise macro F1 by +" in capsys.readouterr().out


def test_default_folder_is_next_to_the_project(project_file, capsys):
    assert main(["review", str(project_file), "--threshold", "0.3"]) == 0
    out = project_file.parent / "review-review-run2"
    per_class = pd.read_csv(out / "per_class.csv", index_col="class")
    assert (per_class["threshold"] == 0.3).all()


def test_clear_failures(project_file, tmp_path, voc_sample, capsys):
    missing = tmp_path / "nope.vocgui"
    assert main(["review", str(missing)]) == 2
    assert str(missing) in capsys.readouterr().err
    assert main(["review", str(project_file), "--run", "99"]) == 1
    assert "has no run 99 with validation predictions (runs with predictions: 1, 2)" in \
        capsys.readouterr().err
    assert main(["review", str(project_file), "--threshold", "1.5"]) == 2
    assert "--threshold must be between 0 and 1" in capsys.readouterr().err
    untrained = tmp_path / "untrained.vocgui"
    Project.create_from_voc(untrained, voc_sample).close()
    assert main(["review", str(untrained)]) == 1
    assert "no run with validation predictions" in capsys.readouterr().err


def test_review_of_a_chance_level_model_says_so_and_suggests_nothing(demo_root, tmp_path,
                                                                     capsys):
    project_file = chance_level_project(demo_root, tmp_path / "weak.vocgui")
    out = tmp_path / "weak"
    assert main(["review", str(project_file), "--formats", "png", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    [line] = [line for line in printed.splitlines() if line.startswith("Likely label errors")]
    assert "not clearly better than guessing by class frequency" in line
    assert "none is offered as a fix" in line
    assert line.startswith("Likely label errors: Checked the 22 validation images of run 1 "
                           "(of 120 labeled; a cross-validated run checks them all). The "
                           "model is not clearly better")
    assert pd.read_csv(out / "label_issues.csv").empty
    # the per-class table: the three APs, labelled, and n/a for the class without support
    assert "ap_voc07" in printed and "ap_voc10" in printed and "VOC07 = 11-point" in printed
    [absent] = [line for line in printed.splitlines() if line.startswith("absent")]
    assert absent.split()[1] == "0" and absent.count("n/a") == 5
