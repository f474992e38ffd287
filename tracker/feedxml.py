"""A fast reader for plain RSS 2.0 and Atom 1.0 feeds, built on xml.etree (expat in C).

feedparser reads every feed ever written, but it spends ~8 ms of Python on a 50-item
feed; ElementTree reads the same document in a fraction of a millisecond. `read` takes the
common shapes only and gives, for the fields the tracker keeps, exactly the values
feedparser gives: the same whitespace stripping, the same repair of doubly-encoded UTF-8
and of windows-1252 characters, the same choice between <description>,
<content:encoded> and <summary>, the same links and dates. Anything else (another format,
an element or namespace not listed below, a namespace under an unusual prefix, a DOCTYPE,
a base address, an XML declaration feedparser would misread, an encoding other than
UTF-8, markup inside a title, an element repeated where feedparser would pick one of the
copies by its own rules) makes it return None, and fetching.parse asks feedparser.
tests/test_feedxml.py checks that the two agree on generated and mutated feeds, and
keeps every divergence found so far as a case that must be declined.

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

if TYPE_CHECKING:
    from xml.etree.ElementTree import Element

ATOM = "http://www.w3.org/2005/Atom"
_A = "{" + ATOM + "}"
_DC = "{http://purl.org/dc/elements/1.1/}"
_CONTENT = "{http://purl.org/rss/1.0/modules/content/}"
_MEDIA = "{http://search.yahoo.com/mrss/}"
_SY = "{http://purl.org/rss/1.0/modules/syndication/}"
_SLASH = "{http://purl.org/rss/1.0/modules/slash/}"
_WFW = "{http://wellformedweb.org/CommentAPI/}"
_FEEDBURNER = "{http://rssnamespace.org/feedburner/ext/1.0}"
_XML = "{http://www.w3.org/XML/1998/namespace}"
_LANG = _XML + "lang"

# The namespaces a document may declare, each under its usual prefix only. feedparser maps
# a namespace's address to its own prefix, but then looks that prefix up again among the
# document's prefixes, so a document that binds "dc" to another known namespace sends
# dc:creator elsewhere. Any other declaration (RSS 1.0's, which changes the version, or an
# unknown namespace, whose prefix feedparser takes at face value) goes to feedparser.
_PREFIXES = {"atom": _A, "dc": _DC, "content": _CONTENT, "media": _MEDIA, "sy": _SY,
             "slash": _SLASH, "wfw": _WFW, "feedburner": _FEEDBURNER}
_BINDINGS = {(prefix.encode(), uri[1:-1].encode()) for prefix, uri in _PREFIXES.items()}
_BINDINGS.add((b"", ATOM.encode()))  # the default namespace: Atom's only
_DECLARATION = re.compile(rb"""xmlns(?::([^\s=]*))?\s*=\s*(?:"([^"]*)"|'([^']*)')""")
# Only comments and CDATA may start with "<!": a DOCTYPE brings entities and DTDs.
_DECLARATION_MARKUP = re.compile(rb"<!(?!--|\[CDATA\[)")
# A base address, as xml:base or as a plain (or other-prefixed) "base" attribute, which
# feedparser also honours; any case, as feedparser lower-cases attribute names.
_BASE = re.compile(rb"""[\s'":]base\s*=""", re.IGNORECASE)
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
# feedparser maps C1 controls to the windows-1252 characters they usually stand for.
_CP1252 = {c: bytes([c]).decode("cp1252") for c in range(128, 160)
           if c not in (129, 141, 143, 144, 157)}
_C1 = re.compile("[\x80-\x9f]")


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


def _uri(value: str) -> str:
    """feedparser's resolution against an empty base: extra slashes after "://" go."""
    found = _URI_FIXER.match(value)
    if found and found.group(2):
        return found.group(1) + value[found.end(2):]
    return value


def _entities(link: str) -> str:
    """feedparser's repair of "?a=1&b;=2" (a query read as an entity) in a link."""
    return _ENTITY_IN_LINK.sub(r"&\g<1>", link) if "&" in link else link


