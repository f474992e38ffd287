"""An article is its canonical URL: two URLs never become one record, whatever their ids."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from tests.conftest import as_json
from tests.feedserver import FeedServer, Route, rss
from tracker import storage, urls
from tracker.storage import read_raw

# Two URLs whose SHA-1s share their first 10 hex digits (d5d28a1548): the old key.
FIRST = "https://news.example/story/421478"
SECOND = "https://news.example/story/463541"


def test_the_pair_really_shares_a_short_id():
    assert urls.short_id(FIRST) == urls.short_id(SECOND) and FIRST != SECOND


def test_colliding_urls_added_by_hand_stay_two_articles(run, seeded, db):
    one = as_json(run("article", "add", FIRST, "-d", "nyt-v-openai", "--title", "First",
                      "--json"))
    two = as_json(run("article", "add", SECOND, "-d", "getty-v-stability", "--title",
                      "Second", "--json"))
    assert one["id"] == "d5d28a1548" and two["id"] == "d5d28a15480"  # unique, shortest
    stored = read_raw(db)["articles"]
    assert {FIRST, SECOND} <= set(stored)
    assert stored[FIRST]["title"] == "First" and stored[SECOND]["title"] == "Second"
    assert [lk["dispute"] for lk in stored[SECOND]["links"]] == ["getty-v-stability"]
    # Each id (and each URL) names its own article.
    assert as_json(run("article", "show", one["id"], "--json"))["url"] == FIRST
    assert as_json(run("article", "show", two["id"], "--json"))["url"] == SECOND
    assert as_json(run("article", "show", SECOND, "--json"))["title"] == "Second"
    listed = as_json(run("article", "list", "--json"))
    assert sorted(a["id"] for a in listed) == ["d5d28a1548", "d5d28a15480"]


def test_colliding_urls_from_one_poll_stay_two_articles(run, seeded):
    items = [{"title": f"New York Times sues OpenAI, part {n}", "link": url,
              "description": "The Times v. OpenAI copyright case.",
              "pubDate": "Mon, 02 Nov 2026 10:00:00 GMT"}
             for n, url in ((1, FIRST), (2, SECOND))]
    with FeedServer() as server:
        server.routes["/rss"] = Route(rss(items))
        assert run("feed", "add", server.url("/rss"), "--no-check").exit_code == 0
        summary = as_json(run("poll", "--json"))
    assert summary["articles_new"] == 2
    got = {a["url"]: a for a in as_json(run("article", "list", "--json"))}
    assert got[FIRST]["title"].endswith("part 1") and got[SECOND]["title"].endswith("part 2")
    assert got[FIRST]["id"] != got[SECOND]["id"]
    shown = {a["id"] for a in summary["attached"]["nyt-v-openai"]}
    assert shown == {got[FIRST]["id"], got[SECOND]["id"]}


def test_colliding_urls_imported_stay_two_articles(run, seeded, tmp_path):
    for url, title in ((FIRST, "First"), (SECOND, "Second")):
        assert run("article", "add", url, "-d", "nyt-v-openai", "--title", title).exit_code == 0
    exported = tmp_path / "all.json"
    assert run("export", "-o", str(exported)).exit_code == 0
    fresh = tmp_path / "fresh.json"
    assert run("--db", str(fresh), "init", "--empty").exit_code == 0
    assert run("--db", str(fresh), "import", str(exported)).exit_code == 0
    stored = read_raw(fresh)["articles"]
    assert {a["title"] for a in stored.values()} == {"First", "Second"}
    assert len({a["id"] for a in stored.values()}) == 2


# -- the migration from stores keyed on the short id -------------------------------------


def _old_article(url: str, title: str, slug: str) -> dict:
    return {"url": url, "title": title, "outlet": "news.example", "published": None,
            "summary": "", "language": "", "feeds": [], "first_seen": "2026-01-01T00:00:00+00:00",
            "updated": "2026-01-01T00:00:00+00:00",
            "links": [{"dispute": slug, "how": "manual", "terms": [], "at": ""}]}


def _schema_1_store(path: Path) -> None:
    """A store as the previous release wrote it: articles and kept items under short ids."""
    a, b = "https://news.example/a", "https://news.example/b?id=2"
    doc = {
        "meta": {"schema": {"version": 1}},
        "disputes": {},
        "feeds": {},
        "articles": {urls.short_id(a): _old_article(a, "A", "nyt-v-openai"),
                     urls.short_id(b): _old_article(b, "B", "getty-v-stability")},
        "entries": {urls.short_id("https://news.example/c"): {
            "url": "https://news.example/c", "title": "C", "feeds": [], "seen": "2026-01-01"}},
    }
    path.write_text(json.dumps(doc))


def test_a_schema_1_store_is_rekeyed_on_urls_and_keeps_its_ids(tmp_path):
    path = tmp_path / "old.json"
    _schema_1_store(path)
    data = read_raw(path)
    assert data["meta"]["schema"]["version"] == storage.SCHEMA_VERSION
    assert data["meta"]["urls"] == {"normalisation": urls.NORMALISATION_VERSION}
    arts = data["articles"]
    assert set(arts) == {"https://news.example/a", "https://news.example/b?id=2"}
    assert arts["https://news.example/a"]["id"] == urls.short_id("https://news.example/a")
    assert arts["https://news.example/b?id=2"]["title"] == "B"  # nothing merged
    assert set(data["entries"]) == {"https://news.example/c"}


def test_migrated_store_reads_and_writes_through_the_cli(run, db):
    _schema_1_store(db)
    listed = as_json(run("article", "list", "--json"))
    assert sorted(a["title"] for a in listed) == ["A", "B"]
    assert run("dispute", "add", "Someone v. Someone").exit_code == 0  # a write: migrated
    assert read_raw(db)["meta"]["schema"]["version"] == storage.SCHEMA_VERSION
    assert json.loads(db.read_text())["meta"]["schema"]["version"] == storage.SCHEMA_VERSION


def test_new_url_rules_merge_only_urls_that_became_one(tmp_path, monkeypatch):
    """A store canonicalised by older rules is canonicalised again when read: records whose
    URLs now agree become one (links unioned); no other record is touched."""
    path = tmp_path / "store.json"
    data = storage.new_raw()
    tracked = "https://news.example/x?newtrk=1"
    data["articles"] = {
        tracked: {**_old_article(tracked, "X tracked", "nyt-v-openai"), "id": "1111111111"},
        "https://news.example/x": {**_old_article("https://news.example/x", "X", "coda-v-openai"),
                                   "id": "2222222222",  # before the other's 00:00 UTC
                                   "first_seen": "2026-01-01T08:00:00+09:00"},
        "https://news.example/y?id=2": {**_old_article("https://news.example/y?id=2", "Y",
                                                       "nyt-v-openai"), "id": "3333333333"},
    }
    path.write_bytes(storage.dumps(data))
    monkeypatch.setattr(urls, "_TRACKING_EXACT", urls._TRACKING_EXACT | {"newtrk"})
    monkeypatch.setattr(urls, "NORMALISATION_VERSION", urls.NORMALISATION_VERSION + 1)
    arts = read_raw(path)["articles"]
    assert set(arts) == {"https://news.example/x", "https://news.example/y?id=2"}
    merged = arts["https://news.example/x"]
    assert {lk["dispute"] for lk in merged["links"]} == {"nyt-v-openai", "coda-v-openai"}
    assert merged["first_seen"] == "2026-01-01T08:00:00+09:00"  # the earlier instant
    assert arts["https://news.example/y?id=2"]["title"] == "Y"


def test_a_store_with_newer_url_rules_is_refused(run, seeded, db):
    data = json.loads(db.read_text())
    data["meta"]["urls"] = {"normalisation": urls.NORMALISATION_VERSION + 1}
    db.write_text(json.dumps(data))
    before = db.read_bytes()
    result = run("article", "add", FIRST, "-d", "nyt-v-openai")
    assert result.exit_code == 4 and "newer than this tracker knows" in " ".join(
        result.stderr.split())
    assert db.read_bytes() == before


# The URL rules as of each NORMALISATION_VERSION. Changing the tracking parameters without
# bumping the version would silently split new articles from stored ones: this fails first.
RULES = {1: "1b148e853f"}


def test_the_url_rules_are_pinned_to_their_version():
    rules = json.dumps([sorted(urls._TRACKING_EXACT), list(urls._TRACKING_PREFIXES)])
    digest = hashlib.sha1(rules.encode()).hexdigest()[:10]
    assert RULES.get(urls.NORMALISATION_VERSION) == digest, (
        f"the URL rules changed ({digest}): bump urls.NORMALISATION_VERSION and add it here")


@pytest.mark.parametrize("url", [FIRST, SECOND])
def test_an_unsaved_article_has_the_plain_short_id(url):
    from tracker.models import Article

    assert Article(url=url).id == urls.short_id(url)
