"""Export the store as one versioned JSON document, and import such a document back.

The shape is described by `export.schema.json` (JSON Schema 2020-12, shipped with the
package). `validate()` walks that same schema, so the file is the single statement of
the rules; it implements the keywords the schema uses, plus the `tracker-*` and
`http-url` formats that generic validators treat as annotations.

Import merges by key (dispute slug, canonical article URL, feed URL): new records are
added, lists are unioned, nothing is deleted, and a scalar of an existing record is
only filled in when the store's value is empty. Records that do not change are not
written, so importing the same file twice leaves the store file untouched.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

import orjson

from tracker import __version__, core, dates
from tracker.errors import InputError
from tracker.models import (
    Article,
    Dispute,
    Feed,
    Link,
    Party,
    Related,
    check_date,
    now_iso,
    suggest,
)
from tracker.paths import bundled
from tracker.storage import Store, dumps
from tracker.urls import check_url, normalise_url

EXPORT_VERSION = 1
FORMATS = ("json", "ndjson", "csv")
CSV_COLUMNS = ("id", "url", "published", "outlet", "title", "disputes", "language",
               "first_seen", "feeds", "summary")
MAX_PROBLEMS_SHOWN = 5

Json = dict[str, Any]
T = TypeVar("T")


def schema_text() -> str:
    """The export format's JSON Schema file, as shipped in the package."""
    return bundled("export.schema.json")


@functools.cache
def schema() -> Json:
    loaded: Json = json.loads(schema_text())
    return loaded


# -- export ---------------------------------------------------------------------------------


def article_record(article: Article) -> Json:
    """An article as exported: the stored record plus its derived `id` and `disputes`."""
    return {**article.to_dict(), "id": article.id, "disputes": article.disputes()}


def _article_order(record: Json) -> tuple[str, str]:
    return (record["published"] or record["first_seen"], record["url"])


@dataclass
class Export:
    doc: Json
    dropped: list[str] = field(default_factory=list)  # relations a filtered export left out


def build_export(store: Store, slugs: Sequence[str] = ()) -> Json:
    """The export document (see `export`)."""
    return export(store, slugs).doc


def export(store: Store, slugs: Sequence[str] = ()) -> Export:
    """The export document; with `slugs`, only those disputes and the articles linked to them.

    A filtered export is self-contained: its articles keep only their links to the chosen
    disputes, its feeds are those made for the chosen disputes, and a relation to a
    dispute left out is dropped (`dropped` says which: 'a consolidated-into b').
    """
    chosen = {core.get_dispute(store, s).slug for s in slugs} or set(store.slugs())
    disputes, dropped = [], []
    for d in store.disputes():
        if d.slug not in chosen:
            continue
        dropped += [f"{d.slug} {r.relation} {r.slug}" for r in d.related if r.slug not in chosen]
        d.related = [r for r in d.related if r.slug in chosen]
        disputes.append(d.to_dict())
    articles = []
    for a in store.articles():
        if slugs:
            a.links = [link for link in a.links if link.dispute in chosen]
            if not a.links:
                continue
        articles.append(article_record(a))
    feeds = [f.record() for f in store.feeds() if not slugs or f.dispute in chosen]
    return Export({
        "schema_version": EXPORT_VERSION,
        "exported_at": now_iso(),
        "tracker_version": __version__,
        "disputes": disputes,
        "articles": sorted(articles, key=_article_order),
        "feeds": sorted(feeds, key=lambda f: f["url"]),
    }, dropped)


def describe(doc: Json, fmt: str = "json") -> str:
    """What an export holds, for the message after writing it: '3 disputes, 12 articles'."""
    if fmt != "json":
        return f"{len(doc['articles'])} articles"
    return f"{len(doc['disputes'])} disputes, {len(doc['articles'])} articles, " \
           f"{len(doc['feeds'])} feeds"


def serialise(doc: Json, fmt: str = "json") -> bytes:
    """The export as bytes: the whole document (json), or one article per line/row."""
    if fmt == "json":
        return dumps(doc)
    if fmt == "ndjson":
        opt = orjson.OPT_SORT_KEYS | orjson.OPT_APPEND_NEWLINE
        return b"".join(orjson.dumps(a, option=opt) for a in doc["articles"])
    if fmt == "csv":
        from tracker import csvfile

        return csvfile.to_bytes(CSV_COLUMNS, ([a[c] for c in CSV_COLUMNS]
                                              for a in doc["articles"]))
    raise InputError(f"unknown export format '{fmt}'", hint=f"choose one of: {', '.join(FORMATS)}")


