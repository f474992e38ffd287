"""Polling against feeds served on 127.0.0.1 by the tests themselves."""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import httpx
import pytest

from tests.conftest import as_json
from tests.feedserver import FeedServer, Route, atom, rss
from tracker.storage import open_store

NYT = {
    "title": "New York Times presses copyright lawsuit against OpenAI and Microsoft",
    "link": "https://news.example.com/nyt-openai?utm_source=rss",
    "description": "The Times says ChatGPT was trained on millions of its articles.",
    "pubDate": "Mon, 02 Nov 2026 10:00:00 GMT",
    "guid": "nyt-1",
}
GETTY = {
    "title": "Getty Images wins permission to appeal against Stability AI in UK court",
    "link": "https://news.example.com/getty-appeal",
    "description": "The High Court ruling on secondary copyright infringement will be appealed.",
    "pubDate": "Tue, 03 Nov 2026 09:00:00 GMT",
    "guid": "getty-1",
}
OTHER = {
    "title": "Apple unveils a new laptop",
    "link": "https://news.example.com/laptop",
    "description": "Nothing to do with any dispute.",
    "pubDate": "Tue, 03 Nov 2026 11:00:00 GMT",
    "guid": "other-1",
}


@pytest.fixture
def server():
    with FeedServer() as srv:
        yield srv


def subscribe(run, url: str) -> None:
    result = run("feed", "add", url, "--no-check")
    assert result.exit_code == 0, result.stderr


def poll_json(run, *args: str, code: int = 0) -> dict:
    result = run("poll", "--json", *args)
    assert result.exit_code == code, result.stderr
    return json.loads(result.stdout)


def articles(run, *args: str) -> list[dict]:
    return as_json(run("article", "list", "--json", *args))


def test_rss2_items_attach_to_the_right_dispute(run, seeded, server):
    server.routes["/rss"] = Route(rss([NYT, GETTY, OTHER]))
    subscribe(run, server.url("/rss"))
    summary = poll_json(run)
    assert summary["feeds_ok"] == 1
    assert summary["entries_seen"] == 3
    assert summary["articles_new"] == 2
    assert summary["articles_attached"] == 2
    nyt = articles(run, "--dispute", "nyt-v-openai")
    assert [a["url"] for a in nyt] == ["https://news.example.com/nyt-openai"]
    link = nyt[0]["links"][0]
    assert link["how"] == "match" and link["terms"]
    assert nyt[0]["published"].startswith("2026-11-02")
    assert [a["title"] for a in articles(run, "--dispute", "getty-v-stability")] == [
        GETTY["title"]]


def test_atom_feed(run, seeded, server):
    server.routes["/atom"] = Route(
        atom([{"title": NYT["title"], "link": "https://n.example/a", "summary": "ChatGPT"}]),
        content_type="application/atom+xml")
    subscribe(run, server.url("/atom"))
    assert poll_json(run)["articles_attached"] == 1


def test_rss1_rdf_feed(run, seeded, server):
    body = f"""<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/">
<channel rdf:about="https://example.org/"><title>RDF</title><link>https://example.org/</link>
<items><rdf:Seq><rdf:li rdf:resource="https://r.example/1"/></rdf:Seq></items></channel>
<item rdf:about="https://r.example/1"><title>{GETTY['title']}</title>
<link>https://r.example/1</link><description>appeal</description></item></rdf:RDF>""".encode()
    server.routes["/rdf"] = Route(body, content_type="application/rdf+xml")
    subscribe(run, server.url("/rdf"))
    summary = poll_json(run)
    assert summary["articles_attached"] == 1
    assert articles(run, "-d", "getty-v-stability")[0]["url"] == "https://r.example/1"


def test_feed_in_a_wrong_declared_encoding_still_yields_entries(run, seeded, server):
    # Declared UTF-8, but the bytes are Latin-1 (an é in the title).
    title = "Getty Images appeal against Stability AI: caf\xe9 copyright ruling"
    body = rss([{**GETTY, "title": title}]).replace(title.encode("utf-8"),
                                                     title.encode("latin-1"))
    server.routes["/bad"] = Route(body)
    subscribe(run, server.url("/bad"))
    summary = poll_json(run)
    assert summary["feeds_ok"] == 1 and summary["articles_attached"] == 1
    stored = articles(run, "-d", "getty-v-stability")[0]["title"]
    assert "caf" in stored and "Getty" in stored


