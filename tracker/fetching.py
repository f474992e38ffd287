"""Fetching and parsing feeds: the only module that touches httpx and feedparser.

`fetch_all` downloads many feeds at once (bounded in total and per host) with
conditional GET, redirects, timeouts and a size cap; bodies are handed to worker
processes for parsing as they arrive, so fetching and parsing overlap.
"""

from __future__ import annotations

import asyncio
import calendar
import contextlib
import hashlib
import io
import os
import re
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from html.parser import HTMLParser
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin

import httpx

from tracker import HOMEPAGE, __version__
from tracker.errors import InputError
from tracker.text import one_line
from tracker.urls import check_url

if TYPE_CHECKING:
    from concurrent.futures import Executor

    from tracker import feedxml

USER_AGENT = f"tracker/{__version__} (+{HOMEPAGE})"
FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/rdf+xml",
              "application/feed+json", "application/xml", "text/xml")
_PERMANENT = (301, 308)
_SUMMARY_MAX = 2000
_TITLE_MAX = 500


@dataclass
class Settings:
    """How a poll fetches; mirrors the [poll] table of config.toml."""

    concurrency: int = 64
    per_host: int = 2
    connect_timeout: float = 10.0
    timeout: float = 30.0
    max_bytes: int = 8_000_000
    workers: int = 0

    @classmethod
    def from_config(cls, section: dict[str, Any]) -> Settings:
        names = cls.__dataclass_fields__
        return cls(**{k: v for k, v in section.items() if k in names})


@dataclass
class Request:
    url: str
    etag: str | None = None
    last_modified: str | None = None
    body_hash: str | None = None


@dataclass
class Entry:
    """One feed item, reduced to inert plain text."""

    link: str
    title: str = ""
    summary: str = ""
    published: str | None = None
    guid: str = ""
    author: str = ""
    source: str = ""  # the publisher named in the item (Google News <source>)
    source_url: str = ""  # that publisher's home address (<source url=...>)
    enclosure: str = ""  # the first enclosure's address (a docket entry's document)


@dataclass
class Parsed:
    title: str = ""
    site_url: str = ""
    language: str = ""
    version: str = ""
    entries: list[Entry] = field(default_factory=list)
    warning: str | None = None  # the parser's complaint (not well-formed, truncated ...)
    error: str | None = None  # set when the body is not a feed at all
    dropped: int = 0  # items without any link, left out of `entries`
    feed_links: list[str] = field(default_factory=list)  # from an HTML page


@dataclass
class Result:
    """What fetching one feed gave."""

    url: str
    outcome: str  # ok | not-modified | unchanged | gone | error
    status: int | None = None
    final_url: str | None = None  # set when every redirect hop was permanent
    etag: str | None = None
    last_modified: str | None = None
    body_hash: str | None = None
    error: str | None = None
    retry_after: str | None = None
    parsed: Parsed | None = None
    digest: Any = None  # what fetch_all's `digest` made of `parsed`


# -- text helpers ----------------------------------------------------------------------------



class _TextExtractor(HTMLParser):
    """Plain text of an HTML fragment; script and style contents dropped."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        elif tag in ("br", "p", "div", "li"):
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style") and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def plain_text(html: str, limit: int) -> str:
    """Inert one-line text from feed HTML: tags, scripts and control characters removed."""
    if "<" in html or "&" in html:
        extractor = _TextExtractor()
        extractor.feed(html)
        extractor.close()
        html = "".join(extractor.parts)
    return one_line(html)[:limit]


class _LinkFinder(HTMLParser):
    """Feed addresses an HTML page announces with <link rel="alternate" type=...>."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag != "link":
            return
        a = {k.lower(): (v or "") for k, v in attrs}
        rels = a.get("rel", "").lower().split()
        feed_type = a.get("type", "").lower() in FEED_TYPES
        if tag == "link" and "alternate" in rels and feed_type and a.get("href"):
            self.links.append(a["href"])


_AHEAD = timedelta(days=1)


def _iso(struct: Any) -> str | None:
    """An entry's date in ISO form; None when unreadable or more than a day ahead (a story
    dated 2100 would head every list; hours ahead are a publisher's time zone slip)."""
    if not struct:
        return None
    try:
        stamp = datetime.fromtimestamp(calendar.timegm(struct), tz=timezone.utc)
    except (TypeError, ValueError, OverflowError):
        return None
    if stamp > datetime.now(timezone.utc) + _AHEAD:
        return None
    return stamp.isoformat()


