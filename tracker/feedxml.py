"""A fast reader for the common feed shapes, built on xml.etree (expat in C).

feedparser reads every feed ever written, but it spends ~8 ms of Python on a 50-item
feed; ElementTree reads the same document in a fraction of a millisecond. `read` takes
the shapes real publishers serve: RSS 2.0 (WordPress, Substack, Medium, Google News,
podcasts with their itunes tags), Atom 1.0 (WordPress with xml:base, Blogger, YouTube
with yt and media:group, Reddit, CourtListener dockets), RSS 1.0, in UTF-8 or any
ASCII-compatible encoding the document or the server declares. For the fields the tracker
keeps it gives exactly the values feedparser gives: the same whitespace stripping, the
same repair of doubly-encoded UTF-8 and of windows-1252 characters, the same choice
between the several elements that can carry a title or a summary (feedparser's rules of
depth, order and "has content" are copied below), the same resolution of links against
xml:base, the same dates. Anything else (another format, an element or namespace not
listed below, a namespace under an unusual prefix, a DOCTYPE, a plain `base` attribute,
an XML declaration feedparser would misread, an encoding it would not decode, markup
inside a title, an element repeated where feedparser's choice is not copied here) makes
it return None, and fetching.parse asks feedparser. tests/test_feedxml.py checks that the
two agree on generated and mutated feeds, and keeps every divergence found so far as a
case that must be declined.

It never imports feedparser; the caller passes the date parser, so dates are read by
exactly the same code on both paths.
"""

from __future__ import annotations

import codecs
import contextlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin, urlparse

if TYPE_CHECKING:
    from xml.etree.ElementTree import Element

ATOM = "http://www.w3.org/2005/Atom"
RSS1 = "http://purl.org/rss/1.0/"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_A = "{" + ATOM + "}"
_R1 = "{" + RSS1 + "}"
_RDF = "{" + RDF + "}"
_DC = "{http://purl.org/dc/elements/1.1/}"
_CONTENT = "{http://purl.org/rss/1.0/modules/content/}"
_MEDIA = "{http://search.yahoo.com/mrss/}"
_SY = "{http://purl.org/rss/1.0/modules/syndication/}"
_SLASH = "{http://purl.org/rss/1.0/modules/slash/}"
_WFW = "{http://wellformedweb.org/CommentAPI/}"
_FEEDBURNER = "{http://rssnamespace.org/feedburner/ext/1.0}"
_ITUNES = "{http://www.itunes.com/dtds/podcast-1.0.dtd}"
_YT = "{http://www.youtube.com/xml/schemas/2015}"
_CC = "{http://cyber.law.harvard.edu/rss/creativeCommonsRssModule.html}"
_THR = "{http://purl.org/syndication/thread/1.0}"
_XML = "{http://www.w3.org/XML/1998/namespace}"
_LANG = _XML + "lang"
_XBASE = _XML + "base"

# The namespaces a document may declare, each under its usual prefix only. feedparser maps
# a namespace's address to its own prefix, but then looks that prefix up again among the
# document's prefixes, so a document that binds "dc" to another known namespace sends
# dc:creator elsewhere. yt and the WordPress threading namespace are unknown to
# feedparser, which then takes their prefixes at face value: harmless under these
# prefixes, none of which it gives a meaning. Any other declaration goes to feedparser.
_PREFIXES = {"atom": _A, "dc": _DC, "content": _CONTENT, "media": _MEDIA, "sy": _SY,
             "slash": _SLASH, "wfw": _WFW, "feedburner": _FEEDBURNER, "itunes": _ITUNES,
             "yt": _YT, "cc": _CC, "thr": _THR, "rdf": _RDF}
_BINDINGS = {(prefix.encode(), uri[1:-1].encode()) for prefix, uri in _PREFIXES.items()}
_BINDINGS.add((b"", ATOM.encode()))  # the default namespace: Atom's, or RSS 1.0's
_BINDINGS.add((b"", RSS1.encode()))
_DECLARATION = re.compile(rb"""xmlns(?::([^\s=]*))?\s*=\s*(?:"([^"]*)"|'([^']*)')""")
# Only comments and CDATA may start with "<!": a DOCTYPE brings entities and DTDs.
_DECLARATION_MARKUP = re.compile(rb"<!(?!--|\[CDATA\[)")
# A base address other than xml:base: a plain (or other-prefixed) "base" attribute, which
# feedparser honours too; any case, as feedparser lower-cases attribute names. (Found by
# its letters, then the byte before is checked: one regex with a look-behind and
# IGNORECASE took a fifth of the reader's time.)
_BASE = re.compile(rb"[bB][aA][sS][eE]\s*=")
# The XML declaration as the XML spec has it, version 1.0 only...
_XML_DECL = re.compile(rb"""<\?xml\s+version\s*=\s*(["'])1\.0\1"""
                       rb"""(?:\s+encoding\s*=\s*(["'])([A-Za-z][A-Za-z0-9._-]*)\2)?"""
                       rb"""(?:\s+standalone\s*=\s*(["'])(?:yes|no)\4)?\s*\?>""")
