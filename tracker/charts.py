"""Inline SVG charts for the HTML reports: coverage per week (one dispute, or one row per
dispute) with the timeline events marked, and a swimlane of each dispute's status periods.

Pure functions from weeks and events to SVG text: no scripts, no fonts or images loaded
from anywhere, every piece of stored text escaped. Hovering a bar or a marker shows its
details (an SVG <title>), but everything a reader needs is drawn, so the charts print.
"""

from __future__ import annotations

import html
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from tracker.text import one_line

if TYPE_CHECKING:
    from tracker.models import Event
    from tracker.report import Week

INK, MUTED, RULE, FAINT, ACCENT, EVENT = (
    "#1b1b1b", "#5d6166", "#9aa0a6", "#e3e5e8", "#1d4e89", "#8a8f96")

# One colour per status, grouped by stage: amber before proceedings, blues while they
# run, purple at trial and judgment, rose on appeal, greens and greys once it is over.
STATUS_COLOURS: dict[str, tuple[str, str]] = {  # fill, text
    "demand-sent": ("#e8b04b", INK),
    "investigation": ("#d4913a", INK),
    "filed": ("#a9c4e4", INK),
    "motion-to-dismiss": ("#6f9bd1", "#fff"),
    "discovery": ("#2f6cb3", "#fff"),
    "summary-judgment": ("#1d4e89", "#fff"),
    "trial": ("#6a4c9c", "#fff"),
    "judgment": ("#4b2e83", "#fff"),
    "appeal": ("#b0487a", "#fff"),
    "settled": ("#4f9a68", "#fff"),
    "dismissed": ("#8f8f8f", "#fff"),
    "withdrawn": ("#b3b3b3", INK),
    "closed": ("#d0d0d0", INK),
}
OTHER_COLOUR = ("#c8ccd1", INK)
LABEL_CHARS = 29  # a lane's name, per line


def x(text: object) -> str:
    """Stored text for SVG/XML: inert, on one line, escaped (quotes too)."""
    return html.escape(one_line(text), quote=True)


def _count(n: int) -> str:
    return f"{n} article" + ("" if n == 1 else "s")


def _clip(text: str, chars: int) -> str:
    return text if len(text) <= chars else text[: chars - 1].rstrip() + "…"


def _label(lane: Lane, y: float, h: float) -> str:
    """A lane's name at the left, on up to two lines, linked to its page if it has one."""
    words, lines = one_line(lane.label).split(), [""]
    for word in words:
        if lines[-1] and len(lines[-1]) + 1 + len(word) > LABEL_CHARS:
            if len(lines) == 2:
                lines[-1] = _clip(lines[-1] + " " + word, LABEL_CHARS)
                continue
            lines.append("")
        lines[-1] = f"{lines[-1]} {word}".strip()
    lines = [_clip(line, LABEL_CHARS) for line in lines]
    first = y + h / 2 + 4 - (6 if len(lines) == 2 else 0)
    spans = "".join(f'<tspan x="0" y="{first + n * 12:.1f}">{x(line)}</tspan>'
                    for n, line in enumerate(lines))
    text = f'<text fill="{INK}">{spans}<title>{x(lane.tip or lane.label)}</title></text>'
    if lane.href:
        return f'<a href="{html.escape(lane.href, quote=True)}">{text}</a>'
    return text


def _open(width: int, height: int, label: str, ident: str) -> list[str]:
    return [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
            f'role="img" aria-labelledby="{ident}" font-family="inherit" font-size="11">',
            f'<title id="{ident}">{x(label)}</title>']


def month_labels(start: date, weeks: int, step: float, *, min_gap: float = 46
                 ) -> list[tuple[int, str]]:
    """(week index, label) for the month starts that get a label on an axis of `weeks`
    weeks, `step` units each: every month if there is room, else every 2nd, 3rd, 6th or
    12th, never closer than `min_gap`. January (and the first label) name the year."""
    shortest = step * 4  # the fewest weeks between two month starts
    every = next((n for n in (1, 2, 3, 6, 12) if shortest * n >= min_gap), 24)
    out: list[tuple[int, str]] = []
    last_x, last_year = -math.inf, None
    for i in range(weeks):
        monday = start + timedelta(weeks=i)
        first = next((monday + timedelta(days=k) for k in range(7)
                      if (monday + timedelta(days=k)).day == 1), None)
        if first is None or (first.month - 1) % every:
            continue
        if i * step - last_x < min_gap:
            continue
        year = first.year != last_year
        out.append((i, first.strftime("%b %Y" if year else "%b") if every < 12
                    else str(first.year)))
        last_x, last_year = i * step, first.year
    return out


