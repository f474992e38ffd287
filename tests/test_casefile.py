"""Case files: the template works as printed, minimal files, merging with --update, errors
that name the file, the line and the field, and the round trip through export/import."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import Run, as_json, refused
from tracker import casefile

AUTHORS_GUILD = """\
slug = "authors-guild-v-openai"
title = "Authors Guild v. OpenAI"
started = 2023-09-19
claimants = ["Authors Guild"]
respondents = ["OpenAI"]

[[forums]]
name = "S.D.N.Y."
jurisdiction = "US"
docket = "1:23-cv-08292"

[[events]]
date = 2023-09-19
text = "Complaint filed."
status = "filed"

[[events]]
date = 2025-04-03
text = "Moved into MDL No. 3143."
"""


def write(tmp_path: Path, text: str, name: str = "case.toml") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def show(run: Run, slug: str) -> dict:
    return as_json(run("dispute", "show", slug, "--json"))


def test_the_template_works_as_printed(run, seeded, tmp_path):
    printed = run("dispute", "template")
    assert printed.exit_code == 0 and printed.stderr == ""
    path = write(tmp_path, printed.stdout)
    r = run("dispute", "add", "--from", path)
    assert r.exit_code == 0, r.stderr
    assert "added dispute authors-guild-v-openai" in r.stderr
    d = show(run, "authors-guild-v-openai")
    assert d["title"] == "Authors Guild et al. v. OpenAI"
    assert {p["role"] for p in d["parties"]} == {"claimant", "respondent"}
    assert d["forums"][0]["docket"] == "1:23-cv-08292"
    assert d["status"] == "filed" and d["started"] == "2023-09-19"
    dated = [e for e in d["events"] if e["date"]]
    assert len(dated) >= 2 and all(e["source"] or e["unconfirmed"] for e in dated)
    assert any(e["unconfirmed"] for e in d["events"])  # unconfirmed facts are marked


def test_the_template_explains_every_field_it_uses():
    text = casefile.template()
    assert text.count("\n#") > 30
    for name in ("slug", "title", "kind", "started", "summary", "[[parties]]", "role",
                 "aliases", "[[forums]]", "docket", "courtlistener_id", "[[events]]",
                 "unconfirmed", "source", "[match]", "[[related]]"):
        assert name in text
    assert "coda-v-openai" not in text and "getty" not in text


def test_one_command_adds_a_case_with_parties_forum_docket_and_two_dated_events(
        run, seeded, tmp_path):
    r = run("dispute", "add", "--from", write(tmp_path, AUTHORS_GUILD))
    assert r.exit_code == 0, r.stderr
    d = show(run, "authors-guild-v-openai")
    assert [(p["name"], p["role"], p["kind"]) for p in d["parties"]] == [
        ("Authors Guild", "claimant", "company"), ("OpenAI", "respondent", "company")]
    assert [(e["date"], e["status"], e["previous_status"]) for e in d["events"]] == [
        ("2023-09-19", "filed", None), ("2025-04-03", None, None)]
    assert d["created"] and all(e["recorded"] for e in d["events"])


def test_only_slug_and_title_are_required(run, seeded, tmp_path):
    r = run("dispute", "add", "--from", write(tmp_path, 'slug = "x-v-y"\ntitle = "X v. Y"\n'))
    assert r.exit_code == 0, r.stderr
    d = show(run, "x-v-y")
    assert (d["kind"], d["status"], d["parties"], d["forums"]) == ("lawsuit", "filed", [], [])
    assert d["events"][0]["text"] == "Recorded with status 'filed'."


def test_several_disputes_in_one_file_and_relations_on_both_sides(run, seeded, tmp_path):
    text = """\
[[dispute]]
slug = "bartz-v-anthropic"
title = "Bartz v. Anthropic"
status = "settled"

[[dispute.related]]
slug = "kadrey-v-meta"
relation = "parallel"

