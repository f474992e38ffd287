"""Untrusted text made inert: the one rule for every place that shows feed text.

Also the one rule for a password in an address (a private feed's, a store's): hidden
wherever a person reads it, kept in the data formats that must round-trip."""

from __future__ import annotations

import re

# A terminal escape sequence goes whole, payload too ("\x1b]0;pwned\x07" leaves nothing):
# CSI, OSC, and the short ones (ECMA-48: intermediates, then one final byte), such as
# tput's "\x1b(B", "\x1b7" (save the cursor) or "\x1bc" (reset the terminal).
ESCAPE_SEQ = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[ -/]*[0-~])")
# C0 and C1 controls (tab and newline are kept), DEL, and the Unicode bidi/format
# characters that can reorder or hide text.
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")


# A password in a URL's authority (https://user:secret@host) or a password= parameter,
# anywhere in a text: an error message or log line quotes the address inside a sentence.
_USERINFO = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*://[^/?#@:\s]*):[^/?#\s]*@")
_PASSWORD_PARAM = re.compile(r"(?i)([?&]password=)[^&#\s]*")


def mask(text: str) -> str:
    """`text` with the password of every URL in it as ***.

    e.g. mask("feed failing: https://me:secret@host/a.xml") ==
    "feed failing: https://me:***@host/a.xml"
    """
    if "://" not in text or ("@" not in text and "=" not in text):  # the common case,
        return text  # and cheap: a table has many cells, an article list many URLs
    return _PASSWORD_PARAM.sub(r"\1***", _USERINFO.sub(r"\1:***@", text))


def inert(text: object) -> str:
    """`text` without escape sequences or control characters (tabs and newlines kept)."""
    s = "" if text is None else str(text)
    if s.isprintable():  # the common case: no control, escape or format character at all
        return s
    return CONTROL.sub("", ESCAPE_SEQ.sub("", s))


def one_line(text: object) -> str:
    """Inert text with every run of white space folded to one space."""
    return " ".join(inert(text).split())
