"""Dates as the program compares them: partial dates as ranges, timestamps as instants.

Stored and exported values stay text (`2026`, `2026-11`, `2026-11-02`, ISO timestamps).
In memory an event's date and a dispute's start are a `PartialDate` (`Day` when it may be
damaged stored text), made by `stored()`; a record's own timestamps (created, updated,
recorded, a feed's polls) a `Stamp`, made by `stamp()`. Both are made where records are
read and written back as `str()`, the very text read. An article's dates and a link's time
stay text in memory (listings build 100,000 articles; see Article) and are compared by
`instant_key`. Every comparison goes through this module, never through string order:

    >>> PartialDate.parse("2026-11-01") < PartialDate.parse("2026-11")
    True
    >>> instant_key("2026-11-02T10:00:00+09:00")
    '2026-11-02T01:00:00+00:00'

A partial date is the range of days it covers: `2026-11` is 1-30 November. Ranges order
by their first day, then their last (so a day comes before the month that starts on it);
one is *after* a day only when its first day is.
"""

from __future__ import annotations

import calendar
import functools
import re
from dataclasses import dataclass
from datetime import date, datetime, timezone

_PARTIAL = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")


@functools.total_ordering
@dataclass(frozen=True)
class PartialDate:
    """A day, a month or a year: what courts and the press often give."""

    year: int
    month: int | None = None
    day: int | None = None

    @classmethod
    def parse(cls, text: str) -> PartialDate:
        """`YYYY`, `YYYY-MM` or `YYYY-MM-DD`; ValueError for anything else."""
        m = _PARTIAL.fullmatch(text.strip())
        if not m:
            raise ValueError(f"not a date: {text!r}")
        found = cls(int(m[1]), int(m[2]) if m[2] else None, int(m[3]) if m[3] else None)
        found.first  # noqa: B018  # checks the month and day exist
        return found

    @classmethod
    def of(cls, day: date) -> PartialDate:
        """The PartialDate of one whole day."""
        return cls(day.year, day.month, day.day)

    @property
    def first(self) -> date:
        return date(self.year, self.month or 1, self.day or 1)

    @property
    def last(self) -> date:
        if self.day is not None:
            return self.first
        month = self.month or 12
        return date(self.year, month, calendar.monthrange(self.year, month)[1])

    def after(self, day: date) -> bool:
        """Whether the whole range lies after `day` (in the future, when `day` is today)."""
        return self.first > day

    def _key(self) -> tuple[date, date]:
        return self.first, self.last

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, (PartialDate, Unread)):
            return NotImplemented
        return self._key() < other._key()

    def isoformat(self) -> str:
        """The text it was parsed from: `2026`, `2026-11` or `2026-11-02`."""
        return str(self)

    def __str__(self) -> str:
        text = f"{self.year:04d}"
        if self.month is not None:
            text += f"-{self.month:02d}"
            if self.day is not None:
                text += f"-{self.day:02d}"
        return text


_FAR = (date.max, date.max)


@functools.total_ordering
@dataclass(frozen=True)
class Unread:
    """Stored date text that is no date (a damaged or hand-edited store): kept as it is so
    that it is written back unchanged and `doctor` can name it; it sorts after every date."""

    text: str

    def _key(self) -> tuple[date, date]:
        return _FAR

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, (PartialDate, Unread)):
            return NotImplemented
        return self._key() < other._key()

    def isoformat(self) -> str:
        return self.text

    def __bool__(self) -> bool:  # empty stored text is no date, as it was as text
        return bool(self.text)

    def __str__(self) -> str:
        return self.text


Day = PartialDate | Unread  # an event's date in memory


class Stamp:
    """A moment as the store holds it (`2026-11-02T10:00:00.123456+00:00`; a date when no
    more is known): its exact text, written back unchanged (`str()`), and ordered, compared
    and hashed as the UTC instant it names (`instant_key`). Immutable; `Stamp("")` is the
    empty stamp of a record not stamped yet, false in a test and sorting first.

        >>> Stamp("2026-11-02T10:00:00+09:00") < Stamp("2026-11-02T02:00:00Z")
        True
        >>> Stamp("2026-11-02T10:00:00+09:00") == Stamp("2026-11-02T01:00:00+00:00")
        True
    """

    __slots__ = ("_key", "text")
    text: str
    _key: str  # instant_key(text), made on first use

    def __init__(self, text: str) -> None:
        object.__setattr__(self, "text", text)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("a Stamp cannot be changed")

    def __delattr__(self, name: str) -> None:
        raise AttributeError("a Stamp cannot be changed")

    @property
    def key(self) -> str:
        """The text that orders as this instant (see instant_key); made once."""
        try:
            return self._key
        except AttributeError:
            key = instant_key(self.text)
            object.__setattr__(self, "_key", key)
            return key

    def instant(self) -> datetime:
        """The aware UTC datetime; ValueError when the text is no time or date."""
        return instant(self.text)

    def __eq__(self, other: object) -> bool:
        return self.key == other.key if isinstance(other, Stamp) else NotImplemented

    def __hash__(self) -> int:
        return hash(self.key)

    def __lt__(self, other: Stamp) -> bool:
        return self.key < other.key if isinstance(other, Stamp) else NotImplemented

    def __le__(self, other: Stamp) -> bool:
        return self.key <= other.key if isinstance(other, Stamp) else NotImplemented

    def __gt__(self, other: Stamp) -> bool:
        return self.key > other.key if isinstance(other, Stamp) else NotImplemented

    def __ge__(self, other: Stamp) -> bool:
        return self.key >= other.key if isinstance(other, Stamp) else NotImplemented

    def __bool__(self) -> bool:
        return bool(self.text)

    def __str__(self) -> str:
        return self.text

    def __repr__(self) -> str:
        return f"Stamp({self.text!r})"

    def __reduce__(self) -> tuple[type[Stamp], tuple[str]]:
        return Stamp, (self.text,)

    def __copy__(self) -> Stamp:
        return self

    def __deepcopy__(self, memo: object) -> Stamp:
        return self


