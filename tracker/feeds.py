"""Managing subscriptions: add (with discovery), remove, enable, OPML in and out,
and the search and docket feeds made for a dispute."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from urllib.parse import quote_plus

from tracker import core, dates, health, models, sources
from tracker.errors import ConflictError, InputError, NotFoundError
from tracker.models import Dispute, Feed, now_iso
from tracker.storage import Store
from tracker.urls import check_url

NEWS_SEARCH = "https://news.google.com/rss/search?q={query}&hl=en-US&gl=US&ceid=US:en"
DOCKET_FEED = "https://www.courtlistener.com/docket/{docket_id}/feed/"


def get_feed(store: Store, ref: str) -> Feed:
    """A feed by URL or id (the short hash shown by `feed list`), or a unique prefix of
    the id (of 4 or more digits), as for articles."""
    ref = ref.strip()
    if "://" in ref:
        feed = store.feed(ref)
    else:
        ids = store.feed_ids(ref.lower())
        url = ids.get(ref.lower())  # an exact id wins over the longer ids it begins
        if url is None and len(ref) >= 4:
            if len(ids) > 1:
                raise InputError(f"feed id '{ref}' is ambiguous", hint="give more digits")
            url = next(iter(ids.values()), None)
        feed = store.feed(url) if url is not None else None
    if feed is None:
        raise NotFoundError(f"no feed '{ref}'", hint="see 'tracker feed list'")
    return feed


def new_feed(url: str, *, name: str = "", kind: str | None = None,
             dispute: str | None = None, title: str = "", site_url: str = "") -> Feed:
    """A subscription; without a kind, the kind that claims the address (else a plain feed)."""
    url = check_url(url, what="feed URL")
    kind = sources.guess(url) if kind is None else kind.strip().lower()
    if kind not in sources.names():
        raise InputError(f"unknown feed kind '{kind}'",
                         hint=f"one of: {', '.join(sources.names())}")
    return Feed(url=url, name=name.strip(), kind=kind,
                dispute=dispute, title=title, site_url=site_url, added=models.now_stamp())


def add_feeds(store: Store, feeds: Iterable[Feed]) -> tuple[list[Feed], list[Feed]]:
    """Subscribe to feeds not yet present. Returns (added, already there)."""
    added: list[Feed] = []
    present: list[Feed] = []
    for feed in feeds:
        if feed.dispute:
            core.get_dispute(store, feed.dispute)
        if store.feed(feed.url) is not None or any(f.url == feed.url for f in added):
            present.append(feed)
        else:
            feed.id = store.new_feed_id(feed.url)  # longer when another feed holds its digits
            added.append(feed)
    store.put_feeds(added)
    return added, present


def add_feed(store: Store, feed: Feed) -> Feed:
    if feed.kind == "docket" and not feed.dispute:
        raise InputError("a docket feed needs the dispute its entries belong to",
                         hint="add --dispute SLUG")
    added, _ = add_feeds(store, [feed])
    if not added:
        raise ConflictError(f"already subscribed to {feed.url}")
    return feed


def edit_feed(store: Store, ref: str, *, name: str | None = None,
              dispute: str | None = None, kind: str | None = None) -> tuple[Feed, list[str]]:
    """Change a feed's name, dispute ('' for none) or kind; returns it and what changed.

    Refused, with nothing changed, for an unknown dispute or kind and for a docket feed
    left without a dispute. When the dispute or kind changes the next poll reads the
    feed afresh (its validators are dropped), so entries it already sent are taken up.
    """
    if name is None and dispute is None and kind is None:
        raise InputError("nothing to change", hint="give --name, --dispute or --kind")
    feed = get_feed(store, ref)
    new_kind = sources.kind_of(feed) if kind is None else kind.strip().lower()
    if new_kind not in sources.names():
        raise InputError(f"unknown feed kind '{new_kind}'",
                         hint=f"one of: {', '.join(sources.names())}")
    new_dispute = feed.dispute
    if dispute is not None:
        new_dispute = core.get_dispute(store, dispute.strip()).slug if dispute.strip() else None
    if new_kind == "docket" and not new_dispute:
        raise InputError("a docket feed needs the dispute its entries belong to",
                         hint=f"add --dispute SLUG, e.g. 'tracker feed edit {feed.id} "
                         "--dispute SLUG'")
    changed = []
    if name is not None and name.strip() != feed.name:
        feed.name = name.strip()
        changed.append("name")
    if new_dispute != feed.dispute:
        feed.dispute = new_dispute
        changed.append("dispute")
    if new_kind != feed.kind:
        feed.kind = new_kind
        changed.append("kind")
    if "dispute" in changed or "kind" in changed:
        feed.etag = feed.last_modified = feed.body_hash = None
    if changed:
        store.put_feeds([feed])
    return feed, changed


def undisputed_dockets(feeds: Iterable[Feed]) -> list[Feed]:
    """Docket feeds for no dispute: a poll reads them but their entries go nowhere."""
    return [f for f in feeds if sources.kind_of(f) == "docket" and not f.dispute]


def remove_feed(store: Store, ref: str) -> Feed:
    feed = get_feed(store, ref)
    store.delete_feeds([feed.url])
    return feed


def set_enabled(store: Store, ref: str, enabled: bool) -> Feed:
    """Enable (which also clears its failure count and backoff) or disable a feed."""
    feed = get_feed(store, ref)
    _set_enabled(feed, enabled)
    store.put_feeds([feed])
    return feed


def enable_all(store: Store) -> list[Feed]:
    """Enable every disabled, failing or backing-off feed; returns those changed."""
    changed = [f for f in store.feeds() if not f.enabled or f.errors or f.retry_after
               or f.skipped_reason]
    for feed in changed:
        _set_enabled(feed, True)
    store.put_feeds(changed)
    return changed


def _set_enabled(feed: Feed, enabled: bool) -> None:
    feed.enabled = enabled
    if enabled:
        feed.errors, feed.skipped_reason, feed.retry_after = 0, None, None
    else:
        feed.skipped_reason = "disabled by the user"


_SUFFIX = re.compile(r"(,?\s+(inc\.?|ltd\.?|llc|lp|gp|plc|corporation|corp\.?|company|co\.))+$",
                     re.IGNORECASE)


def headline_name(name: str) -> str:
    """How headlines name a party: 'The New York Times Company' -> 'New York Times'."""
    short = _SUFFIX.sub("", re.sub(r"\s*\([^)]*\)", "", name.strip()))
    return re.sub(r"^the\s+", "", short, flags=re.IGNORECASE) or name


def _names(d: Dispute, roles: frozenset[str], limit: int) -> list[str]:
    """Up to `limit` parties' names as headlines give them, with their acronyms (CODA)."""
    names: list[str] = []
    for p in [p for p in d.parties if p.role in roles][:limit]:
        acronyms = [a for a in p.aliases if a.isupper() and a.isascii()][:1]
        for n in [headline_name(p.name), *acronyms]:
            if n not in names and n.isascii():
                names.append(n)
    return names


