"""One shape per record: an event, an article, a feed look the same in every --json output
and in the export (same field names, same values); and the small surprises of issue 18."""

from __future__ import annotations

import json

import pytest

from tests.conftest import as_json


@pytest.fixture
def store(run, seeded):
    r = run("article", "add", "https://news.example.com/a?utm_source=x", "-d", "nyt-v-openai",
            "--title", "Times case moves on", "--published", "2026-11-02")
    assert r.exit_code == 0, r.stderr
    r = run("dispute", "event", "add", "nyt-v-openai", "Hearing on output logs", "--date",
            "2026-02-03", "--unconfirmed")
    assert r.exit_code == 0, r.stderr
    r = run("feed", "add", "https://feeds.example.com/ai.xml", "--no-check", "--name", "AI")
    assert r.exit_code == 0, r.stderr
    return seeded


def exported(run) -> dict:
    return as_json(run("export"))


def test_an_event_is_one_shape(run, store):
    doc = exported(run)
    stored = next(d for d in doc["disputes"] if d["slug"] == "nyt-v-openai")["events"]
    listed = as_json(run("dispute", "event", "list", "nyt-v-openai", "--json"))
    shown = as_json(run("dispute", "show", "nyt-v-openai", "--json"))["events"]
    by_date = sorted(stored, key=lambda e: e["date"])  # the export keeps recorded order
    assert [{k: v for k, v in e.items() if k != "n"} for e in listed] == by_date
    assert sorted(shown, key=lambda e: e["date"]) == by_date
    hearing = next(e for e in listed if e["text"].startswith("Hearing"))
    assert hearing["text"] == "Hearing on output logs" and hearing["unconfirmed"] is True
    assert hearing["status"] is None  # as the export and `dispute show --json` give it
    table = run("dispute", "event", "list", "nyt-v-openai").stdout
    assert "Hearing on output logs (unconfirmed)" in table  # the table still says so


def test_an_article_is_one_shape(run, store):
    [record] = exported(run)["articles"]
    assert as_json(run("article", "list", "--json")) == [record]
    assert as_json(run("article", "show", record["id"], "--json")) == record
    [hit] = as_json(run("article", "search", "Times", "--json"))
    assert {k: v for k, v in hit.items() if k != "score"} == record  # plus its score
    assert as_json(run("dispute", "show", "nyt-v-openai", "--json"))["articles"] == [record]
    line = run("article", "list", "--nl").stdout.splitlines()[0]
    assert json.loads(line) == record


def test_a_feed_is_one_shape(run, store):
    [record] = exported(run)["feeds"]
    [listed] = as_json(run("feed", "list", "--json"))
    assert {k: v for k, v in listed.items() if not k.startswith("next_try")} == record
    assert listed["next_try_why"]  # feed list adds when the next poll tries it, and why
    assert record["id"] and set(record) >= {"url", "name", "kind", "enabled", "last_status"}


def test_an_export_with_feed_ids_imports_without_warnings(run, store, tmp_path):
    path = tmp_path / "backup.json"
    assert run("export", "-o", str(path)).exit_code == 0
    r = run("import", str(path), "--dry-run")
    assert r.exit_code == 0, r.stderr
    assert "warning" not in r.stderr


# -- the small surprises ------------------------------------------------------------------


def test_a_lower_case_alias_that_is_a_name_is_shown(run, seeded):
    r = run("dispute", "party", "add", "getty-v-stability", "Getty Images", "--role",
            "claimant", "--alias", "iStock", "--alias", "stock photo libraries")
    assert r.exit_code == 0, r.stderr
    page = " ".join(run("dispute", "show", "getty-v-stability").stdout.split())
    assert "iStock" in page
    assert "stock photo libraries" not in page  # a description, kept for matching only


def test_feed_ids_take_a_unique_prefix(run, store):
    run("feed", "add", "https://feeds.example.com/other.xml", "--no-check")
    feeds = as_json(run("feed", "list", "--json"))
    target = feeds[0]["id"]
    prefix = next(target[:n] for n in range(4, 11)
                  if not any(f["id"].startswith(target[:n]) for f in feeds[1:]))
    r = run("feed", "disable", prefix)
    assert r.exit_code == 0, r.stderr
    assert not next(f for f in as_json(run("feed", "list", "--json")) if f["id"] == target)[
        "enabled"]
    r = run("feed", "disable", "zzzz")
    assert r.exit_code == 2 and "no feed 'zzzz'" in r.stderr
