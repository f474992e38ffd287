"""Decide which disputes a feed item is about, from its title and summary.

An item matches a dispute when it names someone on the claimant side, someone on the
respondent side and a subject term (a configured one, or one of the dispute's own include
terms), and none of the dispute's exclude terms. A claimant named together with its own
legal action ("NYT lawsuit", "the Getty judgment", "CODAの要請") names the dispute itself,
so there the respondent may go unsaid. A name cited as a source ("..., NYT reports",
"according to The New York Times", a closing "(NYT)") or as an example of other cases or
rivals ("cases such as Getty Images' claims") is a passing mention and names no one.

Terms written in capitals (CODA, NYT) match in that exact case, others in any case.
Latin-script terms match whole words; Japanese and Chinese text matches anywhere.

Every term of every dispute is found in one pass over an item by Aho-Corasick automata
(see Matcher), so an item costs the same whether 3 disputes are followed or 300.
"""

from __future__ import annotations

import _sre  # the regex engine's own lower case, for folding text as its IGNORECASE does
import html
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Literal

from tracker import dates
from tracker.models import CLAIMANT_ROLES, RESPONDENT_ROLES, Dispute
from tracker.text import inert

# Kana and CJK ideographs: scripts written without spaces, so terms in them match inside
# longer runs. Where one meets a letter of another script ("NYT訴訟") a space is put, so
# that a Latin term's word boundary is simply the edge of a run of word characters.
_UNSPACED = "\u3005\u3007\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_SPACED = f"[^\\W{_UNSPACED}]"  # a letter or digit of a script that spaces its words
_IS_SPACED = re.compile(_SPACED)
_SCRIPT_CHANGE = re.compile(f"(?<={_SPACED})(?=[{_UNSPACED}])|(?<=[{_UNSPACED}])(?={_SPACED})")
# Korean spaces its words but writes particles onto them ("오픈AI를", "뉴욕타임스가"): a
# term ending in Hangul must start a word, and may be followed by anything; any other
# term may be followed by Hangul (a particle), though not by another letter or digit.
_HANGUL = "\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f"
_IS_HANGUL = re.compile(f"[{_HANGUL}]")
_WORD_END = f"(?![^\\W{_HANGUL}])"  # what a bounded term's end must not be followed by

_FOLD = str.maketrans(
    {
        "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
        "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"',
        "\u2010": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2015": "-",
        "\u2212": "-",
    }
)  # fmt: skip
_TAG = re.compile(r"<[^<>]*>")
_SEPARATORS = re.compile(r"[ -]+")

# A mention is passing when the words around it cite it as a source or as an example.
# Text is normalised first, so spaces are single, dashes are "-" and fields end in "\n".
_CITED_BEFORE = re.compile(
    r"(?i)(?<!\w)(?:according to|reported by|citing|via|per|courtesy of"
    r"|(?:photo(?:graph)?|image|picture|illustration|credit)s? ?(?::|by)"
    r"|(?:cases|suits|lawsuits|disputes|rivals|competitors),? (?:including|such as|like)"
    r") (?:the )?$"
)
_CITED_AFTER = re.compile(
    r"(?i)(?:'s?)? (?:reports|reported|reporting|writes|wrote)(?=[.,;:!?)]| -|\n|$)"
)
# A name after a dash or in parentheses that ends its field is a byline: "... - NYT".
_BYLINE_BEFORE = re.compile(r"(?i)(?:^|\n| )[-|] (?:the )?$|\($")
_BYLINE_AFTER = re.compile(r"\)?(?= -|\n|$)")
_WINDOW = 48  # characters before a mention that may hold a citing phrase


def _normalise(text: str) -> str:
    """Text as the matcher compares it: no markup, NFKC, plain quotes and dashes, one space,
    no terminal escape sequences (one inside "New York Times" must not hide the name)."""
    if "<" in text or "&" in text:
        text = html.unescape(_TAG.sub(" ", text))
    if "\x1b" in text:  # the common case costs a search, a tenth of isprintable()
        text = inert(text)
    if text.isascii():  # NFKC and _FOLD leave ASCII as it is
        return " ".join(text.split())
    text = " ".join(unicodedata.normalize("NFKC", text).translate(_FOLD).split())
    return text if text.isascii() else _SCRIPT_CHANGE.sub(" ", text)


def _key(text: str) -> str:
    """A term or a matched text as a lookup key: a run of spaces and hyphens is one space."""
    return " ".join(_SEPARATORS.split(text))


