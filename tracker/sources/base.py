"""What every source kind shares: the view a kind decides against, and the plan it fills.

A poll decides, then applies. Deciding is pure: a kind reads the store's state through a
`Working` view (the store as it is, plus what this poll already decided) and records the
changes it wants in the view's `Plan`; nothing is written. `tracker.polling.apply` then
writes the plan in one batch per table. So a kind's rules are tested with a dict-backed
`Lookup` and a few Entry values, without HTTP or a store file.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

from tracker import core, dates
from tracker.models import Article, Dispute, Event, Feed
from tracker.urls import host_of

if TYPE_CHECKING:
    from tracker.config import Config
    from tracker.fetching import Entry, Request
    from tracker.matching import Decision, Match
    from tracker.review import Queue
    from tracker.storage import ArticleQuery

# What the matcher made of an item for the disputes it names (matches and suggestions,
# see tracker.matching.Decision), and the item's language.
Decided = tuple[list["Decision"], str]

NEWS_TITLE_MAX = 300


class Lookup(Protocol):
    """The reads a decision needs; the Store provides them, tests a few dicts.
    Articles and kept items are keyed on their canonical URL."""

    def article(self, url: str) -> Article | None: ...
    def find_articles(self, q: ArticleQuery) -> list[Article]: ...
    def new_article_id(self, url: str) -> str: ...
    def entry(self, key: str) -> dict[str, Any] | None: ...
    def dispute(self, slug: str) -> Dispute | None: ...


@dataclass
class Counts:
    entries_seen: int = 0
    entries_invalid: int = 0  # items whose link is no usable http(s) address
    articles_new: int = 0
    articles_updated: int = 0
    articles_attached: int = 0
    articles_merged: int = 0  # a news-search story joined to its publisher's copy
    suggestions_new: int = 0  # items kept for the review queue
    events_new: int = 0
    events_updated: int = 0


@dataclass
class Plan:
    """The changes a poll decided on; `tracker.polling.apply` writes them."""

    articles: dict[str, Article] = field(default_factory=dict)  # by URL: new or changed
    removed_articles: set[str] = field(default_factory=set)  # URLs: moved to another
    kept: dict[str, dict[str, Any]] = field(default_factory=dict)  # unmatched, for rematch
    done_kept: list[str] = field(default_factory=list)  # kept items that became articles
    disputes: dict[str, Dispute] = field(default_factory=dict)  # with new or changed events
    feeds: list[Feed] = field(default_factory=list)
    moved_feeds: list[str] = field(default_factory=list)  # old URLs of feeds that moved
    counts: Counts = field(default_factory=Counts)
    attached: dict[str, list[dict[str, str]]] = field(default_factory=dict)
    events: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # new, by dispute
    review: Queue | None = None  # suggestions for the review queue (tracker.review)


def story_key(title: str) -> str:
    """A headline reduced to what two copies of it share: case, quotes, punctuation."""
    text = unicodedata.normalize("NFKC", title).casefold()
    return " ".join(re.sub(r"[^\w\s]", " ", text).split())


def same_site(a: str, b: str) -> bool:
    """Hosts of one publisher: equal once a leading www. goes, or one inside the other."""
    a, b = a.removeprefix("www."), b.removeprefix("www.")
    return bool(a and b) and (a == b or a.endswith("." + b) or b.endswith("." + a))


def _when(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        return None
    return when if when.tzinfo else None


STORY_DAYS = 3  # a search item and the publisher's copy are published this close


class Working:
    """The store as this poll has changed it so far: reads go to the plan first."""

    def __init__(self, lookup: Lookup, now: str, *,
                 canonical: Callable[[str], str | None],
                 decide: Callable[[Entry, str], Decided] | None = None,
                 match: Callable[[Entry], Sequence[Match]] | None = None,
                 review: Queue | None = None) -> None:
        """`decide` gives an item's matches and suggestions; a plain `match` (only the
        matches: tests) does as well when there is no review queue."""
        self.lookup = lookup
        self.now = now
        self.plan = Plan(review=review)
        if decide is None:
            assert match is not None, "Working needs decide or match"
            decide = _matches_only(match)
        self.decide = decide  # (entry, the feed's language) -> Decided
        self.canonical = canonical
        # story_key -> the URLs of the articles with that headline (a dict: an ordered set)
        self._stories: dict[str, dict[str, None]] | None = None
        self._since: datetime | None = None  # the oldest publication date indexed

    # -- reads ------------------------------------------------------------------------------

    def matches(self, url: str, decisions: Sequence[Decision]) -> list[Decision]:
        """The matches among `decisions`, less the disputes a person rejected this item for."""
        review = self.plan.review
        return [d for d in decisions if d.verdict == "match"
                and not (review is not None and review.rejected(url, d.slug))]

    def article(self, url: str) -> Article | None:
        if url in self.plan.removed_articles:
            return None
        if url not in self.plan.articles:
            found = self.lookup.article(url)
            if found is None:
                return None
            self.plan.articles[url] = found
        return self.plan.articles[url]

    def new_article(self, url: str) -> Article:
        return Article(url=url, first_seen=self.now, updated=self.now,
                       id=self.lookup.new_article_id(url))

    def kept(self, key: str) -> dict[str, Any] | None:
        return self.plan.kept.get(key) or self.lookup.entry(key)

    def feed_moved(self, feed: Feed, url: str) -> None:
        """`feed` now lives at `url` (every redirect was permanent): the events it recorded
        name that address as their origin, so its entries are known there and never
        recorded again. Only a dispute holding such events is read into the plan."""
        slug = feed.dispute
        if not slug:
            return
        found = self.plan.disputes.get(slug) or self.lookup.dispute(slug)
        if found is None or not any(e.origin == feed.url for e in found.events):
            return
        self.plan.disputes[slug] = found
        for e in found.events:
            if e.origin == feed.url:
                e.origin = url

    def dispute(self, slug: str) -> Dispute | None:
        if slug not in self.plan.disputes:
            found = self.lookup.dispute(slug)
            if found is None:
                return None
            self.plan.disputes[slug] = found
        return self.plan.disputes[slug]

    def story(self, title: str, published: str | None,
              accept: Callable[[Article], bool]) -> Article | None:
        """An article with this headline, published within STORY_DAYS, that `accept`s."""
        when = _when(published)
        since = (when or datetime.fromisoformat(self.now)) - timedelta(days=STORY_DAYS)
        if self._stories is None or self._since is None or since < self._since:
            # Built on the first item that needs it, from the articles of those days only.
            from tracker.storage import ArticleQuery

            self._stories, self._since = {}, since
            for a in self.lookup.find_articles(ArticleQuery(since=since.isoformat())):
                self._index(a)
            for a in self.plan.articles.values():
                self._index(a)
        for url in self._stories.get(story_key(title), ()):
            found = self.article(url)
            if found is None or not accept(found):
                continue
            other = _when(found.published)
            if when and other and abs(when - other) > timedelta(days=STORY_DAYS):
                continue
            return found
        return None

    def _index(self, article: Article) -> None:
        if self._stories is not None and article.title:
            self._stories.setdefault(story_key(article.title), {})[article.url] = None

    # -- changes ----------------------------------------------------------------------------

    def add_article(self, article: Article) -> None:
        self.plan.removed_articles.discard(article.url)
        self.plan.articles[article.url] = article
        self._index(article)

    def remove_article(self, article: Article) -> None:
        self.plan.articles.pop(article.url, None)
        self.plan.removed_articles.add(article.url)

    def link_matches(self, article: Article, matches: Iterable[Match | Decision]) -> None:
        review = self.plan.review
        for m in matches:
            if review is not None:
                if review.rejected(article.url, m.slug):
                    continue  # a person said this item is not about that dispute
                review.settled(article.url, m.slug)
            if core.attach(article, m.slug, "match", m.terms, self.now):
                self.plan.counts.articles_attached += 1
                self.plan.attached.setdefault(m.slug, []).append(
                    {"id": article.id, "title": article.title[:NEWS_TITLE_MAX],
                     "outlet": article.outlet, "url": article.url})

    def keep(self, key: str, url: str, feed: Feed, entry: Entry, language: str,
             **extra: Any) -> None:
        """Keep an unmatched item for a while, so `tracker rematch` can attach it later."""
        kept = self.kept(key) or {"feeds": []}
        if feed.url not in kept["feeds"]:
            kept["feeds"] = [*kept["feeds"], feed.url]
        kept.update({"url": url, "title": entry.title, "summary": entry.summary,
                     "language": language, "published": entry.published,
                     "outlet": entry.source, "seen": self.now}, **extra)
        self.plan.kept[key] = kept

    def suggest(self, url: str, item: Article | dict[str, Any], decisions: Sequence[Decision],
                article: Article | None, seen: str | None = None) -> None:
        """Keep the item's suggestions for the review queue (not for a linked dispute)."""
        review = self.plan.review
        if review is None:
            return
        from tracker.review import item_fields

        for d in decisions:
            if d.verdict != "suggest" or (article is not None and article.link_for(d.slug)):
                continue
            feeds = item.feeds if isinstance(item, Article) else item.get("feeds", [])
            before = review.offered
            review.offer(url, d.slug, item_fields(item, feeds), d.terms, d.missing, d.reasons,
                         seen=seen)
            self.plan.counts.suggestions_new += review.offered - before

    def record_event(self, slug: str, event: Event, new: bool) -> None:
        d = self.plan.disputes[slug]
        d.updated = dates.Stamp(self.now)
        if new:
            d.events.append(event)
            self.plan.counts.events_new += 1
            if not event.muted:
                self.plan.events.setdefault(slug, []).append(
                    {"date": str(event.date), "number": event.number, "text": event.text[:300],
                     "source": event.source, "document": event.document})
        else:
            self.plan.counts.events_updated += 1