def _attrs(el: Element, allowed: frozenset[str]) -> dict[str, str]:
    attrs = el.attrib
    if attrs and not allowed.issuperset(attrs):
        raise _Unsure
    return attrs


_NONE = frozenset({_LANG})
_GUID = frozenset({"isPermaLink", _LANG})
_SOURCE = frozenset({"url", _LANG})
_TYPED = frozenset({"type", _LANG})
_LINK = frozenset({"href", "rel", "type", "title", "hreflang", "length", _LANG})


def _leaf(el: Element) -> None:
    if len(el):
        raise _Unsure


def _atom_link(el: Element) -> str | None:
    """The href an Atom <link> makes the page's link, or None."""
    attrs = _attrs(el, _LINK)
    if "href" not in attrs:
        raise _Unsure  # feedparser would read the element's text as the address
    _leaf(el)
    rel = attrs.get("rel", "alternate").lower()
    kind = attrs.get("type", "application/atom+xml" if rel == "self" else "text/html").lower()
    kind = _SHORT_TYPES.get(kind, kind)
    if rel == "alternate" and kind in _HTML_TYPES:
        return _uri(attrs["href"])
    return None


class _Entry:
    """Collects one <item> or <entry> in document order, with feedparser's precedence."""

    def __init__(self) -> None:
        self.item = Item()
        self.seen: set[str] = set()
        self.summary: str | None = None
        self.content: str | None = None
        self.published: Any = None
        self.updated: Any = None

    def once(self, key: str) -> None:
        if key in self.seen:
            raise _Unsure  # feedparser picks among copies by depth and order
        self.seen.add(key)

    def text(self, el: Element, allowed: frozenset[str] = _NONE, key: str = "") -> str:
        """The text of a child that may appear once (as `key`, else its tag)."""
        self.once(key or el.tag)
        _attrs(el, allowed)
        return _text(el)

    def guid(self, value: str, is_link: bool) -> None:
        if is_link:
            value = _uri(value)
            if self.item.link is None:  # a permalink guid stands in for a missing link
                self.item.link = value
        self.item.guid = value

    def finish(self) -> Item:
        item = self.item
        item.summary = self.summary or self.content or ""
        item.date = self.published or self.updated
        return item


def _rss_item(el: Element, parse_date: Callable[[str], Any]) -> Item:
    e = _Entry()
    for child in el:
        tag = child.tag
        if tag == "title":
            e.item.title = e.text(child)
        elif tag == "link":
            e.item.link = _entities(_uri(e.text(child)).replace("&amp;", "&"))
        elif tag == "guid":
            e.guid(e.text(child, _GUID), child.get("isPermaLink", "true") == "true")
        elif tag == "description":
            e.summary = e.text(child)
        elif tag == _CONTENT + "encoded":
            e.content = e.text(child)
        elif tag == "pubDate":
            e.published = parse_date(e.text(child))
        elif tag == _DC + "date":
            e.updated = parse_date(e.text(child))
        elif tag in ("author", _DC + "creator"):
            e.item.author = e.text(child, key="author")
        elif tag == "source":
            e.item.source = e.text(child, _SOURCE)
        elif tag in _RSS_ITEM_IGNORED:
            _leaf(child)
        else:
            raise _Unsure
    return e.finish()


def _atom_entry(el: Element, parse_date: Callable[[str], Any]) -> Item:
    e = _Entry()
    for child in el:
        tag = child.tag
        if tag == _A + "title":
            e.once(tag)
            e.item.title = _typed_text(child)
        elif tag == _A + "link":
            href = _atom_link(child)
            if href is not None:
                e.item.link = href
        elif tag == _A + "id":
            e.guid(e.text(child), True)
        elif tag == _A + "summary":
            e.once(tag)
            e.summary = _typed_text(child)
        elif tag == _A + "content":
            e.once(tag)
            e.content = _typed_text(child)
        elif tag == _A + "published":
            e.published = parse_date(e.text(child))
        elif tag == _A + "updated":
            e.updated = parse_date(e.text(child))
        elif tag == _A + "author":
            e.once(tag)
            e.item.author = _atom_author(child)
        elif tag in _ATOM_ENTRY_IGNORED:
            _leaf(child)
        else:
            raise _Unsure
    return e.finish()


