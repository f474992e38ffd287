"""`tracker poll`: fetch the feeds, match items to disputes, merge into the store once.

The poll lock (held for the whole poll) keeps two polls apart; the store's writer lock
is held only while merging, so users can edit while a poll is fetching.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from tracker import core, models
from tracker import feeds as feeds_mod
from tracker.config import Config
from tracker.errors import InputError
from tracker.models import Article, Event, Feed, now_iso
from tracker.paths import Location
from tracker.storage import ArticleQuery, Store, open_store, poll_lock
from tracker.urls import normalise_url

if TYPE_CHECKING:  # fetching imports httpx and feedparser: only commands that fetch pay
    import httpx

    from tracker.fetching import Entry, Parsed, Result
    from tracker.matching import Match, Matcher

NEWS_TITLE_MAX = 300


@dataclass
class PollSummary:
    started: str
    finished: str = ""
    feeds_polled: int = 0
    feeds_ok: int = 0
    feeds_failed: int = 0
    feeds_not_modified: int = 0
    feeds_skipped: int = 0
    entries_seen: int = 0
    entries_invalid: int = 0
    articles_new: int = 0
    articles_updated: int = 0
    articles_attached: int = 0
    events_new: int = 0
    failures: list[dict[str, str]] = field(default_factory=list)
    attached: dict[str, list[dict[str, str]]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return vars(self).copy()  # plain fields, lists of plain dicts: no deep copy needed


def due(feed: Feed, max_failures: int, now: str) -> str | None:
    """Why `feed` is not polled now, or None when it is due."""
    if not feed.enabled:
        return feed.skipped_reason or "disabled"
    if max_failures and feed.errors >= max_failures:
        return f"failed {feed.errors} times in a row; 'tracker feed enable' to retry"
    if feed.retry_after and feed.retry_after > now:
        return f"server asked to wait until {feed.retry_after}"
    return None


def poll(db: Location, config: Config, *, only: Sequence[str] = (), lock_timeout: float = 10.0,
         transport: httpx.AsyncBaseTransport | None = None,
         on_start: Callable[[int], None] | None = None,
         on_done: Callable[[Result], None] | None = None) -> PollSummary:
    """Poll the due feeds (or just `only`, due or not) and merge what they gave."""
    from tracker.fetching import Request, Settings, fetch_all, warm_up

    warm_up()
    settings = config.section("poll")
    max_failures = int(settings.get("max_failures", 3))
    summary = PollSummary(started=now_iso())
    with poll_lock(db):
        with open_store(db) as snapshot:
            chosen = [feeds_mod.get_feed(snapshot, ref) for ref in only]
            if not only:
                for feed in snapshot.feeds():
                    if due(feed, max_failures, summary.started) is None:
                        chosen.append(feed)
                    else:
                        summary.feeds_skipped += 1
            early = _EarlyMatches(snapshot.disputes(), config)
        requests = [Request(f.url, f.etag, f.last_modified, f.body_hash) for f in chosen]
        if on_start:
            on_start(len(requests))

        def done(result: Result) -> None:
            early.add(result)
            if on_done:
                on_done(result)

        results = fetch_all(requests, Settings.from_config(settings), transport=transport,
                            on_done=done, digest=early.digest)
        summary = _merge_once(db, lock_timeout, snapshot, chosen, results, summary, config,
                              early)
    summary.finished = now_iso()
    return summary


MERGE_TRIES = 3


def _merge_once(db: Location, lock_timeout: float, snapshot: Store, chosen: Sequence[Feed],
                results: Sequence[Result], summary: PollSummary, config: Config,
                early: _EarlyMatches) -> PollSummary:
    """The merge as one unit of work. On a shared store someone may change a record the
    merge read while it runs: then nothing of it was written, and it runs again."""
    import copy

    from tracker.errors import ConcurrentEditError

    for attempt in range(1, MERGE_TRIES + 1):
        trial = copy.deepcopy(summary)
        try:
            with open_store(db, write=True, lock_timeout=lock_timeout, reuse=snapshot) as store:
                merge(store, chosen, results, trial, config, early)
            return trial
        except ConcurrentEditError:
            if attempt == MERGE_TRIES:
                raise
    raise AssertionError("unreachable")


def _matcher(disputes: Sequence[models.Dispute], terms: Sequence[str]) -> Matcher:
    from tracker.matching import Matcher  # imports pyahocorasick: only when matching

    return Matcher(disputes, terms)


def _signature(disputes: Sequence[models.Dispute]) -> list[tuple[str, str]]:
    return [(d.slug, d.updated) for d in disputes]


_compiled: dict[tuple[Any, ...], Matcher] = {}  # per process: a worker compiles once


class _Digest:
    """The matches and canonical URLs of one parsed feed's items.

    fetch_all runs it in the worker process that parsed the feed, so matching shares the
    second core with parsing instead of queueing behind the main process's downloads.
    The matcher is built once per poll, in the main process, just before the workers
    start (`prepare`); they inherit it (fork) or receive it with the digest (pickle).
    """

    def __init__(self, disputes: Sequence[models.Dispute], terms: Sequence[str]) -> None:
        self.disputes, self.terms = list(disputes), list(terms)
        self.key = (tuple(_signature(disputes)), tuple(terms))

    @property
    def matcher(self) -> Matcher:
        if self.key not in _compiled:
            _compiled.clear()
            _compiled[self.key] = _matcher(self.disputes, self.terms)
        return _compiled[self.key]

    def prepare(self) -> None:
        """Build the matcher now, so that the parser processes get it built."""
        self.matcher  # noqa: B018  # the property builds and caches it

    def __getstate__(self) -> dict[str, Any]:
        return {**self.__dict__, "built": _compiled.get(self.key)}

    def __setstate__(self, state: dict[str, Any]) -> None:
        built = state.pop("built")
        self.__dict__.update(state)
        if built is not None:
            _compiled.clear()
            _compiled[self.key] = built

    def __call__(self, parsed: Parsed) -> tuple[list[list[Match]], list[str | None]]:
        match = self.matcher.match
        return ([match(e.title, e.summary) for e in parsed.entries],
                [_canonical(e.link) for e in parsed.entries])


class _EarlyMatches:
    """Matches and canonical URLs worked out while other feeds are still downloading and
    parsing (by the parser processes, see _Digest), so that little is left for the merge,
    which holds the store's lock.

    The matches are used at merge time only if no dispute changed meanwhile.
    """

    def __init__(self, disputes: Sequence[models.Dispute], config: Config) -> None:
        self.signature = _signature(disputes)
        self.digest = _Digest(disputes, config.section("match").get("subject_terms", []))
        self.found: dict[tuple[str, str], list[Match]] = {}
        self.urls: dict[str, str | None] = {}  # item link -> canonical URL; None: invalid

    @property
    def matcher(self) -> Matcher:
        return self.digest.matcher

    def add(self, result: Result) -> None:
        if result.parsed is None or result.outcome != "ok":
            return
        entries = result.parsed.entries
        if result.digest is None:  # parsed in this process, or the worker's digest failed
            result.digest = self.digest(result.parsed)
        matches, urls = result.digest
        for entry, found, url in zip(entries, matches, urls, strict=True):
            self.found[(entry.title, entry.summary)] = found
            self.urls[entry.link] = url


def _canonical(link: str) -> str | None:
    """The canonical form of an item's link; None for javascript:, data:, relative junk..."""
    try:
        return normalise_url(link)
    except InputError:
        return None