def _matches_only(match: Callable[[Entry], Sequence[Match]]) -> Callable[[Entry, str], Decided]:
    from tracker.matching import Decision

    def decide(entry: Entry, language: str) -> Decided:
        return [Decision(m.slug, "match", m.terms) for m in match(entry)], language

    return decide


def fill(article: Article, entry: Entry, language: str, now: str, *,
         outlet: str = "") -> bool:
    """Copy an entry's text onto an article; True if anything changed."""
    fresh = {
        "title": entry.title,
        "summary": entry.summary,
        "published": entry.published or article.published,
        "outlet": outlet or entry.source or article.outlet or core.outlet_from_url(article.url),
        "language": language or article.language,
    }
    changed = {k: v for k, v in fresh.items() if v and getattr(article, k) != v}
    for k, v in changed.items():
        setattr(article, k, v)
    if changed and article.first_seen != now:
        article.updated = now
    return bool(changed)


class Kind:
    """One kind of source: how it is requested, and what its items become.

    Subclasses set `name` and `help`, may claim addresses (`claims`), and implement
    `decide`. Register one with `tracker.sources.register`.
    """

    name: ClassVar[str]
    help: ClassVar[str]

    @classmethod
    def from_config(cls, config: Config | None) -> Kind:
        """The kind with its settings (a table of config.toml named after it)."""
        return cls()

    def claims(self, url: str) -> bool:
        """Whether `url` is this kind's address (used when `feed add` is given no --kind)."""
        return False

    def request(self, feed: Feed) -> Request:
        """The HTTP request for `feed`: a conditional GET by default."""
        from tracker.fetching import Request

        return Request(feed.url, feed.etag, feed.last_modified, feed.body_hash)

    def decide(self, view: Working, feed: Feed, entries: Sequence[Entry],
               language: str) -> None:
        raise NotImplementedError


