"""`tracker dispute ...`: record and read disputes, their parties, forums and timeline."""

from typing import Annotated

import typer

from tracker import core
from tracker.cli import app, cases, env, output, render
from tracker.cli.output import CsvOpt, JsonOpt, NlOpt
from tracker.cli.usage import Choice
from tracker.errors import InputError
from tracker.models import KINDS, PARTY_KINDS, RELATIONS, ROLES, STATUSES

dispute_app = typer.Typer(help="Record and read disputes.", no_args_is_help=True)
party_app = typer.Typer(help="Parties to a dispute, their roles and aliases.", no_args_is_help=True)
event_app = typer.Typer(help="A dispute's dated timeline.", no_args_is_help=True)
forum_app = typer.Typer(help="Courts or bodies where a dispute is heard.", no_args_is_help=True)
app.add_typer(dispute_app, name="dispute")
dispute_app.add_typer(party_app, name="party")
dispute_app.add_typer(event_app, name="event")
dispute_app.add_typer(forum_app, name="forum")

Slug = Annotated[str, typer.Argument(help="The dispute's slug, e.g. nyt-v-openai.")]
When = Annotated[str | None, typer.Option("--date", help="YYYY-MM-DD (default: today).")]
Source = Annotated[str | None, typer.Option("--source", help="URL that backs this up.")]
Note = Annotated[str, typer.Option("--note", help="A note kept with the record.")]
Yes = Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")]
Multi = Annotated[list[str] | None, typer.Option(help="Repeat, or separate with commas.")]

STATUS_HELP = "One of: " + ", ".join(STATUSES)
KIND_HELP = "One of: " + ", ".join(KINDS)
# The vocabularies as choices: checked (any case, with a did-you-mean) before the store opens.
STATUS = Choice(STATUSES, "status", "STATUS")
KIND = Choice(KINDS, "kind", "KIND")


@dispute_app.command("list")
@output.listing
def list_(
    status: Annotated[str | None, typer.Option(help=STATUS_HELP, click_type=STATUS)] = None,
    party: Annotated[str | None, typer.Option(help="A party's name or alias (part of).")] = None,
    tag: Annotated[str | None, typer.Option(help="A tag.")] = None,
    jurisdiction: Annotated[str | None, typer.Option(help="e.g. US, UK, JP.")] = None,
    kind: Annotated[str | None, typer.Option(help=KIND_HELP, click_type=KIND)] = None,
    json_: JsonOpt = False, nl: NlOpt = False, csv_: CsvOpt = False,
) -> None:
    """List disputes, e.g. `tracker dispute list --status discovery --csv > cases.csv`.

    --csv has one column each for slug, title, kind, status, since, last event, jurisdictions,
    courts, dockets, claimants, respondents and articles; --json the full records plus those.
    """
    fmt = output.pick(json_, nl, csv_)
    with env().read() as store:
        flt = core.DisputeFilter(status, party, tag, jurisdiction, kind)
        found = core.list_disputes(store, flt)
        counts = core.article_counts(store)
    rows = [render.dispute_row(d, counts.get(d.slug, 0)) for d in found]
    columns = render.RESEARCH_COLUMNS if fmt is output.Format.csv else render.DISPUTE_COLUMNS
    output.emit(rows, columns, fmt, empty="no disputes match")


@dispute_app.command("show")
def show(
    slug: Slug,
    articles: Annotated[int, typer.Option(min=0, help="How many recent articles to show.")] = 10,
    json_: JsonOpt = False,
) -> None:
    """A dispute's case page: parties, forums, status timeline, latest coverage.

    e.g. `tracker dispute show coda-v-openai`, `tracker dispute show nyt-v-openai --json`
    """
    with env().read() as store:
        d = core.get_dispute(store, slug)
        coverage = core.coverage(store, slug, limit=max(articles, 1))[:articles]
        total = core.article_counts(store, slug).get(slug, 0)
    if json_:
        output.write_json({**d.to_dict(), "articles": [render.article_row(a)
                                                       for a in coverage]})
        return
    output.console().print(render.case_page(d, coverage, total))


