"""Edits another process committed to a team project, brought into this one's memory
(mixed into :class:`Project`).

:meth:`RemoteEditsMixin.apply_remote` takes a note from :class:`.team_events.TeamListener`
(on the thread that owns the project) and re-reads what the note says changed: the
labels, review, note, labeled state and split of its rows, or, for class edits, added
images or a reconnection, everything. It then emits the ChangeEvents (and RunEvents) a
local edit would, so the table, charts, tag editor and review views follow without a
reload and without knowing where the edit came from.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TypeVar

import numpy as np
import pandas as pd

from vocgui.core.project import reading
from vocgui.core.project.change_events import ChangeEvent, RunEvent
from vocgui.core.project.schema import REVIEW_STATUSES

#: Actions whose note's rows say everything that changed.
ROW_ACTIONS = ("set_labels", "set_label_rows", "set_row_labels", "add_label", "remove_label",
               "set_review", "set_review_rows", "set_splits")
#: Actions about runs: -> the RunEvent kind views refresh on.
RUN_ACTIONS = {"create_run": "run_started", "finish_run": "run_finished",
               "abandon_runs": "run_finished", "save_thresholds": "run_thresholds"}
#: Rows re-read per query (a bulk edit of 10,000 rows is a few queries).
_CHUNK = 2000
_T = TypeVar("_T")
_Edit = TypeVar("_Edit", bound=Callable)


def caught_up(edit: _Edit) -> _Edit:
    """For an edit that works out its change from memory (which images carry a class,
    the class list): on a team project, where memory may be behind other processes'
    last edits (a label just given to a class being merged away would be lost), it runs
    in one transaction that takes the write lock first, catches memory up, then works
    out and writes its change, so no other edit comes in between."""
    @functools.wraps(edit)
    def run(self, *args, **kwargs):
        if not self.may_be_behind():
            return edit(self, *args, **kwargs)
        return self.caught_up_call(edit.__name__, lambda: edit(self, *args, **kwargs))
    return run  # type: ignore[return-value]


class RemoteEditsMixin:
    """apply_remote, catch_up, and the edits that catch up first (see caught_up)."""

    _caught_up_now = False  # inside caught_up_call: memory is the database's

    def apply_remote(self, note: dict) -> None:
        """Bring memory in step with an edit committed by another process (``note``:
        action, edit, rows, who, pid); this project's own edits are skipped."""
        if note.get("pid") is not None and note.get("pid") == getattr(
                self._store, "backend_pid", None):
            return
        action = note.get("action")
        if action in RUN_ACTIONS:
            run = note.get("run")
            if run is None:
                (run,) = self._store.conn.execute(
                    "SELECT COALESCE(MAX(id), 0) FROM runs").fetchone()
            self.run_events.emit(RunEvent(RUN_ACTIONS[action], int(run)))
            return
        self._refresh(note.get("rows") if action in ROW_ACTIONS else None)

    def catch_up(self, rows=None) -> None:
        """On a team project, bring memory in step with the database now, for ``rows``
        (None: everything), with the ChangeEvents of what others changed; nothing on a
        file (one writer: memory is the file). For what must not act on a memory that
        may be behind by the last moment of others' edits: undo (which compares each
        cell with its value now) and adding images (which numbers the new ones)."""
        if self.is_team:
            self._refresh(rows)

    def may_be_behind(self) -> bool:
        """Whether memory may be behind the database now: a team project, outside an
        edit already caught up."""
        return self.is_team and not self._caught_up_now

    def caught_up_call(self, text: str, call: Callable[[], _T]) -> _T:
        """``call()`` in one transaction (:meth:`batch`) that takes the write lock first
        and catches memory up before it."""
        with self.batch(text):
            self._caught_up_now = True
            try:
                self.catch_up()
                return call()
            finally:
                self._caught_up_now = False

    def _refresh(self, rows) -> None:
        """Re-read ``rows`` (None: everything; everything too if the classes changed)."""
        if rows is not None and reading.read_classes(self._store.conn) == self._classes:
            self._refresh_rows(np.unique(np.asarray(rows, dtype=np.int64)))
        else:
            self._reload_all()

    def _reload_all(self) -> None:
        n_before = len(self._images)
        self._read_memory()
        self._problems = None
        if len(self._images) != n_before:
            self.events.emit(ChangeEvent("images", np.arange(n_before, len(self._images)),
                                         tuple(self._images.columns)))
        self.events.emit(ChangeEvent("classes", None, ("labels", "review", "note", "split",
                                                       "labeled"), tuple(self.classes)))
        self.events.emit(ChangeEvent("objects", None, ()))

    def _refresh_rows(self, rows: np.ndarray) -> None:
        rows = rows[(rows >= 0) & (rows < len(self._images))]
        conn = self._store.conn
        matrix = np.zeros((len(rows), len(self._classes.names)), dtype=bool)
        position = {int(r): i for i, r in enumerate(rows)}
        column = dict(zip(self._classes.ids, range(len(self._classes.ids)), strict=True))
        fields: dict[int, tuple] = {}
        for start in range(0, len(rows), _CHUNK):
            part = rows[start:start + _CHUNK].tolist()
            marks = ", ".join("?" * len(part))
            for image_id, class_id in conn.execute(
                    f"SELECT image_id, class_id FROM labels WHERE image_id IN ({marks})", part):
                if class_id in column:
                    matrix[position[image_id], column[class_id]] = True
            for image_id, *values in conn.execute(
                    "SELECT id, review, note, labeled, split FROM images "
                    f"WHERE id IN ({marks})", part):
                fields[image_id] = tuple(values)
        old = self._labels[rows]
        label_rows = rows[(old != matrix).any(axis=1)]
        touched = np.flatnonzero((old != matrix).any(axis=0))
        self._labels[rows] = matrix
        self._refresh_label_cells(label_rows)
        review = np.asarray([REVIEW_STATUSES[fields[r][0]] for r in rows.tolist()], object)
        note = np.asarray([fields[r][1] for r in rows.tolist()], object)
        labeled = np.asarray([bool(fields[r][2]) for r in rows.tolist()], bool)
        split = np.asarray([fields[r][3] for r in rows.tolist()], object)
        images = self._images
        changed = {
            "review": rows[images["review"].to_numpy(object)[rows] != review],
            "note": rows[images["note"].to_numpy(object)[rows] != note],
            "labeled": rows[images["labeled"].to_numpy(bool)[rows] != labeled],
            "split": rows[images["split"].to_numpy(object)[rows] != split],
        }
        for name, values in (("review", review), ("note", note), ("split", split)):
            images.loc[rows, name] = pd.Series(values, index=rows, dtype=str)
        images.loc[rows, "labeled"] = labeled
        if len(label_rows) or len(changed["labeled"]):
            self.events.emit(ChangeEvent(
                "labels", np.union1d(label_rows, changed["labeled"]),
                ("labels", "labeled") if len(changed["labeled"]) else ("labels",),
                tuple(self._classes.names[c] for c in touched)))
        reviewed = np.union1d(changed["review"], changed["note"])
        if len(reviewed):
            self.events.emit(ChangeEvent("review", reviewed, ("review", "note")))
        if len(changed["split"]):
            self.events.emit(ChangeEvent("split", changed["split"], ("split",)))
