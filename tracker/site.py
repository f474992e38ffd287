"""`tracker site`: the tracker as a static site a newsroom can publish, and feeds readers
can subscribe to.

    index.html              the overview of every dispute
    feed.atom               Atom: new events and coverage of every dispute
    disputes/<slug>.html    the case report of one dispute
    disputes/<slug>.atom    Atom: new events and coverage of that dispute

Pages are self-contained (no scripts, nothing loaded from elsewhere). Feeds carry only
text (every title and summary is type="text", escaped), and are byte-identical between
runs when nothing changed: no generation time, entries in a stable order, each entry's
time the moment tracker first recorded it.
"""

from __future__ import annotations

import hashlib
import html
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timezone
from pathlib import Path
from urllib.parse import quote

from tracker import overview, report
from tracker.digest import when
from tracker.models import Article, Dispute, Event
from tracker.report import DEFAULT_WEEKS, article_date, plain, safe_url

FEED_ENTRIES = 50  # the newest entries a feed carries
MANIFEST = ".tracker-site"  # the files the last run wrote, so a later run can drop stale ones
EPOCH = "1970-01-01T00:00:00Z"
_NOT_XML = re.compile("[\ufffe\uffff\ud800-\udfff]")


def xml(text: object) -> str:
    """Stored text for XML: inert, on one line, without characters XML 1.0 forbids, escaped."""
    return html.escape(_NOT_XML.sub("", plain(text)), quote=True)


def rfc3339(stamp: str | None) -> str | None:
    """A stored timestamp as RFC 3339 in UTC ('2026-11-30T03:00:00Z'); None if unknown."""
    moment = when(stamp)
    if moment is None:
        return None
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _day_stamp(day: object) -> str | None:
    """A full date as the start of that day in UTC; None for a month, a year or nothing."""
    text = str(day)[:10] if day else ""
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return f"{text}T00:00:00Z"
    return None


@dataclass
class Entry:
    id: str
    title: str
    updated: str  # RFC 3339
    link: str | None
    summary: str
    categories: list[str]
    published: str | None = None
    author: str = ""


def event_id(d: Dispute, e: Event) -> str:
    """An event's stable id: its dispute and what it says, not where it sits in the list."""
    key = "\x1f".join([d.slug, str(e.date), e.text, e.status or "", e.source or ""])
    return f"urn:tracker:event:{d.slug}:{hashlib.sha256(key.encode()).hexdigest()[:16]}"


def event_entry(d: Dispute, e: Event, page: str | None, *, named: bool = True) -> Entry:
    what = f"{e.status}: " if e.status else ""
    text = e.text if len(e.text) <= 140 else e.text[:139].rstrip() + "…"
    summary = e.text + (" (unconfirmed)" if e.unconfirmed else "") + (
        f" Note: {e.note}" if e.note else "")
    return Entry(event_id(d, e), (f"{d.title} · " if named else "") + f"{e.date} · {what}{text}",
                 rfc3339(str(e.recorded)) or _day_stamp(e.date) or EPOCH,
                 safe_url(e.source) or page, f"{e.date}: {summary}", [d.slug],
                 _day_stamp(e.date), "")


def _first_link(a: Article, slugs: Sequence[str]) -> str:
    """When the article was first attached to one of `slugs` (RFC 3339)."""
    stamps = [s for link in a.links if link.dispute in slugs if (s := rfc3339(link.at))]
    return min(stamps, default=None) or rfc3339(a.first_seen) or EPOCH


def article_entry(a: Article, slugs: Sequence[str], updated: str | None = None) -> Entry:
    summary = f"{a.outlet} · {article_date(a)}" + (f": {a.summary}" if a.summary else "")
    return Entry(f"urn:tracker:article:{a.id}", a.title or a.url,
                 updated or _first_link(a, slugs), safe_url(a.url), summary,
                 [s for s in a.disputes() if s in slugs], _day_stamp(a.published), a.outlet)