def _fold(text: str) -> str:
    """A normalised term or matched text as a key that ignores case."""
    return _key(text).lower()


def _describes(alias: str) -> bool:
    """Whether an alias is a description ("Japanese anime studios") rather than a name."""
    return any(word.islower() for word in alias.split())


def _bounded_end(term: str) -> bool:
    """Whether a normalised term must end at a word edge (see _IS_HANGUL)."""
    return bool(_IS_SPACED.match(term[-1])) and not _IS_HANGUL.match(term[-1])


def _branch(term: str) -> str:
    """A regex for one normalised term, minus the word boundary at its start."""
    body = "[ -]".join(re.escape(word) for word in _SEPARATORS.split(term))
    if not term.isupper():
        body = f"(?i:{body})"
    return f"{body}{_WORD_END}" if _bounded_end(term) else body


def _alternation(terms: Iterable[str]) -> str:
    """One regex for normalised terms, longest first; a regex that never matches for none.

    The word boundary before Latin-script terms is checked once for all of them: a
    lookbehind on every branch would make the search several times slower.
    """
    ordered = sorted(set(terms), key=len, reverse=True)
    latin = [_branch(t) for t in ordered if _IS_SPACED.match(t)]
    unspaced = [_branch(t) for t in ordered if not _IS_SPACED.match(t)]
    branches = [f"(?<!\\w)(?:{'|'.join(latin)})"] if latin else []
    if unspaced:
        branches.append("|".join(unspaced))
    return "|".join(branches) or "(?!)"


def _passing(text: str, start: int, end: int) -> bool:
    """Whether the mention at text[start:end] is cited as a source or an example."""
    before = text[max(0, start - _WINDOW) : start]
    if _CITED_BEFORE.search(before) or _CITED_AFTER.match(text, end):
        return True
    return bool(_BYLINE_BEFORE.search(before) and _BYLINE_AFTER.match(text, end))


# -- words the rules look for around a claimant ----------------------------------------------

# A claimant's own legal action: "<claimant>['s|の|의] <action>" names the dispute.
# Words that are also verbs ("Getty appeals", "studios demand") count only after "'s".
_ACTIONS = (
    "lawsuit", "suit", "case", "complaint", "litigation", "trial", "ruling", "judgment",
    "judgement", "訴訟", "裁判", "判決", "訴え", "要請", "要望", "소송", "제소", "诉讼", "起诉",
    "Klage", "Urheberrechtsklage",
)  # fmt: skip
_POSSESSED_ACTIONS = ("claim", "claims", "appeal", "challenge", "request", "demand")
# "<claimant> argues in its suit ...": the claimant speaking in its own proceedings.
_FILINGS = ("lawsuit", "suit", "complaint", "case", "filing", "court filing", "court", "appeal",
            "claim", "judge")  # fmt: skip
_SPEAKS = ("argues|argued|says|said|claims|claimed|contends|contended|alleges|alleged|insists"
           "|insisted|tells|told|warns|warned")
# ... and the same action named before the claimant: "the suit brought by the Times",
# "demanda del New York Times", "Klage der New York Times", "ação movida pelo NYT".
_ACTION_BEFORE = re.compile(
    r"(?i)(?<!\w)(?P<noun>lawsuit|suit|case|complaint|claims?|demand|request|challenge"
    r"|litigation|legal action|appeal|demanda|querella|plainte|procès|klage|processo|ação"
    r"|causa|denuncia|diffida)"
    r"(?: (?:filed|brought|launched|lodged|presentada|interpuesta|déposée|intentée"
    r"|eingereicht|erhoben|movida|aberta|intentata|promossa))?"
    r" (?:by|from|of|de|del|du|des|von|der|do|da|dos|das|pelo|pela|por|della|dello|dei|dal"
    r"|dalla)(?: (?:the|la|le|el|los|las|die|o|a|il|lo|os))?(?: |l')$"
)
_AGAINST_ANOTHER = re.compile(r"(?i) (?:against|v\.|vs\.|versus|contra|contre|gegen) ")

