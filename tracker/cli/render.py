"""How records look in the terminal: table rows and the dispute case page."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from rich.table import Table
from rich.text import Text

from tracker.cli.output import Column, clean, safe
from tracker.models import ROLE_TITLES, Article, Dispute, Event

if TYPE_CHECKING:  # the pages' parts are imported where pages are built: listings and
    from rich.console import Group  # JSON output never need rich.console
    from rich.padding import Padding

STATUS_STYLE = {
    "demand-sent": "yellow",
    "investigation": "yellow",
    "filed": "cyan",
    "motion-to-dismiss": "cyan",
    "discovery": "cyan",
    "summary-judgment": "magenta",
    "trial": "magenta bold",
    "judgment": "green bold",
    "appeal": "magenta",
    "settled": "green",
    "dismissed": "red",
    "withdrawn": "red",
    "closed": "dim",
}

# Priorities: 0 never hidden (what names the row, its status); higher numbers go first.
DISPUTE_COLUMNS = [
    Column("Slug", "slug", style="bold", no_wrap=True, priority=0),
    Column("Title", "title", max_width=44, min_width=16),
    Column("Kind", "kind", no_wrap=True, priority=4),
    Column("Status", "status", no_wrap=True, priority=0),
    Column("Where", "where", max_width=24, min_width=5, priority=3),
    Column("Since", "since", no_wrap=True, priority=2),
    Column("Articles", "articles", style="dim", no_wrap=True, priority=2),
]

# `dispute list --csv`: the columns a researcher sorts and filters on.
# Lists stay lists: the one CSV writer (tracker.csvfile) joins them with its separator.
RESEARCH_COLUMNS = [
    Column(h, k) for h, k in (
        ("Slug", "slug"), ("Title", "title"), ("Kind", "kind"), ("Status", "status"),
        ("Since", "since"), ("Last event", "last_event"), ("Jurisdictions", "jurisdictions"),
        ("Courts", "courts"), ("Dockets", "dockets"), ("Claimants", "claimants"),
        ("Respondents", "respondents"), ("Articles", "articles"),
    )
]

FORUM_COLUMNS = [
    Column("#", "n", style="dim", no_wrap=True, priority=0),
    Column("Court or body", "name", style="bold", max_width=40, priority=0),
    Column("Jurisdiction", "jurisdiction", no_wrap=True, priority=2),
    Column("Docket", "docket", no_wrap=True, priority=0),
    Column("CourtListener", "courtlistener_id", no_wrap=True, priority=3),
    Column("Judge", "judge", max_width=30, priority=2),
    Column("Note", "note", max_width=40, priority=4),
]

ARTICLE_COLUMNS = [
    Column("ID", "id", style="dim", no_wrap=True, priority=0),
    Column("Date", "date", no_wrap=True, priority=1,
           value=lambda r: (r["published"] or r["first_seen"])[:10]),
    Column("Outlet", "outlet", max_width=18, no_wrap=True, priority=3),
    Column("Title", "title", render=lambda t: t or "(no title)", max_width=70, min_width=20,
           priority=0),
    Column("Disputes", "disputes", max_width=24, priority=2),
    Column("URL", "url", url=True, priority=4, table=False),
]

EVENT_COLUMNS = [
    Column("#", "n", style="dim", no_wrap=True, priority=0),
    Column("Date", "date", no_wrap=True, priority=0),
    Column("What happened", "text", max_width=70, min_width=20, priority=0,
           value=lambda r: r["text"] + (" (unconfirmed)" if r["unconfirmed"] else "")),
    Column("Status", "status", no_wrap=True, priority=1),
    Column("Source", "source", url=True, priority=2),
]


def dispute_row(d: Dispute, articles: int) -> dict[str, Any]:
    """A listing row: the full record for JSON, plus the derived table and research columns
    (lists stay lists for JSON; CSV joins them)."""
    row = d.to_dict()
    row["where"] = "; ".join(d.jurisdictions()) or "-"
    row["since"] = str(d.started) if d.started else ""
    row["articles"] = articles
    shown = d.shown_timeline()  # a muted docket entry is not the case's last event
    row["last_event"] = str(shown[-1][1].date) if shown else ""
    row["jurisdictions"] = d.jurisdictions()
    row["courts"] = [f.name for f in d.forums]
    row["dockets"] = [f.docket for f in d.forums if f.docket]
    row["claimants"] = [p.name for p in d.parties if p.role == "claimant"]
    row["respondents"] = [p.name for p in d.parties if p.role == "respondent"]
    return row


def forum_rows(d: Dispute) -> list[dict[str, Any]]:
    return [{"n": n, **vars(f)} for n, f in enumerate(d.forums, 1)]


def article_row(a: Article) -> dict[str, Any]:
    """The article record, as every --json and the export give it: the stored fields plus
    `id` and `disputes`. Links stay Link objects: the JSON writers serialise dataclasses
    natively, and listings build tens of thousands of rows."""
    row = vars(a).copy()
    row["id"] = a.id
    row["disputes"] = a.disputes()
    return row


def event_rows(d: Dispute, *, muted: bool = False) -> list[dict[str, Any]]:
    """Timeline rows numbered as `event remove` counts; muted entries only if asked."""
    rows = []
    for n, e in enumerate(d.timeline(), 1) if muted else d.shown_timeline():
        rows.append({"n": n, **e.to_dict()})  # the event record, numbered as `event remove` does
    return rows


def _heading(text: str) -> Padding:
    from rich.padding import Padding
    from rich.rule import Rule

    return Padding(Rule(Text(text, style="bold"), align="left", style="dim"), (1, 0, 0, 0))


def _status(status: str) -> Text:
    return Text(f" {status} ", style=f"reverse {STATUS_STYLE.get(status, '')}".strip())


def _kv_table() -> Table:
    t = Table.grid(padding=(0, 2))
    t.add_column(style="dim", no_wrap=True)
    t.add_column()
    return t


def _event_line(e: Event) -> Text:
    line = safe(e.text)
    if e.status:
        line = Text.assemble(_status(e.status), " ", line)
    if e.unconfirmed:
        line.append(" (unconfirmed)", style="yellow")
    if e.note:
        line.append("\n")
        line.append_text(safe(e.note, "dim italic"))
    if e.source:
        line.append("\n")
        line.append_text(safe(e.source, "dim"))
    return line


def case_page(d: Dispute, coverage: list[Article], total_articles: int) -> Group:
    """The page `dispute show` prints: what a journalist needs about one dispute."""
    from rich.console import Group
    from rich.padding import Padding

    parts: list[Any] = []
    head = Text.assemble(safe(d.title, "bold"), "  ", _status(d.status))
    parts.append(head)
    sub = f"{d.slug} · {d.kind}"
    if d.started:
        sub += f" · since {d.started}"
    parts.append(Text(sub, style="dim"))
    if d.summary:
        parts.append(Padding(safe(d.summary, multiline=True), (1, 0, 0, 0)))

    parts.append(_heading("Parties"))
    roles = _kv_table()
    for role, members in d.parties_by_role().items():
        for i, p in enumerate(members):
            who = safe(p.name, "bold" if role in ("claimant", "respondent") else "")
            extra = [p.kind]
            aliases = p.other_names()
            if aliases:
                extra.append("aka " + ", ".join(aliases))
            who.append(f"  ({clean('; '.join(extra))})", style="dim")
            roles.add_row(ROLE_TITLES.get(role, role) if i == 0 else "", who)
    parts.append(roles if d.parties else Text("none recorded", style="dim"))

    parts.append(_heading("Forums (# for `forum edit`, `forum remove`)" if d.forums else "Forums"))
    if d.forums:
        forums = _kv_table()
        for n, f in enumerate(d.forums, 1):
            line = Text.assemble((f"#{n} ", "dim"), safe(f.name))
            if f.docket:
                line.append_text(safe(f", No. {f.docket}", "bold"))
            if f.courtlistener_id:
                line.append(f"\nCourtListener docket {f.courtlistener_id}: "
                            f"https://www.courtlistener.com/docket/{f.courtlistener_id}/",
                            style="dim")
            if f.judge:
                line.append_text(safe(f"\nJudge: {f.judge}", "dim", multiline=True))
            if f.note:
                line.append_text(safe(f"\n{f.note}", "dim italic", multiline=True))
            forums.add_row(safe(f.jurisdiction or "-"), line)
        parts.append(forums)
    else:
        parts.append(Text("none (no court or body: a private demand)", style="dim"))

    facts = _kv_table()
    for label, values in (("Claims", d.claims), ("At issue", d.works), ("Tags", d.tags)):
        if values:
            facts.add_row(label, safe(", ".join(values)))
    for r in d.related:
        facts.add_row("Related", safe(f"{r.relation} {r.slug}"))
    if facts.row_count:
        parts.append(_heading("Facts"))
        parts.append(facts)

    parts.append(_heading("Timeline (# for `event edit`, `event remove`)"))
    timeline = _kv_table()
    for n, e in d.shown_timeline():
        timeline.add_row(Text.assemble((f"#{n} ", "dim"), safe(e.date)), _event_line(e))
    muted = sum(e.muted for e in d.events)
    if muted:
        timeline.add_row("", Text(f"{muted} muted docket entr{'y' if muted == 1 else 'ies'} "
                                  f"not shown: `tracker dispute event list {d.slug} --all`",
                                  style="dim"))
    parts.append(timeline)

    shown = f"latest {len(coverage)} of {total_articles}" if total_articles > len(coverage) else \
        f"{total_articles}"
    parts.append(_heading(f"Coverage ({shown})"))
    if coverage:
        cov = Table.grid(padding=(0, 2))
        cov.add_column(style="dim", no_wrap=True)
        cov.add_column(no_wrap=True, max_width=18)
        cov.add_column()
        for a in coverage:
            cov.add_row(safe((a.published or a.first_seen)[:10]), safe(a.outlet, "cyan"),
                        Text.assemble(safe(a.title or a.url), Text(f"  {a.id}", style="dim")))
        parts.append(cov)
    else:
        parts.append(Text("no articles linked yet: 'tracker poll', or "
                          f"'tracker article add URL --dispute {d.slug}'", style="dim"))
    if d.notes:
        parts.append(_heading("Notes"))
        parts.append(safe(d.notes, multiline=True))
    return Group(*parts)


def article_page(a: Article, why: Sequence[Any] = ()) -> Group:
    """The article's page; `why`: the matcher's decisions (matching.Decision) to explain."""
    from rich.console import Group
    from rich.padding import Padding

    facts = _kv_table()
    facts.add_row("ID", a.id)
    facts.add_row("URL", safe(a.url))
    facts.add_row("Outlet", safe(a.outlet))
    facts.add_row("Published", safe(a.published or "unknown"))
    facts.add_row("First seen", safe(a.first_seen))
    if a.language:
        facts.add_row("Language", safe(a.language))
    for link in a.links:
        how = "linked by hand" if link.how == "manual" else "matched: " + ", ".join(link.terms)
        facts.add_row("Dispute", Text.assemble(safe(link.dispute, "bold"), "  ",
                                               safe(how, "dim")))
    for feed in a.feeds:
        facts.add_row("Feed", safe(feed, "dim"))
    for d in why:
        lines = [f"{d.verdict}: " + "; ".join(d.reasons or ["no signal found"])]
        if d.missing:
            lines.append("missing: " + "; ".join(d.missing))
        facts.add_row(f"Why {d.slug}", safe("\n".join(lines), "dim", multiline=True))
    parts: list[Any] = [safe(a.title or a.url, "bold"), facts]
    if a.summary:
        parts.append(Padding(safe(a.summary, multiline=True), (1, 0, 0, 0)))
    return Group(*parts)