def entries_for(disputes: Sequence[Dispute], coverage: dict[str, list[Article]],
                page: dict[str, str | None], limit: int = FEED_ENTRIES) -> list[Entry]:
    """The newest events and articles of `disputes`, newest first, each once."""
    slugs = [d.slug for d in disputes]
    out = [event_entry(d, e, page.get(d.slug), named=len(disputes) > 1)
           for d in disputes for _, e in report.shown(d)]
    articles = {a.id: a for s in slugs for a in coverage.get(s, [])}
    # Only the newest `limit` articles can make it into the feed: build just those.
    newest = sorted(((_first_link(a, slugs), a) for a in articles.values()),
                    key=lambda p: (p[0], _day_stamp(p[1].published) or "",
                                   f"urn:tracker:article:{p[1].id}"),
                    reverse=True)[:limit]
    out += [article_entry(a, slugs, updated) for updated, a in newest]
    out.sort(key=lambda e: (e.updated, e.published or "", e.id), reverse=True)
    return out[:limit]


def atom(*, feed_id: str, title: str, subtitle: str, entries: Sequence[Entry],
         self_url: str | None, page_url: str | None) -> str:
    """An Atom 1.0 document (RFC 4287) of `entries`."""
    updated = max((e.updated for e in entries), default=EPOCH)
    out = ['<?xml version="1.0" encoding="utf-8"?>',
           '<feed xmlns="http://www.w3.org/2005/Atom">',
           f"  <id>{xml(feed_id)}</id>",
           f'  <title type="text">{xml(title)}</title>',
           f'  <subtitle type="text">{xml(subtitle)}</subtitle>',
           f"  <updated>{updated}</updated>",
           "  <author><name>tracker</name></author>",
           '  <generator uri="https://github.com/tracker-ai-copyright/tracker">tracker'
           "</generator>"]
    if self_url:
        out.append(f'  <link rel="self" type="application/atom+xml" href="{xml(self_url)}"/>')
    if page_url:
        out.append(f'  <link rel="alternate" type="text/html" href="{xml(page_url)}"/>')
    for e in entries:
        out += ["  <entry>", f"    <id>{xml(e.id)}</id>",
                f'    <title type="text">{xml(e.title)}</title>',
                f"    <updated>{e.updated}</updated>"]
        if e.published:
            out.append(f"    <published>{e.published}</published>")
        if e.author:
            out.append(f"    <author><name>{xml(e.author)}</name></author>")
        if e.link:
            out.append(f'    <link rel="alternate" href="{xml(e.link)}"/>')
        out += [f'    <category term="{xml(c)}"/>' for c in e.categories]
        # An entry without a link must carry its content (RFC 4287, 4.1.1.1).
        tag = "summary" if e.link else "content"
        out += [f'    <{tag} type="text">{xml(e.summary)}</{tag}>', "  </entry>"]
    out.append("</feed>")
    return "\n".join(out) + "\n"


def _nav(links: Sequence[tuple[str, str]]) -> str:
    return '<nav class="site">' + " · ".join(
        f'<a href="{html.escape(href, quote=True)}">{html.escape(label)}</a>'
        for label, href in links) + "</nav>\n"


def _feed_link(href: str) -> str:
    """Where feed readers given the page find its feed (nothing is loaded from it)."""
    return (f'<link rel="alternate" type="application/atom+xml" title="Atom feed" '
            f'href="{html.escape(href, quote=True)}">\n')


def _absolute(base: str | None, path: str) -> str | None:
    return None if base is None else base.rstrip("/") + "/" + path


