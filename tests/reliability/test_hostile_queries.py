"""Hostile queries, through the library and through the CLI: each runs (as words) or gets one line.

Never a traceback, never a hang: every library search runs under a 15 s alarm and every CLI
call under a timeout. The runaway queries (``*a*``, ``*``, ``a~3``) are timed on the 200-page
scene here; those and worse ones (five infix wildcards, ``wheat~99``) on 2,000 generated pages
in the slow test; the timings are printed in the terminal summary. A fuzzy term with a huge
edit distance must be capped or refused (``test_fuzzy_edit_distance_is_bounded``).
"""

from __future__ import annotations

import json
import os
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from searchkit import QuerySyntaxError, Results, SearchkitError, build_index, open_index

from .conftest import TimeLimit, assert_error_line, assert_no_traceback, cli, record, run_cli, time_limit, write_pages

LIMIT_SECONDS = 15.0
"""A query still running after this counts as a hang (the core stops its own queries at 10 s,
with a QueryTimeoutError: that counts as reported)."""

HOSTILE = {
    # quotes and parentheses
    "quote-open": '"wheat harvest',
    "quote-close": 'wheat harvest"',
    "quote-lone": '"',
    "quotes-empty": '""',
    "quotes-odd": '"' * 7,
    "paren-open": "(wheat OR harvest",
    "paren-close": "wheat OR harvest)",
    "paren-lone": "(",
    "parens-nested": "((((wheat",
    "parens-empty": "()",
    # operators
    "and-lone": "AND",
    "or-lone": "OR",
    "not-lone": "NOT",
    "ops-only": "AND OR NOT",
    "and-dangling": "wheat AND",
    "not-dangling": "wheat NOT",
    "not-leading": "NOT wheat",
    "andnot-lone": "ANDNOT",
    "plus-minus": "+ -",
    "minus-word": "-wheat",
    # fields
    "field-no-value": "title:",
    "field-quote": 'title:"',
    "field-paren": "title:(",
    "field-twice": "title:body:wheat",
    "author-no-value": "author:",
    "date-no-value": "date:",
    "colon": ":",
    "colons": ":::",
    "unknown-field": "foo:bar",
    "url": "http://example.org/report?q=1&x=2",
    "field-caps": "TITLE:wheat",
    # 10,000 characters
    "long-word": "x" * 10_000,
    "long-words": "wheat " * 1_700,
    "long-parens": "(" * 10_000,
    "long-quotes": '"' * 10_000,
    "long-operators": "AND " * 2_500,
    "long-fields": "title:" * 1_700,
    "long-wildcards": "a*" * 5_000,
    "long-fuzzy": "wheat~ " * 1_430,
    "long-mixed": '(title:"wheat AND ' * 600,
    # control characters, emoji, right-to-left
    "nul-and-controls": "wheat\x00\x01\x02harvest",
    "ansi-escape": "\x1b[31mwheat\x1b[0m",
    "newlines-tabs": "wheat\nharvest\r\n\t",
    "del-c1": "\x7f\x85\x9f",
    "emoji": "🌾 wheat 🚢",
    "emoji-zwj": "👨‍👩‍👧‍👦",
    "emoji-only": "🌾",
    "rtl-arabic": "قمح الحصاد",
    "rtl-hebrew": "חיטה",
    "rtl-override": "\u202ewheat\u202c",
    "zero-width": "whe\u200bat",
    "combining": "e\u0301" * 200,
    "lone-surrogate": "\ud800wheat",
    "bom": "\ufeffwheat",
    # other syntax
    "boost-no-value": "wheat^",
    "boost-huge": "wheat^1e308",
    "boost-negative": "wheat^-5",
    "tilde-lone": "~",
    "fuzzy-garbage": "wheat~x",
    "range-open": "[a TO",
    "range-empty": "{ TO }",
    "caret": "^",
    "backslash": "\\",
    "regex-like": "/wh.*t/",
    "wildcard-lone": "*",
    "question-marks": "?" * 30,
    # dates
    "date-impossible": "date:2022-13-45",
    "date-words": "date:yesterday",
    "date-range-open": "date:[2020 to",
    "date-range-reversed": "date:[2023 to 2020]",
    "date-operator-only": "date:>",
}

RUNAWAY = {"infix-wildcard": "*a*", "lone-wildcard": "*", "fuzzy-3": "a~3"}
"""Timed in the normal suite (on the 200-page scene) and in the slow one (2,000 pages)."""
RUNAWAY_SLOW = {**RUNAWAY, "five-infix-wildcards": "*a* *e* *i* *o* *u*", "fuzzy-99": "wheat~99"}
"""Only in the slow test: on 2,000 pages these take tens of seconds today."""


def check_library(index, query: str, **options) -> Results | SearchkitError:
    """Run one query under the time limit: Results, or a SearchkitError with a one-line message."""
    with time_limit(LIMIT_SECONDS):
        try:
            results = index.search(query, **options)
        except SearchkitError as error:
            assert error.message and "\n" not in str(error) and "\n" not in (error.hint or ""), repr(error)
            return error
    assert isinstance(results, Results)
    assert results.total >= len(results.hits)
    assert [hit.rank for hit in results.hits] == list(range(1, len(results.hits) + 1))
    return results


@pytest.fixture(scope="module")
def opened(small_index):
    with open_index(small_index) as index:
        yield index


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_library_query(opened, name):
    check_library(opened, HOSTILE[name])


