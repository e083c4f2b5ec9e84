"""Matching what a person types against the catalogue of places (pure).

"214" finds "каб. 214", "Актовый зал" finds "актовый зал", "ё" and "е" are one letter,
and a typo ("спортзл") still finds "Спортзал". Case, punctuation and spacing never matter.
A school has hundreds of rooms, not millions: the catalogue is matched in memory.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Generic, TypeVar

_WORD = re.compile(r"[^\W_]+", re.UNICODE)
#: How alike two words must be to count as a typo of each other (difflib ratio).
TYPO_RATIO = 0.75

T = TypeVar("T")


def normalize(text: str) -> str:
    """Lower case, ё as е, words separated by one space, punctuation dropped."""
    return " ".join(words(text))


def words(text: str) -> list[str]:
    return _WORD.findall(text.casefold().replace("ё", "е"))


def place_key(name: str, building: str | None) -> str:
    return f"{normalize(building or '')}|{normalize(name)}"


@dataclass(frozen=True, slots=True)
class Candidate(Generic[T]):
    item: T
    label: str  # what is matched: "building name"


def _word_score(query: str, word: str) -> float:
    if query == word:
        return 1.0
    if word.startswith(query) or (query.isdigit() and query in word):
        return 0.9
    if len(query) >= 4 and query in word:
        return 0.8
    if len(query) >= 4 and len(word) >= 4:
        ratio = SequenceMatcher(None, query, word).ratio()
        if ratio >= TYPO_RATIO:
            return ratio * 0.8
    return 0.0


def score(query: str, label: str) -> float:
    """0 when some typed word matches nothing; else the mean of the best word matches."""
    typed = words(query)
    known = words(label)
    if not typed or not known:
        return 0.0
    if " ".join(typed) == " ".join(known):
        return 2.0
    best = [max(_word_score(q, w) for w in known) for q in typed]
    if min(best) == 0.0:
        return 0.0
    return sum(best) / len(best)


def match(query: str, candidates: Iterable[Candidate[T]], limit: int = 5) -> Sequence[T]:
    """The best matches, best first (ties: the order given)."""
    scored = [(score(query, c.label), i, c.item) for i, c in enumerate(candidates)]
    ranked = sorted((s for s in scored if s[0] > 0), key=lambda s: (-s[0], s[1]))
    return [item for _, _, item in ranked[:limit]]
