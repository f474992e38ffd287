"""The file store's inter-process locks (tracker.storage.locks), between real processes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tracker.storage import locks

HOLD = """\
import sys
from tracker.storage import locks
lock = locks.Lock(sys.argv[1])
lock.acquire(5)
print("held", flush=True)
sys.stdin.readline()
"""

TRY = """\
import sys
from tracker.storage import locks
try:
    locks.Lock(sys.argv[1]).acquire(0)
except locks.LockTimeout:
    print("taken")
else:
    print("free")
"""


def other_process_finds(path: Path) -> str:
    return subprocess.run([sys.executable, "-c", TRY, str(path)], capture_output=True,
                          text=True, check=True).stdout.strip()


@pytest.fixture
def holder(tmp_path):
    path = tmp_path / "store.json.lock"
    proc = subprocess.Popen([sys.executable, "-c", HOLD, str(path)], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stdout.readline().strip() == "held"
    yield path, proc
    proc.kill()
    proc.wait()


def test_a_lock_held_elsewhere_is_refused_then_free_once_released(holder):
    path, proc = holder
    with pytest.raises(locks.LockTimeout):
        locks.Lock(str(path)).acquire(0)
    with pytest.raises(locks.LockTimeout):
        locks.Lock(str(path)).acquire(0.15)  # waits, then gives up
    proc.communicate("\n")  # the holder exits
    lock = locks.Lock(str(path))
    lock.acquire(0)
    assert other_process_finds(path) == "taken"
    lock.release()
    assert other_process_finds(path) == "free"


def test_a_holder_killed_with_sigkill_leaves_no_stale_lock(holder):
    path, proc = holder
    assert other_process_finds(path) == "taken"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert other_process_finds(path) == "free"


def test_release_frees_the_lock_though_a_forked_child_shares_the_file(tmp_path):
    # A poll forks its parser workers while it holds the poll lock.
    path = tmp_path / "poll.lock"
    lock = locks.Lock(str(path))
    lock.acquire(0)
    read, write = os.pipe()
    child = os.fork()
    if child == 0:  # the worker: holds the inherited descriptor until told to end
        os.close(write)
        os.read(read, 1)
        os._exit(0)
    os.close(read)
    try:
        lock.release()
        assert other_process_finds(path) == "free"
    finally:
        os.close(write)
        os.waitpid(child, 0)


def test_a_lock_file_that_cannot_be_made_is_an_os_error(tmp_path):
    with pytest.raises(OSError):
        locks.Lock(str(tmp_path / "missing-dir" / "x.lock")).acquire(0)
