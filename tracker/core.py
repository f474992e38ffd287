"""What the commands do: the rules for recording disputes, parties, events and articles.

Functions take an open Store and plain values, check them, change the records and
return what the CLI shows. They raise TrackerError subclasses; they never print.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tracker import dates, models, paths
from tracker.errors import ConflictError, InputError, NotFoundError
from tracker.models import (
    Article,
    Dispute,
    Event,
    Feed,
    Forum,
    Link,
    Party,
    Related,
    now_iso,
)
from tracker.paths import Location
from tracker.seed import seed_disputes
from tracker.storage import ArticleQuery, Store, create_store, describe
from tracker.urls import check_url, host_of, normalise_url

# The largest integer every JSON reader keeps exactly (and far beyond any real docket id).
MAX_DOCKET_ID = 2**53 - 1

# -- disputes -------------------------------------------------------------------------------


def get_dispute(store: Store, slug: str) -> Dispute:
    """The dispute with this slug, or NotFoundError suggesting the closest one."""
    dispute = store.dispute(slug)
    if dispute is None:
        close = models.suggest(slug, store.slugs())
        hint = f"did you mean '{close}'?" if close else "see 'tracker dispute list'"
        raise NotFoundError(f"no dispute '{slug}'", hint=hint)
    return dispute


@dataclass
class DisputeFilter:
    status: str | None = None
    party: str | None = None
    tag: str | None = None
    jurisdiction: str | None = None
    kind: str | None = None

    def accepts(self, d: Dispute) -> bool:
        if self.status and d.status != models.check_status(self.status):
            return False
        if self.kind and d.kind != models.check_kind(self.kind):
            return False
        if self.tag and self.tag.casefold() not in (t.casefold() for t in d.tags):
            return False
        if self.jurisdiction and self.jurisdiction.casefold() not in (
            j.casefold() for j in d.jurisdictions()
        ):
            return False
        if self.party:
            needle = self.party.casefold()
            names = (n.casefold() for p in d.parties for n in p.names())
            if not any(needle in n for n in names):
                return False
        return True


def list_disputes(store: Store, flt: DisputeFilter | None = None) -> list[Dispute]:
    flt = flt or DisputeFilter()
    # An unknown status or kind is an error, not an empty list.
    status = models.check_status(flt.status) if flt.status else None
    kind = models.check_kind(flt.kind) if flt.kind else None
    return [d for d in store.disputes(status=status, kind=kind) if flt.accepts(d)]


def now_stamp() -> dates.Stamp:
    """Now, as the stamp records keep (by way of now_iso, which tests may fix)."""
    return dates.Stamp(now_iso())


def _status_event(d: Dispute, status: str, date: dates.Day | str, text: str,
                  **extra: Any) -> Event:
    event = Event(
        date=dates.stored(date),
        text=text,
        status=status,
        previous_status=d.status if d.events else None,
        recorded=now_stamp(),
        **extra,
    )
    d.events.append(event)
    d.status = status
    return event


def check_new_slug(store: Store, slug: str) -> str:
    """A valid slug no dispute uses yet."""
    slug = models.check_slug(slug)
    if store.dispute(slug) is not None:
        raise ConflictError(
            f"a dispute '{slug}' already exists", hint="choose another --slug, or edit that one"
        )
    return slug


def add_dispute(
    store: Store,
    title: str,
    *,
    slug: str | None = None,
    kind: str = "lawsuit",
    status: str = "filed",
    started: str | None = None,
    summary: str = "",
    tags: Sequence[str] = (),
    claims: Sequence[str] = (),
    works: Sequence[str] = (),
    notes: str = "",
    source: str | None = None,
) -> Dispute:
    """Record a new dispute. Its first status is recorded as the first timeline event."""
    if not title.strip():
        raise InputError("a dispute needs a title")
    if not slug and not models.slugify(title):  # e.g. a title written in Japanese
        raise InputError(f"cannot make a slug from the title '{title.strip()}'",
                         hint="give one with --slug, e.g. --slug coda-v-openai")
    slug = models.check_slug(slug or models.slugify(title))
    if store.dispute(slug) is not None:
        raise ConflictError(
            f"a dispute '{slug}' already exists", hint="choose another --slug, or edit that one"
        )
    begun = check_status_date(slug, started) if started else None  # its first status
    stamp = now_stamp()
    dispute = Dispute(
        slug=slug,
        title=title.strip(),
        kind=models.check_kind(kind),
        status=models.check_status(status),
        started=begun,
        summary=summary,
        tags=_clean_list(tags),
        claims=_clean_list(claims),
        works=_clean_list(works),
        notes=notes,
        created=stamp,
        updated=stamp,
    )
    _status_event(
        dispute,
        dispute.status,
        begun or stamp.text[:10],
        f"Recorded with status '{dispute.status}'.",
        source=check_url(source) if source else None,
    )
    store.put_dispute(dispute)
    return dispute


def settle_new_dispute(d: Dispute, *, status_given: bool, stamp: str) -> None:
    """Fill in what a dispute written whole (a case file, an import) leaves implicit.

    Empty stamps take `stamp`; the status is the latest status event's, and each status
    event names the one before it; with no status event, the status is recorded as the
    first one (as `dispute add` does). InputError when a given status contradicts the
    timeline.
    """
    at = dates.Stamp(stamp)
    d.created = d.created or at
    d.updated = d.updated or at
    for e in d.events:
        e.recorded = e.recorded or at
    history = d.status_history()
    if not history:
        d.events.append(Event(date=dates.stored(d.started or stamp[:10]),
                              text=f"Recorded with status '{d.status}'.", status=d.status,
                              recorded=at))
        return
    latest = history[-1]
    if status_given and latest.status != d.status:
        raise InputError(
            f"status '{d.status}' is not the timeline's latest status '{latest.status}' "
            f"(event of {latest.date})",
            hint="leave out the status (the latest status event sets it), or fix the events",
        )
    d.status = latest.status or d.status
    previous: str | None = None
    for e in history:
        if e.previous_status is None:
            e.previous_status = previous
        previous = e.status


def _clean_list(items: Iterable[str]) -> list[str]:
    out: list[str] = []
    for item in items:
        for part in item.split(","):
            part = part.strip()
            if part and part not in out:
                out.append(part)
    return out


EDITABLE = ("title", "kind", "started", "summary", "notes")


def edit_dispute(
    store: Store,
    slug: str,
    *,
    changes: dict[str, str | None],
    add_tags: Sequence[str] = (),
    remove_tags: Sequence[str] = (),
    add_claims: Sequence[str] = (),
    add_works: Sequence[str] = (),
    include: Sequence[str] = (),
    exclude: Sequence[str] = (),
    new_slug: str | None = None,
) -> Dispute:
    """Change a dispute's descriptive fields. Status changes go through set_status."""
    d = get_dispute(store, slug)
    for name, value in changes.items():
        if value is None:
            continue
        if name not in EDITABLE:
            raise InputError(f"cannot edit '{name}'", hint=f"editable: {', '.join(EDITABLE)}")
        new: object = value
        if name == "kind":
            new = models.check_kind(value)
        elif name == "started":  # a date type, as Dispute keeps it (setattr skips its check)
            new = models.check_date(value)
        elif name == "title" and not value.strip():
            raise InputError("a dispute needs a title")
        setattr(d, name, new)
    drop = {t.casefold() for t in _clean_list(remove_tags)}
    d.tags = [t for t in _clean_list([*d.tags, *add_tags]) if t.casefold() not in drop]
    d.claims = _clean_list([*d.claims, *add_claims])
    d.works = _clean_list([*d.works, *add_works])
    d.match["include"] = _clean_list([*d.match.get("include", []), *include])
    d.match["exclude"] = _clean_list([*d.match.get("exclude", []), *exclude])
    if new_slug and new_slug != slug:
        _rename(store, d, models.check_slug(new_slug))
    d.updated = now_stamp()
    store.put_dispute(d)
    return d


