"""Running a query: ranked hits, each with its snippet and its matching comments.

:func:`search` is what ``searchkit query``, the shell and the Python API all
call. Articles and comments are both hits. With ``scope="all"`` a comment
whose article is itself a hit is not listed on its own: it appears under its
article (up to :data:`COMMENTS_PER_HIT` of them, with the count of all).

Every query is matched by :mod:`searchkit.matching` (Whoosh's parser decides
what it means) and ranked by one BM25F (:mod:`searchkit.scoring`), computed
over the columnar copy of the index. For two to five words, or an OR of two
to five parts (``putin trump title:vienna``), documents that match every one
rank first, then those that miss one. ``sort="date"`` orders newest first:
for plain words over the documents with every word (or, when none has them
all, over any match), for a query with syntax over every match; undated
documents come after every dated one. :func:`ranking` gives the order
alone (ids and scores), reading no stored field.

Every hit says where it came from (``url``, ``source`` with ``:LINE`` or
``@OFFSET``, the article's byline) and carries its date as a
:class:`~searchkit.documents.DocDate` (precision, and ``published`` or
``captured``). :func:`iter_hits` streams every hit of a query as
:class:`HitRecord` rows for export.

Every document of an article is written consecutively (the article, then its
comments), and segments keep that order, so the columnar copy's ``parent``
column folds comments under their articles with array operations.
"""

from __future__ import annotations

import itertools
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

import numpy as np
from whoosh.query import Every, Not, NullQuery, Query

from . import schema as f
from .documents import DocDate, parse_period, source_location
from .engine.arrays import EMPTY
from .engine.columnar import UNDATED_RAW
from .engine.docsets import contains, union
from .engine.reading import SearcherState
from .errors import OptionError
from .feedback import expand
from .matching import QueryMatcher, scoring_terms, tier_units, union_all
from .options import SCOPES, SORTS, UNDATED_CHOICES, check_choice
from .query import ParsedQuery, author_query, date_range, parse_query
from .scoring import BM25F, ScoringTerm, top_documents
from .snippets import Snippet, highlight_all, make_snippet

COMMENTS_PER_HIT = 3
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
    date: DocDate | None = None

    @cached_property
    def snippet(self) -> Snippet:
        return make_snippet(self.text, self.terms, width=160, fragments=1)


@dataclass
class Hit:
    """One ranked result: an article, or a comment on its own.

    ``author`` is the article's byline for an article, the commenter for a
    comment. ``date`` is the article's publication date (else its capture
    month, kind ``captured``), or a comment's own date; a comment hit's
    ``article_date`` is its article's (what ``sort="date"`` and the date
    filters use when the comment has no date of its own). ``source`` is the
    input file, with ``:LINE`` (JSON Lines) or ``@OFFSET`` (WARC record).
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
    date: DocDate | None = None
    source: str = ""
    comments: list[CommentHit] = field(default_factory=list)
    comment_count: int = 0
    terms: frozenset[str] = field(default=frozenset(), repr=False)
    url: str | None = None
    article_date: DocDate | None = None

    @cached_property
    def snippet(self) -> Snippet:
        return _snippet(self.kind, self.text, self.terms)

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
    undated_left_out: int = 0
    """Hits a date filter left out because they have no date (``undated="exclude"``)."""

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.limit))

    def __len__(self) -> int:
        return len(self.hits)

    def __iter__(self):
        return iter(self.hits)


def scorer_of(state: SearcherState) -> BM25F:
    """The searcher's :class:`~searchkit.scoring.BM25F` scorer (and its caches), made once per searcher."""

    def make(searcher) -> BM25F:
        reader = searcher.reader()
        return BM25F(state.arrays, {name: reader.field_length(name) for name in f.TEXT_FIELDS})

    return state.cached("bm25f", make)


