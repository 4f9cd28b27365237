"""Opening a project off the GUI thread: a VOC folder, a project file or the demo dataset.

``open_target`` does the work (plain Python, callable from any thread); ``ProjectLoader``
runs it in a ``QThread`` and reports progress, the project, a failure or a cancel as Qt
signals on the GUI thread.
"""

from __future__ import annotations

import logging
import shutil
import threading
import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, QThread, Signal

from vocgui.core.project import Project, ProjectError
from vocgui.core.project.location import (
    PROJECT_SUFFIX,
    demo_paths,
    open_project_for,
)
from vocgui.core.project.team_url import display_url, is_team_url
from vocgui.core.voc.dataset import LoadCancelled

log = logging.getLogger(__name__)

#: Images in the demo dataset made on first use.
DEMO_IMAGES = 600
#: Progress signals are sent at most this often (s): 17k per-file signals would flood the
#: GUI thread's event queue.
_PROGRESS_INTERVAL_S = 0.05

Progress = Callable[[int, int, str], None]


def open_target(target: Path | str | None, progress: Progress, cancel: Callable[[], bool],
                read_only: bool = False, follow_links: bool = False) -> Project:
    """Open ``target``: a project file, a VOC folder (its project file in the data folder is
    created on first use, or reopened) or, for None, the demo dataset (generated on first
    use). ``progress(done, total, what)``; raises LoadCancelled when ``cancel()`` says so.
    ``read_only`` opens without the editing lock and writes nothing, not even a new project.
    ``follow_links`` lets a new project follow links pointing outside its dataset.
    """
    if target is None and not read_only:
        return _open_demo(progress, cancel)
    if is_team_url(target):
        progress(0, 0, f"Opening {display_url(target)}")
        return open_project_for(target, read_only=read_only)
    target = demo_paths()[1] if target is None else Path(target)
    progress(0, 0, f"Opening {target.name}")
    return open_project_for(target, read_only=read_only, cancel=cancel,
                            follow_links=follow_links,
                            progress=lambda d, t: progress(d, t, "Reading annotations"))


def _open_demo(progress: Progress, cancel: Callable[[], bool]) -> Project:
    from vocgui.core.demo import DEMO_UNLABELED, write_demo  # only needed on first use

    root, project_path = demo_paths()
    if project_path.is_file():
        progress(0, 0, "Opening the demo project")
        return Project.open(project_path)
    if not root.is_dir():
        # Written beside its final place and renamed, so a cancelled or failed run never
        # leaves a half-written demo that looks complete.
        partial = root.with_name(root.name + ".partial")
        shutil.rmtree(partial, ignore_errors=True)

        def report(done: int, total: int) -> None:
            if cancel():
                raise LoadCancelled("demo generation cancelled")
            progress(done, total, "Generating the demo dataset")

        written = write_demo(partial, n_images=DEMO_IMAGES, n_unlabeled=DEMO_UNLABELED,
                             progress=report)
        written.rename(root)
    return Project.create_from_voc(
        project_path, root, progress=lambda d, t: progress(d, t, "Reading the demo dataset"),
        cancel=cancel)


def describe_failure(target: Path | None, exc: BaseException) -> str:
    """A message for the user: what was being opened and what went wrong."""
    what = "the demo dataset" if target is None else str(target)
    if isinstance(exc, ProjectError | OSError | ValueError):
        return f"Could not open {what}:\n{exc}"
    return f"Could not open {what}: unexpected {type(exc).__name__}: {exc}"


def is_openable(path: Path) -> bool:
    """Whether ``path`` is something the app opens: a folder or a project file."""
    return path.is_dir() or (path.is_file() and path.suffix == PROJECT_SUFFIX)


class ProjectLoader(QThread):
    """Runs ``open_target`` in a thread. Signals arrive on the GUI thread.

    One load at a time: ``start_loading`` while running is refused (returns False).
    """

    #: (done, total, what); total 0 means unknown.
    progress = Signal(int, int, str)
    #: The opened project (owned by the receiver from now on).
    loaded = Signal(object)
    #: A message for the user.
    failed = Signal(str)
    cancelled = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.target: Path | None = None
        self.read_only = False
        #: Follow links out of a dataset when making its project (the user's --follow-links).
        self.follow_links = False
        #: Why the last load failed (None if it did not), for a caller offering a way out.
        self.error: BaseException | None = None
        self._cancel = threading.Event()
        self._last_progress = 0.0

    def start_loading(self, target: Path | None, read_only: bool = False) -> bool:
        """Open ``target`` (see ``open_target``) in the background."""
        if self.isRunning():
            return False
        self.target = target
        self.read_only = read_only
        self.error = None
        self._cancel.clear()
        self.start()
        return True

    def cancel(self) -> None:
        """Ask the running load to stop; ``cancelled`` follows when it has."""
        self._cancel.set()

    def run(self) -> None:
        started = time.perf_counter()
        try:
            project = open_target(self.target, self._report, self._cancel.is_set,
                                  self.read_only, self.follow_links)
        except LoadCancelled:
            log.info("loading %s cancelled", self.target)
            self.cancelled.emit()
            return
        except Exception as exc:  # shown to the user, never a crash
            log.exception("could not open %s", self.target)
            self.error = exc
            self.failed.emit(describe_failure(self.target, exc))
            return
        if self._cancel.is_set():
            project.close()
            self.cancelled.emit()
            return
        log.info("opened %s in %.2f s", project.path, time.perf_counter() - started)
        self.loaded.emit(project)

    def _report(self, done: int, total: int, what: str) -> None:
        now = time.perf_counter()
        if now - self._last_progress >= _PROGRESS_INTERVAL_S or done == total:
            self._last_progress = now
            self.progress.emit(done, total, what)
