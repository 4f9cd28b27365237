"""Edits of image splits (mixed into :class:`Project`): move images between train, val and
test, or exclude them from training, e.g. to resolve duplicates that leak across splits.

The split is one of :data:`SPLITS`. 'excluded' images stay in the project (and in the
table) but :meth:`Project.snapshot` leaves them out, so no run trains or validates on
them. The split is stored twice, in the images table and in the static-columns blob that
reopening reads (:mod:`.image_columns`, with its checksum); an edit rewrites all of them
in its one transaction (on a team project from the table, which other users' split edits
may have changed since this process read it).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from vocgui.core.project.change_events import ChangeEvent
from vocgui.core.project.image_columns import checksum, encode_static_columns
from vocgui.core.project.labelling import check_rows, set_cells

#: Every split an image can be in ('' = none given by the dataset).
SPLITS = ("train", "val", "test", "", "excluded")


class SplitEditsMixin:
    """set_splits."""

    def set_splits(self, rows, splits: Sequence[str]) -> None:
        """Give each row in ``rows`` its own split from ``splits`` (one per row)."""
        rows = check_rows(rows, len(self._images))
        splits = [str(s) for s in splits]
        if len(splits) != len(rows):
            raise ValueError(f"{len(splits)} splits for {len(rows)} rows")
        bad = sorted(set(splits) - set(SPLITS))
        if bad:
            raise ValueError(f"unknown split {bad[0]!r}; use one of {SPLITS}")
        after = self._images.copy()
        after.loc[rows, "split"] = pd.Series(splits, index=rows, dtype=object)
        detail = self._detail(rows=rows.tolist(), splits=sorted(set(splits)))
        with self._store.write("set_splits", detail) as conn:
            conn.executemany("UPDATE images SET split = ? WHERE id = ?",
                             zip(splits, rows.tolist(), strict=True))
            if self.is_team:  # others may have moved images since memory was read: the
                # blob takes every split from the table, inside this (locked) write
                after["split"] = [s for (s,) in conn.execute(
                    "SELECT split FROM images ORDER BY id")]
            blob = encode_static_columns(after)
            conn.execute("UPDATE image_columns SET data = ? WHERE id = 0", (blob,))
            conn.execute("UPDATE meta SET value = ? WHERE key = 'image_columns_sha256'",
                         (checksum(blob),))
        set_cells(self._images, rows, "split", splits)
        self.events.emit(ChangeEvent("split", np.sort(rows), ("split",)))