[[dispute]]
slug = "kadrey-v-meta"
title = "Kadrey v. Meta"
"""
    r = run("dispute", "add", "--from", write(tmp_path, text), "--json")
    assert as_json(r)["added"] == ["bartz-v-anthropic", "kadrey-v-meta"]
    assert show(run, "bartz-v-anthropic")["status"] == "settled"
    assert show(run, "kadrey-v-meta")["related"] == [{"slug": "bartz-v-anthropic",
                                                      "relation": "parallel"}]


def test_update_merges_into_the_stored_dispute(run, seeded, tmp_path):
    run("dispute", "add", "--from", write(tmp_path, AUTHORS_GUILD))
    more = """\
slug = "authors-guild-v-openai"
title = "Authors Guild et al. v. OpenAI"

[[parties]]
name = "openai"
role = "respondent"
aliases = ["ChatGPT"]

[[parties]]
name = "Microsoft Corporation"
role = "respondent"

[[events]]
date = 2025-04-03
text = "Moved into MDL No. 3143."
source = "https://example.org/mdl"
"""
    r = run("dispute", "add", "--from", write(tmp_path, more, "more.toml"), "--update")
    assert r.exit_code == 0, r.stderr
    assert "updated dispute authors-guild-v-openai" in r.stderr
    d = show(run, "authors-guild-v-openai")
    assert d["title"] == "Authors Guild et al. v. OpenAI"
    assert [p["name"] for p in d["parties"]] == ["Authors Guild", "OpenAI",
                                                 "Microsoft Corporation"]
    assert d["parties"][1]["aliases"] == ["ChatGPT"]
    assert len(d["events"]) == 2 and d["events"][1]["source"] == "https://example.org/mdl"
    assert d["forums"][0]["docket"] == "1:23-cv-08292"  # not in the file: kept
    again = run("dispute", "add", "--from", write(tmp_path, more, "more.toml"), "--update")
    assert "unchanged dispute authors-guild-v-openai" in again.stderr


def test_update_may_leave_out_the_title_of_a_stored_dispute(run, seeded, tmp_path):
    text = 'slug = "nyt-v-openai"\nclaimants = ["Daily News"]\n'
    r = run("dispute", "add", "--from", write(tmp_path, text), "--update")
    assert r.exit_code == 0, r.stderr
    d = show(run, "nyt-v-openai")
    assert d["title"] == "The New York Times v. Microsoft and OpenAI"
    assert d["parties"][-1] == {"name": "Daily News", "role": "claimant", "kind": "company",
                                "aliases": [], "note": ""}
    new = 'slug = "new-one"\n'
    refused(run("dispute", "add", "--from", write(tmp_path, new, "n.toml"), "--update"), seeded,
            seeded.read_bytes(), "field title: missing (required for a new dispute)")


def test_update_with_a_new_status_records_the_change(run, seeded, tmp_path):
    run("dispute", "add", "--from", write(tmp_path, AUTHORS_GUILD))
    text = 'slug = "authors-guild-v-openai"\ntitle = "AG v. OpenAI"\nstatus = "discovery"\n'
    assert run("dispute", "add", "--from", write(tmp_path, text, "s.toml"),
               "--update").exit_code == 0
    d = show(run, "authors-guild-v-openai")
    last = d["events"][-1]
    assert (d["status"], last["status"], last["previous_status"]) == (
        "discovery", "discovery", "filed")


@pytest.mark.parametrize(("text", "needles"), [
    ('slug = "x"\n', ["case.toml, field title: missing (required)"]),
    ('title = "X"\n', ["field slug: missing (required)"]),
    ('slug = "Not A Slug"\ntitle = "X"\n', ["line 1, field slug: invalid slug"]),
    ('slug = "x"\ntitle = "X"\nkind = "suit"\n', ["line 3, field kind: unknown kind 'suit'"]),
    ('slug = "x"\ntitle = "X"\nstarted = "2025-02-30"\n', ["line 3, field started: invalid date"]),
    ('slug = "x"\ntitle = "X"\nstartd = 2025-01-01\n',
     ["line 3, field startd: unknown field (did you mean 'started'?)"]),
    ('slug = "x"\ntitle = "X"\n\n[[parties]]\nname = "A"\n\n[[parties]]\nname = "B"\n'
     'role = "claimaint"\n', ["line 9, field parties #2.role: unknown role 'claimaint'",
                              "did you mean 'claimant'"]),
    ('slug = "x"\ntitle = "X"\n[[parties]]\nname = "A"\n', ["line 3, field parties #1.role: "
                                                           "missing (required)"]),
    ('slug = "x"\ntitle = "X"\n[[events]]\ndate = 2025-01-01\ntext = "a"\nsource = "ftp://x"\n',
     ["line 6, field events #1.source: invalid source URL"]),
    ('slug = "x"\ntitle = "X"\n[[events]]\ndate = 2025-01-01T10:00:00\ntext = "a"\n',
     ["line 4, field events #1.date: must be a date"]),
    ('slug = "x"\ntitle = "X"\ntags = 3\n', ["line 3, field tags: must be a list of strings"]),
    ('slug = "x"\ntitle = "X"\n[[forums]]\nname = "C"\ncourtlistener_id = "12"\n',
     ["line 5, field forums #1.courtlistener_id: must be a whole number"]),
    ('slug = "x"\ntitle = "X"\nstatus = "trial"\n[[events]]\ndate = 2025-01-01\ntext = "a"\n'
     'status = "filed"\n', ["field status: status 'trial' is not the timeline's latest"]),
    ('slug = "x"\ntitle = "X"\n[[related]]\nslug = "nope"\nrelation = "parallel"\n',
     ["line 4, field related #1.slug: no dispute 'nope'"]),
    ('slug = "x"\ntitle = "X"\n[[related]]\nslug = "x"\nrelation = "parallel"\n',
     ["line 4, field related #1.slug: a dispute cannot be related to itself"]),
    ('slug = "nyt-v-openai"\ntitle = "X"\n', ["line 1, field slug: a dispute 'nyt-v-openai' "
                                              "already exists", "--update"]),
    ('slug = "x"\ntitle = "X\n', ["is not valid TOML", "line 2"]),
    ('[[dispute]]\nslug = "a"\ntitle = "A"\n[[dispute]]\nslug = "a"\ntitle = "B"\n',
     ["line 5, field dispute #2.slug: slug 'a' is used twice"]),
    ('', ["no dispute in the file"]),
    ('slug = "x"\ntitle = "X"\n[[events]]\ndate = 2999-01-01\ntext = "a"\nstatus = "trial"\n',
     ["line 4, field events #1.date: a status change cannot be dated 2999-01-01, after today"]),
])
def test_a_bad_file_names_file_line_and_field_and_changes_nothing(
        run, seeded, tmp_path, text, needles):
    path = write(tmp_path, text)
    talk = refused(run("dispute", "add", "--from", path), seeded, seeded.read_bytes(), *needles)
    assert path in talk and "nothing was changed" in talk


def test_every_problem_is_counted(run, seeded, tmp_path):
    text = 'slug = "x"\ntitle = "X"\nkind = "a"\nstatus = "b"\ncolour = 1\n'
    talk = refused(run("dispute", "add", "--from", write(tmp_path, text)), seeded,
                   seeded.read_bytes())
    assert "kind" in talk and "status" in talk and "colour" in talk


def test_add_needs_exactly_one_source(run, seeded, tmp_path):
    before = seeded.read_bytes()
    refused(run("dispute", "add"), seeded, before, "give one of")
    refused(run("dispute", "add", "X v. Y", "--from", write(tmp_path, AUTHORS_GUILD)), seeded,
            before, "give one of")
    refused(run("dispute", "add", "--from", str(tmp_path / "missing.toml")), seeded, before,
            "cannot read")


@pytest.mark.parametrize(("args", "needles"), [
    (["--from", "case.toml", "--kind", "other"], ["--kind cannot be used with --from",
                                                  "in the case file"]),
    (["--from", "case.toml", "--slug", "x"], ["--slug cannot be used with --from"]),
    (["--from-courtlistener", "1", "--started", "2020", "--tag", "a"],
     ["--started, --tag cannot be used with --from-courtlistener"]),
    (["X v. Y", "--update"], ["--update cannot be used with a TITLE"]),
    (["X v. Y", "--no-follow"], ["--follow/--no-follow cannot be used with a TITLE"]),
])
def test_add_refuses_options_its_source_does_not_read(run, seeded, tmp_path, args, needles):
    write(tmp_path, AUTHORS_GUILD)
    args = [str(tmp_path / a) if a == "case.toml" else a for a in args]
    refused(run("dispute", "add", *args), seeded, seeded.read_bytes(), *needles)


def test_a_case_file_from_stdin(run, seeded):
    r = run("dispute", "add", "--from", "-", input=AUTHORS_GUILD)
    assert r.exit_code == 0, r.stderr
    assert show(run, "authors-guild-v-openai")["forums"][0]["docket"] == "1:23-cv-08292"


def test_a_forum_with_a_courtlistener_id_follows_its_docket_feed(run, seeded, tmp_path):
    text = AUTHORS_GUILD.replace('docket = "1:23-cv-08292"',
                                 'docket = "1:23-cv-08292"\ncourtlistener_id = 4242')
    r = run("dispute", "add", "--from", write(tmp_path, text))
    assert "following https://www.courtlistener.com/docket/4242/feed/" in r.stderr
    feeds = as_json(run("feed", "list", "--json"))
    assert [(f["kind"], f["dispute"]) for f in feeds] == [("docket", "authors-guild-v-openai")]


# -- import accepts the same minimal records; the round trip -----------------------------


def test_import_accepts_a_minimal_record(run, seeded, tmp_path):
    doc = {"schema_version": 1, "disputes": [
        {"slug": "kadrey-v-meta", "title": "Kadrey v. Meta",
         "parties": [{"name": "Richard Kadrey", "role": "claimant"}],
         "forums": [{"name": "N.D. Cal."}],
         "events": [{"date": "2023-07-07", "text": "Complaint filed.", "status": "filed"}]}]}
    path = tmp_path / "min.json"
    path.write_text(json.dumps(doc))
    r = run("import", str(path))
    assert r.exit_code == 0, r.stderr
    d = show(run, "kadrey-v-meta")
    assert d["parties"][0]["kind"] == "company" and d["forums"][0]["docket"] is None
    assert d["status"] == "filed" and d["created"] and d["events"][0]["recorded"]


def test_round_trip_case_file_export_import_export(run, seeded, tmp_path):
    first = tmp_path / "first.json"
    assert run("--db", str(first), "init", "--empty").exit_code == 0
    template = write(tmp_path, casefile.template())
    assert run("--db", str(first), "dispute", "add", "--from", template).exit_code == 0
    exported = run("--db", str(first), "export").stdout
    out = write(tmp_path, exported, "export.json")
    second = tmp_path / "second.json"
    assert run("--db", str(second), "init", "--empty").exit_code == 0
    assert run("--db", str(second), "import", out).exit_code == 0
    again = run("--db", str(second), "export").stdout
    stamp = json.loads(exported)["exported_at"]
    assert again.replace(json.loads(again)["exported_at"], stamp) == exported


def test_the_research_csv_defuses_formulas_from_a_case_file(run, seeded, tmp_path):
    text = 'slug = "x-v-y"\ntitle = "=1+1"\nclaimants = ["@SUM(A1)", "Plain"]\n'
    assert run("dispute", "add", "--from", write(tmp_path, text)).exit_code == 0
    row = next(line for line in run("dispute", "list", "--csv").stdout.splitlines()
               if line.startswith("x-v-y,"))
    assert row.startswith("x-v-y,'=1+1,") and ",'@SUM(A1);Plain," in row