# ... and as feedparser reads it (its encodings.RE_XML_PI_ENCODING): the two must agree.
_XML_ENCODING = re.compile(rb"""^<\?.*encoding=['"](.*?)['"].*\?>""")
_URI_FIXER = re.compile("^([A-Za-z][A-Za-z0-9+-.]*://)(/*)(.*?)")
_ENTITY_IN_LINK = re.compile("&([A-Za-z0-9_]+);")
_HTML_TYPES = {"text/html", "application/xhtml+xml"}
_SHORT_TYPES = {"text": "text/plain", "plain": "text/plain", "html": "text/html",
                "xhtml": "application/xhtml+xml"}  # feedparser's map_content_type
_TEXT_TYPES = {None, "text", "html"}  # Atom text constructs read as a string
# feedparser's list of schemes a base address may have (its urls.ACCEPTABLE_URI_SCHEMES).
_SAFE_SCHEMES = frozenset([
    "file", "ftp", "gopher", "h323", "hdl", "http", "https", "imap", "magnet", "mailto", "mms",
    "news", "nntp", "prospero", "rsync", "rtsp", "rtspu", "sftp", "shttp", "sip", "sips",
    "snews", "svn", "svn+ssh", "telnet", "wais", "aim", "callto", "cvs", "facetime", "feed",
    "git", "gtalk", "irc", "ircs", "irc6", "itms", "msnim", "skype", "ssh", "smb", "ymsg"])
# feedparser maps C1 controls to the windows-1252 characters they usually stand for.
_CP1252 = {c: bytes([c]).decode("cp1252") for c in range(128, 160)
           if c not in (129, 141, 143, 144, 157)}
_C1 = re.compile("[\x80-\x9f]")
# Encodings read here (Python's names): those that keep ASCII as ASCII, so that the
# markup found in the raw bytes is the markup feedparser finds in the decoded text.
_ENCODINGS = frozenset(
    ["utf-8", "ascii", "iso8859-1", "cp1252", "shift_jis", "cp932", "euc_jp", "gb18030",
     "gbk", "big5", "euc_kr", "cp949", "koi8-r", "koi8-u"]
    + [f"iso8859-{n}" for n in range(2, 17) if n != 12]
    + [f"cp{n}" for n in range(1250, 1259)])


class _Unsure(Exception):
    """The document uses something this reader does not copy from feedparser."""


@dataclass
class Item:
    """One entry as feedparser would report the fields the tracker keeps."""

    link: str | None = None
    title: str = ""
    summary: str = ""  # <description> / <summary>, else the first content
    date: Any = None  # published, else updated: a UTC time tuple from the date parser
    guid: str = ""
    author: str = ""
    source: str = ""
    source_url: str = ""  # <source url="...">, as written
    enclosure: str = ""  # the first enclosure's address (RSS <enclosure>, Atom rel=enclosure)


@dataclass
class Feed:
    version: str
    title: str = ""
    link: str = ""
    language: str = ""
    items: list[Item] = field(default_factory=list)


def _text(el: Element) -> str:
    """A leaf element's text, trimmed and repaired as feedparser's `pop` does."""
    if len(el):
        raise _Unsure  # markup inside: feedparser keeps it as escaped XHTML
    text = (el.text or "").strip()
    if text.isascii():
        return text
    with contextlib.suppress(UnicodeEncodeError, UnicodeDecodeError):
        text = text.encode("iso-8859-1").decode("utf-8")  # UTF-8 once read as latin-1
    return text.translate(_CP1252) if _C1.search(text) else text


def _urljoin(base: str, uri: str) -> str:
    """feedparser's join: extra slashes after "://" go, then urllib's urljoin."""
    found = _URI_FIXER.match(uri)
    if found and found.group(2):
        uri = found.group(1) + uri[found.end(2):]
    try:
        return urljoin(base, uri)
    except ValueError:
        return ""


