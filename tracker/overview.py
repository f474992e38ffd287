"""All disputes at a glance: the data of `tracker report --all` and `tracker timeline
--all`, and its Markdown and HTML pages (the site's index).

A status table (status, since when, the last event, forums and dockets, recent
coverage), coverage per week over a fixed window with the events marked, each
dispute's status periods, and one timeline across disputes, newest first.
Plain text in, text out, like tracker.report, whose escaping rules apply here too.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from tracker import __version__
from tracker.models import Article, Dispute, Event
from tracker.report import (
    _CSS,
    DEFAULT_WEEKS,
    Week,
    _count,
    _courtlistener,
    article_date,
    day_of,
    event_html,
    event_md,
    forum_name_html,
    h,
    h_link,
    kind_label,
    md,
    muted_count,
    muted_note,
    newest_first,
    shown,
    weekly,
)

RECENT_DAYS = 30
SPARKS = "▁▂▃▄▅▆▇█"
DEFAULT_TITLE = "AI copyright disputes at a glance"


@dataclass
class Entry:
    """One dispute in the overview."""

    dispute: Dispute
    articles: list[Article]  # newest first
    weeks: list[Week]
    recent: int  # articles dated in the RECENT_DAYS up to the as-of day

    @property
    def since(self) -> str | None:
        """When the current status began (its status event), else when the dispute did."""
        history = self.dispute.status_history()
        if history:
            return str(history[-1].date)
        return str(self.dispute.started) if self.dispute.started else None

    @property
    def last_event(self) -> Event | None:
        timeline = shown(self.dispute)
        return timeline[-1][1] if timeline else None


@dataclass
class Overview:
    as_of: date
    entries: list[Entry]
    total: list[Week]  # every linked article once, every dispute's events

    @property
    def weeks(self) -> int:
        return len(self.total)

    def timeline(self) -> list[tuple[Dispute, Event]]:
        """Every dispute's events, newest first (ties: by dispute, then as recorded)."""
        pairs = [(e.dispute, ev) for e in self.entries for _, ev in shown(e.dispute)]
        order = {id(ev): n for n, (_, ev) in enumerate(pairs)}
        return sorted(pairs, key=lambda p: (p[1].date, p[0].slug, -order[id(p[1])]),
                      reverse=True)

    def recent(self) -> int:
        seen = {a.id for e in self.entries for a in e.articles
                if _recent(a, self.as_of)}
        return len(seen)


def _recent(a: Article, as_of: date) -> bool:
    day = day_of(article_date(a))
    return day is not None and as_of - timedelta(days=RECENT_DAYS) < day <= as_of


def build(disputes: Iterable[Dispute], coverage: dict[str, list[Article]], *, as_of: date,
          weeks: int = DEFAULT_WEEKS) -> Overview:
    """The overview of `disputes` (in the order given) with the articles linked to each."""
    entries = []
    for d in disputes:
        articles = newest_first(coverage.get(d.slug, []))
        entries.append(Entry(d, articles, weekly(d, articles, until=as_of, weeks=weeks),
                             sum(1 for a in articles if _recent(a, as_of))))
    unique = {a.id: a for e in entries for a in e.articles}
    total = weekly(None, list(unique.values()), until=as_of, weeks=weeks)
    for e in entries:
        for mine, week in zip(e.weeks, total, strict=True):
            week.events.extend(mine.events)
    return Overview(as_of, entries, total)


def spark(weeks: Sequence[Week], peak: int) -> str:
    """One character per week: a block as high as its share of `peak`, '·' for none."""
    out = []
    for w in weeks:
        if not w.count:
            out.append("·")
        else:
            out.append(SPARKS[min(len(SPARKS) - 1, max(0, round(w.count / max(peak, 1)
                                                                  * len(SPARKS)) - 1))])
    return "".join(out)


def marks(weeks: Sequence[Week]) -> str:
    """One character per week: ◆ a status change, ◇ another event, space for none."""
    return "".join("◆" if any(e.status for e in w.events) else "◇" if w.events else " "
                   for w in weeks)


