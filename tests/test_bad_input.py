"""Bad input to every command and every file the tracker reads: arguments, config.toml,
OPML, import files and the store itself. Each is refused with a message naming what is
wrong and where, a non-zero exit and no traceback, and the store's bytes (and its backup)
stay exactly as they were."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Run
from tracker.storage import backup_path

HUGE = "x" * 100_000
ARTICLE_URL = "https://news.example/a"
FEED_URL = "https://feeds.example/rss"
_TEMPLATE: dict[str, bytes] = {}


@pytest.fixture
def filled(run: Run, db: Path) -> Path:
    """The seeded store with an article, a feed and a backup (built once, then copied)."""
    if not _TEMPLATE:
        for args in (("init",), ("article", "add", ARTICLE_URL, "-d", "nyt-v-openai"),
                     ("feed", "add", FEED_URL, "--no-check")):
            assert run(*args).exit_code == 0
        _TEMPLATE.update(store=db.read_bytes(), bak=backup_path(db).read_bytes())
    else:
        db.write_bytes(_TEMPLATE["store"])
        backup_path(db).write_bytes(_TEMPLATE["bak"])
    return db


def refused(result: Any, db: Path, before: bytes | None, code: int, *needles: str) -> None:
    """Failed cleanly: the exit code, the reason on stderr, no traceback, nothing changed."""
    talk = " ".join(result.stderr.split())
    assert result.exit_code == code, (result.exit_code, result.stdout[-500:], talk[-500:])
    assert result.stdout == ""
    for needle in needles:
        assert needle in talk, talk[:1000]
    everything = result.stdout + result.stderr
    assert "Traceback" not in everything and "internal error" not in everything
    if before is None:
        assert not db.exists()
    else:
        assert db.read_bytes() == before
        assert backup_path(db).read_bytes() == _TEMPLATE["bak"] or not _TEMPLATE


# -- command-line arguments -------------------------------------------------------------------

ARGS: list[tuple[tuple[str, ...], int, str]] = [
    # dates
    (("dispute", "add", "X v Y", "--started", "2025-13-01"), 2, "invalid date '2025-13-01'"),
    (("dispute", "add", "X v Y", "--started", "2025-02-30"), 2, "invalid date '2025-02-30'"),
    (("dispute", "event", "add", "nyt-v-openai", "Hearing", "--date", "31/12/2025"), 2,
     "invalid date '31/12/2025'"),
    (("dispute", "event", "add", "nyt-v-openai", "Hearing", "--date", ""), 2, "invalid date ''"),
    (("dispute", "status", "nyt-v-openai", "trial", "--date", "2025-02-30"), 2, "invalid date"),
    (("dispute", "status", "nyt-v-openai", "trial", "--date", "2062-08-15"), 2,
     "a status change cannot be dated 2062-08-15, after today"),
    (("dispute", "edit", "nyt-v-openai", "--started", "someday"), 2, "invalid date 'someday'"),
    (("article", "add", "https://n.example/b", "-d", "nyt-v-openai", "--published", "tomorrow"),
     2, "invalid date 'tomorrow'"),
    (("timeline", "nyt-v-openai", "--until", "0001-06-01"), 2, "--until 0001-06-01 is out"),
    (("timeline", "--all", "--until", "9999-12-31"), 2, "--until 9999-12-31 is out of range"),
    (("news", "--since", "0001-01-01"), 2, "a date of the window is out of range"),
    (("news", "--on", "9999-12-31"), 2, "a date of the window is out of range"),
    (("review", "--dispute", "nyt-v-opneai"), 2, "no dispute 'nyt-v-opneai'"),
    (("match", "explain", "NYT sues OpenAI", "--published", "2026-02-30"), 2,
     "invalid date '2026-02-30'"),
    (("article", "list", "--since", "yesterday"), 2,
     "invalid --since 'yesterday' hint: use YYYY-MM-DD, or 7d / 2w / 12h"),
    (("article", "list", "--since", "99999999d"), 2, "invalid --since '99999999d'"),
    (("article", "list", "--since", "9999999999999w"), 2, "too far back"),
    (("news", "--since", "last week"), 2, "invalid --since 'last week'"),
    (("news", "--on", "monday"), 2, "invalid --on 'monday'"),
    (("news", "--on", "today", "--since", "7d"), 2, "--on cannot be combined"),
    (("news", "--since", "today", "--until", "yesterday"), 2, "--since must be before"),
    (("news", "--since", "99999999d"), 2, "invalid --since '99999999d'"),
    (("timeline", "nyt-v-openai", "--until", "2025-99"), 2, "invalid date '2025-99'"),
    # URLs
    (("article", "add", "notaurl", "-d", "nyt-v-openai"), 2, "invalid URL 'notaurl'"),
    (("article", "add", "javascript:alert(1)", "-d", "nyt-v-openai"), 2, "invalid URL"),
    (("article", "add", "https://exa mple.com/", "-d", "nyt-v-openai"), 2, "invalid URL"),
    (("article", "add", "https://", "-d", "nyt-v-openai"), 2, "invalid URL 'https://'"),
    (("article", "add", "http://[::1/", "-d", "nyt-v-openai"), 2, "invalid URL"),
    (("article", "add", "https://a.example:99999/", "-d", "nyt-v-openai"), 2, "invalid URL"),
    (("article", "add", "https://a.example/\x1b[2J", "-d", "nyt-v-openai"), 2, "invalid URL"),
    (("article", "show", "https://"), 2, "invalid URL 'https://'"),
    (("feed", "add", "ftp://files.example/feed", "--no-check"), 2, "invalid feed URL"),
    (("feed", "add", "", "--no-check"), 2, "invalid feed URL ''"),
    (("feed", "add", "file:///etc/passwd"), 2, "no feed at file:///etc/passwd"),
    (("dispute", "event", "add", "nyt-v-openai", "x", "--date", "2025-01-01", "--source",
      "file:///etc/passwd"), 2, "invalid source URL 'file:///etc/passwd'"),
    (("dispute", "status", "nyt-v-openai", "trial", "--source", "http://"), 2,
     "invalid source URL 'http://'"),
    # slugs and references
    (("dispute", "add", "X v Y", "--slug", "Bad Slug"), 2, "invalid slug 'Bad Slug'"),
    (("dispute", "add", "X v Y", "--slug", "-"), 2, "invalid slug '-'"),
    (("dispute", "add", "X v Y", "--slug", HUGE), 2, "invalid slug"),
    (("dispute", "add", "東京地裁"), 2, "cannot make a slug from the title"),
    (("dispute", "add", "CODA v OpenAI", "--slug", "coda-v-openai"), 2,
     "a dispute 'coda-v-openai' already exists"),
    (("dispute", "show", "no-such"), 2, "no dispute 'no-such'"),
    (("dispute", "show", ""), 2, "no dispute ''"),
    (("dispute", "show", HUGE), 2, "no dispute"),
    (("dispute", "show", "nyt-v-openal"), 2, "did you mean 'nyt-v-openai'"),
    (("dispute", "edit", "nyt-v-openai", "--rename", "UPPER"), 2, "invalid slug 'UPPER'"),
    (("dispute", "edit", "nyt-v-openai", "--rename", "coda-v-openai"), 2, "already exists"),
    (("dispute", "remove", "ghost", "--yes"), 2, "no dispute 'ghost'"),
    (("dispute", "remove", "nyt-v-openai"), 2, "without confirmation"),
    (("article", "add", "https://n.example/c", "-d", "ghost"), 2, "no dispute 'ghost'"),
    (("article", "add", "https://n.example/c"), 2, "missing option '--dispute'"),
    (("dispute", "relate", "nyt-v-openai", "parallel", "ghost"), 2, "no dispute 'ghost'"),
    (("dispute", "relate", "nyt-v-openai", "parallel", "nyt-v-openai"), 2, "to itself"),
    (("dispute", "unrelate", "nyt-v-openai", "coda-v-openai"), 2, "is not related"),
    (("feed", "follow", "ghost"), 2, "no dispute 'ghost'"),
    (("feed", "add", "https://f.example/x", "--no-check", "--dispute", "ghost"), 2,
     "no dispute 'ghost'"),
    (("export", "--dispute", "ghost"), 2, "no dispute 'ghost'"),
    (("report", "ghost"), 2, "no dispute 'ghost'"),
    (("timeline", "ghost"), 2, "no dispute 'ghost'"),
    # statuses, kinds, roles, relations
    (("dispute", "status", "nyt-v-openai", "finished"), 2, "did you mean 'filed'"),
    (("dispute", "status", "nyt-v-openai", ""), 2, "unknown status ''"),
    (("dispute", "status", "nyt-v-openai", HUGE), 2, "unknown status"),
    (("dispute", "status", "nyt-v-openai", "discovery"), 2, "already has status 'discovery'"),
    (("dispute", "list", "--status", "nope"), 2, "unknown status 'nope'"),
    (("dispute", "list", "--kind", "nope"), 2, "unknown kind 'nope'"),
    (("dispute", "add", "X v Y", "--status", "nope"), 2, "unknown status 'nope'"),
    (("dispute", "add", "X v Y", "--kind", "war"), 2, "unknown kind 'war'"),
    (("dispute", "edit", "nyt-v-openai", "--kind", "war"), 2, "unknown kind 'war'"),
    (("dispute", "party", "add", "nyt-v-openai", "Somebody", "--role", "king"), 2,
     "unknown role 'king'"),
    (("dispute", "party", "add", "nyt-v-openai", "Somebody", "--role", "claimant", "--kind",
      "alien"), 2, "unknown party kind 'alien'"),
    (("dispute", "party", "add", "nyt-v-openai", "OpenAI, Inc.", "--role", "claimant"), 2,
     "is already a respondent"),
    (("dispute", "relate", "nyt-v-openai", "cousin", "coda-v-openai"), 2,
     "unknown relation 'cousin'"),
    (("dispute", "event", "add", "nyt-v-openai", "x", "--date", "2026-01-01", "--status",
      "nope"), 2, "unknown status 'nope'"),
    (("feed", "add", "https://f.example/x", "--no-check", "--kind", "podcast"), 2,
     "unknown feed kind 'podcast'"),
    # ids
    (("article", "show", "zzzz"), 2, "no article 'zzzz'"),
    (("article", "show", ""), 2, "no article ''"),
    (("article", "show", HUGE), 2, "no article"),
    (("article", "remove", "0000000000"), 2, "no article '0000000000'"),
    (("article", "link", "zzzz", "-d", "nyt-v-openai"), 2, "no article 'zzzz'"),
    (("article", "link", ARTICLE_URL, "-d", "nyt-v-openai"), 2, "is already linked"),
    (("article", "unlink", ARTICLE_URL, "-d", "coda-v-openai"), 2, "is not linked"),
    (("feed", "remove", "nonexistent"), 2, "no feed 'nonexistent'"),
    (("feed", "enable", "nope"), 2, "no feed 'nope'"),
    (("feed", "disable", "https://nope.example/"), 2, "no feed 'https://nope.example/'"),
    (("feed", "add", FEED_URL, "--no-check"), 2, "already subscribed"),
    (("poll", "--feed", "nope"), 2, "no feed 'nope'"),
    (("dispute", "party", "remove", "nyt-v-openai", "Nobody"), 2, "has no party 'Nobody'"),
    (("dispute", "event", "remove", "nyt-v-openai", "999"), 2, "has no event #999"),
    (("dispute", "event", "remove", "nyt-v-openai", "0"), 2, "has no event #0"),
    (("dispute", "event", "remove", "nyt-v-openai", "1"), 2, "kept as history"),
    (("dispute", "forum", "remove", "nyt-v-openai", "7"), 2, "has no forum #7"),
    # numbers
    (("dispute", "event", "remove", "nyt-v-openai", "one"), 2, "invalid value for 'NUMBER'"),
    (("dispute", "forum", "add", "nyt-v-openai", "Court", "--courtlistener", "-3"), 2,
     "a CourtListener docket id is a positive number"),
    (("dispute", "forum", "add", "nyt-v-openai", "Court", "--courtlistener", "abc"), 2,
     "invalid value for '--courtlistener'"),
    (("dispute", "forum", "add", "nyt-v-openai", "Court", "--courtlistener", "9" * 30), 2,
     "a CourtListener docket id is a positive number"),
    (("dispute", "show", "nyt-v-openai", "--articles", "-1"), 2, "invalid value for '--articles'"),
    (("article", "list", "--limit", "0"), 2, "invalid value for '--limit'"),
    (("article", "list", "--limit", "-5"), 2, "invalid value for '--limit'"),
    (("article", "list", "--limit", "abc"), 2, "invalid value for '--limit'"),
    (("timeline", "nyt-v-openai", "--weeks", "0"), 2, "--weeks must be between 1 and 520"),
    (("timeline", "nyt-v-openai", "--weeks", "100000000"), 2, "--weeks must be between"),
    (("rematch", "--days", "-1"), 2, "invalid value for '--days'"),
    (("rematch", "--days", "99999999999"), 2, "invalid value for '--days'"),
    # empty strings and conflicting options
    (("dispute", "add", ""), 2, "a dispute needs a title"),
    (("dispute", "add", "   "), 2, "a dispute needs a title"),
    (("dispute", "edit", "nyt-v-openai", "--title", ""), 2, "a dispute needs a title"),
    (("dispute", "event", "add", "nyt-v-openai", "", "--date", "2025-01-01"), 2,
     "an event needs a description"),
    (("dispute", "party", "add", "nyt-v-openai", "", "--role", "claimant"), 2,
     "a party needs a name"),
    (("dispute", "forum", "add", "nyt-v-openai", ""), 2, "a forum needs a name"),
    (("article", "search", ""), 2, "give at least one search term"),
    (("article", "search", "   "), 2, "give at least one search term"),
    (("article", "list", "--json", "--csv"), 2, "choose one of --json, --nl, --csv"),
    (("doctor", "--force"), 2, "--force only goes with --restore"),
    (("report", "nyt-v-openai", "--format", "pdf"), 2, "unknown format 'pdf'"),
    (("export", "--format", "xml"), 2, "unknown format 'xml'"),
    # files named on the command line
    (("feed", "import", "{tmp}/missing.opml"), 2, "cannot read {tmp}/missing.opml"),
    (("feed", "import", "{tmp}"), 2, "Is a directory"),
    (("import", "{tmp}/missing.json"), 2, "cannot read {tmp}/missing.json"),
    (("import", "{tmp}"), 2, "Is a directory"),
    (("export", "-o", "{tmp}/no/such/dir/x.json"), 1, "could not write"),
    (("export", "-o", "{tmp}"), 1, "could not write"),
    (("report", "nyt-v-openai", "-o", "{tmp}/no/such/dir/r.md"), 1, "could not write"),
    (("feed", "export", "-o", "{tmp}/no/such/dir/f.opml"), 1, "could not write"),
]


@pytest.mark.parametrize(("args", "code", "needle"), ARGS,
                         ids=[" ".join(a)[:60] for a, _, _ in ARGS])
def test_bad_arguments(run, filled, tmp_path, args, code, needle):
    before = filled.read_bytes()
    args = tuple(a.replace("{tmp}", str(tmp_path)) for a in args)
    refused(run(*args), filled, before, code, needle.replace("{tmp}", str(tmp_path)))


# -- config.toml ------------------------------------------------------------------------------

CONFIGS: list[tuple[str, str, str]] = [
    ("bad toml", "[poll\n", "is not valid TOML"),
    ("unknown key", "[poll]\ncolour = 'red'\n", "unknown key 'poll.colour'"),
    ("unknown table", "[colours]\nx = 1\n", "unknown key 'colours'"),
    ("wrong type", "[poll]\ntimeout = 'fast'\n", "'poll.timeout' must be float, not str"),
    ("bool for a number", "[poll]\ntimeout = true\n", "'poll.timeout' must be float, not bool"),
    ("nan", "[poll]\ntimeout = nan\n", "'poll.timeout' must be zero or more (nan)"),
    ("negative", "[store]\nlock_timeout = -1\n", "'store.lock_timeout' must be zero or more"),
    ("table for a value", "[poll.timeout]\nx = 1\n", "'poll.timeout' must be float, not dict"),
    ("value for a table", "poll = 5\n", "'poll' must be a table"),
    ("float for an int", "[poll]\nmax_bytes = 1.5\n", "'poll.max_bytes' must be int"),
    ("list of the wrong items", "[match]\nsubject_terms = [1, 2]\n",
     "'match.subject_terms' must be a list of str"),
    ("huge concurrency", "[poll]\nconcurrency = 100000000000\n",
     "'poll.concurrency' must be at most 1000"),
    ("huge keep window", "[poll]\nkeep_unmatched_days = 100000000000\n",
     "'poll.keep_unmatched_days' must be at most 36500"),
    ("feeds not an array", "feeds = 'https://a.example/'\n", "'feeds' must be an array"),
    ("feed without url", "[[feeds]]\nname = 'x'\n", "feeds entry 1 needs a 'url' string"),
    ("feed url not text", "[[feeds]]\nurl = 5\n", "feeds entry 1 needs a 'url' string"),
    ("feed unknown key", "[[feeds]]\nurl = 'https://a.example/'\ncolour = 1\n",
     "unknown key(s) ['colour']"),
    ("db not text", "[store]\ndb = 5\n", "'store.db' must be str"),
    ("not utf-8", b"[store]\ndb = '\xe9'\n", "cannot read config file"),  # type: ignore[list-item]
]


@pytest.mark.parametrize(("text", "needle"), [c[1:] for c in CONFIGS],
                         ids=[c[0] for c in CONFIGS])
@pytest.mark.parametrize("command", [("dispute", "list"), ("poll",),
                                     ("article", "add", "https://n.example/z", "-d", "x")],
                         ids=" ".join)
def test_bad_config(run, filled, tmp_path, monkeypatch, text, needle, command):
    path = tmp_path / "bad.toml"
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    monkeypatch.setenv("TRACKER_CONFIG", str(path))
    refused(run(*command), filled, filled.read_bytes(), 2, str(path), needle)


@pytest.mark.parametrize("where", ["missing", "a directory"])
def test_a_config_that_cannot_be_read(run, filled, tmp_path, monkeypatch, where):
    path = tmp_path / ("missing.toml" if where == "missing" else "")
    monkeypatch.setenv("TRACKER_CONFIG", str(path))
    refused(run("dispute", "list"), filled, filled.read_bytes(), 2,
            "config file not found" if where == "missing" else "cannot read config file")


def test_a_bad_feed_in_the_config_stops_init_before_it_creates_anything(run, tmp_path,
                                                                       monkeypatch):
    path = tmp_path / "bad.toml"
    path.write_text("[[feeds]]\nurl = 'javascript:alert(1)'\n")
    monkeypatch.setenv("TRACKER_CONFIG", str(path))
    db = tmp_path / "new" / "store.json"
    refused(run("--db", str(db), "init"), db, None, 2, "invalid feed URL 'javascript:alert(1)'")


# -- OPML ---------------------------------------------------------------------------------------

LAUGHS = ('<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY a "aaaaaaaaaa">'
          + "".join(f'<!ENTITY {n} "{("&" + p + ";") * 10}">'
                    for p, n in zip("abcdefgh", "bcdefghi", strict=True))
          + ']><opml version="2.0"><body><outline title="&i;" xmlUrl="https://a.example/f"/>'
            "</body></opml>")
OPML: list[tuple[str, str | bytes, str]] = [
    ("not xml", "this is not xml", "is not valid OPML/XML (line 1, column 0)"),
    ("empty", "", "is not valid OPML/XML"),
    ("truncated", '<opml version="2.0"><body><outline xmlUrl="https://a.example/f"/>',
     "is not valid OPML/XML"),
    ("binary", bytes(range(256)), "is not valid OPML/XML"),
    ("no body", '<opml version="2.0"><head/></opml>', "is not an OPML file (no <opml><body>)"),
    ("not opml", '<rss version="2.0"><body><outline xmlUrl="https://a.example/f"/></body></rss>',
     "is not an OPML file"),
    ("an html page", "<html><body><p>feeds</p></body></html>", "is not an OPML file"),
    ("no feeds", '<opml version="2.0"><body><outline text="x"/></body></opml>', "lists no feeds"),
    ("bad xmlUrl", '<opml version="2.0"><body><outline xmlUrl="javascript:alert(1)"/>'
     '<outline xmlUrl="/relative"/><outline xmlUrl="ftp://a.example/f"/></body></opml>',
     "3 outline(s) have a bad xmlUrl"),
    ("one bad among good", '<opml version="2.0"><body><outline xmlUrl="https://a.example/f"/>'
     '<outline xmlUrl="not a url"/></body></opml>', "outline 2: invalid feed URL 'not a url'"),
    ("billion laughs", LAUGHS, "is not valid OPML/XML"),
    ("external entity", '<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY x SYSTEM '
     '"file:///etc/passwd">]><opml version="2.0"><body><outline title="&x;" '
     'xmlUrl="https://a.example/f"/></body></opml>', "is not valid OPML/XML"),
    ("control character", '<opml version="2.0"><body><outline title="&#27;[2J" '
     'xmlUrl="https://a.example/f"/></body></opml>', "is not valid OPML/XML"),
]


@pytest.mark.parametrize(("text", "needle"), [c[1:] for c in OPML], ids=[c[0] for c in OPML])
@pytest.mark.parametrize("via", ["file", "stdin"])
def test_bad_opml(run, filled, tmp_path, text, needle, via):
    blob = text if isinstance(text, bytes) else text.encode()
    path = tmp_path / "feeds.opml"
    path.write_bytes(blob)
    if via == "file":
        result = run("feed", "import", str(path))
    else:
        result = run("feed", "import", "-", input=blob.decode("latin-1"))
    refused(result, filled, filled.read_bytes(), 2, needle)
    assert "root:" not in result.stderr  # no file was read through an entity


# -- import files -------------------------------------------------------------------------------


def _export(**changes: Any) -> str:
    doc = {"schema_version": 1, "exported_at": "2026-01-01T00:00:00+00:00",
           "tracker_version": "x", "disputes": [], "articles": [], "feeds": []}
    doc.update(changes)
    return json.dumps(doc)


DISPUTE = {"slug": "a-v-b", "title": "A v B", "kind": "lawsuit", "status": "filed",
           "started": None, "summary": "", "forums": [], "parties": [], "claims": [], "works": [],
           "tags": [], "notes": "", "related": [], "match": {"include": [], "exclude": []},
           "events": [], "created": "", "updated": ""}
EVENT = {"date": "2025-01-01", "text": "x", "status": None, "previous_status": None,
         "source": None, "unconfirmed": False, "note": "", "recorded": "", "origin": "manual"}
IMPORTS: list[tuple[str, str | bytes, str]] = [
    ("not json", "{oops", "is not valid JSON"),
    ("empty", "", "is not valid JSON"),
    ("invalid utf-8", b'{"schema_version": "\xff\xfe"}', "is not valid JSON"),
    ("nan", _export().replace('"schema_version": 1', '"schema_version": NaN'),
     "is not valid JSON"),
    ("deep nesting", "[" * 100_000 + "]" * 100_000, "is not valid JSON"),
    ("a list", "[]", "$: expected object, found array"),
    ("a string", '"hello"', "$: expected object, found string"),
    ("null", "null", "$: expected object, found null"),
    ("missing keys", '{"schema_version": 1}', "$.disputes: missing (required)"),
    ("unknown top-level key", _export(colour=1), "$.colour: unknown field"),
    ("newer version", _export(schema_version=9), "export format 9 is newer"),
    ("version as text", _export(schema_version="1"), '$.schema_version: must be 1, found "1"'),
    ("disputes not a list", _export(disputes={}), "$.disputes: expected array, found object"),
    ("bad slug", _export(disputes=[{**DISPUTE, "slug": "Bad Slug"}]), "$.disputes[0].slug"),
    ("deep bad date", _export(disputes=[{**DISPUTE, "events": [EVENT, {**EVENT,
                                                                   "date": "2025-13-01"}]}]),
     "$.disputes[0].events[1].date: invalid date '2025-13-01'"),
    ("unknown status", _export(disputes=[{**DISPUTE, "status": "won"}]),
     "$.disputes[0].status: unknown value \"won\""),
    ("duplicate slug", _export(disputes=[DISPUTE, DISPUTE]), "duplicate slug 'a-v-b'"),
    ("feed url javascript", _export(feeds=[{"url": "javascript:x"}]),
     '$.feeds[0].url: invalid URL "javascript:x"'),
    ("feed for a missing dispute", _export(feeds=[{"url": "https://f.example/",
                                                   "dispute": "ghost"}]),
     "$.feeds[0].dispute: no dispute 'ghost'"),
    ("negative count", _export(feeds=[{"url": "https://f.example/", "errors": -1}]),
     "$.feeds[0].errors: must be at least 0"),
    ("text for a boolean", _export(feeds=[{"url": "https://f.example/", "enabled": "yes"}]),
     "$.feeds[0].enabled: expected boolean, found string"),
]


@pytest.mark.parametrize(("text", "needle"), [c[1:] for c in IMPORTS],
                         ids=[c[0] for c in IMPORTS])
def test_bad_import_file(run, filled, tmp_path, text, needle):
    path = tmp_path / "in.json"
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    refused(run("import", str(path)), filled, filled.read_bytes(), 2, needle,
            "nothing was changed")


# -- the store itself ---------------------------------------------------------------------------

Damage = Callable[[bytes], bytes]


def _edit(change: Callable[[dict[str, Any]], None]) -> Damage:
    def damage(blob: bytes) -> bytes:
        data = json.loads(blob)
        change(data)
        return json.dumps(data).encode()
    return damage


UNREADABLE: list[tuple[str, Damage, str]] = [
    ("truncated", lambda b: b[: len(b) // 2], "is not valid JSON"),
    ("not json", lambda b: b"<html>", "is not valid JSON"),
    ("empty", lambda b: b"", "is not valid JSON"),
    ("binary", lambda b: bytes(range(256)), "is not valid JSON"),
    ("wrong shape", lambda b: b"[1, 2]", "does not hold tracker tables"),
    ("a table that is a list", _edit(lambda d: d.update(disputes=[])),
     "does not hold tracker tables"),
    ("newer schema", _edit(lambda d: d["meta"]["schema"].update(version=99)),
     "has schema version 99, newer than this tracker understands"),
    ("schema version as text", _edit(lambda d: d["meta"]["schema"].update(version="1")),
     "schema version"),
]
READERS_AND_WRITERS = [
    ("dispute", "list"), ("article", "list", "--json"), ("dispute", "show", "nyt-v-openai"),
    ("news",), ("export",), ("doctor", "--fix"), ("poll",),
    ("article", "add", "https://n.example/z", "-d", "nyt-v-openai"),
    ("dispute", "status", "nyt-v-openai", "trial"), ("feed", "add", "https://f.example/z",
                                                     "--no-check"),
    ("import", "{tmp}/empty.json"), ("init",),
]


@pytest.mark.parametrize(("damage", "needle"), [c[1:] for c in UNREADABLE],
                         ids=[c[0] for c in UNREADABLE])
@pytest.mark.parametrize("command", READERS_AND_WRITERS, ids=" ".join)
def test_an_unreadable_store_is_never_overwritten(run, filled, tmp_path, damage, needle,
                                                  command):
    broken = damage(filled.read_bytes())
    filled.write_bytes(broken)
    (tmp_path / "empty.json").write_text(_export())
    args = tuple(a.replace("{tmp}", str(tmp_path)) for a in command)
    result = run(*args)
    if command[0] == "doctor":  # the report is the data: stdout, exit 4
        assert result.exit_code == 4 and needle in " ".join(result.stdout.split())
        assert filled.read_bytes() == broken
        return
    refused(result, filled, broken, 4, str(filled), needle)


MALFORMED: list[tuple[str, Callable[[dict[str, Any]], None], tuple[str, ...], str]] = [
    # name, damage, a command that meets it, where the message says the damage is
    ("unknown field", lambda d: d["disputes"]["nyt-v-openai"].update(colour=1),
     ("dispute", "list"), "'nyt-v-openai'"),
    ("record not an object", lambda d: d["disputes"].update({"nyt-v-openai": "oops"}),
     ("dispute", "show", "nyt-v-openai"), "nyt-v-openai"),
    ("record is null", lambda d: d["feeds"].update({next(iter(d["feeds"])): None}),
     ("feed", "list"), "feeds record"),
    ("event not an object", lambda d: d["disputes"]["nyt-v-openai"].update(events=[5]),
     ("dispute", "show", "nyt-v-openai"), "'nyt-v-openai'"),
    ("tags not a list", lambda d: d["disputes"]["nyt-v-openai"].update(tags=5),
     ("dispute", "list", "--tag", "x"), "disputes/nyt-v-openai: malformed dispute record: tags"),
    ("event date null", lambda d: d["disputes"]["nyt-v-openai"]["events"][0].update(date=None),
     ("report", "nyt-v-openai"), "events[0].date: expected text, found null"),
    ("event date a number", lambda d: d["disputes"]["nyt-v-openai"]["events"][0].update(date=5),
     ("dispute", "show", "nyt-v-openai"), "events[0].date"),
    ("aliases not a list", lambda d: d["disputes"]["nyt-v-openai"]["parties"][0].update(
        aliases=5), ("dispute", "list", "--party", "x"), "parties[0].aliases"),
    ("match term a number", lambda d: d["disputes"]["nyt-v-openai"].update(
        match={"include": [5], "exclude": []}), ("rematch",), "match['include'][0]"),
    ("article url a number", lambda d: next(iter(d["articles"].values())).update(url=5),
     ("article", "list"), "url: expected text"),
    ("article links not a list", lambda d: next(iter(d["articles"].values())).update(links="x"),
     ("article", "list"), "articles record"),
    ("published a number", lambda d: next(iter(d["articles"].values())).update(published=5),
     ("article", "list"), "published: expected text or null"),
    ("kept item without url", lambda d: d["entries"].update(k=5), ("rematch",), "entries/k"),
    ("read marker a number", lambda d: d["meta"].update(news=5), ("news",), "meta/news"),
]


@pytest.mark.parametrize(("damage", "command", "where"), [c[1:] for c in MALFORMED],
                         ids=[c[0] for c in MALFORMED])
def test_a_malformed_record_is_named_not_a_crash(run, filled, damage, command, where):
    broken = _edit(damage)(filled.read_bytes())
    filled.write_bytes(broken)
    refused(run(*command), filled, broken, 4, str(filled), "malformed", where,
            "tracker doctor")


def test_the_store_is_a_directory(run, tmp_path, monkeypatch):
    db = tmp_path / "dir.json"
    db.mkdir()
    monkeypatch.setenv("TRACKER_DB", str(db))
    for command in (("dispute", "list"), ("article", "add", ARTICLE_URL, "-d", "x"), ("init",)):
        result = run(*command)
        talk = " ".join(result.stderr.split())
        assert result.exit_code == 4 and str(db) in talk, talk
        assert "Traceback" not in talk and "internal error" not in talk
        assert db.is_dir() and not any(db.iterdir())
