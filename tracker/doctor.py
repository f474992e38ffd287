"""`tracker doctor`: check the store and its records, fix what is safe, restore the backup.

The checks: the file parses and holds tracker tables, its schema version, every record
builds into its model with fields of the right types and under the right key, values
from the controlled vocabularies, links naming a dispute that does not exist (article
links, related disputes, feeds made for a dispute), two articles with the same canonical
URL, events whose date is not a date, and temporary files a killed write left.

The record checks work on any backend (they read the stored documents through the
storage seam); the file checks (parsing, the backup, temporary files) only on the file.

`fix` only drops what points nowhere (links to missing disputes). `restore` puts the
previous generation (`<name>.bak`) back when the store file cannot be read; the unreadable
file is kept beside it as `<name>.broken-<time>`: user data is never deleted.
"""

from __future__ import annotations

import dataclasses
import functools
import os
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from types import UnionType
from typing import Any, Union, get_args, get_origin, get_type_hints

import orjson

from tracker import sources
from tracker.errors import ExitCode, InputError, StoreError
from tracker.models import (
    KINDS,
    RELATIONS,
    ROLES,
    STATUSES,
    Article,
    Dispute,
    Feed,
    check_date,
    now,
)
from tracker.paths import DbUrl, Location
from tracker.storage import (
    RECORD_TABLES,
    Raw,
    atomic_write,
    backup_path,
    open_store,
    read_raw,
    stale_temp_files,
    writer_lock,
)
from tracker.urls import normalise_url

REPORT_VERSION = 1
_MODELS: dict[str, Callable[[dict[str, Any]], Any]] = {
    "disputes": Dispute.from_dict, "articles": Article.from_dict, "feeds": Feed.from_dict}
# Problems that make commands fail, as opposed to records that are merely untidy.
DAMAGE = frozenset({"record", "event-date"})


@dataclass
class Problem:
    """One thing wrong with the store: which check found it, where, and what it is."""

    # record | key | value | dangling-link | duplicate-url | duplicate-id | event-date |
    # future-status | timestamp | temp-file
    check: str
    where: str  # e.g. "articles/https://news.example/a.links[0]"
    problem: str
    fixable: bool = False  # `tracker doctor --fix` repairs it


@dataclass
class Restored:
    source: str  # the backup that was put back
    kept: str | None  # where the file it replaced was kept


@dataclass
class Report:
    store: str
    readable: bool = False
    error: str | None = None  # why the store cannot be read
    schema_version: int | None = None
    counts: dict[str, int] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    backup: dict[str, Any] = field(default_factory=dict)  # path, exists, readable, error
    fixed: list[str] = field(default_factory=list)
    restored: Restored | None = None

    @property
    def exit_code(self) -> ExitCode:
        if not self.readable:
            return ExitCode.STORE
        return ExitCode.ERROR if self.problems else ExitCode.OK

    def to_dict(self) -> dict[str, Any]:
        return {"version": REPORT_VERSION, "healthy": self.exit_code == ExitCode.OK,
                **asdict(self)}


# -- checks -----------------------------------------------------------------------------------


def check(location: Location) -> Report:
    """Every problem of the store at `location`; never writes."""
    if isinstance(location, DbUrl):
        return _check_records(location)
    path = location
    report = Report(store=str(path), backup=_backup_state(path))
    try:
        data = read_raw(path)
    except StoreError as exc:
        report.error = exc.message
        return report
    report.readable = True
    report.schema_version = _file_version(path)
    report.counts = {t: len(data.get(t, {})) for t in RECORD_TABLES}
    report.problems = [*_problems(data), *_file_problems(path)]
    return report


def _check_records(location: DbUrl) -> Report:
    """The record checks of a database store (it keeps no backup or temporary files)."""
    report = Report(store=str(location), backup={
        "path": "(the database server's own backups, e.g. pg_dump)", "exists": False,
        "readable": False, "error": None})
    try:
        with open_store(location) as store:
            data = {t: dict(store.documents(t)) for t in store.tables()}
    except StoreError as exc:
        report.error = exc.message
        return report
    report.readable = True
    version = data.get("meta", {}).get("schema", {})
    report.schema_version = version.get("version") if isinstance(version, dict) else None
    report.counts = {t: len(data.get(t, {})) for t in RECORD_TABLES}
    report.problems = list(_problems(data))
    return report


