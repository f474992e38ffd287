"""The news digest: what arrived in a window of time (coverage attached to a dispute, and
docket entries recorded from its docket feeds), grouped by dispute, and the store's read
marker that `tracker news` moves, so each morning shows what is new since the last look.

An item's time is when tracker attached or recorded it, not when it was published: a
story published last week and found this morning is news this morning. Windows are
given as people say them (`yesterday`, `today`, a date, `7d`, `12h`) and read in local
time. Rendering as plain text (the terminal and cron's mail) and Markdown is here too;
it never knows about rich or typer.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from typing import TYPE_CHECKING, Any

from tracker import models
from tracker.errors import InputError
from tracker.models import Article, Dispute, Event
from tracker.report import link_label, md, md_link, plain, safe_url

if TYPE_CHECKING:
    from tracker.storage import Store

MARKER = "news"  # the store's meta record holding the read marker
SINCE_MARKER = "since you last looked"
NOT_NEWS = frozenset({"manual", "seed"})  # events typed in or shipped are not news


def local_tz() -> tzinfo:
    """The machine's time zone, where 'yesterday' and 'today' are meant."""
    zone = datetime.now().astimezone().tzinfo
    return zone or timezone.utc


# -- windows ----------------------------------------------------------------------------


@dataclass
class Window:
    """Items that arrived after `since` (None: ever) up to and including `until`."""

    since: datetime | None
    until: datetime
    how: str  # what the window is, in words: "since you last looked", "yesterday" ...

    def holds(self, moment: datetime) -> bool:
        return (self.since is None or moment > self.since) and moment <= self.until


_RELATIVE = re.compile(r"\s*(\d+)\s*([hdw])\s*")


def _day(text: str, today: date) -> date | None:
    word = text.strip().lower()
    if word == "today":
        return today
    if word == "yesterday":
        return today - timedelta(days=1)
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", word):
        try:
            return date.fromisoformat(word)
        except ValueError:
            return None
    return None


def _midnight(day: date, tz: tzinfo) -> datetime:
    return datetime.combine(day, time(0), tzinfo=tz)


def moment(text: str, option: str, *, end: bool, at: datetime, tz: tzinfo) -> datetime:
    """A point in time as people give it: 'yesterday', 'today', a date (the start of
    that day, or with `end` the start of the next), '7d' / '12h' / '2w' before `at`,
    or a timestamp (local time unless it names its offset)."""
    today = at.astimezone(tz).date()
    day = _day(text, today)
    if day is not None:
        return _midnight(day + timedelta(days=1 if end else 0), tz)
    m = _RELATIVE.fullmatch(text)
    try:
        if m:
            amount, unit = int(m[1]), m[2]
            return at - {"h": timedelta(hours=amount), "d": timedelta(days=amount),
                         "w": timedelta(weeks=amount)}[unit]
        stamp = datetime.fromisoformat(text.strip())
    except (ValueError, OverflowError):
        raise InputError(f"invalid {option} '{text}'", hint="use yesterday, today, a date "
                         "(2026-11-30), 7d / 12h / 2w, or a time (2026-11-30T08:00)") from None
    return stamp if stamp.tzinfo else stamp.replace(tzinfo=tz)


def window(*, since: str | None = None, until: str | None = None, on: str | None = None,
           marker: datetime | None = None, default_days: int = 7,
           at: datetime | None = None, tz: tzinfo | None = None) -> Window:
    """The window asked for; with none of since/until/on, since the read `marker` (or
    the last `default_days` days when nothing was read yet)."""
    try:  # the window, and the day's margin the store is asked with, must be dates
        win = _window(since=since, until=until, on=on, marker=marker,
                      default_days=default_days, at=at, tz=tz)
        if win.since is not None:
            win.since - timedelta(days=2)
        return win
    except OverflowError:
        raise InputError("a date of the window is out of range",
                         hint="give dates nearer today") from None


def _window(*, since: str | None, until: str | None, on: str | None,
            marker: datetime | None, default_days: int, at: datetime | None,
            tz: tzinfo | None) -> Window:
    at = at or models.now()
    tz = tz or local_tz()
    if on is not None:
        if since or until:
            raise InputError("--on cannot be combined with --since or --until")
        day = _day(on, at.astimezone(tz).date())
        if day is None:
            raise InputError(f"invalid --on '{on}'", hint="use yesterday, today or a date "
                             "(2026-11-30)")
        label = on.strip().lower() if on.strip().lower() in ("today", "yesterday") else \
            f"on {day.isoformat()}"
        return Window(_midnight(day, tz) - timedelta(microseconds=1),
                      min(_midnight(day + timedelta(days=1), tz) - timedelta(microseconds=1),
                          at), label)
    if since is None and until is None:
        if marker is not None:
            return Window(marker, at, SINCE_MARKER)
        return Window(at - timedelta(days=default_days), at, f"in the last {default_days} "
                      "days (your first look)")
    start = moment(since, "--since", end=False, at=at, tz=tz) if since else None
    end = moment(until, "--until", end=True, at=at, tz=tz) if until else at
    if until and end != at:
        end -= timedelta(microseconds=1)  # the end of that day, not the next one's start
    if start is not None:
        start -= timedelta(microseconds=1)  # an item at exactly `since` is in
        if start >= end:
            raise InputError("--since must be before --until")
    return Window(start, min(end, at), "chosen")


