"""The texts of a running training: progress from a batch event, the excluded images."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from vocgui.core.wording import plural
from vocgui.training.events import number_text


def format_seconds(seconds: float | None) -> str:
    """``seconds`` as m:ss or h:mm:ss; '?' when unknown."""
    if seconds is None or seconds < 0:
        return "?"
    minutes, secs = divmod(int(round(seconds)), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def batch_progress(event: dict[str, Any]) -> tuple[float, str]:
    """(fraction of the whole run done, progress text) of a ``batch`` event."""
    epochs, batches = max(int(event["epochs"]), 1), max(int(event["batches"]), 1)
    done = (int(event["epoch"]) - 1 + int(event["batch"]) / batches) / epochs
    fold = f"Fold {event['fold']}/{event['folds']} · " if "fold" in event else ""
    text = (f"{fold}Epoch {event['epoch']}/{epochs} · batch {event['batch']}/{batches} · "
            f"loss {number_text(event['loss'])} · ETA {format_seconds(event.get('eta'))}")
    return min(max(done, 0.0), 1.0), text


#: Excluded images named in the run's message; the rest are counted.
EXCLUDED_SHOWN = 3


def excluded_summary(excluded: list[tuple[str, str]]) -> str:
    """' Excluded 2 images: a.jpg (why), b.jpg (why).' for the run's message ('' for none)."""
    if not excluded:
        return ""
    shown = ", ".join(f"{Path(path).name} ({reason})"
                      for path, reason in excluded[:EXCLUDED_SHOWN])
    more = f" and {len(excluded) - EXCLUDED_SHOWN} more" if len(excluded) > EXCLUDED_SHOWN \
        else ""
    return f" Excluded {plural(len(excluded), 'image')}: {shown}{more}."