def matcher_of(state: SearcherState) -> QueryMatcher:
    """The searcher's :class:`~searchkit.matching.QueryMatcher`, made once per searcher."""
    return state.cached("matcher", lambda searcher: QueryMatcher(searcher, state.arrays, scorer_of(state)))


def fold(arrays, candidates: np.ndarray) -> np.ndarray:
    """Drop the comments whose article is among the candidates: they show under it."""
    is_article = arrays.is_article[candidates]
    articles = candidates[is_article]
    if not len(articles) or is_article.all():
        return candidates
    comments = candidates[~is_article]
    kept = comments[~contains(articles, arrays.parents[comments])]
    return union(articles, kept)


def search(
    index,
    query: str,
    *,
    scope: str = "all",
    sort: str = "relevance",
    limit: int = 10,
    page: int = 1,
    author: str | None = None,
    since: str | date | None = None,
    until: str | date | None = None,
    undated: str = "exclude",
) -> Results:
    """Search an open :class:`~searchkit.Index`: one page of ranked hits.

    ``scope`` is ``all``, ``articles`` or ``comments``; ``sort`` is
    ``relevance`` or ``date`` (newest first, undated last); ``limit`` hits per
    ``page`` (both 1 or more). ``author`` keeps comments whose author name
    holds all its words. ``since``/``until`` are inclusive dates (``2022``,
    ``2022-05``, ``2022-05-14``) compared with the publication date, or the
    capture month when the date is unknown (a date known only to the month
    or year counts as the first day of that period); ``since`` after
    ``until`` is an :class:`~searchkit.errors.OptionError`. With a date filter, ``undated``
    says whether documents without any date are kept (``include``) or left
    out (``exclude``, the default); ``Results.undated_left_out`` counts the
    hits left out that way.
    """
    started = time.perf_counter()
    check_options(scope=scope, sort=sort, undated=undated)
    if limit < 1 or page < 1:
        raise OptionError("limit and page must be 1 or more", hint="give --limit 10 or any number from 1")
    found = Matches(index, query, scope=scope, author=author, since=since, until=until, undated=undated)
    parsed, notice = found.parsed, found.parsed.notice
    if found.scored is None:
        return Results(query, 0, [], page, limit, time.perf_counter() - started, notice)
    state, searcher, scored = found.state, found.searcher, found.scored
    candidates, left_out = found.hits(scope)
    scored.rank_within(candidates, sort)
    ranked = scored.order(candidates, page * limit, sort)[(page - 1) * limit :].tolist()
    terms = _highlight_terms(searcher, parsed.any)
    hits = []
    comments = scored.comments_under(np.array(ranked, dtype=np.int64))
    for rank, docnum, under in zip(itertools.count((page - 1) * limit + 1), ranked, comments, strict=False):
        best = scored.order(under, COMMENTS_PER_HIT, "relevance").tolist()
        shown = [(comment, float(scored.scores[comment])) for comment in best]
        hits.append(_hit(state, terms, rank, docnum, float(scored.scores[docnum]), shown, len(under)))
    seconds = time.perf_counter() - started
    notice = "; ".join(filter(None, [notice, *state.notices])) or None
    state.notices.clear()
    return Results(query, len(candidates), hits, page, limit, seconds, notice, undated_left_out=left_out)


def ranking(
    index,
    query: str,
    *,
    scope: str = "all",
    sort: str = "relevance",
    limit: int = 10,
    author: str | None = None,
    since: str | date | None = None,
    until: str | date | None = None,
    undated: str = "exclude",
) -> list[tuple[str, float]]:
    """The ids and scores of the first ``limit`` hits :func:`search` gives, in its order.

    Only the order: no stored field is read and no snippet made, so this is
    what to call when the ids are all that is needed (``searchkit eval``, a
    script joining hits with its own data). Options as in :func:`search`.
    """
    check_options(scope=scope, sort=sort, undated=undated)
    if limit < 1:
        raise OptionError("limit must be 1 or more", hint="give --limit 10 or any number from 1")
    found = Matches(index, query, scope=scope, author=author, since=since, until=until, undated=undated)
    if found.scored is None:
        return []
    candidates, _ = found.hits(scope)
    found.scored.rank_within(candidates, sort)
    ranked = found.scored.order(candidates, limit, sort).tolist()
    arrays, scores = found.state.arrays, found.scored.scores
    return [(arrays.document_id(docnum), float(scores[docnum])) for docnum in ranked]


