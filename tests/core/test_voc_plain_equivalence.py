"""The regular-expression reader of plain files says exactly what the lxml reader says.

``parse_plain_annotation`` must either decline a file (None: it goes through lxml) or
return the very record ``parse_annotation`` returns: same filename, size, flags, objects
with boxes, and the same problems with the same messages. Records are compared by
``repr`` so that NaN boxes compare equal. The loader's tables and problems are built
from these records alone; the last tests also compare whole loads with the loader made
to use lxml for every file.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from voc_xml_helpers import annotation_xml, object_xml, write_voc

from vocgui.core.voc import VocDataset, chunk_parser, load_voc
from vocgui.core.voc.annotation_parser import parse_annotation
from vocgui.core.voc.plain_annotation import parse_annotation_fast, parse_plain_annotation

BOX = "<bndbox><xmin>1</xmin><ymin>2</ymin><xmax>30</xmax><ymax>40</ymax></bndbox>"


def same_reading(data: bytes) -> bool:
    """Assert both readers agree on ``data``; True when the plain reader took it."""
    plain = parse_plain_annotation(data)
    if plain is not None:
        assert repr(plain) == repr(parse_annotation(data)), data
    assert repr(parse_annotation_fast(data)) == repr(parse_annotation(data)), data
    return plain is not None


def wrap(body: str, root: str = "annotation") -> bytes:
    return f"<{root}><filename>a.jpg</filename>{body}</{root}>".encode()


# Odd files the plain reader must read exactly like lxml.
PLAIN = {
    "helper-made": annotation_xml("x.jpg", [object_xml("dog"), object_xml("cat", difficult=1,
                                                                          truncated=None)]),
    "declaration": '<?xml version="1.0" encoding="UTF-8"?>\n' + annotation_xml("d.jpg"),
    "declaration-single-quotes": "<?xml version='1.0'?>" + annotation_xml("d.jpg"),
    "crlf-between-elements": annotation_xml("c.jpg", [object_xml("dog")]).replace("><", ">\r\n<"),
    "no-filename-no-size": annotation_xml(None, [object_xml("dog")], size=None),
    "empty-elements": wrap("<size><width></width><height></height><depth>3</depth></size>"
                           "<object><name>dog</name><pose></pose><difficult></difficult>"
                           "<bndbox><xmin></xmin><ymin>2</ymin><xmax>3</xmax><ymax>4</ymax>"
                           "</bndbox></object>").decode(),
    "whitespace-texts": wrap("<object><name>  dog \n</name><pose> Left </pose>"
                             "<bndbox><xmin> </xmin><ymin>2</ymin><xmax>3</xmax><ymax>4</ymax>"
                             "</bndbox><truncated> 1 </truncated></object>").decode(),
    "repeated-elements": wrap(f"<filename>b.jpg</filename><size><width>5</width></size>"
                              f"<size><width>7</width><height>9</height></size>"
                              f"<object><name>dog</name><name>cat</name>{BOX}"
                              f"<bndbox><xmin>5</xmin></bndbox></object>").decode(),
    "parts-actions-points": wrap(f"<object><name>person</name>{BOX}<part><name>head</name>"
                                 f"{BOX}</part><actions><jumping>1</jumping></actions>"
                                 f"<point><x>3</x><y>4</y></point></object>").decode(),
    "bad-boxes": wrap("<object><name>a</name></object><object><name>b</name><bndbox>"
                      "<xmin>1</xmin></bndbox></object><object><name>c</name><bndbox><xmin>x"
                      "</xmin><ymin>1</ymin><xmax>2</xmax><ymax>3</ymax></bndbox></object>"
                      "<object><name>d</name><bndbox><xmin>9</xmin><ymin>1</ymin><xmax>2"
                      "</xmax><ymax>3</ymax></bndbox></object><object><name>e</name><bndbox>"
                      "<xmin>nan</xmin><ymin>inf</ymin><xmax>1e400</xmax><ymax>1_0</ymax>"
                      "</bndbox></object><object><name> </name></object>").decode(),
    "odd-numbers": wrap("<size><width>12.7</width><height>-3</height><depth>x</depth></size>"
                        "<segmented>true</segmented>").decode(),
    "path-in-filename": wrap("<filename>C:\\data\\img 1.jpg</filename>").decode(),
    "known-names-nested-elsewhere": wrap(
        "<source><filename>no.jpg</filename><size><width>1</width></size></source>"
        "<size><size><width>4</width></size><width>8</width></size>"
        "<object><name>dog</name><part><occluded>1</occluded></part></object>").decode(),
    "greater-than-in-text": wrap("<object><name>a>b</name></object>").decode(),
    "empty-root": "<annotation></annotation>",
}

# Files the plain reader must decline (lxml reads or refuses them).
NOT_PLAIN = {
    "capitalised-root": wrap("", root="Annotation"),
    "other-root": wrap("", root="svg"),
    "comment": wrap("<!-- c --><object><name>dog</name></object>"),
    "cdata": wrap("<object><name><![CDATA[dog]]></name></object>"),
    "entity": wrap("<object><name>a&amp;b</name></object>"),
    "character-reference": wrap("<object><name>a&#13;b</name></object>"),
    "attribute": wrap('<object id="1"><name>dog</name></object>'),
    "namespace": b'<annotation xmlns="urn:x"><filename>a.jpg</filename></annotation>',
    "non-ascii": "<annotation><filename>caf\u00e9.jpg</filename></annotation>".encode(),
    "latin-1-declaration": b'<?xml version="1.0" encoding="ISO-8859-1"?><annotation/>',
    "cr-inside-text": wrap("<object><name>dog\r\ncat</name></object>"),
    "cdata-end-in-text": wrap("<object><name>a]]>b</name></object>"),
    "self-closing-known-element": wrap("<object><name>dog</name><bndbox/></object>"),
    "mixed-content": wrap("text<object><name>dog</name></object>"),
    "empty-object": wrap("<object/><object><name>dog</name></object>"),
    "object-inside-object": wrap("<object><name>x</name><object><name>y</name></object>"
                                 "</object>"),
    "object-inside-unknown": wrap("<source><object><name>cat</name></object></source>"),
    "too-deep": wrap("<object><name>d</name><a><b><c><d>1</d></c></b></a></object>"),
    "malformed": b"<annotation><filename>x.jpg</annotation>",
    "unclosed": b"<annotation>",
    "doctype": b'<!DOCTYPE annotation [<!ENTITY e "x">]><annotation/>',
    "utf-16": annotation_xml("u.jpg").encode("utf-16"),
    "not-xml": b"\xff\xd8\xff\xe0JFIF",
    "two-roots": b"<annotation/><annotation/>",
    "leading-space-before-declaration": b' <?xml version="1.0"?><annotation/>',
}


@pytest.mark.parametrize("name", PLAIN)
def test_odd_plain_files_read_like_lxml(name: str) -> None:
    data = PLAIN[name]
    assert same_reading(data.encode() if isinstance(data, str) else data), \
        f"{name} should take the plain path"


@pytest.mark.parametrize("name", NOT_PLAIN)
def test_files_outside_the_plain_grammar_go_to_lxml(name: str) -> None:
    assert not same_reading(NOT_PLAIN[name]), f"{name} must not take the plain path"


def test_sample_reads_like_lxml(voc_sample: Path) -> None:
    files = sorted((voc_sample / "Annotations").glob("*.xml"))
    assert all(same_reading(path.read_bytes()) for path in files)


@pytest.mark.slow
def test_all_17125_real_files_take_the_plain_path_and_read_like_lxml(
        voc2012_annotations: Path) -> None:
    files = sorted((voc2012_annotations / "Annotations").glob("*.xml"))
    assert len(files) == 17125
    assert all(same_reading(path.read_bytes()) for path in files)


TAGS = ["annotation", "object", "name", "bndbox", "xmin", "ymin", "xmax", "ymax", "size",
        "width", "height", "depth", "filename", "difficult", "truncated", "occluded", "pose",
        "part", "segmented", "source", "Name"]
TEXTS = st.sampled_from(["", " ", "0", "1", " 1\n", "-3", "12.5", "nan", "inf", "dog",
                         "a b", "x.jpg", "\t", ">", "a]]b", "a]]>b", "a\rb", "e5"])


@st.composite
def elements(draw: st.DrawFn, depth: int) -> str:
    tag = draw(st.sampled_from(TAGS))
    if depth >= 5 or draw(st.booleans()):
        body = draw(TEXTS)
        return f"<{tag}/>" if not body and draw(st.booleans()) else f"<{tag}>{body}</{tag}>"
    space = draw(st.sampled_from(["", "\n", "\r\n\t"]))
    children = space.join(draw(st.lists(elements(depth + 1), max_size=4)))
    return f"<{tag}>{space}{children}{space}</{tag}>"


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(elements(1), max_size=6), st.sampled_from(["", "\n"]))
def test_generated_files_read_like_lxml(children: list[str], space: str) -> None:
    same_reading(f"<annotation>{space}{space.join(children)}{space}</annotation>".encode())


def load_both_ways(source: Path | list[Path]) -> tuple[VocDataset, VocDataset]:
    """(the loader as it is, the loader reading every file with lxml), one process each."""
    fast = load_voc(source, workers=1)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(chunk_parser, "parse_annotation_fast", parse_annotation)
        lxml_only = load_voc(source, workers=1)
    return fast, lxml_only


def assert_same_load(fast: VocDataset, lxml_only: VocDataset) -> None:
    assert fast.images.equals(lxml_only.images)
    assert fast.objects.equals(lxml_only.objects)
    assert fast.problems == lxml_only.problems
    assert fast.classes == lxml_only.classes


def test_odd_folder_loads_like_lxml(tmp_path: Path, voc_sample: Path) -> None:
    files = {f"{name}.xml": data for name, data in {**PLAIN, **NOT_PLAIN}.items()}
    files["no-size.xml"] = annotation_xml("ns.jpg", [object_xml("cat", box=(1, 2, 300, 40))],
                                          size=None)
    files["duplicate.xml"] = annotation_xml("x.jpg", [object_xml("cow")])
    root = write_voc(tmp_path / "voc", files, ["x.jpg", "ns.jpg", "a.jpg", "orphan.jpg"])
    (root / "ImageSets" / "Main").mkdir(parents=True)
    (root / "ImageSets" / "Main" / "train.txt").write_text("duplicate\nno-size\nempty-root\n")
    fast, lxml_only = load_both_ways([root, voc_sample])
    assert len(fast.images) > 100 and len(fast.problems) > len(NOT_PLAIN)
    assert_same_load(fast, lxml_only)


@pytest.mark.slow
def test_17125_real_files_load_like_lxml(voc2012_annotations: Path) -> None:
    assert_same_load(*load_both_ways(voc2012_annotations))
