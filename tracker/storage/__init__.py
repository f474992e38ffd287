"""The storage seam: what commands and the poll ask of a store, and how one is opened.

Commands never see files, SQL or TinyDB. They open a unit of work on a location and call
the methods of the `Store` protocol:

    with open_store(location) as store:               # a read: one consistent view
        dispute = store.dispute("nyt-v-openai")
    with open_store(location, write=True) as store:   # read-modify-write, all or nothing
        store.put_dispute(dispute)

An exception inside a write unit discards every change. A location is a path (the JSON
file backend, the default: `tracker.storage.file`) or a URL: `postgresql://...` for a
team's shared store, `sqlite:///path` for one person's large store (`tracker.storage.sql`).
"""

from __future__ import annotations

import contextlib
import os  # noqa: F401  # tests patch os calls through this module, as before the split
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, Protocol

from tracker.errors import InputError
from tracker.models import Article, Dispute, Feed
from tracker.paths import DbUrl, Location
from tracker.storage._records import RECORD_TABLES, TABLES, ArticleQuery
from tracker.storage.file import (
    MIGRATIONS,
    SCHEMA_VERSION,
    WRITE_LOG_ENV,
    FileStore,
    Raw,
    atomic_write,
    backup_path,
    dumps,
    lock_path,
    new_raw,
    read_raw,
    stale_temp_files,
    writer_lock,
)

__all__ = [
    "MIGRATIONS", "RECORD_TABLES", "SCHEMA_VERSION", "TABLES", "WRITE_LOG_ENV", "ArticleQuery",
    "FileStore", "Raw", "Store", "atomic_write", "backup_path", "copy_store", "create_store",
    "describe",
    "dumps", "lock_path", "new_raw", "open_store", "poll_lock", "read_raw", "stale_temp_files",
    "writer_lock",
]  # fmt: skip


class Store(Protocol):
    """One open unit of work on a store: a read, or a read-modify-write transaction.

    Reads inside a write unit see the unit's own changes. Keys: disputes by slug,
    articles and kept unmatched items by their canonical URL, feeds by their URL. An
    article's or a feed's short id (what people type) is stored with it and unique in
    the store among its kind.
    Every method may raise StoreError (the store cannot be read or written, or holds a
    malformed record) and, in a write unit of a shared store, ConcurrentEditError (a
    record this unit read was changed by someone else meanwhile: nothing is written).
    """

    location: str  # what messages call the store; never holds a password

    @property
    def dirty(self) -> bool:
        """Whether this unit changed anything (a poll that changed nothing writes nothing)."""
        ...

    # meta: small named notes (the last poll's summary, the schema ...)
    def meta(self, key: str) -> dict[str, Any]: ...
    def set_meta(self, key: str, value: dict[str, Any]) -> None: ...

    # disputes
    def disputes(self, *, status: str | None = None, kind: str | None = None) -> list[Dispute]:
        ...
    def slugs(self) -> list[str]: ...
    def dispute(self, slug: str) -> Dispute | None: ...
    def put_dispute(self, dispute: Dispute) -> None: ...
    def delete_dispute(self, slug: str) -> None: ...

    # articles
    def articles(self, linked_to: str | None = None) -> list[Article]: ...
    def find_articles(self, q: ArticleQuery) -> list[Article]: ...
    def article(self, url: str) -> Article | None: ...
    def article_ids(self, prefix: str = "") -> dict[str, str]: ...  # short id -> URL
    def new_article_id(self, url: str) -> str: ...
    def link_counts(self, dispute: str | None = None) -> dict[str, int]: ...
    def counts(self) -> dict[str, int]: ...
    def put_articles(self, articles: Iterable[Article]) -> None: ...
    def delete_articles(self, urls: Iterable[str]) -> None: ...

    # feeds by URL, and when they last answered "not modified" (noted without a full write)
    def feeds(self) -> list[Feed]: ...
    def feed(self, url: str) -> Feed | None: ...
    def feed_ids(self, prefix: str = "") -> dict[str, str]: ...  # short id -> URL
    def new_feed_id(self, url: str) -> str: ...
    def put_feeds(self, feeds: Iterable[Feed]) -> None: ...
    def delete_feeds(self, urls: Iterable[str]) -> None: ...
    def record_checks(self, checks: dict[str, str]) -> None: ...  # feed id -> when
    def checks(self) -> dict[str, str]: ...

    # unmatched feed items kept for `tracker rematch`
    def entries(self) -> dict[str, dict[str, Any]]: ...
    def entry(self, key: str) -> dict[str, Any] | None: ...
    def entries_seen_before(self, cutoff: str) -> list[str]: ...
    def put_entries(self, entries: dict[str, dict[str, Any]]) -> None: ...
    def delete_entries(self, ids: Iterable[str]) -> None: ...

    # a hint that these records will be read soon (a backend may read them at once)
    def prefetch(self, table: str, keys: Iterable[str]) -> None: ...

    # the review queue (tracker.review): suggestions by "<slug> <item URL>"
    def suggestions(self) -> dict[str, dict[str, Any]]: ...
    def put_suggestions(self, docs: dict[str, dict[str, Any]]) -> None: ...
    def delete_suggestions(self, ids: Iterable[str]) -> None: ...

    # whole tables as stored documents: for `store copy`, `doctor` and exports
    def tables(self) -> list[str]: ...
    def documents(self, table: str) -> Iterator[tuple[str, Any]]: ...
    def put_documents(self, table: str, docs: dict[str, dict[str, Any]]) -> None: ...


