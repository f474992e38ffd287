"""Case summaries to paste or send (Markdown; one self-contained HTML file with an inline
SVG chart), and the articles-per-week data behind `tracker timeline`.

Plain text in, text out: nothing here knows about rich or typer. Untrusted text (feed
titles, summaries, URLs) is made inert for each target: terminal escapes and control
characters are removed, then the text is Markdown- or HTML-escaped, and only absolute
http(s) URLs ever become links.
"""

from __future__ import annotations

import functools
import html
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any
from urllib.parse import urlsplit

from tracker import __version__
from tracker.errors import InputError
from tracker.models import ROLE_TITLES, STATUSES, Article, Dispute, Event, Forum, Party
from tracker.text import inert
from tracker.urls import check_url

MAX_WEEKS = 520
DEFAULT_WEEKS = 26  # the window of every chart and of `tracker timeline`
REPORT_MAX_WEEKS = 156  # a case report's chart reaches back at most three years

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|~#])")
# A list marker or formula sign opening a line; after digits only the dot or parenthesis is
# escaped, since CommonMark's backslash escapes punctuation only ("\1" shows its backslash).
_MD_LINE_START = re.compile(r"^(\s*)(\d+(?=[.)])|)([-+=.)])", re.MULTILINE)


def plain(text: object, *, multiline: bool = False) -> str:
    """Untrusted text without escape sequences or control characters, spaces collapsed."""
    s = inert(text)
    if multiline:
        paragraphs = (re.sub(r"\s+", " ", p).strip() for p in re.split(r"\n\s*\n", s))
        return "\n\n".join(p for p in paragraphs if p)
    return re.sub(r"\s+", " ", s).strip()


@functools.lru_cache(maxsize=65536)  # a site shows each address on several pages and feeds
def safe_url(url: str | None) -> str | None:
    """The URL if it may become a link (absolute http or https, nothing hidden), else None."""
    if not url:
        return None
    try:
        return check_url(url) if plain(url) == url.strip() else None
    except InputError:
        return None


def link_label(url: str, width: int = 48) -> str:
    """A short, printable name for a link: host and path, e.g. 'coda-cj.jp/en/news/817'."""
    parts = urlsplit(url)
    host = (parts.hostname or "").removeprefix("www.")
    label = host + (parts.path.rstrip("/") or "")
    return label if len(label) <= width else label[: width - 1] + "…"


_DAY = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")


def day_of(text: object) -> date | None:
    """The calendar day a YYYY[-MM[-DD]] date (or timestamp) starts on; None if unknown.

    Anything that prints as such a date will do (a partial-date type as well as text).
    """
    return _day_of(str(text)[:10] if text else "")


@functools.lru_cache(maxsize=8192)  # charts ask for the same few hundred days again and again
def _day_of(text: str) -> date | None:
    m = _DAY.match(text)
    if not m:
        return None
    try:
        return date(int(m[1]), int(m[2] or 1), int(m[3] or 1))
    except ValueError:
        return None


def muted(e: Event) -> bool:
    """A docket entry the mute list hides (procedural noise): kept, never shown."""
    return bool(getattr(e, "muted", False))


def shown(d: Dispute) -> list[tuple[int, Event]]:
    """The timeline as reports show it: each event with its number, muted ones left out
    (the numbers stay those of the whole timeline, as `dispute event list` gives them)."""
    return [(n, e) for n, e in enumerate(d.timeline(), 1) if not muted(e)]


def muted_count(disputes: Dispute | Sequence[Dispute]) -> int:
    """How many docket entries the mute list hides from the report(s) of `disputes`."""
    many = [disputes] if isinstance(disputes, Dispute) else disputes
    return sum(1 for d in many for e in d.events if muted(e))


def muted_note(n: int) -> str:
    """What a report says in place of the muted docket entries it leaves out."""
    return f"{n} muted docket entr{'y' if n == 1 else 'ies'} not shown"


def article_date(a: Article) -> str:
    return (a.published or a.first_seen)[:10]


