"""`tracker article ...`: coverage linked to disputes, added by hand or by polling."""

from typing import Annotated

import typer

from tracker import core
from tracker.cli import app, env, output, render
from tracker.cli.output import CsvOpt, JsonOpt, NlOpt

article_app = typer.Typer(help="Articles (coverage) and their links to disputes.",
                          no_args_is_help=True)
app.add_typer(article_app, name="article")

Ref = Annotated[str, typer.Argument(help="Article id (or a unique prefix) or URL.")]
Disputes = Annotated[list[str], typer.Option("--dispute", "-d", help="Dispute slug (repeatable).")]
OptDispute = Annotated[str | None, typer.Option("--dispute", "-d", help="Only this dispute.")]
Limit = Annotated[int | None, typer.Option("--limit", "-n", min=1, help="At most this many.")]


@article_app.command("add")
def add(
    url: Annotated[str, typer.Argument(help="The article's address.")],
    dispute: Disputes,
    title: Annotated[str, typer.Option(help="The headline.")] = "",
    outlet: Annotated[str, typer.Option(help="Publisher (default: the site's host).")] = "",
    published: Annotated[str | None, typer.Option(help="YYYY-MM-DD.")] = None,
    summary: Annotated[str, typer.Option(help="A line or two on what it says.")] = "",
    language: Annotated[str, typer.Option(help="e.g. en, ja.")] = "",
    json_: JsonOpt = False,
) -> None:
    """Store an article and link it to disputes, e.g. `tracker article add URL -d nyt-v-openai`."""
    with env().write() as store:
        article, created = core.add_article(store, url, dispute, title=title, outlet=outlet,
                                            published=published, summary=summary,
                                            language=language)
    if json_:
        output.write_json(render.article_row(article))
    verb = "added" if created else "updated"
    output.say(f"{verb} article {article.id} -> {', '.join(article.disputes())}")


@article_app.command("list")
@output.listing
def list_(
    dispute: OptDispute = None,
    since: Annotated[str | None, typer.Option(help="YYYY-MM-DD, or 7d / 2w / 12h.")] = None,
    outlet: Annotated[str | None, typer.Option(help="Outlet name (part of).")] = None,
    limit: Limit = None,
    json_: JsonOpt = False, nl: NlOpt = False, csv_: CsvOpt = False,
) -> None:
    """List articles, newest first, e.g. `tracker article list -d coda-v-openai --since 30d`."""
    fmt = output.pick(json_, nl, csv_)
    with env().read() as store:
        found = core.list_articles(store, dispute=dispute, since=since, limit=limit, outlet=outlet)
    output.emit([render.article_row(a) for a in found], render.ARTICLE_COLUMNS, fmt,
                empty="no articles")


@article_app.command("search")
@output.listing
def search(
    query: Annotated[str, typer.Argument(help='Words that must all appear; "quote phrases".')],
    dispute: OptDispute = None,
    limit: Limit = 50,
    json_: JsonOpt = False, nl: NlOpt = False, csv_: CsvOpt = False,
) -> None:
    """Search stored articles' titles, summaries and outlets, e.g. `... search 'chatgpt logs'`."""
    fmt = output.pick(json_, nl, csv_)
    with env().read() as store:
        hits = core.search_articles(store, query, dispute=dispute, limit=limit)
    rows = [{**render.article_row(h.article), "score": h.score} for h in hits]
    output.emit(rows, render.ARTICLE_COLUMNS, fmt, empty="no articles match")


@article_app.command("show")
def show(ref: Ref, json_: JsonOpt = False) -> None:
    """One article with its links (and why each was made) and the feeds it came from.

    e.g. `tracker article show 3c3d0a68be` (an id, a unique prefix of one, or the URL)
    """
    with env().read() as store:
        article = core.get_article(store, ref)
        disputes = store.disputes() if not json_ else []
    if json_:  # one shape per record: the reasons are `tracker match explain`'s JSON
        output.write_json(render.article_row(article))
        return
    from tracker import matching

    why = [d for d in matching.explain(disputes, env().config.section("match"), article.title,
                                       article.summary, published=article.published)
           if d.verdict != "no" or article.link_for(d.slug)]
    output.console().print(render.article_page(article, why))


@article_app.command("link")
def link(ref: Ref, dispute: Disputes) -> None:
    """Link an article to more disputes (by hand).

    e.g. `tracker article link 3c3d0a68be -d getty-v-stability`
    """
    with env().write() as store:
        article = core.link_article(store, ref, dispute)
    output.say(f"article {article.id} -> {', '.join(article.disputes())}")


@article_app.command("unlink")
def unlink(ref: Ref, dispute: Disputes) -> None:
    """Unlink an article from disputes; the article is kept.

    e.g. `tracker article unlink 3c3d0a68be -d getty-v-stability`
    """
    with env().write() as store:
        article = core.unlink_article(store, ref, dispute)
    output.say(f"article {article.id} -> {', '.join(article.disputes()) or 'no dispute'}")


@article_app.command("remove")
def remove(ref: Ref) -> None:
    """Delete an article from the store.

    e.g. `tracker article remove 3c3d0a68be`
    """
    with env().write() as store:
        article = core.remove_article(store, ref)
    output.say(f"removed article {article.id}")