def blame(path: Location) -> StoreError | None:
    """The damaged record to blame when a command failed unexpectedly, if there is one."""
    report = check(path)
    damage = [p for p in report.problems if p.check in DAMAGE]
    if not report.readable or not damage:
        return None
    more = f" (and {len(damage) - 1} more)" if len(damage) > 1 else ""
    return StoreError(f"the store {path} holds a malformed record: {damage[0].where}: "
                      f"{damage[0].problem}{more}",
                      hint="nothing was written; 'tracker doctor' lists every problem")


def _file_version(path: Path) -> int | None:
    """The schema version written in the file (read_raw reports the migrated one)."""
    try:
        schema = orjson.loads(path.read_bytes()).get("meta", {}).get("schema", {})
        return int(schema.get("version", 0))
    except (OSError, ValueError, TypeError, AttributeError):
        return None


def _backup_state(path: Path) -> dict[str, Any]:
    bak = backup_path(path)
    state: dict[str, Any] = {"path": str(bak), "exists": bak.exists(), "readable": False,
                             "error": None}
    if state["exists"]:
        try:
            read_raw(bak)
            state["readable"] = True
        except StoreError as exc:
            state["error"] = exc.message
    return state


def _problems(data: Raw) -> Iterator[Problem]:
    """The record checks: the same on every backend."""
    built: dict[str, dict[str, Any]] = {}
    for table in _MODELS:
        built[table] = {}
        for key, record, why in _built(data, table):
            built[table][key] = record
            if record is None:
                yield Problem("record", f"{table}/{key}", f"malformed {table[:-1]} record: {why}")
            elif (wanted := _key_of(table, record)) != key:
                yield Problem("key", f"{table}/{key}",
                              f"stored under '{key}' but its key is '{wanted}'")
            else:
                yield from _vocabulary(table, key, record)
    yield from _dangling(built, set(data.get("disputes", {})))
    yield from _duplicates(built["articles"])
    yield from _duplicate_ids("feeds", built["feeds"])
    today = now().date()
    for key, d in built["disputes"].items():
        for i, e in enumerate(d.events if d else []):
            try:
                check_date(str(e.date))
            except InputError:
                yield Problem("event-date", f"disputes/{key}.events[{i}]",
                              f"event date {str(e.date)!r} is not YYYY-MM-DD (or YYYY-MM / YYYY)")
                continue
            if e.status and e.when.after(today):  # e.g. 2062 typed for 2026, before 0.2
                yield Problem("future-status", f"disputes/{key}.events[{i}]",
                              f"status '{e.status}' is dated {e.date}, after today: if it is "
                              f"the latest, 'tracker dispute status {key} {e.status} "
                              "--correct --date ...' fixes it")
    yield from _stamps(built)
    yield from _side_tables(data)


def _stamps(built: dict[str, dict[str, Any]]) -> Iterator[Problem]:
    """Stamps that name no time (a hand edit): kept as they are, but they order by text."""
    found: list[tuple[str, Any]] = []
    for key, d in built["disputes"].items():
        if d:
            found += [(f"disputes/{key}.{name}", getattr(d, name))
                      for name in ("created", "updated")]
            found += [(f"disputes/{key}.events[{i}].recorded", e.recorded)
                      for i, e in enumerate(d.events)]
    for key, f in built["feeds"].items():
        if f:
            found += [(f"feeds/{key}.{name}", getattr(f, name))
                      for name in ("last_polled", "retry_after", "added")]
    for where, stamp in found:
        if stamp:
            try:
                stamp.instant()
            except (ValueError, OverflowError):
                yield Problem("timestamp", where, f"{str(stamp)[:80]!r} is no timestamp "
                                                  "(YYYY-MM-DDTHH:MM:SS+00:00)")


