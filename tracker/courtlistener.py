"""CourtListener's REST API (v4): read one docket and turn it into a dispute or its changes.

Only the `dockets` endpoint is used: docket entries, parties and attorneys have their own
endpoints that are open to selected users only, so parties are never filled in from
here. Each command makes one request per docket and never retries: a signed-in user may
make 5 requests a minute, 50 an hour and 125 a day, and an anonymous one 100 a day, so a
429 answer is reported with its Retry-After and the command stops.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, fields
from datetime import datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Any

from tracker import __version__, dates, models
from tracker.errors import ConflictError, InputError, NotFoundError, TrackerError
from tracker.models import Dispute, Event, Feed, Forum, now_iso
from tracker.storage import Store

if TYPE_CHECKING:
    import httpx

SITE = "https://www.courtlistener.com"
API = f"{SITE}/api/rest/v4"
TOKEN_ENV = "COURTLISTENER_TOKEN"
MAX_BYTES = 2_000_000
LIMITS = "a signed-in user may make 5 requests a minute, 50 an hour, 125 a day"
PER_RUN = 5  # one command never makes more requests than a minute's allowance
# Statuses after which a terminated docket needs no 'closed' event of its own.
FINAL_STATUSES = frozenset({"judgment", "settled", "dismissed", "withdrawn", "closed"})

# Tests replace this with an httpx.MockTransport; None means the real network.
transport: httpx.BaseTransport | None = None

# CourtListener's court ids for the courts AI copyright cases are heard in, as people
# write the court's name; any other id is shown as it is.
COURTS = {
    "nysd": "U.S. District Court, S.D.N.Y.",
    "nyed": "U.S. District Court, E.D.N.Y.",
    "cand": "U.S. District Court, N.D. Cal.",
    "cacd": "U.S. District Court, C.D. Cal.",
    "ded": "U.S. District Court, D. Del.",
    "mad": "U.S. District Court, D. Mass.",
    "ilnd": "U.S. District Court, N.D. Ill.",
    "txwd": "U.S. District Court, W.D. Tex.",
    "dcd": "U.S. District Court, D.D.C.",
    "ca2": "U.S. Court of Appeals, Second Circuit",
    "ca3": "U.S. Court of Appeals, Third Circuit",
    "ca9": "U.S. Court of Appeals, Ninth Circuit",
    "cafc": "U.S. Court of Appeals, Federal Circuit",
    "jpml": "Judicial Panel on Multidistrict Litigation",
}

_REF = re.compile(r"^(?:https?://(?:www\.)?courtlistener\.com)?/(?:api/rest/v\d+/dockets|docket)"
                  r"/(\d+)(?:/|$|\?|#)", re.IGNORECASE)


def docket_id(ref: str) -> int:
    """A docket id from '68117049' or a CourtListener docket (or API) URL."""
    text = ref.strip()
    m = _REF.match(text)
    number = m[1] if m else text if text.isdigit() else None
    if number is None or not 0 < int(number) <= 2**53 - 1:
        raise InputError(
            f"not a CourtListener docket: '{ref}'",
            hint="give the docket id (e.g. 68117049) or its page URL, "
                 "https://www.courtlistener.com/docket/68117049/...",
        )
    return int(number)


def token(config_token: str = "") -> str:
    """The API token: $COURTLISTENER_TOKEN, then [courtlistener] token in config.toml."""
    return os.environ.get(TOKEN_ENV, "").strip() or config_token.strip()


@dataclass
class Docket:
    """The fields of a v4 docket that tracker uses."""

    id: int
    case_name: str = ""
    case_name_short: str = ""
    docket_number: str = ""
    court_id: str = ""
    date_filed: dates.PartialDate | None = None  # read with models.check_date
    date_terminated: dates.PartialDate | None = None
    date_last_filing: dates.PartialDate | None = None
    assigned_to_str: str = ""
    referred_to_str: str = ""
    cause: str = ""
    nature_of_suit: str = ""
    absolute_url: str = ""

    @property
    def page(self) -> str:
        path = self.absolute_url if self.absolute_url.startswith("/") else f"/docket/{self.id}/"
        return SITE + path

    @property
    def api_url(self) -> str:
        return f"{API}/dockets/{self.id}/"

    @property
    def court(self) -> str:
        return COURTS.get(self.court_id, self.court_id or "unknown court")

    @classmethod
    def from_json(cls, data: Any, wanted: int) -> Docket:
        if not isinstance(data, dict) or not isinstance(data.get("id"), int):
            raise TrackerError("CourtListener answered with something that is not a docket")
        values: dict[str, Any] = {"id": data["id"]}
        for f in fields(cls):
            if f.name == "id" or data.get(f.name) is None:
                continue
            value = data[f.name]
            if not isinstance(value, str):
                raise TrackerError(f"CourtListener's docket {wanted} has an unexpected "
                                   f"'{f.name}': {value!r}")
            values[f.name] = (_date(value, f.name, wanted) if f.name.startswith("date_")
                              else " ".join(value.split()))
        return cls(**values)


def _date(value: str, name: str, wanted: int) -> dates.PartialDate | None:
    if not value:
        return None
    try:
        return models.check_date(value[:10])
    except InputError:
        raise TrackerError(f"CourtListener's docket {wanted} has an invalid {name}: "
                           f"{value!r}") from None


def _retry_after(value: str | None) -> str:
    """How long a 429 asks to wait, for a person: 'wait 58 seconds (until 23:41 UTC)'."""
    if not value:
        return "it gave no time to wait; try again in a few minutes"
    when: datetime | None
    if value.strip().isdigit():
        seconds = int(value.strip())
        when = datetime.now(timezone.utc) + timedelta(seconds=seconds)
        return f"it asks to wait {seconds} seconds (until {when:%H:%M} UTC)"
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        when = None
    if when is None:
        return f"it asks to wait ({value!r})"
    return f"it asks to wait until {when.astimezone(timezone.utc):%Y-%m-%d %H:%M} UTC"


def _detail(response: httpx.Response) -> str:
    try:
        data = response.json()
    except ValueError:
        return ""
    detail = data.get("detail") if isinstance(data, dict) else None
    return f": {' '.join(str(detail).split())[:200]}" if detail else ""


def fetch(number: int, api_token: str = "", *, timeout: float = 20.0) -> Docket:
    """GET one docket. Exactly one request: every failure is reported, never retried."""
    import httpx

    headers = {"Accept": "application/json", "User-Agent": f"tracker/{__version__}"}
    if api_token:
        headers["Authorization"] = f"Token {api_token}"
    url = f"{API}/dockets/{number}/"
    try:
        with httpx.Client(transport=transport, timeout=timeout, headers=headers) as client:
            response = client.get(url)
            body = response.read()
    except httpx.HTTPError as exc:
        raise TrackerError(f"could not reach CourtListener: {exc or type(exc).__name__}",
                           hint="nothing was changed; check the connection") from None
    code = response.status_code
    if code == 429:
        raise TrackerError(
            f"CourtListener refused: too many requests (429); "
            f"{_retry_after(response.headers.get('Retry-After'))}",
            hint=f"nothing was changed and tracker does not retry by itself; {LIMITS}",
        )
    if code in (401, 403):
        if api_token:
            raise InputError(f"CourtListener refused the API token ({code}{_detail(response)})",
                             hint=f"check ${TOKEN_ENV} or [courtlistener] token in config.toml")
        raise InputError(f"CourtListener wants an API token for this ({code}{_detail(response)})",
                         hint=f"set ${TOKEN_ENV} (or [courtlistener] token in config.toml) to "
                              "your CourtListener account's API token")
    if code == 404:
        raise NotFoundError(f"CourtListener has no docket {number}",
                            hint="check the id in the docket's page URL")
    if code != 200:
        raise TrackerError(f"CourtListener answered HTTP {code} for docket {number}",
                           hint="nothing was changed; try again later")
    if len(body) > MAX_BYTES:
        raise TrackerError(f"CourtListener's answer for docket {number} is too large")
    try:
        data = response.json()
    except ValueError:
        raise TrackerError(f"CourtListener's answer for docket {number} is not JSON") from None
    return Docket.from_json(data, number)


# -- from a docket to the records ---------------------------------------------------------


def new_dispute(docket: Docket, *, slug: str | None = None) -> Dispute:
    """A dispute made from a docket: title, forum, start date, status hints and judge."""
    title = docket.case_name or docket.case_name_short or f"CourtListener docket {docket.id}"
    slug = models.check_slug(slug or models.slugify(docket.case_name_short or title))
    stamp = now_iso()
    forum = Forum(name=docket.court, jurisdiction="US", docket=docket.docket_number or None,
                  courtlistener_id=docket.id, note=_forum_note(docket),
                  judge=docket.assigned_to_str)
    d = Dispute(slug=slug, title=title, started=docket.date_filed, forums=[forum],
                claims=[docket.cause] if docket.cause else [], created=dates.Stamp(stamp),
                updated=dates.Stamp(stamp))
    d.events.append(Event(date=dates.stored(docket.date_filed or stamp[:10]),
                          text=f"Filed in the {docket.court}"
                               + (f", No. {docket.docket_number}." if docket.docket_number
                                  else "."),
                          status="filed", source=docket.page, recorded=dates.Stamp(stamp)))
    if docket.date_terminated:  # typed in by the user's own command: not news (origin manual)
        d.events.append(_terminated(docket, "filed", stamp, origin="manual"))
        d.status = "closed"
    return d


def _forum_note(docket: Docket) -> str:
    parts = [p for p in (docket.nature_of_suit, docket.cause) if p]
    if docket.referred_to_str:
        parts.append(f"referred to {docket.referred_to_str}")
    return "; ".join(parts)


def _terminated(docket: Docket, previous: str, stamp: str, origin: str = "") -> Event:
    return Event(date=dates.stored(docket.date_terminated or stamp[:10]),
                 text="CourtListener shows the case terminated (the reason is not given: "
                      "settled, dismissed ...).",
                 status="closed", previous_status=previous, source=docket.page,
                 recorded=dates.Stamp(stamp), origin=origin or docket.api_url)


_JUDGE_SUFFIX = re.compile(r"(-[A-Za-z]{2,4})+$")


def same_docket(a: str | None, b: str | None) -> bool:
    """Whether two docket numbers are one: courts append the judges' initials
    ('1:23-cv-11195-SHS') where CourtListener may not ('1:23-cv-11195')."""
    if not a or not b:
        return a == b
    def core(number: str) -> str:
        return _JUDGE_SUFFIX.sub("", number.strip()).casefold()

    return core(a) == core(b)


def apply_docket(d: Dispute, docket: Docket) -> list[str]:
    """Bring the dispute's forum for `docket` up to date; each change becomes an event.

    Returns what changed, for the user; an empty list when nothing did.
    """
    forum = next(f for f in d.forums if f.courtlistener_id == docket.id)
    stamp = now_iso()
    changes: list[str] = []

    def note(text: str, *, date: str | None = None) -> None:
        changes.append(text)
        d.events.append(Event(date=dates.stored(date or stamp[:10]), text=f"CourtListener: {text}",
                              source=docket.page, recorded=dates.Stamp(stamp),
                              origin=docket.api_url))

    if docket.docket_number and not same_docket(docket.docket_number, forum.docket):
        note(f"docket number {forum.docket or '(none)'} is now {docket.docket_number}.")
        forum.docket = docket.docket_number
    if docket.assigned_to_str and docket.assigned_to_str != forum.judge:
        was = f" (was {forum.judge})" if forum.judge else ""
        note(f"assigned to {docket.assigned_to_str}{was}.")
        forum.judge = docket.assigned_to_str
    if docket.cause and docket.cause not in d.claims:
        d.claims.append(docket.cause)
        note(f"cause {docket.cause}.")
    if docket.date_filed and not d.started:
        d.started = docket.date_filed  # a date type already (setattr skips the check)
        changes.append(f"filed {docket.date_filed}")
    if docket.date_terminated and d.status not in FINAL_STATUSES:
        history = d.status_history()
        if not history or history[-1].date <= dates.stored(docket.date_terminated):
            d.events.append(_terminated(docket, d.status, stamp))
            d.status = "closed"
            changes.append(f"terminated {docket.date_terminated}: status closed")
    if changes:
        d.updated = dates.Stamp(stamp)
    return changes


# -- into the store -------------------------------------------------------------------------


def docket_forums(d: Dispute) -> list[int]:
    """The CourtListener docket ids of a dispute's forums."""
    return [f.courtlistener_id for f in d.forums if f.courtlistener_id]


