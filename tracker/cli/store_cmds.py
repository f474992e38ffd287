"""`tracker init` and `tracker paths`: creating the store and finding its files."""

from typing import Annotated

import typer

from tracker import core, feeds
from tracker.cli import app, env, output


@app.command()
def init(
    empty: Annotated[bool, typer.Option("--empty", help="Create the store without seed data.")]
    = False,
) -> None:
    """Create the store, seeded with three disputes (unless --empty). Never overwrites."""
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
    """Where the store, its backup and the config file are, and why."""
    e = env()
    info = core.describe_paths(e.db, e.config.source)
    if json_:
        output.write_json(info)
        return
    output.emit([{"what": k, "path": v} for k, v in info.items()],
                [output.Column("What", "what", style="bold"), output.Column("Path", "path")],
                output.Format.table)
