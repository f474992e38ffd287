"""Benchmark the tracker CLI against lemon24/reader, a feedparser floor and json.load.

Usage: ``python bench/run.py [--runs 3] [--skip-big] ...``; see bench/README.md.
Every figure is the wall-clock time of whole child processes (median of runs);
all traffic goes to a local feed server on 127.0.0.1.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from feedserver import FeedServer

BENCH = Path(__file__).resolve().parent
READER_VENV = BENCH / ".venv-reader"
TRACKER_VENV = BENCH / ".venv-tracker"
READER_POLL = BENCH / "reader_poll.py"
READER_PACKAGES = ["reader", "sgmllib3k"]  # reader's vendored feedparser imports `sgmllib`
GNU_TIME = Path("/usr/bin/time")
# A new section: a letter and name here, its runner in main(), its rows in build_rows (or,
# like matching and growth, its own script whose table is printed under the main one).
SECTIONS = {"a": "tracker", "b": "reader", "c": "floor", "d": "big", "e": "startup",
            "f": "matching", "g": "stores", "h": "coverage", "i": "growth"}
POLL_KEYS = (
    "feeds_ok",
    "feeds_failed",
    "feeds_not_modified",
    "entries_seen",
    "articles_new",
    "articles_attached",
)
IMPORT_BASELINE = "import typer, rich.table, tinydb"

FLOOR_CODE = """\
import pathlib, sys, time
bodies = [p.read_bytes() for p in sorted(pathlib.Path(sys.argv[1]).glob("*.xml"))]
import feedparser
start = time.perf_counter()
entries = sum(len(feedparser.parse(body).entries) for body in bodies)
print(time.perf_counter() - start, entries)
"""

RSS_HELPER = """\
import resource, subprocess, sys
rc = subprocess.call(sys.argv[2:])
with open(sys.argv[1], "w") as f:
    rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    f.write(f"Maximum resident set size (kbytes): {rss}\\n")
