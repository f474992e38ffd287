"""Where a poll's time goes: CPU per process and the main process's cProfile.

Usage: ``python bench/profile_poll.py [--feeds 200] [--entries 50] [--top 25]``

Starts the benchmark's feed server on 127.0.0.1, subscribes a fresh store to it and runs
a cold poll and then an all-304 poll in child processes. For each it prints the wall
time, the CPU of the main process and of its parser processes (getrusage), the CPU of
the server, and the main process's top functions by own time.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from feedserver import FeedServer
from run import BENCH_CONFIG, child_env, precompile

CHILD = """\
import cProfile, io, os, pstats, resource, sys
top = int(sys.argv[1])
sys.argv = ["tracker", "poll", "--json"]
from tracker.cli import app
profile = cProfile.Profile()
os.register_at_fork(after_in_child=profile.disable)  # profile the main process only
sys.stdout = open(os.devnull, "w")
profile.enable()
try:
    app()
except SystemExit:
    pass
profile.disable()
me = resource.getrusage(resource.RUSAGE_SELF)
kids = resource.getrusage(resource.RUSAGE_CHILDREN)
print(f"cpu: main {me.ru_utime + me.ru_stime:.2f} s, parser processes "
      f"{kids.ru_utime + kids.ru_stime:.2f} s", file=sys.stderr)
text = io.StringIO()
pstats.Stats(profile, stream=text).sort_stats("tottime").print_stats(top)
print(text.getvalue(), file=sys.stderr)
"""


def server_cpu() -> float:
    """CPU seconds this process (the feed server's threads) has used so far."""
    t = os.times()
    return t.user + t.system


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--feeds", type=int, default=200)
    ap.add_argument("--entries", type=int, default=50)
    ap.add_argument("--delay-ms", type=float, default=50.0)
    ap.add_argument("--top", type=int, default=25)
    ap.add_argument("--hosts", type=int, default=20, help="loopback hosts (20)")
    ap.add_argument("--mix", choices=["plain", "real"], default="real")
    args = ap.parse_args()
    precompile()
    with (
        FeedServer(args.feeds, args.entries, args.delay_ms, hosts=args.hosts,
                   mix=args.mix) as server,
        tempfile.TemporaryDirectory(prefix="bench-profile-") as d,
    ):
        tmp = Path(d)
        env = child_env(tmp, TRACKER_DB=str(tmp / "store.json"))
        (tmp / "feeds.opml").write_bytes(server.opml)
        tracker = [sys.executable, "-m", "tracker"]
        for argv in (["init"], ["feed", "import", str(tmp / "feeds.opml")]):
            subprocess.run(tracker + argv, env=env, check=True, capture_output=True)
        print(f"{args.feeds} feeds x {args.entries} entries on {server.hosts} hosts "
              f"({args.mix} shapes), {args.delay_ms:g} ms delay, "
              f"{os.cpu_count()} cores; tracker config:\n{BENCH_CONFIG}")
        for label in ("cold poll", "all-304 poll"):
            before, start = server_cpu(), time.perf_counter()
            done = subprocess.run([sys.executable, "-c", CHILD, str(args.top)], env=env,
                                  capture_output=True, text=True, check=False)
            wall = time.perf_counter() - start
            stats = server.stats.snapshot_and_reset()
            print(f"== {label}: {wall:.2f} s wall (exit {done.returncode}), "
                  f"feed server {server_cpu() - before:.2f} s CPU, at most "
                  f"{stats['max_inflight']} requests in flight, {stats['max_per_host']} per host")
            print(done.stderr)


if __name__ == "__main__":
    main()
