"""Property tests: no input file, however odd, crashes the loader.

Every annotation file ends up either as an image row or named by at least one problem.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from xml.sax.saxutils import escape

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from voc_xml_helpers import write_voc

from vocgui.core.voc import VocDataset, load_voc

TAGS = ["annotation", "Annotation", "object", "name", "bndbox", "xmin", "ymin", "xmax",
        "ymax", "size", "width", "height", "depth", "filename", "difficult", "truncated",
        "occluded", "pose", "part", "segmented", "folder"]
TEXTS = st.one_of(
    st.sampled_from(["", " ", "0", "1", "-3", "12.5", "nan", "inf", "1e400", "dog", "a b",
                     "x.jpg", "../../etc/passwd", "\u00e9t\u00e9", "\U0001f600"]),
    st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=12),
)
SETTINGS = settings(max_examples=40, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


@st.composite
def elements(draw: st.DrawFn, depth: int = 0) -> str:
    """A random element: known VOC tag names, nested oddly, sometimes with attributes."""
    tag = draw(st.sampled_from(TAGS))
    attribute = draw(st.sampled_from(["", ' id="1"', ' x="&lt;"']))
    if depth >= 4 or draw(st.booleans()):
        body = escape(draw(TEXTS))
    else:
        body = "".join(draw(st.lists(elements(depth + 1), max_size=4)))
    extra = draw(st.sampled_from(["", "<!-- c -->", "<![CDATA[<name>cdata</name>]]>"]))
    return f"<{tag}{attribute}>{extra}{body}</{tag}>"


@st.composite
def documents(draw: st.DrawFn) -> bytes:
    children = "".join(draw(st.lists(elements(1), max_size=6)))
    root = draw(st.sampled_from(["annotation", "Annotation", "object", "ANNOTATION"]))
    encoding = draw(st.sampled_from(["utf-8", "utf-16", "iso-8859-1"]))
    prolog = f'<?xml version="1.0" encoding="{encoding}"?>\n'
    text = f"{prolog}<{root}>{children}</{root}>"
    return text.encode(encoding, errors="xmlcharrefreplace")


def assert_every_file_accounted_for(ds: VocDataset, names: list[str]) -> None:
    rows = {Path(path).name for path in ds.images["annotation_path"]}
    named = {Path(problem.file).name for problem in ds.problems}
    for name in names:
        assert name in rows or name in named, (name, ds.problems)
    for labels in ds.images["labels"]:
        assert isinstance(labels, tuple) and all(isinstance(label, str) for label in labels)
    per_image = ds.objects.groupby("image").size().reindex(range(len(ds.images)), fill_value=0)
    assert per_image.tolist() == ds.images["n_objects"].tolist()
    assert set(ds.objects["name"]) <= set(ds.classes)


def load_files(files: dict[str, bytes]) -> VocDataset:
    with tempfile.TemporaryDirectory() as folder:
        root = write_voc(Path(folder), files)
        return load_voc(root)


@SETTINGS
@given(st.lists(st.binary(max_size=300), min_size=1, max_size=4))
def test_random_bytes_never_crash(blobs: list[bytes]) -> None:
    files = {f"f{i}.xml": blob for i, blob in enumerate(blobs)}
    assert_every_file_accounted_for(load_files(files), list(files))


@SETTINGS
@given(st.lists(documents(), min_size=1, max_size=4))
def test_odd_but_well_formed_xml_never_crashes(docs: list[bytes]) -> None:
    files = {f"d{i}.xml": doc for i, doc in enumerate(docs)}
    assert_every_file_accounted_for(load_files(files), list(files))
