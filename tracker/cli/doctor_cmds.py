"""`tracker doctor`: check the store, fix what is safe, put the backup back."""

from typing import Annotated

import typer
from rich.text import Text

from tracker import doctor as checks
from tracker.cli import app, env, output
from tracker.cli.output import JsonOpt


@app.command()
def doctor(
    restore: Annotated[bool, typer.Option("--restore", help=(
        "Put the backup (<store>.bak) back when the store cannot be read; the unreadable "
        "file is kept as <store>.broken-<time>."))] = False,
    force: Annotated[bool, typer.Option("--force", help=(
        "With --restore: restore even though the store reads fine."))] = False,
    fix: Annotated[bool, typer.Option("--fix", help=(
        "Drop links to disputes that do not exist and temporary files left by a crash."))]
    = False,
    json_: JsonOpt = False,
) -> None:
    """Check the store and its records. Exit 0 healthy, 1 problems found, 4 unreadable,
    e.g. `tracker doctor`, or `tracker doctor --restore` after a damaged write."""
    e = env()
    report = checks.run(e.db, restore_backup=restore, force=force, repair=fix,
                        lock_timeout=e.lock_timeout)
    if json_:
        output.write_json(report.to_dict())
    else:
        _show(report)
    if report.exit_code:
        raise typer.Exit(int(report.exit_code))


def _show(report: checks.Report) -> None:
    """The report on stdout; what was changed, and the advice, on stderr."""
    if report.restored:
        kept = report.restored.kept
        output.say(f"restored {report.store} from {report.restored.source}"
                   + (f"; the file it replaced is kept as {kept}" if kept else ""))
    for line in report.fixed:
        output.say(f"fixed: {line}")
    bak = report.backup
    backup = "none" if not bak["exists"] else "readable" if bak["readable"] else \
        f"unreadable ({bak['error']})"
    if not report.readable:
        output.console().print(output.safe(f"store {report.store}: UNREADABLE: {report.error}"))
        output.console().print(output.safe(f"backup {bak['path']}: {backup}"))
        if bak["readable"]:
            output.say("'tracker doctor --restore' puts the backup back (the damaged file is kept)")
        return
    counts = ", ".join(f"{n} {table}" for table, n in report.counts.items())
    output.console().print(output.safe(
        f"store {report.store}: schema {report.schema_version}, {counts}"))
    output.console().print(output.safe(f"backup {bak['path']}: {backup}"))
    for p in report.problems:
        output.console().print(Text.assemble(Text(f"{p.check}  ", style="yellow"),
                                       output.safe(f"{p.where}: {p.problem}")))
    if not report.problems:
        output.say("healthy")
        return
    fixable = sum(p.fixable for p in report.problems)
    output.say(f"{len(report.problems)} problem(s) found"
               + (f"; 'tracker doctor --fix' repairs {fixable} of them" if fixable else ""))
