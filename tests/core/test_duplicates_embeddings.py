"""Near-duplicates by embeddings: the exact cosine search against brute force, and planted
copies of real VOC images found through a run's features, merged with the hash groups."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from duplicates_helpers import PLANTED, planted_voc, record_features_run, thumbnail_features

from vocgui.core.duplicates.report import find_duplicates
from vocgui.core.duplicates.search import cosine_pairs
from vocgui.core.project import Project


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
