"""load_image on the real sample JPEGs and on real odd files made with Pillow."""

from __future__ import annotations

import random
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree

import numpy as np
import pytest
from PIL import Image

from vocgui.core.image_io import IMAGE_PROBLEM_KINDS, load_image

REPO = Path(__file__).resolve().parents[2]


def _xml_size(voc_sample: Path, stem: str) -> tuple[int, int]:
    size = ElementTree.parse(voc_sample / "Annotations" / f"{stem}.xml").find("size")
    return int(size.findtext("width")), int(size.findtext("height"))


def _kinds(result) -> list[str]:
    return [p.kind for p in result.problems]


def test_sample_jpegs_decode_at_their_annotated_size(voc_sample: Path) -> None:
    for jpeg in sorted((voc_sample / "JPEGImages").glob("*.jpg"))[:10]:
        result = load_image(jpeg)
        width, height = _xml_size(voc_sample, jpeg.stem)
        assert result.ok and result.problems == []
        assert result.pixels.shape == (height, width, 3)
        assert result.pixels.dtype == np.uint8
        assert result.full_size == (width, height)


def test_max_side_reduces_pixels_but_keeps_full_size(tmp_path: Path) -> None:
    path = tmp_path / "big.jpg"
    Image.new("RGB", (2000, 1500), (10, 200, 30)).save(path, quality=90)
    result = load_image(path, max_side=256)
    assert max(result.pixels.shape[:2]) <= 256
    assert result.pixels.shape[1] > result.pixels.shape[0]  # still landscape
    assert result.full_size == (2000, 1500)
    assert np.abs(result.pixels[10, 10].astype(int) - (10, 200, 30)).max() < 8


def test_exif_orientation_is_reported_not_applied(tmp_path: Path) -> None:
    """VOC's convention (issue 10, item 15): boxes are stored pixel coordinates and the
    training pipelines decode stored pixels, so the viewer shows the stored pixels too."""
    stored = Image.new("RGB", (60, 40), (0, 0, 255))
    stored.paste((255, 0, 0), (0, 0, 30, 40))  # left half red
    exif = Image.Exif()
    exif[0x0112] = 6  # photo viewers turn it 90 degrees clockwise
    path = tmp_path / "rotated.jpg"
    stored.save(path, exif=exif, quality=95)

    result = load_image(path)
    assert result.full_size == (60, 40)
    assert result.pixels.shape == (40, 60, 3)
    assert result.pixels[20, 5, 0] > 200 and result.pixels[20, 5, 2] < 60  # red stays left
    assert result.pixels[20, 55, 2] > 200 and result.pixels[20, 55, 0] < 60
    assert _kinds(result) == ["exif_orientation"]
    message = result.problems[0].message
    assert "orientation 6" in message and "does not apply" in message and "60x40" in message


@pytest.mark.parametrize(("mode", "color"), [("L", 128), ("CMYK", (0, 255, 255, 0))])
def test_grayscale_and_cmyk_jpegs_become_rgb_with_a_problem(
        tmp_path: Path, mode: str, color) -> None:
    path = tmp_path / f"{mode}.jpg"
    Image.new(mode, (50, 40), color).save(path)
    result = load_image(path)
    assert result.pixels.shape == (40, 50, 3)
    assert _kinds(result) == ["color_mode"]
    assert ("grayscale" if mode == "L" else "CMYK") in result.problems[0].message
    expected = (128, 128, 128) if mode == "L" else (255, 0, 0)
    assert np.abs(result.pixels[20, 25].astype(int) - expected).max() < 8


def test_png_named_jpg_is_shown_and_reported(tmp_path: Path) -> None:
    path = tmp_path / "really_a_png.jpg"
    Image.new("RGB", (30, 20), (1, 2, 3)).save(path, format="PNG")
    result = load_image(path)
    assert result.ok and result.pixels.shape == (20, 30, 3)
    assert _kinds(result) == ["format_mismatch"]
    assert "PNG file named '.jpg'" in result.problems[0].message