def _rename(store: Store, d: Dispute, new_slug: str) -> None:
    if store.dispute(new_slug) is not None:
        raise ConflictError(f"a dispute '{new_slug}' already exists")
    old = d.slug
    store.delete_dispute(old)
    d.slug = new_slug
    for other in store.disputes():
        if any(r.slug == old for r in other.related):
            for r in other.related:
                if r.slug == old:
                    r.slug = new_slug
            store.put_dispute(other)
    changed = []
    for a in store.articles(linked_to=old):
        for link in a.links:
            if link.dispute == old:
                link.dispute = new_slug
                changed.append(a)
    store.put_articles(changed)
    feeds = [f for f in store.feeds() if f.dispute == old]  # search and docket feeds
    for f in feeds:
        f.dispute = new_slug
    store.put_feeds(feeds)


def remove_dispute(store: Store, slug: str) -> tuple[Dispute, int]:
    """Delete a dispute and every link to it. Articles stay (they may be relinked).

    Returns the dispute and how many articles lost their link to it.
    """
    d = get_dispute(store, slug)
    store.delete_dispute(slug)
    for other in store.disputes():
        kept = [r for r in other.related if r.slug != slug]
        if len(kept) != len(other.related):
            other.related = kept
            store.put_dispute(other)
    changed = []
    for a in store.articles(linked_to=slug):
        if a.link_for(slug):
            a.links = [link for link in a.links if link.dispute != slug]
            changed.append(a)
    store.put_articles(changed)
    return d, len(changed)


