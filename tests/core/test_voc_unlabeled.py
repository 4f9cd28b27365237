"""Images without an annotation XML load as rows in the explicit unlabeled state."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from PIL import Image
from voc_xml_helpers import annotation_xml, object_xml, write_jpeg, write_voc

from vocgui.cli.main import main
from vocgui.core.voc import load_voc


def _plain_folder(root: Path) -> Path:
    """A folder of images only: two at the top, one in a sub-folder, one in a hidden one."""
    (root / "cats").mkdir(parents=True)
    (root / ".cache").mkdir()
    write_jpeg(root / "a.jpg")
    Image.new("RGB", (40, 30), "red").save(root / "cats" / "b.png")
    write_jpeg(root / ".cache" / "hidden.jpg")
    (root / "notes.txt").write_text("not an image")
    return root


def test_a_plain_folder_of_images_is_a_dataset_of_unlabeled_rows(tmp_path: Path) -> None:
    ds = load_voc(_plain_folder(tmp_path / "photos"))
    assert ds.images["filename"].tolist() == ["a.jpg", "cats/b.png"]
    assert ds.images["image_path"].tolist() == ["a.jpg", "cats/b.png"]
    assert not ds.images["labeled"].any()
    assert ds.images["labels"].tolist() == [(), ()]
    assert ds.images.loc[1, ["width", "height", "depth"]].tolist() == [40, 30, 3]
    assert ds.problems == [] and ds.classes == []
    assert Path(ds.absolute_paths()[1]).is_file()


def test_a_voc_root_keeps_its_extra_images_as_unlabeled_rows(tmp_path: Path) -> None:
    root = write_voc(tmp_path / "voc", {"a.xml": annotation_xml("a.jpg", [object_xml("cat")]),
                                        "e.xml": annotation_xml("e.jpg", [])},
                     ["a.jpg", "e.jpg", "new1.jpg", "new2.jpg"])
    ds = load_voc(root)
    assert ds.images["filename"].tolist() == ["a.jpg", "e.jpg", "new1.jpg", "new2.jpg"]
    # "labeled, no class present" (e.jpg) is not the same as "unlabeled" (new*.jpg)
    assert ds.images["labeled"].tolist() == [True, True, False, False]
    assert ds.images["labels"].tolist() == [("cat",), (), (), ()]
    assert ds.images["annotation_path"].tolist()[2:] == ["", ""]


def test_an_unreadable_unlabeled_image_is_a_row_with_a_problem(tmp_path: Path) -> None:
    folder = _plain_folder(tmp_path / "photos")
    (folder / "broken.jpg").write_bytes(b"not a jpeg")
    ds = load_voc(folder)
    row = ds.images.index[ds.images["filename"] == "broken.jpg"][0]
    assert ds.images.at[row, "width"] == 0
    assert [(p.kind, p.image) for p in ds.problems] == [("bad_image", "broken.jpg")]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_fifo_named_like_an_image_is_never_opened(tmp_path: Path) -> None:
    folder = _plain_folder(tmp_path / "photos")
    os.mkfifo(folder / "pipe.jpg")  # opening it for reading would block forever
    assert "pipe.jpg" not in load_voc(folder).images["filename"].tolist()


def test_scan_json_counts_unlabeled_images_and_calls_the_folder_valid(
        tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    folder = _plain_folder(tmp_path / "photos")
    assert main(["scan", str(folder), "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["unlabeled"] == 2 and summary["images"] == 0
    assert summary["problems"] == []


def test_scan_csv_leaves_unlabeled_images_out(tmp_path: Path,
                                              capsys: pytest.CaptureFixture) -> None:
    root = write_voc(tmp_path / "voc", {"a.xml": annotation_xml("a.jpg", [object_xml("cat")])},
                     ["a.jpg", "new.jpg"])
    assert main(["scan", str(root), "--csv", str(tmp_path / "out.csv")]) == 0
    assert "wrote 1 rows" in capsys.readouterr().out
    assert "new.jpg" not in (tmp_path / "out.csv").read_text()


@pytest.mark.parametrize("mode", ["RGB", "L", "CMYK", "RGBA", "P", "LA"])
def test_header_sizes_agree_with_pillow(tmp_path: Path, mode: str) -> None:
    from vocgui.core.voc.image_header import read_image_size, read_sizes_chunk

    suffix = ".jpg" if mode in ("RGB", "L", "CMYK") else ".png"
    path = str(tmp_path / f"x{suffix}")
    Image.new(mode, (37, 23)).save(path)
    assert read_sizes_chunk([path]) == [read_image_size(path)]
