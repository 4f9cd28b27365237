"""Claims (mixed into :class:`Project`): an annotator takes the next unlabeled images so
that two annotators do not label the same ones.

A claim is a row of ``claims`` (schema 5): image, who, when, and when it expires. Taking
images is ONE statement, ``INSERT ... SELECT ... ON CONFLICT DO UPDATE ... WHERE expired
... RETURNING``, so two annotators claiming at the same moment never get the same image
(SQLite serialises the writes; on PostgreSQL the second insert of a row waits for the
first and then finds it no longer expired). Claims are coordination, not edits of the
data: they are not in the edit log and need no undo; they lapse by themselves.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import pandas as pd

from vocgui.core.project.labelling import check_rows
from vocgui.core.project.user import current_user

#: How long a claim lasts unless the claimer says otherwise, and the longest it can.
DEFAULT_CLAIM_HOURS = 4.0
MAX_CLAIM_HOURS = 24.0 * 365

_CLAIM = """
INSERT INTO claims (image_id, who, claimed, expires)
SELECT id, ?, ?, ? FROM images
WHERE labeled = 0 AND id NOT IN (SELECT image_id FROM claims WHERE expires > ?)
ORDER BY id LIMIT ?
ON CONFLICT (image_id) DO UPDATE
SET who = excluded.who, claimed = excluded.claimed, expires = excluded.expires
WHERE claims.expires <= excluded.claimed
RETURNING image_id
"""


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="milliseconds")


class ClaimsMixin:
    """claim_next, release_claims, claims, claimed_rows."""

    def claim_next(self, n: int, hours: float = DEFAULT_CLAIM_HOURS) -> np.ndarray:
        """Claim up to ``n`` unlabeled images nobody holds a live claim on, lowest ids
        first, for ``hours``; returns their ids (fewer when fewer are free)."""
        if int(n) != n or n < 1:
            raise ValueError(f"the number of images to claim must be a whole number >= 1, "
                             f"not {n!r}")
        if not 0 < hours <= MAX_CLAIM_HOURS:
            raise ValueError(f"a claim lasts more than 0 and at most {MAX_CLAIM_HOURS:g} "
                             f"hours, not {hours!r}")
        now = datetime.now(UTC)
        claimed, expires = _iso(now), _iso(now + timedelta(hours=hours))
        got: list[int] = []
        with self._store.write("claim", None) as conn:
            # On PostgreSQL an image taken by a concurrent claimer is skipped, not
            # returned: ask again for the rest (a new statement sees that claim).
            for _ in range(3):
                rows = conn.execute(_CLAIM, (current_user(), claimed, expires, claimed,
                                             int(n) - len(got))).fetchall()
                got.extend(r[0] for r in rows)
                if not rows or len(got) >= n:
                    break
        return np.sort(np.asarray(got, dtype=np.int64))

    def release_claims(self, rows=None) -> int:
        """Release the current user's claims on ``rows`` (None: all of them); returns how
        many were released. Other users' claims are never touched."""
        who = current_user()
        with self._store.write("release_claims", None) as conn:
            if rows is None:
                gone = conn.execute("DELETE FROM claims WHERE who = ? RETURNING image_id",
                                    (who,)).fetchall()
            else:
                ids = check_rows(rows, len(self._images)).tolist()
                gone = []
                for row in ids:
                    gone += conn.execute(
                        "DELETE FROM claims WHERE who = ? AND image_id = ? RETURNING image_id",
                        (who, row)).fetchall()
        return len(gone)

    def claims(self) -> pd.DataFrame:
        """The live claims (expired ones left out): row, who, claimed, expires, by row."""
        records = self._store.conn.execute(
            "SELECT image_id, who, claimed, expires FROM claims WHERE expires > ? "
            "ORDER BY image_id", (_iso(datetime.now(UTC)),)).fetchall() \
            if self.has_team_tables else []
        return pd.DataFrame({
            "row": np.asarray([r[0] for r in records], dtype=np.int64),
            "who": pd.Series([r[1] for r in records], dtype=object),
            "claimed": pd.to_datetime([r[2] for r in records], utc=True, format="ISO8601"),
            "expires": pd.to_datetime([r[3] for r in records], utc=True, format="ISO8601"),
        })

    def claims_first(self, queue: np.ndarray) -> np.ndarray:
        """``queue`` (a "Label next" queue) with the current user's claimed images first
        and other users' claimed images left out (:func:`claims_first`; one read)."""
        live = self.claims()
        mine = (live["who"] == current_user()).to_numpy(dtype=bool)
        rows = live["row"].to_numpy()
        return claims_first(queue, rows[mine], rows[~mine])

    def claimed_rows(self, whose: str = "mine") -> np.ndarray:
        """Ids of the images with a live claim: 'mine' (the current user's), 'others'
        (anyone else's), or 'none' (no live claim at all)."""
        live = self.claims()
        mine = (live["who"] == current_user()).to_numpy(dtype=bool)
        if whose == "mine":
            return live["row"].to_numpy()[mine]
        if whose == "others":
            return live["row"].to_numpy()[~mine]
        if whose == "none":
            return np.setdiff1d(np.arange(len(self._images)), live["row"].to_numpy())
        raise ValueError(f"whose claims: 'mine', 'others' or 'none', not {whose!r}")


def claims_first(queue: np.ndarray, mine: np.ndarray, others: np.ndarray) -> np.ndarray:
    """A "Label next" queue (image ids, best first) that prefers the current user's
    claimed images (in the queue's order), then unclaimed ones; images someone else
    claimed are left out."""
    queue = np.asarray(queue, dtype=np.int64)
    queue = queue[~np.isin(queue, others)]
    claimed = np.isin(queue, mine)
    return np.concatenate([queue[claimed], queue[~claimed]])
