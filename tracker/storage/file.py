"""The JSON file backend: one file managed by TinyDB, written atomically under a lock.

This module is the only one that touches TinyDB. A command opens the store once, reads
it into memory (each table parsed when the command first uses it: see `_split_tables`),
makes its changes and writes the file once at the end:

    with open_store(path, write=True) as store:
        store.put_dispute(dispute)

Writes go to a temporary file in the same directory which is fsynced and renamed over
the store, so a crash leaves either the old file or the new one, never a torn one. The
previous generation is kept beside it as `<name>.bak`. Writers hold an inter-process
lock (`<name>.lock`) from the read to the rename, so two writers never lose each
other's changes; readers need no lock.
"""

from __future__ import annotations

import contextlib
import gc
import os
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import orjson
from tinydb import TinyDB
from tinydb.storages import Storage
from tinydb.table import Document, Table

from tracker import dates, urls
from tracker.errors import InputError, LockedError, StoreError
from tracker.storage._records import TABLES, Records

SCHEMA_VERSION = 3
WRITE_LOG_ENV = "TRACKER_WRITE_LOG"  # benchmark hook: one line appended per file write

Raw = dict[str, dict[str, Any]]


def _migrate_0_to_1(data: Raw) -> None:
    """Version 0 is a store written before versioning: make sure every table exists."""
    for table in ("disputes", "articles", "feeds", "entries"):
        data.setdefault(table, {})


def _merge_raw_articles(kept: dict[str, Any], other: dict[str, Any]) -> None:
    """Fold `other` (a record of the same canonical URL) into `kept`: empty fields filled,
    links (a manual link wins over a match) and feeds unioned, the earliest first_seen."""
    for name, value in other.items():
        if kept.get(name) in (None, "") and value not in (None, "") \
                and not isinstance(value, (list, dict)):
            kept[name] = value
    links = {link.get("dispute"): link for link in kept.get("links", [])}
    for link in other.get("links", []):
        mine = links.get(link.get("dispute"))
        if mine is None:
            kept.setdefault("links", []).append(link)
            links[link.get("dispute")] = link
        elif mine.get("how") != "manual" and link.get("how") == "manual":
            mine.update(link)
    kept["feeds"] = list(dict.fromkeys([*kept.get("feeds", []), *other.get("feeds", [])]))
    firsts = [str(r.get("first_seen") or "") for r in (kept, other)]
    kept["first_seen"] = min((f for f in firsts if f), key=dates.instant_key, default="")


def _rekey(table: dict[str, Any], url_of: Callable[[str, Any], str | None],
           merge: Callable[[dict[str, Any], dict[str, Any]], None]) -> dict[str, Any]:
    """`table` keyed on each record's URL (`url_of`); records that turn out to share one
    are merged. A record without a usable URL keeps its key, for doctor to report."""
    out: dict[str, Any] = {}
    for key, doc in table.items():
        url = url_of(key, doc)
        new_key = key if url is None else url
        if new_key in out and isinstance(out[new_key], dict) and url is not None:
            merge(out[new_key], doc)
        else:
            out[new_key] = doc
    return out


def _newer_entry(kept: dict[str, Any], other: dict[str, Any]) -> None:
    if str(other.get("seen", "")) > str(kept.get("seen", "")):
        kept.update(other)


def _url_field(_key: str, doc: Any) -> str | None:
    url = doc.get("url") if isinstance(doc, dict) else None
    return url if isinstance(url, str) and url else None


def _migrate_1_to_2(data: Raw) -> None:
    """Articles and kept items were keyed on 10 hex digits of their URL's SHA-1, so two
    URLs sharing them became one record. Key them on the canonical URL itself; the old
    key stays on as the article's short id (old keys were unique, so no id changes)."""
    for key, doc in data.get("articles", {}).items():
        if isinstance(doc, dict):
            doc.setdefault("id", key)
    data["articles"] = _rekey(data.get("articles", {}), _url_field, _merge_raw_articles)
    data["entries"] = _rekey(data.get("entries", {}), _url_field, _newer_entry)
    data.setdefault("meta", {})["urls"] = {"normalisation": 1}