class ArticleKind(Kind):
    """Items become articles, attached to the disputes they match (or kept a while)."""

    def decide(self, view: Working, feed: Feed, entries: Sequence[Entry],
               language: str) -> None:
        for entry in entries:
            url = view.canonical(entry.link)
            if url is None:
                view.plan.counts.entries_invalid += 1
                continue
            view.plan.counts.entries_seen += 1
            self.one(view, feed, entry, url, language)

    def one(self, view: Working, feed: Feed, entry: Entry, url: str, language: str) -> None:
        decisions, language = view.decide(entry, language)
        key = url  # articles and kept items are keyed on their canonical URL
        matches = view.matches(key, decisions)
        article = view.article(key) or self.same_story(view, entry, url, decisions)
        if article is None and not matches:
            view.keep(key, url, feed, entry, language, **self.kept_extra(entry))
            view.suggest(key, view.plan.kept[key], decisions, None)
            return
        if article is None:
            article = view.new_article(url)
            self.prepare(article, entry)
            self.update(article, entry, language, view.now)
            view.add_article(article)
            view.plan.counts.articles_new += 1
            view.plan.done_kept.append(key)
        elif self.update(article, entry, language, view.now):
            view.plan.counts.articles_updated += 1
        if feed.url not in article.feeds:
            article.feeds.append(feed.url)
        view.link_matches(article, matches)
        view.suggest(key, article, decisions, article)

    # Hooks for kinds whose items need more than a plain feed's.

    def same_story(self, view: Working, entry: Entry, url: str,
                   decisions: Sequence[Decision]) -> Article | None:
        """The stored copy of this story under another address, if the kind knows one
        (`decisions`: what the matcher made of the item)."""
        return None

    def prepare(self, article: Article, entry: Entry) -> None:
        """Set kind-specific fields on a new article."""

    def update(self, article: Article, entry: Entry, language: str, now: str) -> bool:
        """Copy the entry's text onto the article; True if anything changed."""
        return fill(article, entry, language, now)

    def kept_extra(self, entry: Entry) -> dict[str, Any]:
        return {}


def publisher_host(article: Article) -> str:
    return host_of(article.publisher) if article.publisher else ""
