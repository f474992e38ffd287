"""`tracker export`, `import`, `report` and `timeline`: the store in and out as files,
and a dispute as a case summary or a weekly coverage chart."""

import enum
import sys
from datetime import timedelta
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Group
from rich.table import Table
from rich.text import Text

from tracker import core, exchange, overview
from tracker import report as reports
from tracker.cli import app, env, output
from tracker.cli.render import STATUS_STYLE
from tracker.errors import InputError, StoreError, TrackerError
from tracker.models import Article, Dispute, Event, check_date, now
from tracker.storage import atomic_write

BAR_WIDTH = 32


class ExportFormat(str, enum.Enum):
    json = "json"
    ndjson = "ndjson"
    csv = "csv"


class ReportFormat(str, enum.Enum):
    md = "md"
    html = "html"


OptSlug = Annotated[str | None, typer.Argument(help="The dispute's slug, e.g. nyt-v-openai.",
                                               show_default=False)]
OutFile = Annotated[Path | None, typer.Option("--output", "-o", help="Write to this file "
                                              "(atomically) instead of stdout.")]


def _deliver(payload: bytes, out: Path | None, what: str) -> None:
    """Write `payload` to `out` atomically, or to stdout."""
    if out is None or str(out) == "-":
        sys.stdout.write(payload.decode("utf-8"))
        sys.stdout.flush()
        return
    try:
        atomic_write(out, payload, backup=False)
    except StoreError as exc:  # not the store: an output file, so no store exit code
        raise TrackerError(exc.message) from None
    output.say(f"wrote {what} to {out}")


def _read_input(path: str) -> tuple[bytes, str]:
    if path == "-":
        return typer.get_binary_stream("stdin").read(), "stdin"
    try:
        return Path(path).read_bytes(), path
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror or exc}") from None


@app.command()
def export(
    dispute: Annotated[list[str] | None, typer.Option("--dispute", "-d", help="Only this "
                       "dispute and its articles (repeatable).")] = None,
    out: OutFile = None,
    fmt: Annotated[ExportFormat, typer.Option("--format", help="json: everything; ndjson, "
                   "csv: one article per line.")] = ExportFormat.json,
    schema: Annotated[bool, typer.Option("--schema", help="Print the JSON Schema of the "
                      "export format instead.")] = False,
) -> None:
    """Export disputes, articles and feeds, e.g. `tracker export -o backup.json`."""
    if schema:
        _deliver(exchange.schema_text().encode("utf-8"), out, "the export's JSON Schema")
        return
    with env().read() as store:
        made = exchange.export(store, dispute or [])
    for relation in made.dropped:  # the file stands on its own: no link to what it lacks
        output.warn(f"left out the relation {relation}: that dispute is not in this export "
                    "(add it with another --dispute)")
    _deliver(exchange.serialise(made.doc, fmt.value), out, exchange.describe(made.doc,
                                                                              fmt.value))


@app.command("import")
def import_(
    file: Annotated[str, typer.Argument(metavar="FILE", help="An export (JSON), or - for stdin.")],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Check and count; write nothing.")]
    = False,
    json_: output.JsonOpt = False,
) -> None:
    """Merge an export into the store; nothing is deleted, e.g. `tracker import backup.json`."""
    blob, source = _read_input(file)
    doc = exchange.load(blob, source)
    with env().read() if dry_run else env().write() as store:
        summary = exchange.import_document(store, doc, source)
    if json_:
        output.write_json({**summary.to_dict(), "dry_run": dry_run})
    output.say(("would import " if dry_run else "imported ") + summary.describe())
    for warning in summary.warnings:
        output.warn(warning)


Filter = Annotated[str | None, typer.Option(help="With --all: only disputes with this "
                                          "value (as in `dispute list`).")]
WeeksOpt = Annotated[int | None, typer.Option(
    min=1, max=reports.MAX_WEEKS, help="Weeks the charts show, ending this week (default: "
    f"{reports.DEFAULT_WEEKS}; a case report's chart: from the dispute's first event).")]
AllOpt = Annotated[bool, typer.Option("--all", help="Every dispute (or those the filters "
                                      "pick) instead of one.")]


def _one_or_all(slug: str | None, all_: bool) -> None:
    if bool(slug) == all_:
        raise InputError("give a dispute's slug or --all", hint="e.g. 'tracker report --all'")


def _coverage(slug: str | None, flt: core.DisputeFilter
              ) -> tuple[list[Dispute], dict[str, list[Article]]]:
    """The disputes to show and the articles of each: the one named, or all `flt` accepts."""
    with env().read() as store:
        if not slug:
            return core.coverage_of(store, flt)
        d = core.get_dispute(store, slug)
        return [d], {d.slug: core.coverage(store, d.slug)}


@app.command()
def report(
    slug: OptSlug = None,
    all_: AllOpt = False,
    fmt: Annotated[ReportFormat, typer.Option("--format", help="md (Markdown) or html (one "
                   "self-contained page).")] = ReportFormat.md,
    out: OutFile = None,
    weeks: WeeksOpt = None,
    tag: Filter = None, status: Filter = None, kind: Filter = None, jurisdiction: Filter = None,
) -> None:
    """A case summary to send, e.g. `tracker report nyt-v-openai --format html -o nyt.html`;
    `tracker report --all` is the overview of every dispute."""
    _one_or_all(slug, all_)
    today = now().date()
    disputes, coverage = _coverage(slug, core.DisputeFilter(
        status=status, tag=tag, jurisdiction=jurisdiction, kind=kind))
    if all_:
        ov = overview.build(disputes, coverage, as_of=today,
                            weeks=reports.DEFAULT_WEEKS if weeks is None else weeks)
        text = overview.markdown(ov) if fmt is ReportFormat.md else overview.html_page(ov)
        what = f"the {fmt.value} overview"
    elif fmt is ReportFormat.md:
        d = disputes[0]
        text, what = reports.markdown(d, coverage[d.slug], as_of=today.isoformat()), "the md report"
    else:
        d = disputes[0]
        text = reports.html_report(d, coverage[d.slug], as_of=today.isoformat(), weeks=weeks)
        what = "the html report"
    _deliver(text.encode("utf-8"), out, what)


