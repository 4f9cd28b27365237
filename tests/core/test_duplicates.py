"""Duplicates: planted near-copies of real VOC images are found, distinct images are not
grouped, a cross-split copy is a leak, and the hash cache follows file changes."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import numpy as np
import pytest
from duplicates_helpers import LEAKING, PLANTED, planted_voc

from vocgui.core.duplicates.leaks import LeakCount, count_leaks, leak_inputs
from vocgui.core.duplicates.report import find_duplicates
from vocgui.core.duplicates.search import hamming_pairs
from vocgui.core.project import Project
from vocgui.core.project.schema import MIGRATIONS


@pytest.fixture(scope="module")
def planted(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    return planted_voc(tmp_path_factory.mktemp("dups"))


@pytest.fixture
def project(planted, tmp_path: Path):
    root, _ = planted
    with Project.create_from_voc(tmp_path / "p.vocgui", root, workers=1) as p:
        yield p


def _stem(project: Project, row: int) -> str:
    return Path(project.images["filename"].iat[row]).stem


def test_planted_copies_are_found_and_distinct_images_are_not_grouped(planted, project):
    _, ids = planted
    report = find_duplicates(project, workers=1)
    groups = {frozenset(_stem(project, r) for r in g.rows) for g in report.groups}
    expected = {frozenset({ids[k], name}) for name, (k, _) in PLANTED.items()}
    assert groups == expected
    exact = [g for g in report.groups if g.exact]
    assert [{_stem(project, r) for r in g.rows} for g in exact] == [{ids[4], "copy_exact"}]
    assert report.errors == {}


def test_a_cross_split_copy_is_a_leak_and_different_labels_a_conflict(planted, project):
    _, ids = planted
    exact_copy = int(np.flatnonzero(project.images["filename"] == "copy_exact.jpg")[0])
    project.set_labels([exact_copy], ["not what the original says"])
    report = find_duplicates(project, workers=1)
    leaks = [{_stem(project, r) for r in g.rows} for g in report.leaks]
    assert leaks == [{ids[5], *LEAKING}]
    assert [_stem(project, r) for r in report.leaked_rows] == list(LEAKING)
    conflicts = [{_stem(project, r) for r in g.rows} for g in report.label_conflicts]
    assert conflicts == [{ids[4], "copy_exact"}]
    assert report.groups[0].leak  # leaks are listed first
    # The leak check before a run reads the cached hashes: the same one leak.
    assert count_leaks(leak_inputs(project, "official")) == LeakCount(1, 0, None)


def test_hashes_are_cached_and_a_changed_file_is_hashed_again(planted, project, tmp_path):
    assert leak_inputs(project, "official") is None  # never hashed yet: nothing to check
    find_duplicates(project, workers=1)
    again = []
    find_duplicates(project, workers=1, progress=lambda done, total: again.append(total))
    assert again == []  # nothing to hash: every file unchanged
    path = project.absolute_path(0)
    data = path.read_bytes()
    try:
        path.write_bytes(data + b"\0")  # same pixels, different bytes, size and mtime
        seen = []
        find_duplicates(project, workers=1, progress=lambda done, total: seen.append(total))
        assert seen and seen[-1] == 1
        assert project.image_hash_cache().size[0] == len(data) + 1
    finally:
        path.write_bytes(data)


def test_a_version_1_project_opens_and_gets_the_hash_table(planted, tmp_path: Path):
    root, _ = planted
    path = tmp_path / "old.vocgui"
    Project.create_from_voc(path, root, workers=1).close()
    with sqlite3.connect(path) as conn:  # what a file written before the cache looks like
        conn.execute("DROP TABLE image_hashes")
        conn.execute("UPDATE meta SET value = '1' WHERE key = 'schema_version'")
    conn.close()
    # The real migration to version 2; the later ones' changes are in the file already
    # (it was written by this vocgui), so they stand in as no-ops here.
    later = [lambda _conn: None] * (len(MIGRATIONS) - 1)
    with Project.open(path, migrations=[MIGRATIONS[0], *later]) as p:
        report = find_duplicates(p, workers=1)
        assert len(report.groups) == len(PLANTED)
    with Project.open(path, read_only=True) as p:
        assert p.image_hash_cache().known.all()


def test_a_read_only_project_finds_duplicates_without_writing(planted, tmp_path: Path):
    root, _ = planted
    path = tmp_path / "p.vocgui"
    Project.create_from_voc(path, root, workers=1).close()
    before = os.stat(path).st_mtime_ns
    with Project.open(path, read_only=True) as p:
        assert len(find_duplicates(p, workers=1).groups) == len(PLANTED)
        assert not p.image_hash_cache().known.any()
    assert os.stat(path).st_mtime_ns == before


@pytest.mark.parametrize("threshold", [0, 3, 7, 10, 15])
def test_multi_index_search_equals_brute_force(threshold: int) -> None:
    rng = np.random.default_rng(threshold)
    base = rng.integers(0, 2**63, 300, dtype=np.int64).view(np.uint64)
    # Near neighbours at every distance: flip a few random bits of random entries.
    flips = rng.integers(0, 64, (300, 12))
    near = base.copy()
    for k in range(300):
        for bit in flips[k, : k % 13]:
            near[k] ^= np.uint64(1) << np.uint64(bit)
    index = np.concatenate([base, near])
    i, j, d = hamming_pairs(base, index, threshold)
    full = np.bitwise_count(base[:, None] ^ index[None, :])
    bi, bj = np.nonzero(full <= threshold)
    assert np.array_equal(i, bi) and np.array_equal(j, bj)
    assert np.array_equal(d, full[bi, bj])
    with pytest.raises(ValueError, match="between 0 and 15"):
        hamming_pairs(base, index, 16)


def test_our_phash_is_imagehash_phash_bit_for_bit() -> None:
    imagehash = pytest.importorskip("imagehash")
    from duplicates_helpers import sample_or_skip
    from PIL import Image

    from vocgui.core.duplicates.hashing import phash_of_thumbnails, thumbnail

    for path in sorted((sample_or_skip() / "JPEGImages").glob("*.jpg"))[:50]:
        with Image.open(path) as image:
            pixels = thumbnail(image, 0.04)
        reference = imagehash.phash(Image.fromarray(pixels.astype(np.uint8)))
        assert phash_of_thumbnails(pixels[None])[0] == int(str(reference), 16), path.name


def test_find_similar_puts_each_planted_copy_first(planted, project):
    from vocgui.core.similar import similar_by_features, similar_by_hash

    _, ids = planted
    find_duplicates(project, workers=1)
    cache = project.image_hash_cache()
    for name, (k, _) in PLANTED.items():
        copy = int(np.flatnonzero(project.images["filename"] == f"{name}.jpg")[0])
        rows, distance = similar_by_hash(cache, copy, 5)
        assert _stem(project, int(rows[0])) == ids[k], name
        assert list(distance) == sorted(distance) and len(rows) == 5
    features = np.random.default_rng(0).normal(size=(len(project.images), 16))
    features[7] = features[3] + 0.001  # a near copy: cosine distance ~0
    rows, distance = similar_by_features(features, 3, 4)
    assert rows[0] == 7 and distance[0] < 1e-3 and 3 not in rows


def test_a_chunk_hashes_each_file_as_alone_around_a_bad_one(tmp_path: Path) -> None:
    from duplicates_helpers import sample_or_skip

    from vocgui.core.duplicates.hashing import hash_chunk, hash_file

    paths = [str(p) for p in sorted((sample_or_skip() / "JPEGImages").glob("*.jpg"))[:6]]
    bad = tmp_path / "bad.jpg"
    bad.write_bytes(b"not a jpeg")
    paths.insert(3, str(bad))
    paths.insert(5, str(tmp_path / "missing.jpg"))
    chunk = hash_chunk(paths)
    assert chunk == [hash_file(p) for p in paths]
    assert chunk[3].phash is None and chunk[3].error.startswith("cannot decode")
    assert chunk[5].content == "" and chunk[5].error.startswith("cannot read")
    assert all(h.phash is not None for k, h in enumerate(chunk) if k not in (3, 5))


def test_the_fast_jpeg_decoder_gives_pillows_draft_pixels(tmp_path: Path) -> None:
    """simplejpeg and Pillow's draft mode see the same luma, so hashes cached by either
    agree; a CMYK JPEG (whose grey is Pillow's conversion) still hashes, through Pillow."""
    import io

    from duplicates_helpers import sample_or_skip
    from PIL import Image

    from vocgui.core.duplicates.hashing import _luma_plane, hash_file

    for path in sorted((sample_or_skip() / "JPEGImages").glob("*.jpg")):
        data = path.read_bytes()
        with Image.open(io.BytesIO(data)) as image:
            image.draft("L", (32, 32))
            assert np.array_equal(np.asarray(_luma_plane(data)), np.asarray(image)), path
    cmyk = tmp_path / "cmyk.jpg"
    Image.new("CMYK", (64, 48), (10, 80, 160, 20)).save(cmyk)
    assert _luma_plane(cmyk.read_bytes()) is None
    assert hash_file(cmyk).phash is not None and hash_file(cmyk).error == ""