class _Merger:
    """Folds fetch results into the store: one batch of writes per table."""

    def __init__(self, store: Store, config: Config, summary: PollSummary,
                 early: _EarlyMatches | None = None) -> None:
        self.store = store
        self.summary = summary
        # The time of this merge, taken under the store's lock, stamps what it attaches
        # and records: `tracker news` moves its read marker under the same lock, so an
        # item can never arrive with a time the marker has already passed.
        self.now = now_iso()
        disputes = store.disputes()
        fresh = early is not None and early.signature == _signature(disputes)
        self.early = early.found if early is not None and fresh else {}
        self.urls = early.urls if early is not None else {}
        # Its matcher compiles on first use: a poll where every feed answered 304 needs none.
        self._matching = early if early is not None and fresh else _EarlyMatches(disputes,
                                                                                 config)
        self.max_failures = int(config.section("poll").get("max_failures", 3))
        self.articles: dict[str, Article] = {}
        self.entries: dict[str, dict[str, Any]] = {}
        self.disputes: dict[str, models.Dispute] = {}
        self.matched_entries: list[str] = []  # kept unmatched items that now became articles

    @property
    def matcher(self) -> Matcher:
        return self._matching.matcher

    def article(self, url: str) -> Article | None:
        if url not in self.articles:
            found = self.store.article(url)
            if found is None:
                return None
            self.articles[url] = found
        return self.articles[url]

    def feed_state(self, feed: Feed, result: Result) -> Feed | None:
        """The feed record updated with this result; None when the feed was removed."""
        current = self.store.feed(feed.id)
        if current is None:
            return None
        s = self.summary
        current.last_polled = self.now
        current.last_status = result.outcome
        if result.outcome in ("ok", "not-modified", "unchanged"):
            current.errors, current.last_error, current.retry_after = 0, None, None
            current.skipped_reason = None
            if result.outcome == "ok":
                s.feeds_ok += 1
            else:
                s.feeds_not_modified += 1
        else:
            s.feeds_failed += 1
            s.failures.append({"url": feed.url, "error": result.error or result.outcome})
            current.last_error = result.error
            current.retry_after = result.retry_after
            if result.outcome == "gone":
                current.enabled, current.skipped_reason = False, result.error
            elif not result.retry_after:
                current.errors += 1
                if self.max_failures and current.errors >= self.max_failures:
                    current.skipped_reason = (
                        f"failed {current.errors} times in a row: {result.error}")
        if result.outcome == "ok":
            current.etag, current.last_modified = result.etag, result.last_modified
            current.body_hash = result.body_hash
            if result.parsed:
                current.title = current.title or result.parsed.title
                current.site_url = current.site_url or result.parsed.site_url
                current.entries = len(result.parsed.entries)
        return current

    def canonical(self, link: str) -> str | None:
        return self.urls[link] if link in self.urls else _canonical(link)

    def news_entry(self, feed: Feed, entry: Entry, language: str) -> None:
        url = self.canonical(entry.link)
        if url is None:
            self.summary.entries_invalid += 1
            return
        self.summary.entries_seen += 1
        matches = self.early.get((entry.title, entry.summary))
        if matches is None:
            matches = self.matcher.match(entry.title, entry.summary)
        key = url  # articles and kept items are keyed on their canonical URL
        article = self.article(key)
        if article is None and not matches:
            self.keep_unmatched(key, url, feed, entry, language)
            return
        if article is None:
            article = Article(url=url, first_seen=self.now, updated=self.now,
                              id=self.store.new_article_id(url))
            self.articles[key] = article
            self.summary.articles_new += 1
            self.fill(article, entry, language)
            self.matched_entries.append(key)
        elif self.fill(article, entry, language):
            self.summary.articles_updated += 1
        if feed.url not in article.feeds:
            article.feeds.append(feed.url)
        self.link_matches(article, matches)

    def link_matches(self, article: Article, matches: Sequence[Match]) -> None:
        for m in matches:
            if core.attach(article, m.slug, "match", m.terms, self.now):
                self.attached(m.slug, article)

    def fill(self, article: Article, entry: Entry, language: str) -> bool:
        """Copy the entry's text onto the article; True if anything changed."""
        fresh = {
            "title": entry.title,
            "summary": entry.summary,
            "published": entry.published or article.published,
            "outlet": entry.source or article.outlet or core.outlet_from_url(article.url),
            "language": language or article.language,
        }
        changed = {k: v for k, v in fresh.items() if v and getattr(article, k) != v}
        for k, v in changed.items():
            setattr(article, k, v)
        if changed and article.first_seen != self.now:
            article.updated = self.now
        return bool(changed)

    def attached(self, slug: str, article: Article) -> None:
        self.summary.articles_attached += 1
        self.summary.attached.setdefault(slug, []).append(
            {"id": article.id, "title": article.title[:NEWS_TITLE_MAX],
             "outlet": article.outlet, "url": article.url})

    def keep_unmatched(self, key: str, url: str, feed: Feed, entry: Entry, lang: str) -> None:
        kept = self.entries.get(key) or self.store.entry(key) or {"feeds": []}
        if feed.url not in kept["feeds"]:
            kept["feeds"] = [*kept["feeds"], feed.url]
        kept.update(url=url, title=entry.title, summary=entry.summary, language=lang,
                    published=entry.published, outlet=entry.source, seen=self.now)
        self.entries[key] = kept

    def docket_entry(self, feed: Feed, entry: Entry) -> None:
        """A docket feed item becomes a timeline event of the feed's dispute."""
        self.summary.entries_seen += 1
        if not feed.dispute:
            return
        d = self.disputes.get(feed.dispute) or self.store.dispute(feed.dispute)
        if d is None:
            return
        self.disputes[d.slug] = d
        source = self.canonical(entry.link)
        if source is None:
            self.summary.entries_invalid += 1
            return
        if any(e.source == source for e in d.events):
            return
        text = entry.title + (f": {entry.summary[:300]}" if entry.summary else "")
        d.events.append(Event(date=(entry.published or self.now)[:10], text=text,
                              source=source, recorded=self.now, origin=feed.url))
        d.updated = self.now
        self.summary.events_new += 1

    def finish(self, keep_days: int) -> None:
        self.store.put_articles(self.articles.values())
        for d in self.disputes.values():
            self.store.put_dispute(d)
        self.store.put_entries(self.entries)
        cutoff = (datetime.fromisoformat(self.now) - timedelta(days=keep_days)).isoformat()
        expired = self.store.entries_seen_before(cutoff)
        self.store.delete_entries([*self.matched_entries, *expired])


