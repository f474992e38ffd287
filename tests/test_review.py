"""The review queue: suggestions kept by a poll, listed with reasons, accepted or rejected."""

from __future__ import annotations

import json

import pytest

from tests.conftest import as_json
from tests.feedserver import FeedServer, Route, rss
from tracker.storage import open_store

# Claimant and respondent, no subject term: a suggestion for nyt-v-openai, not a match.
NEAR = {
    "title": "New York Times and OpenAI executives trade barbs at a tech conference",
    "link": "https://news.example.com/near",
    "description": "The two sides met on stage.",
    "pubDate": "Mon, 02 Nov 2026 10:00:00 GMT",
    "guid": "near-1",
}
# The same for getty-v-stability.
NEAR_GETTY = {
    "title": "Getty Images and Stability AI executives share a stage in London",
    "link": "https://news.example.com/near-getty",
    "description": "",
    "pubDate": "Mon, 02 Nov 2026 11:00:00 GMT",
    "guid": "near-2",
}
MATCH = {
    "title": "New York Times presses copyright lawsuit against OpenAI",
    "link": "https://news.example.com/match",
    "description": "",
    "pubDate": "Mon, 02 Nov 2026 12:00:00 GMT",
    "guid": "match-1",
}


@pytest.fixture
def polled(run, seeded):
    """A store whose one feed gave a match and two suggestions."""
    with FeedServer() as server:
        server.routes["/rss"] = Route(rss([NEAR, NEAR_GETTY, MATCH]))
        assert run("feed", "add", server.url("/rss"), "--no-check").exit_code == 0
        result = run("poll", "--json")
        assert result.exit_code == 0, result.stderr
        summary = json.loads(result.stdout)
        assert summary["articles_attached"] == 1 and summary["suggestions_new"] == 2
        yield server


def queue(run, *args: str) -> list[dict]:
    return as_json(run("review", "--json", *args))


def linked(run, slug: str) -> list[str]:
    return [a["url"] for a in as_json(run("article", "list", "--json", "-d", slug))]


def test_a_poll_keeps_suggestions_with_their_reasons_newest_first(run, polled):
    found = queue(run)
    assert [(s["dispute"], s["url"]) for s in found] == [
        ("getty-v-stability", NEAR_GETTY["link"]), ("nyt-v-openai", NEAR["link"])]
    nyt = found[1]
    assert nyt["missing"] == ["a subject term"]
    assert any('"New York Times"' in r for r in nyt["reasons"])
    assert nyt["terms"] == ["claimant:New York Times", "respondent:OpenAI"]
    assert [s["dispute"] for s in queue(run, "-d", "nyt-v-openai")] == ["nyt-v-openai"]
    table = run("review")
    assert "missing: a subject term" in table.stdout and NEAR["title"] in table.stdout
    assert NEAR["link"] not in linked(run, "nyt-v-openai")  # never attached silently


def test_accept_links_by_hand_once_and_survives_rematch(run, polled):
    item = queue(run, "-d", "nyt-v-openai")[0]["id"]
    done = run("review", "accept", item[:6])
    assert done.exit_code == 0, done.stderr
    assert NEAR["link"] in linked(run, "nyt-v-openai")
    article = as_json(run("article", "show", item, "--json"))
    assert [(lk["dispute"], lk["how"]) for lk in article["links"]] == [("nyt-v-openai", "manual")]
    again = run("review", "accept", item)
    assert again.exit_code == 0 and "already decided" in again.stderr
    assert run("rematch", "--json").exit_code == 0
    assert NEAR["link"] in linked(run, "nyt-v-openai")
    assert [s["dispute"] for s in queue(run)] == ["getty-v-stability"]  # not suggested again
    decided = queue(run, "--all", "-d", "nyt-v-openai")
    assert [s["state"] for s in decided] == ["accepted"]


def test_reject_drops_it_for_good_even_when_it_would_match_later(run, polled, tmp_path):
    item = queue(run, "-d", "nyt-v-openai")[0]["id"]
    assert run("review", "reject", f"{item}:nyt-v-openai").exit_code == 0
    assert run("review", "reject", item).exit_code == 0  # twice: nothing more happens
    assert [s["dispute"] for s in queue(run)] == ["getty-v-stability"]
    # "executives" becomes a subject term: the item now matches in full, yet stays dropped.
    edit = run("dispute", "edit", "nyt-v-openai", "--include", "executives")
    assert edit.exit_code == 0, edit.stderr
    assert run("rematch", "--json").exit_code == 0
    assert run("poll", "--json").exit_code == 0
    assert NEAR["link"] not in linked(run, "nyt-v-openai")
    assert [s["dispute"] for s in queue(run)] == ["getty-v-stability"]


def test_all_of_a_disputes_suggestions_at_once(run, polled):
    assert run("review", "accept", "--dispute", "getty-v-stability").exit_code == 0
    assert NEAR_GETTY["link"] in linked(run, "getty-v-stability")
    assert [s["dispute"] for s in queue(run)] == ["nyt-v-openai"]
    nothing = run("review", "accept")
    assert nothing.exit_code == 2 and "--dispute" in nothing.stderr
    unknown = run("review", "reject", "ffffffffff")
    assert unknown.exit_code != 0 and "no suggestion" in unknown.stderr


def test_suggestions_expire_like_unmatched_items(run, polled, db):
    with open_store(db, write=True) as store:
        docs = store.suggestions()
        for doc in docs.values():
            doc["seen"] = "2020-01-01T00:00:00+00:00"
        store.put_suggestions(docs)
    polled.routes["/rss"] = Route(rss([MATCH]))  # the near items left the feed
    assert run("poll", "--json").exit_code == 0
    assert queue(run, "--all") == []


def test_news_says_how_many_await_review(run, polled):
    shown = run("news", "--since", "30d")
    assert shown.exit_code == 0, shown.stderr
    assert "2 await review" in shown.stdout
    assert as_json(run("news", "--since", "30d", "--json"))["await_review"] == 2


def test_the_queue_is_kept_by_every_backend(backend, run):
    """Suggestions, accepts and rejections go through the Store protocol: the same on the
    JSON file, SQLite and PostgreSQL."""
    assert run("init").exit_code == 0
    with FeedServer() as server:
        server.routes["/rss"] = Route(rss([NEAR, NEAR_GETTY]))
        assert run("feed", "add", server.url("/rss"), "--no-check").exit_code == 0
        assert run("poll", "--json").exit_code == 0
        assert [s["dispute"] for s in queue(run)] == ["getty-v-stability", "nyt-v-openai"]
        assert run("review", "reject", "--dispute", "nyt-v-openai").exit_code == 0
        assert run("review", "accept", "--dispute", "getty-v-stability").exit_code == 0
        assert run("poll", "--json").exit_code == 0
    assert queue(run) == []
    assert [s["state"] for s in queue(run, "--all")] == ["accepted", "rejected"]
    assert NEAR_GETTY["link"] in linked(run, "getty-v-stability")
