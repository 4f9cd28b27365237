"""Which store a location opens: a ``postgresql://`` URL a :class:`~.pg_store.PgStore`,
anything else a project file (:class:`~.store.Store`). psycopg is imported only for URLs."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from vocgui.core.project.building import write_new_project
from vocgui.core.project.schema import MIGRATIONS, Migration
from vocgui.core.project.store import Store
from vocgui.core.project.store_base import ProjectStore
from vocgui.core.project.team_url import is_team_url

Location = str | os.PathLike


def open_store(location: Location, read_only: bool = False,
               migrations: Sequence[Migration] = MIGRATIONS) -> ProjectStore:
    """Open the project at ``location`` (a file path or a postgresql:// URL)."""
    if is_team_url(location):
        from vocgui.core.project.pg_store import PgStore

        return PgStore.open(str(location), read_only=read_only, migrations=migrations)
    return Store.open(Path(location), read_only=read_only, migrations=migrations)


def write_new(location: Location, dataset) -> None:
    """Write a new project holding ``dataset`` at ``location`` (which must hold none)."""
    if is_team_url(location):
        from vocgui.core.project.pg_store import create_project

        create_project(str(location), dataset)
    else:
        write_new_project(Path(location), dataset)
