"""A private feed's password (https://user:secret@host/...) is hidden wherever a person
reads its address, and kept exact in the data that must round-trip (--json, export)."""

from __future__ import annotations

import json

import pytest

from tests.conftest import as_json
from tests.feedserver import FeedServer, Route, rss
from tracker.cli.output import clean
from tracker.text import mask

SECRET = "s3cret-token"
ITEM = {"title": "Nothing about any dispute", "link": "https://news.example.com/x",
        "description": "-", "pubDate": "Mon, 02 Nov 2026 10:00:00 GMT", "guid": "x-1"}


@pytest.fixture
def server():
    with FeedServer() as srv:
        yield srv


def private(server: FeedServer) -> str:
    return server.url("/private.xml").replace("http://", f"http://reader:{SECRET}@")


@pytest.mark.parametrize(("text", "shown"), [
    ("https://user:secret@feeds.example/private.xml",
     "https://user:***@feeds.example/private.xml"),
    ("feed failing: https://u:p@ss@h/a.xml (HTTP 500); next", "feed failing: https://u:***@h/a.xml"
     " (HTTP 500); next"),
    ("postgresql://me:pw@db/t?password=pw&x=1", "postgresql://me:***@db/t?password=***&x=1"),
    ("see https://h/feed.xml?Password=pw", "see https://h/feed.xml?Password=***"),
    ("https://user@h:8080/a.xml https://h/?q=a:b@c", "https://user@h:8080/a.xml https://h/?q=a:b@c"),
])
def test_mask_hides_every_password_in_a_text(text, shown):
    assert mask(text) == shown
    assert clean(text) == shown  # the one sanitiser every table cell and message uses


def test_a_private_feeds_password_never_reaches_stderr_or_a_table(run, seeded, server):
    url = private(server)
    shown = url.replace(SECRET, "***")
    server.routes["/private.xml"] = Route(b"down", status=500, content_type="text/plain")
    outputs = []

    def ok(*args: str, code: int = 0) -> str:
        result = run(*args)
        assert result.exit_code == code, result.stderr
        outputs.append(result.stdout + result.stderr)
        return outputs[-1]

    assert shown in ok("feed", "add", url, "--no-check")
    assert f"already subscribed to {shown}" in ok("feed", "add", url, "--no-check", code=2)
    ok("feed", "disable", url)
    assert shown in ok("feed", "enable", url)
    assert shown in ok("poll", "-q", code=3)  # feed failing: URL (HTTP 500); next try ...
    ok("feed", "list")
    ok("feed", "list", "--wide")
    assert shown in ok("feed", "list", "--columns", "id,url")
    assert shown in ok("-v", "poll", "--feed", url, code=3)  # log lines and warnings
    server.routes["/private.xml"] = Route(rss([ITEM]))
    assert f"feed recovered: {shown}" in ok("poll", "-q", "--feed", url)
    ok("feed", "edit", url, "--name", "")
    assert "reader:***@127.0.0.1" in outputs[-1]
    ok("doctor")
    assert shown in ok("feed", "remove", url)
    assert all(SECRET not in text for text in outputs), outputs


def test_a_private_feeds_address_round_trips_exactly(run, seeded, server, tmp_path):
    url = private(server)
    assert run("feed", "add", url, "--no-check").exit_code == 0
    assert as_json(run("feed", "list", "--json"))[0]["url"] == url
    assert json.loads(run("feed", "list", "--nl").stdout)["url"] == url
    assert run("feed", "list", "--csv").stdout.splitlines()[1].endswith("," + url)
    assert f'xmlUrl="{url}"' in run("feed", "export").stdout  # OPML, for another reader
    backup = tmp_path / "backup.json"
    assert run("export", "-o", str(backup)).exit_code == 0
    assert url in backup.read_text()
    assert run("feed", "remove", url).exit_code == 0
    assert run("import", str(backup)).exit_code == 0
    assert [f["url"] for f in as_json(run("feed", "list", "--json"))] == [url]
