"""`tracker poll`, `tracker rematch` and `tracker news`: coverage arriving from feeds."""

import contextlib
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Annotated, Any

import typer

from tracker.cli import app, env, output
from tracker.cli.output import JsonOpt
from tracker.errors import ExitCode

if TYPE_CHECKING:
    from tracker.digest import Digest
    from tracker.polling import PollSummary
    from tracker.pollwatch import Watch


def _poll_digest(db: Any, started: str) -> "Digest":
    from tracker import digest
    from tracker.storage import open_store

    with open_store(db) as store:
        return digest.since_poll(store, started)


def _print_attached(attached: dict[str, list[dict[str, str]]]) -> None:
    """New coverage per dispute, as plain lines (what cron mails)."""
    styled: list[tuple[str, str]] = []
    for slug, items in attached.items():
        styled.append(("bold", f"{slug}: {len(items)} new"))
        for item in items:
            styled += [("", f"  {item['title'] or item['url']} ({item['outlet']})"),
                       ("dim", f"    {item['url']}")]
    output.lines(styled)


def _report(summary: "PollSummary", quiet: bool) -> None:
    """The summary on stderr (unless quiet), then on stdout what this poll brought, in the
    digest's words; nothing at all when it brought nothing (cron mails nothing)."""
    if not quiet:
        output.say(
            f"polled {summary.feeds_polled} feed(s): {summary.feeds_ok} ok, "
            f"{summary.feeds_not_modified} not modified, {summary.feeds_failed} failed, "
            f"{summary.feeds_skipped} skipped; {summary.entries_seen} entries, "
            f"{summary.articles_new} new article(s), {summary.articles_attached} attached, "
            f"{summary.events_new} docket event(s)")
    if summary.articles_attached or summary.events_new:
        found = _poll_digest(env().db, summary.started)
        if not found.empty():
            _show_digest(found)
    elif summary.suggestions_new:  # nothing attached, but something to look at (cron mails it)
        output.console().print(f"{summary.suggestions_new} new suggestion(s) await review: "
                               "tracker review")
    # One line when a feed starts failing and one when it recovers: what cron must mail.
    for f in summary.failing:
        when = str(f["next_try"])
        when = f"{when[:16].replace('T', ' ')} UTC" if when[:1].isdigit() else when
        output.say(f"feed failing: {f['url']} ({f['error']}); next try {when}")
    for f in summary.recovered:
        output.say(f"feed recovered: {f['url']}")
    if not quiet:
        said = {f["url"] for f in summary.failing}  # once per feed is enough
        for failure in summary.failures:
            if failure["url"] not in said:
                output.warn(f"{failure['url']}: {failure['error']}")
        for note in summary.warnings:
            output.warn(f"{note['url']}: {note['warning']}")


@app.command()
def poll(
    feed: Annotated[list[str] | None, typer.Option(
        help="Poll only this feed (URL or id), even if skipped after failures.")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help=(
        "For cron: print only new coverage, new docket entries, and one line when a feed "
        "starts failing or recovers."))] = False,
    json_: JsonOpt = False,
) -> None:
    """Fetch feeds and attach new coverage to disputes. Exit 3 if some feeds are failing
    or backing off, 75 if a poll is already running. Cron: `*/15 * * * * tracker poll -q`;
    `tracker -v poll` says what each feed answered and why each item matched."""
    from tracker.polling import poll as run_poll

    e = env()
    watch = _watch(feed or [], show=not (quiet or json_))
    with _progress(watch) as (start, done):
        summary = run_poll(e.db, e.config, only=feed or [], lock_timeout=e.lock_timeout,
                           on_start=start, on_done=done)
    if watch is not None:
        with e.read() as store:
            disputes = store.disputes()
        watch.finish(summary, disputes, e.config.section("match").get("subject_terms", []))
    if json_:
        output.write_json(summary.to_dict())
    else:
        _report(summary, quiet)
    if summary.feeds_failed or summary.feeds_backing_off:
        raise typer.Exit(int(ExitCode.PARTIAL))


def _watch(only: list[str], show: bool) -> "Watch | None":
    """Someone to tell how the poll goes: a terminal (the progress line) or -v (the log).
    None under cron and in pipes, where a poll costs nothing extra."""
    import logging

    verbose = logging.getLogger("tracker").isEnabledFor(logging.INFO)
    if not verbose and not (show and output.console(stderr=True).is_terminal):
        return None
    from tracker import feeds, health, models, pollwatch

    now = models.now()
    with env().read() as store:
        if only:
            chosen = [feeds.get_feed(store, ref) for ref in only]
        else:
            every = store.feeds()
            chosen = [f for f in every if health.due(f, now) is None]
            pollwatch.skipped(every, lambda f: health.due(f, now))
    watch = pollwatch.Watch(chosen)
    watch.show = show and not verbose  # log lines and a live line would fight for stderr
    return watch


