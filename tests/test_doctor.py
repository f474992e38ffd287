"""`tracker doctor`: finds each kind of damage, fixes only what is safe, and puts the
backup back without ever deleting the file it replaces."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import as_json
from tracker.storage import backup_path

Raw = dict[str, Any]


def edit(db: Path, change: Callable[[Raw], None]) -> bytes:
    """Change the store file by hand (as damage or a careless edit would); its new bytes."""
    data = json.loads(db.read_text())
    change(data)
    db.write_text(json.dumps(data, indent=2))
    return db.read_bytes()


@pytest.fixture
def filled(run, seeded) -> Path:
    """A store with a backup, an article and a feed made for a dispute."""
    for args in (("article", "add", "https://news.example/a", "-d", "nyt-v-openai"),
                 ("feed", "add", "https://feeds.example/rss", "--no-check",
                  "--dispute", "getty-v-stability")):
        assert run(*args).exit_code == 0
    return seeded


ARTICLE = "https://news.example/a"  # articles are keyed on their canonical URL
FEED = "https://feeds.example/rss"  # feeds are keyed on their URL
EVIL = "\x1b]0;pwned\x07\x1b[2J"


def _dangling_article(d: Raw) -> None:
    d["articles"][ARTICLE]["links"].append({"dispute": "ghost", "how": "manual", "terms": [],
                                            "at": ""})


def _dangling_related(d: Raw) -> None:
    d["disputes"]["nyt-v-openai"]["related"].append({"slug": "ghost", "relation": "parallel"})


def _dangling_feed(d: Raw) -> None:
    d["feeds"][FEED]["dispute"] = "ghost"


def _duplicate(d: Raw) -> None:
    url = "https://NEWS.example/a?utm_source=x#top"  # the same story, stored unnormalised
    d["articles"][url] = {**d["articles"][ARTICLE], "url": url}


def _temp_file(d: Raw) -> None:
    pass  # the file is made beside the store by the test


PROBLEMS: dict[str, tuple[Callable[[Raw], None], str, str, bool]] = {
    # name: (damage, check, where, fixable)
    "dangling article link": (_dangling_article, "dangling-link",
                              f"articles/{ARTICLE}.links[1]", True),
    "dangling relation": (_dangling_related, "dangling-link",
                          "disputes/nyt-v-openai.related[0]", True),
    "dangling feed dispute": (_dangling_feed, "dangling-link", f"feeds/{FEED}.dispute", True),
    "duplicate url": (_duplicate, "duplicate-url", "articles/", False),
    "duplicate id": (lambda d: d["articles"].update({"https://news.example/b": {
        **d["articles"][ARTICLE], "url": "https://news.example/b"}}), "duplicate-id",
        "articles/https://news.example/b.id", False),
    "duplicate feed id": (lambda d: d["feeds"].update({"https://feeds.example/b": {
        **d["feeds"][FEED], "url": "https://feeds.example/b"}}), "duplicate-id",
        "feeds/https://feeds.example/b.id", False),
    "feed under another key": (lambda d: d["feeds"].update({"abc": d["feeds"].pop(FEED)}),
                               "key", "feeds/abc", False),
    "event date": (lambda d: d["disputes"]["coda-v-openai"]["events"][0].update(date="2025-02-30"),
                   "event-date", "disputes/coda-v-openai.events[0]", False),
    "event date not text": (lambda d: d["disputes"]["coda-v-openai"]["events"][0].update(date=7),
                            "record", "disputes/coda-v-openai", False),
    "field of the wrong type": (lambda d: d["disputes"]["nyt-v-openai"].update(tags="x"),
                                "record", "disputes/nyt-v-openai", False),
    "nested field of the wrong type": (
        lambda d: d["articles"][ARTICLE]["links"][0].update(terms=[1]), "record",
        f"articles/{ARTICLE}", False),
    "future status": (lambda d: d["disputes"]["nyt-v-openai"]["events"][-1].update(
        date="2062-08-15", status="trial"), "future-status", "disputes/nyt-v-openai.events[",
        False),
    "feed stamp no time": (lambda d: d["feeds"][FEED].update(retry_after="soon"), "timestamp",
                           f"feeds/{FEED}.retry_after", False),
    "event stamp no time": (lambda d: d["disputes"]["nyt-v-openai"]["events"][0].update(
        recorded="yesterday"), "timestamp", "disputes/nyt-v-openai.events[0].recorded", False),
    "unknown status": (lambda d: d["disputes"]["nyt-v-openai"].update(status="won"), "value",
                       "disputes/nyt-v-openai.status", False),
    "unknown role": (lambda d: d["disputes"]["nyt-v-openai"]["parties"][0].update(role="king"),
                     "value", "disputes/nyt-v-openai.parties[0].role", False),
    "last poll note": (lambda d: d["meta"].update(last_poll={"started": 5}), "record",
                       "meta/last_poll.started", False),
    "malformed record": (lambda d: d["articles"][ARTICLE].update(colour="red"), "record",
                         f"articles/{ARTICLE}", False),
    "record not an object": (lambda d: d["feeds"].update(oops=[1, 2]), "record", "feeds/oops",
                             False),
    "wrong key": (lambda d: d["disputes"].update(other=d["disputes"]["nyt-v-openai"]), "key",
                  "disputes/other", False),
    "malformed unmatched item": (lambda d: d["entries"].update(k="x"), "record", "entries/k",
                                 False),
    "temp file": (_temp_file, "temp-file", ".store.json.k7x9q2ab.tmp", True),
}


def test_a_healthy_store(run, filled):
    before = filled.read_bytes()
    result = run("doctor")
    assert result.exit_code == 0, result.stderr
    assert "healthy" in result.stderr
    assert "schema 3, 3 disputes, 1 articles, 1 feeds" in result.stdout
    report = as_json(run("doctor", "--json"))
    assert report["version"] == 1 and report["healthy"] is True and report["problems"] == []
    assert report["backup"]["readable"] is True
    assert filled.read_bytes() == before


@pytest.mark.parametrize("name", PROBLEMS)
def test_each_problem_is_found_and_nothing_written(run, filled, name):
    damage, check, where, fixable = PROBLEMS[name]
    before = edit(filled, damage)
    if name == "temp file":
        (filled.parent / where).write_bytes(b"half a sto")
    result = run("doctor", "--json")
    assert result.exit_code == 1, result.stderr
    report = json.loads(result.stdout)
    assert report["healthy"] is False and report["readable"] is True
    found = [p for p in report["problems"] if p["check"] == check and where in p["where"]]
    assert found, report["problems"]
    assert found[0]["fixable"] is fixable
    assert filled.read_bytes() == before  # checking never writes
    table = run("doctor")
    assert table.exit_code == 1
    assert check in table.stdout and "problem(s) found" in table.stderr


def test_fix_drops_only_the_links_that_point_nowhere(run, filled):
    def damage(d: Raw) -> None:
        _dangling_article(d)
        _dangling_related(d)
        _dangling_feed(d)

    damaged = edit(filled, damage)
    (filled.parent / ".store.json.k7x9q2ab.tmp").write_bytes(b"{")
    result = run("doctor", "--fix")
    assert result.exit_code == 0, result.stderr
    assert "dropped link(s) to ghost" in result.stderr and "healthy" in result.stderr
    assert "removed .store.json.k7x9q2ab.tmp" in result.stderr
    assert backup_path(filled).read_bytes() == damaged  # the fix can be undone
    article = as_json(run("article", "show", ARTICLE, "--json"))
    assert article["disputes"] == ["nyt-v-openai"]  # the real link is kept
    assert as_json(run("dispute", "show", "nyt-v-openai", "--json"))["related"] == []
    assert as_json(run("feed", "list", "--json"))[0]["dispute"] is None
    assert not (filled.parent / ".store.json.k7x9q2ab.tmp").exists()


def test_fix_leaves_what_it_cannot_judge(run, filled):
    damaged = edit(filled, _duplicate)
    result = run("doctor", "--fix", "--json")
    assert result.exit_code == 1
    assert json.loads(result.stdout)["fixed"] == []
    assert filled.read_bytes() == damaged  # nothing to fix: not even rewritten


def test_hostile_text_in_a_damaged_store_stays_inert(run, filled):
    edit(filled, lambda d: d["disputes"]["nyt-v-openai"]["related"].append(
        {"slug": EVIL, "relation": "parallel"}))
    result = run("doctor")
    assert result.exit_code == 1
    for stream in (result.stdout, result.stderr):
        assert "\x1b" not in stream and "\x07" not in stream


# -- unreadable stores and --restore ----------------------------------------------------------

BROKEN = {
    "truncated": lambda b: b[: len(b) // 2],
    "not json": lambda b: b"<html>oops</html>",
    "empty": lambda b: b"",
    "wrong shape": lambda b: b"[1, 2, 3]",
    "newer schema": lambda b: b.replace(b'"version": 3', b'"version": 99'),
}


@pytest.mark.parametrize("how", BROKEN)
def test_an_unreadable_store_is_reported_with_exit_4(run, filled, how):
    broken = BROKEN[how](filled.read_bytes())
    filled.write_bytes(broken)
    result = run("doctor")
    assert result.exit_code == 4
    assert "UNREADABLE" in result.stdout and "Traceback" not in result.stderr
    assert "tracker doctor --restore" in result.stderr
    report = json.loads(run("doctor", "--json").stdout)
    assert report["readable"] is False and report["error"]
    assert filled.read_bytes() == broken


@pytest.mark.parametrize("how", BROKEN)
def test_restore_puts_the_backup_back_and_keeps_the_broken_file(run, filled, how):
    bak = backup_path(filled).read_bytes()
    broken = BROKEN[how](filled.read_bytes())
    filled.write_bytes(broken)
    result = run("doctor", "--restore")
    assert result.exit_code == 0, result.stderr
    assert "restored" in result.stderr
    assert filled.read_bytes() == bak
    assert backup_path(filled).read_bytes() == bak  # the backup stays
    [kept] = filled.parent.glob("store.json.broken-*")
    assert kept.read_bytes() == broken  # never delete user data
    assert str(kept) in " ".join(result.stderr.split())
    assert as_json(run("dispute", "list", "--json"))


def test_restore_refuses_a_store_that_reads_fine(run, filled):
    before, bak = filled.read_bytes(), backup_path(filled).read_bytes()
    result = run("doctor", "--restore")
    assert result.exit_code == 2
    assert "reads fine; nothing to restore" in result.stderr and "--force" in result.stderr
    assert filled.read_bytes() == before and backup_path(filled).read_bytes() == bak
    assert not list(filled.parent.glob("store.json.*-*"))


def test_restore_force_replaces_a_readable_store_and_keeps_it(run, filled):
    before, bak = filled.read_bytes(), backup_path(filled).read_bytes()
    result = run("doctor", "--restore", "--force")
    assert result.exit_code == 0, result.stderr
    assert filled.read_bytes() == bak
    [kept] = filled.parent.glob("store.json.replaced-*")
    assert kept.read_bytes() == before


def test_restore_twice_keeps_both_files(run, filled):
    bak = backup_path(filled).read_bytes()
    for broken in (b"{", b"[]"):
        filled.write_bytes(broken)
        assert run("doctor", "--restore").exit_code == 0
    kept = sorted(p.read_bytes() for p in filled.parent.glob("store.json.broken-*"))
    assert kept == [b"[]", b"{"] and filled.read_bytes() == bak


@pytest.mark.parametrize("backup", ["missing", "unreadable"])
def test_restore_without_a_usable_backup_changes_nothing(run, filled, backup):
    filled.write_bytes(b"{trunc")
    if backup == "missing":
        backup_path(filled).unlink()
    else:
        backup_path(filled).write_bytes(b"also broken")
    result = run("doctor", "--restore")
    assert result.exit_code == 4
    assert "cannot restore" in result.stderr and "nothing was changed" in result.stderr
    assert filled.read_bytes() == b"{trunc"
    assert not list(filled.parent.glob("store.json.broken-*"))


def test_force_alone_is_a_usage_error(run, filled):
    result = run("doctor", "--force")
    assert result.exit_code == 2 and "--force only goes with --restore" in result.stderr


def test_no_store_at_all(run, db):
    result = run("doctor")
    assert result.exit_code == 4
    assert "no store at" in result.stdout


def test_a_version_0_store_is_reported_as_such(run, filled):
    edit(filled, lambda d: d.pop("meta"))
    report = as_json_code(run("doctor", "--json"), 0)
    assert report["schema_version"] == 0 and report["healthy"] is True


def as_json_code(result: Any, code: int) -> Any:
    assert result.exit_code == code, result.stderr
    return json.loads(result.stdout)