def _site_url(link: str, base: str) -> str:
    """The feed's home page when it is an http(s) address; "javascript:..." and the like go."""
    if not link.strip():
        return ""
    try:
        return check_url(urljoin(base, link.strip()))
    except InputError:
        return ""


def _date_parser() -> Callable[[str], Any] | None:
    """feedparser's own date reader, so both paths read every date alike (None: missing)."""
    try:
        from feedparser.datetimes import _parse_date
    except ImportError:  # a feedparser without it: every feed takes the feedparser path
        return None
    return _parse_date


def _enclosure(entry: Any) -> str:
    for enclosure in entry.get("enclosures") or ():
        href = enclosure.get("href") if hasattr(enclosure, "get") else None
        if href:
            return str(href)
    return ""


def read_feedparser(body: bytes,
                    content_type: str = "") -> tuple[feedxml.Feed, Any, list[tuple[str, str]]]:
    """The fields the tracker keeps, as feedparser reads them; with feedparser's result.

    Every text is reduced to plain text later, so feedparser's HTML sanitiser and its
    rewriting of relative links inside that HTML would be work thrown away; without a
    base address it also skips resolving every element's xml:base.
    """
    import feedparser  # imported before the workers fork (see _Parsers), or on first use

    headers = {"content-type": content_type} if content_type else {}
    doc = feedparser.parse(io.BytesIO(body), response_headers=headers, sanitize_html=False,
                           resolve_relative_uris=False)
    extras: list[tuple[str, str]] = []  # (source URL, enclosure) per item
    from tracker import feedxml

    feed = feedxml.Feed(version=doc.get("version", "") or "",
                        title=doc.feed.get("title", ""), link=doc.feed.get("link") or "",
                        language=doc.feed.get("language") or "")
    for entry in doc.entries:
        summary = entry.get("summary") or ""
        if not summary and entry.get("content"):
            summary = entry["content"][0].get("value", "")
        source = entry.get("source") or {}
        extras.append((source.get("href", "") if hasattr(source, "get") else "",
                       _enclosure(entry)))
        feed.items.append(feedxml.Item(
            source_url=extras[-1][0], enclosure=extras[-1][1],
            link=entry.get("link"),
            title=entry.get("title", ""),
            summary=summary,
            # dict.get: FeedParserDict would answer "updated_parsed" with a warning
            date=entry.get("published_parsed") or dict.get(entry, "updated_parsed"),
            guid=str(entry.get("id", "")),
            author=entry.get("author", ""),
            source=source.get("title", "") if hasattr(source, "get") else "",
        ))
    return feed, doc, extras


