"""Running a query: ranked hits, each with its snippet and its matching comments.

:func:`search` is what ``searchkit query``, the shell and the Python API all
call. Articles and comments are both hits. With ``scope="all"`` a comment
whose article is itself a hit is not listed on its own: it appears under its
article (up to :data:`COMMENTS_PER_HIT` of them, with the count of all).

Plain words are scored by :mod:`searchkit.scoring` (BM25F); for two to five
words, documents that contain every word rank first, then those that miss a
word. Queries with syntax (phrases, fields, wildcards, booleans) are scored by
Whoosh. ``sort="date"`` orders newest first, over the documents with every
word (or, when none has them all, over any match); undated documents come
after every dated one.

Every hit says where it came from (``url``, ``source`` with ``:LINE`` or
``@OFFSET``, the article's byline) and carries its date as a
:class:`~searchkit.documents.DocDate` (precision, and ``published`` or
``captured``). :func:`iter_hits` streams every hit of a query as
:class:`HitRecord` rows for export.

Every document of an article is written consecutively (the article, then its
comments), and Whoosh keeps document order through merges, so a comment's
article is the nearest article document before it: no stored field is read to
fold comments under their articles.
"""

from __future__ import annotations

import heapq
import time
from array import array
from bisect import bisect_right
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from itertools import compress, islice
from operator import itemgetter

from whoosh.collectors import TimeLimitCollector
from whoosh.query import Every, MultiTerm, Not, NullQuery, Or, Phrase, Query
from whoosh.searching import TimeLimit

from . import schema as f
from .documents import DocDate, parse_period, source_location
from .engine.reading import UNDATED_RAW, SearcherState, documents_with
from .errors import OptionError, QueryTimeoutError
from .feedback import expand
from .options import SCOPES, SORTS, UNDATED_CHOICES, check_choice
from .query import ParsedQuery, author_query, date_range, parse_query
from .scoring import BM25F
from .snippets import Snippet, highlight_all, make_snippet

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


class _Layout:
    """Per-searcher facts: which documents are articles, and each document's article."""

    def __init__(self, searcher):
        self.articles = documents_with(searcher.reader(), f.KIND, f.ARTICLE)
        self.article_set = frozenset(self.articles)
        self.size = searcher.reader().doc_count_all()
        self.parents = [0] * self.size
        """docnum -> docnum of its article (an article is its own)."""
        ends = self.articles[1:] + [self.size] if self.articles else []
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


def layout_of(state: SearcherState) -> _Layout:
    """The searcher's :class:`_Layout`, made once per searcher."""
    return state.cached("layout", _Layout)


