"""Plain RSS/Atom feeds: items become articles, attached to the disputes they match."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tracker.models import Article
from tracker.sources.base import ArticleKind, Working, publisher_host, same_site
from tracker.urls import host_of

if TYPE_CHECKING:
    from collections.abc import Sequence

    from tracker.fetching import Entry
    from tracker.matching import Decision


class Plain(ArticleKind):
    name = "news"
    help = "an RSS/Atom feed; items become articles"

    def same_story(self, view: Working, entry: Entry, url: str,
                   decisions: Sequence[Decision]) -> Article | None:
        """A news-search item for this very story, stored at the search's redirect address:
        it moves to the publisher's address, keeping its links, matches and feeds."""
        if not any(d.verdict == "match" for d in decisions):
            return None  # search stories are stored only when matched: nothing to join
        host = host_of(url)
        found = view.story(entry.title, entry.published, lambda a: bool(
            a.publisher and same_site(publisher_host(a), host)
            and not same_site(host_of(a.url), host)))
        if found is None:
            return None
        moved = Article.from_dict({**found.to_dict(), "url": url, "updated": view.now,
                                   "id": view.lookup.new_article_id(url)})
        view.remove_article(found)
        view.add_article(moved)
        view.plan.counts.articles_merged += 1
        return moved