def month_ruler(weeks: Sequence[Week]) -> str:
    """Month names over the weeks they start in (one character per week)."""
    line = [" "] * len(weeks)
    for i, w in enumerate(weeks):
        first = next((w.start + timedelta(days=k) for k in range(7)
                      if (w.start + timedelta(days=k)).day == 1), None)
        if first is None:
            continue
        label = first.strftime("%b" if first.month != 1 else "%Y")
        if all(c == " " for c in line[max(0, i - 1): i + len(label)]):
            line[i: i + len(label)] = list(label)
    return "".join(line).rstrip()


def status_periods(d: Dispute, as_of: date) -> list[tuple[str, str, str | None]]:
    """(status, from, to) for each status the dispute has had; to is None for now."""
    history = [e for e in d.status_history() if (day := day_of(e.date)) and day <= as_of]
    return [(str(e.status), str(e.date),
             str(history[n + 1].date) if n + 1 < len(history) else None)
            for n, e in enumerate(history)]


def _forums_text(d: Dispute) -> list[str]:
    if not d.forums:
        return ["none (a private demand)" if d.kind == "demand-letter" else "none recorded"]
    return [f.name + (f", No. {f.docket}" if f.docket else "") for f in d.forums]


def _event_summary(e: Event | None, chars: int = 90) -> str:
    if e is None:
        return ""
    text = e.text if len(e.text) <= chars else e.text[: chars - 1].rstrip() + "…"
    return f"{e.date}: {text}"


# -- Markdown -------------------------------------------------------------------------------


def markdown(ov: Overview, *, title: str = DEFAULT_TITLE) -> str:
    """The overview as Markdown; `ov.as_of` is its only time-dependent text."""
    as_of = ov.as_of.isoformat()
    out = [f"# {md(title)}", "",
           f"**As of:** {as_of} · **Disputes:** {len(ov.entries)} · "
           f"**Articles in the last {RECENT_DAYS} days:** {ov.recent()}", ""]
    out += ["## Status", "",
            "| Dispute | Status | Since | Last event | Forums and dockets | "
            f"Last {RECENT_DAYS} days |",
            "|---|---|---|---|---|---:|"]
    for e in ov.entries:
        d = e.dispute
        out.append(f"| {md(d.title)} (`{md(d.slug)}`) | {md(d.status)} | {md(e.since or '')} "
                   f"| {md(_event_summary(e.last_event))} | "
                   f"{'; '.join(md(f) for f in _forums_text(d))} | {e.recent} |")
    if not ov.entries:
        out.append("| No disputes match. | | | | | |")
    first, last = ov.total[0].start, ov.total[-1].start + timedelta(days=6)
    width = max((len(e.dispute.slug) for e in ov.entries), default=0) + 2
    peak = max((w.count for e in ov.entries for w in e.weeks), default=0)
    out += ["", "## Coverage per week", "",
            f"{ov.weeks} weeks, {first.isoformat()} to {last.isoformat()}, one column per "
            f"week (Monday to Sunday); bars on one scale ({peak} at most), · none; "
            "◆ a status change, ◇ another event.", "", "```text",
            " " * width + f"{month_ruler(ov.total):<{ov.weeks + 3}}" + "total"]
    for e in ov.entries:
        out.append(f"{e.dispute.slug:<{width}}{spark(e.weeks, peak)}   "
                   f"{sum(w.count for w in e.weeks):>5}")
        if any(w.events for w in e.weeks):
            out.append(" " * width + marks(e.weeks).rstrip())
    out += ["```", "", "## Status periods", ""]
    for e in ov.entries:
        steps = [f"**{md(s)}** {md(start)}" + (f" to {md(end)}" if end else " to now")
                 for s, start, end in status_periods(e.dispute, ov.as_of)]
        out.append(f"- `{md(e.dispute.slug)}`: " + ("; ".join(steps) or "no status recorded"))
    if not ov.entries:
        out.append("No disputes match.")
    out += ["", "## Timeline, all disputes (newest first)", ""]
    for d, ev in ov.timeline():
        out += event_md(ev, slug=d.slug, note=False)
    hidden = muted_count([e.dispute for e in ov.entries])
    if hidden:
        out.append(f"_{md(muted_note(hidden))} (`tracker dispute event list SLUG --all` "
                   "lists them)._")
    elif not ov.timeline():
        out.append("No events recorded.")
    out += ["", f"_Overview as of {as_of}, compiled with tracker from public sources. "
            "Unconfirmed events are marked._", ""]
    return "\n".join(out)


