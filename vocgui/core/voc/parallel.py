"""Run a function over chunks of work, in worker processes when that pays off.

Parsing is CPU-bound Python, so threads would serialise on the GIL; worker processes
scale with cores. They are forked where the platform allows it (starting takes
milliseconds and the workers inherit the imported modules). The forked children only
run the chunk function, never the caller's other threads' code, which is why forking
from a program that runs threads (the Qt app) is safe here. Where only ``spawn`` exists
a worker costs a fresh interpreter, so processes are used only for much larger inputs.

Progress is reported and cancellation polled on the calling thread, between chunks and
at least every :data:`POLL_SECONDS` while chunks are running.

Workers die with the process that started them: when it is killed (SIGKILL gives it no
chance to stop its pool), the kernel kills them too on Linux (``PR_SET_PDEATHSIG``),
and elsewhere each worker notices within :data:`PARENT_POLL_SECONDS` that its parent is
gone and exits.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from typing import Any, TypeVar

from vocgui.core.voc.dataset import LoadCancelled

T = TypeVar("T")
ProgressCallback = Callable[[int, int], None]
CancelCallback = Callable[[], bool]

POLL_SECONDS = 0.05
PARENT_POLL_SECONDS = 0.5
_PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>
# Below this many items per extra worker, starting processes costs more than it saves.
_MIN_ITEMS_PER_WORKER = {"fork": 1500, "spawn": 15000}
_CHUNKS_PER_WORKER = 8
_CHUNK_LIMITS = (100, 2000)


def default_workers() -> int:
    """The number of CPU cores this process may use."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


def start_method() -> str:
    """``fork`` where available, else ``spawn``."""
    return "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"


def plan_chunks(items: Sequence[T], workers: int) -> tuple[list[list[T]], int]:
    """Split ``items`` into chunks and choose how many worker processes to use (1 = none)."""
    useful = max(1, min(workers, len(items) // _MIN_ITEMS_PER_WORKER[start_method()]))
    low, high = _CHUNK_LIMITS
    size = min(high, max(low, len(items) // (useful * _CHUNKS_PER_WORKER) + 1))
    chunks = [list(items[i:i + size]) for i in range(0, len(items), size)]
    return chunks, useful


def run_chunks(function: Callable[..., T], chunks: list[list[Any]], args: tuple[Any, ...],
               workers: int, progress: ProgressCallback | None = None,
               cancel: CancelCallback | None = None) -> list[T]:
    """``[function(chunk, *args) for chunk in chunks]``, in ``workers`` processes if > 1.

    ``progress(done_items, total_items)`` is called on this thread after each chunk;
    ``cancel()`` returning True raises :class:`LoadCancelled` (running chunks are
    abandoned, pending ones never start).
    """
    total = sum(len(chunk) for chunk in chunks)
    tracker = _Tracker(total, progress, cancel)
    tracker.start()
    if workers <= 1 or len(chunks) <= 1:
        results = []
        for chunk in chunks:
            results.append(function(chunk, *args))
            tracker.advance(len(chunk))
        return results
    context = multiprocessing.get_context(start_method())
    results_by_index: dict[int, T] = {}
    with ProcessPoolExecutor(workers, mp_context=context, initializer=die_with_parent,
                             initargs=(os.getpid(),)) as pool:
        futures: dict[Future[T], int] = {
            pool.submit(function, chunk, *args): index for index, chunk in enumerate(chunks)}
        pending = set(futures)
        try:
            while pending:
                finished, pending = wait(pending, timeout=POLL_SECONDS,
                                         return_when=FIRST_COMPLETED)
                done_items = 0
                for future in finished:
                    index = futures[future]
                    results_by_index[index] = future.result()
                    done_items += len(chunks[index])
                tracker.advance(done_items)
        except BaseException:
            pool.shutdown(wait=False, cancel_futures=True)
            raise
    return [results_by_index[index] for index in range(len(chunks))]


def die_with_parent(parent_pid: int) -> None:
    """Make this (worker) process exit when ``parent_pid``, its parent, dies."""
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    else:
        threading.Thread(target=_exit_when_orphaned, args=(parent_pid,), daemon=True,
                         name="vocgui-parent-watch").start()
    # The parent may have died before the line above took effect.
    if os.getppid() != parent_pid:
        os._exit(1)


def _exit_when_orphaned(parent_pid: int) -> None:
    while os.getppid() == parent_pid:
        time.sleep(PARENT_POLL_SECONDS)
    os._exit(1)


class _Tracker:
    """Counts finished items, reports progress and raises when cancel() says so."""

    def __init__(self, total: int, progress: ProgressCallback | None,
                 cancel: CancelCallback | None) -> None:
        self.done = 0
        self.total = total
        self.progress = progress
        self.cancel = cancel

    def start(self) -> None:
        if self.progress is not None:
            self.progress(0, self.total)
        self._check_cancel()

    def advance(self, items: int) -> None:
        """Count ``items`` more as done (0 while just polling)."""
        self.done += items
        if items and self.progress is not None:
            self.progress(self.done, self.total)
        self._check_cancel()

    def _check_cancel(self) -> None:
        if self.cancel is not None and self.cancel():
            raise LoadCancelled("loading was cancelled")