_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")
_DECLARED = re.compile(rb"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._:-]+)["']""")
_SINGLE_BYTE = frozenset({"latin_1", "iso8859_1", "cp1252", "ascii", "iso8859_15", "cp1250",
                          "iso8859_2"})


def _codec(label: str) -> str | None:
    import codecs

    try:
        return codecs.lookup(label.strip().strip("\"'")).name.replace("-", "_")
    except (LookupError, ValueError):
        return None


def _decodes(body: bytes, codec: str) -> bool:
    try:
        body.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return False
    return True


def _charset(content_type: str) -> str:
    for param in content_type.split(";")[1:]:
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset":
            return value.strip()
    return ""


def decode_body(body: bytes, content_type: str) -> tuple[bytes, str]:
    """The body and Content-Type to parse, with a wrong HTTP charset overruled.

    Browsers and Miniflux trust a byte-order mark first; the tracker also trusts the HTTP
    charset while the body decodes under it, as feedparser does. When it does not decode,
    or is a single-byte charset (under which any bytes "decode") while the XML declaration
    names a multi-byte encoding the body does decode under, the declaration wins. The
    body is then handed on as UTF-8, so both readers see the same text; a feed whose
    charset is right is passed on untouched.
    """
    declared_label = _charset(content_type)
    if body.startswith(_BOMS) or not declared_label or body.isascii():
        return body, content_type  # no HTTP charset: the parsers read the declaration
    http = _codec(declared_label)
    match = _DECLARED.match(body[:512])
    xml = _codec(match.group(1).decode("ascii")) if match else None
    if http and _decodes(body, http):
        if http not in _SINGLE_BYTE or not xml or xml in _SINGLE_BYTE or xml == http:
            return body, content_type
        if not _decodes(body, xml):
            return body, content_type
        chosen = xml
    elif xml and xml != http and _decodes(body, xml):
        chosen = xml
    elif _decodes(body, "utf-8"):
        chosen = "utf-8"
    else:
        return body, content_type  # nothing fits: feedparser's own fallbacks decide
    text = body.decode(chosen)
    if match:
        start, end = match.span(1)
        text = text[:start] + "utf-8" + text[end:]  # the declaration is ASCII: same offsets
    media = content_type.split(";", 1)[0].strip() or "application/xml"
    return text.encode("utf-8"), f"{media}; charset=utf-8"


def parse(body: bytes, url: str, content_type: str = "") -> Parsed:
    """Parse a feed body (bytes plus the Content-Type, which can name the encoding).

    Runs in worker processes, so it takes and returns only plain data. Plain RSS 2.0 and
    Atom 1.0 take feedxml's fast path; everything else, and everything it is unsure of,
    goes to feedparser. Item links are made absolute against the feed's address.
    """
    from tracker import feedxml  # here: a poll where every feed answers 304 never parses

    body, content_type = decode_body(body, content_type)
    parse_date = _date_parser()
    feed = feedxml.read(body, content_type, parse_date) if parse_date else None
    doc = None
    if feed is None:
        feed, doc, _ = read_feedparser(body, content_type)
    parsed = Parsed(
        title=plain_text(feed.title, _TITLE_MAX),
        site_url=_site_url(feed.link, url),
        language=plain_text(feed.language, 20),
        version=feed.version,
    )
    for item in feed.items:
        link = (item.link or "").strip()
        if not link:
            parsed.dropped += 1
            continue
        if not link.startswith(("http://", "https://")):
            link = urljoin(url, link)  # "/story/1", "//host/story/1", "story/1"
        parsed.entries.append(
            Entry(
                link=link,
                title=plain_text(item.title, _TITLE_MAX),
                summary=plain_text(item.summary, _SUMMARY_MAX),
                published=_iso(item.date),
                guid=item.guid[:500],
                author=plain_text(item.author, 200),
                source=plain_text(item.source, 200),
                source_url=_site_url(item.source_url, url),
                enclosure=_site_url(item.enclosure, url),
            )
        )
    if not parsed.version and not parsed.entries:
        finder = _LinkFinder()
        try:
            finder.feed(body.decode("utf-8", errors="replace"))
        except Exception:
            finder.links = []
        parsed.feed_links = [urljoin(url, href) for href in finder.links]
        looks_html = b"<html" in body[:4096].lower()
        parsed.error = "an HTML page, not a feed" if looks_html else "not a feed"
        if not body.strip():
            parsed.error = "empty body"
    elif doc is not None and doc.get("bozo"):
        parsed.warning = plain_text(str(doc.get("bozo_exception", "")), 200) or "not well-formed"
    return parsed


# -- HTTP ------------------------------------------------------------------------------------


def _retry_after(value: str | None) -> str | None:
    """Retry-After (seconds or an HTTP date) as an ISO time, capped at a day."""
    if not value:
        return None
    now = datetime.now(timezone.utc)
    value = value.strip()
    try:
        when = now + timedelta(seconds=int(value))
    except ValueError:
        from email.utils import parsedate_to_datetime  # an HTTP date: rare

        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=timezone.utc)
    when = min(max(when, now), now + timedelta(days=1))
    return when.replace(microsecond=0).isoformat()


def _validator(value: str | None) -> str | None:
    """An ETag or Last-Modified worth keeping: one that can be sent back (printable ASCII).

    Anything else would make every later request of the feed fail to encode.
    """
    return value if value and value.isascii() and value.isprintable() else None


class _TooBig(Exception):
    pass


def _describe(exc: Exception) -> str:
    if isinstance(exc, (httpx.TimeoutException, asyncio.TimeoutError)):
        return "timed out"
    if isinstance(exc, httpx.TooManyRedirects):
        return "too many redirects"
    if isinstance(exc, httpx.ConnectError):
        return f"could not connect ({exc})"[:200]
    if isinstance(exc, httpx.InvalidURL | httpx.UnsupportedProtocol):
        return f"invalid address ({exc})"[:200]
    return f"{type(exc).__name__}: {exc}"[:200]


