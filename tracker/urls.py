"""URL checks and the canonical form used to recognise the same article twice."""

from __future__ import annotations

import contextlib
import functools
import hashlib
import re
from urllib.parse import SplitResult, unquote, urlsplit, urlunsplit

from tracker.errors import InputError

# Query parameters that only track a click; they never change which page is served.
_TRACKING_EXACT = frozenset(
    {
        "fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "twclid",
        "igshid", "mc_cid", "mc_eid", "_hsenc", "_hsmi", "mkt_tok", "ocid", "cmpid",
        "smid", "smtyp", "ref_src", "ref_url", "guccounter", "guce_referrer",
        "guce_referrer_sig", "sr_share", "spm", "__twitter_impression", "s_cid",
        "ncid", "soc_src", "soc_trk", "at_medium", "at_campaign", "taid",
        "traffic_source",
    }
)
_TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "hmb_", "_ga", "oly_")
# The version of the rules above (and of normalise_url). Stores record the version their
# URLs were canonicalised with; a store written under an older one is re-canonicalised
# when read (see storage.renormalise). Change the rules => bump this (a test checks).
NORMALISATION_VERSION = 1
SHORT_ID_LENGTH = 10
_DEFAULT_PORTS = {"http": 80, "https": 443}
_CONTROL = re.compile(r"[\x00-\x20\x7f-\x9f]")  # C0, space, DEL and C1
_HOST = re.compile(r"[a-z0-9_-]+(?:\.[a-z0-9_-]+)*")  # an IDNA-encoded host name


def _is_tracking(name: str) -> bool:
    low = name.lower()
    return low in _TRACKING_EXACT or low.startswith(_TRACKING_PREFIXES)


def _checked(url: str, what: str) -> tuple[str, SplitResult, str, int | None]:
    """The stripped URL, its parts, host and port, if it is an absolute http(s) URL with a
    host; else InputError."""
    text = url.strip()
    parts = None
    try:
        split = urlsplit(text)
        host, port = split.hostname or "", split.port  # .port raises ValueError on a bad port
        parts = split
    except ValueError:
        host, port = "", None
    if (
        parts is None
        or parts.scheme.lower() not in _DEFAULT_PORTS
        or not host.strip(".")
        or _CONTROL.search(text)
    ):
        raise InputError(
            f"invalid {what} '{url}'", hint="give an absolute http:// or https:// address"
        )
    return text, parts, host, port


def check_url(url: str, *, what: str = "URL") -> str:
    """Return the stripped URL if it is an absolute http(s) URL with a host, else raise."""
    return _checked(url, what)[0]


@functools.lru_cache(maxsize=4096)  # a poll sees thousands of links from a few hundred hosts
def _canonical_host(host: str) -> str:
    host = host.lower().rstrip(".")
    # Keep a host the idna codec refuses (e.g. with underscores) as it is, and one whose
    # encoding is not a host name (nameprep maps e.g. U+00A8 to a space).
    with contextlib.suppress(UnicodeError):
        encoded = host.encode("idna").decode("ascii")
        if _HOST.fullmatch(encoded):
            host = encoded
    return f"[{host}]" if ":" in host else host  # an IPv6 literal keeps its brackets


def normalise_url(url: str) -> str:
    """The canonical form of an article URL.

    Lower-cases scheme and host, drops default ports, the fragment, tracking parameters
    (utm_*, fbclid, gclid ...) and an empty query; the rest keeps its order and encoding.

    >>> normalise_url("HTTPS://Example.COM:443/a/b?utm_source=x&id=3#top")
    'https://example.com/a/b?id=3'
    """
    _, parts, host, port = _checked(url, "URL")
    scheme = parts.scheme.lower()
    netloc = _canonical_host(host)
    if port and port != _DEFAULT_PORTS[scheme]:
        netloc = f"{netloc}:{port}"
    if "@" in parts.netloc and parts.username:
        netloc = f"{parts.username}{':' + parts.password if parts.password else ''}@{netloc}"
    # The path and the kept query pairs stay exactly as encoded: sites route on them.
    query = parts.query
    if query:
        query = "&".join(pair for pair in query.split("&")
                         if pair and not _is_tracking(unquote(pair.split("=", 1)[0])))
    return urlunsplit((scheme, netloc, parts.path or "/", query, ""))


def short_id(canonical_url: str, length: int = SHORT_ID_LENGTH) -> str:
    """A short, stable id for people to type: the first hex digits of the URL's SHA-1.

    Only a handle: two URLs can share the first 10 digits, so records are keyed on the
    canonical URL itself and the store lengthens an id that another URL already holds.
    """
    return hashlib.sha1(canonical_url.encode("utf-8")).hexdigest()[:length]


def host_of(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()
