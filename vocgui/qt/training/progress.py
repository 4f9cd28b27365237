"""The progress line of a running training: fraction done and text from a batch event."""

from __future__ import annotations

from typing import Any


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
    text = (f"Epoch {event['epoch']}/{epochs} · batch {event['batch']}/{batches} · "
            f"loss {float(event['loss']):.4f} · ETA {format_seconds(event.get('eta'))}")
    return min(max(done, 0.0), 1.0), text
