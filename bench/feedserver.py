"""Synthetic feed server on loopback hosts for the tracker benchmark.

Serves ``/feed/{i}.xml`` and ``/feeds.opml``. Each feed takes one of the shapes in
bench/shapes.py (``mix="real"``: WordPress, Substack, Google News, dockets, podcasts ...;
``mix="plain"``: even i plain RSS 2.0, odd i plain Atom). With ``hosts=N`` (N > 1) the
feeds are spread over N loopback addresses, 127.0.0.2 ... 127.0.0.(N+1) (all loopback on
Linux), as real subscriptions are spread over many sites; one host is 127.0.0.1.
Content is deterministic for a given (seed, feeds, entries, match_every, mix, hosts).
Every response honours ETag / Last-Modified (answering 304 to a matching
If-None-Match or If-Modified-Since) and is held back by a fixed delay that
stands in for network latency. The server counts requests in flight per host, so a
benchmark can show how polite a poll was.

Run standalone: ``python bench/feedserver.py --feeds 200 --hosts 20 --port 8765``.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from shapes import SHAPES, shape_of

HOST = "127.0.0.1"  # the one host when hosts=1
EPOCH = datetime(2025, 11, 1, 12, 0, 0, tzinfo=timezone.utc)

# (dispute id, title templates, summary lead-ins); titles name the parties.
DISPUTES: list[tuple[str, list[str], list[str]]] = [
    (
        "nyt-v-openai",
        [
            "New York Times presses OpenAI copyright lawsuit over ChatGPT training",
            "Judge weighs New York Times bid for OpenAI ChatGPT output logs",
            "OpenAI says New York Times copyright suit should be narrowed",
            "New York Times and OpenAI clash over fair use in ChatGPT case",
        ],
        [
            "The New York Times' copyright case against OpenAI and Microsoft moved forward",
            "OpenAI lawyers argued the New York Times lawsuit over ChatGPT should be narrowed",
        ],
    ),
    (
        "getty-v-stability",
        [
            "Getty Images appeal against Stability AI in High Court copyright case",
            "Stability AI wins partial victory over Getty Images in London copyright trial",
            "Getty Images v Stability AI: what the High Court ruling means",
            "Getty Images weighs next steps after Stability AI copyright ruling",
        ],
        [
            "Getty Images said it would appeal the High Court decision on Stability AI",
            "The Getty Images dispute with Stability AI over Stable Diffusion returned to court",
        ],
    ),
    (
        "coda-v-openai",
        [
            "CODA demands OpenAI stop training Sora 2 on Studio Ghibli works",
            "Japanese publishers group CODA writes to OpenAI over Sora 2 training",
            "Studio Ghibli and other CODA members object to OpenAI's Sora 2 training",
            "OpenAI faces CODA pressure over Sora 2 and Japanese anime copyright",
        ],
        [
            "Japan's Content Overseas Distribution Association (CODA) wrote to OpenAI"
            " about copyright",
            "Members of CODA, including Studio Ghibli, say OpenAI's Sora 2 copies their works"
            " without permission",
        ],
    ),
]

SUBJECTS = [
    "Chipmaker",
    "Cloud provider",
    "Startup",
    "Browser vendor",
    "Telecom giant",
    "Database project",
    "Robotics firm",
    "Payments company",
    "Game studio",
    "Open-source foundation",
    "Smartphone maker",
    "Satellite operator",
]
VERBS = [
    "unveils",
    "delays",
    "open-sources",
    "acquires",
    "benchmarks",
    "patches",
    "redesigns",
    "expands",
    "retires",
    "prices",
    "ships",
    "tests",
]
OBJECTS = [
    "new 3nm processor",
    "edge caching service",
    "Rust rewrite of its scheduler",
    "battery chemistry",
    "quantum error-correction demo",
    "data centre in Norway",
    "privacy dashboard",
    "developer SDK",
    "fibre network upgrade",
    "vector database",
    "low-orbit broadband beta",
    "handheld console",
]
FILLER = [
    "Analysts said the move could reshape the market over the next year.",
    "The company declined to give a release date for other regions.",
    "Early benchmarks suggest a modest improvement over the previous generation.",
    "Developers have been asking for the change since last spring.",
    "Regulators are expected to review the details before the end of the quarter.",
    "Shares were little changed in early trading after the announcement.",
    "The project maintainers published a migration guide alongside the release.",
    "Critics argue the pricing leaves smaller customers behind.",
    "A spokesperson said more details would follow at the annual conference.",
    "Internal documents seen by reporters describe a phased rollout.",
]


@dataclass(frozen=True)
class Entry:
    """One synthetic feed entry."""

    title: str
    link: str
    guid: str
    published: datetime
    summary: str
    dispute: str | None


@dataclass(frozen=True)
class Feed:
    """A rendered feed body with its caching validators."""

    body: bytes
    content_type: str
    etag: str
    last_modified: datetime
    shape: str = "rss"
    matching: int = 0  # entries that mention a seeded dispute


@dataclass
class Stats:
    """Thread-safe request counters."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    requests: int = 0
    ok: int = 0
    not_modified: int = 0
    not_found: int = 0
    inflight: int = 0
    max_inflight: int = 0
    host_inflight: dict[str, int] = field(default_factory=dict)
    max_per_host: int = 0  # the most requests one host had in flight at once

    def enter(self, host: str = HOST) -> None:
        """Record a request to ``host`` starting."""
        with self.lock:
            self.requests += 1
            self.inflight += 1
            self.max_inflight = max(self.max_inflight, self.inflight)
            self.host_inflight[host] = self.host_inflight.get(host, 0) + 1
            self.max_per_host = max(self.max_per_host, self.host_inflight[host])

    def leave(self, host: str = HOST, status: int = 200) -> None:
        """Record a request to ``host`` finishing with ``status``."""
        with self.lock:
            self.inflight -= 1
            self.host_inflight[host] -= 1
            if status == 200:
                self.ok += 1
            elif status == 304:
                self.not_modified += 1
            else:
                self.not_found += 1

    def snapshot_and_reset(self) -> dict[str, int]:
        """Return the counters and zero them."""
        with self.lock:
            snap = {
                "requests": self.requests,
                "200": self.ok,
                "304": self.not_modified,
                "404": self.not_found,
                "max_inflight": self.max_inflight,
                "max_per_host": self.max_per_host,
            }
            self.requests = self.ok = self.not_modified = self.not_found = 0
            self.max_inflight = self.inflight
            self.max_per_host = max(self.host_inflight.values(), default=0)
            return snap


