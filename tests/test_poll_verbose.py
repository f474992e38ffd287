"""`tracker -v poll` says what each feed answered and why an item matched; the progress
line says how far the poll is; nothing extra reaches a pipe."""

from __future__ import annotations

import pytest

from tests.feedserver import FeedServer, Route, rss
from tests.test_poll import NYT, OTHER
from tracker.fetching import Result
from tracker.models import Feed
from tracker.pollwatch import Watch


@pytest.fixture
def polled(run, seeded):
    with FeedServer() as srv:
        srv.routes["/news.xml"] = Route(rss([NYT, OTHER]))
        for path, name in (("/news.xml", "Example News"), ("/gone.xml", "Broken Feed")):
            r = run("feed", "add", srv.url(path), "--no-check", "--name", name)
            assert r.exit_code == 0, r.stderr
        yield srv


def test_verbose_poll_says_why_an_item_matched(run, polled):
    r = run("-v", "poll")
    assert r.exit_code == 3, r.stderr  # the 404 feed failed
    lines = r.stderr.splitlines()
    assert any(line.startswith("poll: Example News answered 200 ok, 2 entries after ")
               for line in lines), r.stderr
    assert any(line.startswith("poll: Broken Feed answered 404 error") for line in lines)
    why = [line for line in lines if line.startswith("match: ") and NYT["title"] in line]
    assert len(why) == 1, r.stderr
    prefix = f"match: {NYT['title']!r} matched nyt-v-openai: "
    assert why[0].startswith(prefix)
    because = why[0][len(prefix):]  # the claimant, the respondent and the subject it found
    assert all(word in because for word in ("New York Times", "OpenAI", "copyright")), because
    assert not any(OTHER["title"] in line for line in lines)  # no match: only with -vv
    assert any(line.startswith("poll: wrote 1 new article(s)") for line in lines)
    assert r.stdout.count(NYT["title"]) == 1  # the data on stdout is unchanged by -v


def test_very_verbose_says_why_an_item_did_not_match(run, polled):
    r = run("-vv", "poll")
    assert any(line.startswith("match (debug): ") and OTHER["title"] in line
               for line in r.stderr.splitlines()), r.stderr


def test_quiet_poll_says_nothing_about_progress(run, polled):
    r = run("poll", "--quiet")
    assert "feeds ·" not in r.stderr and "answered" not in r.stderr
    assert "poll:" not in r.stderr


def test_the_progress_line():
    feeds = [Feed(url=f"http://127.0.0.1/{n}", name=f"Feed {n}") for n in range(1, 4)]
    ticks = iter([0.0, 0.0, 0.2, 0.5])
    watch = Watch(feeds, clock=lambda: next(ticks))
    watch.start(3)
    assert watch.line() == "0/3 feeds"
    watch.answered(Result(url=feeds[1].url, outcome="error", error="timed out"))
    assert watch.line() == "1/3 feeds · 1 failing · slowest: Feed 1 (+1)"
    watch.answered(Result(url=feeds[0].url, outcome="not-modified", status=304))
    assert watch.line() == "2/3 feeds · 1 failing · slowest: Feed 3"


def test_verbose_logging_is_off_by_default(run, seeded):
    r = run("dispute", "list", "--json")
    assert r.stderr == ""
    r = run("-v", "dispute", "list", "--json")
    assert r.exit_code == 0 and r.stdout.startswith("[")
