"""The matching rules, one by one, on small hand-made disputes."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tracker.matching import Match, Matcher
from tracker.models import Dispute, Party

SUBJECTS = ["copyright", "lawsuit", "sue", "sues", "training", "opt-out", "trade mark", "要請"]


def dispute(
    slug: str, *parties: Party, include: tuple[str, ...] = (), exclude: tuple[str, ...] = ()
) -> Dispute:
    return Dispute(
        slug=slug,
        title=slug,
        parties=list(parties),
        match={"include": list(include), "exclude": list(exclude)},
    )


NYT = dispute(
    "nyt-v-openai",
    Party("The New York Times Company", "claimant", aliases=["New York Times", "NYT"]),
    Party("OpenAI", "respondent", aliases=["ChatGPT"]),
)
CODA = dispute(
    "coda-v-openai",
    Party("CODA", "claimant", aliases=["コンテンツ海外流通促進機構", "Japan's content body"]),
    Party("Studio Ghibli", "member", aliases=["スタジオジブリ"]),
    Party("OpenAI", "respondent", aliases=["Sora", "Sora 2"]),
    Party("Government of Japan", "other", aliases=["Japan"]),
)
GETTY = dispute(
    "getty-v-stability",
    Party("Getty Images", "claimant", aliases=["Getty"]),
    Party("Stability AI", "respondent", aliases=["Stability", "Stable Diffusion"]),
    include=("watermarks",),
    exclude=("Getty Museum",),
)


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher([NYT, CODA, GETTY], SUBJECTS)


def slugs(matcher: Matcher, title: str, summary: str = "") -> list[str]:
    return [m.slug for m in matcher.match(title, summary)]


def test_claimant_respondent_and_subject_match_with_terms(matcher: Matcher) -> None:
    assert matcher.match("NYT sues OpenAI over copyright") == [
        Match("nyt-v-openai", ("claimant:NYT", "respondent:OpenAI", "subject:sues"))
    ]


@pytest.mark.parametrize(
    "title",
    [
        "OpenAI sued by authors over copyright",  # no claimant
        "New York Times copyright lawsuit heads to trial",  # no respondent, no own action
        "New York Times and OpenAI announce a partnership",  # no subject
        "Japan asks OpenAI to respect copyright",  # a party, but not on a side
    ],
)
def test_each_side_and_a_subject_are_required(matcher: Matcher, title: str) -> None:
    assert matcher.match(title) == []


def test_summary_completes_the_title(matcher: Matcher) -> None:
    title = "Studio Ghibli wants answers on Sora 2"
    assert slugs(matcher, title) == []
    assert slugs(matcher, title, "The studio objects to training on its films.") == [
        "coda-v-openai"
    ]


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("CODA asks OpenAI to stop training Sora 2", ["coda-v-openai"]),
        ("Coda launches AI training with OpenAI", []),
        ("A coda to Sora's launch week: OpenAI training costs", []),
        ("Studio Ghibli says SORA copied its films: copyright", ["coda-v-openai"]),
        ("STUDIO GHIBLI: OPENAI COPYRIGHT FIGHT", ["coda-v-openai"]),
    ],
)
def test_capitals_only_acronyms_match_in_their_case(
    matcher: Matcher, title: str, expected: list[str]
) -> None:
    assert slugs(matcher, title) == expected


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Studio Ghibli on Soraya, the new copyright app", []),
        ("Studio Ghibli raises an issue with OpenAI", []),
        ("Studio Ghibli to sue OpenAI", ["coda-v-openai"]),
        ("NYTimes hits OpenAI with copyright suit", []),
    ],
)
def test_latin_terms_match_whole_words(matcher: Matcher, title: str, expected: list[str]) -> None:
    assert slugs(matcher, title) == expected


@pytest.mark.parametrize(
    "title",
    [
        "スタジオジブリ作品の学習巡りOpenAIに要請",  # Japanese alias inside a longer run
        "コンテンツ海外流通促進機構がOpenAIに要請",  # a Latin alias between kana
        "CODAの要請、Sora 2に",
    ],
)
def test_japanese_text_matches_without_word_boundaries(matcher: Matcher, title: str) -> None:
    assert slugs(matcher, title) == ["coda-v-openai"]


@pytest.mark.parametrize(
    "title",
    [
        "New York Times’ lawsuit against OpenAI",  # curly apostrophe
        "ＮＹＴ sues ＯｐｅｎＡＩ",  # full-width letters
        "NYT sues <b>OpenAI</b> &amp; friends",  # markup and entities from a feed
    ],
)
def test_text_is_normalised(matcher: Matcher, title: str) -> None:
    assert slugs(matcher, title) == ["nyt-v-openai"]


def test_quotes_are_folded_in_text_and_terms(matcher: Matcher) -> None:
    assert slugs(matcher, "Japan’s content body asks OpenAI to stop training") == ["coda-v-openai"]


def test_spaces_and_hyphens_in_terms_are_interchangeable(matcher: Matcher) -> None:
    assert slugs(matcher, "Getty wins trade-mark point against Stability") == ["getty-v-stability"]
    assert slugs(matcher, "CODA says an opt out does not shield OpenAI") == ["coda-v-openai"]
    assert slugs(matcher, "CODA says an opt—out does not shield OpenAI") == ["coda-v-openai"]


@pytest.mark.parametrize(
    ("title", "summary"),
    [
        ("OpenAI faces copyright lawsuit from authors, the New York Times reported", ""),
        ("OpenAI faces copyright lawsuit from authors, NYT reports.", ""),
        ("OpenAI faces copyright lawsuit, according to The New York Times", ""),
        ("OpenAI faces copyright lawsuit from authors (NYT)", ""),
        ("OpenAI faces copyright lawsuit from authors - The New York Times", ""),
        ("Authors sue OpenAI", "Details were first reported by the New York Times."),
        ("Stability AI settles copyright lawsuit", "(Photo: Getty Images)"),
    ],
)
def test_a_party_cited_as_a_source_is_not_named(matcher: Matcher, title: str, summary: str) -> None:
    assert matcher.match(title, summary) == []


def test_a_party_that_speaks_is_named(matcher: Matcher) -> None:
    assert slugs(matcher, "New York Times says OpenAI lawsuit is about its journalism") == [
        "nyt-v-openai"
    ]
    assert slugs(matcher, "OpenAI copied us, New York Times says in lawsuit") == ["nyt-v-openai"]


@pytest.mark.parametrize(
    "summary",
    [
        "The suit joins other cases, including Getty Images' claims against Stability AI.",
        "Its tool avoids the legal risks of rivals such as Stable Diffusion, Getty says.",
    ],
)
def test_a_party_cited_as_an_example_is_not_named(matcher: Matcher, summary: str) -> None:
    assert matcher.match("Disney and Universal sue Midjourney", summary) == []


@pytest.mark.parametrize(
    ("title", "terms"),
    [
        ("What the Getty judgment means for UK training", ("claimant:Getty", "subject:judgment")),
        ("Court hears Getty's appeal", ("claimant:Getty", "subject:appeal")),
        ("CODA's request gets no reply", ("claimant:CODA", "subject:request")),
        ("生成AIと著作権　CODAの要請", ("claimant:CODA", "subject:要請")),
    ],
)
def test_a_claimant_named_with_its_own_action_names_the_dispute(
    matcher: Matcher, title: str, terms: tuple[str, ...]
) -> None:
    assert [m.terms for m in matcher.match(title)] == [terms]


@pytest.mark.parametrize(
    "title",
    [
        "NYT lawsuit against Perplexity moves ahead",  # an action against someone else
        "Getty appeals to shareholders",  # a verb, not the action
        "Studio Ghibli lawsuit over merchandise",  # a member's own action is its own dispute
        "Japan's content body's request gets no reply",  # a description, not a name
    ],
)
def test_other_actions_do_not_name_the_dispute(matcher: Matcher, title: str) -> None:
    assert matcher.match(title) == []


def test_include_terms_speak_of_the_subject_for_their_dispute_only(matcher: Matcher) -> None:
    assert slugs(matcher, "Getty shows watermarks made by Stable Diffusion") == [
        "getty-v-stability"
    ]
    assert slugs(matcher, "NYT shows watermarks made by ChatGPT") == []


def test_exclude_terms_veto_their_dispute_only(matcher: Matcher) -> None:
    title = "Getty Museum and NYT: Stability AI and OpenAI face copyright suits"
    assert slugs(matcher, title) == ["nyt-v-openai"]


def test_an_item_about_two_disputes_matches_both_sorted_by_slug(matcher: Matcher) -> None:
    found = matcher.match(
        "AI copyright week: NYT v. OpenAI, and CODA asks OpenAI to stop training Sora 2"
    )
    assert [m.slug for m in found] == ["coda-v-openai", "nyt-v-openai"]
    assert found[1].terms == ("claimant:NYT", "respondent:OpenAI", "subject:copyright")


def test_the_first_named_alias_of_each_side_is_recorded(matcher: Matcher) -> None:
    (found,) = matcher.match("コンテンツ海外流通促進機構 and CODA: Sora 2 training request")
    assert found.terms == (
        "claimant:コンテンツ海外流通促進機構",
        "respondent:Sora 2",
        "subject:training",
    )


def test_a_dispute_without_a_claimant_never_matches() -> None:
    lonely = dispute("lonely", Party("OpenAI", "respondent"))
    assert Matcher([lonely], SUBJECTS).match("NYT copyright lawsuit against OpenAI") == []


def test_disputes_sharing_a_claimant_are_told_apart_by_respondent() -> None:
    perplexity = dispute(
        "nyt-v-perplexity",
        Party("New York Times", "claimant", aliases=["NYT"]),
        Party("Perplexity", "respondent"),
    )
    matcher = Matcher([NYT, perplexity], SUBJECTS)
    assert slugs(matcher, "NYT sues Perplexity over copyright") == ["nyt-v-perplexity"]
    assert slugs(matcher, "NYT copyright fight: OpenAI and Perplexity") == [
        "nyt-v-openai",
        "nyt-v-perplexity",
    ]


def test_a_claimant_name_inside_another_disputes_longer_name_is_found() -> None:
    photos = dispute(
        "getty-photographers",
        Party("Getty", "claimant"),
        Party("Stability AI", "respondent"),
    )
    matcher = Matcher([GETTY, photos], SUBJECTS)
    assert slugs(matcher, "Getty Images sues Stability AI") == [
        "getty-photographers",
        "getty-v-stability",
    ]


def test_a_poll_builds_its_matcher_once_and_ships_it_built(monkeypatch: pytest.MonkeyPatch) -> None:
    import pickle

    from tracker import polling

    digest = polling._Digest([NYT, CODA, GETTY], {"subject_terms": SUBJECTS})
    digest.prepare()  # in the main process, before the parser processes start
    shipped = pickle.dumps(digest)
    polling._compiled.clear()  # as in a fresh parser process

    def no_second_build(*args: object) -> None:
        raise AssertionError("the matcher was built again")

    monkeypatch.setattr(polling, "_matcher", no_second_build)
    worker = pickle.loads(shipped)
    assert worker.matcher.match("NYT sues OpenAI over copyright") == [
        Match("nyt-v-openai", ("claimant:NYT", "respondent:OpenAI", "subject:sues"))
    ]


# Escape sequences a feed may carry (colours, tput's reset, a window title, a hyperlink,
# cursor moves): each goes whole, so an item reads as it would without them.
ESCAPES = ["\x1b[31m", "\x1b[0m", "\x1b[m", "\x1b[1;4;38;5;196m", "\x1b[2J", "\x1b(B",
           "\x1b]0;pwned\x07", "\x1b]8;;https://evil.example/\x1b\\", "\x1b7", "\x1bc",
           "\x1bM"]
ITEMS = [
    ("New York Times sues OpenAI over copyright", ""),
    ("The NYT lawsuit goes on", "OpenAI asked the court to dismiss it."),
    ("Getty Images v. Stability AI: watermarks", "Stable Diffusion in the High Court"),
    ("CODA asks OpenAI to stop training Sora 2 on members' works", ""),
    ("OpenAI shares new models", "Rivals such as Getty Images, NYT reports"),
]


def test_escape_codes_in_a_title_do_not_change_its_match(matcher: Matcher) -> None:
    title = "\x1b[31mNew York Times\x1b[0m sues OpenAI over copyright"
    assert slugs(matcher, title) == ["nyt-v-openai"]
    assert matcher.explain(title) == matcher.explain("New York Times sues OpenAI over copyright")


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(ITEMS), st.lists(st.tuples(st.booleans(), st.floats(0, 1),
                                                  st.sampled_from(ESCAPES)), max_size=6))
def test_an_item_with_escape_codes_matches_as_without(
        matcher: Matcher, item: tuple[str, str], inserts: list[tuple[bool, float, str]]) -> None:
    fields = list(item)
    # at places in the item's own text, so that no sequence lands inside another
    for in_summary, at, seq in sorted(((s, int(w * len(item[s])), q) for s, w, q in inserts),
                                      reverse=True):
        fields[in_summary] = fields[in_summary][:at] + seq + fields[in_summary][at:]
    assert matcher.explain(*fields) == matcher.explain(*item)


def test_short_escape_sequences_go_whole() -> None:
    from tracker.text import inert

    assert inert("a\x1b(Bb\x1b7c\x1bcd\x1b[0me\x1b]0;t\x07f") == "abcdef"
