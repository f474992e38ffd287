"""Following a poll from the outside: what each feed answered and when, why each item
matched or did not, and what was written. Logged with stdlib logging (`tracker -v poll`)
and summed up in one progress line ("14/30 feeds · 2 failing · slowest: <name>").

Nothing here changes what a poll does: it listens to the poll's callbacks and reads the
results the poll returns. Item explanations run the same matcher again, only when asked.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any

from tracker.models import Dispute, Feed

if TYPE_CHECKING:
    from tracker.fetching import Result
    from tracker.polling import PollSummary

log = logging.getLogger("tracker.poll")
match_log = logging.getLogger("tracker.match")

HEALTHY = frozenset({"ok", "not-modified", "unchanged"})


def label(feed: Feed) -> str:
    return feed.name or feed.title or feed.url


def _answer(result: Result) -> str:
    """'200 ok, 25 entries', '304 not modified', 'error: could not connect (...)'."""
    status = f"{result.status} " if result.status else ""
    if result.outcome == "ok":
        entries = len(result.parsed.entries) if result.parsed else 0
        return f"{status}ok, {entries} entr{'y' if entries == 1 else 'ies'}"
    if result.outcome in ("not-modified", "unchanged"):
        return f"{status}{result.outcome.replace('-', ' ')}"
    return f"{status}{result.outcome}: {result.error or 'no reason given'}"


class Watch:
    """The poll as it goes: feeds answered, failing, and the ones still awaited."""

    def __init__(self, feeds: Sequence[Feed], clock: Callable[[], float] = time.monotonic):
        self.feeds = {f.url: f for f in feeds}
        self.pending = {f.url: label(f) for f in feeds}
        self.total, self.done, self.failing = len(feeds), 0, 0
        self.clock = clock
        self.started = clock()
        self.show = False  # whether a live progress line is drawn (the CLI decides)
        # The parsed results, kept only when someone will read why items matched.
        self.results: list[Result] | None = [] if match_log.isEnabledFor(logging.INFO) else None

    def start(self, n: int) -> None:
        self.total = n
        self.started = self.clock()

    def answered(self, result: Result) -> None:
        after = self.clock() - self.started
        name = self.pending.pop(result.url, None) or result.url
        self.done += 1
        self.failing += result.outcome not in HEALTHY
        log.info("%s answered %s after %.2f s", name, _answer(result), after)
        if self.results is not None:
            self.results.append(result)

    def finish(self, summary: PollSummary, disputes: Sequence[Dispute],
               subject_terms: Sequence[str]) -> None:
        if self.results:
            explain(self.results, self.feeds, disputes, subject_terms)
        written(summary)

    def line(self) -> str:
        """The progress line: '14/30 feeds · 2 failing · slowest: The Verge: AI'."""
        text = f"{self.done}/{self.total} feeds"
        if self.failing:
            text += f" · {self.failing} failing"
        if self.done and self.pending:
            waiting = list(self.pending.values())
            more = f" (+{len(waiting) - 1})" if len(waiting) > 1 else ""
            text += f" · slowest: {waiting[0]}{more}"
        return text


def skipped(feeds: Iterable[Feed], why: Callable[[Feed], str | None]) -> None:
    for feed in feeds:
        reason = why(feed)
        if reason:
            log.info("%s skipped: %s", label(feed), reason)


def explain(results: Sequence[Result], feeds: dict[str, Feed], disputes: Sequence[Dispute],
            subject_terms: Sequence[str]) -> None:
    """Log why each news item matched (-v), nearly matched (-v) or did not (-vv).

    With the matcher's own `explain` (decisions with reasons) when it has one; otherwise
    from the terms of each match.
    """
    if not match_log.isEnabledFor(logging.INFO):
        return
    from tracker.matching import Matcher

    matcher = Matcher(disputes, subject_terms)
    explains = getattr(matcher, "explain", None)
    for result in results:
        feed = feeds.get(result.url)
        if result.parsed is None or result.outcome != "ok" or (feed and feed.kind == "docket"):
            continue
        for entry in result.parsed.entries:
            title = entry.title or entry.link
            if explains is not None:
                for decision in explains(entry.title, entry.summary, published=entry.published):
                    _decision(title, decision)
                continue
            found = matcher.match(entry.title, entry.summary)
            for m in found:
                match_log.info("%r matched %s: %s", title, m.slug, _terms(m.terms))
            if not found:
                match_log.debug("%r matched no dispute: it names no claimant with a "
                                "respondent and a subject term", title)


def _terms(terms: Iterable[str]) -> str:
    """('claimant:NYT', 'subject:lawsuit') -> "claimant 'NYT', subject 'lawsuit'"."""
    out = []
    for term in terms:
        side, _, word = term.partition(":")
        out.append(f"{side} {word!r}" if word else side)
    return ", ".join(out)


def _decision(title: str, decision: Any) -> None:
    """One line for one dispute the matcher weighed: a match or a near miss at -v, the
    rest at -vv."""
    verdict = getattr(decision, "verdict", "")
    reasons = "; ".join(getattr(decision, "reasons", ()) or ()) or _terms(decision.terms)
    missing = ", ".join(getattr(decision, "missing", ()) or ())
    lack = f"; missing {missing}" if missing else ""
    if verdict == "match":
        match_log.info("%r matched %s: %s", title, decision.slug, reasons)
    elif verdict == "suggest":
        match_log.info("%r nearly matched %s (kept for review): %s%s", title, decision.slug,
                       reasons, lack)
    else:
        match_log.debug("%r did not match %s: %s%s", title, decision.slug,
                        reasons or "nothing of it named", lack)


def written(summary: PollSummary) -> None:
    log.info("wrote %d new article(s), %d updated, %d link(s) to disputes, %d docket "
             "event(s), the state of %d feed(s)", summary.articles_new,
             summary.articles_updated, summary.articles_attached, summary.events_new,
             summary.feeds_polled)