# Syndication and attribution footers name an outlet, not a party: "The post ... appeared
# first on <outlet>.", "This article originally appeared on ...", "© 2025 <company>".
_FOOTER = re.compile(
    r"(?i)(?:^|(?<=[.!?\"')] )|(?<=\n)|(?<= )\()"
    r"(?:the post .{1,400}? appeared first on .{1,120}?"
    r"|this (?:article|story|post|piece) (?:was |is )?(?:originally |first )?(?:appeared"
    r"|published|posted|syndicated)(?: (?:on|in|at|by|from|with permission from))? .{1,120}?"
    r"|(?:originally|first) (?:appeared|published|posted) (?:on|in|at|by) .{1,120}?"
    r"|(?:read|see) (?:more|the (?:full|original) (?:story|article|post)) (?:at|on) .{1,120}?"
    r"|continue reading(?: (?:at|on) .{1,120}?)?"
    r"|(?:©|\(c\) ?(?=\d{4})|copyright ?(?:©|\(c\)|(?=\d{4}))) ?(?:\d{4}(?:-\d{4})? )?"
    r"[^.\n]{1,80}?(?:\.? all rights reserved)?"
    r"|(?:reporting|writing|editing) by [^\n]{1,160}?"
    r")[.)]?(?=\n|$)"
)


def _strip_footers(field: str) -> tuple[str, list[str]]:
    """A normalised field without its closing footers, and the footers taken off."""
    taken = []
    for _ in range(3):  # a field may close with two ("Read more at ... © 2025 ...")
        m = _FOOTER.search(field)
        if m is None:
            break
        taken.append(m.group().strip())
        field = field[: m.start()].rstrip()
    return field, taken


def _item_text(title: str, summary: str) -> tuple[str, list[str]]:
    """An item's normalised "title\\nsummary", the summary's footers removed, and those."""
    body, footers = _strip_footers(_normalise(summary))
    return _normalise(title) + "\n" + body, footers


@dataclass(frozen=True)
class Match:
    """A dispute an item is about, and the terms that decided it."""

    slug: str
    terms: tuple[str, ...]  # e.g. ("claimant:CODA", "respondent:OpenAI", "subject:training")


Verdict = Literal["match", "suggest", "no"]


@dataclass(frozen=True)
class Decision:
    """What the rules made of one item for one dispute, and why, in words a user can act on.

    `match`: attach it; `suggest`: keep it for review (some signals, not all); `no`.
    """

    slug: str
    verdict: Verdict
    terms: tuple[str, ...]  # the signals found, as in Match.terms
    missing: tuple[str, ...] = ()  # what would have made it a match ("a respondent" ...)
    reasons: tuple[str, ...] = ()  # one sentence per signal, mention ignored or rule applied

    def to_dict(self) -> dict[str, Any]:
        return {"dispute": self.slug, "verdict": self.verdict, "terms": list(self.terms),
                "missing": list(self.missing), "reasons": list(self.reasons)}


# -- case folding as the regex engine does it ------------------------------------------------


def _case_fixes() -> dict[int, tuple[int, ...]]:
    """Characters the regex engine treats as equal under IGNORECASE beyond their simple
    lower case ("ı" and "i", "ſ" and "s" ...), keyed by lower case: re's own table."""
    try:
        from re import _casefix  # type: ignore[attr-defined]  # Python 3.11+

        fixes: dict[int, tuple[int, ...]] = _casefix._EXTRA_CASES
    except ImportError:  # Python 3.10 keeps the table in sre_compile
        import sre_compile

        fixes = sre_compile._ignorecase_fixes  # type: ignore[attr-defined]
    return fixes


class _CaseFold(dict[int, str]):
    """A str.translate table: each character as the regex engine compares it under
    IGNORECASE (its simple lower case, then the smallest character re takes as equal to
    that), and "-" as " ", the two characters a term's word separator matches.

    One character in, one out: a position in the folded text is a position in the text.
    Filled on demand, since feed text uses few of Unicode's characters.
    """

    def __missing__(self, code: int) -> str:
        lower = _sre.unicode_tolower(code)
        folded = chr(min((lower, *_FIXES.get(lower, ()))))
        self[code] = folded
        return folded


_FIXES = _case_fixes()
_CASE_FOLD = _CaseFold({ord("-"): " "})


def _case_folded(text: str) -> str:
    """`text` folded for the automata; see _CaseFold."""
    if text.isascii():  # an ASCII letter's simple lower case is its own class's smallest
        return text.lower().replace("-", " ")
    return text.translate(_CASE_FOLD)


def _is_word(char: str) -> bool:
    """Whether the regex engine's \\w matches `char` (Unicode letters, digits, "_")."""
    return char.isalnum() or char == "_"


