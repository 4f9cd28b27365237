"""Hostile datasets: absurd sizes, image bombs, FIFOs, devices, links out of the dataset,
huge files and texts, truncated and lying images. Each is a problem naming the file, and
everything else still loads (issue 10, items 1-4, 16; issue 9, item 12)."""

from __future__ import annotations

import os
import struct
import subprocess
import sys
import time
import zlib
from pathlib import Path

import pytest
from voc_xml_helpers import annotation_xml, object_xml, write_jpeg, write_voc

from vocgui.core.voc import Problem, VocDataset, load_voc
from vocgui.core.voc.file_safety import MAX_ANNOTATION_BYTES

GOOD = annotation_xml("good.jpg", [object_xml("dog")])
REPO = Path(__file__).resolve().parents[2]
# A comment makes a file "not plain": it then goes through lxml instead of the fast path.
BOTH_PARSERS = pytest.mark.parametrize("extra", ["", "<!-- not plain -->"],
                                       ids=["fast", "lxml"])


def problems_of(ds: VocDataset, kind: str) -> list[Problem]:
    return [p for p in ds.problems if p.kind == kind]


def png_header(path: Path, width: int, height: int) -> Path:
    """A PNG that declares ``width`` x ``height`` and holds no pixel data (a bomb's header)."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(
            ">I", zlib.crc32(kind + data))

    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IEND", b""))
    return path


@BOTH_PARSERS
@pytest.mark.parametrize("width", ["1e20", "999999999999999999999", str(2**63 - 1), "-5",
                                   "nan", "wide"])
def test_absurd_sizes_are_a_problem_of_that_file(tmp_path: Path, width: str,
                                                 extra: str) -> None:
    text = annotation_xml("big.jpg", [object_xml("cat")]).replace(
        "<width>100</width>", f"<width>{width}</width>{extra}")
    root = write_voc(tmp_path / "voc", {"good.xml": GOOD, "big.xml": text},
                     ["good.jpg", "big.jpg"])
    ds = load_voc(root)
    assert sorted(ds.images["filename"]) == ["big.jpg", "good.jpg"]
    (bad,) = problems_of(ds, "bad_size")
    assert bad.file.endswith("big.xml") and "<width>" in bad.message
    # The size is then read from the image, as for a missing <size>.
    row = ds.images.set_index("filename").loc["big.jpg"]
    assert (row["width"], row["height"]) == (100, 80)


def test_scan_stays_up_on_an_overflowing_size(tmp_path: Path) -> None:
    text = annotation_xml("big.jpg", [object_xml("cat")]).replace("<width>100", "<width>1e20")
    root = write_voc(tmp_path / "voc", {"good.xml": GOOD, "big.xml": text}, ["good.jpg"])
    done = subprocess.run([sys.executable, "-m", "vocgui", "scan", str(root)], cwd=REPO,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "bad_size" in done.stdout and "big.xml" in done.stdout


def test_image_bomb_without_size_is_named_not_fatal(tmp_path: Path) -> None:
    root = write_voc(tmp_path / "voc", {"good.xml": GOOD,
                                        "bomb.xml": annotation_xml("bomb.png", size=None)},
                     ["good.jpg"])
    png_header(root / "JPEGImages" / "bomb.png", 30000, 30000)
    ds = load_voc(root)
    assert sorted(ds.images["filename"]) == ["bomb.png", "good.jpg"]
    (bomb,) = problems_of(ds, "oversized_image")
    assert bomb.file.endswith("bomb.png") and "too large" in bomb.message


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
def test_fifos_never_block_a_load(tmp_path: Path) -> None:
    root = write_voc(tmp_path / "voc", {"good.xml": GOOD,
                                        "piped.xml": annotation_xml("piped.jpg")}, ["good.jpg"])
    os.mkfifo(root / "Annotations" / "x.xml")
    os.mkfifo(root / "JPEGImages" / "piped.jpg")
    # In a child with a timeout: a FIFO that is opened blocks forever.
    code = ("import sys; from vocgui.core.voc import load_voc; ds = load_voc(sys.argv[1]); "
            "print(sorted(ds.images.filename)); "
            "[print(p.kind, p.file) for p in ds.problems]")
    done = subprocess.run([sys.executable, "-c", code, str(root)], cwd=REPO,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "['good.jpg']"
    assert f"special_file {root / 'Annotations' / 'x.xml'}" in lines
    assert f"special_file {root / 'JPEGImages' / 'piped.jpg'}" in lines
    # The annotation naming the FIFO image is not a row, and says why.
    assert f"special_file {root / 'Annotations' / 'piped.xml'}" in lines


def test_link_to_a_device_is_refused_even_when_links_are_followed(tmp_path: Path) -> None:
    root = write_voc(tmp_path / "voc", {"good.xml": GOOD}, ["good.jpg"])
    (root / "Annotations" / "zero.xml").symlink_to("/dev/zero")
    ds = load_voc(root)
    (link,) = problems_of(ds, "outside_link")
    assert link.file.endswith("zero.xml") and "/dev/zero" in link.message
    followed = load_voc(root, follow_links=True)
    (device,) = problems_of(followed, "special_file")
    assert device.file.endswith("zero.xml") and "character device" in device.message
    assert list(followed.images["filename"]) == ["good.jpg"]


def test_oversized_annotation_file_is_not_read(tmp_path: Path) -> None:
    root = write_voc(tmp_path / "voc", {"good.xml": GOOD}, ["good.jpg"])
    with open(root / "Annotations" / "huge.xml", "wb") as huge:
        huge.write(b"<annotation><filename>")
        huge.truncate(MAX_ANNOTATION_BYTES + 1)  # sparse: costs no disk
    ds = load_voc(root)
    (problem,) = problems_of(ds, "too_large")
    assert problem.file.endswith("huge.xml") and f"{MAX_ANNOTATION_BYTES:,}" in problem.message
    assert list(ds.images["filename"]) == ["good.jpg"]


@BOTH_PARSERS
def test_huge_text_nodes_are_left_out(tmp_path: Path, extra: str) -> None:
    long_name = "n" * 100_000
    text = annotation_xml("long.jpg", [object_xml(long_name), object_xml("cat")]).replace(
        "<folder>", f"{extra}<folder>")
    ds = load_voc(write_voc(tmp_path / "voc", {"long.xml": text}, ["long.jpg"]))
    assert ds.classes == ["cat"] and ds.images["labels"].tolist() == [("cat",)]
    (problem,) = problems_of(ds, "long_text")
    assert problem.file.endswith("long.xml") and "100,000 characters" in problem.message
    assert long_name not in repr(ds.problems)


def test_links_outside_the_dataset_are_reported_and_followed_only_when_allowed(
        tmp_path: Path) -> None:
    outside = write_voc(tmp_path / "elsewhere", {
        "secret.xml": annotation_xml("secret.jpg", [object_xml("secret")])}, ["photo.jpg"])
    root = write_voc(tmp_path / "voc", {
        "good.xml": GOOD, "pic.xml": annotation_xml("pic.jpg", [object_xml("cat")])},
        ["good.jpg"])
    (root / "Annotations" / "linked.xml").symlink_to(outside / "Annotations" / "secret.xml")
    (root / "JPEGImages" / "pic.jpg").symlink_to(outside / "JPEGImages" / "photo.jpg")
    # A link inside the dataset is an ordinary file.
    (root / "Annotations" / "again.xml").symlink_to(root / "Annotations" / "good.xml")

    ds = load_voc(root)
    assert sorted(ds.images["filename"]) == ["good.jpg"]
    assert "secret" not in ds.classes
    links = {Path(p.file).name: p for p in problems_of(ds, "outside_link")}
    assert set(links) == {"linked.xml", "pic.jpg", "pic.xml"}
    assert str(outside / "Annotations" / "secret.xml") in links["linked.xml"].message

    followed = load_voc(root, follow_links=True)
    assert sorted(followed.images["filename"]) == ["good.jpg", "pic.jpg", "secret.jpg"]
    assert {Path(p.file).name for p in problems_of(followed, "outside_link")} == {
        "linked.xml", "pic.jpg"}


def test_truncated_and_lying_images_are_found_at_load(tmp_path: Path) -> None:
    root = write_voc(tmp_path / "voc", {
        name + ".xml": annotation_xml(name + ".jpg", [object_xml("cat")])
        for name in ("good", "cut", "png", "small", "empty")}, ["good.jpg", "small.jpg"])
    images = root / "JPEGImages"
    whole = write_jpeg(tmp_path / "whole.jpg", (100, 80)).read_bytes()
    (images / "cut.jpg").write_bytes(whole[: len(whole) * 2 // 3])
    png_header(images / "png.jpg", 100, 80)
    write_jpeg(images / "small.jpg", (50, 40))  # the XML says 100x80
    (images / "empty.jpg").write_bytes(b"")
    ds = load_voc(root)
    assert len(ds.images) == 5  # rows stay: their labels are known
    found = {(Path(p.file).name, p.kind) for p in ds.problems}
    assert found == {("cut.jpg", "truncated_image"), ("png.jpg", "format_mismatch"),
                     ("small.jpg", "size_mismatch"), ("empty.jpg", "bad_image")}
    (mismatch,) = problems_of(ds, "size_mismatch")
    assert "100x80" in mismatch.message and "50x40" in mismatch.message
    assert all(p.image == Path(p.file).name for p in ds.problems)  # selects the row


def test_scan_names_the_truncated_image(tmp_path: Path) -> None:
    root = write_voc(tmp_path / "voc", {"good.xml": GOOD, "cut.xml": annotation_xml("cut.jpg")},
                     ["good.jpg"])
    whole = write_jpeg(tmp_path / "whole.jpg").read_bytes()
    (root / "JPEGImages" / "cut.jpg").write_bytes(whole[:-200])
    done = subprocess.run([sys.executable, "-m", "vocgui", "scan", str(root)], cwd=REPO,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "truncated_image" in done.stdout and "cut.jpg" in done.stdout


def test_scan_csv_refuses_the_dataset_folder(tmp_path: Path) -> None:
    root = write_voc(tmp_path / "voc", {"good.xml": GOOD}, ["good.jpg"])
    done = subprocess.run([sys.executable, "-m", "vocgui", "scan", str(root), "--csv",
                           str(root / "labels.csv")], cwd=REPO, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 2
    assert "inside the dataset folder" in done.stderr
    assert not (root / "labels.csv").exists()


def _alive(pid: int) -> bool:
    """True while ``pid`` runs (a zombie waiting for a reaper counts as dead)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    return "\nState:\tZ" not in status


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs /proc")
def test_parse_workers_die_with_a_killed_loader(tmp_path: Path) -> None:
    code = ("import os, sys, time\n"
            "from pathlib import Path\n"
            "from vocgui.core.voc.parallel import run_chunks\n"
            "def park(chunk):\n"
            "    Path(chunk[0]).write_text(str(os.getpid()))\n"
            "    time.sleep(120)\n"
            "run_chunks(park, [[sys.argv[1] + '/a'], [sys.argv[1] + '/b']], (), 2)\n")
    loader = subprocess.Popen([sys.executable, "-c", code, str(tmp_path)], cwd=REPO)
    try:
        pid_files = [tmp_path / "a", tmp_path / "b"]
        for _ in range(600):
            if all(f.exists() and f.read_text() for f in pid_files):
                break
            assert loader.poll() is None, "the loader ended early"
            time.sleep(0.05)
        workers = [int(f.read_text()) for f in pid_files]
        assert all(_alive(pid) for pid in workers)
    finally:
        loader.kill()
        loader.wait(timeout=30)
    deadline = time.monotonic() + 10
    while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(_alive(pid) for pid in workers), "parse workers outlived their loader"