def check_options(*, scope: str = "all", sort: str = "relevance", undated: str = "exclude") -> None:
    """Raise :class:`~searchkit.errors.OptionError` for a value outside :mod:`searchkit.options`."""
    check_choice("scope", scope, SCOPES)
    check_choice("sort", sort, SORTS)
    check_choice("undated", undated, UNDATED_CHOICES)


def date_key(raw: int) -> tuple[bool, int]:
    """Sort key of a raw date: any date above no date, then the later first (with nlargest)."""
    return (raw != UNDATED_RAW, raw)


class Matches:
    """The documents a query matches once scope, author and date filters are applied.

    The step :func:`search`, :func:`iter_hits` and
    :func:`searchkit.counting.count` share. ``scored`` is None when the query
    can match nothing; ``candidates`` are document numbers (a sorted array),
    comments not folded under their articles; ``undated_left_out`` the
    matches a date filter dropped for having no date.
    """

    def __init__(self, index, query: str, *, scope="all", author=None, since=None, until=None, undated="exclude"):
        self.state = state = index.search_state()
        state.arrays.check()
        self.searcher = searcher = state.searcher
        self.parsed = parsed = parse_query(query, searcher.schema)
        self.candidates: np.ndarray = EMPTY
        self.undated_left_out: np.ndarray = EMPTY
        self.scored: _Scored | None = None
        date_filters = _date_filters(parsed, since, until)
        if parsed.any is NullQuery and not (parsed.date_filter is not None and not parsed.terms):
            return
        matcher = matcher_of(state)
        self.scored = _Scored(state, parsed, matcher)
        arrays = state.arrays
        docs = self.scored.matching
        if scope == "articles":
            docs = docs[arrays.is_article[docs]]
        elif scope == "comments" or author:
            docs = docs[~arrays.is_article[docs]]
        if author and len(docs):
            docs = np.intersect1d(docs, matcher.documents(author_query(author)), assume_unique=True)
        if date_filters and len(docs):
            dated = arrays.dates[docs] != np.uint64(UNDATED_RAW)
            undated_docs, docs = docs[~dated], docs[dated]
            for part in date_filters:
                if not len(docs):
                    break
                docs = np.intersect1d(docs, matcher.documents(part), assume_unique=True)
            if undated == "include":
                docs = union(docs, undated_docs)
            else:
                self.undated_left_out = undated_docs
        self.candidates = docs

    def hits(self, scope: str) -> tuple[np.ndarray, int]:
        """The documents that are hits of their own (``scope="all"``: comments folded under
        matching articles), and how many hits the date filter left out for having no date."""
        left_out = len(self.undated_left_out)
        if scope != "all":
            return self.candidates, left_out
        arrays = self.state.arrays
        folded = fold(arrays, self.candidates)
        if left_out:
            left_out = len(fold(arrays, union(self.candidates, self.undated_left_out))) - len(folded)
        return folded, left_out


def _date_filters(parsed: ParsedQuery, since, until) -> list[Query]:
    since, until = _iso(since), _iso(until)
    if since and until:
        first, last = parse_period(since), parse_period(until)
        if first and last and first[0] > last[1]:
            raise OptionError(
                f"empty date range: since {since} is after until {until}",
                hint="swap the two dates, or drop one of them",
            )
    if parsed.date_filter is not None:
        for leaf in [parsed.date_filter, *parsed.date_filter.leaves()]:
            start, end = getattr(leaf, "startdate", None), getattr(leaf, "enddate", None)
            if start is not None and end is not None and start > end:
                raise OptionError(
                    f"empty date range in the query {parsed.text!r}: it starts after it ends",
                    hint="write the earlier date first: date:[2020 to 2024]",
                )
    return [part for part in (date_range(since, until), parsed.date_filter) if part is not None]