class _Labels:
    """How the text a side's term matched is named in a Match: "side:term as configured"."""

    def __init__(self, side: str) -> None:
        self._side = side
        self._exact: dict[str, str] = {}  # terms in capitals, matched in their case
        self._folded: dict[str, str] = {}  # the others, keyed in lower case

    def _add(self, norm: str, term: str) -> None:
        if norm.isupper():
            self._exact.setdefault(_key(norm), term)
        elif norm:
            self._folded.setdefault(_fold(norm), term)

    def label(self, found: str) -> str:
        """The label of the term that matched the text `found`."""
        key = _key(found)
        term = self._exact.get(key) or self._folded.get(_fold(found), found)
        return f"{self._side}:{term}"


class _Terms(_Labels):
    """Terms compiled into one regex: the words for a claimant's own action."""

    def __init__(self, side: str, terms: Iterable[str]) -> None:
        super().__init__(side)
        normalised = [(_normalise(t).strip(" -"), t) for t in terms]
        for norm, term in normalised:
            self._add(norm, term)
        self.source = _alternation(norm for norm, _ in normalised if norm)


_NOUNS = _Terms("subject", _ACTIONS)
_VERBS = _Terms("subject", _POSSESSED_ACTIONS)
_FILED = _Terms("subject", _FILINGS)
# What follows a claimant named with its own action: "NYT lawsuit", "Getty's appeal",
# "CODAの要請", "NYT argues in its suit"; not "NYT lawsuit against ..." (a suit of its own
# against someone else).
_OWN_ACTION = re.compile(
    f"(?:(?:'s?)? ?[の의的가이는은]? ?(?P<noun>{_NOUNS.source})|'s? (?P<verb>{_VERBS.source})"
    f"|,? (?:{_SPEAKS})(?: the)? (?:in|to) (?:its |the |a |new )?(?P<filed>{_FILED.source})"
    r"|(?P<verdict> (?:wins|won|loses|lost|prevails|prevailed)(?!\w)))"
    r"(?! (?:against|v\.|vs\.|versus|contra|contre|gegen) )"
)


# -- the automata ----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Term:
    """A normalised term as the automata find it, with the checks its regex made."""

    norm: str
    key: str  # what the automaton looks for: case-folded, words joined by one space
    exact: str | None  # a term in capitals matches only this text (hyphens as spaces)
    bounded_start: bool  # starts with a letter or digit of a spaced script: a word edge
    bounded_end: bool  # likewise at its end

    @classmethod
    def of(cls, norm: str) -> _Term:
        key = _key(norm)
        return cls(norm, _case_folded(key), key if norm.isupper() else None,
                   bool(_IS_SPACED.match(norm)), _bounded_end(norm))

    def found_at(self, text: str, start: int, end: int) -> bool:
        """Whether the automaton's hit at text[start:end] is a match of this term."""
        if self.bounded_start and start and _is_word(text[start - 1]):
            return False
        if (self.bounded_end and end < len(text) and _is_word(text[end])
                and not _IS_HANGUL.match(text[end])):
            return False
        return self.exact is None or text[start:end].replace("-", " ") == self.exact


# A term's hits in one item's normalised text: term id -> [(start, end), ...].
_Hits = dict[int, list[tuple[int, int]]]


class _Catalogue:
    """Every distinct normalised term of every dispute, numbered, and the automata that
    find them all in one pass over an item's text."""

    def __init__(self) -> None:
        self.terms: list[_Term] = []
        self._ids: dict[str, int] = {}
        self._norms: dict[str, str] = {}

    def normalised(self, term: str) -> str:
        norm = self._norms.get(term)
        if norm is None:
            norm = self._norms[term] = _normalise(term).strip(" -")
        return norm

    def ids(self, terms: Iterable[str]) -> set[int]:
        """The ids of `terms` (normalised first), leaving out those that normalise to ""."""
        return {self.id(norm) for norm in map(self.normalised, terms) if norm}

    def id(self, norm: str) -> int:
        found = self._ids.get(norm)
        if found is None:
            found = self._ids[norm] = len(self.terms)
            self.terms.append(_Term.of(norm))
        return found

    def automaton(self, ids: Iterable[int]) -> Any:
        """An Aho-Corasick automaton over the terms `ids`, by their case-folded keys."""
        import ahocorasick

        by_key: dict[str, list[int]] = {}
        for i in sorted(set(ids)):
            by_key.setdefault(self.terms[i].key, []).append(i)
        automaton = ahocorasick.Automaton()
        for key, same in by_key.items():
            automaton.add_word(key, (len(key), tuple(same)))
        if by_key:
            automaton.make_automaton()
        return automaton

    def hits(self, automaton: Any, text: str, folded: str, into: _Hits) -> _Hits:
        """Add the matches in `text` (folded as `folded`) of the automaton's terms to `into`."""
        if not len(automaton):
            return into
        terms = self.terms
        for last, (length, ids) in automaton.iter(folded):
            start, end = last + 1 - length, last + 1
            for i in ids:
                if terms[i].found_at(text, start, end):
                    into.setdefault(i, []).append((start, end))
        return into


