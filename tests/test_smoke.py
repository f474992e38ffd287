from tests.conftest import as_json


def test_seeded_disputes_listed(run, seeded):
    rows = as_json(run("dispute", "list", "--json"))
    assert [r["slug"] for r in rows] == ["coda-v-openai", "getty-v-stability", "nyt-v-openai"]


def test_unknown_slug_suggests(run, seeded):
    r = run("dispute", "show", "nyt-v-opena")
    assert r.exit_code == 2
    assert "nyt-v-openai" in r.stderr
    assert r.stdout == ""