class _Scored:
    """The documents a query matches, their BM25F scores, and the first tier.

    Plain words rank by their index terms (repeats weigh more; a long
    question is expanded by :mod:`searchkit.feedback`); a query with syntax
    by the terms :func:`~searchkit.matching.scoring_terms` finds in it. For
    two to five words (or parts of an OR) documents that match every one
    rank first.
    """

    def __init__(self, state: SearcherState, parsed: ParsedQuery, matcher: QueryMatcher):
        self.state = state
        self.parsed = parsed
        self.scorer = matcher.scorer
        if parsed.terms is not None:  # plain words: any of them (a question: not its function words) anywhere
            docs = [self.scorer.frequencies(text, f.TEXT_FIELDS)[0] for text in dict.fromkeys(parsed.terms)]
            self.matching = union_all(docs, state.arrays.size)
        else:
            self.matching = matcher.documents(parsed.any if parsed.any is not NullQuery else Every())
        if parsed.terms is not None:
            self.terms = [ScoringTerm(text, f.TEXT_FIELDS, weight) for text, weight in Counter(parsed.terms).items()]
            units = (
                [self.scorer.frequencies(term.text, term.fields)[0] for term in self.terms] if parsed.tiered else None
            )
        else:
            self.terms = scoring_terms(parsed.any, matcher.expand)
            parts = tier_units(parsed.any)
            units = [matcher.documents(part) for part in parts] if parts else None
        self.first_tier: np.ndarray | None = None
        if units:
            held = np.zeros(state.arrays.size, dtype=np.uint8)
            for docs in units:
                held[docs] += 1
            self.first_tier = held == len(units)
        self.scores = np.zeros(state.arrays.size)

    def rank_within(self, candidates: np.ndarray, sort: str) -> None:
        """Score the query's terms (a long question: expanded from its best ``candidates`` first)."""
        scores = self.scorer.scores(self.terms)
        if self.parsed.verbose and sort == "relevance":
            expanded = expand(self.scorer, self.terms, candidates, scores)
            if expanded is not self.terms:
                scores = self.scorer.scores(expanded)
        self.scores = scores

    def order(self, candidates: np.ndarray, count: int, sort: str, every: bool = False) -> np.ndarray:
        """The first ``count`` of ``candidates`` in result order (``every``: a date sort keeps
        every candidate, where a page of plain words shows those with every word first)."""
        if not len(candidates) or count <= 0:
            return EMPTY
        first = self.first_tier
        if sort == "date":  # plain words: newest of those with every word; syntax: of every match
            pool = candidates
            if first is not None and self.parsed.terms is not None and not every and first[candidates].any():
                pool = candidates[first[candidates]]
            return _newest(pool, self.scores, self.state.arrays.dates, count)
        if first is None:
            return np.array(top_documents(candidates, self.scores, count), dtype=np.int64)
        in_first = first[candidates]
        ranked = top_documents(candidates[in_first], self.scores, count)
        if len(ranked) < count:
            ranked += top_documents(candidates[~in_first], self.scores, count - len(ranked))
        return np.array(ranked, dtype=np.int64)

    def comments_under(self, page: np.ndarray) -> list[np.ndarray]:
        """For each document of ``page``, the comments under it that the query matches (none under a comment)."""
        arrays = self.state.arrays
        articles = arrays.articles
        if not len(page) or not len(articles):
            return [EMPTY] * len(page)
        following = np.searchsorted(articles, page, side="right")
        ends = np.where(following < len(articles), articles[np.minimum(following, len(articles) - 1)], arrays.size)
        lows, highs = np.searchsorted(self.matching, page + 1), np.searchsorted(self.matching, ends)
        held = arrays.is_article[page]
        return [
            self.matching[low:high] if article else EMPTY
            for low, high, article in zip(lows.tolist(), highs.tolist(), held.tolist(), strict=True)
        ]