def _migrate_2_to_3(data: Raw) -> None:
    """Feeds were keyed on 10 hex digits of their URL's SHA-1, so a second feed whose
    digits another held could not be subscribed. Key them on their URL; the old key stays
    on as the feed's short id. Old keys were unique, and what refers to a feed names its
    URL (an article's or kept item's `feeds`, an event's `origin`, the poll summary) or
    its short id, which stays (the "not modified" checks): nothing is merged and nothing
    else changes. A record without a usable URL, or whose URL another record already
    has, keeps its key, for doctor to report."""
    out: dict[str, Any] = {}
    for key, doc in data.get("feeds", {}).items():
        if isinstance(doc, dict):
            doc.setdefault("id", key)
        url = _url_field(key, doc)
        out[key if url is None or url in out else url] = doc
    data["feeds"] = out


# Named, ordered migrations: MIGRATIONS[i] takes a store from version i to i + 1.
MIGRATIONS: list[tuple[str, Callable[[Raw], None]]] = [
    ("create-tables", _migrate_0_to_1),
    ("articles-keyed-on-url", _migrate_1_to_2),
    ("feeds-keyed-on-url", _migrate_2_to_3),
]
assert len(MIGRATIONS) == SCHEMA_VERSION


def _canonical_or_none(url: str | None) -> str | None:
    if url is None:
        return None
    try:
        return urls.normalise_url(url)
    except InputError:
        return None


def renormalise(data: Raw) -> None:
    """Canonicalise every stored URL again with today's rules (after they changed): records
    whose URLs now have one canonical form are merged, as a poll would have merged them."""

    def canonical(key: str, doc: Any) -> str | None:
        found = _canonical_or_none(_url_field(key, doc))
        if found is not None:
            doc["url"] = found
        return found

    data["articles"] = _rekey(data.get("articles", {}), canonical, _merge_raw_articles)
    data["entries"] = _rekey(data.get("entries", {}), canonical, _newer_entry)
    data.setdefault("meta", {})["urls"] = {"normalisation": urls.NORMALISATION_VERSION}


_LAYOUT = orjson.OPT_SORT_KEYS | orjson.OPT_INDENT_2


def dumps(data: Any) -> bytes:
    """Stable, diff-friendly JSON: sorted keys, two-space indent, trailing newline."""
    return orjson.dumps(data, option=_LAYOUT) + b"\n"


# How the store reads only the tables a command uses (an all-304 poll: the feeds, not the
# 10,000 kept items). Each write notes in the meta table every other table's length in
# bytes (`_LENGTHS`); the next read finds the meta table and, from those lengths, every
# other table's text in the file without parsing or scanning it (`_split_tables`), and
# each table is parsed when it is first used.
_FLOOR = "file.entries_floor"  # meta note of the file store's own; see entries_seen_before
# The other meta note of its own: each other table's length in bytes, as last written. The
# layout alone does not prove a split right (a hand edit can indent a table's start
# further, or put nested keys at a table's indent, and stay valid JSON); a file whose
# pieces are not all the lengths it was written with is parsed whole.
_LENGTHS = "file.table_lengths"
# And one for `dispute list`: how many articles each dispute has, as last written.
_COUNTS = "file.link_counts"
_OWN_NOTES = (_FLOOR, _LENGTHS, _COUNTS)


def _split_tables(blob: bytes) -> tuple[dict[str, Any], dict[str, memoryview]] | None:
    """The meta table, parsed, and every other table's JSON text, when `blob` is laid out
    exactly as this store last wrote it; None for anything else, which is then parsed whole.

    The meta table is found from the end (few and small tables sort after it), and its
    note `_LENGTHS` places every other table: the pieces must follow each other, sorted
    by name, at exactly those lengths, with the separators `_join_texts` writes, each
    `{}` or an object closed at the two-space indent. Nothing else is scanned, so the cost
    does not grow with the file. A hand edit that changes any length, or any layout but
    this one (compact, another indent, no final newline), reads the file whole. A piece
    that fails to parse is reported when it is first used, or when a write would copy it.
    """
    if not (blob.startswith(b'{\n  "') and blob.endswith(b"\n}\n")):
        return None
    key = b'\n  "meta": '
    at = blob.rfind(key)
    if at < 0:
        return None
    value_at = at + len(key)
    if blob.startswith(b"{}", value_at):
        meta_length = 2
    else:
        close = blob.find(b"\n  }", value_at)  # nested closings are indented further
        if close < 0:
            return None
        meta_length = close + 4 - value_at
    view = memoryview(blob)
    try:
        meta = _loads_without_gc(view[value_at:value_at + meta_length])
    except orjson.JSONDecodeError:
        return None
    lengths = meta.get(_LENGTHS) if isinstance(meta, dict) else None
    if not isinstance(lengths, dict) or "meta" in lengths or not all(
            type(n) is int and n >= 2 for n in lengths.values()):
        return None
    tables: dict[str, memoryview] = {}
    pos = 4  # the first key's opening quote
    names = sorted([*lengths, "meta"])
    for i, name in enumerate(names):
        head = orjson.dumps(name) + b": "
        if not blob.startswith(head, pos):
            return None
        pos += len(head)
        size = meta_length if name == "meta" else lengths[name]
        if name == "meta" and pos != value_at:
            return None
        value = view[pos:pos + size]
        if not (value == b"{}" or (value[:2] == b"{\n" and value[-4:] == b"\n  }")):
            return None
        pos += size
        tail = b",\n  " if i + 1 < len(names) else b"\n}\n"
        if not blob.startswith(tail, pos):
            return None
        pos += len(tail)
        if name != "meta":
            tables[name] = value
    return (meta, tables) if pos == len(blob) else None


