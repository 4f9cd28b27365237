"""The vocgui data folder (``VOCGUI_DATA_DIR`` overrides it)."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs


def data_dir() -> Path:
    """The vocgui data folder: project files of VOC folders, the demo, the app's settings,
    and the local run files of team projects."""
    override = os.environ.get("VOCGUI_DATA_DIR")
    return Path(override) if override else Path(platformdirs.user_data_dir("vocgui"))