def _file_problems(path: Path) -> Iterator[Problem]:
    """The file checks: what a killed write of the store file left behind."""
    for stale in stale_temp_files(path):
        yield Problem("temp-file", str(stale), "temporary file left by an interrupted write",
                      fixable=True)


def _built(data: Raw, table: str) -> Iterator[tuple[str, Any, str | None]]:
    """(key, model, None) for every record of `table`; (key, None, why) for a malformed one."""
    for key, doc in data.get(table, {}).items():
        if not isinstance(doc, dict):
            yield key, None, f"expected an object, found {_found(doc)}"
            continue
        try:
            record = _MODELS[table](dict(doc))
        except (TypeError, ValueError, KeyError, AttributeError) as exc:
            yield key, None, str(exc)[:200]
            continue
        wrong = next(_wrong(record, type(record), ""), None)
        yield (key, None, wrong) if wrong else (key, record, None)


def _wrong(value: Any, hint: Any, where: str) -> Iterator[str]:
    """Where `value` is not of the type `hint` (a model, or a field's annotation)."""
    origin, args = get_origin(hint), get_args(hint)
    if dataclasses.is_dataclass(hint):
        if not isinstance(value, hint):  # type: ignore[arg-type]  # hint is a class here
            yield f"{where.lstrip('.')}: expected an object, found {_found(value)}"
            return
        hints = _hints(hint)  # type: ignore[arg-type]
        for f in dataclasses.fields(hint):
            yield from _wrong(getattr(value, f.name), hints[f.name], f"{where}.{f.name}")
    elif origin in (Union, UnionType):
        if all(next(_wrong(value, a, where), None) for a in args):
            yield f"{where.lstrip('.')}: expected {_type_name(hint)}, found {_found(value)}"
    elif not isinstance(value, origin or hint) or (hint is int and isinstance(value, bool)):
        yield f"{where.lstrip('.')}: expected {_type_name(hint)}, found {_found(value)}"
    elif origin is list:
        for i, item in enumerate(value):
            yield from _wrong(item, args[0], f"{where}[{i}]")
    elif origin is dict:
        for k, item in value.items():
            yield from _wrong(item, args[1], f"{where}[{k!r}]")


@functools.cache
def _hints(cls: type) -> dict[str, Any]:
    return get_type_hints(cls)


def _type_name(hint: Any) -> str:
    if get_origin(hint) in (Union, UnionType):
        return " or ".join(_type_name(a) for a in get_args(hint))
    names = {str: "text", int: "a whole number", bool: "true or false", list: "a list",
             dict: "an object", type(None): "null"}
    return names.get(get_origin(hint) or hint, getattr(hint, "__name__", str(hint)))


def _found(value: Any) -> str:
    return "null" if value is None else f"{type(value).__name__} {value!r}"[:80]


def _key_of(table: str, record: Any) -> str:
    if table in ("articles", "feeds"):
        return str(record.url)
    return str(record.slug if table == "disputes" else record.id)


Values = Callable[[Any], Iterator[tuple[str, Any]]]
# The fields holding a controlled vocabulary: (what, where and value, allowed values).
_VOCABULARIES: dict[str, list[tuple[str, Values, Any]]] = {
    "disputes": [
        ("status", lambda d: iter([("status", d.status)]), STATUSES),
        ("kind", lambda d: iter([("kind", d.kind)]), KINDS),
        ("role", lambda d: ((f"parties[{i}].role", p.role) for i, p in enumerate(d.parties)),
         ROLES),
        ("relation", lambda d: ((f"related[{i}].relation", r.relation)
                                for i, r in enumerate(d.related)), RELATIONS),
        ("status", lambda d: ((f"events[{i}].status", e.status)
                              for i, e in enumerate(d.events) if e.status), STATUSES),
    ],
    "feeds": [("kind", lambda f: iter([("kind", f.kind)]), sources.names())],
}


def _vocabulary(table: str, key: str, record: Any) -> Iterator[Problem]:
    for what, values, allowed in _VOCABULARIES.get(table, []):
        for where, value in values(record):
            if value not in allowed:
                yield Problem("value", f"{table}/{key}.{where}", f"unknown {what} {value!r}")


