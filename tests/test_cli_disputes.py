"""`tracker dispute ...`: every command's happy path and the ways it refuses.

A refused command must exit non-zero, say why on stderr, print nothing on stdout and
leave the store byte-identical (`refused` checks all four).
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from tests.conftest import Run, as_json, refused
from tracker import core
from tracker.cli import output
from tracker.models import STATUSES, Feed
from tracker.storage import open_store

SEEDED = ["coda-v-openai", "getty-v-stability", "nyt-v-openai"]


def show(run: Run, slug: str) -> dict:
    return as_json(run("dispute", "show", slug, "--json"))


def slugs(rows: list[dict]) -> list[str]:
    return [r["slug"] for r in rows]


# -- list ----------------------------------------------------------------------------------


def test_list_table_shows_every_dispute(run, seeded):
    r = run("dispute", "list")
    assert r.exit_code == 0, r.stderr
    for slug in SEEDED:
        assert slug in r.stdout
    assert "discovery" in r.stdout


def test_list_json_is_the_only_thing_on_stdout(run, seeded):
    r = run("dispute", "list", "--json")
    rows = json.loads(r.stdout)  # raises if anything else is on stdout
    assert slugs(rows) == SEEDED
    nyt = rows[2]
    assert nyt["status"] == "discovery"
    assert nyt["where"] == "US"
    assert nyt["articles"] == 0
    assert nyt["events"] and nyt["parties"]  # full records, not just the table columns


def test_list_nl_is_one_object_per_line(run, seeded):
    r = run("dispute", "list", "--nl")
    assert r.exit_code == 0
    lines = r.stdout.splitlines()
    assert [json.loads(line)["slug"] for line in lines] == SEEDED


def test_list_csv_has_a_header_and_a_row_per_dispute(run, seeded):
    r = run("dispute", "list", "--csv")
    assert r.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    assert list(rows[0]) == ["slug", "title", "kind", "status", "since", "last_event",
                             "jurisdictions", "courts", "dockets", "claimants", "respondents",
                             "articles"]
    assert [row["slug"] for row in rows] == SEEDED
    getty, nyt = rows[1], rows[2]
    assert getty["jurisdictions"] == "UK;US"
    assert getty["dockets"] == "IL-2023-000007;1:23-cv-00135"
    assert getty["last_event"] == "2025-12-16"
    assert nyt["claimants"] == "The New York Times Company"
    assert nyt["respondents"] == "Microsoft Corporation;OpenAI, Inc."
    assert nyt["courts"] == "U.S. District Court for the Southern District of New York"
    assert (nyt["since"], nyt["status"], nyt["articles"]) == ("2023-12-27", "discovery", "0")


def test_list_last_event_is_never_a_muted_docket_entry(run, seeded):
    """A muted (procedural) docket entry is hidden everywhere else, so it is not the case's
    last event either: the listing keeps the last event a reader would see."""
    from tracker.models import Event

    with open_store(seeded, write=True) as store:
        d = store.dispute("getty-v-stability")
        assert d is not None
        d.events.append(Event(date="2026-03-09", text="Entry #9: NOTICE OF APPEARANCE",
                              origin="https://www.courtlistener.com/docket/66788385/feed/",
                              entry="entry-9", number=9, muted=True))
        store.put_dispute(d)
    rows = list(csv.DictReader(io.StringIO(run("dispute", "list", "--csv").stdout)))
    assert rows[1]["slug"] == "getty-v-stability"
    assert rows[1]["last_event"] == "2025-12-16"


def test_list_refuses_two_formats(run, seeded):
    r = run("dispute", "list", "--json", "--csv")
    assert r.exit_code == 2
    assert r.stdout == ""
    assert "choose one of" in r.stderr


@pytest.mark.parametrize(
    ("option", "value", "expected"),
    [
        ("--status", "discovery", ["nyt-v-openai"]),
        ("--status", "Demand Sent", ["coda-v-openai"]),  # case and spaces forgiven
        ("--party", "スタジオジブリ", ["coda-v-openai"]),  # a Japanese alias
        ("--party", "microsoft", ["nyt-v-openai"]),  # an alias, any case
        ("--party", "openai", ["coda-v-openai", "nyt-v-openai"]),
        ("--tag", "JAPAN", ["coda-v-openai"]),
        ("--tag", "training-data", SEEDED),
        ("--jurisdiction", "uk", ["getty-v-stability"]),
        ("--jurisdiction", "US", ["getty-v-stability", "nyt-v-openai"]),
        ("--kind", "demand-letter", ["coda-v-openai"]),
        ("--kind", "lawsuit", ["getty-v-stability", "nyt-v-openai"]),
        ("--party", "nobody at all", []),
    ],
)
def test_list_filters(run, seeded, option, value, expected):
    assert slugs(as_json(run("dispute", "list", option, value, "--json"))) == expected


def test_list_filters_combine(run, seeded):
    rows = as_json(run("dispute", "list", "--party", "openai", "--kind", "lawsuit", "--json"))
    assert slugs(rows) == ["nyt-v-openai"]


def test_list_with_no_match_says_so_on_stderr(run, seeded):
    r = run("dispute", "list", "--tag", "no-such-tag")
    assert r.exit_code == 0
    assert r.stdout == ""
    assert "no disputes match" in r.stderr


@pytest.mark.parametrize(
    ("option", "value", "suggestion"),
    [("--status", "discovry", "discovery"), ("--kind", "lawsiut", "lawsuit")],
)
def test_list_unknown_vocabulary_suggests(run, seeded, option, value, suggestion):
    before = seeded.read_bytes()
    refused(run("dispute", "list", option, value), seeded, before, f"did you mean '{suggestion}'")


def test_list_without_a_store_says_how_to_create_one(run, db):
    r = run("dispute", "list")
    assert r.exit_code == 4
    assert r.stdout == ""
    assert "tracker init" in r.stderr
    assert not db.exists()


# -- show ----------------------------------------------------------------------------------


def test_show_prints_the_case_page(run, seeded):
    r = run("dispute", "show", "nyt-v-openai")
    assert r.exit_code == 0, r.stderr
    for text in ("Parties", "The New York Times Company", "Timeline", "2023-12-27", "Coverage"):
        assert text in r.stdout
    assert r.stderr == ""


def test_show_json_has_the_record_and_its_articles(run, seeded):
    for i in range(3):
        run("article", "add", f"https://example.com/{i}", "-d", "nyt-v-openai",
            "--published", f"2025-01-0{i + 1}")
    data = json.loads(run("dispute", "show", "nyt-v-openai", "--json", "--articles", "2").stdout)
    assert data["slug"] == "nyt-v-openai"
    assert [a["url"] for a in data["articles"]] == ["https://example.com/2", "https://example.com/1"]


def test_show_refuses_a_negative_article_count(run, seeded):
    r = run("dispute", "show", "nyt-v-openai", "--articles", "-1")
    assert r.exit_code == 2
    assert r.stdout == ""
    assert "--articles" in r.stderr


def test_show_unknown_slug_suggests_the_closest(run, seeded):
    refused(run("dispute", "show", "getty-v-stabilty"), seeded, seeded.read_bytes(),
            "no dispute 'getty-v-stabilty'", "did you mean 'getty-v-stability'?")


# -- add -----------------------------------------------------------------------------------


def test_add_records_the_first_status_as_an_event(run, seeded):
    r = run("dispute", "add", "Disney v. Midjourney", "--started", "2025-06-11",
            "--tag", "images, film", "--tag", "us", "--claim", "copyright infringement",
            "--source", "https://example.com/complaint", "--json")
    assert r.exit_code == 0, r.stderr
    d = json.loads(r.stdout)
    assert "added dispute disney-v-midjourney" in r.stderr
    assert d["slug"] == "disney-v-midjourney"
    assert d["tags"] == ["images", "film", "us"]
    [event] = d["events"]
    assert event["status"] == "filed"
    assert event["previous_status"] is None
    assert event["date"] == "2025-06-11"
    assert event["source"] == "https://example.com/complaint"
    assert show(run, "disney-v-midjourney") == {**d, "articles": []}


def test_add_a_japanese_title_with_a_slug(run, seeded):
    assert run("dispute", "add", "東京地裁の件", "--slug", "tokyo-case").exit_code == 0
    assert show(run, "tokyo-case")["title"] == "東京地裁の件"


def test_add_with_slug_kind_and_status(run, seeded):
    r = run("dispute", "add", "Authors v. Someone", "--slug", "authors-v-x",
            "--kind", "Demand Letter", "--status", "demand-sent")
    assert r.exit_code == 0, r.stderr
    assert r.stdout == ""
    d = show(run, "authors-v-x")
    assert (d["kind"], d["status"]) == ("demand-letter", "demand-sent")
    assert d["events"][0]["date"] == d["created"][:10]  # no --started: recorded today


@pytest.mark.parametrize(
    ("args", "needles"),
    [
        (["The Times", "--slug", "nyt-v-openai"], ["a dispute 'nyt-v-openai' already exists"]),
        (["NYT v. OpenAI", "--slug", "Bad Slug"], ["invalid slug 'Bad Slug'"]),
        (["X v. Y", "--started", "2025-02-30"], ["invalid date '2025-02-30'"]),
        (["X v. Y", "--started", "yesterday"], ["invalid date 'yesterday'", "YYYY-MM-DD"]),
        (["X v. Y", "--status", "setled"], ["unknown status 'setled'", "did you mean 'settled'"]),
        (["X v. Y", "--kind", "lawsiut"], ["unknown kind 'lawsiut'", "did you mean 'lawsuit'"]),
        (["X v. Y", "--source", "ftp://example.com/x"], ["invalid URL 'ftp://example.com/x'"]),
        (["X v. Y", "--source", "notaurl"], ["invalid URL 'notaurl'"]),
        (["   "], ["a dispute needs a title"]),
        (["東京地裁の件"], ["cannot make a slug from the title", "--slug"]),
    ],
)
def test_add_refuses(run, seeded, args, needles):
    before = seeded.read_bytes()
    refused(run("dispute", "add", *args), seeded, before, *needles)


# -- edit ----------------------------------------------------------------------------------


def test_edit_changes_fields_tags_and_match_terms(run, seeded):
    match = show(run, "coda-v-openai")["match"]
    r = run("dispute", "edit", "coda-v-openai", "--title", "CODA v. OpenAI", "--kind", "other",
            "--started", "2025-10", "--notes", "watch for a reply", "--tag", "sora",
            "--untag", "anime", "--include", "Sora watermark", "--exclude", "coda the film")
    assert r.exit_code == 0, r.stderr
    assert r.stdout == ""
    d = show(run, "coda-v-openai")
    assert (d["title"], d["kind"], d["started"]) == ("CODA v. OpenAI", "other", "2025-10")
    assert d["notes"] == "watch for a reply"
    assert "sora" in d["tags"] and "anime" not in d["tags"]
    assert d["match"] == {"include": [*match["include"], "Sora watermark"],
                          "exclude": [*match["exclude"], "coda the film"]}
    assert d["status"] == "demand-sent"  # edit never touches the status


def test_rename_keeps_article_links_related_disputes_and_feeds(run, seeded):
    run("article", "add", "https://example.com/nyt", "-d", "nyt-v-openai")
    run("dispute", "relate", "coda-v-openai", "related", "nyt-v-openai")
    with open_store(seeded, write=True) as store:
        store.put_feeds([Feed(url="https://example.com/docket.xml", kind="docket",
                              dispute="nyt-v-openai")])
    r = run("dispute", "edit", "nyt-v-openai", "--rename", "nyt-v-microsoft-openai")
    assert r.exit_code == 0, r.stderr
    assert "nyt-v-openai" not in slugs(as_json(run("dispute", "list", "--json")))
    d = show(run, "nyt-v-microsoft-openai")
    assert [a["url"] for a in d["articles"]] == ["https://example.com/nyt"]
    assert len(d["events"]) == 5  # the timeline moved with it
    assert show(run, "coda-v-openai")["related"] == [
        {"slug": "nyt-v-microsoft-openai", "relation": "related"}
    ]
    with open_store(seeded) as store:
        by_url = {f.url: f.dispute for f in store.feeds()}
    assert by_url["https://example.com/docket.xml"] == "nyt-v-microsoft-openai"
    assert "nyt-v-openai" not in by_url.values()


@pytest.mark.parametrize(
    ("args", "needles"),
    [
        (["nyt-v-opena", "--title", "x"], ["no dispute 'nyt-v-opena'", "nyt-v-openai"]),
        (["nyt-v-openai", "--kind", "suit"], ["unknown kind 'suit'"]),
        (["nyt-v-openai", "--started", "2025-13"], ["invalid date '2025-13'"]),
        (["nyt-v-openai", "--title", " "], ["a dispute needs a title"]),
        (["nyt-v-openai", "--rename", "getty-v-stability"], ["already exists"]),
        (["nyt-v-openai", "--rename", "NYT!"], ["invalid slug 'NYT!'"]),
    ],
)
def test_edit_refuses(run, seeded, args, needles):
    before = seeded.read_bytes()
    refused(run("dispute", "edit", *args), seeded, before, *needles)


def test_untag_takes_commas_and_ignores_case(run, seeded):
    r = run("dispute", "edit", "coda-v-openai", "--untag", "ANIME, games", "--untag", "Japan")
    assert r.exit_code == 0, r.stderr
    tags = show(run, "coda-v-openai")["tags"]
    assert not {"anime", "games", "japan"} & set(tags)
    assert "opt-out" in tags


# -- remove --------------------------------------------------------------------------------


def test_remove_with_yes_keeps_articles_unlinked(run, seeded):
    run("article", "add", "https://example.com/a", "-d", "nyt-v-openai", "-d", "coda-v-openai")
    run("dispute", "relate", "coda-v-openai", "related", "nyt-v-openai")
    r = run("dispute", "remove", "nyt-v-openai", "--yes")
    assert r.exit_code == 0, r.stderr
    assert r.stdout == ""
    assert "1 article(s) unlinked and kept" in r.stderr
    assert slugs(as_json(run("dispute", "list", "--json"))) == ["coda-v-openai",
                                                                 "getty-v-stability"]
    [article] = as_json(run("article", "list", "--json"))
    assert article["disputes"] == ["coda-v-openai"]
    assert show(run, "coda-v-openai")["related"] == []


def test_remove_without_yes_when_not_interactive_changes_nothing(run, seeded):
    before = seeded.read_bytes()
    refused(run("dispute", "remove", "nyt-v-openai"), seeded, before, "--yes")


def test_remove_asks_when_interactive(run, seeded, monkeypatch):
    monkeypatch.setattr(output, "interactive", lambda: True)
    before = seeded.read_bytes()
    r = run("dispute", "remove", "nyt-v-openai", input="n\n")
    assert r.exit_code == 1
    assert "Delete dispute 'nyt-v-openai'" in r.stderr
    assert seeded.read_bytes() == before
    r = run("dispute", "remove", "nyt-v-openai", input="y\n")
    assert r.exit_code == 0, r.stderr
    assert "nyt-v-openai" not in slugs(as_json(run("dispute", "list", "--json")))


def test_remove_unknown_slug(run, seeded):
    refused(run("dispute", "remove", "nyt-v-openia", "--yes"), seeded, seeded.read_bytes(),
            "did you mean 'nyt-v-openai'?")


# -- status --------------------------------------------------------------------------------


def test_status_change_is_a_timeline_event_and_history_is_kept(run, seeded):
    before = show(run, "nyt-v-openai")["events"]
    r = run("dispute", "status", "nyt-v-openai", "summary-judgment", "--date", "2026-09-01",
            "--note", "both sides moved", "--source", "https://example.com/sj")
    assert r.exit_code == 0, r.stderr
    assert r.stdout == ""
    assert "discovery -> summary-judgment on 2026-09-01" in r.stderr
    r = run("dispute", "status", "nyt-v-openai", "Trial", "--date", "2026-10-12")
    assert r.exit_code == 0, r.stderr
    d = show(run, "nyt-v-openai")
    assert d["status"] == "trial"
    assert d["events"][: len(before)] == before  # nothing earlier was rewritten
    sj, trial = d["events"][len(before):]
    assert (sj["previous_status"], sj["status"], sj["date"]) == (
        "discovery", "summary-judgment", "2026-09-01")
    assert (sj["note"], sj["source"]) == ("both sides moved", "https://example.com/sj")
    assert (trial["previous_status"], trial["status"]) == ("summary-judgment", "trial")


def test_an_earlier_step_recorded_later_keeps_the_latest_status(run, seeded):
    r = run("dispute", "status", "nyt-v-openai", "motion-to-dismiss", "--date", "2024-05")
    assert r.exit_code == 0, r.stderr
    assert "the status is now 'discovery'" in " ".join(r.stderr.split())
    assert run("dispute", "event", "add", "nyt-v-openai", "MTD decided", "--date",
               "2024-06-01", "--status", "discovery").exit_code == 0
    d = show(run, "nyt-v-openai")
    assert d["status"] == "discovery"
    history = [(e["date"], e["status"], e["previous_status"]) for e in d["events"]
               if e["status"]]
    assert ("2024-05", "motion-to-dismiss", "filed") in history
    assert ("2024-06-01", "discovery", "motion-to-dismiss") in history
    # The status is the latest step by date, whatever the order they were typed in.
    listed = as_json(run("dispute", "event", "list", "nyt-v-openai", "--json"))
    assert [e["status"] for e in listed if e["status"]][-1] == d["status"]


def test_status_defaults_to_today(run, seeded):
    run("dispute", "status", "coda-v-openai", "filed")
    d = show(run, "coda-v-openai")
    assert d["events"][-1]["date"] == d["updated"][:10]


@pytest.mark.parametrize(
    ("args", "needles"),
    [
        (["nyt-v-openai", "discovery"], ["already has status 'discovery'"]),
        (["nyt-v-openai", "apeal"], ["unknown status 'apeal'", "did you mean 'appeal'"]),
        (["nyt-v-openai", "trial", "--date", "2026-1-5"], ["invalid date '2026-1-5'"]),
        (["nyt-v-openai", "trial", "--source", "javascript:alert(1)"], ["invalid source URL"]),
        (["nyt-v-open", "trial"], ["no dispute 'nyt-v-open'", "did you mean 'nyt-v-openai'"]),
    ],
)
def test_status_refuses(run, seeded, args, needles):
    before = seeded.read_bytes()
    refused(run("dispute", "status", *args), seeded, before, *needles)


def test_statuses_lists_the_vocabulary(run, seeded):
    r = run("dispute", "statuses")
    assert r.exit_code == 0
    assert "motion-to-dismiss" in r.stdout and "consolidated-into" in r.stdout
    vocab = as_json(run("dispute", "statuses", "--json"))
    assert set(vocab) == {"statuses", "kinds", "roles", "relations"}
    assert list(vocab["statuses"]) == list(STATUSES)


# -- relate / unrelate ---------------------------------------------------------------------


def test_relate_records_both_sides_and_unrelate_removes_them(run, seeded):
    r = run("dispute", "relate", "getty-v-stability", "consolidated-into", "nyt-v-openai")
    assert r.exit_code == 0, r.stderr
    assert show(run, "getty-v-stability")["related"] == [
        {"slug": "nyt-v-openai", "relation": "consolidated-into"}]
    assert show(run, "nyt-v-openai")["related"] == [
        {"slug": "getty-v-stability", "relation": "consolidates"}]
    assert "Related" in run("dispute", "show", "nyt-v-openai").stdout
    r = run("dispute", "unrelate", "getty-v-stability", "nyt-v-openai")
    assert r.exit_code == 0, r.stderr
    assert show(run, "getty-v-stability")["related"] == []
    assert show(run, "nyt-v-openai")["related"] == []


@pytest.mark.parametrize(
    ("args", "needles"),
    [
        (["nyt-v-openai", "paralel", "coda-v-openai"], ["unknown relation 'paralel'",
                                                        "did you mean 'parallel'"]),
        (["nyt-v-openai", "related", "nyt-v-openai"], ["cannot be related to itself"]),
        (["nyt-v-openai", "related", "coda"], ["no dispute 'coda'"]),
    ],
)
def test_relate_refuses(run, seeded, args, needles):
    before = seeded.read_bytes()
    refused(run("dispute", "relate", *args), seeded, before, *needles)


def test_relate_twice_is_a_conflict(run, seeded):
    run("dispute", "relate", "nyt-v-openai", "parallel", "coda-v-openai")
    before = seeded.read_bytes()
    refused(run("dispute", "relate", "nyt-v-openai", "parallel", "coda-v-openai"), seeded,
            before, "already parallel")


def test_unrelate_stamps_both_disputes(run, seeded, monkeypatch):
    run("dispute", "relate", "nyt-v-openai", "parallel", "coda-v-openai")
    monkeypatch.setattr(core, "now_iso", lambda: "2030-01-01T00:00:00+00:00")
    assert run("dispute", "unrelate", "nyt-v-openai", "coda-v-openai").exit_code == 0
    for slug in ("nyt-v-openai", "coda-v-openai"):
        assert show(run, slug)["updated"] == "2030-01-01T00:00:00+00:00"


def test_unrelate_when_not_related(run, seeded):
    refused(run("dispute", "unrelate", "nyt-v-openai", "coda-v-openai"), seeded,
            seeded.read_bytes(), "is not related to 'coda-v-openai'")


# -- parties -------------------------------------------------------------------------------


def test_party_add_list_and_remove(run, seeded):
    r = run("dispute", "party", "add", "nyt-v-openai", "Daily News", "--role", "claimant",
            "--alias", "NY Daily News", "--alias", "デイリーニューズ")
    assert r.exit_code == 0, r.stderr
    assert r.stdout == ""
    rows = as_json(run("dispute", "party", "list", "nyt-v-openai", "--json"))
    assert rows[-1] == {"name": "Daily News", "role": "claimant", "kind": "company",
                        "aliases": ["NY Daily News", "デイリーニューズ"], "note": ""}
    found = as_json(run("dispute", "list", "--party", "デイリー", "--json"))
    assert slugs(found) == ["nyt-v-openai"]
    # Adding the same party again with a new alias extends it.
    run("dispute", "party", "add", "nyt-v-openai", "daily news", "--role", "claimant",
        "--alias", "Daily News LP")
    rows = as_json(run("dispute", "party", "list", "nyt-v-openai", "--json"))
    assert rows[-1]["aliases"][-1] == "Daily News LP"
    r = run("dispute", "party", "remove", "nyt-v-openai", "NY Daily News")  # by alias
    assert r.exit_code == 0, r.stderr
    assert "removed Daily News" in r.stderr
    names = [p["name"] for p in as_json(run("dispute", "party", "list", "nyt-v-openai",
                                            "--json"))]
    assert "Daily News" not in names


def test_party_list_formats(run, seeded):
    r = run("dispute", "party", "list", "nyt-v-openai", "--csv")
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    assert list(rows[0]) == ["name", "role", "kind", "aliases"]
    parties = as_json(run("dispute", "party", "list", "nyt-v-openai", "--json"))
    assert rows[1]["aliases"] == ";".join(parties[1]["aliases"])  # one separator everywhere
    assert rows[1]["aliases"].startswith("Microsoft;Copilot")
    lines = run("dispute", "party", "list", "nyt-v-openai", "--nl").stdout.splitlines()
    assert [json.loads(line)["role"] for line in lines] == ["claimant", "respondent",
                                                            "respondent"]
    table = run("dispute", "party", "list", "nyt-v-openai").stdout
    assert "Microsoft Corporation" in table


@pytest.mark.parametrize(
    ("args", "needles"),
    [
        (["X Corp", "--role", "claimaint"], ["unknown role 'claimaint'",
                                             "did you mean 'claimant'"]),
        (["X Corp", "--role", "claimant", "--kind", "persn"], ["unknown party kind 'persn'",
                                                                "did you mean 'person'"]),
        (["Microsoft Corporation", "--role", "claimant"], ["already a respondent"]),
        (["Microsoft Corporation", "--role", "respondent"], ["already a respondent"]),
        (["  ", "--role", "claimant"], ["a party needs a name"]),
    ],
)
def test_party_add_refuses(run, seeded, args, needles):
    before = seeded.read_bytes()
    refused(run("dispute", "party", "add", "nyt-v-openai", *args), seeded, before, *needles)


def test_party_remove_unknown_suggests(run, seeded):
    refused(run("dispute", "party", "remove", "nyt-v-openai", "Microsoft Corp"), seeded,
            seeded.read_bytes(), "has no party 'Microsoft Corp'",
            "did you mean 'Microsoft Corporation'?")


# -- events --------------------------------------------------------------------------------


def test_event_add_list_and_remove(run, seeded):
    r = run("dispute", "event", "add", "nyt-v-openai", "Hearing on output logs",
            "--date", "2026-02-03", "--source", "https://example.com/hearing", "--unconfirmed")
    assert r.exit_code == 0, r.stderr
    assert r.stdout == ""
    rows = as_json(run("dispute", "event", "list", "nyt-v-openai", "--json"))
    assert [row["n"] for row in rows] == [1, 2, 3, 4, 5, 6]
    assert rows[-1]["text"] == "Hearing on output logs"  # the record, as export has it
    assert rows[-1]["unconfirmed"] is True
    assert [row["date"] for row in rows] == sorted(row["date"] for row in rows)
    status_before = show(run, "nyt-v-openai")["status"]
    r = run("dispute", "event", "remove", "nyt-v-openai", "6")
    assert r.exit_code == 0, r.stderr
    assert "removed the event of 2026-02-03" in r.stderr
    assert len(as_json(run("dispute", "event", "list", "nyt-v-openai", "--json"))) == 5
    assert show(run, "nyt-v-openai")["status"] == status_before


def test_event_add_with_status_records_the_previous_one(run, seeded):
    r = run("dispute", "event", "add", "getty-v-stability", "Appeal heard",
            "--date", "2026-06-01", "--status", "judgment")
    assert r.exit_code == 0, r.stderr
    d = show(run, "getty-v-stability")
    last = d["events"][-1]
    assert (last["text"], last["status"], last["previous_status"]) == (
        "Appeal heard", "judgment", "appeal")
    assert d["status"] == "judgment"


def test_event_list_formats(run, seeded):
    r = run("dispute", "event", "list", "nyt-v-openai", "--csv")
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    assert list(rows[0]) == ["n", "date", "text", "status", "source"]
    assert rows[0]["status"] == "filed" and rows[2]["status"] == ""
    lines = run("dispute", "event", "list", "nyt-v-openai", "--nl").stdout.splitlines()
    assert len(lines) == 5 and json.loads(lines[0])["date"] == "2023-12-27"
    assert "2023-12-27" in run("dispute", "event", "list", "nyt-v-openai").stdout


@pytest.mark.parametrize(
    ("args", "needles"),
    [
        (["add", "nyt-v-openai", "x", "--date", "2026-02-31"], ["invalid date '2026-02-31'"]),
        (["add", "nyt-v-openai", "x", "--date", "2026", "--status", "tral"],
         ["did you mean 'trial'"]),
        (["add", "nyt-v-openai", "x", "--date", "2026", "--source", "http://"],
         ["invalid source URL 'http://'"]),
        (["add", "nyt-v-openai", " ", "--date", "2026"], ["an event needs a description"]),
        (["add", "nyt-openai", "x", "--date", "2026"], ["did you mean 'nyt-v-openai'"]),
        (["remove", "nyt-v-openai", "1"], ["event #1 is an earlier status change",
                                           "kept as history", "--correct"]),
        (["remove", "nyt-v-openai", "9"], ["has no event #9"]),
        (["remove", "nyt-v-openai", "0"], ["has no event #0"]),
    ],
)
def test_event_refuses(run, seeded, args, needles):
    before = seeded.read_bytes()
    refused(run("dispute", "event", *args), seeded, before, *needles)


# -- forums --------------------------------------------------------------------------------


def test_forum_add_and_remove(run, seeded):
    r = run("dispute", "forum", "add", "coda-v-openai", "Tokyo District Court",
            "--jurisdiction", "JP", "--docket", "2026(wa)1", "--courtlistener", "123")
    assert r.exit_code == 0, r.stderr
    assert "added forum Tokyo District Court, No. 2026(wa)1" in r.stderr
    d = show(run, "coda-v-openai")
    assert d["forums"] == [{"name": "Tokyo District Court", "jurisdiction": "JP",
                            "docket": "2026(wa)1", "courtlistener_id": 123, "note": "",
                            "judge": ""}]
    assert slugs(as_json(run("dispute", "list", "--jurisdiction", "jp", "--json"))) == [
        "coda-v-openai"]
    r = run("dispute", "forum", "remove", "coda-v-openai", "1")
    assert r.exit_code == 0, r.stderr
    assert show(run, "coda-v-openai")["forums"] == []


@pytest.mark.parametrize(
    ("args", "needles"),
    [
        (["add", "nyt-v-openai", "S.D.N.Y.", "--docket", "1:23-cv-11195-SHS"],
         ["already has a forum with docket"]),
        (["add", "nyt-v-openai", "Court", "--courtlistener", "0"], ["positive number"]),
        (["add", "nyt-v-openai", " "], ["a forum needs a name"]),
        (["remove", "nyt-v-openai", "2"], ["has no forum #2"]),
        (["remove", "coda-v-openai", "1"], ["has no forum #1"]),
    ],
)
def test_forum_refuses(run, seeded, args, needles):
    before = seeded.read_bytes()
    refused(run("dispute", "forum", *args), seeded, before, *needles)


def test_every_writing_command_refuses_without_a_store(run, db: Path):
    r = run("dispute", "add", "X v. Y")
    assert r.exit_code == 4
    assert "no store at" in r.stderr and "tracker init" in r.stderr
    assert not db.exists()


@pytest.mark.parametrize("args", [("dispute", "add", "X v. Y"), ("poll",)])
def test_a_store_in_a_directory_not_made_yet_is_no_store(run, tmp_path, monkeypatch, args):
    # The lock file is opened before the store is read: a missing directory is the same
    # "no store" as a missing file, not "cannot lock ...: No such file or directory".
    db = tmp_path / "not-yet" / "store.json"
    monkeypatch.setenv("TRACKER_DB", str(db))
    r = run(*args)
    assert r.exit_code == 4
    assert f"no store at {db}" in r.stderr and "tracker init" in r.stderr
    assert not db.parent.exists()
