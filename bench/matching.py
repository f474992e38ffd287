"""Matching as the number of disputes grows: 3 seeded disputes against 300.

    .venv/bin/python bench/matching.py            # in-process, then the poll and rematch
    .venv/bin/python bench/matching.py --quick    # in-process figures only (seconds)

Three figures, each printed beside its reference from the same run:

- in process: matching 10,000 items (half of them naming OpenAI, which most generated
  disputes share as respondent) with the matcher built for 3 and for 300 disputes, and
  the cost per item;
- `tracker poll` of 200 feeds x 50 entries (bench/feedserver.py) into a store holding the
  3 seeded disputes, and into one holding those plus 297 generated ones;
- `tracker rematch` over 10,000 kept unmatched items, with 3 and with 300 disputes.

Goal (issue 17): the 300-dispute figure within 1.3x of the 3-dispute one. The generated
disputes have 2-4 parties with aliases, most against a shared respondent (OpenAI,
Microsoft, Meta, Google ...), so an item naming OpenAI is a candidate for many of them.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH.parent))
sys.path.insert(0, str(BENCH))

from tracker.models import Dispute, Party  # noqa: E402

# Respondents most disputes share, with the aliases the press uses.
RESPONDENTS = [
    ("OpenAI", ["ChatGPT", "Sora", "GPT-4"]),
    ("Microsoft", ["Copilot", "Bing"]),
    ("Meta Platforms", ["Meta", "Llama"]),
    ("Google", ["Gemini", "Alphabet"]),
    ("Anthropic", ["Claude"]),
    ("Stability AI", ["Stable Diffusion"]),
    ("Midjourney", []),
    ("Nvidia", []),
    ("Perplexity AI", ["Perplexity"]),
    ("Suno", []),
]
_FIRST = ["North", "Harbor", "Silver", "Granite", "Maple", "Cedar", "Blue", "Iron", "Lantern",
          "Orchid", "Summit", "Willow", "Copper", "Falcon", "Meadow", "Quarry", "Beacon", "Delta",
          "Ember", "Juniper"]  # fmt: skip
_SECOND = ["Ledger", "Gazette", "Press", "Records", "Pictures", "Studios", "Courier", "Review",
           "Tribune", "Sound", "Books", "Games", "Journal", "Herald", "Observer"]  # fmt: skip
_SUFFIX = ["Media", "Group", "Publishing", "Holdings", "Company", "Entertainment", "Guild"]
_PEOPLE = ["Alvarez", "Okafor", "Lindqvist", "Tanaka", "Moreau", "Kowalski", "Haddad", "Brennan"]


def generated_disputes(n: int, seed: int = 17) -> list[Dispute]:
    """`n` disputes, each with 2-4 aliased parties, most against a shared respondent."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        first, second, suffix = rng.choice(_FIRST), rng.choice(_SECOND), rng.choice(_SUFFIX)
        name = f"{first} {second} {suffix} {i}"
        short = f"{first} {second} {i}"
        initials = f"{first[0]}{second[0]}{suffix[0]}{i}"
        parties = [Party(name, "claimant", aliases=[short, initials])]
        if rng.random() < 0.4:
            person = f"{rng.choice(_PEOPLE)} {i}"
            parties.append(Party(person, "claimant" if rng.random() < 0.5 else "member",
                                 aliases=[f"{person} Trust"]))
        for resp, aliases in rng.sample(RESPONDENTS[:4] if rng.random() < 0.7 else RESPONDENTS,
                                        rng.choice([1, 1, 2])):
            parties.append(Party(resp, "respondent", aliases=list(aliases)))
        d = Dispute(slug=f"gen-{i:03d}", title=f"{short} v. {parties[-1].name}", parties=parties,
                    match={"include": [f"{first.lower()} catalogue"] if i % 5 == 0 else [],
                           "exclude": []})
        d.created = d.updated = "2026-01-01T00:00:00+00:00"
        out.append(d)
    return out


def disputes(n: int) -> list[Dispute]:
    """The 3 seeded disputes, plus generated ones up to `n`."""
    from tracker.seed import seed_disputes

    return [*seed_disputes(), *generated_disputes(max(0, n - 3))]