def _safe_join(base: str, rel: str) -> str:
    """feedparser's make_safe_absolute_uri: a base address of an acceptable scheme, or ""."""
    if not base:
        return rel
    if not rel:
        try:
            scheme = urlparse(base)[0]
        except ValueError:
            return ""
        return base if not scheme or scheme in _SAFE_SCHEMES else ""
    uri = _urljoin(base, rel)
    return uri if uri.strip().split(":", 1)[0] in _SAFE_SCHEMES else ""


def _entities(link: str) -> str:
    """feedparser's repair of "?a=1&b;=2" (a query read as an entity) in a link."""
    return _ENTITY_IN_LINK.sub(r"&\g<1>", link) if "&" in link else link


def _attrs(el: Element, allowed: frozenset[str]) -> dict[str, str]:
    attrs = el.attrib
    if attrs and not allowed.issuperset(attrs):
        raise _Unsure
    return attrs


def _leaf(el: Element) -> None:
    if len(el):
        raise _Unsure


_NONE = frozenset({_LANG, _XBASE})
_GUID = _NONE | {"isPermaLink"}
_SOURCE = _NONE | {"url"}
_TYPED = _NONE | {"type"}
_LINK = _NONE | {"href", "rel", "type", "title", "hreflang", "length", _THR + "count",
                 _THR + "updated"}


class _Walk:
    """The state feedparser keeps across a whole document, as far as the fields the
    tracker keeps depend on it: the base address (with feedparser's way of restoring it,
    which lets an inner xml:base outlive its element when the outer one is empty), the
    depth, and the "has content" flag, which only the end of an item clears, so that a
    channel's summary and content decide how the first item's are read."""

    def __init__(self, parse_date: Callable[[str], Any]) -> None:
        self.parse_date = parse_date
        self.base = ""
        self.bases: list[str] = []
        self.depth = 0
        self.has_content = False
        self.title_depth = -1
        self.feed_summary = False  # the channel has a "summary" (itunes:summary, content)
        self._joins: dict[tuple[str, str], str] = {("", ""): ""}  # the same few pairs recur

    def enter(self, el: Element) -> None:
        self.depth += 1
        given = el.get(_XBASE) or self.base
        if not given.isascii() and _C1.search(given):
            # feedparser maps C1 controls to cp1252 in what it resolves against this base,
            # though not in every address it joins: too rare to mirror, so its own read
            raise _Unsure
        key = (self.base, given)
        if key not in self._joins:
            if self.base:
                self._joins[key] = _safe_join(self.base, given) or self.base
            else:
                self._joins[key] = _urljoin(self.base, given)
        self.base = self._joins[key]
        self.bases.append(self.base)

    def leave(self) -> None:
        self.depth -= 1
        self.bases.pop()
        if self.bases and self.bases[-1]:
            self.base = self.bases[-1]

    def resolve(self, uri: str) -> str:
        """An element's address against the base (an empty one stays empty, as in
        feedparser's pop; an Atom link's href is joined even when empty)."""
        return _urljoin(self.base, uri) if uri else uri

    def leaf_text(self, el: Element, allowed: frozenset[str] = _NONE) -> str:
        """The text of a leaf child, which is left entered (its base and depth apply to
        what the caller does with the text): the caller leaves it."""
        self.enter(el)
        _attrs(el, allowed)
        return _text(el)

    def feed_title(self, feed: Feed, value: str) -> None:
        """A feed's title is kept unless a title already read at its depth blocks it."""
        if not -1 < self.title_depth <= self.depth:
            feed.title = value
        if value:
            self.title_depth = self.depth

    def group(self, el: Element, children: frozenset[str]) -> None:
        """A channel's image or text input: ignored, but feedparser's title_depth, which
        decides whether a later title counts, is reset by it and set by its title."""
        self.ignored(el, children)
        self.title_depth = -1
        for child in el:
            if child.tag.endswith("title") and _text(child):
                self.title_depth = self.depth + 2

    def atom_link(self, el: Element, entry: _Entry | None = None) -> str | None:
        """The href an Atom <link> makes the page's link, or None; an enclosure's is noted
        on `entry` (the first with an address counts, as in feedparser's `enclosures`)."""
        self.enter(el)
        try:
            attrs = _attrs(el, _LINK)
            if "href" not in attrs:
                raise _Unsure  # feedparser would read the element's text as the address
            _leaf(el)
            rel = attrs.get("rel", "alternate").lower()
            kind = attrs.get("type", "application/atom+xml" if rel == "self"
                             else "text/html").lower()
            kind = _SHORT_TYPES.get(kind, kind)
            href = _urljoin(self.base, attrs["href"])
            if rel == "enclosure" and entry is not None:
                entry.enclosure(href)
            if rel == "alternate" and kind in _HTML_TYPES:
                return href
            return None
        finally:
            self.leave()

    def ignored(self, el: Element, children: frozenset[str] = frozenset()) -> None:
        """An element that carries nothing the tracker keeps; its children, if any, must
        be among `children` and leaves (nothing feedparser could read as a title or link)."""
        self.enter(el)
        for child in el:
            if child.tag not in children:
                raise _Unsure
            self.enter(child)
            _leaf(child)
            self.leave()
        self.leave()


