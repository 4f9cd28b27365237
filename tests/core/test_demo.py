"""The demo dataset: deterministic bytes, valid VOC files, sound splits, imbalance, and
the loader reads it without a single problem."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

import pytest
from PIL import Image

from vocgui.cli.main import main as cli_main
from vocgui.core.demo import DEMO_CLASSES, write_demo
from vocgui.core.demo.layout import MIN_SCALE

SPLITS = ("train", "val", "trainval")


def _files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file()}


def _annotations(root: Path) -> dict[str, ET.Element]:
    return {p.stem: ET.parse(p).getroot() for p in sorted((root / "Annotations").glob("*.xml"))}


def _ids(root: Path, name: str) -> list[str]:
    return (root / "ImageSets" / "Main" / f"{name}.txt").read_text().split()


def test_same_seed_gives_identical_bytes_and_another_seed_differs(tmp_path: Path) -> None:
    first = _files(write_demo(tmp_path / "a", n_images=25, seed=7))
    second = _files(write_demo(tmp_path / "b", n_images=25, seed=7))
    other = _files(write_demo(tmp_path / "c", n_images=25, seed=8))
    assert len(first) == 25 * 2 + 3 + 3 * len(DEMO_CLASSES)
    assert first == second
    assert first.keys() == other.keys()
    assert sum(first[k] != other[k] for k in first) > 25


def test_xmls_describe_their_jpegs_with_boxes_inside(demo_root: Path) -> None:
    annotations = _annotations(demo_root)
    assert len(annotations) == 120
    widths, heights, n_empty = set(), set(), 0
    for stem, root in annotations.items():
        assert root.tag == "annotation"
        assert root.findtext("filename") == f"{stem}.jpg"
        with Image.open(demo_root / "JPEGImages" / f"{stem}.jpg") as image:
            assert image.format == "JPEG" and image.mode == "RGB"
            width, height = image.size
        assert (int(root.findtext("size/width")), int(root.findtext("size/height"))) == (
            width, height)
        assert root.findtext("size/depth") == "3" and root.findtext("segmented") == "0"
        assert min(width, height) >= 96 and max(width, height) <= 320
        widths.add(width)
        heights.add(height)
        objects = root.findall("object")
        assert len(objects) <= 4
        n_empty += not objects
        for obj in objects:
            assert obj.findtext("name") in DEMO_CLASSES
            assert obj.findtext("pose") == "Unspecified"
            assert obj.findtext("truncated") == "0" and obj.findtext("difficult") == "0"
            x0, y0, x1, y1 = (int(obj.findtext(f"bndbox/{k}"))
                              for k in ("xmin", "ymin", "xmax", "ymax"))
            assert 1 <= x0 < x1 <= width and 1 <= y0 < y1 <= height
            # big enough to learn at 64 px: the box's height is a fair share of the image
            assert y1 - y0 + 1 >= 0.8 * MIN_SCALE * min(width, height)
    assert n_empty >= 2  # valid negatives
    assert len(widths) > 20 and len(heights) > 20


def test_splits_are_disjoint_complete_and_match_the_labels(demo_root: Path) -> None:
    annotations = _annotations(demo_root)
    train, val, trainval = (_ids(demo_root, s) for s in SPLITS)
    assert not set(train) & set(val)
    assert sorted(train + val) == sorted(trainval) == sorted(annotations)
    assert 0.15 <= len(val) / len(trainval) <= 0.25
    for cls in DEMO_CLASSES:
        for split, ids in zip(SPLITS, (train, val, trainval), strict=True):
            lines = (demo_root / "ImageSets" / "Main" / f"{cls}_{split}.txt").read_text()
            flags = dict(line.split() for line in lines.splitlines())
            assert list(flags) == ids
            for stem, flag in flags.items():
                names = {o.findtext("name") for o in annotations[stem].iter("object")}
                assert flag == ("1" if cls in names else "-1")
        # every class, the rare ones too, has images in both splits
        val_flags = (demo_root / "ImageSets" / "Main" / f"{cls}_val.txt").read_text()
        assert " 1\n" in val_flags


def test_default_dataset_is_imbalanced_as_intended(tmp_path: Path) -> None:
    annotations = _annotations(write_demo(tmp_path / "demo"))
    assert len(annotations) == 600
    share = Counter()
    for root in annotations.values():
        share.update({o.findtext("name") for o in root.iter("object")})
    share = {cls: count / 600 for cls, count in share.items()}
    assert set(share) == set(DEMO_CLASSES)
    assert 0.5 <= share["circle"] <= 0.7
    assert all(0.02 <= share[cls] <= 0.08 for cls in ("diamond", "hexagon"))
    assert all(0.1 <= share[cls] <= 0.4 for cls in ("square", "triangle", "star", "cross",
                                                   "ring"))


def test_refuses_a_non_empty_folder_unless_overwriting(tmp_path: Path) -> None:
    calls: list[tuple[int, int]] = []
    root = write_demo(tmp_path, n_images=5, seed=1, progress=lambda *a: calls.append(a))
    assert calls == [(k, 5) for k in range(1, 6)]
    (root / "notes.txt").write_text("keep me")
    with pytest.raises(FileExistsError, match="not empty"):
        write_demo(tmp_path, n_images=3)
    write_demo(tmp_path, n_images=3, overwrite=True)
    assert len(list((root / "JPEGImages").iterdir())) == 3
    assert (root / "notes.txt").read_text() == "keep me"
    with pytest.raises(ValueError, match="at least 1"):
        write_demo(tmp_path / "new", n_images=0)


def test_cli_writes_the_demo_and_says_where(tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    assert cli_main(["demo", str(tmp_path / "d"), "--images", "12", "--seed", "3",
                     "--unlabeled", "4"]) == 0
    out = capsys.readouterr().out
    assert str(tmp_path / "d") in out and "12 annotated and 4 unlabeled" in out
    assert len(list((tmp_path / "d" / "Annotations").glob("*.xml"))) == 12
    assert len(list((tmp_path / "d" / "JPEGImages").glob("*.jpg"))) == 16
    assert cli_main(["demo", str(tmp_path / "d")]) == 2
    assert "--overwrite" in capsys.readouterr().err


def test_the_demo_has_an_unlabeled_part_the_loader_keeps_as_rows(tmp_path: Path) -> None:
    from vocgui.cli.demo import DEFAULT_UNLABELED
    from vocgui.core.demo import DEMO_UNLABELED
    from vocgui.core.voc import load_voc

    assert DEFAULT_UNLABELED == DEMO_UNLABELED
    root = write_demo(tmp_path / "d", n_images=6, n_unlabeled=3, seed=2)
    ds = load_voc(root)
    assert ds.problems == []
    assert ds.images["labeled"].tolist() == [True] * 6 + [False] * 3
    assert ds.images["filename"].tolist()[6:] == [f"demo_00000{i}.jpg" for i in (7, 8, 9)]
    assert set(ds.images["split"].iloc[6:]) == {""}


def test_the_loader_reads_the_demo_without_problems(demo_root: Path) -> None:
    from vocgui.core.voc import load_voc

    ds = load_voc(demo_root)
    assert ds.problems == []
    assert len(ds.images) == 120
    assert set(ds.classes) <= set(DEMO_CLASSES)
    assert set(ds.images["split"]) == {"train", "val"}
    assert (ds.images["width"] > 0).all()
    assert len(ds.objects) == sum(ds.images["n_objects"])
