"""The SQL backends: PostgreSQL for a team (psycopg 3), SQLite for one person's large store.

One SQL text serves both; a `Dialect` holds the little that differs (connecting, the
placeholder, how a transaction starts, the poll lock, which errors mean "locked").

Layout: every record is one JSON document in `tracker_records`, keyed by (table, key),
with a `version` that each write raises, and a few columns computed from the document
for the queries (an article's sort key, outlet and search text; a dispute's status and
kind; a kept item's last sighting). `tracker_links` holds one row per article-dispute
link, so "the 20 newest articles of a dispute" is an index range. New kinds of records
and new fields need no schema change: they travel inside the documents.

Units of work are transactions. A write unit remembers the version of every record it
read and writes it back only if that version is still current: when someone else
changed it meanwhile, the unit raises ConcurrentEditError and nothing of it is kept. A
record written without being read first (a new one) must still be absent. Every value
reaches the server as a bound parameter; SQL text is only ever our own constants.
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import orjson

from tracker import urls
from tracker.errors import ConcurrentEditError, LockedError, StoreError, TrackerError
from tracker.models import Article, Dispute
from tracker.paths import DbUrl
from tracker.storage._records import (
    TABLES,
    ArticleQuery,
    Doc,
    Records,
    link_key,
    search_text,
    sort_key,
)

SQL_SCHEMA_VERSION = 3
CHECKS = "checks"  # feeds' last "not modified" answers: a table outside the records proper
_POLL_LOCK = int.from_bytes(hashlib.sha256(b"tracker poll").digest()[:8], "big", signed=True)
_INIT_LOCK = _POLL_LOCK ^ 1


def _ddl(text: str) -> list[str]:
    """The schema's statements; `{text}` is a text column compared byte by byte."""
    return [
        """CREATE TABLE IF NOT EXISTS tracker_schema (
               sql_version INTEGER NOT NULL, doc_version INTEGER NOT NULL)""",
        f"""CREATE TABLE IF NOT EXISTS tracker_records (
               tbl {text} NOT NULL, key {text} NOT NULL, doc TEXT NOT NULL,
               version INTEGER NOT NULL, sort_key {text}, status {text}, kind {text},
               outlet TEXT, search TEXT, PRIMARY KEY (tbl, key))""",
        """CREATE INDEX IF NOT EXISTS tracker_records_by_sort
               ON tracker_records (tbl, sort_key DESC, key)""",
        f"""CREATE TABLE IF NOT EXISTS tracker_links (
               dispute {text} NOT NULL, article {text} NOT NULL, sort_key {text} NOT NULL,
               at {text} NOT NULL, PRIMARY KEY (dispute, article))""",
        """CREATE INDEX IF NOT EXISTS tracker_links_by_sort
               ON tracker_links (dispute, sort_key DESC, article)""",
        "CREATE INDEX IF NOT EXISTS tracker_links_by_article ON tracker_links (article)",
        "CREATE INDEX IF NOT EXISTS tracker_links_by_at ON tracker_links (at)",
    ]


# Named, ordered migrations of the SQL layout: SQL_MIGRATIONS[i] takes version i to i + 1.
# (The documents inside migrate with the file backend's MIGRATIONS; see _migrate_docs.)
SQL_MIGRATIONS: list[tuple[str, Callable[[Dialect], list[str]]]] = [
    ("create-tables", lambda d: _ddl(d.text)),
    # Articles are keyed on their canonical URL; their short ids (what people type) get an
    # index of their own. The documents' migration to schema 2 fills the column.
    ("article-short-ids", lambda d: [
        f"ALTER TABLE tracker_records ADD COLUMN short_id {d.text}",
        "CREATE INDEX IF NOT EXISTS tracker_records_by_short_id "
        "ON tracker_records (tbl, short_id)"]),
    # Feeds are keyed on their URL and carry their short id in that column; two team
    # members subscribing at once to URLs sharing 10 digits cannot both take them (the
    # later one is told to run the command again, and then gets a longer id).
    ("feed-short-ids-unique", lambda d: [
        "CREATE UNIQUE INDEX IF NOT EXISTS tracker_records_feed_ids "
        "ON tracker_records (short_id) WHERE tbl = 'feeds'"]),
]
assert len(SQL_MIGRATIONS) == SQL_SCHEMA_VERSION


