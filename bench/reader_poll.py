"""Drive lemon24/reader for the benchmark (run with bench/.venv-reader's python).

``reader_poll.py DB --import OPML`` subscribes a fresh store to the OPML's feeds;
``reader_poll.py DB`` updates every feed once (workers=16, scheduled=False) and
prints a one-line JSON summary.
"""

from __future__ import annotations

import argparse
import json
import time

from reader import make_reader


def main() -> None:
    """Import feeds or run one update pass, per the command line."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("db", help="path of reader's SQLite store")
    ap.add_argument("--import", dest="opml", help="subscribe to this OPML file and exit")
    ap.add_argument("--workers", type=int, default=16)
    args = ap.parse_args()

    reader = make_reader(args.db)
    if args.opml:
        with open(args.opml, "rb") as f:
            reader.import_feeds(f)
        print(json.dumps({"feeds": reader.get_feed_counts().total}))
        return
    start = time.perf_counter()
    reader.update_feeds(workers=args.workers, scheduled=False)
    elapsed = time.perf_counter() - start
    feeds = reader.get_feed_counts()
    print(
        json.dumps(
            {
                "update_seconds": round(elapsed, 4),
                "feeds": feeds.total,
                "feeds_broken": feeds.broken,
                "entries": reader.get_entry_counts().total,
            }
        )
    )
    reader.close()


if __name__ == "__main__":
    main()