sys.exit(rc)
"""


class CommandFailed(Exception):
    """A child process failed; the message holds its exit status and stderr tail."""


@dataclass
class Outcome:
    """What one child process did."""

    argv: list[str]
    seconds: float
    returncode: int | None  # None: killed after the timeout
    stdout: str
    stderr: str
    max_rss_kb: int | None = None

    @property
    def ok(self) -> bool:
        """Whether the process exited 0."""
        return self.returncode == 0

    def describe(self) -> str:
        """Explain a failure, ending with the tail of stderr."""
        cmd = " ".join(self.argv)
        status = "timed out" if self.returncode is None else f"exited {self.returncode}"
        tail = "\n".join(self.stderr.strip().splitlines()[-12:])[-1500:]
        return f"`{cmd}` {status} after {self.seconds:.2f}s" + (f"\n{tail}" if tail else "")


@dataclass
class Measure:
    """Samples of one timed quantity (each sample a dict with at least "seconds")."""

    name: str
    samples: list[dict[str, Any]] = field(default_factory=list)
    error: str | None = None

    @property
    def median(self) -> float | None:
        """Median seconds, or None if the measure failed or has no samples."""
        if self.error or not self.samples:
            return None
        return float(statistics.median(s["seconds"] for s in self.samples))

    def fail(self, message: str) -> None:
        """Record the first failure."""
        self.error = self.error or message


@dataclass
class Row:
    """One line of the results table."""

    measure: str
    seconds: float | None
    value: str = ""
    goal: str = ""
    result: str = ""


@dataclass
class Tool:
    """How to set up a store and poll it with one feed reader."""

    name: str
    setup: Callable[[Path, Path], list[list[str]]]
    poll: Callable[[Path], list[str]]
    check: Callable[[str, dict[str, Any] | None, FeedServer], list[str]]


@dataclass
class Bench:
    """Options plus everything measured so far."""

    args: argparse.Namespace
    measures: dict[str, Measure] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def measure(self, name: str) -> Measure:
        """Get or create the measure called ``name``."""
        return self.measures.setdefault(name, Measure(name))

    def run(self, argv: list[str], env: dict[str, str], **kwargs: Any) -> Outcome:
        """Run a child with the configured timeout."""
        return run(argv, env, self.args.timeout, **kwargs)


def run(
    argv: list[str],
    env: dict[str, str],
    timeout: float,
    *,
    discard_stdout: bool = False,
    measure_rss: bool = False,
) -> Outcome:
    """Run ``argv`` to completion, timing it with perf_counter (and its peak RSS if asked)."""
    rss_file = None
    full = argv
    if measure_rss:
        fd, rss_name = tempfile.mkstemp(prefix="bench-rss-")
        os.close(fd)
        rss_file = Path(rss_name)
        if GNU_TIME.exists():
            full = [str(GNU_TIME), "-v", "-o", rss_name, *argv]
        else:
            full = [sys.executable, "-c", RSS_HELPER, rss_name, *argv]
    stdout = subprocess.DEVNULL if discard_stdout else subprocess.PIPE
    start = time.perf_counter()
    try:
        proc = subprocess.Popen(
            full,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=stdout,
            stderr=subprocess.PIPE,
            text=True,
            errors="replace",
            start_new_session=True,
        )
    except OSError as exc:
        return Outcome(argv, time.perf_counter() - start, 127, "", str(exc))
    returncode: int | None
    try:
        out, err = proc.communicate(timeout=timeout)
        returncode = proc.returncode
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        out, err = proc.communicate()
        returncode = None
    seconds = time.perf_counter() - start
    max_rss = None
    if rss_file is not None:
        found = re.search(r"Maximum resident set size \(kbytes\): (\d+)", rss_file.read_text())
        max_rss = int(found.group(1)) if found else None
        rss_file.unlink()
    return Outcome(argv, seconds, returncode, out or "", err or "", max_rss)


def must(outcome: Outcome) -> Outcome:
    """Return a successful outcome, raise CommandFailed otherwise."""
    if not outcome.ok:
        raise CommandFailed(outcome.describe())
    return outcome


# The tracker's settings here: no built-in (internet) feeds in new stores; everything
# else stays at its default ([poll] concurrency and per_host included), as users run it.
BENCH_CONFIG = """feeds = []
"""


def child_env(tmp: Path, **extra: str) -> dict[str, str]:
    """Environment for children: no proxies, per-run XDG dirs and config, plus ``extra``."""
    env = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}
    env.update(NO_PROXY="127.0.0.1,localhost", no_proxy="127.0.0.1,localhost")
    for var in ("CONFIG", "DATA", "CACHE", "STATE"):
        env[f"XDG_{var}_HOME"] = str(tmp / "xdg" / var.lower())
    if "TRACKER_CONFIG" not in os.environ:
        config = tmp / "bench-config.toml"
        config.write_text(BENCH_CONFIG)
        env["TRACKER_CONFIG"] = str(config)
    env.update(extra)
    return env


_INSTALLED: list[str] = []  # the installed tracker's command, once install_tracker has run


def tracker_argv() -> list[str]:
    """The tracker command: the one install_tracker made, else the script next to
    sys.executable (the development install), else ``python -m tracker``."""
    if _INSTALLED:
        return list(_INSTALLED)
    exe = Path(sys.executable).parent / "tracker"
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "tracker"]


def tracker_python() -> str:
    """The python of the tracker measured (for the references run beside it: the
    feedparser floor, json.load, the import baseline), so both start alike."""
    return str(TRACKER_VENV / "bin" / "python") if _INSTALLED else sys.executable


def install_tracker(b: Bench) -> None:
    """Install this checkout into bench/.venv-tracker as a user installs a tool (``pip
    install .``: not editable, byte-compiled by pip), so that it is measured as reader is,
    from its own venv. The editable development install adds its import hook to every
    start-up (about 10 ms of ``site``); ``--editable`` measures that one instead."""
    python = TRACKER_VENV / "bin" / "python"
    env = dict(os.environ)  # pip may need the proxy settings child_env() drops
    if not python.exists():
        print(f"creating {TRACKER_VENV} ...", file=sys.stderr)
        must(b.run([sys.executable, "-m", "venv", str(TRACKER_VENV)], env))
    print(f"pip install {BENCH.parent} into {TRACKER_VENV} ...", file=sys.stderr)
    must(b.run([str(python), "-m", "pip", "install", "-q", str(BENCH.parent)], env))
    # the same version number each time: reinstall the package itself, not its dependencies
    must(b.run([str(python), "-m", "pip", "install", "-q", "--force-reinstall", "--no-deps",
                str(BENCH.parent)], env))
    _INSTALLED[:] = [str(TRACKER_VENV / "bin" / "tracker")]


def tracker(db: Path, *args: str | Path) -> list[str]:
    """Build ``tracker --db DB ARGS...``."""
    return [*tracker_argv(), "--db", str(db), *map(str, args)]


def parse_json_stdout(text: str) -> dict[str, Any] | None:
    """Parse a JSON object from stdout (whole text, else its last line)."""
    for candidate in (text, text.strip().splitlines()[-1] if text.strip() else ""):
        try:
            value = json.loads(candidate)
        except ValueError:
            continue
        if isinstance(value, dict):
            return value
    return None


def count_lines(path: Path) -> int | None:
    """Number of lines in ``path``, or None if it does not exist."""
    if not path.exists():
        return None
    with path.open("rb") as f:
        return sum(1 for _ in f)


def expect(label: str, what: str, got: Any, want: Any) -> list[str]:
    """A warning if ``got`` differs from ``want``."""
    return [] if got == want else [f"{label}: {what} = {got}, expected {want}"]


def check_tracker(label: str, summary: dict[str, Any] | None, server: FeedServer) -> list[str]:
    """Sanity-check tracker's ``poll --json`` summary."""
    if summary is None:
        return [f"{label}: stdout was not a JSON object"]
    missing = [k for k in POLL_KEYS if k not in summary]
    if missing:
        return [f"{label}: summary lacks {', '.join(missing)}"]
    n = len(server.feeds)
    if label.endswith("304"):
        return expect(label, "feeds_not_modified", summary["feeds_not_modified"], n)
    return (
        expect(label, "feeds_ok", summary["feeds_ok"], n)
        + expect(label, "entries_seen", summary["entries_seen"], n * server.entries)
        + expect(label, "articles_attached", summary["articles_attached"], server.matching_entries)
    )