@dispute_app.command("add")
def add(
    ctx: typer.Context,
    title: Annotated[str | None, typer.Argument(help="e.g. 'Getty Images v. Stability AI' "
                                                "(or use --from / --from-courtlistener).")]
    = None,
    from_file: Annotated[str | None, typer.Option("--from", metavar="FILE", help="A case file "
                         "(TOML; - for stdin): see `tracker dispute template`.")] = None,
    update: Annotated[bool, typer.Option("--update", help="With --from: merge into disputes "
                      "that exist instead of refusing.")] = False,
    from_courtlistener: Annotated[str | None, typer.Option(
        "--from-courtlistener", metavar="URL|ID", help="A CourtListener docket id or URL: "
        "reads title, court, docket number, dates and judge.")] = None,
    follow: Annotated[bool, typer.Option(help="Follow the CourtListener docket feeds of its "
                      "forums.")] = True,
    slug: Annotated[str | None, typer.Option(help="Stable id (default: from the title).")] = None,
    kind: Annotated[str, typer.Option(help=KIND_HELP, click_type=KIND)] = "lawsuit",
    status: Annotated[str, typer.Option(help=STATUS_HELP, click_type=STATUS)] = "filed",
    started: Annotated[str | None, typer.Option(help="Date filed or started.")] = None,
    summary: Annotated[str, typer.Option(help="What the dispute is about.")] = "",
    tag: Multi = None, claim: Multi = None, work: Multi = None,
    source: Source = None,
    json_: JsonOpt = False,
) -> None:
    """Record a new dispute: by title, from a case file or from a CourtListener docket.

    e.g. `tracker dispute add --from case.toml` (start from `tracker dispute template`),
    `tracker dispute add --from-courtlistener 68117049`,
    `tracker dispute add 'Disney v. Midjourney' --started 2025-06-11`
    """
    cases.check_add_options(ctx, title, from_file, from_courtlistener)
    if from_file is not None:
        return cases.add_from_file(from_file, update=update, follow=follow, json_=json_)
    if from_courtlistener is not None:
        return cases.add_from_courtlistener(from_courtlistener, slug=slug, follow=follow,
                                            json_=json_)
    with env().write() as store:
        d = core.add_dispute(store, title or "", slug=slug, kind=kind, status=status,
                             started=started, summary=summary, tags=tag or [],
                             claims=claim or [], works=work or [], source=source)
    if json_:
        output.write_json(d.to_dict())
    output.say(f"added dispute {d.slug}")


@dispute_app.command("template")
def template() -> None:
    """Print a commented example case file to fill in.

    e.g. `tracker dispute template > case.toml && tracker dispute add --from case.toml`
    """
    cases.print_template()


@dispute_app.command("refresh")
def refresh(slug: Slug, json_: JsonOpt = False) -> None:
    """Update a dispute from its CourtListener dockets; each change becomes an event.

    e.g. `tracker dispute refresh nyt-v-openai` (one API request per docket, no retries)
    """
    cases.refresh(slug, json_=json_)


@dispute_app.command("edit")
def edit(
    slug: Slug,
    title: Annotated[str | None, typer.Option(help="A new title.")] = None,
    kind: Annotated[str | None, typer.Option(help=KIND_HELP, click_type=KIND)] = None,
    started: Annotated[str | None, typer.Option(help="Date filed or started.")] = None,
    summary: Annotated[str | None, typer.Option(help="What the dispute is about.")] = None,
    notes: Annotated[str | None, typer.Option(help="Your own notes (replaces them).")] = None,
    new_slug: Annotated[str | None, typer.Option("--rename", help="A new slug.")] = None,
    tag: Multi = None, untag: Multi = None, claim: Multi = None, work: Multi = None,
    include: Annotated[list[str] | None, typer.Option(help="Extra match term.")] = None,
    exclude: Annotated[list[str] | None, typer.Option(help="Term that vetoes a match.")] = None,
) -> None:
    """Change a dispute's fields (status changes: `tracker dispute status`).

    e.g. `tracker dispute edit nyt-v-openai --include "Gray Lady" --tag news-publishers`
    """
    changes = {"title": title, "kind": kind, "started": started, "summary": summary,
               "notes": notes}
    with env().write() as store:
        d = core.edit_dispute(store, slug, changes=changes, add_tags=tag or [],
                              remove_tags=untag or [], add_claims=claim or [],
                              add_works=work or [], include=include or [],
                              exclude=exclude or [], new_slug=new_slug)
    output.say(f"updated dispute {d.slug}")


@dispute_app.command("remove")
def remove(slug: Slug, yes: Yes = False) -> None:
    """Delete a dispute. Its articles are kept, unlinked from it.

    e.g. `tracker dispute remove disney-v-midjourney --yes`
    """
    if not yes:
        if not output.interactive():  # no one to ask: refuse rather than guess
            raise InputError(f"not removing '{slug}' without confirmation",
                             hint="add --yes to remove it without asking")
        typer.confirm(f"Delete dispute '{slug}' and its timeline?", abort=True, err=True)
    with env().write() as store:
        d, unlinked = core.remove_dispute(store, slug)
    output.say(f"removed dispute {d.slug}; {unlinked} article(s) unlinked and kept")


