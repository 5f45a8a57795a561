"""\"Did you mean\" for a whole query: misspelt words corrected, fields and syntax kept.

:func:`suggest_query` replaces each word that is not in the corpus by the
closest corpus word (:meth:`searchkit.Index.suggest`), keeping what the user
wrote around it: ``title:whaet`` becomes ``title:wheat``, ``"vladmir putin"``
keeps its quotes, capitals stay (``Putn`` -> ``Putin``). Operators, field
names, wildcards, fuzzy terms and the values of fields that are not text
(``author:``, ``date:``, ``id:``, ``kind:``, ``source:``, ``article_id:``) are
left alone. A correction is proposed only when the corrected query has hits.
"""

from __future__ import annotations

import re

OPERATORS = frozenset({"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE", "TO"})
MIN_WORD = 3
"""Shorter words are never corrected (too many near neighbours)."""
_WORD = re.compile(r"(?<![\w.'’*?~])[^\W\d_][\w'’]*(?![\w'’]*[:*?~])")
_NOT_TEXT = re.compile(r"(?i)\b(?:author|date|id|kind|source|article_id):(?:\"[^\"]*\"?|\[[^\]]*\]?|\S+)")


CHOICES = 4
"""Spellings tried per misspelt word, nearest first."""
MAX_WORDS = 5
"""Misspelt words corrected in one query at most (each costs searches)."""


def suggest_query(index, query: str) -> str | None:
    """``query`` with its misspelt words corrected, or None when nothing is misspelt or no
    correction tried finds anything.

    Each misspelt word has a few candidate spellings (:meth:`searchkit.Index.suggestions`,
    nearest and most frequent first). The query with every first choice is tried; when it
    finds nothing, the other choices are tried one word at a time, so ``title:whaet`` ends as
    ``title:wheat`` (which has hits in titles) rather than ``title:what`` (which has none).
    """
    protected = [(m.start(), m.end()) for m in _NOT_TEXT.finditer(query)]
    spots = []  # (match, candidates)
    for match in _WORD.finditer(query):
        word = match.group()
        if word in OPERATORS or len(word) < MIN_WORD or any(a <= match.start() < b for a, b in protected):
            continue
        candidates = [found for found in index.suggestions(word, limit=CHOICES) if found != word.lower()]
        if candidates:
            spots.append((match, candidates))
        if len(spots) == MAX_WORDS:
            break
    if not spots:
        return None
    choice = [0] * len(spots)

    def written() -> str:
        parts, last = [], 0
        for (match, candidates), picked in zip(spots, choice, strict=True):
            parts += [query[last : match.start()], same_case(match.group(), candidates[picked])]
            last = match.end()
        return "".join(parts) + query[last:]

    corrected = written()
    if index.search(corrected, limit=1).total:
        return corrected
    for position, (_, candidates) in enumerate(spots):
        for alternative in range(1, len(candidates)):
            choice[position] = alternative
            corrected = written()
            if index.search(corrected, limit=1).total:
                return corrected
        choice[position] = 0
    return None


def same_case(original: str, word: str) -> str:
    """``word`` written with the capitalisation of ``original``: (Putn, putin) -> Putin, (NAT, nato) -> NATO."""
    if len(original) > 1 and original.isupper():
        return word.upper()
    if original[:1].isupper():
        return word[:1].upper() + word[1:]
    return word


__all__ = ["suggest_query", "same_case"]