def _table_texts(data: Raw) -> dict[str, bytes]:
    """Each table as `dumps` writes it inside the file: indented one level."""
    return {name: orjson.dumps(table, option=_LAYOUT).replace(b"\n", b"\n  ")
            for name, table in data.items()}


def _join_texts(texts: dict[str, bytes]) -> bytes:
    """The file `dumps` writes for the tables whose `_table_texts` these are."""
    if not texts:
        return dumps({})
    parts = [orjson.dumps(name) + b": " + texts[name] for name in sorted(texts)]
    return b"{\n  " + b",\n  ".join(parts) + b"\n}\n"


def _log_write(path: Path) -> None:
    log = os.environ.get(WRITE_LOG_ENV)
    if log:
        with open(log, "a", encoding="utf-8") as fh:
            fh.write(f"{path}\n")


def atomic_write(path: Path, payload: bytes, *, backup: bool = True) -> None:
    """Replace `path` with `payload` so that readers see the old or the new file, whole.

    On any failure the temporary file is removed and the old file is left as it was.
    """
    directory = path.parent
    try:
        mode = path.stat().st_mode & 0o777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    tmp_name = None
    try:
        import tempfile  # here: commands that only read never need it

        fd, tmp_name = tempfile.mkstemp(dir=directory, prefix=f".{path.name}.", suffix=".tmp")
        with os.fdopen(fd, "wb") as fh:
            fh.write(payload)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp_name, mode)
        if backup and path.exists():
            _keep_backup(path)
        os.replace(tmp_name, path)
        tmp_name = None
        _fsync_dir(directory)
    except OSError as exc:
        raise StoreError(
            f"could not write {path}: {exc.strerror or exc}",
            hint="the previous file is intact; free some space or fix the permissions and retry",
        ) from None
    finally:
        if tmp_name is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp_name)
    _log_write(path)


def backup_path(path: Path) -> Path:
    return path.with_name(path.name + ".bak")


