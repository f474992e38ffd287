"""A throwaway PostgreSQL server for the tests, from the distribution's binaries.

`Server.start()` runs initdb and pg_ctl into a temporary directory and listens on a Unix
socket only (no TCP port to collide on). PostgreSQL refuses to run as root, so under root
the server runs as the `postgres` user (or `nobody`) through setpriv. `Server.database()`
makes a fresh empty database and returns its URL.
"""

from __future__ import annotations

import glob
import itertools
import os
import pwd
import shutil
import subprocess
import tempfile
from pathlib import Path

CI_ENV = "CI"


def binaries() -> Path | None:
    """The directory holding initdb and pg_ctl, newest version first; None if absent."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                   key=lambda p: int(Path(p).parts[-3]) if Path(p).parts[-3].isdigit() else 0)
    if found:
        return Path(found[-1]).parent
    on_path = shutil.which("initdb")
    return Path(on_path).parent if on_path else None


def required() -> bool:
    """Under CI a missing server fails the run instead of skipping its tests."""
    return os.environ.get(CI_ENV, "").lower() in ("1", "true", "yes")


class Server:
    def __init__(self, bindir: Path) -> None:
        self.bindir = bindir
        self.root = Path(tempfile.mkdtemp(prefix="tracker-pg-"))
        self.data, self.sock = self.root / "data", self.root / "sock"
        self._names = itertools.count(1)
        self.user = None if os.geteuid() else self._unprivileged()

    @staticmethod
    def _unprivileged() -> pwd.struct_passwd:
        for name in ("postgres", "nobody"):
            try:
                return pwd.getpwnam(name)
            except KeyError:
                continue
        raise RuntimeError("running as root and no 'postgres' or 'nobody' user to run as")

    def _run(self, *args: str) -> subprocess.CompletedProcess[str]:
        cmd = list(args)
        if self.user is not None:
            cmd = ["setpriv", f"--reuid={self.user.pw_uid}", f"--regid={self.user.pw_gid}",
                   "--clear-groups", "--", *cmd]
        return subprocess.run(cmd, capture_output=True, text=True, check=False, timeout=120,
                              cwd=self.root, env={**os.environ, "LC_ALL": "C"})

    def start(self) -> Server:
        self.sock.mkdir()
        os.chmod(self.root, 0o755)
        if self.user is not None:
            for p in (self.root, self.sock):
                os.chown(p, self.user.pw_uid, self.user.pw_gid)
        init = self._run(str(self.bindir / "initdb"), "-D", str(self.data), "-A", "trust",
                         "-U", "tracker", "-E", "UTF8", "--locale=C", "--no-sync")
        if init.returncode:
            raise RuntimeError(f"initdb failed: {init.stderr.strip()[-500:]}")
        options = (f"-k {self.sock} -c listen_addresses='' -c fsync=off "
                   "-c full_page_writes=off -c max_connections=60")
        started = self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-w",
                            "-t", "60", "-l", str(self.root / "log"), "-o", options, "start")
        if started.returncode:
            log = (self.root / "log").read_text(errors="replace")[-800:] \
                if (self.root / "log").exists() else ""
            raise RuntimeError(f"pg_ctl start failed: {started.stderr.strip()} {log}")
        return self

    def url(self, dbname: str = "postgres", password: str | None = None) -> str:
        auth = f"tracker:{password}@" if password else "tracker@"
        return f"postgresql://{auth}/{dbname}?host={self.sock}"

    def database(self) -> str:
        """A new empty database; its URL."""
        import psycopg

        name = f"t{os.getpid()}_{next(self._names)}"
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')  # our own generated name
        return self.url(name)

    def stop(self) -> None:
        self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop")
        shutil.rmtree(self.root, ignore_errors=True)