# -- validation -----------------------------------------------------------------------------

_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_JSON_TYPES: dict[str, Callable[[Any], bool]] = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    "integer": lambda v: (isinstance(v, int) and not isinstance(v, bool))
    or (isinstance(v, float) and v.is_integer()),
}


@dataclass(frozen=True)
class Problem:
    """One reason a document is not a valid export, and where: `$.disputes[2].events[0].date`."""

    path: str
    reason: str

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"


def _child(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if _IDENT.match(key) else f"{path}[{json.dumps(key)}]"


def _json_type(value: Any) -> str:
    return next(name for name in ("null", "boolean", "integer", "number", "string", "array",
                                  "object") if _JSON_TYPES[name](value))


def _check_format(fmt: str, value: str, what: str) -> str | None:
    """The reason `value` fails `fmt`, or None; unknown formats are annotations only."""
    try:
        if fmt == "tracker-date" or (fmt == "tracker-when" and len(value) <= 10):
            check_date(value)
        elif fmt in ("tracker-when", "tracker-timestamp") and value:
            dates.read_timestamp(value)
        elif fmt == "http-url":
            check_url(value)
    except InputError as exc:
        return exc.message + (f" ({exc.hint})" if exc.hint else "")
    except ValueError:
        return f"invalid {what} {value!r}"
    return None


@functools.cache
def _ecma(pattern: str) -> re.Pattern[str]:
    # In JSON Schema (ECMA-262) `$` is the very end; in Python it also matches before a
    # final newline, which would let "2025-01-01\n" through.
    return re.compile(re.sub(r"(?<!\\)\$", r"\\Z", pattern))


def _walk(node: Json, value: Any, path: str) -> Iterator[Problem]:
    """The problems of `value` against the schema `node` (the keywords our schema uses)."""
    if "$ref" in node:
        name = node["$ref"].removeprefix("#/$defs/")
        yield from _walk(schema()["$defs"][name], value, path)
        return
    types = node.get("type")
    if types is not None:
        wanted = [types] if isinstance(types, str) else types
        if not any(_JSON_TYPES[t](value) for t in wanted):
            yield Problem(path, f"expected {' or '.join(wanted)}, found {_json_type(value)}")
            return
    if "const" in node and not _same(value, node["const"]):
        yield Problem(path, f"must be {json.dumps(node['const'])}, found {json.dumps(value)}")
    if "enum" in node and not any(_same(value, e) for e in node["enum"]):
        yield Problem(path, _enum_reason(value, node["enum"]))
    if isinstance(value, str):
        yield from _walk_string(node, value, path)
    if _JSON_TYPES["number"](value) and "minimum" in node and value < node["minimum"]:
        yield Problem(path, f"must be at least {node['minimum']}, found {value}")
    if isinstance(value, list) and "items" in node:
        for i, item in enumerate(value):
            yield from _walk(node["items"], item, _child(path, i))
    if isinstance(value, dict):
        yield from _walk_object(node, value, path)


def _walk_string(node: Json, value: str, path: str) -> Iterator[Problem]:
    if len(value) < node.get("minLength", 0):
        yield Problem(path, "must not be empty" if node["minLength"] == 1 else "too short")
    elif len(value) > node.get("maxLength", len(value)):
        yield Problem(path, f"longer than {node['maxLength']} characters")
    elif "pattern" in node and not _ecma(node["pattern"]).search(value):
        what = {"tracker-date": "date", "http-url": "URL"}.get(node.get("format", ""), "value")
        hint = {"date": " (use YYYY-MM-DD, or YYYY-MM / YYYY)",
                "URL": " (an absolute http:// or https:// address)"}.get(what, "")
        yield Problem(path, f"invalid {what} {json.dumps(value, ensure_ascii=False)}{hint}")
    elif "format" in node:
        reason = _check_format(node["format"], value, node["format"].removeprefix("tracker-"))
        if reason:
            yield Problem(path, reason)


def _walk_object(node: Json, value: Json, path: str) -> Iterator[Problem]:
    for name in node.get("required", []):
        if name not in value:
            yield Problem(_child(path, name), "missing (required)")
    props = node.get("properties", {})
    extra = node.get("additionalProperties", True)
    for key, item in value.items():
        if key in props:
            yield from _walk(props[key], item, _child(path, key))
        elif extra is False:
            close = suggest(key, props)
            hint = f"; did you mean '{close}'?" if close else ""
            yield Problem(_child(path, key), f"unknown field{hint}")
        elif isinstance(extra, dict):
            yield from _walk(extra, item, _child(path, key))


def _same(a: Any, b: Any) -> bool:
    """JSON equality: true is not 1, unlike in Python."""
    if _json_type(a) == _json_type(b) == "integer":
        return bool(a == b)
    return type(a) is type(b) and bool(a == b)


def _enum_reason(value: Any, options: list[Any]) -> str:
    words = [str(o) for o in options if o is not None]
    close = suggest(value, words) if isinstance(value, str) else None
    hint = f" (did you mean '{close}'?)" if close else ""
    return f"unknown value {json.dumps(value, ensure_ascii=False)}{hint}; " \
           f"choose one of: {', '.join(words)}{' or null' if None in options else ''}"


def _duplicates(records: list[Json], path: str, key: Callable[[Json], str],
                what: str) -> Iterator[Problem]:
    seen: dict[str, int] = {}
    for i, record in enumerate(records):
        k = key(record)
        if k in seen:
            yield Problem(_child(_child(path, i), what.split()[-1]),
                          f"duplicate {what} {k!r} (also at {_child(path, seen[k])})")
        seen.setdefault(k, i)


def validate(doc: Any) -> list[Problem]:
    """Every problem that stops `doc` from being imported, before the store is read."""
    if isinstance(doc, dict):
        version = doc.get("schema_version")
        if isinstance(version, int) and not isinstance(version, bool) and version > EXPORT_VERSION:
            return [Problem("$.schema_version", f"export format {version} is newer than this "
                            f"tracker reads ({EXPORT_VERSION}); upgrade tracker")]
    problems = list(_walk(schema(), doc, "$"))
    if not problems:
        problems += _duplicates(doc["disputes"], "$.disputes", lambda d: d["slug"], "slug")
        problems += _duplicates(doc.get("articles", []), "$.articles",
                                lambda a: normalise_url(a["url"]), "canonical url")
        problems += _duplicates(doc.get("feeds", []), "$.feeds", lambda f: f["url"], "feed url")
        for i, a in enumerate(doc.get("articles", [])):
            problems += _duplicates(a["links"], f"$.articles[{i}].links",
                                    lambda link: link["dispute"], "link to dispute")
    return problems


def _invalid(source: str, problems: Sequence[Problem]) -> InputError:
    more = problems[1:MAX_PROBLEMS_SHOWN]
    hint = "nothing was changed"
    if more:
        rest = len(problems) - 1 - len(more)
        hint += f"; also: {'; '.join(map(str, more))}" + (f"; and {rest} more" if rest else "")
    return InputError(f"{source} is not a valid export: {problems[0]}", hint=hint)


def load(blob: bytes, source: str = "the file") -> Json:
    """Parse and validate an export; InputError saying where when it is not valid."""
    try:
        doc = orjson.loads(blob)
    except orjson.JSONDecodeError as exc:
        raise InputError(f"{source} is not valid JSON: {exc}", hint="nothing was changed") from None
    problems = validate(doc)
    if problems:
        raise _invalid(source, problems)
    loaded: Json = doc
    loaded.setdefault("articles", [])  # a hand-written file may hold only disputes
    loaded.setdefault("feeds", [])
    return loaded


# -- import ---------------------------------------------------------------------------------


@dataclass
class Counts:
    added: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass
class ImportSummary:
    disputes: Counts = field(default_factory=Counts)
    articles: Counts = field(default_factory=Counts)
    feeds: Counts = field(default_factory=Counts)
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> Json:
        return dataclasses.asdict(self)

    @property
    def changed(self) -> bool:
        return any(c.added or c.updated for c in (self.disputes, self.articles, self.feeds))

    def describe(self) -> str:
        parts = [f"{name}: {c.added} added, {c.updated} updated, {c.unchanged} unchanged"
                 for name, c in (("disputes", self.disputes), ("articles", self.articles),
                                 ("feeds", self.feeds))]
        return "; ".join(parts)


def _empty(value: Any) -> bool:
    return value is None or value == ""


def _fill(current: Any, incoming: Any) -> None:
    """Take the incoming value of every scalar field the current record leaves empty."""
    for f in dataclasses.fields(current):
        mine, theirs = getattr(current, f.name), getattr(incoming, f.name)
        if _empty(mine) and not _empty(theirs) and not isinstance(theirs, (list, dict)):
            setattr(current, f.name, theirs)


def _union(mine: list[str], theirs: Iterable[str]) -> list[str]:
    return mine + [t for t in dict.fromkeys(theirs) if t not in mine]


def _merge_by(mine: list[T], theirs: Iterable[T], key: Callable[[T], Any],
              merge: Callable[[T, T], None] = _fill) -> None:
    """Add the records of `theirs` whose key `mine` lacks; merge the others into mine."""
    index = {key(m): m for m in mine}
    for item in theirs:
        if key(item) in index:
            merge(index[key(item)], item)
        else:
            mine.append(item)
            index[key(item)] = item


def _merge_party(mine: Party, theirs: Party) -> None:
    _fill(mine, theirs)
    mine.aliases = _union(mine.aliases, theirs.aliases)


def merge_dispute(mine: Dispute, theirs: Dispute) -> None:
    """Merge an imported dispute into the stored one (same slug), in place."""
    _fill(mine, theirs)
    _merge_by(mine.forums, theirs.forums, lambda f: (f.name.casefold(), f.docket or ""))
    _merge_by(mine.parties, theirs.parties, lambda p: p.name.casefold(), _merge_party)
    _merge_by(mine.related, theirs.related, lambda r: (r.slug, r.relation))
    _merge_by(mine.events, theirs.events, lambda e: (e.date, e.text, e.status))
    mine.claims = _union(mine.claims, theirs.claims)
    mine.works = _union(mine.works, theirs.works)
    mine.tags = _union(mine.tags, theirs.tags)
    for side in ("include", "exclude"):
        mine.match[side] = _union(mine.match.get(side, []), theirs.match.get(side, []))


def _merge_link(mine: Link, theirs: Link) -> None:
    if mine.how == "match" and theirs.how == "manual":  # a link made by hand wins
        mine.how, mine.terms, mine.at = theirs.how, theirs.terms, theirs.at or mine.at
    _fill(mine, theirs)


def merge_article(mine: Article, theirs: Article) -> None:
    """Merge an imported article into the stored one (same canonical URL), in place."""
    _fill(mine, theirs)
    _merge_by(mine.links, theirs.links, lambda link: link.dispute, _merge_link)
    mine.feeds = _union(mine.feeds, theirs.feeds)


def _article(raw: Json) -> Article:
    article = Article.from_dict({k: v for k, v in raw.items() if k not in ("id", "disputes")})
    article.url = normalise_url(article.url)
    return article


_FEED_FIELDS = frozenset(f.name for f in dataclasses.fields(Feed))
_FEED_ID = re.compile(r"[0-9a-f]{10,40}")  # what this tracker gives; anything else is made anew


def _feed(raw: Json, ignored: set[str]) -> Feed:
    """A Feed from an export; fields this release does not know (a newer one wrote the
    file) are collected in `ignored`."""
    ignored.update(set(raw) - _FEED_FIELDS)
    feed = Feed(**{k: v for k, v in raw.items() if k in _FEED_FIELDS and k != "id"})
    given = raw.get("id")
    if isinstance(given, str) and _FEED_ID.fullmatch(given):
        feed.id = given  # kept unless another feed of the store holds it (then lengthened)
    return feed


def _status_warning(d: Dispute) -> str | None:
    """A warning when the merged timeline ends on another status than the one kept."""
    latest = next((e.status for e in reversed(d.timeline()) if e.status), None)
    if latest is None or latest == d.status:
        return None
    return (f"{d.slug}: the merged timeline's latest status is '{latest}'; the store's status "
            f"'{d.status}' was kept (change it with 'tracker dispute status')")


def _check_references(store: Store, doc: Json, source: str) -> None:
    """Links and feeds must name a dispute in the file or already in the store."""
    known = set(store.slugs()) | {d["slug"] for d in doc["disputes"]}
    problems = [
        Problem(f"$.articles[{i}].links[{j}].dispute", f"no dispute '{link['dispute']}' in the "
                "file or the store")
        for i, a in enumerate(doc["articles"])
        for j, link in enumerate(a["links"])
        if link["dispute"] not in known
    ] + [
        Problem(f"$.feeds[{i}].dispute", f"no dispute '{f['dispute']}' in the file or the store")
        for i, f in enumerate(doc["feeds"])
        if f.get("dispute") and f["dispute"] not in known
    ]
    if problems:
        raise _invalid(source, problems)


def _apply(counts: Counts, current: Any, incoming: Any, merge: Callable[[Any, Any], None],
           put: Callable[[Any], None], stamp: str | None) -> bool:
    """Add `incoming`, or merge it into `current` and write only when something changed.

    True when an existing record was changed.
    """
    if current is None:
        put(incoming)
        counts.added += 1
        return False
    before = current.to_dict()
    merge(current, incoming)
    if current.to_dict() == before:
        counts.unchanged += 1
        return False
    if stamp is not None:
        current.updated = stamp
    put(current)
    counts.updated += 1
    return True


def _symmetric(store: Store, doc: Json, summary: ImportSummary, stamp: str) -> None:
    """Give each imported relation its inverse on the other dispute, as `dispute relate`
    does; drop one to a dispute neither the file nor the store has, and say so."""
    in_file = {raw["slug"] for raw in doc["disputes"]}
    for raw in doc["disputes"]:
        d = store.dispute(raw["slug"])
        wanted = {(r.get("slug"), r.get("relation")) for r in raw.get("related", [])}
        if d is None or not wanted:
            continue
        gone = [r for r in d.related if (r.slug, r.relation) in wanted
                and store.dispute(r.slug) is None]
        if gone:
            d.related = [r for r in d.related if r not in gone]
            store.put_dispute(d)
            summary.warnings.append(
                f"{d.slug}: dropped the relation(s) to "
                f"{', '.join(f'{r.slug} ({r.relation})' for r in gone)}: no such dispute in "
                "the file or the store")
        for r in d.related:
            other = store.dispute(r.slug)
            if (r.slug, r.relation) not in wanted or other is None or other.slug == d.slug \
                    or any(back.slug == d.slug for back in other.related):
                continue
            other.related.append(Related(d.slug, core.inverse_relation(r.relation)))
            other.updated = dates.Stamp(stamp)
            store.put_dispute(other)
            if other.slug not in in_file:  # not counted yet: the file does not name it
                summary.disputes.updated += 1


def import_document(store: Store, doc: Json, source: str = "the file") -> ImportSummary:
    """Merge a validated export into the store (see the module docstring for the rules)."""
    _check_references(store, doc, source)
    summary, stamp, ignored = ImportSummary(), now_iso(), set[str]()
    for i, raw in enumerate(doc["disputes"]):
        current = store.dispute(raw["slug"])
        incoming = Dispute.from_dict(raw)
        if current is None and not {"status", "events"} <= set(raw):
            # A minimal record (written by hand) gets what `dispute add` would record.
            try:
                core.settle_new_dispute(incoming, status_given="status" in raw, stamp=stamp)
            except InputError as exc:
                raise _invalid(source, [Problem(f"$.disputes[{i}].status", exc.message)]) \
                    from None
        merged = _apply(summary.disputes, current, incoming, merge_dispute,
                        store.put_dispute, stamp)
        if merged and current and (warning := _status_warning(current)):
            summary.warnings.append(warning)
    _symmetric(store, doc, summary, stamp)
    articles: list[Article] = []  # written at once: one table operation, not thousands
    for raw in doc["articles"]:
        a = _article(raw)
        _apply(summary.articles, store.article(a.url), a, merge_article, articles.append, stamp)
    store.put_articles(articles)
    feeds: list[Feed] = []
    for raw in doc["feeds"]:
        f = _feed(raw, ignored)
        _apply(summary.feeds, store.feed(f.url), f, _fill, feeds.append, None)
    store.put_feeds(feeds)
    if ignored:
        summary.warnings.append(f"ignored unknown feed fields: {', '.join(sorted(ignored))}")
    return summary

