"""Folder layouts, file variations and loader options."""

from __future__ import annotations

from pathlib import Path

import pytest
from voc_xml_helpers import annotation_xml, object_xml, write_jpeg, write_voc

from vocgui.core.voc import LoadCancelled, load_voc


def test_element_order_does_not_matter(tmp_path: Path) -> None:
    reordered = ("<annotation><object><bndbox><ymax>40</ymax><xmax>30</xmax><ymin>2</ymin>"
                 "<xmin>1</xmin></bndbox><difficult>1</difficult><name>cat</name></object>"
                 "<size><depth>1</depth><height>80</height><width>100</width></size>"
                 "<segmented>1</segmented><filename>b.jpg</filename><folder>VOC</folder>"
                 "</annotation>")
    root = write_voc(tmp_path, {"a.xml": annotation_xml("a.jpg", [object_xml("cat",
                                                                              difficult=1)]),
                                "b.xml": reordered}, ["a.jpg", "b.jpg"])
    ds = load_voc(root)
    assert ds.problems == []
    a, b = ds.images.iloc[0], ds.images.iloc[1]
    assert (b["filename"], b["width"], b["height"], b["depth"], b["segmented"]) == (
        "b.jpg", 100, 80, 1, True)
    assert a["labels"] == b["labels"] == ("cat",)
    boxes = ds.objects[["xmin", "ymin", "xmax", "ymax"]].to_numpy().tolist()
    assert boxes == [[1, 2, 30, 40], [1, 2, 30, 40]]
    assert ds.objects["difficult"].tolist() == [True, True]


def test_parts_actions_points_are_ignored_and_truncated_may_be_missing(tmp_path: Path) -> None:
    extra = ("<part><name>head</name><bndbox><xmin>1</xmin><ymin>1</ymin><xmax>5</xmax>"
             "<ymax>5</ymax></bndbox></part><actions><jumping>1</jumping></actions>"
             "<point><x>3</x><y>4</y></point>")
    obj = object_xml("person", truncated=None, extra=extra).replace(
        "<difficult>0</difficult>", "<occluded>1</occluded>")
    root = write_voc(tmp_path, {"p.xml": annotation_xml("p.jpg", [obj])}, ["p.jpg"])
    ds = load_voc(root)
    assert ds.problems == []
    assert ds.classes == ["person"]
    person = ds.objects.iloc[0]
    assert not person["truncated"] and not person["difficult"] and person["occluded"]
    assert (person["xmin"], person["xmax"]) == (1, 30)


def test_keep_repeats_and_difficult_options(tmp_path: Path) -> None:
    objects = [object_xml("dog"), object_xml("dog"), object_xml("cat", difficult=1)]
    root = write_voc(tmp_path, {"a.xml": annotation_xml("a.jpg", objects)}, ["a.jpg"])
    assert load_voc(root).images.loc[0, "labels"] == ("cat", "dog")
    assert load_voc(root, keep_repeats=True).images.loc[0, "labels"] == ("cat", "dog", "dog")
    easy = load_voc(root, include_difficult=False)
    assert easy.images.loc[0, "labels"] == ("dog",)
    assert easy.images.loc[0, "n_objects"] == 3 and len(easy.objects) == 3
    assert easy.classes == ["cat", "dog"]


def test_splits_come_from_image_sets(tmp_path: Path) -> None:
    names = {f"{stem}.xml": annotation_xml(f"{stem}.jpg", [object_xml("cat")])
             for stem in ("a", "b", "c", "d")}
    root = write_voc(tmp_path, names, [f"{stem}.jpg" for stem in "abcd"])
    main = root / "ImageSets" / "Main"
    main.mkdir(parents=True)
    (main / "train.txt").write_text("a\n")
    (main / "val.txt").write_text("b\n")
    (main / "trainval.txt").write_text("a\nb\n")
    (main / "test.txt").write_text("c\n")
    ds = load_voc(root)
    assert ds.images["split"].tolist() == ["train", "val", "test", ""]


def test_separate_annotations_and_images_folders(tmp_path: Path) -> None:
    ann = tmp_path / "labels" / "xml"
    ann.mkdir(parents=True)
    (ann / "a.xml").write_text(annotation_xml("a.jpg", [object_xml("cat")]))
    write_jpeg(tmp_path / "pictures" / "a.jpg")
    ds = load_voc(ann, images_dir=tmp_path / "pictures")
    assert ds.problems == []
    assert ds.roots == [str(tmp_path)]
    assert ds.images.loc[0, "image_path"] == "pictures/a.jpg"
    assert ds.images.loc[0, "annotation_path"] == "labels/xml/a.xml"
    assert ds.absolute_paths() == [str(tmp_path / "pictures" / "a.jpg")]


