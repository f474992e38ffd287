"""Tables on an 80-column terminal keep what identifies a row; piped, they are plain lines."""

from __future__ import annotations

import re

import pytest

from tests.conftest import as_json

LONG_NAME = "A feed with a rather long name that cannot fit"


@pytest.fixture
def terminal(monkeypatch):
    """stdout is an 80-column terminal (rich honours TTY_COMPATIBLE and COLUMNS)."""
    monkeypatch.setenv("TTY_COMPATIBLE", "1")
    monkeypatch.setenv("COLUMNS", "80")


@pytest.fixture
def failing(run, seeded):
    """Two feeds on a port where nothing listens: both fail their poll."""
    for n in (1, 2):
        r = run("feed", "add", f"http://127.0.0.1:9/feed-{n}.xml", "--no-check",
                "--name", f"{LONG_NAME} {n}", "--dispute", "nyt-v-openai")
        assert r.exit_code == 0, r.stderr
    assert run("poll").exit_code == 3
    return seeded


def lines_of(text: str) -> list[str]:
    """The lines as seen: NO_COLOR leaves bold and dim, which take no room."""
    return re.sub(r"\x1b\[[0-9;]*m", "", text).splitlines()


def words(text: str) -> str:
    """The table's text with borders and line breaks folded away."""
    return " ".join(re.sub(r"[│┃┏┓┗┛┡┩┳┻╇━─└┘┴┬]", " ", "\n".join(lines_of(text))).split())


def fits(text: str, width: int = 80) -> None:
    """Every line within `width`, and the table whole: rich crops what overflows, so a
    table wider than the screen would lose its right-hand border."""
    lines = [line for line in lines_of(text) if line.strip()]
    assert lines
    assert max(len(line) for line in lines) <= width, text
    assert all(line[-1] in "┓┃┩│┘" for line in lines), text


def test_feed_list_keeps_the_feed_and_why_it_fails(run, failing, terminal, monkeypatch):
    r = run("feed", "list")
    assert r.exit_code == 0, r.stderr
    fits(r.stdout)
    header = lines_of(r.stdout)[1]
    for column in ("ID", "Feed", "Status"):
        assert column in header
    text = words(r.stdout)
    for feed in as_json(run("feed", "list", "--json")):
        assert feed["id"] in words(r.stdout)  # whole, on one line
        assert feed["last_status"] == "error"
    assert text.count("error:") == 2
    assert "Kind" in r.stderr  # the hidden columns are named, on stderr
    monkeypatch.setenv("COLUMNS", "120")
    fits(run("feed", "list").stdout, 120)


def test_dispute_list_keeps_slug_title_and_status(run, seeded, terminal):
    r = run("dispute", "list")
    fits(r.stdout)
    for d in as_json(run("dispute", "list", "--json")):
        row = next(line for line in lines_of(r.stdout) if d["slug"] in line)
        assert d["status"] in row  # slug and status on the same line, neither cut
    assert "Since" in r.stdout


def test_article_list_keeps_id_title_and_whole_slugs(run, seeded, terminal):
    long_title = "Getty Images and Stability AI return to court over training data " * 2
    r = run("article", "add", "https://news.example.com/getty", "-d", "getty-v-stability",
            "-d", "nyt-v-openai", "--title", long_title.strip(), "--outlet", "Example News")
    assert r.exit_code == 0, r.stderr
    run("article", "add", "https://news.example.com/untitled", "-d", "coda-v-openai")
    r = run("article", "list")
    fits(r.stdout)
    text = words(r.stdout)
    for a in as_json(run("article", "list", "--json")):
        assert a["id"] in r.stdout
        for slug in a["disputes"]:
            assert slug in r.stdout  # a slug is never cut in two
    assert "(no title)" in text  # an article added without --title
    assert "Getty Images and Stability AI return to court" in text


def test_event_list_never_cuts_a_url(run, seeded, terminal):
    sources = {e["source"] for e in as_json(run("dispute", "event", "list", "nyt-v-openai",
                                                "--json")) if e["source"]}
    assert sources
    narrow = run("dispute", "event", "list", "nyt-v-openai")
    fits(narrow.stdout)
    assert "https://" not in narrow.stdout  # too long for 80 columns: left out, not cut
    assert "Source" in narrow.stderr
    wide = run("dispute", "event", "list", "nyt-v-openai", "--wide")
    assert all(src in wide.stdout for src in sources)  # whole, copyable
    picked = run("dispute", "event", "list", "nyt-v-openai", "--columns", "date,source")
    assert lines_of(picked.stdout)[1].split() == ["┃", "Date", "┃", "Source", "┃"]
    assert all(src in picked.stdout for src in sources)


def test_piped_tables_are_plain_lines(run, seeded):
    r = run("dispute", "event", "list", "nyt-v-openai")
    events = as_json(run("dispute", "event", "list", "nyt-v-openai", "--json"))
    lines = lines_of(r.stdout)
    assert lines[0].split("\t") == ["#", "Date", "What happened", "Status", "Source"]
    assert len(lines) == len(events) + 1  # one line per row: nothing wrapped
    assert all(line == line.rstrip() for line in lines)  # nothing padded
    assert "\x1b" not in r.stdout and "│" not in r.stdout
    assert lines[1].split("\t")[4] == (events[0]["source"] or "")


def test_columns_are_checked(run, seeded):
    r = run("dispute", "list", "--columns", "slug,stauts")
    assert r.exit_code == 2
    assert r.stderr.startswith("tracker: error: no column 'stauts'\nhint: did you mean 'status'?")
    r = run("dispute", "list", "--columns", "Status,slug", "--csv")
    assert lines_of(r.stdout)[0] == "status,slug"


def test_every_listing_offers_wide_and_columns():
    from tests.test_cli_help import COMMANDS

    listings = [p for p, c in COMMANDS if any(o == "--csv" for q in c.params for o in q.opts)]
    assert len(listings) >= 6
    for path, command in COMMANDS:
        if path in listings:
            opts = {o for q in command.params for o in q.opts}
            assert {"--wide", "--columns"} <= opts, (
                f"'tracker {' '.join(path)}' offers --csv: put @output.listing under its "
                "command decorator so its table gets --wide and --columns")
