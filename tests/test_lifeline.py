"""A poll's parser processes end with the poll, even when it is killed with SIGKILL."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from tests import procs
from tests.feedserver import FeedServer, Route, rss

FEEDS = 10  # enough for the poll to parse in worker processes (8 or more)
ITEM = {"title": "A story", "link": "https://news.example/story", "description": "text",
        "pubDate": "Mon, 02 Nov 2026 10:00:00 GMT"}


def children(pid: int) -> set[int]:
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True,
                         text=True, check=False).stdout
    return {int(p) for p in out.split()}


def alive(pid: int) -> bool:
    """Running, and not a zombie waiting for a parent (init) to reap it."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def kill_all(proc: subprocess.Popen, workers: set[int]) -> None:
    """After a test, pass or fail: kill -9 the workers still alive (they hold `proc`'s
    pipes), then `proc`, and reap it."""
    for w in workers:
        if alive(w):
            os.kill(w, signal.SIGKILL)
    procs.kill(proc)


def until(condition, seconds: float) -> bool:
    """Whether `condition()` became true within `seconds` (checked every 50 ms)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return bool(condition())


def _configure(isolated: Path) -> None:
    config = Path(os.environ["TRACKER_CONFIG"])
    config.write_text("feeds = []\n[poll]\nworkers = 2\ntimeout = 60\n")


def test_a_poll_killed_while_its_workers_live_leaves_no_process(run, seeded, isolated):
    _configure(isolated)
    held = threading.Event()
    with FeedServer() as server:
        for i in range(FEEDS):  # half answer at once (workers start), half wait
            server.routes[f"/f{i}"] = Route(rss([{**ITEM, "link": f"https://n.example/{i}"}]),
                                            hold=held if i % 2 else None)
            assert run("feed", "add", server.url(f"/f{i}"), "--no-check").exit_code == 0
        poll = procs.spawn("poll", "--quiet")
        workers: set[int] = set()
        try:
            assert until(lambda: len(children(poll.pid)) >= 1, 30), "no worker started"
            workers = children(poll.pid)
            assert all(alive(w) for w in workers)
            os.kill(poll.pid, signal.SIGKILL)
            poll.wait(10)
            assert until(lambda: not any(alive(w) for w in workers), 5), \
                f"left behind: {[w for w in workers if alive(w)]}"
        finally:
            held.set()
            kill_all(poll, workers)


# The fallback without the kernel's help: the watcher thread on the parent's sentinel.
_PARENT = """
import concurrent.futures, os, sys, time
from tracker import lifeline

def init(parent):
    lifeline._death_signal = lambda: None  # as on a system without prctl
    lifeline.tie_to_parent(parent)

if __name__ == "__main__":
    pool = concurrent.futures.ProcessPoolExecutor(2, initializer=init, initargs=(os.getpid(),))
    print(*pool.map(os.getpid().__class__, [0, 0]), flush=True)  # the workers have started
    print("ready", flush=True)
    time.sleep(60)
"""


def test_without_the_death_signal_the_watcher_ends_the_worker(tmp_path):
    workers: set[int] = set()
    parent = subprocess.Popen([sys.executable, "-c", _PARENT], stdout=subprocess.PIPE,
                              cwd=procs.ROOT, text=True)
    try:
        assert parent.stdout is not None
        parent.stdout.readline()
        assert parent.stdout.readline().strip() == "ready"
        workers = children(parent.pid)
        assert workers and all(alive(w) for w in workers)
        os.kill(parent.pid, signal.SIGKILL)
        parent.wait(10)
        assert until(lambda: not any(alive(w) for w in workers), 5)
    finally:
        kill_all(parent, workers)
