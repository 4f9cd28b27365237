"""Project locations on a PostgreSQL server: ``postgresql://`` URLs (no psycopg import).

A location is either a project file's path or such a URL. libpq's URL form applies:
``postgresql://user[:password]@host[:port]/database[?param=value...]``, e.g.
``postgresql://ann@db.lab.example/voc2012`` or, for a local server on a Unix socket,
``postgresql:///voc2012?host=/var/run/postgresql``. One database holds one project.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

SCHEMES = ("postgresql://", "postgres://")


def is_team_url(location: object) -> bool:
    """Whether ``location`` names a project on a PostgreSQL server."""
    return isinstance(location, str) and location.lower().startswith(SCHEMES)


def display_url(url: str) -> str:
    """``url`` without its password, for messages, titles and the Recent menu."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.rsplit("@", 1)
    user = netloc[0].split(":", 1)[0]
    return urlunsplit(parts._replace(netloc=f"{user}:***@{netloc[1]}"))


def shown_location(location: object) -> str:
    """A project's location as the user sees it: a URL without its password, or the
    file's path."""
    return display_url(location) if is_team_url(location) else str(location)


def team_anchor(url: str, runs_root: Path) -> Path:
    """The local stand-in for a team project's file: its runs live in ``<anchor>.runs``.

    Named by the database and a hash of the URL (without password), in ``runs_root``.
    """
    parts = urlsplit(display_url(url))
    database = re.sub(r"[^\w.-]", "_", parts.path.strip("/") or "postgres")
    key = hashlib.sha1(display_url(url).encode("utf-8")).hexdigest()[:12]
    return runs_root / f"{database}-{key}.vocgui"
