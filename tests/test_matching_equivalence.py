"""The automaton matcher decides exactly as the rules of the regex matcher it replaced
(issue 17).

tests/matching_reference.py is the matcher as it was: one set of regexes per dispute. Both
see the labelled headlines, the hand-made cases of test_matching.py, and random text built
from the disputes' own terms, citation phrases, separators and the characters that case
folding treats specially; with the 3 seeded disputes and with 300.
"""

from __future__ import annotations

import pickle
import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests import matching_reference as reference
from tests.test_matching_sample import load_sample
from tracker.config import defaults
from tracker.matching import Matcher
from tracker.models import Dispute, Party
from tracker.seed import seed_disputes

TERMS = defaults()["match"]["subject_terms"]
SHARED = [("OpenAI", ["ChatGPT", "Sora 2"]), ("Microsoft", ["Copilot"]), ("Meta", ["Llama"]),
          ("Stability AI", ["Stable Diffusion"])]  # fmt: skip


def many_disputes(n: int = 297) -> list[Dispute]:
    """Seeded disputes plus `n` generated ones, with names that overlap and nest."""
    rng = random.Random(15)
    words = ["North", "Harbor", "Times", "Daily", "News", "Press", "Getty", "Studio", "Art"]
    out = seed_disputes()
    for i in range(n):
        a, b = rng.sample(words, 2)
        claimant = Party(f"{a} {b} {i}", "claimant", aliases=[f"{a}-{b}", f"{a[0]}{b[0]}{i}"])
        member = Party(f"{b} Guild", "member", aliases=[f"{b.lower()} writers"])
        parties = [claimant, member, *(Party(name, "respondent", aliases=list(aliases))
                                       for name, aliases in rng.sample(SHARED, 2))]
        out.append(Dispute(slug=f"gen-{i}", title=f"gen {i}", parties=parties,
                           match={"include": [f"{a.lower()} catalogue"] if i % 3 else [],
                                  "exclude": [f"{b} Museum"] if i % 4 == 0 else []}))
    return out


SEEDED, MANY = seed_disputes(), many_disputes()
PAIRS = [
    (Matcher(SEEDED, TERMS), reference.Matcher(SEEDED, TERMS), SEEDED),
    (Matcher(MANY, TERMS), reference.Matcher(MANY, TERMS), MANY),
]
RULES = [[reference._Rule(d, TERMS) for d in sorted(ds, key=lambda d: d.slug)]
         for _, _, ds in PAIRS]


def plain(matches: list) -> list[tuple[str, tuple[str, ...]]]:
    return [(m.slug, m.terms) for m in matches]


def by_every_rule(rules: list[reference._Rule], title: str, summary: str) -> list:
    """The reference's rules applied to every dispute, with no pre-filter at all."""
    text = reference._normalise(title) + "\n" + reference._normalise(summary)
    return plain([m for rule in rules if (m := rule.match(text))])


def check(title: str, summary: str = "") -> None:
    """The automaton's answer is the rules' answer for every dispute. The old matcher's
    answer is part of it: its pre-filter (one non-overlapping regex search over all the
    claimant names) could hide a dispute whose name overlaps another's ("Times Daily" in
    "Times Daily News", when "Daily News" is also a claimant), never add one."""
    for (new, old, _), rules in zip(PAIRS, RULES, strict=True):
        got = plain(new.match(title, summary))
        assert got == by_every_rule(rules, title, summary), (title, summary)
        assert set(plain(old.match(title, summary))) <= set(got), (title, summary)


def test_labelled_headlines_give_identical_matches() -> None:
    for item in load_sample():
        title, summary = item["title"], item.get("summary", "")
        check(title, summary)
        for new, old, _ in PAIRS:
            assert plain(new.match(title, summary)) == plain(old.match(title, summary))


def test_a_pickled_matcher_gives_identical_matches() -> None:
    shipped = pickle.loads(pickle.dumps(PAIRS[1][0]))
    for item in load_sample():
        assert shipped.match(item["title"], item.get("summary", "")) == PAIRS[1][0].match(
            item["title"], item.get("summary", ""))


VOCABULARY = sorted({n for d in MANY for p in d.parties for n in p.names()} | set(TERMS) | {
    "according to", "reports", "reported", " - ", " | ", "(", ")", "'s", "'", "の", "via",
    "cases such as", "lawsuit", "against", "v.", "appeal", "claim", "訴訟", "要請", "NYT訴訟",
    "ı", "İ", "ſ", "\u212a", "µ", "Σ", "ς", "ß", "ﬅ", "-", "--", "_", "\n", ".", ",", ":",
    "&amp;", "<b>", "</b>", "\u2019s", "\u2014", "ＮＹＴ", "ｃｏｄａ", "Coda", "coda", "OPENAI",
})
pieces = st.one_of(st.sampled_from(VOCABULARY), st.text(max_size=3))
texts = st.lists(pieces, max_size=14).map(
    lambda parts: "".join(p if random.Random(len(parts)).random() < 0.2 else f"{p} "
                          for p in parts))


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(title=texts, summary=texts)
def test_random_text_gives_identical_matches(title: str, summary: str) -> None:
    check(title, summary)


def test_hand_made_cases_give_identical_matches() -> None:
    titles = [
        "NYT sues OpenAI over copyright", "New York Times copyright lawsuit heads to trial",
        "NYT lawsuit against Microsoft over Copilot", "Getty's appeal goes ahead",
        "Getty's appeal, Reuters reports", "according to Getty Images, Stability AI sued",
        "cases such as Getty Images' claims against Stability AI", "CODAの要請、Sora 2に",
        "スタジオジブリ作品の学習巡りOpenAIに要請",
        "Studio Ghibli on Soraya, the new copyright app",
        "NYTimes hits OpenAI with copyright suit", "STUDIO GHIBLI: OPENAI COPYRIGHT FIGHT",
        "Harbor-Times 3 sues OpenAI (Harbor Times)", "Times Daily News Press sues Meta",
        "Getty Museum and Getty Images v. Stability AI", "North Harbor sues OpenAI - NYT",
    ]
    for title in titles:
        check(title)
        check("", title)


def test_seeded_random_headlines_match_and_give_identical_matches() -> None:
    """Hypothesis shrinks towards short texts; these are headline-long, and many match."""
    rng, matched = random.Random(17), 0
    for _ in range(2000):
        parts = [rng.choice(VOCABULARY) if rng.random() < 0.85 else chr(rng.randrange(32, 0x3000))
                 for _ in range(rng.randrange(1, 12))]
        title = "".join(p + (" " if rng.random() < 0.8 else "") for p in parts)
        check(title)
        matched += bool(PAIRS[1][0].match(title))
    assert matched >= 50  # the comparison covered matches, not only misses
