"""News-search feeds (Google News): "Headline - Publisher" items behind redirect links.

The title loses its " - Publisher" tail when the item names that publisher (<source>),
which also gives the outlet and the publisher's home address. A story whose publisher's
own feed is polled too is one article: at the publisher's address once that copy is seen
(see `Plain.same_story`), and listing both feeds.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tracker.models import Article
from tracker.sources.base import ArticleKind, Working, same_site
from tracker.urls import host_of

if TYPE_CHECKING:
    from tracker.fetching import Entry

SEARCH_HOSTS = ("news.google.com",)


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

    def texts(self, entry: Entry) -> dict[str, str]:
        return {"title": headline(entry), "outlet": entry.source}

    def prepare(self, article: Article, entry: Entry) -> None:
        article.publisher = entry.source_url

    def kept_extra(self, entry: Entry) -> dict[str, Any]:
        return {"title": headline(entry), "publisher": entry.source_url}

    def same_story(self, view: Working, entry: Entry, url: str) -> Article | None:
        """The publisher's own copy, when its feed brought it first."""
        host = host_of(entry.source_url)
        if not host:
            return None
        return view.story(headline(entry), entry.published,
                          lambda a: same_site(host_of(a.url), host))