class _Side(_Labels):
    """The terms of one side of one dispute ("claimant", "subject" ...), as term ids."""

    def __init__(self, side: str, terms: Iterable[str], catalogue: _Catalogue) -> None:
        super().__init__(side)
        self._catalogue = catalogue
        self.ids: set[int] = set()
        for term in terms:
            norm = catalogue.normalised(term)
            self._add(norm, term)
            if norm:
                self.ids.add(catalogue.id(norm))

    def _hits(self, hits: _Hits) -> list[tuple[int, int, int, int]]:
        """This side's hits as (start, -length of the term, -end, id), in the order the
        regex alternation (longest term first) would have tried them."""
        terms = self._catalogue.terms
        return sorted((start, -len(terms[i].norm), -end, i)
                      for i in hits.keys() & self.ids for start, end in hits[i])

    def found(self, hits: _Hits) -> bool:
        return not hits.keys().isdisjoint(self.ids)

    def first(self, text: str, hits: _Hits) -> str | None:
        """The label of the first term in `text`, or None."""
        found = self._hits(hits)
        if not found:
            return None
        start, _, end, _ = found[0]
        return self.label(text[start:-end])

    def first_named(self, text: str, hits: _Hits) -> tuple[str, int, int] | None:
        """The label and place of the first mention that is not a source or an example."""
        pos = 0
        for start, _, end, _ in self._hits(hits):
            if start < pos:  # inside a passing mention, or shorter than the one tried here
                continue
            if not _passing(text, start, -end):
                return self.label(text[start:-end]), start, -end
            pos = -end
        return None

    def own_action(self, text: str, hits: _Hits) -> tuple[str, ...] | None:
        """The terms of one of these names with its own action ("NYT lawsuit", "Getty says
        in its complaint", "the suit brought by the Times"), or None."""
        pos = 0
        for start, _, end, _ in self._hits(hits):
            if start < pos:
                continue
            m = _OWN_ACTION.match(text, -end)
            if m is not None:
                if not _passing(text, start, m.end()):
                    action = (_NOUNS.label(m["noun"]) if m["noun"] else _VERBS.label(m["verb"])
                              if m["verb"] else _FILED.label(m["filed"]) if m["filed"]
                              else f"verdict:{m['verdict'].strip()}")
                    return (self.label(text[start:-end]), action)
                pos = m.end()
                continue
            before = _ACTION_BEFORE.search(text, max(0, start - 60), start)
            if (before is not None and not _AGAINST_ANOTHER.match(text, -end)
                    and not _passing(text, before.start(), -end)):
                return (self.label(text[start:-end]), f"subject:{before['noun'].lower()}")
        return None


class _Subject(_Side):
    """Subject terms: the configured ones (each for every language, or for some), a
    dispute's include terms and signature phrases; some configured ones are weak."""

    def __init__(self, terms: list[str], catalogue: _Catalogue, *,
                 languages: dict[int, frozenset[str]] | None = None,
                 weak: frozenset[int] = frozenset(), broad: frozenset[int] = frozenset(),
                 strong: Iterable[str] = (), signature: Iterable[str] = ()) -> None:
        signature = list(signature)
        super().__init__("subject", [*terms, *strong, *signature], catalogue)
        self.terms = terms
        # Which term names the subject when several are found: the first in the text,
        # except that broad ones ("presses", "clash") give way to any other.
        self.broad = frozenset(broad) - catalogue.ids([*strong, *signature])
        self.languages = languages or {}  # term id -> languages it applies to; absent: all
        self.weak = weak - catalogue.ids([*strong, *signature])
        self.signature = _Side("signature", signature, catalogue)

    def with_own(self, include: list[str], signature: list[str],
                 catalogue: _Catalogue) -> _Subject:
        """These subject terms plus a dispute's own include terms and signature phrases."""
        if not include and not signature:
            return self
        return _Subject(self.terms, catalogue, languages=self.languages, weak=self.weak,
                        broad=self.broad, strong=include, signature=signature)

    def best(self, text: str, hits: _Hits, language: str) -> tuple[str, bool] | None:
        """The label of the first strong subject term found (broad ones last, weak ones
        only if no other), and whether it is weak; terms of another language than the
        item's do not count."""
        found = []
        for start, _, end, i in self._hits(hits):
            langs = self.languages.get(i)
            if langs is not None and language and language not in langs:
                continue
            found.append((i in self.weak, i in self.broad, start, -end))
        if not found:
            return None
        weak, _, start, end = min(found)
        return self.label(text[start:end]), weak