def _newest(docs: np.ndarray, scores: np.ndarray, dates: np.ndarray, count: int) -> np.ndarray:
    """The ``count`` newest of ``docs`` (undated last), ties by score, then docnum."""
    raw = dates[docs]
    key = np.where(raw != np.uint64(UNDATED_RAW), raw + np.uint64(1), np.uint64(0))  # undated lowest
    if len(docs) > 4 * count:
        threshold = np.partition(key, len(key) - count)[len(key) - count]
        keep = key >= threshold
        docs, key = docs[keep], key[keep]
    order = np.lexsort((docs, -scores[docs], ~key))[:count]
    return docs[order]


def _iso(value) -> str | None:
    if value is None or value == "":
        return None
    return value.isoformat() if isinstance(value, date) else str(value)


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


def stored_date(stored: dict) -> DocDate | None:
    """A document's :class:`DocDate` from its stored fields (a comment: its own date only)."""
    if stored.get(f.PUBLISHED):
        return DocDate.parse(stored[f.PUBLISHED])
    if stored.get(f.CAPTURED):
        return DocDate.parse(stored[f.CAPTURED], kind="captured")
    return None


def stored_source(stored: dict) -> str:
    """The document's input file, with ``:LINE`` or ``@OFFSET`` where it has one."""
    return source_location(stored.get(f.SOURCE, ""), stored.get(f.LINE), stored.get(f.OFFSET))


def _snippet(kind: str, text: str, terms) -> Snippet:
    """A hit's snippet: one short fragment of a comment, the usual fragments of an article."""
    if kind == f.COMMENT_KIND:
        return make_snippet(text, terms, width=240, fragments=1)
    return make_snippet(text, terms)


def _shown(stored: dict, terms) -> tuple[str, str, str | None, frozenset[str]]:
    """What a hit shows of a document: its title, its text, its author and the words to highlight.

    A comment shows its article's title and its commenter; an article its byline.
    """
    if stored[f.KIND] == f.COMMENT_KIND:
        return stored.get(f.ARTICLE_TITLE, ""), stored.get(f.COMMENT, ""), stored.get(f.AUTHOR), terms[f.COMMENT]
    return stored.get(f.TITLE, ""), stored.get(f.BODY, ""), stored.get(f.BYLINE), terms[f.BODY] | terms[f.TITLE]


def _hit(state: SearcherState, terms, rank: int, docnum: int, score: float, comments, comment_count: int) -> Hit:
    """A hit; ``comments`` are the (docnum, score) of the matching comments shown under an article."""
    searcher = state.searcher
    stored = searcher.stored_fields(docnum)
    title, text, author, shown_terms = _shown(stored, terms)
    if stored[f.KIND] == f.COMMENT_KIND:
        parent = int(state.arrays.parents[docnum])  # the article, written just before its comments
        article = searcher.stored_fields(parent) if parent != docnum else None
        return Hit(
            rank=rank,
            id=stored[f.ID_FIELD],
            kind=f.COMMENT_KIND,
            article_id=stored[f.ARTICLE_ID],
            title=title,
            score=score,
            text=text,
            author=author,
            date=stored_date(stored),
            source=stored_source(stored),
            terms=shown_terms,
            url=stored.get(f.URL),
            article_date=stored_date(article) if article else None,
        )
    shown = []
    for comment, comment_score in comments:
        fields = searcher.stored_fields(comment)
        shown.append(
            CommentHit(
                id=fields[f.ID_FIELD],
                author=fields.get(f.AUTHOR),
                text=fields.get(f.COMMENT, ""),
                score=comment_score,
                position=fields.get(f.POSITION) or 0,
                terms=terms[f.COMMENT],
                date=stored_date(fields),
            )
        )
    return Hit(
        rank=rank,
        id=stored[f.ID_FIELD],
        kind=f.ARTICLE,
        article_id=stored[f.ID_FIELD],
        title=title,
        score=score,
        text=text,
        author=author,
        date=stored_date(stored),
        source=stored_source(stored),
        comments=shown,
        comment_count=comment_count,
        terms=shown_terms,
        url=stored.get(f.URL),
    )


