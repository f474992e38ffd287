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
from tracker.languages import detect
from tracker.matching import Matcher
from tracker.seed import seed_disputes

SAMPLE = Path(__file__).parent / "data" / "headlines.json"


@dataclass
class Score:
    """Counts of (item, slug) pairs for one dispute, one language, or all of them; `queued`:
    the missed pairs that the review queue holds as suggestions."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    queued: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def in_queue(self) -> float:
        """The share of what was missed that awaits review."""
        return self.queued / self.fn if self.fn else 1.0


@dataclass
class Evaluation:
    """Scores per dispute and per language, micro-averaged overall, with every wrong pair."""

    scores: dict[str, Score]
    overall: Score
    misses: list[str] = field(default_factory=list)
    languages: dict[str, Score] = field(default_factory=dict)

    def table(self) -> str:
        """A row per dispute, per language and overall, then a line per wrong pair."""
        head = (f"{'':<20} {'tp':>4} {'fp':>4} {'fn':>4} {'precision':>10} {'recall':>7}"
                f" {'missed, in review':>18}")
        rows = [head.replace(" " * 20, "dispute".ljust(20), 1)]
        groups = [*sorted(self.scores.items()),
                  *((f"language {k}", v) for k, v in sorted(self.languages.items())),
                  ("overall", self.overall)]
        for name, s in groups:
            rows.append(f"{name:<20} {s.tp:>4} {s.fp:>4} {s.fn:>4} {s.precision:>10.3f}"
                        f" {s.recall:>7.3f} {s.queued:>10}/{s.fn:<3} {s.in_queue:>4.0%}")
        return "\n".join([*rows, *self.misses])


def load_sample(path: Path = SAMPLE) -> list[dict[str, Any]]:
    """The labelled items: title, summary, the slugs they are truly about, and why; some
    give their `language` and `published` date."""
    items: list[dict[str, Any]] = json.loads(path.read_text("utf-8"))
    return items


def seeded_matcher() -> Matcher:
    """A matcher over the seeded disputes with the built-in [match] settings."""
    return Matcher(seed_disputes(), settings=defaults()["match"])


def evaluate(matcher: Matcher, items: Sequence[dict[str, Any]]) -> Evaluation:
    """Compare the matcher's slugs with each item's `expected` slugs, pair by pair."""
    scores: dict[str, Score] = {}
    languages: dict[str, Score] = {}
    misses = []
    for i, item in enumerate(items):
        title, summary = item["title"], item.get("summary", "")
        decided = matcher.decide(title, summary, published=item.get("published"))
        found = {d.slug: d.terms for d in decided if d.verdict == "match"}
        suggested = {d.slug for d in decided if d.verdict == "suggest"}
        expected = set(item["expected"])
        language = item.get("language") or detect(f"{title}\n{summary}") or "?"
        for slug in found.keys() | expected:
            for score in (scores.setdefault(slug, Score()),
                          languages.setdefault(language, Score())):
                if slug in found and slug in expected:
                    score.tp += 1
                elif slug in found:
                    score.fp += 1
                else:
                    score.fn += 1
                    score.queued += slug in suggested
            if slug in found and slug not in expected:
                misses.append(f"FP #{i} {slug} {list(found[slug])}: {title}")
            elif slug not in found:
                queued = " (awaits review)" if slug in suggested else ""
                misses.append(f"FN #{i} {slug}{queued}: {title}")
    overall = Score(*(sum(getattr(s, k) for s in scores.values())
                      for k in ("tp", "fp", "fn", "queued")))
    return Evaluation(scores, overall, misses, languages)


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
    assert result.overall.precision >= 0.98
    assert result.overall.recall >= 0.95
    assert result.overall.in_queue >= 0.80  # the review queue holds most of what is missed
    assert len(result.languages) >= 7  # English, Japanese and six more


def test_sample_has_hard_negatives_and_other_languages() -> None:
    items = load_sample()
    kinds = " ".join(item["why"] for item in items)
    for kind in ("footer", "earlier controversy", "other suit"):
        assert kind in kinds
    assert {i["language"] for i in items if i.get("language")} >= {
        "es", "fr", "de", "pt", "it", "ko", "zh", "ja"}


def test_sample_labels_name_known_disputes() -> None:
    slugs = {d.slug for d in seed_disputes()}
    assert all(set(item["expected"]) <= slugs for item in load_sample())


if __name__ == "__main__":
    sample = load_sample(Path(sys.argv[1]) if len(sys.argv) > 1 else SAMPLE)
    matcher = seeded_matcher()
    print(evaluate(matcher, sample).table())
    print(f"{throughput(matcher, sample):,.0f} items/second")
