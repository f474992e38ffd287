"""Inter-process locks on lock files, for the file store's writers and its poll.

On Linux and macOS a lock is `flock(2)` on an open lock file: the kernel drops it when
the holder exits, however it exits (kill -9 included), so a lock is never left stale.
That is all filelock does there too, but importing filelock 4 costs 15-25 ms (about a
tenth of a cron poll, more of a small edit), so on POSIX the tracker makes the call
itself; on Windows, where there is no flock, filelock does it.
"""

from __future__ import annotations

import os
import sys
import time
from typing import Any

POLL_INTERVAL = 0.05  # seconds between tries while waiting for a lock


class LockTimeout(Exception):
    """The lock was still held by another process when the wait ran out."""


def _try_lock(fd: int) -> bool:
    """One try to take the lock on `fd`, without waiting (tests wrap it to watch)."""
    import fcntl

    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def _open(path: str) -> int:
    return os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o644)


class Lock:
    """The lock on the file `path`: `acquire(timeout)`, then `release()`."""

    def __init__(self, path: str) -> None:
        self.path = path
        self._fd: int | None = None
        self._windows: Any = None

    def acquire(self, timeout: float) -> None:
        """Take the lock, waiting up to `timeout` seconds (0: one try). LockTimeout when
        another process keeps it; OSError when the lock file cannot be opened or made
        (a read-only directory, say)."""
        if sys.platform == "win32":  # pragma: no cover  # no flock there: filelock does it
            from filelock import FileLock, Timeout

            self._windows = FileLock(self.path, timeout=timeout)
            try:
                self._windows.acquire()
            except Timeout:
                raise LockTimeout(self.path) from None
            return
        fd = _open(self.path)
        try:
            deadline = time.monotonic() + timeout
            while not _try_lock(fd):
                left = deadline - time.monotonic()
                if left <= 0:
                    raise LockTimeout(self.path)
                time.sleep(min(POLL_INTERVAL, left))
        except BaseException:
            os.close(fd)
            raise
        self._fd = fd

    def release(self) -> None:
        if self._windows is not None:  # pragma: no cover
            self._windows.release()
            self._windows = None
        if self._fd is not None:
            import fcntl

            fd, self._fd = self._fd, None
            try:  # unlocked first: a forked parser worker shares the open file
                fcntl.flock(fd, fcntl.LOCK_UN)
            finally:
                os.close(fd)
