"""Atomic file writes: write a temporary file beside the target, fsync, then rename.

A reader (or a crash) sees either the old file or the complete new one, never a half.
The file gets the mode any new file of the user's gets (0666 less the umask, usually
0644), not the 0600 of a temporary file: exports are meant to be shared.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, TextIO

import numpy as np


def atomic_text_writer(path: str | os.PathLike) -> contextlib.AbstractContextManager[TextIO]:
    """Yield a text file to write; on success it replaces ``path`` atomically and durably.

    On any error the temporary file is removed and ``path`` is left as it was.
    """
    return atomic_writer(path, binary=False)


def save_npy_atomically(path: str | os.PathLike, array: np.ndarray) -> None:
    """``np.save`` to ``path`` through :func:`atomic_writer`."""
    with atomic_writer(path, binary=True) as fh:
        np.save(fh, array)


@contextlib.contextmanager
def atomic_writer(path: str | os.PathLike, binary: bool) -> Iterator[IO]:
    """Yield a text (UTF-8) or binary file; on success it replaces ``path`` atomically and
    durably. On any error the temporary file is removed and ``path`` is left as it was."""
    target = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        os.fchmod(fd, default_mode(0o666))
        with (os.fdopen(fd, "wb") if binary
              else os.fdopen(fd, "w", encoding="utf-8", newline="")) as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    fsync_dir(target.parent)


def fsync_dir(folder: str | os.PathLike) -> None:
    """Make a rename inside ``folder`` durable."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def default_mode(requested: int) -> int:
    """``requested`` less the process's umask: what ``open``/``mkdir`` would give.

    Read from /proc where it can be (setting the umask to read it would briefly change it
    for every thread of the process).
    """
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return requested & ~int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return requested & ~mask
