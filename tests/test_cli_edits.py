"""Editing what was recorded: parties, forums and events, by name or by the # shown.

Each edit command has its happy path and its refusals; a refusal leaves the store
byte-identical (`refused` checks it).
"""

from __future__ import annotations

import pytest

from tests.conftest import Run, as_json, refused


def show(run: Run, slug: str) -> dict:
    return as_json(run("dispute", "show", slug, "--json"))


def party(run: Run, slug: str, name: str) -> dict:
    return next(p for p in show(run, slug)["parties"] if p["name"] == name)


# -- party add / remove: exact name first, then an alias only one party has -------------------


def test_party_add_under_a_known_alias_extends_that_party(run, seeded):
    before = len(show(run, "nyt-v-openai")["parties"])
    r = run("dispute", "party", "add", "nyt-v-openai", "Microsoft", "--role", "respondent",
            "--alias", "Bing")
    assert r.exit_code == 0, r.stderr
    assert "Microsoft Corporation" in r.stderr
    assert len(show(run, "nyt-v-openai")["parties"]) == before
    assert "Bing" in party(run, "nyt-v-openai", "Microsoft Corporation")["aliases"]


def test_party_add_under_a_known_alias_with_nothing_new_is_refused(run, seeded):
    refused(run("dispute", "party", "add", "nyt-v-openai", "NYT", "--role", "claimant"),
            seeded, seeded.read_bytes(), "'The New York Times Company' is already a claimant")


def test_party_remove_prefers_the_exact_name_over_an_alias(run, seeded):
    # "OpenAI" is an alias of "OpenAI, Inc."; a party named exactly "OpenAI" wins.
    assert run("dispute", "party", "add", "nyt-v-openai", "OpenAI LP", "--role",
               "respondent").exit_code == 0
    assert run("dispute", "party", "rename", "nyt-v-openai", "OpenAI LP",
               "OpenAI").exit_code == 0
    r = run("dispute", "party", "remove", "nyt-v-openai", "OpenAI")
    assert r.exit_code == 0, r.stderr
    assert "removed OpenAI\n" in r.stderr
    names = [p["name"] for p in show(run, "nyt-v-openai")["parties"]]
    assert "OpenAI, Inc." in names and "OpenAI" not in names


def test_party_remove_refuses_an_alias_two_parties_share(run, seeded):
    run("dispute", "party", "add", "nyt-v-openai", "OpenAI LP", "--role", "respondent",
        "--alias", "OpenAI")
    before = seeded.read_bytes()
    refused(run("dispute", "party", "remove", "nyt-v-openai", "OpenAI"), seeded, before,
            "'OpenAI' is an alias of 2 parties: OpenAI, Inc., OpenAI LP", "full name")


def test_party_remove_by_an_unambiguous_alias(run, seeded):
    r = run("dispute", "party", "remove", "nyt-v-openai", "Copilot")
    assert r.exit_code == 0, r.stderr
    assert "removed Microsoft Corporation" in r.stderr


# -- party edit ------------------------------------------------------------------------------


def test_party_edit_changes_role_kind_note_and_aliases(run, seeded):
    r = run("dispute", "party", "edit", "getty-v-stability", "Thomas Barwick",
            "--role", "member", "--kind", "person", "--note", "Photographer's company.",
            "--alias", "Barwick", "--unalias", "thomas m. barwick")
    assert r.exit_code == 0, r.stderr
    assert r.stdout == ""
    p = party(run, "getty-v-stability", "Thomas M. Barwick Inc.")
    assert (p["role"], p["kind"], p["note"]) == ("member", "person", "Photographer's company.")
    assert p["aliases"] == ["Thomas Barwick", "Barwick"]


@pytest.mark.parametrize(("args", "needles"), [
    (["Nobody"], ["has no party 'Nobody'"]),
    (["Getty Images"], ["nothing to change for 'Getty Images'"]),
    (["Getty Images", "--role", "claimant"], ["nothing to change"]),
    (["Getty Images", "--role", "plaintif"], ["unknown role 'plaintif'"]),
    (["Getty Images", "--kind", "corp"], ["unknown party kind 'corp'"]),
    (["Getty Images", "--unalias", "Getty Inc"], ["'Getty Images' has no alias 'Getty Inc'"]),
    (["Getty Images", "--alias", "iStock"], ["nothing to change"]),
    (["Getty Images", "--alias", "X", "--role", "nope"], ["unknown role"]),
])
def test_party_edit_refuses(run, seeded, args, needles):
    refused(run("dispute", "party", "edit", "getty-v-stability", *args), seeded,
            seeded.read_bytes(), *needles)


# -- party rename ----------------------------------------------------------------------------


def test_party_rename_keeps_the_old_name_as_an_alias(run, seeded):
    r = run("dispute", "party", "rename", "nyt-v-openai", "NYT", "New York Times Co.")
    assert r.exit_code == 0, r.stderr
    assert "renamed The New York Times Company to New York Times Co." in r.stderr
    p = party(run, "nyt-v-openai", "New York Times Co.")
    assert p["role"] == "claimant"
    assert "The New York Times Company" in p["aliases"]
    # the old name still finds it
    assert run("dispute", "party", "edit", "nyt-v-openai", "The New York Times Company",
               "--note", "x").exit_code == 0


def test_party_rename_without_keeping_the_alias(run, seeded):
    run("dispute", "party", "rename", "nyt-v-openai", "Microsoft Corporation", "Microsoft Corp.",
        "--no-keep-alias")
    p = party(run, "nyt-v-openai", "Microsoft Corp.")
    assert "Microsoft Corporation" not in p["aliases"]


