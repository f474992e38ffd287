"""CourtListener REST v4: `dispute add --from-courtlistener` and `dispute refresh`.

The API is an httpx.MockTransport answering in the documented v4 shape of the dockets
endpoint (and Django REST framework's error bodies): never the real service.
"""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from tests.conftest import Run, as_json, refused
from tracker import courtlistener

# A docket as GET /api/rest/v4/dockets/<id>/ returns it, every top-level field of the v4
# shape; the values are written for the test (the id and numbers are illustrative).
AUTHORS_GUILD = {
    "resource_uri": "https://www.courtlistener.com/api/rest/v4/dockets/67810584/",
    "id": 67810584,
    "court": "https://www.courtlistener.com/api/rest/v4/courts/nysd/",
    "court_id": "nysd",
    "original_court_info": None,
    "idb_data": None,
    "clusters": [],
    "audio_files": [],
    "assigned_to": "https://www.courtlistener.com/api/rest/v4/people/3183/",
    "referred_to": None,
    "absolute_url": "/docket/67810584/authors-guild-v-openai-inc/",
    "date_created": "2023-09-20T06:21:11.042317-07:00",
    "date_modified": "2026-11-30T09:02:44.117052-08:00",
    "source": 9,
    "appeal_from_str": "",
    "assigned_to_str": "Sidney H. Stein",
    "referred_to_str": "",
    "panel_str": "",
    "date_last_index": None,
    "date_cert_granted": None,
    "date_cert_denied": None,
    "date_argued": None,
    "date_reargued": None,
    "date_reargument_denied": None,
    "date_filed": "2023-09-19",
    "date_terminated": None,
    "date_last_filing": "2026-11-24",
    "case_name_short": "Authors Guild",
    "case_name": "Authors Guild v. OpenAI Inc.",
    "case_name_full": "Authors Guild, et al. v. OpenAI Inc., et al.",
    "slug": "authors-guild-v-openai-inc",
    "docket_number": "1:23-cv-08292",
    "docket_number_core": "2308292",
    "pacer_case_id": "606655",
    "cause": "17:501 Copyright Infringement",
    "nature_of_suit": "820 Copyright",
    "jury_demand": "Plaintiff",
    "jurisdiction_type": "Federal question",
    "appellate_fee_status": "",
    "appellate_case_type_information": "",
    "mdl_status": "",
    "filepath_ia": "",
    "filepath_ia_json": "",
    "ia_upload_failure_count": None,
    "ia_needs_upload": None,
    "ia_date_first_change": None,
    "date_blocked": None,
    "blocked": False,
    "tags": [],
    "panel": [],
}

class Requests(list[httpx.Request]):
    """The requests the API saw, and the answers it is to give, in order."""

    def __init__(self) -> None:
        super().__init__()
        self.answers: list[httpx.Response] = []


@pytest.fixture
def api(monkeypatch: pytest.MonkeyPatch) -> Requests:
    seen = Requests()

    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return seen.answers.pop(0)

    monkeypatch.setattr(courtlistener, "transport", httpx.MockTransport(handle))
    monkeypatch.delenv(courtlistener.TOKEN_ENV, raising=False)
    return seen


def docket(**changes: Any) -> httpx.Response:
    return httpx.Response(200, json={**AUTHORS_GUILD, **changes})


def show(run: Run, slug: str) -> dict:
    return as_json(run("dispute", "show", slug, "--json"))


def test_one_command_adds_a_case_from_a_docket_id(run, seeded, api, monkeypatch):
    monkeypatch.setenv(courtlistener.TOKEN_ENV, "secret-token")
    api.answers.append(docket())
    r = run("dispute", "add", "--from-courtlistener", "67810584", "--slug",
            "authors-guild-v-openai")
    assert r.exit_code == 0, r.stderr
    assert len(api) == 1  # one request, no more
    request = api[0]
    assert str(request.url) == "https://www.courtlistener.com/api/rest/v4/dockets/67810584/"
    assert request.headers["Authorization"] == "Token secret-token"
    d = show(run, "authors-guild-v-openai")
    assert d["title"] == "Authors Guild v. OpenAI Inc."
    assert d["started"] == "2023-09-19" and d["status"] == "filed"
    assert d["forums"] == [{
        "name": "U.S. District Court, S.D.N.Y.", "jurisdiction": "US",
        "docket": "1:23-cv-08292", "courtlistener_id": 67810584,
        "note": "820 Copyright; 17:501 Copyright Infringement", "judge": "Sidney H. Stein"}]
    assert d["claims"] == ["17:501 Copyright Infringement"]
    assert d["events"][0]["source"] == (
        "https://www.courtlistener.com/docket/67810584/authors-guild-v-openai-inc/")
    talk = " ".join(r.stderr.split())
    assert "does not list the parties" in talk and "party add authors-guild-v-openai" in talk
    assert "following https://www.courtlistener.com/docket/67810584/feed/" in talk
    feeds = as_json(run("feed", "list", "--json"))
    assert [(f["kind"], f["dispute"]) for f in feeds] == [("docket", "authors-guild-v-openai")]


