"""``vocgui train`` end to end: a real child process, the run recorded in the project."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from vocgui.cli.main import main
from vocgui.core.project import Project

pytestmark = pytest.mark.slow


def _files(root: Path) -> dict[str, int]:
    return {str(p.relative_to(root)): p.stat().st_mtime_ns for p in root.rglob("*")}


def test_train_a_voc_folder_records_the_run(demo_root: Path, tmp_path: Path, capsys):
    before = _files(demo_root)
    project_file = tmp_path / "demo.vocgui"
    log = tmp_path / "events.jsonl"
    # The defaults: the tf.data pipeline, with augmentation, then the scoring pass.
    code = main(["train", str(demo_root), "--epochs", "1", "--target-size", "48",
                 "--project-file", str(project_file), "--json-log", str(log)])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "completed: Trained 1 epoch" in out
    # the device is named (this machine has no GPU: the CPU, and why)
    assert "device: CPU (tensorflow): " in out and "; float32" in out
    assert _files(demo_root) == before  # nothing written into the dataset
    # The child's log (shown when a run fails) has none of the noise every tf.data run
    # used to print: TensorFlow's NodeDef line and Keras' "ran out of data" warning.
    [child_log] = (tmp_path / "demo.vocgui.runs").glob("run-*/child.log")
    noise = child_log.read_text()
    assert "use_unbounded_threadpool" not in noise and "ran out of data" not in noise, noise
    events = [json.loads(line) for line in log.read_text().splitlines()]
    assert events[-1]["type"] == "finished" and events[-1]["status"] == "completed"
    with Project.open(project_file, read_only=True) as project:
        runs = project.runs()
        assert len(runs) == 1
        run_id = int(runs["id"].iloc[0])
        run = project.run(run_id)
        assert run["status"] == "completed" and Path(run["model_path"]).is_file()
        assert run["config"]["target_size"] == 48
        assert run["config"]["backend"] == "tensorflow"  # the backend is recorded
        assert len(run["epochs"]) == 1
        predictions = project.predictions(run_id)
        [saved] = [e for e in events if e["type"] == "predictions" and e["split"] == "val"]
        assert predictions.scores.shape == (saved["n"], len(project.classes))
        scored = project.predictions(run_id, "all")  # the scoring pass: every image
        assert len(scored.rows) == len(project.images) and scored.in_sample.any()
        before_all = scored.scores
    # 'vocgui predict' scores every image again with the run's model, headless
    csv = tmp_path / "scores.csv"
    assert main(["predict", str(project_file), "--csv", str(csv)]) == 0
    assert f"wrote {len(before_all)} rows" in (out := capsys.readouterr().out)
    assert "; suggested labels at " in out
    with Project.open(project_file, read_only=True) as project:
        again = project.predictions(run_id, "all")
        np.testing.assert_allclose(again.scores, before_all, atol=1e-5)
        assert project.run(run_id)["status"] == "completed"  # its record is untouched
    frame = pd.read_csv(csv)
    assert list(frame.columns[:5]) == ["filename", "path", "labeled", "in_sample", "suggested"]
    assert len(frame) == len(before_all) and set(project.classes) <= set(frame.columns)
    assert main(["predict", str(project_file), "--run", "99"]) == 2
    assert "no run 99" in capsys.readouterr().err


def test_failed_run_exits_non_zero_with_the_message(demo_root: Path, tmp_path: Path, capsys):
    project_file = tmp_path / "demo.vocgui"
    code = main(["train", str(demo_root), "--epochs", "1", "--target-size", "48",
                 "--weights", str(tmp_path / "missing.h5"), "--project-file",
                 str(project_file)])
    assert code == 1
    assert "weights file not found" in capsys.readouterr().err
    with Project.open(project_file, read_only=True) as project:
        assert project.runs()["status"].tolist() == ["failed"]


def test_bad_path_is_a_clear_error(tmp_path: Path, capsys):
    assert main(["train", str(tmp_path / "nothing")]) == 2
    assert "no such project file or dataset folder" in capsys.readouterr().err