def newest_first(articles: Sequence[Article]) -> list[Article]:
    return sorted(articles, key=lambda a: (a.sort_key(), a.url), reverse=True)


# -- coverage per week ----------------------------------------------------------------------


@dataclass
class Week:
    """One Monday-to-Sunday week: the articles published and the events dated in it."""

    start: date
    articles: list[Article] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.articles)

    def to_dict(self) -> dict[str, Any]:
        return {
            "week": self.start.isoformat(),
            "articles": self.count,
            "article_ids": [a.id for a in self.articles],
            "events": [{"date": str(e.date), "status": e.status, "text": e.text}
                       for e in self.events],
        }


def week_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def weekly(d: Dispute | None, articles: Sequence[Article], *, until: date, weeks: int
           ) -> list[Week]:
    """The `weeks` weeks ending with the one holding `until`, oldest first.

    A date known only to the month (2025-10) counts in the week of its first day.
    """
    if not 1 <= weeks <= MAX_WEEKS:
        raise InputError(f"--weeks must be between 1 and {MAX_WEEKS}, not {weeks}")
    try:  # the weeks shown, and the days of the last one, must be dates
        until - timedelta(weeks=weeks + 1), until + timedelta(days=13)
    except OverflowError:
        raise InputError(f"--until {until} is out of range for {weeks} weeks",
                         hint="give a date nearer today") from None
    last = week_of(until)
    out = [Week(last - timedelta(weeks=n)) for n in range(weeks - 1, -1, -1)]
    by_start = {w.start: w for w in out}
    for a in sorted(articles, key=lambda a: (a.sort_key(), a.url)):
        day = day_of(article_date(a))
        if day and week_of(day) in by_start:
            by_start[week_of(day)].articles.append(a)
    for _, e in shown(d) if d else []:
        day = day_of(e.date)
        if day and week_of(day) in by_start:
            by_start[week_of(day)].events.append(e)
    return out


def window(d: Dispute | None, articles: Sequence[Article], as_of: date,
           weeks: int | None = None) -> list[Week]:
    """The weeks a chart shows, ending with the week of `as_of`, empty weeks included.

    `weeks` fixes the window's length. Without it the window reaches back to the
    dispute's first dated event or article (so every event of a young dispute is
    marked), never less than DEFAULT_WEEKS nor more than REPORT_MAX_WEEKS.
    """
    if weeks is None:
        days = [day for _, e in (shown(d) if d else []) if (day := day_of(e.date))]
        days += [day for a in articles if (day := day_of(article_date(a)))]
        first = min((day for day in days if day <= as_of), default=as_of)
        span = (week_of(as_of) - week_of(first)).days // 7 + 1
        weeks = min(max(span, DEFAULT_WEEKS), REPORT_MAX_WEEKS)
    return weekly(d, articles, until=as_of, weeks=weeks)


def outside(d: Dispute, articles: Sequence[Article], weeks: Sequence[Week]
            ) -> tuple[int, int]:
    """How many of the dispute's (events, articles) are dated before the window."""
    start = weeks[0].start
    early_events = sum(1 for _, e in shown(d) if (day := day_of(e.date)) and day < start)
    early_articles = sum(1 for a in articles if (day := day_of(article_date(a))) and day < start)
    return early_events, early_articles


_EIGHTHS = " ▏▎▍▌▋▊▉"


def bar(count: int, peak: int, width: int) -> str:
    """A horizontal bar of `count` out of `peak`, `width` cells wide, in eighth blocks."""
    if count <= 0 or peak <= 0:
        return ""
    eighths = max(1, round(count / peak * width * 8))
    full, rest = divmod(eighths, 8)
    return "█" * full + (_EIGHTHS[rest] if rest else "")


# -- Markdown -------------------------------------------------------------------------------


def md(text: object, *, multiline: bool = False) -> str:
    """Untrusted text for Markdown: inert, with every character that could make markup
    (links, emphasis, HTML, headings, tables) escaped."""
    s = _MD_SPECIAL.sub(r"\\\1", plain(text, multiline=multiline))
    return _MD_LINE_START.sub(r"\1\2\\\3", s)


