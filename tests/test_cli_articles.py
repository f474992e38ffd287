"""`tracker article ...`: adding coverage by hand, listing, showing, linking, searching."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime, timedelta, timezone

import pytest

from tests.conftest import Run, as_json, refused
from tracker.urls import short_id

STORY = "https://WWW.Example.COM:443/news/story?utm_source=tw&id=7&fbclid=abc#comments"
CANONICAL = "https://www.example.com/news/story?id=7"
STORY_ID = short_id(CANONICAL)


def add(run: Run, url: str, *args: str) -> dict:
    return as_json(run("article", "add", url, *args, "--json"))


def listed(run: Run, *args: str) -> list[str]:
    return [a["url"] for a in as_json(run("article", "list", *args, "--json"))]


@pytest.fixture
def three(run, seeded) -> dict[str, str]:
    """Three articles with known dates and links; returns their ids by letter."""
    ids = {}
    for letter, published, disputes in (
        ("a", "2025-01-01", ["nyt-v-openai"]),
        ("b", "2025-03-01", ["coda-v-openai"]),
        ("c", "2025-02-01", ["nyt-v-openai", "coda-v-openai"]),
    ):
        flags = [x for slug in disputes for x in ("-d", slug)]
        ids[letter] = add(run, f"https://news.example.org/{letter}", *flags,
                          "--published", published, "--title", f"Story {letter}")["id"]
    return ids


# -- add -----------------------------------------------------------------------------------


def test_add_normalises_the_url_and_takes_the_outlet_from_the_host(run, seeded):
    r = run("article", "add", STORY, "-d", "nyt-v-openai", "--title", "Times sues",
            "--published", "2023-12-27", "--json")
    assert r.exit_code == 0, r.stderr
    row = json.loads(r.stdout)
    assert row["url"] == CANONICAL
    assert row["id"] == STORY_ID
    assert row["outlet"] == "example.com"
    assert row["disputes"] == ["nyt-v-openai"]
    assert row["links"][0]["how"] == "manual"
    assert f"added article {STORY_ID} -> nyt-v-openai" in r.stderr


def test_add_without_json_prints_nothing_on_stdout(run, seeded):
    r = run("article", "add", "https://example.com/x", "-d", "nyt-v-openai",
            "--outlet", "The Example")
    assert r.exit_code == 0, r.stderr
    assert r.stdout == ""
    [row] = as_json(run("article", "list", "--json"))
    assert row["outlet"] == "The Example"  # an explicit outlet wins over the host


def test_adding_the_same_article_again_is_a_conflict(run, seeded):
    add(run, STORY, "-d", "nyt-v-openai")
    before = seeded.read_bytes()
    variant = "https://www.example.com/news/story?id=7&utm_medium=social"
    refused(run("article", "add", variant, "-d", "nyt-v-openai"), seeded, before,
            f"article {STORY_ID} is already stored", f"tracker article show {STORY_ID}")


def test_adding_it_again_with_a_new_dispute_adds_the_link(run, seeded):
    first = add(run, STORY, "-d", "nyt-v-openai")
    r = run("article", "add", CANONICAL, "-d", "coda-v-openai", "-d", "nyt-v-openai")
    assert r.exit_code == 0, r.stderr
    assert f"updated article {STORY_ID} -> nyt-v-openai, coda-v-openai" in r.stderr
    [row] = as_json(run("article", "list", "--json"))
    assert row["disputes"] == ["nyt-v-openai", "coda-v-openai"]
    assert row["first_seen"] == first["first_seen"]


def test_adding_it_again_with_new_details_updates_them(run, seeded):
    add(run, STORY, "-d", "nyt-v-openai")
    r = run("article", "add", STORY, "-d", "nyt-v-openai", "--title", "Better title")
    assert r.exit_code == 0, r.stderr
    assert as_json(run("article", "show", STORY_ID, "--json"))["title"] == "Better title"


@pytest.mark.parametrize(
    ("args", "needles"),
    [
        (["ftp://x", "-d", "nyt-v-openai"], ["invalid URL 'ftp://x'", "http://"]),
        (["notaurl", "-d", "nyt-v-openai"], ["invalid URL 'notaurl'"]),
        (["http://", "-d", "nyt-v-openai"], ["invalid URL 'http://'"]),
        (["https://exa mple.com/", "-d", "nyt-v-openai"], ["invalid URL"]),
        (["https://example.com:99999/", "-d", "nyt-v-openai"], ["invalid URL"]),
        (["https://example.com/", "-d", "nyt-v-opanai"], ["no dispute 'nyt-v-opanai'",
                                                         "did you mean 'nyt-v-openai'?"]),
        (["https://example.com/", "-d", "nyt-v-openai", "--published", "2025-02-29"],
         ["invalid date '2025-02-29'"]),
        (["https://example.com/", "-d", "nyt-v-openai", "--published", "May 2025"],
         ["invalid date 'May 2025'"]),
    ],
)
def test_add_refuses(run, seeded, args, needles):
    before = seeded.read_bytes()
    refused(run("article", "add", *args), seeded, before, *needles)


def test_add_needs_a_dispute(run, seeded):
    before = seeded.read_bytes()
    r = run("article", "add", "https://example.com/")
    assert r.exit_code == 2
    assert r.stdout == ""
    assert "--dispute" in r.stderr
    assert seeded.read_bytes() == before


# -- list ----------------------------------------------------------------------------------


def test_list_is_newest_first(run, three):
    assert listed(run) == [f"https://news.example.org/{x}" for x in "bca"]


def test_list_filters_by_dispute_since_outlet_and_limit(run, three):
    url = "https://news.example.org/{}".format
    assert listed(run, "--dispute", "nyt-v-openai") == [url("c"), url("a")]
    assert listed(run, "--since", "2025-02-01") == [url("b"), url("c")]
    assert listed(run, "--since", "2025-02") == [url("b"), url("c")]
    assert listed(run, "--limit", "2") == [url("b"), url("c")]
    assert listed(run, "-d", "coda-v-openai", "-n", "1") == [url("b")]
    assert listed(run, "--outlet", "EXAMPLE.ORG") == [url(x) for x in "bca"]
    assert listed(run, "--outlet", "nytimes") == []


def test_list_since_a_relative_window(run, three):
    recent = (datetime.now(timezone.utc) - timedelta(days=3)).date().isoformat()
    add(run, "https://example.com/recent", "-d", "nyt-v-openai", "--published", recent)
    add(run, "https://example.com/undated", "-d", "nyt-v-openai")  # first seen now
    assert listed(run, "--since", "7d") == ["https://example.com/undated",
                                            "https://example.com/recent"]
    assert listed(run, "--since", "2w") == listed(run, "--since", "7d")
    assert listed(run, "--since", "1h") == ["https://example.com/undated"]


def test_list_formats(run, three):
    r = run("article", "list", "--csv")
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    assert list(rows[0]) == ["id", "date", "outlet", "title", "disputes", "url"]
    assert [row["id"] for row in rows] == [three[x] for x in "bca"]
    assert rows[1]["disputes"] == "nyt-v-openai;coda-v-openai"  # as in `export --format csv`
    assert rows[1]["url"] == "https://news.example.org/c"
    lines = run("article", "list", "--nl").stdout.splitlines()
    assert [json.loads(line)["id"] for line in lines] == [three[x] for x in "bca"]
    table = run("article", "list").stdout
    assert "Story b" in table and three["a"] in table


@pytest.mark.parametrize("command", [("list",), ("search", "story")])
@pytest.mark.parametrize("limit", ["0", "-1"])
def test_a_limit_below_one_is_a_usage_error(run, three, command, limit):
    r = run("article", *command, "--limit", limit)
    assert r.exit_code == 2
    assert r.stdout == ""
    assert "--limit" in r.stderr


def test_list_empty_talks_on_stderr(run, seeded):
    r = run("article", "list")
    assert r.exit_code == 0
    assert r.stdout == ""
    assert "no articles" in r.stderr
    assert as_json(run("article", "list", "--json")) == []


@pytest.mark.parametrize(
    ("args", "needles"),
    [
        (["--since", "last week"], ["invalid --since 'last week'", "7d / 2w / 12h"]),
        (["--since", "7x"], ["invalid --since '7x'"]),
        (["--since", "99999999d"], ["invalid --since '99999999d'"]),
        (["--dispute", "getty"], ["no dispute 'getty'"]),
    ],
)
def test_list_refuses(run, three, seeded, args, needles):
    refused(run("article", "list", *args), seeded, seeded.read_bytes(), *needles)


# -- show ----------------------------------------------------------------------------------


def test_show_by_id_prefix_and_url(run, seeded):
    add(run, STORY, "-d", "nyt-v-openai", "--title", "Times sues", "--summary", "A summary.")
    for ref in (STORY_ID, STORY_ID[:6], CANONICAL, STORY):
        row = as_json(run("article", "show", ref, "--json"))
        assert row["id"] == STORY_ID
    r = run("article", "show", STORY_ID[:5])
    assert r.exit_code == 0, r.stderr
    for text in ("Times sues", CANONICAL, "example.com", "nyt-v-openai", "linked by hand",
                 "A summary."):
        assert text in r.stdout


def _two_ids_sharing_a_prefix() -> tuple[str, str]:
    seen: dict[str, str] = {}
    for i in range(100_000):
        url = f"https://example.com/{i}"
        prefix = short_id(url)[:4]
        if prefix in seen:
            return seen[prefix], url
        seen[prefix] = url
    raise AssertionError("no collision")  # pragma: no cover


def test_show_ambiguous_prefix(run, seeded):
    first, second = _two_ids_sharing_a_prefix()
    add(run, first, "-d", "nyt-v-openai")
    add(run, second, "-d", "nyt-v-openai")
    refused(run("article", "show", short_id(first)[:4]), seeded, seeded.read_bytes(),
            "is ambiguous", "give more digits")
    assert as_json(run("article", "show", short_id(second), "--json"))["url"] == second


@pytest.mark.parametrize(
    ("ref", "needles"),
    [
        ("0000000000", ["no article '0000000000'"]),
        (STORY_ID[:3], [f"no article '{STORY_ID[:3]}'"]),  # too short for a prefix
        ("https://example.com/other", ["no article"]),
        ("ftp://example.com/x", ["invalid URL"]),
    ],
)
def test_show_refuses(run, seeded, ref, needles):
    add(run, STORY, "-d", "nyt-v-openai")
    refused(run("article", "show", ref), seeded, seeded.read_bytes(), *needles)


# -- link / unlink / remove ----------------------------------------------------------------


def test_link_unlink_and_remove(run, seeded):
    add(run, STORY, "-d", "nyt-v-openai")
    r = run("article", "link", STORY_ID, "-d", "coda-v-openai")
    assert r.exit_code == 0, r.stderr
    assert r.stdout == ""
    assert as_json(run("article", "show", STORY_ID, "--json"))["disputes"] == [
        "nyt-v-openai", "coda-v-openai"]
    assert listed(run, "-d", "coda-v-openai") == [CANONICAL]
    r = run("article", "unlink", STORY_ID, "-d", "nyt-v-openai", "-d", "coda-v-openai")
    assert r.exit_code == 0, r.stderr
    assert "no dispute" in r.stderr
    assert as_json(run("article", "show", STORY_ID, "--json"))["disputes"] == []  # kept
    r = run("article", "remove", STORY)
    assert r.exit_code == 0, r.stderr
    assert f"removed article {STORY_ID}" in r.stderr
    assert listed(run) == []


@pytest.mark.parametrize(
    ("args", "needles"),
    [
        (["link", STORY_ID, "-d", "nyt-v-openai"], ["already linked to nyt-v-openai"]),
        (["link", STORY_ID, "-d", "coda"], ["no dispute 'coda'"]),
        (["link", "ffffffffff", "-d", "coda-v-openai"], ["no article 'ffffffffff'"]),
        (["unlink", STORY_ID, "-d", "coda-v-openai"], ["is not linked to 'coda-v-openai'"]),
        (["remove", "ffffffffff"], ["no article 'ffffffffff'"]),
    ],
)
def test_link_unlink_remove_refuse(run, seeded, args, needles):
    add(run, STORY, "-d", "nyt-v-openai")
    before = seeded.read_bytes()
    refused(run("article", *args), seeded, before, *needles)


# -- search --------------------------------------------------------------------------------


@pytest.fixture
def corpus(run, seeded) -> None:
    for path, title, summary, disputes in (
        ("1", "OpenAI sued over training data", "The Times says its work was copied.",
         ["nyt-v-openai"]),
        ("2", "Court hears arguments", "OpenAI argues about data and training logs.",
         ["nyt-v-openai"]),
        ("3", "Getty wins in part", "Stability AI trained on Getty photos.",
         ["getty-v-stability"]),
        ("4", "Training, training, training", "OpenAI everywhere.", ["coda-v-openai"]),
    ):
        flags = [x for slug in disputes for x in ("-d", slug)]
        add(run, f"https://example.net/{path}", *flags, "--title", title,
            "--summary", summary, "--published", f"2025-01-0{path}")


def searched(run: Run, *args: str) -> list[str]:
    return [a["url"][-1] for a in as_json(run("article", "search", *args, "--json"))]


def test_search_needs_every_term_and_ranks_by_occurrences(run, corpus):
    # 4 has "training" three times in the title; 1 has both words in its title; 2 only
    # in its summary.
    assert searched(run, "openai training") == ["4", "1", "2"]
    assert searched(run, "OPENAI getty") == []


def test_search_quoted_phrase(run, corpus):
    assert searched(run, "training data") == ["1", "2"]
    assert searched(run, '"training data"') == ["1"]
    assert searched(run, '"training data" times') == ["1"]


def test_search_filters_and_limits(run, corpus):
    assert searched(run, "openai", "--dispute", "coda-v-openai") == ["4"]
    # 1 names OpenAI in its title (counts double); 2 and 4 in the summary: newest first.
    assert searched(run, "openai") == ["1", "4", "2"]
    assert searched(run, "openai", "--limit", "1") == ["1"]
    rows = as_json(run("article", "search", "getty", "--json"))
    assert rows[0]["score"] == 3  # once in the title (x2), once in the summary


def test_search_table_and_no_match(run, corpus):
    r = run("article", "search", "getty")
    assert r.exit_code == 0
    assert "Getty wins in part" in r.stdout
    r = run("article", "search", "midjourney")
    assert r.exit_code == 0
    assert r.stdout == ""
    assert "no articles match" in r.stderr


def test_search_refuses_an_empty_query(run, corpus, seeded):
    refused(run("article", "search", "   "), seeded, seeded.read_bytes(),
            "give at least one search term")
