"""Change events: which rows and which columns an edit changed, so views update only those."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

#: Event kinds. 'labels': image labels changed; 'review': review status or note changed;
#: 'classes': the class list changed (added, renamed, merged, deleted, reordered, recoloured);
#: 'split': images moved between splits (or were excluded).
EVENT_KINDS = ("labels", "review", "classes", "split")


@dataclass(frozen=True)
class ChangeEvent:
    """One committed edit.

    ``rows`` holds the image ids whose table cells changed (sorted, possibly empty), or
    None when every row may have changed. ``columns`` names the image-table columns that
    changed ('labels', 'review', 'note', 'split'). ``classes`` names the classes whose label columns
    changed (for incremental statistics); for a 'classes' event, the classes involved.
    """

    kind: str
    rows: np.ndarray | None
    columns: tuple[str, ...]
    classes: tuple[str, ...] = ()


class EventHub:
    """A plain callback list: ``connect(cb)``, ``disconnect(cb)``, ``emit(event)``."""

    def __init__(self) -> None:
        self._callbacks: list[Callable[[ChangeEvent], None]] = []

    def connect(self, callback: Callable[[ChangeEvent], None]) -> None:
        """Call ``callback(event)`` after every committed edit (on the editing thread)."""
        if callback not in self._callbacks:
            self._callbacks.append(callback)

    def disconnect(self, callback: Callable[[ChangeEvent], None]) -> None:
        """Stop calling ``callback``; disconnecting an unknown callback is a no-op."""
        if callback in self._callbacks:
            self._callbacks.remove(callback)

    def emit(self, event: ChangeEvent) -> None:
        # Iterate over a copy: a callback may disconnect itself.
        for callback in list(self._callbacks):
            callback(event)
