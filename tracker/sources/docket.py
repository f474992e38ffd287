"""CourtListener docket feeds: each docket entry becomes one timeline event.

Every entry of a docket links to the same page; only the anchor (#entry-812,
#minute-entry-4410) tells them apart, so the anchor, never the page address, identifies
the event within its feed. `published` is midnight US/Pacific of the filing date: the
event's date is that calendar date. An entry whose text changes updates its event;
entries on the [docket] mute list are kept, marked muted, and not shown by default.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from tracker import dates
from tracker.models import Event, Feed
from tracker.sources.base import Kind, Working
from tracker.text import inert
from tracker.urls import host_of

if TYPE_CHECKING:
    from tracker.config import Config
    from tracker.fetching import Entry

TEXT_MAX = 500
DEFAULT_MUTE = ("pro hac vice", "notice of appearance", "appearance of counsel",
                "certificate of service", "corporate disclosure statement",
                "rule 7.1 statement", "notice of change of address")
_NUMBER = re.compile(r"(?:^|#|entry-)(\d+)\b")
_TITLE_NUMBER = re.compile(r"^Entry #(\d+)\b")
_COURTLISTENER_TITLE = re.compile(r"^(?:Entry #\d+|Minute entry from .+?) in ")
_DOCKET_PATH = re.compile(r"^/docket/\d+/(?:[^/]+/)?feed/?$")


def anchor(entry: Entry) -> str:
    """What identifies a docket entry: its link's anchor, else its id, else its link
    (without control characters: it is stored, and feed text is untrusted)."""
    for candidate in (entry.link, entry.guid):
        fragment = candidate.partition("#")[2]
        if fragment:
            return inert(fragment[:200])
    return inert((entry.guid or entry.link)[:500])


def number(entry: Entry, key: str) -> int | None:
    found = _TITLE_NUMBER.match(entry.title)
    if found is None and key.startswith("entry-"):
        found = _NUMBER.search(key)
    return int(found.group(1)) if found else None


def filing_date(published: str | None, fallback: str) -> str:
    """The calendar date in US/Pacific (CourtListener's midnight of the filing date)."""
    if not published:
        return fallback[:10]
    try:
        when = datetime.fromisoformat(published)
        from zoneinfo import ZoneInfo

        return when.astimezone(ZoneInfo("America/Los_Angeles")).date().isoformat()
    except (ValueError, KeyError, OSError, ImportError):  # no tz database: UTC's date
        return published[:10]  # midnight Pacific is the same day in UTC


def event_text(entry: Entry, n: int | None, key: str) -> str:
    """CourtListener's titles only repeat the case: "Entry #812: <description>".
    Other docket feeds keep their title."""
    if _COURTLISTENER_TITLE.match(entry.title):
        what = f"Entry #{n}" if n is not None else "Minute entry"
    else:
        what = entry.title or "Docket entry"
    return f"{what}: {entry.summary}"[:TEXT_MAX] if entry.summary else f"{what} (no text)"


def muted(entry: Entry, mute: Sequence[str]) -> bool:
    text = f"{entry.title} {entry.summary}".casefold()
    return any(term.casefold() in text for term in mute if term.strip())


class Docket(Kind):
    name = "docket"
    help = "a CourtListener docket feed; each entry becomes a timeline event"

    def __init__(self, mute: Sequence[str] = DEFAULT_MUTE) -> None:
        self.mute = tuple(mute)

    @classmethod
    def from_config(cls, config: Config | None) -> Docket:
        mute = config.section("docket").get("mute", DEFAULT_MUTE) if config else DEFAULT_MUTE
        return cls([str(m) for m in mute])

    def claims(self, url: str) -> bool:
        from urllib.parse import urlsplit

        return host_of(url).endswith("courtlistener.com") and bool(
            _DOCKET_PATH.match(urlsplit(url).path))

    def decide(self, view: Working, feed: Feed, entries: Sequence[Entry],
               language: str) -> None:
        counts = view.plan.counts
        d = view.dispute(feed.dispute) if feed.dispute else None
        if d is None:
            counts.entries_seen += len(entries)  # a docket feed for no dispute: nothing to do
            return
        known = {e.entry: e for e in d.events if e.origin == feed.url and e.entry}
        legacy = [e for e in d.events if e.origin == feed.url and not e.entry]
        for entry in entries:
            if view.canonical(entry.link) is None:
                counts.entries_invalid += 1
                continue
            counts.entries_seen += 1
            key = anchor(entry)
            n = number(entry, key)
            fresh = Event(date=dates.stored(filing_date(entry.published, view.now)),
                          text=event_text(entry, n, key), source=entry.link,
                          recorded=dates.Stamp(view.now), origin=feed.url, entry=key, number=n,
                          document=entry.enclosure or None, muted=muted(entry, self.mute))
            event = known.get(key) or _adopt(legacy, entry)
            if event is None:
                known[key] = fresh
                view.record_event(d.slug, fresh, new=True)
            elif _differs(event, fresh):
                for name in ("date", "text", "source", "entry", "number", "document", "muted"):
                    setattr(event, name, getattr(fresh, name))
                known[key] = event
                view.record_event(d.slug, event, new=False)


def _differs(old: Event, new: Event) -> bool:
    return any(getattr(old, k) != getattr(new, k)
               for k in ("date", "text", "source", "entry", "number", "document", "muted"))


def _adopt(legacy: list[Event], entry: Entry) -> Event | None:
    """An event an older tracker recorded for this entry (titled as the entry, no anchor)."""
    for event in legacy:
        if event.text.startswith(entry.title):
            legacy.remove(event)
            return event
    return None