def merge(store: Store, chosen: Sequence[Feed], results: Sequence[Result],
          summary: PollSummary, config: Config, early: _EarlyMatches | None = None) -> None:
    merger = _Merger(store, config, summary, early)
    feeds_out = []
    for feed, result in zip(chosen, results, strict=True):
        summary.feeds_polled += 1
        state = merger.feed_state(feed, result)
        if state is None:
            continue
        if result.parsed and result.outcome == "ok":
            for entry in result.parsed.entries:
                if state.kind == "docket":
                    merger.docket_entry(state, entry)
                else:
                    merger.news_entry(state, entry, result.parsed.language)
        if result.final_url and result.final_url != state.url:
            store.delete_feeds([state.id])
            state.url = result.final_url  # every hop was permanent: follow the move
            if store.feed(state.id) is not None:
                continue
        feeds_out.append(state)
    merger.finish(int(config.section("poll").get("keep_unmatched_days", 30)))
    quiet = all(r.outcome in ("not-modified", "unchanged") for r in results)
    if store.dirty or not quiet:
        store.put_feeds(feeds_out)
        store.set_meta("last_poll", {k: v for k, v in summary.to_dict().items()
                                     if k not in ("attached", "failures")})
    else:
        # Nothing changed: a 304 costs no store write. The check is noted beside the store.
        store.record_checks({f.id: summary.started for f in feeds_out})