@pytest.mark.parametrize(("args", "needles"), [
    (["Nobody", "X"], ["has no party 'Nobody'"]),
    (["Microsoft Corporation", "  "], ["a party needs a name"]),
    (["Microsoft Corporation", "Microsoft Corporation"], ["already has that name"]),
    (["Microsoft Corporation", "openai, inc."], ["already has a party named 'OpenAI, Inc.'"]),
])
def test_party_rename_refuses(run, seeded, args, needles):
    refused(run("dispute", "party", "rename", "nyt-v-openai", *args), seeded,
            seeded.read_bytes(), *needles)


# -- forums: list, edit, remove by the # shown ----------------------------------------------


def test_forum_list_and_show_print_the_numbers_that_edit_takes(run, seeded):
    rows = as_json(run("dispute", "forum", "list", "getty-v-stability", "--json"))
    assert [r["n"] for r in rows] == [1, 2, 3]
    assert rows[2]["name"] == "U.S. District Court for the Northern District of California"
    table = run("dispute", "forum", "list", "getty-v-stability").stdout
    assert "IL-2023-000007" in table and "#" in table
    page = run("dispute", "show", "getty-v-stability").stdout
    assert "#3 U.S. District Court for the Northern District of California" in page
    assert "#1 2023-01" in page  # the timeline is numbered as `event list` numbers it


def test_forum_edit_changes_only_what_is_given(run, seeded):
    r = run("dispute", "forum", "edit", "getty-v-stability", "3", "--docket", "3:25-cv-1",
            "--judge", "A. Judge", "--note", "refiled")
    assert r.exit_code == 0, r.stderr
    f = show(run, "getty-v-stability")["forums"][2]
    assert (f["docket"], f["judge"], f["note"], f["jurisdiction"]) == (
        "3:25-cv-1", "A. Judge", "refiled", "US")
    run("dispute", "forum", "edit", "getty-v-stability", "3", "--docket", "")
    assert show(run, "getty-v-stability")["forums"][2]["docket"] is None


def test_forum_remove_takes_the_number_shown(run, seeded):
    r = run("dispute", "forum", "remove", "getty-v-stability", "2")
    assert r.exit_code == 0, r.stderr
    assert "removed forum U.S. District Court for the District of Delaware" in r.stderr
    names = [f["name"] for f in show(run, "getty-v-stability")["forums"]]
    assert len(names) == 2 and "District of Delaware" not in " ".join(names)


@pytest.mark.parametrize(("args", "needles"), [
    (["4", "--note", "x"], ["has no forum #4", "#1 High Court"]),
    (["0", "--note", "x"], ["has no forum #0"]),
    (["1"], ["nothing to change for forum #1"]),
    (["1", "--name", " "], ["a forum needs a name"]),
    (["3", "--docket", "1:23-cv-00135"], ["already has a forum with docket 1:23-cv-00135"]),
    (["2", "--courtlistener", "0"], ["positive number"]),
    (["1", "--docket", "IL-2023-000007"], ["nothing to change"]),
])
def test_forum_edit_refuses(run, seeded, args, needles):
    refused(run("dispute", "forum", "edit", "getty-v-stability", *args), seeded,
            seeded.read_bytes(), *needles)


def test_forum_list_of_a_dispute_without_forums(run, seeded):
    r = run("dispute", "forum", "list", "coda-v-openai")
    assert r.exit_code == 0 and r.stdout == "" and "no forums" in r.stderr


# -- event edit ------------------------------------------------------------------------------


def test_event_edit_corrects_an_event(run, seeded):
    events = as_json(run("dispute", "event", "list", "nyt-v-openai", "--json"))
    n = next(e["n"] for e in events if not e["status"] and e["unconfirmed"])
    r = run("dispute", "event", "edit", "nyt-v-openai", str(n), "--confirmed",
            "--source", "https://example.org/order", "--note", "checked", "--text", "Order.")
    assert r.exit_code == 0, r.stderr
    e = as_json(run("dispute", "event", "list", "nyt-v-openai", "--json"))[n - 1]
    assert (e["unconfirmed"], e["source"], e["note"], e["text"]) == (
        False, "https://example.org/order", "checked", "Order.")
    run("dispute", "event", "edit", "nyt-v-openai", str(n), "--source", "")
    assert as_json(run("dispute", "event", "list", "nyt-v-openai", "--json"))[n - 1][
        "source"] is None


def test_event_edit_may_redate_a_status_event_within_its_place(run, seeded):
    r = run("dispute", "event", "edit", "nyt-v-openai", "1", "--date", "2023-12-28")
    assert r.exit_code == 0, r.stderr
    first = as_json(run("dispute", "event", "list", "nyt-v-openai", "--json"))[0]
    assert (first["date"], first["status"]) == ("2023-12-28", "filed")


@pytest.mark.parametrize(("args", "needles"), [
    (["9", "--text", "x"], ["has no event #9"]),
    (["2"], ["nothing to change for event #2"]),
    (["2", "--date", "2025-02-30"], ["invalid date '2025-02-30'"]),
    (["2", "--text", "  "], ["an event needs a description"]),
    (["2", "--source", "ftp://x"], ["invalid source URL"]),
    (["1", "--date", "2026-01-01"], ["records the status 'filed'", "not reordered"]),
])
def test_event_edit_refuses(run, seeded, args, needles):
    refused(run("dispute", "event", "edit", "nyt-v-openai", *args), seeded,
            seeded.read_bytes(), *needles)
