"""The growth table: the tracker's figures as the work grows, all sizes in one run.

    .venv/bin/python bench/growth.py [--runs 3] [--out bench/results/growth.json]

Two tables, every size side by side, measured interleaved (size by size within each
run), so a machine that slows down mid-run shifts every column alike:

- **articles** (1,000 / 10,000 / 100,000): a store built by polling 200 feeds on 20
  loopback hosts whose every entry names a seeded dispute (5, 50, 500 entries a feed);
  then an all-304 poll of the same feeds, `dispute list --json`, `article list --dispute
  nyt-v-openai --json`, and, as the reference, `python -c "json.load(open(store))"`;
- **disputes** (3 / 30 / 100 / 300, generated as in bench/matching.py): the cold poll of
  200 feeds x 50 entries in the benchmark's real-world mix on 20 hosts, and `rematch` of
  10,000 kept items.

Each row gets the law it follows, fitted to its own figures: "constant" when the largest
size takes at most 1.3x the smallest, else "linear" with its cost per 1,000 articles (or
per 100 disputes) above the smallest size's figure. The tracker runs on its defaults.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH.parent))
sys.path.insert(0, str(BENCH))

from feedserver import FeedServer  # noqa: E402
from matching import disputes, items  # noqa: E402
from run import child_env, parse_json_stdout, precompile, tracker  # noqa: E402

ARTICLES = (1_000, 10_000, 100_000)
DISPUTES = (3, 30, 100, 300)
FEEDS = 200


def timed(argv: list[Any], env: dict[str, str], *, quiet: bool = False) -> tuple[float, str]:
    """Seconds a child took, and its stdout; a failure stops the benchmark."""
    start = time.perf_counter()
    argv = [str(a) for a in argv]
    done = subprocess.run(argv, env=env, stdin=subprocess.DEVNULL, text=True,
                          stdout=subprocess.DEVNULL if quiet else subprocess.PIPE,
                          stderr=subprocess.PIPE)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} exited {done.returncode}: {done.stderr[-800:]}")
    return seconds, done.stdout or ""


def law(sizes: tuple[int, ...], medians: list[float], unit: int, unit_name: str) -> str:
    """The law a row follows, fitted to its figures."""
    if medians[-1] <= 1.3 * medians[0]:
        return "constant"
    slope = (medians[-1] - medians[0]) / (sizes[-1] - sizes[0]) * unit
    return f"linear: +{slope * 1000:.1f} ms per {unit_name}"


class Table:
    """Rows of medians, one column per size."""

    def __init__(self, title: str, sizes: tuple[int, ...], unit: int, unit_name: str):
        self.title, self.sizes, self.unit, self.unit_name = title, sizes, unit, unit_name
        self.samples: dict[str, dict[int, list[float]]] = {}

    def add(self, measure: str, size: int, seconds: float) -> None:
        self.samples.setdefault(measure, {}).setdefault(size, []).append(seconds)

    def rows(self) -> list[dict[str, Any]]:
        out = []
        for measure, by_size in self.samples.items():
            medians = [statistics.median(by_size[s]) for s in self.sizes]
            out.append({"measure": measure, "medians": dict(zip(self.sizes, medians, strict=True)),
                        "ratio": medians[-1] / medians[0],
                        "law": law(self.sizes, medians, self.unit, self.unit_name),
                        "runs": {s: by_size[s] for s in self.sizes}})
        return out

    def render(self) -> str:
        head = ["measure", *(f"{s:,}" for s in self.sizes), "last/first", "law"]
        cells = [head] + [[r["measure"], *(f"{r['medians'][s]:.3f}s" for s in self.sizes),
                           f"{r['ratio']:.2f}x", r["law"]] for r in self.rows()]
        widths = [max(len(c[i]) for c in cells) for i in range(len(head))]
        lines = ["  ".join(c.rjust(w) if 0 < i < len(head) - 1 else c.ljust(w)
                           for i, (c, w) in enumerate(zip(row, widths, strict=True))).rstrip()
                 for row in cells]
        lines.insert(1, "  ".join("-" * w for w in widths))
        return f"{self.title}\n" + "\n".join(lines)


def store_location(tmp: Path, backend: str) -> Any:
    """The --db value for a store of `backend` in `tmp`."""
    return tmp / "store.json" if backend == "file" else f"sqlite://{tmp / 'store.db'}"


def article_tables(args: argparse.Namespace, table: Table) -> None:
    """Build one store per size and backend, then time the reads and the all-304 poll,
    interleaved."""
    with ExitStack() as stack:
        stores: dict[tuple[int, str], tuple[Any, dict[str, str]]] = {}
        for size, backend in ((s, b) for s in ARTICLES for b in args.backends):
            server = stack.enter_context(FeedServer(
                FEEDS, size // FEEDS, args.delay_ms, match_every=1, hosts=args.hosts))
            tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="bench-grow-")))
            db, env = store_location(tmp, backend), child_env(tmp)
            (tmp / "feeds.opml").write_bytes(server.opml)
            timed(tracker(db, "init"), env)  # the three seeded disputes
            timed(tracker(db, "feed", "import", tmp / "feeds.opml"), env)
            seconds, out = timed(tracker(db, "poll", "--json"), env)
            summary = parse_json_stdout(out) or {}
            if summary.get("articles_new") != size:
                print(f"warning: the {size:,} store has {summary.get('articles_new')} articles",
                      file=sys.stderr)
            table.add(f"[{backend}] poll that builds the store (cold)", size, seconds)
            stores[size, backend] = db, env
        for _ in range(args.runs):
            for (size, backend), (db, env) in stores.items():
                if backend == "file":
                    load = [sys.executable, "-c", f"import json; json.load(open({str(db)!r}))"]
                    table.add("[file] reference: python json.load of the store", size,
                              timed(load, env)[0])
                table.add(f"[{backend}] all-304 poll (200 feeds, 20 hosts)", size,
                          timed(tracker(db, "poll", "--json"), env)[0])
                table.add(f"[{backend}] dispute list --json", size,
                          timed(tracker(db, "dispute", "list", "--json"), env, quiet=True)[0])
                table.add(f"[{backend}] article list --dispute nyt-v-openai --json", size,
                          timed(tracker(db, "article", "list", "--dispute", "nyt-v-openai",
                                        "--json"), env, quiet=True)[0])


def store_with(db: Path, n: int, env: dict[str, str]) -> None:
    """A fresh store holding the seeded disputes and generated ones up to `n`."""
    timed(tracker(db, "init", "--empty"), env)
    from tracker.storage import open_store

    with open_store(db, write=True) as store:
        for d in disputes(n):
            store.put_dispute(d)


def dispute_tables(args: argparse.Namespace, table: Table) -> None:
    """The cold poll and the rematch with 3 ... 300 disputes, interleaved by size."""
    texts = items(10_000)
    seen = time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime())
    kept = {f"k{i:05d}": {"url": f"https://example.com/{i}", "title": t, "summary": s,
                          "feeds": ["https://example.com/feed"], "language": "en",
                          "published": None, "outlet": "example.com", "seen": seen}
            for i, (t, s) in enumerate(texts)}
    with FeedServer(FEEDS, 50, args.delay_ms, hosts=args.hosts, mix="real") as server, \
            tempfile.TemporaryDirectory(prefix="bench-grow-") as d:
        opml = Path(d) / "feeds.opml"
        opml.write_bytes(server.opml)

        def poll(n: int, tmp: Path) -> float:
            db, env = tmp / "store.json", child_env(tmp)
            store_with(db, n, env)
            timed(tracker(db, "feed", "import", opml), env)
            return timed(tracker(db, "poll", "--json"), env)[0]

        def rematch(n: int, tmp: Path) -> float:
            from tracker.storage import open_store

            db, env = tmp / "store.json", child_env(tmp)
            store_with(db, n, env)
            with open_store(db, write=True) as store:
                store.put_entries(kept)
            return timed(tracker(db, "rematch", "--json"), env)[0]

        jobs: dict[str, Callable[[int, Path], float]] = {
            "cold poll 200x50 (real mix, 20 hosts)": poll,
            "rematch 10,000 kept items": rematch}
        for _ in range(args.runs):
            for n in DISPUTES:
                for measure, job in jobs.items():
                    with tempfile.TemporaryDirectory(prefix="bench-grow-") as t:
                        table.add(measure, n, job(n, Path(t)))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=3, help="timed runs per figure (3)")
    ap.add_argument("--hosts", type=int, default=20, help="loopback hosts (20)")
    ap.add_argument("--delay-ms", type=float, default=50.0, help="server delay (50)")
    ap.add_argument("--only", choices=["articles", "disputes"], help="one table only")
    ap.add_argument("--backends", type=lambda v: v.split(","), default=["file", "sqlite"],
                    help="store backends for the article table (file,sqlite)")
    ap.add_argument("--out", type=Path, help="also write the rows as JSON here")
    args = ap.parse_args(argv)
    precompile()
    tables = []
    if args.only != "disputes":
        t = Table("growth with articles (columns: articles in the store)", ARTICLES, 1000,
                  "1k articles")
        article_tables(args, t)
        tables.append(t)
    if args.only != "articles":
        t = Table("growth with disputes (columns: disputes in the store)", DISPUTES, 100,
                  "100 disputes")
        dispute_tables(args, t)
        tables.append(t)
    print("\n\n".join(t.render() for t in tables))
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps({t.title: t.rows() for t in tables}, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