class _TLS:
    """One TLS context for every client of the process.

    Loading the CA bundle takes 15-30 ms with the GIL released, so a poll starts it in a
    thread (`warm_up`) before it reads the store, and waits for it only when it opens the
    first https host's pool.
    """

    _context: Any = None
    _loader: threading.Thread | None = None
    _unloaded: Any = None

    @classmethod
    def unloaded(cls) -> Any:
        """The context of an http:// host's pool, which makes no TLS connection of its own
        (a redirect to https goes to that host's https pool; a proxy's TLS has its own
        context). It trusts no CA at all, so if it were ever used it could only fail."""
        if cls._unloaded is None:
            import ssl

            cls._unloaded = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        return cls._unloaded

    @classmethod
    def _load(cls) -> None:
        cls._context = httpx.create_ssl_context()

    @classmethod
    def _load_in_thread(cls) -> None:
        with contextlib.suppress(Exception):  # get() loads it again and reports the error
            cls._load()

    @classmethod
    def start(cls) -> None:
        if cls._loader is None and cls._context is None:
            cls._loader = threading.Thread(target=cls._load_in_thread, name="tls-warm-up",
                                           daemon=True)
            cls._loader.start()

    @classmethod
    def get(cls) -> Any:
        if cls._loader is not None:
            cls._loader.join()
            cls._loader = None
        if cls._context is None:  # never started, or the thread failed: load it here
            cls._load()
        return cls._context


def warm_up() -> None:
    """Start the slow, GIL-free parts of fetching early (see _TLS)."""
    _TLS.start()


