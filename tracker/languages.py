"""A cheap guess at the language of a feed item: its script, then its commonest words.

    >>> detect("OpenAI demandada por el New York Times por derechos de autor")
    'es'

Good enough to pick which subject terms apply and to fill an article's `language`; an
empty answer means "could not tell" (too few words), and callers fall back to the feed's.
"""

from __future__ import annotations

import re

# Function words frequent in headlines and rare in the other languages listed.
_WORDS = {
    "en": "the and of to in for on over with its says is are from after as at by new against"
          " will has have was were not be his her their this that",
    "es": "el los las del y por para una con su sus según sobre contra ante tras más al es"
          " se lo como pero entre desde le lanza nueva nuevo pierde",
    "fr": "le les des du et une pour sur avec dans contre au aux ses est sont qui par pas"
          " ce cette selon après se l' d' qu' n' nouveaux nouvelle nouveau annonce",
    "de": "der die das und den dem des ein eine einen gegen mit von für auf ist im zu nicht"
          " sich bei nach wegen vor über eröffnet neue neues",
    "pt": "o os da do das dos em uma com seu sua para pelo pela não ao à contra sobre após"
          " e é mais novo nova anuncia",
    "it": "il lo gli della del dei delle e una con per su che non sulla sul alla nel nella"
          " contro dopo è tra degli di ha hanno sono chiede chiedono nuovo nuova apre un",
}
_TABLE = {lang: frozenset(words.split()) for lang, words in _WORDS.items()}
# Endings and letters that mark a word as one language's, for headlines of few words.
_SPELLING = {
    "es": re.compile(r"(?:ción|ciones|ñ\w*)$"), "pt": re.compile(r"(?:ção|ções|ão|ões|ã)$"),
    "fr": re.compile(r"(?:eau|eaux|ée|ées|ç\w*)$"),
    "de": re.compile(r"(?:ung|keit|heit|ß|ä\w*|ü\w*)$"),
    "it": re.compile(r"(?:zione|zioni|ggi|gli)$"),
}
_TOKEN = re.compile(r"[^\W\d_]+'?", re.UNICODE)
_HANGUL = re.compile("[\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f]")
_KANA = re.compile("[\u3040-\u30ff\u31f0-\u31ff]")
_HAN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_CYRILLIC = re.compile("[\u0400-\u04ff]")


_LANGUAGES = tuple(_TABLE)  # the order ties are broken in: the first listed wins
_COUNTS: dict[str, tuple[int, ...]] = {}  # token -> the languages it counts for (indexes)
_COUNTS_MAX = 200_000  # tokens remembered; a long rematch starts again past this


def _counts(token: str) -> tuple[int, ...]:
    """The languages (indexes into _LANGUAGES) a token is evidence for: one of their
    function words, or their spelling. Worked out once per distinct token."""
    found = _COUNTS.get(token)
    if found is None:
        if len(_COUNTS) >= _COUNTS_MAX:
            _COUNTS.clear()
        word = token.lower()
        found = _COUNTS[token] = tuple(
            i for i, lang in enumerate(_LANGUAGES)
            if word in _TABLE[lang] or (lang in _SPELLING and _SPELLING[lang].search(word)))
    return found


def detect(text: str) -> str:
    """The item's language as an ISO 639-1 code ("en", "ja" ...), or "" when unsure."""
    if _HANGUL.search(text):
        return "ko"
    if _KANA.search(text):
        return "ja"
    if _HAN.search(text):
        return "zh"
    if _CYRILLIC.search(text):
        return "ru"
    scores = [0] * len(_LANGUAGES)
    remembered = _COUNTS.get
    for token in _TOKEN.findall(text):
        found = remembered(token)
        for i in _counts(token) if found is None else found:
            scores[i] += 1
    top = max(scores)
    ranked = sorted(scores, reverse=True)
    if top < 2 or ranked[0] == ranked[1]:
        return ""
    return _LANGUAGES[scores.index(top)]