def _keep_backup(path: Path) -> None:
    """Make `<name>.bak` the current generation, atomically, before it is replaced."""
    bak = backup_path(path)
    tmp = path.with_name(f".{path.name}.bak.tmp")
    with contextlib.suppress(FileNotFoundError):
        os.unlink(tmp)
    try:
        try:
            os.link(path, tmp)  # a hard link costs nothing and is complete at once
        except OSError:
            tmp.write_bytes(path.read_bytes())
        os.replace(tmp, bak)
        if tmp.exists():  # a write killed after this point left both names on one file,
            os.unlink(tmp)  # and rename() between two names of one file does nothing
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _fsync_dir(directory: Path) -> None:
    with contextlib.suppress(OSError):  # not every platform can open a directory
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _loads_without_gc(blob: bytes | memoryview) -> Any:
    """Parse the store with the cyclic GC paused, then freeze what was parsed.

    A large store is millions of small objects that all live until the command ends;
    left on, the collector re-scans them again and again (a 100 MB store loads in 1.0 s
    with it, 0.3 s without), and keeps doing so as the command allocates more.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        data = orjson.loads(blob)
    finally:
        if enabled:
            gc.enable()
    gc.freeze()
    return data


def _no_store(path: Path) -> StoreError:
    return StoreError(
        f"no store at {path}",
        hint="run 'tracker init' to create it, or point --db / TRACKER_DB at your store",
    )


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise _no_store(path) from None
    except OSError as exc:
        raise StoreError(f"cannot read the store {path}: {exc.strerror or exc}") from None


def _restore_hint(path: Path) -> str:
    return (f"it was left untouched; 'tracker doctor --restore' puts back the previous "
            f"generation ({backup_path(path).name})")


def read_raw(path: Path) -> Raw:
    """Parse the store file and check its shape and schema version; never writes."""
    return _parse(path, _read_bytes(path))


def _parse(path: Path, blob: bytes) -> Raw:
    restore = _restore_hint(path)
    try:
        data = _loads_without_gc(blob)
    except orjson.JSONDecodeError as exc:
        raise StoreError(f"the store {path} is not valid JSON ({exc})", hint=restore) from None
    if not isinstance(data, dict) or not all(isinstance(v, dict) for v in data.values()):
        raise StoreError(f"the store {path} does not hold tracker tables", hint=restore)
    version = _schema_version(data, path, restore)
    if version > SCHEMA_VERSION:
        raise StoreError(
            f"the store {path} has schema version {version}, newer than this tracker "
            f"understands ({SCHEMA_VERSION})",
            hint="upgrade tracker; the file was not changed",
        )
    for name, migrate in MIGRATIONS[version:]:
        try:
            migrate(data)
        except Exception as exc:  # a migration meeting data it cannot handle
            raise StoreError(f"migration '{name}' failed on {path}: {exc}", hint=restore) from None
    data.setdefault("meta", {})["schema"] = {"version": SCHEMA_VERSION}
    _check_normalisation(data, path, restore)
    return data


def _parse_table(path: Path, name: str, text: memoryview) -> dict[str, Any]:
    try:
        table = _loads_without_gc(text)
    except orjson.JSONDecodeError as exc:
        raise StoreError(f"the store {path} is not valid JSON (its table '{name}': "
                         f"{exc.msg}: {_where(text, name, exc)})",
                         hint=_restore_hint(path)) from None
    if not isinstance(table, dict):
        raise StoreError(f"the store {path} does not hold tracker tables",
                         hint=_restore_hint(path))
    return table


def _where(text: memoryview, name: str, exc: orjson.JSONDecodeError) -> str:
    """Where the error is in the file, as an editor counts (the parser counted in the
    table's text, which starts on its key's line: see `_split_tables`)."""
    blob = bytes(text.obj) if not isinstance(text.obj, bytes) else text.obj
    cut = blob.find(b'\n  "' + name.encode() + b'": ')
    if cut < 0:
        return f"line {exc.lineno} column {exc.colno} of the table"
    start = cut + len(name) + 7
    line = blob.count(b"\n", 0, start) + exc.lineno
    return f"line {line} column {exc.colno + (start - cut - 1 if exc.lineno == 1 else 0)}"


def _current(meta: dict[str, Any]) -> bool:
    """Whether a store's meta table says it needs no migration and no re-canonicalising,
    with its schema note as `_parse` leaves it (a bare `"schema": 3` is read whole, so
    that a copy and the next write carry the note, as before)."""
    note = meta.get("urls")
    rules = note.get("normalisation") if isinstance(note, dict) else note
    schema = meta.get("schema")
    return (isinstance(schema, dict) and schema == {"version": SCHEMA_VERSION}
            and type(schema["version"]) is int
            and type(rules) is int and rules == urls.NORMALISATION_VERSION)


def read_tables(path: Path) -> tuple[Raw, dict[str, memoryview]]:
    """The store's meta table parsed, and its other tables as unparsed JSON text; or, for
    a file in another layout, changed since this tracker wrote it (the pieces' lengths are
    not those of the note `_LENGTHS`) or needing a migration, every table parsed."""
    blob = _read_bytes(path)
    found = _split_tables(blob)
    if found is not None and _current(found[0]):
        return {"meta": found[0]}, found[1]
    return _parse(path, blob), {}


def _check_normalisation(data: Raw, path: Path, hint: str) -> None:
    """Re-canonicalise the URLs of a store written under older URL rules; refuse newer."""
    note = data["meta"].get("urls", {})
    version = note.get("normalisation", 0) if isinstance(note, dict) else note
    if not isinstance(version, int) or isinstance(version, bool) or version < 0:
        raise StoreError(f"the store {path} has an invalid URL normalisation version: "
                         f"{version!r}", hint=hint)
    if version > urls.NORMALISATION_VERSION:
        raise StoreError(
            f"the store {path} canonicalises URLs by rules version {version}, newer than "
            f"this tracker knows ({urls.NORMALISATION_VERSION})",
            hint="upgrade tracker; the file was not changed")
    if version < urls.NORMALISATION_VERSION:
        renormalise(data)


def _schema_version(data: Raw, path: Path, hint: str) -> int:
    schema = data.get("meta", {}).get("schema", {})
    version = schema.get("version", 0) if isinstance(schema, dict) else schema
    if not isinstance(version, int) or isinstance(version, bool) or version < 0:
        raise StoreError(
            f"the store {path} has an invalid schema version: {version!r}",
            hint=hint,
        )
    return version


def new_raw() -> Raw:
    data: Raw = {}
    for _, migrate in MIGRATIONS:
        migrate(data)
    data["meta"] = {"schema": {"version": SCHEMA_VERSION},
                    "urls": {"normalisation": urls.NORMALISATION_VERSION}}
    return data


class _MemoryStorage(Storage):
    """TinyDB storage over an in-memory dict; the FileStore decides when to write the file.

    A custom Storage is TinyDB's documented extension point; the FileStore reads its
    records straight from this dict (its own), and changes them only through TinyDB.
    """

    def __init__(self, data: Raw) -> None:
        self.data = data
        self.dirty = False

    def read(self) -> Raw:
        return self.data

    def write(self, data: Raw) -> None:
        self.data = data
        self.dirty = True


class _KeyedTable(Table):
    """Documents keyed by their natural key (slug, article URL, feed URL) instead of ints."""

    document_id_class = str  # type: ignore[assignment]  # TinyDB types this as int


class _TinyDB(TinyDB):
    table_class = _KeyedTable


class FileStore(Records):
    """The tracker's records, read from one JSON file; see the module docstring.

    `pending` holds tables read from the file but not parsed yet (see `_split_tables`):
    each is parsed when first used, or when the file is written.
    """

    def __init__(self, path: Path, data: Raw, identity: tuple[int, ...] | None = None,
                 pending: dict[str, memoryview] | None = None) -> None:
        self.path = path
        self.location = str(path)
        self.identity = identity  # the file as it was before it was read; see open_store
        self._pending = dict(pending or {})
        self._storage = _MemoryStorage(data)
        self._db = _TinyDB(storage=lambda: self._storage)

    def _data(self, table: str) -> dict[str, Any]:
        """The table's documents, parsed now if they were not yet."""
        data = self._storage.data
        if table in self._pending:  # dropped only once parsed: a damaged one stays damaged
            data[table] = _parse_table(self.path, table, self._pending[table])
            del self._pending[table]
        return data.get(table, {})

    # -- the document primitives -------------------------------------------------------------

    def _table(self, name: str) -> Table:
        self._data(name)  # TinyDB then finds it parsed
        return self._db.table(name, cache_size=0)

    def _get(self, table: str, key: str) -> dict[str, Any] | None:
        return self._data(table).get(key)

    def _scan(self, table: str) -> Iterable[tuple[str, Any]]:
        return list(self._data(table).items())

    def _count(self, table: str) -> int:
        return len(self._data(table))

    def _put(self, table: str, docs: dict[str, dict[str, Any]]) -> None:
        """Insert or replace documents: the old ones removed by id, then all inserted with
        their ids (both documented TinyDB operations), two operations whatever their number."""
        tbl = self._table(table)
        existing = self._data(table)
        old = [k for k in docs if k in existing]
        if old:
            tbl.remove(doc_ids=old)  # type: ignore[arg-type]  # our ids are strings
        tbl.insert_multiple([Document(doc, doc_id=k) for k, doc in docs.items()])  # type: ignore[arg-type]

    def _remove(self, table: str, keys: list[str]) -> None:
        keys = [k for k in keys if k in self._data(table)]
        if keys:
            self._table(table).remove(doc_ids=keys)  # type: ignore[arg-type]

    def tables(self) -> list[str]:
        names = [*self._storage.data, *self._pending]
        return [*TABLES, *(t for t in names if t not in TABLES)]

    # -- kept items' expiry, without reading them when none can be due -------------------------

    def entries_seen_before(self, cutoff: str) -> list[str]:
        """As for every store; but a poll asks this each time, and the kept items are most
        of the file: the meta note `_FLOOR` (no kept item was seen before its `seen`,
        made again at every write) answers "none" for a cutoff not past it while they are
        unparsed, so unchanged since it was made."""
        note = self._data("meta").get(_FLOOR)
        floor = note.get("seen") if isinstance(note, dict) else None
        if "entries" in self._pending and isinstance(floor, str) and cutoff <= floor:
            return []
        return super().entries_seen_before(cutoff)

    def _note_entries_floor(self) -> None:
        seen = [str(doc.get("seen", "")) for doc in self._data("entries").values()
                if isinstance(doc, dict)]
        self._note(_FLOOR, {"seen": min(seen)} if seen else None)

    # -- articles per dispute, without reading the articles when they have not changed -----

    def link_counts(self, dispute: str | None = None) -> dict[str, int]:
        """As for every store; but `dispute list` asks this, and the articles are most of
        the file: the meta note `_COUNTS` (made again at every write) answers while they
        are unparsed, so unchanged since it was made."""
        note = self._data("meta").get(_COUNTS)
        if "articles" in self._pending and isinstance(note, dict) and all(
                type(n) is int for n in note.values()):
            return {slug: n for slug, n in note.items() if dispute is None or slug == dispute}
        return super().link_counts(dispute)

    def _note_link_counts(self) -> None:
        counts: dict[str, int] = {}
        for doc in self._data("articles").values():
            links = doc.get("links", []) if isinstance(doc, dict) else None
            if not isinstance(links, list) or not all(
                    isinstance(link, dict) and isinstance(link.get("dispute"), str)
                    for link in links):
                self._note(_COUNTS, None)  # a malformed record (doctor names it): counted
                return  # by reading them
            for link in links:
                counts[link["dispute"]] = counts.get(link["dispute"], 0) + 1
        self._note(_COUNTS, counts)

    def _note(self, key: str, note: dict[str, Any] | None) -> None:
        """Set (or, for None, drop) one of this backend's own notes in the meta table."""
        if self._data("meta").get(key) != note:
            if note is None:
                self._remove("meta", [key])
            else:
                self._put("meta", {key: note})

    def documents(self, table: str) -> Iterator[tuple[str, Any]]:
        """As stored, less this backend's own notes (a copy or an export never carries them)."""
        for key, doc in self._scan(table):
            if key not in _OWN_NOTES or table != "meta":
                yield key, doc

    @property
    def dirty(self) -> bool:
        return self._storage.dirty

    def flush(self) -> None:
        """Write the file once if anything changed, noting each table's length for the
        next read (`read_tables`). Tables never parsed are parsed now (a damaged one
        written back would become the backup, and 'doctor --restore' could no longer put
        back the last good generation) and written as dumps writes them: as they were
        read, unless a hand edit kept a table's length (lines moved, keys unsorted). The
        notes on the kept items and the articles are made again from them each time."""
        if self._storage.dirty:
            for name in list(self._pending):
                self._data(name)  # so the notes below are made from what is written
            self._note_entries_floor()
            self._note_link_counts()
            texts = _table_texts({t: d for t, d in self._storage.data.items() if t != "meta"})
            self._note(_LENGTHS, {name: len(text) for name, text in texts.items()})
            texts |= _table_texts({"meta": self._storage.data["meta"]})
            atomic_write(self.path, _join_texts(texts))
            self._storage.dirty = False

    def raw(self) -> Raw:
        """The whole store as plain data (for doctor's file checks); do not mutate."""
        for table in list(self._pending):
            self._data(table)
        return self._storage.data

    # -- "not modified" notes, in a small file beside the store --------------------------------

    def record_checks(self, checks: dict[str, str]) -> None:
        """Note when feeds were last checked without change; the store is not rewritten."""
        if checks:
            atomic_write(checks_path(self.path), dumps({**self.checks(), **checks}),
                         backup=False)

    def checks(self) -> dict[str, str]:
        try:
            data = orjson.loads(checks_path(self.path).read_bytes())
        except (OSError, ValueError):
            return {}  # a lost or torn note only costs a stale "last poll" column
        return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}


