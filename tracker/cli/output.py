"""Rendering for every command: one stdout console for data, one stderr console for talk.

Untrusted text (anything from a feed or typed by a user) goes through `clean()` and is
handed to rich as `Text`, never as markup, so it cannot restyle or hijack the terminal.
Machine formats (--json, --nl, --csv) are written to stdout directly, not through rich.
"""

from __future__ import annotations

import enum
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any

import orjson
import typer
from rich.table import Table
from rich.text import Text

if TYPE_CHECKING:
    from rich.console import Console

from tracker.text import inert, one_line


def clean(text: object, *, multiline: bool = False) -> str:
    """Untrusted text made inert: escape sequences and control characters removed."""
    return inert(text) if multiline else one_line(text)


def safe(text: object, style: str = "", *, multiline: bool = False) -> Text:
    """Untrusted text as a rich Text (never parsed as markup)."""
    return Text(clean(text, multiline=multiline), style=style)


_consoles: dict[bool, Console] = {}


def console(*, stderr: bool = False) -> Console:
    """The console for data (stdout) or for talk (stderr), made on first use: a run that
    prints only JSON never imports rich.console."""
    if stderr not in _consoles:
        from rich.console import Console

        made = Console(stderr=stderr, highlight=False, soft_wrap=False)
        if not made.is_terminal:
            # Piped or under cron: talk is never wrapped (a URL stays whole on its line)
            made.soft_wrap = stderr
            if "COLUMNS" not in os.environ:
                made.width = 120  # rich would assume 80 and squash tables
        _consoles[stderr] = made
    return _consoles[stderr]


def reset_consoles() -> None:
    """Forget the consoles (tests swap sys.stdout/sys.stderr between runs)."""
    _consoles.clear()


def interactive() -> bool:
    """True when someone can answer a prompt (stdin and stderr are terminals)."""
    return sys.stdin.isatty() and sys.stderr.isatty()


def say(message: str | Text, style: str = "") -> None:
    """Talk to the user on stderr (progress, confirmations, warnings).

    A plain string is cleaned: confirmations often quote stored text (a party, a forum).
    """
    text = message if isinstance(message, Text) else safe(message, style, multiline=True)
    console(stderr=True).print(text)


def warn(message: str) -> None:
    console(stderr=True).print(Text("warning: ", style="yellow bold") + safe(message))


class Format(str, enum.Enum):
    table = "table"
    json = "json"
    nl = "nl"
    csv = "csv"


JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON on stdout.")]
NlOpt = Annotated[bool, typer.Option("--nl", help="Print one JSON object per line.")]
CsvOpt = Annotated[bool, typer.Option("--csv", help="Print CSV with a header row.")]


def pick(json_: bool = False, nl: bool = False, csv_: bool = False) -> Format:
    chosen = [f for f, on in ((Format.json, json_), (Format.nl, nl), (Format.csv, csv_)) if on]
    if len(chosen) > 1:
        raise typer.BadParameter("choose one of --json, --nl, --csv")
    return chosen[0] if chosen else Format.table


def write_json(data: Any) -> None:
    """Pretty JSON (UTF-8, not ASCII-escaped) on stdout; orjson keeps big listings fast."""
    blob = orjson.dumps(data, default=str, option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE)
    sys.stdout.flush()
    sys.stdout.buffer.write(blob)
    sys.stdout.buffer.flush()


@dataclass
class Column:
    """A table column: header, the record key it shows, and how to render the value."""

    header: str
    key: str
    render: Callable[[Any], str] | None = None
    style: str = ""
    max_width: int | None = None
    no_wrap: bool = False
    min_width: int | None = None


def _cell(value: Any, column: Column) -> str:
    if column.render:
        return column.render(value)
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value)
    return str(value)


def emit(rows: Sequence[dict[str, Any]], columns: Sequence[Column], fmt: Format,
         *, title: str | None = None, empty: str = "nothing to show") -> None:
    """Write `rows` in the chosen format. JSON gets the full records; tables the columns."""
    if fmt is Format.json:
        write_json(list(rows))
        return
    if fmt is Format.nl:
        sys.stdout.flush()
        stream = sys.stdout.buffer
        for row in rows:
            stream.write(orjson.dumps(row, default=str, option=orjson.OPT_APPEND_NEWLINE))
        stream.flush()
        return
    if fmt is Format.csv:
        import csv

        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow([c.key for c in columns])
        for row in rows:
            writer.writerow([clean(_cell(row.get(c.key), c)) for c in columns])
        return
    if not rows:
        say(empty)
        return
    table = Table(title=title, header_style="bold", title_justify="left", expand=False)
    for c in columns:
        table.add_column(c.header, style=c.style, max_width=c.max_width, no_wrap=c.no_wrap,
                         min_width=c.min_width, overflow="ellipsis" if c.no_wrap else "fold")
    for row in rows:
        table.add_row(*(safe(_cell(row.get(c.key), c)) for c in columns))
    console().print(table)
