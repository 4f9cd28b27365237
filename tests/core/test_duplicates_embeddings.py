"""Near-duplicates by embeddings: the exact cosine search against brute force, planted
copies of real VOC images found through a run's features, merged with the hash groups,
and the leak check before a run counting a copy only features find (never from pairs
cached for other features)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from duplicates_helpers import (
    LEAKING,
    PLANTED,
    colour_histograms,
    plant_feature_only_leak,
    planted_voc,
    record_features_run,
    thumbnail_features,
)

from vocgui.core.atomic import save_npy_atomically
from vocgui.core.duplicates.feature_pairs import pairs_path
from vocgui.core.duplicates.leaks import LeakCount, count_leaks, leak_inputs, leak_warning
from vocgui.core.duplicates.report import find_duplicates
from vocgui.core.duplicates.search import cosine_pairs
from vocgui.core.embedding_map import features_path
from vocgui.core.project import Project
from vocgui.core.voc import load_voc


def _brute_force(x: np.ndarray, s: float) -> set[tuple[int, int]]:
    """Pairs at cosine >= s of the features centred on the mean of the rows that have
    some (rows of zeros stay zero and pair with nothing)."""
    x = x.astype(np.float64)
    present = x.any(axis=1)
    x[present] -= x[present].mean(axis=0)
    unit = x / np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-12)
    i, j = np.nonzero(np.triu(unit @ unit.T >= s, 1))
    return set(zip(i.tolist(), j.tolist(), strict=True))


@pytest.mark.parametrize("kind", ["isotropic", "low_rank", "few_dims"])
def test_cosine_search_equals_brute_force(kind: str) -> None:
    rng = np.random.default_rng(len(kind))
    if kind == "low_rank":  # as pooled CNN features: the candidate bound prunes
        x = np.maximum(rng.normal(size=(400, 24)) @ rng.normal(size=(24, 200)), 0)
        x += 0.1 * rng.normal(size=x.shape)
    else:  # isotropic: the bound prunes nothing and blocks fall back to exact products
        x = rng.normal(size=(300, 200 if kind == "isotropic" else 6))
    x[7] = x[3] + 0.01 * rng.normal(size=x.shape[1])  # planted near copies
    x[9] = x[3]
    x[11] = 0  # an image without features pairs with nothing
    for s in (0.3, 0.9, 0.999):
        i, j, sim = cosine_pairs(x.astype(np.float16), s, block=128)
        assert set(zip(i.tolist(), j.tolist(), strict=True)) == _brute_force(
            x.astype(np.float16), s), s
        assert np.all(sim >= s) and np.all(i < j)
        assert not ({11} & (set(i.tolist()) | set(j.tolist())))


@pytest.fixture(scope="module")
def planted(tmp_path_factory: pytest.TempPathFactory):
    return planted_voc(tmp_path_factory.mktemp("dups"))


def test_planted_copies_are_found_by_embeddings_in_the_same_groups(planted, tmp_path: Path):
    root, ids = planted
    with Project.create_from_voc(tmp_path / "p.vocgui", root, workers=1) as p:
        stems = [Path(f).stem for f in p.images["filename"]]
        # Hashes alone at distance 0 miss the resized and the cropped copies.
        hashes_only = find_duplicates(p, threshold=0, workers=1)
        assert hashes_only.features_run is None
        assert len(hashes_only.groups) == len(PLANTED) - 2
        assert not any("copy_cropped" in {stems[r] for r in g.rows}
                       for g in hashes_only.groups)
        run = record_features_run(p, thumbnail_features(p.absolute_paths()))
        report = find_duplicates(p, threshold=0, workers=1, min_similarity=0.95)
        assert report.features_run == run and report.min_similarity == 0.95
        groups = {frozenset(stems[r] for r in g.rows): g for g in report.groups}
        assert set(groups) == {frozenset({ids[k], name}) for name, (k, _) in PLANTED.items()}
        exact = groups[frozenset({ids[4], "copy_exact"})]
        assert exact.methods == ("exact", "hash", "embedding") and exact.distance == 0
        cropped = groups[frozenset({ids[2], "copy_cropped"})]
        assert cropped.methods == ("embedding",) and cropped.distance is None
        assert 0.95 <= cropped.similarity < 1
        assert cropped.how_found == f"near copies (features: cosine {cropped.similarity:.3f})"
        assert [{stems[r] for r in g.rows} for g in report.leaks] == [{ids[5], "copy_leak"}]
        # With hashes as well, each group says both methods found it.
        both = find_duplicates(p, workers=1, min_similarity=0.95)
        assert all("hash" in g.methods and "embedding" in g.methods for g in both.groups)
        assert len(both.groups) == len(PLANTED)
        assert find_duplicates(p, workers=1, min_similarity=None).features_run is None


def _leaks(project: Project) -> LeakCount:
    return count_leaks(leak_inputs(project, "official"))


def test_the_leak_check_counts_a_copy_only_features_find_from_fresh_pairs_only(
        tmp_path: Path):
    root, ids = planted_voc(tmp_path / "data")
    name = plant_feature_only_leak(root, ids)
    with Project.create_from_voc(tmp_path / "p.vocgui", root, workers=1) as p:
        find_duplicates(p, workers=1)  # hashes cached: only the hashes' leak is known
        assert _leaks(p) == LeakCount(1, 0, None)
        run = record_features_run(p, colour_histograms(p.absolute_paths()))
        assert _leaks(p) == LeakCount(1, 1, run)
        assert leak_warning(p, "official").startswith(
            "2 validation or test images have near-copies on another side of the split: "
            f"1 by hash, 1 by image features (run {run}). ")
        # The search's pairs are kept; the next check reads them instead of searching.
        cache = pairs_path(p.path, run)
        written = cache.stat().st_mtime_ns
        assert _leaks(p) == LeakCount(1, 1, run) and cache.stat().st_mtime_ns == written
        # Duplicates at a lower similarity keeps a wider search, which answers 0.99 too.
        assert len(find_duplicates(p, workers=1, min_similarity=0.95).leaks) == 2
        assert _leaks(p) == LeakCount(1, 1, run)

        # The run re-scored (other features in the same file): its cached pairs are stale.
        save_npy_atomically(features_path(p.path, run), thumbnail_features(p.absolute_paths()))
        assert _leaks(p) == LeakCount(1, 0, run)
        save_npy_atomically(features_path(p.path, run), colour_histograms(p.absolute_paths()))
        assert _leaks(p) == LeakCount(1, 1, run)
        # Images added: the run's features no longer cover the project.
        extra = tmp_path / "extra"
        extra.mkdir()
        (extra / "new.jpg").write_bytes((root / "JPEGImages" / f"{ids[0]}.jpg").read_bytes())
        p.add_images(load_voc(extra))
        assert _leaks(p) == LeakCount(1, 0, None)

        # Both copies moved to 'train': nothing leaks, nothing to warn about.
        stems = [Path(f).stem for f in p.images["filename"]]
        copies = [stems.index(c) for c in (*LEAKING, name)]
        p.set_splits(copies, ["train"] * len(copies))
        assert leak_warning(p, "official") is None