# -- dialects --------------------------------------------------------------------------------


class Dialect:
    name = ""
    text = "TEXT"

    def __init__(self, location: DbUrl) -> None:
        self.location = location

    def connect(self, *, create: bool, lock_timeout: float) -> Any:
        raise NotImplementedError

    def sql(self, text: str) -> str:
        return text

    def begin(self, db: _Db, *, write: bool) -> None:
        db.run("BEGIN")

    def locked(self, exc: Exception) -> bool:
        return False

    def conflict(self, exc: Exception) -> bool:
        return False

    def missing(self, exc: Exception) -> bool:
        """Whether `exc` says the schema is not there (no tracker store yet)."""
        return False

    @contextlib.contextmanager
    def poll_lock(self, db: _Db) -> Iterator[None]:
        raise NotImplementedError
        yield

    def init_lock(self, db: _Db) -> None:
        pass

    def has_schema(self, db: _Db) -> bool:
        return bool(db.rows("SELECT 1 FROM sqlite_master WHERE name = 'tracker_schema'"))

    def errors(self) -> tuple[type[Exception], ...]:
        raise NotImplementedError


class Postgres(Dialect):
    name = "PostgreSQL"
    text = 'TEXT COLLATE "C"'

    def _driver(self) -> Any:
        try:
            import psycopg
        except ImportError:
            raise StoreError(
                f"the store {self.location} is a PostgreSQL database, and the PostgreSQL "
                "driver is not installed",
                hint="pip install 'tracker[postgres]' (psycopg 3)") from None
        return psycopg

    def connect(self, *, create: bool, lock_timeout: float) -> Any:
        psycopg = self._driver()
        try:
            conn = psycopg.connect(self.location.url, autocommit=True, connect_timeout=10)
        except psycopg.Error as exc:
            raise StoreError(f"cannot connect to the store {self.location}: "
                             f"{_scrub(self.location, exc)}",
                             hint="check the URL, the server and your credentials") from None
        # A writer waiting for a row another one holds gives up like a file writer does.
        with conn.cursor() as cur:
            cur.execute("SELECT set_config('lock_timeout', %s, false)",
                        (f"{max(int(lock_timeout * 1000), 1)}ms",))
        return conn

    def sql(self, text: str) -> str:
        return text.replace("?", "%s")

    def begin(self, db: _Db, *, write: bool) -> None:
        # A read sees one snapshot; a writer sees what others committed, and its version
        # checks catch what changed under it.
        db.run("BEGIN" if write else "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")

    def locked(self, exc: Exception) -> bool:
        return getattr(exc, "sqlstate", None) == "55P03"  # lock_not_available

    def conflict(self, exc: Exception) -> bool:
        return getattr(exc, "sqlstate", None) in ("40001", "40P01", "23505")

    def missing(self, exc: Exception) -> bool:
        return getattr(exc, "sqlstate", None) == "42P01"  # undefined_table

    @contextlib.contextmanager
    def poll_lock(self, db: _Db) -> Iterator[None]:
        # A session-level advisory lock, on a connection of its own: held for the poll,
        # released by the server if this process dies.
        got = db.rows("SELECT pg_try_advisory_lock(?)", (_POLL_LOCK,))[0][0]
        if not got:
            raise LockedError(f"a poll of {self.location} is already running",
                              hint="let it finish; 'tracker news' then shows what it brought")
        try:
            yield
        finally:
            with contextlib.suppress(*self.errors()):
                db.rows("SELECT pg_advisory_unlock(?)", (_POLL_LOCK,))

    def init_lock(self, db: _Db) -> None:
        db.run("SELECT pg_advisory_xact_lock(?)", (_INIT_LOCK,))

    def has_schema(self, db: _Db) -> bool:
        return db.rows("SELECT to_regclass('tracker_schema')")[0][0] is not None

    def errors(self) -> tuple[type[Exception], ...]:
        return (self._driver().Error,)