class _Entry:
    """Collects one <item> or <entry> in document order, with feedparser's precedence."""

    def __init__(self, walk: _Walk) -> None:
        self.walk = walk
        self.item = Item()
        self.seen: set[str] = set()
        self.title: str | None = None
        self.title_at: int | None = None  # the depth the title was stored from
        self.summary: str | None = None
        self.summary_at: int | None = None  # None: unset, or set by a content's copy
        self.contents: list[str] = []
        self.published: Any = None
        self.updated: Any = None
        walk.title_depth = -1

    def once(self, key: str) -> None:
        if key in self.seen:
            raise _Unsure  # feedparser picks among copies by rules not copied here
        self.seen.add(key)

    def text(self, el: Element, allowed: frozenset[str] = _NONE, key: str = "") -> str:
        """The text of a leaf child that may appear once (as `key`, else its tag)."""
        self.once(key or el.tag)
        try:
            return self.walk.leaf_text(el, allowed)
        finally:
            self.walk.leave()

    def title_text(self, value: str, media: bool = False) -> None:
        """A title (or media:title): a later one at the same or a shallower depth wins,
        unless a title already read at this depth or above it blocks it."""
        w = self.walk
        if not -1 < w.title_depth <= w.depth and (
                self.title_at is None or w.depth <= self.title_at):
            self.title, self.title_at = value, w.depth
        if value and not media:
            w.title_depth = w.depth

    def summary_text(self, value: str) -> None:
        """<description>, <summary>, itunes:summary, media:description: the first is the
        summary; a second one, before any content, becomes a content; after a content,
        one at the same or a shallower depth replaces the summary."""
        w = self.walk
        if self.summary is not None and not w.has_content:
            w.has_content = True
            self.contents.append(value)
        elif self.summary_at is None or w.depth <= self.summary_at:
            self.summary, self.summary_at = value, w.depth

    def content_text(self, value: str) -> None:
        """content:encoded or <content>: a content, and the summary if there is none."""
        self.walk.has_content = True
        self.contents.append(value)
        if self.summary is None:
            self.summary = value

    def enclosure(self, href: str) -> None:
        if href and not self.item.enclosure:
            self.item.enclosure = href

    def guid(self, value: str, is_link: bool) -> None:
        if is_link:
            value = self.walk.resolve(value)
            if self.item.link is None:  # a permalink guid stands in for a missing link
                self.item.link = value
        self.item.guid = value

    def media_group(self, el: Element) -> None:
        """media:group (YouTube): its title and description count, at their depth."""
        w = self.walk
        w.enter(el)
        _attrs(el, _NONE)
        for child in el:
            tag = child.tag
            if tag == _MEDIA + "title":
                self.once("group " + tag)
                self.title_text(w.leaf_text(child), media=True)
                w.leave()
            elif tag == _MEDIA + "description":
                self.once("group " + tag)
                self.summary_text(w.leaf_text(child))
                w.leave()
            elif tag == _MEDIA + "community":
                w.ignored(child, _MEDIA_COMMUNITY)
            elif tag in _MEDIA_LEAVES:
                w.ignored(child)
            else:
                raise _Unsure
        w.leave()

    def finish(self) -> Item:
        item = self.item
        item.title = self.title or ""
        item.summary = self.summary or (self.contents[0] if self.contents else "")
        item.date = self.published or self.updated
        self.walk.has_content = False  # feedparser clears it at the end of an item
        return item