def check_reader(label: str, summary: dict[str, Any] | None, server: FeedServer) -> list[str]:
    """Sanity-check reader_poll.py's summary."""
    if summary is None:
        return [f"{label}: stdout was not a JSON object"]
    n = len(server.feeds)
    return expect(label, "entries", summary.get("entries"), n * server.entries) + expect(
        label, "feeds_broken", summary.get("feeds_broken"), 0
    )


def check_server(label: str, stats: dict[str, int], server: FeedServer) -> list[str]:
    """Check that every feed got the expected status during a pass."""
    status = "304" if label.endswith("304") else "200"
    return expect(label, f"HTTP {status} responses", stats[status], len(server.feeds))


def tracker_tool() -> Tool:
    """The tracker CLI under test."""
    return Tool(
        name="tracker",
        setup=lambda tmp, opml: [
            tracker(tmp / "store.json", "init"),
            tracker(tmp / "store.json", "feed", "import", opml),
        ],
        poll=lambda tmp: tracker(tmp / "store.json", "poll", "--json"),
        check=check_tracker,
    )


def reader_tool(python: Path) -> Tool:
    """lemon24/reader driven by reader_poll.py in its own venv."""
    return Tool(
        name="reader",
        setup=lambda tmp, opml: [
            [str(python), str(READER_POLL), str(tmp / "reader.sqlite"), "--import", str(opml)]
        ],
        poll=lambda tmp: [str(python), str(READER_POLL), str(tmp / "reader.sqlite")],
        check=check_reader,
    )


def ensure_reader_venv(b: Bench) -> Path:
    """Create bench/.venv-reader with reader installed if needed; return its python."""
    python = READER_VENV / "bin" / "python"
    env = dict(os.environ)  # pip may need the proxy settings child_env() drops
    if python.exists() and b.run([str(python), "-c", "import reader, sgmllib"], env).ok:
        return python
    if not python.exists():
        print(f"creating {READER_VENV} ...", file=sys.stderr)
        must(b.run([sys.executable, "-m", "venv", str(READER_VENV)], env))
    print(f"pip install {' '.join(READER_PACKAGES)} into {READER_VENV} ...", file=sys.stderr)
    must(b.run([str(python), "-m", "pip", "install", "-q", *READER_PACKAGES], env))
    return python


