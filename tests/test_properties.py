"""Properties that hold for any input: URL spellings, matching, the storage round trip, and
random or mutated feeds pushed through fetch, parse, match and store.

Example counts are kept modest so the whole suite stays fast; the fuzz seeds include the
documents that once broke something.
"""

from __future__ import annotations

import json
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from tests.feedserver import atom, rss
from tests.test_urls import urls
from tracker import doctor, polling
from tracker import report as reports
from tracker.config import defaults, load
from tracker.core import coverage, init_store
from tracker.feeds import new_feed
from tracker.matching import Matcher
from tracker.models import (
    KINDS,
    RELATIONS,
    ROLES,
    STATUSES,
    Article,
    Dispute,
    Event,
    Feed,
    Forum,
    Link,
    Party,
    Related,
)
from tracker.seed import seed_disputes
from tracker.storage import open_store, read_raw
from tracker.urls import normalise_url, short_id

CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# The isolated fixture only points paths at tmp_path; examples may share it.
SHARED = settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

# -- URLs: spellings of one address are one article -------------------------------------------


@settings(max_examples=150, deadline=None)
@given(urls(), st.sampled_from(["", "#top", "#a?b=c"]), st.booleans(),
       st.sampled_from(["", "utm_source=rss", "fbclid=x&utm_medium=y"]))
def test_spellings_of_one_address_share_a_canonical_form(url, fragment, upper, tracking):
    base = normalise_url(url)
    scheme, rest = base.split("://", 1)
    host, _, path = rest.partition("/")
    host = host.upper() if upper and host.isascii() else host  # only ASCII case is folded
    if ":" not in host:
        host += ":443" if scheme == "https" else ":80"  # the default port, spelled out
    query = "&".join(p for p in (urlsplit_query(path), tracking) if p)
    spelled = f"{scheme.upper()}://{host}/{path.split('?')[0]}{'?' + query if query else ''}"
    assert normalise_url(spelled + fragment) == base
    assert short_id(normalise_url(spelled + fragment)) == short_id(base)


def urlsplit_query(path: str) -> str:
    return path.split("?", 1)[1] if "?" in path else ""


# -- matching ----------------------------------------------------------------------------------

SUBJECT_TERMS = defaults()["match"]["subject_terms"]
MATCHER = Matcher(seed_disputes(), SUBJECT_TERMS)
HEADLINES = json.loads((Path(__file__).parent / "data" / "headlines.json").read_text("utf-8"))
MATCHING = [(h["title"], h["summary"]) for h in HEADLINES
            if MATCHER.match(h["title"], h["summary"])]
# Words that are nobody's name, no subject term, no exclusion, and no citing phrase.
NEUTRAL = st.lists(st.sampled_from(["weather", "football", "garden", "recipe", "tuesday",
                                    "markets", "rain", "music", "2024", "city", "council", "42",
                                    "and", "the", "blue", "東京", "晴れ", "café", ".", ",", "!"]),
                   min_size=1, max_size=12).map(" ".join)


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=300), st.text(max_size=300))
@example("NYT\x00 sues\u202e OpenAI", "\x1b]0;x\x07 copyright")
@example("<" * 500 + "&" * 500, "]]>" * 50)
@example("Getty Images' " * 200, "Stability AI " * 200)
def test_matching_never_raises_and_is_deterministic(title, summary):
    first = MATCHER.match(title, summary)
    assert first == MATCHER.match(title, summary)
    assert first == Matcher(list(reversed(seed_disputes())), SUBJECT_TERMS).match(title, summary)
    assert [m.slug for m in first] == sorted(m.slug for m in first)


@settings(max_examples=100, deadline=None)
@given(st.sampled_from(MATCHING), NEUTRAL, NEUTRAL)
def test_unrelated_text_never_removes_a_match(item, before, after):
    title, summary = item
    wanted = {m.slug for m in MATCHER.match(title, summary)}
    padded = MATCHER.match(f"{title}. {after}", f"{before}. {summary} {after}".strip())
    assert wanted <= {m.slug for m in padded}


def test_there_are_matching_headlines_to_pad():
    assert len(MATCHING) >= 20


# -- the storage round trip ------------------------------------------------------------------

