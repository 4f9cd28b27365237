"""Named failures of the project store; each message names the project file."""

from __future__ import annotations


class ProjectError(Exception):
    """Base class of every project-file failure a user may see."""


class NotAProjectError(ProjectError):
    """The file is not a vocgui project: not SQLite, damaged or truncated, or another app's."""


class NewerSchemaError(ProjectError):
    """The file was written by a newer vocgui; it is left untouched."""


class ProjectLockedError(ProjectError):
    """The project is open for editing in another vocgui process."""


class ProjectIOError(ProjectError):
    """Reading or writing the file failed (disk full, read-only, missing); nothing changed."""


class ExportError(ProjectError):
    """An export or import was refused (e.g. a target inside a dataset root); nothing written."""