def set_status(
    store: Store,
    slug: str,
    status: str,
    *,
    date: str | None = None,
    note: str = "",
    source: str | None = None,
    text: str | None = None,
) -> Event:
    """Record a status change as a timeline event.

    Steps may come in any order (the current status first, then the earlier ones): the
    status is always the latest step by date. A step dated after today is refused.
    """
    d = get_dispute(store, slug)
    status = models.check_status(status)
    when = check_status_date(slug, date)
    history = d.status_history()
    if any(e.status == status and e.date == when for e in history):
        raise ConflictError(f"'{slug}' already has the step '{status}' on {when}")
    latest = not history or not when < history[-1].when
    if latest and status == d.status and not text:
        raise InputError(f"'{slug}' already has status '{status}'")
    before = d.status
    event = Event(
        date=when,
        text=text or (f"Status changed from '{before}' to '{status}'." if latest
                      else f"Status: '{status}'."),
        status=status,
        recorded=now_stamp(),
        note=note,
        source=check_url(source, what="source URL") if source else None,
    )
    d.events.append(event)
    d.settle_status(event)
    d.updated = now_stamp()
    store.put_dispute(d)
    return event


def check_status_date(slug: str, date: str | dates.PartialDate | None) -> dates.PartialDate:
    """The date of a status change (today if not given); one after today is refused."""
    today = models.now().date()
    if isinstance(date, dates.PartialDate):
        when = date
    else:
        when = models.check_date(date) if date else dates.PartialDate.of(today)
    if when.after(today):
        raise InputError(
            f"a status change cannot be dated {when}, after today ({today.isoformat()})",
            hint=f"a status is what has happened; record a scheduled step as an event: "
                 f"tracker dispute event add {slug} 'Hearing on ...' --date {when}",
        )
    return when


def correct_status(store: Store, slug: str, status: str | None = None, *,
                   date: str | None = None) -> Event:
    """Correct the latest status change (a wrong status or date); the status follows."""
    d = get_dispute(store, slug)
    history = d.status_history()
    if not history:
        raise NotFoundError(f"'{slug}' has no status change to correct")
    event = history[-1]
    if status is None and date is None:
        raise InputError("say what to correct", hint="give the right status, --date, or both")
    if status is not None:
        event.status = models.check_status(status)
    if date is not None:
        event.date = check_status_date(slug, date)
    if event.text.startswith("Status changed from"):
        event.text = f"Status changed from '{event.previous_status}' to '{event.status}'."
    event.note = (event.note + " " if event.note else "") + f"Corrected {now_iso()[:10]}."
    d.settle_status(event)
    d.updated = now_stamp()
    store.put_dispute(d)
    return event