def two_passes(b: Bench, tool: Tool, server: FeedServer, opml: Path) -> None:
    """(a)/(b) One run: a cold poll into a fresh store, then a poll where every feed
    answers 304. After a failure the tool takes no more runs (see bench_small)."""
    cold, warm = b.measure(f"{tool.name}_cold"), b.measure(f"{tool.name}_304")
    with tempfile.TemporaryDirectory(prefix=f"bench-{tool.name}-") as d:
        tmp = Path(d)
        try:
            for argv in tool.setup(tmp, opml):
                must(b.run(argv, child_env(tmp)))
        except CommandFailed as exc:
            cold.fail(str(exc))
            warm.fail(str(exc))
            return
        for measure, label in ((cold, "cold"), (warm, "304")):
            log = tmp / f"writes-{label}.log"
            server.stats.snapshot_and_reset()
            outcome = b.run(tool.poll(tmp), child_env(tmp, TRACKER_WRITE_LOG=str(log)))
            stats = server.stats.snapshot_and_reset()
            if not outcome.ok:
                measure.fail(outcome.describe())
                warm.fail(f"not run: {tool.name} cold poll failed")
                return
            summary = parse_json_stdout(outcome.stdout)
            name = f"{tool.name} {label}"
            b.warnings += tool.check(name, summary, server) + check_server(name, stats, server)
            measure.samples.append(
                {
                    "seconds": outcome.seconds,
                    "summary": summary,
                    "server": stats,
                    "store_writes": count_lines(log),
                }
            )


