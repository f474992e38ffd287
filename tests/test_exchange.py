"""Export and import: the versioned JSON shape, its schema, round trips and merging."""

from __future__ import annotations

import copy
import csv
import dataclasses
import io
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from tests.conftest import Run, as_json
from tracker import exchange, models
from tracker.models import Article, Feed, Link
from tracker.storage import open_store

SCHEMA = exchange.schema()
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)


def export(run: Run, *args: str) -> dict[str, Any]:
    doc = as_json(run("export", *args))
    VALIDATOR.validate(doc)  # every export the tests see must match the shipped schema
    return doc


def add_article(run: Run, url: str, *slugs: str, title: str = "", published: str = "",
                outlet: str = "") -> None:
    args = ["article", "add", url, *[x for s in slugs for x in ("-d", s)], "--title", title]
    args += ["--published", published] if published else []
    args += ["--outlet", outlet] if outlet else []
    result = run(*args)
    assert result.exit_code == 0, result.stderr


@pytest.fixture
def filled(run: Run, seeded: Path) -> Path:
    """The seeded store with articles (one linked to two disputes) and two feeds."""
    add_article(run, "https://example.com/a?utm_source=x", "coda-v-openai",
                title="CODA asks OpenAI to stop", published="2025-10-28", outlet="Kyodo")
    add_article(run, "https://news.example.org/b", "coda-v-openai", "nyt-v-openai",
                title="Two cases", published="2025-11-03")
    add_article(run, "https://example.net/nyt", "nyt-v-openai", title="NYT logs order")
    with open_store(seeded, write=True) as store:
        store.put_feeds([
            Feed(url="https://feeds.example.com/coda.xml", name="CODA search",
                 dispute="coda-v-openai", etag='"abc"', last_status="ok", errors=0,
                 added="2026-01-01T00:00:00+00:00"),
            Feed(url="https://feeds.example.com/all.xml", name="All AI", last_status="error",
                 errors=2, added="2026-01-02T00:00:00+00:00"),
        ])
    return seeded


def without_stamp(doc: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in doc.items() if k != "exported_at"}


def write(tmp_path: Path, doc: Any, name: str = "in.json") -> Path:
    path = tmp_path / name
    path.write_text(doc if isinstance(doc, str) else json.dumps(doc), encoding="utf-8")
    return path


# -- the schema -------------------------------------------------------------------------------


