"""`tracker news`: the digest of what arrived, its read marker, and windows as people say
them (in local time), with polls against feeds served on 127.0.0.1."""

from __future__ import annotations

import re
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from tests import test_poll
from tests.conftest import Run, as_json
from tests.feedserver import Route, atom, rss
from tests.test_poll import GETTY, NYT, subscribe
from tracker import digest, models
from tracker.config import load
from tracker.models import Article, Dispute, Event, Link
from tracker.storage import open_store

TOKYO = ZoneInfo("Asia/Tokyo")
server = test_poll.server  # the feed server fixture


class Clock:
    """The time tracker sees: models.now, moved by the test, never slept for."""

    def __init__(self, start: datetime) -> None:
        self.at = start

    def __call__(self) -> datetime:
        return self.at.astimezone(timezone.utc)

    def set(self, local: str) -> None:
        self.at = datetime.fromisoformat(local).replace(tzinfo=TOKYO)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    """Tokyo time (UTC+9, so a local day is not a UTC day) on a clock the test moves."""
    monkeypatch.setenv("TZ", "Asia/Tokyo")
    time.tzset()
    c = Clock(datetime(2026, 11, 29, 20, 0, tzinfo=TOKYO))
    monkeypatch.setattr(models, "now", c)
    yield c
    monkeypatch.undo()
    time.tzset()


def story(n: int, base: dict[str, str] = NYT) -> dict[str, str]:
    return {**base, "link": f"https://news.example.com/story-{n}", "guid": f"s{n}",
            "title": f"{base['title']} ({n})"}


DOCKET = {"title": "Entry #812: ORDER on motion to compel",
          "link": "https://www.courtlistener.com/docket/68117049/812/",
          "summary": "Granted in part.", "updated": "2026-11-30T05:00:00Z"}


def test_after_a_day_of_polls_news_shows_yesterday_once(run: Run, seeded: Path, server,
                                                        clock: Clock) -> None:
    server.routes["/f"] = Route(rss([]))
    server.routes["/docket"] = Route(atom([]))
    subscribe(run, server.url("/f"))
    assert run("feed", "add", server.url("/docket"), "--no-check", "--kind", "docket",
               "--dispute", "nyt-v-openai").exit_code == 0
    assert run("news").exit_code == 0  # Sunday evening: read up; the marker is set
    polls = [("2026-11-30T09:00", [story(1)], []),
             ("2026-11-30T13:00", [story(1), story(2, GETTY)], []),
             ("2026-11-30T18:00", [story(1), story(2, GETTY)], []),  # nothing new
             ("2026-11-30T23:30", [story(1), story(2, GETTY), story(3)], [DOCKET]),
             ("2026-12-01T00:30", [story(1), story(2, GETTY), story(3), story(4)], [DOCKET])]
    for when, items, entries in polls:
        clock.set(when)
        server.routes["/f"].body = rss(items)
        server.routes["/docket"].body = atom(entries)
        result = run("poll", "--json")
        assert result.exit_code == 0, result.stderr
    clock.set("2026-12-01T08:00")
    # --on yesterday: the calendar day in local time (00:30 on the 1st is not in it),
    # and looking at a chosen day leaves the marker alone
    day = as_json(run("news", "--on", "yesterday", "--json"))
    assert day["since"] == "2026-11-29T14:59:59.999999+00:00"  # local midnight, UTC
    assert not day["marker_moved"] and (day["stories"], day["docket_entries"]) == (3, 1)
    result = run("news")
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert out.startswith("4 stories and 1 docket entry in 2 disputes, since you last looked: "
                          "2026-11-29 20:00 to 2026-12-01 08:00\n")
    for n in (1, 2, 3, 4):
        assert out.count(f"https://news.example.com/story-{n}\n") == 1, out
    assert out.count("Entry #812") == 1 and DOCKET["link"] in out
    again = run("news")
    assert again.stdout == "Nothing new since you last looked: 2026-12-01 08:00 to " \
                           "2026-12-01 08:00.\n"
    assert as_json(run("news", "--on", "yesterday", "--json"))["stories"] == 3  # still there


