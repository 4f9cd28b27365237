"""Every kind of bad input becomes a problem naming the file, and the rest still loads."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from unprivileged import unprivileged_python
from voc_xml_helpers import annotation_xml, object_xml, write_jpeg, write_voc

from vocgui.core.voc import Problem, VocDataset, load_voc

GOOD = annotation_xml("good.jpg", [object_xml("dog")])


def load_with_good(tmp_path: Path, bad: dict[str, str | bytes],
                   images: tuple[str, ...] = ()) -> VocDataset:
    """Load a root holding ``bad`` plus one good annotation (with its image)."""
    root = write_voc(tmp_path / "voc", {"good.xml": GOOD, **bad}, ["good.jpg", *images])
    ds = load_voc(root)
    assert "good.jpg" in set(ds.images["filename"]), "the good file must still load"
    return ds


def only_problem(ds: VocDataset, kind: str) -> Problem:
    matching = [p for p in ds.problems if p.kind == kind]
    assert len(matching) == 1, ds.problems
    return matching[0]


def test_billion_laughs_is_refused_not_expanded(tmp_path: Path) -> None:
    entities = "".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10))
    bomb = (f'<?xml version="1.0"?><!DOCTYPE annotation [<!ENTITY lol0 "lol">{entities}]>'
            "<annotation><filename>bomb.jpg</filename><object><name>&lol9;</name>"
            "</object></annotation>")
    ds = load_with_good(tmp_path, {"bomb.xml": bomb})
    problem = only_problem(ds, "forbidden_xml")
    assert problem.file.endswith("bomb.xml") and "DOCTYPE" in problem.message
    assert list(ds.images["filename"]) == ["good.jpg"]
    assert ds.classes == ["dog"]


def test_external_entity_is_never_read(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT")
    xxe = (f'<?xml version="1.0"?><!DOCTYPE annotation [<!ENTITY xxe SYSTEM '
           f'"file://{secret}">]><annotation><filename>&xxe;</filename><object>'
           "<name>&xxe;</name></object></annotation>")
    ds = load_with_good(tmp_path, {"xxe.xml": xxe})
    only_problem(ds, "forbidden_xml")
    everything = repr(ds.images) + repr(ds.objects) + repr(ds.problems) + repr(ds.classes)
    assert "TOP-SECRET" not in everything


def test_external_dtd_is_refused(tmp_path: Path) -> None:
    dtd = ('<?xml version="1.0"?><!DOCTYPE annotation SYSTEM "http://example.invalid/voc.dtd">'
           + annotation_xml("dtd.jpg", [object_xml("cat")]))
    ds = load_with_good(tmp_path, {"dtd.xml": dtd})
    assert only_problem(ds, "forbidden_xml").file.endswith("dtd.xml")
    assert "cat" not in ds.classes


def test_doctype_hidden_in_utf16_is_refused_after_parsing(tmp_path: Path) -> None:
    # The byte scan cannot see "<!DOCTYPE" in UTF-16; the parsed-document check must.
    text = ('<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE annotation [<!ENTITY e "cat">]>'
            + annotation_xml("u16.jpg", [object_xml("&e;")]))
    ds = load_with_good(tmp_path, {"u16.xml": text.encode("utf-16")})
    assert only_problem(ds, "forbidden_xml").file.endswith("u16.xml")


def test_non_xml_files_in_the_annotations_folder(tmp_path: Path) -> None:
    ds = load_with_good(tmp_path, {"README.txt": "notes", "photo.xml": b"\xff\xd8\xff\xe0JFIF"})
    problems = sorted((Path(p.file).name, p.kind) for p in ds.problems)
    assert problems == [("README.txt", "not_xml"), ("photo.xml", "not_xml")]


def test_malformed_xml(tmp_path: Path) -> None:
    ds = load_with_good(tmp_path, {"broken.xml": "<annotation><filename>x.jpg</annotation>"})
    problem = only_problem(ds, "malformed_xml")
    assert problem.file.endswith("broken.xml") and "cannot be parsed" in problem.message
    assert len(ds.images) == 1


def test_wrong_root_is_refused_but_capitalised_annotation_loads(tmp_path: Path) -> None:
    ds = load_with_good(tmp_path, {
        "wrong.xml": annotation_xml("wrong.jpg", [object_xml("cat")], root="svg"),
        "caps.xml": annotation_xml("caps.jpg", [object_xml("cow")], root="Annotation"),
    }, images=("caps.jpg", "wrong.jpg"))
    problem = only_problem(ds, "not_annotation")
    assert problem.file.endswith("wrong.xml") and "<svg>" in problem.message
    assert set(ds.images["filename"]) == {"good.jpg", "caps.jpg"}
    assert ds.classes == ["cow", "dog"]


def test_missing_filename_falls_back_to_the_xml_stem(tmp_path: Path) -> None:
    ds = load_with_good(tmp_path, {"nameless.xml": annotation_xml(None, [object_xml("cat")])},
                        images=("nameless.jpg",))
    problem = only_problem(ds, "missing_filename")
    assert problem.image == "nameless.jpg"
    row = ds.images[ds.images["filename"] == "nameless.jpg"].iloc[0]
    assert row["labels"] == ("cat",) and row["image_path"] == "JPEGImages/nameless.jpg"


@pytest.mark.parametrize("size", [None, (0, 0, 0)], ids=["missing", "zero"])
def test_missing_or_zero_size_is_read_from_the_image_header(
        tmp_path: Path, size: tuple[int, int, int] | None) -> None:
    root = write_voc(tmp_path / "voc", {"s.xml": annotation_xml("s.jpg", [object_xml("cat")],
                                                                size=size)})
    write_jpeg(root / "JPEGImages" / "s.jpg", size=(321, 123))
    ds = load_voc(root)
    row = ds.images.iloc[0]
    assert (row["width"], row["height"], row["depth"]) == (321, 123, 3)
    problem = only_problem(ds, "missing_size")
    assert "321x123" in problem.message and problem.file.endswith("s.xml")


def test_missing_size_with_a_corrupt_image_reports_both(tmp_path: Path) -> None:
    root = write_voc(tmp_path / "voc", {"s.xml": annotation_xml("s.jpg", size=None)})
    (root / "JPEGImages" / "s.jpg").write_bytes(b"not a jpeg at all")
    ds = load_voc(root)
    assert ds.images.iloc[0]["width"] == 0
    assert only_problem(ds, "bad_image").file.endswith("s.jpg")
    only_problem(ds, "missing_size")


def test_unreadable_permissions(tmp_path: Path) -> None:
    """A file the user may not read is a problem; the rest loads. Run in a child process
    that file permissions apply to (root ignores them)."""
    root = write_voc(tmp_path / "voc", {"good.xml": GOOD, "locked.xml": GOOD}, ["good.jpg"])
    (root / "Annotations" / "locked.xml").chmod(0)
    code = ("import json, sys; from vocgui.core.voc import load_voc; "
            "ds = load_voc(sys.argv[1]); "
            "print(json.dumps([len(ds.images), [p.as_dict() for p in ds.problems]]))")
    done = subprocess.run([*unprivileged_python(), "-c", code, str(root)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    n_images, problems = json.loads(done.stdout.strip().splitlines()[-1])
    assert n_images == 1
    unreadable = [p for p in problems if p["kind"] == "unreadable"]
    assert len(unreadable) == 1 and unreadable[0]["file"].endswith("locked.xml")
    assert "ermission" in unreadable[0]["message"]


def test_unopenable_file_is_unreadable(tmp_path: Path) -> None:
    # A dangling link cannot be opened by anyone, root included.
    root = write_voc(tmp_path / "voc", {"good.xml": GOOD}, ["good.jpg"])
    (root / "Annotations" / "dangling.xml").symlink_to(tmp_path / "gone.xml")
    ds = load_voc(root)
    problem = only_problem(ds, "unreadable")
    assert problem.file.endswith("dangling.xml") and "No such file" in problem.message
    assert len(ds.images) == 1


def test_declared_latin1_encoding_loads(tmp_path: Path) -> None:
    text = annotation_xml("caf\xe9.jpg", [object_xml("ch\xe8vre")],
                          prolog='<?xml version="1.0" encoding="ISO-8859-1"?>')
    ds = load_with_good(tmp_path, {"latin.xml": text.encode("latin-1")}, images=("caf\xe9.jpg",))
    assert ds.problems == []
    row = ds.images[ds.images["filename"] == "caf\xe9.jpg"].iloc[0]
    assert row["labels"] == ("ch\xe8vre",)


@pytest.mark.parametrize("data", [
    annotation_xml("x.jpg", [object_xml("ch\xe8vre")]).encode("latin-1"),
    b'<?xml version="1.0" encoding="no-such-encoding"?><annotation/>',
], ids=["undeclared-latin1", "unknown-encoding"])
def test_bad_encoding(tmp_path: Path, data: bytes) -> None:
    ds = load_with_good(tmp_path, {"enc.xml": data})
    assert only_problem(ds, "encoding").file.endswith("enc.xml")


def test_empty_folder_is_a_clear_problem(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    ds = load_voc(tmp_path / "empty")
    assert ds.images.empty and ds.objects.empty
    assert list(ds.images.columns)[:3] == ["filename", "root", "image_path"]
    problem = only_problem(ds, "empty_dataset")
    assert problem.file == str(tmp_path / "empty") and "no annotation" in problem.message
    assert "or image" in problem.message


def test_missing_folder_is_a_clear_problem(tmp_path: Path) -> None:
    ds = load_voc(tmp_path / "nowhere")
    assert ds.images.empty
    assert "cannot be listed" in only_problem(ds, "empty_dataset").message


def test_folder_of_only_bad_files_is_empty(tmp_path: Path) -> None:
    root = write_voc(tmp_path / "voc", {"bad.xml": "<annotation>"})
    ds = load_voc(root)
    assert ds.images.empty
    assert {p.kind for p in ds.problems} == {"malformed_xml", "empty_dataset"}


def test_duplicate_file_names_keep_the_first(tmp_path: Path) -> None:
    ds = load_with_good(tmp_path, {
        "a1.xml": annotation_xml("same.jpg", [object_xml("cat")]),
        "a2.xml": annotation_xml("same.jpg", [object_xml("cow")]),
    }, images=("same.jpg",))
    problem = only_problem(ds, "duplicate_filename")
    assert problem.file.endswith("a2.xml") and "a1.xml" in problem.message
    row = ds.images[ds.images["filename"] == "same.jpg"]
    assert len(row) == 1 and row.iloc[0]["labels"] == ("cat",)
    assert "cow" not in ds.classes and len(ds.objects) == 2


def test_missing_image_keeps_the_row(tmp_path: Path) -> None:
    ds = load_with_good(tmp_path, {"lost.xml": annotation_xml("lost.jpg", [object_xml("cat")])})
    problem = only_problem(ds, "missing_image")
    assert problem.image == "lost.jpg" and problem.file.endswith("lost.xml")
    assert ds.images[ds.images["filename"] == "lost.jpg"].iloc[0]["labels"] == ("cat",)


def test_image_without_annotation_is_an_unlabeled_row(tmp_path: Path) -> None:
    ds = load_with_good(tmp_path, {}, images=("orphan.jpg",))
    assert ds.problems == []
    assert list(ds.images["filename"]) == ["good.jpg", "orphan.jpg"]
    assert ds.images["labeled"].tolist() == [True, False]
    assert ds.images["labels"].iat[1] == () and ds.images["width"].iat[1] > 0


def test_image_of_a_broken_xml_is_not_reported_twice(tmp_path: Path) -> None:
    ds = load_with_good(tmp_path, {"x.xml": "<annotation"}, images=("x.jpg",))
    assert [p.kind for p in ds.problems] == ["malformed_xml"]


@pytest.mark.parametrize(("obj", "fragment"), [
    ("<object><name>cat</name></object>", "no <bndbox>"),
    ("<object><name>cat</name><bndbox><xmin>1</xmin><ymin>1</ymin><xmax>5</xmax></bndbox>"
     "</object>", "without <ymax>"),
    (object_xml("cat", box=(1, 2, 3, 4)).replace("<xmin>1<", "<xmin>one<"), "non-numeric"),
    (object_xml("cat", box=(50, 2, 10, 40)), "inverted"),
    (object_xml("cat", box=(1, 2, 300, 40)), "outside the 100x80 image"),
], ids=["no-box", "missing-coordinate", "non-numeric", "inverted", "out-of-bounds"])
def test_bad_object_boxes_keep_the_label(tmp_path: Path, obj: str, fragment: str) -> None:
    ds = load_with_good(tmp_path, {"b.xml": annotation_xml("b.jpg", [obj])}, images=("b.jpg",))
    problem = only_problem(ds, "bad_object")
    assert fragment in problem.message and problem.image == "b.jpg"
    assert ds.images[ds.images["filename"] == "b.jpg"].iloc[0]["labels"] == ("cat",)


def test_object_without_name_is_left_out(tmp_path: Path) -> None:
    obj = object_xml("cat").replace("<name>cat</name>", "<name> </name>")
    ds = load_with_good(tmp_path, {"n.xml": annotation_xml("n.jpg", [obj, object_xml("cow")])},
                        images=("n.jpg",))
    assert "no <name>" in only_problem(ds, "bad_object").message
    row = ds.images[ds.images["filename"] == "n.jpg"].iloc[0]
    assert row["labels"] == ("cow",) and row["n_objects"] == 1