def _side_tables(data: Raw) -> Iterator[Problem]:
    """The unmatched items kept for rematch, and the notes under meta."""
    for key, kept in data.get("entries", {}).items():
        if not isinstance(kept, dict) or not isinstance(kept.get("url"), str):
            yield Problem("record", f"entries/{key}", "malformed unmatched item: no url")
            continue
        feeds = kept.get("feeds", [])
        texts = ("title", "summary", "seen", "language", "outlet")
        if not isinstance(feeds, list) or not all(isinstance(f, str) for f in feeds) or \
                not all(isinstance(kept.get(k) or "", str) for k in texts):
            yield Problem("record", f"entries/{key}", "malformed unmatched item")
    for key, note in data.get("meta", {}).items():
        if not isinstance(note, dict):
            yield Problem("record", f"meta/{key}", f"expected an object, found {_found(note)}")
        elif key == "last_poll" and not isinstance(note.get("started", ""), str):
            yield Problem("record", "meta/last_poll.started", "expected a timestamp, found "
                          + _found(note.get("started")))
        elif key == "news" and not isinstance(note.get("read_until", ""), str):
            yield Problem("record", "meta/news.read_until", "expected a timestamp, found "
                          + _found(note.get("read_until")))


def _dangling(built: dict[str, dict[str, Any]], slugs: set[str]) -> Iterator[Problem]:
    # --fix rewrites a record under its key: one stored under another key is left alone.
    for key, a in built["articles"].items():
        for i, link in enumerate(a.links if a else []):
            if link.dispute not in slugs:
                yield Problem("dangling-link", f"articles/{key}.links[{i}]",
                              f"linked to a missing dispute '{link.dispute}'", a.url == key)
    for key, d in built["disputes"].items():
        for i, r in enumerate(d.related if d else []):
            if r.slug not in slugs:
                yield Problem("dangling-link", f"disputes/{key}.related[{i}]",
                              f"related to a missing dispute '{r.slug}'", d.slug == key)
    for key, f in built["feeds"].items():
        if f and f.dispute and f.dispute not in slugs:
            yield Problem("dangling-link", f"feeds/{key}.dispute",
                          f"made for a missing dispute '{f.dispute}'", f.url == key)


def _duplicate_ids(table: str, records: dict[str, Any]) -> Iterator[Problem]:
    """Two records of a table holding one short id: a typed id would name either."""
    ids: dict[str, str] = {}
    for key, r in records.items():
        if r is not None and r.id in ids:
            yield Problem("duplicate-id", f"{table}/{key}.id",
                          f"short id {r.id} is also that of {table}/{ids[r.id]}")
        elif r is not None:
            ids[r.id] = key


def _duplicates(articles: dict[str, Article | None]) -> Iterator[Problem]:
    seen: dict[str, str] = {}
    ids: dict[str, str] = {}
    for key, a in articles.items():
        if a is None:
            continue
        if a.id in ids:
            yield Problem("duplicate-id", f"articles/{key}.id",
                          f"short id {a.id} is also that of articles/{ids[a.id]}")
        ids.setdefault(a.id, key)
        try:
            canonical = normalise_url(a.url)
        except InputError:
            yield Problem("record", f"articles/{key}.url", f"not a valid article URL: {a.url!r}")
            continue
        if canonical in seen:
            yield Problem("duplicate-url", f"articles/{key}",
                          f"same canonical URL as articles/{seen[canonical]}: {canonical}")
        else:
            seen[canonical] = key


# -- repairs ----------------------------------------------------------------------------------


