"""Date types inside the program, text at the boundary (issue 12).

Partial dates (`2026`, `2026-11`) compare as the ranges of days they cover, timestamps
as UTC instants; the store, the export and --json keep the exact text they were given.
"""

from __future__ import annotations

import csv
import io

import pytest

from tests.conftest import as_json
from tracker import dates
from tracker.dates import PartialDate, Unread
from tracker.models import Dispute


def test_a_disputes_start_is_a_date_in_memory_and_text_in_records():
    raw = [{"slug": f"d{i}", "title": "T", "started": s}
           for i, s in enumerate(["2026-11", "2026-11-01", "2026", "soon", None])]
    found = [Dispute.from_dict(r) for r in raw]
    assert found[0].started == PartialDate(2026, 11)
    assert found[3].started == Unread("soon")  # damaged text is kept, for doctor to name
    # As ranges: the year first (it begins earliest), a day before the month it begins.
    started = sorted((d for d in found if d.started), key=lambda d: d.started)
    assert [str(d.started) for d in started] == ["2026", "2026-11-01", "2026-11", "soon"]
    assert [d.to_dict()["started"] for d in found] == [r["started"] for r in raw]
    with pytest.raises(TypeError, match="started: expected text, found int 2026"):
        Dispute.from_dict({"slug": "x", "title": "X", "started": 2026})


def test_a_start_given_by_month_is_shown_and_exported_as_given(run, seeded):
    assert run("dispute", "add", "A v. B", "--started", "2023-09").exit_code == 0
    assert as_json(run("dispute", "show", "a-v-b", "--json"))["started"] == "2023-09"
    rows = {r["slug"]: r for r in csv.DictReader(io.StringIO(
        run("dispute", "list", "--csv").stdout))}
    assert rows["a-v-b"]["since"] == "2023-09"
    assert run("dispute", "edit", "a-v-b", "--started", "2023").exit_code == 0
    exported = {d["slug"]: d for d in as_json(run("export"))["disputes"]}
    assert exported["a-v-b"]["started"] == "2023"
    assert exported["a-v-b"]["events"][0]["date"] == "2023-09"  # its first status, when filed
    assert "since 2023" in run("dispute", "show", "a-v-b").stdout


def test_since_a_day_takes_a_month_or_year_that_begins_on_it(backend, run):
    assert run("init").exit_code == 0
    for name, published in (("year", "2026"), ("month", "2026-11"), ("day", "2026-11-01"),
                            ("before", "2026-10-31")):
        assert run("article", "add", f"https://news.example/{name}", "-d", "nyt-v-openai",
                   "--published", published).exit_code == 0
    run("article", "add", "https://news.example/stamped", "-d", "nyt-v-openai")

    def since(when: str) -> set[str]:
        found = as_json(run("article", "list", "--since", when, "--json"))
        return {a["url"].rsplit("/", 1)[1] for a in found} - {"stamped"}

    assert since("2026-11-01") == {"month", "day"}  # November begins on 1 November
    assert since("2026-11") == {"month", "day"}
    assert since("2026-01-01") == {"year", "month", "day", "before"}
    assert since("2026") == since("2026-01-01")
    assert since("2026-11-02") == set()  # November began before the 2nd
    assert since("2027") == set()


def test_since_keys_are_the_lowest_key_of_their_first_moment():
    from datetime import datetime, timezone

    key = dates.since_key
    assert key(PartialDate.parse("2026-11-01")) == "2026-11"
    assert key(PartialDate.parse("2026-01-01")) == key(PartialDate(2026)) == "2026"
    assert key(PartialDate.parse("2026-11-05")) == "2026-11-05"
    assert key(PartialDate(2026, 2)) == "2026-02"
    midnight = datetime(2026, 11, 1, tzinfo=timezone.utc)
    assert key(midnight) == "2026-11"  # a day's first moment: as that day
    assert key(midnight.replace(hour=1)) == "2026-11-01T01:00:00+00:00"
    # Every key at or after the bound begins at or after it, every key before it earlier.
    texts = ["2026", "2026-10", "2026-10-31", "2026-10-31T23:59:59+00:00", "2026-11",
             "2026-11-01", "2026-11-01T00:00:00+00:00", "2026-11-30"]
    later = [t for t in texts if dates.instant_key(t) >= key(PartialDate.parse("2026-11-01"))]
    assert later == texts[4:]
