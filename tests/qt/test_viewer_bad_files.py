"""The viewer on real odd files: each shows its pixels with a banner, or a placeholder."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PIL import Image

from vocgui.core.project import Project
from vocgui.qt.app_state import AppState
from vocgui.qt.viewer import ImageViewer

_XML = """<annotation><filename>{name}</filename>
<size><width>{w}</width><height>{h}</height><depth>3</depth></size><segmented>0</segmented>
<object><name>dog</name><difficult>0</difficult>
<bndbox><xmin>2</xmin><ymin>2</ymin><xmax>58</xmax><ymax>20</ymax></bndbox></object>
</annotation>"""


def _rotated(path: Path) -> None:
    exif = Image.Exif()
    exif[0x0112] = 6
    Image.new("RGB", (60, 40), (200, 30, 30)).save(path, exif=exif)


def _png_named_jpg(path: Path) -> None:
    Image.new("RGB", (60, 40), (30, 200, 30)).save(path, format="PNG")


def _truncated(path: Path, sample: Path) -> None:
    data = sample.read_bytes()
    path.write_bytes(data[: len(data) // 3])


#: name -> (writer, annotated (w, h), shown size or None for a placeholder, words expected)
CASES = {
    "gray": (lambda p, s: Image.new("L", (60, 40), 90).save(p), (60, 40), (60, 40),
             "grayscale"),
    "cmyk": (lambda p, s: Image.new("CMYK", (60, 40), (0, 90, 90, 0)).save(p), (60, 40),
             (60, 40), "CMYK"),
    "png": (lambda p, s: _png_named_jpg(p), (60, 40), (60, 40), "PNG file named '.jpg'"),
    "rotated": (lambda p, s: _rotated(p), (60, 40), (60, 40), "EXIF orientation 6"),
    "truncated": (_truncated, (486, 500), None, "truncated"),
    "corrupt": (lambda p, s: p.write_bytes(b"this is no picture " * 50), (60, 40), None,
                "not an image"),
    "deleted": (lambda p, s: shutil.copy(s, p), (486, 500), None, "no such image file"),
}


@pytest.fixture
def odd_state(qtbot, voc_sample: Path, tmp_path: Path):
    root = tmp_path / "odd"
    (root / "Annotations").mkdir(parents=True)
    (root / "JPEGImages").mkdir()
    sample = voc_sample / "JPEGImages" / "2007_000027.jpg"
    for name, (write, (w, h), _shown, _words) in CASES.items():
        write(root / "JPEGImages" / f"{name}.jpg", sample)
        (root / "Annotations" / f"{name}.xml").write_text(_XML.format(name=f"{name}.jpg",
                                                                      w=w, h=h))
    state = AppState()
    state.set_project(Project.create_from_voc(tmp_path / "odd.vocgui", root))
    # Deleted after loading: the project still lists it, as after a user's clean-up.
    (root / "JPEGImages" / "deleted.jpg").unlink()
    yield state
    state.set_project(None)


@pytest.mark.parametrize("case", list(CASES))
def test_odd_file_gives_pixels_and_a_banner_or_a_placeholder(qtbot, odd_state, case) -> None:
    _write, _annotated, shown_size, words = CASES[case]
    viewer = ImageViewer(odd_state)
    qtbot.addWidget(viewer)
    viewer.show()
    found: list[tuple[int, list]] = []
    viewer.problems_found.connect(lambda row, problems: found.append((row, problems)))
    row = odd_state.project.images["filename"].tolist().index(f"{case}.jpg")
    with qtbot.waitSignal(viewer.image_shown, timeout=10_000):
        odd_state.set_current_row(row)

    assert found and found[0][0] == row
    if shown_size is None:
        assert viewer.pixmap() is None
        assert f"Cannot show {case}.jpg" in viewer.placeholder_text()
        assert words in viewer.placeholder_text()
    else:
        pixmap = viewer.pixmap()
        assert (pixmap.width(), pixmap.height()) == shown_size
        assert viewer.placeholder_text() == ""
        assert viewer.banner.isVisibleTo(viewer) and words in viewer.banner.text()
        assert [b.name for b in viewer.canvas.boxes()] == ["dog"]
        # Boxes and pixels share VOC's stored pixel coordinates (EXIF not applied).
        image_rect = viewer.canvas.scene().sceneRect()
        assert all(image_rect.contains(b.rect) for b in viewer.canvas.boxes())