def checks_path(db: Path) -> Path:
    return db.with_name(db.name + ".checked")


def poll_lock_path(db: Path) -> Path:
    return db.with_name(db.name + ".poll.lock")


@contextlib.contextmanager
def poll_lock(db: Path) -> Iterator[None]:
    """Only one poll at a time: a second one fails at once (exit 75), it never waits."""
    with _locked(poll_lock_path(db), 0, store=db,
                 busy=LockedError(f"a poll of {db} is already running",
                                  hint="let it finish; 'tracker news' then shows what it brought"),
                 failed=f"cannot lock {poll_lock_path(db)}"):
        yield


@contextlib.contextmanager
def _locked(path: Path, timeout: float, *, store: Path, busy: Exception,
            failed: str) -> Iterator[None]:
    """Hold the lock file `path` of `store`; `busy` when another process keeps it past
    `timeout`, a StoreError starting with `failed` when the lock file cannot be made."""
    from tracker.storage import locks

    lock = locks.Lock(str(path))
    try:
        lock.acquire(timeout)
    except locks.LockTimeout:
        raise busy from None
    except FileNotFoundError:  # no directory for the lock file, so none for the store
        raise _no_store(store) from None
    except OSError as exc:  # e.g. a directory where the lock file cannot be created
        raise StoreError(f"{failed}: {exc.strerror or exc}") from None
    try:
        yield
    finally:
        lock.release()


