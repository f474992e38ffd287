"""`tracker poll`: fetch the feeds, match items to disputes, merge into the store once.

The poll lock (held for the whole poll) keeps two polls apart; the store's writer lock
is held only while merging, so users can edit while a poll is fetching.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from tracker import core, dates, health, models, sources
from tracker import feeds as feeds_mod
from tracker.config import Config
from tracker.errors import InputError
from tracker.models import Article, Feed, now_iso
from tracker.paths import Location
from tracker.sources.base import Counts, Kind, Plan, Working
from tracker.storage import Store, open_store, poll_lock
from tracker.urls import normalise_url

if TYPE_CHECKING:  # fetching imports httpx and feedparser: only commands that fetch pay
    import httpx

    from tracker.fetching import Entry, Parsed, Result
    from tracker.matching import Decision, Matcher

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
    feeds_backing_off: int = 0  # enabled feeds whose last try failed (polled now or not)
    feeds_emptied: int = 0  # feeds that had items and now parse to none
    entries_seen: int = 0
    entries_invalid: int = 0  # items whose link is no usable http(s) address
    items_dropped: int = 0  # items without any link
    parser_warnings: int = 0
    articles_new: int = 0
    articles_updated: int = 0
    articles_attached: int = 0
    articles_merged: int = 0  # news-search stories joined to their publisher's copy
    suggestions_new: int = 0  # items kept for the review queue (`tracker review`)
    events_new: int = 0
    events_updated: int = 0
    failures: list[dict[str, str]] = field(default_factory=list)
    failing: list[dict[str, Any]] = field(default_factory=list)  # started failing this poll
    recovered: list[dict[str, Any]] = field(default_factory=list)  # ok again this poll
    warnings: list[dict[str, str]] = field(default_factory=list)  # per feed: what was odd
    attached: dict[str, list[dict[str, str]]] = field(default_factory=dict)
    events: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # new, unmuted

    def to_dict(self) -> dict[str, Any]:
        return vars(self).copy()  # plain fields, lists of plain dicts: no deep copy needed

    def add(self, counts: Counts) -> None:
        for name, value in vars(counts).items():
            setattr(self, name, getattr(self, name) + value)


_DETAILS = ("attached", "events", "failures", "failing", "recovered", "warnings")


def poll(db: Location, config: Config, *, only: Sequence[str] = (), lock_timeout: float = 10.0,
         transport: httpx.AsyncBaseTransport | None = None,
         on_start: Callable[[int], None] | None = None,
         on_done: Callable[[Result], None] | None = None) -> PollSummary:
    """Poll the due feeds (or just `only`, due or not) and merge what they gave."""
    from tracker.fetching import Settings, fetch_all, warm_up

    warm_up()
    settings = config.section("poll")
    clock = models.now()
    summary = PollSummary(started=clock.isoformat())
    with poll_lock(db):
        with open_store(db) as snapshot:
            chosen = [feeds_mod.get_feed(snapshot, ref) for ref in only]
            if not only:
                for feed in snapshot.feeds():
                    if health.due(feed, clock) is None:
                        chosen.append(feed)
                    else:
                        summary.feeds_skipped += 1
                        summary.feeds_backing_off += health.failing(feed)
            early = _EarlyMatches(snapshot.disputes(), config)
        requests = [sources.make(sources.kind_of(f)).request(f) for f in chosen]
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
                seen = [url for url in early.urls.values() if url]
                store.prefetch("articles", seen)
                store.prefetch("entries", seen)
                merge(store, chosen, results, trial, config, early)
            return trial
        except ConcurrentEditError:
            if attempt == MERGE_TRIES:
                raise
    raise AssertionError("unreachable")


def _matcher(disputes: Sequence[models.Dispute], settings: dict[str, Any]) -> Matcher:
    from tracker.matching import Matcher  # imports pyahocorasick: only when matching

    return Matcher(disputes, settings=settings)


def _language(entry: Entry, feed_language: str) -> str:
    """The item's language: guessed from its text, else the feed's."""
    from tracker.languages import detect

    return detect(f"{entry.title}\n{entry.summary}") or feed_language


def _signature(disputes: Sequence[models.Dispute]) -> list[tuple[str, str]]:
    return [(d.slug, str(d.updated)) for d in disputes]


_compiled: dict[tuple[Any, ...], Matcher] = {}  # per process: a worker compiles once


class _Digest:
    """The matches and canonical URLs of one parsed feed's items.

    fetch_all runs it in the worker process that parsed the feed, so matching shares the
    second core with parsing instead of queueing behind the main process's downloads.
    The matcher is built once per poll, in the main process, just before the workers
    start (`prepare`); they inherit it (fork) or receive it with the digest (pickle).
    """

    def __init__(self, disputes: Sequence[models.Dispute], settings: dict[str, Any]) -> None:
        self.disputes, self.settings = list(disputes), dict(settings)
        self.key = (tuple(_signature(disputes)), repr(sorted(self.settings.items())))

    @property
    def matcher(self) -> Matcher:
        if self.key not in _compiled:
            _compiled.clear()
            _compiled[self.key] = _matcher(self.disputes, self.settings)
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

    def __call__(self, parsed: Parsed) -> tuple[list[Decided], list[str | None]]:
        return ([decide(self.matcher, e, parsed.language) for e in parsed.entries],
                [_canonical(e.link) for e in parsed.entries])


Decided = tuple[list["Decision"], str]  # an item's matches and suggestions, and its language


def decide(matcher: Matcher, entry: Entry, feed_language: str) -> Decided:
    language = _language(entry, feed_language)
    return matcher.decide(entry.title, entry.summary, published=entry.published,
                          language=language), language


def _early_key(entry: Entry, feed_language: str) -> tuple[str, str, str, str]:
    return (entry.title, entry.summary, entry.published or "", feed_language)


class _EarlyMatches:
    """Matches and canonical URLs worked out while other feeds are still downloading and
    parsing (by the parser processes, see _Digest), so that little is left for the merge,
    which holds the store's lock.

    The matches are used at merge time only if no dispute changed meanwhile.
    """

    def __init__(self, disputes: Sequence[models.Dispute], config: Config) -> None:
        self.signature = _signature(disputes)
        self.digest = _Digest(disputes, config.section("match"))
        self.found: dict[tuple[str, str, str, str], Decided] = {}
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
            self.found[_early_key(entry, result.parsed.language)] = found
            self.urls[entry.link] = url


def _canonical(link: str) -> str | None:
    """The canonical form of an item's link; None for javascript:, data:, relative junk..."""
    try:
        return normalise_url(link)
    except InputError:
        return None


