"""Feed health: when a feed is tried next, and why. Pure rules over a Feed, no I/O.

A transient failure never stops a feed for good: each failure in a row waits longer
(5, 10, 20 ... minutes, at most `backoff_max_hours`), and a server's Retry-After is
honoured when it asks for longer. Only a 410 Gone or the user disables a feed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

from tracker import dates
from tracker.models import Feed

Transition = Literal["failing", "recovered"]
OK_OUTCOMES = frozenset({"ok", "not-modified", "unchanged"})


@dataclass(frozen=True)
class Backoff:
    """How long a failing feed waits: `first` after one failure, doubling, at most `most`."""

    first: timedelta = timedelta(minutes=5)
    most: timedelta = timedelta(hours=12)

    @classmethod
    def from_config(cls, section: dict[str, Any]) -> Backoff:
        return cls(first=timedelta(minutes=float(section.get("backoff_minutes", 5))),
                   most=timedelta(hours=float(section.get("backoff_max_hours", 12))))

    def wait(self, failures: int) -> timedelta:
        if failures <= 0:
            return timedelta(0)
        return min(self.first * 2 ** min(failures - 1, 30), self.most)


def _stamp(when: datetime) -> dates.Stamp:
    return dates.Stamp(when.replace(microsecond=0).isoformat())


def record(feed: Feed, outcome: str, error: str | None, retry_after: str | None,
           now: datetime, backoff: Backoff) -> Transition | None:
    """Fold one fetch outcome into `feed`'s health; say when it starts failing or recovers."""
    if outcome in OK_OUTCOMES:
        was_failing = feed.errors > 0
        feed.errors, feed.last_error, feed.retry_after = 0, None, None
        if feed.enabled:
            feed.skipped_reason = None  # an old store's "failed 3 times" skip ends here
        return "recovered" if was_failing else None
    feed.last_error = error or outcome
    if outcome == "gone":
        feed.enabled, feed.skipped_reason, feed.retry_after = False, error, None
        feed.errors += 1
        return "failing" if feed.errors == 1 else None
    feed.errors += 1
    wake = now + backoff.wait(feed.errors)
    if retry_after:
        wake = max(wake, datetime.fromisoformat(retry_after))
    feed.retry_after = _stamp(wake)
    return "failing" if feed.errors == 1 else None


def _wait_until(feed: Feed) -> datetime | None:
    """When the feed's wait ends; None without one, or when its stamp names no time (a hand
    edit: `doctor` names it, and the feed is tried as if it had none)."""
    if not feed.retry_after:
        return None
    try:
        return feed.retry_after.instant()
    except (ValueError, OverflowError):
        return None


def due(feed: Feed, now: datetime) -> str | None:
    """Why `feed` is not polled now, or None when it is due."""
    if not feed.enabled:
        return feed.skipped_reason or "disabled"
    if (wake := _wait_until(feed)) is not None and wake > now:
        return backing_off(feed)
    return None


def backing_off(feed: Feed) -> str:
    what = f"failed {feed.errors} time(s) in a row" if feed.errors else "server asked to wait"
    return f"{what}; next try {feed.retry_after}"


def failing(feed: Feed) -> bool:
    """An enabled feed whose last try failed: a poll reports it with exit code 3."""
    return feed.enabled and feed.errors > 0


def next_try(feed: Feed, now: datetime) -> tuple[str, str]:
    """When a poll will try `feed` next and why, for `feed list`."""
    if not feed.enabled:
        why = feed.skipped_reason or "disabled by the user"
        return "never", why if why.startswith("disabled") else f"disabled: {why}"
    if (wake := _wait_until(feed)) is not None and wake > now:
        why = (f"backing off after {feed.errors} failure(s): {feed.last_error}" if feed.errors
               else "the server asked to wait (Retry-After)")
        return str(feed.retry_after), why
    if feed.errors:
        return "next poll", f"retrying after {feed.errors} failure(s): {feed.last_error}"
    return "next poll", "ok" if feed.last_polled else "never polled"
