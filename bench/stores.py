"""The store backends side by side on the same large store (file, SQLite, PostgreSQL).

Usage: ``python bench/stores.py [--articles 100000] [--feeds 2000] [--runs 3]
[--backends file,sqlite,postgresql] [--json FILE]``; run.py calls it as section ``g``.

One store of ``--articles`` articles (linked to the seeded disputes) and ``--feeds``
feeds is built once as a JSON file and copied with ``tracker store copy`` to SQLite and to
a throwaway PostgreSQL server (the tests' own, see tests/pgserver.py). Then, per
backend and interleaved, median of ``--runs`` whole-process runs:

- ``edit``: ``dispute edit nyt-v-openai --tag ...`` (one small change);
- ``list``: ``article list --dispute nyt-v-openai --limit 20 --json``;
- ``show``: ``dispute show nyt-v-openai --json``;
- ``poll``: ``poll --json`` where every feed answers 304 but one, which has one new entry.

Each figure is also given beyond ``tracker --version`` (the interpreter and the CLI's own
imports, which every command pays whatever the store): the goal for the SQL backends
is under 50 ms there for ``edit`` and ``list``, whatever the store's size.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT)]

from tracker import paths, storage  # noqa: E402
from tracker.models import Article, Feed, Link  # noqa: E402
from tracker.seed import seed_disputes  # noqa: E402

SLUGS = ["coda-v-openai", "getty-v-stability", "nyt-v-openai"]
ETAG = '"same"'


class Feeds(ThreadingHTTPServer):
    """``/f/{i}.xml`` answers 304 to the known ETag; ``/f/0.xml`` always has one new item."""

    daemon_threads = True
    request_queue_size = 512  # a poll opens many connections at once

    def __init__(self) -> None:
        self.fresh = 0
        self.lock = threading.Lock()
        super().__init__(("127.0.0.1", 0), _Handler)

    def url(self, i: int) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/f/{i}.xml"


class _Handler(BaseHTTPRequestHandler):
    server: Feeds

    def log_message(self, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        if self.path != "/f/0.xml" and self.headers.get("If-None-Match") == ETAG:
            self.send_response(304)
            self.send_header("ETag", ETAG)
            self.end_headers()
            return
        with self.server.lock:
            self.server.fresh += 1
            n = self.server.fresh
        body = (
            '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            "<title>Bench</title><link>https://bench.example/</link>"
            f"<item><title>New York Times presses OpenAI copyright lawsuit, report {n}"
            f"</title><link>https://bench.example/new-{os.getpid()}-{n}</link>"
            "<description>The lawsuit over training continues.</description>"
            f"<guid>new-{n}</guid></item></channel></rss>").encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/rss+xml; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def build(file_store: Path, n_articles: int, n_feeds: int, server: Feeds) -> None:
    """The big store as a JSON file: articles spread over the disputes, feeds all known."""
    rnd = random.Random(13)
    articles = []
    for i in range(n_articles):
        day = f"20{rnd.randint(24, 26)}-{rnd.randint(1, 12):02d}-{rnd.randint(1, 28):02d}"
        slugs = [s for s in SLUGS if rnd.random() < 0.4] or [rnd.choice(SLUGS)]
        articles.append(Article(
            url=f"https://outlet{i % 500}.example/2026/story-{i}", outlet=f"Outlet {i % 500}",
            title=f"Story {i} about the OpenAI copyright case and training data",
            summary="A summary of about the length that feeds give, " * 4, published=day,
            links=[Link(dispute=s, how="match", terms=["OpenAI"], at=f"{day}T12:00:00+00:00")
                   for s in slugs],
            feeds=[server.url(i % n_feeds)], first_seen=f"{day}T12:00:00+00:00",
            updated=f"{day}T12:00:00+00:00"))
    feeds = [Feed(url=server.url(i), etag=ETAG, added=f"2026-01-01T00:00:{i % 60:02d}",
                  last_polled="2026-11-01T00:00:00+00:00", last_status="ok")
             for i in range(n_feeds)]

    def fill(store: storage.Store) -> None:
        for d in seed_disputes():
            store.put_dispute(d)
        store.put_articles(articles)
        store.put_feeds(feeds)

    assert storage.create_store(file_store, fill)


# The store's own work for an edit and a listing, timed inside a fresh process after its
# imports (the driver's included): what start-up and rendering leave aside.
WORK = """
import sys, time
from tracker import core, paths, storage
where = paths.location(sys.argv[1])
if sys.argv[1].startswith("postgresql"):
    import psycopg  # noqa: F401
start = time.perf_counter()
if sys.argv[2] == "edit":
    with storage.open_store(where, write=True) as store:
        core.edit_dispute(store, "nyt-v-openai", changes={}, add_tags=[sys.argv[3]])
else:
    with storage.open_store(where) as store:
        core.list_articles(store, dispute="nyt-v-openai", limit=20)