class Fetcher:
    """Downloads feeds, one small transport per host; see fetch_all.

    Requests go straight to httpx transports (`handle_async_request`, httpx's documented
    transport API) rather than through `AsyncClient`: a client's per-request work
    (building the request from merged defaults, cookies, auth flows, event hooks, mount
    lookup) cost about half of the CPU of a 304 answer, and a poll needs none of it; the
    one thing it needs, following redirects, is done here (`_get`), as the client does it.

    A host's feeds go through its own transport, whose pool holds at most `per_host`
    connections: they stay open between that host's feeds (a poll of 200 feeds on 20
    hosts opens about 40 connections, not 200), and httpcore, which scans every pooled
    connection each time a request starts or ends, scans only that host's few.
    Proxies come from the environment (`HTTPS_PROXY`, `NO_PROXY` ...), decided per host.
    """

    def __init__(self, settings: Settings, transport: httpx.AsyncBaseTransport | None = None):
        self.settings = settings
        self._transport = transport  # tests: one transport (e.g. httpx.MockTransport) for all
        self._hosts: dict[str, asyncio.Semaphore] = {}
        self._transports: dict[tuple[str, str], httpx.AsyncBaseTransport] = {}
        self._tls: Any = None
        self._proxies: dict[str, str] | None = None
        self.timeout = httpx.Timeout(settings.timeout, connect=settings.connect_timeout).as_dict()

    def _proxy(self, scheme: str, host: str) -> str | None:
        """The proxy the environment names for this scheme and host, if any."""
        import urllib.request

        if self._proxies is None:  # the environment (and, on macOS, the system's settings)
            self._proxies = urllib.request.getproxies()
        found = self._proxies.get(scheme) or self._proxies.get("all")
        if not found or urllib.request.proxy_bypass(host):
            return None
        return found if "://" in found else f"http://{found}"

    def transport_for(self, url: httpx.URL) -> httpx.AsyncBaseTransport:
        if self._transport is not None:
            return self._transport
        key = (url.scheme, url.host)
        found = self._transports.get(key)
        if found is None:
            if url.scheme != "https":
                tls = _TLS.unloaded()
            elif self._tls is None:
                tls = self._tls = _TLS.get()
            else:
                tls = self._tls
            connections = max(self.settings.per_host, 1)
            proxy = self._proxy(url.scheme, url.host)
            try:
                found = self._transports[key] = httpx.AsyncHTTPTransport(
                    verify=tls, proxy=proxy,
                    limits=httpx.Limits(max_connections=connections,
                                        max_keepalive_connections=connections))
            except ImportError:  # a socks5:// proxy, without the package httpx needs for it
                named = f"{url.scheme.upper()}_PROXY" if (self._proxies or {}).get(
                    url.scheme) else "ALL_PROXY"
                raise InputError(f"{named} names a SOCKS proxy, which needs the socksio package",
                                 hint="pip install 'httpx[socks]' where tracker is installed,"
                                      f" or unset {named} for tracker") from None
        return found

    async def aclose(self) -> None:
        for transport in self._transports.values():
            with contextlib.suppress(Exception):
                await transport.aclose()

    async def fetch(self, req: Request, total: asyncio.Semaphore) -> tuple[Result, bytes, str]:
        """One feed, within the total time limit. Returns (result, body, content type).

        The host's gate is taken before a slot of `total`: a feed waiting for its host
        must not hold a slot that a feed of another, idle host could use.
        """
        try:
            url = httpx.URL(req.url)
        except httpx.InvalidURL as exc:
            return Result(req.url, "error", error=_describe(exc)), b"", ""
        host = url.host
        gate = self._hosts.get(host)
        if gate is None:
            gate = self._hosts[host] = asyncio.Semaphore(max(self.settings.per_host, 1))
        async with gate, total:
            try:
                if _timeout is None:  # Python 3.10
                    return await asyncio.wait_for(self._get(req, url), self.settings.timeout)
                async with _timeout(self.settings.timeout):  # no task per request
                    return await self._get(req, url)
            except _TooBig:
                limit = self.settings.max_bytes
                return Result(req.url, "error", error=f"body larger than {limit} bytes"), b"", ""
            # InvalidURL is no HTTPError: a redirect to "javascript:..." raises it.
            except (httpx.HTTPError, httpx.InvalidURL, asyncio.TimeoutError, OSError,
                    ValueError) as exc:
                return Result(req.url, "error", error=_describe(exc)), b"", ""

    async def _send(self, req: Request, url: httpx.URL) -> tuple[httpx.Response, list[int]]:
        """The response at the end of the feed's redirects, and each hop's status.

        Redirects are followed as httpx's client follows them: at most MAX_REDIRECTS hops,
        a Location resolved against the address that sent it, the fragment kept, cookies
        set along the way sent on (some sites redirect once to set one).
        """
        headers = dict(_HEADERS)
        if req.etag:
            headers["If-None-Match"] = req.etag
        if req.last_modified:
            headers["If-Modified-Since"] = req.last_modified
        if url.userinfo:  # a private feed's https://user:password@host/...
            headers["Authorization"] = _basic_auth(url.username, url.password)
        history: list[int] = []
        cookies: httpx.Cookies | None = None
        while True:
            if url.scheme not in ("http", "https"):
                raise httpx.UnsupportedProtocol(f"unsupported protocol {url.scheme!r}")
            request = httpx.Request("GET", url, headers=headers,
                                    extensions={"timeout": self.timeout})
            if cookies:
                cookies.set_cookie_header(request)
            resp = await self.transport_for(url).handle_async_request(request)
            resp.request = request
            location = resp.headers.get("location") if resp.is_redirect else None
            if location is None:
                return resp, history
            await _finish(resp)
            if len(history) >= MAX_REDIRECTS:
                raise httpx.TooManyRedirects("Exceeded maximum allowed redirects.",
                                             request=request)
            history.append(resp.status_code)
            if "set-cookie" in resp.headers:
                cookies = cookies or httpx.Cookies()
                cookies.extract_cookies(resp)
            target = _redirect_url(url, location, request)
            if "Authorization" in headers and not _same_origin(url, target):
                del headers["Authorization"]  # the credentials stay with their own site
            url = target

    async def _get(self, req: Request, url: httpx.URL) -> tuple[Result, bytes, str]:
        resp, history = await self._send(req, url)
        try:
            return await self._read(req, resp, history)
        finally:
            await resp.aclose()

    async def _read(self, req: Request, resp: httpx.Response,
                    history: list[int]) -> tuple[Result, bytes, str]:
        result = Result(req.url, "ok", status=resp.status_code)
        if history and all(status in _PERMANENT for status in history):
            result.final_url = str(resp.request.url)
        if resp.status_code == 304:
            result.outcome = "not-modified"
            await resp.aread()  # the (empty) body: only a finished response frees its
            return result, b"", ""  # connection for the next feed on that host
        if resp.status_code == 410:
            result.outcome, result.error = "gone", "410 Gone: the feed was removed"
            return result, b"", ""
        if resp.status_code >= 400:
            result.outcome = "error"
            reason = plain_text(resp.reason_phrase, 60)  # the server's words: inert
            result.error = f"HTTP {resp.status_code} {reason}"[:100]
            if resp.status_code in (429, 503):
                result.retry_after = _retry_after(resp.headers.get("retry-after"))
            return result, b"", ""
        declared = resp.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.settings.max_bytes * 4:
            raise _TooBig
        chunks, size = [], 0
        async for chunk in resp.aiter_bytes():
            size += len(chunk)
            if size > self.settings.max_bytes:
                raise _TooBig
            chunks.append(chunk)
        body = b"".join(chunks)
        result.etag = _validator(resp.headers.get("etag"))
        result.last_modified = _validator(resp.headers.get("last-modified"))
        result.body_hash = hashlib.sha256(body).hexdigest()
        if req.body_hash and result.body_hash == req.body_hash:
            result.outcome = "unchanged"
            return result, b"", ""
        return result, body, resp.headers.get("content-type", "")


