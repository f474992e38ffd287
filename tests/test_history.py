"""Status history that can be corrected, and dates compared as dates, not as text."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.conftest import as_json, refused
from tracker.dates import PartialDate, Unread, instant_key, order_key
from tracker.models import Dispute


def show(run, slug: str) -> dict:
    return as_json(run("dispute", "show", slug, "--json"))


def history(run, slug: str) -> list[tuple[str, str]]:
    """The status steps in timeline order: (date, status)."""
    events = as_json(run("dispute", "event", "list", slug, "--json"))
    return [(e["date"], e["status"]) for e in events if e["status"]]


@pytest.fixture
def case(run, seeded):
    r = run("dispute", "add", "Writers v. Model Co", "--started", "2026-02-03")
    assert r.exit_code == 0, r.stderr
    return "writers-v-model-co"


def test_a_status_dated_in_the_future_is_refused(run, case, db):
    before = db.read_bytes()
    talk = refused(run("dispute", "status", case, "motion-to-dismiss", "--date", "2062-08-15"),
                   db, before, "a status change cannot be dated 2062-08-15, after today",
                   "dispute event add")
    assert "Traceback" not in talk
    refused(run("dispute", "event", "add", case, "MTD", "--date", "2062-08",
                "--status", "motion-to-dismiss"), db, before, "cannot be dated 2062-08")
    # This month is not the future (it has begun); a scheduled hearing is an event.
    assert run("dispute", "event", "add", case, "Hearing", "--date", "2062-08-15").exit_code == 0


def test_a_wrong_latest_status_can_be_corrected(run, case):
    assert run("dispute", "status", case, "judgment", "--date", "2026-05-04").exit_code == 0
    r = run("dispute", "status", case, "motion-to-dismiss", "--correct", "--date", "2026-04-01")
    assert r.exit_code == 0, r.stderr
    d = show(run, case)
    assert d["status"] == "motion-to-dismiss"
    assert history(run, case) == [("2026-02-03", "filed"), ("2026-04-01", "motion-to-dismiss")]
    latest = [e for e in d["events"] if e["status"]][-1]
    assert latest["previous_status"] == "filed" and "Corrected" in latest["note"]
    assert "'filed' to 'motion-to-dismiss'" in latest["text"]


def test_the_latest_status_event_can_be_removed_not_the_earlier_ones(run, case, db):
    assert run("dispute", "status", case, "discovery", "--date", "2026-06-01").exit_code == 0
    numbers = {e["status"]: e["n"] for e in as_json(run("dispute", "event", "list", case,
                                                        "--json")) if e["status"]}
    before = db.read_bytes()
    refused(run("dispute", "event", "remove", case, str(numbers["filed"])), db, before,
            "kept as history")
    assert run("dispute", "event", "remove", case, str(numbers["discovery"])).exit_code == 0
    assert show(run, case)["status"] == "filed"  # back to the step before
    refused(run("dispute", "event", "remove", case, "1"), db, db.read_bytes(),
            "the only status change")


def test_history_recorded_out_of_order_gives_the_latest_status(run, seeded):
    """A researcher types the current status first, then the earlier steps."""
    assert run("dispute", "add", "Artists v. Imager", "--status", "appeal",
               "--started", "2026-09").exit_code == 0
    slug = "artists-v-imager"
    for status, when in (("filed", "2024-03-01"), ("motion-to-dismiss", "2024-11"),
                         ("judgment", "2026-08-30")):
        r = run("dispute", "status", slug, status, "--date", when)
        assert r.exit_code == 0, r.stderr
        assert "the status is now 'appeal'" in " ".join(r.stderr.split())
        assert show(run, slug)["status"] == "appeal"
    assert history(run, slug) == [("2024-03-01", "filed"), ("2024-11", "motion-to-dismiss"),
                                  ("2026-08-30", "judgment"), ("2026-09", "appeal")]
    assert run("dispute", "status", slug, "settled", "--date", "2026-10-02").exit_code == 0
    assert show(run, slug)["status"] == "settled"


# -- dates ----------------------------------------------------------------------------------


def test_partial_dates_compare_as_ranges():
    texts = ["2026-11", "2026-11-01", "2026", "2026-10-31", "2025-12-31", "2026-11-30"]
    ordered = sorted(texts, key=lambda t: PartialDate.parse(t))
    assert ordered == ["2025-12-31", "2026", "2026-10-31", "2026-11-01", "2026-11",
                       "2026-11-30"]
    assert sorted(texts) != ordered  # what string order gave
    assert PartialDate.parse("2026-02").last == date(2026, 2, 28)
    assert PartialDate.parse("2024-02").last == date(2024, 2, 29)
    assert PartialDate.parse("2026").last == date(2026, 12, 31)
    assert not PartialDate.parse("2026-12").after(date(2026, 12, 1))
    assert PartialDate.parse("2027").after(date(2026, 12, 31))
    assert str(PartialDate.parse("2026-03")) == "2026-03"
    for bad in ("2026-13", "2026-02-30", "26-01-01", "2026/01/01"):
        with pytest.raises(ValueError):
            PartialDate.parse(bad)
    assert order_key("no date") > order_key("9999-12")  # malformed sorts last


def test_events_hold_dates_in_memory_and_text_in_records():
    raw = {"slug": "a-v-b", "title": "A v. B", "events": [
        {"date": "2026-11", "text": "month"}, {"date": "2026-11-01", "text": "day"},
        {"date": "2025-02-30", "text": "damaged"}, {"date": "2026", "text": "year"}]}
    d = Dispute.from_dict(raw)
    assert d.events[0].date == PartialDate(2026, 11)
    assert d.events[1].date.isoformat() == "2026-11-01"
    assert d.events[2].date == Unread("2025-02-30")  # kept as it is, for doctor to name
    assert [e.text for e in d.timeline()] == ["year", "day", "month", "damaged"]
    assert [e["date"] for e in d.to_dict()["events"]] == [e["date"] for e in raw["events"]]
    with pytest.raises(TypeError, match=r"events\[0\]\.date: expected text, found int 7"):
        Dispute.from_dict({**raw, "events": [{"date": 7, "text": "x"}]})
    with pytest.raises(AttributeError):
        PartialDate(2026).year = 2027  # type: ignore[misc]  # immutable


def test_a_timeline_sorts_partial_dates_as_ranges(run, case):
    for when in ("2026-11", "2026-11-01", "2026-10-31"):
        assert run("dispute", "event", "add", case, f"on {when}", "--date", when).exit_code == 0
    events = as_json(run("dispute", "event", "list", case, "--json"))
    assert [e["date"] for e in events] == ["2026-02-03", "2026-10-31", "2026-11-01", "2026-11"]


def test_timestamps_of_other_offsets_and_precisions_compare_as_instants():
    assert instant_key("2026-11-02T10:00:00+09:00") < instant_key("2026-11-02T05:00:00+00:00")
    assert instant_key("2026-11-02T05:00:00Z") == instant_key("2026-11-02T05:00:00+00:00")
    assert instant_key("2026-11-02T05:00:00") == instant_key("2026-11-02T05:00:00+00:00")
    assert instant_key("2026-11-02T07:00:00+02:00") == "2026-11-02T05:00:00+00:00"
    assert instant_key("2026-11") <= instant_key("2026-11-01") <= instant_key(
        "2026-11-01T00:00:00+00:00") < instant_key("2026-11-01T00:00:00.000001+00:00")
    assert instant_key("2026-11-02T05:00:00.5+00:00") > instant_key("2026-11-02T05:00:00+00:00")
    assert instant_key("2026-10-31T23:30:00-01:00") > instant_key("2026-11-01")


def test_articles_list_newest_first_across_offsets(run, seeded):
    """Feeds give timestamps with offsets; people give months. Listings order instants."""
    from tracker.models import Article, Link
    from tracker.storage import open_store

    with open_store(seeded, write=True) as store:
        store.put_articles([
            Article(url=f"https://news.example/{name}", published=published,
                    links=[Link("nyt-v-openai", "manual")])
            for name, published in (("tokyo", "2026-11-02T10:00:00+09:00"),
                                    ("london", "2026-11-02T05:00:00+00:00"),
                                    ("month", "2026-11"))])
    listed = [a["url"].rsplit("/", 1)[1] for a in as_json(run("article", "list", "--json"))]
    assert listed == ["london", "tokyo", "month"]
    since = [a["url"].rsplit("/", 1)[1]
             for a in as_json(run("article", "list", "--since", "2026-11-02", "--json"))]
    assert since == ["london", "tokyo"]


# -- relations across import and filtered exports -----------------------------------------


def _doc_with(run, tmp_path, *slugs: str) -> str:
    path = tmp_path / f"{'-'.join(slugs)}.json"
    args = [x for s in slugs for x in ("-d", s)]
    assert run("export", *args, "-o", str(path)).exit_code == 0
    return str(path)


def test_an_imported_relation_is_made_symmetric(run, seeded, tmp_path):
    """Importing a dispute marked consolidated-into NYT gives NYT the inverse, as relate."""
    import json

    doc = json.loads(run("export", "-d", "nyt-v-openai").stdout)
    mdl = {**doc["disputes"][0], "slug": "authors-v-openai", "title": "Authors v. OpenAI",
           "related": [{"slug": "nyt-v-openai", "relation": "consolidated-into"}]}
    doc["disputes"], doc["articles"], doc["feeds"] = [mdl], [], []
    path = tmp_path / "authors.json"
    path.write_text(json.dumps(doc))
    r = run("import", str(path), "--json")
    assert r.exit_code == 0, r.stderr
    assert json.loads(r.stdout)["disputes"]["updated"] == 1  # NYT gained the inverse
    nyt = show(run, "nyt-v-openai")
    assert {"slug": "authors-v-openai", "relation": "consolidates"} in nyt["related"]
    again = run("import", str(path), "--json")
    assert json.loads(again.stdout)["disputes"] == {"added": 0, "updated": 0, "unchanged": 1}


def test_a_dispute_export_drops_relations_it_cannot_carry_and_says_so(run, seeded, tmp_path):
    assert run("dispute", "relate", "nyt-v-openai", "parallel", "getty-v-stability").exit_code == 0
    r = run("export", "-d", "nyt-v-openai")
    assert r.exit_code == 0
    assert "left out the relation nyt-v-openai parallel getty-v-stability" in " ".join(
        r.stderr.split())
    import json

    assert json.loads(r.stdout)["disputes"][0]["related"] == []
    fresh = tmp_path / "fresh.json"
    assert run("--db", str(fresh), "init", "--empty").exit_code == 0
    assert run("--db", str(fresh), "import", _doc_with(run, tmp_path, "nyt-v-openai")
               ).exit_code == 0
    doctor = run("--db", str(fresh), "doctor", "--json")
    assert doctor.exit_code == 0, doctor.stdout  # stands on its own: no dangling link
    both = _doc_with(run, tmp_path, "nyt-v-openai", "getty-v-stability")
    assert json.loads(Path(both).read_text())["disputes"][1]["related"] != []  # carried, both in


def test_an_old_export_with_a_dangling_relation_imports_without_it(run, seeded, tmp_path):
    import json

    doc = json.loads(run("export", "-d", "coda-v-openai").stdout)
    doc["disputes"][0]["related"] = [{"slug": "gone-case", "relation": "parallel"}]
    path = tmp_path / "old.json"
    path.write_text(json.dumps(doc))
    fresh = tmp_path / "fresh.json"
    assert run("--db", str(fresh), "init", "--empty").exit_code == 0
    r = run("--db", str(fresh), "import", str(path))
    assert r.exit_code == 0, r.stderr
    assert "dropped the relation(s) to gone-case" in " ".join(r.stderr.split())
    assert run("--db", str(fresh), "doctor").exit_code == 0
