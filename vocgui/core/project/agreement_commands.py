"""Settling a disagreement of the agreement sample: the image's final labels, one
undoable edit (labels and the settled mark in one transaction)."""

from __future__ import annotations

from collections.abc import Iterable

from vocgui.core.project.commands import Command, SetLabels
from vocgui.core.project.project import Project
from vocgui.core.project.store_base import now_utc


class SettleAgreement(Command):
    """Give sample image ``row`` the final ``labels`` and mark it settled; undo puts the
    labels (cells nobody changed since) and the mark back."""

    def __init__(self, project: Project, row: int, labels: Iterable[str]) -> None:
        super().__init__(project)
        self.row = int(row)
        self._labels = SetLabels(project, [self.row], labels)
        names = ", ".join(repr(n) for n in self._labels.labels) or "no class"
        self.text = f"Settle {project.images['filename'].iat[self.row]} as {names}"

    def redo(self) -> None:
        p = self.project
        with p.batch(self.text):
            self._mark = p.settled_marks([self.row])
            self._labels.redo()
            with p.logged_as(self.text):
                p.set_settled([self.row], [now_utc()])

    def undo(self) -> None:
        p = self.project
        with p.batch(f"Undo {self.text}"):
            self._labels.undo()
            with p.logged_as(f"Undo {self.text}"):
                p.set_settled([self.row], self._mark)
        self.left = self._labels.left
