"""Running a query: ranked hits, each with its snippet and its matching comments.

:func:`search` is what ``searchkit query``, the shell and the Python API all
call. Articles and comments are both hits. With ``scope="all"`` a comment
whose article is itself a hit is not listed on its own: it appears under its
article (up to :data:`COMMENTS_PER_HIT` of them, with the count of all).

Plain words are scored by :mod:`searchkit.scoring` (BM25F); for two to five
words, documents that contain every word rank first, then those that miss a
word. Queries with syntax (phrases, fields, wildcards, booleans) are scored by
Whoosh. ``sort="date"`` orders newest first, over the documents with every
word (or, when none has them all, over any match).

Every document of an article is written consecutively (the article, then its
comments), and Whoosh keeps document order through merges, so a comment's
article is the nearest article document before it: no stored field is read to
fold comments under their articles.
"""

from __future__ import annotations

import heapq
import time
from bisect import bisect_right
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from itertools import compress, islice
from operator import itemgetter

from whoosh.collectors import TimeLimitCollector
from whoosh.query import Every, MultiTerm, Not, NullQuery, Or, Phrase, Query
from whoosh.searching import TimeLimit

from . import schema as f
from .errors import QuerySyntaxError, QueryTimeoutError
from .feedback import expand
from .query import ParsedQuery, author_query, date_range, parse_query
from .scoring import BM25F, documents_with
from .snippets import Snippet, highlight_all, make_snippet

SCOPES = ("all", "articles", "comments")
SORTS = ("relevance", "date")
COMMENTS_PER_HIT = 3
QUERY_SECONDS = 10.0
"""Queries with syntax scored by Whoosh are stopped after this long (a runaway wildcard)."""
MAX_EXPANSIONS = 5000
"""A wildcard or fuzzy term may stand for at most this many words."""
MAX_HIGHLIGHT_TERMS = 1000
"""A wildcard such as ``a*`` expands to at most this many highlighted terms per leaf."""


@dataclass
class CommentHit:
    """A matching comment shown under its article."""

    id: str
    author: str | None
    text: str = field(repr=False)
    score: float
    position: int = 0
    terms: frozenset[str] = field(default=frozenset(), repr=False)

    @cached_property
    def snippet(self) -> Snippet:
        return make_snippet(self.text, self.terms, width=160, fragments=1)


@dataclass
class Hit:
    """One ranked result: an article, or a comment on its own.

    ``snippet`` and ``title_snippet`` are computed when first read.
    """

    rank: int
    id: str
    kind: str
    article_id: str
    title: str
    score: float
    text: str = field(repr=False)
    author: str | None = None
    date: str | None = None
    source: str = ""
    comments: list[CommentHit] = field(default_factory=list)
    comment_count: int = 0
    terms: frozenset[str] = field(default=frozenset(), repr=False)

    @cached_property
    def snippet(self) -> Snippet:
        if self.kind == f.COMMENT_KIND:
            return make_snippet(self.text, self.terms, width=240, fragments=1)
        return make_snippet(self.text, self.terms)

    @cached_property
    def title_snippet(self) -> Snippet:
        return Snippet(self.title) if self.kind == f.COMMENT_KIND else highlight_all(self.title, self.terms)


@dataclass
class Results:
    """One page of results, with the total count over all pages."""

    query: str
    total: int
    hits: list[Hit]
    page: int = 1
    limit: int = 10
    seconds: float = 0.0
    notice: str | None = None

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.limit))

    def __len__(self) -> int:
        return len(self.hits)

    def __iter__(self):
        return iter(self.hits)