def test_html_page_announcing_its_feed_is_discovered(run, seeded, server):
    server.routes["/page"] = Route(
        b'<html><head><link rel="alternate" type="application/rss+xml" href="/the-feed">'
        b"</head><body>news</body></html>", content_type="text/html")
    server.routes["/the-feed"] = Route(rss([NYT], title="Discovered"))
    result = run("feed", "add", server.url("/page"))
    assert result.exit_code == 0, result.stderr
    feeds = as_json(run("feed", "list", "--json"))
    assert [f["url"] for f in feeds] == [server.url("/the-feed")]
    assert feeds[0]["title"] == "Discovered"


def test_adding_a_page_without_feed_fails_and_changes_nothing(run, seeded, db, server):
    server.routes["/plain"] = Route(b"<html><body>no feed</body></html>",
                                    content_type="text/html")
    before = db.read_bytes()
    result = run("feed", "add", server.url("/plain"))
    assert result.exit_code == 2
    assert "no feed" in result.stderr
    assert db.read_bytes() == before


def test_many_feeds_are_parsed_and_matched_in_worker_processes_alike(run, seeded, server):
    """Ten feeds take the parallel path: the parser processes also match the items."""
    for i in range(10):
        server.routes[f"/f{i}"] = Route(rss([
            {**NYT, "link": f"https://news.example.com/nyt-{i}", "guid": f"nyt-{i}"},
            {**OTHER, "link": f"https://news.example.com/other-{i}", "guid": f"other-{i}"}]))
        subscribe(run, server.url(f"/f{i}"))
    summary = poll_json(run)
    assert (summary["feeds_ok"], summary["entries_seen"]) == (10, 20)
    assert summary["articles_new"] == summary["articles_attached"] == 10
    assert sorted(a["url"] for a in articles(run, "--dispute", "nyt-v-openai")) == sorted(
        f"https://news.example.com/nyt-{i}" for i in range(10))


class WhereDigested:
    """A digest that says which process ran it and what it saw."""

    def __call__(self, parsed):
        return os.getpid(), [e.link for e in parsed.entries]


class BrokenDigest:
    def __call__(self, parsed):
        raise RuntimeError("a bug in the digest")


def serve_items(request: httpx.Request) -> httpx.Response:
    item = {**OTHER, "link": f"https://news.example.com{request.url.path}"}
    return httpx.Response(200, content=rss([item]),
                          headers={"content-type": "application/rss+xml"})


@pytest.mark.parametrize("feeds", [3, 10])
def test_the_digest_runs_where_each_feed_was_parsed(feeds):
    from tracker.fetching import Request, Settings, fetch_all

    results = fetch_all([Request(f"https://feeds.example/{i}") for i in range(feeds)],
                        Settings(workers=2), transport=httpx.MockTransport(serve_items),
                        digest=WhereDigested())
    assert [r.digest[1] for r in results] == [
        [f"https://news.example.com/{i}"] for i in range(feeds)]
    pids = {r.digest[0] for r in results}
    if feeds >= 8:  # enough to start parser processes
        assert os.getpid() not in pids
    else:
        assert pids == {os.getpid()}


@pytest.mark.parametrize("feeds", [3, 10])
def test_a_failing_digest_leaves_its_work_to_the_caller(feeds):
    from tracker.fetching import Request, Settings, fetch_all

    results = fetch_all([Request(f"https://feeds.example/{i}") for i in range(feeds)],
                        Settings(workers=2), transport=httpx.MockTransport(serve_items),
                        digest=BrokenDigest())
    assert [(r.outcome, r.digest, len(r.parsed.entries)) for r in results] == [
        ("ok", None, 1)] * feeds


