"""The record layer every backend shares: models in and out of stored documents.

A backend provides five primitives over documents (plain JSON objects) kept per table
and key: `_get`, `_scan`, `_put`, `_remove` and `_count`. Everything the commands call
(`dispute`, `put_articles`, `find_articles` ...) is written once here on top of them; a
backend overrides a query where it can answer it better (the SQL backends use indexes).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

from tracker import dates, urls
from tracker.errors import StoreError
from tracker.models import Article, Dispute, Feed

T = TypeVar("T")
Doc = dict[str, Any]

# The tables every store has. A new kind of record gets its own table name: every
# backend keeps any table (the SQL ones in one generic layout), and `store copy`,
# `doctor` and the contract tests go over all of them.
TABLES = ("disputes", "articles", "feeds", "entries", "meta", "suggestions")
RECORD_TABLES = ("disputes", "articles", "feeds", "entries")


@dataclass(frozen=True)
class ArticleQuery:
    """Which articles to list, newest first (publication date, else first seen; ties by URL).

    Every field narrows the result; `terms` and `outlet` are matched case-insensitively
    as substrings (each term in the title, or in the summary, outlet or URL).
    """

    dispute: str | None = None  # linked to this dispute
    since: str | None = None  # published (or first seen) at or after this ISO date/time
    outlet: str | None = None
    terms: tuple[str, ...] = ()
    linked_since: str | None = None  # a link (to `dispute` if given) made at or after (UTC)
    limit: int | None = None


def sort_key(doc: Doc) -> str:
    """An article document's place in a listing: what Article.sort_key gives."""
    return dates.instant_key(str(doc.get("published") or doc.get("first_seen") or ""))


def link_key(link: Doc) -> str:
    """When a link was made, as a text that orders as the instant (linked_since compares it;
    the SQL backends index it): a stamp in another offset is not compared by its text."""
    return dates.instant_key(str(link.get("at") or ""))


def search_text(doc: Doc) -> tuple[str, str]:
    """The casefolded (title, rest) that text search looks in."""
    title = str(doc.get("title") or "").casefold()
    rest = f"{doc.get('summary') or ''} {doc.get('outlet') or ''} {doc.get('url') or ''}"
    return title, rest.casefold()


def accepts(q: ArticleQuery, doc: Doc) -> bool:
    """Whether an article document answers the query (the reference every backend meets)."""
    links = doc.get("links") or ()
    if q.dispute is not None and not any(lk.get("dispute") == q.dispute for lk in links):
        return False
    if q.since and sort_key(doc) < q.since:
        return False
    if q.outlet and q.outlet.casefold() not in str(doc.get("outlet") or "").casefold():
        return False
    if q.terms:
        title, rest = search_text(doc)
        if not all(t.casefold() in title or t.casefold() in rest for t in q.terms):
            return False
    if q.linked_since is None:
        return True
    return any(link_key(lk) >= q.linked_since
               and (q.dispute is None or lk.get("dispute") == q.dispute) for lk in links)