@dispute_app.command("status")
def status(
    slug: Slug,
    new_status: Annotated[str, typer.Argument(metavar="STATUS", help=STATUS_HELP,
                                              click_type=STATUS)],
    date: When = None, note: Note = "", source: Source = None,
    correct: Annotated[bool, typer.Option(
        "--correct", help="Correct the latest status change (its status, or --date) "
        "instead of adding one.")] = False,
) -> None:
    """Change the status; the change goes on the timeline (earlier steps too, in any order).

    e.g. `tracker dispute status nyt-v-openai discovery --date 2025-01-10`, or fix a typo:
    `tracker dispute status nyt-v-openai motion-to-dismiss --correct --date 2026-08-15`
    """
    with env().write() as store:
        if correct:
            event = core.correct_status(store, slug, new_status, date=date)
        else:
            event = core.set_status(store, slug, new_status, date=date, note=note,
                                    source=source)
        current = core.get_dispute(store, slug).status
    step = f"{event.previous_status or '-'} -> {event.status} on {event.date}"
    output.say(f"{slug}: {step}" + ("" if current == event.status and not correct else
                                    f"; the status is now '{current}'"))


@dispute_app.command("statuses")
def statuses(json_: JsonOpt = False) -> None:
    """The controlled vocabulary of statuses, kinds, roles and relations.

    e.g. `tracker dispute statuses --json`
    """
    vocab = {"statuses": STATUSES, "kinds": KINDS, "roles": ROLES, "relations": RELATIONS}
    if json_:
        output.write_json(vocab)
        return
    for name, words in vocab.items():
        rows = [{"word": k, "meaning": v} for k, v in words.items()]
        output.emit(rows, [output.Column(name.title(), "word", style="bold"),
                           output.Column("Meaning", "meaning")], output.Format.table)


@dispute_app.command("relate")
def relate(
    slug: Slug,
    relation: Annotated[str, typer.Argument(help="One of: " + ", ".join(RELATIONS),
                                            click_type=Choice(RELATIONS, "relation"))],
    other: Annotated[str, typer.Argument(help="The other dispute's slug.")],
) -> None:
    """Link two disputes.

    e.g. `tracker dispute relate authors-v-openai consolidated-into mdl-3143`
    """
    with env().write() as store:
        link = core.relate(store, slug, relation, other)
    output.say(f"{slug} {link.relation} {other}")


@dispute_app.command("unrelate")
def unrelate(
    slug: Slug, other: Annotated[str, typer.Argument(help="The other dispute's slug.")]
) -> None:
    """Remove the link between two disputes.

    e.g. `tracker dispute unrelate authors-v-openai mdl-3143`
    """
    with env().write() as store:
        core.unrelate(store, slug, other)
    output.say(f"{slug} and {other} are no longer linked")


@party_app.command("add")
def party_add(
    slug: Slug,
    name: Annotated[str, typer.Argument(help="The party's name.")],
    role: Annotated[str, typer.Option(help="One of: " + ", ".join(ROLES),
                                      click_type=Choice(ROLES, "role", "ROLE"))],
    kind: Annotated[str, typer.Option(help="One of: " + ", ".join(PARTY_KINDS),
                                      click_type=Choice(PARTY_KINDS, "party kind", "KIND"))]
    = "company",
    alias: Annotated[list[str] | None, typer.Option(help="Another name used in coverage.")]
    = None,
    note: Note = "",
) -> None:
    """Add a party, or more aliases to one.

    e.g. `tracker dispute party add nyt-v-openai 'Microsoft' --role respondent --alias Copilot`
    """
    with env().write() as store:
        party = core.add_party(store, slug, name, role=role, kind=kind, aliases=alias or [],
                               note=note)
    output.say(f"{slug}: {party.name} ({party.role}), aliases: {', '.join(party.aliases) or '-'}")


@party_app.command("remove")
def party_remove(
    slug: Slug, name: Annotated[str, typer.Argument(help="The party's name, or an alias only "
                                                 "it has.")]
) -> None:
    """Remove a party: by its exact name, or an alias no other party has.

    e.g. `tracker dispute party remove coda-v-openai Toho`
    """
    with env().write() as store:
        party = core.remove_party(store, slug, name)
    output.say(f"{slug}: removed {party.name}")


