"""Edits of image labels and review status (mixed into :class:`Project`).

Label writes are diffs: only the (image, class) pairs that change are inserted or deleted,
so adding a label to 10,000 images is 10,000 primary-key inserts in one transaction.

Labeled state: an image is *unlabeled* until an annotator gives it a label set (set,
import, add a label) or marks it reviewed; then it is labeled, also with no class
present. Removing a label never changes the state (an unlabeled image has none). The
state changes in the same transaction as the edit, and undo puts it back.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np

from vocgui.core.project.change_events import ChangeEvent
from vocgui.core.project.image_editors import record_editor
from vocgui.core.project.labelling import (
    check_class_name,
    check_label_set,
    check_rows,
    label_tuples,
    next_color,
    set_cells,
    widen,
)
from vocgui.core.project.schema import REVIEW_STATUSES


class LabelEditsMixin:
    """set_labels, set_label_rows, set_row_labels, add_label, remove_label, set_review."""

    def set_labels(self, rows, labels: Iterable[str]) -> None:
        """Give every row in ``rows`` exactly ``labels`` (new class names are created);
        the rows become labeled."""
        names = check_label_set(labels)
        rows = check_rows(rows, len(self._images))
        new_classes = [n for n in names if n not in self._classes.names]
        if new_classes and self.may_be_behind():  # another app may have made them
            return self.caught_up_call("set_labels", lambda: self.set_labels(rows, names))
        all_names = self._classes.names + new_classes
        matrix = np.zeros((len(rows), len(all_names)), dtype=bool)
        matrix[:, [all_names.index(n) for n in names]] = True
        self._commit_labels(rows, matrix, new_classes, "set_labels",
                            self._detail(rows=rows.tolist(), labels=names),
                            np.ones(len(rows), bool))

    def set_label_rows(self, rows, matrix: np.ndarray, labeled=None) -> None:
        """Set each row's labels from a bool matrix (len(rows), n_classes), class order.

        The rows become labeled, or take the per-row states ``labeled`` (bools; used by
        undo to make a row unlabeled again)."""
        rows = check_rows(rows, len(self._images))
        matrix = np.asarray(matrix, dtype=bool)
        if matrix.shape != (len(rows), len(self._classes.names)):
            raise ValueError(f"matrix shape {matrix.shape} does not match "
                             f"({len(rows)} rows, {len(self._classes.names)} classes)")
        states = (np.ones(len(rows), bool) if labeled is None
                  else np.asarray(labeled, dtype=bool).ravel())
        if states.shape != (len(rows),):
            raise ValueError(f"{len(states)} labeled states for {len(rows)} rows")
        self._commit_labels(rows, matrix, [], "set_label_rows",
                            self._detail(rows=rows.tolist(),
                                         labels=[list(t) for t in
                                                 label_tuples(matrix, self._classes.names)]),
                            states)

    def set_labeled(self, rows, labeled) -> None:
        """Set each row's labeled state (bools) without changing labels; used by undo."""
        rows = check_rows(rows, len(self._images))
        self.set_label_rows(rows, self._labels[rows], labeled)

    def set_row_labels(self, rows, labels: Sequence[Iterable[str]]) -> None:
        """Give each row its own label set (e.g. from an imported CSV); new names are created."""
        rows = check_rows(rows, len(self._images))
        per_row = [check_label_set(row) for row in labels]
        if len(per_row) != len(rows):
            raise ValueError(f"{len(per_row)} label sets for {len(rows)} rows")
        new_classes = list(dict.fromkeys(n for row in per_row for n in row
                                         if n not in self._classes.names))
        if new_classes and self.may_be_behind():  # another app may have made them
            return self.caught_up_call("set_row_labels",
                                       lambda: self.set_row_labels(rows, per_row))
        column = {n: i for i, n in enumerate(self._classes.names + new_classes)}
        matrix = np.zeros((len(rows), len(column)), dtype=bool)
        for i, row in enumerate(per_row):
            matrix[i, [column[n] for n in row]] = True
        self._commit_labels(rows, matrix, new_classes, "set_row_labels",
                            self._detail(rows=rows.tolist(), labels=per_row),
                            np.ones(len(rows), bool))

    def add_label(self, rows, name: str) -> None:
        """Add ``name`` to every row in ``rows``; an unknown name becomes a new class."""
        check_class_name(name)
        rows = check_rows(rows, len(self._images))
        new_classes = [] if name in self._classes.names else [name]
        if new_classes and self.may_be_behind():  # another app may have made it
            return self.caught_up_call("add_label", lambda: self.add_label(rows, name))
        matrix = widen(self._labels[rows], len(new_classes))
        matrix[:, (self._classes.names + new_classes).index(name)] = True
        self._commit_labels(rows, matrix, new_classes, "add_label",
                            self._detail(rows=rows.tolist(), label=name),
                            np.ones(len(rows), bool))

    def remove_label(self, rows, name: str) -> None:
        """Remove ``name`` from every row in ``rows`` that carries it."""
        rows = check_rows(rows, len(self._images))
        column = self._class_column(name)
        matrix = self._labels[rows].copy()
        matrix[:, column] = False
        self._commit_labels(rows, matrix, [], "remove_label",
                            self._detail(rows=rows.tolist(), label=name))

    def set_review(self, rows, status: str, note: str | None = None) -> None:
        """Set the review status of ``rows``; ``note`` (if not None) replaces their notes.
        Marking an image reviewed makes it labeled (reviewed with no tags = no class
        present)."""
        rows = check_rows(rows, len(self._images))
        self.set_review_rows(rows, [status] * len(rows),
                             None if note is None else [note] * len(rows), _action="set_review")

    def set_review_rows(self, rows, statuses: Sequence[str],
                        notes: Sequence[str] | None = None, labeled=None, *,
                        _action: str = "set_review_rows") -> None:
        """Set each row's own status (and note, unless None); used by undo.

        Rows set 'reviewed' become labeled; ``labeled`` (bools per row), when given,
        sets the states instead (undo)."""
        rows = check_rows(rows, len(self._images))
        if len(statuses) != len(rows) or (notes is not None and len(notes) != len(rows)):
            raise ValueError("one status (and note) per row is needed")
        bad = sorted(set(statuses) - set(REVIEW_STATUSES))
        if bad:
            raise ValueError(f"unknown review status {bad[0]!r}; use one of {REVIEW_STATUSES}")
        if notes is not None and not all(isinstance(n, str) and "\0" not in n for n in notes):
            raise ValueError("notes must be strings without NUL characters")
        codes = [REVIEW_STATUSES.index(s) for s in statuses]
        row_ids = rows.tolist()
        old_states = self._images["labeled"].to_numpy(dtype=bool)[rows]
        states = (old_states | (np.asarray(statuses, dtype=object) == "reviewed")
                  if labeled is None else np.asarray(labeled, dtype=bool).ravel())
        detail = self._detail(rows=row_ids, status=sorted(set(statuses)),
                              **({} if notes is None else {"notes": sorted(set(notes))}))
        with self._store.write(_action, detail, rows=rows) as conn:
            if notes is None:
                conn.executemany("UPDATE images SET review = ? WHERE id = ?",
                                 zip(codes, row_ids, strict=True))
            else:
                conn.executemany("UPDATE images SET review = ?, note = ? WHERE id = ?",
                                 zip(codes, notes, row_ids, strict=True))
            flipped = self._write_labeled(conn, rows, old_states, states)
            record_editor(conn, rows)
        set_cells(self._images, rows, "review", statuses)
        columns: tuple[str, ...] = ("review",)
        if notes is not None:
            set_cells(self._images, rows, "note", notes)
            columns = ("review", "note")
        if len(flipped):
            set_cells(self._images, rows, "labeled", states)
            columns = (*columns, "labeled")
        self.events.emit(ChangeEvent("review", np.sort(rows), columns))

    # --- shared with class edits --------------------------------------------------------
    def _class_column(self, name: str) -> int:
        if name not in self._classes.names:
            raise KeyError(f"no class named {name!r}")
        return self._classes.index(name)

    def _write_labeled(self, conn, rows: np.ndarray, old: np.ndarray,
                       new: np.ndarray) -> np.ndarray:
        """Inside a write: store the labeled state of the rows whose state changes."""
        flipped = np.flatnonzero(old != new)
        conn.executemany("UPDATE images SET labeled = ? WHERE id = ?",
                         zip(new[flipped].astype(int).tolist(), rows[flipped].tolist(),
                             strict=True))
        return rows[flipped]

    def _commit_labels(self, rows: np.ndarray, matrix: np.ndarray, new_classes: list[str],
                       action: str, detail: dict, labeled: np.ndarray | None = None) -> None:
        """Write the label diff of ``rows`` (and any new classes) in one transaction, with
        the rows' new labeled states (None: unchanged)."""
        old_states = self._images["labeled"].to_numpy(dtype=bool)[rows]
        states = old_states if labeled is None else labeled
        old = widen(self._labels[rows], len(new_classes))
        add_r, add_c = np.nonzero(matrix & ~old)
        del_r, del_c = np.nonzero(old & ~matrix)
        relabeled = rows[np.union1d(add_r, del_r)]
        colors = list(self._classes.colors.values())
        # Only the cells of these rows change, unless a new class is made (its id is read
        # back): a team project then locks just these images.
        with self._store.write(action, detail, rows=None if new_classes else rows) as conn:
            new_ids = []
            for name in new_classes:
                colors.append(next_color(colors))
                cursor = conn.execute(
                    "INSERT INTO classes (position, name, color) VALUES (?, ?, ?)",
                    (len(self._classes.names) + len(new_ids), name, colors[-1]))
                new_ids.append(cursor.lastrowid)
            ids = np.asarray(self._classes.ids + new_ids, dtype=np.int64)
            conn.executemany("DELETE FROM labels WHERE image_id = ? AND class_id = ?",
                             zip(rows[del_r].tolist(), ids[del_c].tolist(), strict=True))
            # Per-cell: a cell another annotator has just added stays added.
            conn.executemany("INSERT OR IGNORE INTO labels VALUES (?, ?)",
                             zip(rows[add_r].tolist(), ids[add_c].tolist(), strict=True))
            flipped = self._write_labeled(conn, rows, old_states, states)
            changed = np.union1d(relabeled, flipped)  # sorted, as events give rows
            record_editor(conn, changed)
        if new_classes:
            self._classes.names.extend(new_classes)
            self._classes.ids.extend(new_ids)
            self._classes.colors.update(zip(new_classes, colors[-len(new_classes):],
                                            strict=True))
            self._labels = widen(self._labels, len(new_classes))
            self.events.emit(ChangeEvent("classes", np.zeros(0, dtype=np.int64), (),
                                         tuple(new_classes)))
        self._labels[rows] = matrix
        self._refresh_label_cells(changed)
        columns: tuple[str, ...] = ("labels",)
        if len(flipped):
            set_cells(self._images, rows, "labeled", states)
            columns = ("labels", "labeled")
        touched = np.union1d(add_c, del_c)
        self.events.emit(ChangeEvent("labels", changed, columns,
                                     tuple(self._classes.names[c] for c in touched)))

    def _refresh_label_cells(self, rows: np.ndarray) -> None:
        """Recompute the 'labels' tuples of ``rows`` from the matrix."""
        if len(rows):
            set_cells(self._images, rows, "labels",
                      label_tuples(self._labels[rows], self._classes.names))