def _working(store: Store, config: Config, now: str,
             early: _EarlyMatches | None = None) -> Working:
    """The view a poll decides against: the store, the early matches if still valid."""
    disputes = store.disputes()
    fresh = early is not None and early.signature == _signature(disputes)
    found = early.found if early is not None and fresh else {}
    urls = early.urls if early is not None else {}
    # Its matcher compiles on first use: a poll where every feed answered 304 needs none.
    matching = early if early is not None and fresh else _EarlyMatches(disputes, config)

    def decided(entry: Entry, feed_language: str) -> Decided:
        got = found.get(_early_key(entry, feed_language))
        return decide(matching.matcher, entry, feed_language) if got is None else got

    def canonical(link: str) -> str | None:
        return urls[link] if link in urls else _canonical(link)

    from tracker.review import Queue

    return Working(store, now, decide=decided, canonical=canonical, review=Queue(store, now))


def decide_feed(view: Working, feed: Feed, result: Result, kind: Kind, summary: PollSummary,
                backoff: health.Backoff) -> Feed:
    """`feed`'s record updated with this result, its items decided on by its kind."""
    now = datetime.fromisoformat(view.now)
    had = feed.entries
    feed.last_polled, feed.last_status = dates.Stamp(view.now), result.outcome
    change = health.record(feed, result.outcome, result.error, result.retry_after, now, backoff)
    if result.outcome in health.OK_OUTCOMES:
        if result.outcome == "ok":
            summary.feeds_ok += 1
        else:
            summary.feeds_not_modified += 1
    else:
        summary.feeds_failed += 1
        summary.failures.append({"url": feed.url, "error": result.error or result.outcome})
    if change == "failing":
        summary.failing.append({"url": feed.url, "error": feed.last_error,
                                "next_try": str(feed.retry_after or "") or None})
    elif change == "recovered":
        summary.recovered.append({"url": feed.url})
    parsed = result.parsed
    if result.outcome == "ok" and parsed is not None:
        feed.etag, feed.last_modified = result.etag, result.last_modified
        feed.body_hash = result.body_hash
        feed.title = feed.title or parsed.title
        feed.site_url = feed.site_url or parsed.site_url
        feed.entries, feed.dropped, feed.warning = len(parsed.entries), parsed.dropped, None
        notes = [parsed.warning] if parsed.warning else []
        summary.parser_warnings += bool(parsed.warning)
        if parsed.dropped:
            summary.items_dropped += parsed.dropped
            notes.append(f"{parsed.dropped} item(s) without a link")
        if had and not parsed.entries and not parsed.dropped:
            summary.feeds_emptied += 1
            notes.append(f"no items (the last body had {had})")
        if notes:
            feed.warning = "; ".join(notes)[:300]
            summary.warnings.append({"url": feed.url, "warning": feed.warning})
        kind.decide(view, feed, parsed.entries, parsed.language)
    return feed