def add_event(
    store: Store,
    slug: str,
    text: str,
    *,
    date: str,
    source: str | None = None,
    note: str = "",
    unconfirmed: bool = False,
    status: str | None = None,
) -> Event:
    if not text.strip():
        raise InputError("an event needs a description")
    if status:
        return set_status(
            store, slug, status, date=date, note=note, source=source, text=text.strip()
        )
    d = get_dispute(store, slug)
    event = Event(
        date=models.check_date(date),
        text=text.strip(),
        source=check_url(source, what="source URL") if source else None,
        note=note,
        unconfirmed=unconfirmed,
        recorded=now_stamp(),
    )
    d.events.append(event)
    d.updated = now_stamp()
    store.put_dispute(d)
    return event


def remove_event(store: Store, slug: str, number: int) -> Event:
    """Remove the event shown as `number` in the timeline (1-based).

    Of the status changes only the latest can be removed (a wrong entry; the status
    falls back to the step before it), and never the only one: earlier steps are kept
    as history.
    """
    d = get_dispute(store, slug)
    event = _event_number(d, number)
    history = d.status_history()
    if event.status and (event is not history[-1] or len(history) == 1):
        why = "the only status change" if len(history) == 1 else "an earlier status change"
        raise InputError(
            f"event #{number} is {why} and is kept as history",
            hint="only the latest status change can be removed; correct one with "
                 f"'tracker dispute status {slug} STATUS --correct'",
        )
    d.events.remove(event)
    d.settle_status()
    d.updated = now_stamp()
    store.put_dispute(d)
    return event


def _event_number(d: Dispute, number: int) -> Event:
    timeline = d.timeline()
    if not 1 <= number <= len(timeline):
        raise NotFoundError(f"'{d.slug}' has no event #{number}",
                            hint=f"it has {len(timeline)}; see 'tracker dispute event list "
                                 f"{d.slug}'")
    return timeline[number - 1]


def edit_event(
    store: Store,
    slug: str,
    number: int,
    *,
    date: str | None = None,
    text: str | None = None,
    source: str | None = None,
    note: str | None = None,
    unconfirmed: bool | None = None,
) -> Event:
    """Correct event #`number` of the timeline (its date, text, source, note, certainty).

    A status event may be re-dated only where it keeps its place among the status
    changes: the history of statuses is never reordered.
    """
    d = get_dispute(store, slug)
    event = _event_number(d, number)
    before = dataclasses.replace(event)
    order = [id(e) for e in d.status_history()]
    if date is not None:
        event.date = check_status_date(slug, date) if event.status else models.check_date(date)
    if text is not None:
        if not text.strip():
            raise InputError("an event needs a description")
        event.text = text.strip()
    if source is not None:
        event.source = check_url(source, what="source URL") if source.strip() else None
    if note is not None:
        event.note = note
    if unconfirmed is not None:
        event.unconfirmed = unconfirmed
    if event == before:
        raise InputError(f"nothing to change for event #{number}",
                         hint="give --date, --text, --source, --note, --unconfirmed or "
                              "--confirmed with a new value")
    if event.status and [id(e) for e in d.status_history()] != order:
        raise InputError(
            f"event #{number} records the status '{event.status}'; dated {event.date} it "
            "would move before or after another status change",
            hint="a status history is not reordered; record the correct status with "
                 "'tracker dispute status'",
        )
    d.updated = now_stamp()
    store.put_dispute(d)
    return event


# -- parties and forums ---------------------------------------------------------------------


