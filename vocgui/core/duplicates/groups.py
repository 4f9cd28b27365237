"""Duplicate groups from image hashes and embeddings, with what they mean for the labels
and the splits.

A group is a connected set of images linked by exact copies (same content hash), near
copies (pHash within ``threshold`` bits, full image or its centre; see :mod:`.hashing`)
or, when a run saved features, images whose embeddings have a cosine similarity of at
least the search's (:mod:`.feature_pairs`); each group says which of these methods
linked it. A group whose images carry different labels is a likely label error (the same
picture cannot be both "dog" and "cat, dog"). A group spread over 'train' and 'val', or
over 'test' and any other split, is a leak: the model is scored on near-copies of what it
trained on."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from vocgui.core.duplicates.feature_pairs import FeaturePairs
from vocgui.core.duplicates.search import hamming_pairs
from vocgui.core.duplicates.thresholds import DEFAULT_THRESHOLD

#: What can link two images, in the order groups list them: the same bytes, close
#: perceptual hashes, close embeddings.
METHODS = ("exact", "hash", "embedding")


@dataclass(frozen=True)
class ImageHashes:
    """Hashes of every image, row = image id. ``valid`` is False where the file could not
    be decoded (its pHashes are then meaningless); ``content`` is '' where unreadable."""

    content: np.ndarray   # object array of hex strings
    phash: np.ndarray     # uint64, whole image
    phash_inset: np.ndarray  # uint64, the centre (see hashing.INSET)
    valid: np.ndarray     # bool


@dataclass(frozen=True)
class DuplicateGroup:
    """One group of duplicates. ``rows`` are image ids (sorted); ``exact`` is True when
    every image in it has the same bytes; ``methods`` are the :data:`METHODS` whose links
    made it; ``distance`` is the largest pHash distance of its hash links (0 for exact
    copies only, None when only embeddings link it); ``similarity`` the smallest cosine
    similarity of its embedding links (None without any)."""

    rows: tuple[int, ...]
    exact: bool
    distance: int | None
    labels: tuple[tuple[str, ...], ...]
    splits: tuple[str, ...]
    methods: tuple[str, ...] = ("exact",)
    similarity: float | None = None

    @property
    def label_conflict(self) -> bool:
        """The copies carry different labels: one of them is probably wrong."""
        return len(set(self.labels)) > 1

    @property
    def leak(self) -> bool:
        """The copies sit on both sides of an evaluation: train and val, or test and
        anything else."""
        return is_leak(self.splits)

    @property
    def how_found(self) -> str:
        """What links the group, in words: "exact copies", "near copies (hash: 6 bits)",
        "near copies (features: cosine 0.97)" or both of the latter."""
        if self.exact:
            return "exact copies"
        found = []
        if self.distance is not None:
            found.append(f"hash: {self.distance} bits")
        if self.similarity is not None:
            found.append(f"features: cosine {self.similarity:.3f}")
        return f"near copies ({'; '.join(found)})"

    def to_dict(self) -> dict:
        """Plain JSON-able form (what ``vocgui duplicates --json`` prints)."""
        return {"rows": list(self.rows), "exact": self.exact, "methods": list(self.methods),
                "distance": self.distance, "similarity": self.similarity,
                "labels": [list(t) for t in self.labels], "splits": list(self.splits),
                "label_conflict": self.label_conflict, "leak": self.leak}


def is_leak(splits: Sequence[str]) -> bool:
    """True for a set of splits over which copies leak evaluation data (images excluded
    from training do not count)."""
    present = set(splits) - {"excluded"}
    return {"train", "val"} <= present or ("test" in present and len(present) > 1)


def near_pairs(hashes: ImageHashes, threshold: int = DEFAULT_THRESHOLD
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(i, j, distance) with i < j for every near pair of decodable images.

    Each image's whole-image hash is compared with the others' whole and centre hashes, so
    a copy cropped by a few percent on each side (whose whole image is the original's
    centre) is still found.
    """
    rows = np.flatnonzero(hashes.valid)
    n = len(rows)
    full, inset = hashes.phash[rows], hashes.phash_inset[rows]
    i, j, d = hamming_pairs(full, np.concatenate([full, inset]), threshold)
    j = j % n  # a hit in the centre half is the same image
    lo, hi = np.minimum(i, j), np.maximum(i, j)
    keep = lo != hi
    lo, hi, d = lo[keep], hi[keep], d[keep]
    # The same pair can be found whole-whole and whole-centre: keep its smallest distance.
    order = np.lexsort((d, hi, lo))
    lo, hi, d = lo[order], hi[order], d[order]
    first = np.r_[True, (lo[1:] != lo[:-1]) | (hi[1:] != hi[:-1])] if len(lo) else lo
    return rows[lo[first]], rows[hi[first]], d[first]


