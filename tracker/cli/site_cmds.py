"""`tracker site`: the tracker as a static site with Atom feeds."""

from pathlib import Path
from typing import Annotated

import typer

from tracker import core, site
from tracker.cli import app, env, output
from tracker.models import now
from tracker.overview import DEFAULT_TITLE
from tracker.report import DEFAULT_WEEKS, MAX_WEEKS

Filter = Annotated[str | None, typer.Option(help="Only disputes with this value (as in "
                                          "`dispute list`).")]


@app.command("site")
def site_(
    out: Annotated[Path, typer.Option("--output", "-o", help="The directory to write to.")],
    base_url: Annotated[str | None, typer.Option(help="Where the site will be published, "
                        "e.g. https://example.org/tracker/ (makes the feeds' links absolute).")]
    = None,
    title: Annotated[str, typer.Option(help="The site's title.")] = DEFAULT_TITLE,
    weeks: Annotated[int, typer.Option(min=1, max=MAX_WEEKS,
                                       help="Weeks the overview's charts show.")]
    = DEFAULT_WEEKS,
    tag: Filter = None, status: Filter = None, kind: Filter = None, jurisdiction: Filter = None,
) -> None:
    """Write a static site: the overview, a page per dispute and Atom feeds, e.g.
    `tracker site -o public/ --base-url https://example.org/tracker/`."""
    base = site.check_base_url(base_url) if base_url else None
    with env().read() as store:
        flt = core.DisputeFilter(status=status, tag=tag, jurisdiction=jurisdiction, kind=kind)
        disputes, coverage = core.coverage_of(store, flt)
    files = site.build(disputes, coverage, as_of=now().date(), base_url=base, weeks=weeks,
                       title=title)
    done = site.publish(out, files)
    output.say(f"wrote {len(done.written)} file(s) to {out} ({len(done.unchanged)} unchanged"
               + (f", {len(done.removed)} stale removed" if done.removed else "") + ")")