def _typed_text(el: Element) -> str:
    """An Atom text construct of type text or html (xhtml carries markup: feedparser's)."""
    attrs = _attrs(el, _TYPED)
    if attrs.get("type") not in _TEXT_TYPES:
        raise _Unsure
    return _text(el)


def _atom_author(el: Element) -> str:
    """"name (email)", name or email, as feedparser builds it; else the element's text."""
    _attrs(el, _NONE)
    if not len(el):
        return _text(el)
    if (el.text or "").strip() or any((c.tail or "").strip() for c in el):
        raise _Unsure  # text beside the children: feedparser's order of updates decides
    parts: dict[str, str] = {}
    for child in el:
        name = child.tag[len(_A):] if child.tag.startswith(_A) else ""
        if name not in ("name", "email", "uri") or name in parts:
            raise _Unsure
        _attrs(child, _NONE)
        _leaf(child)
        parts[name] = (child.text or "").strip()  # feedparser keeps these unrepaired
    person, email = parts.get("name", ""), parts.get("email", "")
    if person and email:
        return f"{person} ({email})"
    return person or email


# Elements that carry nothing the tracker keeps; each must be a leaf (no child elements
# that feedparser could read as a title or link).
_RSS_ITEM_IGNORED = {"category", "comments", "enclosure", _SLASH + "comments",
                     _WFW + "commentRss", _WFW + "comment", _FEEDBURNER + "origLink",
                     _MEDIA + "content", _MEDIA + "thumbnail"}
_ATOM_ENTRY_IGNORED = {_A + "category", _A + "rights"}
_CHANNEL_IGNORED = {"description", "lastBuildDate", "pubDate", "generator", "ttl",
                    "copyright", "managingEditor", "webMaster", "docs", "category", "cloud",
                    "rating", _SY + "updatePeriod", _SY + "updateFrequency", _SY + "updateBase"}
# Channel elements with children, and the children each may have.
_CHANNEL_GROUPS = {"image": {"url", "title", "link", "width", "height", "description"},
                   "textInput": {"title", "description", "name", "link"},
                   "skipHours": {"hour"}, "skipDays": {"day"}}
_ATOM_FEED_IGNORED = {_A + "updated", _A + "subtitle", _A + "generator",
                      _A + "icon", _A + "logo", _A + "rights", _A + "category"}


def _rss(root: Element, parse_date: Callable[[str], Any]) -> Feed:
    attrs = _attrs(root, frozenset({"version", _LANG}))
    if not attrs.get("version", "").startswith("2.") or len(root) != 1:
        raise _Unsure
    channel = root[0]
    if channel.tag != "channel":
        raise _Unsure
    _attrs(channel, _NONE)
    feed = Feed("rss20", language=attrs.get(_LANG, "").replace("_", "-"))
    seen: set[str] = set()
    for child in channel:
        tag = child.tag
        if tag == "item":
            _attrs(child, _NONE)
            feed.items.append(_rss_item(child, parse_date))
            continue
        if tag in ("title", "link", "language"):
            if tag in seen:
                raise _Unsure
            seen.add(tag)
            _attrs(child, _NONE)
            value = _text(child)
            if tag == "title":
                feed.title = value
            elif tag == "link":
                feed.link = _entities(_uri(value))
            else:
                feed.language = value
        elif tag == _A + "link":
            href = _atom_link(child)
            if href is not None:
                feed.link = href
        elif tag in _CHANNEL_IGNORED:
            _leaf(child)
        elif tag in _CHANNEL_GROUPS:
            names = _CHANNEL_GROUPS[tag]
            for part in child:
                if part.tag not in names:
                    raise _Unsure
                _leaf(part)
        else:
            raise _Unsure
    return feed


