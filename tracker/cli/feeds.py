"""`tracker feed ...`: subscriptions, discovery, OPML, and feeds made for a dispute."""

import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from tracker import feeds, sources
from tracker.cli import app, env, output
from tracker.cli.output import Column, CsvOpt, JsonOpt, NlOpt
from tracker.cli.usage import Choice
from tracker.errors import InputError, StoreError, TrackerError
from tracker.storage import atomic_write
from tracker.text import mask

feed_app = typer.Typer(help="Feeds polled for coverage (RSS/Atom), OPML in and out.",
                       no_args_is_help=True)
app.add_typer(feed_app, name="feed")

Ref = Annotated[str, typer.Argument(help="Feed URL or id (from `feed list`).")]
FEED_COLUMNS = [  # which feed, and whether it works, survive any width
    Column("ID", "id", style="dim", no_wrap=True, priority=0),
    Column("Feed", "label", max_width=34, min_width=12, priority=0,
           value=lambda r: r["name"] or r["title"] or _short(r["url"])),
    Column("Kind", "kind", no_wrap=True, priority=4),
    Column("Dispute", "dispute", no_wrap=True, priority=3),
    Column("Last poll", "polled", no_wrap=True, priority=2,
           value=lambda r: (r["last_polled"] or "never")[:16].replace("T", " ")),
    Column("Status", "state", max_width=40, min_width=16, priority=0,
           value=lambda r: _state(r)),
    Column("Errors", "errors", no_wrap=True, priority=1),
    Column("Entries", "entries", no_wrap=True, priority=3),
    Column("Dropped", "dropped", no_wrap=True, priority=4),
    Column("Next try", "next", max_width=40, priority=1, value=lambda r: _next(r)),
    # The exact address, password and all, for --csv (data, like --json); a table names
    # the feed by its label, and shows this column, masked, only when --columns asks.
    Column("URL", "url", url=True, priority=4, table=False),
]


def _state(row: dict[str, Any]) -> str:
    """'ok', 'error: could not connect (...)', 'skipped: disabled by the user'."""
    state = row["last_status"] or "-"
    if not row["enabled"] or row["skipped_reason"]:
        return f"skipped: {row['skipped_reason'] or 'disabled'}"
    if row["last_error"]:
        state = f"{state}: {row['last_error']}"
    if row["warning"]:
        state = f"{state} ({row['warning']})"
    return state


def _next(row: dict[str, Any]) -> str:
    """When the next poll will try the feed, and why then (the error is in Status)."""
    nxt = row["next_try"]
    when = nxt[:16].replace("T", " ") if nxt[:1].isdigit() else nxt
    why, error = row["next_try_why"], row["last_error"]
    if error and why.endswith(error):
        why = why[: -len(error)].rstrip(": ")
    return when if why in ("ok", "never polled") else f"{when}: {why}"


def _short(url: str) -> str:
    """A feed without a name, labelled by its address: shortened, never folded mid-URL
    (the whole address is in --json, --csv and `--columns url`), its password hidden
    before it is cut, or the cut would leave nothing to recognise it by."""
    bare = mask(url).split("://", 1)[-1]
    return bare if len(bare) <= 24 else bare[:23] + "…"


@feed_app.command("list")
@output.listing
def list_(json_: JsonOpt = False, nl: NlOpt = False, csv_: CsvOpt = False) -> None:
    """Feeds with their last poll, status, errors, entries, items dropped, next try.

    e.g. `tracker feed list`, `tracker feed list --json | jq '.[] | select(.errors > 0)'`
    """
    fmt = output.pick(json_, nl, csv_)
    with env().read() as store:
        rows = feeds.feed_rows(store)  # the feed record (as exported), plus its id
    output.emit(rows, FEED_COLUMNS, fmt, empty="no feeds: 'tracker feed add URL'")


@feed_app.command("add")
def add(
    url: Annotated[str, typer.Argument(help="A feed, or a page that links to its feed.")],
    name: Annotated[str, typer.Option(help="Your name for it.")] = "",
    dispute: Annotated[str | None, typer.Option(help="The dispute this feed is for.")] = None,
    kind: Annotated[str | None, typer.Option(help=(
        "news (plain feed), search (news search) or docket (entries become events); "
        "default: from the address."),
        click_type=Choice(sources.names(), "feed kind", "KIND"))] = None,
    check: Annotated[bool, typer.Option(help="Fetch it first (finds a page's feed).")] = True,
) -> None:
    """Subscribe to a feed, e.g. `tracker feed add https://www.theverge.com/`."""
    title = site = ""
    if check:
        from tracker.fetching import Settings, discover

        url, parsed = discover(url, Settings.from_config(env().config.section("poll")))
        title, site = parsed.title, parsed.site_url
    feed = feeds.new_feed(url, name=name, kind=kind, dispute=dispute, title=title, site_url=site)
    with env().write() as store:
        feeds.add_feed(store, feed)
    output.say(output.safe(f"subscribed to {feed.url} ({feed.name or feed.title or feed.kind})"))


