"""tracker.languages: the language guess, and that remembering tokens never changes it."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tracker import languages

WORDS = [*sorted({w for words in languages._WORDS.values() for w in words.split()}),
         "acción", "ação", "château", "straße", "über", "zione", "ggi", "İstanbul", "ÉTÉ",
         "Times", "OpenAI", "l'", "d'un", "qu'il", "naïve", "123", "_x", "ǅ"]


def reference(text: str) -> str:
    """The rule as written down: per language, the tokens that are one of its function
    words or have its spelling; the most wins if it has 2 or more and no tie."""
    if languages._HANGUL.search(text):
        return "ko"
    if languages._KANA.search(text):
        return "ja"
    if languages._HAN.search(text):
        return "zh"
    if languages._CYRILLIC.search(text):
        return "ru"
    tokens = [t.lower() for t in languages._TOKEN.findall(text)]
    scores = {lang: sum(t in words or bool(lang in languages._SPELLING
                                           and languages._SPELLING[lang].search(t))
                        for t in tokens) for lang, words in languages._TABLE.items()}
    ranked = sorted(scores.values(), reverse=True)
    if ranked[0] < 2 or ranked[0] == ranked[1]:
        return ""
    return max(scores, key=lambda lang: scores[lang])


texts = st.lists(st.one_of(st.sampled_from(WORDS), st.text(max_size=8)), max_size=25).map(
    " ".join)


@settings(max_examples=400, deadline=None)
@given(texts)
def test_the_guess_follows_the_rule_with_a_warm_or_a_cold_memory(text):
    assert languages.detect(text) == reference(text)
    languages._COUNTS.clear()
    assert languages.detect(text) == reference(text)


@pytest.mark.parametrize(("text", "expected"), [
    ("OpenAI demandada por el New York Times por derechos de autor", "es"),
    ("Le New York Times attaque OpenAI et Microsoft pour contrefaçon", "fr"),
    ("Getty Images verliert gegen Stability AI vor dem High Court", "de"),
    ("The New York Times sues OpenAI and Microsoft over copyright", "en"),
    ("OpenAI", ""),  # too few words to tell
    ("スタジオジブリ、OpenAIに要請", "ja"),
])
def test_headlines(text, expected):
    assert languages.detect(text) == expected


def test_a_full_memory_starts_again_and_answers_the_same(monkeypatch):
    monkeypatch.setattr(languages, "_COUNTS_MAX", 3)
    text = "The New York Times sues OpenAI and Microsoft over the use of its articles"
    first = languages.detect(text)
    assert len(languages._COUNTS) <= 3
    assert languages.detect(text) == first == "en"