def _rss_item(el: Element, w: _Walk) -> Item:
    e = _Entry(w)
    for child in el:
        tag = child.tag
        if tag == "title":
            e.once(tag)
            e.title_text(w.leaf_text(child))
            w.leave()
        elif tag == _MEDIA + "title":
            e.once(tag)
            e.title_text(w.leaf_text(child), media=True)
            w.leave()
        elif tag == "link":
            e.once(tag)
            e.item.link = _entities(w.resolve(w.leaf_text(child)).replace("&amp;", "&"))
            w.leave()
        elif tag == "guid":
            e.once(tag)
            value = w.leaf_text(child, _GUID)
            e.guid(value, child.get("isPermaLink", "true") == "true")
            w.leave()
        elif tag in _RSS_SUMMARIES:
            e.once(tag)
            e.summary_text(w.leaf_text(child))
            w.leave()
        elif tag == _CONTENT + "encoded":
            e.once(tag)
            e.content_text(w.leaf_text(child))
            w.leave()
        elif tag == "pubDate":
            e.published = w.parse_date(e.text(child))
        elif tag in (_DC + "date", _A + "updated"):
            e.updated = w.parse_date(e.text(child))  # the later of the two wins
        elif tag in _RSS_AUTHORS:
            e.once(tag)
            e.item.author = w.leaf_text(child)  # the later one wins
            w.leave()
        elif tag == "source":
            e.item.source = e.text(child, _SOURCE)
            e.item.source_url = child.get("url", "")
            w.title_depth = -1
        elif tag == "enclosure":
            _attrs(child, _ENCLOSURE)  # feedparser would also take uri= or href= for url=
            w.ignored(child)
            e.enclosure(child.get("url", ""))  # as written: feedparser resolves no base here
        elif tag == _MEDIA + "group":
            e.once(tag)
            e.media_group(child)
        elif tag in _RSS_ITEM_IGNORED:
            w.ignored(child)
        else:
            raise _Unsure
    return e.finish()


def _rss1_item(el: Element, w: _Walk) -> Item:
    """An RSS 1.0 item: its rdf:about is its id (never its link)."""
    e = _Entry(w)
    e.item.guid = el.get(_RDF + "about", "")
    for child in el:
        tag = child.tag
        if tag == _R1 + "title":
            e.once(tag)
            e.title_text(w.leaf_text(child))
            w.leave()
        elif tag == _R1 + "link":
            e.once(tag)
            e.item.link = _entities(w.resolve(w.leaf_text(child)).replace("&amp;", "&"))
            w.leave()
        elif tag == _R1 + "description":
            e.once(tag)
            e.summary_text(w.leaf_text(child))
            w.leave()
        elif tag == _CONTENT + "encoded":
            e.once(tag)
            e.content_text(w.leaf_text(child))
            w.leave()
        elif tag == _DC + "date":
            e.updated = w.parse_date(e.text(child))
        elif tag == _DC + "creator":
            e.item.author = e.text(child)
        elif tag == _DC + "subject":
            w.ignored(child)
        else:
            raise _Unsure
    return e.finish()


def _atom_entry(el: Element, w: _Walk) -> Item:
    e = _Entry(w)
    for child in el:
        tag = child.tag
        if tag == _A + "title":
            e.once(tag)
            e.title_text(_typed_text(child, w))
            w.leave()
        elif tag == _A + "link":
            href = w.atom_link(child, e)
            if href is not None:
                e.item.link = href
        elif tag == _A + "id":
            e.once(tag)
            e.guid(w.leaf_text(child), True)
            w.leave()
        elif tag == _A + "summary":
            e.once(tag)
            e.summary_text(_typed_text(child, w))
            w.leave()
        elif tag == _A + "content":
            e.once(tag)
            e.content_text(_typed_text(child, w))
            w.leave()
        elif tag == _A + "published":
            e.published = w.parse_date(e.text(child))
        elif tag == _A + "updated":
            e.updated = w.parse_date(e.text(child))
        elif tag == _A + "author":
            e.once(tag)
            e.item.author = _atom_author(child, w)
        elif tag == _MEDIA + "group":
            e.once(tag)
            e.media_group(child)
        elif tag in _ATOM_ENTRY_IGNORED:
            w.ignored(child)
        else:
            raise _Unsure
    return e.finish()


def _typed_text(el: Element, w: _Walk) -> str:
    """An Atom text construct of type text or html (xhtml carries markup: feedparser's).
    The element is left entered: the caller leaves it."""
    w.enter(el)
    attrs = _attrs(el, _TYPED)
    if attrs.get("type") not in _TEXT_TYPES:
        raise _Unsure
    return _text(el)


