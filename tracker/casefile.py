"""Case files: one or many disputes written by hand in TOML, and the template to start from.

Only `slug` and `title` are required; every other field has the default `dispute add`
uses. A file holds one dispute (its fields at the top level) or several (`[[dispute]]`
tables). Every problem is reported with the file, the line and the field, and nothing is
written unless the whole file is good:

    tracker dispute template > case.toml && tracker dispute add --from case.toml
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from tracker import core, dates, models
from tracker.errors import ConflictError, InputError, TrackerError
from tracker.models import Dispute, Event, Forum, Party, Related, now_iso
from tracker.paths import bundled
from tracker.storage import Store
from tracker.urls import check_url

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

MAX_PROBLEMS_SHOWN = 5
MAX_BYTES = 4_000_000  # a case file is typed by a person; anything bigger is a mistake

Key = tuple[str | int, ...]


def template() -> str:
    """The commented example that `tracker dispute template` prints."""
    return bundled("case_template.toml")


# -- where things are in the file --------------------------------------------------------------

_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]#]+?)\s*\]\]?\s*(?:#.*)?$")
_KEY = re.compile(r"^\s*([A-Za-z0-9_-]+|\"[^\"]*\"|'[^']*')\s*[=.]")


def _lines(text: str) -> dict[Key, int]:
    """The line each table and key starts on, by its path: ("dispute", 0, "parties", 1)."""
    found: dict[Key, int] = {}
    counters: dict[Key, int] = {}
    current: Key = ()
    for n, line in enumerate(text.splitlines(), 1):
        header = _HEADER.match(line)
        if header:
            resolved: list[str | int] = []
            parts = [p.strip().strip("\"'") for p in header[2].split(".")]
            for i, part in enumerate(parts):
                resolved.append(part)
                key = tuple(resolved)
                if i == len(parts) - 1 and header[1] == "[[":
                    counters[key] = counters.get(key, -1) + 1
                    resolved.append(counters[key])
                elif key in counters:
                    resolved.append(counters[key])
            current = tuple(resolved)
            found.setdefault(current, n)
            continue
        key_match = _KEY.match(line)
        if key_match:
            found.setdefault((*current, key_match[1].strip("\"'")), n)
    return found


def _line_of(lines: dict[Key, int], path: Key) -> int | None:
    for end in range(len(path), 0, -1):
        if path[:end] in lines:
            return lines[path[:end]]
    return None


# -- reading values --------------------------------------------------------------------------


@dataclass
class Problem:
    path: Key
    reason: str


class _Reader:
    """Checks one table of the file, collecting problems under their paths."""

    def __init__(self, problems: list[Problem], path: Key, table: Any, known: dict[str, str]):
        self.problems, self.path, self.known = problems, path, known
        self.table: dict[str, Any] = table if isinstance(table, dict) else {}
        if not isinstance(table, dict):
            problems.append(Problem(path, "must be a table"))
        for key in self.table:
            if key not in known:
                close = models.suggest(key, known)
                hint = f" (did you mean '{close}'?)" if close else \
                    f" (known fields: {', '.join(known)})"
                problems.append(Problem((*path, key), f"unknown field{hint}"))

    def given(self, key: str) -> bool:
        return key in self.table

    def fail(self, key: str, reason: str) -> None:
        self.problems.append(Problem((*self.path, key), reason))

    def _get(self, key: str, check: Callable[[Any], Any], default: Any) -> Any:
        if key not in self.table:
            return default
        try:
            return check(self.table[key])
        except InputError as exc:
            self.fail(key, exc.message + (f" ({exc.hint})" if exc.hint else ""))
        except _WrongType as exc:
            self.fail(key, str(exc))
        return default

    def text(self, key: str, default: str = "", *, required: bool = False,
             check: Callable[[str], str] | None = None) -> str:
        if required and key not in self.table:
            self.fail(key, "missing (required)")
            return default

        def read(value: Any) -> str:
            if not isinstance(value, str):
                raise _WrongType(f"must be a string in quotes, not {_type_name(value)}")
            if required and not value.strip():
                raise _WrongType("must not be empty")
            return check(value.strip()) if check else value.strip()

        result: str = self._get(key, read, default)
        return result

    def optional_text(self, key: str, check: Callable[[str], str] | None = None) -> str | None:
        value = self.text(key, "", check=check)
        return value or None

    def when(self, key: str, *, required: bool = False) -> dates.PartialDate | None:
        if required and key not in self.table:
            self.fail(key, "missing (required)")

        def read(value: Any) -> dates.PartialDate:
            if isinstance(value, datetime):
                raise _WrongType("must be a date (YYYY-MM-DD), not a date and time")
            if isinstance(value, date):
                return dates.PartialDate.of(value)
            if isinstance(value, str):
                return models.check_date(value)
            raise _WrongType(f"must be a date such as 2023-09-19 (or \"2023-09\"), "
                             f"not {_type_name(value)}")

        result: dates.PartialDate | None = self._get(key, read, None)
        return result

    def texts(self, key: str) -> list[str]:
        def read(value: Any) -> list[str]:
            items = [value] if isinstance(value, str) else value
            if not isinstance(items, list) or not all(isinstance(v, str) for v in items):
                raise _WrongType('must be a list of strings, e.g. ["a", "b"]')
            return [v.strip() for v in items if v.strip()]

        result: list[str] = self._get(key, read, [])
        return result

    def flag(self, key: str) -> bool:
        def read(value: Any) -> bool:
            if not isinstance(value, bool):
                raise _WrongType(f"must be true or false, not {_type_name(value)}")
            return value

        return bool(self._get(key, read, False))

    def number(self, key: str) -> int | None:
        def read(value: Any) -> int:
            if isinstance(value, bool) or not isinstance(value, int):
                raise _WrongType(f"must be a whole number, not {_type_name(value)}")
            if not 0 < value <= core.MAX_DOCKET_ID:
                raise _WrongType("must be a positive number (a CourtListener docket id)")
            return value

        result: int | None = self._get(key, read, None)
        return result

    def tables(self, key: str) -> list[tuple[Key, Any]]:
        value = self.table.get(key, [])
        if not isinstance(value, list):
            self.fail(key, f"must be a list of tables ([[{key}]]), not {_type_name(value)}")
            return []
        return [((*self.path, key, i), item) for i, item in enumerate(value)]


class _WrongType(Exception):
    pass


def _type_name(value: Any) -> str:
    if isinstance(value, bool):
        return "true/false"
    return {str: "a string", int: "a number", float: "a number", list: "a list",
            dict: "a table"}.get(type(value), type(value).__name__)


DISPUTE_FIELDS = {
    "slug": "stable id", "title": "the case's name", "kind": "lawsuit, demand-letter ...",
    "status": "current status", "started": "date filed", "summary": "what it is about",
    "notes": "your notes", "claims": "claims made", "works": "works at issue",
    "tags": "tags", "claimants": "names (short form)", "respondents": "names (short form)",
    "parties": "[[parties]]", "forums": "[[forums]]", "events": "[[events]]",
    "related": "[[related]]", "match": "[match]",
}
PARTY_FIELDS = {"name": "", "role": "", "kind": "", "aliases": "", "note": ""}
FORUM_FIELDS = {"name": "", "jurisdiction": "", "docket": "", "courtlistener_id": "",
                "judge": "", "note": ""}
EVENT_FIELDS = {"date": "", "text": "", "status": "", "source": "", "unconfirmed": "",
                "note": ""}
RELATED_FIELDS = {"slug": "", "relation": ""}
MATCH_FIELDS = {"include": "", "exclude": ""}


@dataclass
class Case:
    """A dispute read from a case file, with what the file said explicitly."""

    dispute: Dispute
    path: Key
    given: set[str] = field(default_factory=set)
    party_given: list[set[str]] = field(default_factory=list)
    forum_given: list[set[str]] = field(default_factory=list)
    event_given: list[set[str]] = field(default_factory=list)


def _source(value: str) -> str:
    return check_url(value, what="source URL")


def _read_dispute(problems: list[Problem], path: Key, table: Any, *,
                  update: bool = False) -> Case | None:
    r = _Reader(problems, path, table, DISPUTE_FIELDS)
    if not r.table:
        return None
    d = Dispute(
        slug=r.text("slug", required=True, check=models.check_slug),
        title=r.text("title", required=not update),
        kind=r.text("kind", "lawsuit", check=models.check_kind),
        status=r.text("status", "filed", check=models.check_status),
        started=r.when("started"),
        summary=r.text("summary"),
        notes=r.text("notes"),
        claims=r.texts("claims"),
        works=r.texts("works"),
        tags=r.texts("tags"),
    )
    case = Case(d, path, {k for k in r.table if k in DISPUTE_FIELDS})
    for role in ("claimants", "respondents"):
        for name in r.texts(role):
            d.parties.append(Party(name=name, role=role[:-1]))
            case.party_given.append({"name", "role"})
    for where, raw in r.tables("parties"):
        p = _Reader(problems, where, raw, PARTY_FIELDS)
        d.parties.append(Party(
            name=p.text("name", required=True),
            role=p.text("role", required=True, check=models.check_role),
            kind=p.text("kind", "company", check=models.check_party_kind),
            aliases=p.texts("aliases"),
            note=p.text("note"),
        ))
        case.party_given.append(set(p.table))
    for where, raw in r.tables("forums"):
        f = _Reader(problems, where, raw, FORUM_FIELDS)
        d.forums.append(Forum(
            name=f.text("name", required=True),
            jurisdiction=f.text("jurisdiction"),
            docket=f.optional_text("docket"),
            courtlistener_id=f.number("courtlistener_id"),
            note=f.text("note"),
            judge=f.text("judge"),
        ))
        case.forum_given.append(set(f.table))
    for where, raw in r.tables("events"):
        e = _Reader(problems, where, raw, EVENT_FIELDS)
        day = e.when("date", required=True)
        event = Event(
            date=day or dates.stored(""),  # none: the problem is reported, nothing is stored
            text=e.text("text", required=True),
            status=e.optional_text("status", check=models.check_status),
            source=e.optional_text("source", check=_source),
            unconfirmed=e.flag("unconfirmed"),
            note=e.text("note"),
        )
        if event.status and day:
            try:  # a status is what has happened: the rule `dispute status` keeps
                core.check_status_date(d.slug or "SLUG", day)
            except InputError as exc:
                e.fail("date", exc.message)
        d.events.append(event)
        case.event_given.append(set(e.table))
    for where, raw in r.tables("related"):
        rel = _Reader(problems, where, raw, RELATED_FIELDS)
        d.related.append(Related(rel.text("slug", required=True, check=models.check_slug),
                                 rel.text("relation", required=True,
                                          check=models.check_relation)))
    if r.given("match"):
        m = _Reader(problems, (*path, "match"), r.table["match"], MATCH_FIELDS)
        d.match = {"include": m.texts("include"), "exclude": m.texts("exclude")}
    _check_within(problems, case)
    return case


def _check_within(problems: list[Problem], case: Case) -> None:
    """What a single dispute must not say twice."""
    d, seen = case.dispute, dict[str, int]()
    for i, p in enumerate(d.parties):
        key = p.name.casefold()
        if key and key in seen:
            problems.append(Problem((*case.path, "parties", i, "name"),
                                    f"party '{p.name}' is listed twice"))
        seen.setdefault(key, i)
    dockets = [f.docket for f in d.forums if f.docket]
    for i, f in enumerate(d.forums):
        if f.docket and dockets.count(f.docket) > 1:
            problems.append(Problem((*case.path, "forums", i, "docket"),
                                    f"docket {f.docket} is listed twice"))
            break


def _describe(path: Key, single: bool) -> str:
    """A field's name for a person: 'parties #2 role' or 'dispute #1 title'."""
    parts: list[str] = []
    items = list(path[1:] if single else path)
    for item in items:
        if isinstance(item, int):
            parts[-1] += f" #{item + 1}"
        else:
            parts.append(item)
    return ".".join(parts) or "file"