def add_party(
    store: Store,
    slug: str,
    name: str,
    *,
    role: str,
    kind: str = "company",
    aliases: Sequence[str] = (),
    note: str = "",
) -> Party:
    """Add a party, or add aliases to the party already known by that name or alias."""
    d = get_dispute(store, slug)
    if not name.strip():
        raise InputError("a party needs a name")
    role = models.check_role(role)
    existing = d.find_party(name)
    if existing is not None:
        if existing.role != role:
            raise ConflictError(
                f"'{existing.name}' is already a {existing.role} in '{slug}'",
                hint=f"change its role with 'tracker dispute party edit {slug} "
                     f"\"{existing.name}\" --role {role}'",
            )
        added = _new_aliases(existing, [name.strip(), *_clean_list(aliases)])
        if not added:
            raise ConflictError(f"'{existing.name}' is already a {role} in '{slug}'")
        existing.aliases.extend(added)
        party = existing
    else:
        party = Party(
            name=name.strip(),
            role=role,
            kind=models.check_party_kind(kind),
            aliases=_clean_list(aliases),
            note=note,
        )
        d.parties.append(party)
    d.updated = now_stamp()
    store.put_dispute(d)
    return party


def _new_aliases(party: Party, names: Iterable[str]) -> list[str]:
    """Those of `names` the party is not yet known by (its name or an alias, any case)."""
    known = {n.casefold() for n in (party.name, *party.aliases)}
    out = []
    for n in names:
        if n.strip() and n.strip().casefold() not in known:
            out.append(n.strip())
            known.add(n.strip().casefold())
    return out


def get_party(d: Dispute, name: str) -> Party:
    """The party called `name` (or known by it as its one alias), or NotFoundError."""
    party = d.find_party(name)
    if party is None:
        names = [p.name for p in d.parties]
        close = models.suggest(name, names)
        hint = f"did you mean '{close}'?" if close else f"parties: {', '.join(names) or 'none'}"
        raise NotFoundError(f"'{d.slug}' has no party '{name}'", hint=hint)
    return party


def remove_party(store: Store, slug: str, name: str) -> Party:
    """Remove the party of that exact name, or the one party known by that alias."""
    d = get_dispute(store, slug)
    party = get_party(d, name)
    d.parties.remove(party)
    d.updated = now_stamp()
    store.put_dispute(d)
    return party


def edit_party(
    store: Store,
    slug: str,
    name: str,
    *,
    role: str | None = None,
    kind: str | None = None,
    add_aliases: Sequence[str] = (),
    remove_aliases: Sequence[str] = (),
    note: str | None = None,
) -> Party:
    """Change a party's role, kind, note or aliases (its name: rename_party)."""
    d = get_dispute(store, slug)
    party = get_party(d, name)
    before = dataclasses.replace(party, aliases=list(party.aliases))
    if role is not None:
        party.role = models.check_role(role)
    if kind is not None:
        party.kind = models.check_party_kind(kind)
    if note is not None:
        party.note = note
    for alias in _clean_list(remove_aliases):
        kept = [a for a in party.aliases if a.casefold() != alias.casefold()]
        if len(kept) == len(party.aliases):
            raise NotFoundError(f"'{party.name}' has no alias '{alias}'",
                                hint=f"aliases: {', '.join(party.aliases) or 'none'}")
        party.aliases = kept
    party.aliases.extend(_new_aliases(party, _clean_list(add_aliases)))
    if party == before:
        raise InputError(f"nothing to change for '{party.name}'",
                         hint="give --role, --kind, --note, --alias or --unalias")
    d.updated = now_stamp()
    store.put_dispute(d)
    return party


def rename_party(store: Store, slug: str, name: str, new_name: str, *,
                 keep_alias: bool = True) -> tuple[Party, str]:
    """Give a party a new name; the old one stays an alias (coverage still uses it).

    Returns the party and its old name.
    """
    d = get_dispute(store, slug)
    party = get_party(d, name)
    new_name = new_name.strip()
    if not new_name:
        raise InputError("a party needs a name")
    if new_name == party.name:
        raise InputError(f"'{party.name}' already has that name")
    clash = next((p for p in d.parties if p is not party
                  and p.name.casefold() == new_name.casefold()), None)
    if clash is not None:
        raise ConflictError(f"'{slug}' already has a party named '{clash.name}'",
                            hint="remove one of them, or add aliases to it with 'party edit'")
    old = party.name
    party.name = new_name
    party.aliases = [a for a in party.aliases if a.casefold() != new_name.casefold()]
    if keep_alias and old.casefold() != new_name.casefold():
        party.aliases.extend(_new_aliases(party, [old]))
    d.updated = now_stamp()
    store.put_dispute(d)
    return party, old


