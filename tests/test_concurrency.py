"""Real processes at once, with real file locks: two polls, users editing while a poll
fetches or merges, an import during a poll. Nobody's changes are lost.

The poll is held where a test wants it by events, never by sleeping: inside fetching by a
feed route that waits on a threading.Event, inside the merge (holding the store's writer
lock) by a pause point of tests/procs.py. A waiting writer says `WAITING` when it finds
the lock taken, so a test knows it really waited.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests import procs
from tests.conftest import as_json
from tests.feedserver import FeedServer, Route, rss
from tracker import exchange
from tracker.models import Article, Link, now_iso
from tracker.storage import read_raw

STORIES = [{"title": f"New York Times sues OpenAI over copyright: filing {i}",
            "link": f"https://news.example/poll/{i}", "description": "ChatGPT training"}
           for i in range(20)]
MINE = "https://mine.example/hand-added"


class Held:
    """A feed route that, once requested, waits until the test lets it answer."""

    def __init__(self, body: bytes) -> None:
        self.arrived, self.release = threading.Event(), threading.Event()
        self.body = body

    def stream(self) -> Iterator[bytes]:
        self.arrived.set()
        self.release.wait(30)
        yield self.body


@pytest.fixture
def server(seeded, tmp_path, monkeypatch, run) -> Iterator[FeedServer]:
    config = tmp_path / "test-config.toml"
    config.write_text("feeds = []\n[store]\nlock_timeout = 30.0\n")  # waiting is allowed
    with FeedServer() as srv:
        yield srv


def subscribe(run, server: FeedServer, path: str, route: Route) -> None:
    server.routes[path] = route
    assert run("feed", "add", server.url(path), "--no-check").exit_code == 0


def poll_urls() -> set[str]:
    """The stories' canonical URLs: the store's keys for articles."""
    from tracker.urls import normalise_url

    return {normalise_url(s["link"]) for s in STORIES}


def stored(db: Path) -> dict[str, dict]:
    return read_raw(db)["articles"]


def test_a_second_poll_exits_75_at_once(run, seeded, server):
    held = Held(rss(STORIES))
    subscribe(run, server, "/slow", Route(stream=held.stream))
    first = procs.spawn("poll", "--json")
    try:
        assert held.arrived.wait(30)
        second = procs.run("poll")  # the first holds the poll lock while it fetches
        assert second.returncode == 75
        assert "a poll of" in second.stderr and "already running" in second.stderr
        assert "Traceback" not in second.stderr
        assert first.poll() is None  # it did not wait for the first one: that is still held
    finally:
        held.release.set()
    code, out, err = procs.finish(first)
    assert code == 0, err
    assert json.loads(out)["articles_new"] == len(STORIES)


def _user_edits(run) -> None:
    """What a user does by hand: add an article, change a status, add an event."""
    for args in (("article", "add", MINE, "-d", "getty-v-stability", "--title", "By hand"),
                 ("dispute", "status", "nyt-v-openai", "trial"),
                 ("dispute", "event", "add", "coda-v-openai", "Meeting", "--date", "2026-01-05")):
        result = run(*args)
        assert result.exit_code == 0, result.stderr


def _both_kept(run, db: Path) -> None:
    articles = stored(db)
    assert poll_urls() <= set(articles)  # the poll's articles
    mine = as_json(run("article", "show", MINE, "--json"))
    assert mine["title"] == "By hand" and mine["disputes"] == ["getty-v-stability"]
    assert as_json(run("dispute", "show", "nyt-v-openai", "--json"))["status"] == "trial"
    events = as_json(run("dispute", "event", "list", "coda-v-openai", "--json"))
    assert any(e["text"] == "Meeting" for e in events)


def test_users_edit_while_a_poll_fetches(run, seeded, server):
    """Fetching holds no store lock: users are not kept waiting, and the poll's merge reads
    the store again, so it keeps what they wrote meanwhile."""
    held = Held(rss(STORIES))
    subscribe(run, server, "/slow", Route(stream=held.stream))
    poll = procs.spawn("poll", "--json")
    try:
        assert held.arrived.wait(30)
        _user_edits(run)
        assert poll.poll() is None
    finally:
        held.release.set()
    code, _, err = procs.finish(poll)
    assert code == 0, err
    _both_kept(run, seeded)


def _wait_for_lock(*args: str) -> procs.subprocess.Popen:
    """A writer started while the lock is held; returns once it has found it taken."""
    proc = procs.spawn(*args, pause="lock-wait")
    procs.wait_for(proc, "WAITING")
    assert proc.poll() is None  # still waiting, not failed
    return proc


def test_users_wait_for_a_poll_that_is_merging(run, seeded, server):
    """While a poll merges it holds the writer lock: users' commands wait for it briefly,
    then succeed, and neither side loses anything."""
    subscribe(run, server, "/f", Route(rss(STORIES)))
    poll = procs.spawn("poll", "--json", pause="merge")
    waiting = []
    try:
        procs.wait_for(poll, "PAUSED merge")
        waiting = [
            _wait_for_lock("article", "add", MINE, "-d", "getty-v-stability", "--title", "By hand"),
            _wait_for_lock("dispute", "status", "nyt-v-openai", "trial"),
            _wait_for_lock("dispute", "event", "add", "coda-v-openai", "Meeting",
                           "--date", "2026-01-05"),
        ]
    finally:
        procs.resume(poll)
    code, _, err = procs.finish(poll)
    assert code == 0, err
    for proc in waiting:
        code, _, err = procs.finish(proc)
        assert code == 0, err
    _both_kept(run, seeded)


def _import_file(tmp_path: Path, n: int = 50) -> tuple[Path, set[str]]:
    stamp = now_iso()
    articles = [Article(url=f"https://imported.example/{i}", title=f"Imported {i}",
                        links=[Link("nyt-v-openai", "manual", [], stamp)], first_seen=stamp,
                        updated=stamp) for i in range(n)]
    doc = {"schema_version": exchange.EXPORT_VERSION, "exported_at": stamp,
           "tracker_version": "test", "disputes": [], "feeds": [],
           "articles": [exchange.article_record(a) for a in articles]}
    path = tmp_path / "import.json"
    path.write_text(json.dumps(doc))
    return path, {a.url for a in articles}


@pytest.mark.parametrize("phase", ["fetch", "merge"])
def test_an_import_during_a_poll(run, seeded, server, tmp_path, phase):
    path, imported = _import_file(tmp_path)
    held = Held(rss(STORIES))
    if phase == "fetch":
        subscribe(run, server, "/f", Route(stream=held.stream))
        poll = procs.spawn("poll", "--json")
        try:
            assert held.arrived.wait(30)
            result = procs.run("import", str(path))  # no lock held: done at once
            assert result.returncode == 0, result.stderr
            assert poll.poll() is None
        finally:
            held.release.set()
    else:
        subscribe(run, server, "/f", Route(rss(STORIES)))
        poll = procs.spawn("poll", "--json", pause="merge")
        try:
            procs.wait_for(poll, "PAUSED merge")
            importer = _wait_for_lock("import", str(path))
        finally:
            procs.resume(poll)
        code, _, err = procs.finish(importer)
        assert code == 0, err
    code, _, err = procs.finish(poll)
    assert code == 0, err
    assert imported | poll_urls() <= set(stored(seeded))


def test_many_writers_at_once_lose_nothing(run, seeded, server):
    """A poll and several users started together: every one of them gets its turn."""
    subscribe(run, server, "/f", Route(rss(STORIES)))
    urls = [f"https://mine.example/{i}" for i in range(5)]
    started = [procs.spawn("poll", "--quiet")] + [
        procs.spawn("article", "add", u, "-d", "coda-v-openai") for u in urls]
    for proc in started:
        code, _, err = procs.finish(proc)
        assert code == 0, err
    listed = as_json(run("article", "list", "-d", "coda-v-openai", "--json"))
    assert {a["url"] for a in listed} >= set(urls)
    assert poll_urls() <= set(stored(seeded))

