"""`tracker review` and `tracker match explain`: the items the matcher was not sure of, and
why any text would or would not be attached."""

from typing import TYPE_CHECKING, Annotated, Any

import typer

from tracker.cli import app, env, output
from tracker.cli.output import Column, CsvOpt, JsonOpt, NlOpt

if TYPE_CHECKING:
    from tracker.matching import Decision
    from tracker.review import Suggestion

review_app = typer.Typer(
    help="Suggestions: items with some of a dispute's signals, to accept or reject.",
    invoke_without_command=True)
app.add_typer(review_app, name="review")
match_app = typer.Typer(help="The match rules: why an item is or is not attached.",
                        no_args_is_help=True)
app.add_typer(match_app, name="match")

OptDispute = Annotated[str | None, typer.Option("--dispute", "-d", help="Only this dispute.")]
Refs = Annotated[list[str] | None, typer.Argument(
    help="Suggestion ids (a unique prefix will do; ID:SLUG for one dispute's).")]
COLUMNS = [
    Column("ID", "id", style="dim", no_wrap=True),
    Column("Date", "date", no_wrap=True),
    Column("Dispute", "dispute", no_wrap=True),
    Column("Title", "title", max_width=60, min_width=20),
    Column("Missing", "missing", max_width=30),
]


def _line(text: str, style: str = "", indent: int = 4) -> Any:
    """One line of untrusted text, indented (the indent is ours, the text made inert)."""
    from rich.text import Text

    return Text(" " * indent) + output.safe(text, style)


def _row(s: "Suggestion") -> dict[str, Any]:
    row = s.to_dict()
    row["date"] = str(s.doc.get("published") or s.doc.get("first_seen") or "")[:10]
    return row


def _blocks(rows: list[dict[str, Any]]) -> None:
    """Each suggestion with its reasons and what it lacks, as a few plain lines."""
    out = output.console()
    for row in rows:
        head = f"{row['id']}  {row['date']}  {row['dispute']}  {row['title'] or row['url']}"
        out.print(output.safe(head, "bold"))
        if row.get("outlet"):
            out.print(_line(f"{row['outlet']} · {row['url']}", "dim"))
        out.print(_line(f"missing: {'; '.join(row['missing'] or ['-'])}"))
        for reason in row["reasons"] or []:
            out.print(_line(f"- {reason}", "dim"))


@review_app.callback()
@output.listing
def review(
    ctx: typer.Context,
    dispute: OptDispute = None,
    all_: Annotated[bool, typer.Option("--all", help="Decided ones too.")] = False,
    json_: JsonOpt = False, nl: NlOpt = False, csv_: CsvOpt = False,
) -> None:
    """List suggestions, newest first, with their reasons and the missing signal, e.g.
    `tracker review -d nyt-v-openai`; then `tracker review accept ID` or `reject ID`."""
    if ctx.invoked_subcommand is not None:
        return
    from tracker import core
    from tracker import review as queue

    fmt = output.pick(json_, nl, csv_)
    with env().read() as store:
        if dispute is not None:
            core.get_dispute(store, dispute)  # a misspelt slug is an error, not an empty queue
        rows = [_row(s) for s in queue.listing(store, dispute=dispute, every=all_)]
    chosen = output._table_options.get()  # --wide / --columns: the plain table instead
    if fmt is not output.Format.table or not rows or (chosen and (chosen.wide or chosen.columns)):
        output.emit(rows, COLUMNS, fmt, empty="nothing awaits review")
        return
    _blocks(rows)
    output.say(f"{len(rows)} suggestion(s); 'tracker review accept ID' links one by hand")


def _decide(verb: str, refs: list[str] | None, dispute: str | None) -> None:
    from tracker import review as queue

    with env().write() as store:
        chosen = queue.select(store, refs or [], dispute)
        done = (queue.accept if verb == "accept" else queue.reject)(store, chosen)
    past = "accepted" if verb == "accept" else "rejected"
    for s in done:
        output.say(f"{past} {s.item} for {s.dispute}")
    if len(done) < len(chosen):
        output.say(f"{len(chosen) - len(done)} already decided; nothing changed for those")


@review_app.command("accept")
def accept(refs: Refs = None, dispute: OptDispute = None) -> None:
    """Link suggested items by hand, e.g. `tracker review accept 3f2a` or `--dispute SLUG`
    (every open one of a dispute). Accepting twice changes nothing."""
    _decide("accept", refs, dispute)


@review_app.command("reject")
def reject(refs: Refs = None, dispute: OptDispute = None) -> None:
    """Drop suggestions for good: never suggested or attached again, e.g. `... reject 3f2a`."""
    _decide("reject", refs, dispute)


def decision_row(d: "Decision") -> dict[str, Any]:
    return d.to_dict()


@match_app.command("explain")
def explain(
    title: Annotated[str, typer.Argument(help="A headline.")],
    summary: Annotated[str, typer.Argument(help="Its summary, if any.")] = "",
    published: Annotated[str | None, typer.Option(help="Its date, YYYY-MM-DD.")] = None,
    json_: JsonOpt = False,
) -> None:
    """The decision for any text, for every dispute, with the reasons, e.g.
    `tracker match explain "NYT sues OpenAI" "Over training"`: to tune aliases and terms."""
    from tracker import matching
    from tracker.models import check_date

    published = str(check_date(published)) if published is not None else None
    with env().read() as store:
        disputes = store.disputes()
    decisions = matching.explain(disputes, env().config.section("match"), title, summary,
                                 published=published)
    if json_:
        output.write_json([decision_row(d) for d in decisions])
        return
    out = output.console()
    for d in decisions:
        out.print(output.safe(f"{d.slug}: {d.verdict}", "bold"))
        if d.terms:
            out.print(_line(f"found: {', '.join(d.terms)}"))
        if d.missing:
            out.print(_line(f"missing: {'; '.join(d.missing)}"))
        for reason in d.reasons:
            out.print(_line(f"- {reason}", "dim"))
    if not decisions:
        output.say("no disputes to match against")