def make_summary(rng: random.Random, lead: str) -> str:
    """Build a ~300 character summary starting with ``lead``."""
    parts = [lead.rstrip(".") + "."]
    while sum(len(p) + 1 for p in parts) < 300:
        parts.append(rng.choice(FILLER))
    return " ".join(parts)[:300].rstrip() + "…"


def site_of(feed: int) -> str:
    """The publisher's site of feed `feed` (its articles live there; never fetched)."""
    return f"https://site{feed}.example"


def make_entries(seed: int, feed: int, entries: int, match_every: int) -> list[Entry]:
    """Generate the entries of feed number ``feed`` (newest first)."""
    rng = random.Random(f"{seed}:{feed}")
    out: list[Entry] = []
    published = EPOCH - timedelta(minutes=rng.randrange(0, 600))
    for j in range(entries):
        dispute: str | None = None
        if match_every > 0 and (feed * entries + j) % match_every == 0:
            dispute, titles, leads = DISPUTES[(feed + j) % len(DISPUTES)]
            title = rng.choice(titles)
            lead = rng.choice(leads)
        else:
            title = f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(OBJECTS)}"
            lead = f"{title} on {published:%A}, according to people familiar with the plans"
        out.append(
            Entry(
                # Publishers append their name, so one story's headline differs by feed
                # (the dispute headlines above are few; the store would otherwise hold
                # thousands of articles with one headline, which no real store does).
                title=f"{title} | Bench News {feed}",
                link=f"{site_of(feed)}/{published:%Y/%m}/f{feed:05d}-e{j:04d}/",
                guid=f"urn:bench:feed-{feed}:entry-{j}",
                published=published,
                summary=make_summary(rng, lead),
                dispute=dispute,
            )
        )
        published -= timedelta(minutes=rng.randrange(5, 240))
    return out