def _axis(parts: list[str], weeks: Sequence[Week], left: float, step: float, top: float,
          base: float) -> None:
    """Month ticks under the plot, with a faint guide line up through it."""
    if not weeks:
        return
    for i, label in month_labels(weeks[0].start, len(weeks), step):
        px = left + i * step
        parts.append(f'<line x1="{px:.1f}" x2="{px:.1f}" y1="{top:.1f}" y2="{base:.1f}" '
                     f'stroke="{FAINT}"/><line x1="{px:.1f}" x2="{px:.1f}" y1="{base:.1f}" '
                     f'y2="{base + 4:.1f}" stroke="{RULE}"/><text x="{px:.1f}" '
                     f'y="{base + 15:.1f}" fill="{MUTED}">{x(label)}</text>')


def _diamond(cx: float, cy: float, colour: str, r: float = 5) -> str:
    return (f'<path d="M{cx:.1f} {cy - r:.1f} l{r} {r} l-{r} {r} l-{r} -{r} z" '
            f'fill="{colour}" stroke="#fff" stroke-width="1"/>')


def _event_tip(events: Sequence[Event]) -> str:
    return " | ".join(f"{e.date}: {e.text}" for e in events)


@dataclass
class _Rows:
    """Marker rows above a plot: each label goes in the first row where it does not
    overlap the one before it."""

    count: int
    gap: float = 4

    def __post_init__(self) -> None:
        self.ends = [-math.inf] * self.count

    def place(self, start: float, width: float) -> int:
        for row, end in enumerate(self.ends):
            if start >= end + self.gap:
                self.ends[row] = start + width
                return row
        row = min(range(self.count), key=lambda r: self.ends[r])
        self.ends[row] = start + width
        return row