PartyName = Annotated[str, typer.Argument(help="The party's name, or an alias only it has.")]


@party_app.command("edit")
def party_edit(
    slug: Slug, name: PartyName,
    role: Annotated[str | None, typer.Option(help="One of: " + ", ".join(ROLES),
                                             click_type=Choice(ROLES, "role", "ROLE"))] = None,
    kind: Annotated[str | None, typer.Option(help="One of: " + ", ".join(PARTY_KINDS),
                                             click_type=Choice(PARTY_KINDS, "party kind",
                                                               "KIND"))] = None,
    alias: Annotated[list[str] | None, typer.Option(help="Add another name (repeatable).")]
    = None,
    unalias: Annotated[list[str] | None, typer.Option(help="Drop an alias (repeatable).")]
    = None,
    note: Annotated[str | None, typer.Option(help="A new note (replaces it).")] = None,
) -> None:
    """Change a party's role, kind, aliases or note.

    e.g. `tracker dispute party edit nyt-v-openai Microsoft --alias 'Bing Chat' --kind company`
    """
    with env().write() as store:
        party = core.edit_party(store, slug, name, role=role, kind=kind,
                                add_aliases=alias or [], remove_aliases=unalias or [], note=note)
    output.say(f"{slug}: {party.name} ({party.role}, {party.kind}), "
               f"aliases: {', '.join(party.aliases) or '-'}")


@party_app.command("rename")
def party_rename(
    slug: Slug, name: PartyName,
    new_name: Annotated[str, typer.Argument(metavar="NEW_NAME", help="The party's new name.")],
    keep_alias: Annotated[bool, typer.Option(help="Keep the old name as an alias.")] = True,
) -> None:
    """Give a party a new name; the old one stays as an alias.

    e.g. `tracker dispute party rename nyt-v-openai 'OpenAI, Inc.' 'OpenAI Inc.'`
    """
    with env().write() as store:
        party, old = core.rename_party(store, slug, name, new_name, keep_alias=keep_alias)
    output.say(f"{slug}: renamed {old} to {party.name}")


@party_app.command("list")
@output.listing
def party_list(slug: Slug, json_: JsonOpt = False, nl: NlOpt = False, csv_: CsvOpt = False) -> None:
    """A dispute's parties with roles and aliases.

    e.g. `tracker dispute party list coda-v-openai`
    """
    with env().read() as store:
        d = core.get_dispute(store, slug)
    rows = [vars(p) for p in d.parties]
    cols = [output.Column("Name", "name", style="bold"), output.Column("Role", "role"),
            output.Column("Kind", "kind"), output.Column("Aliases", "aliases", max_width=50)]
    output.emit(rows, cols, output.pick(json_, nl, csv_), empty="no parties")


@event_app.command("add")
def event_add(
    slug: Slug,
    text: Annotated[str, typer.Argument(help="What happened.")],
    date: Annotated[str, typer.Option("--date", help="YYYY-MM-DD (or YYYY-MM).")],
    source: Source = None, note: Note = "",
    unconfirmed: Annotated[bool, typer.Option(help="Not yet confirmed by a source.")] = False,
    status: Annotated[str | None, typer.Option(help="The status this event moved to.",
                                               click_type=STATUS)] = None,
) -> None:
    """Add a dated event, e.g. `... event add nyt-v-openai 'Hearing on logs' --date 2026-02-03`."""
    with env().write() as store:
        event = core.add_event(store, slug, text, date=date, source=source, note=note,
                               unconfirmed=unconfirmed, status=status)
    output.say(f"{slug}: recorded event on {event.date}")


@event_app.command("list")
@output.listing
def event_list(slug: Slug, json_: JsonOpt = False, nl: NlOpt = False, csv_: CsvOpt = False,
               all_: Annotated[bool, typer.Option(
                   "--all", help="Also muted docket entries ([docket] mute).")] = False,
               ) -> None:
    """A dispute's timeline in date order.

    e.g. `tracker dispute event list nyt-v-openai --columns n,date,source`
    """
    with env().read() as store:
        d = core.get_dispute(store, slug)
    output.emit(render.event_rows(d, muted=all_), render.EVENT_COLUMNS,
                output.pick(json_, nl, csv_), empty="no events")


