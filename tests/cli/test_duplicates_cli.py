"""``vocgui duplicates``: groups, leaks and conflicts of a real folder, text and JSON."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "core"))
from duplicates_helpers import (  # noqa: E402
    LEAKING,
    PLANTED,
    planted_voc,
    record_features_run,
    thumbnail_features,
)

from vocgui.cli.main import main  # noqa: E402
from vocgui.core.project import Project  # noqa: E402


def test_a_folder_is_reported_as_json_and_its_hashes_kept(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture) -> None:
    root, ids = planted_voc(tmp_path)
    monkeypatch.setenv("VOCGUI_DATA_DIR", str(tmp_path / "data"))
    assert main(["duplicates", str(root), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["images"] == len(ids) + len(PLANTED)
    assert len(report["groups"]) == len(PLANTED)
    assert report["leaks"] == 1 and report["leaked_images"] == 1
    leak = next(g for g in report["groups"] if g["leak"])
    assert sorted(leak["filenames"]) == sorted([f"{ids[5]}.jpg", f"{LEAKING[0]}.jpg"])
    assert leak["splits"] == ["train", "val"]
    (project_file,) = (tmp_path / "data" / "projects").glob("*.vocgui")
    with Project.open(project_file, read_only=True) as p:
        assert p.image_hash_cache().known.all()

    # A project file works too; the text output names every group and marks the leak,
    # and a tighter threshold drops the copies that are further apart than it.
    assert main(["duplicates", str(project_file)]) == 0
    out = capsys.readouterr().out
    assert out.count("LEAK") == 1 and "exact copies" in out and "copy_cropped.jpg" in out
    assert out.strip().splitlines()[-1].startswith(
        f"{len(PLANTED)} groups of duplicates among {len(ids) + len(PLANTED)} images")
    assert main(["duplicates", str(project_file), "--threshold", "0", "--json"]) == 0
    tight = json.loads(capsys.readouterr().out)
    assert 0 < len(tight["groups"]) < len(PLANTED)
    assert all(g["distance"] == 0 for g in tight["groups"])
    # 'vocgui train' warns first, as the Training tab asks (this run then cannot make its
    # folder, a file being in the way: it fails at once, before any training).
    in_the_way = tmp_path / "a file"
    in_the_way.write_text("")
    assert main(["train", str(project_file), "--out", str(in_the_way)]) == 1
    assert ("warning: 1 validation or test image has a near-copy on another side of the "
            "split: 1 by hash.") in capsys.readouterr().err


def test_a_run_with_features_adds_embedding_near_copies(
        tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    root, _ = planted_voc(tmp_path)
    path = tmp_path / "p.vocgui"
    with Project.create_from_voc(path, root, workers=1) as p:
        run = record_features_run(p, thumbnail_features(p.absolute_paths()))
    assert main(["duplicates", str(path), "--threshold", "0", "--json",
                 "--embedding-threshold", "0.95"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["features_run"] == run and report["embedding_threshold"] == 0.95
    assert len(report["groups"]) == len(PLANTED)
    cropped = next(g for g in report["groups"] if "copy_cropped.jpg" in g["filenames"])
    assert cropped["methods"] == ["embedding"] and cropped["distance"] is None
    assert main(["duplicates", str(path), "--threshold", "0", "--no-embeddings"]) == 0
    out = capsys.readouterr().out
    assert "copy_cropped.jpg" not in out and "hashes only" in out.splitlines()[-1]
    assert main(["duplicates", str(path), "--threshold", "0"]) == 0  # the default, 0.99
    out = capsys.readouterr().out
    assert "copy_resized.jpg" in out and "copy_cropped.jpg" not in out  # 0.9999 vs 0.968
    assert f"features of run {run} at cosine >= 0.99" in out.splitlines()[-1]


def test_bad_input_is_named(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["duplicates", str(tmp_path / "nowhere")]) == 2
    assert "nowhere" in capsys.readouterr().err
    assert main(["duplicates", str(tmp_path), "--threshold", "40"]) == 2
    assert "between 0 and 15" in capsys.readouterr().err
    assert main(["duplicates", str(tmp_path), "--embedding-threshold", "1.5"]) == 2
    assert "above 0 and at most 1" in capsys.readouterr().err