def test_304_costs_no_parse_and_no_store_write(run, seeded, db, server, monkeypatch, tmp_path):
    server.routes["/f"] = Route(rss([NYT]), etag='"v1"',
                                last_modified="Mon, 02 Nov 2026 10:00:00 GMT")
    subscribe(run, server.url("/f"))
    assert poll_json(run)["feeds_ok"] == 1
    log = tmp_path / "writes.log"
    monkeypatch.setenv("TRACKER_WRITE_LOG", str(log))
    before = db.read_bytes()
    summary = poll_json(run)
    assert summary["feeds_not_modified"] == 1 and summary["entries_seen"] == 0
    assert server.hits[-1][1].get("If-None-Match") == '"v1"'
    assert db.read_bytes() == before  # the store was not rewritten
    assert not log.exists() or str(db) not in log.read_text().splitlines()
    feed = as_json(run("feed", "list", "--json"))[0]
    assert feed["last_status"] == "not-modified" and feed["last_polled"] >= summary["started"]


def test_an_all_304_poll_parses_neither_articles_nor_kept_items(run, seeded, db, server,
                                                                 monkeypatch):
    """They are most of a store's file; a poll that brings nothing needs only the feeds."""
    from tracker.storage import file as file_store

    server.routes["/f"] = Route(rss([NYT, OTHER]), etag='"v1"')
    subscribe(run, server.url("/f"))
    assert poll_json(run)["articles_new"] == 1
    with open_store(db) as store:
        assert store.entries()  # OTHER was kept for rematch
    parsed: list[str] = []
    parse = file_store._parse_table
    monkeypatch.setattr(file_store, "_parse_table",
                        lambda path, name, text: parsed.append(name) or parse(path, name, text))
    assert poll_json(run)["feeds_not_modified"] == 1
    assert "feeds" in parsed and not {"articles", "entries"} & set(parsed)


def test_kept_items_expire_on_a_poll_that_brings_nothing(run, seeded, db, server):
    server.routes["/f"] = Route(rss([NYT, OTHER]), etag='"v1"')
    subscribe(run, server.url("/f"))
    poll_json(run)
    with open_store(db, write=True) as store:
        kept = store.entries()
        assert kept
        for doc in kept.values():
            doc["seen"] = "2020-01-01T00:00:00+00:00"
        store.put_entries(kept)
    assert poll_json(run)["feeds_not_modified"] == 1
    with open_store(db) as store:
        assert store.entries() == {}


def test_304s_reuse_one_connection(run, seeded, server, tmp_path, monkeypatch):
    """A 304 is read to its end, so the connection serves the next feed on that host."""
    config = tmp_path / "one.toml"
    config.write_text("feeds = []\n[poll]\nconcurrency = 1\nper_host = 1\n")
    monkeypatch.setenv("TRACKER_CONFIG", str(config))
    for i in range(4):
        server.routes[f"/f{i}"] = Route(rss([NYT]), etag=f'"v{i}"')
        subscribe(run, server.url(f"/f{i}"))
    poll_json(run)
    before = server.connections
    assert poll_json(run)["feeds_not_modified"] == 4
    assert server.connections - before == 1


def test_relative_links_are_made_absolute_against_the_feed(run, seeded, server):
    server.routes["/news/feed.xml"] = Route(rss([{**NYT, "link": "/stories/nyt-openai"},
                                                 {**GETTY, "link": "getty-appeal.html"}]))
    subscribe(run, server.url("/news/feed.xml"))
    assert poll_json(run)["articles_new"] == 2
    urls = {a["url"] for a in articles(run)}
    assert urls == {server.url("/stories/nyt-openai"), server.url("/news/getty-appeal.html")}


def test_an_all_304_poll_with_json_loads_no_parser_matcher_or_rich(run, seeded, server):
    server.routes["/f"] = Route(rss([NYT]), etag='"v1"')
    subscribe(run, server.url("/f"))
    poll_json(run)
    code = ("import sys; from tracker.cli import app; sys.argv = ['tracker', 'poll', '--json']\n"
            "try:\n    app()\nexcept SystemExit:\n    pass\n"
            "print([m for m in ('feedparser', 'tracker.matching', 'rich') if m in sys.modules],"
            " file=sys.stderr)")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert json.loads(r.stdout)["feeds_not_modified"] == 1, r.stderr
    assert r.stderr.strip().splitlines()[-1] == "[]"