def _check_courtlistener_id(value: int | None) -> int | None:
    if value is not None and not 0 < value <= MAX_DOCKET_ID:
        raise InputError("a CourtListener docket id is a positive number",
                         hint=f"at most {MAX_DOCKET_ID}")
    return value


def add_forum(
    store: Store,
    slug: str,
    name: str,
    *,
    jurisdiction: str = "",
    docket: str | None = None,
    courtlistener_id: int | None = None,
    note: str = "",
    judge: str = "",
) -> Forum:
    d = get_dispute(store, slug)
    if not name.strip():
        raise InputError("a forum needs a name")
    _check_courtlistener_id(courtlistener_id)
    for f in d.forums:
        if docket and f.docket == docket:
            raise ConflictError(f"'{slug}' already has a forum with docket {docket}")
    forum = Forum(name.strip(), jurisdiction.strip(), docket, courtlistener_id, note,
                  judge.strip())
    d.forums.append(forum)
    d.updated = now_stamp()
    store.put_dispute(d)
    return forum


def _forum_number(d: Dispute, number: int) -> Forum:
    if not 1 <= number <= len(d.forums):
        listing = "; ".join(f"#{i} {f.label()}" for i, f in enumerate(d.forums, 1))
        raise NotFoundError(f"'{d.slug}' has no forum #{number}",
                            hint=f"it has {len(d.forums)}" + (f": {listing}" if listing else ""))
    return d.forums[number - 1]


def remove_forum(store: Store, slug: str, number: int) -> Forum:
    """Remove the forum shown as #`number` by `dispute show` and `forum list`."""
    d = get_dispute(store, slug)
    forum = _forum_number(d, number)
    d.forums.remove(forum)
    d.updated = now_stamp()
    store.put_dispute(d)
    return forum


def edit_forum(
    store: Store,
    slug: str,
    number: int,
    *,
    name: str | None = None,
    jurisdiction: str | None = None,
    docket: str | None = None,
    courtlistener_id: int | None = None,
    note: str | None = None,
    judge: str | None = None,
) -> Forum:
    """Change the fields given of forum #`number`; an empty --docket clears the docket."""
    d = get_dispute(store, slug)
    forum = _forum_number(d, number)
    before = dataclasses.replace(forum)
    if name is not None:
        if not name.strip():
            raise InputError("a forum needs a name")
        forum.name = name.strip()
    if jurisdiction is not None:
        forum.jurisdiction = jurisdiction.strip()
    if docket is not None:
        forum.docket = docket.strip() or None
        if forum.docket and any(f.docket == forum.docket for f in d.forums if f is not forum):
            raise ConflictError(f"'{slug}' already has a forum with docket {forum.docket}")
    if courtlistener_id is not None:
        forum.courtlistener_id = _check_courtlistener_id(courtlistener_id)
    if note is not None:
        forum.note = note
    if judge is not None:
        forum.judge = judge.strip()
    if forum == before:
        raise InputError(f"nothing to change for forum #{number}",
                         hint="give --name, --jurisdiction, --docket, --courtlistener, "
                              "--judge or --note with a new value")
    d.updated = now_stamp()
    store.put_dispute(d)
    return forum


# -- links between disputes -------------------------------------------------------------------

_INVERSE = {"consolidated-into": "consolidates", "consolidates": "consolidated-into"}


def inverse_relation(relation: str) -> str:
    """How the other dispute stands to this one: consolidates <-> consolidated-into ..."""
    return _INVERSE.get(relation, "parallel" if relation == "parallel" else "related")


def relate(store: Store, slug: str, relation: str, other: str) -> Related:
    """Record that `slug` stands in `relation` to `other` (and the inverse on `other`)."""
    d = get_dispute(store, slug)
    o = get_dispute(store, other)
    if slug == other:
        raise InputError("a dispute cannot be related to itself")
    relation = models.check_relation(relation)
    if any(r.slug == other and r.relation == relation for r in d.related):
        raise ConflictError(f"'{slug}' is already {relation} '{other}'")
    link = Related(other, relation)
    d.related.append(link)
    back = inverse_relation(relation)
    if not any(r.slug == slug for r in o.related):
        o.related.append(Related(slug, back))
        o.updated = now_stamp()
        store.put_dispute(o)
    d.updated = now_stamp()
    store.put_dispute(d)
    return link


