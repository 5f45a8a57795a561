"""Articles like a given article or comment: "more like this".

:func:`similar` takes the document's key terms, the index terms that weigh
most in it by tf-idf (``(1 + ln tf) * ln(N / df)``, a title word counting
twice, terms found in no other document left out), and ranks the articles
by searchkit's BM25F over those terms, as a query of those words would be.
The document itself is left out. The key terms come back as words of the
document (``icebreakers`` rather than the stem ``icebreak``), so they can be
shown and searched again.
"""

from __future__ import annotations

import heapq
import math
import time
from collections import Counter
from dataclasses import dataclass

from . import schema as f
from .analysis import words_with_terms
from .errors import SearchkitError
from .options import SIMILAR_SCOPES, check_choice
from .scoring import BM25F
from .searching import Results, _cached, _hit, _Layout

KEY_TERMS = 12
"""How many key terms of the document make the query."""
MIN_TERM_LENGTH = 3


@dataclass
class Similar:
    """What :func:`similar` found: the document it started from, the key terms used, the hits."""

    of: str
    terms: list[str]
    results: Results


def key_terms(reader, text: str, title: str = "", count: int = KEY_TERMS) -> list[tuple[str, str, float]]:
    """(index term, a word of the text that gives it, weight) of the ``count`` heaviest terms."""
    frequencies: Counter[str] = Counter()
    surface: dict[str, str] = {}
    for weight, part in ((2, title), (1, text)):
        for term, start, end in words_with_terms(part):
            frequencies[term] += weight
            surface.setdefault(term, part[start:end])
    documents = reader.doc_count() or 1
    scored = []
    for term, tf in frequencies.items():
        if len(term) < MIN_TERM_LENGTH or term.isdigit():
            continue
        df = sum(reader.doc_frequency(name, term) for name in f.TEXT_FIELDS)
        if df <= 1:  # only this document: it finds nothing else
            continue
        scored.append((term, surface[term], (1 + math.log(tf)) * math.log(documents / df)))
    return heapq.nlargest(count, scored, key=lambda item: (item[2], item[0]))


def similar(index, doc_id: str, *, limit: int = 10, scope: str = "articles") -> Similar:
    """The articles most like the article or comment ``doc_id`` (``scope="all"``: comments too).

    Raises :class:`~searchkit.errors.SearchkitError` when no document has that id.
    """
    started = time.perf_counter()
    check_choice("scope", scope, SIMILAR_SCOPES)
    if limit < 1:
        from .errors import OptionError

        raise OptionError("limit must be 1 or more", hint="give --limit 10 or any number from 1")
    searcher = index.searcher()
    docnum = searcher.document_number(**{f.ID_FIELD: doc_id})
    if docnum is None:
        raise SearchkitError(
            f"no article or comment with id {doc_id!r} in {index.path}", hint="ids are shown by `searchkit query`"
        )
    stored = searcher.stored_fields(docnum)
    if stored.get(f.KIND) == f.COMMENT_KIND:
        found = key_terms(searcher.reader(), stored.get(f.COMMENT, ""))
    else:
        found = key_terms(searcher.reader(), stored.get(f.BODY, ""), stored.get(f.TITLE, ""))
    words = [word for _, word, _ in found]
    if not found:
        return Similar(doc_id, [], Results(" ".join(words), 0, [], 1, limit, time.perf_counter() - started))
    scorer = _cached(searcher, "_searchkit_bm25f", lambda s: BM25F(s.reader()))
    query = scorer.query_terms([term for term, _, _ in found])
    scores, _ = scorer.score(query, count_matches=False)
    layout = _cached(searcher, "_searchkit_layout", _Layout)
    candidates = set(scores) - {docnum}
    if scope == "articles":
        candidates &= layout.article_set
    else:
        candidates = layout.fold(candidates)
    ranked = heapq.nlargest(limit, candidates, key=lambda d: (scores[d], -d))
    highlight = frozenset(term for term, _, _ in found)
    terms = {name: highlight for name in f.TEXT_FIELDS}
    hits = [_hit(searcher, terms, rank, d, scores, {}, None, None) for rank, d in enumerate(ranked, start=1)]
    results = Results(" ".join(words), len(candidates), hits, 1, limit, time.perf_counter() - started)
    return Similar(doc_id, words, results)


__all__ = ["similar", "Similar", "key_terms"]