def _sql(location: DbUrl) -> Any:
    import tracker.storage.sql as sql  # the SQL backends load only when a URL names one

    return sql


def _check(location: Location) -> None:
    if isinstance(location, DbUrl) and location.scheme not in (
            "postgresql", "postgres", "sqlite"):
        raise InputError(f"unknown kind of store '{location.scheme}://'",
                         hint="a file path, postgresql://user@host/db or sqlite:///path/file.db")


@contextlib.contextmanager
def open_store(location: Location, *, write: bool = False, lock_timeout: float = 10.0,
               reuse: Any = None) -> Iterator[Store]:
    """Open a unit of work; with write=True its changes are written at a clean exit.

    `reuse` is a store read earlier in this process (a poll reads one before fetching):
    a backend may take it over when nothing changed it since (the file backend does).
    """
    _check(location)
    if isinstance(location, DbUrl):
        with _sql(location).open_store(location, write=write, lock_timeout=lock_timeout) as s:
            yield s
        return
    from tracker.storage import file

    with file.open_store(location, write=write, lock_timeout=lock_timeout, reuse=reuse) as f:
        yield f


def create_store(location: Location, fill: Callable[[Store], None], *,
                 lock_timeout: float = 10.0) -> bool:
    """Create the store (a SQL store: its schema, migrated) and let `fill` seed it.

    False when a store already exists there; it is left as it was (a SQL schema is
    migrated to this version).
    """
    _check(location)
    if isinstance(location, DbUrl):
        return bool(_sql(location).create_store(location, fill, lock_timeout=lock_timeout))
    from tracker.storage import file

    return file.create_store(location, fill, lock_timeout=lock_timeout)


@contextlib.contextmanager
def poll_lock(location: Location) -> Iterator[None]:
    """Only one poll at a time per store: a second one fails at once (LockedError)."""
    _check(location)
    if isinstance(location, DbUrl):
        with _sql(location).poll_lock(location):
            yield
        return
    from tracker.storage import file

    with file.poll_lock(location):
        yield


def copy_store(source: Location, target: Location, *,
               lock_timeout: float = 10.0) -> dict[str, int]:
    """Copy every record of `source` into `target`, which must be new or empty.

    Documents are copied as stored, so the copy exports exactly as the source does and
    keeps fields this tracker does not know. Returns how many records of each table.
    """
    if str(source) == str(target):
        raise InputError("the source and the target are the same store")
    with open_store(source) as src:
        data = {t: dict(src.documents(t)) for t in src.tables()}
        checks = src.checks()

    def fill(store: Store) -> None:
        held = {t: n for t, n in store.counts().items() if n}
        if held:
            what = ", ".join(f"{n} {t}" for t, n in held.items())
            raise InputError(f"the target store {store.location} is not empty ({what})",
                             hint="copy into a new store, or one made with 'tracker init "
                                  "--empty'; nothing was changed")
        for table, docs in data.items():
            store.put_documents(table, docs)
        store.record_checks(checks)

    if not create_store(target, fill, lock_timeout=lock_timeout):
        with open_store(target, write=True, lock_timeout=lock_timeout) as store:
            fill(store)
    return {t: len(data.get(t, {})) for t in RECORD_TABLES}


def describe(location: Location) -> dict[str, str]:
    """What `tracker paths` shows for the store (a URL without its password)."""
    if isinstance(location, DbUrl):
        return {"store": str(location)}
    from tracker.storage import file

    return file.describe(Path(location))