def fetch_all(urls: list[str]) -> list[bytes]:
    """GET every URL (16 at a time, bypassing any proxy) and return the bodies."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))

    def get(url: str) -> bytes:
        with opener.open(url, timeout=30) as response:
            body: bytes = response.read()
            return body

    with ThreadPoolExecutor(16) as pool:
        return list(pool.map(get, urls))


def floor_bodies(server: FeedServer, folder: Path) -> Path:
    """Fetch every feed body once into ``folder`` for the floor runs."""
    folder.mkdir()
    for i, body in enumerate(fetch_all([server.feed_url(i) for i in range(len(server.feeds))])):
        (folder / f"{i:05d}.xml").write_bytes(body)
    return folder


def floor_run(b: Bench, bodies: Path, server: FeedServer) -> None:
    """(c) One run of feedparser parsing every body in one process, divided by the cores."""
    floor = b.measure("floor")
    cpus = os.cpu_count() or 1
    outcome = b.run([tracker_python(), "-c", FLOOR_CODE, str(bodies)], child_env(bodies.parent))
    if not outcome.ok:
        floor.fail(outcome.describe())
        return
    parse_seconds, entries = outcome.stdout.split()
    expected = len(server.feeds) * server.entries
    b.warnings += expect("floor", "entries parsed", int(entries), expected)
    floor.samples.append(
        {
            "seconds": float(parse_seconds) / cpus,
            "parse_seconds": float(parse_seconds),
            "process_seconds": outcome.seconds,
            "cpus": cpus,
        }
    )


def bench_big(b: Bench) -> None:
    """(d) Build a store where every entry matches, then time reads against json.load."""
    poll = b.measure("big_poll")
    reads = {
        name: b.measure(name) for name in ("big_json_load", "big_dispute_list", "big_article_list")
    }
    with (
        FeedServer(b.args.big_feeds, b.args.entries, b.args.delay_ms, match_every=1) as server,
        tempfile.TemporaryDirectory(prefix="bench-big-") as d,
    ):
        tmp = Path(d)
        opml = tmp / "feeds.opml"
        opml.write_bytes(server.opml)
        for i in range(b.args.big_runs):
            store = tmp / f"run{i}"
            store.mkdir()
            try:
                build_big_store(b, server, store, opml, poll)
            except CommandFailed as exc:
                for measure in (poll, *reads.values()):
                    measure.fail(str(exc))
                return
        time_reads(b, store / "store.json", reads, child_env(store))


def build_big_store(b: Bench, server: FeedServer, store: Path, opml: Path, poll: Measure) -> None:
    """Init and subscribe a store in ``store``, then time the poll that fills it."""
    tool = tracker_tool()
    for argv in tool.setup(store, opml):
        must(b.run(argv, child_env(store)))
    log = store / "writes.log"
    server.stats.snapshot_and_reset()
    outcome = b.run(
        tool.poll(store), child_env(store, TRACKER_WRITE_LOG=str(log)), measure_rss=True
    )
    stats = server.stats.snapshot_and_reset()
    if not outcome.ok:
        poll.fail(outcome.describe())
        raise CommandFailed("not run: big poll failed")
    b.warnings += check_tracker("big cold", parse_json_stdout(outcome.stdout), server)
    db = store / "store.json"
    poll.samples.append(
        {
            "seconds": outcome.seconds,
            "summary": parse_json_stdout(outcome.stdout),
            "server": stats,
            "store_writes": count_lines(log),
            "max_rss_kb": outcome.max_rss_kb,
            "store_bytes": db.stat().st_size if db.exists() else None,
        }
    )


def time_reads(b: Bench, db: Path, reads: dict[str, Measure], env: dict[str, str]) -> None:
    """Time json.load, dispute list and article list on ``db``, interleaved, ``--runs`` times."""
    commands: dict[str, tuple[list[str], bool]] = {
        "big_json_load": (
            [tracker_python(), "-c", f"import json; json.load(open({str(db)!r}))"],
            False,
        ),
        "big_dispute_list": (tracker(db, "dispute", "list", "--json"), False),
        "big_article_list": (
            tracker(db, "article", "list", "--dispute", "nyt-v-openai", "--json"),
            True,
        ),
    }
    for _ in range(b.args.runs):
        for name, (argv, discard) in commands.items():
            if reads[name].error:
                continue
            outcome = b.run(argv, env, discard_stdout=discard)
            if outcome.ok:
                reads[name].samples.append({"seconds": outcome.seconds})
            else:
                reads[name].fail(outcome.describe())


def bench_startup(b: Bench) -> None:
    """(e) ``tracker dispute list`` on a small store vs importing typer, rich.table and tinydb."""
    startup, baseline = b.measure("startup"), b.measure("import_baseline")
    with tempfile.TemporaryDirectory(prefix="bench-startup-") as d:
        tmp = Path(d)
        env = child_env(tmp)
        db = tmp / "small.json"
        commands = [(baseline, [tracker_python(), "-c", IMPORT_BASELINE])]
        setup = b.run(tracker(db, "init"), env)
        if setup.ok:
            commands.append((startup, tracker(db, "dispute", "list")))
        else:
            startup.fail(setup.describe())
        for round_no in range(b.args.runs + 1):  # round 0 warms caches and is discarded
            for measure, argv in commands:
                outcome = b.run(argv, env)
                if not outcome.ok:
                    measure.fail(outcome.describe())
                elif round_no:
                    measure.samples.append({"seconds": outcome.seconds})


def ratio_row(b: Bench, label: str, num: str, den: str, den_label: str, limit: float) -> Row | None:
    """A row comparing the medians of two measures against a ratio goal."""
    if num not in b.measures:
        return None
    n, m = b.measures[num], b.measures.get(den)
    goal = f"<= {limit:.2f}x {den_label}"
    if n.median is None:
        return Row(label, None, "", goal, "ERROR")
    if m is None or m.median is None or m.median == 0:
        return Row(label, n.median, "n/a", goal, "n/a")
    ratio = n.median / m.median
    return Row(
        label, n.median, f"{ratio:.2f}x {den_label}", goal, "PASS" if ratio <= limit else "FAIL"
    )


def plain_row(b: Bench, label: str, name: str) -> Row | None:
    """A row with a measure's median and no goal."""
    if name not in b.measures:
        return None
    m = b.measures[name]
    return Row(label, m.median, "", "", "ERROR" if m.median is None else "")


def politeness_row(b: Bench) -> Row | None:
    """The most requests one host had in flight at once during the tracker's polls."""
    samples = [s for name in ("tracker_cold", "tracker_304") if name in b.measures
               for s in b.measures[name].samples]
    if not samples:
        return None
    most = max(s["server"].get("max_per_host", 0) for s in samples)
    total = max(s["server"].get("max_inflight", 0) for s in samples)
    return Row("tracker: most requests in flight", None, f"{most} per host, {total} in all",
               "<= 2 per host", "PASS" if most <= 2 else "FAIL")


def big_rows(b: Bench) -> list[Row]:
    """Rows for the big store's writes and memory."""
    poll = b.measures.get("big_poll")
    if poll is None:
        return []
    if poll.median is None:
        return [Row("big poll: store writes", None, "", "<= 5", "ERROR")]
    writes = [s["store_writes"] for s in poll.samples]
    rss = [s["max_rss_kb"] for s in poll.samples]
    if None in writes:
        write_row = Row("big poll: store writes", None, "n/a (no TRACKER_WRITE_LOG)", "<= 5", "n/a")
    else:
        worst = max(writes)
        write_row = Row(
            "big poll: store writes",
            None,
            f"{worst} writes",
            "<= 5",
            "PASS" if worst <= 5 else "FAIL",
        )
    rss_value = "n/a" if None in rss else f"{max(rss) / 1024:.0f} MiB"
    return [write_row, Row("big poll: peak RSS", None, rss_value, "", "")]