@feed_app.command("edit")
def edit(
    ref: Ref,
    name: Annotated[str | None, typer.Option(help="Your name for it.")] = None,
    dispute: Annotated[str | None, typer.Option(help=(
        "The dispute it is for ('' for none; a docket feed needs one)."))] = None,
    kind: Annotated[str | None, typer.Option(help=(
        "news (plain feed), search (news search) or docket (entries become events)."),
        click_type=Choice(sources.names(), "feed kind", "KIND"))] = None,
) -> None:
    """Change a feed's name, dispute or kind.

    e.g. `tracker feed edit 24401032aa --dispute nyt-v-openai` (a docket feed imported
    from OPML), `tracker feed edit 24401032aa --name "Verge AI" --kind news`
    """
    with env().write() as store:
        feed, changed = feeds.edit_feed(store, ref, name=name, dispute=dispute, kind=kind)
    if not changed:
        output.say(output.safe(f"{feed.url}: nothing changed"))
        return
    now = {"name": feed.name or "(none)", "dispute": feed.dispute or "(none)",
           "kind": feed.kind}
    output.say(output.safe(f"edited {feed.url}: "
                           + ", ".join(f"{what} {now[what]}" for what in changed)))


@feed_app.command("remove")
def remove(ref: Ref) -> None:
    """Unsubscribe from a feed. Articles already stored are kept.

    e.g. `tracker feed remove 24401032aa` (an id from `tracker feed list`, or the URL)
    """
    with env().write() as store:
        feed = feeds.remove_feed(store, ref)
    output.say(output.safe(f"removed {feed.url}"))


@feed_app.command("enable")
def enable(
    ref: Annotated[str | None, typer.Argument(help="Feed URL or id (from `feed list`).")]
    = None,
    all_: Annotated[bool, typer.Option("--all", help="Every disabled or failing feed.")]
    = False,
) -> None:
    """Poll a feed again now (clears its failure count and backoff), or `--all` of them.

    e.g. `tracker feed enable 24401032aa`, `tracker feed enable --all`
    """
    if (ref is None) == (not all_):
        raise InputError("give a feed, or --all", hint="e.g. 'tracker feed enable --all'")
    with env().write() as store:
        changed = feeds.enable_all(store) if all_ else [feeds.set_enabled(store, ref or "", True)]
        none = all_ and not changed and not store.feeds()
    for feed in changed:
        output.say(output.safe(f"enabled {feed.url}"))
    if all_ and not changed:
        output.say("no feeds: 'tracker feed add URL'" if none
                   else "every feed was already enabled and ok")


@feed_app.command("disable")
def disable(ref: Ref) -> None:
    """Stop polling a feed, keeping it and its articles.

    e.g. `tracker feed disable 24401032aa`
    """
    with env().write() as store:
        feed = feeds.set_enabled(store, ref, False)
    output.say(output.safe(f"disabled {feed.url}"))


@feed_app.command("follow")
def follow(slug: Annotated[str, typer.Argument(help="Dispute slug.")]) -> None:
    """Add a news search feed from a dispute's parties, and its CourtListener docket feeds.

    e.g. `tracker feed follow getty-v-stability`
    """
    with env().write() as store:
        added, present = feeds.follow(store, slug)
    for f in added:
        output.say(output.safe(f"subscribed to {f.kind} feed {f.url}"))
    if present:
        output.say(f"{len(present)} feed(s) for {slug} were already there")


@feed_app.command("import")
def import_(path: Annotated[Path, typer.Argument(help="An OPML file, or - for stdin.")]) -> None:
    """Subscribe to every feed in an OPML file (as exported by any feed reader).

    e.g. `tracker feed import subscriptions.opml`
    """
    text = _read(path)
    parsed = feeds.read_opml(path, text)
    with env().write() as store:
        added, present = feeds.add_feeds(store, parsed)
    output.say(f"subscribed to {len(added)} feed(s); {len(present)} already there")
    for feed in feeds.undisputed_dockets(added):
        output.warn(f"{feed.url} is a docket feed for no dispute: its entries are ignored "
                    f"until you give it one: tracker feed edit {feed.id} --dispute SLUG")


@feed_app.command("export")
def export(
    out: Annotated[Path | None, typer.Option("-o", "--output", help="File (default: stdout).")]
    = None,
) -> None:
    """Write the subscriptions as OPML 2.0, e.g. `tracker feed export -o feeds.opml`."""
    with env().read() as store:
        blob = feeds.write_opml(store.feeds())
    if out is None:
        sys.stdout.write(blob.decode("utf-8"))
    else:
        try:
            atomic_write(out, blob, backup=False)
        except StoreError as exc:  # not the store: an output file, so no store exit code
            raise TrackerError(exc.message) from None
        output.say(f"wrote {out}")


def _read(path: Path) -> bytes:
    if str(path) == "-":
        return sys.stdin.buffer.read()
    try:
        return path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror or exc}") from None