_CLAIMANT_SIDE, _RESPONDENT_SIDE, _SUBJECT = "a claimant", "a respondent", "a subject term"


def _date(value: str | None) -> date | None:
    """The first day of an ISO date, month or year ("2025-10", "2023"), or None."""
    if not value:
        return None
    text = str(value)[:10]
    parts = [*text.split("-"), "01", "01"][:3]
    try:
        return date(int(parts[0]), int(parts[1] or 1), int(parts[2] or 1))
    except ValueError:
        return None


def _quoted(label: str) -> str:
    return f'"{label.partition(":")[2]}"'


class _Rule:
    """A dispute's rule: the term ids of each side, of its subject and of its exclusions."""

    def __init__(self, dispute: Dispute, subject: _Subject, catalogue: _Catalogue,
                 aliases: dict[str, list[str]], early_days: int) -> None:
        self.slug = dispute.slug
        sides = [(p.role, n) for p in dispute.parties for n in _names(p, aliases)]
        claimants = [n for r, n in sides if r in CLAIMANT_ROLES]
        self.claimant = _Side("claimant", claimants, catalogue)
        self.respondent = _Side("respondent", (n for r, n in sides if r in RESPONDENT_ROLES),
                                catalogue)
        self.subject = subject.with_own(list(dispute.match.get("include", [])),
                                        list(dispute.match.get("signature", [])), catalogue)
        self.exclude = _Side("exclude", dispute.match.get("exclude", []), catalogue)
        # A claimant itself named with its own action ("NYT lawsuit"); not a member, whose
        # actions are its own, nor a description ("Japanese studios"), which is not a name.
        self.own = _Side("claimant", (n for r, n in sides if r == "claimant" and not _describes(n)),
                         catalogue)
        # Descriptions of the claimant side ("Japanese anime studios") also match with a
        # few words between theirs: "Japanese anime and game studios".
        self.loose = [(n, _loose_pattern(catalogue.normalised(n))) for n in claimants
                      if _describes(n) and len(catalogue.normalised(n).split()) > 1]
        # An item is worth the loose test if it has the description's longest word (its
        # most telling one: "Japanese" in "Japanese studios", "japonais" in "studios
        # japonais").
        self.loose_ids = catalogue.ids(max(_SEPARATORS.split(catalogue.normalised(n)), key=len)
                                       for n, _ in self.loose)
        # Names that only suggest: a dispute's weak aliases ("Times"), and the parties on
        # neither side ("Government of Japan" in CODA's dispute).
        self.hint = _Side("claimant", [*dispute.match.get("weak_aliases", []),
                                       *(n for r, n in sides if r == "other")], catalogue)
        self._loose: list[tuple[str, re.Pattern[str]]] | None = None
        begun = dispute.started.first if isinstance(dispute.started, dates.PartialDate) else None
        self.early = begun - timedelta(days=early_days) if begun and early_days else None
        self.started = dispute.started

    def _loosely(self, text: str) -> tuple[str, int, int] | None:
        if self._loose is None:
            self._loose = [(n, re.compile(p)) for n, p in self.loose]
        for name, pattern in self._loose:
            for m in pattern.finditer(text):
                if not _passing(text, m.start(), m.end()):
                    return f"claimant:{name}", m.start(), m.end()
        return None

    def decide(self, text: str, hits: _Hits, language: str, published: str | None,
               footers: Sequence[str]) -> Decision:
        """What the rules make of normalised `text`, whose terms' hits are `hits`."""
        reasons = [f"ignored a footer naming its source: {f[:80]!r}" for f in footers]
        excluded = self.exclude.first(text, hits)
        if excluded:
            return Decision(self.slug, "no", (excluded,), (),
                            (*reasons, f"excluded by the dispute's term {_quoted(excluded)}"))
        named = self.claimant.first_named(text, hits)
        loosely = False
        if named is None and self.loose:
            named = self._loosely(text)
            loosely = named is not None
        if named is None and self.claimant.found(hits):
            reasons.append("a claimant is named only as a source or an example")
        claimant = named[0] if named else None
        hinted = self.hint.first_named(text, hits) if claimant is None else None
        found = self.respondent.first_named(text, hits)
        respondent = found[0] if found else None
        if respondent is None and self.respondent.found(hits):
            reasons.append("a respondent is named only as a source or an example")
        best = self.subject.best(text, hits, language)
        subject, weak = best if best else (None, False)
        signature = self.subject.signature.first(text, hits)
        own = self.own.own_action(text, hits) if claimant and not loosely else None
        if own and own[1].startswith("verdict:"):  # "Getty loses": of this dispute only
            own = (own[0], subject) if subject and not weak else None  # with its subject
        if claimant:
            reasons.append(f"names the claimant side: {_quoted(claimant)}"
                           + (" (a description, loosely)" if loosely else ""))
        if respondent:
            reasons.append(f"names the respondent side: {_quoted(respondent)}")
        if signature:
            reasons.append(f"has the dispute's signature phrase {_quoted(signature)}")
        elif subject:
            reasons.append(f"has the subject term {_quoted(subject)}" + (" (weak)" if weak else ""))
        terms: tuple[str, ...]
        if claimant and respondent and subject:
            terms, full = (claimant, respondent, subject), not weak
        elif own:
            terms, full = own, True
            reasons.append(f"names the claimant with its own action: {_quoted(own[1])}")
        else:
            terms = tuple(t for t in (claimant, respondent, signature or subject) if t)
            full = False
        missing = [what for what, got in ((_CLAIMANT_SIDE, claimant), (_RESPONDENT_SIDE,
                   respondent or own), (_SUBJECT, subject or own)) if not got]
        if weak and not missing and not own:
            missing.append("a stronger subject term than " + _quoted(subject or ""))
        when = _date(published)
        if full and when and self.early and when < self.early:
            strong = signature or (self.own.first_named(text, hits) and respondent and not weak)
            if not strong:
                full = False
                missing.append("stronger evidence: the claimant itself or a signature phrase")
                reasons.append(f"dated {when.isoformat()}, well before the dispute began "
                               f"({self.started})")
        if full:
            return Decision(self.slug, "match", terms, (), tuple(reasons))
        if hinted and respondent and subject:  # e.g. "Times" alone: ambiguous, worth a look
            reasons.append(f"names {_quoted(hinted[0])}, which alone does not name the "
                           "claimant side")
            return Decision(self.slug, "suggest", (hinted[0], respondent, subject),
                            ("the claimant by a name of its own",), tuple(reasons))
        # Some signals: worth a look when the claimant side is named with one other, or a
        # respondent with the dispute's own signature phrase.
        some = (claimant and (respondent or (subject and not weak))) or (respondent and signature)
        if some or (claimant and respondent and subject):
            return Decision(self.slug, "suggest", terms, tuple(missing), tuple(reasons))
        return Decision(self.slug, "no", terms, tuple(missing), tuple(reasons))


