"""URL checks and the canonical form used to recognise the same article twice."""

from __future__ import annotations

import contextlib
import hashlib
import re
from urllib.parse import unquote, urlsplit, urlunsplit

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
_DEFAULT_PORTS = {"http": 80, "https": 443}
_CONTROL = re.compile(r"[\x00-\x20\x7f-\x9f]")  # C0, space, DEL and C1
_HOST = re.compile(r"[a-z0-9_-]+(?:\.[a-z0-9_-]+)*")  # an IDNA-encoded host name


def _is_tracking(name: str) -> bool:
    low = name.lower()
    return low in _TRACKING_EXACT or low.startswith(_TRACKING_PREFIXES)


def check_url(url: str, *, what: str = "URL") -> str:
    """Return the stripped URL if it is an absolute http(s) URL with a host, else raise."""
    text = url.strip()
    try:
        parts = urlsplit(text)
        port = parts.port  # raises ValueError on a bad port
    except ValueError:
        parts, port = None, None
    if (
        parts is None
        or parts.scheme.lower() not in _DEFAULT_PORTS
        or not (parts.hostname or "").strip(".")
        or _CONTROL.search(text)
    ):
        raise InputError(
            f"invalid {what} '{url}'", hint="give an absolute http:// or https:// address"
        )
    del port
    return text


def normalise_url(url: str) -> str:
    """The canonical form of an article URL.

    Lower-cases scheme and host, drops default ports, the fragment, tracking parameters
    (utm_*, fbclid, gclid ...) and an empty query; the rest keeps its order and encoding.

    >>> normalise_url("HTTPS://Example.COM:443/a/b?utm_source=x&id=3#top")
    'https://example.com/a/b?id=3'
    """
    parts = urlsplit(check_url(url))
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower().rstrip(".")
    # Keep a host the idna codec refuses (e.g. with underscores) as it is, and one whose
    # encoding is not a host name (nameprep maps e.g. U+00A8 to a space).
    with contextlib.suppress(UnicodeError):
        encoded = host.encode("idna").decode("ascii")
        if _HOST.fullmatch(encoded):
            host = encoded
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    netloc = host
    if parts.port and parts.port != _DEFAULT_PORTS[scheme]:
        netloc = f"{host}:{parts.port}"
    if parts.username:
        netloc = f"{parts.username}{':' + parts.password if parts.password else ''}@{netloc}"
    # The path and the kept query pairs stay exactly as encoded: sites route on them.
    kept = [
        pair
        for pair in parts.query.split("&")
        if pair and not _is_tracking(unquote(pair.split("=", 1)[0]))
    ]
    return urlunsplit((scheme, netloc, parts.path or "/", "&".join(kept), ""))


def short_id(canonical_url: str) -> str:
    """A short, stable id for an article: the first 10 hex digits of its URL's SHA-1."""
    return hashlib.sha1(canonical_url.encode("utf-8")).hexdigest()[:10]


def host_of(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()
