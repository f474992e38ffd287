"""The tracker CLI in a child process that can stop at a named point, for the crash and
concurrency tests: `python -m tests.procs poll --json` with TRACKER_TEST_PAUSE=replace.

At a pause point the child writes `PAUSED <point>` on stderr and waits for a line on
stdin, so a test can kill it right there (kill -9) or let it go on. Points:

- `merge`: a poll has fetched everything and holds the store's writer lock;
- `fsync`: the new store is in its temporary file, not yet flushed to disk;
- `backup`: the previous generation is about to become `<name>.bak`;
- `replace`: the temporary file is about to be renamed over the store;
- `dir-fsync`: the rename is done, the directory not yet flushed.

`lock-wait` does not stop: the child announces `WAITING` the first time it finds the
store locked by someone else, and goes on waiting. Without TRACKER_TEST_PAUSE the child
is the plain CLI.
"""

from __future__ import annotations

import os
import select
import signal
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

PAUSE_ENV = "TRACKER_TEST_PAUSE"
ROOT = Path(__file__).resolve().parents[1]
WRITE_POINTS = ("fsync", "backup", "replace", "dir-fsync")


def _pause(point: str) -> None:
    sys.stderr.write(f"PAUSED {point}\n")
    sys.stderr.flush()
    sys.stdin.readline()


def _install(points: set[str]) -> None:
    from tracker import polling, storage
    from tracker.storage import locks

    store = Path(os.environ["TRACKER_DB"])
    bak = storage.backup_path(store)
    real_fsync, real_replace, real_merge = os.fsync, os.replace, polling.merge

    def once(point: str) -> bool:
        if point in points:
            points.discard(point)
            return True
        return False

    def fsync(fd: int) -> None:
        point = "dir-fsync" if stat.S_ISDIR(os.fstat(fd).st_mode) else "fsync"
        if once(point):
            _pause(point)
        real_fsync(fd)

    def replace(src: Any, dst: Any, **kwargs: Any) -> None:
        point = {bak: "backup", store: "replace"}.get(Path(dst))
        if point and once(point):
            _pause(point)
        real_replace(src, dst, **kwargs)

    def merge(*args: Any, **kwargs: Any) -> None:
        if once("merge"):
            _pause("merge")
        real_merge(*args, **kwargs)

    real_try_lock = locks._try_lock

    def try_lock(fd: int) -> bool:  # says WAITING the first time a lock is found taken
        taken = real_try_lock(fd)
        if not taken and once("lock-wait"):
            sys.stderr.write("WAITING\n")
            sys.stderr.flush()
        return taken

    os.fsync = fsync  # type: ignore[assignment]
    os.replace = replace  # type: ignore[assignment]
    polling.merge = merge  # type: ignore[assignment]
    locks._try_lock = try_lock  # type: ignore[assignment]


# -- used by the tests --------------------------------------------------------------------


def spawn(*args: str, pause: str = "", env: dict[str, str] | None = None) -> subprocess.Popen:
    """Start `tracker ARGS` (through this module when `pause` names points)."""
    child_env = {**os.environ, **(env or {}), PAUSE_ENV: pause}
    command = [sys.executable, "-m", "tests.procs" if pause else "tracker", *args]
    return subprocess.Popen(command, cwd=ROOT, env=child_env, stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def run(*args: str, env: dict[str, str] | None = None,
        timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """Run `tracker ARGS` to the end in a child process."""
    return subprocess.run([sys.executable, "-m", "tracker", *args], cwd=ROOT,
                          env={**os.environ, **(env or {})}, capture_output=True, text=True,
                          timeout=timeout, stdin=subprocess.DEVNULL)


def wait_for(proc: subprocess.Popen, marker: str, timeout: float = 30) -> None:
    """Read the child's stderr until a line starts with `marker`; fail if it ends first."""
    assert proc.stderr is not None
    seen: list[bytes] = []
    while True:
        ready, _, _ = select.select([proc.stderr], [], [], timeout)
        assert ready, f"no {marker!r} within {timeout}s; stderr so far: {seen}"
        line = proc.stderr.readline()
        assert line, f"the child ended (exit {proc.wait()}) before {marker!r}: {seen}"
        if line.decode().startswith(marker):
            return
        seen.append(line)


def resume(proc: subprocess.Popen) -> None:
    assert proc.stdin is not None
    proc.stdin.write(b"go\n")
    proc.stdin.flush()


def kill(proc: subprocess.Popen) -> None:
    """kill -9, and reap the child."""
    if proc.poll() is None:
        os.kill(proc.pid, signal.SIGKILL)
    proc.communicate()


def finish(proc: subprocess.Popen, timeout: float = 60) -> tuple[int, str, str]:
    out, err = proc.communicate(timeout=timeout)
    return proc.returncode, out.decode(), err.decode()


if __name__ == "__main__":
    wanted = {p for p in os.environ.get(PAUSE_ENV, "").split(",") if p}
    if wanted:
        _install(wanted)
    from tracker.cli import main

    sys.argv[0] = "tracker"
    main()