def build_rows(b: Bench) -> list[Row]:
    """Turn the measures into table rows, in report order."""
    a = b.args
    small = f"{a.feeds}x{a.entries}"
    big = f"{a.big_feeds}x{a.entries}"
    rows = [
        plain_row(b, f"reader cold poll ({small})", "reader_cold"),
        plain_row(b, "reader 304 poll", "reader_304"),
        plain_row(b, f"floor: feedparser / {os.cpu_count()} cpus", "floor"),
        ratio_row(b, f"tracker cold poll ({small})", "tracker_cold", "reader_cold", "reader", 0.3),
        ratio_row(b, "tracker cold poll vs floor", "tracker_cold", "floor", "floor", 1.5),
        ratio_row(b, "tracker 304 poll", "tracker_304", "reader_304", "reader", 0.5),
        politeness_row(b),
        plain_row(b, f"big poll ({big}, all match)", "big_poll"),
        *big_rows(b),
        plain_row(b, "big store: python json.load", "big_json_load"),
        ratio_row(
            b,
            "big store: dispute list --json",
            "big_dispute_list",
            "big_json_load",
            "json.load",
            1.0,
        ),
        ratio_row(
            b,
            "big store: article list nyt --json",
            "big_article_list",
            "big_json_load",
            "json.load",
            1.0,
        ),
        plain_row(b, f"python -c '{IMPORT_BASELINE}'", "import_baseline"),
        ratio_row(b, "start-up: tracker dispute list", "startup", "import_baseline", "import", 1.5),
        *coverage_rows(b),
    ]
    return [r for r in rows if r is not None]


def format_table(rows: list[Row]) -> str:
    """Render rows as an aligned text table."""
    header = ("measure", "median s", "ratio / value", "goal", "result")
    cells = [header] + [
        (r.measure, "-" if r.seconds is None else f"{r.seconds:.3f}", r.value, r.goal, r.result)
        for r in rows
    ]
    widths = [max(len(c[i]) for c in cells) for i in range(len(header))]
    lines = [
        "  ".join(
            c.rjust(w) if i == 1 else c.ljust(w)
            for i, (c, w) in enumerate(zip(cell, widths, strict=True))
        ).rstrip()
        for cell in cells
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def selected_sections(args: argparse.Namespace) -> set[str]:
    """Names of the sections to run, from --only / --skip-*."""
    chosen = set(SECTIONS.values())
    if args.only:
        chosen = set()
        for item in args.only.split(","):
            item = item.strip().lower()
            name = SECTIONS.get(item, item)
            if name not in SECTIONS.values():
                raise SystemExit(
                    f"--only: unknown section {item!r} (use {', '.join(SECTIONS)} or names)"
                )
            chosen.add(name)
    if args.skip_reader:
        chosen.discard("reader")
    if args.skip_big:
        chosen.discard("big")
    return chosen


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Parse the command line."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--feeds", type=int, default=200, help="feeds for the cold/304 polls (200)")
    ap.add_argument("--entries", type=int, default=50, help="entries per feed (50)")
    ap.add_argument("--runs", type=int, default=3, help="timed runs per measure (3)")
    ap.add_argument("--delay-ms", type=float, default=50.0, help="server delay per response (50)")
    ap.add_argument("--hosts", type=int, default=20,
                    help="loopback hosts the feeds are spread over (20: 127.0.0.2-21)")
    ap.add_argument("--mix", choices=["real", "plain"], default="real",
                    help="feed shapes: real (bench/shapes.py MIX) or plain RSS/Atom")
    ap.add_argument("--skip-reader", action="store_true", help="skip lemon24/reader (b)")
    ap.add_argument("--skip-big", action="store_true", help="skip the big store (d)")
    ap.add_argument("--big-feeds", type=int, default=2000, help="feeds in the big store (2000)")
    ap.add_argument("--big-runs", type=int, default=1, help="times to build the big store (1)")
    ap.add_argument(
        "--timeout", type=float, default=900.0, help="seconds before a child is killed (900)"
    )
    ap.add_argument(
        "--only",
        help="comma-separated sections: a/tracker, b/reader, c/floor, d/big, e/startup, "
        "f/matching, g/stores, h/coverage, i/growth",
    )
    ap.add_argument(
        "--out", type=Path, default=BENCH / "results" / "latest.json", help="JSON results file"
    )
    ap.add_argument("--editable", action="store_true",
                    help="measure the development install (this venv's tracker) instead of"
                         " installing the checkout into bench/.venv-tracker")
    args = ap.parse_args(argv)
    for name in ("feeds", "entries", "runs", "big_feeds", "big_runs"):
        if getattr(args, name) < 1:
            ap.error(f"--{name.replace('_', '-')} must be at least 1")
    return args