def _atom_author(el: Element, w: _Walk) -> str:
    """"name (email)", name or email, as feedparser builds it; else the element's text."""
    w.enter(el)
    _attrs(el, _NONE)
    if not len(el):
        w.leave()
        return _text(el)
    if (el.text or "").strip() or any((c.tail or "").strip() for c in el):
        raise _Unsure  # text beside the children: feedparser's order of updates decides
    parts: dict[str, str] = {}
    for child in el:
        name = child.tag[len(_A):] if child.tag.startswith(_A) else ""
        if name not in ("name", "email", "uri") or name in parts:
            raise _Unsure
        w.enter(child)
        _attrs(child, _NONE)
        _leaf(child)
        parts[name] = (child.text or "").strip()  # feedparser keeps these unrepaired
        w.leave()
    w.leave()
    person, email = parts.get("name", ""), parts.get("email", "")
    if person and email:
        return f"{person} ({email})"
    return person or email


# Elements that carry nothing the tracker keeps; each must be a leaf (no child elements
# that feedparser could read as a title or link).
_RSS_SUMMARIES = {"description", _ITUNES + "summary", _MEDIA + "description"}
_RSS_AUTHORS = {"author", _DC + "creator", _ITUNES + "author"}
_MEDIA_LEAVES = {_MEDIA + "content", _MEDIA + "thumbnail", _MEDIA + "keywords",
                 _MEDIA + "player"}
_MEDIA_COMMUNITY = frozenset({_MEDIA + "starRating", _MEDIA + "statistics"})
_ITUNES_ITEM = {_ITUNES + name for name in (
    "duration", "explicit", "image", "episode", "season", "episodeType", "title", "subtitle",
    "keywords", "block")}
_ENCLOSURE = _NONE | {"url", "length", "type"}
_RSS_ITEM_IGNORED = {"category", "comments", _SLASH + "comments",
                     _WFW + "commentRss", _WFW + "comment", _FEEDBURNER + "origLink",
                     _MEDIA + "content", _MEDIA + "thumbnail", _DC + "subject",
                     *_ITUNES_ITEM}
_ATOM_ENTRY_IGNORED = {_A + "category", _A + "rights", _THR + "total", _YT + "videoId",
                       _YT + "channelId", _MEDIA + "thumbnail"}
_CHANNEL_IGNORED = {"lastBuildDate", "pubDate", "generator", "ttl",
                    "copyright", "managingEditor", "webMaster", "docs", "category", "cloud",
                    "rating", _SY + "updatePeriod", _SY + "updateFrequency", _SY + "updateBase",
                    *(_ITUNES + name for name in ("image", "explicit", "type", "subtitle",
                                                  "keywords", "new-feed-url", "block",
                                                  "complete", "author"))}
# Channel elements with children, and the children each may have.
_CHANNEL_GROUPS = {"image": {"url", "title", "link", "width", "height", "description"},
                   "textInput": {"title", "description", "name", "link"},
                   "skipHours": {"hour"}, "skipDays": {"day"},
                   _ITUNES + "owner": {_ITUNES + "name", _ITUNES + "email"},
                   _ITUNES + "category": {_ITUNES + "category"}}
_ATOM_FEED_IGNORED = {_A + "updated", _A + "subtitle", _A + "generator", _A + "published",
                      _A + "icon", _A + "logo", _A + "rights", _A + "category",
                      _YT + "channelId"}


def _channel_summary(w: _Walk, is_summary: bool) -> None:
    """A channel's description or itunes:summary, as it bears on the first item: after a
    summary (and before any content) it becomes a content, which sets the flag."""
    if w.feed_summary and not w.has_content:
        w.has_content = True
    elif is_summary:
        w.feed_summary = True


def _rss_channel_child(child: Element, feed: Feed, seen: set[str], w: _Walk) -> None:
    tag = child.tag
    if tag in ("title", "link", "language"):
        if tag in seen:
            raise _Unsure
        seen.add(tag)
        value = w.leaf_text(child)
        if tag == "title":
            w.feed_title(feed, value)
        elif tag == "link":
            feed.link = _entities(w.resolve(value))
        else:
            feed.language = value
        w.leave()
    elif tag == _A + "link":
        href = w.atom_link(child)
        if href is not None:
            feed.link = href
    elif tag in ("description", _ITUNES + "summary"):
        w.ignored(child)
        _channel_summary(w, tag != "description")
    elif tag in _CHANNEL_IGNORED:
        w.ignored(child)
    elif tag in ("image", "textInput"):
        w.group(child, frozenset(_CHANNEL_GROUPS[tag]))
    elif tag in _CHANNEL_GROUPS:
        w.ignored(child, frozenset(_CHANNEL_GROUPS[tag]))
    else:
        raise _Unsure