def test_xmls_next_to_their_images(tmp_path: Path) -> None:
    (tmp_path / "a.xml").write_text(annotation_xml("a.jpg", [object_xml("cat")]))
    write_jpeg(tmp_path / "a.jpg")
    ds = load_voc(tmp_path)
    assert ds.problems == []
    assert ds.images.loc[0, "image_path"] == "a.jpg"


def test_relative_paths_are_resolved_and_stored_relative(tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    write_voc(tmp_path / "data" / "voc", {"a.xml": annotation_xml("a.jpg")}, ["a.jpg"])
    monkeypatch.chdir(tmp_path / "data")
    ds = load_voc("voc")
    assert ds.roots == [str(tmp_path / "data" / "voc")]
    assert ds.images.loc[0, "image_path"] == "JPEGImages/a.jpg"
    assert Path(ds.absolute_paths()[0]).is_file()
    by_folder = load_voc("voc/Annotations", images_dir="voc/JPEGImages")
    assert by_folder.absolute_paths() == ds.absolute_paths()
    assert by_folder.problems == []


def test_two_sources_are_combined(tmp_path: Path) -> None:
    first = write_voc(tmp_path / "one", {"a.xml": annotation_xml("a.jpg", [object_xml("cat")])},
                      ["a.jpg"])
    second = write_voc(tmp_path / "two", {"b.xml": annotation_xml("b.jpg", [object_xml("cow")])},
                       ["b.jpg"])
    ds = load_voc([first, second])
    assert ds.roots == [str(first), str(second)]
    assert ds.images["root"].tolist() == [0, 1]
    assert ds.classes == ["cat", "cow"]
    assert ds.objects["image"].tolist() == [0, 1]
    assert [Path(p).is_file() for p in ds.absolute_paths()] == [True, True]


def test_progress_is_reported_and_cancel_stops_the_load(tmp_path: Path) -> None:
    root = write_voc(tmp_path, {f"{i}.xml": annotation_xml(f"{i}.jpg") for i in range(300)})
    calls: list[tuple[int, int]] = []
    load_voc(root, progress=lambda done, total: calls.append((done, total)))
    assert calls[0] == (0, 300) and calls[-1] == (300, 300) and len(calls) >= 3
    with pytest.raises(LoadCancelled):
        load_voc(root, cancel=lambda: True)
    seen: list[int] = []
    with pytest.raises(LoadCancelled):
        load_voc(root, progress=lambda done, total: seen.append(done),
                 cancel=lambda: len(seen) >= 2)
    assert seen[-1] < 300


@pytest.mark.slow
def test_cancel_stops_a_parallel_load(voc2012_annotations: Path) -> None:
    seen: list[int] = []
    with pytest.raises(LoadCancelled):
        load_voc(voc2012_annotations, workers=2, progress=lambda done, total: seen.append(done),
                 cancel=lambda: len(seen) >= 2)
    assert seen[-1] < 17125


def test_annotations_folder_of_a_root_takes_the_root_defaults(tmp_path: Path) -> None:
    root = write_voc(tmp_path, {"a.xml": annotation_xml("a.jpg", [object_xml("cat")])},
                     ["a.jpg"])
    (root / "ImageSets" / "Main").mkdir(parents=True)
    (root / "ImageSets" / "Main" / "val.txt").write_text("a\n")
    ds = load_voc(root / "Annotations")
    assert ds.problems == []
    assert ds.roots == [str(root)]
    assert ds.images.loc[0, "image_path"] == "JPEGImages/a.jpg"
    assert ds.images.loc[0, "split"] == "val"


def test_flags_accept_padded_and_word_values(tmp_path: Path) -> None:
    obj = (object_xml("cat").replace("<difficult>0</difficult>", "<difficult> 1 </difficult>")
           .replace("<truncated>0</truncated>", "<truncated>true</truncated>"))
    root = write_voc(tmp_path, {"a.xml": annotation_xml("a.jpg", [obj, object_xml("dog")])},
                     ["a.jpg"])
    objects = load_voc(root).objects
    assert objects["difficult"].tolist() == [True, False]
    assert objects["truncated"].tolist() == [True, False]
