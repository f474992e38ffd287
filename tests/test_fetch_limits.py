"""How fetch_all shares its limits: at most `per_host` requests and connections per host,
and a feed waiting for its host never holds a slot another host could use."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import httpx

from tests.feedserver import FeedServer, Route, rss
from tracker.fetching import Request, Settings, fetch_all


def test_a_feed_waiting_for_its_host_leaves_the_slot_to_another_host():
    """Two slots, one per host: while a.example's first feed is held, b.example's feed
    must get the second slot even though two more a.example feeds were queued first."""
    b_started = asyncio.Event()
    in_flight: dict[str, int] = {}
    most: dict[str, int] = {}

    async def handler(request: httpx.Request) -> httpx.Response:
        host = request.url.host
        in_flight[host] = in_flight.get(host, 0) + 1
        most[host] = max(most.get(host, 0), in_flight[host])
        try:
            if host == "b.example":
                b_started.set()
            elif request.url.path == "/1":
                await asyncio.wait_for(b_started.wait(), 10)  # TimeoutError: b never ran
            return httpx.Response(304)
        finally:
            in_flight[host] -= 1

    requests = [Request(f"https://a.example/{i}", etag='"e"') for i in (1, 2, 3)]
    requests.append(Request("https://b.example/1", etag='"e"'))
    results = fetch_all(requests, Settings(concurrency=2, per_host=1),
                        transport=httpx.MockTransport(handler))
    assert [r.outcome for r in results] == ["not-modified"] * 4, [r.error for r in results]
    assert most == {"a.example": 1, "b.example": 1}


def test_a_hosts_feeds_share_its_few_connections():
    """Ten feeds on one host with per_host 2: two connections, kept open between feeds."""
    with FeedServer() as server:
        for i in range(10):
            server.routes[f"/f{i}"] = Route(rss([{"title": f"Story {i}", "link": f"https://n.example/{i}"}]))
        requests = [Request(server.url(f"/f{i}")) for i in range(10)]
        results = fetch_all(requests, Settings(concurrency=16, per_host=2, workers=1))
        assert all(r.outcome == "ok" for r in results), [r.error for r in results]
        assert server.connections <= 2


def test_a_redirect_on_the_same_host_keeps_its_connection():
    """Two hops and the feed on one host: one connection, as with httpx's client (a
    redirect closed unread drops its connection); a redirect whose body never ends is
    still followed, long before the poll's timeout."""

    def endless() -> Iterator[bytes]:
        while True:
            yield b"moved " * 1000

    with FeedServer() as server:
        server.routes["/old"] = Route(b"<p>moved</p>", status=302, headers={"Location": "/mid"})
        server.routes["/mid"] = Route(status=301, headers={"Location": "/f"})
        server.routes["/f"] = Route(rss([{"title": "Story", "link": "https://n.example/1"}]))
        server.routes["/chatty"] = Route(status=302, headers={"Location": "/f"}, stream=endless)
        [result] = fetch_all([Request(server.url("/old"))], Settings(workers=1))
        assert result.outcome == "ok" and result.parsed and result.parsed.entries
        assert server.connections == 1
        [result] = fetch_all([Request(server.url("/chatty"))], Settings(workers=1, timeout=30))
        assert result.outcome == "ok", result.error


def test_a_redirect_made_in_memory_is_followed():
    """httpx.MockTransport answers with responses already read (content=...): following
    their redirects must not read them again (StreamConsumed stopped the whole fetch)."""

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/old":
            return httpx.Response(301, headers={"Location": "/new"}, content=b"moved")
        return httpx.Response(200, content=rss([{"title": "Story", "link": "https://n.example/1"}]))

    [result] = fetch_all([Request("https://m.example/old")], Settings(workers=1),
                         transport=httpx.MockTransport(handler))
    assert (result.outcome, result.final_url) == ("ok", "https://m.example/new"), result.error
