"""Where a dataset folder's project lives: the one rule the app and every subcommand use.

A VOC folder's project file is kept in the user's data folder (``VOCGUI_DATA_DIR``
overrides it), never inside the dataset, under a name keyed by the folder's absolute
path: ``<data>/projects/<folder name>-<12 hex digits>.vocgui``. So ``vocgui train DIR``
records its runs in the very project that ``vocgui DIR`` opens, and ``vocgui review DIR``
finds them. The demo dataset and its project live in the data folder too. A
``postgresql://`` URL is accepted wherever a project file is (a team project).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from pathlib import Path

from vocgui.core.project.data_folder import data_dir
from vocgui.core.project.errors import ProjectIOError
from vocgui.core.project.project import Project
from vocgui.core.project.team_url import is_team_url

PROJECT_SUFFIX = ".vocgui"
#: Hex digits of the folder path's hash in a project file's name.
_KEY_DIGITS = 12


def project_path_for_folder(folder: str | os.PathLike) -> Path:
    """The project file of VOC folder ``folder``, in the data folder (never in the dataset).

    Keyed by the folder's absolute path, so two folders with the same name do not clash.
    """
    folder = Path(folder).resolve()
    key = hashlib.sha1(str(folder).encode("utf-8")).hexdigest()[:_KEY_DIGITS]
    return data_dir() / "projects" / f"{folder.name}-{key}{PROJECT_SUFFIX}"


def demo_paths() -> tuple[Path, Path]:
    """(demo dataset folder, its project file), both in the data folder."""
    return data_dir() / "demo", data_dir() / f"demo{PROJECT_SUFFIX}"


def project_path_for(path: str | os.PathLike) -> Path | str:
    """The project ``path`` stands for: ``path`` itself unless it is a folder, whose
    project file is :func:`project_path_for_folder`; a ``postgresql://`` URL (a project
    on a server) stays the URL."""
    if is_team_url(path):
        return str(path)
    path = Path(path)
    return project_path_for_folder(path) if path.is_dir() else path


def open_project_for(path: str | os.PathLike, *, read_only: bool = False,
                     progress: Callable[[int, int], None] | None = None,
                     cancel: Callable[[], bool] | None = None,
                     on_create: Callable[[Path], None] | None = None,
                     project_file: str | os.PathLike | None = None,
                     follow_links: bool = False) -> Project:
    """Open the project ``path`` stands for: a project file, a VOC folder's project, or a
    ``postgresql://`` URL's project (made with ``vocgui project copy``).

    A folder without a project yet gets one made from its annotations (``progress`` and
    ``cancel`` go to the loader; ``on_create(project_file)`` is called first), unless
    ``read_only``: reading never writes, so it raises :class:`ProjectIOError` saying how
    to make one. ``project_file`` puts a folder's project there instead of the data
    folder. ``follow_links`` lets a new project's loader follow links that point outside
    the dataset (see :func:`vocgui.core.voc.load_voc`). Raises FileNotFoundError for a
    path that does not exist, and the :class:`ProjectError` subclasses of
    :meth:`Project.open`.
    """
    if is_team_url(path):  # a project on a server: it exists, or the server says so
        return Project.open(str(path), read_only=read_only)
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"{path}: no such project file or dataset folder")
    target = Path(project_file) if project_file and path.is_dir() else project_path_for(path)
    if target.is_file():
        return Project.open(target, read_only=read_only)
    if read_only:
        raise ProjectIOError(
            f"{path} has no vocgui project yet (it would be {target}); open the folder "
            "in the app or run 'vocgui train' on it first")
    if on_create is not None:
        on_create(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    return Project.create_from_voc(target, path, progress=progress, cancel=cancel,
                                   follow_links=follow_links)