class _Layout:
    """Per-searcher facts: which documents are articles, and each document's article."""

    def __init__(self, searcher):
        self.articles = documents_with(searcher.reader(), f.KIND, f.ARTICLE)
        self.article_set = frozenset(self.articles)
        self.size = searcher.reader().doc_count_all()
        self.parents = [0] * self.size
        """docnum -> docnum of its article (an article is its own)."""
        ends = self.articles[1:] + [self.size]
        for start, end in zip(self.articles, ends, strict=True):
            self.parents[start:end] = [start] * (end - start)

    def comments_under(self, article: int) -> range:
        """The document numbers of an article's comments (and deleted documents among them)."""
        index = bisect_right(self.articles, article)
        end = self.articles[index] if index < len(self.articles) else self.size
        return range(article + 1, end)

    def fold(self, candidates: set[int]) -> set[int]:
        """Drop the comments whose article is among the candidates: they show under it."""
        matched_articles = candidates & self.article_set
        if not matched_articles:
            return candidates
        comments = list(candidates - matched_articles)
        if not comments:
            return candidates
        parents = itemgetter(*comments)(self.parents) if len(comments) > 1 else (self.parents[comments[0]],)
        unmatched = set(parents) - matched_articles  # articles of comments that stay hits of their own
        return matched_articles | set(compress(comments, map(unmatched.__contains__, parents)))


def _cached(searcher, name: str, make):
    """An object computed once per Whoosh searcher (a new commit means a new searcher)."""
    value = getattr(searcher, name, None)
    if value is None:
        value = make(searcher)
        setattr(searcher, name, value)
    return value


def search(
    index,
    query: str,
    *,
    scope: str = "all",
    author: str | None = None,
    since: str | date | None = None,
    until: str | date | None = None,
    sort: str = "relevance",
    limit: int = 10,
    page: int = 1,
) -> Results:
    """Search an open :class:`~searchkit.Index`.

    ``scope`` is ``all``, ``articles`` or ``comments``; ``author`` keeps
    comments whose author name holds all its words; ``since``/``until`` are
    inclusive dates (``2022``, ``2022-05``, ``2022-05-14``) compared with the
    publication date, or the capture month when the date is unknown.
    """
    started = time.perf_counter()
    if scope not in SCOPES:
        raise QuerySyntaxError(f"unknown scope {scope!r}", hint=f"use one of {', '.join(SCOPES)}")
    if sort not in SORTS:
        raise QuerySyntaxError(f"unknown sort {sort!r}", hint=f"use one of {', '.join(SORTS)}")
    if limit < 1 or page < 1:
        raise QuerySyntaxError("limit and page must be 1 or more")
    searcher = index.searcher()
    parsed = parse_query(query, searcher.schema)
    filters = _filters(parsed, author, since, until)
    if parsed.any is NullQuery and not (parsed.date_filter is not None and not parsed.terms):
        return Results(query, 0, [], page, limit, time.perf_counter() - started, parsed.notice)
    layout = _cached(searcher, "_searchkit_layout", _Layout)
    scored = _Scored(searcher, parsed)
    candidates = _restrict(searcher, layout, set(scored.matching), scope, author, filters)
    if scope == "all":
        candidates = layout.fold(candidates)
    scored.rank_within(candidates, page * limit, sort)
    scores, matched = scored.scores, scored.matched
    ranked = _rank(searcher, parsed, scores, matched, candidates, page * limit, sort)
    terms = _highlight_terms(searcher, parsed.any)
    comments_by_article = _comments_by_article(layout, scored, ranked[(page - 1) * limit :])
    hits = [
        _hit(searcher, terms, rank, docnum, scores, comments_by_article, parsed, matched)
        for rank, docnum in enumerate(ranked[(page - 1) * limit :], start=(page - 1) * limit + 1)
    ]
    return Results(query, len(candidates), hits, page, limit, time.perf_counter() - started, parsed.notice)


def _check_expansions(searcher, query: Query) -> None:
    """Refuse a wildcard or fuzzy term that stands for too many words.

    Whoosh expands such a term into every matching word before it collects a
    single document, so the time limit cannot stop ``*a*`` or ``wheat~9`` on
    a large vocabulary; counting the expansions first can.
    """
    reader = searcher.reader()
    for leaf in query.leaves():
        if not isinstance(leaf, MultiTerm):
            continue
        expanded = leaf.expanded_terms(reader)
        if sum(1 for _ in islice(expanded, MAX_EXPANSIONS + 1)) > MAX_EXPANSIONS:
            raise QueryTimeoutError(
                f"{leaf} matches more than {MAX_EXPANSIONS:,} different words",
                hint="make the wildcard or fuzzy term more specific (organi* rather than *a*)",
            )


