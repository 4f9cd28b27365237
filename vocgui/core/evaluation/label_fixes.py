"""Turning accepted label-issue suggestions into undoable project edits."""

from __future__ import annotations

from collections import defaultdict

import pandas as pd

from vocgui.core.project import Project
from vocgui.core.project.commands import AddLabel, Command, RemoveLabel, SetReview


def fix_commands(project: Project, issues: pd.DataFrame) -> list[Command]:
    """Commands applying the suggested changes of ``issues`` (rows of
    ``find_label_issues``) to the project's current labels, then marking the images
    'reviewed'. Images are grouped per class, so a batch of fixes is a few commands;
    a change already made (the label is already there, or gone) is skipped."""
    adds: dict[str, list[int]] = defaultdict(list)
    removes: dict[str, list[int]] = defaultdict(list)
    rows = [int(r) for r in issues["row"]]
    for row, add, remove in zip(rows, issues["add"], issues["remove"], strict=True):
        now = set(project.labels_of(row))
        for name in remove:
            if name in now:
                removes[name].append(row)
        for name in add:
            if name not in now:
                adds[name].append(row)
    commands: list[Command] = [RemoveLabel(project, r, name) for name, r in removes.items()]
    commands += [AddLabel(project, r, name) for name, r in adds.items()]
    if rows:
        commands.append(SetReview(project, sorted(set(rows)), "reviewed"))
    return commands
