"""The project file (SQLite, WAL): images, labels, classes, review, edit log and runs.

See docs/architecture.md section 3 for the contract; :class:`Project` is the entry point.

- One ``.vocgui`` file (plus SQLite's ``-wal``/``-shm`` while open and a ``.lock`` sidecar)
  holds the roots, the loader's image and object tables, the ordered classes with
  colours, the labels as (image, class) pairs, review status and notes, the problems
  found at creation, the edit log (when, who, action, detail) and training runs (config,
  label snapshot, epoch metrics, model path, float32 predictions). The dataset folders are
  only read, never written.
- Every edit is one transaction with ``synchronous=FULL``: when the call returns it is on
  disk (surviving a kill or a power loss). ``schema_version`` + :data:`schema.MIGRATIONS`
  upgrade older files; a newer file is refused untouched.
- Exports (:mod:`.export`): CSV for ``flow_from_dataframe`` (``filename``, ``labels`` as a
  JSON list, ``split``), JSON lines, VOC ``ImageSets/Main/<class>_<split>.txt``; all
  written atomically. Imports (:mod:`.label_import`): a CSV of labels, one undoable step.
"""

from vocgui.core.project.change_events import ChangeEvent, RunEvent
from vocgui.core.project.errors import (
    NewerSchemaError,
    NotAProjectError,
    ProjectError,
    ProjectIOError,
    ProjectLockedError,
)
from vocgui.core.project.project import Project
from vocgui.core.project.runs import Predictions
from vocgui.core.project.schema import REVIEW_STATUSES, SCHEMA_VERSION
from vocgui.core.project.snapshot import LabelSnapshot

__all__ = [
    "ChangeEvent", "LabelSnapshot", "NewerSchemaError", "NotAProjectError", "Predictions",
    "Project", "ProjectError", "ProjectIOError", "ProjectLockedError", "REVIEW_STATUSES",
    "RunEvent", "SCHEMA_VERSION",
]