def build_feed(seed: int, feed: int, entries: int, match_every: int, mix: str) -> Feed:
    """Generate, render and fingerprint one feed."""
    shape = shape_of(feed, mix)
    items = make_entries(seed, feed, entries, match_every)
    body, ctype = SHAPES[shape](feed, items, site_of(feed))
    etag = '"' + hashlib.sha1(body).hexdigest()[:20] + '"'
    newest = items[0].published if items else EPOCH
    # A docket's entries speak of their own (unseeded) case: none of them matches.
    matching = 0 if shape == "docket" else sum(e.dispute is not None for e in items)
    return Feed(body, ctype, etag, newest.replace(microsecond=0), shape, matching)


def render_opml(urls: list[str]) -> bytes:
    """Render an OPML 2.0 subscription list of all feeds."""
    outlines = "".join(
        f'<outline type="rss" text="Bench News {i}" title="Bench News {i}" '
        f'xmlUrl="{url}" htmlUrl="{site_of(i)}/"/>\n'
        for i, url in enumerate(urls)
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<opml version="2.0"><head><title>tracker bench feeds</title></head><body>\n'
        f"{outlines}</body></opml>\n"
    ).encode()


def not_modified(feed: Feed, if_none_match: str | None, if_modified_since: str | None) -> bool:
    """Decide whether conditional request headers allow a 304 (RFC 9110 §13.2.2)."""
    if if_none_match is not None:
        tags = {t.strip().removeprefix("W/") for t in if_none_match.split(",")}
        return "*" in tags or feed.etag in tags
    if if_modified_since is not None:
        try:
            since = parsedate_to_datetime(if_modified_since)
        except (TypeError, ValueError):
            return False
        if since.tzinfo is None:
            since = since.replace(tzinfo=timezone.utc)
        return feed.last_modified <= since
    return False


class BenchHTTPServer(ThreadingHTTPServer):
    """ThreadingHTTPServer with a deep listen backlog so bursts of connections never stall."""

    request_queue_size = 256
    daemon_threads = True


def host_addresses(hosts: int) -> list[str]:
    """127.0.0.1 for one host; 127.0.0.2 ... 127.0.0.(hosts+1) for several."""
    if not 1 <= hosts <= 250:
        raise ValueError("hosts must be between 1 and 250")
    return [HOST] if hosts == 1 else [f"127.0.0.{k}" for k in range(2, hosts + 2)]


