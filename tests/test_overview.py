"""The overview of every dispute: `report --all` (Markdown golden file, inert HTML with its
charts) and `timeline --all`."""

from __future__ import annotations

import os
import re
from datetime import date
from pathlib import Path

import pytest

from tests import test_report
from tests.conftest import Run, as_json
from tests.test_report import HOSTILE_TITLE, parse
from tracker import core
from tracker import overview as ov
from tracker.models import Article, Dispute, Event, Link
from tracker.storage import open_store

DATA = Path(__file__).parent / "data"
AS_OF = date(2026, 1, 15)
covered, hostile = test_report.covered, test_report.hostile  # the reports' fixtures


def build(db: Path, **flt: str) -> ov.Overview:
    with open_store(db) as store:
        disputes, coverage = core.coverage_of(store, core.DisputeFilter(**flt))
    return ov.build(disputes, coverage, as_of=AS_OF)


@pytest.fixture
def briefing(run: Run, covered: Path) -> Path:
    """Coverage of two disputes, one story linked to both, one outside the window."""
    for url, slugs, title, day in (
        ("https://news.example/nyt-logs", ["nyt-v-openai"], "Judge orders | ChatGPT logs",
         "2026-01-07"),
        ("https://news.example/both", ["nyt-v-openai", "coda-v-openai"], "AI suits pile up",
         "2026-01-12"),
        ("https://news.example/old", ["nyt-v-openai"], "Old story", "2024-02-01"),
    ):
        args = ["article", "add", url, "--title", title, "--published", day]
        for slug in slugs:
            args += ["-d", slug]
        assert run(*args).exit_code == 0
    return covered


def test_markdown_overview_golden(briefing: Path) -> None:
    text = ov.markdown(build(briefing))
    golden = DATA / "overview.md"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8")


def test_overview_counts(briefing: Path) -> None:
    o = build(briefing)
    rows = {e.dispute.slug: e for e in o.entries}
    assert list(rows) == ["coda-v-openai", "getty-v-stability", "nyt-v-openai"]
    assert (rows["nyt-v-openai"].recent, rows["coda-v-openai"].recent) == (2, 1)
    assert o.recent() == 2  # the story linked to both counts once
    assert rows["getty-v-stability"].since == "2025-12-16"  # its appeal
    assert len(o.total) == 26 and o.total[-1].start == date(2026, 1, 12)
    assert [w.count for w in o.total[-2:]] == [1, 1]
    assert sum(w.count for w in o.total) == 5  # CODA's 3, the shared one once, the NYT one
    dates = [e.date for _, e in o.timeline()]
    assert dates == sorted(dates, reverse=True) and len(dates) == 17


def test_overview_filters(run: Run, briefing: Path) -> None:
    assert [e.dispute.slug for e in build(briefing, tag="japan").entries] == ["coda-v-openai"]
    assert [e.dispute.slug for e in build(briefing, jurisdiction="uk").entries] == [
        "getty-v-stability"]
    result = run("report", "--all", "--status", "discovery")
    assert result.exit_code == 0, result.stderr
    assert "`nyt-v-openai`" in result.stdout and "`coda-v-openai`" not in result.stdout
    assert run("report", "--all", "--status", "sued").exit_code == 2
    assert run("report").exit_code == 2 and run("report", "nyt-v-openai", "--all").exit_code == 2
    for command in (("report", "--all"), ("report", "nyt-v-openai", "--format", "html"),
                    ("site", "-o", "x"), ("timeline", "--all")):
        assert run(*command, "--weeks", "0").exit_code == 2, command
    empty = run("report", "--all", "--tag", "no-such-tag")
    assert empty.exit_code == 0 and empty.stdout.count("No disputes match.") == 2


def test_html_overview_charts(run: Run, briefing: Path, tmp_path: Path) -> None:
    target = tmp_path / "all.html"
    result = run("report", "--all", "--format", "html", "-o", str(target), "--weeks", "8")
    assert result.exit_code == 0, result.stderr
    text = target.read_text("utf-8")
    page = parse(text)
    assert page.tags.count("svg") == 2  # the swimlane and the coverage rows
    visible = " ".join(page.text)
    for heading in ("Status", "Status over time", "Coverage per week",
                    "Timeline, all disputes (newest first)"):
        assert heading in visible
    assert "Articles per week over 8 weeks" in visible
    # each status period is a band, named where it fits; every status in the legend
    lanes = text[text.index("lanes-title"):text.index("rows-title")]
    for status in ("filed", "trial", "judgment", "appeal", "discovery", "demand-sent"):
        assert f">{status}</text>" in lanes


def test_status_periods() -> None:
    d = Dispute(slug="x", title="X", events=[
        Event(date="2023-01", text="a", status="filed"),
        Event(date="2025-06-09", text="b", status="trial"),
        Event(date="2025-07-01", text="not a status"),
        Event(date="2027-01-01", text="scheduled", status="judgment")])  # after as-of
    assert ov.status_periods(d, date(2026, 1, 1)) == [
        ("filed", "2023-01", "2025-06-09"), ("trial", "2025-06-09", None)]


def test_overview_is_inert(run: Run, hostile: Path) -> None:
    with open_store(hostile, write=True) as store:
        store.put_dispute(Dispute(slug="evil", title=HOSTILE_TITLE, status="filed",
                                  events=[Event(date="2025-12-01", text=HOSTILE_TITLE,
                                                status="filed", source="javascript:x")]))
        store.put_articles([Article(url="https://evil.example/x", title=HOSTILE_TITLE,
                                    published="2026-01-10", links=[Link("evil", "match")])])
    html = run("report", "--all", "--format", "html").stdout
    page = parse(html)
    assert not {"script", "img", "iframe", "object", "embed", "link", "base", "form"} & set(
        page.tags)
    assert not [a for a in page.attrs if a[1] in ("src", "srcset", "action") or
                a[1].startswith("on")]
    assert "\x1b" not in html and "javascript:" not in " ".join(v for _, _, v in page.attrs)
    assert "<script>alert(1)</script>" in "".join(page.text)
    text = run("report", "--all").stdout
    assert "\x1b" not in text and not re.search(r"(?<!\\)\]\(javascript:", text)
    assert "\\<script\\>" in text


def test_timeline_all(run: Run, briefing: Path) -> None:
    result = run("timeline", "--all", "--until", "2026-01-15")
    assert result.exit_code == 0, result.stderr
    lines = {line.split()[0]: line for line in result.stdout.splitlines() if line.strip()}
    width = len("getty-v-stability") + 2
    nyt = lines["nyt-v-openai"]
    assert nyt[width:width + 26].endswith("██") and nyt[width:width + 24] == "·" * 24
    assert "discovery" in nyt
    assert "26 weeks, 2025-07-21 to 2026-01-18" in result.stdout
    data = as_json(run("timeline", "--all", "--until", "2026-01-15", "--weeks", "2", "--json"))
    assert [w["articles"] for w in data["weeks"]] == [1, 1]
    assert [w["articles"] for w in data["disputes"]["nyt-v-openai"]] == [1, 1]
    assert run("timeline").exit_code == 2