class _Scored:
    """The documents a query matches, and the scores of those that can rank.

    Word queries are scored by :class:`~searchkit.scoring.BM25F`: fully when
    all-words-first tiers need every document's word count, else with
    MaxScore, which scores only the documents that can reach the page asked
    for. A query that is one exact phrase is matched from positions and
    scored the same way, as its words. Other queries with syntax are scored
    by Whoosh, every match.
    """

    def __init__(self, searcher, parsed: ParsedQuery):
        self.parsed = parsed
        self.matched: Counter | None = None
        self.scorer = None
        phrase = _phrase(parsed.any) if parsed.terms is None else None
        words = phrase[0] if phrase is not None else parsed.terms
        if words is not None and parsed.any is not NullQuery:
            self.scorer = _cached(searcher, "_searchkit_bm25f", lambda s: BM25F(s.reader()))
            self.query_terms = self.scorer.query_terms(words)
            self.scores: dict[int, float] = {}
            if phrase is not None:  # "a phrase": matched from positions, scored as its words
                self.matching: set[int] = self.scorer.phrase_documents(*phrase)
            else:
                self.matching = set().union(*(term.documents for term in self.query_terms))
        else:
            query = parsed.any if parsed.any is not NullQuery else Every()
            _check_expansions(searcher, query)
            collector = TimeLimitCollector(searcher.collector(limit=None), QUERY_SECONDS, use_alarm=False)
            try:
                searcher.search_with_collector(query, collector)
            except TimeLimit:
                raise QueryTimeoutError(
                    f"query {parsed.text!r} ran for more than {QUERY_SECONDS:g} s and was stopped",
                    hint="narrow wildcards (organi* rather than *a*) or fuzzy terms",
                ) from None
            self.scores = {hit.docnum: hit.score or 0.0 for hit in collector.results()}
            self.matching = set(self.scores)

    def rank_within(self, candidates: set[int], count: int, sort: str) -> None:
        """Compute the scores that ranking ``count`` of ``candidates`` needs."""
        if self.scorer is None:
            return
        if self.parsed.tiered:
            self.scores, self.matched = self.scorer.score(self.query_terms, count_matches=True)
        elif sort == "date":
            self.scores, _ = self.scorer.score(self.query_terms, count_matches=False)
        else:
            if self.parsed.verbose:  # a long question: expanded from its best documents
                self.query_terms = expand(self.scorer, self.query_terms, candidates)
            self.scores = self.scorer.top(self.query_terms, candidates, count)

    def score_of(self, documents: list[int]) -> dict[int, float]:
        """Exact scores of some matching documents (computed when MaxScore skipped them)."""
        missing = [docnum for docnum in documents if docnum not in self.scores]
        if missing and self.scorer is not None:
            self.scores.update(self.scorer.score_documents(self.query_terms, missing))
        return {docnum: self.scores[docnum] for docnum in documents}


def _phrase(query: Query) -> tuple[list[str], list[str]] | None:
    """(words, fields) of a query that is one exact phrase over text fields, else None."""
    parts = query.subqueries if isinstance(query, Or) else [query]
    if not parts or not all(isinstance(part, Phrase) for part in parts):
        return None
    words = parts[0].words
    same = all(part.words == words and part.slop == 1 and part.fieldname in f.TEXT_FIELDS for part in parts)
    return (list(words), [part.fieldname for part in parts]) if same and len(words) > 1 else None


def _filters(parsed: ParsedQuery, author, since, until) -> list[Query]:
    parts = []
    if author:
        parts.append(author_query(author))
    for part in (date_range(_iso(since), _iso(until)), parsed.date_filter):
        if part is not None:
            parts.append(part)
    return parts


def _iso(value) -> str | None:
    if value is None or value == "":
        return None
    return value.isoformat() if isinstance(value, date) else str(value)


def _restrict(searcher, layout: _Layout, docs: set[int], scope: str, author, filters: list[Query]) -> set[int]:
    if scope == "articles":
        docs &= layout.article_set
    elif scope == "comments" or author:
        docs -= layout.article_set
    for query in filters:
        if not docs:
            break
        docs &= set(searcher.docs_for_query(query))
    return docs


