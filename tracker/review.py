"""The review queue: items that carry some of a dispute's signals, kept for a person.

The matcher attaches an item only when the rules are sure; when it names, say, the
claimant and the respondent but no subject term, or all three with only a weak term, the
poll keeps a *suggestion*: the item, the dispute, what was found, what was missing and
why. `tracker review` lists them; `accept` turns one into a link made by hand, `reject`
drops it for good (the pair is never suggested, nor attached by a match, again).

A suggestion is one record in the store's `suggestions` table, keyed "<slug> <item URL>"
(the canonical URL is an item's identity, as for articles and kept items):

    {"item": "3f2a..." (the short id people type), "dispute": "nyt-v-openai",
     "state": "open" | "accepted" | "rejected",
     "url", "title", "summary", "published", "outlet", "language", "feeds": [...],
     "terms": [...], "missing": [...], "reasons": [...],
     "first_seen": ISO, "seen": ISO, "decided": ISO | null}

Suggestions expire like kept unmatched items: when no poll has seen the item for
`keep_unmatched_days`. Decided ones are kept as long as the item keeps being seen, which
is what keeps a rejected item from coming back.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from tracker import core
from tracker.errors import InputError, NotFoundError
from tracker.models import Article, now_iso
from tracker.storage import Store
from tracker.urls import short_id

OPEN, ACCEPTED, REJECTED = "open", "accepted", "rejected"


def key(url: str, slug: str) -> str:
    return f"{slug} {url}"


class Queue:
    """The suggestions of one unit of work on a store: read once, written at `flush`."""

    def __init__(self, store: Store, now: str) -> None:
        self.store, self.now = store, now
        self._all: dict[str, dict[str, Any]] | None = None
        self.changed: dict[str, dict[str, Any]] = {}
        self.dropped: set[str] = set()
        self.offered = 0  # new suggestions in this unit

    @property
    def all(self) -> dict[str, dict[str, Any]]:
        if self._all is None:
            self._all = self.store.suggestions()
        return self._all

    def rejected(self, url: str, slug: str) -> bool:
        """Whether a person dropped this pair: a match must not attach it either."""
        doc = self.all.get(key(url, slug))
        return doc is not None and doc.get("state") == REJECTED

    def offer(self, url: str, slug: str, fields: dict[str, Any], terms: Sequence[str],
              missing: Sequence[str], reasons: Sequence[str], seen: str | None = None) -> None:
        """Keep (or refresh) the suggestion of the item at `url` for `slug`; a decided one only
        learns that the item was seen again. `seen`: when the item was last in a feed
        (a rematch passes the item's own; a poll sees it now)."""
        k = key(url, slug)
        doc = self.changed.get(k) or self.all.get(k)
        seen = max(seen or self.now, str((doc or {}).get("seen", "")))
        if doc is not None and doc.get("state") in (ACCEPTED, REJECTED):
            doc = {**doc, "seen": seen}
        else:
            if doc is None:
                self.offered += 1
            feeds = sorted({*(doc or {}).get("feeds", []), *fields.get("feeds", [])})
            doc = {**(doc or {"first_seen": self.now, "decided": None}), **fields,
                   "feeds": feeds, "item": short_id(url), "url": url, "dispute": slug,
                   "state": OPEN,
                   "terms": list(terms), "missing": list(missing), "reasons": list(reasons),
                   "seen": seen}
        self.changed[k] = doc
        self.all[k] = doc
        self.dropped.discard(k)

    def settled(self, url: str, slug: str) -> None:
        """The item is now linked to `slug` (a match): an open suggestion has no use."""
        k = key(url, slug)
        doc = self.all.get(k)
        if doc is not None and doc.get("state") == OPEN:
            self.dropped.add(k)
            self.changed.pop(k, None)

    def flush(self, keep_days: int | None = None) -> None:
        """Write the changes; with `keep_days`, drop suggestions no poll has seen since."""
        self.store.put_suggestions(self.changed)
        drop = set(self.dropped)
        if keep_days is not None:
            cutoff = (datetime.fromisoformat(self.now) - timedelta(days=keep_days)).isoformat()
            drop |= {k for k, d in self.all.items() if str(d.get("seen", "")) < cutoff}
        self.store.delete_suggestions(sorted(drop))


def item_fields(article_like: Any, feeds: Iterable[str]) -> dict[str, Any]:
    """What a suggestion keeps of an item, from an Article or a kept entry's fields."""
    get = article_like.get if isinstance(article_like, dict) else (
        lambda k, d=None: getattr(article_like, k, d))
    return {"url": get("url"), "title": get("title", "") or "", "summary": get("summary", "") or "",
            "published": get("published"), "outlet": get("outlet") or "",
            "language": get("language", "") or "", "feeds": sorted(set(feeds))}


# -- what `tracker review` shows and does -----------------------------------------------------


@dataclass
class Suggestion:
    key: str
    doc: dict[str, Any]

    @property
    def item(self) -> str:
        return str(self.doc.get("item", ""))

    @property
    def dispute(self) -> str:
        return str(self.doc.get("dispute", ""))

    @property
    def state(self) -> str:
        return str(self.doc.get("state", OPEN))

    def sort_key(self) -> str:
        return str(self.doc.get("published") or self.doc.get("first_seen") or "")

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.item, "dispute": self.dispute, "state": self.state,
                **{k: self.doc.get(k) for k in ("title", "url", "outlet", "published",
                                                "language", "terms", "missing", "reasons",
                                                "first_seen", "seen", "decided")}}


