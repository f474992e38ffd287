"""Case reports (Markdown golden file, hostile-text-proof HTML) and the weekly chart."""

from __future__ import annotations

import itertools
import os
import re
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.conftest import Run, as_json
from tracker import core
from tracker import report as reports
from tracker.models import Article, Dispute, Event, Link, now
from tracker.storage import open_store

DATA = Path(__file__).parent / "data"
HOSTILE_TITLE = ("<script>alert(1)</script> [bold red]loud[/] \x1b]8;;https://evil.example/\x1b\\"
                 "click\x1b]8;;\x1b\\ \x1b[31mred [x](javascript:alert(1)) "
                 "<img src=x onerror=alert(1)>")


def add(run: Run, url: str, slug: str, title: str, published: str, outlet: str = "") -> None:
    args = ["article", "add", url, "-d", slug, "--title", title, "--published", published]
    result = run(*args, *(["--outlet", outlet] if outlet else []))
    assert result.exit_code == 0, result.stderr


@pytest.fixture
def covered(run: Run, seeded: Path) -> Path:
    """CODA v. OpenAI with coverage over several weeks and an unconfirmed event."""
    add(run, "https://www.japantimes.co.jp/business/2025/10/28/coda-openai/", "coda-v-openai",
        "Japanese content group asks OpenAI to stop training Sora 2 on its works",
        "2025-10-28", "The Japan Times")
    add(run, "https://example.com/news/sora?utm_source=rss", "coda-v-openai",
        "*Sora 2* and the opt-out question [analysis] #AI", "2025-11-03", "Example News")
    add(run, "https://animenews.example.net/2025-10-01/sora", "coda-v-openai",
        "Sora 2 clips of anime characters spread online", "2025-10-01")
    result = run("dispute", "event", "add", "coda-v-openai", "Reports say OpenAI has not replied.",
                 "--date", "2025-11-10", "--unconfirmed",
                 "--source", "https://example.com/news/reply")
    assert result.exit_code == 0, result.stderr
    return seeded


def load(db: Path, slug: str) -> tuple[Dispute, list[Article]]:
    with open_store(db) as store:
        return core.get_dispute(store, slug), core.coverage(store, slug)


# -- Markdown -------------------------------------------------------------------------------


def test_markdown_golden(covered: Path) -> None:
    d, articles = load(covered, "coda-v-openai")
    text = reports.markdown(d, articles, as_of="2026-01-15")
    golden = DATA / "report_coda-v-openai.md"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8")


def test_markdown_report_command(run: Run, covered: Path) -> None:
    result = run("report", "coda-v-openai")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("# CODA v. OpenAI (Sora 2 training)\n")
    assert f"**As of:** {now().date().isoformat()}" in result.stdout
    lines = [line for line in result.stdout.splitlines() if line.startswith("- 2025-")]
    assert [line[2:12] for line in lines] == ["2025-11-03", "2025-10-28", "2025-10-01"]


def test_markdown_escapes_hostile_text() -> None:
    d = Dispute(slug="x", title="# Title [x](javascript:alert(1))")
    a = Article(url="https://ok.example/a", title=HOSTILE_TITLE, outlet="*Outlet*",
                published="2025-01-01", links=[Link("x", "manual")])
    bad = Article(url="javascript:alert(1)", title="Bad link", published="2025-01-02")
    text = reports.markdown(d, [a, bad], as_of="2026-01-01")
    assert "\x1b" not in text and "]8;;" not in text
    assert not re.search(r"(?<!\\)\]\(javascript:", text)  # never a link target
    assert "\\<script\\>" in text and "\\[bold red\\]" in text and "\\*Outlet\\*" in text
    assert text.startswith("# \\# Title \\[x\\](javascript:alert(1))\n")
    assert "- 2025-01-02 · alert(1) · Bad link\n" in text  # text, not a link
    assert "[" + reports.md(HOSTILE_TITLE) + "](https://ok.example/a)" in text


def test_markdown_escapes_a_line_start_with_valid_escapes() -> None:
    # CommonMark escapes only punctuation: "\1" would print its backslash ("\127.0.0.1")
    assert reports.md("127.0.0.1") == "127\\.0.0.1"
    assert reports.md("1) first") == "1\\) first"
    assert reports.md("- item") == "\\- item" and reports.md("=SUM(A1)") == "\\=SUM(A1)"
    assert reports.md("2026 in review") == "2026 in review"