text = st.text(max_size=40)
maybe_text = st.none() | text
date = st.dates().map(lambda d: d.isoformat())
stamp = st.datetimes().map(lambda t: t.isoformat())
slug = st.from_regex(r"[a-z0-9]{1,8}(-[a-z0-9]{1,8}){0,3}", fullmatch=True)
words = st.lists(text, max_size=4)

forums = st.builds(Forum, name=text, jurisdiction=text, docket=maybe_text,
                   courtlistener_id=st.none() | st.integers(1, 2**53 - 1), note=text)
parties = st.builds(Party, name=text, role=st.sampled_from(list(ROLES)),
                    kind=st.sampled_from(["company", "person", "other"]), aliases=words, note=text)
events = st.builds(Event, date=date, text=text, status=st.none() | st.sampled_from(list(STATUSES)),
                   previous_status=st.none() | st.sampled_from(list(STATUSES)), source=maybe_text,
                   unconfirmed=st.booleans(), note=text, recorded=stamp, origin=text)
disputes = st.builds(
    Dispute, slug=slug, title=text, kind=st.sampled_from(list(KINDS)),
    status=st.sampled_from(list(STATUSES)), started=st.none() | date, summary=text,
    forums=st.lists(forums, max_size=3), parties=st.lists(parties, max_size=4), claims=words,
    works=words, tags=words, notes=text,
    related=st.lists(st.builds(Related, slug=slug, relation=st.sampled_from(list(RELATIONS))),
                     max_size=2),
    match=st.fixed_dictionaries({"include": words, "exclude": words}),
    events=st.lists(events, max_size=4), created=stamp, updated=stamp)
articles = st.builds(
    Article, url=urls().map(normalise_url), title=text, outlet=text, published=st.none() | stamp,
    summary=st.text(max_size=400), language=text,
    links=st.lists(st.builds(Link, dispute=slug, how=st.sampled_from(["manual", "match"]),
                             terms=words, at=stamp), max_size=3),
    feeds=words, first_seen=stamp, updated=stamp)
feeds = st.builds(Feed, url=urls().map(normalise_url), name=text, title=text,
                  errors=st.integers(0, 2**53 - 1), enabled=st.booleans(), etag=maybe_text,
                  entries=st.integers(0, 2**31))


@settings(SHARED, max_examples=60)
@given(st.lists(disputes, min_size=1, max_size=3, unique_by=lambda d: d.slug),
       st.lists(articles, max_size=4, unique_by=lambda a: a.id),
       st.lists(feeds, max_size=2, unique_by=lambda f: f.id))
def test_records_survive_the_round_trip_unchanged(tmp_path, ds, arts, fs):
    with tempfile.TemporaryDirectory(dir=tmp_path) as where:
        db = Path(where) / "store.json"
        init_store(db, seed=False)
        with open_store(db, write=True) as store:
            for d in ds:
                store.put_dispute(d)
            store.put_articles(arts)
            store.put_feeds(fs)
        with open_store(db) as store:
            assert store.disputes() == sorted(ds, key=lambda d: d.slug)
            assert sorted(store.articles(), key=lambda a: a.id) == sorted(arts, key=lambda a: a.id)
            assert {f.id: f for f in store.feeds()} == {f.id: f for f in fs}
        assert [p for p in doctor.check(db).problems if p.check in doctor.DAMAGE] == []


# -- random and mutated feeds through fetch, parse, match and store ----------------------------

HEAD = "New York Times sues OpenAI over copyright"
ITEMS = [{"title": f"{HEAD}: filing {i}", "link": f"https://news.example/{i}",
          "description": "<p>ChatGPT <b>training</b> &amp; the &lt;press&gt;</p>",
          "pubDate": "Mon, 02 Nov 2026 10:00:00 GMT"} for i in range(3)]
SEEDS = [rss(ITEMS), atom([{**i, "summary": i["description"]} for i in ITEMS])]
INSERTS = [b"<", b"&", b"\x00", b"\xff", b"\xc3(", b"\xed\xa0\x80", b"]]>", b"<![CDATA[",
           b"&#27;", b"&#x9b;", b"\x1b]0;pwned\x07", b"\x1b[2J", b"&lol;", b"</item>",
           b"<item>", b"<title>", b"<script>", b"\xc2\x9b", b"'\"",
           b"<!DOCTYPE x [<!ENTITY a 'b'>]>"]


