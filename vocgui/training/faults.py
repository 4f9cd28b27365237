"""Images that change while a run reads them: found, named, and the run stopped cleanly.

The check before training proves every image decodes, but files can be deleted, moved or
replaced while a run goes on (a sync client, a cleanup script, a user). tf.data then
fails the whole run with a raw ``NotFoundError`` or "Unknown image file format" naming
no file, and Pillow (the flow pipeline) with an ``OSError``. When such an error ends a
fit, every image of the run is checked again, and the ones that fail now are reported:
each as an ``excluded`` event, and all together in the run's message.
"""

from __future__ import annotations

import sys

from PIL import UnidentifiedImageError

from vocgui.core.wording import plural
from vocgui.training import events
from vocgui.training.config import TrainConfig
from vocgui.training.prepare import Prepared
from vocgui.training.reporter import Reporter
from vocgui.training.validate import check_snapshot


def image_read_errors() -> tuple[type[BaseException], ...]:
    """Errors a fit raises when an image it reads is gone or no longer decodes.

    TensorFlow's count only where it is loaded (a tf.data run has imported it by then):
    the flow pipeline runs on every Keras backend, with or without TensorFlow installed.
    On TensorFlow the flow pipeline's own ``OSError`` arrives as an ``UnknownError``
    (raised inside ``tf.numpy_function``); a fit failing for another reason is raised
    again once no image turns out changed.
    """
    errors: tuple[type[BaseException], ...] = (OSError, UnidentifiedImageError)
    tf = sys.modules.get("tensorflow")
    if tf is not None and hasattr(tf, "errors"):
        errors += (tf.errors.NotFoundError, tf.errors.InvalidArgumentError,
                   tf.errors.DataLossError, tf.errors.UnknownError)
    return errors

_SHOWN = 5


def changed_images(data: Prepared, config: TrainConfig,
                   reporter: Reporter) -> list[tuple[str, str]]:
    """(path, reason) of the run's images that no longer pass the check, each also sent
    as an ``excluded`` event."""
    rows = [*data.train.rows.tolist(), *data.val.rows.tolist()]
    paths = [*data.train.paths, *data.val.paths]
    checked = check_snapshot(paths, [()] * len(paths), data.classes, workers=config.workers,
                             pipeline=config.pipeline)
    changed = []
    for position, path, reason in checked.excluded:
        reporter.on_event(events.excluded(path, f"changed during the run: {reason}",
                                          int(rows[position])))
        changed.append((path, reason))
    return changed


def changed_images_message(changed: list[tuple[str, str]]) -> str:
    """The run's failure message naming the images that changed under it."""
    shown = "; ".join(f"{path} ({reason})" for path, reason in changed[:_SHOWN])
    more = f"; and {len(changed) - _SHOWN} more" if len(changed) > _SHOWN else ""
    return (f"{plural(len(changed), 'image')} changed during the run (deleted, moved or "
            f"replaced): {shown}{more}. The run stopped; start it again to train without "
            "them (the check before training leaves them out).")