def test_schema_is_valid_draft_2020_12() -> None:
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    assert SCHEMA["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def _fields(cls: type) -> set[str]:
    return {f.name for f in dataclasses.fields(cls)}


# Disputes and their parts may be written by hand with only the fields that have no
# default (as in a case file); links and articles are always written by the tracker.
MINIMAL = {"dispute": {"slug", "title"}, "forum": {"name"}, "party": {"name", "role"},
           "event": {"date", "text"}}


@pytest.mark.parametrize(("name", "cls", "derived"), [
    ("dispute", models.Dispute, set()),
    ("forum", models.Forum, set()),
    ("party", models.Party, set()),
    ("event", models.Event, set()),
    ("related", models.Related, set()),
    ("link", models.Link, set()),
    ("article", models.Article, {"id", "disputes"}),
])
def test_strict_records_match_the_models_exactly(name: str, cls: type, derived: set[str]) -> None:
    node = SCHEMA["$defs"][name]
    assert node["additionalProperties"] is False
    assert set(node["properties"]) == _fields(cls) | derived
    optional = {k for k, v in node["properties"].items() if "default" in v}  # newer fields
    assert set(node["required"]) == MINIMAL.get(name, (_fields(cls) | derived) - optional)


def test_feed_is_open_and_describes_only_real_fields() -> None:
    node = SCHEMA["$defs"]["feed"]
    assert node["required"] == ["url"] and node["additionalProperties"] is True
    assert set(node["properties"]) <= _fields(Feed) | {"id"}  # id: derived, as for articles


def test_schema_vocabularies_match_the_models() -> None:
    defs = SCHEMA["$defs"]
    assert defs["status"]["enum"] == list(models.STATUSES)
    assert defs["status-or-null"]["enum"] == [*models.STATUSES, None]
    assert defs["dispute"]["properties"]["kind"]["enum"] == list(models.KINDS)
    assert defs["party"]["properties"]["role"]["enum"] == list(models.ROLES)
    assert defs["party"]["properties"]["kind"]["enum"] == list(models.PARTY_KINDS)
    assert defs["related"]["properties"]["relation"]["enum"] == list(models.RELATIONS)
    assert defs["slug"]["pattern"].replace("(-", "(?:-") == models.SLUG_RE.pattern


# -- export ---------------------------------------------------------------------------------


def test_export_shape(run: Run, filled: Path) -> None:
    doc = export(run)
    assert doc["schema_version"] == 1 and doc["tracker_version"]
    assert [d["slug"] for d in doc["disputes"]] == ["coda-v-openai", "getty-v-stability",
                                                   "nyt-v-openai"]
    coda = doc["disputes"][0]
    assert coda["parties"][0]["aliases"] and coda["events"] and coda["match"]
    first = doc["articles"][0]
    assert first["url"] == "https://example.com/a"  # canonical: tracking parameter gone
    assert first["disputes"] == ["coda-v-openai"]
    assert first["links"][0]["how"] == "manual" and first["links"][0]["at"]
    urls = [f["url"] for f in doc["feeds"]]
    assert urls == sorted(urls)
    feeds = {f["url"]: f for f in doc["feeds"]}
    assert feeds["https://feeds.example.com/coda.xml"]["etag"] == '"abc"'
    assert feeds["https://feeds.example.com/all.xml"]["errors"] == 2


def test_export_is_stable_and_sorted(run: Run, filled: Path) -> None:
    first, second = run("export").stdout, run("export").stdout
    assert first.splitlines()[1:] != [] and first.endswith("\n")
    strip = [line for line in first.splitlines() if '"exported_at"' not in line]
    assert strip == [line for line in second.splitlines() if '"exported_at"' not in line]
    doc = json.loads(first)
    assert list(doc) == sorted(doc)
    assert list(doc["disputes"][0]) == sorted(doc["disputes"][0])
    keys = [(a["published"] or a["first_seen"], a["url"]) for a in doc["articles"]]
    assert keys == sorted(keys)


def test_export_one_dispute(run: Run, filled: Path) -> None:
    doc = export(run, "--dispute", "coda-v-openai")
    assert [d["slug"] for d in doc["disputes"]] == ["coda-v-openai"]
    assert [a["title"] for a in doc["articles"]] == ["CODA asks OpenAI to stop", "Two cases"]
    # self-contained: the shared article keeps only its link to the exported dispute
    assert doc["articles"][1]["disputes"] == ["coda-v-openai"]
    assert [f["name"] for f in doc["feeds"]] == ["CODA search"]


def test_export_two_disputes_and_unknown_one(run: Run, filled: Path) -> None:
    doc = export(run, "-d", "nyt-v-openai", "-d", "coda-v-openai")
    assert [d["slug"] for d in doc["disputes"]] == ["coda-v-openai", "nyt-v-openai"]
    assert len(doc["articles"]) == 3
    result = run("export", "-d", "nyt-v-opena")
    assert result.exit_code == 2 and "nyt-v-openai" in result.stderr and result.stdout == ""


def test_export_ndjson(run: Run, filled: Path) -> None:
    lines = run("export", "--format", "ndjson").stdout.splitlines()
    assert [json.loads(line) for line in lines] == export(run)["articles"]


def test_export_csv(run: Run, filled: Path) -> None:
    text = run("export", "--format", "csv").stdout
    rows = list(csv.DictReader(io.StringIO(text)))
    assert list(rows[0]) == list(exchange.CSV_COLUMNS)
    assert len(rows) == 3
    shared = next(r for r in rows if r["title"] == "Two cases")
    assert shared["disputes"] == "coda-v-openai;nyt-v-openai"
    assert shared["url"] == "https://news.example.org/b" and shared["published"] == "2025-11-03"


def test_csv_defuses_formulas_and_controls() -> None:
    doc = {"articles": [{**{c: "" for c in exchange.CSV_COLUMNS}, "title": "=HYPERLINK(1)\x1b[31m",
                         "disputes": ["a", "b"]}]}
    row = list(csv.reader(io.StringIO(exchange.serialise(doc, "csv").decode())))[1]
    assert row[exchange.CSV_COLUMNS.index("title")] == "'=HYPERLINK(1)"  # the escape goes whole
    assert row[exchange.CSV_COLUMNS.index("disputes")] == "a;b"


def test_export_to_file(run: Run, filled: Path, tmp_path: Path) -> None:
    target = tmp_path / "out" / "backup.json"
    target.parent.mkdir()
    result = run("export", "-o", str(target))
    assert result.exit_code == 0 and result.stdout == ""
    doc = json.loads(target.read_text("utf-8"))
    assert f"3 disputes, 3 articles, {len(doc['feeds'])} feeds" in result.stderr
    VALIDATOR.validate(doc)
    assert without_stamp(doc) == without_stamp(export(run))
    assert sorted(p.name for p in target.parent.iterdir()) == ["backup.json"]  # no .bak, no temp


def test_export_csv_to_file(run: Run, filled: Path, tmp_path: Path) -> None:
    target = tmp_path / "articles.csv"
    assert run("export", "--format", "csv", "-o", str(target)).exit_code == 0
    assert target.read_text("utf-8").startswith("id,url,published,")


# -- round trip and idempotence -----------------------------------------------------------------


def test_round_trip_into_an_empty_store(run: Run, filled: Path, tmp_path: Path) -> None:
    before = export(run)
    path = write(tmp_path, before)
    other = str(tmp_path / "other.json")
    assert run("--db", other, "init", "--empty").exit_code == 0
    result = run("--db", other, "import", str(path))
    assert result.exit_code == 0, result.stderr
    assert "disputes: 3 added" in result.stderr and "articles: 3 added" in result.stderr
    after = as_json(run("--db", other, "export"))
    assert without_stamp(after) == without_stamp(before)


def test_round_trip_is_byte_identical(run: Run, filled: Path, tmp_path: Path) -> None:
    text = run("export").stdout
    path = write(tmp_path, text)
    other = str(tmp_path / "other.json")
    run("--db", other, "init", "--empty")
    run("--db", other, "import", str(path))
    again = run("--db", other, "export").stdout
    stamp = json.loads(text)["exported_at"]
    assert again.replace(json.loads(again)["exported_at"], stamp) == text


def test_import_twice_changes_nothing(run: Run, filled: Path, tmp_path: Path) -> None:
    doc = export(run)
    path = write(tmp_path, doc)
    other = tmp_path / "other.json"
    run("--db", str(other), "init", "--empty")
    assert run("--db", str(other), "import", str(path)).exit_code == 0
    blob, mtime = other.read_bytes(), other.stat().st_mtime_ns
    summary = as_json(run("--db", str(other), "import", str(path), "--json"))
    assert summary["disputes"] == {"added": 0, "updated": 0, "unchanged": 3}
    assert summary["articles"] == {"added": 0, "updated": 0, "unchanged": 3}
    assert summary["feeds"] == {"added": 0, "updated": 0, "unchanged": len(doc["feeds"])}
    assert other.read_bytes() == blob and other.stat().st_mtime_ns == mtime


def test_import_own_export_leaves_file_untouched(run: Run, filled: Path, tmp_path: Path) -> None:
    path = write(tmp_path, export(run))
    blob, mtime = filled.read_bytes(), filled.stat().st_mtime_ns
    result = run("import", str(path))
    assert result.exit_code == 0
    assert "disputes: 0 added, 0 updated, 3 unchanged" in result.stderr
    assert filled.read_bytes() == blob and filled.stat().st_mtime_ns == mtime


def test_import_keeps_store_clean_when_nothing_changes(filled: Path) -> None:
    with open_store(filled) as store:
        doc = exchange.build_export(store)
    with open_store(filled, write=True) as store:
        summary = exchange.import_document(store, doc)
        assert not summary.changed and not store.dirty


# -- merging --------------------------------------------------------------------------------


def test_import_merges_without_deleting(
    run: Run, filled: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(exchange, "now_iso", lambda: "2030-01-01T00:00:00+00:00")
    doc = export(run)
    feeds = len(doc["feeds"])
    coda = doc["disputes"][0]
    coda["title"] = "Imported title loses to the store's"
    coda["tags"] = ["new-tag", *coda["tags"]]
    coda["parties"][0]["aliases"].append("CODA Japan")
    coda["events"].append({**coda["events"][0], "date": "2025-11-20", "text": "OpenAI replied."})
    coda["events"].append(copy.deepcopy(coda["events"][0]))  # the same event: not doubled
    shared = doc["articles"][1]
    shared["title"], shared["summary"] = "Changed", "Filled in: the store had none."
    shared["links"].append({"dispute": "getty-v-stability", "how": "match",
                            "terms": ["Getty"], "at": "2026-01-01T00:00:00+00:00"})
    doc["articles"] = [shared, {**shared, "url": "https://new.example.com/x", "id": "0" * 10,
                                "links": shared["links"][:1]}]
    doc["feeds"] = [{"url": "https://feeds.example.com/new.xml", "name": "New"}]
    summary = as_json(run("import", str(write(tmp_path, doc)), "--json"))
    assert summary["disputes"] == {"added": 0, "updated": 1, "unchanged": 2}
    assert summary["articles"] == {"added": 1, "updated": 1, "unchanged": 0}
    assert summary["feeds"] == {"added": 1, "updated": 0, "unchanged": 0}

    after = export(run)
    merged = after["disputes"][0]
    assert merged["title"] == "CODA v. OpenAI (Sora 2 training)"
    assert merged["tags"][-1] == "new-tag" and merged["tags"].count("new-tag") == 1
    assert merged["parties"][0]["aliases"][-1] == "CODA Japan"
    texts = [e["text"] for e in merged["events"]]
    assert texts.count(coda["events"][0]["text"]) == 1 and "OpenAI replied." in texts
    assert merged["updated"] == "2030-01-01T00:00:00+00:00"  # a merged record is stamped
    article = next(a for a in after["articles"] if a["url"] == shared["url"])
    assert article["title"] == "Two cases" and article["summary"].startswith("Filled in")
    assert article["disputes"] == ["coda-v-openai", "nyt-v-openai", "getty-v-stability"]
    assert len(after["articles"]) == 4 and len(after["feeds"]) == feeds + 1  # none deleted


def test_manual_link_wins_over_match() -> None:
    mine = Article(url="https://a.example/", links=[Link("x", "match", ["X"], "t1")])
    theirs = Article(url="https://a.example/", links=[Link("x", "manual", [], "t2")])
    exchange.merge_article(mine, theirs)
    assert [(lk.how, lk.terms) for lk in mine.links] == [("manual", [])]
    exchange.merge_article(mine, Article(url="https://a.example/",
                                         links=[Link("x", "match", ["Y"], "t3")]))
    assert [(lk.how, lk.terms) for lk in mine.links] == [("manual", [])]


def test_status_is_kept_but_a_later_imported_status_is_reported(
    run: Run, seeded: Path, tmp_path: Path
) -> None:
    doc = export(run)
    nyt = doc["disputes"][2]
    nyt["events"].append({**nyt["events"][-1], "date": "2030-01-05", "status": "judgment",
                          "previous_status": "discovery", "text": "Judgment."})
    result = run("import", str(write(tmp_path, doc)))
    assert result.exit_code == 0, result.stderr
    message = " ".join(result.stderr.split())
    assert "nyt-v-openai: the merged timeline's latest status is 'judgment'" in message
    assert export(run)["disputes"][2]["status"] == "discovery"
    assert "warning" not in run("import", str(write(tmp_path, doc))).stderr  # said once


def test_unknown_feed_fields_are_ignored(run: Run, seeded: Path, tmp_path: Path) -> None:
    doc = export(run)
    doc["feeds"] = [{"url": "https://feeds.example.com/x.xml", "future_field": 1}]
    result = run("import", str(write(tmp_path, doc)))
    assert result.exit_code == 0
    assert "ignored unknown feed fields: future_field" in result.stderr
    assert "https://feeds.example.com/x.xml" in {f["url"] for f in export(run)["feeds"]}


def test_non_canonical_url_is_merged_by_its_canonical_form(run: Run, filled: Path,
                                                           tmp_path: Path) -> None:
    doc = export(run)
    doc["articles"] = [{**doc["articles"][0], "url": "HTTPS://Example.com/a?utm_medium=y#top"}]
    summary = as_json(run("import", str(write(tmp_path, doc)), "--json"))
    assert summary["articles"] == {"added": 0, "updated": 0, "unchanged": 1}


def test_dry_run_writes_nothing(run: Run, seeded: Path, tmp_path: Path) -> None:
    doc = export(run)
    doc["disputes"][0]["tags"].append("dry")
    blob = seeded.read_bytes()
    summary = as_json(run("import", str(write(tmp_path, doc)), "--dry-run", "--json"))
    assert summary["dry_run"] and summary["disputes"]["updated"] == 1
    assert seeded.read_bytes() == blob


def test_import_from_stdin(run: Run, filled: Path, tmp_path: Path) -> None:
    text = run("export").stdout
    other = str(tmp_path / "other.json")
    run("--db", other, "init", "--empty")
    result = run("--db", other, "import", "-", input=text)
    assert result.exit_code == 0, result.stderr
    assert "articles: 3 added" in result.stderr


# -- errors: say where, change nothing ----------------------------------------------------------


def _bad_date(doc: dict[str, Any]) -> None:
    doc["disputes"][2]["events"][0]["date"] = "2025-13-45"


def _unknown_status(doc: dict[str, Any]) -> None:
    doc["disputes"][1]["status"] = "dismised"


def _wrong_version(doc: dict[str, Any]) -> None:
    doc["schema_version"] = 2


def _unknown_field(doc: dict[str, Any]) -> None:
    doc["articles"][0]["colour"] = "red"


def _missing_field(doc: dict[str, Any]) -> None:
    del doc["disputes"][0]["events"][1]["text"]


def _wrong_type(doc: dict[str, Any]) -> None:
    doc["disputes"][0]["parties"][0]["aliases"] = "CODA"


def _bad_url(doc: dict[str, Any]) -> None:
    doc["articles"][1]["url"] = "javascript:alert(1)"


def _dangling_link(doc: dict[str, Any]) -> None:
    doc["articles"][1]["links"][0]["dispute"] = "no-such-dispute"


def _duplicate_slug(doc: dict[str, Any]) -> None:
    doc["disputes"].append(copy.deepcopy(doc["disputes"][0]))


def _duplicate_link(doc: dict[str, Any]) -> None:
    doc["articles"][1]["links"].append(doc["articles"][1]["links"][0])


def _trailing_newline_date(doc: dict[str, Any]) -> None:
    doc["disputes"][0]["started"] = "2025-10-27\n"


def _bool_for_int(doc: dict[str, Any]) -> None:
    doc["feeds"][0]["errors"] = True


@pytest.mark.parametrize(("mutate", "where", "why"), [
    (_bad_date, "$.disputes[2].events[0].date", "invalid date"),
    (_unknown_status, "$.disputes[1].status", "did you mean 'dismissed'"),
    (_wrong_version, "$.schema_version", "newer than this tracker reads"),
    (_unknown_field, "$.articles[0].colour", "unknown field"),
    (_missing_field, "$.disputes[0].events[1].text", "missing"),
    (_wrong_type, "$.disputes[0].parties[0].aliases", "expected array, found string"),
    (_bad_url, "$.articles[1].url", "invalid URL"),
    (_dangling_link, "$.articles[1].links[0].dispute", "no dispute 'no-such-dispute'"),
    (_duplicate_slug, "$.disputes[3].slug", "duplicate slug 'coda-v-openai'"),
    (_duplicate_link, "$.articles[1].links[2].dispute", "duplicate link to dispute"),
    (_trailing_newline_date, "$.disputes[0].started", "invalid date"),
    (_bool_for_int, "$.feeds[0].errors", "expected integer, found boolean"),
])
def test_invalid_import_says_where_and_changes_nothing(
    run: Run, filled: Path, tmp_path: Path, mutate: Any, where: str, why: str
) -> None:
    doc = export(run)
    mutate(doc)
    doc["disputes"][0]["tags"].append("would-change-the-store")
    blob = filled.read_bytes()
    result = run("import", str(write(tmp_path, doc)))
    assert result.exit_code == 2, result.stderr
    message = " ".join(result.stderr.split())
    assert f"{where}: " in message and why in message and "nothing was changed" in message
    assert result.stdout == ""
    assert filled.read_bytes() == blob


@pytest.mark.parametrize("text", ["{not json", "", "[1, 2]", '{"schema_version": 1}'])
def test_not_an_export(run: Run, filled: Path, tmp_path: Path, text: str) -> None:
    blob = filled.read_bytes()
    result = run("import", str(write(tmp_path, text)))
    assert result.exit_code == 2 and "nothing was changed" in result.stderr
    assert filled.read_bytes() == blob


def test_bad_json_on_stdin(run: Run, filled: Path) -> None:
    blob = filled.read_bytes()
    result = run("import", "-", input='{"schema_version": 1,')
    assert result.exit_code == 2 and "stdin is not valid JSON" in result.stderr
    assert filled.read_bytes() == blob


def test_missing_file(run: Run, seeded: Path, tmp_path: Path) -> None:
    result = run("import", str(tmp_path / "nope.json"))
    assert result.exit_code == 2 and "cannot read" in result.stderr


def test_many_problems_are_summarised() -> None:
    doc = {"schema_version": 1, "exported_at": "x", "tracker_version": 1, "disputes": {},
           "articles": [1, 2, 3, 4, 5, 6, 7], "feeds": []}
    with pytest.raises(exchange.InputError) as caught:
        exchange.load(json.dumps(doc).encode(), "f.json")
    assert caught.value.message.startswith("f.json is not a valid export: $.exported_at")
    assert caught.value.hint and "more" in caught.value.hint


# -- the hand-written validator agrees with jsonschema -------------------------------------


# Each mutation of a valid export, and whether the result is still valid.
MUTATIONS = [
    (lambda d: d.update(extra=1), False),
    (lambda d: d.pop("feeds"), True),  # a hand-written file may hold only disputes
    (lambda d: d.pop("disputes"), False),
    (lambda d: d.update(schema_version="1"), False),
    (lambda d: d.update(schema_version=True), False),
    (lambda d: d["disputes"][0].update(kind="suit"), False),
    (lambda d: d["disputes"][0].update(slug="Not A Slug"), False),
    (lambda d: d["disputes"][0].update(slug="x" * 81), False),
    (lambda d: d["disputes"][0].update(title=""), False),
    (lambda d: d["disputes"][0].update(started=None), True),
    (lambda d: d["disputes"][0].update(started=20251027), False),
    (lambda d: d["disputes"][0]["match"].update(other=[]), False),
    (lambda d: d["disputes"][0]["events"][0].update(status=None, unconfirmed=1), False),
    (lambda d: d["disputes"][0]["events"][0].update(source=None), True),
    (lambda d: d["disputes"][0]["events"][0].update(source="ftp://x"), False),
    (lambda d: d["disputes"][2]["forums"][0].update(courtlistener_id=0), False),
    (lambda d: d["disputes"][2]["forums"][0].update(courtlistener_id=None), True),
    (lambda d: d["disputes"][0]["related"].append({"slug": "x", "relation": "sibling"}), False),
    (lambda d: d["disputes"][0]["related"].append({"slug": "x", "relation": "parallel"}), True),
    (lambda d: d["articles"][0].update(published="2025-10-28T10:00:00+00:00"), True),
    (lambda d: d["articles"][0].update(published="last week"), False),
    (lambda d: d["articles"][0].update(id="XYZ"), False),
    (lambda d: d["articles"][0]["links"][0].update(how="magic"), False),
    (lambda d: d["feeds"][0].update(anything={"goes": True}), True),
    (lambda d: d["feeds"][0].pop("url"), False),
    (lambda d: d["feeds"][0].update(errors=-1), False),
]


@pytest.mark.parametrize(("mutate", "valid"), MUTATIONS)
def test_validator_agrees_with_jsonschema(run: Run, filled: Path, mutate: Any,
                                          valid: bool) -> None:
    doc = export(run)
    mutate(doc)
    assert VALIDATOR.is_valid(doc) is valid
    assert (exchange.validate(doc) == []) is valid, exchange.validate(doc)


def test_formats_are_checked_beyond_the_schema(run: Run, filled: Path) -> None:
    doc = export(run)
    doc["disputes"][0]["events"][0]["date"] = "2025-02-30"  # the pattern allows it
    assert VALIDATOR.is_valid(doc)
    assert [str(p) for p in exchange.validate(doc)] == [
        "$.disputes[0].events[0].date: invalid date '2025-02-30' (use YYYY-MM-DD "
        "(or YYYY-MM / YYYY when less is known))"]


def test_export_to_a_missing_directory(run: Run, seeded: Path, tmp_path: Path) -> None:
    result = run("export", "-o", str(tmp_path / "nowhere" / "x.json"))
    assert result.exit_code == 1 and "could not write" in result.stderr
    assert result.stdout == ""


def test_export_prints_its_schema(run: Run, tmp_path: Path) -> None:
    assert as_json(run("export", "--schema")) == SCHEMA  # needs no store
    assert run("export", "--schema", "-o", str(tmp_path / "s.json")).exit_code == 0
    assert json.loads((tmp_path / "s.json").read_text("utf-8")) == SCHEMA
