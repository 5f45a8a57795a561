"""Running a query: ranked hits, each with its snippet and its matching comments.

:func:`search` is what ``searchkit query``, the shell and the Python API all
call. Articles and comments are both hits. With ``scope="all"`` a comment
whose article is itself a hit is not listed on its own: it appears under its
article (up to :data:`COMMENTS_PER_HIT` of them, with the count of all).

For a query of two to five plain words, the documents that contain every word
rank first (by BM25F score), then those that miss a word. ``sort="date"``
orders by date, newest first, over the documents with every word (or, when
none has them all, over any match).
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from whoosh.query import And, Every, Not, NullQuery, Query, Term

from . import schema as f
from .errors import QuerySyntaxError
from .query import ParsedQuery, author_query, date_range, parse_query
from .snippets import Snippet, highlight_all, make_snippet

SCOPES = ("all", "articles", "comments")
SORTS = ("relevance", "date")
COMMENTS_PER_HIT = 3
MAX_HIGHLIGHT_TERMS = 1000
"""A wildcard such as ``a*`` expands to at most this many highlighted terms per leaf."""


@dataclass
class CommentHit:
    """A matching comment shown under its article."""

    id: str
    author: str | None
    snippet: Snippet
    score: float
    position: int = 0


@dataclass
class Hit:
    """One ranked result: an article, or a comment on its own."""

    rank: int
    id: str
    kind: str
    article_id: str
    title: str
    score: float
    snippet: Snippet
    title_snippet: Snippet
    author: str | None = None
    date: str | None = None
    source: str = ""
    comments: list[CommentHit] = field(default_factory=list)
    comment_count: int = 0


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
    restriction = _restriction(parsed, scope, author, since, until)
    if parsed.any is NullQuery:
        if restriction is None or parsed.date_filter is None:
            return Results(query, 0, [], page, limit, time.perf_counter() - started, parsed.notice)
        parsed.any = Every()
    allowed = _allowed_docs(searcher, parsed.any, restriction)
    if scope == "all" and allowed:
        allowed -= _comments_under_matching_articles(searcher, parsed.any, allowed)
    ranked = _ranked(searcher, parsed, allowed, page * limit, sort)
    terms = _highlight_terms(searcher, parsed.any)
    hits = [
        _hit(searcher, parsed, terms, rank, docnum, score)
        for rank, (docnum, score) in enumerate(ranked[(page - 1) * limit :], start=(page - 1) * limit + 1)
    ]
    return Results(query, len(allowed), hits, page, limit, time.perf_counter() - started, parsed.notice)


def _restriction(parsed: ParsedQuery, scope, author, since, until) -> Query | None:
    parts = []
    if scope == "articles":
        parts.append(Term(f.KIND, f.ARTICLE))
    elif scope == "comments" or author:
        parts.append(Term(f.KIND, f.COMMENT_KIND))
    if author:
        parts.append(author_query(author))
    dates = date_range(_iso(since), _iso(until))
    for part in (dates, parsed.date_filter):
        if part is not None:
            parts.append(part)
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else And(parts)


def _iso(value) -> str | None:
    if value is None or value == "":
        return None
    return value.isoformat() if isinstance(value, date) else str(value)


def _allowed_docs(searcher, query: Query, restriction: Query | None) -> set[int]:
    """Document numbers matching ``query`` and the filters (no scoring)."""
    docs = set(searcher.docs_for_query(query))
    if restriction is not None and docs:
        docs &= set(searcher.docs_for_query(restriction))
    return docs


def _comments_under_matching_articles(searcher, query: Query, allowed: set[int]) -> set[int]:
    """Comments to fold under their article, because that article is a hit too."""
    article_ids = searcher.reader().column_reader(f.ARTICLE_ID)
    kinds = _kind_docs(searcher)
    articles = allowed & kinds[f.ARTICLE]
    if not articles:
        return set()
    matched = {article_ids[docnum] for docnum in articles}
    return {docnum for docnum in allowed - articles if article_ids[docnum] in matched}


def _kind_docs(searcher) -> dict[str, set[int]]:
    """Document numbers of each kind, cached per searcher."""
    cache = getattr(searcher, "_searchkit_kinds", None)
    if cache is None:
        cache = {kind: set(searcher.docs_for_query(Term(f.KIND, kind))) for kind in (f.ARTICLE, f.COMMENT_KIND)}
        searcher._searchkit_kinds = cache
    return cache


def _ranked(searcher, parsed: ParsedQuery, allowed: set[int], limit: int, sort: str) -> list[tuple[int, float]]:
    """The best ``limit`` documents among ``allowed``: all-words matches first."""
    if not allowed:
        return []
    every_word = set()
    if parsed.all is not None:
        every_word = set(searcher.docs_for_query(parsed.all)) & allowed
    if sort == "date":
        pool = every_word or allowed
        results = searcher.search(parsed.any, filter=pool, limit=limit, sortedby=f.DATE, reverse=True)
        return [(hit.docnum, hit.score or 0.0) for hit in results]
    ranked = []
    if every_word:
        results = searcher.search(parsed.all, filter=every_word, limit=limit)
        ranked = [(hit.docnum, hit.score) for hit in results]
    rest = allowed - every_word
    if len(ranked) < limit and rest:
        results = searcher.search(parsed.any, filter=rest, limit=limit - len(ranked))
        ranked += [(hit.docnum, hit.score) for hit in results]
    return ranked


def _highlight_terms(searcher, query: Query) -> dict[str, set[str]]:
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
            text = text.decode("utf-8") if isinstance(text, bytes) else text
            terms[name].add(text)
    return terms


def _hit(searcher, parsed, terms, rank: int, docnum: int, score: float) -> Hit:
    stored = searcher.stored_fields(docnum)
    when = stored.get(f.DATE)
    hit_date = stored.get(f.PUBLISHED) or stored.get(f.CAPTURED) or (when.date().isoformat() if when else None)
    if stored[f.KIND] == f.COMMENT_KIND:
        title = stored.get(f.ARTICLE_TITLE, "")
        return Hit(
            rank=rank,
            id=stored[f.ID_FIELD],
            kind=f.COMMENT_KIND,
            article_id=stored[f.ARTICLE_ID],
            title=title,
            score=score,
            snippet=make_snippet(stored.get(f.COMMENT, ""), terms[f.COMMENT], width=240, fragments=1),
            title_snippet=Snippet(title),
            author=stored.get(f.AUTHOR),
            date=hit_date,
            source=stored.get(f.SOURCE, ""),
        )
    title = stored.get(f.TITLE, "")
    comments, count = _matching_comments(searcher, parsed, terms, stored[f.ID_FIELD])
    return Hit(
        rank=rank,
        id=stored[f.ID_FIELD],
        kind=f.ARTICLE,
        article_id=stored[f.ID_FIELD],
        title=title,
        score=score,
        snippet=make_snippet(stored.get(f.BODY, ""), terms[f.BODY] | terms[f.TITLE]),
        title_snippet=highlight_all(title, terms[f.TITLE] | terms[f.BODY]),
        date=hit_date,
        source=stored.get(f.SOURCE, ""),
        comments=comments,
        comment_count=count,
    )


def _matching_comments(searcher, parsed: ParsedQuery, terms, article_id: str) -> tuple[list[CommentHit], int]:
    """The best comments under one article that match the query, and how many match."""
    under = set(searcher.docs_for_query(And([Term(f.ARTICLE_ID, article_id), Term(f.KIND, f.COMMENT_KIND)])))
    if not under:
        return [], 0
    allowed = under & set(searcher.docs_for_query(parsed.any))
    if not allowed:
        return [], 0
    best = _ranked(searcher, parsed, allowed, COMMENTS_PER_HIT, "relevance")
    comments = []
    for docnum, score in best:
        stored = searcher.stored_fields(docnum)
        comments.append(
            CommentHit(
                id=stored[f.ID_FIELD],
                author=stored.get(f.AUTHOR),
                snippet=make_snippet(stored.get(f.COMMENT, ""), terms[f.COMMENT], width=160, fragments=1),
                score=score,
                position=stored.get(f.POSITION) or 0,
            )
        )
    return comments, len(allowed)


__all__ = ["search", "Results", "Hit", "CommentHit", "SCOPES", "SORTS"]
