"""News-search feeds (Google News): "Headline - Publisher" items behind redirect links.

The title loses its " - Publisher" tail when the item names that publisher (<source>),
which also gives the outlet and the publisher's home address. A story whose publisher's
own feed is polled too is one article: at the publisher's address once that copy is seen
(see `Plain.same_story`), and listing both feeds.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from tracker import core
from tracker.models import Article
from tracker.sources.base import ArticleKind, Working, fill, same_site, story_key
from tracker.urls import host_of

if TYPE_CHECKING:
    from collections.abc import Sequence

    from tracker.fetching import Entry
    from tracker.matching import Decision

SEARCH_HOSTS = ("news.google.com",)


def summary(entry: Entry) -> str:
    """Google's description is the headline again and the publisher: nothing to keep."""
    text = " ".join(entry.summary.split())
    if story_key(text) in (story_key(entry.title), story_key(f"{headline(entry)} {entry.source}"),
                           story_key(headline(entry))):
        return ""
    return entry.summary


def headline(entry: Entry) -> str:
    """'Headline - Publisher' -> 'Headline' when the item names that publisher."""
    tail = f" - {entry.source}" if entry.source else ""
    if tail and entry.title.endswith(tail) and len(entry.title) > len(tail):
        return entry.title[: -len(tail)].rstrip()
    return entry.title


class Search(ArticleKind):
    name = "search"
    help = "a news-search feed (Google News); items become articles at the publisher's address"

    def claims(self, url: str) -> bool:
        return host_of(url) in SEARCH_HOSTS and "/rss/search" in url

    def update(self, article: Article, entry: Entry, language: str, now: str) -> bool:
        """The search item's text, unless the article is the publisher's own copy, whose
        text (a real summary, the publisher's headline) is better than the search's."""
        if not self.claims_story(article.url):
            if entry.source and article.outlet in ("", core.outlet_from_url(article.url)):
                article.outlet, article.updated = entry.source, now  # a name beats a host
                return True
            return False
        entry = replace(entry, title=headline(entry), summary=summary(entry))
        return fill(article, entry, language, now, outlet=entry.source)

    def claims_story(self, url: str) -> bool:
        return host_of(url) in SEARCH_HOSTS

    def prepare(self, article: Article, entry: Entry) -> None:
        article.publisher = entry.source_url

    def kept_extra(self, entry: Entry) -> dict[str, Any]:
        return {"title": headline(entry), "summary": summary(entry),
                "publisher": entry.source_url}

    def same_story(self, view: Working, entry: Entry, url: str,
                   decisions: Sequence[Decision]) -> Article | None:
        """The publisher's own copy, when its feed brought it first."""
        host = host_of(entry.source_url)
        if not host:
            return None
        return view.story(headline(entry), entry.published,
                          lambda a: same_site(host_of(a.url), host))
