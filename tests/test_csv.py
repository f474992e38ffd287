"""Every CSV the tracker prints goes through one writer: hostile text arrives as text."""

from __future__ import annotations

import csv
import importlib
import io
from typing import Any

import pytest
import typer.main

from tests.conftest import as_json
from tests.feedserver import FeedServer, Route, rss
from tracker import cli, csvfile
from tracker.cli import app

EVIL = '=HYPERLINK("http://evil.example","New York Times sues OpenAI over copyright")'
HOSTILE = [EVIL, "+SUM(1,2)", "-2+3", "@cmd", "\uff1dSUM(1)", " =1+1", "\t=1+1"]


@pytest.mark.parametrize("text", HOSTILE)
def test_a_cell_a_spreadsheet_would_run_is_defused(text):
    assert csvfile.cell(text).startswith("'")


@pytest.mark.parametrize("value, cell", [
    (None, ""), (True, "true"), (-3, "-3"), (2.5, "2.5"), (["a", "b"], "a;b"),
    (["=x", "y"], "'=x;y"), ("plain", "plain"), ("a\x1b[31mred\x1b[0m", "ared"),
    ("two\nlines", "two\nlines"), ("2026-11-01", "2026-11-01"),
])
def test_cells(value, cell):
    assert csvfile.cell(value) == cell


def _csv_listings() -> list[list[str]]:
    """Every command that offers --csv, as its words: a new one is covered automatically."""
    for module in set(cli.COMMANDS.values()):  # commands register when their module loads
        importlib.import_module(f"tracker.cli.{module}")
    found = []

    def walk(cmd: Any, words: list[str]) -> None:
        if hasattr(cmd, "commands"):
            for name, sub in cmd.commands.items():
                walk(sub, [*words, name])
        elif any("--csv" in getattr(p, "opts", ()) for p in cmd.params):
            found.append(words)

    walk(typer.main.get_command(app), [])
    return found


# The arguments each listing needs; a listing missing here fails the test below.
ARGS = {("dispute", "party", "list"): ["evil-case"], ("dispute", "event", "list"): ["evil-case"],
        ("dispute", "forum", "list"): ["evil-case"], ("article", "search"): ["HYPERLINK"]}


@pytest.fixture
def hostile(run, seeded):
    """A store where every text a CSV can show starts like a formula; the feed item's
    title names the NYT case, so the poll stores it."""
    assert run("dispute", "add", EVIL, "--slug", "evil-case", "--summary", "+1",
               "--tag", "@tag").exit_code == 0
    assert run("dispute", "party", "add", "evil-case", "@SUM(1)", "--role", "claimant",
               "--alias", "-alias").exit_code == 0
    assert run("dispute", "event", "add", "evil-case", "=1+1", "--date",
               "2026-01-02").exit_code == 0
    assert run("dispute", "forum", "add", "evil-case", "=Court()", "--jurisdiction",
               "+US").exit_code == 0
    item = {"title": EVIL, "link": "https://news.example/evil",
            "description": "evil.example says =cmd", "pubDate": "Mon, 02 Nov 2026 10:00:00 GMT"}
    with FeedServer() as server:
        server.routes["/rss"] = Route(rss([item], title="=FEED()"))
        assert run("feed", "add", server.url("/rss"), "--no-check", "--name",
                   "-feed").exit_code == 0
        assert as_json(run("poll", "--json"))["articles_new"] == 1
    return seeded


def _cells(text: str) -> list[str]:
    return [c for row in csv.reader(io.StringIO(text)) for c in row]


def test_a_hostile_title_is_defused_in_every_csv_output(run, hostile):
    listings = _csv_listings()
    assert ["article", "list"] in listings and ["dispute", "list"] in listings
    outputs = {" ".join(words): run(*words, *ARGS.get(tuple(words), []), "--csv")
               for words in listings}
    outputs["export --format csv"] = run("export", "--format", "csv")
    for name, result in outputs.items():
        assert result.exit_code == 0, (name, result.stderr)
        cells = _cells(result.stdout)
        assert cells, name
        running = [c for c in cells if c.lstrip(" \t\r\n")[:1] in set("=+-@\uff1d")]
        assert not running, (name, running)
    for name in ("article list", "article search", "export --format csv"):
        assert "'" + EVIL in _cells(outputs[name].stdout), name  # kept, as text
    assert "'" + EVIL in _cells(outputs["dispute list"].stdout)


def test_listing_csv_has_the_url_and_the_export_separator(run, hostile):
    rows = list(csv.DictReader(io.StringIO(run("article", "list", "--csv").stdout)))
    exported = list(csv.DictReader(io.StringIO(run("export", "--format", "csv").stdout)))
    assert rows[0]["url"] == exported[0]["url"] == "https://news.example/evil"
    assert rows[0]["disputes"] == exported[0]["disputes"]
