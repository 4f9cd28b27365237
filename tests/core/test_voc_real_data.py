"""The loader against the real VOC2012 files: the 100-image sample and all 17,125 XMLs."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from vocgui.core.voc import load_voc

PART_NAMES = {"head", "hand", "foot"}


def plain_reading(xml_path: Path) -> dict:
    """What a straightforward ElementTree reading of one file says."""
    root = ET.parse(xml_path).getroot()
    names = [obj.findtext("name") for obj in root.findall("object")]
    size = root.find("size")
    return {"filename": root.findtext("filename"), "names": names,
            "width": int(size.findtext("width")), "height": int(size.findtext("height")),
            "depth": int(size.findtext("depth"))}


def test_sample_matches_a_plain_reading_of_every_file(voc_sample: Path) -> None:
    ds = load_voc(voc_sample)
    xml_files = sorted((voc_sample / "Annotations").glob("*.xml"))
    assert len(ds.images) == len(xml_files) == 100
    assert ds.problems == []
    by_name = ds.images.set_index("filename")
    for xml_path in xml_files:
        expected = plain_reading(xml_path)
        row = by_name.loc[expected["filename"]]
        assert row["labels"] == tuple(sorted(set(expected["names"])))
        assert row["n_objects"] == len(expected["names"])
        assert (row["width"], row["height"], row["depth"]) == (
            expected["width"], expected["height"], expected["depth"])
        assert row["annotation_path"] == f"Annotations/{xml_path.name}"
        assert row["image_path"] == f"JPEGImages/{expected['filename']}"
    assert len(ds.objects) == ds.images["n_objects"].sum()
    assert ds.roots == [str(voc_sample)]
    assert all(Path(p).is_file() for p in ds.absolute_paths())


def test_sample_part_names_never_become_labels(voc_sample: Path) -> None:
    text = "".join(p.read_text() for p in (voc_sample / "Annotations").glob("*.xml"))
    assert "<part>" in text, "the sample should contain <part> elements to test against"
    ds = load_voc(voc_sample)
    assert not PART_NAMES & set(ds.classes)
    assert not PART_NAMES & set(ds.objects["name"])


def test_sample_objects_carry_boxes_and_flags(voc_sample: Path) -> None:
    ds = load_voc(voc_sample)
    first = ds.objects[ds.objects["image"] == 0].iloc[0]
    # 2007_000027.xml: one person at (174,101)-(349,351), pose Unspecified.
    assert ds.images.loc[0, "filename"] == "2007_000027.jpg"
    assert (first["name"], first["xmin"], first["ymin"], first["xmax"], first["ymax"]) == (
        "person", 174.0, 101.0, 349.0, 351.0)
    assert first["pose"] == "Unspecified" and not first["difficult"]
    assert (ds.objects["xmax"] > ds.objects["xmin"]).all()


@pytest.mark.slow
def test_all_17125_annotations_load_with_splits(voc2012_annotations: Path) -> None:
    main = voc2012_annotations / "ImageSets" / "Main"
    train = set(main.joinpath("train.txt").read_text().split())
    val = set(main.joinpath("val.txt").read_text().split())
    calls: list[tuple[int, int]] = []
    ds = load_voc(voc2012_annotations, progress=lambda done, total: calls.append((done, total)))
    assert len(ds.images) == 17125
    assert len(ds.classes) == 20
    positives = ds.images["labels"].explode().value_counts()
    assert positives.idxmax() == "person"
    counts = ds.images["split"].value_counts()
    assert counts["train"] == len(train) == 5717
    assert counts["val"] == len(val) == 5823
    assert (ds.images["split"] == "").sum() == 17125 - len(train | val)
    stems = ds.images["annotation_path"].str.slice(len("Annotations/"), -len(".xml"))
    assert set(stems[ds.images["split"] == "train"]) == train
    assert not PART_NAMES & set(ds.classes)
    # No images ship with the annotations: one problem names the missing folder.
    assert [p.kind for p in ds.problems] == ["missing_image"]
    assert calls[0] == (0, 17125) and calls[-1] == (17125, 17125)
    assert [done for done, _ in calls] == sorted(done for done, _ in calls)


@pytest.mark.slow
def test_17k_in_parallel_equals_sequential(voc2012_annotations: Path) -> None:
    parallel = load_voc(voc2012_annotations, workers=2)
    sequential = load_voc(voc2012_annotations, workers=1)
    assert parallel.images.equals(sequential.images)
    assert parallel.objects.equals(sequential.objects)
    assert parallel.classes == sequential.classes
