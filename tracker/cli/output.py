"""Rendering for every command: one stdout console for data, one stderr console for talk.

Untrusted text (anything from a feed or typed by a user) goes through `clean()` and is
handed to rich as `Text`, never as markup, so it cannot restyle or hijack the terminal;
`clean()` also hides the password of any address in it (a private feed's, a store's).
Machine formats (--json, --nl, --csv) are written to stdout directly, not through rich,
and exact: they are data to pipe or import again.
"""

from __future__ import annotations

import enum
import functools
import inspect
import os
import sys
from collections.abc import Callable, Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any

import orjson
import typer

if TYPE_CHECKING:  # rich is imported where text is shown: a --json run never loads it
    from rich.console import Console
    from rich.text import Text

from tracker.text import inert, mask, one_line


def clean(text: object, *, multiline: bool = False) -> str:
    """Text for a person: escape sequences and control characters removed, and every
    password in a URL as *** (tables, messages, log lines and errors all pass here)."""
    return mask(inert(text) if multiline else one_line(text))


def safe(text: object, style: str = "", *, multiline: bool = False) -> Text:
    """Untrusted text as a rich Text (never parsed as markup)."""
    from rich.text import Text

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
    """Forget the consoles (tests swap sys.stdout/sys.stderr between runs) and the last
    run's table options."""
    _consoles.clear()
    _table_options.set(None)


def set_verbosity(level: int) -> None:
    """-v: what the tool does (INFO), -vv: why, in detail (DEBUG): log lines on stderr.

    logging is imported only when asked for (or already loaded): it costs every command
    ~3 ms at start-up otherwise.
    """
    if level <= 0 and "logging" not in sys.modules:
        return
    import logging

    logger = logging.getLogger("tracker")
    for handler in [h for h in logger.handlers if getattr(h, "tracker_cli", False)]:
        logger.removeHandler(handler)
    logger.setLevel(logging.WARNING if level <= 0 else
                    logging.INFO if level == 1 else logging.DEBUG)
    if level > 0:
        logger.addHandler(_stderr_handler(logging))
        logger.propagate = False


def _stderr_handler(logging: Any) -> Any:
    """A handler writing each record as one line on the stderr of the moment (tests swap
    it), made inert: a record may quote a feed's title."""

    class StderrLines(logging.Handler):
        tracker_cli = True

        def emit(self, record: Any) -> None:
            try:
                name = record.name.removeprefix("tracker.")
                debug = " (debug)" if record.levelno < logging.INFO else ""
                sys.stderr.write(f"{name}{debug}: {clean(record.getMessage())}\n")
            except Exception:  # logging must never break a command
                self.handleError(record)

    return StderrLines()


def interactive() -> bool:
    """True when someone can answer a prompt (stdin and stderr are terminals)."""
    return sys.stdin.isatty() and sys.stderr.isatty()


def say(message: str | Text, style: str = "") -> None:
    """Talk to the user on stderr (progress, confirmations, warnings).

    A plain string is cleaned: confirmations often quote stored text (a party, a forum).
    """
    text = safe(message, style, multiline=True) if isinstance(message, str) else message
    console(stderr=True).print(text)


def lines(styled: Sequence[tuple[str, str]]) -> None:
    """(style, line) pairs on stdout. On a terminal a long line wraps at spaces under its
    own indent (a URL is never broken: it keeps a line of its own); piped, lines are
    written as they are."""
    out = console()
    if not out.is_terminal:
        sys.stdout.write("".join(_indented(line) + "\n" for _, line in styled))
        return
    import textwrap

    from rich.text import Text

    for style, line in styled:
        text = _indented(line)
        indent = " " * (len(text) - len(text.lstrip(" ")) + 2)
        wrapped = textwrap.wrap(text, width=max(out.width, 20), subsequent_indent=indent,
                                break_long_words=False, break_on_hyphens=False) or [""]
        out.print(Text("\n".join(wrapped), style=style), soft_wrap=True)


def _indented(line: str) -> str:
    """One inert line that keeps its leading indent."""
    body = clean(line)
    return " " * (len(line) - len(line.lstrip(" "))) + body if body else ""