print(time.perf_counter() - start)
"""


def work(where: str, what: str, tag: str, env: dict[str, str]) -> float:
    done = subprocess.run([sys.executable, "-c", WORK, where, what, tag], env=env,
                          capture_output=True, text=True, check=True)
    return float(done.stdout)


def timed(argv: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                          text=True, check=False)
    seconds = time.perf_counter() - start
    if done.returncode not in (0, 3):
        raise RuntimeError(f"{' '.join(argv[1:])} failed ({done.returncode}): "
                           f"{done.stderr.strip()[-300:]}")
    return seconds


def run(args: argparse.Namespace) -> dict[str, Any]:
    tracker = [sys.executable, "-m", "tracker"]
    backends = args.backends.split(",")
    results: dict[str, dict[str, list[float]]] = {b: {} for b in backends}
    with tempfile.TemporaryDirectory(prefix="bench-stores-") as d:
        tmp = Path(d)
        config = tmp / "config.toml"
        config.write_text("feeds = []\n")
        env = {**os.environ, "TRACKER_CONFIG": str(config), "PYTHONPATH": str(ROOT)}
        env.pop("TRACKER_DB", None)
        # Compile every module once, so that no timed run pays for it.
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "tracker")],
                       env=env, stdout=subprocess.DEVNULL, check=False)
        server = Feeds()
        threading.Thread(target=server.serve_forever, daemon=True).start()
        pg = None
        try:
            t0 = time.perf_counter()
            build(tmp / "store.json", args.articles, args.feeds, server)
            built = time.perf_counter() - t0
            where = {"file": str(tmp / "store.json"), "sqlite": f"sqlite://{tmp / 'store.db'}"}
            if "postgresql" in backends:
                from tests.pgserver import Server, binaries

                bindir = binaries()
                if bindir is None:
                    raise SystemExit("no PostgreSQL binaries: install 'postgresql' or pass "
                                     "--backends file,sqlite")
                pg = Server(bindir).start()
                where["postgresql"] = pg.database()
            copies = {}
            for b in backends:
                if b != "file":
                    t0 = time.perf_counter()
                    storage.copy_store(paths.location(where["file"]),
                                       paths.location(where[b]))
                    copies[b] = time.perf_counter() - t0
            baseline = [timed([*tracker, "--version"], env) for _ in range(args.runs)]
            bare = [timed([sys.executable, "-c", "pass"], env) for _ in range(args.runs)]
            for i in range(args.runs):
                for b in backends:
                    db = ["--db", where[b]]
                    steps = {
                        "edit": [*db, "dispute", "edit", "nyt-v-openai", "--tag", f"bench-{i}"],
                        "list": [*db, "article", "list", "--dispute", "nyt-v-openai",
                                 "--limit", "20", "--json"],
                        "show": [*db, "dispute", "show", "nyt-v-openai", "--json"],
                        "poll": [*db, "poll", "--json"],
                    }
                    for name, argv in steps.items():
                        results[b].setdefault(name, []).append(timed([*tracker, *argv], env))
                    for name in ("edit", "list"):
                        results[b].setdefault(f"{name}_work", []).append(
                            work(where[b], name, f"work-{i}", env))
        finally:
            server.shutdown()
            if pg is not None:
                pg.stop()
    store_mb = None
    return {"articles": args.articles, "feeds": args.feeds, "runs": args.runs,
            "build_seconds": round(built, 1), "copy_seconds": {k: round(v, 1)
                                                               for k, v in copies.items()},
            "python_start": statistics.median(bare),
            "tracker_version": statistics.median(baseline),
            "store_mb": store_mb,
            "median": {b: {k: statistics.median(v) for k, v in r.items()}
                       for b, r in results.items()}}


def table(report: dict[str, Any]) -> str:
    base = report["tracker_version"]
    names = ["edit", "list", "show", "poll"]
    lines = [f"stores: {report['articles']:,} articles, {report['feeds']:,} feeds, median of "
             f"{report['runs']}; `tracker --version` {base * 1000:.0f} ms, `python -c pass` "
             f"{report['python_start'] * 1000:.0f} ms",
             "",
             "| backend | " + " | ".join(names) + " |",
             "|---|" + "---|" * len(names)]
    for b, medians in report["median"].items():
        cells = [f"{medians[n] * 1000:.0f} ms (+{(medians[n] - base) * 1000:.0f})"
                 for n in names]
        lines.append(f"| {b} | " + " | ".join(cells) + " |")
    lines.append("")
    lines.append("(+N: beyond `tracker --version`, the start-up every command pays)")
    lines.append("")
    lines.append("the store's own work, inside the process after its imports (the SQL driver's "
                 "too): " + "; ".join(
                     f"{b} edit {m['edit_work'] * 1000:.1f} ms, list {m['list_work'] * 1000:.1f} ms"
                     for b, m in report["median"].items()))
    return "\n".join(lines)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--articles", type=int, default=100_000)
    ap.add_argument("--feeds", type=int, default=2000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--backends", default="file,sqlite,postgresql")
    ap.add_argument("--json", type=Path, help="also write the figures as JSON here")
    return ap.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    report = run(args)
    print(table(report))
    if args.json:
        args.json.write_text(json.dumps(report, indent=2) + "\n")


if __name__ == "__main__":
    main()
