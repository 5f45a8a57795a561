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


def suggest_query(index, query: str) -> str | None:
    """``query`` with its misspelt words corrected, or None when nothing is misspelt or the
    correction finds nothing either."""
    protected = [(m.start(), m.end()) for m in _NOT_TEXT.finditer(query)]
    changed = False

    def fix(match: re.Match) -> str:
        nonlocal changed
        word = match.group()
        if word in OPERATORS or len(word) < MIN_WORD or any(a <= match.start() < b for a, b in protected):
            return word
        better = index.suggest(word)
        if not better or better == word.lower():
            return word
        changed = True
        return same_case(word, better)

    corrected = _WORD.sub(fix, query)
    if not changed:
        return None
    return corrected if index.search(corrected, limit=1).total else None


def same_case(original: str, word: str) -> str:
    """``word`` written with the capitalisation of ``original``: (Putn, putin) -> Putin, (NAT, nato) -> NATO."""
    if len(original) > 1 and original.isupper():
        return word.upper()
    if original[:1].isupper():
        return word[:1].upper() + word[1:]
    return word


__all__ = ["suggest_query", "same_case"]