# -- rematch and news ------------------------------------------------------------------------


@dataclass
class RematchSummary:
    entries_checked: int = 0
    articles_checked: int = 0
    articles_new: int = 0
    articles_attached: int = 0
    attached: dict[str, list[dict[str, str]]] = field(default_factory=dict)


def rematch(store: Store, config: Config, *, days: int | None = None) -> RematchSummary:
    """Run the match rules again over kept unmatched items and recent articles."""
    keep = int(config.section("poll").get("keep_unmatched_days", 30))
    cutoff = (models.now() - timedelta(days=days if days is not None else keep)).isoformat()
    poll_summary = PollSummary(started=now_iso())
    merger = _Merger(store, config, poll_summary)
    out = RematchSummary()
    for key, kept in store.entries().items():
        if str(kept.get("seen", "")) < cutoff:
            continue
        out.entries_checked += 1
        matches = merger.matcher.match(str(kept.get("title", "")), str(kept.get("summary", "")))
        if not matches:
            continue
        article = Article(url=kept["url"], id=store.new_article_id(kept["url"]),
                          title=kept.get("title", ""),
                          summary=kept.get("summary", ""), published=kept.get("published"),
                          outlet=kept.get("outlet") or core.outlet_from_url(kept["url"]),
                          language=kept.get("language", ""), feeds=list(kept.get("feeds", [])),
                          first_seen=kept.get("seen", poll_summary.started),
                          updated=poll_summary.started)
        merger.articles[article.url] = article
        merger.matched_entries.append(key)
        out.articles_new += 1
        merger.link_matches(article, matches)
    for article in store.articles():
        if article.first_seen < cutoff or article.url in merger.articles:
            continue
        out.articles_checked += 1
        matches = merger.matcher.match(article.title, article.summary)
        if any(article.link_for(m.slug) is None for m in matches):
            merger.articles[article.url] = article
            merger.link_matches(article, matches)
    store.put_articles(merger.articles.values())
    store.delete_entries(merger.matched_entries)
    out.articles_attached = poll_summary.articles_attached
    out.attached = poll_summary.attached
    return out


def news(store: Store, *, since: str | None = None, days: int = 7) -> tuple[str, dict[str, list]]:
    """What was attached since `since` (default: the start of the last poll), by dispute."""
    if since:
        since = models.parse_since(since)
    else:
        since = store.meta("last_poll").get("started") or (
            models.now() - timedelta(days=days)).isoformat()
    grouped: dict[str, list[Article]] = {}
    for a in store.find_articles(ArticleQuery(linked_since=since)):
        for link in a.links:
            if link.at >= since:
                grouped.setdefault(link.dispute, []).append(a)
    for items in grouped.values():
        items.sort(key=Article.sort_key, reverse=True)
    return since, dict(sorted(grouped.items()))