@event_app.command("remove")
def event_remove(
    slug: Slug, number: Annotated[int, typer.Argument(help="The # from `event list`.")]
) -> None:
    """Remove an event that is not a status change, by its # from `event list`.

    e.g. `tracker dispute event remove nyt-v-openai 7`
    """
    with env().write() as store:
        event = core.remove_event(store, slug, number)
    output.say(f"{slug}: removed the event of {event.date}")


@event_app.command("edit")
def event_edit(
    slug: Slug, number: Annotated[int, typer.Argument(help="The # from `event list` or "
                                                   "`dispute show`.")],
    date: Annotated[str | None, typer.Option("--date", help="A new date (YYYY-MM-DD).")] = None,
    text: Annotated[str | None, typer.Option(help="A new description.")] = None,
    source: Annotated[str | None, typer.Option(help="A new source URL ('' removes it).")]
    = None,
    note: Annotated[str | None, typer.Option(help="A new note (replaces it).")] = None,
    unconfirmed: Annotated[bool | None, typer.Option("--unconfirmed/--confirmed",
                           help="Mark as not yet confirmed, or as confirmed.")] = None,
) -> None:
    """Correct an event of the timeline.

    e.g. `tracker dispute event edit nyt-v-openai 3 --date 2025-04-04 --confirmed`
    """
    with env().write() as store:
        event = core.edit_event(store, slug, number, date=date, text=text, source=source,
                                note=note, unconfirmed=unconfirmed)
    output.say(f"{slug}: event #{number} is now {event.date}: {event.text}")


@forum_app.command("add")
def forum_add(
    slug: Slug,
    name: Annotated[str, typer.Argument(help="Court or body.")],
    jurisdiction: Annotated[str, typer.Option(help="e.g. US, UK, JP.")] = "",
    docket: Annotated[str | None, typer.Option(help="Docket or claim number.")] = None,
    courtlistener: Annotated[int | None, typer.Option(help="CourtListener docket id.")] = None,
    judge: Annotated[str, typer.Option(help="The judge assigned.")] = "",
    note: Note = "",
) -> None:
    """Add a forum, e.g. `... forum add getty-v-stability 'N.D. Cal.' --jurisdiction US`."""
    with env().write() as store:
        forum = core.add_forum(store, slug, name, jurisdiction=jurisdiction, docket=docket,
                               courtlistener_id=courtlistener, note=note, judge=judge)
    output.say(f"{slug}: added forum {forum.label()}")


@forum_app.command("remove")
def forum_remove(
    slug: Slug, number: Annotated[int, typer.Argument(help="The # from `forum list` or "
                                                   "`dispute show`.")]
) -> None:
    """Remove a forum by its #, e.g. `tracker dispute forum remove getty-v-stability 2`."""
    with env().write() as store:
        forum = core.remove_forum(store, slug, number)
    output.say(f"{slug}: removed forum {forum.label()}")


@forum_app.command("list")
@output.listing
def forum_list(slug: Slug, json_: JsonOpt = False, nl: NlOpt = False, csv_: CsvOpt = False) -> None:
    """A dispute's forums with the # that `forum edit` and `forum remove` take.

    e.g. `tracker dispute forum list getty-v-stability`
    """
    with env().read() as store:
        d = core.get_dispute(store, slug)
    output.emit(render.forum_rows(d), render.FORUM_COLUMNS, output.pick(json_, nl, csv_),
                empty="no forums")


@forum_app.command("edit")
def forum_edit(
    slug: Slug, number: Annotated[int, typer.Argument(help="The # from `forum list` or "
                                                   "`dispute show`.")],
    name: Annotated[str | None, typer.Option(help="A new court or body name.")] = None,
    jurisdiction: Annotated[str | None, typer.Option(help="e.g. US, UK, JP.")] = None,
    docket: Annotated[str | None, typer.Option(help="Docket or claim number ('' clears it).")]
    = None,
    courtlistener: Annotated[int | None, typer.Option(help="CourtListener docket id.")] = None,
    judge: Annotated[str | None, typer.Option(help="The judge assigned.")] = None,
    note: Annotated[str | None, typer.Option(help="A new note (replaces it).")] = None,
) -> None:
    """Change a forum's fields.

    e.g. `tracker dispute forum edit getty-v-stability 2 --judge 'Name Surname'`
    """
    with env().write() as store:
        forum = core.edit_forum(store, slug, number, name=name, jurisdiction=jurisdiction,
                                docket=docket, courtlistener_id=courtlistener, judge=judge,
                                note=note)
    output.say(f"{slug}: forum #{number} is now {forum.label()}")
