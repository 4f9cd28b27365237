"""Undo of one's own edit among other users' edits: revert only the cells the edit
changed and nobody has changed since.

A label cell is one (image, class) pair; an image's labeled state and review status are
cells of their own. Undo compares three values of each cell: before the edit, after it,
and now. A cell the edit changed that still holds the edit's value goes back; one that
holds anything else was changed by someone since, and is left as it is (the undo says
so). With one user this reverts exactly what the edit changed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from vocgui.core.wording import plural


def merge_undo(before: np.ndarray, after: np.ndarray, now: np.ndarray
               ) -> tuple[np.ndarray, np.ndarray]:
    """(the cells as undo leaves them, the mask of cells left because they changed
    since). All three arrays have one shape."""
    changed = before != after
    since = changed & (now != after)
    target = now.copy()
    revert = changed & ~since
    target[revert] = before[revert]
    return target, since


@dataclass(frozen=True)
class LeftCells:
    """What an undo left alone: one (image file name, what, who changed it since) per
    cell."""

    cells: tuple[tuple[str, str, str], ...] = ()

    def message(self) -> str:
        """'' when nothing was left; else a sentence naming the first few cells."""
        if not self.cells:
            return ""
        shown = "; ".join(f"{what} of {name} (changed by {who or 'another edit'})"
                          for name, what, who in self.cells[:3])
        more = f" and {len(self.cells) - 3} more" if len(self.cells) > 3 else ""
        return (f"Undo left {plural(len(self.cells), 'change')} someone made since: "
                f"{shown}{more}")
