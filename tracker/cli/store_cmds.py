"""`tracker init`, `tracker paths` and `tracker store copy`: creating, finding and moving
the store."""

from typing import Annotated

import typer

from tracker import core, feeds
from tracker.cli import app, env, output


@app.command()
def init(
    empty: Annotated[bool, typer.Option("--empty", help="Create the store without seed data.")]
    = False,
) -> None:
    """Create the store, seeded with three disputes (unless --empty). Never overwrites.

    e.g. `tracker init`, or `tracker init --empty && tracker import backup.json`
    """
    e = env()
    defaults = [] if empty else feeds.config_feeds(e.config.feeds)
    created = core.init_store(e.db, seed=not empty, feeds=defaults, lock_timeout=e.lock_timeout)
    if created:
        what = "empty" if empty else f"with the seeded disputes and {len(defaults)} feeds"
        output.say(f"created the store at {e.db} ({what})")
    else:
        output.say(f"the store at {e.db} already exists; nothing changed")


@app.command()
def paths(json_: output.JsonOpt = False) -> None:
    """Where the store, its backup and the config file are, and why.

    e.g. `tracker paths --json`
    """
    e = env()
    info = core.describe_paths(e.db, e.config.source)
    if json_:
        output.write_json(info)
        return
    output.emit([{"what": k, "path": v} for k, v in info.items()],
                [output.Column("What", "what", style="bold"), output.Column("Path", "path")],
                output.Format.table)


store_app = typer.Typer(help="Move the store between backends (file, SQLite, PostgreSQL).",
                        no_args_is_help=True)
app.add_typer(store_app, name="store")


@store_app.command("copy")
def copy(
    source: Annotated[str, typer.Argument(help="The store to copy: a file or a URL.")],
    target: Annotated[str, typer.Argument(help="A new or empty store: a file or a URL.")],
) -> None:
    """Copy every record into a new or empty store, e.g. `tracker store copy
    ~/.local/share/tracker/tracker.json postgresql://me@db.example/tracker`."""
    from tracker import paths as where
    from tracker.storage import copy_store

    dst = where.location(target)
    counts = copy_store(where.location(source), dst, lock_timeout=env().lock_timeout)
    output.say(f"copied {', '.join(f'{n} {t}' for t, n in counts.items())} to {dst}")
