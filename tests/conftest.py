"""Every test runs against its own store and config in tmp_path; nothing touches $HOME."""

from __future__ import annotations

import errno
import json
import os
import socket
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import typer.main
import typer.testing
from typer.testing import CliRunner, Result

from tracker.cli import app

LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}
_real_getaddrinfo = socket.getaddrinfo


def _local_only(host: Any, *args: Any, **kwargs: Any) -> Any:
    """Name resolution that refuses every host but this machine: tests never go online."""
    name = host.decode() if isinstance(host, bytes) else str(host)
    if name not in LOCAL_HOSTS:
        raise socket.gaierror(socket.EAI_NONAME, f"tests may not reach {name}")
    return _real_getaddrinfo(host, *args, **kwargs)


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point the store, the config and the platform dirs at tmp_path; no outside network."""
    monkeypatch.setattr(socket, "getaddrinfo", _local_only)
    monkeypatch.setenv("TRACKER_DB", str(tmp_path / "store.json"))
    # The built-in config subscribes new stores to real outlets: tests start with none.
    config = tmp_path / "test-config.toml"
    config.write_text("feeds = []\n")
    monkeypatch.setenv("TRACKER_CONFIG", str(config))
    monkeypatch.delenv("TRACKER_DEBUG", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "160")
    return tmp_path


@pytest.fixture
def db(isolated: Path) -> Path:
    return isolated / "store.json"


Run = Callable[..., Result]


_COMMAND = typer.main.get_command(app)


@pytest.fixture
def run(monkeypatch: pytest.MonkeyPatch) -> Run:
    """Invoke the CLI in-process: run("dispute", "list", "--json")."""
    # typer rebuilds the click command tree on every invoke (about 40 ms, most of a
    # test's time); the tree never changes, so build it once.
    monkeypatch.setattr(typer.testing, "_get_command",
                        lambda typer_app: _COMMAND if typer_app is app else
                        typer.main.get_command(typer_app))
    runner = CliRunner()

    def invoke(*args: str, input: str | None = None) -> Result:
        return runner.invoke(app, list(args), input=input)

    return invoke


@pytest.fixture
def seeded(run: Run, db: Path) -> Path:
    """A store holding the three seeded disputes."""
    result = run("init")
    assert result.exit_code == 0, result.stderr
    return db


def as_json(result: Result) -> Any:
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def refused(result: Result, db: Path, before: bytes, *needles: str, code: int = 2) -> str:
    """Check a command failed cleanly and return its stderr (whitespace folded).

    A refused command exits non-zero, explains itself on stderr, prints nothing on stdout
    and leaves the store byte-identical.
    """
    talk = " ".join(result.stderr.split())
    assert result.exit_code == code, (result.exit_code, result.stdout, result.stderr)
    assert result.stdout == ""
    assert "tracker: error:" in talk
    assert "Traceback" not in talk
    for needle in needles:
        assert needle in talk
    assert db.read_bytes() == before
    return talk


def enospc(*args: object, **kwargs: object) -> None:
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


class HalfWriter:
    """A temporary file that takes half the payload, then finds the disk full."""

    def __init__(self, fh):
        self.fh = fh

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.fh.close()

    def write(self, data):
        self.fh.write(data[: len(data) // 2])
        enospc()


# -- stores on every backend -------------------------------------------------------------------

PG_MISSING = ("PostgreSQL server binaries not found (install the distribution's 'postgresql' "
              "package): the PostgreSQL store tests did not run")


@pytest.fixture(scope="session")
def pg_server() -> Any:
    """One throwaway PostgreSQL server for the whole run (see tests/pgserver.py).

    Without the binaries the PostgreSQL tests are skipped, saying so; under CI=true a
    missing server fails them instead.
    """
    from tests import pgserver

    bindir = pgserver.binaries()
    missing = PG_MISSING if bindir is None else None
    try:
        import psycopg  # noqa: F401
    except ImportError:
        missing = ("psycopg is not installed (pip install -e '.[test]'): the PostgreSQL "
                   "store tests did not run")
    if missing:
        if pgserver.required():
            pytest.fail(f"{missing}; CI requires them", pytrace=False)
        pytest.skip(missing)
    assert bindir is not None
    server = pgserver.Server(bindir).start()
    yield server
    server.stop()


BACKENDS = ["file", "sqlite", "postgresql"]


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest, tmp_path: Path,
            monkeypatch: pytest.MonkeyPatch) -> str:
    """A location for a new store on each backend in turn; TRACKER_DB points at it."""
    if request.param == "file":
        where = str(tmp_path / "store.json")
    elif request.param == "sqlite":
        where = f"sqlite://{tmp_path / 'store.db'}"
    else:
        where = request.getfixturevalue("pg_server").database()
    monkeypatch.setenv("TRACKER_DB", where)
    return where