MAX_REDIRECTS = 8
_REDIRECT_BODY_MAX = 65536  # a redirect's body read to free its connection; past this, closed
_timeout = getattr(asyncio, "timeout", None)  # 3.11+: a deadline without a task of its own
_HEADERS = {
    "User-Agent": USER_AGENT,
    "Accept": "application/rss+xml, application/atom+xml, application/xml;q=0.9,"
              " text/xml;q=0.9, text/html;q=0.5, */*;q=0.1",
    "Accept-Encoding": "gzip, deflate",
}


async def _finish(resp: httpx.Response) -> None:
    """Read a redirect's short body to its end, as httpx's client does, so its connection
    serves the next hop (one closed unread is dropped); a long one is not worth the wait."""
    try:
        size = 0
        if not resp.is_stream_consumed:  # one made in memory (httpx.MockTransport) is read
            async for chunk in resp.aiter_raw():
                size += len(chunk)
                if size > _REDIRECT_BODY_MAX:
                    break
    finally:
        await resp.aclose()


def _basic_auth(username: str, password: str) -> str:
    """The Authorization header httpx's client sends for credentials in a URL."""
    import base64

    return "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode("ascii")


def _same_origin(url: httpx.URL, target: httpx.URL) -> bool:
    """Whether a redirect from `url` to `target` may keep the credentials (httpx's rule):
    the same scheme, host and port, or the same host moving from http to https."""
    if url.host != target.host:
        return False
    ports = {"http": 80, "https": 443}
    here, there = url.port or ports.get(url.scheme), target.port or ports.get(target.scheme)
    return (url.scheme, here) == (target.scheme, there) or (
        (url.scheme, here, target.scheme, there) == ("http", 80, "https", 443))


def _redirect_url(url: httpx.URL, location: str, request: httpx.Request) -> httpx.URL:
    """Where a Location header sends a request for `url` (httpx's client's rules)."""
    try:
        target = httpx.URL(location)
    except httpx.InvalidURL as exc:
        raise httpx.RemoteProtocolError(f"Invalid URL in location header: {exc}.",
                                        request=request) from None
    if target.scheme and not target.host:  # "https:///path" and the like: same host
        target = target.copy_with(host=url.host)
    if not target.is_absolute_url:
        target = url.join(target)
    if url.fragment and not target.fragment:
        target = target.copy_with(fragment=url.fragment)
    return target


Digest = Callable[[Parsed], Any]
_digest: Digest | None = None  # the poll's digest, in each worker process (see _Parsers)


def _install(digest: Digest | None, parent_pid: int | None = None) -> None:
    global _digest
    if parent_pid is not None:  # a worker ends with the poll, even one killed by SIGKILL
        from tracker.lifeline import tie_to_parent

        tie_to_parent(parent_pid)
    _digest = digest


def _digested(parsed: Parsed, digest: Digest | None) -> Any:
    """What `digest` makes of a parsed feed; None lets the caller do that work itself."""
    if digest is None or parsed.error:
        return None
    try:
        return digest(parsed)
    except Exception:  # the caller's own work again, in the main process, shows any bug
        return None


def _parse_job(body: bytes, url: str, content_type: str) -> tuple[Parsed, Any]:
    parsed = parse(body, url, content_type)
    return parsed, _digested(parsed, _digest)


@contextlib.contextmanager
def _interrupts_held() -> Iterator[None]:
    """SIGINT blocked in this thread meanwhile, so that workers forked here are born with
    it blocked: a Ctrl-C reaching one before it ignores SIGINT (tie_to_parent) waits, and is
    dropped then, instead of printing the worker's traceback. Here it is delivered at the end
    (or by another thread at once)."""
    import signal

    if not hasattr(signal, "pthread_sigmask"):  # Windows: workers are spawned, not forked
        yield
        return
    held = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)