UNSTAMPED = Stamp("")  # a record's stamp before it is stamped (immutable: a safe default)


_new = object.__new__
_set_text = Stamp.__dict__["text"].__set__  # the slot's own setter, past __setattr__


def stamp(text: object) -> Stamp:
    """A timestamp as read from the store or an export (a Stamp is kept as it is); a value
    that is not text at all is a damaged record: TypeError."""
    if type(text) is str:  # what a store holds: made without __init__, at half the cost
        made: Stamp = _new(Stamp)
        _set_text(made, text)
        return made
    if isinstance(text, Stamp):
        return text
    if not isinstance(text, str):
        found = "null" if text is None else f"{type(text).__name__} {text!r}"[:80]
        raise TypeError(f"expected a timestamp, found {found}")
    return Stamp(text)


def maybe_stamp(text: object) -> Stamp | None:
    """As stamp(), where the record may hold none (null)."""
    return None if text is None else stamp(text)


def stored(text: object) -> Day:
    """A date as read from the store or an export; a value that is not text at all is a
    damaged record: TypeError."""
    if isinstance(text, (PartialDate, Unread)):
        return text
    if not isinstance(text, str):
        found = "null" if text is None else f"{type(text).__name__} {text!r}"[:80]
        raise TypeError(f"expected text, found {found}")
    return _read(text)


@functools.lru_cache(maxsize=4096)  # a store repeats its few thousand days; both immutable
def _read(text: str) -> Day:
    try:
        return PartialDate.parse(text)
    except ValueError:
        return Unread(text)


def order_key(text: str | Day) -> tuple[date, date]:
    """The sort key of a stored partial date; text that is no date sorts last (doctor names
    it); a value that is not text at all is a damaged record: TypeError."""
    return stored(text)._key()


_FRACTION = re.compile(r"(T\d\d:\d\d:\d\d)[.,](\d+)")


def read_timestamp(text: str) -> datetime:
    """An ISO timestamp read alike on every Python: `Z` for UTC, a fraction of a second of
    any length (`.5`; past six digits cut off). Python 3.10's `datetime.fromisoformat`
    takes neither (only 3 or 6 digits), 3.11's takes both; ValueError when it is no time."""
    text = text.replace("Z", "+00:00")
    if "." in text or "," in text:
        text = _FRACTION.sub(lambda m: f"{m[1]}.{m[2][:6]:0<6}", text, count=1)
    return datetime.fromisoformat(text)


def instant(text: str) -> datetime:
    """A timestamp or partial date as an aware UTC datetime (a date: its first moment).

    A timestamp without an offset is taken as UTC. ValueError when it is neither.
    """
    text = text.strip()
    if len(text) <= 10:
        return datetime.combine(PartialDate.parse(text).first, datetime.min.time(),
                                tzinfo=timezone.utc)
    stamp = read_timestamp(text)
    if stamp.tzinfo is None:
        stamp = stamp.replace(tzinfo=timezone.utc)
    return stamp.astimezone(timezone.utc)


def since_key(since: PartialDate | datetime) -> str:
    """The lowest `instant_key` at or after `since` (a day: its first moment), for a bound
    such as `--since`: `key >= since_key(...)` holds exactly for what begins then or later.

    A partial date's key is its own text, which orders before the longer texts of its
    first day: so the bound for 1 November is `2026-11` (November itself begins then),
    for 1 January `2026`.

        >>> since_key(PartialDate.parse("2026-11-01")), since_key(PartialDate.parse("2026-11-05"))
        ('2026-11', '2026-11-05')
    """
    if isinstance(since, datetime):
        moment = since.astimezone(timezone.utc) if since.tzinfo else since
        if moment.time() != datetime.min.time():
            return instant_key(moment.isoformat())
        since = PartialDate(moment.year, moment.month, moment.day)  # a day's first moment
    first = since.first
    if first.day != 1:
        return first.isoformat()
    return f"{first.year:04d}" if first.month == 1 else f"{first.year:04d}-{first.month:02d}"


def instant_key(text: str | None) -> str:
    """A text that orders like `instant(text)`, for sort keys and indexes: a timestamp with
    another offset (or none, or `Z`) becomes UTC `2026-11-02T01:00:00+00:00`.

    The tracker's own stamps (UTC, `+00:00`) and partial dates are returned as they are:
    their text already orders as instants (a date before the times of its day, a whole
    second before its fractions), so a listing of 100,000 articles parses none of them.
    Text that is no date is kept as it is.
    """
    if not text or text.endswith("+00:00") or len(text) <= 10:
        return text or ""
    try:
        return instant(text).isoformat()
    except (ValueError, OverflowError):
        return text