def fix(location: Location, lock_timeout: float) -> list[str]:
    """Drop links to disputes that do not exist (and stale temporary files); what was done."""
    done: list[str] = []
    stale = stale_temp_files(location) if isinstance(location, Path) else []
    with open_store(location, write=True, lock_timeout=lock_timeout) as store:
        done += [f"removed {p.name}" for p in stale if not p.exists()]  # the lock sweeps them
        slugs = set(store.slugs())
        raw = {t: dict(store.documents(t)) for t in ("disputes", "articles", "feeds")}
        articles = []
        for key, a, _ in _built(raw, "articles"):
            if a is not None and a.url == key and any(lk.dispute not in slugs for lk in a.links):
                gone = [link.dispute for link in a.links if link.dispute not in slugs]
                a.links = [link for link in a.links if link.dispute in slugs]
                articles.append(a)
                done.append(f"articles/{key}: dropped link(s) to {', '.join(gone)}")
        store.put_articles(articles)
        for key, d, _ in _built(raw, "disputes"):
            if d is not None and d.slug == key and any(r.slug not in slugs for r in d.related):
                gone = [r.slug for r in d.related if r.slug not in slugs]
                d.related = [r for r in d.related if r.slug in slugs]
                store.put_dispute(d)
                done.append(f"disputes/{key}: dropped relation(s) to {', '.join(gone)}")
        feeds = []
        for key, f, _ in _built(raw, "feeds"):
            if f is not None and f.url == key and f.dispute and f.dispute not in slugs:
                done.append(f"feeds/{key}: no longer made for missing '{f.dispute}'")
                f.dispute = None
                feeds.append(f)
        store.put_feeds(feeds)
    return done


def restore(path: Location, *, force: bool, lock_timeout: float) -> Restored:
    """Put `<name>.bak` back as the store, keeping the file it replaces.

    Refused when the store reads fine (unless `force`) and when the backup cannot be read.
    """
    if isinstance(path, DbUrl):
        raise InputError("--restore puts back a store file's backup; a database store has none",
                         hint="restore the database from the server's own backup (pg_dump)")
    bak = backup_path(path)
    with writer_lock(path, lock_timeout):
        try:
            read_raw(path)
            broken = False
        except StoreError:
            broken = True
        if not broken and not force:
            raise InputError(f"the store {path} reads fine; nothing to restore",
                             hint="'tracker doctor --restore --force' replaces it with "
                                  f"{bak.name} anyway (the current file is kept)")
        try:
            read_raw(bak)
            payload = bak.read_bytes()
        except StoreError as exc:
            raise StoreError(f"cannot restore: {exc.message}",
                             hint="nothing was changed; 'tracker import' can rebuild a store "
                                  "from an export") from None
        except OSError as exc:
            raise StoreError(f"cannot read the backup {bak}: {exc.strerror or exc}") from None
        kept = _aside(path, "broken" if broken else "replaced") if path.exists() else None
        if kept is not None:
            _keep(path, kept)
        atomic_write(path, payload, backup=False)  # the backup stays where it is
    return Restored(str(bak), str(kept) if kept else None)


def _aside(path: Path, label: str) -> Path:
    """A free name beside `path` for keeping a file: `<name>.<label>-<UTC time>[-n]`."""
    stamp = now().strftime("%Y%m%dT%H%M%SZ")
    candidate = path.with_name(f"{path.name}.{label}-{stamp}")
    n = 1
    while candidate.exists():
        candidate = path.with_name(f"{path.name}.{label}-{stamp}-{n}")
        n += 1
    return candidate


def _keep(path: Path, kept: Path) -> None:
    """A copy of `path` under the name `kept` (a hard link when the file system allows)."""
    try:
        os.link(path, kept)
        return
    except OSError:
        pass
    try:
        blob = path.read_bytes()
    except OSError as exc:
        raise StoreError(f"cannot keep a copy of {path}: {exc.strerror or exc}",
                         hint="nothing was changed") from None
    atomic_write(kept, blob, backup=False)


def run(path: Location, *, restore_backup: bool = False, force: bool = False,
        repair: bool = False, lock_timeout: float = 10.0) -> Report:
    """What `tracker doctor` does: restore and fix when asked, then check."""
    if force and not restore_backup:
        raise InputError("--force only goes with --restore")
    restored = restore(path, force=force, lock_timeout=lock_timeout) if restore_backup else None
    fixed: list[str] = []
    if repair:
        before = check(path)
        if not before.readable:
            before.restored = restored
            return before
        if any(p.fixable for p in before.problems):
            fixed = fix(path, lock_timeout)
    report = check(path)
    report.fixed, report.restored = fixed, restored
    return report