def bench_small(b: Bench, sections: set[str]) -> None:
    """Run sections a, b and c against one server of ``--feeds`` feeds.

    The runs are interleaved (tracker, reader, floor; then again), so that a machine that
    slows down or speeds up mid-benchmark shifts every measure alike, not the ratios.
    """
    tools = [tracker_tool()] if "tracker" in sections else []
    if "reader" in sections:
        try:
            tools.append(reader_tool(ensure_reader_venv(b)))
        except CommandFailed as exc:
            b.measure("reader_cold").fail(str(exc))
            b.measure("reader_304").fail(str(exc))
    with (
        FeedServer(b.args.feeds, b.args.entries, b.args.delay_ms, hosts=b.args.hosts,
                   mix=b.args.mix) as server,
        tempfile.TemporaryDirectory(prefix="bench-small-") as d,
    ):
        opml = Path(d) / "feeds.opml"
        opml.write_bytes(server.opml)
        bodies = floor_bodies(server, Path(d) / "bodies") if "floor" in sections else None
        for _ in range(b.args.runs):
            for tool in tools:
                failed = b.measure(f"{tool.name}_cold").error or b.measure(f"{tool.name}_304").error
                if not failed:
                    two_passes(b, tool, server, opml)
            if bodies is not None and not b.measure("floor").error:
                floor_run(b, bodies, server)


def bench_matching(b: Bench) -> str:
    """(f) bench/matching.py: 3 against 300 disputes, its own table (JSON beside --out)."""
    argv = [sys.executable, str(BENCH / "matching.py"), "--runs", str(b.args.runs),
            "--out", str(b.args.out.with_name("matching.json"))]
    done = subprocess.run(argv, capture_output=True, text=True, timeout=b.args.timeout)
    if done.returncode not in (0, 1):  # 1: a goal missed, shown in its table
        b.measure("matching").fail(done.stderr.strip()[-500:] or f"exit {done.returncode}")
    return done.stdout


def bench_stores(b: Bench) -> str:
    """(g) bench/stores.py: file, SQLite and PostgreSQL on one big store, its own table."""
    argv = [sys.executable, str(BENCH / "stores.py"), "--runs", str(b.args.runs),
            "--json", str(b.args.out.with_name("stores.json"))]
    done = subprocess.run(argv, capture_output=True, text=True, timeout=b.args.timeout)
    if done.returncode:
        b.measure("stores").fail(done.stderr.strip()[-500:] or f"exit {done.returncode}")
    return done.stdout


def bench_coverage(b: Bench) -> None:
    """(h) bench/coverage.py: the share of the feed mix the fast reader takes, and agrees on."""
    argv = [sys.executable, str(BENCH / "coverage.py"), "--feeds", str(b.args.feeds),
            "--entries", str(b.args.entries), "--mix", b.args.mix]
    outcome = b.run(argv, child_env(Path(tempfile.gettempdir())))
    summary = parse_json_stdout(outcome.stdout) if outcome.ok else None
    if summary is None:
        b.measure("coverage").fail(outcome.describe())
        return
    b.measure("coverage").samples.append({"seconds": summary["fast_seconds"], **summary})
    b.measure("coverage_feedparser").samples.append({"seconds": summary["feedparser_seconds"]})