def unrelate(store: Store, slug: str, other: str) -> None:
    d = get_dispute(store, slug)
    o = get_dispute(store, other)
    if not any(r.slug == other for r in d.related):
        raise NotFoundError(f"'{slug}' is not related to '{other}'")
    d.related = [r for r in d.related if r.slug != other]
    o.related = [r for r in o.related if r.slug != slug]
    d.updated = o.updated = now_stamp()
    store.put_dispute(d)
    store.put_dispute(o)


# -- articles -------------------------------------------------------------------------------


def get_article(store: Store, ref: str) -> Article:
    """An article by its short id (or a unique prefix of it) or by its URL."""
    ref = ref.strip()
    if "://" in ref:
        article = store.article(normalise_url(ref))
    else:
        ids = store.article_ids(prefix=ref.lower()) if len(ref) >= 4 else {}
        url = ids.get(ref.lower())  # an exact id wins over the longer ids it begins
        if url is None and len(ids) > 1:
            raise InputError(f"article id '{ref}' is ambiguous", hint="give more digits")
        if url is None and ids:
            url = next(iter(ids.values()))
        article = store.article(url) if url is not None else None
    if article is None:
        raise NotFoundError(f"no article '{ref}'", hint="see 'tracker article list'")
    return article


def outlet_from_url(url: str) -> str:
    host = host_of(url)
    return host[4:] if host.startswith("www.") else host


def add_article(
    store: Store,
    url: str,
    disputes: Sequence[str],
    *,
    title: str = "",
    outlet: str = "",
    published: str | None = None,
    summary: str = "",
    language: str = "",
) -> tuple[Article, bool]:
    """Store an article by hand and link it to disputes. Returns (article, created)."""
    canonical = normalise_url(url)
    slugs = [get_dispute(store, s).slug for s in disputes]
    if not slugs:
        raise InputError("say which dispute the article belongs to", hint="--dispute SLUG")
    published = str(models.check_date(published)) if published else None
    stamp = now_iso()
    article = store.article(canonical)
    created = article is None
    if article is None:
        article = Article(
            url=canonical,
            id=store.new_article_id(canonical),
            title=title.strip(),
            outlet=outlet.strip() or outlet_from_url(canonical),
            published=published,
            summary=summary,
            language=language,
            first_seen=stamp,
            updated=stamp,
        )
    else:
        new_links = [s for s in slugs if article.link_for(s) is None]
        if not new_links and not (title or outlet or published or summary or language):
            raise ConflictError(
                f"article {article.id} is already stored and linked to {', '.join(slugs)}",
                hint=f"see 'tracker article show {article.id}'",
            )
        for name, value in (
            ("title", title.strip()),
            ("outlet", outlet.strip()),
            ("published", published),
            ("summary", summary),
            ("language", language),
        ):
            if value:
                setattr(article, name, value)
        article.updated = stamp
    for slug in slugs:
        attach(article, slug, "manual")
    store.put_articles([article])
    return article, created


def attach(article: Article, slug: str, how: str, terms: Sequence[str] = (),
           at: str | None = None) -> bool:
    """Link `article` to `slug` unless it already is; True if anything changed.

    A link made by hand replaces a matched one; a match never replaces a link.
    """
    current = article.link_for(slug)
    if current is not None:
        if how == "manual" and current.how != "manual":
            current.how, current.terms = "manual", []
            return True
        return False
    article.links.append(Link(slug, how, list(terms), at or now_iso()))
    return True


def link_article(store: Store, ref: str, slugs: Sequence[str]) -> Article:
    article = get_article(store, ref)
    changed = [attach(article, get_dispute(store, s).slug, "manual") for s in slugs]
    if not any(changed):
        raise ConflictError(f"article {article.id} is already linked to {', '.join(slugs)}")
    article.updated = now_iso()
    store.put_articles([article])
    return article


