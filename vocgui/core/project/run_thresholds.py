"""Decision thresholds saved with a run (mixed into :class:`Project`): what the Review
tab's "Save thresholds" keeps, and what the run's suggestions then use.

They are kept by class name, one row of ``run_thresholds`` per run (schema 6), so they
survive class reorders, and a class renamed since simply has none. Saving is an edit:
logged, one transaction, on a file or on a server alike; :class:`.commands.SaveThresholds`
makes it undoable.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping

from vocgui.core.project.change_events import RunEvent
from vocgui.core.project.schema import RUN_THRESHOLDS_SCHEMA_VERSION, stored_version
from vocgui.core.project.store_base import now_utc
from vocgui.core.project.user import current_user


def checked_thresholds(thresholds: Mapping[str, float]) -> dict[str, float]:
    """``thresholds`` as plain floats by class name; ValueError names a value outside
    [0, 1] (or not a number) and an empty mapping."""
    out: dict[str, float] = {}
    for name, value in thresholds.items():
        number = float(value)
        if not (math.isfinite(number) and 0.0 <= number <= 1.0):
            raise ValueError(f"the threshold of {name!r} must be in [0, 1], got {value!r}")
        out[str(name)] = number
    if not out:
        raise ValueError("no class thresholds to save")
    return out


class RunThresholdsMixin:
    """save_thresholds, saved_thresholds."""

    def save_thresholds(self, run_id: int, thresholds: Mapping[str, float] | None) -> None:
        """Keep ``thresholds`` (class name -> threshold) with run ``run_id`` for its
        suggestions, replacing any saved before; None removes them (the suggestions go
        back to tuned thresholds)."""
        self._run_row(run_id)
        values = None if thresholds is None else checked_thresholds(thresholds)
        detail = self._detail(run=int(run_id), thresholds=values)
        with self._store.write("save_thresholds", detail) as conn:
            if values is None:
                conn.execute("DELETE FROM run_thresholds WHERE run_id = ?", (int(run_id),))
            else:
                conn.execute("INSERT OR REPLACE INTO run_thresholds VALUES (?, ?, ?, ?)",
                             (int(run_id), json.dumps(values, ensure_ascii=False),
                              now_utc(), current_user()))
        self.run_events.emit(RunEvent("run_thresholds", int(run_id)))

    def saved_thresholds(self, run_id: int) -> dict[str, float] | None:
        """The thresholds saved with run ``run_id`` (class name -> threshold), or None."""
        conn = self._store.conn
        # A file opened read-only is never migrated: before schema 6 there are none.
        if stored_version(conn) < RUN_THRESHOLDS_SCHEMA_VERSION:
            return None
        found = conn.execute("SELECT thresholds FROM run_thresholds WHERE run_id = ?",
                             (int(run_id),)).fetchone()
        return None if found is None else {str(k): float(v)
                                           for k, v in json.loads(found[0]).items()}
