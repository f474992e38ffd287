"""Stored text is data, never markup: it cannot restyle or take over the terminal."""

from __future__ import annotations

import pytest

from tests.conftest import as_json

EVIL = "[bold red]x[/] \x1b[2J\x1b]0;pwned\x07"
RAW = ("\x1b[2J", "\x1b]0;", "pwned", "\x07")


@pytest.fixture
def evil(run, seeded) -> str:
    """Untrusted text in every field a feed or a careless paste could fill."""
    article = as_json(run("article", "add", "https://example.com/evil", "-d", "nyt-v-openai",
                          "--title", EVIL, "--outlet", EVIL, "--summary", EVIL, "--json"))
    for args in (
        ("dispute", "forum", "add", "nyt-v-openai", EVIL, "--jurisdiction", EVIL,
         "--note", EVIL),
        ("dispute", "party", "add", "nyt-v-openai", EVIL, "--role", "amicus", "--alias", EVIL),
        ("dispute", "event", "add", "nyt-v-openai", EVIL, "--date", "2026-01-02",
         "--note", EVIL),
        ("dispute", "edit", "nyt-v-openai", "--summary", EVIL, "--notes", EVIL, "--tag", EVIL),
    ):
        r = run(*args)
        assert r.exit_code == 0, r.stderr
    return str(article["id"])


COMMANDS = [
    ("dispute", "show", "nyt-v-openai"),
    ("dispute", "list"),
    ("dispute", "list", "--csv"),
    ("dispute", "party", "list", "nyt-v-openai"),
    ("dispute", "event", "list", "nyt-v-openai"),
    ("article", "list"),
    ("article", "list", "--csv"),
    ("article", "search", "pwned"),
]


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_markup_and_escapes_never_reach_the_terminal(run, evil, command):
    r = run(*command)
    assert r.exit_code == 0, r.stderr
    assert "\x1b" not in r.stdout  # NO_COLOR and not a terminal: rich adds none itself
    assert "\x07" not in r.stdout
    assert "pwned" not in r.stdout
    assert "[bold red]x[/]" in r.stdout  # shown as the literal text it is


def test_every_field_of_the_case_page_is_shown_literally(run, evil):
    # summary, party, forum name, jurisdiction and note, tags, event text and note, notes,
    # and the article's outlet and title under Coverage.
    assert run("dispute", "show", "nyt-v-openai").stdout.count("[bold red]x[/]") == 11


def test_article_show_too(run, evil):
    r = run("article", "show", evil)
    assert r.exit_code == 0, r.stderr
    assert "\x1b" not in r.stdout and "\x07" not in r.stdout
    assert r.stdout.count("[bold red]x[/]") == 3  # title, outlet, summary


@pytest.mark.parametrize("command", [("dispute", "show", "nyt-v-openai"), ("article", "list")])
def test_with_colour_on_only_our_own_styles_are_sent(run, evil, monkeypatch, command):
    monkeypatch.delenv("NO_COLOR")
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.setenv("TERM", "xterm-256color")
    r = run(*command)
    assert r.exit_code == 0, r.stderr
    assert "\x1b[" in r.stdout  # colour really is on
    for raw in RAW:
        assert raw not in r.stdout
    assert "[bold red]x[/]" in r.stdout


def test_json_keeps_the_stored_text_exactly(run, evil):
    # Machine output carries the data as stored; JSON escapes the control characters.
    r = run("article", "show", evil, "--json")
    assert "\x1b" not in r.stdout
    assert as_json(r)["title"] == EVIL


def test_confirmations_on_stderr_are_cleaned_too(run, evil):
    r = run("dispute", "forum", "remove", "nyt-v-openai", "2")
    assert r.exit_code == 0, r.stderr
    assert "removed forum [bold red]x[/]" in r.stderr
    assert "\x1b" not in r.stderr and "pwned" not in r.stderr
    r = run("dispute", "party", "remove", "nyt-v-openai", EVIL)
    assert r.exit_code == 0, r.stderr
    assert "\x1b" not in r.stderr and "pwned" not in r.stderr
