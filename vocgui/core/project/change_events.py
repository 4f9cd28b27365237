"""Change events: which rows and which columns an edit changed, so views update only those;
and run events: what was recorded about a training run, so views never poll for it.

Every change to a project is announced by one of these, and views learn of changes only
this way (no view asks another to refresh).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

#: The kinds of ChangeEvent that change cells of the image table ('images' rebuilds it).
TABLE_EVENTS = ("labels", "review", "classes", "split")


@dataclass(frozen=True)
class ChangeEvent:
    """One committed edit.

    ``kind``: 'labels' (image labels), 'review' (review status or note), 'classes' (the
    class list: added, renamed, merged, deleted, reordered, recoloured), 'split' (images
    moved between splits, or were excluded), 'images' (images were added: ``rows`` = the
    new ids, appended after the others), 'objects' (box names followed a rename or merge).

    ``rows`` holds the image ids whose table cells changed (sorted, possibly empty), or
    None when every row may have changed. ``columns`` names the image-table columns that
    changed ('labels', 'review', 'note', 'split'). ``classes`` names the classes whose
    label columns changed (for incremental statistics); for a 'classes' event, the
    classes involved.
    """

    kind: str
    rows: np.ndarray | None
    columns: tuple[str, ...]
    classes: tuple[str, ...] = ()


#: Run event kinds, one per thing the project records about a run: 'run_started' (the run
#: was created), 'run_epoch' (an epoch's metrics), 'run_predictions' (scores on a split),
#: 'run_finished' (its end status), 'run_thresholds' (thresholds saved with it, or removed).
RUN_EVENT_KINDS = ("run_started", "run_epoch", "run_predictions", "run_finished",
                   "run_thresholds")


@dataclass(frozen=True)
class RunEvent:
    """Something about run ``run_id`` was committed to the project.

    ``epoch`` is set for 'run_epoch', ``split`` for 'run_predictions', ``status`` for
    'run_finished' ('completed' | 'stopped' | 'failed').
    """

    kind: str
    run_id: int
    epoch: int | None = None
    split: str | None = None
    status: str | None = None


class EventHub:
    """A plain callback list: ``connect(cb)``, ``disconnect(cb)``, ``emit(event)``."""

    def __init__(self) -> None:
        self._callbacks: list[Callable] = []

    def connect(self, callback: Callable) -> None:
        """Call ``callback(event)`` after every committed change (on the editing thread)."""
        if callback not in self._callbacks:
            self._callbacks.append(callback)

    def disconnect(self, callback: Callable) -> None:
        """Stop calling ``callback``; disconnecting an unknown callback is a no-op."""
        if callback in self._callbacks:
            self._callbacks.remove(callback)

    def emit(self, event: ChangeEvent | RunEvent) -> None:
        # Iterate over a copy: a callback may disconnect itself.
        for callback in list(self._callbacks):
            callback(event)
