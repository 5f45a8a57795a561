"""From the text a user typed to a Whoosh query.

Plain words (``Putin Trump``) become index terms that :mod:`searchkit.scoring`
ranks with BM25F over title, body and comment (as it ranks every query); for two to
:data:`MAX_TIERED_WORDS` distinct words, documents that contain every word
rank first. A longer query is read as a natural-language question or
statement: its function words (:data:`QUERY_STOP_WORDS`: ``what``, ``how``,
``are``, ``which``, ...) carry no topic and are left out of its ranking, and
:mod:`searchkit.feedback` expands it from its best documents. Parentheses
around plain words (``lupus erythematosus (SLE)``) and quotes around a single
word (``the "training" phase``) change nothing in an OR of words, so such text
is ranked as plain words too. Text with query syntax goes
through Whoosh's parser:
``"phrases"``, ``AND``/``OR``/``NOT``, parentheses, ``title:``, ``body:``,
``comment:``, ``author:``, wildcards (``organi*``), fuzzy terms (``Putn~``),
boosts (``wheat^2``).

``date:`` clauses are read here rather than by Whoosh: ``date:2022``,
``date:2022-05``, ``date:[2020 to 2022-06]``, ``date:>2021``, ``date:<=2019-03-01``.
They filter the whole query. A date the parser cannot read raises
:class:`~searchkit.errors.QuerySyntaxError`.

Nothing a user types by accident raises: ``U.S.``, ``http://x``, a stray
``:`` or ``"``, an unknown ``field:``, control characters. What the parser
cannot make sense of is searched as plain words and ``notice`` says so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time

from whoosh import qparser
from whoosh.query import And, AndNot, DateRange, FuzzyTerm, Not, NullQuery, Or, Query, Term

from . import schema as f
from .analysis import TOKEN_PATTERN, fold, term
from .documents import parse_period
from .errors import QuerySyntaxError

MAX_TIERED_WORDS = 5
"""Up to this many words, documents with all the words rank above the others."""

QUERY_STOP_WORDS = frozenset(
    """about above after again against all am any because been before being below between both can
    did do does doing down during each few from further had has have having he her here hers herself
    him himself his how i its itself just me more most my myself nor now off once only other our ours
    ourselves out over own same she should so some than them theirs themselves those through too under
    until up very we were what when where which while who whom why you your yours yourself yourselves""".split()
)
"""Function words dropped from the ranking of long queries (more than MAX_TIERED_WORDS
distinct words), on top of the index's stop words: question words, auxiliaries,
pronouns, determiners and prepositions (the usual English function-word lists, such
as NLTK's). Short queries keep every word the user chose."""

MAX_WORDS = 256
"""Longer queries are cut to their first MAX_WORDS words (and say so)."""

_FIELD_NAMES = sorted(set(f.QUERY_FIELDS) - {f.DATE} | {"comments", "text"}, key=len, reverse=True)
_SYNTAX = re.compile(
    rf"""["()\[\]*?~^]|\b(?:AND|OR|NOT|ANDNOT|ANDMAYBE)\b|(?:^|\s)[+-]\w|\b(?:{"|".join(_FIELD_NAMES)}):"""
)
_QUESTION_MARK = re.compile(r"\?(?!\w)")
"""A question mark that ends a word ends a question; only ``te?t`` is a wildcard."""
_DATE_CLAUSE = re.compile(r"\bdate:(\[[^\]]*\]?|[<>]=?\s*\S+|\S+)", re.I)
_PARENTHESES = re.compile(r"[()]")
_QUOTED_WORD = re.compile(r'"(\w+)"')
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_WORD = re.compile(TOKEN_PATTERN)


def _without_no_op_syntax(text: str) -> str:
    """Parentheses and the quotes around one word (``"training"``) change nothing in an OR of words."""
    return _QUOTED_WORD.sub(r" \1 ", _PARENTHESES.sub(" ", text))


@dataclass
class ParsedQuery:
    """A user query ready to run."""

    text: str
    any: Query
    terms: list[str] | None = None
    date_filter: Query | None = None
    words: tuple[str, ...] = ()
    notice: str | None = None
    verbose: bool = False
    """A long query of plain words (a question): function words dropped from ``terms``, expanded by feedback."""

    @property
    def tiered(self) -> bool:
        """Whether documents with every word should rank above the others."""
        return self.terms is not None and not self.verbose and 1 < len(set(self.terms)) <= MAX_TIERED_WORDS


def parse_query(text: str, schema) -> ParsedQuery:
    """Turn user text into a :class:`ParsedQuery`; raises QuerySyntaxError only for bad dates."""
    clean = " ".join(_QUESTION_MARK.sub(" ", _CONTROL.sub(" ", text)).split())
    notice = None
    clean, date_filter = _extract_dates(clean)
    words = tuple(_WORD.findall(clean))
    if len(words) > MAX_WORDS:
        notice = f"query cut to its first {MAX_WORDS} words"
        clean = " ".join(words[:MAX_WORDS])
        words = words[:MAX_WORDS]
    if not clean:
        return ParsedQuery(text, NullQuery, None, date_filter, (), notice)
    if not _SYNTAX.search(_without_no_op_syntax(clean)):
        return _plain(text, words, date_filter, notice)
    try:
        parsed = _parser(schema).parse(clean)
    except Exception:  # Whoosh's parser raises assorted errors on odd input
        return _plain(text, words, date_filter, "query syntax not understood, searched as plain words")
    parsed = parsed.accept(_literal_id)
    if _cap_fuzzy(parsed):
        notice = f"fuzzy terms allow at most {MAX_FUZZY_EDITS} edits; searched with {MAX_FUZZY_EDITS}"
    return ParsedQuery(text, exclude_negatives(parsed), None, date_filter, words, notice)


def _plain(text: str, words: tuple[str, ...], date_filter, notice) -> ParsedQuery:
    terms = word_terms(words)
    verbose = len(set(terms)) > MAX_TIERED_WORDS
    if verbose:
        terms = ranking_terms(terms)
    return ParsedQuery(text, words_query(words), terms, date_filter, words, notice, verbose)


def ranking_terms(terms: list[str]) -> list[str]:
    """The terms of a long query without its function words (all of them if nothing else is left)."""
    kept = [found for found in terms if found not in QUERY_STOP_TERMS]
    return kept or terms


MAX_FUZZY_EDITS = 2
"""``word~N`` with a larger N matches nearly every word and takes seconds: it is capped."""


ID_FIELDS = frozenset({f.ID_FIELD, f.ARTICLE_ID, f.SOURCE})
"""Fields that hold ids and paths whole: a ``~N`` there is part of the id, not a fuzzy term."""


def _literal_id(query: Query) -> Query:
    """``id:r1~2`` is the renamed id ``r1~2`` (README, Ids), not ``r1`` within two edits."""
    if isinstance(query, FuzzyTerm) and query.fieldname in ID_FIELDS:
        return Term(query.fieldname, f"{query.text}~{query.maxdist}", boost=query.boost)
    return query


def _cap_fuzzy(query: Query) -> bool:
    capped = False
    for leaf in query.leaves():
        if isinstance(leaf, FuzzyTerm) and leaf.maxdist > MAX_FUZZY_EDITS:
            leaf.maxdist = MAX_FUZZY_EDITS
            capped = True
    return capped


def exclude_negatives(query: Query) -> Query:
    """Give ``NOT`` its usual meaning inside an OR: ``putin NOT trump`` is putin without trump.

    Whoosh's OR group keeps ``NOT trump`` as one more alternative, which
    matches every document without trump.
    """
    if not query.is_leaf() and hasattr(query, "subqueries"):
        query = query.copy()
        query.subqueries = [exclude_negatives(sub) for sub in query.subqueries]
        if isinstance(query, Or):
            positives = [sub for sub in query.subqueries if not isinstance(sub, Not)]
            negatives = [sub.query for sub in query.subqueries if isinstance(sub, Not)]
            if positives and negatives:
                keep = positives[0] if len(positives) == 1 else Or(positives)
                drop = negatives[0] if len(negatives) == 1 else Or(negatives)
                return AndNot(keep, drop)
    return query


def word_terms(words) -> list[str]:
    """The index terms of the words, in order, repeats kept (a repeated word weighs more)."""
    return [found for found in map(term, words) if found]


def words_query(words) -> Query:
    """The Whoosh query for plain words: any word in any text field (used for highlighting)."""
    terms = list(dict.fromkeys(word_terms(words)))
    if not terms:
        return NullQuery
    per_word = [Or([Term(name, text) for name in f.TEXT_FIELDS]) for text in terms]
    return per_word[0] if len(per_word) == 1 else Or(per_word)


def _parser(schema) -> qparser.QueryParser:
    # No field boosts: a term's boost is the user's ``^N`` only; BM25F weighs the fields (scoring.py).
    parser = qparser.MultifieldParser(list(f.TEXT_FIELDS), schema, group=qparser.OrGroup)
    parser.remove_plugin_class(qparser.SingleQuotePlugin)
    parser.remove_plugin_class(qparser.FieldsPlugin)
    parser.add_plugin(qparser.FieldsPlugin(expr=rf"(?P<text>{'|'.join(_FIELD_NAMES)}):"))
    parser.add_plugin(qparser.FieldAliasPlugin({f.COMMENT: ["comments"], f.BODY: ["text"]}))
    parser.add_plugin(qparser.FuzzyTermPlugin())
    return parser


def _extract_dates(text: str) -> tuple[str, Query | None]:
    clauses = []

    def take(match: re.Match) -> str:
        clauses.append(_date_clause(match.group(1)))
        return " "

    rest = _DATE_CLAUSE.sub(take, text)
    if not clauses:
        return text, None
    return " ".join(rest.split()), clauses[0] if len(clauses) == 1 else And(clauses)


def _date_clause(value: str) -> Query:
    value = value.strip()
    if value.startswith("["):
        inner = value.strip("[]")
        parts = re.split(r"\s+to\s+", inner, maxsplit=1, flags=re.I)
        if len(parts) != 2:
            raise _bad_date(value)
        return date_range(parts[0].strip() or None, parts[1].strip() or None, what=f"date:{value}")
    if m := re.fullmatch(r"([<>]=?)\s*(.+)", value):
        op, when = m.groups()
        return (
            date_range(when, None, what=f"date:{value}", after=op == ">")
            if op.startswith(">")
            else date_range(None, when, what=f"date:{value}", before=op == "<")
        )
    return date_range(value, value, what=f"date:{value}")


def _bad_date(value: str) -> QuerySyntaxError:
    return QuerySyntaxError(
        f"date not understood: {value}",
        hint="write dates as 2022, 2022-05, 2022-05-14 or May 14, 2022; ranges as date:[2020 to 2022]",
    )


def date_range(
    since: str | None, until: str | None, what: str | None = None, *, after=False, before=False
) -> Query | None:
    """The filter for dates from ``since`` to ``until`` inclusive, at the precision written.

    ``after``/``before`` make the bound exclusive of the whole period named.
    """
    start = end = None
    if since:
        period = parse_period(since)
        if period is None:
            raise _bad_date(what or since)
        start = _at(period[1], time.max) if after else _at(period[0], time.min)
    if until:
        period = parse_period(until)
        if period is None:
            raise _bad_date(what or until)
        end = _at(period[0], time.min) if before else _at(period[1], time.max)
    if start is None and end is None:
        return None
    return DateRange(f.DATE, start, end, startexcl=after, endexcl=before)


def _at(day: date, moment: time) -> datetime:
    return datetime.combine(day, moment)


QUERY_STOP_TERMS = frozenset(filter(None, map(term, QUERY_STOP_WORDS)))
"""QUERY_STOP_WORDS as index terms (stemmed as the index stems them)."""


def author_query(name: str) -> Query:
    """Comments whose author name holds every word of ``name`` (case and accents ignored)."""
    words = [fold(word) for word in _WORD.findall(name)]
    if not words:
        raise QuerySyntaxError(
            f"author name {name!r} has no letters", hint="give a name such as --author 'chris chuba'"
        )
    return And([Term(f.AUTHOR, word) for word in words])
