"""The agreement sample (mixed into :class:`Project`): images that several annotators
label independently, to measure how far they agree before the labels are trusted.

Each annotator's labels of a sample image are a row of ``agreement_labels`` (schema 5)
keyed by (image, annotator), so annotators never overwrite each other, and apart from the
image's own labels, which stay as they are until a disagreement is *settled*
(:class:`vocgui.core.project.commands.SettleAgreement`, one undoable edit). Class ids are
stored, so a renamed class keeps its independent labels; a deleted class drops out of
them. Adding to and labeling the sample are logged edits but not undoable ones (the
annotator simply labels again).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from vocgui.core.project.labelling import check_rows
from vocgui.core.project.store_base import now_utc
from vocgui.core.project.user import current_user


@dataclass(frozen=True)
class AgreementLabels:
    """Every annotator's independent labels of the sample, as of one read.

    ``rows``: the sample's image ids (sorted); ``settled``: bool per row; ``by_user``:
    annotator -> (rows they labeled, their bool matrix, columns = ``classes``).
    """

    rows: np.ndarray
    settled: np.ndarray
    classes: tuple[str, ...]
    by_user: dict[str, tuple[np.ndarray, np.ndarray]]

    def annotators(self) -> list[str]:
        """Who labeled sample images, most images first (then by name)."""
        return sorted(self.by_user, key=lambda who: (-len(self.by_user[who][0]), who))


class AgreementEditsMixin:
    """add_to_agreement, remove_from_agreement, set_agreement_labels, agreement_labels,
    set_settled."""

    def add_to_agreement(self, n: int, labeled: bool | None = None,
                         seed: int | None = None) -> np.ndarray:
        """Add ``n`` random images not yet in the sample (only labeled ones, only
        unlabeled ones, or any: ``labeled`` True/False/None); returns their ids."""
        if int(n) != n or n < 1:
            raise ValueError(f"the sample size must be a whole number >= 1, not {n!r}")
        present = self._sample_rows()
        pool = np.setdiff1d(np.arange(len(self._images)), present)
        if labeled is not None:
            states = self._images["labeled"].to_numpy(dtype=bool)
            pool = pool[states[pool] == labeled]
        chosen = np.sort(np.random.default_rng(seed).permutation(pool)[:int(n)])
        if len(chosen):
            at, who = now_utc(), current_user()
            with self._store.write("add_to_agreement",
                                   self._detail(sample=chosen.tolist())) as conn:
                conn.executemany(
                    "INSERT INTO agreement_images (image_id, added, added_by) VALUES "
                    "(?, ?, ?) ON CONFLICT (image_id) DO NOTHING",
                    [(r, at, who) for r in chosen.tolist()])
        return chosen

    def remove_from_agreement(self, rows) -> None:
        """Take ``rows`` out of the sample, with every annotator's labels of them."""
        ids = [(r,) for r in check_rows(rows, len(self._images)).tolist()]
        with self._store.write("remove_from_agreement",
                               self._detail(sample=[r for (r,) in ids])) as conn:
            conn.executemany("DELETE FROM agreement_labels WHERE image_id = ?", ids)
            conn.executemany("DELETE FROM agreement_images WHERE image_id = ?", ids)

    def set_agreement_labels(self, row: int, labels: Iterable[str]) -> None:
        """The current user's independent labels of sample image ``row`` (existing class
        names; an empty set means "none of the classes")."""
        names = sorted(set(labels))
        unknown = [n for n in names if n not in self._classes.names]
        if unknown:
            raise KeyError(f"no class named {unknown[0]!r}")
        (row,) = check_rows([row], len(self._images)).tolist()
        if row not in self._sample_rows():
            raise ValueError(f"{self._images['filename'].iat[row]} is not in the "
                             "agreement sample")
        ids = json.dumps(sorted(self._classes.ids[self._classes.index(n)] for n in names))
        with self._store.write("set_agreement_labels",
                               self._detail(sample=[row], labels=names)) as conn:
            conn.execute(
                "INSERT INTO agreement_labels (image_id, who, class_ids, at) "
                "VALUES (?, ?, ?, ?) ON CONFLICT (image_id, who) DO UPDATE "
                "SET class_ids = excluded.class_ids, at = excluded.at",
                (row, current_user(), ids, now_utc()))

    def set_settled(self, rows, settled: Iterable[str]) -> None:
        """Each row's settled mark ('' = not settled, else when); used by settling and
        its undo."""
        rows = check_rows(rows, len(self._images))
        marks = [str(s) for s in settled]
        with self._store.write("set_settled", self._detail(sample=rows.tolist())) as conn:
            conn.executemany("UPDATE agreement_images SET settled = ? WHERE image_id = ?",
                             zip(marks, rows.tolist(), strict=True))

    def settled_marks(self, rows) -> list[str]:
        """The settled mark of each of ``rows`` ('' = not settled, or not in the sample)."""
        marks = dict(self._store.conn.execute(
            "SELECT image_id, settled FROM agreement_images").fetchall()
            if self.has_team_tables else [])
        return [marks.get(int(r), "") for r in rows]

    def agreement_labels(self) -> AgreementLabels:
        """The sample and every annotator's labels of it, read now."""
        conn = self._store.conn
        if not self.has_team_tables:
            return AgreementLabels(np.zeros(0, dtype=np.int64), np.zeros(0, dtype=bool),
                                   tuple(self._classes.names), {})
        sample = conn.execute(
            "SELECT image_id, settled FROM agreement_images ORDER BY image_id").fetchall()
        rows = np.asarray([r for r, _ in sample], dtype=np.int64)
        column = {cid: j for j, cid in enumerate(self._classes.ids)}
        found: dict[str, tuple[list[int], list[np.ndarray]]] = {}
        for row, who, class_ids in conn.execute(
                "SELECT image_id, who, class_ids FROM agreement_labels "
                "ORDER BY who, image_id"):
            vector = np.zeros(len(column), dtype=bool)
            vector[[column[c] for c in json.loads(class_ids) if c in column]] = True
            ids, vectors = found.setdefault(who, ([], []))
            ids.append(row)
            vectors.append(vector)
        by_user = {who: (np.asarray(ids, dtype=np.int64),
                         np.asarray(vectors, dtype=bool).reshape(len(ids), len(column)))
                   for who, (ids, vectors) in found.items()}
        return AgreementLabels(rows, np.asarray([bool(s) for _, s in sample], dtype=bool),
                               tuple(self._classes.names), by_user)

    def _sample_rows(self) -> np.ndarray:
        return np.asarray([r for (r,) in self._store.conn.execute(
            "SELECT image_id FROM agreement_images")] if self.has_team_tables else [],
            dtype=np.int64)