def test_alpha_is_composited_on_white(tmp_path: Path) -> None:
    path = tmp_path / "alpha.png"
    Image.new("RGBA", (10, 10), (255, 0, 0, 0)).save(path)
    result = load_image(path)
    assert tuple(result.pixels[5, 5]) == (255, 255, 255)
    assert _kinds(result) == ["color_mode"]


def test_16_bit_grayscale_is_rescaled_not_clipped(tmp_path: Path) -> None:
    path = tmp_path / "deep.png"
    arr = np.full((8, 8), 1000, dtype=np.uint16)
    arr[0, 0] = 4000
    Image.fromarray(arr).save(path)
    result = load_image(path)
    assert result.pixels[0, 0, 0] == 255
    assert 50 < result.pixels[4, 4, 0] < 80  # 1000/4000 of full scale


def test_truncated_jpeg_gives_no_pixels_and_says_truncated(voc_sample: Path,
                                                           tmp_path: Path) -> None:
    data = (voc_sample / "JPEGImages" / "2007_000027.jpg").read_bytes()
    path = tmp_path / "cut.jpg"
    path.write_bytes(data[: len(data) // 2])
    result = load_image(path)
    assert not result.ok
    assert _kinds(result) == ["truncated_image"]
    assert "cut.jpg" in result.problems[0].message
    assert result.full_size == _xml_size(voc_sample, "2007_000027")


@pytest.mark.parametrize("content", [b"", b"not an image at all",
                                     b"\xff\xd8\xff\xe0" + bytes(range(256)) * 4])
def test_garbage_is_a_bad_image(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "garbage.jpg"
    path.write_bytes(content)
    result = load_image(path)
    assert not result.ok
    assert _kinds(result) == ["bad_image"]
    assert result.problems[0].file == str(path)
    assert result.problems[0].image == "garbage.jpg"


def test_missing_file_and_folder(tmp_path: Path) -> None:
    missing = load_image(tmp_path / "nope.jpg")
    assert _kinds(missing) == ["missing_image"] and "no such image" in missing.problems[0].message
    folder = load_image(tmp_path)
    assert _kinds(folder) == ["missing_image"] and "not a file" in folder.problems[0].message


def test_damaged_real_jpegs_never_raise(voc_sample: Path, tmp_path: Path) -> None:
    data = bytearray((voc_sample / "JPEGImages" / "2007_000032.jpg").read_bytes())
    rng = random.Random(0)
    for i in range(40):
        damaged = bytearray(data)
        for _ in range(rng.randint(1, 50)):
            damaged[rng.randrange(len(damaged))] = rng.randrange(256)
        cut = rng.randrange(len(damaged)) if i % 2 else len(damaged)
        path = tmp_path / f"damaged{i}.jpg"
        path.write_bytes(bytes(damaged[:cut]))
        result = load_image(path, max_side=200 if i % 3 else None)
        assert all(p.kind in IMAGE_PROBLEM_KINDS for p in result.problems)
        assert result.ok or result.problems
        if result.ok:
            assert result.pixels.ndim == 3 and result.pixels.shape[2] == 3


def test_a_huge_jpeg_is_decoded_reduced_for_display(tmp_path: Path) -> None:
    """Issue 10, item 18: an 8000 px square JPEG (192 MB of pixels) shown at 1000 px is
    decoded at 1/8 of its side; the decode's memory stays far below the full image's
    (measured in a fresh process)."""
    path = tmp_path / "huge.jpg"
    Image.new("RGB", (8000, 8000), (90, 120, 30)).save(path, quality=30)
    code = ("import resource, sys\n"
            "from vocgui.core.image_io import load_image\n"
            "before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
            "result = load_image(sys.argv[1], 1000)\n"
            "grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before\n"
            "print(*result.pixels.shape, *result.full_size, grown // 1024)\n")
    done = subprocess.run([sys.executable, "-c", code, str(path)], cwd=REPO,
                          capture_output=True, text=True, timeout=120, check=True)
    height, width, _, full_width, full_height, grown_mb = map(int, done.stdout.split())
    assert (width, height, full_width, full_height) == (1000, 1000, 8000, 8000)
    assert grown_mb < 60, done.stdout  # a full decode alone takes 192 MB