class Sqlite(Dialect):
    name = "SQLite"

    @property
    def path(self) -> Path:
        rest = self.location.url[len("sqlite://"):]
        if rest.startswith("//"):  # sqlite:////abs/path, as SQLAlchemy writes it
            rest = "/" + rest.lstrip("/")
        return Path(rest).expanduser()

    def connect(self, *, create: bool, lock_timeout: float) -> Any:
        import sqlite3
        from urllib.parse import quote

        if create:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        elif not self.path.exists():
            raise StoreError(f"no store at {self.location}",
                             hint="run 'tracker init' to create it")
        mode = "rwc" if create else "rw"
        try:
            conn = sqlite3.connect(f"file:{quote(str(self.path))}?mode={mode}", uri=True,
                                   isolation_level=None, timeout=lock_timeout,
                                   check_same_thread=False)
            conn.execute("PRAGMA journal_mode = WAL")  # readers never wait for the writer
            conn.execute("PRAGMA synchronous = FULL")  # a commit is on disk when it returns
            conn.execute("PRAGMA case_sensitive_like = ON")  # LIKE as Python's `in`
        except sqlite3.Error as exc:
            raise StoreError(f"cannot open the store {self.location}: {exc}") from None
        return conn

    def begin(self, db: _Db, *, write: bool) -> None:
        # IMMEDIATE: a writer takes the write lock before it reads, as the file backend's
        # writers do, so that writers take turns (waiting up to lock_timeout).
        db.run("BEGIN IMMEDIATE" if write else "BEGIN")

    def locked(self, exc: Exception) -> bool:
        return "locked" in str(exc) or "busy" in str(exc)

    def missing(self, exc: Exception) -> bool:
        return "no such table" in str(exc)

    @contextlib.contextmanager
    def poll_lock(self, db: _Db) -> Iterator[None]:
        from tracker.storage import file

        with file.poll_lock(self.path):
            yield

    def errors(self) -> tuple[type[Exception], ...]:
        import sqlite3

        return (sqlite3.Error,)


def dialect(location: DbUrl) -> Dialect:
    return Sqlite(location) if location.scheme == "sqlite" else Postgres(location)


def _scrub(location: DbUrl, exc: BaseException) -> str:
    """An error's text without the location's password, should a driver ever echo it."""
    from urllib.parse import unquote, urlsplit

    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    try:
        secret = urlsplit(location.url).password
    except ValueError:
        secret = None
    for s in {secret, unquote(secret)} if secret else ():
        text = text.replace(s, "***")
    return text


# -- the connection ---------------------------------------------------------------------------