def _rss(root: Element, w: _Walk) -> Feed:
    attrs = _attrs(root, _NONE | {"version"})
    if not attrs.get("version", "").startswith("2.") or len(root) != 1:
        raise _Unsure
    w.enter(root)
    channel = root[0]
    if channel.tag != "channel":
        raise _Unsure
    w.enter(channel)
    _attrs(channel, _NONE)
    feed = Feed("rss20", language=attrs.get(_LANG, "").replace("_", "-"))
    seen: set[str] = set()
    for child in channel:
        if child.tag == "item":
            w.enter(child)
            _attrs(child, _NONE)
            feed.items.append(_rss_item(child, w))
            w.leave()
        else:
            _rss_channel_child(child, feed, seen, w)
    return feed


def _rss1(root: Element, w: _Walk) -> Feed:
    """RSS 1.0: a channel, then the items beside it; the rdf:Seq of items is ignored."""
    _attrs(root, _NONE)
    w.enter(root)
    feed = Feed("rss10")  # feedparser reads no xml:lang on rdf:RDF (it sees "rdf:rdf")
    seen: set[str] = set()
    for child in root:
        tag = child.tag
        if tag == _R1 + "item":
            w.enter(child)
            _attrs(child, _NONE | {_RDF + "about"})
            feed.items.append(_rss1_item(child, w))
            w.leave()
        elif tag == _R1 + "channel" and "channel" not in seen:
            seen.add("channel")
            w.enter(child)
            _attrs(child, _NONE | {_RDF + "about"})
            for part in child:
                _rss1_channel_child(part, feed, seen, w)
            w.leave()
        elif tag in (_R1 + "image", _R1 + "textinput"):
            _attrs(child, _NONE | {_RDF + "about"})
            w.group(child, _RSS1_GROUP)
        else:
            raise _Unsure
    return feed


_RSS1_GROUP = frozenset(_R1 + name for name in ("title", "url", "link", "name", "description"))


def _rss1_channel_child(child: Element, feed: Feed, seen: set[str], w: _Walk) -> None:
    tag = child.tag
    if tag in (_R1 + "title", _R1 + "link", _DC + "language"):
        if tag in seen:
            raise _Unsure
        seen.add(tag)
        value = w.leaf_text(child)
        if tag == _R1 + "title":
            w.feed_title(feed, value)
        elif tag == _R1 + "link":
            feed.link = _entities(w.resolve(value))
        else:
            feed.language = value
        w.leave()
    elif tag == _R1 + "description":
        w.ignored(child)
        _channel_summary(w, False)
    elif tag in (_DC + "date", _DC + "creator", _DC + "rights", _DC + "publisher"):
        w.ignored(child)
    elif tag in (_R1 + "image", _R1 + "textinput"):
        _attrs(child, _NONE | {_RDF + "resource"})
        w.ignored(child)
    elif tag == _R1 + "items":
        w.enter(child)
        for seq in child:
            if seq.tag != _RDF + "Seq":
                raise _Unsure
            w.ignored(seq, frozenset({_RDF + "li"}))
        w.leave()
    else:
        raise _Unsure


def _atom(root: Element, w: _Walk) -> Feed:
    attrs = _attrs(root, _NONE)
    w.enter(root)
    feed = Feed("atom10", language=attrs.get(_LANG, "").replace("_", "-"))
    seen_title = seen_id = False
    link: str | None = None
    for child in root:
        tag = child.tag
        if tag == _A + "entry":
            w.enter(child)
            _attrs(child, _NONE)
            feed.items.append(_atom_entry(child, w))
            w.leave()
        elif tag == _A + "title":
            if seen_title:
                raise _Unsure
            seen_title = True
            feed.title = _typed_text(child, w)
            w.leave()
        elif tag == _A + "link":
            href = w.atom_link(child)
            if href is not None:
                link = href
        elif tag == _A + "id":  # like an entry's id, it stands in for a missing link
            if seen_id:
                raise _Unsure
            seen_id = True
            value = w.resolve(w.leaf_text(child))
            w.leave()
            link = value if link is None else link
        elif tag == _A + "author":
            _atom_author(child, w)
        elif tag in _ATOM_FEED_IGNORED:
            w.ignored(child)
        else:
            raise _Unsure
    feed.link = link or ""
    return feed


def _codec(name: str) -> str:
    try:
        return codecs.lookup(name).name
    except (LookupError, ValueError):  # unknown, or not a name at all ("\x00utf-8")
        return ""