def md_link(label: str, url: str | None) -> str:
    """`[label](url)` when the URL may be a link, else the escaped label alone."""
    href = safe_url(url)
    if href is None:
        return md(label)
    for ch, code in (("\\", "%5C"), ("(", "%28"), (")", "%29"), ("<", "%3C"), (">", "%3E"),
                     (" ", "%20")):
        href = href.replace(ch, code)
    return f"[{md(label)}]({href})"


def _aka(p: Party) -> str:
    """What to say after a party's name: its kind unless a company, and its other names."""
    aliases = p.other_names()
    details = [] if p.kind == "company" else [p.kind.replace("-", " ")]
    if aliases:
        details.append("also " + ", ".join(aliases))
    return f"({'; '.join(details)})" if details else ""


def by_role(d: Dispute) -> list[tuple[str, list[Party]]]:
    """Parties grouped by role, claimants' side first."""
    groups = d.parties_by_role()
    return [(ROLE_TITLES[r], groups[r]) for r in ROLE_TITLES if r in groups] + [
        (r, ps) for r, ps in groups.items() if r not in ROLE_TITLES]


def kind_label(d: Dispute) -> str:
    return d.kind.replace("-", " ")


def _forum_lines(d: Dispute) -> list[str]:
    if not d.forums:
        return [_no_forum(d)]
    lines = []
    for f in d.forums:
        line = f"- {md(f.name)}"
        if f.docket:
            line += f", No. **{md(f.docket)}**"
        if f.jurisdiction:
            line += f" ({md(f.jurisdiction)})"
        if f.courtlistener_id:
            line += " · " + md_link("CourtListener docket", _courtlistener(f.courtlistener_id))
        lines.append(line)
    return lines


def _no_forum(d: Dispute) -> str:
    if d.kind == "demand-letter":
        return "None: a private demand, not before a court or body."
    return "None recorded."


def _courtlistener(docket_id: int) -> str:
    return f"https://www.courtlistener.com/docket/{int(docket_id)}/"


def event_md(e: Event, *, slug: str | None = None, note: bool = True) -> list[str]:
    """One timeline event as a Markdown list item (the overview names its dispute)."""
    line = f"- **{md(e.date)}**"
    if slug is not None:
        line += f" · `{md(slug)}`"
    if e.status:
        line += f" · status **{md(e.status)}**"
    line += f" · {md(e.text)}"
    if e.unconfirmed:
        line += " · _(unconfirmed)_"
    if e.source:
        line += " · source: " + md_link(link_label(e.source), e.source)
    lines = [line]
    if note and e.note:
        lines.append(f"  - _Note:_ {md(e.note)}")
    return lines


def markdown(d: Dispute, articles: Sequence[Article], *, as_of: str) -> str:
    """The case summary as Markdown. `as_of` (a date) is the only time-dependent text."""
    out = [f"# {md(d.title)}", ""]
    facts = [f"**Status:** {md(d.status)} ({md(STATUSES.get(d.status, ''))})",
             f"**Kind:** {md(kind_label(d))}"]
    if d.started:
        facts.append(f"**Started:** {md(str(d.started))}")
    facts.append(f"**As of:** {md(as_of)}")
    out += ["  \n".join(facts), ""]
    if d.summary:
        out += [md(d.summary, multiline=True), ""]
    for label, values in (("Claims", d.claims), ("At issue", d.works)):
        if values:
            out += [f"**{label}:** {'; '.join(md(v) for v in values)}", ""]
    if d.related:
        out += ["**Related:** " + "; ".join(f"{md(r.relation)} {md(r.slug)}" for r in d.related),
                ""]
    out += ["## Parties", ""]
    for title, members in by_role(d):
        names = "; ".join(f"{md(p.name)} {md(_aka(p))}".rstrip() for p in members)
        out.append(f"- **{md(title)}:** {names}")
    if not d.parties:
        out.append("None recorded.")
    out += ["", "## Forums", "", *_forum_lines(d), "", "## Timeline", ""]
    for _, e in shown(d):
        out += event_md(e)
    hidden = muted_count(d)
    if hidden:
        out.append(f"_{md(muted_note(hidden))} (`tracker dispute event list {md(d.slug)} "
                   "--all` lists them)._")
    elif not shown(d):
        out.append("No events recorded.")
    out += ["", f"## Coverage ({_count(len(articles))}, newest first)", ""]
    for a in newest_first(articles):
        out.append(f"- {md(article_date(a))} · {md(a.outlet or link_label(a.url))} · "
                   + md_link(a.title or a.url, a.url))
    if not articles:
        out.append("No articles linked yet.")
    if d.notes:
        out += ["", "## Notes", "", md(d.notes, multiline=True)]
    out += ["", f"_Case summary as of {md(as_of)}, compiled with tracker from public sources. "
            "Unconfirmed events are marked._", ""]
    return "\n".join(out)