def build(disputes: Sequence[Dispute], coverage: dict[str, list[Article]], *, as_of: date,
          base_url: str | None = None, weeks: int = DEFAULT_WEEKS,
          title: str = overview.DEFAULT_TITLE) -> dict[str, bytes]:
    """Every file of the site, by its path inside the output directory."""
    files: dict[str, str] = {}
    pages = {d.slug: f"disputes/{quote(d.slug)}.html" for d in disputes}
    absolute = {slug: _absolute(base_url, path) for slug, path in pages.items()}
    ov = overview.build(disputes, coverage, as_of=as_of, weeks=weeks)
    files["index.html"] = overview.html_page(
        ov, title=title, page=pages.get,
        nav=_nav([("Subscribe to every dispute (Atom)", "feed.atom")]),
        head=_feed_link("feed.atom"))
    files["feed.atom"] = atom(
        feed_id=_absolute(base_url, "feed.atom") or "urn:tracker:feed:all",
        title=title, subtitle="New events and coverage of every dispute",
        entries=entries_for(disputes, coverage, absolute),
        self_url=_absolute(base_url, "feed.atom"), page_url=_absolute(base_url, "index.html"))
    for d in disputes:
        found = report.newest_first(coverage.get(d.slug, []))
        files[pages[d.slug]] = report.html_report(
            d, found, as_of=as_of.isoformat(),
            nav=_nav([("← All disputes", "../index.html"),
                      ("Subscribe to this dispute (Atom)", f"{quote(d.slug)}.atom")]),
            head=_feed_link(f"{quote(d.slug)}.atom"))
        feed_path = f"disputes/{quote(d.slug)}.atom"
        files[feed_path] = atom(
            feed_id=_absolute(base_url, feed_path) or f"urn:tracker:feed:{d.slug}",
            title=d.title, subtitle=f"New events and coverage: {d.title}",
            entries=entries_for([d], coverage, absolute),
            self_url=_absolute(base_url, feed_path), page_url=absolute[d.slug])
    return {path: text.encode("utf-8") for path, text in files.items()}


def check_base_url(url: str) -> str:
    from tracker.urls import check_url

    return check_url(url, what="--base-url")


def manifest(files: dict[str, bytes]) -> bytes:
    return ("".join(f"{path}\n" for path in sorted(files))).encode("utf-8")


def stale(previous: bytes, files: dict[str, bytes]) -> list[str]:
    """Files an earlier run wrote that this one does not (a dispute removed since)."""
    listed = previous.decode("utf-8", "replace").splitlines()
    return [p for p in listed if p and p not in files and ".." not in p.split("/")
            and not p.startswith("/")]


def foreign(out: Path, previous: bytes, files: dict[str, bytes]) -> list[str]:
    """Files of the site already in `out` that no earlier run wrote (the user's own page):
    writing would lose them. One with the very bytes the site would write loses nothing."""
    listed = set(previous.decode("utf-8", "replace").splitlines())
    return [p for p in sorted(files) if p not in listed and (out / p).exists()
            and not ((out / p).is_file() and (out / p).read_bytes() == files[p])]


@dataclass
class Published:
    written: list[str]
    unchanged: list[str]
    removed: list[str]


def publish(out: Path, files: dict[str, bytes]) -> Published:
    """Write the site into `out`: each file atomically and only if its bytes changed (so
    an unchanged feed keeps its modification time), then drop the files an earlier run
    wrote that are no longer part of the site. Refuses, changing nothing, if that would
    overwrite a file no earlier run wrote (listed in MANIFEST)."""
    from tracker.errors import ConflictError, StoreError, TrackerError
    from tracker.storage import atomic_write

    done = Published([], [], [])
    try:
        previous = (out / MANIFEST).read_bytes() if (out / MANIFEST).exists() else b""
        theirs = foreign(out, previous, files)
        if theirs:
            more = f" and {len(theirs) - 1} more" if len(theirs) > 1 else ""
            raise ConflictError(
                f"{theirs[0]}{more} in {out} {'were' if more else 'was'} not written by "
                "tracker; nothing was written",
                hint="give -o a new or empty directory, or move those files away")
        (out / "disputes").mkdir(parents=True, exist_ok=True)
        for path, blob in sorted({**files, MANIFEST: manifest(files)}.items()):
            target = out / path
            if target.exists() and target.read_bytes() == blob:
                done.unchanged.append(path)
                continue
            atomic_write(target, blob, backup=False)
            done.written.append(path)
        for path in stale(previous, files):
            if (out / path).is_file():
                (out / path).unlink()
                done.removed.append(path)
    except OSError as exc:
        raise TrackerError(f"cannot write the site to {out}: {exc.strerror or exc}") from None
    except StoreError as exc:  # an output file, not the store: no store exit code
        raise TrackerError(exc.message) from None
    return done