def test_a_docket_page_url_works_and_the_slug_comes_from_the_short_name(run, seeded, api):
    api.answers.append(docket())
    r = run("dispute", "add", "--from-courtlistener",
            "https://www.courtlistener.com/docket/67810584/authors-guild-v-openai-inc/",
            "--no-follow")
    assert r.exit_code == 0, r.stderr
    assert "Authorization" not in api[0].headers  # no token: the anonymous allowance
    assert show(run, "authors-guild")["forums"][0]["courtlistener_id"] == 67810584
    assert as_json(run("feed", "list", "--json")) == []


def test_the_token_can_come_from_the_config(run, seeded, api, isolated):
    (isolated / "test-config.toml").write_text('feeds = []\n[courtlistener]\ntoken = "from-cfg"\n')
    api.answers.append(docket())
    assert run("dispute", "add", "--from-courtlistener", "67810584").exit_code == 0
    assert api[0].headers["Authorization"] == "Token from-cfg"


def test_a_terminated_docket_is_closed_with_a_hint(run, seeded, api):
    api.answers.append(docket(date_terminated="2025-09-25"))
    r = run("dispute", "add", "--from-courtlistener", "67810584")
    assert r.exit_code == 0, r.stderr
    d = show(run, "authors-guild")
    assert d["status"] == "closed"
    assert (d["events"][-1]["date"], d["events"][-1]["previous_status"]) == ("2025-09-25",
                                                                             "filed")
    assert "set the precise status" in r.stderr


def test_429_says_how_long_to_wait_and_does_not_retry(run, seeded, api):
    api.answers.append(httpx.Response(429, headers={"Retry-After": "58"},
                                      json={"detail": "Request was throttled. Expected "
                                            "available in 58 seconds."}))
    talk = refused(run("dispute", "add", "--from-courtlistener", "67810584"), seeded,
                   seeded.read_bytes(), "too many requests (429)", "wait 58 seconds",
                   "does not retry", "5 requests a minute", code=1)
    assert "UTC" in talk
    assert len(api) == 1


def test_429_with_a_date_for_retry_after(run, seeded, api):
    api.answers.append(httpx.Response(429, headers={"Retry-After":
                                                    "Wed, 02 Dec 2026 00:10:00 GMT"}))
    refused(run("dispute", "add", "--from-courtlistener", "67810584"), seeded,
            seeded.read_bytes(), "wait until 2026-12-02 00:10 UTC", code=1)


def test_401_for_a_bad_token(run, seeded, api, monkeypatch):
    monkeypatch.setenv(courtlistener.TOKEN_ENV, "wrong")
    api.answers.append(httpx.Response(401, json={"detail": "Invalid token."}))
    refused(run("dispute", "add", "--from-courtlistener", "67810584"), seeded,
            seeded.read_bytes(), "refused the API token (401: Invalid token.)",
            "$COURTLISTENER_TOKEN")


def test_401_without_a_token_asks_for_one(run, seeded, api):
    api.answers.append(httpx.Response(401, json={
        "detail": "Authentication credentials were not provided."}))
    refused(run("dispute", "add", "--from-courtlistener", "67810584"), seeded,
            seeded.read_bytes(), "wants an API token", "set $COURTLISTENER_TOKEN")


def test_404_for_an_unknown_docket(run, seeded, api):
    api.answers.append(httpx.Response(404, json={"detail": "No Docket matches the given query."}))
    refused(run("dispute", "add", "--from-courtlistener", "999999999"), seeded,
            seeded.read_bytes(), "CourtListener has no docket 999999999")


@pytest.mark.parametrize(("answer", "needle"), [
    (httpx.Response(500, text="oops"), "answered HTTP 500"),
    (httpx.Response(200, text="<html>"), "is not JSON"),
    (httpx.Response(200, json=[1, 2]), "not a docket"),
    (httpx.Response(200, json={**AUTHORS_GUILD, "date_filed": "last week"}),
     "invalid date_filed"),
    (httpx.Response(200, json={**AUTHORS_GUILD, "case_name": 7}), "unexpected 'case_name'"),
])
def test_bad_answers_change_nothing(run, seeded, api, answer, needle):
    api.answers.append(answer)
    refused(run("dispute", "add", "--from-courtlistener", "67810584"), seeded,
            seeded.read_bytes(), needle, code=1)