# -- the digest ---------------------------------------------------------------------------


@dataclass
class Item:
    """A story attached to a dispute, or a docket entry recorded for it."""

    kind: str  # "article" or "event"
    arrived: datetime
    day: str  # published or filed (as recorded; may be a month or year)
    title: str
    url: str | None
    outlet: str = ""
    article: Article | None = None
    event: Event | None = None


@dataclass
class Group:
    dispute: Dispute
    items: list[Item] = field(default_factory=list)

    @property
    def articles(self) -> list[Item]:
        return [i for i in self.items if i.kind == "article"]

    @property
    def events(self) -> list[Item]:
        return [i for i in self.items if i.kind == "event"]


@dataclass
class Digest:
    window: Window
    groups: list[Group]
    tz: tzinfo
    muted: int = 0  # docket entries in the window that the mute list hides
    # Set by the review queue (issue 15) when matches wait for a decision; shown as a line.
    await_review: int | None = None
    marker_moved: bool = False

    @property
    def stories(self) -> int:
        return len({i.article.id for g in self.groups for i in g.items if i.article})

    @property
    def entries(self) -> int:
        return sum(len(g.events) for g in self.groups)

    def empty(self) -> bool:
        return not self.groups


def when(text: str | None) -> datetime | None:
    """A stored timestamp as an aware datetime (UTC if it names no offset); None if bad."""
    if not text:
        return None
    try:
        stamp = datetime.fromisoformat(str(text).replace("Z", "+00:00"))
    except ValueError:
        return None
    return stamp if stamp.tzinfo else stamp.replace(tzinfo=timezone.utc)


def is_docket(e: Event) -> bool:
    return bool(e.origin) and e.origin not in NOT_NEWS


def build(disputes: Iterable[Dispute], articles: Iterable[Article], win: Window,
          tz: tzinfo | None = None) -> Digest:
    """The items that arrived in `win`, by dispute (slug order), newest first in each."""
    groups = {d.slug: Group(d) for d in disputes}
    muted = 0
    for a in articles:
        for link in a.links:
            arrived = when(link.at)
            if arrived is None or not win.holds(arrived) or link.dispute not in groups:
                continue
            groups[link.dispute].items.append(Item(
                "article", arrived, (a.published or a.first_seen)[:10], a.title or a.url,
                a.url, a.outlet, article=a))
    for g in groups.values():
        for e in g.dispute.events:
            arrived = when(str(e.recorded))
            if not is_docket(e) or arrived is None or not win.holds(arrived):
                continue
            if getattr(e, "muted", False):
                muted += 1
                continue
            number = getattr(e, "number", None)  # a docket entry's number and document,
            document = getattr(e, "document", None)  # where its feed gives them
            title = e.text if not number or f"{number}" in e.text[:40] else \
                f"No. {number}: {e.text}"
            g.items.append(Item("event", arrived, str(e.date), title,
                                safe_url(document) or e.source, "docket", event=e))
    for g in groups.values():
        g.items.sort(key=lambda i: (i.day, i.arrived, i.kind == "event"), reverse=True)
    return Digest(win, [g for g in groups.values() if g.items], tz or local_tz(), muted)


# -- rendering ------------------------------------------------------------------------------


def _stamp(moment: datetime | None, tz: tzinfo) -> str:
    if moment is None:
        return "the start"
    return (moment + timedelta(microseconds=1) if moment.microsecond == 999999 else moment
            ).astimezone(tz).strftime("%Y-%m-%d %H:%M")


def _plural(n: int, word: str) -> str:
    if n == 1:
        return f"{n} {word}"
    return f"{n} {word[:-1]}ies" if word.endswith("y") else f"{n} {word}s"


def headline(d: Digest) -> str:
    """One line saying what the digest holds and for when."""
    span = f"{_stamp(d.window.since, d.tz)} to {_stamp(d.window.until, d.tz)}"
    if d.window.how == "this poll":
        span = "in this poll"
    elif d.window.how != "chosen":
        span = f"{d.window.how}: {span}"
    if d.empty():
        return f"Nothing new {span}."
    what = [_plural(d.stories, "story")] if d.stories else []
    if d.entries:
        what.append(_plural(d.entries, "docket entry"))
    return (f"{' and '.join(what)} in {_plural(len(d.groups), 'dispute')}, {span}")


def footnotes(d: Digest) -> list[str]:
    notes = []
    if d.muted:
        notes.append(f"{_plural(d.muted, 'muted docket entry')} not shown.")
    if d.await_review:
        notes.append(f"{d.await_review} await review.")
    return notes


def _item_line(i: Item) -> str:
    what = "docket" if i.kind == "event" else (i.outlet or link_label(i.url or ""))
    return f"{plain(i.day)} · {plain(what)} · {plain(i.title)}"