@app.command()
def timeline(
    slug: OptSlug = None,
    all_: AllOpt = False,
    weeks: Annotated[int, typer.Option(help="How many weeks to show.")] = reports.DEFAULT_WEEKS,
    until: Annotated[str | None, typer.Option(help="Last week shown (default: this week).")]
    = None,
    tag: Filter = None, status: Filter = None, kind: Filter = None, jurisdiction: Filter = None,
    json_: output.JsonOpt = False,
) -> None:
    """Articles per week beside the events, e.g. `tracker timeline nyt-v-openai --weeks 26`;
    `--all`: one row per dispute."""
    _one_or_all(slug, all_)
    end = check_date(until).first if until else now().date()
    disputes, coverage = _coverage(slug, core.DisputeFilter(
        status=status, tag=tag, jurisdiction=jurisdiction, kind=kind))
    if all_:
        ov = overview.build(disputes, coverage, as_of=end, weeks=weeks)
        if json_:
            output.write_json({"weeks": [w.to_dict() for w in ov.total], "disputes": {
                e.dispute.slug: [w.to_dict() for w in e.weeks] for e in ov.entries}})
            return
        output.console().print(_all_chart(ov))
        return
    d, found = disputes[0], coverage[disputes[0].slug]
    chart = reports.weekly(d, found, until=end, weeks=weeks)
    if json_:
        output.write_json([w.to_dict() for w in chart])
        return
    output.console().print(_chart(d, chart, found, output.console().width))


def _all_chart(ov: overview.Overview) -> Group:
    """The terminal overview: per dispute, one character per week and the events under it."""
    first, last = ov.total[0].start, ov.total[-1].start + timedelta(days=6)
    peak = max((w.count for e in ov.entries for w in e.weeks), default=0)
    width = max((len(e.dispute.slug) for e in ov.entries), default=4) + 2
    head = Text.assemble(("Coverage per week, all disputes", "bold"), (
        f"\n{ov.weeks} weeks, {first} to {last}, one column per week; bars on one scale "
        f"({peak} at most), · none; ◆ status change, ◇ other event", "dim"))
    lines = [Text(" " * width + overview.month_ruler(ov.total), style="dim")]
    for e in ov.entries:
        row = Text(f"{e.dispute.slug:<{width}}", style="bold")
        row.append(overview.spark(e.weeks, peak), style="cyan")
        row.append(f"  {sum(w.count for w in e.weeks):>3}  ")
        row.append_text(_status_text(e.dispute.status))
        lines.append(row)
        if any(w.events for w in e.weeks):
            lines.append(Text(" " * width + overview.marks(e.weeks).rstrip(), style="bold"))
    row = Text(f"{'all':<{width}}", style="dim")
    row.append(overview.spark(ov.total, max((w.count for w in ov.total), default=0)),
               style="dim")
    row.append(f"  {sum(w.count for w in ov.total):>3}")
    if not ov.entries:
        lines.append(Text("no disputes match", style="dim"))
    return Group(head, Text(""), *lines, row)


def _status_text(status: str) -> Text:
    return Text(f" {status} ", style=f"reverse {STATUS_STYLE.get(status, '')}".strip())


def _event_text(e: Event) -> Text:
    line = Text("◆ ", style="bold" if e.status else "dim")
    line.append(f"{e.date} ", style="dim")
    if e.status:
        line.append(f" {e.status} ", style=f"reverse {STATUS_STYLE.get(e.status, '')}".strip())
        line.append(" ")
    line.append_text(output.safe(e.text))
    if e.unconfirmed:
        line.append(" (unconfirmed)", style="yellow")
    return line


def _chart(d: Dispute, weeks: list[reports.Week], coverage: list[Article], width: int) -> Group:
    """The terminal chart: one row per week, bar and count, then that week's events."""
    peak = max(w.count for w in weeks)
    room = max(width - (10 + BAR_WIDTH + 4 + 3), 20)  # what the fixed columns leave
    grid = Table.grid(padding=(0, 1))
    grid.add_column(style="dim", no_wrap=True, min_width=10)
    grid.add_column(no_wrap=True, min_width=BAR_WIDTH)
    grid.add_column(justify="right", no_wrap=True, min_width=3)
    grid.add_column(no_wrap=True)
    for w in weeks:
        events = [_event_text(e) for e in w.events]
        for line in events:
            line.truncate(room, overflow="ellipsis")
        grid.add_row(w.start.isoformat(), Text(reports.bar(w.count, peak, BAR_WIDTH) or "·",
                                               style="cyan" if w.count else "dim"),
                     str(w.count) if w.count else "", Text("\n").join(events))
    shown = sum(w.count for w in weeks)
    head = Text.assemble(output.safe(d.title, "bold"), (
        f"\narticles per week (weeks starting Monday), {weeks[0].start} to {weeks[-1].start}: "
        f"{shown} of {len(coverage)} linked articles; ◆ timeline events", "dim"))
    if not shown and coverage:
        latest = reports.article_date(coverage[0])
        head.append(f"\nno coverage in these weeks; the latest article is from {latest}: "
                    f"try --until {latest}", style="yellow")
    return Group(head, Text(""), grid)