def test_a_network_failure_changes_nothing(run, seeded, monkeypatch):
    def fail(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    monkeypatch.setattr(courtlistener, "transport", httpx.MockTransport(fail))
    refused(run("dispute", "add", "--from-courtlistener", "67810584"), seeded,
            seeded.read_bytes(), "could not reach CourtListener", code=1)


@pytest.mark.parametrize("ref", ["abc", "0", "https://example.com/docket/1/",
                                 "https://www.courtlistener.com/opinion/1/x/"])
def test_not_a_docket_reference_makes_no_request(run, seeded, api, ref):
    refused(run("dispute", "add", "--from-courtlistener", ref), seeded, seeded.read_bytes(),
            "not a CourtListener docket")
    assert api == []


def test_a_docket_already_recorded_or_a_taken_slug(run, seeded, api):
    before = seeded.read_bytes()
    refused(run("dispute", "add", "--from-courtlistener", "1", "--slug", "nyt-v-openai"),
            seeded, before, "a dispute 'nyt-v-openai' already exists")
    assert api == []  # refused before spending a request
    api.answers.append(httpx.Response(200, json={**AUTHORS_GUILD, "id": 68117049}))
    refused(run("dispute", "add", "--from-courtlistener", "68117049"), seeded, before,
            "docket 68117049 is already recorded in 'nyt-v-openai'", "dispute refresh")


# -- refresh ---------------------------------------------------------------------------------


def test_refresh_records_what_changed_as_events_with_their_source(run, seeded, api):
    api.answers.append(docket())
    run("dispute", "add", "--from-courtlistener", "67810584", "--no-follow")
    api.answers.append(docket(assigned_to_str="Ona T. Wang", docket_number="1:24-cv-00084",
                              date_terminated="2026-11-20"))
    r = run("dispute", "refresh", "authors-guild", "--json")
    assert r.exit_code == 0, r.stderr
    changes = json.loads(r.stdout)["changes"]
    assert len(changes) == 3 and "assigned to Ona T. Wang (was Sidney H. Stein)" in changes[1]
    d = show(run, "authors-guild")
    f = d["forums"][0]
    assert (f["judge"], f["docket"]) == ("Ona T. Wang", "1:24-cv-00084")
    assert d["events"][0]["origin"] == "manual"  # added by the user's own command
    new = d["events"][1:]
    assert all(e["source"].startswith("https://www.courtlistener.com/docket/67810584/")
               and e["origin"] == "https://www.courtlistener.com/api/rest/v4/dockets/67810584/"
               for e in new)
    assert d["status"] == "closed" and new[-1]["date"] == "2026-11-20"
    api.answers.append(docket(assigned_to_str="Ona T. Wang", docket_number="1:24-cv-00084",
                              date_terminated="2026-11-20"))
    blob = seeded.read_bytes()
    r = run("dispute", "refresh", "authors-guild")
    assert "up to date" in r.stderr and seeded.read_bytes() == blob


def test_refresh_of_a_seeded_docket_ignores_the_judges_initials(run, seeded, api):
    # The seed writes 1:23-cv-11195-SHS; CourtListener's docket_number has no initials.
    api.answers.append(docket(id=68117049, docket_number="1:23-cv-11195",
                              assigned_to_str="Sidney H. Stein",
                              cause="17:501 Copyright Infringement"))
    r = run("dispute", "refresh", "nyt-v-openai", "--json")
    assert r.exit_code == 0, r.stderr
    changes = json.loads(r.stdout)["changes"]
    assert not any("docket number" in c for c in changes)
    assert not any("assigned to" in c for c in changes)  # the seed names the judge
    forum = show(run, "nyt-v-openai")["forums"][0]
    assert (forum["docket"], forum["judge"]) == ("1:23-cv-11195-SHS", "Sidney H. Stein")


def test_refresh_refuses_without_a_docket_and_on_429(run, seeded, api):
    before = seeded.read_bytes()
    talk = refused(run("dispute", "refresh", "coda-v-openai"), seeded, before,
                   "has no forum with a CourtListener docket id")
    assert "forum add coda-v-openai" in talk  # it has no forum #1 to edit
    assert api == []
    api.answers.append(httpx.Response(429, headers={"Retry-After": "3600"}))
    refused(run("dispute", "refresh", "nyt-v-openai"), seeded, before, "wait 3600 seconds",
            code=1)
    assert len(api) == 1


def test_refresh_never_asks_more_than_a_minutes_allowance(run, seeded, api, tmp_path):
    forums = "".join(f'[[forums]]\nname = "C{i}"\ncourtlistener_id = {i}\n' for i in range(1, 7))
    case = tmp_path / "many.toml"
    case.write_text(f'slug = "many"\ntitle = "Many"\n{forums}')
    assert run("dispute", "add", "--from", str(case), "--no-follow").exit_code == 0
    refused(run("dispute", "refresh", "many"), seeded, seeded.read_bytes(),
            "has 6 CourtListener dockets", "5 requests a minute")
    assert api == []