def test_markdown_link_targets_are_encoded() -> None:
    assert reports.md_link("a", "https://x.example/p(1)") == "[a](https://x.example/p%281%29)"
    assert reports.md_link("a", "https://x.example/a b") == "a"  # not a URL tracker accepts
    assert reports.md_link("a", "data:text/html,hi") == "a"
    assert reports.md_link("a", "https://x.example/\x1b[31m") == "a"


# -- HTML -----------------------------------------------------------------------------------


class Page(HTMLParser):
    """Collects what a browser would act on: tags, attributes, and the visible text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str, str]] = []
        self.links: list[dict[str, str | None]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attrs += [(tag, k, v or "") for k, v in attrs]
        if tag == "a":
            self.links.append(dict(attrs))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse(text: str) -> Page:
    page = Page()
    page.feed(text)
    page.close()
    return page


@pytest.fixture
def hostile(covered: Path) -> Path:
    """Hostile feed text stored as if it came from a feed or a crafted import."""
    with open_store(covered, write=True) as store:
        store.put_articles([
            Article(url="https://evil.example/story", title=HOSTILE_TITLE,
                    outlet="<b>Evil</b> [red]", summary="<script>x</script>",
                    published="2025-11-04", links=[Link("coda-v-openai", "match", ["CODA"])]),
            Article(url="javascript:alert(1)", title="javascript link", published="2025-11-05",
                    links=[Link("coda-v-openai", "match", ["CODA"])]),
        ])
        d = store.dispute("coda-v-openai")
        assert d is not None
        d.events.append(Event(date="2025-11-06", text=HOSTILE_TITLE, source="javascript:alert(1)",
                              note="<i>note</i>"))
        store.put_dispute(d)
    return covered


def test_html_report_is_inert_and_self_contained(run: Run, hostile: Path) -> None:
    result = run("report", "coda-v-openai", "--format", "html")
    assert result.exit_code == 0, result.stderr
    text = result.stdout
    page = parse(text)
    assert "script" not in page.tags and "img" not in page.tags
    assert not {"iframe", "object", "embed", "link", "base", "form"} & set(page.tags)
    assert "\x1b" not in text and "]8;;" not in text
    # no resources from anywhere: nothing loads, only links (<a>, and svg namespace) point out
    assert not [a for a in page.attrs if a[1] in ("src", "srcset", "action", "formaction")]
    assert not [a for a in page.attrs if a[1].startswith("on")]
    assert "url(" not in text and "@import" not in text
    hrefs = [str(link["href"]) for link in page.links]
    assert hrefs and all(h.startswith(("https://", "http://")) for h in hrefs)
    assert all(link["rel"] == "noopener noreferrer" for link in page.links)
    assert "javascript:" not in " ".join(v for _, _, v in page.attrs)
    allowed = {a.url for a in load(hostile, "coda-v-openai")[1]} | {
        e.source for e in load(hostile, "coda-v-openai")[0].events}
    assert set(hrefs) <= allowed
    # the hostile text arrives as text, visibly, not as markup
    visible = "".join(page.text)
    assert "<script>alert(1)</script>" in visible and "[bold red]loud[/]" in visible
    assert "<img src=x onerror=alert(1)>" in visible and "<b>Evil</b> [red]" in visible
    assert "javascript link" in visible  # shown, but not linked


def test_html_report_structure(run: Run, covered: Path, tmp_path: Path) -> None:
    target = tmp_path / "coda.html"
    result = run("report", "coda-v-openai", "--format", "html", "-o", str(target))
    assert result.exit_code == 0 and result.stdout == ""
    text = target.read_text("utf-8")
    assert text.startswith("<!DOCTYPE html>") and 'charset="utf-8"' in text
    assert "Content-Security-Policy" in text and "default-src 'none'" in text
    assert "@page { size: A4" in text and "@media print" in text
    page = parse(text)
    assert page.tags.count("svg") == 1 and page.tags.count("rect") == 3  # three busy weeks
    visible = " ".join(page.text)
    for heading in ("Parties", "Forums", "Timeline", "Coverage over time",
                    "Coverage (3 articles, newest first)"):
        assert heading in visible
    assert "Content Overseas Distribution Association" in visible
    assert "unconfirmed" in visible and "demand-sent" in visible


def test_html_report_without_coverage_still_marks_the_events(run: Run, seeded: Path) -> None:
    text = run("report", "nyt-v-openai", "--format", "html").stdout
    page = parse(text)
    assert page.tags.count("svg") == 1 and "rect" not in page.tags  # no bars: no coverage
    assert "1:23-cv-11195-SHS" in text and "No articles linked yet." in text
    assert "https://www.courtlistener.com/docket/68117049/" in [
        link["href"] for link in page.links]


def _chart_weeks(text: str) -> tuple[int, list[str]]:
    """The number of weeks a report's chart spans (from its caption) and its markers."""
    m = re.search(r"empty weeks shown\), (\S+) to (\S+):", text)
    assert m, text
    days = (date.fromisoformat(m[2]) - date.fromisoformat(m[1])).days + 1
    return days // 7, re.findall(r'font-weight="600">([\d,]+)</text>', text)


