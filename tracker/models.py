"""The domain: disputes, parties, forums, events, articles, feeds, and their rules.

Plain dataclasses that convert to and from the JSON-ready dicts kept in the store and
written by `export`. Nothing here knows about TinyDB, typer or rich.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from tracker import dates
from tracker.errors import InputError
from tracker.urls import short_id

# Controlled vocabularies. The order of STATUSES is the usual life of a dispute.
STATUSES: dict[str, str] = {
    "demand-sent": "a demand or request was sent; no proceedings yet",
    "investigation": "a regulator or body is investigating",
    "filed": "proceedings were started (complaint or claim filed)",
    "motion-to-dismiss": "a motion to dismiss (or strike out) is pending",
    "discovery": "pretrial discovery / disclosure",
    "summary-judgment": "summary judgment motions are pending",
    "trial": "at trial",
    "judgment": "a judgment or decision was given",
    "appeal": "on appeal",
    "settled": "settled by the parties",
    "dismissed": "dismissed by the court or body",
    "withdrawn": "withdrawn or voluntarily dismissed by the claimant",
    "closed": "over, for another reason",
}
KINDS: dict[str, str] = {
    "lawsuit": "court proceedings",
    "demand-letter": "a demand or request to a company, outside court",
    "regulatory-action": "a complaint to, or action by, a regulator",
    "arbitration": "arbitration or mediation",
    "other": "anything else",
}
ROLES: dict[str, str] = {
    "claimant": "brings the dispute (plaintiff, claimant, complainant)",
    "respondent": "the dispute is brought against them (defendant, respondent)",
    "member": "a member represented by a claimant body (e.g. a studio in a trade body)",
    "intervenor": "joined the proceedings",
    "amicus": "friend of the court",
    "regulator": "the body deciding or investigating",
    "other": "anyone else involved",
}
ROLE_TITLES: dict[str, str] = {
    "claimant": "Claimants",
    "member": "Members represented",
    "respondent": "Respondents",
    "intervenor": "Intervenors",
    "amicus": "Amici",
    "regulator": "Regulators",
    "other": "Others involved",
}
PARTY_KINDS = ("company", "trade-body", "person", "government", "other")
RELATIONS: dict[str, str] = {
    "consolidated-into": "this case was consolidated into the other (e.g. an MDL)",
    "consolidates": "the other case was consolidated into this one",
    "appeal-of": "this is an appeal of the other",
    "parallel": "a parallel case (other forum, same facts)",
    "refiled-as": "this case was dismissed and refiled as the other",
    "related": "related in another way",
}
# Which side of a dispute a role stands on, for matching coverage.
CLAIMANT_ROLES = frozenset({"claimant", "member"})
RESPONDENT_ROLES = frozenset({"respondent"})

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_DATE_RE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def suggest(value: str, choices: Iterable[str]) -> str | None:
    """The closest of `choices` to a mistyped `value`, or None."""
    import difflib  # only when a value is refused

    found = difflib.get_close_matches(value, list(choices), n=1, cutoff=0.5)
    return found[0] if found else None


def _choice(value: str, choices: Iterable[str], what: str) -> str:
    """Normalise `value` (case, spaces, underscores) and check it is one of `choices`."""
    options = list(choices)
    norm = re.sub(r"[\s_]+", "-", value.strip().lower())
    if norm in options:
        return norm
    close = suggest(norm, options)
    hint = f"did you mean '{close}'? " if close else ""
    raise InputError(
        f"unknown {what} '{value}'", hint=f"{hint}choose one of: {', '.join(options)}"
    )


def check_status(value: str) -> str:
    return _choice(value, STATUSES, "status")


def check_kind(value: str) -> str:
    return _choice(value, KINDS, "kind")


def check_role(value: str) -> str:
    return _choice(value, ROLES, "role")


def check_party_kind(value: str) -> str:
    return _choice(value, PARTY_KINDS, "party kind")


def check_relation(value: str) -> str:
    return _choice(value, RELATIONS, "relation")


def check_slug(value: str) -> str:
    if not SLUG_RE.match(value) or len(value) > 80:
        raise InputError(
            f"invalid slug '{value}'",
            hint="use lower-case letters, digits and single hyphens, e.g. 'nyt-v-openai'",
        )
    return value


def slugify(text: str) -> str:
    """A slug from a title: 'Getty Images v. Stability AI' -> 'getty-images-v-stability-ai'."""
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug[:80].rstrip("-")


def check_date(value: str) -> dates.PartialDate:
    """A typed-in date: YYYY, YYYY-MM or YYYY-MM-DD (courts and press often give only a
    month), as the range of days it covers; InputError for anything else."""
    if _DATE_RE.match(value.strip()):
        try:
            return dates.PartialDate.parse(value)
        except ValueError:  # no such month or day
            pass
    raise InputError(
        f"invalid date '{value}'", hint="use YYYY-MM-DD (or YYYY-MM / YYYY when less is known)"
    )


def parse_since(value: str) -> dates.PartialDate | datetime:
    """A --since value: a date YYYY-MM-DD (or YYYY-MM, YYYY), or a relative '7d', '2w',
    '12h' as the UTC moment that long ago."""
    m = re.fullmatch(r"\s*(\d+)\s*([hdw])\s*", value)
    if m:
        from datetime import timedelta

        amount, unit = int(m[1]), m[2]
        try:
            delta = {"h": timedelta(hours=amount), "d": timedelta(days=amount)}.get(
                unit, timedelta(weeks=amount)
            )
            return (now() - delta).replace(microsecond=0)
        except OverflowError:  # reaching back past year 1
            raise InputError(f"invalid --since '{value}'", hint="that is too far back") from None
    try:
        return check_date(value)
    except InputError:
        raise InputError(f"invalid --since '{value}'",
                         hint="use YYYY-MM-DD, or 7d / 2w / 12h") from None


def now() -> datetime:
    """The current UTC time, to the microsecond (polls a second apart must be told apart)."""
    return datetime.now(timezone.utc)


def now_iso() -> str:
    return now().isoformat()


def now_stamp() -> dates.Stamp:
    """The current UTC time as the stamp records keep (`now_iso()`'s text)."""
    return dates.Stamp(now().isoformat())


def _dedupe(items: Iterable[str]) -> list[str]:
    seen: dict[str, None] = {}
    for item in items:
        item = item.strip()
        if item and item.casefold() not in {s.casefold() for s in seen}:
            seen[item] = None
    return list(seen)


@dataclass
class Forum:
    name: str
    jurisdiction: str = ""
    docket: str | None = None
    courtlistener_id: int | None = None
    note: str = ""
    judge: str = ""  # the judge assigned, as the court or CourtListener names them

    def label(self) -> str:
        parts = [self.name]
        if self.docket:
            parts.append(f"No. {self.docket}")
        return ", ".join(parts)


@dataclass
class Party:
    name: str
    role: str
    kind: str = "company"
    aliases: list[str] = field(default_factory=list)
    note: str = ""

    def names(self) -> list[str]:
        """The party's name and every alias, for matching."""
        return _dedupe([self.name, *self.aliases])

    def other_names(self) -> list[str]:
        """Aliases that are names, for display: 'NYT', 'iStock', 'スタジオジブリ' but not
        'Japanese anime studios' (aliases double as matching phrases). A word all in lower
        case makes a description, as the matcher decides too."""
        return [
            a for a in self.aliases
            if a.casefold() != self.name.casefold()
            and not any(word.islower() for word in a.split())
        ]


@dataclass
class Event:
    # In memory a date type (a range of days); text only in to_dict/from_dict (the store,
    # the export, --json). Text given here is read as the store's would be.
    date: dates.Day
    text: str
    status: str | None = None
    previous_status: str | None = None
    source: str | None = None
    unconfirmed: bool = False
    note: str = ""
    recorded: dates.Stamp = dates.UNSTAMPED  # when tracker recorded it (text as Event.date)
    origin: str = "manual"  # manual | seed | docket feed URL | CourtListener API URL
    # A docket feed's entry: its anchor ("entry-812", "minute-entry-4410") identifies the
    # event within its origin feed; the entry number and the filed document's link.
    entry: str | None = None
    number: int | None = None
    document: str | None = None
    muted: bool = False  # procedural noise (the [docket] mute list): kept, not shown

    def __post_init__(self) -> None:
        self.date = dates.stored(self.date)
        self.recorded = dates.stamp(self.recorded)

    @property
    def when(self) -> dates.PartialDate:
        """The date as a range of days (ValueError if the stored text is no date)."""
        if isinstance(self.date, dates.Unread):
            raise ValueError(f"not a date: {self.date.text!r}")
        return self.date

    def to_dict(self) -> dict[str, Any]:
        """The event as stored and exported: its date and stamp as text."""
        return {**vars(self), "date": str(self.date), "recorded": str(self.recorded)}


@dataclass
class Related:
    slug: str
    relation: str


@dataclass
class Dispute:
    slug: str
    title: str
    kind: str = "lawsuit"
    status: str = "filed"
    # When it was filed or began: a date type in memory (text in to_dict, as Event.date).
    started: dates.Day | None = None
    summary: str = ""
    forums: list[Forum] = field(default_factory=list)
    parties: list[Party] = field(default_factory=list)
    claims: list[str] = field(default_factory=list)
    works: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    notes: str = ""
    related: list[Related] = field(default_factory=list)
    match: dict[str, list[str]] = field(default_factory=lambda: {"include": [], "exclude": []})
    events: list[Event] = field(default_factory=list)
    created: dates.Stamp = dates.UNSTAMPED  # timestamps: text in to_dict, as started
    updated: dates.Stamp = dates.UNSTAMPED

    def __post_init__(self) -> None:
        name = "started"
        try:
            if self.started is not None:
                self.started = dates.stored(self.started)
            name = "created"
            self.created = dates.stamp(self.created)
            name = "updated"
            self.updated = dates.stamp(self.updated)
        except TypeError as exc:
            raise TypeError(f"{name}: {exc}") from None

    def timeline(self) -> list[Event]:
        """Events in date order, partial dates as ranges (`2026-11-01` before `2026-11`);
        stable for equal dates: the order they were recorded."""
        return sorted(self.events, key=lambda e: e.date)

    def shown_timeline(self) -> list[tuple[int, Event]]:
        """The timeline's events with their numbers, muted docket entries left out."""
        return [(n, e) for n, e in enumerate(self.timeline(), 1) if not e.muted]

    def status_history(self) -> list[Event]:
        return [e for e in self.timeline() if e.status]

    def settle_status(self, changed: Event | None = None) -> None:
        """Apply the rule of the status history after it changed: the status is that of
        the latest status event by date (equal dates: the one recorded last). Steps may be
        recorded in any order: the `changed` one and the one after it name the step
        before them; other recorded steps are left as they are."""
        history = self.status_history()
        if changed is not None and changed in history:
            at = next(i for i, e in enumerate(history) if e is changed)
            for i in (at, at + 1):
                if i < len(history):
                    history[i].previous_status = history[i - 1].status if i else None
        if history:
            self.status = str(history[-1].status)

    def parties_by_role(self) -> dict[str, list[Party]]:
        grouped: dict[str, list[Party]] = {}
        for role in ROLES:
            members = [p for p in self.parties if p.role == role]
            if members:
                grouped[role] = members
        return grouped

    def jurisdictions(self) -> list[str]:
        return _dedupe(f.jurisdiction for f in self.forums if f.jurisdiction)

    def find_party(self, name: str) -> Party | None:
        """The party called `name`; failing that, the one party with it as an alias.

        An alias shared by several parties names none of them: InputError saying which.
        """
        key = name.strip().casefold()
        exact = [p for p in self.parties if p.name.casefold() == key]
        if exact:
            return exact[0]
        known = [p for p in self.parties if key in (a.casefold() for a in p.aliases)]
        if len(known) > 1:
            raise InputError(
                f"'{name.strip()}' is an alias of {len(known)} parties: "
                + ", ".join(p.name for p in known),
                hint="give the party's full name",
            )
        return known[0] if known else None

    def to_dict(self) -> dict[str, Any]:
        """The dispute as stored and exported: plain JSON values, its dates as text.

        By hand rather than dataclasses.asdict (a tenth of the time): fresh lists and
        dicts all the way down, keys in field order as asdict gives them.
        """
        d = vars(self).copy()
        d["started"] = None if self.started is None else str(self.started)
        d["forums"] = [vars(f).copy() for f in self.forums]
        d["parties"] = [{**vars(p), "aliases": list(p.aliases)} for p in self.parties]
        for name in ("claims", "works", "tags"):
            d[name] = list(d[name])
        d["related"] = [vars(r).copy() for r in self.related]
        d["match"] = copy.deepcopy(self.match)
        d["events"] = [e.to_dict() for e in self.events]
        d["created"], d["updated"] = str(self.created), str(self.updated)
        return d

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Dispute:
        d = dict(data)
        d["forums"] = [Forum(**f) for f in d.get("forums", [])]
        d["parties"] = [Party(**p) for p in d.get("parties", [])]
        d["events"] = [_event(i, e) for i, e in enumerate(d.get("events", []))]
        d["related"] = [Related(**r) for r in d.get("related", [])]
        d["match"] = {"include": [], "exclude": [], **d.get("match", {})}
        return cls(**d)


def _event(i: int, data: dict[str, Any]) -> Event:
    """An event read from the store or an export: its date text becomes a date."""
    e = dict(data)
    for name, read in (("date", dates.stored), ("recorded", dates.stamp)):
        try:
            if name in e:
                e[name] = read(e[name])
        except TypeError as exc:
            raise TypeError(f"events[{i}].{name}: {exc}") from None
    return Event(**e)


@dataclass
class Link:
    """Why an article is attached to a dispute."""

    dispute: str
    how: str  # "manual" or "match"
    terms: list[str] = field(default_factory=list)
    at: str = ""  # text, as an article's dates (see Article); compared by instant_key


@dataclass
class Article:
    # Its dates stay text in memory, unlike a dispute's: some commands build 100,000
    # articles, and four dates.Stamp each would cost about half again of from_dict.
    # Every comparison of them goes through dates.instant_key (sort_key, --since).
    url: str
    title: str = ""
    outlet: str = ""
    published: str | None = None
    summary: str = ""
    language: str = ""
    links: list[Link] = field(default_factory=list)
    feeds: list[str] = field(default_factory=list)
    first_seen: str = ""
    updated: str = ""
    # A news-search item's publisher (its <source url>): that publisher's own copy of
    # the story takes over this article, which then moves to the copy's address.
    publisher: str = ""
    # What people type and see: 10 hex digits of the URL's SHA-1, longer in the rare case
    # that another stored URL already holds those (the store keeps ids unique). The
    # article's identity is its canonical `url`, never this id.
    id: str = ""

    def __post_init__(self) -> None:
        if not isinstance(self.url, str):  # the identity: a damaged record must not pass
            raise TypeError(f"url: expected text, found {type(self.url).__name__}")
        if not self.id:
            self.id = short_id(self.url)

    def disputes(self) -> list[str]:
        return [link.dispute for link in self.links]

    def link_for(self, slug: str) -> Link | None:
        return next((link for link in self.links if link.dispute == slug), None)

    def sort_key(self) -> str:
        """Its place in listings: when it was published (else first seen), as a UTC
        instant, so timestamps with other offsets or precisions compare rightly."""
        return dates.instant_key(self.published or self.first_seen)

    def to_dict(self) -> dict[str, Any]:
        # By hand rather than dataclasses.asdict: listings build tens of thousands of these.
        # The instance dict holds exactly the fields, in their order (no slots, no extras).
        d = vars(self).copy()
        d["links"] = [vars(link).copy() for link in self.links]
        d["feeds"] = list(self.feeds)
        return d

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Article:
        d = dict(data)
        d["links"] = [Link(**link) for link in d.get("links", [])]
        return cls(**d)



@dataclass
class Feed:
    """A subscribed RSS/Atom feed and what the last polls found."""

    url: str
    name: str = ""  # the user's name for it; `title` is what the feed calls itself
    title: str = ""
    site_url: str = ""
    kind: str = "news"  # "news": items become articles; "docket": items become events
    dispute: str | None = None  # the dispute a search or docket feed was made for
    enabled: bool = True
    etag: str | None = None
    last_modified: str | None = None
    body_hash: str | None = None
    last_polled: dates.Stamp | None = None  # timestamps: text in to_dict, as Event's
    last_status: str | None = None  # "ok", "not-modified", "error", "gone"
    last_error: str | None = None
    errors: int = 0  # consecutive failures
    entries: int = 0  # entries in the last parsed body
    dropped: int = 0  # items of the last parsed body without a usable link
    warning: str | None = None  # the parser's complaint about the last body, if any
    skipped_reason: str | None = None
    retry_after: dates.Stamp | None = None  # not tried again before this (backoff, Retry-After)
    added: dates.Stamp = dates.UNSTAMPED
    # What people type and see, as for articles: 10 hex digits of the URL's SHA-1, longer
    # when another stored feed already holds those, and kept when the feed moves. The
    # feed's identity is its `url`, never this id.
    id: str = ""

    def __post_init__(self) -> None:
        if not isinstance(self.url, str):  # the identity: a damaged record must not pass
            raise TypeError(f"url: expected text, found {type(self.url).__name__}")
        if not self.id:
            self.id = short_id(self.url)
        name = "added"  # spelt out, not a loop over names: a poll reads every feed
        try:
            self.added = dates.stamp(self.added)
            name = "last_polled"
            self.last_polled = dates.maybe_stamp(self.last_polled)
            name = "retry_after"
            self.retry_after = dates.maybe_stamp(self.retry_after)
        except TypeError as exc:
            raise TypeError(f"{name}: {exc}") from None

    def to_dict(self) -> dict[str, Any]:
        # By hand rather than dataclasses.asdict (15 µs a feed): every field is a scalar.
        d = vars(self).copy()
        d["added"] = str(self.added)
        if self.last_polled is not None:
            d["last_polled"] = str(self.last_polled)
        if self.retry_after is not None:
            d["retry_after"] = str(self.retry_after)
        return d

    def record(self) -> dict[str, Any]:
        """The feed as `feed list --json` and the export give it: its fields, id included."""
        return self.to_dict()

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Feed:
        return cls(**data)