def _count(n: int) -> str:
    return f"{n} article" + ("" if n == 1 else "s")


# -- HTML -----------------------------------------------------------------------------------


def h(text: object, *, multiline: bool = False) -> str:
    """Untrusted text for HTML: inert and escaped (quotes too, so it is safe in attributes)."""
    return html.escape(plain(text, multiline=multiline), quote=True)


def h_link(label: str, url: str | None) -> str:
    """An <a> for an http(s) URL (opening without access to this page), else plain text."""
    href = safe_url(url)
    if href is None:
        return h(label)
    return f'<a href="{html.escape(href, quote=True)}" rel="noopener noreferrer">{h(label)}</a>'


_CSS = """
:root { --ink: #1b1b1b; --muted: #5d6166; --rule: #d8dadc; --faint: #eeeff0;
        --accent: #1d4e89; --warn: #8a5300; }
* { box-sizing: border-box; }
html { background: #eceae6; }
body { margin: 0; color: var(--ink);
       font: 15px/1.5 -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial,
             "Noto Sans", "Noto Sans CJK JP", "Hiragino Sans", sans-serif; }
main { max-width: 820px; margin: 28px auto; background: #fff; padding: 40px 52px 28px;
       box-shadow: 0 1px 4px rgba(0, 0, 0, .14); }
.kicker { margin: 0; font-size: 12px; letter-spacing: .08em; text-transform: uppercase;
          color: var(--muted); }
h1 { margin: 6px 0 10px; font-size: 27px; line-height: 1.25; }
.meta { margin: 0 0 18px; color: var(--muted); }
.status { display: inline-block; margin-right: 6px; padding: 1px 10px; border: 1.5px solid
          var(--accent); border-radius: 12px; color: var(--accent); font-weight: 600; }
.summary { margin: 0 0 12px; font-size: 16px; }
.facts { margin: 0; color: var(--ink); }
.facts b { color: var(--muted); font-weight: 600; }
h2 { margin: 30px 0 10px; padding-bottom: 4px; border-bottom: 1px solid var(--rule);
     font-size: 13px; letter-spacing: .08em; text-transform: uppercase; color: var(--accent); }
table { width: 100%; border-collapse: collapse; }
th, td { padding: 5px 10px 5px 0; text-align: left; vertical-align: top; }
.kv th { width: 12em; color: var(--muted); font-weight: normal; white-space: nowrap; }
.kv tr + tr th, .kv tr + tr td { border-top: 1px solid var(--faint); }
.party { display: block; }
.aka, .note, .small { color: var(--muted); font-size: 13px; }
.note { font-style: italic; }
ol.timeline { margin: 0; padding: 0; list-style: none; }
ol.timeline li { display: grid; grid-template-columns: 2.2em 6.6em 1fr; gap: 0 10px;
                 padding: 7px 0; border-top: 1px solid var(--faint); }
ol.timeline li:first-child { border-top: 0; }
.num { color: var(--muted); text-align: right; font-variant-numeric: tabular-nums; }
time, .date { white-space: nowrap; font-variant-numeric: tabular-nums; }
.badge { display: inline-block; margin-right: 6px; padding: 0 6px; border: 1px solid;
         border-radius: 3px; font-size: 11px; font-weight: 700; letter-spacing: .04em;
         text-transform: uppercase; vertical-align: 1px; }
.badge.change { color: var(--accent); }
.badge.unconfirmed { color: var(--warn); }
.source { font-size: 13px; }
.docket { white-space: nowrap; }
a { color: var(--accent); text-decoration-thickness: 1px; text-underline-offset: 2px; }
.coverage td { border-top: 1px solid var(--faint); }
.coverage td.date { width: 6.6em; color: var(--muted); }
.coverage td.outlet { width: 11em; color: var(--muted); }
figure { margin: 4px 0 0; }
figure svg { display: block; width: 100%; height: auto; }
figcaption { margin-top: 4px; color: var(--muted); font-size: 12px; }
nav.site { margin: 0 0 18px; padding-bottom: 8px; border-bottom: 1px solid var(--faint);
           font-size: 13px; color: var(--muted); }
footer { margin-top: 34px; padding-top: 8px; border-top: 1px solid var(--rule);
         color: var(--muted); font-size: 12px; }
@page { size: A4; margin: 16mm 15mm 18mm; }
@media print {
  html, body, main { background: #fff !important; }
  body { font-size: 10pt; }
  main { max-width: none; margin: 0; padding: 0; box-shadow: none; }
  h1 { font-size: 20pt; }
  a { color: inherit; text-decoration: none; }
  h2 { break-after: avoid; }
  li, tr, figure { break-inside: avoid; }
}
"""


