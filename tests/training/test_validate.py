"""Image checks before training: truncated, garbage and missing files are named and excluded."""

from __future__ import annotations

from pathlib import Path

from vocgui.training.validate import check_snapshot, image_problem, known_labels


def test_broken_images_are_found_with_a_reason(voc_sample: Path, tmp_path: Path):
    good = sorted((voc_sample / "JPEGImages").glob("*.jpg"))[0]
    data = good.read_bytes()
    truncated = tmp_path / "truncated.jpg"
    truncated.write_bytes(data[: len(data) // 2])
    garbage = tmp_path / "garbage.jpg"
    garbage.write_bytes(b"not a jpeg at all" * 50)
    assert image_problem(str(good)) is None
    assert "truncated" in image_problem(str(truncated))
    assert "not an image" in image_problem(str(garbage))
    assert image_problem(str(tmp_path / "missing.jpg")) == "file not found"

    paths = [str(good), str(truncated), str(garbage)]
    checked = check_snapshot(paths, [("cat",), ("dog",), ()], ["cat", "dog"])
    assert checked.keep.tolist() == [0]
    assert [(pos, Path(p).name) for pos, p, _ in checked.excluded] == [
        (1, "truncated.jpg"), (2, "garbage.jpg")]


def test_unknown_labels_are_counted_and_rows_kept_as_negatives():
    labels, n_all_unknown, unknown = known_labels(
        [("cat", "alien"), ("alien",), (), ("dog",), ("ghost", "alien")], ["cat", "dog"])
    assert labels == [("cat",), (), (), ("dog",), ()]
    assert n_all_unknown == 2  # the empty row was a negative already, not "all unknown"
    assert unknown == {"alien": 3, "ghost": 1}
