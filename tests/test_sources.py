"""Source kinds against feeds in the shapes the real services serve, on 127.0.0.1.

The docket feed follows CourtListener's DocketFeed (Atom; "Entry #N in <case>"; links to
the docket page with ?order_by=desc#entry-N; `published` at midnight US/Pacific of the
filing date, no `updated`; a PDF enclosure typed "None"; minute entries). The search feed
follows Google News (RSS; "Headline - Publisher"; opaque redirect links; <source url>).
Both are written here in our own words.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from html import escape

import pytest

from tests.conftest import as_json
from tests.feedserver import FeedServer, Route, rss
from tracker import models

CASE = "The New York Times Company v. Microsoft Corporation, 1:23-cv-11195"
PAGE = ("https://www.courtlistener.com/docket/68117049/"
        "the-new-york-times-company-v-microsoft-corporation/?order_by=desc")
PDF = "https://storage.courtlistener.com/recap/gov.uscourts.nysd.612697/gov.uscourts.nysd.612697.{n}.0.pdf"
DESCRIPTIONS = [
    "ORDER granting in part and denying in part motion to compel production of output logs",
    "MOTION for Leave to Appear Pro Hac Vice of J. Doe. Filing fee $ 200.00",
    "NOTICE OF APPEARANCE by Jane Roe on behalf of Microsoft Corporation",
    "LETTER MOTION for Conference re: discovery schedule addressed to Judge Sidney H. Stein",
    "MEMORANDUM OF LAW in Opposition re: motion to dismiss",
    "TRANSCRIPT of Proceedings re: conference held on 2/27/2026",
    "",  # a sealed entry: no text at all
    "STIPULATION AND PROTECTIVE ORDER regarding model inspection",
    "DECLARATION of A. Smith in Support re: motion to compel",
]


def docket_entry(n: int | None, day: int, text: str, minute_pk: int = 0) -> str:
    if n is None:
        title = f"Minute entry from March {day}, 2026 in {CASE}"
        link, enclosure = f"{PAGE}#minute-entry-{minute_pk}", ""
    else:
        title = f"Entry #{n} in {CASE}"
        link = f"{PAGE}#entry-{n}"
        enclosure = (f'<link href="{PDF.format(n=n)}" rel="enclosure" length="0" '
                     f'type="None"/>')
    return (f"<entry><title>{escape(title)}</title>"
            f'<link href="{escape(link)}" rel="alternate"/>'
            f"<published>2026-03-{day:02d}T00:00:00-08:00</published>"
            f"<id>{escape(link)}</id>"
            f'<summary type="html">{escape(text)}</summary>{enclosure}</entry>')


def docket_feed(entries: list[str]) -> bytes:
    return ('<?xml version="1.0" encoding="utf-8"?>\n'
            '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en-us">'
            f"<title>Docket updates for {escape(CASE)}</title>"
            '<link href="https://www.courtlistener.com/" rel="alternate"/>'
            '<link href="https://www.courtlistener.com/docket/68117049/feed/" rel="self"/>'
            "<id>https://www.courtlistener.com/</id>"
            "<updated>2026-03-10T00:00:00-07:00</updated>"
            "<author><name>Free Law Project</name></author>"
            + "".join(entries) + "</feed>").encode("utf-8")


def ten_entries() -> list[str]:
    """Newest first, as the feed orders them: nine numbered entries and a minute entry."""
    numbered = [docket_entry(820 - i, 9 - i // 2, DESCRIPTIONS[i]) for i in range(9)]
    minute = docket_entry(None, 2, "Minute Entry for proceedings held before Judge Stein: "
                                   "status conference", 4410)
    return [*numbered, minute]


@pytest.fixture
def server():
    with FeedServer() as srv:
        yield srv


def poll(run, *args: str, code: int = 0) -> dict:
    result = run("poll", "--json", *args)
    assert result.exit_code == code, result.stderr
    return json.loads(result.stdout)


def events(run, slug: str = "nyt-v-openai") -> list[dict]:
    return [e for e in as_json(run("dispute", "event", "list", slug, "--json", "--all"))
            if e["origin"] != "seed"]


def follow_docket(run, server, body: bytes) -> None:
    server.routes["/docket/68117049/feed/"] = Route(body, content_type="application/atom+xml")
    result = run("feed", "add", server.url("/docket/68117049/feed/"), "--no-check",
                 "--kind", "docket", "--dispute", "nyt-v-openai")
    assert result.exit_code == 0, result.stderr


def test_a_docket_feed_without_a_dispute_is_refused(run, seeded, db):
    before = db.read_bytes()
    result = run("feed", "add", "https://www.courtlistener.com/docket/68117049/feed/",
                 "--no-check")  # the kind comes from the address
    assert result.exit_code == 2 and "needs the dispute" in result.stderr
    assert db.read_bytes() == before


def test_an_imported_docket_feed_is_named_and_fixed_with_feed_edit(run, seeded, db, tmp_path):
    opml = tmp_path / "subs.opml"
    opml.write_text('<?xml version="1.0"?><opml version="2.0"><head/><body>'
                    '<outline text="NYT docket" xmlUrl="https://www.courtlistener.com/docket/'
                    '68117049/feed/"/><outline text="Verge" xmlUrl="https://www.theverge.com/'
                    'rss/index.xml"/></body></opml>')
    result = run("feed", "import", str(opml))
    assert result.exit_code == 0, result.stderr
    [warning] = [line for line in result.stderr.splitlines() if "warning" in line]
    feed_id = models.short_id("https://www.courtlistener.com/docket/68117049/feed/")
    assert "68117049/feed/ is a docket feed for no dispute" in warning
    assert f"tracker feed edit {feed_id} --dispute SLUG" in warning
    # Refused, nothing changed, one error line: unknown dispute, docket left without one,
    # an unknown kind, nothing asked.
    before = db.read_bytes()
    for args, why in (((feed_id, "--dispute", "no-such-case"), "no-such-case"),
                      ((feed_id, "--dispute", ""), "needs the dispute"),
                      ((feed_id, "--name", "x", "--kind", "blog"), "blog"),
                      ((feed_id,), "nothing to change"),
                      (("https://www.theverge.com/rss/index.xml", "--kind", "docket"),
                       "needs the dispute")):
        result = run("feed", "edit", *args)
        assert result.exit_code == 2 and result.stdout == "", (args, result.stderr)
        errors = [line for line in result.stderr.splitlines() if line.startswith("tracker:")]
        assert len(errors) == 1 and errors[0].startswith("tracker: error:") and why in errors[0]
        assert db.read_bytes() == before, args
    result = run("feed", "edit", feed_id, "--dispute", "nyt-v-openai", "--name", "NYT docket")
    assert result.exit_code == 0, result.stderr
    assert "dispute nyt-v-openai" in result.stderr
    [row] = [r for r in as_json(run("feed", "list", "--json")) if r["id"] == feed_id]
    assert (row["kind"], row["dispute"], row["name"]) == ("docket", "nyt-v-openai", "NYT docket")
    assert "nothing changed" in run("feed", "edit", feed_id, "--name", "NYT docket").stderr


def test_a_feed_edited_into_a_docket_feed_takes_up_the_entries_it_already_sent(
        run, seeded, server):
    server.routes["/d/feed/"] = Route(docket_feed(ten_entries()[:3]),
                                      content_type="application/atom+xml")
    assert run("feed", "add", server.url("/d/feed/"), "--no-check").exit_code == 0
    assert poll(run)["events_new"] == 0  # a plain feed: no events
    result = run("feed", "edit", server.url("/d/feed/"), "--kind", "docket",
                 "--dispute", "nyt-v-openai")
    assert result.exit_code == 0, result.stderr
    assert poll(run)["events_new"] == 3  # the same body, read afresh as a docket
    assert {e["number"] for e in events(run)} == {820, 819, 818}


def test_each_docket_entry_is_one_event_identified_by_its_anchor(run, seeded, server):
    follow_docket(run, server, docket_feed(ten_entries()))
    assert poll(run)["events_new"] == 10
    got = events(run)
    assert len(got) == 10
    top = next(e for e in got if e["number"] == 820)
    assert top["source"] == PAGE + "#entry-820"  # the anchor is kept
    assert top["entry"] == "entry-820" and top["document"] == PDF.format(n=820)
    assert top["date"] == "2026-03-09"  # the filing date, not midnight Pacific in UTC
    assert top["text"].startswith("Entry #820: ORDER granting")
    minute = next(e for e in got if e["entry"] == "minute-entry-4410")
    assert minute["number"] is None and minute["text"].startswith("Minute entry: ")
    sealed = next(e for e in got if e["number"] == 814)
    assert sealed["text"] == "Entry #814 (no text)"
    muted = sorted(e["number"] for e in got if e["muted"])
    assert muted == [818, 819]  # pro hac vice, notice of appearance
    page = run("dispute", "show", "nyt-v-openai").stdout
    assert "Pro Hac Vice" not in page and "2 muted docket entries not shown" in page
    shown = as_json(run("dispute", "event", "list", "nyt-v-openai", "--json"))
    assert {e["number"] for e in shown if e["origin"] != "seed"} == {
        e["number"] for e in got if not e["muted"]}

    # Unchanged (the feed sends no validators, the body is the same): nothing added.
    assert poll(run)["events_new"] == 0
    # A new entry on top adds exactly one; an entry whose text changed updates its event.
    entries = ten_entries()
    entries[3] = docket_entry(817, 8, "LETTER MOTION for Conference re: discovery (amended)")
    follow_body = docket_feed([docket_entry(821, 10, "OPINION AND ORDER on motion to dismiss"),
                               *entries])
    server.routes["/docket/68117049/feed/"].body = follow_body
    summary = poll(run)
    assert summary["events_new"] == 1 and summary["events_updated"] == 1
    got = events(run)
    assert len(got) == 11
    assert next(e for e in got if e["number"] == 817)["text"].endswith("(amended)")
    assert summary["events"]["nyt-v-openai"][0]["number"] == 821


def test_new_docket_entries_reach_news_and_the_cron_mail(run, seeded, server):
    follow_docket(run, server, docket_feed(ten_entries()[1:3]))
    poll(run)
    assert run("news").exit_code == 0  # moves the read marker past the first entries
    server.routes["/docket/68117049/feed/"].body = docket_feed(ten_entries()[:3])
    result = run("poll", "--quiet")
    assert result.exit_code == 0, result.stderr
    assert "1 docket entry in 1 dispute" in result.stdout
    assert "2026-03-09 · docket · Entry #820: ORDER granting" in result.stdout
    assert PDF.format(n=820) in result.stdout  # the filed document
    news = as_json(run("news", "--json"))
    [group] = news["disputes"]
    [event] = group["events"]
    assert (event["number"], event["date"], event["document"]) == (
        820, "2026-03-09", PDF.format(n=820))
    assert event["recorded"] and not event["muted"]
    # A muted entry arriving alone stays out of the mail.
    server.routes["/docket/68117049/feed/"].body = docket_feed(
        [docket_entry(830, 12, "NOTICE OF APPEARANCE by R. Poe"), *ten_entries()[:3]])
    result = run("poll", "--quiet")
    assert result.exit_code == 0 and result.stdout == ""
    assert as_json(run("news", "--json"))["muted"] == 1


# -- news search -------------------------------------------------------------------------

HEADLINE = "Judge orders OpenAI to keep ChatGPT logs in New York Times copyright lawsuit"
REDIRECT = "https://news.google.com/rss/articles/CBMiWkFVX3lxTE5vZ2xlT3BhcXVlSWQ?oc=5"
STORY = "https://www.reuters.com/legal/judge-orders-openai-keep-chatgpt-logs-2026-11-03/"


def search_feed(items: list[tuple[str, str, str, str]]) -> bytes:
    """Google News RSS; items are (headline, publisher, publisher URL, redirect)."""
    parts = ['<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
             '<rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/"><channel>'
             "<generator>NFE/5.0</generator>"
             "<title>&quot;New York Times&quot; OpenAI - Google News</title>"
             "<link>https://news.google.com/search?q=%22New+York+Times%22+OpenAI</link>"
             "<language>en-US</language><webMaster>news-webmaster@google.com</webMaster>"
             "<copyright>Copyright 2026 Google. All rights reserved. This XML feed is made "
             "available solely for the purpose of rendering Google News results within a "
             "personal feed reader for personal, non-commercial use.</copyright>"
             "<lastBuildDate>Tue, 03 Nov 2026 15:00:00 GMT</lastBuildDate>"
             "<image><title>Google News</title><url>https://lh3.googleusercontent.com/x</url>"
             "<link>https://news.google.com/</link><height>256</height><width>256</width>"
             "</image><description>Google News</description>"]
    for title, publisher, home, link in items:
        description = (f'<a href="{link}" target="_blank">{escape(title)}</a>&nbsp;&nbsp;'
                       f'<font color="#6f6f6f">{escape(publisher)}</font>')
        parts.append(f"<item><title>{escape(title)} - {escape(publisher)}</title>"
                     f"<link>{escape(link)}</link>"
                     f'<guid isPermaLink="false">{escape(link.rsplit("/", 1)[1])}</guid>'
                     "<pubDate>Tue, 03 Nov 2026 14:05:00 GMT</pubDate>"
                     f"<description>{escape(description)}</description>"
                     f'<source url="{escape(home)}">{escape(publisher)}</source></item>')
    parts.append("</channel></rss>")
    return "".join(parts).encode("utf-8")


PUBLISHER_ITEM = {"title": HEADLINE, "link": STORY,
                  "description": "A federal judge ordered OpenAI to preserve output logs.",
                  "pubDate": "Tue, 03 Nov 2026 13:50:00 GMT"}


@pytest.mark.parametrize("search_first", [True, False])
def test_search_story_and_publisher_copy_are_one_article(run, seeded, server, search_first):
    server.routes["/search"] = Route(search_feed(
        [(HEADLINE, "Reuters", "https://www.reuters.com", REDIRECT)]))
    server.routes["/reuters"] = Route(rss([PUBLISHER_ITEM], title="Reuters Legal"))
    search = server.url("/search")
    for url, kind in ((search, "search"), (server.url("/reuters"), "news")):
        assert run("feed", "add", url, "--no-check", "--kind", kind).exit_code == 0
    first, second = (search, server.url("/reuters"))[:: 1 if search_first else -1]
    poll(run, "--feed", first)
    if search_first:
        [article] = as_json(run("article", "list", "--json"))
        assert article["title"] == HEADLINE  # the " - Reuters" tail is gone
        assert article["outlet"] == "Reuters" and article["url"] == REDIRECT
        assert article["summary"] == ""  # Google's description only repeats the headline
        assert run("article", "link", article["id"], "-d", "getty-v-stability").exit_code == 0
    summary = poll(run, "--feed", second)
    assert summary["articles_new"] == 0
    [article] = as_json(run("article", "list", "--json"))
    assert article["url"] == STORY  # at the publisher's address
    assert article["title"] == HEADLINE and article["outlet"] == "Reuters"
    assert article["summary"] == PUBLISHER_ITEM["description"]  # the publisher's text wins
    assert sorted(article["feeds"]) == sorted([search, server.url("/reuters")])
    links = {link["dispute"]: link["how"] for link in article["links"]}
    assert links["nyt-v-openai"] == "match"
    if search_first:  # the manual link made on the search copy survives the move
        assert links["getty-v-stability"] == "manual"


def test_other_publishers_with_the_same_headline_stay_apart(run, seeded, server):
    server.routes["/search"] = Route(search_feed(
        [(HEADLINE, "Reuters", "https://www.reuters.com", REDIRECT)]))
    server.routes["/other"] = Route(rss([{**PUBLISHER_ITEM,
                                          "link": "https://apnews.com/article/openai-logs"}]))
    for path in ("/search", "/other"):
        assert run("feed", "add", server.url(path), "--no-check").exit_code == 0
    poll(run)
    assert len(as_json(run("article", "list", "--json"))) == 2


# -- feed health -------------------------------------------------------------------------

class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 11, 2, 12, 0, tzinfo=timezone.utc)

    def __call__(self) -> datetime:
        return self.now


def test_an_outage_longer_than_three_polls_recovers_on_its_own(run, seeded, server,
                                                                monkeypatch):
    clock = Clock()
    monkeypatch.setattr(models, "now", clock)
    server.routes["/f"] = Route(rss([{"title": "Apple unveils a laptop",
                                      "link": "https://n.example/laptop"}]))
    url = server.url("/f")
    assert run("feed", "add", url, "--no-check").exit_code == 0
    assert run("poll", "--quiet").exit_code == 0
    server.routes["/f"] = Route(status=503)
    mail, tried = [], []
    for _ in range(7):  # cron every 15 minutes: an outage of 1 h 45 min
        clock.now += timedelta(minutes=15)
        before = len(server.hits)
        result = run("poll", "--quiet")
        tried.append(len(server.hits) > before)
        mail.append((result.exit_code, result.stdout + result.stderr))
    assert all(code == 3 for code, _ in mail)  # failing or backing off: exit 3 every time
    assert mail[0][1].startswith(f"feed failing: {url} (HTTP 503")
    assert mail[0][1].rstrip().endswith("next try 2026-11-02 12:20 UTC")
    assert mail[0][1].count("\n") == 1 and all(text == "" for _, text in mail[1:])
    assert tried == [True, True, True, False, True, False, False]  # waits 5, 10, 20, 40 min
    feed = as_json(run("feed", "list", "--json"))[0]
    assert feed["enabled"] and feed["errors"] == 4
    assert feed["next_try"] == "2026-11-02T13:55:00+00:00"  # 13:15 + 40 min
    assert feed["next_try_why"].startswith("backing off after 4 failure(s): HTTP 503")
    server.routes["/f"] = Route(rss([{"title": "Apple unveils a laptop",
                                      "link": "https://n.example/laptop"}]))
    clock.now += timedelta(minutes=15)
    result = run("poll", "--quiet")
    assert (result.exit_code, result.stdout, result.stderr) == (
        0, "", f"feed recovered: {url}\n")
    clock.now += timedelta(minutes=15)
    result = run("poll", "--quiet")
    assert (result.exit_code, result.stdout + result.stderr) == (0, "")


def test_only_gone_or_the_user_stops_a_feed_and_enable_all_restarts(run, seeded, server):
    server.routes["/gone"] = Route(status=410)
    server.routes["/busy"] = Route(status=500)
    for path in ("/gone", "/busy"):
        assert run("feed", "add", server.url(path), "--no-check").exit_code == 0
    poll(run, code=3)
    rows = {f["url"]: f for f in as_json(run("feed", "list", "--json"))}
    assert not rows[server.url("/gone")]["enabled"]
    assert rows[server.url("/gone")]["next_try"] == "never"
    assert rows[server.url("/busy")]["enabled"]
    result = run("feed", "enable", "--all")
    assert result.exit_code == 0 and result.stderr.count("enabled ") == 2
    assert all(f["enabled"] and not f["errors"] for f in as_json(run("feed", "list", "--json")))
    assert run("feed", "enable").exit_code == 2


def test_enable_all_without_feeds_says_there_are_none(run, seeded):
    result = run("feed", "enable", "--all")
    assert (result.exit_code, result.stdout) == (0, "")
    assert result.stderr == "no feeds: 'tracker feed add URL'\n"
    assert run("feed", "add", "https://news.example/feed.xml", "--no-check").exit_code == 0
    result = run("feed", "enable", "--all")
    assert result.stderr == "every feed was already enabled and ok\n"


# -- nothing dropped in silence ------------------------------------------------------------

def test_items_without_links_and_parser_warnings_are_counted(run, seeded, server):
    items = [{"title": f"Status update {i}", "description": "all systems go"} for i in range(9)]
    items.append({"title": "Incident report", "link": "https://status.example/1"})
    server.routes["/status"] = Route(rss(items))
    assert run("feed", "add", server.url("/status"), "--no-check").exit_code == 0
    summary = poll(run)
    assert summary["items_dropped"] == 9 and summary["entries_seen"] == 1
    feed = as_json(run("feed", "list", "--json"))[0]
    assert feed["dropped"] == 9 and "9 item(s) without a link" in feed["warning"]
    # Truncated mid-document: feedparser's complaint is kept, not thrown away.
    server.routes["/status"] = Route(rss(items)[:-len(b"</channel></rss>")])
    summary = poll(run)
    assert summary["parser_warnings"] == 1
    assert as_json(run("feed", "list", "--json"))[0]["warning"]
    # A feed that suddenly has no items at all says so.
    server.routes["/status"] = Route(rss([]))
    summary = poll(run)
    assert summary["feeds_emptied"] == 1
    assert "no items" in as_json(run("feed", "list", "--json"))[0]["warning"]


# -- charsets ------------------------------------------------------------------------------

JA_TITLE = "コンテンツ海外流通促進機構、オープンAIに著作権侵害への対応を要請"
JA_SUMMARY = "スタジオジブリなどが加盟する団体が、生成AIの学習について申し入れた。"


@pytest.mark.parametrize("encoding", ["shift_jis", "euc-jp"])
@pytest.mark.parametrize("content_type", [
    "application/rss+xml; charset=iso-8859-1",  # wrong: an old server default
    "text/xml; charset=utf-8",  # wrong
    "text/xml",  # missing
    "application/rss+xml",  # missing
])
def test_japanese_feeds_store_correct_text(run, seeded, server, encoding, content_type):
    body = (f'<?xml version="1.0" encoding="{encoding.upper()}"?>\n<rss version="2.0">'
            "<channel><title>ニュース</title><link>https://ja.example/</link>"
            f"<item><title>{JA_TITLE}</title><link>https://ja.example/coda</link>"
            f"<description>{JA_SUMMARY}</description>"
            "<pubDate>Tue, 03 Nov 2026 09:00:00 +0900</pubDate></item></channel></rss>")
    server.routes["/ja"] = Route(body.encode(encoding), content_type=content_type)
    assert run("feed", "add", server.url("/ja"), "--no-check").exit_code == 0
    assert poll(run)["articles_attached"] == 1
    [article] = as_json(run("article", "list", "--json", "-d", "coda-v-openai"))
    assert (article["title"], article["summary"]) == (JA_TITLE, JA_SUMMARY)
    assert as_json(run("feed", "list", "--json"))[0]["title"] == "ニュース"


def test_a_right_charset_is_read_as_declared():
    """Latin-1 declared and right: the body is handed on untouched (no second guess)."""
    from tracker.fetching import decode_body

    body = '<?xml version="1.0" encoding="iso-8859-1"?><rss><t>café</t></rss>'.encode("latin-1")
    assert decode_body(body, "text/xml; charset=iso-8859-1") == (
        body, "text/xml; charset=iso-8859-1")
    sjis = '<?xml version="1.0" encoding="Shift_JIS"?><t>著作権</t>'.encode("shift_jis")
    fixed, ctype = decode_body(sjis, "text/xml; charset=iso-8859-1")
    assert ctype == "text/xml; charset=utf-8"
    assert fixed.decode("utf-8") == '<?xml version="1.0" encoding="utf-8"?><t>著作権</t>'


# -- the kinds' rules, decided without HTTP or a store ---------------------------------------

class Lookup:
    """The reads a decision makes, from dicts: what a Store would answer."""

    def __init__(self, disputes=(), articles=()) -> None:
        self.disputes = {d.slug: d for d in disputes}
        self.stored = {a.url: a for a in articles}

    def article(self, url):
        return self.stored.get(url)

    def find_articles(self, q):
        return list(self.stored.values())

    def new_article_id(self, url):
        from tracker.urls import short_id

        return short_id(url)

    def entry(self, key):
        return None

    def dispute(self, slug):
        return self.disputes.get(slug)


def working(lookup, matches=()):
    from tracker.sources.base import Working
    from tracker.urls import normalise_url

    return Working(lookup, "2026-03-10T12:00:00+00:00", match=lambda entry: list(matches),
                   canonical=normalise_url)


def test_docket_rules_without_http_or_store():
    from tracker.fetching import Entry
    from tracker.models import Dispute, Event, Feed
    from tracker.sources import make

    feed = Feed(url="https://www.courtlistener.com/docket/1/feed/", kind="docket", dispute="d")
    old = Event(date="2026-03-01", text="Entry #5 in A v. B, 1:26-cv-1: COMPLAINT",
                source="https://www.courtlistener.com/docket/1/a-v-b/", origin=feed.url)
    lookup = Lookup([Dispute(slug="d", title="A v. B", events=[old])])
    view = working(lookup)
    entries = [Entry(link=f"https://www.courtlistener.com/docket/1/a-v-b/?order_by=desc#entry-{n}",
                     title=f"Entry #{n} in A v. B, 1:26-cv-1", summary=text,
                     published="2026-03-02T08:00:00+00:00")
               for n, text in ((6, "Pro Hac Vice motion of C"), (5, "COMPLAINT"))]
    make("docket", None).decide(view, feed, entries, "")
    events = view.plan.disputes["d"].events
    assert [(e.entry, e.number, str(e.date), e.muted) for e in events] == [
        ("entry-5", 5, "2026-03-02", False),  # the older tracker's event, adopted
        ("entry-6", 6, "2026-03-02", True)]
    assert view.plan.counts.events_new == 1 and view.plan.counts.events_updated == 1
    assert list(view.plan.events) == []  # the only new entry is muted: no news


def test_search_rules_without_http_or_store():
    from tracker.fetching import Entry
    from tracker.models import Feed
    from tracker.sources import make
    from tracker.sources.search import headline

    item = Entry(link=REDIRECT, title=f"{HEADLINE} - Reuters", source="Reuters",
                 source_url="https://www.reuters.com", summary=f"{HEADLINE}  Reuters")
    assert headline(item) == HEADLINE
    assert headline(Entry(link=REDIRECT, title="A - B - Reuters", source="AP")) == (
        "A - B - Reuters")  # the tail names another publisher: kept
    view = working(Lookup())
    make("search", None).decide(view, Feed(url="https://news.google.com/rss/search?q=x"),
                                [item], "en")
    assert view.plan.kept[REDIRECT]["title"] == HEADLINE  # unmatched: kept for rematch
    assert view.plan.kept[REDIRECT]["publisher"] == "https://www.reuters.com"
