"""`tracker site`: the static site and its Atom feeds (golden files, parsed back with
feedparser, byte-stable), with hostile feed text inert in every page and feed."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import feedparser
import pytest

from tests.conftest import Run
from tests.test_report import HOSTILE_TITLE, parse
from tracker import site
from tracker.models import Article, Dispute, Event, Link
from tracker.seed import seed_disputes
from tracker.site import MANIFEST
from tracker.storage import open_store

DATA = Path(__file__).parent / "data"
STAMP = "2026-01-02T03:04:05+00:00"


def fixed_store() -> tuple[list[Dispute], dict[str, list[Article]]]:
    """The seeded disputes and three stories, every time in them fixed."""
    disputes = seed_disputes()
    for d in disputes:
        d.created = d.updated = STAMP
        for e in d.events:
            e.recorded = STAMP
    coda = next(d for d in disputes if d.slug == "coda-v-openai")
    coda.events.append(Event(date="2026-01-09", text="Entry 3: CODA publishes OpenAI's reply.",
                             source="https://www.coda-cj.jp/en/news/900",
                             recorded="2026-01-10T08:00:00+00:00",
                             origin="https://dockets.example/coda.atom"))
    both = Article(url="https://news.example/both", title="AI suits pile up", outlet="Example",
                   published="2026-01-12", summary="Two disputes & one story.",
                   links=[Link("coda-v-openai", "match", ["CODA"], "2026-01-12T09:30:00+00:00"),
                          Link("nyt-v-openai", "match", ["NYT"], "2026-01-12T09:30:00+00:00")],
                   first_seen="2026-01-12T09:30:00+00:00")
    coda_story = Article(url="https://www.japantimes.co.jp/coda", title="CODA asks OpenAI",
                         outlet="The Japan Times", published="2025-10-28",
                         links=[Link("coda-v-openai", "manual", [], "2025-10-29T01:00:00Z")],
                         first_seen="2025-10-29T01:00:00Z")
    nyt = Article(url="https://news.example/logs", title="Judge: keep the logs", outlet="Wire",
                  published="2026-01", links=[Link("nyt-v-openai", "match", ["NYT"],
                                                   "2026-01-05T00:00:00+00:00")],
                  first_seen="2026-01-05T00:00:00+00:00")
    coverage = {"coda-v-openai": [both, coda_story], "nyt-v-openai": [both, nyt],
                "getty-v-stability": []}
    return disputes, coverage


def build(**kw: str) -> dict[str, bytes]:
    disputes, coverage = fixed_store()
    return site.build(disputes, coverage, as_of=date(2026, 1, 15), **kw)


@pytest.mark.parametrize("path", ["feed.atom", "disputes/coda-v-openai.atom"])
def test_atom_golden(path: str) -> None:
    blob = build(base_url="https://example.org/tracker/")[path]
    golden = DATA / ("site_" + path.replace("/", "_"))
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_bytes(blob)
    assert blob == golden.read_bytes()


def test_atom_parses_back() -> None:
    files = build(base_url="https://example.org/tracker/")
    all_ = feedparser.parse(files["feed.atom"])
    assert not all_.bozo and all_.version == "atom10"
    assert all_.feed.title == "AI copyright disputes at a glance"
    ids = [e.id for e in all_.entries]
    assert len(ids) == len(set(ids)) == 20  # 16 seeded events, 1 docket entry, 3 stories
    newest = all_.entries[0]
    assert newest.title == "AI suits pile up" and newest.link == "https://news.example/both"
    assert [t.term for t in newest.tags] == ["coda-v-openai", "nyt-v-openai"]  # once, both
    assert newest.summary == "Example · 2026-01-12: Two disputes & one story."
    coda = feedparser.parse(files["disputes/coda-v-openai.atom"])
    assert not coda.bozo and len(coda.entries) == 6
    assert [link.href for link in coda.feed.links] == [
        "https://example.org/tracker/disputes/coda-v-openai.atom",
        "https://example.org/tracker/disputes/coda-v-openai.html"]
    docket = coda.entries[1]
    assert docket.title.startswith("2026-01-09 · Entry 3") and docket.updated == \
        "2026-01-10T08:00:00Z"
    # without a base URL the feeds still parse, with URNs for ids and no self link
    bare = feedparser.parse(build()["feed.atom"])
    assert not bare.bozo and bare.feed.id == "urn:tracker:feed:all"
    assert "self" not in [link.rel for link in bare.feed.get("links", [])]
    # an event with no source and no page to link to carries its text as the content
    disputes, coverage = fixed_store()
    disputes[0].events.append(Event(date="2026-01-14", text="Unsourced note", recorded=STAMP))
    blob = site.build(disputes, coverage, as_of=date(2026, 1, 15))["feed.atom"].decode()
    [entry] = [e for e in blob.split("<entry>") if "Unsourced note" in e]
    assert "<link" not in entry and '<content type="text">2026-01-14: Unsourced note' in entry


def test_site_command_is_byte_stable(run: Run, seeded: Path, tmp_path: Path) -> None:
    out = tmp_path / "public"
    first = run("site", "-o", str(out), "--base-url", "https://example.org/t/")
    assert first.exit_code == 0, first.stderr
    files = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    assert files == [".tracker-site", "disputes/coda-v-openai.atom",
                     "disputes/coda-v-openai.html", "disputes/getty-v-stability.atom",
                     "disputes/getty-v-stability.html", "disputes/nyt-v-openai.atom",
                     "disputes/nyt-v-openai.html", "feed.atom", "index.html"]
    before = {f: (out / f).read_bytes() for f in files}
    mtimes = {f: (out / f).stat().st_mtime_ns for f in files}
    again = run("site", "-o", str(out), "--base-url", "https://example.org/t/")
    assert "wrote 0 file(s)" in again.stderr
    assert {f: (out / f).read_bytes() for f in files} == before
    assert {f: (out / f).stat().st_mtime_ns for f in files} == mtimes
    # a dispute removed: its page and feed go, the rest is rewritten only where it changed
    assert run("dispute", "remove", "getty-v-stability", "--yes").exit_code == 0
    third = run("site", "-o", str(out), "--base-url", "https://example.org/t/")
    assert "2 stale removed" in third.stderr
    assert not (out / "disputes/getty-v-stability.html").exists()
    index = (out / "index.html").read_text("utf-8")
    assert 'href="disputes/coda-v-openai.html"' in index and "feed.atom" in index


def test_site_bad_input(run: Run, seeded: Path, tmp_path: Path) -> None:
    result = run("site", "-o", str(tmp_path / "x"), "--base-url", "javascript:alert(1)")
    assert result.exit_code == 2 and "--base-url" in result.stderr
    assert not (tmp_path / "x").exists()
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    result = run("site", "-o", str(blocker))
    assert result.exit_code == 1 and "tracker: error: cannot write the site" in result.stderr


def test_site_never_overwrites_files_it_did_not_write(run: Run, seeded: Path,
                                                      tmp_path: Path) -> None:
    out = tmp_path / "public"
    (out / "disputes").mkdir(parents=True)
    (out / "index.html").write_text("<h1>my own page</h1>")
    (out / "disputes" / "nyt-v-openai.html").write_text("my notes")
    (out / "CNAME").write_text("example.org")
    result = run("site", "-o", str(out))
    assert result.exit_code == 2, result.stderr
    assert result.stderr.startswith("tracker: error: disputes/nyt-v-openai.html and 1 more")
    assert "not written by tracker; nothing was written" in result.stderr
    assert "hint: " in result.stderr
    assert sorted(p.name for p in out.rglob("*")) == ["CNAME", "disputes", "index.html",
                                                      "nyt-v-openai.html"]
    assert (out / "index.html").read_text() == "<h1>my own page</h1>"
    # with the user's pages moved away it writes, and leaves their other files alone
    (out / "index.html").unlink()
    (out / "disputes" / "nyt-v-openai.html").unlink()
    assert run("site", "-o", str(out)).exit_code == 0
    assert (out / "CNAME").read_text() == "example.org"
    # a file the tracker wrote is rewritten; one the user put in its place since is not
    again = run("site", "-o", str(out), "--title", "Another title")
    assert again.exit_code == 0 and "Another title" in (out / "index.html").read_text()
    (out / "feed.atom").unlink()
    (out / MANIFEST).write_text("index.html\n")  # an older run's list, without feed.atom
    (out / "feed.atom").write_text("theirs")
    assert run("site", "-o", str(out)).exit_code == 2
    assert (out / "feed.atom").read_text() == "theirs"


def test_hostile_text_is_inert_in_every_page_and_feed(run: Run, seeded: Path, db: Path,
                                                      tmp_path: Path) -> None:
    with open_store(db, write=True) as store:
        store.put_dispute(Dispute(slug="evil", title=HOSTILE_TITLE, status="filed",
                                  summary=HOSTILE_TITLE, events=[
                                      Event(date="2026-01-01", text=HOSTILE_TITLE, status="filed",
                                            source="javascript:alert(1)", note=HOSTILE_TITLE,
                                            recorded=STAMP, origin="https://d.example/f")]))
        store.put_articles([
            Article(url="https://evil.example/a", title=HOSTILE_TITLE + "\ufffe]]>",
                    outlet="<b>Evil</b>", summary="<script>x</script>\x00",
                    published="2026-01-02", links=[Link("evil", "match", [], STAMP)]),
            Article(url="javascript:alert(1)", title="bad link", published="2026-01-03",
                    links=[Link("evil", "match", [], STAMP)])])
    out = tmp_path / "public"
    assert run("site", "-o", str(out)).exit_code == 0
    pages = [p for p in out.rglob("*.html")]
    feeds = [p for p in out.rglob("*.atom")]
    assert len(pages) == len(feeds) == 5
    for path in pages:
        text = path.read_text("utf-8")
        page = parse(text)
        assert not {"script", "img", "iframe", "object", "embed", "base", "form"} & set(
            page.tags), path
        # one <link>: the page's own feed, for feed readers; it loads nothing
        assert page.tags.count("link") == 1
        feed = [v for t, k, v in page.attrs if t == "link" and k == "href"]
        assert feed in (["feed.atom"], [path.stem + ".atom"]) and ("link", "rel", "alternate") in \
            page.attrs
        assert not [a for a in page.attrs if (a[1] in ("src", "srcset", "action", "style")
                    and a[0] != "span") or a[1].startswith("on")], path
        assert "\x1b" not in text and "javascript:" not in " ".join(v for _, _, v in page.attrs)
        if path.name in ("index.html", "evil.html"):
            assert "<script>alert(1)</script>" in "".join(page.text), path
    for path in feeds:
        blob = path.read_bytes()
        parsed = feedparser.parse(blob)
        assert not parsed.bozo, (path, parsed.get("bozo_exception"))
        assert b"\x1b" not in blob and b"<script" not in blob and b"\xef\xbf\xbe" not in blob
        for e in parsed.entries:
            assert all(link.href.startswith("https://") for link in e.get("links", []))
    evil = feedparser.parse((out / "disputes/evil.atom").read_bytes())
    titles = [e.title for e in evil.entries]
    assert any(t.startswith("<script>alert(1)</script> [bold red]loud[/]") for t in titles)
    assert "bad link" in titles  # shown, without a link