def merge(store: Store, chosen: Sequence[Feed], results: Sequence[Result],
          summary: PollSummary, config: Config, early: _EarlyMatches | None = None) -> None:
    """Decide what every result changes, then apply it (one batch per table).

    What it adds is stamped with the time of this merge, taken under the store's lock:
    `tracker news` moves its read marker under the same lock, so an item can never
    arrive with a time the marker has already passed.
    """
    view = _working(store, config, now_iso(), early)
    backoff = health.Backoff.from_config(config.section("poll"))
    kinds: dict[str, Kind] = {}
    for feed, result in zip(chosen, results, strict=True):
        summary.feeds_polled += 1
        current = store.feed(feed.url)
        if current is None:
            continue  # removed while the poll was fetching
        name = sources.kind_of(current)
        kind = kinds.get(name) or kinds.setdefault(name, sources.make(name, config))
        state = decide_feed(view, current, result, kind, summary, backoff)
        summary.feeds_backing_off += health.failing(state)
        if result.final_url and result.final_url != state.url:
            view.plan.moved_feeds.append(state.url)
            view.feed_moved(state, result.final_url)  # its events' origin follows it
            state.url = result.final_url  # every hop was permanent: follow the move
            if store.feed(state.url) is not None:
                continue  # already subscribed there: the two become that one
        view.plan.feeds.append(state)
    summary.add(view.plan.counts)
    summary.attached, summary.events = view.plan.attached, view.plan.events
    quiet = all(r.outcome in ("not-modified", "unchanged") for r in results) and not (
        summary.recovered)
    apply(store, view.plan, view.now,
          int(config.section("poll").get("keep_unmatched_days", 30)),
          summary if not quiet else None, checked=summary.started)


def apply(store: Store, plan: Plan, now: str, keep_days: int,
          summary: PollSummary | None, *, checked: str | None = None) -> None:
    """Write what the poll decided. With no summary (every feed answered 304 or sent the
    same body) and nothing else to write, the checks are noted beside the store instead."""
    store.delete_feeds(plan.moved_feeds)
    store.delete_articles(plan.removed_articles)
    store.put_articles(plan.articles.values())
    for d in plan.disputes.values():
        store.put_dispute(d)
    store.put_entries(plan.kept)
    cutoff = (datetime.fromisoformat(now) - timedelta(days=keep_days)).isoformat()
    expired = store.entries_seen_before(cutoff)
    store.delete_entries([*plan.done_kept, *expired])
    if plan.review is not None:
        plan.review.flush(keep_days)
    if store.dirty or summary is not None:
        store.put_feeds(plan.feeds)
        if summary is not None:
            store.set_meta("last_poll", {k: v for k, v in summary.to_dict().items()
                                         if k not in _DETAILS})
    else:
        # Nothing changed: a 304 costs no store write. The check is noted beside the store.
        store.record_checks({f.id: checked or now for f in plan.feeds})


# -- rematch ---------------------------------------------------------------------------------


@dataclass
class RematchSummary:
    entries_checked: int = 0
    articles_checked: int = 0
    articles_new: int = 0
    articles_attached: int = 0
    suggestions_new: int = 0
    attached: dict[str, list[dict[str, str]]] = field(default_factory=dict)


def rematch(store: Store, config: Config, *, days: int | None = None) -> RematchSummary:
    """Run the match rules again over kept unmatched items and recent articles."""
    keep = int(config.section("poll").get("keep_unmatched_days", 30))
    cutoff = (models.now() - timedelta(days=days if days is not None else keep)).isoformat()
    now = now_iso()
    view = _working(store, config, now)
    out = RematchSummary()
    for key, kept in store.entries().items():
        if str(kept.get("seen", "")) < cutoff:
            continue
        out.entries_checked += 1
        decisions, _ = view.decide(_kept_entry(kept), str(kept.get("language") or ""))
        matches = view.matches(key, decisions)
        if not matches:
            view.suggest(key, kept, decisions, None, seen=kept.get("seen"))
            continue
        article = Article(url=kept["url"], id=store.new_article_id(kept["url"]),
                          title=kept.get("title", ""),
                          summary=kept.get("summary", ""), published=kept.get("published"),
                          outlet=kept.get("outlet") or core.outlet_from_url(kept["url"]),
                          language=kept.get("language", ""), feeds=list(kept.get("feeds", [])),
                          first_seen=kept.get("seen", now), updated=now,
                          publisher=str(kept.get("publisher") or ""))
        view.add_article(article)
        view.plan.done_kept.append(key)
        out.articles_new += 1
        view.link_matches(article, matches)
        view.suggest(key, article, decisions, article, seen=kept.get("seen"))
    for article in store.articles():
        if dates.instant_key(article.first_seen) < cutoff or article.url in view.plan.articles:
            continue
        out.articles_checked += 1
        decisions, _ = view.decide(_kept_entry(
            {"title": article.title, "summary": article.summary, "url": article.url,
             "published": article.published}), article.language)
        matches = view.matches(article.url, decisions)
        if any(article.link_for(m.slug) is None for m in matches):
            view.add_article(article)
            view.link_matches(article, matches)
        view.suggest(article.url, article, decisions, article, seen=article.updated)
    store.put_articles(view.plan.articles.values())
    store.delete_entries(view.plan.done_kept)
    if view.plan.review is not None:
        view.plan.review.flush()
    out.suggestions_new = view.plan.counts.suggestions_new
    out.articles_attached = view.plan.counts.articles_attached
    out.attached = view.plan.attached
    return out


def _kept_entry(kept: dict[str, Any]) -> Entry:
    from tracker.fetching import Entry

    return Entry(link=str(kept.get("url", "")), title=str(kept.get("title", "")),
                 summary=str(kept.get("summary", "")), published=kept.get("published"))
