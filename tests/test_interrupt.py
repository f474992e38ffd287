"""Ctrl-C at any moment of a command ends it quietly (exit 130), never with a traceback."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time

import pytest

from tests import procs
from tests.feedserver import FeedServer, Route, rss
from tests.test_lifeline import alive, children, kill_all, until

# Moments after tracker's first instruction to interrupt at: the imports (~0.3 s), the
# store read, the output. They sweep the start-up; no result depends on how long anything
# takes. (Before its first instruction the interpreter is still starting; see README.)
MOMENTS = (0.0, 0.01, 0.03, 0.06, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5)
# What the console script does (import tracker._start, then main), saying when it began.
_SCRIPT = ("import sys, tracker._start as start; sys.stderr.write('STARTED\\n'); "
           "sys.stderr.flush(); sys.argv = ['tracker', *sys.argv[1:]]; start.main()")


def _interrupt_at(delay: float, *args: str) -> tuple[int, str]:
    child = subprocess.Popen([sys.executable, "-c", _SCRIPT, *args], cwd=procs.ROOT,
                             stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
    assert child.stderr is not None
    assert child.stderr.readline() == "STARTED\n"
    time.sleep(delay)
    child.send_signal(signal.SIGINT)
    _, err = child.communicate(timeout=30)
    return child.returncode, err


@pytest.mark.parametrize("delay", MOMENTS)
def test_ctrl_c_in_the_first_half_second_prints_no_traceback(run, seeded, delay):
    code, err = _interrupt_at(delay, "dispute", "list", "--json")
    assert "Traceback" not in err, err
    assert code in (0, 130), (code, err)  # 0: it had already finished
    if code == 130:
        assert "interrupted" in err


def test_a_ctrl_c_while_the_command_line_is_read_is_said_like_any_other(run, seeded):
    """typer turns a KeyboardInterrupt raised while it reads the command line (resolving
    the command imports its module) into a silent exit 130; under load the sweep above
    lands there now and then. Raised there on purpose, it must read as an interrupt."""
    code = ("import sys, typer.core as core\n"
            "def interrupted(*args, **kwargs):\n"
            "    raise KeyboardInterrupt\n"
            "core.TyperGroup.make_context = interrupted\n"
            "import tracker._start as start\n"
            "sys.argv = ['tracker', 'dispute', 'list', '--json']\n"
            "start.main()\n")
    done = subprocess.run([sys.executable, "-c", code], cwd=procs.ROOT, capture_output=True,
                          text=True, timeout=60, check=False)
    assert done.returncode == 130, done.stderr
    assert "interrupted; nothing was written" in done.stderr
    assert "Traceback" not in done.stderr and done.stdout == ""


def test_the_console_script_starts_with_the_handler():
    from importlib.metadata import entry_points

    (script,) = [e for e in entry_points(group="console_scripts") if e.name == "tracker"]
    assert script.value == "tracker._start:main"


def test_a_ctrl_c_reaching_a_parser_worker_before_it_is_set_up_is_left_to_the_poll(
        capfd, monkeypatch):
    """Ctrl-C reaches every process of the poll, so a worker too in the moment after its
    fork, before it ignores SIGINT (pressed twice, as people do). It must not take it
    there: no traceback of its own on the terminal, no broken pool, every feed parsed."""
    from tracker import fetching

    real_install = fetching._install

    def install(*args: object) -> None:  # the worker's first step: Ctrl-C arrives first
        for _ in range(2):
            os.kill(os.getpid(), signal.SIGINT)
        real_install(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(fetching, "_install", install)
    with FeedServer() as server:
        for i in range(8):  # enough feeds for workers
            server.routes[f"/f{i}"] = Route(rss([{"title": "t", "link": f"https://n.example/{i}"}]))
        results = fetching.fetch_all([fetching.Request(server.url(f"/f{i}")) for i in range(8)],
                                     fetching.Settings(workers=2))
    assert [r.outcome for r in results] == ["ok"] * 8, [r.error for r in results]
    assert "Traceback" not in capfd.readouterr().err


def test_ctrl_c_during_a_poll_stops_it_and_its_workers_quietly(run, seeded, isolated):
    from tests.test_lifeline import _configure

    _configure(isolated)
    held = threading.Event()
    with FeedServer() as server:
        for i in range(10):
            server.routes[f"/f{i}"] = Route(rss([{"title": "t", "link": f"https://n.example/{i}",
                                                  "description": "d"}]),
                                            hold=held if i % 2 else None)
            assert run("feed", "add", server.url(f"/f{i}"), "--no-check").exit_code == 0
        before = seeded.read_bytes()
        # In a process group of its own, which Ctrl-C at a terminal signals all at once:
        # signalled one by one, a worker could be gone (the poll shut it down) before its
        # turn came, when this test was slow to run (a machine under load).
        poll = subprocess.Popen([sys.executable, "-m", "tracker", "poll"], cwd=procs.ROOT,
                                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, start_new_session=True)
        workers: set[int] = set()
        try:
            assert until(lambda: len(children(poll.pid)) >= 2, 30), "the workers did not start"
            workers = children(poll.pid)  # both of `workers = 2`, each set up or not yet
            os.killpg(poll.pid, signal.SIGINT)
            _, err = poll.communicate(timeout=30)
        finally:
            held.set()
            kill_all(poll, workers)
    assert "Traceback" not in err, err
    assert poll.returncode == 130 and "interrupted" in err
    assert until(lambda: not any(alive(w) for w in workers), 5)
    assert seeded.read_bytes() == before  # the poll stopped before its merge