def test_report_chart_window_reaches_back_to_the_first_event(covered: Path) -> None:
    """A young dispute's chart starts at its first event, with the empty weeks between,
    however late the report is made; every event gets its numbered marker."""
    d, articles = load(covered, "coda-v-openai")
    text = reports.html_report(d, articles, as_of="2026-12-01")
    weeks, markers = _chart_weeks(text)
    assert weeks == 62  # the week of 2025-09-29 to the week of 2026-11-30
    assert markers == ["1,2", "3", "4"]  # Sora 2 and the request (one week), letter, reply
    # a fixed window, and the caption counts what falls before it
    text = reports.html_report(d, articles, as_of="2026-12-01", weeks=26)
    assert _chart_weeks(text) == (26, [])
    assert "Before this window: 4 events and 3 articles." in text
    # never fewer than 26 weeks, even for a dispute that began last week
    fresh = Dispute(slug="x", title="X", events=[Event(date="2026-11-30", text="filed",
                                                        status="filed")])
    assert _chart_weeks(reports.html_report(fresh, [], as_of="2026-12-01")) == (26, ["1"])


def test_month_labels_never_crowd() -> None:
    from tracker.charts import month_labels

    for weeks in (8, 26, 62, 156):
        step = 682 / weeks
        labels = month_labels(date(2025, 9, 29), weeks, step)
        xs = [i * step for i, _ in labels]
        assert all(b - a >= 46 for a, b in itertools.pairwise(xs)), (weeks, labels)
        assert len(labels) >= 2 and any(ch.isdigit() for ch in labels[0][1])  # a year first


def test_report_unknown_dispute(run: Run, seeded: Path) -> None:
    result = run("report", "coda-v-opena", "--format", "html")
    assert result.exit_code == 2 and "coda-v-openai" in result.stderr and result.stdout == ""


# -- weeks and the terminal chart -------------------------------------------------------------


def test_weekly_buckets() -> None:
    d = Dispute(slug="x", title="X", events=[Event(date="2025-10", text="month only"),
                                             Event(date="2025-10-12", text="a Sunday")])
    arts = [Article(url=f"https://a.example/{n}", published=p) for n, p in
            enumerate(["2025-10-06", "2025-10-12", "2025-10-13T09:00:00+00:00", "2024-01-01"])]
    weeks = reports.weekly(d, arts, until=date(2025, 10, 15), weeks=3)
    assert [w.start.isoformat() for w in weeks] == ["2025-09-29", "2025-10-06", "2025-10-13"]
    assert [w.count for w in weeks] == [0, 2, 1]
    assert [[e.text for e in w.events] for w in weeks] == [["month only"], ["a Sunday"], []]
    assert weeks[1].to_dict()["article_ids"] == [arts[0].id, arts[1].id]
    with pytest.raises(reports.InputError):
        reports.weekly(d, arts, until=date(2025, 10, 15), weeks=0)


def test_bar_uses_eighth_blocks() -> None:
    assert reports.bar(0, 5, 10) == ""
    assert reports.bar(5, 5, 10) == "█" * 10
    assert reports.bar(1, 16, 10) == "▋"  # 5/8 of a cell
    assert reports.bar(1, 1000, 10) == "▏"  # never invisible


def test_timeline_chart(run: Run, covered: Path) -> None:
    result = run("timeline", "coda-v-openai", "--until", "2025-11-16", "--weeks", "8")
    assert result.exit_code == 0, result.stderr
    rows = {line[:10]: line for line in result.stdout.splitlines() if re.match(r"\d{4}-", line)}
    assert list(rows) == ["2025-09-22", "2025-09-29", "2025-10-06", "2025-10-13", "2025-10-20",
                          "2025-10-27", "2025-11-03", "2025-11-10"]
    assert "█" in rows["2025-10-27"] and " 1 " in rows["2025-10-27"]
    assert "demand-sent" in rows["2025-10-27"] and "CODA sent OpenAI" in rows["2025-10-27"]
    assert "(unconfirmed)" in rows["2025-11-10"]
    assert "3 of 3 linked articles" in result.stdout


