"""Duplicate groups from image hashes, with what they mean for the labels and the splits.

A group is a connected set of images linked by exact copies (same content hash) or near
copies (pHash within ``threshold`` bits, full image or its centre; see
:mod:`.hashing`). A group whose images carry different labels is a likely label error
(the same picture cannot be both "dog" and "cat, dog"). A group spread over 'train' and
'val', or over 'test' and any other split, is a leak: the model is scored on near-copies
of what it trained on.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from vocgui.core.duplicates.search import hamming_pairs
from vocgui.core.duplicates.thresholds import DEFAULT_THRESHOLD


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
    every image in it has the same bytes; ``distance`` is the largest pHash distance of
    the links that made it (0 for exact copies)."""

    rows: tuple[int, ...]
    exact: bool
    distance: int
    labels: tuple[tuple[str, ...], ...]
    splits: tuple[str, ...]

    @property
    def label_conflict(self) -> bool:
        """The copies carry different labels: one of them is probably wrong."""
        return len(set(self.labels)) > 1

    @property
    def leak(self) -> bool:
        """The copies sit on both sides of an evaluation: train and val, or test and
        anything else."""
        return is_leak(self.splits)

    def to_dict(self) -> dict:
        """Plain JSON-able form (what ``vocgui duplicates --json`` prints)."""
        return {"rows": list(self.rows), "exact": self.exact, "distance": self.distance,
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


def find_groups(hashes: ImageHashes, labels: Sequence[tuple[str, ...]],
                splits: Sequence[str], threshold: int = DEFAULT_THRESHOLD
                ) -> list[DuplicateGroup]:
    """Every duplicate group (two images or more), leaks and label conflicts first, then
    larger groups first."""
    n = len(hashes.content)
    ei, ej = exact_pairs(hashes)
    ni, nj, nd = near_pairs(hashes, threshold)
    i = np.concatenate([ei, ni])
    j = np.concatenate([ej, nj])
    d = np.concatenate([np.zeros(len(ei), dtype=np.int64), nd])
    graph = coo_matrix((np.ones(len(i)), (i, j)), shape=(n, n))
    n_components, component = connected_components(graph, directed=False)
    worst = np.zeros(n_components, dtype=np.int64)
    np.maximum.at(worst, component[i], d)
    order = np.argsort(component, kind="stable")
    bounds = np.flatnonzero(np.diff(component[order])) + 1
    groups = []
    for members in np.split(order, bounds):
        if len(members) < 2:
            continue
        rows = tuple(int(r) for r in np.sort(members))
        groups.append(DuplicateGroup(
            rows=rows, exact=len({hashes.content[r] for r in rows}) == 1,
            distance=int(worst[component[rows[0]]]),
            labels=tuple(tuple(labels[r]) for r in rows),
            splits=tuple(str(splits[r]) for r in rows)))
    groups.sort(key=lambda g: (not g.leak, not g.label_conflict, -len(g.rows), g.rows))
    return groups


def leaked_rows(groups: Sequence[DuplicateGroup]) -> np.ndarray:
    """Image ids in 'val' or 'test' that have a copy on another side (sorted)."""
    rows = [r for g in groups if g.leak
            for r, s in zip(g.rows, g.splits, strict=True) if s in ("val", "test")]
    return np.asarray(sorted(set(rows)), dtype=np.int64)
