"""A pygments lexer for what is typed at the ``searchkit>`` prompt.

Two kinds of lines: a shell command (``:open 3``, the name as
``Name.Builtin``) and a query in searchkit's syntax, whose parts get distinct
token types so the style can colour them apart:

=====================  ==============================  ==================
what                   example                         token
=====================  ==============================  ==================
field                  ``title:`` ``author:``          ``Name.Attribute``
date value             ``date:2022`` ``date:[a to b]`` ``Literal.Date``
phrase                 ``"vladimir putin"``            ``String``
operator               ``AND OR NOT`` ``+`` ``-``      ``Operator.Word``
wildcard word          ``organi*`` ``wom?n``           ``Name.Variable``
fuzzy mark             the ``~`` in ``putn~``          ``Generic.Emph``
boost                  the ``^2`` in ``wheat^2``       ``Number``
brackets               ``(`` ``)``                     ``Punctuation``
=====================  ==============================  ==================
"""

from __future__ import annotations

from pygments.lexer import RegexLexer, bygroups, default
from pygments.token import Generic, Literal, Name, Number, Operator, Punctuation, String, Text, Whitespace

FIELDS = ("title", "body", "comment", "author", "date")
"""Fields offered to users (completion, help). The lexer also knows the aliases below."""

_FIELD_ALIASES = ("comments", "text", "id", "kind", "source", "article_id")
_FIELD_RE = "|".join(sorted({*FIELDS, *_FIELD_ALIASES} - {"date"}, key=len, reverse=True))

FUZZY = Generic.Emph
WILDCARD = Name.Variable
FIELD = Name.Attribute
DATE = Literal.Date
PHRASE = String
OPERATOR = Operator.Word
BOOST = Number
COMMAND = Name.Builtin


class QueryLexer(RegexLexer):
    """Tokens of a searchkit query or a ``:command`` line."""

    name = "searchkit query"
    aliases = ["searchkit"]

    tokens = {
        "root": [
            (r"^(\s*)(:\S*)(.*)$", bygroups(Whitespace, COMMAND, Text)),
            (r"\s+", Whitespace),
            (r"(?i)(date:)(\[[^\]]*\]?|[<>]=?\s*\S+|[^\s()]+)", bygroups(FIELD, DATE)),
            (rf"(?i)\b({_FIELD_RE}):", FIELD),
            (r'"[^"\n]*"?', PHRASE, "after"),
            (r"\b(?:AND|OR|NOT|ANDNOT|ANDMAYBE|TO)\b", OPERATOR),
            (r"(?<![^\s(])[+-](?=[\w\"(])", OPERATOR),
            (r"[()]", Punctuation),
            (r"[\w'’.,-]*[*?][\w'’.,*?-]*", WILDCARD, "after"),
            (r"\w[\w'’.,-]*", Text, "after"),
            (r".", Text),
        ],
        # Marks that may follow a word or phrase: fuzzy (~, ~2, ~2/3), boost (^2, ^1.5).
        "after": [
            (r"~\d*(?:/\d+)?", FUZZY),
            (r"\^\d*(?:\.\d+)?", BOOST),
            default("#pop"),
        ],
    }
