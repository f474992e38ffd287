"""Precision and recall of the matcher on the labelled headlines, with the seeded disputes.

Run `python -m tests.test_matching_sample [PATH]` to print the table, every miss and the
throughput without pytest.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tracker.config import defaults
from tracker.matching import Matcher
from tracker.seed import seed_disputes

SAMPLE = Path(__file__).parent / "data" / "headlines.json"


@dataclass
class Score:
    """Counts of (item, slug) pairs for one dispute, or for all of them."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


@dataclass
class Evaluation:
    """Scores per dispute and micro-averaged overall, with every wrong pair."""

    scores: dict[str, Score]
    overall: Score
    misses: list[str] = field(default_factory=list)

    def table(self) -> str:
        """A row per dispute and one overall, then a line per wrong (item, slug) pair."""
        rows = [f"{'dispute':<20} {'tp':>4} {'fp':>4} {'fn':>4} {'precision':>10} {'recall':>7}"]
        for name, s in [*sorted(self.scores.items()), ("overall", self.overall)]:
            rows.append(
                f"{name:<20} {s.tp:>4} {s.fp:>4} {s.fn:>4} {s.precision:>10.3f} {s.recall:>7.3f}"
            )
        return "\n".join([*rows, *self.misses])


def load_sample(path: Path = SAMPLE) -> list[dict[str, Any]]:
    """The labelled items: title, summary, the slugs they are truly about, and why."""
    items: list[dict[str, Any]] = json.loads(path.read_text("utf-8"))
    return items


def seeded_matcher() -> Matcher:
    """A matcher over the seeded disputes with the built-in subject terms."""
    return Matcher(seed_disputes(), defaults()["match"]["subject_terms"])


def evaluate(matcher: Matcher, items: Sequence[dict[str, Any]]) -> Evaluation:
    """Compare the matcher's slugs with each item's `expected` slugs, pair by pair."""
    scores: dict[str, Score] = {}
    misses = []
    for i, item in enumerate(items):
        found = {m.slug: m.terms for m in matcher.match(item["title"], item.get("summary", ""))}
        expected = set(item["expected"])
        for slug in found.keys() | expected:
            score = scores.setdefault(slug, Score())
            if slug in found and slug in expected:
                score.tp += 1
            elif slug in found:
                score.fp += 1
                misses.append(f"FP #{i} {slug} {list(found[slug])}: {item['title']}")
            else:
                score.fn += 1
                misses.append(f"FN #{i} {slug}: {item['title']}")
    overall = Score(*(sum(getattr(s, k) for s in scores.values()) for k in ("tp", "fp", "fn")))
    return Evaluation(scores, overall, misses)


def throughput(matcher: Matcher, items: Sequence[dict[str, Any]], repeat: int = 500) -> float:
    """Items matched per second over the sample repeated `repeat` times."""
    pairs = [(item["title"], item.get("summary", "")) for item in items] * repeat
    start = time.perf_counter()
    for title, summary in pairs:
        matcher.match(title, summary)
    return len(pairs) / (time.perf_counter() - start)


def test_sample_precision_and_recall(capsys: pytest.CaptureFixture[str]) -> None:
    result = evaluate(seeded_matcher(), load_sample())
    with capsys.disabled():  # shown in the terminal even without -s
        print(f"\nmatching on {SAMPLE.name}:\n{result.table()}")
    assert result.overall.precision >= 0.95
    assert result.overall.recall >= 0.90


def test_sample_labels_name_known_disputes() -> None:
    slugs = {d.slug for d in seed_disputes()}
    assert all(set(item["expected"]) <= slugs for item in load_sample())


if __name__ == "__main__":
    sample = load_sample(Path(sys.argv[1]) if len(sys.argv) > 1 else SAMPLE)
    matcher = seeded_matcher()
    print(evaluate(matcher, sample).table())
    print(f"{throughput(matcher, sample):,.0f} items/second")