class _Db:
    """One connection, with errors turned into the tracker's own."""

    def __init__(self, d: Dialect, conn: Any) -> None:
        self.d, self.conn = d, conn
        self._sql: dict[str, str] = {}

    def _text(self, sql: str) -> str:
        found = self._sql.get(sql)
        if found is None:
            found = self._sql[sql] = self.d.sql(sql)
        return found

    @contextlib.contextmanager
    def _errors(self) -> Iterator[None]:
        try:
            yield
        except TrackerError:
            raise
        except self.d.errors() as exc:
            raise self.error(exc) from None

    def error(self, exc: Exception) -> TrackerError:
        where = self.d.location
        if self.d.locked(exc):
            return LockedError(f"the store {where} is locked by another tracker process",
                               hint="waited [store] lock_timeout; try again when it finishes")
        if self.d.conflict(exc):
            return ConcurrentEditError(
                f"someone else changed the store {where} while this command ran; "
                "nothing was changed", hint="run the command again")
        if self.d.missing(exc):
            return StoreError(f"no tracker store at {where}",
                              hint="run 'tracker init' (with the same --db) to create it")
        return StoreError(f"the store {where} failed: {_scrub(where, exc)}")

    def run(self, sql: str, params: Sequence[Any] = ()) -> int:
        with self._errors():
            cur = self.conn.execute(self._text(sql), params)
            return int(cur.rowcount)

    def rows(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        with self._errors():
            return list(self.conn.execute(self._text(sql), params).fetchall())

    def many(self, sql: str, rows: Sequence[Sequence[Any]]) -> int:
        """Run one statement for many rows; how many rows it changed in all."""
        if not rows:
            return 0
        with self._errors():
            cur = self.conn.cursor()
            try:
                cur.executemany(self._text(sql), rows)
                return int(cur.rowcount)
            finally:
                cur.close()

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.conn.close()


# -- the store --------------------------------------------------------------------------------


def _load(blob: str | bytes) -> Any:
    return orjson.loads(blob)


def _columns(table: str, doc: Any) -> tuple[str | None, ...]:
    """The indexed columns of a document: sort_key, status, kind, outlet, search, short_id."""
    if not isinstance(doc, dict):
        return None, None, None, None, None, None
    if table == "articles":
        title, rest = search_text(doc)
        return (_nul(sort_key(doc)), None, None, _nul(str(doc.get("outlet") or "").casefold()),
                _nul(f"{title}\x1f{rest}"), _str(doc.get("id")))
    if table == "disputes":
        return None, _str(doc.get("status")), _str(doc.get("kind")), None, None, None
    if table == "entries":
        return _nul(str(doc.get("seen", ""))), None, None, None, None, None
    if table == "feeds":
        return None, None, None, None, None, _str(doc.get("id"))
    return None, None, None, None, None, None


def _str(value: Any) -> str | None:
    return _nul(value) if isinstance(value, str) else None


def _nul(text: str) -> str:
    """PostgreSQL text cannot hold NUL: index columns (and the terms sought in them) carry
    U+FFFD instead; the documents themselves keep it (JSON escapes it)."""
    return text.replace("\x00", "\ufffd")


def _like(term: str) -> str:
    term = _nul(term)
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


_UPSERT = """INSERT INTO tracker_records
    (tbl, key, doc, version, sort_key, status, kind, outlet, search, short_id)
    VALUES (?, ?, ?, 1, ?, ?, ?, ?, ?, ?)
    ON CONFLICT (tbl, key) DO UPDATE SET doc = excluded.doc,
        version = tracker_records.version + 1, sort_key = excluded.sort_key,
        status = excluded.status, kind = excluded.kind, outlet = excluded.outlet,
        search = excluded.search, short_id = excluded.short_id"""
_INSERT_NEW = """INSERT INTO tracker_records
    (tbl, key, doc, version, sort_key, status, kind, outlet, search, short_id)
    VALUES (?, ?, ?, 1, ?, ?, ?, ?, ?, ?) ON CONFLICT (tbl, key) DO NOTHING"""
_UPDATE_SEEN = """UPDATE tracker_records SET doc = ?, version = version + 1, sort_key = ?,
    status = ?, kind = ?, outlet = ?, search = ?, short_id = ?
    WHERE tbl = ? AND key = ? AND version = ?"""


class SqlStore(Records):
    """A unit of work on a SQL store; see the module docstring."""

    def __init__(self, db: _Db, *, write: bool) -> None:
        self.db, self.write = db, write
        self.location = str(db.d.location)
        self._dirty = False
        self._seen: dict[tuple[str, str], int | None] = {}  # versions read by a writer
        self.failed: ConcurrentEditError | None = None  # a unit that met a conflict never commits
        self._reserved: dict[str, str] = {}  # short ids this unit gave to new articles
        # Feeds are few and a poll looks up every one: the first lookup reads them all.
        self._feeds: dict[str, Any] | None = None
        # Records read ahead by prefetch (None: absent), kept in step with this unit's writes.
        self._cache: dict[tuple[str, str], Any] = {}
        self._owners: dict[str, str | None] = {}  # short id -> URL holding it, read ahead

    @property
    def dirty(self) -> bool:
        return self._dirty

    def _note(self, table: str, key: str, version: int | None) -> None:
        if self.write:
            self._seen.setdefault((table, key), version)

    # -- the document primitives -------------------------------------------------------------

    def _get(self, table: str, key: str) -> Doc | None:
        if table == "feeds":
            feeds = self._feed_docs()
            if key not in feeds:
                self._note(table, key, None)
            return feeds.get(key)
        if (table, key) in self._cache:
            return self._cache[(table, key)]
        found = self.db.rows("SELECT doc, version FROM tracker_records WHERE tbl = ? AND key = ?",
                             (table, key))
        if not found:
            self._note(table, key, None)
            return None
        self._note(table, key, found[0][1])
        return _load(found[0][0])

    def _feed_docs(self) -> dict[str, Any]:
        if self._feeds is None:
            self._feeds = dict(self._scan("feeds"))
        return self._feeds

    def _scan(self, table: str) -> Iterable[tuple[str, Any]]:
        rows = self.db.rows("SELECT key, doc, version FROM tracker_records WHERE tbl = ? "
                            "ORDER BY key", (table,))
        for key, _, version in rows:
            self._note(table, key, version)
        return [(key, _load(doc)) for key, doc, _ in rows]

    def _count(self, table: str) -> int:
        return int(self.db.rows("SELECT count(*) FROM tracker_records WHERE tbl = ?",
                                (table,))[0][0])

    def _put(self, table: str, docs: dict[str, Doc]) -> None:
        if not self.write:
            raise StoreError(f"the store {self.location} was opened for reading")
        self._dirty = True
        blind, new, seen = [], [], []
        for key, doc in docs.items():
            cols = _columns(table, doc)
            blob = orjson.dumps(doc).decode()
            mark = (table, key)
            if mark not in self._seen:
                blind.append((table, key, blob, *cols))
            elif self._seen[mark] is None:
                new.append((table, key, blob, *cols))
            else:
                seen.append((blob, *cols, table, key, self._seen[mark]))
        self.db.many(_UPSERT, blind)
        if self.db.many(_INSERT_NEW, new) != len(new):
            self._conflict(table, [str(r[1]) for r in new])
        if self.db.many(_UPDATE_SEEN, seen) != len(seen):
            self._conflict(table, [str(r[8]) for r in seen])
        for key in docs:  # this unit's own writes are what it has read now
            self._seen.pop((table, key), None)
        if table == "feeds" and self._feeds is not None:
            self._feeds.update(docs)
        for key, doc in docs.items():
            if (table, key) in self._cache:
                self._cache[(table, key)] = doc
        if table == "articles":
            self._relink(docs)

    def _relink(self, docs: dict[str, Doc]) -> None:
        keys = [(k,) for k in docs]
        self.db.many("DELETE FROM tracker_links WHERE article = ?", keys)
        rows = {}
        for key, doc in docs.items():
            links = doc.get("links") if isinstance(doc, dict) else None
            for link in links if isinstance(links, list) else ():
                if isinstance(link, dict) and isinstance(link.get("dispute"), str):
                    rows[(link["dispute"], key)] = (_nul(link["dispute"]), key,
                                                    _nul(sort_key(doc)),
                                                    _nul(link_key(link)))
        self.db.many("INSERT INTO tracker_links (dispute, article, sort_key, at) "
                     "VALUES (?, ?, ?, ?)", list(rows.values()))

    def _conflict(self, table: str, keys: list[str]) -> None:
        self.failed = ConcurrentEditError(
            f"someone else changed {table} record(s) in {self.location} while this command "
            f"ran ({', '.join(keys[:3])}{' ...' if len(keys) > 3 else ''}); nothing was changed",
            hint="run the command again: it will start from their version")
        raise self.failed

    def _remove(self, table: str, keys: list[str]) -> None:
        if not self.write:
            raise StoreError(f"the store {self.location} was opened for reading")
        self._dirty = True
        seen = [(table, k, self._seen[(table, k)]) for k in keys
                if self._seen.get((table, k)) is not None]
        blind = [(table, k) for k in keys if (table, k) not in self._seen]
        if self.db.many("DELETE FROM tracker_records WHERE tbl = ? AND key = ? AND version = ?",
                        seen) != len(seen):
            self._conflict(table, [r[1] for r in seen])
        self.db.many("DELETE FROM tracker_records WHERE tbl = ? AND key = ?", blind)
        for k in keys:
            self._seen[(table, k)] = None
            if table == "feeds" and self._feeds is not None:
                self._feeds.pop(k, None)
            if (table, k) in self._cache:
                self._cache[(table, k)] = None
        if table == "articles":
            self.db.many("DELETE FROM tracker_links WHERE article = ?", [(k,) for k in keys])

    def tables(self) -> list[str]:
        present = [r[0] for r in self.db.rows("SELECT DISTINCT tbl FROM tracker_records")]
        return [*TABLES, *sorted(t for t in present if t not in TABLES and t != CHECKS)]

    # -- queries with indexes -----------------------------------------------------------------

    def _articles(self, rows: list[Any]) -> list[Article]:
        for key, _, version in rows:
            self._note("articles", key, version)
        return [self._build("articles", Article.from_dict, key, _load(doc))
                for key, doc, _ in rows]

    def find_articles(self, q: ArticleQuery) -> list[Article]:
        params: list[Any] = []
        if q.dispute is not None:
            sql = ("SELECT r.key, r.doc, r.version FROM tracker_links l JOIN tracker_records r "
                   "ON r.tbl = 'articles' AND r.key = l.article WHERE l.dispute = ?")
            params.append(q.dispute)
            order = " ORDER BY l.sort_key DESC, l.article"
        else:
            sql = ("SELECT r.key, r.doc, r.version FROM tracker_records r "
                   "WHERE r.tbl = 'articles'")
            order = " ORDER BY r.sort_key DESC, r.key"
        if q.since:
            sql += " AND r.sort_key >= ?"
            params.append(q.since)
        if q.outlet:
            sql += " AND r.outlet LIKE ? ESCAPE '\\'"
            params.append(_like(q.outlet.casefold()))
        for term in q.terms:
            sql += " AND r.search LIKE ? ESCAPE '\\'"
            params.append(_like(term.casefold()))
        if q.linked_since is not None:
            sql += (" AND EXISTS (SELECT 1 FROM tracker_links s WHERE s.article = r.key"
                    " AND s.at >= ?" + (" AND s.dispute = ?)" if q.dispute is not None else ")"))
            params += [q.linked_since, *([q.dispute] if q.dispute is not None else [])]
        sql += order
        if q.limit:
            sql += " LIMIT ?"
            params.append(int(q.limit))
        return self._articles(self.db.rows(sql, params))

    def articles(self, linked_to: str | None = None) -> list[Article]:
        if linked_to is None:
            return super().articles()
        return self._articles(self.db.rows(
            "SELECT r.key, r.doc, r.version FROM tracker_links l JOIN tracker_records r "
            "ON r.tbl = 'articles' AND r.key = l.article WHERE l.dispute = ? ORDER BY r.key",
            (linked_to,)))

    def link_counts(self, dispute: str | None = None) -> dict[str, int]:
        if dispute is not None:
            n = int(self.db.rows("SELECT count(*) FROM tracker_links WHERE dispute = ?",
                                 (dispute,))[0][0])
            return {dispute: n} if n else {}
        return {s: int(n) for s, n in self.db.rows(
            "SELECT dispute, count(*) FROM tracker_links GROUP BY dispute")}

    def counts(self) -> dict[str, int]:
        found = dict(self.db.rows("SELECT tbl, count(*) FROM tracker_records GROUP BY tbl"))
        return {t: int(found.get(t, 0)) for t in ("disputes", "articles", "feeds", "entries")}

    def article_ids(self, prefix: str = "") -> dict[str, str]:
        found = {r[0]: r[1] for r in self.db.rows(
            "SELECT short_id, key FROM tracker_records WHERE tbl = 'articles' "
            "AND short_id LIKE ? ESCAPE '\\' ORDER BY short_id", (_like(prefix)[1:],))}
        found.update({i: u for i, u in self._reserved.items() if i.startswith(prefix)})
        return found

    def prefetch(self, table: str, keys: Iterable[str]) -> None:
        """Read these records ahead in a few statements rather than one each (a poll's
        merge asks for the article and the kept item of every item it saw)."""
        wanted = [k for k in dict.fromkeys(keys) if (table, k) not in self._cache]
        for i in range(0, len(wanted), 500):
            chunk = wanted[i:i + 500]
            marks = ", ".join("?" * len(chunk))  # placeholders only: the keys are bound
            found = {k: (d, v) for k, d, v in self.db.rows(
                "SELECT key, doc, version FROM tracker_records WHERE tbl = ? AND key IN "
                f"({marks})", (table, *chunk))}
            for k in chunk:
                self._note(table, k, found[k][1] if k in found else None)
                self._cache[(table, k)] = _load(found[k][0]) if k in found else None
        if table == "articles":  # the short ids new articles would take: who holds them
            shorts = [urls.short_id(k, urls.SHORT_ID_LENGTH) for k in wanted
                      if self._cache[(table, k)] is None]
            shorts = [s for s in dict.fromkeys(shorts) if s not in self._owners]
            for i in range(0, len(shorts), 500):
                chunk = shorts[i:i + 500]
                marks = ", ".join("?" * len(chunk))
                held = dict(self.db.rows(
                    "SELECT short_id, key FROM tracker_records WHERE tbl = 'articles' AND "
                    f"short_id IN ({marks})", chunk))
                self._owners.update({s: held.get(s) for s in chunk})

    def _id_owner(self, short: str) -> str | None:
        if short in self._reserved:
            return self._reserved[short]
        if short in self._owners:
            return self._owners[short]
        found = self.db.rows("SELECT key FROM tracker_records WHERE tbl = 'articles' "
                             "AND short_id = ?", (short,))
        return str(found[0][0]) if found else None

    def _reserve(self, short: str, url: str) -> None:
        self._reserved[short] = url

    def slugs(self) -> list[str]:
        return [r[0] for r in self.db.rows(
            "SELECT key FROM tracker_records WHERE tbl = 'disputes' ORDER BY key")]

    def disputes(self, *, status: str | None = None, kind: str | None = None) -> list[Dispute]:
        sql, params = "SELECT key, doc, version FROM tracker_records WHERE tbl = 'disputes'", []
        if status is not None:
            sql += " AND status = ?"
            params.append(status)
        if kind is not None:
            sql += " AND kind = ?"
            params.append(kind)
        rows = self.db.rows(sql + " ORDER BY key", params)
        for key, _, version in rows:
            self._note("disputes", key, version)
        return [self._build("disputes", Dispute.from_dict, key, _load(doc))
                for key, doc, _ in rows]

    def entries_seen_before(self, cutoff: str) -> list[str]:
        return [r[0] for r in self.db.rows(
            "SELECT key FROM tracker_records WHERE tbl = 'entries' AND sort_key < ?",
            (cutoff,))]

    # -- "not modified" notes -----------------------------------------------------------------

    def record_checks(self, checks: dict[str, str]) -> None:
        if checks:
            self.db.many(_UPSERT, [(CHECKS, k, orjson.dumps({"at": v}).decode(),
                                    None, None, None, None, None, None)
                                   for k, v in checks.items()])

    def checks(self) -> dict[str, str]:
        out = {}
        for key, doc in self.db.rows("SELECT key, doc FROM tracker_records WHERE tbl = ?",
                                     (CHECKS,)):
            with contextlib.suppress(ValueError, AttributeError):
                out[key] = str(_load(doc)["at"])
        return out


# -- opening, creating, migrating -------------------------------------------------------------


def _connect(location: DbUrl, *, create: bool = False, lock_timeout: float = 10.0) -> _Db:
    d = dialect(location)
    return _Db(d, d.connect(create=create, lock_timeout=lock_timeout))


def _versions(db: _Db) -> tuple[int, int] | None:
    if not db.d.has_schema(db):
        return None
    found = db.rows("SELECT sql_version, doc_version FROM tracker_schema")
    return (int(found[0][0]), int(found[0][1])) if found else None


def _check_versions(db: _Db, location: DbUrl) -> None:
    from tracker.storage.file import SCHEMA_VERSION

    versions = _versions(db)
    if versions is None:
        raise StoreError(f"no tracker store at {location}",
                         hint="run 'tracker init' (with the same --db) to create it")
    if versions[0] > SQL_SCHEMA_VERSION or versions[1] > SCHEMA_VERSION:
        raise StoreError(f"the store {location} was written by a newer tracker "
                         f"(schema {versions[0]}.{versions[1]})",
                         hint="upgrade tracker; nothing was changed")
    if versions != (SQL_SCHEMA_VERSION, SCHEMA_VERSION):
        raise StoreError(f"the store {location} has an older schema "
                         f"({versions[0]}.{versions[1]})",
                         hint="run 'tracker init' (with the same --db) to migrate it")


@contextlib.contextmanager
def _unit(db: _Db, *, write: bool) -> Iterator[SqlStore]:
    db.d.begin(db, write=write)
    try:
        store = SqlStore(db, write=write)
        yield store
        if store.failed is not None:  # even if the caller swallowed it
            raise store.failed
        db.run("COMMIT" if write else "ROLLBACK")
    except BaseException:
        with contextlib.suppress(Exception):
            db.run("ROLLBACK")
        raise


@contextlib.contextmanager
def open_store(location: DbUrl, *, write: bool = False,
               lock_timeout: float = 10.0) -> Iterator[SqlStore]:
    db = _connect(location, lock_timeout=lock_timeout)
    try:
        with _unit(db, write=write) as store:
            _check_versions(db, location)
            yield store
    finally:
        db.close()


def create_store(location: DbUrl, fill: Callable[[Any], None], *,
                 lock_timeout: float = 10.0) -> bool:
    """Create (or migrate) the schema; seed with `fill` only when the store was new."""
    from tracker.storage.file import MIGRATIONS, SCHEMA_VERSION

    db = _connect(location, create=True, lock_timeout=lock_timeout)
    try:
        with _unit(db, write=True) as store:
            db.d.init_lock(db)  # two inits at once: one creates, the other finds it
            versions = _versions(db)
            if versions is not None and (versions[0] > SQL_SCHEMA_VERSION
                                         or versions[1] > SCHEMA_VERSION):
                _check_versions(db, location)
            sql_version, doc_version = versions or (0, 0)
            for _name, steps in SQL_MIGRATIONS[sql_version:]:
                for statement in steps(db.d):
                    db.run(statement)
            if versions is None:
                db.run("INSERT INTO tracker_schema (sql_version, doc_version) VALUES (?, ?)",
                       (SQL_SCHEMA_VERSION, SCHEMA_VERSION))
                store.set_meta("schema", {"version": SCHEMA_VERSION})
                store.set_meta("urls", {"normalisation": urls.NORMALISATION_VERSION})
                fill(store)
                return True
            rules = store.meta("urls").get("normalisation", 0)
            if doc_version < SCHEMA_VERSION or rules != urls.NORMALISATION_VERSION:
                _migrate_docs(store, MIGRATIONS[doc_version:])
            db.run("UPDATE tracker_schema SET sql_version = ?, doc_version = ?",
                   (SQL_SCHEMA_VERSION, SCHEMA_VERSION))
            return False
    finally:
        db.close()


def _migrate_docs(store: SqlStore, steps: Sequence[tuple[str, Callable[[Any], None]]]) -> None:
    """Run the document migrations over the whole store, in this transaction."""
    from tracker.storage.file import SCHEMA_VERSION, renormalise

    data = {t: dict(store.documents(t)) for t in store.tables()}
    for name, migrate in steps:
        try:
            migrate(data)
        except Exception as exc:
            raise StoreError(f"migration '{name}' failed on {store.location}: {exc}",
                             hint="nothing was changed") from None
    data.setdefault("meta", {})["schema"] = {"version": SCHEMA_VERSION}
    if data["meta"].get("urls", {}).get("normalisation", 0) < urls.NORMALISATION_VERSION:
        renormalise(data)  # the URL rules changed: canonicalise the stored URLs again
    store.db.run("DELETE FROM tracker_records WHERE tbl <> ?", (CHECKS,))
    store.db.run("DELETE FROM tracker_links")
    store._seen.clear()
    store._feeds = None  # read before the migration: keyed as they were then
    for table, docs in data.items():
        store.put_documents(table, docs)


@contextlib.contextmanager
def poll_lock(location: DbUrl) -> Iterator[None]:
    db = _connect(location)
    try:
        with db.d.poll_lock(db):
            yield
    finally:
        db.close()
