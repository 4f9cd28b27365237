"""Open only regular files, and only as much of them as a load may read.

A dataset folder is not trusted: an entry named ``x.xml`` or ``x.jpg`` can be a FIFO
(opening it blocks until a writer appears, forever), a character device such as
``/dev/zero`` (reading it never ends), a socket, or a link to any of these. Every file
vocgui reads from a dataset is opened here: without blocking (``O_NONBLOCK``, which
means nothing for regular files, so it is left set), checked with ``fstat`` on the open
descriptor (so a file swapped after a check cannot slip through), and read up to a limit.
"""

from __future__ import annotations

import os
import stat
from typing import BinaryIO

#: Largest annotation file read. Real VOC XMLs are 0.5-5 KB; 4 MiB holds thousands of
#: objects, and bounds the memory one hostile file can take.
MAX_ANNOTATION_BYTES = 4 << 20
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) \
    | getattr(os, "O_BINARY", 0)
_READ_SIZE = 1 << 16


class NotRegularFileError(OSError):
    """The path names a FIFO, device, socket or other non-regular file."""


class FileTooLargeError(OSError):
    """The file is larger than the limit it is read with."""


def kind_of_file(mode: int) -> str:
    """What a non-regular file is, in words ('a FIFO (named pipe)', 'a folder', ...)."""
    for test, words in ((stat.S_ISFIFO, "a FIFO (named pipe)"),
                        (stat.S_ISCHR, "a character device"),
                        (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"),
                        (stat.S_ISDIR, "a folder")):
        if test(mode):
            return words
    return "not a regular file"


def open_regular_fd(path: str | os.PathLike[str]) -> int:
    """A read-only descriptor of ``path``, which must be a regular file (links followed).

    Raises :class:`NotRegularFileError` for anything else (a folder raises
    ``IsADirectoryError``, as ``open`` does), and ``OSError`` as ``os.open`` does.
    """
    fd = os.open(path, _OPEN_FLAGS)
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            if stat.S_ISDIR(mode):
                raise IsADirectoryError(21, "Is a directory", str(path))
            raise NotRegularFileError(f"is {kind_of_file(mode)}, not a regular file")
    except BaseException:
        os.close(fd)
        raise
    return fd


def open_regular(path: str | os.PathLike[str]) -> BinaryIO:
    """``open(path, 'rb')`` for regular files only (see :func:`open_regular_fd`)."""
    return os.fdopen(open_regular_fd(path), "rb")


def read_regular(path: str | os.PathLike[str], limit: int = MAX_ANNOTATION_BYTES) -> bytes:
    """The whole of a regular file of at most ``limit`` bytes.

    Raises :class:`FileTooLargeError` past the limit (checked on the size and again while
    reading, for a file that grows), and what :func:`open_regular_fd` raises. Raw ``os``
    calls because this runs for every one of many files.
    """
    fd = open_regular_fd(path)
    try:
        size = os.fstat(fd).st_size
        if size > limit:
            raise FileTooLargeError(f"is {size:,} bytes, more than the {limit:,} allowed")
        data = os.read(fd, _READ_SIZE)
        if len(data) < _READ_SIZE:
            return data
        chunks = [data]
        total = len(data)
        while chunk := os.read(fd, _READ_SIZE):
            total += len(chunk)
            if total > limit:
                raise FileTooLargeError(f"grew past the {limit:,} bytes allowed while "
                                        "being read")
            chunks.append(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)
