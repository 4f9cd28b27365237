"""Who last changed each image's labels or review: the ``image_edits`` table (schema 5).

Kept in the transaction of every label and review edit, class merge or delete (for the
images it relabels) and their undo, so it always agrees with the edit log; read on
demand (the table filter, ``vocgui claim --status``), never held in memory.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

from vocgui.core.project.schema import IMAGE_EDIT_ACTIONS
from vocgui.core.project.store_base import now_utc
from vocgui.core.project.user import current_user


def record_editor(conn, rows: np.ndarray) -> None:
    """Inside a write: the current user edited ``rows`` now."""
    if len(rows):
        who, at = current_user(), now_utc()
        conn.executemany(
            "INSERT INTO image_edits (image_id, who, at) VALUES (?, ?, ?) "
            "ON CONFLICT (image_id) DO UPDATE SET who = excluded.who, at = excluded.at",
            [(int(r), who, at) for r in rows])


def read_editors(conn, n_images: int) -> pd.Series:
    """Who last edited each image (index = image id; '' where nobody has)."""
    who = np.full(n_images, "", dtype=object)
    for row, name in conn.execute("SELECT image_id, who FROM image_edits"):
        if 0 <= row < n_images:
            who[row] = name
    return pd.Series(who, dtype=object, name="last_editor")


def last_log_id(conn) -> int:
    """The id of the newest edit-log entry (0 for none): where "since" starts."""
    return conn.execute("SELECT COALESCE(MAX(id), 0) FROM edit_log").fetchone()[0]


def editors_since(conn, log_id: int, rows, other_than: str | None = None) -> dict[int, str]:
    """Who, of the label and review edits logged after entry ``log_id`` by users other
    than ``other_than``, last touched each of ``rows`` (rows nobody touched are left
    out)."""
    wanted = {int(r) for r in rows}
    marks = ", ".join("?" * len(IMAGE_EDIT_ACTIONS))
    found: dict[int, str] = {}
    for who, detail in conn.execute(
            f"SELECT who, detail FROM edit_log WHERE id > ? AND action IN ({marks}) "
            "AND who != ? ORDER BY id", (log_id, *IMAGE_EDIT_ACTIONS, other_than or "")):
        for row in json.loads(detail).get("rows", []):
            if row in wanted:
                found[row] = who
    return found