def warn(message: str) -> None:
    from rich.text import Text

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
    """A table column: header, the record key it shows, and how to render the value.

    On a narrow terminal the columns with the highest `priority` are hidden first; the
    first column and those of priority 0 (what identifies a row, its status) never are.
    A `url` column is shown whole or not at all: an address cut in two cannot be copied.
    """

    header: str
    key: str
    render: Callable[[Any], str] | None = None
    style: str = ""
    max_width: int | None = None
    no_wrap: bool = False
    min_width: int | None = None
    priority: int = 1
    url: bool = False
    # The shown value worked out from the whole record (tables and CSV only: --json keeps
    # the record as it is), e.g. an event's text with " (unconfirmed)".
    value: Callable[[dict[str, Any]], Any] | None = None

    def of(self, row: dict[str, Any]) -> Any:
        return self.value(row) if self.value else row.get(self.key)
    table: bool = True  # False: only in CSV or when --columns names it (an article's URL)


@dataclass(frozen=True)
class TableOptions:
    """What --wide and --columns asked of this run's tables."""

    wide: bool = False
    columns: tuple[str, ...] = ()


_table_options: ContextVar[TableOptions | None] = ContextVar("tracker_table", default=None)

WideOpt = Annotated[bool, typer.Option(
    "--wide", "-w", help="Show every column, uncut, however wide the terminal.")]
ColumnsOpt = Annotated[str | None, typer.Option(
    "--columns", metavar="COLS", help="Only these columns, in this order (comma-separated "
    "headers or keys), for the table and --csv.")]


def listing(func: Callable[..., Any]) -> Callable[..., Any]:
    """Give a listing command `--wide` and `--columns` (sqlite-utils' output_options).

    Put it under the `@app.command()` line; `emit()` reads what was chosen.
    """
    sig = inspect.signature(func)
    extra = [inspect.Parameter("wide", inspect.Parameter.KEYWORD_ONLY, default=False,
                               annotation=WideOpt),
             inspect.Parameter("columns", inspect.Parameter.KEYWORD_ONLY, default=None,
                               annotation=ColumnsOpt)]

    @functools.wraps(func)
    def wrapper(*args: Any, wide: bool = False, columns: str | None = None,
                **kwargs: Any) -> Any:
        names = tuple(c.strip() for c in (columns or "").split(",") if c.strip())
        _table_options.set(TableOptions(wide=wide, columns=names))
        return func(*args, **kwargs)

    wrapper.__signature__ = sig.replace(  # type: ignore[attr-defined]
        parameters=[*sig.parameters.values(), *extra])
    wrapper.__annotations__ = {**func.__annotations__, "wide": WideOpt, "columns": ColumnsOpt}
    return wrapper


def _chosen(columns: Sequence[Column], names: Sequence[str]) -> list[Column]:
    """The columns --columns names, in its order (by header or key, any case)."""
    if not names:
        return list(columns)
    from tracker.cli.usage import close_match, normalise
    from tracker.errors import InputError

    by_name: dict[str, Column] = {}
    for c in columns:
        by_name.setdefault(normalise(c.key), c)
        by_name.setdefault(normalise(c.header), c)
    picked = []
    for name in names:
        column = by_name.get(normalise(name))
        if column is None:
            close = close_match(normalise(name), by_name)
            raise InputError(f"no column '{name}'", hint=(
                f"did you mean '{close}'? " if close else "") + "columns: " + ", ".join(
                normalise(c.header) for c in columns))
        picked.append(column)
    return picked