class Records:
    """The typed methods of the Store protocol, on top of a backend's document primitives."""

    location: str  # what messages call the store (a path, or a URL without its password)
    _ids: dict[str, str] | None = None  # article short id -> URL; see _article_index
    _feed_ids: dict[str, str] | None = None  # feed short id -> URL; see _feed_index

    # -- the primitives a backend provides ---------------------------------------------------

    def _get(self, table: str, key: str) -> Doc | None:
        raise NotImplementedError

    def _scan(self, table: str) -> Iterable[tuple[str, Any]]:
        raise NotImplementedError

    def _put(self, table: str, docs: dict[str, Doc]) -> None:
        raise NotImplementedError

    def _remove(self, table: str, keys: list[str]) -> None:
        raise NotImplementedError

    def _count(self, table: str) -> int:
        return sum(1 for _ in self._scan(table))

    # -- documents, for copy, export and doctor -----------------------------------------------

    def prefetch(self, table: str, keys: Iterable[str]) -> None:
        """A hint that these records will be read: a backend may read them ahead at once."""

    def documents(self, table: str) -> Iterator[tuple[str, Any]]:
        """Every (key, document) of a table, as stored (a document may be malformed)."""
        yield from self._scan(table)

    def put_documents(self, table: str, docs: dict[str, Doc]) -> None:
        if docs:
            self._put(table, docs)
            self._ids = self._feed_ids = None  # made again from what is stored now

    def tables(self) -> list[str]:
        return list(TABLES)

    # -- building models ---------------------------------------------------------------------

    def _build(self, table: str, make: Callable[[Doc], T], key: str, doc: Any) -> T:
        try:
            return make(dict(doc))
        except (TypeError, ValueError, KeyError, AttributeError) as exc:
            raise StoreError(
                f"the store {self.location} holds a malformed {table} record '{key}': {exc}",
                hint="run 'tracker doctor' to check the store",
            ) from None

    def _load(self, table: str, make: Callable[[Doc], T], key: str) -> T | None:
        doc = self._get(table, key)
        return None if doc is None else self._build(table, make, key, doc)

    def _all(self, table: str, make: Callable[[Doc], T]) -> list[T]:
        return [self._build(table, make, key, doc) for key, doc in self._scan(table)]

    # -- meta --------------------------------------------------------------------------------

    def meta(self, key: str) -> dict[str, Any]:
        found = self._get("meta", key)
        return {} if found is None else dict(found)  # a damaged note fails (doctor names it)

    def set_meta(self, key: str, value: dict[str, Any]) -> None:
        self._put("meta", {key: dict(value)})

    # -- disputes ----------------------------------------------------------------------------

    def disputes(self, *, status: str | None = None, kind: str | None = None) -> list[Dispute]:
        """Disputes in slug order, optionally only those with this status and kind."""
        found = self._all("disputes", Dispute.from_dict)
        found = [d for d in found if (status is None or d.status == status)
                 and (kind is None or d.kind == kind)]
        return sorted(found, key=lambda d: d.slug)

    def slugs(self) -> list[str]:
        return sorted(key for key, _ in self._scan("disputes"))

    def dispute(self, slug: str) -> Dispute | None:
        return self._load("disputes", Dispute.from_dict, slug)

    def put_dispute(self, dispute: Dispute) -> None:
        self._put("disputes", {dispute.slug: dispute.to_dict()})

    def delete_dispute(self, slug: str) -> None:
        self._remove("disputes", [slug])

    # -- articles ----------------------------------------------------------------------------

    def articles(self, linked_to: str | None = None) -> list[Article]:
        """Every article, or those linked to one dispute, in stored order."""
        if linked_to is None:
            return self._all("articles", Article.from_dict)
        return [self._build("articles", Article.from_dict, key, doc)
                for key, doc in self._scan("articles")
                if any(lk.get("dispute") == linked_to for lk in doc.get("links", ()))]

    def find_articles(self, q: ArticleQuery) -> list[Article]:
        """The articles answering `q`, newest first, at most `q.limit`."""
        hits = [(sort_key(doc), key, doc) for key, doc in self._scan("articles")
                if accepts(q, doc)]
        hits.sort(key=lambda h: h[1])
        hits.sort(key=lambda h: h[0], reverse=True)
        if q.limit:
            hits = hits[:q.limit]
        return [self._build("articles", Article.from_dict, key, doc) for _, key, doc in hits]

    def link_counts(self, dispute: str | None = None) -> dict[str, int]:
        """How many articles are linked to each dispute (or to just that one)."""
        counts: dict[str, int] = {}
        for _, doc in self._scan("articles"):
            for link in doc.get("links", ()):
                slug = link.get("dispute")
                if dispute is None or slug == dispute:
                    counts[slug] = counts.get(slug, 0) + 1
        return counts

    def counts(self) -> dict[str, int]:
        """How many records each table holds."""
        return {t: self._count(t) for t in RECORD_TABLES}

    def article(self, url: str) -> Article | None:
        """The article whose canonical URL (urls.normalise_url) is `url`: articles are
        keyed on the whole URL, so two URLs are never one record."""
        return self._load("articles", Article.from_dict, url)

    def _article_index(self) -> dict[str, str]:
        """Short id -> URL of every article, made on first use and kept up to date by
        this unit's writes (a backend with an index on ids may answer article_ids itself)."""
        index = self._ids
        if index is None:
            index = {}
            for url, doc in self._scan("articles"):
                short = doc.get("id") if isinstance(doc, dict) else None
                index[short if isinstance(short, str) and short else url] = url
            self._ids = index
        return index

    def article_ids(self, prefix: str = "") -> dict[str, str]:
        """The short ids starting with `prefix`, each with its article's URL."""
        return {i: u for i, u in self._article_index().items() if i.startswith(prefix)}

    def _id_owner(self, short: str) -> str | None:
        """The URL of the article holding this short id (a backend may ask its index)."""
        return self._article_index().get(short)

    def _reserve(self, short: str, url: str) -> None:
        self._article_index()[short] = url

    def new_article_id(self, url: str) -> str:
        """The short id for the article at `url`: its own if stored, else 10 hex digits of
        the URL's SHA-1, or more when another URL holds those. Reserved for this unit."""
        length = urls.SHORT_ID_LENGTH
        while (owner := self._id_owner(candidate := urls.short_id(url, length))) is not None \
                and owner != url:
            length += 1
        self._reserve(candidate, url)
        return candidate

    def put_articles(self, articles: Iterable[Article]) -> None:
        """Insert or replace articles, keyed on their URL; an id another URL holds (an
        imported article, one built without the store) is lengthened first."""
        docs = {}
        for a in articles:
            if self._id_owner(a.id) not in (None, a.url):
                a.id = self.new_article_id(a.url)
            self._reserve(a.id, a.url)
            docs[a.url] = a.to_dict()
        if docs:
            self._put("articles", docs)

    def delete_articles(self, urls_: Iterable[str]) -> None:
        """Delete the articles with these canonical URLs."""
        keys = list(urls_)
        if keys:
            self._remove("articles", keys)
            gone = set(keys)
            if self._ids is not None:
                self._ids = {i: u for i, u in self._ids.items() if u not in gone}

    # -- feeds -------------------------------------------------------------------------------

    def feeds(self) -> list[Feed]:
        return sorted(self._all("feeds", Feed.from_dict), key=lambda f: f.added.key)

    def feed(self, url: str) -> Feed | None:
        """The feed subscribed at `url` (its URL as stored): feeds are keyed on the whole
        URL, so two addresses are two feeds whatever their short ids."""
        return self._load("feeds", Feed.from_dict, url)

    def _feed_docs(self) -> dict[str, Any]:
        """Every feed document by URL (a backend that keeps them at hand returns those)."""
        return dict(self._scan("feeds"))

    def _feed_index(self) -> dict[str, str]:
        """Short id -> URL of every feed, made on first use and kept up to date by this
        unit's writes. Feeds are few: every backend reads them all for this."""
        index = self._feed_ids
        if index is None:
            index = {}
            for url, doc in self._feed_docs().items():
                short = doc.get("id") if isinstance(doc, dict) else None
                index[short if isinstance(short, str) and short else urls.short_id(url)] = url
            self._feed_ids = index
        return index

    def feed_ids(self, prefix: str = "") -> dict[str, str]:
        """The feeds' short ids starting with `prefix`, each with its feed's URL."""
        return {i: u for i, u in self._feed_index().items() if i.startswith(prefix)}

    def new_feed_id(self, url: str) -> str:
        """The short id for the feed at `url`: its own if stored, else 10 hex digits of the
        URL's SHA-1, or more when another URL holds those. Reserved for this unit."""
        index = self._feed_index()
        length = urls.SHORT_ID_LENGTH
        while index.get(candidate := urls.short_id(url, length), url) != url:
            length += 1
        index[candidate] = url
        return candidate

    def put_feeds(self, feeds: Iterable[Feed]) -> None:
        """Insert or replace feeds, keyed on their URL. A stored feed keeps its stored id
        (and needs no look at the others: every poll's case); a new one whose id another
        URL holds (an imported feed, one built without the store) gets a longer one."""
        docs = {}
        for f in feeds:
            stored = self._get("feeds", f.url)
            kept = stored.get("id") if isinstance(stored, dict) else None
            if isinstance(kept, str) and kept:
                f.id = kept  # an id once given is kept, whatever the object was built with
            else:
                index = self._feed_index()
                if index.get(f.id, f.url) != f.url:
                    f.id = self.new_feed_id(f.url)
                index[f.id] = f.url
            docs[f.url] = f.to_dict()
        if docs:
            self._put("feeds", docs)

    def delete_feeds(self, urls_: Iterable[str]) -> None:
        """Unsubscribe the feeds at these URLs."""
        keys = list(urls_)
        if keys:
            self._remove("feeds", keys)
            gone = set(keys)
            if self._feed_ids is not None:
                self._feed_ids = {i: u for i, u in self._feed_ids.items() if u not in gone}

    # -- unmatched entries kept for rematch ---------------------------------------------------

    def entries(self) -> dict[str, dict[str, Any]]:
        return dict(self._scan("entries"))

    def entry(self, key: str) -> dict[str, Any] | None:
        found = self._get("entries", key)
        return dict(found) if isinstance(found, dict) else None

    def entries_seen_before(self, cutoff: str) -> list[str]:
        """Keys of the kept items last seen before `cutoff` (to expire them)."""
        return [key for key, doc in self._scan("entries")
                if isinstance(doc, dict) and str(doc.get("seen", "")) < cutoff]

    def put_entries(self, entries: dict[str, dict[str, Any]]) -> None:
        if entries:
            self._put("entries", dict(entries))

    def delete_entries(self, ids: Iterable[str]) -> None:
        keys = list(ids)
        if keys:
            self._remove("entries", keys)

    # -- the review queue: suggested (item, dispute) pairs and the decisions on them ----------

    def suggestions(self) -> dict[str, dict[str, Any]]:
        """Every suggestion, open or decided, by its key ("<article id>:<slug>")."""
        return {key: dict(doc) for key, doc in self._scan("suggestions") if isinstance(doc, dict)}

    def put_suggestions(self, docs: dict[str, dict[str, Any]]) -> None:
        if docs:
            self._put("suggestions", dict(docs))

    def delete_suggestions(self, ids: Iterable[str]) -> None:
        keys = list(ids)
        if keys:
            self._remove("suggestions", keys)
