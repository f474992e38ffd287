"""The one CSV writer and cell sanitiser behind every CSV the tracker prints.

Listings (`--csv`) and `export --format csv` go through `write`/`to_bytes`, so every CSV
has the same rules: lists joined with LIST_SEPARATOR, terminal control characters
removed, and a text cell that a spreadsheet would run as a formula defused with a
leading `'`. Feed text is untrusted; a title like `=HYPERLINK("http://evil.example")`
must reach the spreadsheet as text.

    write(sys.stdout, ["id", "title"], [["3c3d0a68be", "=1+1"]])   # 3c3d0a68be,'=1+1
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any, TextIO

from tracker.text import inert

LIST_SEPARATOR = ";"
# What makes Excel, LibreOffice or Google Sheets read a cell as a formula (OWASP's list),
# with the full-width forms some locales accept too.
_FORMULA_START = frozenset("=+-@\uff1d\uff0b\uff0d\uff20")
_LEADING_BLANK = "\t\r\n "


def cell(value: Any) -> str:
    """One CSV cell: text made inert and defused; lists joined; None empty; true/false."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)  # a real number is never a formula, a negative one stays one
    if isinstance(value, (list, tuple, set, frozenset)):
        return defuse(LIST_SEPARATOR.join(inert(v) for v in value))
    return defuse(inert(value))


def defuse(text: str) -> str:
    """`text` with a leading `'` if a spreadsheet would take it for a formula."""
    first = text.lstrip(_LEADING_BLANK)[:1]
    if first in _FORMULA_START or (text[:1] in "\t\r" and text):
        return "'" + text
    return text


def write(stream: TextIO, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """Write a header row and `rows`, every value through `cell`."""
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow([cell(h) for h in header])
    writer.writerows([cell(v) for v in row] for row in rows)


def to_bytes(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """The same CSV as bytes (UTF-8), for files written atomically."""
    buf = io.StringIO()
    write(buf, header, rows)
    return buf.getvalue().encode("utf-8")