def _csv_value(value: Any, column: Column) -> Any:
    """A CSV cell's value: rendered text where the column renders, else the raw value
    (lists stay lists, so csvfile joins them with its one separator)."""
    return column.render(value) if column.render else value


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
    """Write `rows` in the chosen format. JSON gets the full records; tables the columns.

    On a terminal, a table fits its width (see `Column`; `--wide` shows it all); piped, it
    is one tab-separated line per row under a header line: no padding, wrapping or colour.
    """
    options = _table_options.get() or TableOptions()
    columns = _chosen(columns, options.columns)
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
        from tracker import csvfile  # the one CSV writer: same cells as `export --format csv`

        csvfile.write(sys.stdout, [c.key for c in columns],
                      ([_csv_value(c.of(row), c) for c in columns] for row in rows))
        return
    if not options.columns:
        columns = [c for c in columns if c.table]
    if not rows:
        say(empty)
        return
    cells = [[clean(_cell(c.of(row), c)) for c in columns] for row in rows]
    out = console()
    if not out.is_terminal:
        _plain(title, columns, cells)
        return
    hidden: list[int] = []
    width: int | None = None
    if options.wide:
        shown, width = list(range(len(columns))), _natural(columns, cells) + 1
    else:
        shown, hidden = fit(columns, cells, out.width)
    fixed = {} if options.wide else widths(columns, cells, shown, out.width)
    from rich.table import Table
    from rich.text import Text

    table = Table(title=title, header_style="bold", title_justify="left", expand=False)
    for i in shown:
        c = columns[i]
        whole = c.no_wrap or c.url or options.wide
        table.add_column(c.header, style=c.style, no_wrap=whole, width=fixed.get(i),
                         max_width=None if whole or fixed else c.max_width,
                         overflow="ellipsis" if c.no_wrap and not c.url else "fold")
    for line in cells:
        table.add_row(*(Text(line[i]) for i in shown))
    if width is None:
        out.print(table)
    else:  # wider than the terminal: the terminal folds the lines, nothing is cut
        screen = out.width
        out.width = width
        try:
            out.print(table, crop=False)
        finally:
            out.width = screen
    if hidden:
        names = ", ".join(columns[i].header for i in hidden)
        say(Text(f"not shown at {out.width} columns: {names} (--wide)", style="dim"))


def _plain(title: str | None, columns: Sequence[Column], cells: list[list[str]]) -> None:
    """The table for a pipe or a file: tab-separated, a header line, nothing padded."""
    lines = [] if title is None else [clean(title)]
    lines.append("\t".join(c.header for c in columns))
    lines.extend("\t".join(line) for line in cells)
    sys.stdout.write("\n".join(lines) + "\n")


def _width(text: str) -> int:
    from rich.cells import cell_len

    return cell_len(text)


def _natural_width(c: Column, i: int, cells: list[list[str]]) -> int:
    return max([_width(c.header), *(_width(line[i]) for line in cells)])


def _min_width(c: Column, i: int, cells: list[list[str]]) -> int:
    """The narrowest a column can be: whole if it must not wrap, else its longest word."""
    natural = _natural_width(c, i, cells)
    if c.no_wrap or c.url:
        return natural
    longest_word = max([_width(w) for line in cells for w in line[i].split()] or [1])
    wanted = max(c.min_width or 0, min(longest_word, 24), _width(c.header))
    return min(natural, wanted)


def _natural(columns: Sequence[Column], cells: list[list[str]]) -> int:
    return sum(_natural_width(c, i, cells) for i, c in enumerate(columns)) + 3 * len(columns) + 1


def widths(columns: Sequence[Column], cells: list[list[str]], shown: Sequence[int],
           width: int) -> dict[int, int]:
    """Each shown column's width on a terminal `width` wide: its narrowest, then what is
    left shared among the columns that wrap, up to what they need (or their max_width).
    Empty when even the narrowest do not fit: rich then squeezes what it must."""
    room = width - 3 * len(shown) - 1
    given = {i: _min_width(columns[i], i, cells) for i in shown}
    if sum(given.values()) > room:
        return {}
    wanted = {i: min(_natural_width(columns[i], i, cells), columns[i].max_width or room)
              for i in shown if not (columns[i].no_wrap or columns[i].url)}
    left = room - sum(given.values())
    while left > 0:
        growing = [i for i in wanted if given[i] < wanted[i]]
        if not growing:
            break
        for i in growing[:left]:
            given[i] += 1
        left -= min(len(growing), left)
    return given


def fit(columns: Sequence[Column], cells: list[list[str]],
        width: int) -> tuple[list[int], list[int]]:
    """Which columns a terminal `width` wide shows, and which it hides (by priority)."""
    shown = list(range(len(columns)))
    hidden: list[int] = []

    def need() -> int:  # each column's narrowest, plus the borders and padding
        return sum(_min_width(columns[i], i, cells) for i in shown) + 3 * len(shown) + 1

    droppable = sorted((i for i, c in enumerate(columns) if i and c.priority > 0),
                       key=lambda i: (columns[i].priority, i), reverse=True)
    for i in droppable:
        if need() <= width:
            break
        shown.remove(i)
        hidden.append(i)
    return shown, sorted(hidden)