def describe(db: Path) -> dict[str, str]:
    return {"store": str(db), "backup": str(backup_path(db)), "lock": str(lock_path(db))}


def lock_path(path: Path) -> Path:
    return path.with_name(path.name + ".lock")


@contextlib.contextmanager
def writer_lock(path: Path, timeout: float) -> Iterator[None]:
    """Hold the store's inter-process writer lock, waiting up to `timeout` seconds."""
    with _locked(lock_path(path), timeout, store=path,
                 busy=LockedError(f"the store {path} is locked by another tracker process",
                                  hint=f"waited {timeout:g}s; try again when it finishes"),
                 failed=f"cannot lock the store {path}"):
        for stale in stale_temp_files(path):  # left by a writer that was killed mid-write
            with contextlib.suppress(OSError):
                stale.unlink()
        yield


def stale_temp_files(path: Path) -> list[Path]:
    """Temporary copies of the store (or of its backup) that a killed writer left behind.

    Only the lock holder may delete them: nobody else can be writing one at that moment.
    """
    prefix = f".{path.name}."
    try:
        names = os.listdir(path.parent)
    except OSError:
        return []
    # `.<name>.<random>.tmp` and `.<name>.bak.tmp`; not `.<name>.checked.<random>.tmp`.
    return [path.parent / n for n in names
            if n.startswith(prefix) and n.endswith(".tmp") and "." not in n[len(prefix):-4]]