def awaiting(store: Store) -> int:
    """How many suggestions wait for a decision."""
    return sum(1 for d in store.suggestions().values() if d.get("state", OPEN) == OPEN)


def listing(store: Store, *, dispute: str | None = None, every: bool = False) -> list[Suggestion]:
    """Open suggestions (`every`: decided ones too), newest first."""
    found = [Suggestion(k, d) for k, d in store.suggestions().items()
             if (every or d.get("state", OPEN) == OPEN)
             and (dispute is None or d.get("dispute") == dispute)]
    found.sort(key=lambda s: s.key)
    found.sort(key=Suggestion.sort_key, reverse=True)
    return found


def select(store: Store, refs: Sequence[str], dispute: str | None) -> list[Suggestion]:
    """The suggestions `refs` name (article ids or their prefixes, or "<id>:<slug>"),
    narrowed to `dispute`; with no refs, every open one of `dispute`."""
    if dispute is not None:
        core.get_dispute(store, dispute)
    if not refs:
        if dispute is None:
            raise InputError("say which suggestions: give their ids, or --dispute SLUG "
                             "for all of a dispute's", hint="'tracker review' lists them")
        return listing(store, dispute=dispute)
    every = [Suggestion(k, d) for k, d in store.suggestions().items()]
    chosen: dict[str, Suggestion] = {}
    for ref in refs:
        item, _, slug = ref.partition(":")
        hits = [s for s in every if s.item.startswith(item) and item
                and (not slug or s.dispute == slug) and (dispute is None or s.dispute == dispute)]
        if not hits:
            raise NotFoundError(f"no suggestion '{ref}'", hint="'tracker review' lists them")
        if len({s.item for s in hits}) > 1:
            raise InputError(f"'{ref}' names more than one item", hint="give more of its id")
        chosen.update((s.key, s) for s in hits)
    return sorted(chosen.values(), key=lambda s: s.key)


def accept(store: Store, chosen: Sequence[Suggestion]) -> list[Suggestion]:
    """Link each suggested item to its dispute by hand; those already accepted are left
    as they are (accepting twice changes nothing). Returns those newly accepted."""
    now = now_iso()
    done: list[Suggestion] = []
    articles: dict[str, Article] = {}
    docs: dict[str, dict[str, Any]] = {}
    for s in chosen:
        if s.state == ACCEPTED:
            continue
        url = str(s.doc.get("url") or "")
        article = articles.get(url) or store.article(url) or _article(store, s.doc, now)
        core.attach(article, s.dispute, "manual", (), now)
        article.updated = now
        articles[url] = article
        docs[s.key] = {**s.doc, "state": ACCEPTED, "decided": now}
        done.append(Suggestion(s.key, docs[s.key]))
    store.put_articles(articles.values())
    store.delete_entries([a for a in articles if store.entry(a) is not None])
    store.put_suggestions(docs)
    return done


def reject(store: Store, chosen: Sequence[Suggestion]) -> list[Suggestion]:
    """Drop each suggestion for good: the pair is never suggested or matched again.
    Rejecting twice changes nothing; a rejected accepted one stays linked (unlink it)."""
    now = now_iso()
    docs = {s.key: {**s.doc, "state": REJECTED, "decided": now}
            for s in chosen if s.state == OPEN}
    store.put_suggestions(docs)
    return [Suggestion(k, d) for k, d in sorted(docs.items())]


def _article(store: Store, doc: dict[str, Any], now: str) -> Article:
    url = str(doc.get("url") or "")
    return Article(url=url, id=store.new_article_id(url), title=str(doc.get("title") or ""),
                   summary=str(doc.get("summary") or ""), published=doc.get("published"),
                   outlet=str(doc.get("outlet") or core.outlet_from_url(url)),
                   language=str(doc.get("language") or ""), feeds=list(doc.get("feeds") or []),
                   first_seen=str(doc.get("first_seen") or now), updated=now)
