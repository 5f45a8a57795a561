"""The Whoosh schema of a searchkit index: one flat document per article and per comment.

Every article and every comment is its own Whoosh document; ``kind`` tells
them apart and a comment's ``article_id`` points at its article.
``author_name`` holds each full author name, for completion. An article's
byline is ``byline`` (stored only: ``author:`` and ``--author`` search the
comment authors). ``precision`` is a column beside ``date`` saying how much
of the date is known (see :data:`PRECISION_CODES`); ``published`` (and, for
articles, ``captured``) keep the date as written at that precision.
``source`` is the input file's id, with ``line`` (JSON Lines) or ``offset``
(WARC record) saying where in it. The words of
the text as written (for completion and spelling suggestions) are kept
beside the index, not in it: see :class:`searchkit.index.IndexState`. Field names
are constants here so that no other module spells them.

Bump :data:`SCHEMA_VERSION` whenever a field or an analyzer changes: an index
of another version is refused with a hint to rebuild it.
"""

from __future__ import annotations

from whoosh.fields import DATETIME, ID, NUMERIC, STORED, TEXT, Schema

from .analysis import name_analyzer, news_analyzer

SCHEMA_VERSION = 4

ID_FIELD = "id"
KIND = "kind"
ARTICLE_ID = "article_id"
SOURCE = "source"
TITLE = "title"
BODY = "body"
COMMENT = "comment"
AUTHOR = "author"
DATE = "date"
PUBLISHED = "published"
CAPTURED = "captured"
POSITION = "position"
URL = "url"
ARTICLE_TITLE = "article_title"
COMMENT_COUNT = "comment_count"
AUTHOR_NAME = "author_name"
BYLINE = "byline"
LINE = "line"
OFFSET = "offset"
PRECISION = "precision"

PRECISION_CODES = {"day": 0, "month": 1, "year": 2}
"""How the ``precision`` column stores a date's precision (0 also where there is no date)."""

ARTICLE = "article"
COMMENT_KIND = "comment"

TEXT_FIELDS = (TITLE, BODY, COMMENT)
"""Fields a query of plain words searches."""

QUERY_FIELDS = (TITLE, BODY, COMMENT, AUTHOR, DATE, ID_FIELD, KIND, ARTICLE_ID, SOURCE)
"""Fields a user may name in a query (``title:putin``)."""


def build_schema() -> Schema:
    text = news_analyzer()
    return Schema(
        **{
            ID_FIELD: ID(stored=True, unique=True),
            KIND: ID(stored=True),
            ARTICLE_ID: ID(stored=True, sortable=True),
            SOURCE: ID(stored=True),
            TITLE: TEXT(analyzer=text, stored=True),
            BODY: TEXT(analyzer=text, stored=True),
            COMMENT: TEXT(analyzer=text, stored=True),
            AUTHOR: TEXT(analyzer=name_analyzer(), stored=True),
            DATE: DATETIME(stored=True, sortable=True),
            PUBLISHED: STORED(),
            CAPTURED: STORED(),
            POSITION: NUMERIC(stored=True),
            URL: STORED(),
            ARTICLE_TITLE: STORED(),
            COMMENT_COUNT: STORED(),
            AUTHOR_NAME: ID(),
            BYLINE: STORED(),
            LINE: STORED(),
            OFFSET: STORED(),
            PRECISION: NUMERIC(stored=True, sortable=True),
        }
    )
