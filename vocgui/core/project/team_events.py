"""Other processes' edits of a team project, as they commit: LISTEN on the project's
channel (:data:`.pg_store.CHANNEL`) in a thread of its own, handing each note to a
callback.

A note is what :class:`.pg_store.PgStore` NOTIFYs with every committed edit: ``action``,
``edit`` (its edit-log id), ``rows`` (image ids, or None for "any row"), ``who`` and
``pid`` (the writer's server process, so a project skips its own edits). The callback
runs on the listener thread: the app hands the note to the GUI thread, which alone
touches the Project (:meth:`Project.apply_remote`).

The listener also watches the connection: when the server cannot be reached it calls
``on_status(False, reason)``, tries again every ``retry`` seconds, and on success calls
``on_status(True, "")`` and hands a note with ``action`` 'resync' (edits may have been
missed meanwhile: re-read everything).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable

import psycopg

from vocgui.core.project.pg_store import CHANNEL

#: The note handed after a reconnection: every row may have changed.
RESYNC = {"action": "resync", "edit": None, "rows": None, "who": "", "pid": None}


class TeamListener:
    """LISTEN to ``url``'s project; :meth:`start`, :meth:`stop`."""

    def __init__(self, url: str, on_note: Callable[[dict], None],
                 on_status: Callable[[bool, str], None] | None = None,
                 retry: float = 1.0) -> None:
        self.url = url
        self.on_note = on_note
        self.on_status = on_status or (lambda online, reason: None)
        self.retry = retry
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="vocgui-team-listener",
                                        daemon=True)
        #: Set once the first LISTEN is in place (tests wait for it).
        self.listening = threading.Event()

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def _run(self) -> None:
        online = True
        while not self._stop.is_set():
            try:
                with psycopg.connect(self.url, autocommit=True, connect_timeout=5,
                                     application_name="vocgui-listener") as conn:
                    conn.execute(f"LISTEN {CHANNEL}")
                    if not online:
                        online = True
                        self.on_status(True, "")
                        self.on_note(dict(RESYNC))
                    self.listening.set()
                    self._listen(conn)
            except psycopg.Error as exc:
                if online:
                    online = False
                    self.on_status(False, str(exc).strip().splitlines()[0] if str(exc)
                                   else type(exc).__name__)
                self._stop.wait(self.retry)

    def _listen(self, conn: psycopg.Connection) -> None:
        while not self._stop.is_set():
            # notifies() with a timeout returns after it, so stop() is seen within 0.5 s;
            # a dropped connection raises, and _run reconnects.
            for notify in conn.notifies(timeout=0.5, stop_after=100):
                try:
                    note = json.loads(notify.payload)
                except ValueError:
                    continue  # not one of ours
                self.on_note(note)
            conn.execute("SELECT 1")  # finds a dead server even when nothing is sent
