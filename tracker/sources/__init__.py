"""The registry of source kinds: what a subscription's items are and how they merge.

A kind is one module here (plain.py, docket.py, search.py): a `Kind` subclass that says
which addresses it claims, how its request is made and what its items become (see
base.py for the decide/apply split). Registering it below is all the rest of the tracker
needs: `feed add --kind`, `feed list`, the poll and the docs read the kinds from here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tracker.sources.base import Kind
from tracker.sources.docket import Docket
from tracker.sources.plain import Plain
from tracker.sources.search import Search

if TYPE_CHECKING:
    from tracker.config import Config
    from tracker.models import Feed

KINDS: dict[str, type[Kind]] = {}


def register(kind: type[Kind]) -> type[Kind]:
    KINDS[kind.name] = kind
    return kind


for _kind in (Plain, Docket, Search):
    register(_kind)

DEFAULT = Plain.name


def names() -> tuple[str, ...]:
    return tuple(KINDS)


def guess(url: str) -> str:
    """The kind an address belongs to: the first kind that claims it, else a plain feed."""
    for name, kind in KINDS.items():
        if name != DEFAULT and kind().claims(url):
            return name
    return DEFAULT


def make(name: str, config: Config | None = None) -> Kind:
    return KINDS[name].from_config(config)


def kind_of(feed: Feed) -> str:
    """A feed's kind; a search feed that an older tracker stored as a plain one reads as
    a search feed, so its items get the search rules without a migration."""
    if feed.kind == DEFAULT and KINDS[Search.name]().claims(feed.url):
        return Search.name
    return feed.kind if feed.kind in KINDS else DEFAULT