def _atom(root: Element, parse_date: Callable[[str], Any]) -> Feed:
    attrs = _attrs(root, _NONE)
    feed = Feed("atom10", language=attrs.get(_LANG, "").replace("_", "-"))
    seen_title = seen_id = False
    link: str | None = None
    for child in root:
        tag = child.tag
        if tag == _A + "entry":
            _attrs(child, _NONE)
            feed.items.append(_atom_entry(child, parse_date))
        elif tag == _A + "title":
            if seen_title:
                raise _Unsure
            seen_title = True
            feed.title = _typed_text(child)
        elif tag == _A + "link":
            href = _atom_link(child)
            if href is not None:
                link = href
        elif tag == _A + "id":  # like an entry's id, it stands in for a missing link
            if seen_id:
                raise _Unsure
            seen_id = True
            _attrs(child, _NONE)
            value = _uri(_text(child))
            link = value if link is None else link
        elif tag == _A + "author":
            _atom_author(child)
        elif tag in _ATOM_FEED_IGNORED:
            _leaf(child)
        else:
            raise _Unsure
    feed.link = link or ""
    return feed


def _codec(name: str) -> str:
    try:
        return codecs.lookup(name).name
    except (LookupError, ValueError):  # unknown, or not a name at all ("\x00utf-8")
        return ""


_ASCII_SUPERSETS = {"utf-8", "ascii", "latin-1", "iso8859-1", "iso8859-15", "cp1252"}


def _decodes_as_feedparser(body: bytes, content_type: str) -> bool:
    """Whether feedparser would read these bytes as UTF-8 with no complaint (no bozo), and
    ElementTree, which follows the XML declaration, would read the same characters.

    feedparser follows RFC 3023: the charset in the Content-Type first, then the XML
    declaration; text/* without a charset means us-ascii. An ASCII body reads the same
    under any encoding that extends ASCII.
    """
    mime, _, params = content_type.partition(";")
    mime = mime.strip()
    charset = ""
    for param in params.split(";"):
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset":
            charset = value.strip().strip("\"'")
    if content_type and not (
        mime in ("application/xml", "text/xml")
        or (mime.startswith(("application/", "text/")) and mime.endswith("+xml"))
    ):
        return False  # feedparser flags a non-XML media type
    declared = _XML_ENCODING.match(body)  # any leading "<?...?>", as feedparser reads it
    if body.startswith(b"<?xml"):
        strict = _XML_DECL.match(body)
        if strict is None:
            return False  # "<?xml-stylesheet ...>", a line break or spaces feedparser misreads
        if (declared.group(1) if declared else None) != strict.group(3):
            return False  # e.g. another encoding="..." later on the first line
    xml_encoding = _codec(declared.group(1).decode("latin-1")) if declared else "utf-8"
    if body.isascii():
        return xml_encoding in _ASCII_SUPERSETS and (
            not charset or _codec(charset) in _ASCII_SUPERSETS)
    if xml_encoding != "utf-8":
        return False
    if mime.startswith("text/"):
        return _codec(charset) == "utf-8"
    return not charset or _codec(charset) == "utf-8"


def read(body: bytes, content_type: str, parse_date: Callable[[str], Any]) -> Feed | None:
    """The feed in `body` as feedparser would read it, or None when unsure (see above)."""
    if body.startswith((b"\xef\xbb\xbf", b"\xfe\xff", b"\xff\xfe")) or b"\x00" in body[:4]:
        return None  # byte-order marks and UTF-16/32: feedparser's own detection
    if not _decodes_as_feedparser(body, content_type):
        return None
    if _BASE.search(body) or _DECLARATION_MARKUP.search(body):
        return None
    for match in _DECLARATION.finditer(body):
        prefix, double, single = match.groups()
        if (prefix or b"", double if double is not None else single) not in _BINDINGS:
            return None
    from xml.etree.ElementTree import ParseError, XMLParser  # 8 ms: only when parsing

    parser = XMLParser()
    try:
        parser.feed(body)
        root = parser.close()
    except (ParseError, ValueError, LookupError):
        return None
    try:
        if root.tag == "rss":
            feed = _rss(root, parse_date)
        elif root.tag == _A + "feed":
            feed = _atom(root, parse_date)
        else:
            return None
    except _Unsure:
        return None
    return feed if feed.items else None