def _parties_html(d: Dispute) -> str:
    if not d.parties:
        return "<p>None recorded.</p>"
    rows = []
    for title, members in by_role(d):
        names = "".join(f'<span class="party">{h(p.name)} <span class="aka">{h(_aka(p))}'
                        "</span></span>" for p in members)
        rows.append(f"<tr><th>{h(title)}</th><td>{names}</td></tr>")
    return f'<table class="kv">{"".join(rows)}</table>'


def forum_name_html(f: Forum) -> str:
    """A forum's name and docket number as HTML (the case page's and the overview's)."""
    return h(f.name) + (f', No.&nbsp;<b class="docket">{h(f.docket)}</b>' if f.docket else "")


def _forums_html(d: Dispute) -> str:
    if not d.forums:
        return f"<p>{h(_no_forum(d))}</p>"
    rows = []
    for f in d.forums:
        cell = forum_name_html(f)
        if f.courtlistener_id:
            cell += ('<br><span class="small">'
                     + "CourtListener: " + h_link(link_label(_courtlistener(f.courtlistener_id)),
                                                  _courtlistener(f.courtlistener_id))
                     + "</span>")
        if f.note:
            cell += f'<br><span class="note">{h(f.note)}</span>'
        rows.append(f"<tr><th>{h(f.jurisdiction) or '&ndash;'}</th><td>{cell}</td></tr>")
    return f'<table class="kv">{"".join(rows)}</table>'


def event_html(e: Event, *, note: bool = True) -> str:
    """An event on a timeline: its status badge, text, unconfirmed mark, note and source."""
    body = f'<span class="badge change">{h(e.status)}</span>' if e.status else ""
    body += h(e.text)
    if e.unconfirmed:
        body += ' <span class="badge unconfirmed">unconfirmed</span>'
    if note and e.note:
        body += f'<br><span class="note">{h(e.note)}</span>'
    if e.source:
        body += ('<br><span class="source">Source: '
                 + h_link(link_label(e.source), e.source) + "</span>")
    return body


def _timeline_html(timeline: Sequence[tuple[int, Event]], hidden: int = 0) -> str:
    note = (f'<p class="note">{h(muted_note(hidden))} (procedural docket entries on the '
            "mute list).</p>") if hidden else ""
    if not timeline:
        return note or "<p>No events recorded.</p>"
    items = []
    for n, e in timeline:
        items.append(f'<li><span class="num">{n}</span><time>{h(e.date)}</time>'
                     f"<div>{event_html(e)}</div></li>")
    return f'<ol class="timeline">{"".join(items)}</ol>{note}'