def _either(names: list[str]) -> str:
    quoted = [f'"{n}"' if " " in n else n for n in names]
    return quoted[0] if len(quoted) == 1 else "(" + " OR ".join(quoted) + ")"


def dispute_feeds(d: Dispute) -> list[Feed]:
    """A news search feed from the dispute's party names, and its CourtListener dockets."""
    feeds = []
    claimants = _names(d, frozenset({"claimant"}), 3)
    respondents = _names(d, models.RESPONDENT_ROLES, 2)
    if claimants and respondents:
        query = f"{_either(claimants)} {_either(respondents)}"
        feeds.append(new_feed(NEWS_SEARCH.format(query=quote_plus(query)), kind="search",
                              name=f"News search: {d.title}", dispute=d.slug))
    for forum in d.forums:
        if forum.courtlistener_id:
            feeds.append(new_feed(DOCKET_FEED.format(docket_id=forum.courtlistener_id),
                                  name=f"Docket: {forum.label()}", kind="docket",
                                  dispute=d.slug))
    return feeds


def follow(store: Store, slug: str) -> tuple[list[Feed], list[Feed]]:
    """Subscribe to the feeds made for a dispute. Returns (added, already there)."""
    d = core.get_dispute(store, slug)
    feeds = dispute_feeds(d)
    if not feeds:
        raise InputError(f"'{slug}' has no parties on both sides and no CourtListener docket",
                         hint="add parties with 'tracker dispute party add'")
    return add_feeds(store, feeds)


def config_feeds(entries: Iterable[dict[str, str]]) -> list[Feed]:
    """Feeds listed in config.toml's [[feeds]]."""
    return [new_feed(e["url"], name=e.get("name", ""), dispute=e.get("dispute"))
            for e in entries]


def feed_rows(store: Store) -> list[dict[str, Any]]:
    """Every feed with its state, the last check without change folded in."""
    checks = store.checks()
    now = models.now()
    rows = []
    for f in store.feeds():
        row = f.record()
        row["kind"] = sources.kind_of(f)
        row["next_try"], row["next_try_why"] = health.next_try(f, now)
        checked = checks.get(f.id)  # by the short id: stable, unique, and short to note
        if checked and (not f.last_polled or dates.Stamp(checked) >= f.last_polled):
            row["last_polled"], row["last_status"] = checked, "not-modified"
        rows.append(row)
    return rows


# -- OPML ------------------------------------------------------------------------------------


def read_opml(path: Path | str, text: bytes) -> list[Feed]:
    """Feeds from an OPML file (outlines with xmlUrl, at any depth)."""
    import xml.etree.ElementTree as ET  # here: a poll never reads OPML

    try:
        root = ET.fromstring(text)
    except ET.ParseError as exc:
        line, col = exc.position
        raise InputError(f"{path} is not valid OPML/XML (line {line}, column {col})") from None
    if root.tag.lower() != "opml" or root.find("body") is None:
        raise InputError(f"{path} is not an OPML file (no <opml><body>)")
    feeds, bad = [], []
    for i, outline in enumerate(root.iter("outline"), 1):
        url = outline.get("xmlUrl") or outline.get("xmlurl")
        if not url:
            continue
        try:
            feeds.append(new_feed(url, name=outline.get("title") or outline.get("text") or ""))
        except InputError as exc:
            bad.append(f"outline {i}: {exc.message}")
    if bad:
        raise InputError(f"{path}: {len(bad)} outline(s) have a bad xmlUrl",
                         hint="; ".join(bad[:5]))
    if not feeds:
        raise InputError(f"{path} lists no feeds (no outline with xmlUrl)")
    return feeds


def write_opml(feeds: Iterable[Feed]) -> bytes:
    """OPML 2.0 of the subscriptions, as every feed reader exchanges them."""
    import xml.etree.ElementTree as ET

    root = ET.Element("opml", version="2.0")
    head = ET.SubElement(root, "head")
    ET.SubElement(head, "title").text = "tracker subscriptions"
    ET.SubElement(head, "dateCreated").text = now_iso()
    body = ET.SubElement(root, "body")
    for f in sorted(feeds, key=lambda f: f.url):
        attrs: dict[str, Any] = {"type": "rss", "text": f.name or f.title or f.url,
                                 "title": f.name or f.title or f.url, "xmlUrl": f.url}
        if f.site_url:
            attrs["htmlUrl"] = f.site_url
        ET.SubElement(body, "outline", {k: str(v) for k, v in attrs.items()})
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"