# -- HTML -----------------------------------------------------------------------------------

_OVERVIEW_CSS = """
main.wide { max-width: 1000px; }
.lede { margin: 0 0 6px; font-size: 16px; }
.stats { display: flex; flex-wrap: wrap; gap: 10px; margin: 16px 0 6px; padding: 0;
         list-style: none; }
.stats li { flex: 1 1 140px; padding: 8px 12px; border: 1px solid var(--rule);
            border-radius: 4px; }
.stats b { display: block; font-size: 22px; line-height: 1.2; color: var(--ink); }
.stats span { color: var(--muted); font-size: 12px; }
table.board th { font-size: 12px; color: var(--muted); font-weight: 600;
                  border-bottom: 1px solid var(--rule); }
table.board td { border-top: 1px solid var(--faint); }
table.board td.n { text-align: right; font-variant-numeric: tabular-nums; }
table.board .title { font-weight: 600; }
.pill { display: inline-block; padding: 0 8px; border-radius: 10px; font-size: 12px;
        font-weight: 600; white-space: nowrap; }
ol.all li { grid-template-columns: 6.6em 11em 1fr; }
.slug { color: var(--muted); font-size: 13px; }
"""


def _pill(status: str) -> str:
    from tracker.charts import OTHER_COLOUR, STATUS_COLOURS

    fill, ink = STATUS_COLOURS.get(status, OTHER_COLOUR)
    return f'<span class="pill" style="background:{fill};color:{ink}">{h(status)}</span>'


def _dispute_cell(d: Dispute, href: str | None) -> str:
    name = f'<a href="{h(href)}">{h(d.title)}</a>' if href else h(d.title)
    return (f'<span class="title">{name}</span><br><span class="slug">{h(d.slug)} · '
            f"{h(kind_label(d))}</span>")


def _forums_cell(d: Dispute) -> str:
    if not d.forums:
        return f'<span class="small">{h(_forums_text(d)[0])}</span>'
    lines = []
    for f in d.forums:
        line = forum_name_html(f)
        if f.courtlistener_id:
            line += " · " + h_link("docket", _courtlistener(f.courtlistener_id))
        lines.append(line)
    return "<br>".join(lines)


def _status_table(ov: Overview, page: Callable[[str], str | None]) -> str:
    if not ov.entries:
        return "<p>No disputes match.</p>"
    rows = []
    for e in ov.entries:
        d, last = e.dispute, e.last_event
        last_cell = (f"<time>{h(last.date)}</time><br>"
                     f"{h(_event_summary(last)[len(str(last.date)) + 2:])}" if last else "&ndash;")
        rows.append(f"<tr><td>{_dispute_cell(d, page(d.slug))}</td><td>{_pill(d.status)}</td>"
                    f"<td><time>{h(e.since or '')}</time></td><td>{last_cell}</td>"
                    f'<td class="small">{_forums_cell(d)}</td><td class="n">{e.recent}</td>'
                    "</tr>")
    return ('<table class="board"><thead><tr><th>Dispute</th><th>Status</th><th>Since</th>'
            f"<th>Last event</th><th>Forums and dockets</th><th>Last {RECENT_DAYS}&nbsp;days"
            f'</th></tr></thead><tbody>{"".join(rows)}</tbody></table>')


def _timeline_html(ov: Overview, page: Callable[[str], str | None]) -> str:
    pairs = ov.timeline()
    hidden = muted_count([e.dispute for e in ov.entries])
    note = (f'<p class="note">{h(muted_note(hidden))} (procedural docket entries on the '
            "mute list).</p>") if hidden else ""
    if not pairs:
        return note or "<p>No events recorded.</p>"
    items = []
    for d, e in pairs:
        href = page(d.slug)
        who = f'<a href="{h(href)}">{h(d.slug)}</a>' if href else h(d.slug)
        items.append(f'<li><time>{h(e.date)}</time><span class="slug">{who}</span>'
                     f"<div>{event_html(e, note=False)}</div></li>")
    return f'<ol class="timeline all">{"".join(items)}</ol>{note}'