def _coverage_html(articles: Sequence[Article]) -> str:
    if not articles:
        return "<p>No articles linked yet.</p>"
    rows = [f'<tr><td class="date">{h(article_date(a))}</td>'
            f'<td class="outlet">{h(a.outlet or link_label(a.url))}</td>'
            f"<td>{h_link(a.title or a.url, a.url)}</td></tr>" for a in newest_first(articles)]
    return f'<table class="coverage">{"".join(rows)}</table>'


def _chart_html(d: Dispute, articles: Sequence[Article], as_of: date,
                weeks: int | None = None) -> str:
    from tracker.charts import coverage_chart

    span = window(d, articles, as_of, weeks)
    numbers = {id(e): n for n, e in shown(d)}
    count = sum(w.count for w in span)
    marked = sum(len(w.events) for w in span)
    caption = (f"Articles per week (weeks start on Monday; empty weeks shown), "
               f"{span[0].start.isoformat()} to "
               f"{(span[-1].start + timedelta(days=6)).isoformat()}: {_count(count)}"
               + (f" and {marked} timeline event{'s' * (marked != 1)}" if marked else "")
               + ". Diamonds mark the events by their number in the timeline; dark ones "
               "changed the status.")
    early_events, early_articles = outside(d, articles, span)
    if early_events or early_articles:
        caption += (f" Before this window: {early_events} event"
                    f"{'s' * (early_events != 1)} and {_count(early_articles)}.")
    return (f"<h2>Coverage over time</h2><figure>{coverage_chart(span, numbers)}"
            f"<figcaption>{h(caption)}</figcaption></figure>")


def html_report(d: Dispute, articles: Sequence[Article], *, as_of: str,
                weeks: int | None = None, nav: str = "", head: str = "") -> str:
    """The case summary as one self-contained HTML page (no scripts, no external files).

    `weeks` fixes the chart's window (see `window`); `nav` is trusted markup put above
    the header (the site's way back to its index and to the dispute's feed), `head`
    trusted markup for the <head> (the site's feed link for feed readers).
    """
    when = day_of(as_of) or date.today()
    facts = []
    for label, values in (("Claims", d.claims), ("At issue", d.works)):
        if values:
            facts.append(f"<b>{label}:</b> {h('; '.join(values))}")
    if d.related:
        facts.append("<b>Related:</b> " + h("; ".join(f"{r.relation} {r.slug}"
                                                     for r in d.related)))
    started = f" · started {h(str(d.started))}" if d.started else ""
    summary = "".join(f'<p class="summary">{p}</p>'
                      for p in h(d.summary, multiline=True).split("\n\n") if p)
    notes = "".join(f"<p>{p}</p>" for p in h(d.notes, multiline=True).split("\n\n") if p)
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="referrer" content="no-referrer">
<title>{h(d.title)} – case summary</title>
{head}<style>{_CSS}</style>
</head>
<body>
<main>
{nav}<header>
<p class="kicker">Case summary · {h(kind_label(d))} · as of {h(as_of)}</p>
<h1>{h(d.title)}</h1>
<p class="meta"><span class="status">{h(d.status)}</span>{h(STATUSES.get(d.status, ""))}{started}
 · {_count(len(articles))}</p>
</header>
{summary}
{f'<p class="facts">{"<br>".join(facts)}</p>' if facts else ""}
{_chart_html(d, articles, when, weeks)}
<h2>Parties</h2>
{_parties_html(d)}
<h2>Forums</h2>
{_forums_html(d)}
<h2>Timeline</h2>
{_timeline_html(shown(d), muted_count(d))}
<h2>Coverage ({_count(len(articles))}, newest first)</h2>
{_coverage_html(articles)}
{f"<h2>Notes</h2>{notes}" if notes else ""}
<footer>Case summary as of {h(as_of)}, compiled with tracker {h(__version__)} from public
sources. Dates are as reported; unconfirmed events are marked. Links open the original
sources.</footer>
</main>
</body>
</html>
"""
