"""A throwaway PostgreSQL cluster for the team-mode tests, on a Unix socket in a temp dir.

``VOCGUI_TEST_POSTGRES`` names an existing server instead (a ``postgresql://`` URL whose
user may create databases). Otherwise the Debian/Ubuntu server binaries
(``/usr/lib/postgresql/<version>/bin``, package ``postgresql``) start a cluster of our
own; as root it runs as ``nobody`` (PostgreSQL refuses to run as root). It listens on no
TCP port, only on a socket in its folder. Also usable from a shell (CI, benchmarks):
``python tests/pg_cluster.py DIR`` starts one and prints its URL.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import sys
import uuid
from pathlib import Path
from urllib.parse import quote

ENV = "VOCGUI_TEST_POSTGRES"
HOW_TO = (f"needs a PostgreSQL server: install Debian's 'postgresql' package (its binaries in "
          f"/usr/lib/postgresql/*/bin start a throwaway cluster) or set {ENV} to a "
          "postgresql:// URL of a user that may create databases")
SUPERUSER = "vocgui"


def server_binaries() -> Path | None:
    """The newest PostgreSQL server's bin folder, or None."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"),
                   key=lambda p: int(Path(p).parent.parent.name))
    if found:
        return Path(found[-1]).parent
    pg_ctl = shutil.which("pg_ctl")
    return Path(pg_ctl).parent if pg_ctl else None


class Cluster:
    """One cluster in ``folder``: :meth:`start`, :meth:`stop` (as a crash or a clean
    shutdown), :meth:`url` of a database, :meth:`new_database`."""

    def __init__(self, folder: Path, binaries: Path) -> None:
        self.folder = Path(folder)
        self.data = self.folder / "data"
        self.socket_dir = self.folder / "socket"
        self.bin = binaries
        self._user = "nobody" if os.geteuid() == 0 else None

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        done = subprocess.run([str(self.bin / args[0]), *args[1:]], user=self._user,
                              capture_output=True, text=True, cwd=self.folder,
                              env={**os.environ, "LC_ALL": "C.UTF-8"})
        if check and done.returncode:
            raise RuntimeError(f"{args[0]} failed ({done.returncode}): {done.stderr.strip()}")
        return done

    def init(self) -> None:
        self.socket_dir.mkdir(parents=True, exist_ok=True)
        if self._user:
            uid = pwd.getpwnam(self._user).pw_uid
            for path in (self.folder, self.socket_dir):
                os.chown(path, uid, -1)
            os.chmod(self.folder, 0o755)
        self._run("initdb", "-D", str(self.data), "-U", SUPERUSER, "-A", "trust",
                  "-E", "UTF8", "--no-sync")
        with open(self.data / "postgresql.conf", "a") as conf:
            conf.write(f"listen_addresses = ''\nunix_socket_directories = '{self.socket_dir}'\n"
                       "fsync = on\nmax_connections = 100\nshared_buffers = 32MB\n")

    def start(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.folder / "server.log"),
                  "-w", "-t", "60", "start")

    def stop(self, mode: str = "fast") -> None:
        """Stop the server: 'fast' (clients disconnected) or 'immediate' (as a crash)."""
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop", check=False)

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://{SUPERUSER}@/{database}?host={quote(str(self.socket_dir), '')}"

    def new_database(self, prefix: str = "t") -> str:
        """A fresh empty database; its URL."""
        return create_database(self.url(), prefix)


def create_database(admin_url: str, prefix: str = "t") -> str:
    """CREATE DATABASE with a unique name on the server of ``admin_url``; the new URL."""
    import psycopg
    from psycopg.conninfo import conninfo_to_dict, make_conninfo

    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    params = conninfo_to_dict(admin_url)
    params["dbname"] = name
    return url_of(make_conninfo(**params))


def url_of(conninfo: str) -> str:
    """A libpq key=value string as a postgresql:// URL."""
    from psycopg.conninfo import conninfo_to_dict

    params = conninfo_to_dict(conninfo)
    user = params.pop("user", "")
    dbname = params.pop("dbname", "postgres")
    query = "&".join(f"{k}={quote(str(v), '')}" for k, v in params.items())
    return f"postgresql://{quote(user, '')}@/{dbname}" + (f"?{query}" if query else "")


if __name__ == "__main__":
    binaries = server_binaries()
    if binaries is None:
        sys.exit(HOW_TO)
    cluster = Cluster(Path(sys.argv[1]), binaries)
    cluster.init()
    cluster.start()
    print(cluster.url())