def _identity(path: Path) -> tuple[int, ...] | None:
    """What tells one generation of the file from another: every write renames a new file
    into place, so a new inode, and a hand edit changes size or times."""
    try:
        st = path.stat()
    except OSError:
        return None
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


def _unchanged(store: FileStore, path: Path) -> bool:
    """Whether `store` was read from `path`, holds no change, and the file is still the
    generation it read."""
    return (store.path == path and not store.dirty and store.identity is not None
            and store.identity == _identity(path))


def _read(path: Path) -> FileStore:
    identity = _identity(path)  # taken first: a file replaced meanwhile never looks unchanged
    data, pending = read_tables(path)
    return FileStore(path, data, identity, pending)


@contextlib.contextmanager
def open_store(path: Path, *, write: bool = False, lock_timeout: float = 10.0,
               reuse: Any = None) -> Iterator[FileStore]:
    """Open the store; with write=True, lock it and write once on a clean exit.

    An exception inside the block discards every change: the file is not touched.
    `reuse` is a store read earlier without the lock (a poll reads one before fetching):
    when nothing changed it and the file is still the one it was read from, the writer
    takes it over instead of parsing the file again.
    """
    if not write:
        yield _read(path)
        return
    with writer_lock(path, lock_timeout):
        store = reuse if isinstance(reuse, FileStore) and _unchanged(reuse, path) else _read(path)
        yield store
        store.flush()


def create_store(path: Path, fill: Callable[[Any], None], *, lock_timeout: float = 10.0) -> bool:
    """Create a new store at `path` and let `fill` seed it. False if one already exists."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(f"cannot create the directory {path.parent}: {exc.strerror}") from None
    with writer_lock(path, lock_timeout):
        if path.exists():
            read_raw(path)  # an unreadable file is reported, never replaced
            return False
        store = FileStore(path, new_raw())
        fill(store)
        store._storage.dirty = True
        store.flush()
        return True
