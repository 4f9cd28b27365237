"""Undoable edit commands over the :class:`Project` edit methods, and a plain undo stack.

A command does nothing until :meth:`Command.redo`; redo remembers exactly what it is about
to change, so :meth:`Command.undo` restores the prior state (labels, review, classes with
their order and colours). The Qt app wraps each command in a ``QUndoCommand``; non-Qt
code uses :class:`UndoStack`. Each edit is logged with the command's text ("Add 'dog'
to 120 images", "Undo Add 'dog' to 120 images").
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import numpy as np

from vocgui.core.project.project import Project
from vocgui.core.project.undo_merge import LeftCells, merge_undo
from vocgui.core.wording import plural


def _images(n: int) -> str:
    return plural(n, "image")


def _names(names: Iterable[str]) -> str:
    return ", ".join(repr(n) for n in names)


class Command:
    """Base: ``text`` for menus and the edit log, ``redo()`` applies, ``undo()`` reverts.

    After ``undo()``, ``left`` names the changes someone else made since to cells this
    command changed: undo left those as they are (``left.message()`` says so)."""

    text = ""
    left = LeftCells()

    def __init__(self, project: Project) -> None:
        self.project = project

    def redo(self) -> None:
        self._remember()  # may refine the text ("Add 'dog' to 2 images" of 3 selected)
        with self.project.logged_as(self.text):
            self._apply()

    def undo(self) -> None:
        with self.project.logged_as(f"Undo {self.text}"):
            self._revert()

    def _remember(self) -> None:
        raise NotImplementedError

    def _apply(self) -> None:
        raise NotImplementedError

    def _revert(self) -> None:
        raise NotImplementedError


class _LabelCommand(Command):
    """Remembers the rows' labels and the class list; undo puts back the cells it changed
    that nobody changed since (:mod:`.undo_merge`), and drops the classes it created."""

    def __init__(self, project: Project, rows) -> None:
        super().__init__(project)
        self.rows = np.asarray(rows, dtype=np.int64).ravel()

    def _remember(self) -> None:
        p = self.project
        self._classes, self._colors = p.classes, p.class_colors
        self._matrix = p.labels[self.rows].copy()
        self._labeled = p.images["labeled"].to_numpy(dtype=bool)[self.rows].copy()

    def redo(self) -> None:
        super().redo()
        p = self.project
        self._after_classes = p.classes
        self._after = p.labels[self.rows].copy()
        self._after_labeled = p.images["labeled"].to_numpy(dtype=bool)[self.rows].copy()
        self._logged = p.log_position()

    def _revert(self) -> None:
        p = self.project
        created = self._after_classes[len(self._classes):]
        # Others' edits since, on a team project: of these rows, or anywhere when this
        # command made a class (which undo keeps if someone has used it).
        p.catch_up(None if created else self.rows)
        columns = [p.classes.index(n) for n in self._after_classes if n in p.classes]
        now = np.zeros_like(self._after)
        kept = [j for j, n in enumerate(self._after_classes) if n in p.classes]
        now[:, kept] = p.labels[np.ix_(self.rows, columns)]
        before = np.pad(self._matrix, ((0, 0), (0, self._after.shape[1] - len(self._classes))))
        cells, since = merge_undo(before, self._after, now)
        states, states_since = merge_undo(
            self._labeled, self._after_labeled,
            p.images["labeled"].to_numpy(dtype=bool)[self.rows])
        self._note_left(since, states_since)
        if created and p.classes == self._after_classes and not since.any() \
                and not self._used_elsewhere(created):
            # redo created classes: drop them again in the same transaction
            p.restore_classes(self._classes, self._colors, self.rows,
                              cells[:, :len(self._classes)])
            if not states.all():  # tagging made unlabeled images labeled
                p.set_labeled(self.rows, states)
            return
        target = np.zeros((len(self.rows), len(p.classes)), dtype=bool)
        target[:, columns] = cells[:, kept]
        rest = [j for j, n in enumerate(p.classes) if n not in self._after_classes]
        target[:, rest] = p.labels[np.ix_(self.rows, rest)]  # classes added since
        p.set_label_rows(self.rows, target, states)

    def _used_elsewhere(self, names: Sequence[str]) -> bool:
        """Whether an image outside this command's rows carries one of ``names`` (a
        class this command created that someone has used since: undo keeps it)."""
        p = self.project
        outside = np.ones(len(p.images), dtype=bool)
        outside[self.rows] = False
        return bool(p.labels[np.ix_(outside, [p.classes.index(n) for n in names])].any())

    def _note_left(self, since: np.ndarray, states_since: np.ndarray) -> None:
        p = self.project
        names = p.images["filename"].to_numpy(dtype=object)
        touched = np.flatnonzero(since.any(axis=1) | states_since)
        editors = p.editors_since(self._logged, self.rows[touched]) if len(touched) else {}
        cells = [(names[self.rows[i]], repr(self._after_classes[j]),
                  editors.get(self.rows[i], "")) for i, j in zip(*np.nonzero(since),
                                                                   strict=True)]
        cells += [(names[self.rows[i]], "the labeled state", editors.get(self.rows[i], ""))
                  for i in np.flatnonzero(states_since)]
        self.left = LeftCells(tuple(cells))


class SetLabels(_LabelCommand):
    def __init__(self, project: Project, rows, labels: Iterable[str]) -> None:
        super().__init__(project, rows)
        self.labels = tuple(dict.fromkeys(labels))
        self.text = (f"Set labels of {_images(len(self.rows))} to {_names(self.labels)}"
                     if self.labels else f"Clear labels of {_images(len(self.rows))}")

    def _apply(self) -> None:
        self.project.set_labels(self.rows, self.labels)


class SetLabelRows(_LabelCommand):
    """Each row gets its row of ``matrix`` (class order) and becomes labeled; ``text``
    names the edit when it is more than that (accepting the model's suggestions)."""

    def __init__(self, project: Project, rows, matrix: np.ndarray,
                 text: str | None = None) -> None:
        super().__init__(project, rows)
        self.matrix = np.asarray(matrix, dtype=bool).copy()
        self.text = text or f"Set labels of {_images(len(self.rows))}"

    def _apply(self) -> None:
        self.project.set_label_rows(self.rows, self.matrix)


class ImportLabels(_LabelCommand):
    """Each row gets its own label set (an imported CSV); new names become classes."""

    def __init__(self, project: Project, rows, labels: Sequence[Iterable[str]],
                 source: str = "a file") -> None:
        super().__init__(project, rows)
        self.labels = [tuple(t) for t in labels]
        self.text = f"Import labels of {_images(len(self.rows))} from {source}"

    def _apply(self) -> None:
        self.project.set_row_labels(self.rows, self.labels)


class AddLabel(_LabelCommand):
    def __init__(self, project: Project, rows, name: str) -> None:
        super().__init__(project, rows)
        self.name = name
        self.text = f"Add {name!r} to {_images(len(self.rows))}"

    def _remember(self) -> None:
        super()._remember()
        p = self.project
        has = (p.labels[self.rows, p.classes.index(self.name)] if self.name in p.classes
               else np.zeros(len(self.rows), dtype=bool))
        self.text = f"Add {self.name!r} to {_images(int((~has).sum()))}"

    def _apply(self) -> None:
        self.project.add_label(self.rows, self.name)


class RemoveLabel(_LabelCommand):
    def __init__(self, project: Project, rows, name: str) -> None:
        super().__init__(project, rows)
        self.name = name
        self.text = f"Remove {name!r} from {_images(len(self.rows))}"

    def _remember(self) -> None:
        super()._remember()
        p = self.project
        has = (p.labels[self.rows, p.classes.index(self.name)] if self.name in p.classes
               else np.zeros(len(self.rows), dtype=bool))
        self.text = f"Remove {self.name!r} from {_images(int(has.sum()))}"

    def _apply(self) -> None:
        self.project.remove_label(self.rows, self.name)


class SetReview(Command):
    def __init__(self, project: Project, rows, status: str, note: str | None = None) -> None:
        super().__init__(project)
        self.rows = np.asarray(rows, dtype=np.int64).ravel()
        self.status, self.note = status, note
        self.text = f"Mark {_images(len(self.rows))} {status}"

    def _remember(self) -> None:
        images = self.project.images
        self._statuses = images["review"].to_numpy(dtype=object)[self.rows].tolist()
        self._notes = images["note"].to_numpy(dtype=object)[self.rows].tolist()
        self._labeled = images["labeled"].to_numpy(dtype=bool)[self.rows].copy()

    def _apply(self) -> None:
        self.project.set_review(self.rows, self.status, self.note)

    def redo(self) -> None:
        super().redo()
        self._after = self._now()
        self._logged = self.project.log_position()

    def _now(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        images = self.project.images
        return (images["review"].to_numpy(dtype=object)[self.rows],
                images["note"].to_numpy(dtype=object)[self.rows],
                images["labeled"].to_numpy(dtype=bool)[self.rows])

    def _revert(self) -> None:
        self.project.catch_up(self.rows)  # others' edits since (a team project)
        before = (np.asarray(self._statuses, dtype=object),
                  np.asarray(self._notes, dtype=object), self._labeled)
        merged = [merge_undo(b, a, n) for b, a, n in zip(before, self._after, self._now(),
                                                         strict=True)]
        names = self.project.images["filename"].to_numpy(dtype=object)[self.rows]
        left = [i for i in range(len(self.rows)) if any(since[i] for _, since in merged)]
        editors = self.project.editors_since(self._logged, self.rows[left]) if left else {}
        self.left = LeftCells(tuple((names[i], "the review", editors.get(self.rows[i], ""))
                                    for i in left))
        (statuses, _), (notes, _), (labeled, _) = merged
        self.project.set_review_rows(self.rows, statuses.tolist(), notes.tolist(), labeled)


class SetSplits(Command):
    """Move images to a split (one for all, or one each); 'excluded' leaves them out of
    training. Undo puts every row back in the split it was in."""

    def __init__(self, project: Project, rows, splits: str | Sequence[str],
                 text: str | None = None) -> None:
        super().__init__(project)
        self.rows = np.asarray(rows, dtype=np.int64).ravel()
        self.splits = ([splits] * len(self.rows) if isinstance(splits, str)
                       else [str(s) for s in splits])
        only = set(self.splits)
        target = (f"exclude {_images(len(self.rows))} from training" if only == {"excluded"}
                  else f"Move {_images(len(self.rows))} to {next(iter(only)) or 'no split'!r}"
                  if len(only) == 1 else f"Change the split of {_images(len(self.rows))}")
        self.text = text or target[0].upper() + target[1:]

    def _remember(self) -> None:
        self._before = self.project.images["split"].to_numpy(dtype=object)[self.rows].tolist()

    def _apply(self) -> None:
        self.project.set_splits(self.rows, self.splits)

    def _revert(self) -> None:
        self.project.set_splits(self.rows, self._before)


class _ClassCommand(Command):
    """Remembers the class list, colours and the labels of the images carrying the classes
    involved; undo restores all three in one transaction."""

    involved: tuple[str, ...] = ()

    def _remember(self) -> None:
        p = self.project
        self._classes, self._colors = p.classes, p.class_colors
        columns = [p.classes.index(n) for n in self.involved if n in p.classes]
        self._rows = np.flatnonzero(p.labels[:, columns].any(axis=1))
        self._matrix = p.labels[self._rows].copy()
        # Merges rename boxes too; remembering them by rowid makes undo exact.
        self._objects = p.object_names_of(self.involved)

    def _revert(self) -> None:
        self.project.restore_classes(self._classes, self._colors, self._rows, self._matrix,
                                     self._objects)


class AddClass(_ClassCommand):
    def __init__(self, project: Project, name: str, color: str | None = None) -> None:
        super().__init__(project)
        self.name, self.color = name, color
        self.text = f"Add class {name!r}"

    def _apply(self) -> None:
        self.project.add_class(self.name, self.color)


class RenameClass(_ClassCommand):
    def __init__(self, project: Project, old: str, new: str) -> None:
        super().__init__(project)
        self.old, self.new = old, new
        self.text = f"Rename class {old!r} to {new!r}"

    def _remember(self) -> None:
        """Renaming keeps the class and its labels; undo renames back and puts the boxes'
        names back exactly (boxes of a deleted class may already carry the new name)."""
        self._objects = self.project.object_names_of((self.old, self.new))

    def _apply(self) -> None:
        self.project.rename_class(self.old, self.new)

    def _revert(self) -> None:
        self.project.rename_class(self.new, self.old, self._objects)


class MergeClasses(_ClassCommand):
    def __init__(self, project: Project, sources: Sequence[str], target: str) -> None:
        super().__init__(project)
        self.sources, self.target = tuple(dict.fromkeys(sources)), target
        self.involved = (*self.sources, target)
        self.text = f"Merge {_names(self.sources)} into {target!r}"

    def _apply(self) -> None:
        self.project.merge_classes(self.sources, self.target)


class DeleteClass(_ClassCommand):
    def __init__(self, project: Project, name: str) -> None:
        super().__init__(project)
        self.name = name
        self.involved = (name,)
        self.text = f"Delete class {name!r}"

    def _apply(self) -> None:
        self.project.delete_class(self.name)


class ReorderClasses(_ClassCommand):
    def __init__(self, project: Project, names: Sequence[str]) -> None:
        super().__init__(project)
        self.names = list(names)
        self.text = "Reorder classes"

    def _apply(self) -> None:
        self.project.reorder_classes(self.names)


class SetClassColor(_ClassCommand):
    def __init__(self, project: Project, name: str, color: str) -> None:
        super().__init__(project)
        self.name, self.color = name, color
        self.text = f"Change the colour of {name!r}"

    def _apply(self) -> None:
        self.project.set_class_color(self.name, self.color)


class SaveThresholds(Command):
    """Keep per-class thresholds with a run for its suggestions (None: remove them);
    undo puts back what was saved before (or nothing)."""

    def __init__(self, project: Project, run_id: int,
                 thresholds: Mapping[str, float] | None) -> None:
        super().__init__(project)
        self.run_id = int(run_id)
        self.thresholds = None if thresholds is None else dict(thresholds)
        self.text = (f"Save the thresholds of run {self.run_id}" if thresholds is not None
                     else f"Remove the saved thresholds of run {self.run_id}")

    def _remember(self) -> None:
        self._before = self.project.saved_thresholds(self.run_id)

    def _apply(self) -> None:
        self.project.save_thresholds(self.run_id, self.thresholds)

    def _revert(self) -> None:
        self.project.save_thresholds(self.run_id, self._before)


class Batch(Command):
    """Several commands as one step (accepting label fixes, deleting several classes):
    one transaction, so either all of them are on disk or none is."""

    def __init__(self, project: Project, commands: Sequence[Command], text: str) -> None:
        super().__init__(project)
        self.commands = list(commands)
        self.text = text

    def redo(self) -> None:
        with self.project.batch(self.text):
            for command in self.commands:
                command.redo()

    def undo(self) -> None:
        with self.project.batch(f"Undo {self.text}"):
            for command in reversed(self.commands):
                command.undo()


class UndoStack:
    """Unlimited undo/redo for non-Qt use: ``push`` runs the command's redo()."""

    def __init__(self) -> None:
        self._commands: list[Command] = []
        self._index = 0  # commands[:index] are done

    def push(self, command: Command) -> None:
        """Run ``command`` and make it the newest undoable step (dropping any redo steps).
        If it fails, nothing is pushed and the error propagates."""
        command.redo()
        del self._commands[self._index:]
        self._commands.append(command)
        self._index += 1

    def undo(self) -> None:
        if not self.can_undo():
            raise IndexError("nothing to undo")
        self._commands[self._index - 1].undo()
        self._index -= 1

    def redo(self) -> None:
        if not self.can_redo():
            raise IndexError("nothing to redo")
        self._commands[self._index].redo()
        self._index += 1

    def can_undo(self) -> bool:
        return self._index > 0

    def can_redo(self) -> bool:
        return self._index < len(self._commands)

    def undo_text(self) -> str:
        return self._commands[self._index - 1].text if self.can_undo() else ""

    def redo_text(self) -> str:
        return self._commands[self._index].text if self.can_redo() else ""

    def clear(self) -> None:
        self._commands.clear()
        self._index = 0

    def __len__(self) -> int:
        return len(self._commands)
