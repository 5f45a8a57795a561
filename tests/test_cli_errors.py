"""Every error of the CLI is one line on stderr with a hint, exit 2: usage errors, bad ranges, damaged indexes, bugs."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from searchkit.cli import cli


@pytest.fixture
def run(corpus_index, monkeypatch):
    monkeypatch.delenv("SEARCHKIT_INDEX", raising=False)
    monkeypatch.delenv("SEARCHKIT_DEBUG", raising=False)

    def invoke(*args, index=corpus_index, **options):
        return CliRunner().invoke(cli, [args[0], "--index", str(index), *args[1:]], **options)

    return invoke


@pytest.mark.parametrize(
    "args, message",
    [
        (
            ["query", "putin", "--limit", "0"],
            "invalid value for '--limit' / '-n': 0 is not in the range 1<=x<=1000 (see `searchkit query --help`)",
        ),
        (
            ["query", "putin", "--in", "foo"],
            "invalid value for '--in': 'foo' is not one of 'all', 'articles', 'comments' "
            "(see `searchkit query --help`)",
        ),
        (["query"], "no query given (type the words to search for, or - to read them from stdin)"),
        (
            ["query", "putin", "--colour"],
            "no such option '--colour' (did you mean one of: '--color', '--no-color'?) (see `searchkit query --help`)",
        ),
        (
            ["count", "putin", "--by", "week"],
            "invalid value for '--by': 'week' is not one of 'month', 'year', 'day', 'author', 'kind' "
            "(see `searchkit count --help`)",
        ),
        (["similar"], "missing argument 'DOC_ID' (see `searchkit similar --help`)"),
    ],
)
def test_usage_errors_are_one_line_with_a_hint(run, args, message):
    result = run(*args)
    assert result.exit_code == 2
    assert result.stderr == f"searchkit: error: {message}\n"
    assert result.stdout == ""


def test_an_unknown_command_is_one_line():
    result = CliRunner().invoke(cli, ["serach", "putin"])
    assert result.exit_code == 2
    assert result.stderr == "searchkit: error: no such command 'serach' (see `searchkit --help`)\n"


def test_query_from_empty_stdin_is_an_error(run):
    result = run("query", "-", input="  \n")
    assert result.exit_code == 2
    assert result.stderr == "searchkit: error: no query on standard input (pipe the query text in, or type it)\n"


def test_an_empty_date_range_is_an_error_not_no_hits(run):
    result = run("query", "putin", "--since", "2024", "--until", "2020")
    assert result.exit_code == 2
    assert result.stderr.startswith("searchkit: error: ") and result.stderr.count("\n") == 1
    assert "2024" in result.stderr and "2020" in result.stderr


def test_an_unexpected_exception_is_one_line_and_debug_shows_it(run, monkeypatch):
    from searchkit.index import Index

    def broken(self, *args, **kwargs):
        raise ZeroDivisionError("a bug")

    monkeypatch.setattr(Index, "search", broken)
    result = run("query", "putin")
    assert result.exit_code == 2
    assert result.stderr == (
        "searchkit: internal error: ZeroDivisionError: a bug (set SEARCHKIT_DEBUG=1 for details)\n"
    )
    monkeypatch.setenv("SEARCHKIT_DEBUG", "1")
    result = run("query", "putin")
    assert isinstance(result.exception, ZeroDivisionError)


def test_index_dask_without_dask_installed_says_how_to_install_it(tmp_path, monkeypatch):
    import sys

    from .conftest import DATA

    monkeypatch.setitem(sys.modules, "distributed", None)  # `import distributed` raises ImportError
    index = tmp_path / "ix"
    result = CliRunner().invoke(
        cli, ["index", str(DATA / "pages"), "--index", str(index), "--dask", "tcp://127.0.0.1:1"]
    )
    assert result.exit_code == 2
    assert result.stderr == (
        "searchkit: error: building on a Dask cluster needs Dask, which is not installed "
        '(install the extra: pip install "searchkit[dask]")\n'
    )
    assert not index.exists()