def test_the_merge_decides_no_item_a_second_time(run, seeded, server, monkeypatch):
    """Items are matched while feeds download (in the parser processes when there are
    many); the merge, which holds the store's lock, must reuse those decisions. A lookup
    made with another language than the feed's (it declares <language>en</language>)
    once missed them, and every new item was matched again under the lock."""
    from tracker import polling

    server.routes["/f"] = Route(rss([NYT, GETTY, OTHER]))
    subscribe(run, server.url("/f"))
    merging, again = [False], []
    real_decide, real_merge = polling.decide, polling.merge

    def decide(*args, **kwargs):
        if merging[0]:
            again.append(args[1].title)
        return real_decide(*args, **kwargs)

    def merge(*args, **kwargs):
        merging[0] = True
        try:
            return real_merge(*args, **kwargs)
        finally:
            merging[0] = False

    monkeypatch.setattr(polling, "decide", decide)
    monkeypatch.setattr(polling, "merge", merge)
    summary = poll_json(run)
    assert summary["articles_attached"] == 2 and summary["entries_seen"] == 3
    assert again == []


def test_identical_body_without_validators_is_not_parsed_again(run, seeded, server):
    server.routes["/f"] = Route(rss([NYT]))
    subscribe(run, server.url("/f"))
    poll_json(run)
    summary = poll_json(run)
    assert summary["feeds_not_modified"] == 1
    assert summary["entries_seen"] == 0


def test_permanent_redirect_updates_the_feed_url(run, seeded, server):
    server.routes["/old"] = Route(status=301, headers={"Location": server.url("/new")})
    server.routes["/new"] = Route(rss([NYT]))
    subscribe(run, server.url("/old"))
    [before] = as_json(run("feed", "list", "--json"))
    assert poll_json(run)["articles_attached"] == 1
    [moved] = as_json(run("feed", "list", "--json"))
    assert moved["url"] == server.url("/new")
    assert moved["id"] == before["id"]  # the id people know it by stays
    assert run("feed", "disable", before["id"]).exit_code == 0


def test_temporary_redirect_keeps_the_feed_url(run, seeded, server):
    server.routes["/old"] = Route(status=302, headers={"Location": server.url("/new")})
    server.routes["/new"] = Route(rss([NYT]))
    subscribe(run, server.url("/old"))
    poll_json(run)
    assert [f["url"] for f in as_json(run("feed", "list", "--json"))] == [server.url("/old")]


def test_a_cookie_set_by_a_redirect_is_sent_to_its_target(run, seeded, server):
    # Some sites redirect once to set a cookie (a consent or session check) and expect it.
    server.routes["/check"] = Route(status=302, headers={
        "Location": "/f", "Set-Cookie": "seen=yes; Path=/"})
    server.routes["/f"] = Route(rss([NYT]))
    subscribe(run, server.url("/check"))
    assert poll_json(run)["articles_attached"] == 1
    sent = [headers for path, headers in server.hits if path == "/f"]
    assert sent and sent[-1].get("Cookie") == "seen=yes"


def test_only_an_https_host_waits_for_the_ca_bundle(run, seeded, server, monkeypatch):
    """Loading the CA bundle takes 15-30 ms; an http:// host's pool makes no TLS connection,
    and gets a context that trusts no CA at all (were it ever used, it could only fail)."""
    import ssl

    from tracker import fetching

    asked: list[str] = []
    real = fetching._TLS.get.__func__
    monkeypatch.setattr(fetching._TLS, "get",
                        classmethod(lambda cls: asked.append("get") or real(cls)))
    server.routes["/f"] = Route(rss([NYT]))
    subscribe(run, server.url("/f"))
    assert poll_json(run)["feeds_ok"] == 1
    assert asked == []
    bare = fetching._TLS.unloaded()
    assert bare.verify_mode == ssl.CERT_REQUIRED and bare.check_hostname
    assert bare.cert_store_stats()["x509_ca"] == 0
    fetcher = fetching.Fetcher(fetching.Settings())
    fetcher.transport_for(httpx.URL("https://feeds.example/a.xml"))
    fetcher.transport_for(httpx.URL("https://other.example/b.xml"))
    assert asked == ["get"]  # once, for the first https host
    assert fetching._TLS.get().cert_store_stats()["x509_ca"] > 0


