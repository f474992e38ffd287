"""Helper processes that end when the process that started them ends, however it ends.

A poll's parser processes wait for work on a pipe that they themselves hold open, so a
poll killed with SIGKILL (an OOM kill, a systemd timeout) would leave them sleeping
forever, and cron would pile them up. `tie_to_parent()`, run first in each helper:

- on Linux asks the kernel to SIGKILL it when its parent dies (PR_SET_PDEATHSIG);
- everywhere, starts a daemon thread that waits on the parent's multiprocessing
  sentinel (readable, or signalled on Windows, once the parent is gone) and ends the
  process then. This covers systems without prctl, and a parent thread that exits.
"""

from __future__ import annotations

import os
import sys
import threading

_PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>


def _death_signal() -> None:
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes
        import signal

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)
    except (OSError, AttributeError):  # no libc prctl: the watcher thread alone
        pass


def _watch(sentinel: int) -> None:
    from multiprocessing.connection import wait

    try:
        wait([sentinel])  # returns when the parent has ended
    finally:
        os._exit(1)  # no cleanup to do: a helper holds nothing of the store


def tie_to_parent(parent_pid: int) -> None:
    """Make this helper process end when `parent_pid` (its parent) ends, and leave Ctrl-C
    to the parent (which stops the helpers) instead of printing a traceback of its own."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # drops a Ctrl-C held back since the fork
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})  # see fetching._Parsers
    _death_signal()
    if os.getppid() != parent_pid:  # the parent died before the death signal was set
        os._exit(1)
    import multiprocessing

    parent = multiprocessing.parent_process()
    sentinel = getattr(parent, "sentinel", None)
    if sentinel is not None:
        threading.Thread(target=_watch, args=(sentinel,), name="lifeline", daemon=True).start()