def _feedparser_encoding(body: bytes, content_type: str) -> str | None:
    """The encoding feedparser would decode these bytes with, when it is one read here and
    the document's XML declaration reads the same to feedparser's regex and to expat.

    feedparser follows RFC 3023: for application/xml and application/*+xml (or no type
    at all) the charset in the Content-Type, else the XML declaration, else UTF-8; for
    text/xml and text/*+xml the charset, else US-ASCII. Other types: None (it complains).
    """
    mime, _, params = content_type.partition(";")
    mime = mime.strip()
    charset = ""
    for param in params.split(";"):
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset":
            charset = value.strip().strip("\"'")
    declared = _XML_ENCODING.match(body)  # any leading "<?...?>", as feedparser reads it
    if body.startswith(b"<?xml"):
        strict = _XML_DECL.match(body)
        if strict is None:
            return None  # "<?xml-stylesheet ...>", a line break or spaces feedparser misreads
        if (declared.group(1) if declared else None) != strict.group(3):
            return None  # e.g. another encoding="..." later on the first line
    xml_encoding = declared.group(1).decode("latin-1").lower() if declared else ""
    if not content_type or mime in ("application/xml",) or (
            mime.startswith("application/") and mime.endswith("+xml")):
        encoding = charset or xml_encoding or "utf-8"
    elif mime == "text/xml" or (mime.startswith("text/") and mime.endswith("+xml")):
        encoding = charset or "us-ascii"
    else:
        return None  # feedparser flags a non-XML media type
    if encoding.lower() == "gb2312":
        encoding = "gb18030"  # as feedparser does
    return encoding if _codec(encoding) in _ENCODINGS else None


def _as_utf8(body: bytes, encoding: str) -> bytes | None:
    """The document as expat should read it: in UTF-8, with a declaration saying so where
    it said otherwise, as feedparser rewrites it; None when the bytes do not decode in
    `encoding` (feedparser would go on to guess another one)."""
    declared = _XML_DECL.match(body)
    said = declared.group(3).decode("ascii") if declared and declared.group(3) else "utf-8"
    if _codec(encoding) == "utf-8" and said.lower() == "utf-8":  # expat knows only this name
        return body  # the common case: expat reads it as it is (and rejects bad UTF-8)
    try:
        text = body if body.isascii() else body.decode(encoding).encode("utf-8")
    except (UnicodeDecodeError, LookupError):
        return None
    return _redeclare(text)


def _plain_base(body: bytes) -> bool:
    """Whether a "base=" other than xml:base's may be an attribute (see _BASE)."""
    for found in _BASE.finditer(body):
        before = body[max(found.start() - 4, 0):found.start()]
        if before[-1:] in b" \t\r\n'\"" or (before[-1:] == b":" and before[:3] != b"xml"):
            return True
    return False


def _redeclare(body: bytes) -> bytes:
    found = _XML_DECL.match(body)
    if found is None:
        return body
    return b"<?xml version='1.0' encoding='utf-8'?>" + body[found.end():]


def read(body: bytes, content_type: str, parse_date: Callable[[str], Any]) -> Feed | None:
    """The feed in `body` as feedparser would read it, or None when unsure (see above)."""
    if body.startswith((b"\xef\xbb\xbf", b"\xfe\xff", b"\xff\xfe")) or b"\x00" in body[:4]:
        return None  # byte-order marks and UTF-16/32: feedparser's own detection
    encoding = _feedparser_encoding(body, content_type)
    if encoding is None:
        return None
    utf8 = _as_utf8(body, encoding)
    if utf8 is None:
        return None
    if _plain_base(utf8) or _DECLARATION_MARKUP.search(utf8):
        return None
    for match in _DECLARATION.finditer(utf8):
        prefix, double, single = match.groups()
        if (prefix or b"", double if double is not None else single) not in _BINDINGS:
            return None
    from xml.etree.ElementTree import ParseError, XMLParser  # 8 ms: only when parsing

    parser = XMLParser()
    try:
        parser.feed(utf8)
        root = parser.close()
    except (ParseError, ValueError, LookupError):
        return None
    walk = _Walk(parse_date)
    try:
        if root.tag == "rss":
            feed = _rss(root, walk)
        elif root.tag == _A + "feed":
            feed = _atom(root, walk)
        elif root.tag == _RDF + "RDF" and b'xmlns="' + RSS1.encode() + b'"' in utf8:
            feed = _rss1(root, walk)
        else:
            return None
    except _Unsure:
        return None
    return feed if feed.items else None
