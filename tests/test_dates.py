"""Date types inside the program, text at the boundary (issue 12).

Partial dates (`2026`, `2026-11`) compare as the ranges of days they cover, timestamps
as UTC instants; the store, the export and --json keep the exact text they were given.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
from datetime import datetime, timedelta, timezone

import pytest

from tests.conftest import as_json
from tracker import dates, health, paths, storage
from tracker.dates import PartialDate, Stamp, Unread
from tracker.models import Article, Dispute, Event, Feed, Link
from tracker.seed import seed_disputes
from tracker.storage import ArticleQuery


def test_a_disputes_start_is_a_date_in_memory_and_text_in_records():
    raw = [{"slug": f"d{i}", "title": "T", "started": s}
           for i, s in enumerate(["2026-11", "2026-11-01", "2026", "soon", None])]
    found = [Dispute.from_dict(r) for r in raw]
    assert found[0].started == PartialDate(2026, 11)
    assert found[3].started == Unread("soon")  # damaged text is kept, for doctor to name
    assert not Dispute.from_dict({**raw[0], "started": ""}).started  # no date, as the text
    # As ranges: the year first (it begins earliest), a day before the month it begins.
    started = sorted((d for d in found if d.started), key=lambda d: d.started)
    assert [str(d.started) for d in started] == ["2026", "2026-11-01", "2026-11", "soon"]
    assert [d.to_dict()["started"] for d in found] == [r["started"] for r in raw]
    with pytest.raises(TypeError, match="started: expected text, found int 2026"):
        Dispute.from_dict({"slug": "x", "title": "X", "started": 2026})


def test_a_start_given_by_month_is_shown_and_exported_as_given(run, seeded):
    assert run("dispute", "add", "A v. B", "--started", "2023-09").exit_code == 0
    assert as_json(run("dispute", "show", "a-v-b", "--json"))["started"] == "2023-09"
    rows = {r["slug"]: r for r in csv.DictReader(io.StringIO(
        run("dispute", "list", "--csv").stdout))}
    assert rows["a-v-b"]["since"] == "2023-09"
    assert run("dispute", "edit", "a-v-b", "--started", "2023").exit_code == 0
    exported = {d["slug"]: d for d in as_json(run("export"))["disputes"]}
    assert exported["a-v-b"]["started"] == "2023"
    assert exported["a-v-b"]["events"][0]["date"] == "2023-09"  # its first status, when filed
    assert "since 2023" in run("dispute", "show", "a-v-b").stdout


def test_since_a_day_takes_a_month_or_year_that_begins_on_it(backend, run):
    assert run("init").exit_code == 0
    for name, published in (("year", "2026"), ("month", "2026-11"), ("day", "2026-11-01"),
                            ("before", "2026-10-31")):
        assert run("article", "add", f"https://news.example/{name}", "-d", "nyt-v-openai",
                   "--published", published).exit_code == 0
    run("article", "add", "https://news.example/stamped", "-d", "nyt-v-openai")

    def since(when: str) -> set[str]:
        found = as_json(run("article", "list", "--since", when, "--json"))
        return {a["url"].rsplit("/", 1)[1] for a in found} - {"stamped"}

    assert since("2026-11-01") == {"month", "day"}  # November begins on 1 November
    assert since("2026-11") == {"month", "day"}
    assert since("2026-01-01") == {"year", "month", "day", "before"}
    assert since("2026") == since("2026-01-01")
    assert since("2026-11-02") == set()  # November began before the 2nd
    assert since("2027") == set()


def test_since_keys_are_the_lowest_key_of_their_first_moment():
    key = dates.since_key
    assert key(PartialDate.parse("2026-11-01")) == "2026-11"
    assert key(PartialDate.parse("2026-01-01")) == key(PartialDate(2026)) == "2026"
    assert key(PartialDate.parse("2026-11-05")) == "2026-11-05"
    assert key(PartialDate(2026, 2)) == "2026-02"
    midnight = datetime(2026, 11, 1, tzinfo=timezone.utc)
    assert key(midnight) == "2026-11"  # a day's first moment: as that day
    assert key(midnight.replace(hour=1)) == "2026-11-01T01:00:00+00:00"
    # Every key at or after the bound begins at or after it, every key before it earlier.
    texts = ["2026", "2026-10", "2026-10-31", "2026-10-31T23:59:59+00:00", "2026-11",
             "2026-11-01", "2026-11-01T00:00:00+00:00", "2026-11-30"]
    later = [t for t in texts if dates.instant_key(t) >= key(PartialDate.parse("2026-11-01"))]
    assert later == texts[4:]


# -- timestamps: a Stamp keeps its text and compares as the UTC instant ----------------------

TOKYO, NEW_YORK = "2026-11-02T10:00:00+09:00", "2026-11-01T23:00:00-05:00"  # 01:00, 04:00 UTC


def test_stamps_compare_as_instants_and_keep_their_text():
    raw = {"slug": "a-v-b", "title": "A v. B", "created": TOKYO,
           "updated": "2026-11-02T01:00:00Z", "events": [
               {"date": "2026-11", "text": "later", "recorded": NEW_YORK},
               {"date": "2026-11", "text": "earlier", "recorded": TOKYO}]}
    d = Dispute.from_dict(raw)
    assert d.created == d.updated  # one instant, written two ways
    assert d.created < Stamp("2026-11-02T01:00:00.5+00:00") < d.events[0].recorded
    assert [e.text for e in sorted(d.events, key=lambda e: e.recorded)] == ["earlier", "later"]
    back = d.to_dict()
    assert (back["created"], back["updated"]) == (TOKYO, "2026-11-02T01:00:00Z")
    assert [e["recorded"] for e in back["events"]] == [NEW_YORK, TOKYO]
    with pytest.raises(TypeError, match=r"^created: expected a timestamp, found int 5$"):
        Dispute.from_dict({**raw, "created": 5})
    with pytest.raises(TypeError, match=r"events\[1\]\.recorded: expected a timestamp"):
        Dispute.from_dict({**raw, "events": [raw["events"][0], {**raw["events"][1],
                                                                "recorded": None}]})
    with pytest.raises(AttributeError):
        d.created.text = "x"  # type: ignore[misc]  # immutable


@pytest.mark.parametrize("text", ["2026-11-02T01:00:00.5+00:00", "2026-11-02T01:00:00.5Z",
                                  "2026-11-02T01:00:00,500+00:00",
                                  "2026-11-02T10:00:00.5000004+09:00"])
def test_timestamps_read_alike_on_every_python(text):
    # Python 3.10's fromisoformat takes only 3 or 6 digits of a second and no `Z`; an
    # export holding such a stamp was refused there and imported on 3.11.
    expected = datetime(2026, 11, 2, 1, 0, 0, 500000, tzinfo=timezone.utc)
    assert dates.instant(text) == dates.read_timestamp(text).astimezone(timezone.utc) == expected


def test_a_feeds_stamps_are_instants_whatever_their_offset():
    feed = Feed.from_dict({"url": "https://f.example/rss", "errors": 1,
                           "retry_after": "2099-01-01T00:00:00",  # no offset: UTC
                           "last_polled": TOKYO, "added": NEW_YORK})
    assert feed.to_dict()["retry_after"] == "2099-01-01T00:00:00"
    assert feed.last_polled is not None and feed.last_polled < feed.added
    now = datetime(2098, 12, 31, 23, 0, tzinfo=timezone.utc)
    assert health.due(feed, now) == "failed 1 time(s) in a row; next try 2099-01-01T00:00:00"
    assert health.due(feed, now + timedelta(hours=2)) is None
    with pytest.raises(TypeError, match=r"^added: expected a timestamp, found null$"):
        Feed.from_dict({"url": "https://f.example/rss", "added": None})


def test_feed_list_reads_a_wait_stamped_without_an_offset(run, tmp_path):
    """A hand-edited or imported `retry_after` without an offset crashed `feed list`
    (an aware and a naive time compared)."""
    feed = Feed(url="https://f.example/rss", errors=1, added=Stamp(""),
                retry_after=Stamp("2099-01-01T00:00:00"))
    assert storage.create_store(paths.location(str(tmp_path / "store.json")),
                                lambda store: store.put_feeds([feed]))
    shown = run("feed", "list", "--json")
    assert shown.exit_code == 0, shown.stderr
    [row] = as_json(shown)
    assert row["next_try"] == row["retry_after"] == "2099-01-01T00:00:00"


def test_a_wait_stamped_with_no_time_is_no_wait():
    """A hand edit (`doctor` names it) does not stop feed list or poll: ValueError before."""
    feed = Feed(url="https://f.example/rss", errors=1, retry_after=Stamp("soon"))
    now = datetime(2026, 11, 2, tzinfo=timezone.utc)
    assert health.due(feed, now) is None
    assert health.next_try(feed, now)[0] == "next poll"


def test_links_made_since_a_moment_compare_as_instants(backend):
    article = Article(url="https://news.example/a", published="2026-11-01",
                      first_seen=NEW_YORK, links=[Link("nyt-v-openai", "manual", [], NEW_YORK)])
    assert storage.create_store(paths.location(backend),
                                lambda store: store.put_articles([article]))
    with storage.open_store(paths.location(backend)) as store:
        since = [a.url for a in store.find_articles(ArticleQuery(
            dispute="nyt-v-openai", linked_since="2026-11-02T02:00:00+00:00"))]
        later = store.find_articles(ArticleQuery(linked_since="2026-11-02T05:00:00+00:00"))
    assert since == [article.url] and later == []  # linked 04:00 UTC, though its text says 1 Nov


# -- the boundary: every date field out, in and out again, byte for byte ---------------------


def _every_date_field(store: storage.Store) -> None:
    events = [Event(date=PartialDate.parse(day), text=f"on {day}", recorded=Stamp(at),
                    status=status)
              for day, at, status in (("2023-09", TOKYO, "filed"),
                                      ("2024", "2026-11-02T01:00:00.5+00:00", None),
                                      ("2025-03-01", "2026-11-02T01:00:00", "discovery"))]
    store.put_dispute(Dispute(slug="a-v-b", title="A v. B", status="discovery",
                              started=PartialDate(2023, 9), events=events,
                              created=Stamp(TOKYO), updated=Stamp("2026-11-02T01:00Z")))
    link = Link("a-v-b", "match", ["A"], NEW_YORK)
    store.put_articles([
        Article(url="https://news.example/1", published=TOKYO, first_seen="2026-11-02T01:00:00Z",
                updated="2026-11-02T01:00:00.250000+00:00", links=[link]),
        Article(url="https://news.example/2", published="2026-11", first_seen=NEW_YORK,
                updated=NEW_YORK, links=[Link("a-v-b", "manual", [], TOKYO)])])
    store.put_feeds([Feed(url="https://f.example/rss", last_polled=Stamp(TOKYO),
                          retry_after=Stamp("2099-01-01T00:00:00Z"), errors=1,
                          last_modified="Mon, 02 Nov 2026 01:00:00 GMT",
                          added=Stamp("2026-10-01T00:00:00+02:00"))])


def test_every_date_field_survives_export_import_export_on_every_backend(backend, run,
                                                                         tmp_path):
    source = str(tmp_path / "source.json")
    assert storage.create_store(paths.location(source), _every_date_field)
    assert run("init", "--empty").exit_code == 0  # the backend under test
    first = run("--db", source, "export")
    imported = run("import", write_file(tmp_path, first.stdout))
    assert imported.exit_code == 0, imported.stderr
    assert "disputes: 1 added" in imported.stderr and "articles: 2 added" in imported.stderr
    again = run("export")
    stamp = json.loads(first.stdout)["exported_at"]
    assert again.stdout.replace(json.loads(again.stdout)["exported_at"], stamp) == first.stdout
    doc = json.loads(first.stdout)
    assert doc["disputes"][0]["started"] == "2023-09"
    assert doc["disputes"][0]["events"][0]["recorded"] == TOKYO
    assert doc["feeds"][0]["retry_after"] == "2099-01-01T00:00:00Z"
    for args in (("export", "--format", "csv"), ("dispute", "show", "a-v-b", "--json"),
                 ("dispute", "list", "--csv"), ("article", "list", "--json"),
                 ("feed", "list", "--json"), ("dispute", "event", "list", "a-v-b", "--json")):
        mine, theirs = run(*args), run("--db", source, *args)
        assert mine.exit_code == 0, (args, mine.stderr)
        assert mine.stdout == theirs.stdout, args


def write_file(tmp_path, text: str) -> str:
    path = tmp_path / "export.json"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_a_disputes_record_is_fresh_plain_data_in_field_order():
    d = next(d for d in seed_disputes() if d.forums and d.parties[0].aliases)
    record = d.to_dict()
    assert list(record) == [f.name for f in dataclasses.fields(Dispute)]
    assert json.loads(json.dumps(record)) == record  # plain JSON values only
    record["parties"][0]["aliases"].append("x")
    record["match"]["include"].append("x")
    record["tags"].append("x")
    record["forums"][0]["name"] = "x"
    assert d.to_dict() != record and Dispute.from_dict(d.to_dict()) == d