def test_news_taken_while_a_poll_fetches_misses_nothing(run: Run, seeded: Path, db: Path,
                                                        server, clock: Clock,
                                                        isolated: Path) -> None:
    """A `news` run while a poll is still fetching does not move the marker (it would
    pass the poll's items by in a database store, whose transactions do not wait for
    each other); the poll stamps what it attaches when it merges, under the lock."""
    from tracker.polling import poll

    server.routes["/f"] = Route(rss([story(1)]))
    subscribe(run, server.url("/f"))

    def meanwhile(_: int) -> None:  # the feeds are being fetched: someone reads the news
        clock.set("2026-11-29T20:05")
        before = db.read_bytes()
        looked = run("news")
        assert looked.exit_code == 0 and "a poll is running" in looked.stderr
        assert db.read_bytes() == before  # the marker stayed
        clock.set("2026-11-29T20:06")

    poll(db, load(isolated / "test-config.toml"), on_start=meanwhile)
    clock.set("2026-11-29T21:00")
    assert "https://news.example.com/story-1" in run("news").stdout


def test_the_marker_moves_only_on_a_plain_look(run: Run, seeded: Path, db: Path,
                                               clock: Clock) -> None:
    def marker() -> dict:
        with open_store(db) as store:
            return store.meta(digest.MARKER)

    assert run("news", "--since", "7d").exit_code == 0 and marker() == {}
    assert run("news", "--peek").exit_code == 0 and marker() == {}
    assert run("news", "--md").exit_code == 0  # a first look sets it, even with nothing new
    assert marker() == {"read_until": "2026-11-29T11:00:00+00:00"}
    clock.at += timedelta(hours=1)
    before = db.read_bytes()
    assert run("news").stdout.startswith("Nothing new since you last looked")
    assert db.read_bytes() == before  # nothing new: no store write, the marker may stay


def test_windows_as_people_say_them() -> None:
    at = datetime(2026, 12, 1, 8, 0, tzinfo=TOKYO)

    def win(**kw: str) -> tuple[str | None, str]:
        w = digest.window(at=at, tz=TOKYO, **kw)
        local = [None if m is None else m.astimezone(TOKYO).strftime("%Y-%m-%dT%H:%M:%S")
                 for m in (w.since, w.until)]
        return local[0], str(local[1])

    assert win(on="today") == ("2026-11-30T23:59:59", "2026-12-01T08:00:00")
    assert win(on="2026-11-28") == ("2026-11-27T23:59:59", "2026-11-28T23:59:59")
    assert win(since="yesterday") == ("2026-11-29T23:59:59", "2026-12-01T08:00:00")
    assert win(since="12h") == ("2026-11-30T19:59:59", "2026-12-01T08:00:00")
    assert win(since="2026-11-01", until="2026-11-02") == ("2026-10-31T23:59:59",
                                                           "2026-11-02T23:59:59")
    assert win(since="2026-11-30T18:30") == ("2026-11-30T18:29:59", "2026-12-01T08:00:00")
    assert win(until="yesterday")[1] == "2026-11-30T23:59:59"


def _store_items() -> tuple[list[Dispute], list[Article]]:
    stamp = "2026-11-30T03:00:00+00:00"
    d = Dispute(slug="x", title="<b>X</b> v. Y", status="filed", events=[
        Event(date="2026-11-29", text="Docket entry \x1b[31m<script>", source="javascript:1",
              recorded=stamp, origin="https://dockets.example/feed"),
        Event(date="2026-11-29", text="typed by hand", recorded=stamp, origin="manual")])
    a = Article(url="https://news.example/a", title="[evil](javascript:alert(1)) \x1b]0;t\x07",
                outlet="*Out*", published="2026-11-29", links=[Link("x", "match", at=stamp)])
    return [d], [a]


def test_digest_renderings_are_inert() -> None:
    disputes, articles = _store_items()
    win = digest.Window(None, datetime(2026, 12, 1, tzinfo=timezone.utc), "chosen")
    found = digest.build(disputes, articles, win, TOKYO)
    assert (found.stories, found.entries) == (1, 1)  # the hand-typed event is not news
    text = "\n".join(line for _, line in digest.text_lines(found))
    assert "\x1b" not in text and "javascript:1" not in text  # not a link: not printed
    assert "https://news.example/a" in text
    mdown = digest.markdown(found)
    assert not re.search(r"(?<!\\)\]\(javascript:", mdown)
    assert "\\[evil\\]" in mdown and "\\<b\\>X" in mdown
    assert "[\\[evil\\](javascript:alert(1))](https://news.example/a)" in mdown
    found.await_review, found.muted = 3, 2
    assert digest.text_lines(found)[-2:] == [("dim", "2 muted docket entries not shown."),
                                             ("dim", "3 await review.")]