def test_timeline_chart_shows_hostile_event_text_inert(run: Run, hostile: Path) -> None:
    result = run("timeline", "coda-v-openai", "--until", "2025-11-10", "--weeks", "2")
    assert result.exit_code == 0, result.stderr
    assert "\x1b" not in result.stdout and "[bold red]loud[/]" in result.stdout


def test_timeline_hint_when_empty(run: Run, covered: Path) -> None:
    result = run("timeline", "coda-v-openai", "--until", "2020-01-01", "--weeks", "2")
    assert result.exit_code == 0
    assert "try --until 2025-11-03" in " ".join(result.stdout.split())


def test_timeline_json(run: Run, covered: Path) -> None:
    weeks = as_json(run("timeline", "coda-v-openai", "--until", "2025-11-03", "--weeks", "2",
                        "--json"))
    assert [(w["week"], w["articles"]) for w in weeks] == [("2025-10-27", 1), ("2025-11-03", 1)]
    assert weeks[0]["events"][0]["status"] == "demand-sent"


def test_timeline_bad_options(run: Run, covered: Path) -> None:
    assert run("timeline", "coda-v-openai", "--weeks", "0").exit_code == 2
    assert run("timeline", "coda-v-openai", "--until", "2025-13-01").exit_code == 2


# -- muted docket entries -------------------------------------------------------------------

DOCKET = "https://www.courtlistener.com/docket/68117049/feed/"


@pytest.fixture
def noisy(seeded: Path) -> Path:
    """NYT v. OpenAI with one docket entry worth showing and two muted (procedural) ones."""
    with open_store(seeded, write=True) as store:
        d = store.dispute("nyt-v-openai")
        assert d is not None
        for n, text, quiet in ((820, "ORDER granting motion to compel", False),
                               (818, "MOTION for Leave to Appear Pro Hac Vice", True),
                               (819, "NOTICE OF APPEARANCE by Jane Roe", True)):
            d.events.append(Event(date="2026-03-09", text=f"Entry #{n}: {text}", origin=DOCKET,
                                  entry=f"entry-{n}", number=n, muted=quiet,
                                  recorded="2026-03-09T12:00:00Z"))
        store.put_dispute(d)
    return seeded


def test_reports_overview_and_site_leave_muted_entries_out_and_count_them(
        run: Run, noisy: Path, tmp_path: Path) -> None:
    hidden = ("Pro Hac Vice", "NOTICE OF APPEARANCE")
    for args in (("report", "nyt-v-openai"), ("report", "nyt-v-openai", "--format", "html"),
                 ("report", "--all"), ("report", "--all", "--format", "html")):
        result = run(*args)
        assert result.exit_code == 0, result.stderr
        assert "ORDER granting motion to compel" in result.stdout, args
        assert not [t for t in hidden if t in result.stdout], args
        assert "2 muted docket entries not shown" in result.stdout, args
    out = tmp_path / "public"
    assert run("site", "-o", str(out)).exit_code == 0
    for name in ("index.html", "disputes/nyt-v-openai.html", "feed.atom",
                 "disputes/nyt-v-openai.atom"):
        text = (out / name).read_text("utf-8")
        assert "ORDER granting motion to compel" in text, name
        assert not [t for t in hidden if t in text], name
    assert "2 muted docket entries not shown" in (out / "disputes/nyt-v-openai.html").read_text(
        "utf-8")
    # Other disputes' reports say nothing about them; the export keeps them, marked.
    assert "muted" not in run("report", "coda-v-openai").stdout
    doc = as_json(run("export"))
    [nyt] = [d for d in doc["disputes"] if d["slug"] == "nyt-v-openai"]
    assert sorted(e["number"] for e in nyt["events"] if e.get("muted")) == [818, 819]


def test_a_timeline_of_only_muted_entries_says_so() -> None:
    d = Dispute(slug="x", title="X", events=[Event(date="2026-03-09", text="Entry #1: NOTICE",
                                                   muted=True)])
    text = reports.markdown(d, [], as_of="2026-03-10")
    assert "1 muted docket entry not shown" in text and "No events recorded." not in text
    assert "NOTICE" not in text
    page = reports.html_report(d, [], as_of="2026-03-10")
    assert "1 muted docket entry not shown" in page and "NOTICE" not in page