def exact_pairs(hashes: ImageHashes) -> tuple[np.ndarray, np.ndarray]:
    """(i, j) linking each image to the first earlier image with the same bytes."""
    readable = np.flatnonzero(hashes.content != "")
    _, first, inverse = np.unique(hashes.content[readable], return_index=True,
                                  return_inverse=True)
    i = readable[first[inverse]]
    j = readable
    keep = i != j
    return i[keep], j[keep]


@dataclass(frozen=True)
class Links:
    """Pairs of linked images (i, j), each with the index in :data:`METHODS` of what linked
    it and its ``value``: the pHash distance of a hash link (0 for an exact copy), the
    cosine similarity of an embedding link."""

    i: np.ndarray
    j: np.ndarray
    method: np.ndarray
    value: np.ndarray

    def without(self, method: str) -> Links:
        """The links that ``method`` did not make."""
        keep = self.method != METHODS.index(method)
        return Links(self.i[keep], self.j[keep], self.method[keep], self.value[keep])


def duplicate_links(hashes: ImageHashes, threshold: int = DEFAULT_THRESHOLD,
                    feature_pairs: FeaturePairs | None = None) -> Links:
    """Every exact and near pair of the hashes, plus ``feature_pairs`` (a run's embedding
    pairs, :mod:`.feature_pairs`) when given."""
    ei, ej = exact_pairs(hashes)
    ni, nj, nd = near_pairs(hashes, threshold)
    # Images with all-zero features (files a scoring pass could not decode) pair with
    # nothing: their cosine with anything is 0.
    pairs = feature_pairs or FeaturePairs.none()
    return Links(
        i=np.concatenate([ei, ni, pairs.i]).astype(np.int64),
        j=np.concatenate([ej, nj, pairs.j]).astype(np.int64),
        method=np.repeat(np.arange(len(METHODS)), [len(ei), len(ni), len(pairs.i)]),
        value=np.concatenate([np.zeros(len(ei)), nd, pairs.similarity]).astype(np.float64))


def groups_from_links(links: Links, content: np.ndarray, labels: Sequence[tuple[str, ...]],
                      splits: Sequence[str]) -> list[DuplicateGroup]:
    """The connected groups (two images or more) of ``links`` among ``len(content)``
    images (``content``: their content hashes), leaks and label conflicts first, then
    larger groups first."""
    n = len(content)
    graph = coo_matrix((np.ones(len(links.i)), (links.i, links.j)), shape=(n, n))
    n_components, component = connected_components(graph, directed=False)
    edge_group = component[links.i]
    found = np.zeros((n_components, len(METHODS)), dtype=bool)
    found[edge_group, links.method] = True
    by_features = links.method == METHODS.index("embedding")
    worst = np.full(n_components, -1, dtype=np.int64)  # -1: no hash link
    np.maximum.at(worst, edge_group[~by_features], links.value[~by_features].astype(np.int64))
    least = np.full(n_components, np.inf)
    np.minimum.at(least, edge_group[by_features], links.value[by_features])
    order = np.argsort(component, kind="stable")
    bounds = np.flatnonzero(np.diff(component[order])) + 1
    groups = []
    for members in np.split(order, bounds):
        if len(members) < 2:
            continue
        rows = tuple(int(r) for r in np.sort(members))
        k = component[rows[0]]
        groups.append(DuplicateGroup(
            rows=rows, exact=len({content[r] for r in rows}) == 1,
            distance=int(worst[k]) if worst[k] >= 0 else None,
            labels=tuple(tuple(labels[r]) for r in rows),
            splits=tuple(str(splits[r]) for r in rows),
            methods=tuple(m for m, f in zip(METHODS, found[k], strict=True) if f),
            similarity=round(float(least[k]), 4) if np.isfinite(least[k]) else None))
    groups.sort(key=lambda g: (not g.leak, not g.label_conflict, -len(g.rows), g.rows))
    return groups


def find_groups(hashes: ImageHashes, labels: Sequence[tuple[str, ...]],
                splits: Sequence[str], threshold: int = DEFAULT_THRESHOLD,
                feature_pairs: FeaturePairs | None = None) -> list[DuplicateGroup]:
    """Every duplicate group of the hashes at ``threshold`` and, with ``feature_pairs``,
    of a run's embeddings too (in the same groups); see :func:`groups_from_links`."""
    return groups_from_links(duplicate_links(hashes, threshold, feature_pairs),
                             hashes.content, labels, splits)


def leaked_rows(groups: Sequence[DuplicateGroup]) -> np.ndarray:
    """Image ids in 'val' or 'test' that have a copy on another side (sorted)."""
    rows = [r for g in groups if g.leak
            for r, s in zip(g.rows, g.splits, strict=True) if s in ("val", "test")]
    return np.asarray(sorted(set(rows)), dtype=np.int64)
