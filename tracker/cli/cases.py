"""The steps behind `dispute add --from`, `--from-courtlistener`, `template` and `refresh`.

Kept apart from tracker.cli.disputes so that its commands stay a few lines each; httpx is
imported only when CourtListener is asked.
"""

from __future__ import annotations

import sys

import typer

from tracker import casefile, core
from tracker.cli import env, output
from tracker.errors import InputError

PARTIES_NOTE = (
    "CourtListener's public docket endpoint does not list the parties: add them with "
    "'tracker dispute party add {slug} NAME --role claimant|respondent', or write them in a "
    "case file and run 'tracker dispute add --from FILE --update'"
)


# The options of `dispute add` that each way of adding reads (the rest are refused, never
# silently ignored).
_ADD_OPTIONS = {
    "title": {"slug", "kind", "status", "started", "summary", "tag", "claim", "work", "source",
              "json_"},
    "file": {"update", "follow", "json_"},
    "courtlistener": {"slug", "follow", "json_"},
}
_FLAG = {"from_file": "--from", "from_courtlistener": "--from-courtlistener", "json_": "--json",
         "follow": "--follow/--no-follow"}


def check_add_options(ctx: typer.Context, title: str | None, from_file: str | None,
                      from_courtlistener: str | None) -> None:
    """Exactly one way of adding, and only the options it reads."""
    if sum(x is not None for x in (title, from_file, from_courtlistener)) != 1:
        raise InputError("give one of: a TITLE, --from FILE or --from-courtlistener DOCKET",
                         hint="e.g. tracker dispute add --from case.toml")
    mode = "title" if title is not None else "file" if from_file is not None else \
        "courtlistener"
    given = [name for name in ctx.params
             if getattr(ctx.get_parameter_source(name), "name", "") == "COMMANDLINE"
             and name not in ("title", "from_file", "from_courtlistener")]
    unused = [_FLAG.get(n, "--" + n.replace("_", "-")) for n in given
              if n not in _ADD_OPTIONS[mode]]
    if unused:
        way = {"title": "a TITLE", "file": "--from", "courtlistener": "--from-courtlistener"}
        hint = "write them in the case file instead" if mode == "file" else \
            "set them afterwards with 'tracker dispute edit'"
        raise InputError(f"{', '.join(unused)} cannot be used with {way[mode]}", hint=hint)


def print_template() -> None:
    sys.stdout.write(casefile.template())
    sys.stdout.flush()


def add_from_file(path: str, *, update: bool, follow: bool, json_: bool) -> None:
    """Read the whole file first (nothing is written when it has a problem), then add."""
    from tracker import courtlistener

    parsed = casefile.read_file(path, update=update)
    with env().write() as store:
        outcome = casefile.add_cases(store, parsed, update=update)
        followed = [f for d in outcome.added + outcome.updated
                    for f in (courtlistener.follow_dockets(store, d) if follow else [])]
    if json_:
        output.write_json({"added": [d.slug for d in outcome.added],
                           "updated": [d.slug for d in outcome.updated],
                           "unchanged": [d.slug for d in outcome.unchanged],
                           "feeds": [f.url for f in followed]})
    for line in outcome.describe():
        output.say(line)
    for f in followed:
        output.say(f"following {f.url}")


def _token() -> str:
    from tracker import courtlistener

    return courtlistener.token(str(env().config.section("courtlistener").get("token", "")))


def add_from_courtlistener(ref: str, *, slug: str | None, follow: bool, json_: bool) -> None:
    """One API request, made before the store is locked; then record and follow."""
    from tracker import courtlistener

    number = courtlistener.docket_id(ref)
    with env().read() as store:  # refuse before spending a request of the allowance
        if slug:
            core.check_new_slug(store, slug)
    docket = courtlistener.fetch(number, _token())
    with env().write() as store:
        d, feeds = courtlistener.record(store, docket, slug=slug, follow=follow)
    if json_:
        output.write_json(d.to_dict())
    output.say(f"added dispute {d.slug} from CourtListener docket {docket.id}")
    for f in feeds:
        output.say(f"following {f.url}")
    if d.status == "closed":
        output.warn(f"the docket is terminated; set the precise status with "
                    f"'tracker dispute status {d.slug} settled|dismissed|...'")
    output.warn(PARTIES_NOTE.format(slug=d.slug))


def refresh(slug: str, *, json_: bool) -> None:
    """Fetch each CourtListener docket of the dispute, then apply what changed."""
    from tracker import courtlistener

    with env().read() as store:
        d = core.get_dispute(store, slug)
    ids = courtlistener.docket_forums(d)
    if not ids:
        how = f"forum edit {slug} 1" if d.forums else f"forum add {slug} 'COURT'"
        raise InputError(f"'{slug}' has no forum with a CourtListener docket id",
                         hint=f"add one with 'tracker dispute {how} --courtlistener ID'")
    if len(ids) > courtlistener.PER_RUN:
        raise InputError(f"'{slug}' has {len(ids)} CourtListener dockets; refreshing them "
                         f"would pass the {courtlistener.PER_RUN} requests a minute allowed",
                         hint="nothing was asked; " + courtlistener.LIMITS)
    api_token = _token()
    dockets = [courtlistener.fetch(number, api_token) for number in ids]
    with env().write() as store:
        _, changes = courtlistener.refresh(store, slug, dockets)
    if json_:
        output.write_json({"slug": slug, "dockets": ids, "changes": changes})
    for change in changes:
        output.say(change)
    output.say(f"{slug}: {len(changes)} change(s) from CourtListener" if changes
               else f"{slug}: up to date with CourtListener")
