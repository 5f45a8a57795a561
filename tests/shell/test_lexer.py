"""The query lexer's tokens, exactly."""

from __future__ import annotations

from pygments.token import Generic, Literal, Name, Number, Operator, Punctuation, String, Text, Whitespace

from searchkit.shell.lexer import QueryLexer


def tokens(text: str) -> list[tuple[object, str]]:
    """Tokens without whitespace and the final newline pygments adds."""
    return [(kind, value) for kind, value in QueryLexer().get_tokens(text) if kind is not Whitespace]


def test_plain_words_are_text():
    assert tokens("putin trump") == [(Text, "putin"), (Text, "trump")]


def test_fields_phrases_and_operators():
    assert tokens('title:putin AND "vladimir putin" OR NOT comment:wheat') == [
        (Name.Attribute, "title:"),
        (Text, "putin"),
        (Operator.Word, "AND"),
        (String, '"vladimir putin"'),
        (Operator.Word, "OR"),
        (Operator.Word, "NOT"),
        (Name.Attribute, "comment:"),
        (Text, "wheat"),
    ]


def test_lower_case_and_or_not_are_words():
    assert tokens("rock and roll") == [(Text, "rock"), (Text, "and"), (Text, "roll")]


def test_author_with_a_quoted_name():
    assert tokens('author:"chris chuba"') == [(Name.Attribute, "author:"), (String, '"chris chuba"')]


def test_wildcards_fuzzy_marks_and_boosts():
    assert tokens("organi* wom?n putn~ putn~2 wheat^2 grain^1.5") == [
        (Name.Variable, "organi*"),
        (Name.Variable, "wom?n"),
        (Text, "putn"),
        (Generic.Emph, "~"),
        (Text, "putn"),
        (Generic.Emph, "~2"),
        (Text, "wheat"),
        (Number, "^2"),
        (Text, "grain"),
        (Number, "^1.5"),
    ]


def test_phrase_proximity_and_an_unclosed_phrase():
    assert tokens('"black sea"~3 "unfinished phr') == [
        (String, '"black sea"'),
        (Generic.Emph, "~3"),
        (String, '"unfinished phr'),
    ]


def test_dates_single_range_and_comparison():
    assert tokens("date:2022-05 date:[2020 to 2022-06] date:>=2021") == [
        (Name.Attribute, "date:"),
        (Literal.Date, "2022-05"),
        (Name.Attribute, "date:"),
        (Literal.Date, "[2020 to 2022-06]"),
        (Name.Attribute, "date:"),
        (Literal.Date, ">=2021"),
    ]


def test_brackets_and_required_or_excluded_words():
    assert tokens("(wheat OR maize) -corn +grain") == [
        (Punctuation, "("),
        (Text, "wheat"),
        (Operator.Word, "OR"),
        (Text, "maize"),
        (Punctuation, ")"),
        (Operator.Word, "-"),
        (Text, "corn"),
        (Operator.Word, "+"),
        (Text, "grain"),
    ]


def test_hyphen_inside_a_word_is_not_an_operator():
    assert tokens("well-known") == [(Text, "well-known")]


def test_command_lines():
    assert tokens(":open 3") == [(Name.Builtin, ":open"), (Text, " 3")]
    assert tokens("  :help") == [(Name.Builtin, ":help")]


def test_unknown_field_is_a_word_and_colon():
    assert tokens("http://x") == [(Text, "http"), (Text, ":"), (Text, "/"), (Text, "/"), (Text, "x")]