def test_feeds_go_through_the_proxy_the_environment_names(run, seeded, server, monkeypatch):
    # The test server answers the proxy's absolute-form request line ("GET http://...").
    feed = "http://feeds.invalid/rss"
    server.routes[feed] = Route(rss([NYT]))
    monkeypatch.setenv("HTTP_PROXY", server.base)
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    subscribe(run, feed)
    assert poll_json(run)["articles_attached"] == 1
    assert [path for path, _ in server.hits] == [feed]


def test_credentials_in_a_feeds_address_are_sent_to_its_site_only(run, seeded, server):
    # A private feed (https://user:token@host/...): httpx's client sent them as Basic auth,
    # and so does the fetcher; a redirect to another site (here another port) drops them.
    with FeedServer() as other:
        server.routes["/private"] = Route(status=302, headers={"Location": "/private2"})
        server.routes["/private2"] = Route(status=301, headers={"Location": other.url("/f")})
        other.routes["/f"] = Route(rss([NYT]))
        subscribe(run, server.url("/private").replace("http://", "http://reader:s%40cret@"))
        assert poll_json(run)["articles_attached"] == 1
        sent = {path: headers.get("Authorization") for path, headers in server.hits + other.hits}
    basic = "Basic " + base64.b64encode(b"reader:s@cret").decode()
    assert sent == {"/private": basic, "/private2": basic, "/f": None}


