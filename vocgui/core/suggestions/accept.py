"""Accepting the model's suggestions: the image's labels become the suggested set (for
the classes the model knows; the others keep their labels) and the image becomes
labeled, for one image or many, as ONE undoable :class:`SetLabelRows` edit."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from vocgui.core.project import Project
from vocgui.core.project.commands import SetLabelRows
from vocgui.core.suggestions.scores import Suggestions
from vocgui.core.wording import plural


@dataclass(frozen=True)
class AcceptPlan:
    """What accepting would change: ``rows`` get ``matrix`` (their full label rows, class
    order); ``n_added``/``n_removed`` labels; ``skipped_unscored`` and ``skipped_unsure``
    of the asked rows are left as they are (no scores; not all scores confident)."""

    rows: np.ndarray
    matrix: np.ndarray
    n_added: int
    n_removed: int
    n_asked: int
    skipped_unscored: int
    skipped_unsure: int

    @property
    def n_images(self) -> int:
        return len(self.rows)

    @property
    def n_labels(self) -> int:
        return self.n_added + self.n_removed

    def describe(self) -> str:
        """E.g. "12 images change: 14 labels added, 2 removed (3 images skipped: not all
        of their scores are confident)"."""
        if not self.n_images:
            text = "Nothing changes"
        else:
            text = (f"{plural(self.n_images, 'image')} change: "
                    f"{plural(self.n_added, 'label')} added, {self.n_removed:,} removed"
                    + ("" if self.n_labels else " (they become labeled)"))
        skipped = []
        if self.skipped_unsure:
            skipped.append(f"{plural(self.skipped_unsure, 'image')} skipped: not all of "
                           "their scores are confident")
        if self.skipped_unscored:
            skipped.append(f"{plural(self.skipped_unscored, 'image')} without scores")
        return text + (f" ({'; '.join(skipped)})" if skipped else "")


def plan_accept(project: Project, suggestions: Suggestions, rows,
                confident_only: bool = False) -> AcceptPlan:
    """What accepting the suggestions of ``rows`` changes (only the images whose scores
    are all confident when ``confident_only``). Rows already labeled exactly so are left
    out. ValueError when ``suggestions`` were matched to another class list."""
    if tuple(project.classes) != suggestions.classes:
        raise ValueError("the suggestions were made for another class list; wait for "
                         "them to follow the class edit")
    rows = np.asarray(rows, dtype=np.int64).ravel()
    scored = suggestions.scored[rows]
    keep = scored & (suggestions.confident[rows] if confident_only else True)
    n_asked = len(rows)
    unscored, unsure = int((~scored).sum()), int((scored & ~keep).sum())
    rows = rows[keep]
    current = project.labels[rows]
    matrix = current.copy()
    matrix[:, suggestions.known] = suggestions.suggested[np.ix_(rows, suggestions.known)]
    labeled = project.images["labeled"].to_numpy(dtype=bool)[rows]
    changes = (matrix != current).any(axis=1) | ~labeled
    rows, matrix, current = rows[changes], matrix[changes], current[changes]
    return AcceptPlan(rows, matrix, int((matrix & ~current).sum()),
                      int((current & ~matrix).sum()), n_asked, unscored, unsure)


def accept_command(project: Project, plan: AcceptPlan) -> SetLabelRows:
    """The one undoable edit that carries out ``plan`` (push it on an undo stack)."""
    return SetLabelRows(project, plan.rows, plan.matrix,
                        text=f"Accept the model's suggestions for "
                             f"{plural(plan.n_images, 'image')}")
