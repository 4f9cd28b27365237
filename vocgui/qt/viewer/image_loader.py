"""Decode images off the GUI thread, newest request first, with a bounded LRU cache.

:class:`ImageLoader` is shared by the image viewer (large images, the newest request
supersedes older ones) and the thumbnail loader (many small images for what is on
screen). Decoding runs :func:`vocgui.core.image_io.load_image` on a small thread pool;
results come back to the GUI thread through a queued signal.
"""

from __future__ import annotations

import atexit
from collections import deque
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, QRunnable, Qt, QThread, QThreadPool, Signal, Slot
from PySide6.QtGui import QImage

from vocgui.core.image_io import load_image
from vocgui.core.voc.dataset import Problem
from vocgui.qt.viewer.cache import ByteLruCache


@dataclass(frozen=True)
class DecodedImage:
    """An image ready to paint: RGB pixels in display orientation, or None, and problems.

    ``full_size`` is the full-resolution (width, height) in display orientation; the
    ``image`` may be smaller when it was decoded for a bounded side.
    """

    path: Path
    image: QImage | None
    full_size: tuple[int, int]
    problems: tuple[Problem, ...] = ()

    @property
    def ok(self) -> bool:
        return self.image is not None

    @property
    def nbytes(self) -> int:
        """Memory held, for the cache budget (a failure costs a token amount)."""
        return self.image.sizeInBytes() if self.image is not None else 512

    def reason(self) -> str:
        """One line saying why there is no image, or what is odd about it ('' if nothing)."""
        return "; ".join(p.message for p in self.problems)


def decode_image(path: Path, max_side: int | None) -> DecodedImage:
    """Decode ``path`` into a QImage (safe on any thread: QImage is not a GUI resource)."""
    loaded = load_image(path, max_side)
    image = None
    if loaded.pixels is not None:
        height, width = loaded.pixels.shape[:2]
        # .copy() detaches the QImage from the numpy buffer it was built over.
        image = QImage(loaded.pixels.data, width, height, 3 * width,
                       QImage.Format.Format_RGB888).copy()
    return DecodedImage(Path(path), image, loaded.full_size, tuple(loaded.problems))


Decoder = Callable[[Path, int | None], DecodedImage]

_pool: QThreadPool | None = None


def _decode_pool() -> QThreadPool:
    """One pool for all image decoding, apart from the global pool that long jobs use."""
    global _pool
    if _pool is None:
        _pool = QThreadPool()
        _pool.setMaxThreadCount(max(2, QThread.idealThreadCount() // 2))
        atexit.register(_drain_pool)
    return _pool


def _drain_pool() -> None:
    """At exit, let running decodes finish while Python can still run them."""
    if _pool is not None:
        _pool.clear()
        _pool.waitForDone(5000)


class _Relay(QObject):
    """Carries a finished decode from a pool thread to the loader on the GUI thread."""

    done = Signal(object, int, object)  # key, task id, DecodedImage


class _DecodeTask(QRunnable):
    def __init__(self, relay: _Relay, key: Hashable, task_id: int, path: Path,
                 max_side: int | None, decode: Decoder) -> None:
        super().__init__()
        self._relay, self._key, self._task_id = relay, key, task_id
        self._path, self._max_side, self._decode = path, max_side, decode

    def run(self) -> None:
        try:
            result = self._decode(self._path, self._max_side)
        except Exception as exc:  # a decoder bug must reach the view, not kill the thread
            problem = Problem(str(self._path), "bad_image",
                              f"{self._path.name}: cannot be decoded ({exc})",
                              image=self._path.name)
            result = DecodedImage(self._path, None, (0, 0), (problem,))
        self._relay.done.emit(self._key, self._task_id, result)


class ImageLoader(QObject):
    """Loads images for keys (row ids, paths, ...) on pool threads, newest request first.

    ``request(key, path)`` returns a cached :class:`DecodedImage` at once, or schedules a
    decode and later emits ``ready(key, decoded)`` on the GUI thread. Requests waiting
    for a thread form a stack (the newest starts first, since it is what is on screen);
    beyond ``max_pending`` the oldest waiting ones are dropped (asking again requeues).
    """

    #: A decode finished: (key, DecodedImage). Emitted on the GUI thread.
    ready = Signal(object, object)

    def __init__(self, max_side: int | None, cache_bytes: int, max_threads: int = 2,
                 max_pending: int = 256, decode: Decoder = decode_image,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.max_side = max_side
        self.max_threads = max(1, int(max_threads))
        self.max_pending = max(1, int(max_pending))
        self.cache: ByteLruCache[DecodedImage] = ByteLruCache(cache_bytes, lambda d: d.nbytes)
        self._decode = decode
        self._pending: deque[tuple[Hashable, Path]] = deque()  # right end starts first
        self._running: dict[Hashable, int] = {}  # key -> id of the task decoding it
        self._next_task_id = 0
        # Parentless and referenced by every task, so it outlives a loader deleted while
        # its tasks still run; the queued connection dies with the loader.
        self._relay = _Relay()
        self._relay.done.connect(self._on_done, Qt.ConnectionType.QueuedConnection)

    def cached(self, key: Hashable) -> DecodedImage | None:
        """The cached result for ``key`` (marking it recently used), or None."""
        return self.cache.get(key)

    def request(self, key: Hashable, path: str | Path) -> DecodedImage | None:
        """The cached result for ``key``, or None after scheduling it ahead of all others."""
        cached = self.cache.get(key)
        if cached is not None:
            return cached
        if key not in self._running:
            self._remove_pending(key)
            self._pending.append((key, Path(path)))
            self._trim_pending()
            self._start_waiting()
        return None

    def prefetch(self, key: Hashable, path: str | Path) -> None:
        """Decode ``key`` into the cache after everything already asked for."""
        if key in self.cache or key in self._running or self._is_pending(key):
            return
        self._pending.appendleft((key, Path(path)))
        self._trim_pending()
        self._start_waiting()

    def cancel_pending(self) -> None:
        """Forget the requests still waiting for a thread (running decodes finish)."""
        self._pending.clear()

    def clear(self) -> None:
        """Empty the cache and forget all requests; results still in flight are dropped."""
        self._pending.clear()
        self._running.clear()
        self.cache.clear()

    @property
    def pending_count(self) -> int:
        return len(self._pending)

    @property
    def running_count(self) -> int:
        return len(self._running)

    # --- internals ---------------------------------------------------------------------
    def _is_pending(self, key: Hashable) -> bool:
        return any(k == key for k, _ in self._pending)

    def _remove_pending(self, key: Hashable) -> None:
        for item in self._pending:
            if item[0] == key:
                self._pending.remove(item)
                return

    def _trim_pending(self) -> None:
        while len(self._pending) > self.max_pending:
            self._pending.popleft()

    def _start_waiting(self) -> None:
        pool = _decode_pool()
        while self._pending and len(self._running) < self.max_threads:
            key, path = self._pending.pop()
            self._next_task_id += 1
            self._running[key] = self._next_task_id
            pool.start(_DecodeTask(self._relay, key, self._next_task_id, path,
                                   self.max_side, self._decode))

    @Slot(object, int, object)
    def _on_done(self, key: Hashable, task_id: int, result: DecodedImage) -> None:
        if self._running.get(key) != task_id:
            return  # cleared or superseded while decoding
        del self._running[key]
        self.cache.put(key, result)
        self._start_waiting()
        self.ready.emit(key, result)