def scorer_of(state: SearcherState) -> BM25F:
    """The searcher's :class:`~searchkit.scoring.BM25F` scorer (and its caches), made once per searcher."""
    return state.cached("bm25f", lambda searcher: BM25F(searcher.reader()))


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
    state, searcher, layout, scored = found.state, found.searcher, found.layout, found.scored
    candidates = found.candidates
    left_out = len(found.undated_left_out)
    if scope == "all":
        folded = layout.fold(candidates)
        if left_out:
            left_out = len(layout.fold(candidates | found.undated_left_out)) - len(folded)
        candidates = folded
    scored.rank_within(candidates, page * limit, sort)
    scores, matched = scored.scores, scored.matched
    ranked = _rank(state, parsed, scores, matched, candidates, page * limit, sort)
    terms = _highlight_terms(searcher, parsed.any)
    comments_by_article = _comments_by_article(layout, scored, ranked[(page - 1) * limit :])
    hits = [
        _hit(state, terms, rank, docnum, scores, comments_by_article, parsed, matched)
        for rank, docnum in enumerate(ranked[(page - 1) * limit :], start=(page - 1) * limit + 1)
    ]
    seconds = time.perf_counter() - started
    return Results(query, len(candidates), hits, page, limit, seconds, notice, undated_left_out=left_out)


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
    can match nothing; ``candidates`` are document numbers, comments not
    folded under their articles; ``undated_left_out`` the matches a date
    filter dropped for having no date.
    """

    def __init__(self, index, query: str, *, scope="all", author=None, since=None, until=None, undated="exclude"):
        self.state = state = index.searcher_state()
        self.searcher = searcher = state.searcher
        self.parsed = parsed = parse_query(query, searcher.schema)
        self.layout = layout_of(state)
        self.candidates: set[int] = set()
        self.undated_left_out: set[int] = set()
        self.scored: _Scored | None = None
        date_filters = _date_filters(parsed, since, until)
        if parsed.any is NullQuery and not (parsed.date_filter is not None and not parsed.terms):
            return
        self.scored = _Scored(state, parsed)
        author_filter = [author_query(author)] if author else []
        docs = _restrict(searcher, self.layout, set(self.scored.matching), scope, author, author_filter)
        if date_filters and docs:
            dates = state.dates
            undated_docs = {docnum for docnum in docs if dates[docnum] == UNDATED_RAW}
            docs -= undated_docs
            for part in date_filters:
                if not docs:
                    break
                docs &= set(searcher.docs_for_query(part))
            if undated == "include":
                docs |= undated_docs
            else:
                self.undated_left_out = undated_docs
        self.candidates = docs


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

    def __init__(self, state: SearcherState, parsed: ParsedQuery):
        searcher = state.searcher
        self.parsed = parsed
        self.matched: Counter | None = None
        self.scorer = None
        phrase = _phrase(parsed.any) if parsed.terms is None else None
        words = phrase[0] if phrase is not None else parsed.terms
        if words is not None and parsed.any is not NullQuery:
            self.scorer = scorer_of(state)
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


def _rank(state: SearcherState, parsed, scores, matched, candidates: set[int], count: int, sort: str) -> list[int]:
    """The first ``count`` documents of ``candidates`` in result order."""
    if not candidates:
        return []
    if parsed.tiered and matched is not None:
        words = len(set(parsed.terms))
        if sort == "date":
            every_word = {d for d in candidates if matched[d] == words}
            pool = every_word or candidates
            dates = state.dates
            return heapq.nlargest(count, pool, key=lambda d: (date_key(dates[d]), scores[d]))
        return heapq.nlargest(count, candidates, key=lambda d: (matched[d] == words, scores[d], -d))
    if sort == "date":
        dates = state.dates
        return heapq.nlargest(count, candidates, key=lambda d: (date_key(dates[d]), scores.get(d, 0.0)))
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


def _hit(state: SearcherState, terms, rank: int, docnum: int, scores, comments_by_article, parsed, matched) -> Hit:
    searcher = state.searcher
    stored = searcher.stored_fields(docnum)
    title, text, author, shown_terms = _shown(stored, terms)
    if stored[f.KIND] == f.COMMENT_KIND:
        article = searcher.document(**{f.ID_FIELD: stored[f.ARTICLE_ID], f.KIND: f.ARTICLE})
        return Hit(
            rank=rank,
            id=stored[f.ID_FIELD],
            kind=f.COMMENT_KIND,
            article_id=stored[f.ARTICLE_ID],
            title=title,
            score=scores[docnum],
            text=text,
            author=author,
            date=stored_date(stored),
            source=stored_source(stored),
            terms=shown_terms,
            url=stored.get(f.URL),
            article_date=stored_date(article) if article else None,
        )
    under = comments_by_article.get(docnum, [])
    best = _rank(state, parsed, scores, matched, set(under), COMMENTS_PER_HIT, "relevance")
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
                date=stored_date(fields),
            )
        )
    return Hit(
        rank=rank,
        id=stored[f.ID_FIELD],
        kind=f.ARTICLE,
        article_id=stored[f.ID_FIELD],
        title=title,
        score=scores[docnum],
        text=text,
        author=author,
        date=stored_date(stored),
        source=stored_source(stored),
        comments=comments,
        comment_count=len(under),
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
    if found.scored is None or not found.candidates:
        return
    state, searcher, parsed, scored = found.state, found.searcher, found.parsed, found.scored
    candidates = found.candidates
    scored.rank_within(candidates, len(candidates), sort)  # the scores search() ranks by, for every hit
    scores = scored.scores
    if sort == "date":
        dates = state.dates
        ranked = sorted(candidates, key=lambda d: (date_key(dates[d]), scores.get(d, 0.0)), reverse=True)
    else:
        ranked = _rank(state, parsed, scores, scored.matched, candidates, len(candidates), "relevance")
    # Keep only what the rows need, packed: 12 bytes a hit instead of the sets and dicts of ranking.
    order = array("q", ranked)
    order_scores = array("d", [scores.get(docnum, 0.0) for docnum in ranked])
    ranked = candidates = scores = None  # free them before the rows are made
    found.candidates, scored.scores, scored.matched, scored.matching = set(), {}, None, set()
    terms = _highlight_terms(searcher, parsed.any)
    for docnum, score in zip(order, order_scores, strict=True):
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
    "iter_hits",
    "Results",
    "Hit",
    "CommentHit",
    "HitRecord",
    "EXPORT_COLUMNS",
    "SCOPES",
    "SORTS",
]