@pytest.mark.parametrize("variable", ["ALL_PROXY", "http_proxy"])
def test_a_socks_proxy_without_its_package_is_a_clear_error(run, seeded, server, monkeypatch,
                                                            variable):
    # httpx needs socksio for a socks5:// proxy and raises ImportError without it: that
    # was an "internal error" of every poll and every `feed add` on such a machine.
    monkeypatch.setitem(sys.modules, "socksio", None)  # not installed, wherever this runs
    for name in ("ALL_PROXY", "all_proxy", "HTTP_PROXY", "http_proxy", "NO_PROXY", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv(variable, "socks5://127.0.0.1:9")
    server.routes["/f"] = Route(rss([NYT]))
    subscribe(run, server.url("/f"))
    before = seeded.read_bytes()
    for args in (("poll",), ("feed", "add", server.url("/g"))):
        r = run(*args)
        assert r.exit_code == 2, (args, r.stderr)
        assert r.stderr.startswith(f"tracker: error: {variable.upper()} names a SOCKS proxy")
        assert "httpx[socks]" in r.stderr and "internal error" not in r.stderr
    assert seeded.read_bytes() == before


def test_no_proxy_hosts_are_fetched_directly(run, seeded, server, monkeypatch):
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")  # nothing listens there
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    server.routes["/f"] = Route(rss([NYT]))
    subscribe(run, server.url("/f"))
    assert poll_json(run)["articles_attached"] == 1


def test_410_gone_disables_the_feed(run, seeded, server):
    server.routes["/gone"] = Route(status=410)
    subscribe(run, server.url("/gone"))
    summary = poll_json(run, code=3)
    assert summary["feeds_failed"] == 1
    feed = as_json(run("feed", "list", "--json"))[0]
    assert feed["enabled"] is False and "410" in feed["skipped_reason"]
    assert feed["next_try_why"] == "disabled: 410 Gone: the feed was removed"
    assert poll_json(run)["feeds_polled"] == 0  # not polled again
    run("feed", "disable", server.url("/gone"))
    assert as_json(run("feed", "list", "--json"))[0]["next_try_why"] == "disabled by the user"


def test_timeout_fails_that_feed_only(run, seeded, server, tmp_path, monkeypatch):
    config = tmp_path / "fast.toml"
    config.write_text("[poll]\ntimeout = 0.5\nconnect_timeout = 0.5\n")
    monkeypatch.setenv("TRACKER_CONFIG", str(config))
    hold = threading.Event()
    server.routes["/slow"] = Route(rss([GETTY]), hold=hold)
    server.routes["/ok"] = Route(rss([NYT]))
    subscribe(run, server.url("/slow"))
    subscribe(run, server.url("/ok"))
    summary = poll_json(run, code=3)
    hold.set()
    assert summary["feeds_ok"] == 1 and summary["feeds_failed"] == 1
    assert summary["failures"] == [{"url": server.url("/slow"), "error": "timed out"}]
    assert summary["articles_attached"] == 1


def test_oversize_body_is_refused(run, seeded, server, tmp_path, monkeypatch):
    config = tmp_path / "small.toml"
    config.write_text("[poll]\nmax_bytes = 2000\n")
    monkeypatch.setenv("TRACKER_CONFIG", str(config))

    def endless():
        yield rss([NYT])[:-20]
        while True:
            yield b"<!-- padding -->" * 64

    server.routes["/big"] = Route(stream=endless)
    subscribe(run, server.url("/big"))
    summary = poll_json(run, code=3)
    assert "larger than 2000 bytes" in summary["failures"][0]["error"]
    assert summary["articles_new"] == 0


def test_same_story_in_two_feeds_is_one_article_listing_both(run, seeded, server):
    server.routes["/a"] = Route(rss([NYT]))
    server.routes["/b"] = Route(rss([{**NYT, "link": NYT["link"].replace(
        "utm_source=rss", "utm_source=other&fbclid=x")}]))
    subscribe(run, server.url("/a"))
    subscribe(run, server.url("/b"))
    summary = poll_json(run)
    assert summary["articles_new"] == 1 and summary["articles_attached"] == 1
    [article] = articles(run)
    assert sorted(article["feeds"]) == [server.url("/a"), server.url("/b")]


def test_changed_entry_updates_the_article(run, seeded, server):
    server.routes["/f"] = Route(rss([NYT]))
    subscribe(run, server.url("/f"))
    poll_json(run)
    server.routes["/f"] = Route(rss([{**NYT, "title": NYT["title"] + " (updated)"}]))
    summary = poll_json(run)
    assert summary["articles_new"] == 0 and summary["articles_updated"] == 1
    [article] = articles(run)
    assert article["title"].endswith("(updated)")


def test_retry_after_is_honoured(run, seeded, server):
    server.routes["/busy"] = Route(status=429, headers={"Retry-After": "3600"})
    subscribe(run, server.url("/busy"))
    poll_json(run, code=3)
    feed = as_json(run("feed", "list", "--json"))[0]
    assert feed["retry_after"] and feed["errors"] == 1
    assert feed["next_try"] == feed["retry_after"] and "HTTP 429" in feed["next_try_why"]
    summary = poll_json(run, code=3)  # still backing off: exit 3, without a request
    assert summary["feeds_skipped"] == 1 and summary["feeds_backing_off"] == 1


def test_quiet_prints_nothing_when_nothing_new(run, seeded, server):
    server.routes["/f"] = Route(rss([OTHER]))
    subscribe(run, server.url("/f"))
    result = run("poll", "--quiet")
    assert result.exit_code == 0
    assert result.stdout == "" and result.stderr == ""


def test_quiet_lists_new_coverage_per_dispute(run, seeded, server):
    server.routes["/f"] = Route(rss([NYT, GETTY]))
    subscribe(run, server.url("/f"))
    result = run("poll", "--quiet")
    assert result.exit_code == 0
    # the digest's rendering: a headline, then each dispute with its stories and links
    lines = result.stdout.splitlines()
    assert lines[0] == "2 stories in 2 disputes, in this poll"
    assert "Getty Images v. Stability AI · appeal · getty-v-stability" in lines
    heading = lines.index("The New York Times v. Microsoft and OpenAI · discovery · nyt-v-openai")
    assert NYT["title"] in lines[heading + 1]
    assert lines[heading + 2] == "    https://news.example.com/nyt-openai"


def test_second_poll_exits_75_at_once(run, seeded, db):
    from tracker.polling import poll_lock

    with poll_lock(db):
        result = run("poll")
    assert result.exit_code == 75
    assert "already running" in result.stderr


def test_docket_feed_entries_become_events(run, seeded, server):
    server.routes["/docket"] = Route(atom([
        {"title": "Entry #812 in The New York Times Company v. Microsoft Corporation",
         "link": "https://www.courtlistener.com/docket/68117049/812/",
         "summary": "ORDER on motion to compel", "updated": "2026-11-02T00:00:00-08:00"}]))
    result = run("feed", "add", server.url("/docket"), "--no-check", "--kind", "docket",
                 "--dispute", "nyt-v-openai")
    assert result.exit_code == 0, result.stderr
    summary = poll_json(run)
    assert summary["events_new"] == 1 and summary["articles_new"] == 0
    events = as_json(run("dispute", "event", "list", "nyt-v-openai", "--json"))
    new = [e for e in events if e["source"] == "https://www.courtlistener.com/docket/68117049/812/"]
    assert new and new[0]["date"] == "2026-11-02" and "Entry #812" in new[0]["text"]
    server.routes["/docket"].etag = None
    assert poll_json(run)["events_new"] == 0  # never twice


def test_rematch_attaches_kept_items_after_a_new_dispute(run, seeded, server):
    item = {"title": "Disney sues Midjourney for copyright infringement over AI images",
            "link": "https://n.example/disney", "description": "A lawsuit over training."}
    server.routes["/f"] = Route(rss([item]))
    subscribe(run, server.url("/f"))
    assert poll_json(run)["articles_new"] == 0
    assert run("dispute", "add", "Disney v. Midjourney", "--slug", "disney-v-midjourney",
               "--started", "2025-06-11").exit_code == 0
    assert run("dispute", "party", "add", "disney-v-midjourney", "Disney",
               "--role", "claimant").exit_code == 0
    assert run("dispute", "party", "add", "disney-v-midjourney", "Midjourney",
               "--role", "respondent").exit_code == 0
    summary = as_json(run("rematch", "--json"))
    assert summary["articles_attached"] == 1
    assert articles(run, "-d", "disney-v-midjourney")[0]["url"] == "https://n.example/disney"


def test_news_groups_what_the_last_poll_attached(run, seeded, server):
    server.routes["/f"] = Route(rss([NYT, GETTY]))
    subscribe(run, server.url("/f"))
    poll_json(run)
    news = as_json(run("news", "--json"))
    assert [g["slug"] for g in news["disputes"]] == ["getty-v-stability", "nyt-v-openai"]
    assert news["marker_moved"] and news["stories"] == 2
    server.routes["/f"].body = rss([NYT, GETTY, OTHER])
    poll_json(run)
    assert as_json(run("news", "--json"))["disputes"] == []
    assert len(as_json(run("news", "--since", "2000-01-01", "--json"))["disputes"]) == 2


def test_opml_round_trip(run, seeded, server, tmp_path: Path):
    opml = tmp_path / "in.opml"
    opml.write_text(
        '<?xml version="1.0"?><opml version="2.0"><head/><body>'
        '<outline text="Cat"><outline type="rss" text="A" xmlUrl="https://a.example/feed"/>'
        '<outline type="rss" text="B &amp; C" xmlUrl="https://b.example/rss"/></outline>'
        "</body></opml>")
    result = run("feed", "import", str(opml))
    assert result.exit_code == 0, result.stderr
    assert "2 feed(s)" in result.stderr
    out = run("feed", "export")
    assert out.exit_code == 0
    assert 'xmlUrl="https://a.example/feed"' in out.stdout and "B &amp; C" in out.stdout
    again = tmp_path / "again.opml"
    again.write_text(out.stdout)
    assert "0 feed(s); 2 already there" in run("feed", "import", str(again)).stderr


@pytest.mark.parametrize("text", ["not xml", "<html><body/></html>",
                                  '<opml version="2.0"><body><outline xmlUrl="javascript:x"/>'
                                  "</body></opml>"])
def test_bad_opml_is_refused_without_change(run, seeded, db, tmp_path, text):
    path = tmp_path / "bad.opml"
    path.write_text(text)
    before = db.read_bytes()
    result = run("feed", "import", str(path))
    assert result.exit_code == 2 and "tracker: error" in result.stderr
    assert db.read_bytes() == before


def test_follow_adds_search_and_docket_feeds(run, seeded):
    result = run("feed", "follow", "nyt-v-openai")
    assert result.exit_code == 0, result.stderr
    feeds = as_json(run("feed", "list", "--json"))
    kinds = sorted((f["kind"], f["dispute"]) for f in feeds)
    assert kinds == [("docket", "nyt-v-openai"), ("search", "nyt-v-openai")]
    search = next(f for f in feeds if f["kind"] == "search")["url"]
    assert search.startswith("https://news.google.com/rss/search?q=") and "OpenAI" in search
    assert any(f["url"] == "https://www.courtlistener.com/docket/68117049/feed/" for f in feeds)
