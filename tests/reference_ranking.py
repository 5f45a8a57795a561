"""An exhaustive reference for searchkit's ranking, written from the spec, slow on purpose.

The engine ranks with arrays, caches, MaxScore and partial sorts; this
module ranks the same queries the plain way, one document at a time, so that
tests/test_reference_ranking.py can compare the two. It uses searchkit's
query parser (what a query means is not under test here) and Whoosh's public
API only: ``docs_for_query`` decides what matches, ``reader.postings`` gives
term frequencies, ``doc_field_length`` and ``field_length`` the lengths,
``stored_fields`` the kinds, dates, parents and text. No numpy, no searchkit
scoring code.

The spec, in short (issue 11):

* Matching is Whoosh's (each leaf by ``docs_for_query``, AND, OR and NOT
  as set operations), then restricted by scope, ``author`` and the date
  filters (``--since/--until`` and ``date:`` clauses; undated documents are
  dropped by a date filter unless ``undated="include"``). A query of only a
  date clause matches every document in its range.
* Scoring terms: plain words give their distinct terms on title, body and
  comment, weighted by how often the query repeats them. A query with syntax
  gives the positive leaves on text fields (``Not`` and the right side of
  ``AndNot`` skipped): a term, each word of a phrase, every term a wildcard,
  prefix or fuzzy term expands to; per term, the fields it was named with and
  the largest boost.
* BM25F (k1 1.2, b 0.75, field weights title 3, body 1, comment 0.8) over
  quantised field lengths; averages over the documents (deleted ones too)
  that have the field; df and N count live documents.
* Long questions get RM3 (10 documents, 10 terms, original weight 0.8).
* Order: documents holding every unit first (tiered queries), then score
  descending, then document number. ``sort="date"``: dated first, newest
  first, then score.
* ``search`` folds a comment under its article when the article is a hit too.

Where the spec leaves a choice, this follows what searchkit does today:
feedback expands a long question only under ``sort="relevance"``, from the
candidates the ranking sees (folded ones in ``search``); under
``sort="date"``, ``search`` lists only the documents holding every word of
a tiered plain-word query when there are any (``total`` still counts every
match; a query with syntax is sorted over every match),
while ``iter_hits`` lists every match; a unit is held when the document
matches it (a phrase unit: the phrase); the units group the same word,
phrase or pattern named on several fields; the feedback documents are the
best candidates that score above 0, and ``|q|`` sums the weights of every
term of the query, held by the index or not.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import datetime

from whoosh.query import And, AndMaybe, AndNot, MultiTerm, Not, NullQuery, Or, Phrase, Require, Term

from searchkit.analysis import TOKEN_PATTERN, term
from searchkit.query import QUERY_STOP_TERMS, author_query, date_range, parse_query

K1 = 1.2
B = 0.75
FIELD_WEIGHTS = {"title": 3.0, "body": 1.0, "comment": 0.8}
TEXT_FIELDS = tuple(FIELD_WEIGHTS)

FEEDBACK_DOCUMENTS = 10
FEEDBACK_TERMS = 10
ORIGINAL_WEIGHT = 0.8
WEIGHT_DIGITS = 12
"""Words of equal P(w|R) to this many decimals are chosen in alphabetical order."""
MAX_UNITS = 5
"""Two to this many units make a query tiered."""

_WORD = re.compile(TOKEN_PATTERN)


@dataclass
class ScoringTerm:
    """One distinct term the ranking scores: its weight and the fields it counts in."""

    weight: float
    fields: set[str] = field(default_factory=set)


@dataclass
class Ranking:
    """A ranked list of document numbers with their scores.

    ``group`` is, per document, what orders it before the score does (its
    tier, or its date under ``sort="date"``): two documents can only swap
    places when their groups are equal and their scores nearly so.
    """

    docnums: list[int]
    scores: dict[int, float]
    group: dict[int, tuple]
    total: int
    feedback_tie: bool = False
    """RM3 had to choose between feedback words of equal weight at its cut."""


class Reference:
    """Ranks queries exhaustively against one open Whoosh searcher (opened read-only by the caller)."""

    def __init__(self, searcher):
        self.searcher = searcher
        self.reader = reader = searcher.reader()
        self.doc_count = reader.doc_count()
        everything = range(reader.doc_count_all())
        self.live = [docnum for docnum in everything if not reader.is_deleted(docnum)]
        self.stored = {docnum: searcher.stored_fields(docnum) for docnum in self.live}
        self.docnum_of = {stored["id"]: docnum for docnum, stored in self.stored.items()}
        self.kind = {docnum: stored["kind"] for docnum, stored in self.stored.items()}
        self.date = {docnum: stored.get("date") for docnum, stored in self.stored.items()}
        articles = {stored["id"]: docnum for docnum, stored in self.stored.items() if stored["kind"] == "article"}
        self.article_of = {docnum: articles.get(stored["article_id"]) for docnum, stored in self.stored.items()}
        self.length = {name: [reader.doc_field_length(d, name, 0) for d in everything] for name in TEXT_FIELDS}
        self.average = {}
        for name in TEXT_FIELDS:
            having = sum(1 for length in self.length[name] if length)
            self.average[name] = reader.field_length(name) / having if having else 1.0
        self._postings: dict[tuple[str, str], dict[int, float]] = {}
        self._last: tuple = (None, None)

    # -- what matches ---------------------------------------------------

    def _docs(self, query) -> set[int]:
        """The live documents a query matches: boolean operators as set operations, each leaf by Whoosh.

        Whoosh's own matchers are not trusted to combine: its ANDNOT over ORs
        of several fields has let through a document holding the excluded word.
        """
        if isinstance(query, Or):
            return set().union(*(self._docs(child) for child in query.subqueries))
        if isinstance(query, (And, Require)):
            first, *others = query.children()
            found = self._docs(first)
            for child in others:
                found &= self._docs(child)
            return found
        if isinstance(query, AndNot):
            return self._docs(query.a) - self._docs(query.b)
        if isinstance(query, AndMaybe):
            return self._docs(query.a)
        if isinstance(query, Not):
            return set(self.live) - self._docs(query.query)
        return set(self.searcher.docs_for_query(query)) & self.stored.keys()

    def candidates(self, parsed, *, scope="all", author=None, since=None, until=None, undated="exclude"):
        """The live documents the query matches once scope, author and dates are applied (None: no query)."""
        if parsed.any is NullQuery:
            if parsed.date_filter is None:
                return None
            docs = set(self.live)
        elif parsed.verbose:  # a long question: a document holding only its function words is no match
            docs = self._docs(Or([Term(name, text) for text in parsed.terms for name in TEXT_FIELDS]))
        else:
            docs = self._docs(parsed.any)
        if scope == "articles":
            docs = {d for d in docs if self.kind[d] == "article"}
        elif scope == "comments" or author:
            docs = {d for d in docs if self.kind[d] == "comment"}
        if author:
            docs &= self._docs(author_query(author))
        filters = [part for part in (date_range(since, until), parsed.date_filter) if part is not None]
        if filters:
            undated_docs = {d for d in docs if self.date[d] is None}
            docs -= undated_docs
            for part in filters:
                docs &= self._docs(part)
            if undated == "include":
                docs |= undated_docs
        return docs

    def fold(self, docs: set[int]) -> set[int]:
        """Leave out the comments whose article is among ``docs``."""
        return {d for d in docs if self.kind[d] == "article" or self.article_of[d] not in docs}

    # -- what scores ----------------------------------------------------

    def scoring_terms(self, parsed) -> dict[str, ScoringTerm]:
        """Each term the query's ranking counts, with its weight and fields."""
        found: dict[str, ScoringTerm] = {}
        if parsed.terms is not None:
            for text in parsed.terms:
                entry = found.setdefault(text, ScoringTerm(0.0, set(TEXT_FIELDS)))
                entry.weight += 1.0
            return found
        if parsed.any is NullQuery:
            return found

        def add(text, fieldname, boost):
            text = text.decode("utf-8") if isinstance(text, bytes) else text
            entry = found.setdefault(text, ScoringTerm(boost))
            entry.weight = max(entry.weight, boost)
            entry.fields.add(fieldname)

        def walk(query):
            if isinstance(query, Not):
                return
            if isinstance(query, AndNot):
                walk(query.a)
                return
            if isinstance(query, AndMaybe):
                walk(query.a)
                walk(query.b)
                return
            if not query.is_leaf():
                for child in query.children():
                    walk(child)
                return
            name = getattr(query, "fieldname", None)
            if name not in TEXT_FIELDS:
                return
            if isinstance(query, MultiTerm):
                for _, text in query.expanded_terms(self.reader):
                    add(text, name, query.boost)
            elif isinstance(query, Phrase):
                for word in query.words:
                    add(word, name, query.boost)
            elif isinstance(query, Term):
                add(query.text, name, query.boost)

        walk(parsed.any)
        return found

    def postings(self, fieldname: str, text: str) -> dict[int, float]:
        """Live document -> term frequency of one term in one field."""
        key = (fieldname, text)
        if key not in self._postings:
            found = {}
            if (fieldname, text) in self.reader:
                matcher = self.reader.postings(fieldname, text)
                for docnum, weight in matcher.items_as("weight"):
                    if not self.reader.is_deleted(docnum):
                        found[docnum] = weight
            self._postings[key] = found
        return self._postings[key]

    def holders(self, text: str, fields) -> set[int]:
        """Live documents holding ``text`` in any of ``fields``."""
        found = set()
        for name in fields:
            found |= self.postings(name, text).keys()
        return found

    def bm25f(self, terms: dict[str, ScoringTerm], docs) -> dict[int, float]:
        """Each document's BM25F score, computed document by document."""
        idf = {}
        for text, entry in terms.items():
            df = len(self.holders(text, entry.fields))
            idf[text] = math.log(1 + (self.doc_count - df + 0.5) / (df + 0.5))
        scores = {}
        for docnum in docs:
            score = 0.0
            for text, entry in terms.items():
                tf = 0.0
                for name in sorted(entry.fields):
                    frequency = self.postings(name, text).get(docnum, 0.0)
                    if frequency:
                        norm = 1 - B + B * self.length[name][docnum] / self.average[name]
                        tf += FIELD_WEIGHTS[name] * frequency / norm
                if tf:
                    score += entry.weight * idf[text] * tf * (K1 + 1) / (K1 + tf)
            scores[docnum] = score
        return scores

    # -- long questions -------------------------------------------------

    def document_terms(self, docnum: int) -> dict[str, int]:
        """Index terms of the stored title, body and comment text, counted, in order of first use."""
        stored = self.stored[docnum]
        counts: dict[str, int] = {}
        text = " ".join(stored.get(name) or "" for name in TEXT_FIELDS)
        for word in _WORD.findall(text):
            found = term(word)
            if found:
                counts[found] = counts.get(found, 0) + 1
        return counts

    def rm3(self, terms: dict[str, ScoringTerm], docs: set[int]) -> tuple[dict[str, ScoringTerm], bool]:
        """The query expanded from its best documents among ``docs``, and whether the word cut was a tie."""
        if not terms or not docs:
            return terms, False
        first = self.bm25f(terms, docs)
        best = [d for d in sorted(first, key=lambda d: (-first[d], d))[:FEEDBACK_DOCUMENTS] if first[d] > 0]
        if not best:
            return terms, False
        top = first[best[0]]
        relevance: dict[str, float] = {}
        for docnum in best:
            counts = self.document_terms(docnum)
            length = sum(counts.values())
            if not length:
                continue
            weight = math.exp(first[docnum] - top) / length
            for word, count in counts.items():
                if word not in QUERY_STOP_TERMS:
                    relevance[word] = relevance.get(word, 0.0) + weight * count
        ordered = sorted(relevance.items(), key=lambda item: (-round(item[1], WEIGHT_DIGITS), item[0]))
        chosen = ordered[:FEEDBACK_TERMS]
        tie = len(ordered) > FEEDBACK_TERMS and math.isclose(
            ordered[FEEDBACK_TERMS - 1][1], ordered[FEEDBACK_TERMS][1], rel_tol=1e-9
        )
        total = sum(weight for _, weight in chosen)
        if not total:
            return terms, tie
        size = sum(entry.weight for entry in terms.values())
        expanded = {
            text: ScoringTerm(ORIGINAL_WEIGHT * entry.weight, set(TEXT_FIELDS)) for text, entry in terms.items()
        }
        for word, weight in chosen:
            entry = expanded.setdefault(word, ScoringTerm(0.0, set(TEXT_FIELDS)))
            entry.weight += (1 - ORIGINAL_WEIGHT) * size * weight / total
        return expanded, tie

    # -- order ----------------------------------------------------------

    def units(self, parsed) -> list:
        """What a tiered query asks every document to hold: a list of queries (or term texts)."""
        if parsed.terms is not None:
            return list(dict.fromkeys(parsed.terms)) if parsed.tiered else []
        top = parsed.any
        if isinstance(top, AndNot):
            top = top.a
        if not isinstance(top, Or):
            return []
        groups: list[list] = []
        for child in top.children():
            for group in groups:
                if _same_but_field(group[0], child):
                    group.append(child)
                    break
            else:
                groups.append([child])
        if not 2 <= len(groups) <= MAX_UNITS:
            return []
        return [group[0] if len(group) == 1 else Or(group) for group in groups]

    def every_unit(self, units: list, docs: set[int]) -> set[int]:
        """The documents of ``docs`` holding every unit (empty when there are none)."""
        if not units:
            return set()
        holding = set(docs)
        for unit in units:
            holding &= self.holders(unit, TEXT_FIELDS) if isinstance(unit, str) else self._docs(unit)
        return holding

    def _prepare(self, text: str, asked: dict) -> tuple:
        """The parsed query, its candidates, scoring terms, units and the candidates holding every unit.

        ``search`` and ``iter_hits`` are compared on the same query in turn:
        the last answer is kept (Whoosh takes long to expand fuzzy terms).
        """
        key = (text, sorted(asked.items()))
        if self._last[0] != key:
            parsed = parse_query(text, self.searcher.schema)
            docs = self.candidates(parsed, **asked)
            terms = self.scoring_terms(parsed) if docs else {}
            units = self.units(parsed) if docs else []
            self._last = (key, (parsed, docs, terms, units, self.every_unit(units, docs)))
        return self._last[1]

    def rank(self, text: str, *, sort="relevance", folded=False, **asked) -> Ranking:
        """Every hit in order: as ``iter_hits`` lists them, or (``folded``) as ``search`` does.

        ``asked`` holds the options of :meth:`candidates` (scope, author, since, until, undated).
        """
        parsed, docs, terms, units, every = self._prepare(text, asked)
        if not docs:
            return Ranking([], {}, {}, 0)
        if folded and asked.get("scope", "all") == "all":
            docs = self.fold(docs)
        tie = False
        if parsed.verbose and sort == "relevance":
            terms, tie = self.rm3(terms, docs)
        scores = self.bm25f(terms, docs)
        if sort == "date":
            plain = parsed.terms is not None  # a query with syntax is sorted by date over every match
            pool = (every & docs or docs) if folded and units and plain else docs
            group = {d: (self.date[d] is None, -_ticks(self.date[d])) for d in pool}
        else:
            pool = docs
            group = {d: (bool(units) and d not in every,) for d in pool}
        order = sorted(pool, key=lambda d: (group[d], -scores[d], d))
        return Ranking(order, scores, group, len(docs), tie)


def _same_but_field(one, other) -> bool:
    """Whether two queries are the same word, phrase or pattern on (maybe) different fields."""
    if type(one) is not type(other) or not one.is_leaf() or not hasattr(one, "fieldname"):
        return False
    a, b = one.copy(), other.copy()
    a.fieldname = b.fieldname = None
    a.boost = b.boost = 1.0
    return a == b


def _ticks(when) -> float:
    return (when - _EPOCH).total_seconds() if when is not None else 0.0


_EPOCH = datetime(1, 1, 1)