def test_news_json_shape(run: Run, seeded: Path, clock: Clock) -> None:
    assert run("article", "add", "https://news.example/x", "-d", "nyt-v-openai",
               "--title", "Hand-added").exit_code == 0
    clock.at += timedelta(minutes=1)
    data = as_json(run("news", "--json"))
    assert set(data) >= {"since", "until", "window", "marker_moved", "stories",
                         "docket_entries", "muted", "await_review", "disputes"}
    [group] = data["disputes"]
    assert group["slug"] == "nyt-v-openai" and group["events"] == []
    assert group["articles"][0]["url"] == "https://news.example/x"
    assert group["articles"][0]["arrived"] == "2026-11-29T11:00:00+00:00"


def test_muted_docket_entries_are_counted_not_shown() -> None:
    """Docket entries the mute list hides stay out of the digest, the reports and the
    feeds; the others keep their numbers in the timeline."""
    from tracker import report, site

    stamp = "2026-11-30T03:00:00+00:00"
    noise = Event(date="2026-11-28", text="NOTICE of appearance", recorded=stamp,
                  origin="https://dockets.example/f")
    noise.muted = True  # type: ignore[attr-defined]  # the field sources' docket feeds set
    order = Event(date="2026-11-29", text="ORDER granting motion", recorded=stamp,
                  origin="https://dockets.example/f", source="https://dockets.example/1")
    order.number, order.document = 812, "https://dockets.example/doc/812.pdf"  # type: ignore[attr-defined]
    d = Dispute(slug="x", title="X v. Y", events=[
        Event(date="2026-01-01", text="filed", status="filed"), noise, order])
    win = digest.Window(None, datetime(2026, 12, 1, tzinfo=timezone.utc), "chosen")
    found = digest.build([d], [], win, TOKYO)
    assert (found.entries, found.muted) == (1, 1)
    [item] = found.groups[0].items
    assert item.title == "No. 812: ORDER granting motion"
    assert item.url == "https://dockets.example/doc/812.pdf"  # the filed document
    text = report.markdown(d, [], as_of="2026-12-01")
    assert "NOTICE of appearance" not in text and "ORDER granting motion" in text
    html = report.html_report(d, [], as_of="2026-12-01")
    assert "NOTICE" not in html and '<span class="num">3</span>' in html  # number kept
    feed = site.atom(feed_id="urn:x", title="X", subtitle="", self_url=None, page_url=None,
                     entries=site.entries_for([d], {}, {}))
    assert "NOTICE" not in feed and "ORDER granting" in feed


def test_the_read_marker_lives_in_any_backend(run: Run, tmp_path: Path, monkeypatch,
                                              clock: Clock) -> None:
    """The marker is kept through the Store's meta records: a SQLite store keeps it too."""
    monkeypatch.setenv("TRACKER_DB", f"sqlite://{tmp_path / 'tracker.db'}")
    assert run("init").exit_code == 0
    assert run("article", "add", "https://news.example/s", "-d", "nyt-v-openai").exit_code == 0
    clock.at += timedelta(minutes=5)
    first = as_json(run("news", "--json"))
    assert first["marker_moved"] and first["stories"] == 1
    clock.at += timedelta(minutes=5)
    again = as_json(run("news", "--json"))
    assert again["stories"] == 0 and again["since"] == first["until"]


def test_a_digest_that_cannot_be_printed_leaves_the_marker(run: Run, seeded: Path, db: Path,
                                                           monkeypatch) -> None:
    """`tracker news > /dev/full`, or a mail pipe that fails: what was not shown shows again."""
    from tracker.cli import output

    assert run("article", "add", "https://n.example/a", "-d", "nyt-v-openai").exit_code == 0
    before = db.read_bytes()

    def full(*_: object, **__: object) -> None:
        raise OSError(28, "No space left on device")

    with monkeypatch.context() as m:
        m.setattr(output, "lines", full)
        assert run("news").exit_code != 0
    assert db.read_bytes() == before
    assert "https://n.example/a" in run("news").stdout
