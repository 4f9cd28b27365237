"""Edits of the class list (mixed into :class:`Project`): add, rename, merge, delete,
reorder, recolour, and restore (what undo uses to bring back an exact earlier state).

The boxes in the objects table follow renames and merges, so the viewer and the object
counts name them as the labels do; a deleted class's boxes keep the name the XML gave.
Undo restores object names exactly from an :data:`ObjectNames` taken before the edit.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from vocgui.core.project.change_events import ChangeEvent
from vocgui.core.project.image_editors import record_editor
from vocgui.core.project.labelling import check_class_name, check_color, check_rows, next_color
from vocgui.core.project.reading import ClassTable
from vocgui.core.project.remote_edits import caught_up

#: (object rowids, their names): what undo needs to put object names back exactly.
ObjectNames = tuple[list[int], list[str]]


class ClassEditsMixin:
    """add_class, rename_class, merge_classes, delete_class, reorder_classes, ..."""

    @caught_up
    def add_class(self, name: str, color: str | None = None) -> None:
        """Append a new, empty class."""
        check_class_name(name)
        if name in self._classes.names:
            raise ValueError(f"class {name!r} already exists")
        color = next_color(self._classes.colors.values()) if color is None else check_color(color)
        names = self._classes.names + [name]
        self._apply_classes(names, {**self._classes.colors, name: color}, None, None,
                            "add_class", self._detail(name=name, color=color))

    @caught_up
    def rename_class(self, old: str, new: str, objects: ObjectNames | None = None) -> None:
        """Rename a class; images carrying it keep the label under its new name, and its
        boxes take the new name. ``objects`` (undo only) sets these object names instead."""
        column = self._class_column(old)
        check_class_name(new)
        if new in self._classes.names:
            raise ValueError(f"class {new!r} already exists; merge the classes instead")
        with self._store.write("rename_class", self._detail(old=old, new=new)) as conn:
            conn.execute("UPDATE classes SET name = ? WHERE id = ?",
                         (new, self._classes.ids[column]))
            self._write_object_names(conn, {old: new}, objects)
        self._classes.names[column] = new
        self._classes.colors = {new if k == old else k: v for k, v in self._classes.colors.items()}
        carriers = np.flatnonzero(self._labels[:, column])
        self._refresh_label_cells(carriers)
        self.events.emit(ChangeEvent("classes", carriers, ("labels",) if len(carriers) else (),
                                     (old, new)))
        self._announce_objects()

    @caught_up
    def merge_classes(self, sources: Sequence[str], target: str) -> None:
        """Give ``target`` to every image carrying any of ``sources``, then delete the
        sources. ``target`` may be one of the sources, another class or a new name (which
        takes the first source's place and colour)."""
        sources = list(dict.fromkeys(sources))
        if not sources:
            raise ValueError("merge needs at least one source class")
        columns = [self._class_column(s) for s in sources]
        check_class_name(target)
        names = [n for n in self._classes.names if n == target or n not in sources]
        colors = dict(self._classes.colors)
        if target not in self._classes.names:
            names.insert(min(columns), target)
            colors[target] = self._classes.colors[sources[0]]
        rows = np.flatnonzero(self._labels[:, columns].any(axis=1))
        matrix = self._columns_as(names)[rows]
        matrix[:, names.index(target)] = True
        self._apply_classes(names, colors, rows, matrix, "merge_classes",
                            self._detail(sources=sources, target=target, rows=rows.tolist()),
                            also_involved=(*sources, target),
                            object_renames={s: target for s in sources if s != target})

    @caught_up
    def delete_class(self, name: str) -> None:
        """Delete a class; every image carrying it loses that label (others keep theirs)."""
        column = self._class_column(name)
        carriers = np.flatnonzero(self._labels[:, column])
        names = [n for n in self._classes.names if n != name]
        self._apply_classes(names, self._classes.colors, None, None, "delete_class",
                            self._detail(name=name, rows=carriers.tolist()))

    @caught_up
    def reorder_classes(self, names: Sequence[str]) -> None:
        """Put the classes in this order (a permutation of :attr:`classes`)."""
        names = list(names)
        if sorted(names) != sorted(self._classes.names):
            raise ValueError("reorder_classes needs exactly the existing class names")
        self._apply_classes(names, self._classes.colors, None, None, "reorder_classes",
                            self._detail(order=names))

    @caught_up
    def set_class_color(self, name: str, color: str) -> None:
        self._class_column(name)
        color = check_color(color)
        self._apply_classes(self._classes.names, {**self._classes.colors, name: color},
                            None, None, "set_class_color",
                            self._detail(name=name, color=color), also_involved=(name,))

    @caught_up
    def restore_classes(self, names: Sequence[str], colors: dict[str, str], rows=None,
                        matrix: np.ndarray | None = None,
                        objects: ObjectNames | None = None) -> None:
        """Make the class list exactly ``names`` (with ``colors``), dropping classes not
        listed (and their labels) and creating missing ones; then set the labels of
        ``rows`` to ``matrix`` (columns = ``names``) and the names of ``objects``. One
        transaction; used by undo."""
        names = [check_class_name(n) for n in names]
        if len(set(names)) != len(names):
            raise ValueError("class names must be unique")
        colors = {n: check_color(colors[n]) for n in names}
        if rows is not None:
            rows = check_rows(rows, len(self._images))
            matrix = np.asarray(matrix, dtype=bool)
            if matrix.shape != (len(rows), len(names)):
                raise ValueError(f"matrix shape {matrix.shape} does not match "
                                 f"({len(rows)} rows, {len(names)} classes)")
        self._apply_classes(names, colors, rows, matrix, "restore_classes",
                            self._detail(names=names, rows=[] if rows is None else rows.tolist()),
                            object_names=objects)

    def object_names_of(self, names: Sequence[str]) -> ObjectNames:
        """The objects now named one of ``names``: their rowids and names (for undo)."""
        names = list(names)
        marks = ",".join("?" * len(names))
        found = self._store.conn.execute(
            f"SELECT rowid, name FROM objects WHERE name IN ({marks}) ORDER BY rowid",
            names).fetchall() if names else []
        return [r for r, _ in found], [n for _, n in found]

    def _write_object_names(self, conn, renames: dict[str, str],
                            exact: ObjectNames | None) -> None:
        """Inside a write: rename objects by ``renames``, or set ``exact`` names by rowid."""
        if exact is not None:
            changed = conn.executemany("UPDATE objects SET name = ? WHERE rowid = ?",
                                       zip(exact[1], exact[0], strict=True)).rowcount
        else:
            changed = conn.executemany("UPDATE objects SET name = ? WHERE name = ?",
                                       ((new, old) for old, new in renames.items())).rowcount
        if changed:
            self._objects = None  # re-read on next use
            self._objects_renamed = True  # announced after the edit's own event

    # --- the one writer behind every class-list edit but rename ---------------------------
    def _columns_as(self, names: Sequence[str]) -> np.ndarray:
        """The label matrix with columns for ``names`` (False for names not yet classes)."""
        out = np.zeros((len(self._images), len(names)), dtype=bool)
        for j, name in enumerate(names):
            if name in self._classes.names:
                out[:, j] = self._labels[:, self._classes.index(name)]
        return out

    def _apply_classes(self, names: list[str], colors: dict[str, str], rows: np.ndarray | None,
                       matrix: np.ndarray | None, action: str, detail: dict,
                       also_involved: Sequence[str] = (),
                       object_renames: dict[str, str] | None = None,
                       object_names: ObjectNames | None = None) -> None:
        old = self._classes
        removed = [n for n in old.names if n not in names]
        labels = self._columns_as(names)
        changed_mask = np.zeros(len(self._images), dtype=bool)
        for name in removed:
            changed_mask |= self._labels[:, old.index(name)]
        add_pairs: list[tuple[int, int]] = []
        del_pairs: list[tuple[int, int]] = []
        if rows is not None:
            before = labels[rows]
            add_r, add_c = np.nonzero(matrix & ~before)
            del_r, del_c = np.nonzero(before & ~matrix)
            changed_mask[rows[np.union1d(add_r, del_r)]] = True
            labels[rows] = matrix
        changed = np.flatnonzero(changed_mask)
        with self._store.write(action, detail) as conn:
            removed_ids = [old.ids[old.index(n)] for n in removed]
            conn.executemany("DELETE FROM labels WHERE class_id = ?", ((i,) for i in removed_ids))
            conn.executemany("DELETE FROM classes WHERE id = ?", ((i,) for i in removed_ids))
            ids = []
            for position, name in enumerate(names):
                if name in old.names:
                    ids.append(old.ids[old.index(name)])
                    conn.execute("UPDATE classes SET position = ?, color = ? WHERE id = ?",
                                 (position, colors[name], ids[-1]))
                else:
                    ids.append(conn.execute(
                        "INSERT INTO classes (position, name, color) VALUES (?, ?, ?)",
                        (position, name, colors[name])).lastrowid)
            if rows is not None:
                add_pairs = list(zip(rows[add_r].tolist(), np.asarray(ids)[add_c].tolist(),
                                     strict=True))
                del_pairs = list(zip(rows[del_r].tolist(), np.asarray(ids)[del_c].tolist(),
                                     strict=True))
            conn.executemany("DELETE FROM labels WHERE image_id = ? AND class_id = ?", del_pairs)
            conn.executemany("INSERT INTO labels VALUES (?, ?)", add_pairs)
            if object_renames or object_names is not None:
                self._write_object_names(conn, object_renames or {}, object_names)
            record_editor(conn, changed)  # a merge or delete relabels these images
        self._classes = ClassTable(list(names), ids, {n: colors[n] for n in names})
        self._labels = labels
        self._refresh_label_cells(changed)
        involved = (*removed, *(n for n in names if n not in old.names), *also_involved)
        self.events.emit(ChangeEvent("classes", changed, ("labels",) if len(changed) else (),
                                     tuple(dict.fromkeys(involved))))
        self._announce_objects()

    def _announce_objects(self) -> None:
        if self._objects_renamed:
            self._objects_renamed = False
            self.events.emit(ChangeEvent("objects", None, ()))
