"""Who is editing: the one name the edit log, claims and agreement labels record.

Decided in one place for every store (SQLite or a server): the name given with
:func:`set_user` (the app's Team > User Name setting, tests), else the ``VOCGUI_USER``
environment variable, else the login name, else 'unknown'.
"""

from __future__ import annotations

import getpass
import os
from functools import cache

#: The environment variable that names the user (e.g. a shared login on a lab machine).
USER_ENV = "VOCGUI_USER"
#: Longest user name accepted (it is shown in table cells and filter captions).
MAX_USER_LENGTH = 64

_configured: str | None = None


def check_user_name(name: str) -> str:
    """``name`` stripped; ValueError (saying why) if it cannot name a user."""
    name = str(name).strip()
    if not name:
        raise ValueError("a user name cannot be empty")
    if len(name) > MAX_USER_LENGTH:
        raise ValueError(f"a user name has at most {MAX_USER_LENGTH} characters")
    if any(not c.isprintable() for c in name):
        raise ValueError("a user name cannot contain control characters")
    return name


def set_user(name: str | None) -> None:
    """Record edits as ``name`` from now on in this process; None goes back to
    ``VOCGUI_USER`` or the login name."""
    global _configured
    _configured = None if name is None else check_user_name(name)


def current_user() -> str:
    """The configured user name, else ``VOCGUI_USER``, else the login name."""
    if _configured is not None:
        return _configured
    from_env = os.environ.get(USER_ENV, "").strip()
    if from_env:
        try:
            return check_user_name(from_env)
        except ValueError:
            pass  # an unusable variable falls back to the login name
    return _login_name()


@cache
def _login_name() -> str:
    """The login name (looked up once: every edit records the user, and the lookup
    reads the password database)."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"