@pytest.mark.parametrize(
    ("name", "options"),
    [
        ("since-garbage", {"since": "garbage"}),
        ("until-impossible", {"until": "2022-13-45"}),
        ("since-control", {"since": "\x07\x00"}),
        ("author-punctuation", {"author": "!!!"}),
        ("author-empty", {"author": ""}),
        ("author-emoji", {"author": "🌾"}),
        ("scope-unknown", {"scope": "everything"}),
        ("sort-unknown", {"sort": "random"}),
        ("limit-zero", {"limit": 0}),
        ("page-huge", {"page": 10**9}),
    ],
)
def test_library_query_options(opened, name, options):
    outcome = check_library(opened, "wheat", **options)
    if name.startswith(("since", "until", "scope", "sort", "limit")):
        assert isinstance(outcome, QuerySyntaxError), outcome


def _cli_safe(text: str) -> bool:
    """argv cannot carry NUL bytes or lone surrogates; a leading dash is an option to click."""
    try:
        return b"\x00" not in os.fsencode(text) and not text.startswith("-")
    except UnicodeEncodeError:
        return False


CLI_CASES = {name: [HOSTILE[name]] for name in HOSTILE if _cli_safe(HOSTILE[name])}
CLI_CASES.update(
    {
        "invalid-utf8-argv": [os.fsdecode(b"wheat\xff\xfe")],
        "dash-dash-minus": ["--", "-wheat"],
        "option-since-garbage": ["wheat", "--since", "garbage"],
        "option-until-impossible": ["wheat", "--until", "2022-02-30"],
        "option-author-punctuation": ["wheat", "--author", "!!!"],
        "option-author-rtl": ["wheat", "--author", "قمح"],
        "many-arguments": ["wheat"] * 2_000,
    }
)
SUBPROCESS_CASES = (
    "long-mixed",
    "ansi-escape",
    "rtl-override",
    "date-impossible",
    "invalid-utf8-argv",
    "dash-dash-minus",
)
"""Also run as a real process: argv decoding, stdout encoding, the exit code the shell sees."""
UTF8_STRICT = {"PYTHONIOENCODING": "utf-8"}


def check_cli(proc) -> None:
    assert_no_traceback(proc)
    if proc.returncode == 2:
        assert_error_line(proc)
        return
    assert proc.returncode in (0, 1), proc.stderr
    if proc.stdout.startswith("{"):
        payload = json.loads(proc.stdout)
        assert payload["total"] >= len(payload["hits"])
        assert (proc.returncode == 0) == bool(payload["hits"])


@pytest.mark.parametrize("name", sorted(CLI_CASES))
def test_cli_query(small_index, name):
    check_cli(cli("query", "--index", small_index, "--format", "json", *CLI_CASES[name], timeout=LIMIT_SECONDS))
    check_cli(cli("query", "--index", small_index, "--no-color", *CLI_CASES[name], timeout=LIMIT_SECONDS))


@pytest.fixture(scope="module")
def subprocess_outcomes(small_index):
    def run(name):
        # PYTHONIOENCODING: stdout as on a UTF-8 desktop locale (strict), not the C locale's surrogateescape
        args = ["query", "--index", small_index, "--format", "json", *CLI_CASES[name]]
        return name, run_cli(*args, timeout=30, env=UTF8_STRICT)

    with ThreadPoolExecutor(max_workers=2) as pool:
        return dict(pool.map(run, SUBPROCESS_CASES))


@pytest.mark.parametrize("name", SUBPROCESS_CASES)
def test_cli_query_in_a_process(subprocess_outcomes, name):
    check_cli(subprocess_outcomes[name])


@pytest.mark.parametrize("name", ["date-impossible", "date-words", "option-since-garbage", "option-until-impossible"])
def test_cli_bad_dates_explain_themselves(small_index, name):
    assert_error_line(cli("query", "--index", small_index, *CLI_CASES[name]), "date")


# ----------------------------------------------------------------------------- runaway queries
def _time_runaways(index_path, label: str, queries: dict[str, str]) -> dict[str, float | str]:
    timings: dict[str, float | str] = {}
    with open_index(index_path) as index:
        index.search("warm up")
        for name, query in queries.items():
            started = time.perf_counter()
            try:
                outcome = check_library(index, query)
            except TimeLimit:
                timings[name] = f"> {LIMIT_SECONDS:g} s (stopped)"
                continue
            seconds = time.perf_counter() - started
            timings[name] = seconds
            what = f"{outcome.total} hits" if isinstance(outcome, Results) else f"refused: {outcome}"
            record("runaway queries", f"{label}: {query!r} {seconds:.2f} s, {what}")
    for name, value in timings.items():
        if isinstance(value, str):
            record("runaway queries", f"{label}: {queries[name]!r} {value}")
    return timings


def test_runaway_queries_finish_or_are_refused(scene):
    timings = _time_runaways(scene.reference, f"{scene.pages}-page scene", RUNAWAY)
    slow = {name: value for name, value in timings.items() if isinstance(value, str) or value > LIMIT_SECONDS}
    assert not slow, slow


def test_fuzzy_edit_distance_is_bounded(opened):
    """``wheat~99`` matches every word of the corpus (99 edits turn anything into anything); the
    cost grows with the distance. It must be capped (as ``wheat~2``) or refused with a reason."""
    try:
        huge = opened.search("wheat~99", limit=1)
    except QuerySyntaxError as error:
        assert "~" in str(error) or "fuzzy" in str(error).lower() or "distance" in str(error).lower()
        return
    capped = opened.search("wheat~2", limit=1)
    assert huge.total == capped.total or huge.notice, (huge.total, capped.total)


@pytest.mark.slow
def test_runaway_queries_on_2000_pages(tmp_path):
    corpus = tmp_path / "corpus"
    write_pages(corpus, range(2000))
    build_index([str(corpus)], tmp_path / "index")
    timings = _time_runaways(tmp_path / "index", "2,000 pages", RUNAWAY_SLOW)
    slow = {name: value for name, value in timings.items() if isinstance(value, str) or value > LIMIT_SECONDS}
    assert not slow, slow