_SUBJECTS = ["copyright", "lawsuit", "training", "licensing", "court", "settlement"]
_FILLER = ["launches a new model", "reports quarterly results", "hires a new chief",
           "opens an office in Tokyo", "faces questions from regulators", "updates its app",
           "announces a partnership with a chip maker", "cuts prices for developers"]  # fmt: skip


def items(n: int, seed: int = 5) -> list[tuple[str, str]]:
    """`n` (title, summary) pairs, the same for 3 and 300 disputes: half name OpenAI with a
    subject word (a respondent of most generated disputes), one in twenty names a generated
    dispute's claimant in passing (a candidate that does not match), one in ten a seeded
    dispute (matches either way), the rest name no one."""
    rng = random.Random(seed)
    gen = generated_disputes(297)
    seeded = ["New York Times presses OpenAI copyright lawsuit over ChatGPT training",
              "Getty Images appeal against Stability AI ruling goes ahead",
              "CODA asks OpenAI to stop training Sora 2 on members' works"]
    out = []
    for i in range(n):
        r = rng.random()
        if r < 0.5:
            title = f"OpenAI {rng.choice(_FILLER)} amid {rng.choice(_SUBJECTS)} worries"
        elif r < 0.55:
            who = rng.choice(rng.choice(gen).parties[0].names())
            title = f"{who} {rng.choice(_FILLER)}"
        elif r < 0.65:
            title = rng.choice(seeded)
        else:
            title = f"{rng.choice(_FIRST)} Corp {rng.choice(_FILLER)}"
        out.append((title, f"Item {i}: {rng.choice(_FILLER)} and {rng.choice(_FILLER)}."))
    return out


def subject_terms() -> list[str]:
    from tracker.config import defaults

    terms: list[str] = defaults()["match"]["subject_terms"]
    return terms


def time_in_process(n_disputes: int, texts: Sequence[tuple[str, str]],
                    repeat: int) -> tuple[float, float, int]:
    """(seconds to build the matcher, seconds to match `texts`, matches) for `n_disputes`,
    medians over `repeat` fresh matchers (nothing cached between them)."""
    from tracker.matching import Matcher

    ds, terms = disputes(n_disputes), subject_terms()
    builds, runs, found = [], [], 0
    for _ in range(repeat):
        t0 = time.perf_counter()
        matcher = Matcher(ds, terms)
        t1 = time.perf_counter()
        found = sum(len(matcher.match(t, s)) for t, s in texts)
        runs.append(time.perf_counter() - t1)
        builds.append(t1 - t0)
    return statistics.median(builds), statistics.median(runs), found


# -- whole commands --------------------------------------------------------------------------


def _tracker(db: Path, *args: str) -> list[str]:
    exe = Path(sys.executable).with_name("tracker")
    head = [str(exe)] if exe.exists() else [sys.executable, "-m", "tracker"]
    return [*head, "--db", str(db), *args]


def _env(tmp: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}
    env["NO_PROXY"] = "127.0.0.1,localhost"
    for kind in ("CONFIG", "DATA", "CACHE", "STATE"):
        env[f"XDG_{kind}_HOME"] = str(tmp / kind.lower())
    return env


def _store_with(db: Path, n_disputes: int, env: dict[str, str]) -> None:
    """A fresh store holding the seeded disputes and generated ones up to `n_disputes`."""
    subprocess.run(_tracker(db, "init", "--empty"), env=env, check=True, capture_output=True)
    from tracker.storage import open_store

    with open_store(db, write=True) as store:
        for d in disputes(n_disputes):
            store.put_dispute(d)