def _charts_html(ov: Overview, page: Callable[[str], str | None]) -> str:
    from tracker.charts import Lane, coverage_rows, periods, swimlane

    def lane(e: Entry) -> Lane:
        return Lane(e.dispute.title, e.weeks, page(e.dispute.slug),
                    f"{e.dispute.title} ({e.dispute.slug})")

    first, last = ov.total[0].start, ov.total[-1].start + timedelta(days=6)
    shown = sum(w.count for w in ov.total)
    lanes = [(lane(e), periods(e.dispute.status_history(), ov.as_of, day_of))
             for e in ov.entries]
    return (
        "<h2>Status over time</h2><figure>" + swimlane(lanes, ov.as_of)
        + "<figcaption>Each band is a period in one status, from the status change that "
        "began it to the next one; the dashed line is "
        + h(ov.as_of.isoformat()) + ".</figcaption></figure>"
        + "<h2>Coverage per week</h2><figure>" + coverage_rows(ov.total, [lane(e) for e in
                                                                         ov.entries])
        + "<figcaption>" + h(
            f"Articles per week over {ov.weeks} weeks, {first.isoformat()} to "
            f"{last.isoformat()} (weeks start on Monday; empty weeks shown): {_count(shown)} "
            "in all, an article linked to two disputes counted once in the top row. The "
            "dispute rows share one scale; the number at the end of a row is its total. "
            "Diamonds mark timeline events; dark ones changed the status.")
        + "</figcaption></figure>")


def html_page(ov: Overview, *, title: str = DEFAULT_TITLE,
              page: Callable[[str], str | None] = lambda slug: None, nav: str = "",
              head: str = "") -> str:
    """The overview as one self-contained HTML page (no scripts, no external files).

    `page` gives the address of a dispute's own page, if there is one (the site's);
    `nav` is trusted markup put above the header, `head` in the <head>.
    """
    as_of = ov.as_of.isoformat()
    counts: dict[str, int] = {}
    for e in ov.entries:
        counts[e.dispute.status] = counts.get(e.dispute.status, 0) + 1
    newest = max((e.last_event.date for e in ov.entries if e.last_event), default=None)
    latest = "none" if newest is None else str(newest)
    stats = (f"<li><b>{len(ov.entries)}</b><span>disputes followed</span></li>"
             f"<li><b>{ov.recent()}</b><span>articles in the last {RECENT_DAYS} days</span></li>"
             f"<li><b>{h(latest)}</b><span>latest event</span></li>"
             f"<li><b>{sum(1 for e in ov.entries if e.dispute.status in _OPEN)}</b>"
             "<span>still open</span></li>")
    lede = ", ".join(f"{n} {h(s)}" for s, n in sorted(counts.items(), key=lambda p: -p[1]))
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="referrer" content="no-referrer">
<title>{h(title)} – overview as of {h(as_of)}</title>
{head}<style>{_CSS}{_OVERVIEW_CSS}</style>
</head>
<body>
<main class="wide">
{nav}<header>
<p class="kicker">Overview · {len(ov.entries)} disputes · as of {h(as_of)}</p>
<h1>{h(title)}</h1>
<p class="lede">{lede or "No disputes match."}</p>
</header>
<ul class="stats">{stats}</ul>
<h2>Status</h2>
{_status_table(ov, page)}
{_charts_html(ov, page) if ov.entries else ""}
<h2>Timeline, all disputes (newest first)</h2>
{_timeline_html(ov, page)}
<footer>Overview as of {h(as_of)}, compiled with tracker {h(__version__)} from public
sources. Dates are as reported; unconfirmed events are marked. Links open the original
sources.</footer>
</main>
</body>
</html>
"""


_OPEN = {"demand-sent", "investigation", "filed", "motion-to-dismiss", "discovery",
         "summary-judgment", "trial", "judgment", "appeal"}
