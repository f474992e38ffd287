"""`tracker doctor`: check the store and its records, fix what is safe, restore the backup.

The checks: the file parses and holds tracker tables, its schema version, every record
builds into its model under the right key, links naming a dispute that does not exist
(article links, related disputes, feeds made for a dispute), two articles with the same
canonical URL, events whose date is not a date, and temporary files a killed write left.

`fix` only drops what points nowhere (links to missing disputes). `restore` puts the
previous generation (`<name>.bak`) back when the store cannot be read; the unreadable
file is kept beside it as `<name>.broken-<time>`: user data is never deleted.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from tracker.errors import ExitCode, InputError, StoreError
from tracker.models import Article, Dispute, Feed, check_date, now
from tracker.storage import (
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


@dataclass
class Problem:
    """One thing wrong with the store: which check found it, where, and what it is."""

    check: str  # record | key | dangling-link | duplicate-url | event-date | temp-file
    where: str  # e.g. "articles/3f2a9c01de.links[0]"
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


def _file_version(path: Path) -> int | None:
    """The schema version written in the file (read_raw reports the migrated one)."""
    import orjson

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


def check(path: Path) -> Report:
    """Every problem of the store at `path`; never writes."""
    report = Report(store=str(path), backup=_backup_state(path))
    try:
        data = read_raw(path)
    except StoreError as exc:
        report.error = exc.message
        return report
    report.readable = True
    report.schema_version = _file_version(path)
    report.counts = {t: len(data.get(t, {})) for t in ("disputes", "articles", "feeds", "entries")}
    report.problems = list(_problems(path, data))
    return report


def _built(data: Raw, table: str) -> Iterator[tuple[str, Any]]:
    """(key, model) for every record of `table` that builds; None for those that do not."""
    for key, doc in data.get(table, {}).items():
        try:
            yield key, _MODELS[table](dict(doc))
        except (TypeError, ValueError, KeyError, AttributeError):
            yield key, None


def _problems(path: Path, data: Raw) -> Iterator[Problem]:
    built = {t: dict(_built(data, t)) for t in _MODELS}
    for table, records in built.items():
        for key, record in records.items():
            if record is None:
                yield Problem("record", f"{table}/{key}",
                              f"malformed {table[:-1]} record: {_why(table, data[table][key])}")
            elif (wanted := _key_of(table, record)) != key:
                yield Problem("key", f"{table}/{key}",
                              f"stored under '{key}' but its key is '{wanted}'")
    slugs = set(data.get("disputes", {}))
    yield from _dangling(built, slugs)
    yield from _duplicates(built["articles"])
    for key, d in built["disputes"].items():
        for i, e in enumerate(d.events if d else []):
            try:
                check_date(e.date)
            except (InputError, AttributeError, TypeError):
                yield Problem("event-date", f"disputes/{key}.events[{i}]",
                              f"event date {e.date!r} is not YYYY-MM-DD (or YYYY-MM / YYYY)")
    for key, kept in data.get("entries", {}).items():
        if not isinstance(kept, dict) or not isinstance(kept.get("url"), str):
            yield Problem("record", f"entries/{key}", "malformed unmatched item (no url)")
    for stale in stale_temp_files(path):
        yield Problem("temp-file", str(stale), "temporary file left by an interrupted write",
                      fixable=True)


def _why(table: str, doc: Any) -> str:
    try:
        _MODELS[table](dict(doc))
    except (TypeError, ValueError, KeyError, AttributeError) as exc:
        return str(exc)[:200]
    return "unknown"  # pragma: no cover - only called for records that failed


def _key_of(table: str, record: Any) -> str:
    return str(record.slug if table == "disputes" else record.id)


def _dangling(built: dict[str, dict[str, Any]], slugs: set[str]) -> Iterator[Problem]:
    # --fix rewrites a record under its key: one stored under another key is left alone.
    for key, a in built["articles"].items():
        for i, link in enumerate(a.links if a else []):
            if link.dispute not in slugs:
                yield Problem("dangling-link", f"articles/{key}.links[{i}]",
                              f"linked to a missing dispute '{link.dispute}'", a.id == key)
    for key, d in built["disputes"].items():
        for i, r in enumerate(d.related if d else []):
            if r.slug not in slugs:
                yield Problem("dangling-link", f"disputes/{key}.related[{i}]",
                              f"related to a missing dispute '{r.slug}'", d.slug == key)
    for key, f in built["feeds"].items():
        if f and f.dispute and f.dispute not in slugs:
            yield Problem("dangling-link", f"feeds/{key}.dispute",
                          f"made for a missing dispute '{f.dispute}'", f.id == key)


def _duplicates(articles: dict[str, Article | None]) -> Iterator[Problem]:
    seen: dict[str, str] = {}
    for key, a in articles.items():
        if a is None:
            continue
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


def fix(path: Path, lock_timeout: float) -> list[str]:
    """Drop links to disputes that do not exist (and stale temporary files); what was done."""
    done: list[str] = []
    stale = stale_temp_files(path)
    with open_store(path, write=True, lock_timeout=lock_timeout) as store:
        done += [f"removed {p.name}" for p in stale if not p.exists()]  # the lock sweeps them
        slugs = set(store.slugs())
        raw = store.raw()
        articles = []
        for key, a in _built(raw, "articles"):
            if a is not None and a.id == key and any(lk.dispute not in slugs for lk in a.links):
                gone = [link.dispute for link in a.links if link.dispute not in slugs]
                a.links = [link for link in a.links if link.dispute in slugs]
                articles.append(a)
                done.append(f"articles/{key}: dropped link(s) to {', '.join(gone)}")
        store.put_articles(articles)
        for key, d in _built(raw, "disputes"):
            if d is not None and d.slug == key and any(r.slug not in slugs for r in d.related):
                gone = [r.slug for r in d.related if r.slug not in slugs]
                d.related = [r for r in d.related if r.slug in slugs]
                store.put_dispute(d)
                done.append(f"disputes/{key}: dropped relation(s) to {', '.join(gone)}")
        feeds = []
        for key, f in _built(raw, "feeds"):
            if f is not None and f.id == key and f.dispute and f.dispute not in slugs:
                done.append(f"feeds/{key}: no longer made for missing '{f.dispute}'")
                f.dispute = None
                feeds.append(f)
        store.put_feeds(feeds)
    return done


def _aside(path: Path, label: str) -> Path:
    """A free name beside `path` for keeping a file: `<name>.<label>-<UTC time>[-n]`."""
    stamp = now().strftime("%Y%m%dT%H%M%SZ")
    candidate = path.with_name(f"{path.name}.{label}-{stamp}")
    n = 1
    while candidate.exists():
        candidate = path.with_name(f"{path.name}.{label}-{stamp}-{n}")
        n += 1
    return candidate


def restore(path: Path, *, force: bool, lock_timeout: float) -> Restored:
    """Put `<name>.bak` back as the store, keeping the file it replaces.

    Refused when the store reads fine (unless `force`) and when the backup cannot be read.
    """
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


def run(path: Path, *, restore_backup: bool = False, force: bool = False,
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