def _loose_pattern(norm: str) -> str:
    """A regex for a description's words in order, up to three other words between each."""
    words = [re.escape(w) for w in _SEPARATORS.split(norm)]
    if len(words[-1]) > 3 and words[-1].endswith("s"):
        words[-1] += "?"  # "Japanese anime studio" too
    gap = r"(?:[ -][^ \n]+){0,3}?[ -]"
    return r"(?i)(?<!\w)" + gap.join(words) + _WORD_END


def _names(party: Any, aliases: dict[str, list[str]]) -> list[str]:
    """A party's names, plus the aliases the config gives any of them (other scripts)."""
    names = party.names()
    extra = [a for n in names for a in aliases.get(n, ())]
    return [*names, *(a for a in extra if a not in names)]


class Matcher:
    """Matches feed items against disputes; build once, then call `match` per item.

    Every alias and term of every dispute goes into Aho-Corasick automata (pyahocorasick,
    a C implementation), so one pass over an item's text finds every term of every
    dispute, and the cost of an item does not grow with the number of disputes. Only the
    disputes whose claimant (or signature phrase) the item names are then decided.
    A Matcher pickles, automata included: a poll builds it once and ships it to its
    parser processes.

    `settings` is the config's [match] table: subject_terms (any language), broad_terms,
    languages (subject terms per language), weak_terms, aliases (other-script names of
    any party) and early_days.
    """

    def __init__(self, disputes: Iterable[Dispute], subject_terms: Iterable[str] | None = None,
                 settings: Mapping[str, Any] | None = None) -> None:
        settings = dict(settings or {})
        catalogue = self._catalogue = _Catalogue()
        base = list(subject_terms if subject_terms is not None
                    else settings.get("subject_terms", []))
        by_language: dict[str, list[str]] = dict(settings.get("languages", {}))
        langs: dict[str, set[str]] = {}
        for lang, words in by_language.items():
            for w in words:
                langs.setdefault(w, set()).add(lang)
        general = catalogue.ids(base)
        languages = {catalogue.id(catalogue.normalised(t)): frozenset(ls)
                     for t, ls in langs.items() if catalogue.normalised(t)}
        languages = {i: ls for i, ls in languages.items() if i not in general}
        weak = frozenset(catalogue.ids(settings.get("weak_terms", [])))
        broad_terms = list(settings.get("broad_terms", []))
        broad = frozenset(catalogue.ids(broad_terms)) - weak
        subject = _Subject([*base, *broad_terms, *langs], catalogue, languages=languages,
                           weak=weak, broad=broad)
        aliases = {k: list(v) for k, v in dict(settings.get("aliases", {})).items()}
        early = int(settings.get("early_days", 0))
        self._rules = [_Rule(d, subject, catalogue, aliases, early)
                       for d in sorted(disputes, key=lambda d: d.slug)]
        self._by_trigger: dict[int, list[int]] = {}
        for index, rule in enumerate(self._rules):
            for i in (rule.claimant.ids | rule.subject.signature.ids | rule.loose_ids
                      | rule.hint.ids):
                self._by_trigger.setdefault(i, []).append(index)
        # Two automata: most items name no claimant and pass through the first one only.
        self._triggers = catalogue.automaton(self._by_trigger)
        others = {i for r in self._rules for s in (r.respondent, r.subject, r.exclude)
                  for i in s.ids}
        self._others = catalogue.automaton(others - self._by_trigger.keys())

    def _prepare(self, title: str, summary: str, language: str | None, every: bool = False
                 ) -> tuple[str, str, list[str], _Hits]:
        """The item's text, language, footers taken off and terms found. Most items name
        no claimant: for them (unless `every`) the work stops at the first automaton;
        taking footers off can only remove names, so they are looked for after that."""
        head, body = _normalise(title), _normalise(summary)
        text = head + "\n" + body
        folded = _case_folded(text)
        hits = self._catalogue.hits(self._triggers, text, folded, {})
        if not hits and not every:
            return text, language or "", [], hits
        stripped, footers = _strip_footers(body)
        if footers:
            text = head + "\n" + stripped
            folded = _case_folded(text)
            hits = self._catalogue.hits(self._triggers, text, folded, {})
        if language is None:
            from tracker.languages import detect

            language = detect(text)
        self._catalogue.hits(self._others, text, folded, hits)
        return text, language, footers, hits

    def decide(self, title: str, summary: str = "", *, published: str | None = None,
               language: str | None = None) -> list[Decision]:
        """The matches and suggestions for an item, sorted by slug (None: detect its
        language from the text)."""
        text, language, footers, hits = self._prepare(title, summary, language)
        if not hits:
            return []
        candidates = sorted({rule for i in hits for rule in self._by_trigger.get(i, ())})
        decided = (self._rules[i].decide(text, hits, language, published, footers)
                   for i in candidates)
        return [d for d in decided if d.verdict != "no"]

    def match(self, title: str, summary: str = "", *, published: str | None = None,
              language: str | None = None) -> list[Match]:
        """The disputes the item is about, sorted by slug."""
        return [Match(d.slug, d.terms) for d in self.decide(
            title, summary, published=published, language=language) if d.verdict == "match"]

    def explain(self, title: str, summary: str = "", *, published: str | None = None,
                language: str | None = None) -> list[Decision]:
        """The decision for every dispute, with its reasons, sorted by slug."""
        text, language, footers, hits = self._prepare(title, summary, language, every=True)
        return [rule.decide(text, hits, language, published, footers) for rule in self._rules]


def explain(disputes: Iterable[Dispute], settings: Mapping[str, Any], title: str,
            summary: str = "", *, published: str | None = None) -> list[Decision]:
    """Why `title`/`summary` would or would not be attached to each of `disputes`.

    `settings` is the config's [match] table. For `tracker match explain` and -v logs.
    """
    return Matcher(disputes, settings=settings).explain(title, summary, published=published)
