"""A feed is its URL: two addresses whose short ids collide are two feeds, on every backend.

Short ids are 10 hex digits of the URL's SHA-1, so two feed URLs can share them; the
pair used here is found for this run's server by a birthday search (about a million
hashes, once per module). Stores written before schema 3 keyed feeds on those digits:
the ones in tests/data/schema2 were written by that tracker (see make.py there) and
must open, migrate and export exactly as it exported them.
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import json
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import as_json
from tests.feedserver import FeedServer, Route, rss
from tests.test_store_contract import new_location
from tracker import paths, storage, urls
from tracker.storage import read_raw
from tracker.storage.sql import SQL_MIGRATIONS, dialect

OLD = Path(__file__).parent / "data" / "schema2"


@functools.cache
def colliding_paths(base: str) -> tuple[str, str]:
    """Two paths under `base` whose URLs share the first 10 hex digits of their SHA-1."""
    seen: dict[bytes, int] = {}
    for i in itertools.count():
        key = hashlib.sha1(f"{base}/feed/{i}".encode()).digest()[:5]  # 5 bytes: 10 digits
        if (j := seen.setdefault(key, i)) != i:
            return f"/feed/{j}", f"/feed/{i}"
    raise AssertionError("unreachable")


@pytest.fixture(scope="module")
def server() -> Iterator[FeedServer]:
    with FeedServer() as srv:
        yield srv


def _item(n: int, url: str) -> dict[str, str]:
    return {"title": f"New York Times sues OpenAI over copyright, report {n}", "link": url,
            "description": "The Times v. OpenAI copyright case.", "guid": f"g{n}",
            "pubDate": "Mon, 02 Nov 2026 10:00:00 GMT"}


def _ids(run: Any, *db: str) -> dict[str, str]:
    return {f["url"]: f["id"] for f in as_json(run(*db, "feed", "list", "--json"))}


def test_colliding_feeds_are_two_feeds_on_every_backend(backend, run, server, tmp_path,
                                                        request):
    one, two = colliding_paths(server.base)
    first, second = server.url(one), server.url(two)
    assert urls.short_id(first) == urls.short_id(second)
    stories = {first: "https://news.example/one", second: "https://news.example/two"}
    for path, url, n in ((one, first, 1), (two, second, 2)):
        server.routes[path] = Route(rss([_item(n, stories[url])]), etag=f'"{n}"')
    assert run("init").exit_code == 0
    # The second URL subscribed first takes the 10 digits; the other one grows a digit.
    for url in (second, first):
        added = run("feed", "add", url, "--no-check")
        assert added.exit_code == 0, added.stderr
    ids = _ids(run)
    short = urls.short_id(first)
    assert ids == {second: short, first: urls.short_id(first, 11)}
    assert run("feed", "add", first, "--no-check").exit_code != 0  # the same URL: refused

    polled = as_json(run("poll", "--json"))
    assert polled["feeds_polled"] == 2 and polled["feeds_ok"] == 2
    assert polled["articles_new"] == 2
    got = {a["url"]: a["feeds"] for a in as_json(run("article", "list", "--json"))}
    assert got == {stories[first]: [first], stories[second]: [second]}
    again = as_json(run("poll", "--json"))
    assert again["feeds_not_modified"] == 2
    listed = as_json(run("feed", "list", "--json"))
    assert {f["url"]: f["last_status"] for f in listed} == \
        {first: "not-modified", second: "not-modified"}

    # Ids and their prefixes name one feed each; the shared 10 digits name the one holding
    # exactly them, a shorter prefix is ambiguous.
    ambiguous = run("feed", "disable", short[:6])
    assert ambiguous.exit_code == 2 and "ambiguous" in ambiguous.stderr
    assert run("feed", "disable", short).exit_code == 0
    assert run("feed", "edit", ids[first], "--name", "The longer one").exit_code == 0
    state = {f["url"]: (f["enabled"], f["name"]) for f in as_json(run("feed", "list", "--json"))}
    assert state == {second: (False, ""), first: (True, "The longer one")}
    assert run("feed", "enable", short).exit_code == 0

    exported = as_json(run("export"))
    assert {f["url"]: f["id"] for f in exported["feeds"]} == ids
    dump = tmp_path / "export.json"
    dump.write_text(json.dumps(exported))
    kind = request.node.callspec.params["backend"]
    # Into an empty store the file's ids are kept (not given anew in the file's URL order).
    fresh = new_location(kind, tmp_path, request, "fresh")
    assert run("--db", fresh, "init", "--empty").exit_code == 0
    assert run("--db", fresh, "import", str(dump)).exit_code == 0
    assert _ids(run, "--db", fresh) == ids
    # Into a store where the 10 digits name another URL, the incoming feed grows a digit.
    taken = new_location(kind, tmp_path, request, "taken")
    assert run("--db", taken, "init", "--empty").exit_code == 0
    assert run("--db", taken, "feed", "add", first, "--no-check").exit_code == 0
    assert run("--db", taken, "import", str(dump)).exit_code == 0
    assert _ids(run, "--db", taken) == {first: short, second: urls.short_id(second, 11)}
    assert run("--db", taken, "doctor").exit_code == 0

    # Removed one at a time: the other stays, under its own id.
    assert run("feed", "remove", short).exit_code == 0
    assert _ids(run) == {first: ids[first]}
    assert run("feed", "remove", ids[first]).exit_code == 0
    assert _ids(run) == {}


def test_a_feed_built_without_the_store_gets_a_free_id(backend):
    from tracker.models import Feed

    base = "https://feeds.example"
    one, two = colliding_paths(base)
    assert storage.create_store(paths.location(backend), lambda s: None)
    with storage.open_store(paths.location(backend), write=True) as store:
        store.put_feeds([Feed(url=base + one, added="1"), Feed(url=base + two, added="2")])
    with storage.open_store(paths.location(backend)) as store:
        got = {f.url: f.id for f in store.feeds()}
        assert got == {base + one: urls.short_id(base + one),
                       base + two: urls.short_id(base + two, 11)}
        assert store.feed_ids(urls.short_id(base + one)) == {v: k for k, v in got.items()}


# -- stores written before schema 3 -----------------------------------------------------------


def _old_export() -> dict[str, Any]:
    return dict(json.loads((OLD / "export.json").read_text()))


def _export(run: Any) -> dict[str, Any]:
    doc = as_json(run("export"))
    doc.pop("exported_at")
    return dict(doc)


def _old_ids() -> dict[str, str]:
    return {key: doc["url"] for key, doc in json.loads(
        (OLD / "store.json").read_text())["feeds"].items()}


def _load_sql(where: str) -> None:
    """The rows a schema-2 SQL store held (dumped from one that tracker wrote), in the
    layout it had (unchanged since: SQL layout 2)."""
    rows = json.loads((OLD / "sql-rows.json").read_text())
    assert rows["tracker_schema"] == [[2, 2]]
    location = paths.location(where)
    assert isinstance(location, paths.DbUrl)
    d = dialect(location)
    if location.scheme == "sqlite":
        conn: Any = sqlite3.connect(d.path)  # type: ignore[attr-defined]
    else:
        import psycopg

        conn = psycopg.connect(where, autocommit=True)
    mark = "?" if location.scheme == "sqlite" else "%s"
    with conn:
        for _, steps in SQL_MIGRATIONS[:2]:
            for statement in steps(d):
                conn.execute(statement)
        for table, data in rows.items():
            if data:
                marks = ", ".join([mark] * len(data[0]))
                for row in data:
                    conn.execute(f"INSERT INTO {table} VALUES ({marks})", row)
    conn.close()


def test_an_old_file_store_opens_migrated_and_exports_as_before(run, db):
    shutil.copy(OLD / "store.json", db)
    shutil.copy(OLD / "store.json.checked", db.with_name(db.name + ".checked"))
    assert read_raw(db)["meta"]["schema"]["version"] == storage.SCHEMA_VERSION
    assert _export(run) == _old_export()
    old = _old_ids()
    listed = as_json(run("feed", "list", "--json"))
    assert {f["id"]: f["url"] for f in listed} == old  # every feed keeps its id
    assert {f["last_status"] for f in listed} == {"not-modified"}  # checks noted by the ids
    assert run("doctor").exit_code == 0
    plain = next(k for k, u in old.items() if u.endswith("/a"))
    assert run("feed", "edit", plain[:5], "--name", "Renamed").exit_code == 0  # a write
    data = json.loads(db.read_text())
    assert data["meta"]["schema"]["version"] == storage.SCHEMA_VERSION
    assert {k: v["id"] for k, v in data["feeds"].items()} == {u: k for k, u in old.items()}
    after = _export(run)
    renamed = next(f for f in after["feeds"] if f["id"] == plain)
    assert renamed.pop("name") == "Renamed"
    before = next(f for f in _old_export()["feeds"] if f["id"] == plain)
    assert before.pop("name") == "Plain" and renamed == before


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_an_old_sql_store_is_migrated_by_init_and_exports_as_before(kind, run, tmp_path,
                                                                    request, monkeypatch):
    where = new_location(kind, tmp_path, request, "old")
    _load_sql(where)
    monkeypatch.setenv("TRACKER_DB", where)
    refused = run("feed", "list")
    assert refused.exit_code == 4 and "older schema" in refused.stderr
    assert run("init").exit_code == 0
    assert _export(run) == _old_export()
    listed = as_json(run("feed", "list", "--json"))
    assert {f["id"]: f["url"] for f in listed} == _old_ids()
    assert {f["last_status"] for f in listed} == {"not-modified"}
    with storage.open_store(paths.location(where)) as store:
        assert sorted(store.checks()) == sorted(_old_ids())  # by the ids, which stay
        assert sorted(k for k, _ in store.documents("feeds")) == sorted(_old_ids().values())
    assert run("doctor").exit_code == 0


def test_two_team_members_subscribing_colliding_feeds_at_once_never_share_an_id(pg_server):
    from tracker import feeds
    from tracker.errors import ConcurrentEditError

    where = pg_server.database()
    assert storage.create_store(paths.location(where), lambda s: None)
    base = "https://feeds.example"
    one, two = (base + p for p in colliding_paths(base))
    with pytest.raises(ConcurrentEditError), \
            storage.open_store(paths.location(where), write=True) as mine:
        assert mine.feed_ids() == {}  # what this unit knows of the feeds: none yet
        with storage.open_store(paths.location(where), write=True) as theirs:
            feeds.add_feed(theirs, feeds.new_feed(one))  # committed first, with the digits
        feeds.add_feed(mine, feeds.new_feed(two))  # this unit saw no feed holding them
    with storage.open_store(paths.location(where), write=True) as mine:  # run again
        feeds.add_feed(mine, feeds.new_feed(two))
    with storage.open_store(paths.location(where)) as store:
        assert {f.url: f.id for f in store.feeds()} == \
            {one: urls.short_id(one), two: urls.short_id(two, 11)}


def test_a_docket_feed_that_moves_records_its_entries_once(run, seeded, server):
    from tests.test_sources import docket_feed, ten_entries

    server.routes["/docket-old"] = Route(status=301,
                                         headers={"Location": server.url("/docket-new")})
    server.routes["/docket-new"] = Route(docket_feed(ten_entries()[1:]),
                                         content_type="application/atom+xml")
    assert run("feed", "add", server.url("/docket-old"), "--no-check", "--kind", "docket",
               "--dispute", "nyt-v-openai").exit_code == 0
    assert as_json(run("poll", "--json"))["events_new"] == 9  # fetched at the new address
    server.routes["/docket-new"] = Route(docket_feed(ten_entries()),  # one entry more
                                         content_type="application/atom+xml")
    assert as_json(run("poll", "--json"))["events_new"] == 1
    events = as_json(run("dispute", "show", "nyt-v-openai", "--json"))["events"]
    ours = [e for e in events if e.get("entry")]
    assert len(ours) == 10 and {e["origin"] for e in ours} == {server.url("/docket-new")}
