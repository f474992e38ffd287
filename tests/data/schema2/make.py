"""Write the schema-2 stores of this directory with the tracker of commit f8878bd (the last
one keying feeds on their short id); tests/test_feed_identity.py opens them with today's.

    git archive f8878bd | tar -x -C /tmp/old
    PYTHONPATH=/tmp/old:. python tests/data/schema2/make.py tests/data/schema2

It subscribes to three feeds (plain, plain with an ETag, a docket feed) served on
127.0.0.1, adds an article by hand, polls twice (the second poll is all 304, noting its
checks under the feeds' ids), exports, and copies the store to SQLite to dump its rows.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

from tests.feedserver import FeedServer, Route, rss
from tests.test_sources import docket_feed, ten_entries

NYT = [{"title": "New York Times presses OpenAI over copyright in court",
        "link": "https://news.example.com/nyt-openai", "guid": "nyt-1",
        "description": "The Times says ChatGPT was trained on its articles.",
        "pubDate": "Mon, 02 Nov 2026 10:00:00 GMT"}]


def main(out: Path) -> None:
    work = Path(tempfile.mkdtemp())
    (work / "config.toml").write_text("feeds = []\n")  # none of the built-in real outlets
    env = {**os.environ, "HOME": str(work), "XDG_CONFIG_HOME": str(work / "config"),
           "TRACKER_CONFIG": str(work / "config.toml"),
           "XDG_DATA_HOME": str(work / "data"), "TRACKER_DB": str(work / "store.json")}

    def run(*args: str) -> str:
        done = subprocess.run([sys.executable, "-m", "tracker", *args], env=env, cwd=work,
                              capture_output=True, text=True, check=True)
        return done.stdout

    with FeedServer() as server:
        server.routes["/a"] = Route(rss(NYT))
        server.routes["/b"] = Route(rss(NYT, title="Second feed"), etag='"b1"')
        server.routes["/docket"] = Route(docket_feed(ten_entries()), etag='"d1"',
                                         content_type="application/atom+xml")
        run("init")
        run("feed", "add", server.url("/a"), "--no-check", "--name", "Plain")
        run("feed", "add", server.url("/b"), "--no-check")
        run("feed", "add", server.url("/docket"), "--no-check", "--kind", "docket",
            "--dispute", "nyt-v-openai")
        run("article", "add", "https://news.example/by-hand", "-d", "getty-v-stability")
        run("poll", "--quiet")
        server.routes["/a"] = Route(rss(NYT), etag='"a1"')
        run("poll", "--quiet")
        run("poll", "--quiet")
    for name in ("store.json", "store.json.checked"):
        (out / name).write_bytes((work / name).read_bytes())
    export = json.loads(run("export"))
    export.pop("exported_at")
    (out / "export.json").write_text(json.dumps(export, indent=1, sort_keys=True) + "\n")
    run("store", "copy", str(work / "store.json"), f"sqlite://{work / 'store.db'}")
    db = sqlite3.connect(work / "store.db")
    rows = {t: [list(r) for r in db.execute(f"SELECT * FROM {t} ORDER BY 1, 2")]
            for t in ("tracker_schema", "tracker_records", "tracker_links")}
    (out / "sql-rows.json").write_text(json.dumps(rows, indent=0, sort_keys=True) + "\n")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