@st.composite
def mutated(draw: st.DrawFn, seeds: list[bytes] = SEEDS) -> bytes:
    doc = bytearray(draw(st.sampled_from(seeds)))
    for _ in range(draw(st.integers(1, 6))):
        if not doc:
            break
        op = draw(st.sampled_from(["flip", "truncate", "insert", "insert", "delete"]))
        i = draw(st.integers(0, len(doc) - 1))
        if op == "flip":
            doc[i] ^= 1 << draw(st.integers(0, 7))
        elif op == "truncate":
            del doc[i:]
        elif op == "insert":
            doc[i:i] = draw(st.sampled_from(INSERTS))
        else:
            del doc[i:i + draw(st.integers(1, 40))]
    return bytes(doc)


CONTENT_TYPES = ["application/rss+xml", "application/atom+xml; charset=utf-8", "text/html",
                 "text/xml; charset=latin-1", "text/xml; charset=utf-16", "", "image/png"]


def inert_strings(value: Any, where: str = "") -> Iterator[str]:
    """Where a stored string holds a control character (tab and newline are text)."""
    if isinstance(value, str):
        if CONTROL.search(value):
            yield f"{where}: {value!r}"[:200]
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from inert_strings(v, f"{where}/{k}")
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from inert_strings(v, f"{where}[{i}]")


@pytest.fixture(scope="module")
def fuzz_store(tmp_path_factory) -> Path:
    """One store for every fuzz example: it must keep working whatever the feeds did."""
    db = tmp_path_factory.mktemp("fuzz") / "store.json"
    init_store(db, seed=True)
    with open_store(db, write=True) as store:
        store.put_feeds([new_feed("https://feeds.example/news"),
                         new_feed("https://feeds.example/docket", kind="docket",
                                  dispute="nyt-v-openai")])
    return db


@settings(SHARED, max_examples=80)
@given(st.one_of(mutated(), st.binary(max_size=2000)), st.sampled_from(CONTENT_TYPES),
       st.sampled_from(["https://feeds.example/news", "https://feeds.example/docket"]),
       st.integers(0, 10**6))
@example(SEEDS[0], "application/rss+xml", "https://feeds.example/news", 0)
@example(SEEDS[0].replace(b"filing 0", b"\x1b]0;pwned\x07 filing 0"), "",
         "https://feeds.example/news", 1)
@example(SEEDS[1].replace(b"<title>", b"<title>\xc2\x9b2J&#27;[31m"), "application/atom+xml",
         "https://feeds.example/docket", 2)
def test_any_feed_leaves_the_store_readable_and_inert(fuzz_store, body, content_type, url, n):
    body = body.replace(b"news.example/", f"news.example/{n}/".encode())  # new stories too
    config = load(None)
    config.data["poll"]["max_failures"] = 0  # keep polling a feed that fails, every example

    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=body, headers={"content-type": content_type})

    summary = polling.poll(fuzz_store, config, only=[url], transport=httpx.MockTransport(answer))
    assert summary.feeds_polled == 1
    data = read_raw(fuzz_store)  # the store still reads ...
    assert [p for p in doctor.check(fuzz_store).problems if p.check in doctor.DAMAGE] == []
    with open_store(fuzz_store) as store:  # ... and every record builds
        store.disputes(), store.articles(), store.feeds()
        nyt = store.dispute("nyt-v-openai")
        assert nyt is not None
        page = reports.html_report(nyt, coverage(store, "nyt-v-openai"), as_of="2026-11-21")
    for table in ("articles", "entries", "feeds"):
        assert list(inert_strings(data[table], table)) == []
    assert list(inert_strings([e for d in data["disputes"].values() for e in d["events"]])) == []
    assert "<script" not in page.lower() and "javascript:" not in page.lower()
    feed = next(f for f in data["feeds"].values() if f["url"] == url)
    changed = summary.articles_new + summary.articles_updated + summary.events_new
    event(f"{feed['last_status']}, {'changes' if changed else 'no change'}")
    assert feed["last_status"] in ("ok", "unchanged", "error")
    assert feed["last_status"] != "error" or feed["last_error"]

