"""How much of the benchmark's feed mix the fast reader takes, and whether it agrees.

Usage: ``python bench/coverage.py [--feeds 200] [--entries 50] [--mix real]`` (the
project's venv python: it imports the tracker). For every feed body of the mix it runs
tracker.feedxml.read and feedparser (through fetching.read_feedparser, the slow path the
poll would take), on the body as the poll's parse hands it on (after
fetching.decode_body), and prints one JSON object: feeds taken by the fast reader, how many of
those gave exactly feedparser's result, the shapes it declined, and the parse time of
each reader over all bodies (one process, no fetching).
"""

from __future__ import annotations

import argparse
import json
import time

from feedserver import build_feed


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--feeds", type=int, default=200)
    ap.add_argument("--entries", type=int, default=50)
    ap.add_argument("--mix", choices=["real", "plain"], default="real")
    args = ap.parse_args()

    from tracker import feedxml, fetching

    parse_date = fetching._date_parser()
    assert parse_date is not None, "feedparser's date parser is missing"
    feeds = [build_feed(1, i, args.entries, 10, args.mix) for i in range(args.feeds)]
    fetching.read_feedparser(feeds[0].body, feeds[0].content_type)  # imports, outside timing
    # What the poll's parse does: the body's charset settled first, then the fast reader.
    bodies = [fetching.decode_body(f.body, f.content_type) for f in feeds]
    start = time.perf_counter()
    fast = [feedxml.read(body, ctype, parse_date) for body, ctype in bodies]
    fast_seconds = time.perf_counter() - start
    start = time.perf_counter()
    slow = [fetching.read_feedparser(f.body, f.content_type)[0] for f in feeds]
    slow_seconds = time.perf_counter() - start
    taken = [i for i, f in enumerate(fast) if f is not None]
    identical = sum(fast[i] == slow[i] for i in taken)
    declined: dict[str, int] = {}
    for i, f in enumerate(fast):
        if f is None:
            declined[feeds[i].shape] = declined.get(feeds[i].shape, 0) + 1
    print(json.dumps({
        "feeds": len(feeds),
        "taken": len(taken),
        "identical": identical,
        "declined_shapes": declined,
        "fast_seconds": round(fast_seconds, 4),
        "feedparser_seconds": round(slow_seconds, 4),
    }))


if __name__ == "__main__":
    main()