def text_lines(d: Digest) -> list[tuple[str, str]]:
    """The digest as (style, line) pairs: plain text for the terminal and cron's mail,
    every stored text made inert; the style is a hint the terminal may use."""
    out = [("bold", headline(d))]
    for g in d.groups:
        dsp = g.dispute
        out += [("", ""), ("bold", f"{plain(dsp.title)} · {plain(dsp.status)} · {dsp.slug}")]
        for i in g.items:
            out.append(("", "  " + _item_line(i)))
            link = safe_url(i.url)
            if link:
                out.append(("dim", "    " + link))
    notes = footnotes(d)
    if notes:
        out += [("", ""), *(("dim", n) for n in notes)]
    return out


def markdown(d: Digest) -> str:
    """The digest as Markdown, to mail or paste."""
    out = [f"# News: {md(headline(d))}", ""]
    for g in d.groups:
        dsp = g.dispute
        out += [f"## {md(dsp.title)} (`{md(dsp.slug)}`, {md(dsp.status)})", ""]
        for i in g.items:
            what = "**docket**" if i.kind == "event" else md(i.outlet or link_label(i.url or ""))
            out.append(f"- {md(i.day)} · {what} · {md_link(i.title, i.url)}")
        out.append("")
    for note in footnotes(d):
        out += [f"_{md(note)}_", ""]
    return "\n".join(out)


def to_dict(d: Digest, article_row: Any) -> dict[str, Any]:
    """The digest as JSON-ready data; `article_row` renders an article the way every
    other command's JSON does."""

    def iso(m: datetime | None) -> str | None:
        return None if m is None else m.astimezone(timezone.utc).isoformat()

    def event_row(i: Item) -> dict[str, Any]:
        assert i.event is not None
        return {**i.event.to_dict(), "arrived": iso(i.arrived)}

    return {
        "since": iso(d.window.since), "until": iso(d.window.until), "window": d.window.how,
        "marker_moved": d.marker_moved, "stories": d.stories, "docket_entries": d.entries,
        "muted": d.muted, "await_review": d.await_review,
        "disputes": [{"slug": g.dispute.slug, "title": g.dispute.title,
                      "status": g.dispute.status,
                      "articles": [{**article_row(i.article), "arrived": iso(i.arrived)}
                                   for i in g.articles],
                      "events": [event_row(i) for i in g.events]} for g in d.groups],
    }


def read_marker(meta: dict[str, Any]) -> datetime | None:
    return when(meta.get("read_until"))


def marker_record(until: datetime) -> dict[str, Any]:
    return {"read_until": until.astimezone(timezone.utc).isoformat()}


def news(store: Store, *, since: str | None = None, until: str | None = None,
         on: str | None = None, mark: bool = True, default_days: int = 7,
         at: datetime | None = None, tz: tzinfo | None = None) -> Digest:
    """What `tracker news` shows. Without since/until/on it is what is new since the
    read marker, and (with `mark`) the marker moves to now, so the next look starts
    there. The marker lives in the store's meta, so every backend keeps it; a window
    asked for explicitly leaves it alone. Run it in a write session when it may mark.

    Polls stamp what they attach when they merge it; `tracker news` moves the marker
    only while it holds the poll lock, so no poll is between stamping and writing, and
    nothing merged after the marker can carry a time before it.
    """
    explicit = since is not None or until is not None or on is not None
    win = window(since=since, until=until, on=on, marker=read_marker(store.meta(MARKER)),
                 default_days=default_days, at=at, tz=tz)
    digest = build(store.disputes(), _arrived(store, win), win, tz)
    digest.await_review = _awaiting(store)
    # With nothing new a set marker may stay: nothing lies between it and now, and a
    # look that finds nothing then costs no store write.
    if mark and not explicit and not (digest.empty() and win.how == SINCE_MARKER):
        store.set_meta(MARKER, marker_record(win.until))
        digest.marker_moved = True
    return digest


def since_poll(store: Store, started: str, tz: tzinfo | None = None) -> Digest:
    """What a poll that began at `started` attached and recorded (for `poll --quiet`)."""
    begin = when(started) or models.now()
    win = Window(begin - timedelta(microseconds=1), models.now(), "this poll")
    digest = build(store.disputes(), _arrived(store, win), win, tz)
    digest.await_review = _awaiting(store)
    return digest


def _awaiting(store: Store) -> int:
    from tracker.review import awaiting  # the review queue (issue 15)

    return awaiting(store)


def _arrived(store: Store, win: Window) -> list[Article]:
    """The articles with a link that may have arrived in `win`, narrowed by the store (an
    index on a database) with a day's margin for stamps in other offsets; build() then
    decides exactly. Without a start, every article."""
    if win.since is None:
        return store.articles()
    from tracker.storage import ArticleQuery

    floor = (win.since.astimezone(timezone.utc) - timedelta(days=1)).date().isoformat()
    return store.find_articles(ArticleQuery(linked_since=floor))