def _timed(argv: list[str], env: dict[str, str]) -> float:
    t0 = time.perf_counter()
    done = subprocess.run(argv, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - t0
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed: {done.stderr[-800:]}")
    return elapsed


def time_poll(n_disputes: int, server: Any, opml: Path) -> float:
    with tempfile.TemporaryDirectory(prefix="bench-match-") as d:
        tmp = Path(d)
        env, db = _env(tmp), tmp / "store.json"
        _store_with(db, n_disputes, env)
        subprocess.run(_tracker(db, "feed", "import", str(opml)), env=env, check=True,
                       capture_output=True)
        return _timed(_tracker(db, "poll", "--json"), env)


def time_rematch(n_disputes: int, texts: Sequence[tuple[str, str]]) -> float:
    from tracker.storage import open_store

    with tempfile.TemporaryDirectory(prefix="bench-match-") as d:
        tmp = Path(d)
        env, db = _env(tmp), tmp / "store.json"
        _store_with(db, n_disputes, env)
        seen = time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime())
        kept = {f"k{i:05d}": {"url": f"https://example.com/{i}", "title": t, "summary": s,
                              "feeds": ["https://example.com/feed"], "language": "en",
                              "published": None, "outlet": "example.com", "seen": seen}
                for i, (t, s) in enumerate(texts)}
        with open_store(db, write=True) as store:
            store.put_entries(kept)
        return _timed(_tracker(db, "rematch", "--json"), env)


def _pair(label: str, runs: int, measure: Callable[[int], float]) -> dict[str, Any]:
    """Median of `runs` for 3 and for 300 disputes, interleaved."""
    few, many = [], []
    for _ in range(runs):
        few.append(measure(3))
        many.append(measure(300))
    a, b = statistics.median(few), statistics.median(many)
    return {"measure": label, "3": a, "300": b, "ratio": b / a}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=3, help="timed runs per figure (3)")
    ap.add_argument("--items", type=int, default=10_000, help="items matched / kept (10,000)")
    ap.add_argument("--feeds", type=int, default=200)
    ap.add_argument("--entries", type=int, default=50)
    ap.add_argument("--delay-ms", type=float, default=20.0)
    ap.add_argument("--quick", action="store_true", help="in-process figures only")
    ap.add_argument("--out", type=Path, help="also write the rows as JSON here")
    args = ap.parse_args(argv)
    # Byte-compiled, as pip installs it: otherwise each child may compile it from source.
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(BENCH.parent / "tracker")],
                   check=True)
    texts = items(args.items)
    rows = []
    built = {n: time_in_process(n, texts, args.runs) for n in (3, 300)}
    rows.append({"measure": "build the matcher", "3": built[3][0], "300": built[300][0],
                 "ratio": built[300][0] / built[3][0]})
    rows.append({"measure": f"match {len(texts):,} items", "3": built[3][1], "300": built[300][1],
                 "ratio": built[300][1] / built[3][1]})
    per_item = {n: built[n][1] / len(texts) * 1e6 for n in (3, 300)}
    if not args.quick:
        from feedserver import FeedServer

        with FeedServer(args.feeds, args.entries, args.delay_ms) as server, \
                tempfile.TemporaryDirectory() as d:
            opml = Path(d) / "feeds.opml"
            opml.write_bytes(server.opml)
            rows.append(_pair(f"poll {args.feeds}x{args.entries}", args.runs,
                              lambda n: time_poll(n, server, opml)))
        rows.append(_pair(f"rematch {len(texts):,} kept items", args.runs,
                          lambda n: time_rematch(n, texts)))
    print(f"{'measure':<28} {'3 disputes':>11} {'300 disputes':>13} {'ratio':>7}  goal")
    for r in rows:
        goal = "<= 1.30x" if r["measure"].startswith(("poll", "rematch")) else ""
        verdict = ("PASS" if r["ratio"] <= 1.3 else "FAIL") if goal else ""
        print(f"{r['measure']:<28} {r['3']:>10.3f}s {r['300']:>12.3f}s {r['ratio']:>6.2f}x"
              f"  {goal} {verdict}".rstrip())
    print(f"cost per item: {per_item[3]:.1f} us with 3 disputes, {per_item[300]:.1f} us with 300"
          f" (matches found: {built[3][2]:,} / {built[300][2]:,})")
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps({"rows": rows, "per_item_us": per_item}, indent=2) + "\n")
    failed = any(r["ratio"] > 1.3 for r in rows if r["measure"].startswith(("poll", "rematch")))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