class FeedServer:
    """Threaded HTTP servers, one per loopback host, holding pre-rendered feeds."""

    def __init__(
        self,
        feeds: int,
        entries: int,
        delay_ms: float = 50.0,
        match_every: int = 10,
        seed: int = 1,
        port: int = 0,
        hosts: int = 1,
        mix: str = "plain",
    ) -> None:
        """Render all feeds and bind one server per host (port 0: any free port)."""
        self.feeds = [build_feed(seed, i, entries, match_every, mix) for i in range(feeds)]
        self.entries = entries
        self.match_every = match_every
        self.delay = delay_ms / 1000.0
        self.stats = Stats()
        self.httpds: list[BenchHTTPServer] = []
        for address in host_addresses(hosts):
            # The same port on every host when it is free there, else any.
            wanted = port or (self.httpds[0].server_address[1] if self.httpds else 0)
            try:
                httpd = BenchHTTPServer((address, wanted), self._handler_class())
            except OSError:
                httpd = BenchHTTPServer((address, 0), self._handler_class())
            self.httpds.append(httpd)
        self.httpd = self.httpds[0]
        # Feeds are dealt to hosts in a shuffled order (seeded): a subscription list is
        # neither sorted by host nor evenly interleaved.
        order = list(range(feeds))
        random.Random(f"{seed}:hosts").shuffle(order)
        self.feed_host = {feed: self.httpds[n % len(self.httpds)] for n, feed in
                          enumerate(order)}
        self.base_url = self.url_of(self.httpd)
        self.opml = render_opml([self.feed_url(i) for i in range(feeds)])
        self._threads: list[threading.Thread] = []

    @staticmethod
    def url_of(httpd: BenchHTTPServer) -> str:
        host, port = httpd.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def hosts(self) -> int:
        return len(self.httpds)

    @property
    def matching_entries(self) -> int:
        """Number of entries, across all feeds, that mention a dispute."""
        return sum(f.matching for f in self.feeds)

    def shapes(self) -> dict[str, int]:
        """How many feeds take each shape."""
        out: dict[str, int] = {}
        for f in self.feeds:
            out[f.shape] = out.get(f.shape, 0) + 1
        return out

    def feed_url(self, i: int) -> str:
        """URL of feed ``i``."""
        return f"{self.url_of(self.feed_host[i])}/feed/{i}.xml"

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        """Build a request handler class bound to this server."""
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True

            def do_GET(self) -> None:
                """Serve a feed, the OPML list, or 404."""
                host = self.server.server_address[0]
                server.stats.enter(host)
                status = 404
                try:
                    time.sleep(server.delay)
                    status = self._respond()
                finally:
                    server.stats.leave(host, status)

            def _respond(self) -> int:
                """Write the response and return its status code."""
                path = self.path.split("?", 1)[0]
                if path == "/feeds.opml":
                    return self._send(200, server.opml, "text/x-opml; charset=utf-8")
                feed = server.lookup(path)
                if feed is None:
                    return self._send(404, b"not found\n", "text/plain")
                validators = {
                    "ETag": feed.etag,
                    "Last-Modified": format_datetime(feed.last_modified, usegmt=True),
                    "Cache-Control": "max-age=0",
                }
                inm = self.headers.get("If-None-Match")
                ims = self.headers.get("If-Modified-Since")
                if not_modified(feed, inm, ims):
                    return self._send(304, b"", None, validators)
                return self._send(200, feed.body, feed.content_type, validators)

            def _send(
                self,
                status: int,
                body: bytes,
                ctype: str | None,
                extra: dict[str, str] | None = None,
            ) -> int:
                """Send status, headers and body; return the status."""
                self.send_response(status)
                for key, value in (extra or {}).items():
                    self.send_header(key, value)
                if status != 304:
                    self.send_header("Content-Type", ctype or "application/octet-stream")
                    self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if status != 304:
                    self.wfile.write(body)
                return status

            def log_message(self, format: str, *args: object) -> None:
                """Silence per-request logging."""

        return Handler

    def lookup(self, path: str) -> Feed | None:
        """Map ``/feed/{i}.xml`` to a feed."""
        if not (path.startswith("/feed/") and path.endswith(".xml")):
            return None
        index = path[len("/feed/") : -len(".xml")]
        if not index.isdigit() or int(index) >= len(self.feeds):
            return None
        return self.feeds[int(index)]

    def start(self) -> FeedServer:
        """Serve in daemon threads, one per host."""
        for httpd in self.httpds:
            thread = threading.Thread(target=httpd.serve_forever, daemon=True)
            thread.start()
            self._threads.append(thread)
        return self

    def stop(self) -> None:
        """Shut the servers down."""
        for httpd in self.httpds:
            httpd.shutdown()
            httpd.server_close()

    def __enter__(self) -> FeedServer:
        """Start on entering a ``with`` block."""
        return self.start()

    def __exit__(self, *exc: object) -> None:
        """Stop on leaving a ``with`` block."""
        self.stop()


def main() -> None:
    """Run the server in the foreground."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--feeds", type=int, default=200)
    ap.add_argument("--entries", type=int, default=50)
    ap.add_argument("--delay-ms", type=float, default=50.0)
    ap.add_argument("--match-every", type=int, default=10, help="1 in N entries mention a dispute")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--port", type=int, default=8765)
    ap.add_argument("--hosts", type=int, default=1, help="loopback hosts to spread feeds over")
    ap.add_argument("--mix", choices=["plain", "real"], default="real")
    args = ap.parse_args()
    server = FeedServer(args.feeds, args.entries, args.delay_ms, args.match_every, args.seed,
                        args.port, args.hosts, args.mix)
    print(f"serving {args.feeds} feeds on {server.hosts} host(s), e.g. {server.feed_url(0)}")
    print(f"OPML at {server.base_url}/feeds.opml; shapes {server.shapes()}")
    threads = server.start()._threads
    try:
        for thread in threads:
            thread.join()
    except KeyboardInterrupt:
        server.stop()


if __name__ == "__main__":
    main()