class _Parsers:
    """Parses bodies in worker processes when there may be enough of them, else inline.

    The workers start with the first body, so a poll where every feed answers 304 starts
    none and never imports feedparser; it is imported just before they start, so forked
    workers share it instead of each importing it again. Each worker also runs the
    caller's `digest` on what it parsed (a poll matches items to disputes there), so that
    work shares the second core too; the digest reaches each worker once, at its start.
    """

    def __init__(self, settings: Settings, jobs: int, digest: Digest | None = None) -> None:
        self.workers = min(settings.workers or os.cpu_count() or 1, jobs)
        self.parallel = self.workers >= 2 and jobs >= 8  # else not worth starting processes
        self.digest = digest
        self.pool: Executor | None = None

    async def parse(self, body: bytes, url: str, content_type: str) -> tuple[Parsed, Any]:
        if not self.parallel:
            parsed = parse(body, url, content_type)
            return parsed, _digested(parsed, self.digest)
        loop = asyncio.get_running_loop()
        if self.pool is None:
            from concurrent.futures import ProcessPoolExecutor  # 3 ms: only when parsing

            import feedparser  # noqa: F401  # see the class docstring

            from tracker import feedxml  # noqa: F401

            prepare = getattr(self.digest, "prepare", None)
            if prepare is not None:  # work the digest does once for every worker, e.g.
                prepare()  # the poll's matcher: built here, inherited or pickled with it
            self.pool = ProcessPoolExecutor(max_workers=self.workers, initializer=_install,
                                            initargs=(self.digest, os.getpid()))
            with _interrupts_held():  # the first job forks the workers
                job = loop.run_in_executor(self.pool, _parse_job, body, url, content_type)
            return await job
        return await loop.run_in_executor(self.pool, _parse_job, body, url, content_type)

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)


async def _fetch_all(requests: Sequence[Request], settings: Settings,
                     transport: httpx.AsyncBaseTransport | None,
                     on_done: Callable[[Result], None] | None,
                     digest: Digest | None) -> list[Result]:
    fetcher = Fetcher(settings, transport)
    total = asyncio.Semaphore(max(settings.concurrency, 1))
    parsers = _Parsers(settings, len(requests), digest)

    async def one(req: Request) -> Result:
        result, body, ctype = await fetcher.fetch(req, total)
        if body or result.outcome == "ok":
            try:
                result.parsed, result.digest = await parsers.parse(body, req.url, ctype)
            except Exception as exc:
                result.outcome, result.error = "error", f"could not parse: {exc}"[:200]
            if result.parsed and result.parsed.error:
                result.outcome, result.error = "error", result.parsed.error
        if on_done:
            on_done(result)
        return result

    try:
        return list(await asyncio.gather(*(one(r) for r in requests)))
    finally:
        await fetcher.aclose()
        parsers.close()


def fetch_all(requests: Sequence[Request], settings: Settings, *,
              transport: httpx.AsyncBaseTransport | None = None,
              on_done: Callable[[Result], None] | None = None,
              digest: Digest | None = None) -> list[Result]:
    """Fetch and parse every feed; one bad feed never stops the others.

    `digest`, a picklable callable, runs on each parsed feed where it was parsed (in a
    worker process when there are several); its answer is the Result's `digest`.
    """
    return asyncio.run(_fetch_all(requests, settings, transport, on_done, digest))


def discover(url: str, settings: Settings,
             transport: httpx.AsyncBaseTransport | None = None) -> tuple[str, Parsed]:
    """The feed at `url`, or the first feed an HTML page at `url` announces.

    Returns (feed URL, parsed feed); raises InputError when there is none.
    """
    result = fetch_all([Request(url)], settings, transport=transport)[0]
    parsed = result.parsed
    if parsed is not None and parsed.feed_links:
        for candidate in parsed.feed_links:
            found = fetch_all([Request(candidate)], settings, transport=transport)[0]
            if found.outcome == "ok" and found.parsed and not found.parsed.error:
                return found.final_url or candidate, found.parsed
    if result.outcome == "ok" and parsed is not None and not parsed.error:
        return result.final_url or url, parsed
    reason = result.error or "no feed found"
    raise InputError(f"no feed at {url}: {reason}",
                     hint="give the feed's own address, or use --no-check to add it anyway")