def _rank(searcher, parsed, scores, matched, candidates: set[int], count: int, sort: str) -> list[int]:
    """The first ``count`` documents of ``candidates`` in result order."""
    if not candidates:
        return []
    if parsed.tiered and matched is not None:
        words = len(set(parsed.terms))
        if sort == "date":
            every_word = {d for d in candidates if matched[d] == words}
            pool = every_word or candidates
            dates = searcher.reader().column_reader(f.DATE)
            return heapq.nlargest(count, pool, key=lambda d: (dates[d], scores[d]))
        return heapq.nlargest(count, candidates, key=lambda d: (matched[d] == words, scores[d], -d))
    if sort == "date":
        dates = searcher.reader().column_reader(f.DATE)
        return heapq.nlargest(count, candidates, key=lambda d: (dates[d], scores[d]))
    return heapq.nlargest(count, candidates.intersection(scores), key=lambda d: (scores[d], -d))


def _comments_by_article(layout: _Layout, scored: _Scored, page: list[int]) -> dict[int, list[int]]:
    """Matching comment documents under each article on the page (their scores made exact)."""
    grouped = {
        article: [d for d in layout.comments_under(article) if d in scored.matching]
        for article in page
        if article in layout.article_set
    }
    for comments in grouped.values():
        scored.score_of(comments)
    return grouped


def _highlight_terms(searcher, query: Query) -> dict[str, frozenset[str]]:
    """Index terms to highlight, per field, with wildcards and fuzzy terms expanded."""
    # Query.existing_terms() is not used: in Whoosh 2.7 its loop variable shadows
    # its ``fieldname`` argument, so it drops every leaf after the first field.
    terms: dict[str, set[str]] = defaultdict(set)
    reader = searcher.reader()
    for leaf in query.leaves():
        if isinstance(leaf, Not):
            continue
        try:
            expanded = leaf.expanded_terms(reader, phrases=True)
        except Exception:  # some query types cannot list terms; highlight nothing rather than fail
            continue
        for count, (name, text) in enumerate(expanded):
            if count >= MAX_HIGHLIGHT_TERMS:
                break
            terms[name].add(text.decode("utf-8") if isinstance(text, bytes) else text)
    return defaultdict(frozenset, {name: frozenset(found) for name, found in terms.items()})


def _hit(searcher, terms, rank: int, docnum: int, scores, comments_by_article, parsed, matched) -> Hit:
    stored = searcher.stored_fields(docnum)
    when = stored.get(f.DATE)
    hit_date = stored.get(f.PUBLISHED) or stored.get(f.CAPTURED) or (when.date().isoformat() if when else None)
    if stored[f.KIND] == f.COMMENT_KIND:
        return Hit(
            rank=rank,
            id=stored[f.ID_FIELD],
            kind=f.COMMENT_KIND,
            article_id=stored[f.ARTICLE_ID],
            title=stored.get(f.ARTICLE_TITLE, ""),
            score=scores[docnum],
            text=stored.get(f.COMMENT, ""),
            author=stored.get(f.AUTHOR),
            date=hit_date,
            source=stored.get(f.SOURCE, ""),
            terms=terms[f.COMMENT],
        )
    under = comments_by_article.get(docnum, [])
    best = _rank(searcher, parsed, scores, matched, set(under), COMMENTS_PER_HIT, "relevance")
    comments = []
    for comment in best:
        fields = searcher.stored_fields(comment)
        comments.append(
            CommentHit(
                id=fields[f.ID_FIELD],
                author=fields.get(f.AUTHOR),
                text=fields.get(f.COMMENT, ""),
                score=scores[comment],
                position=fields.get(f.POSITION) or 0,
                terms=terms[f.COMMENT],
            )
        )
    return Hit(
        rank=rank,
        id=stored[f.ID_FIELD],
        kind=f.ARTICLE,
        article_id=stored[f.ID_FIELD],
        title=stored.get(f.TITLE, ""),
        score=scores[docnum],
        text=stored.get(f.BODY, ""),
        date=hit_date,
        source=stored.get(f.SOURCE, ""),
        comments=comments,
        comment_count=len(under),
        terms=terms[f.BODY] | terms[f.TITLE],
    )


__all__ = ["search", "Results", "Hit", "CommentHit", "SCOPES", "SORTS"]