EXPORT_COLUMNS = (
    "id",
    "kind",
    "article_id",
    "title",
    "author",
    "date",
    "date_kind",
    "url",
    "source",
    "score",
    "snippet",
)
"""The columns of an export, in order: the keys of :meth:`HitRecord.as_dict`."""


@dataclass
class HitRecord:
    """One row of an export: an article hit or a comment hit, with its provenance and a plain-text snippet."""

    id: str
    kind: str
    article_id: str
    title: str
    author: str | None
    date: DocDate | None
    url: str | None
    source: str
    score: float
    snippet: str

    def as_dict(self) -> dict:
        """The row keyed by :data:`EXPORT_COLUMNS`; ``date`` as text at its precision."""
        return {
            "id": self.id,
            "kind": self.kind,
            "article_id": self.article_id,
            "title": self.title,
            "author": self.author,
            "date": str(self.date) if self.date else None,
            "date_kind": self.date.kind if self.date else None,
            "url": self.url,
            "source": self.source,
            "score": round(self.score, 4),
            "snippet": self.snippet,
        }


def iter_hits(
    index,
    query: str,
    *,
    scope: str = "all",
    sort: str = "relevance",
    author: str | None = None,
    since: str | date | None = None,
    until: str | date | None = None,
    undated: str = "exclude",
) -> Iterator[HitRecord]:
    """Every hit of a query, one :class:`HitRecord` at a time: articles and comments alike.

    Unlike :func:`search`, comments are not folded under their articles and
    nothing is capped: each matching article and each matching comment is a
    row. The order is decided first (it holds one number per hit); the rows,
    stored fields and snippets are made one by one as the iterator is read,
    so memory does not grow with what has been written out. Options as in
    :func:`search`. Do not refresh or close the index while iterating.
    """
    check_options(scope=scope, sort=sort, undated=undated)
    found = Matches(index, query, scope=scope, author=author, since=since, until=until, undated=undated)
    if found.scored is None or not len(found.candidates):
        return
    searcher, parsed, scored = found.searcher, found.parsed, found.scored
    scored.rank_within(found.candidates, sort)  # the scores search() ranks by, for every hit
    order = scored.order(found.candidates, len(found.candidates), sort, every=True)
    order_scores = scored.scores[order]
    found.candidates = scored.scores = scored.matching = scored.first_tier = None  # free them before the rows
    terms = _highlight_terms(searcher, parsed.any)
    for docnum, score in zip(order.tolist(), order_scores.tolist(), strict=True):
        yield _record(searcher.stored_fields(docnum), score, terms)


def _record(stored: dict, score: float, terms) -> HitRecord:
    title, text, author, shown_terms = _shown(stored, terms)
    return HitRecord(
        id=stored[f.ID_FIELD],
        kind=stored[f.KIND],
        article_id=stored[f.ARTICLE_ID],
        title=title,
        author=author,
        date=stored_date(stored),
        url=stored.get(f.URL),
        source=stored_source(stored),
        score=score,
        snippet=_snippet(stored[f.KIND], text, shown_terms).text,
    )


__all__ = [
    "search",
    "ranking",
    "iter_hits",
    "Results",
    "Hit",
    "CommentHit",
    "HitRecord",
    "EXPORT_COLUMNS",
    "SCOPES",
    "SORTS",
]
