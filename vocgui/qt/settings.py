"""The desktop app's settings (recent projects, shortcuts).

Where project files live is decided in :mod:`vocgui.core.project.location`, for the app
and the CLI alike. ``VOCGUI_DATA_DIR`` (environment) moves the settings into that data
folder too: tests and benchmarks use it so they never touch the user's real settings.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from PySide6.QtCore import QSettings

from vocgui.core.project.location import data_dir
from vocgui.core.project.team_url import display_url, is_team_url

#: Default keys toggling the first ten classes (class 1 .. class 10).
DEFAULT_CLASS_KEYS = ("1", "2", "3", "4", "5", "6", "7", "8", "9", "0")
_MAX_RECENT = 10


def _key(path: str) -> str:
    """A settings key for a file path (QSettings keys cannot hold slashes)."""
    return hashlib.sha1(path.encode("utf-8")).hexdigest()[:16]


class Settings:
    """The app's persistent settings (QSettings, or an ini file under VOCGUI_DATA_DIR)."""

    def __init__(self, qsettings: QSettings | None = None) -> None:
        if qsettings is None:
            if os.environ.get("VOCGUI_DATA_DIR"):
                qsettings = QSettings(str(data_dir() / "settings.ini"),
                                      QSettings.Format.IniFormat)
            else:
                qsettings = QSettings("vocgui", "vocgui")
        self.qsettings = qsettings

    def recent_projects(self) -> list[Path | str]:
        """Projects opened lately, most recent first: files (missing ones left out) and
        team projects' postgresql:// URLs (without passwords)."""
        value = self.qsettings.value("recent_projects", [])
        paths = [value] if isinstance(value, str) else list(value or [])
        return [p if is_team_url(p) else Path(p) for p in paths
                if is_team_url(p) or Path(p).is_file()]

    def add_recent(self, project_path: Path | str, shown_as: str | None = None) -> None:
        """Remember ``project_path`` (a file, or a team project's URL, kept without its
        password) as the last project opened, listed as ``shown_as`` (the dataset folder,
        for a project the app keeps in its data folder)."""
        path = (display_url(project_path) if is_team_url(project_path)
                else str(Path(project_path).resolve()))
        paths = [path] + [str(p) for p in self.recent_projects() if str(p) != path]
        self.qsettings.setValue("recent_projects", paths[:_MAX_RECENT])
        if shown_as:
            self.qsettings.setValue(f"recent_shown_as/{_key(path)}", shown_as)
        self.qsettings.sync()

    def recent_name(self, project_path: Path | str) -> str:
        """How Recent lists ``project_path``: its dataset folder, else the file's path."""
        value = self.qsettings.value(f"recent_shown_as/{_key(str(project_path))}")
        return str(value) if value else str(project_path)

    def last_project(self) -> Path | str | None:
        recent = self.recent_projects()
        return recent[0] if recent else None

    def class_keys(self) -> list[str]:
        """Keys toggling class 1..10, e.g. ['1', ..., '9', '0'] (customisable)."""
        value = self.qsettings.value("shortcuts/class_keys", list(DEFAULT_CLASS_KEYS))
        keys = [value] if isinstance(value, str) else [str(k) for k in value or []]
        return keys if len(keys) == len(DEFAULT_CLASS_KEYS) else list(DEFAULT_CLASS_KEYS)

    def set_class_keys(self, keys: list[str]) -> None:
        if len(keys) != len(DEFAULT_CLASS_KEYS) or len(set(keys)) != len(keys):
            raise ValueError(f"need {len(DEFAULT_CLASS_KEYS)} distinct keys, got {keys!r}")
        self.qsettings.setValue("shortcuts/class_keys", list(keys))
        self.qsettings.sync()