def unlink_article(store: Store, ref: str, slugs: Sequence[str]) -> Article:
    article = get_article(store, ref)
    for slug in slugs:
        if article.link_for(slug) is None:
            raise NotFoundError(f"article {article.id} is not linked to '{slug}'")
    article.links = [link for link in article.links if link.dispute not in set(slugs)]
    article.updated = now_iso()
    store.put_articles([article])
    return article


def remove_article(store: Store, ref: str) -> Article:
    article = get_article(store, ref)
    store.delete_articles([article.url])
    return article


def list_articles(
    store: Store,
    *,
    dispute: str | None = None,
    since: str | None = None,
    limit: int | None = None,
    outlet: str | None = None,
) -> list[Article]:
    """Articles newest first, optionally for one dispute, published (or seen) since a date."""
    slug = get_dispute(store, dispute).slug if dispute else None
    # Compared as UTC instants, a partial date from its first day: `--since 2026-11-01`
    # takes an article dated just `2026-11` (November begins then), not one of `2026`.
    bound = dates.since_key(models.parse_since(since)) if since else None
    return store.find_articles(ArticleQuery(dispute=slug, since=bound, outlet=outlet or None,
                                            limit=limit or None))


_TOKEN = re.compile(r'"([^"]+)"|(\S+)')


@dataclass
class SearchHit:
    article: Article
    score: int
    matched: list[str] = field(default_factory=list)


def search_articles(
    store: Store, query: str, *, dispute: str | None = None, limit: int | None = None
) -> list[SearchHit]:
    """Articles whose title, summary or outlet hold every term ("quoted phrases" too).

    Ranked by how often the terms occur (title counts double), then newest first.
    """
    terms = [(m[1] or m[2]).casefold() for m in _TOKEN.finditer(query)]
    if not terms:
        raise InputError("give at least one search term")
    slug = get_dispute(store, dispute).slug if dispute else None
    hits = []
    for a in store.find_articles(ArticleQuery(dispute=slug, terms=tuple(terms))):
        title, body = a.title.casefold(), f"{a.summary} {a.outlet} {a.url}".casefold()
        if all(t in title or t in body for t in terms):
            score = sum(2 * title.count(t) + body.count(t) for t in terms)
            hits.append(SearchHit(a, score, terms))
    hits.sort(key=lambda h: (h.score, h.article.sort_key()), reverse=True)
    return hits[:limit] if limit else hits


def article_counts(store: Store, slug: str | None = None) -> dict[str, int]:
    """How many articles are linked to each dispute (or to just that one)."""
    return store.link_counts(slug)


def coverage(store: Store, slug: str, limit: int | None = None) -> list[Article]:
    return list_articles(store, dispute=slug, limit=limit)


def coverage_of(store: Store, flt: DisputeFilter | None = None
                ) -> tuple[list[Dispute], dict[str, list[Article]]]:
    """The disputes a filter accepts and the articles linked to each, in one pass over
    the articles (for the overview and the site)."""
    disputes = list_disputes(store, flt)
    wanted: dict[str, list[Article]] = {d.slug: [] for d in disputes}
    for a in store.articles():
        for slug in a.disputes():
            if slug in wanted:
                wanted[slug].append(a)
    return disputes, wanted


# -- the store itself ---------------------------------------------------------------------


def init_store(
    path: Location, *, seed: bool, feeds: Sequence[Feed] = (), lock_timeout: float = 10.0
) -> bool:
    """Create the store (seeded, with `feeds`, unless told not to). False if it existed."""

    def fill(store: Store) -> None:
        for dispute in seed_disputes() if seed else []:
            store.put_dispute(dispute)
        if seed:
            store.put_feeds(feeds)

    return create_store(path, fill, lock_timeout=lock_timeout)


def describe_paths(db: Location, config: Path | None) -> dict[str, str]:
    return {
        **describe(db),
        "config": str(config) if config else "(built-in defaults)",
        "user config file": str(paths.config_dir() / "config.toml"),
    }