def coverage_chart(weeks: Sequence[Week], numbers: dict[int, int]) -> str:
    """One dispute's articles per week as bars, with its timeline events as numbered
    diamonds above them and a dashed line down to their week (`numbers` maps id(event)
    to the event's number in the timeline)."""
    rows = 3
    width, left, right, bottom = 720, 30, 8, 28
    top = 12 + rows * 14
    height = top + 130 + bottom
    plot_w, plot_h = width - left - right, height - top - bottom
    peak = max((w.count for w in weeks), default=0)
    ceiling = max(peak, 1)
    step = plot_w / max(len(weeks), 1)
    base = top + plot_h
    events = sum(len(w.events) for w in weeks)
    parts = _open(width, height, f"Articles per week ({peak} at most), {events} events "
                  "marked", "coverage-title")
    for value in sorted({0, (ceiling + 1) // 2, ceiling}):
        y = base - value / ceiling * plot_h
        parts.append(f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" '
                     f'stroke="{RULE if value == 0 else FAINT}"/>'
                     f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" '
                     f'fill="{MUTED}">{value}</text>')
    _axis(parts, weeks, left, step, top, base)
    bar_w = max(step * 0.72, 1.5)
    for i, w in enumerate(weeks):
        if w.count:
            bar_h = max(w.count / ceiling * plot_h, 1.5)
            parts.append(f'<rect x="{left + i * step + (step - bar_w) / 2:.1f}" '
                         f'y="{base - bar_h:.1f}" width="{bar_w:.1f}" height="{bar_h:.1f}" '
                         f'fill="{ACCENT}"><title>Week of {w.start.isoformat()}: '
                         f"{_count(w.count)}</title></rect>")
    placed = _Rows(rows)
    for i, w in enumerate(weeks):
        if not w.events:
            continue
        cx = left + (i + 0.5) * step
        label = ",".join(str(numbers[id(e)]) for e in w.events if id(e) in numbers)
        row = placed.place(cx - 5, 12 + 6.2 * len(label))
        cy = 10 + row * 14
        colour = ACCENT if any(e.status for e in w.events) else EVENT
        parts.append(f'<g><title>{x(_event_tip(w.events))}</title>'
                     f'<line x1="{cx:.1f}" x2="{cx:.1f}" y1="{cy + 5:.1f}" y2="{base:.1f}" '
                     f'stroke="{colour}" stroke-width="1" stroke-dasharray="2 3" '
                     f'opacity="0.6"/>{_diamond(cx, cy, colour)}'
                     f'<text x="{cx + 7:.1f}" y="{cy + 4:.1f}" fill="{colour}" '
                     f'font-size="10" font-weight="600">{x(label)}</text></g>')
    parts.append("</svg>")
    return "".join(parts)


@dataclass
class Lane:
    """One dispute's row in an overview chart."""

    label: str
    weeks: Sequence[Week]
    href: str | None = None  # a page of this dispute, if the chart links to one
    tip: str = ""


def coverage_rows(total: Sequence[Week], lanes: Sequence[Lane]) -> str:
    """Coverage per week across disputes: a taller row for all of them together, then
    one row per dispute on the same scale, each with its events as diamonds (dark ones
    changed the status), and each row's total at its end."""
    width, label_w, right, bottom = 760, 190, 40, 26
    head_h, lane_h, gap = 64, 32, 6
    height = 8 + head_h + gap + len(lanes) * (lane_h + gap) + bottom
    plot_w = width - label_w - right
    n = max(len(total), 1)
    step = plot_w / n
    top, base = 8, height - bottom
    parts = _open(width, height, f"Articles per week, {len(total)} weeks, by dispute",
                  "rows-title")
    _axis(parts, total, label_w, step, top, base)
    peak = max((w.count for w in total), default=0)
    lane_peak = max((w.count for lane in lanes for w in lane.weeks), default=0)
    bar_w = max(step * 0.7, 1.5)

    def bars(weeks: Sequence[Week], y0: float, h: float, ceiling: int, colour: str) -> None:
        parts.append(f'<line x1="{label_w}" x2="{label_w + plot_w}" y1="{y0 + h:.1f}" '
                     f'y2="{y0 + h:.1f}" stroke="{RULE}"/>')
        for i, w in enumerate(weeks):
            if w.count:
                bh = max(w.count / max(ceiling, 1) * (h - 10), 1.5)
                parts.append(f'<rect x="{label_w + i * step + (step - bar_w) / 2:.1f}" '
                             f'y="{y0 + h - bh:.1f}" width="{bar_w:.1f}" height="{bh:.1f}" '
                             f'fill="{colour}"><title>Week of {w.start.isoformat()}: '
                             f"{_count(w.count)}</title></rect>")
            if w.events:
                cx = label_w + (i + 0.5) * step
                colour_e = ACCENT if any(e.status for e in w.events) else EVENT
                parts.append(f"<g><title>{x(_event_tip(w.events))}</title>"
                             f"{_diamond(cx, y0 + 5, colour_e, 4.5)}</g>")
        parts.append(f'<text x="{width - 4}" y="{y0 + h - 2:.1f}" text-anchor="end" '
                     f'fill="{MUTED}">{sum(w.count for w in weeks)}</text>')

    parts.append(f'<text x="0" y="{top + 16}" font-weight="700" fill="{INK}">All disputes'
                 f'</text><text x="0" y="{top + 30}" fill="{MUTED}">{peak} a week at most'
                 "</text>")
    bars(total, top, head_h, peak, INK)
    y = top + head_h + gap
    for lane in lanes:
        parts.append(_label(lane, y, lane_h))
        bars(lane.weeks, y, lane_h, lane_peak, ACCENT)
        y += lane_h + gap
    parts.append("</svg>")
    return "".join(parts)


@dataclass
class Period:
    """A stretch of time a dispute spent in one status."""

    status: str
    start: date
    end: date  # exclusive; the as-of day + 1 for the current status
    current: bool = False


def periods(history: Sequence[Event], as_of: date, day: Callable[[str], date | None]
            ) -> list[Period]:
    """The status periods of a status history (status events in date order)."""
    dated = [(d, e.status) for e in history if e.status and (d := day(str(e.date))) and d <= as_of]
    out = []
    for n, (start, status) in enumerate(dated):
        last = n + 1 == len(dated)
        end = as_of + timedelta(days=1) if last else dated[n + 1][0]
        out.append(Period(str(status), start, end, last))
    return [p for p in out if p.end > p.start or p.current]


def swimlane(lanes: Sequence[tuple[Lane, list[Period]]], as_of: date) -> str:
    """Each dispute's status periods on one time axis, from its earliest status to
    `as_of`: one coloured band per status, named inside when it fits, and a legend."""
    width, label_w, right = 760, 190, 12
    lane_h, gap, top = 28, 8, 8
    starts = [p.start for _, ps in lanes for p in ps]
    first = date(min(starts).year, 1, 1) if starts else date(as_of.year, 1, 1)
    end = as_of + timedelta(days=1)
    span = max((end - first).days, 1)
    plot_w = width - label_w - right
    used = sorted({p.status for _, ps in lanes for p in ps},
                  key=lambda s: list(STATUS_COLOURS).index(s) if s in STATUS_COLOURS else 99)
    legend_rows = math.ceil(len(used) / 5)
    axis_y = top + len(lanes) * (lane_h + gap)
    height = axis_y + 36 + (legend_rows - 1) * 18

    def px(day: date) -> float:
        return label_w + (day - first).days / span * plot_w

    parts = _open(width, height, f"Status of each dispute over time, {first.year} to "
                  f"{as_of.isoformat()}", "lanes-title")
    years = list(range(first.year, as_of.year + 1))
    label_every = max(1, math.ceil(len(years) * 40 / plot_w))
    for n, year in enumerate(years):
        at = px(date(year, 1, 1))
        parts.append(f'<line x1="{at:.1f}" x2="{at:.1f}" y1="{top:.1f}" y2="{axis_y:.1f}" '
                     f'stroke="{FAINT}"/>')
        if n % label_every == 0:
            parts.append(f'<text x="{at + 3:.1f}" y="{axis_y + 14:.1f}" fill="{MUTED}">'
                         f"{year}</text>")
    y = top
    for lane, ps in lanes:
        parts.append(_label(lane, y, lane_h))
        for p in ps:
            x0, x1 = px(max(p.start, first)), px(min(p.end, end))
            fill, ink = STATUS_COLOURS.get(p.status, OTHER_COLOUR)
            w = max(x1 - x0, 2.0)
            tip = f"{p.status}: {p.start.isoformat()} to " + (
                "now" if p.current else (p.end - timedelta(days=1)).isoformat())
            parts.append(f'<rect x="{x0:.1f}" y="{y:.1f}" width="{w:.1f}" height="{lane_h}" '
                         f'fill="{fill}" stroke="#fff" stroke-width="1">'
                         f"<title>{x(tip)}</title></rect>")
            if w >= 6.4 * len(p.status) + 8:
                parts.append(f'<text x="{x0 + 4:.1f}" y="{y + lane_h - 8:.1f}" fill="{ink}">'
                             f"{x(p.status)}</text>")
        y += lane_h + gap
    now_x = px(end)
    parts.append(f'<line x1="{now_x:.1f}" x2="{now_x:.1f}" y1="{top - 4:.1f}" '
                 f'y2="{axis_y:.1f}" stroke="{INK}" stroke-dasharray="3 2"/>'
                 f'<line x1="{label_w}" x2="{label_w + plot_w}" y1="{axis_y:.1f}" '
                 f'y2="{axis_y:.1f}" stroke="{RULE}"/>')
    ly = axis_y + 30
    for n, status in enumerate(used):
        lx = label_w + (n % 5) * (plot_w / 5)
        row_y = ly + (n // 5) * 18
        fill, _ = STATUS_COLOURS.get(status, OTHER_COLOUR)
        parts.append(f'<rect x="{lx:.1f}" y="{row_y - 9:.1f}" width="10" height="10" '
                     f'fill="{fill}"/><text x="{lx + 14:.1f}" y="{row_y:.1f}" '
                     f'fill="{MUTED}">{x(status)}</text>')
    parts.append("</svg>")
    return "".join(parts)