def coverage_rows(b: Bench) -> list[Row]:
    """Rows for section h: the fast reader's share of the mix, and its speed."""
    m = b.measures.get("coverage")
    if m is None:
        return []
    if m.median is None:
        return [Row("fast reader: feeds of the mix it reads", None, "", ">= 80%, identical",
                    "ERROR")]
    s = m.samples[0]
    share = s["taken"] / s["feeds"]
    ok = share >= 0.8 and s["identical"] == s["taken"]
    declined = ", ".join(f"{k} {v}" for k, v in sorted(s["declined_shapes"].items())) or "none"
    return [
        Row(f"fast reader: feeds of the {b.args.mix} mix it reads", None,
            f"{s['taken']}/{s['feeds']} ({share:.0%}), {s['identical']} identical",
            ">= 80%, identical", "PASS" if ok else "FAIL"),
        Row("  declined (to feedparser)", None, declined),
        ratio_row(b, "fast reader parse time (all bodies)", "coverage", "coverage_feedparser",
                  "feedparser", 1.0) or Row("", None),
    ]


def bench_growth(b: Bench) -> str:
    """(i) bench/growth.py: the growth table (articles, disputes), JSON beside --out."""
    argv = [sys.executable, str(BENCH / "growth.py"), "--runs", str(b.args.runs),
            "--hosts", str(b.args.hosts), "--delay-ms", str(b.args.delay_ms),
            "--out", str(b.args.out.with_name("growth.json"))]
    done = subprocess.run(argv, capture_output=True, text=True, timeout=b.args.timeout * 4)
    if done.returncode != 0:
        b.measure("growth").fail(done.stderr.strip()[-500:] or f"exit {done.returncode}")
    return done.stdout


def precompile() -> None:
    """Byte-compile the tracker package, as `pip install` does for an installed tool.

    An editable install run with PYTHONDONTWRITEBYTECODE=1 (as on CI machines) would
    otherwise compile every module from source on every run, while the baseline's
    typer, rich and tinydb load from the .pyc files pip wrote.
    """
    code = "import pathlib, tracker; print(pathlib.Path(tracker.__file__).parent)"
    package = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                             check=True).stdout.strip()
    subprocess.run([sys.executable, "-m", "compileall", "-q", package], check=True)


def main(argv: list[str] | None = None) -> int:
    """Run the selected sections, print the table and write the JSON results."""
    b = Bench(parse_args(argv))
    precompile()
    sections = selected_sections(b.args)
    if not b.args.editable and sections & {"tracker", "floor", "big", "startup", "coverage"}:
        install_tracker(b)
    started = datetime.now(timezone.utc)
    if sections & {"tracker", "reader", "floor"}:
        bench_small(b, sections)
    if "big" in sections:
        bench_big(b)
    if "startup" in sections:
        bench_startup(b)
    if "coverage" in sections:
        bench_coverage(b)
    matching = bench_matching(b) if "matching" in sections else ""
    stores = bench_stores(b) if "stores" in sections else ""
    growth = bench_growth(b) if "growth" in sections else ""

    rows = build_rows(b)
    print(format_table(rows))
    if matching:
        print(f"\nmatching, 3 against 300 disputes (bench/matching.py):\n{matching}", end="")
    if stores:
        print(f"\nstore backends (bench/stores.py):\n{stores}", end="")
    if growth:
        print(f"\n{growth}", end="")
    errors: dict[str, list[str]] = {}
    for m in b.measures.values():
        if m.error:
            errors.setdefault(m.error, []).append(m.name)
    for error, names in errors.items():
        print(f"\n[{', '.join(names)}] {error}")
    for warning, count in Counter(b.warnings).items():
        print(f"warning: {warning}" + (f" (x{count})" if count > 1 else ""))

    results = {
        "meta": {
            "timestamp": started.isoformat(timespec="seconds"),
            "duration_seconds": round((datetime.now(timezone.utc) - started).total_seconds(), 1),
            "cpu_count": os.cpu_count(),
            "python": sys.version,
            "platform": platform.platform(),
            "tracker_command": tracker_argv(),
            "options": {k: str(v) if isinstance(v, Path) else v for k, v in vars(b.args).items()},
            "sections": sorted(sections),
        },
        "rows": [asdict(r) for r in rows],
        "measures": {
            m.name: {"median_seconds": m.median, "error": m.error, "runs": m.samples}
            for m in b.measures.values()
        },
        "warnings": b.warnings,
    }
    b.args.out.parent.mkdir(parents=True, exist_ok=True)
    b.args.out.write_text(json.dumps(results, indent=2) + "\n")
    print(f"\nresults written to {b.args.out}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