@dataclass
class CaseFile:
    """The disputes of one file, and what is needed to say where a problem is."""

    cases: list[Case]
    source: str
    lines: dict[Key, int]
    single: bool

    def invalid(self, path: Key, exc: TrackerError) -> InputError:
        reason = exc.message + (f" ({exc.hint})" if exc.hint else "")
        return _invalid(self.source, [Problem(path, reason)], self.lines, self.single)


def read(text: str, source: str, *, update: bool = False) -> CaseFile:
    """The disputes of a case file; InputError naming file, line and field at the first
    problem (and counting the others). With `update`, a title may be left out (a dispute
    already stored keeps its own)."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{source} is not valid TOML: {exc}",
                         hint="nothing was changed; see 'tracker dispute template'") from None
    problems: list[Problem] = []
    lines = _lines(text)
    single = "dispute" not in raw
    tables: list[tuple[Key, Any]]
    if single:
        tables = [(("",), raw)]
    else:
        extra = [k for k in raw if k != "dispute"]
        for k in extra:
            problems.append(Problem((k,), "a file of several disputes holds only [[dispute]] "
                                          "tables"))
        value = raw["dispute"]
        tables = [(("dispute", i), t) for i, t in enumerate(value)] \
            if isinstance(value, list) else []
        if not isinstance(value, list):
            problems.append(Problem(("dispute",), "must be a list of tables ([[dispute]])"))
    cases = [c for path, t in tables if (c := _read_dispute(problems, path, t, update=update))]
    if not cases and not problems:
        problems.append(Problem(("slug",) if single else ("dispute",),
                                "no dispute in the file (it needs at least a slug and a title)"))
    seen: dict[str, Key] = {}
    for c in cases:
        if c.dispute.slug and c.dispute.slug in seen:
            problems.append(Problem((*c.path, "slug"), f"slug '{c.dispute.slug}' is used twice"))
        seen.setdefault(c.dispute.slug, c.path)
    if problems:
        raise _invalid(source, problems, lines, single)
    return CaseFile(cases, source, lines, single)


def _where(source: str, problem: Problem, lines: dict[Key, int], single: bool) -> str:
    path = problem.path[1:] if single else problem.path
    line = _line_of(lines, path) if path else None
    at = f"{source}, line {line}" if line else source
    return f"{at}, field {_describe(problem.path, single)}: {problem.reason}"


def _invalid(source: str, problems: list[Problem], lines: dict[Key, int],
             single: bool) -> InputError:
    said = [_where(source, p, lines, single) for p in problems]
    hint = "nothing was changed"
    more = said[1:MAX_PROBLEMS_SHOWN]
    if more:
        rest = len(said) - 1 - len(more)
        hint += f"; also: {'; '.join(more)}" + (f"; and {rest} more" if rest else "")
    return InputError(said[0], hint=hint)


def read_file(path: str, *, update: bool = False) -> CaseFile:
    """Read a case file (or stdin for '-')."""
    if path == "-":
        text, source = sys.stdin.read(), "stdin"
    else:
        try:
            blob = Path(path).read_bytes()
        except OSError as exc:
            raise InputError(f"cannot read {path}: {exc.strerror or exc}") from None
        if len(blob) > MAX_BYTES:
            raise InputError(f"{path} is larger than a case file ({len(blob):,} bytes)")
        try:
            text = blob.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise InputError(f"{path} is not UTF-8 text (byte {exc.start})",
                             hint="save the file as UTF-8") from None
        source = path
    return read(text, source, update=update)


# -- into the store ---------------------------------------------------------------------------


@dataclass
class Outcome:
    added: list[Dispute] = field(default_factory=list)
    updated: list[Dispute] = field(default_factory=list)
    unchanged: list[Dispute] = field(default_factory=list)

    def describe(self) -> Iterator[str]:
        for verb, found in (("added", self.added), ("updated", self.updated),
                            ("unchanged", self.unchanged)):
            for d in found:
                yield f"{verb} dispute {d.slug}"


def add_cases(store: Store, file: CaseFile, *, update: bool = False) -> Outcome:
    """Add the disputes of a case file, or with `update` merge them into stored ones.

    Raises before the store is written when any case cannot be added (the caller's
    write block then discards every change).
    """
    outcome, stamp = Outcome(), now_iso()
    cases = file.cases
    known = set(store.slugs()) | {c.dispute.slug for c in cases}

    def fail(c: Case, key: Key, exc: TrackerError) -> InputError:
        return file.invalid((*c.path, *key), exc)

    for c in cases:
        for i, rel in enumerate(c.dispute.related):
            if rel.slug == c.dispute.slug:
                raise fail(c, ("related", i, "slug"),
                           InputError("a dispute cannot be related to itself"))
            if rel.slug not in known:
                raise fail(c, ("related", i, "slug"),
                           InputError(f"no dispute '{rel.slug}' in the file or the store"))
        current = store.dispute(c.dispute.slug)
        if current is not None and not update:
            raise fail(c, ("slug",), ConflictError(
                f"a dispute '{c.dispute.slug}' already exists",
                hint="add --update to merge the file into it"))
        if current is None and not c.dispute.title:
            raise fail(c, ("title",), InputError("missing (required for a new dispute)"))
        try:
            if current is None:
                core.settle_new_dispute(c.dispute, status_given="status" in c.given,
                                        stamp=stamp)
                store.put_dispute(c.dispute)
                outcome.added.append(c.dispute)
            elif merge_case(current, c, stamp):
                store.put_dispute(current)
                outcome.updated.append(current)
            else:
                outcome.unchanged.append(current)
        except InputError as exc:
            raise fail(c, ("status",), exc) from None
    for c in cases:  # relations are recorded on both sides, as `dispute relate` does
        for rel in c.dispute.related:
            other = store.dispute(rel.slug)
            if other is not None and not any(r.slug == c.dispute.slug for r in other.related):
                other.related.append(Related(c.dispute.slug,
                                             core.inverse_relation(rel.relation)))
                store.put_dispute(other)
    return outcome


def merge_case(d: Dispute, c: Case, stamp: str) -> bool:
    """Merge a case into the stored dispute: what the file gives replaces, lists are
    unioned, parties found by name or alias gain aliases. True when anything changed."""
    before = d.to_dict()
    new = c.dispute
    for name in ("title", "kind", "started", "summary", "notes"):
        if name in c.given:
            setattr(d, name, getattr(new, name))
    for name in ("claims", "works", "tags"):
        setattr(d, name, core._clean_list([*getattr(d, name), *getattr(new, name)]))
    for side in ("include", "exclude"):
        d.match[side] = core._clean_list([*d.match.get(side, []), *new.match.get(side, [])])
    for p, given in zip(new.parties, c.party_given, strict=True):
        mine = d.find_party(p.name)
        if mine is None:
            d.parties.append(p)
            continue
        for name in ("role", "kind", "note"):
            if name in given:
                setattr(mine, name, getattr(p, name))
        mine.aliases.extend(core._new_aliases(mine, p.aliases))
    for f, given in zip(new.forums, c.forum_given, strict=True):
        mine_f = next((x for x in d.forums if f.docket and x.docket == f.docket), None) or \
            next((x for x in d.forums if x.name.casefold() == f.name.casefold()), None)
        if mine_f is None:
            d.forums.append(f)
            continue
        for name in given:
            setattr(mine_f, name, getattr(f, name))
    for e, given in zip(new.events, c.event_given, strict=True):
        mine_e = next((x for x in d.events if (x.date, x.text) == (e.date, e.text)), None)
        if mine_e is None:
            e.recorded = dates.Stamp(stamp)
            d.events.append(e)
            if e.status:
                d.settle_status(e)  # the rule of the status history: names the step before
            continue
        for name in given - {"status"}:
            setattr(mine_e, name, getattr(e, name))
    for rel in new.related:
        if not any((r.slug, r.relation) == (rel.slug, rel.relation) for r in d.related):
            d.related.append(rel)
    d.settle_status()
    if "status" in c.given and new.status != d.status:
        change = Event(date=dates.stored(stamp[:10]), text=f"Status changed from '{d.status}' to "
                       f"'{new.status}'.", status=new.status,
                       recorded=dates.Stamp(stamp))
        d.events.append(change)
        d.settle_status(change)
    if d.to_dict() == before:
        return False
    d.updated = dates.Stamp(stamp)
    return True