@contextmanager
def _progress(watch: "Watch | None") -> Iterator[tuple[Any, Any]]:
    """'14/30 feeds · 2 failing · slowest: <name>' on stderr while a terminal watches;
    nothing under cron, in pipes or with --json. Yields the poll's (start, done) callbacks."""
    if watch is None:
        yield (None, None)
        return
    if not watch.show:
        yield (watch.start, watch.answered)
        return
    from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn

    columns = (SpinnerColumn(), BarColumn(bar_width=20), TextColumn("{task.description}"))
    with Progress(*columns, console=output.console(stderr=True), transient=True) as progress:
        task = progress.add_task(watch.line(), total=None)

        def start(n: int) -> None:
            watch.start(n)
            progress.update(task, total=n, description=output.clean(watch.line()))

        def done(result: Any) -> None:
            watch.answered(result)
            progress.update(task, completed=watch.done, description=output.clean(watch.line()))

        yield (start, done)


@app.command()
def rematch(
    days: Annotated[int | None, typer.Option(min=0, max=36500,
                                             help="How far back (default: keep window).")]
    = None,
    json_: JsonOpt = False,
) -> None:
    """Run the match rules again over recent items, after adding a dispute or an alias.

    e.g. `tracker rematch --days 90`
    """
    from tracker.polling import rematch as run_rematch

    with env().write() as store:
        summary = run_rematch(store, env().config, days=days)
    if json_:
        output.write_json(vars(summary))
        return
    output.say(f"checked {summary.entries_checked} kept item(s) and {summary.articles_checked} "
               f"article(s): {summary.articles_attached} new link(s), "
               f"{summary.suggestions_new} new suggestion(s) to review")
    _print_attached(summary.attached)


@app.command()
def news(
    since: Annotated[str | None, typer.Option(help="From: yesterday, today, a date, 7d / 12h, "
                                              "or a time (default: when you last looked).")]
    = None,
    until: Annotated[str | None, typer.Option(help="Up to (a day counts whole; default: "
                                              "now).")] = None,
    on: Annotated[str | None, typer.Option(help="One calendar day, local time: yesterday, "
                                           "today or a date.")] = None,
    peek: Annotated[bool, typer.Option("--peek", help="Do not move the read marker.")] = False,
    md: Annotated[bool, typer.Option("--md", help="Print Markdown (to mail or paste).")]
    = False,
    json_: JsonOpt = False,
) -> None:
    """What is new since you last looked: coverage and docket entries, by dispute, with
    links. Moves the read marker unless a window is given, e.g. `tracker news --on yesterday`."""
    from tracker import digest

    days = int(env().config.section("news").get("days", 7))
    mark = not peek and since is None and until is None and on is None
    with _no_poll_running(mark) as free:
        if mark and not free:
            output.warn("a poll is running: the read marker stays where it was, so what it "
                        "brings shows next time")
        with env().write() if mark and free else env().read() as store:
            found = digest.news(store, since=since, until=until, on=on, mark=mark and free,
                                default_days=days)
            # Shown before the marker is written: a digest that cannot be printed (a full
            # disk, a failing mail pipe) leaves the marker, so it shows again next time.
            _show_digest(found, md=md, json_=json_)


@contextmanager
def _no_poll_running(wanted: bool) -> Iterator[bool]:
    """Hold the poll lock while the read marker moves, so that no poll is between
    stamping what it found and writing it (a database store's transactions do not wait
    for each other); yields False when a poll holds it, or when no lock is wanted."""
    from tracker.errors import LockedError
    from tracker.storage import poll_lock

    with contextlib.ExitStack() as stack:
        try:
            free = wanted and stack.enter_context(poll_lock(env().db)) is None
        except LockedError:
            free = False
        yield free


def _show_digest(found: "Digest", *, md: bool = False, json_: bool = False) -> None:
    """The digest on stdout: JSON, Markdown, or plain lines (the terminal, cron's mail)."""
    from tracker import digest

    if json_:
        from tracker.cli import render  # rich: only where records are shown

        output.write_json(digest.to_dict(found, render.article_row))
    elif md:
        sys.stdout.write(digest.markdown(found))
    else:
        output.lines(digest.text_lines(found))
    sys.stdout.flush()  # a full disk or a closed pipe fails here, not after the store write