def follow_dockets(store: Store, d: Dispute) -> list[Feed]:
    """Subscribe to the docket feeds of the dispute's CourtListener forums; the new ones."""
    from tracker import feeds
    from tracker.sources.docket import Docket as DocketKind

    added, _ = feeds.add_feeds(store, [f for f in feeds.dispute_feeds(d)
                                       if f.kind == DocketKind.name])
    return added


def record(store: Store, docket: Docket, *, slug: str | None = None,
           follow: bool = True) -> tuple[Dispute, list[Feed]]:
    """Record a new dispute from a docket (and follow its feed). Returns it and the feeds."""
    d = new_dispute(docket, slug=slug)
    holder = next((x for x in store.disputes() if docket.id in docket_forums(x)), None)
    if holder is not None:
        raise ConflictError(f"docket {docket.id} is already recorded in '{holder.slug}'",
                            hint=f"update it with 'tracker dispute refresh {holder.slug}'")
    if store.dispute(d.slug) is not None:
        raise ConflictError(f"a dispute '{d.slug}' already exists",
                            hint="choose another with --slug")
    store.put_dispute(d)
    return d, follow_dockets(store, d) if follow else []


def refresh(store: Store, slug: str, dockets: list[Docket]) -> tuple[Dispute, list[str]]:
    """Apply fetched dockets to the stored dispute. Returns it and what changed."""
    from tracker import core

    d = core.get_dispute(store, slug)
    changes = []
    for docket in dockets:
        if docket.id in docket_forums(d):
            changes += [f"docket {docket.id}: {c}" for c in apply_docket(d, docket)]
    if changes:
        store.put_dispute(d)
    return d, changes
