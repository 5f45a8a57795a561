"""The ``searchkit`` command: one thin click command per library call.

Each command parses its options, calls the public API, and renders. Errors
from the library become one line on stderr and exit code 2; ``query`` exits
1 when nothing matched, as grep does.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click

from . import __version__

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}
EXIT_NO_HITS = 1
EXIT_ERROR = 2


def _echo_err(message: str) -> None:
    click.echo(f"searchkit: {message}", err=True)


def _fail(error) -> None:
    message = getattr(error, "message", None) or str(error)
    hint = getattr(error, "hint", None)
    _echo_err(f"error: {message}" + (f" ({hint})" if hint else ""))
    sys.exit(EXIT_ERROR)


index_option = click.option(
    "--index",
    "index_path",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Index folder [default: $SEARCHKIT_INDEX, else ./index].",
)
format_option = click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="Output format.",
)


@click.group(context_settings=CONTEXT)
@click.version_option(__version__, "-V", "--version", prog_name="searchkit", message="%(prog)s %(version)s")
def cli():
    """Full-text search over scraped news pages and their reader comments.

    \b
    Quick start, in a folder holding ./corpus:
      searchkit query "Putin Trump"       builds ./index on first use, then searches
      searchkit index                      update the index after files changed
      searchkit shell                      interactive search

    Exit codes: 0 found, 1 nothing found, 2 error.
    """


def _resolve_index(index_path: Path | None, build_default: bool = True) -> Path:
    """The index to read. The default one is built from ./corpus on first use."""
    from . import default_index_path, index_exists
    from .errors import IndexNotFoundError

    explicit = index_path is not None or bool(os.environ.get("SEARCHKIT_INDEX"))
    path = index_path if index_path is not None else default_index_path()
    if index_exists(path):
        return path
    if explicit or not build_default or not Path("corpus").is_dir():
        where = "" if explicit else " and there is no ./corpus to build it from"
        raise IndexNotFoundError(
            f"{path}: no searchkit index here{where}", hint="build one with `searchkit index PATH`"
        )
    _echo_err(f"no index yet: indexing ./corpus into {path} (once)")
    from . import build_index
    from .term.progress import IndexProgress

    with IndexProgress() as progress:
        report = build_index(["corpus"], path, progress=progress)
    _report_problems(report)
    _echo_err(f"indexed: {report.summary()}")
    return path


def _report_problems(report, limit: int = 20) -> None:
    lines = [f"skipped {line}" for line in report.skipped] + [f"warning: {line}" for line in report.problems]
    for line in lines[:limit]:
        _echo_err(line)
    if len(lines) > limit:
        _echo_err(f"... and {len(lines) - limit} more skipped files and warnings")


@cli.command("index", context_settings=CONTEXT)
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@index_option
@click.option("--rebuild", is_flag=True, help="Re-read every file into a fresh index (swapped in when complete).")
@click.option(
    "--jobs", "-j", type=click.IntRange(1, 64), default=None, help="Worker processes  [default: one per core, up to 4]"
)
@click.option("--strict", is_flag=True, help="Exit 2 when any file was skipped.")
@click.option("--lock-timeout", type=float, default=30.0, show_default=True, help="Seconds to wait for another writer.")
@click.option(
    "--checksum", is_flag=True, help="Compare every file's content, not only its size and time (slower, like rsync -c)."
)
@format_option
def index_command(paths, index_path, rebuild, jobs, strict, lock_timeout, checksum, output_format):
    """Index PATHS (files or folders; default ./corpus) into the index.

    Incremental: only new and changed files are read, and documents of deleted
    files are removed. Files are scraped pages (.txt) or JSON Lines (.jsonl).
    A file that cannot be read is skipped with its reason; the rest is indexed.

    \b
    Examples:
      searchkit index                        ./corpus into ./index
      searchkit index ~/scrapes --index ~/scrapes.idx --jobs 1
      searchkit index --rebuild
    """
    from . import build_index
    from .errors import SearchkitError
    from .term.progress import IndexProgress

    try:
        with IndexProgress() as progress:
            report = build_index(
                [str(p) for p in paths] or None,
                index_path,
                rebuild=rebuild,
                jobs=jobs,
                progress=progress,
                on_wait=_echo_err,
                lock_timeout=lock_timeout,
                checksum=checksum,
            )
    except SearchkitError as error:
        _fail(error)
    _report_problems(report)
    if output_format == "json":
        payload = {key: getattr(report, key) for key in ("index_path", "added", "updated", "removed", "unchanged")}
        payload.update(
            skipped=report.skipped,
            problems=report.problems,
            articles=report.articles,
            comments=report.comments,
            files=report.files_indexed,
            seconds=round(report.seconds, 3),
        )
        click.echo(json.dumps(payload, ensure_ascii=False))
    _echo_err(f"{report.index_path}: {report.summary()}")
    if report.nothing_indexed:
        _echo_err("error: nothing could be indexed")
        sys.exit(EXIT_ERROR)
    if strict and report.skipped:
        _echo_err(f"error: {len(report.skipped)} files skipped (--strict)")
        sys.exit(EXIT_ERROR)


@cli.command("query", context_settings=CONTEXT)
@click.argument("words", nargs=-1, required=True)
@index_option
@click.option(
    "--in",
    "scope",
    type=click.Choice(["all", "articles", "comments"]),
    default="all",
    show_default=True,
    help="Search articles, comments, or both.",
)
@click.option("--author", help="Only comments whose author name holds these words.")
@click.option("--since", help="From this date: 2022, 2022-05 or 2022-05-14 (inclusive).")
@click.option("--until", help="Up to this date (inclusive), same forms as --since.")
@click.option("--sort", type=click.Choice(["relevance", "date"]), default="relevance", show_default=True)
@click.option("--limit", "-n", type=click.IntRange(1, 1000), default=10, show_default=True, help="Hits per page.")
@click.option("--page", type=click.IntRange(1), default=1, show_default=True)
@format_option
@click.option("--no-color", is_flag=True, help="No colours (also when piped or NO_COLOR is set).")
def query_command(words, index_path, scope, author, since, until, sort, limit, page, output_format, no_color):
    """Search the index and print ranked hits with highlighted snippets.

    Plain words rank documents holding all of them first. Query syntax:
    "exact phrase", AND / OR / NOT, title: body: comment: author: fields,
    wildcards (organi*), fuzzy terms (Putn~), date:2022 or date:[2020 to 2022-06].
    Dates (here and in --since/--until) are publication dates when a page gives
    one, else the month the page was captured.

    \b
    Examples:
      searchkit query "Putin Trump"
      searchkit query '"Vladimir Putin" AND sanctions' --in articles --since 2022
      searchkit query wheat --format json | jq '.hits[].title'
    """
    from .errors import SearchkitError
    from .term.color import Painter, should_color
    from .term.render import results_json, results_text

    try:
        path = _resolve_index(index_path)
        from . import open_index

        with open_index(path) as index:
            results = index.search(
                " ".join(words).encode("utf-8", "surrogateescape").decode("utf-8", "replace"),
                scope=scope,
                author=author,
                since=since,
                until=until,
                sort=sort,
                limit=limit,
                page=page,
            )
    except SearchkitError as error:
        _fail(error)
    if results.notice:
        _echo_err(f"note: {results.notice}")
    if output_format == "json":
        click.echo(json.dumps(results_json(results), ensure_ascii=False))
    else:
        click.echo(results_text(results, Painter(should_color(sys.stdout, no_color))))
    if not results.hits:
        sys.exit(EXIT_NO_HITS)


@cli.command("show", context_settings=CONTEXT)
@click.argument("article_id")
@index_option
@format_option
@click.option("--no-color", is_flag=True, help="No colours.")
def show_command(article_id, index_path, output_format, no_color):
    """Print one article with all its comments.

    ARTICLE_ID is the id `searchkit query` shows (a comment id such as
    news/a.txt#c3 shows its article).

    \b
    Examples:
      searchkit show politics/putin-trump-call.txt
      searchkit show wire-001 --format json
    """
    from . import open_index
    from .errors import SearchkitError
    from .term.color import Painter, should_color
    from .term.render import article_json, article_text

    try:
        with open_index(_resolve_index(index_path)) as index:
            article = index.article(article_id)
    except SearchkitError as error:
        _fail(error)
    if output_format == "json":
        click.echo(json.dumps(article_json(article), ensure_ascii=False))
    else:
        click.echo(article_text(article, Painter(should_color(sys.stdout, no_color))))


@cli.command("stats", context_settings=CONTEXT)
@index_option
@format_option
def stats_command(index_path, output_format):
    """Print the index's counts: articles, comments, terms, size, schema version.

    \b
    Example:
      searchkit stats --format json
    """
    from . import open_index
    from .errors import SearchkitError
    from .term.render import stats_text

    try:
        with open_index(_resolve_index(index_path)) as index:
            stats = index.stats()
    except SearchkitError as error:
        _fail(error)
    if output_format == "json":
        click.echo(json.dumps(stats.as_dict()))
    else:
        click.echo(stats_text(stats))


@cli.command("shell", context_settings=CONTEXT)
@index_option
@click.option("--vi/--emacs", "vi", default=None, help="Editing mode [default: the config file's, else emacs].")
@click.option(
    "--page-size", type=click.IntRange(1, 1000), default=None, help="Hits per page [default: config, else 10]."
)
def shell_command(index_path, vi, page_size):
    """Interactive search: type queries, page through hits, open articles.

    Completes commands, fields, corpus words and author names; highlights the
    query syntax; keeps a history shared between sessions (Ctrl-R searches
    it). Type :help in the shell for its commands (:open N, :more N, :in,
    :author, :since, :until, :sort, :limit, :json, :stats, :quit).
    Settings: $XDG_CONFIG_HOME/searchkit/config.toml (editing_mode, page_size,
    pager, colors).

    \b
    Examples:
      searchkit shell
      searchkit shell --index ~/scrapes.idx --vi --page-size 5
    """
    from .errors import SearchkitError

    try:
        path = _resolve_index(index_path)
        from .shell import run_shell

        code = run_shell(path, editing_mode=None if vi is None else ("vi" if vi else "emacs"), page_size=page_size)
    except SearchkitError as error:
        _fail(error)
    sys.exit(code)


@cli.command("eval", context_settings=CONTEXT)
@click.argument("collection", type=click.Path(file_okay=False, exists=True, path_type=Path))
@click.option(
    "--index",
    "index_path",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Build the collection's index here and keep it [default: a temporary folder].",
)
@format_option
@click.option(
    "--per-query",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="Write each query's figures to this file (TSV).",
)
def eval_command(collection, index_path, output_format, per_query):
    """Measure ranking quality on a judged collection in BEIR format.

    COLLECTION holds corpus.jsonl, queries.jsonl and qrels/test.tsv. The
    corpus is indexed, every judged query runs as `searchkit query` runs it
    (default options, 100 hits), and nDCG@10 (graded gains, as trec_eval),
    Recall@100 and MRR@10 are printed with index time and query latency.

    \b
    Examples:
      searchkit eval ../shared/eval/scifact
      searchkit eval ~/beir/nfcorpus --format json --per-query nfcorpus.tsv
    """
    from .errors import SearchkitError
    from .evaluation import evaluate
    from .term.progress import IndexProgress

    try:
        with IndexProgress(description="indexing corpus") as progress:
            report = evaluate(collection, index_path, progress=progress)
    except SearchkitError as error:
        _fail(error)
    if per_query:
        rows = ["query_id\tndcg@10\trecall@100\tmrr@10\trelevant\tfound\tms\tquery"]
        rows += [
            f"{s.query_id}\t{s.ndcg:.4f}\t{s.recall:.4f}\t{s.mrr:.4f}\t{s.relevant}\t{s.found}\t{s.milliseconds:.1f}\t"
            + " ".join(s.query.split())
            for s in report.per_query
        ]
        per_query.write_text("\n".join(rows) + "\n", encoding="utf-8")
    figures = report.as_dict()
    if output_format == "json":
        click.echo(json.dumps(figures))
        return
    width = max(len(name) for name in figures)
    click.echo("\n".join(f"{name:<{width}}  {value}" for name, value in figures.items()))


def main(argv: list[str] | None = None) -> None:
    """Entry point: run the CLI; never let a traceback reach the user."""
    try:
        code = cli.main(args=argv, prog_name="searchkit", standalone_mode=False)
    except (KeyboardInterrupt, click.exceptions.Abort):  # click's own message would be "Aborted!"
        _echo_err("interrupted")
        sys.exit(130)
    except click.ClickException as error:  # usage errors: click's message, exit 2
        error.show()
        sys.exit(error.exit_code)
    except BrokenPipeError:
        sys.stderr.close()
        sys.exit(0)
    except SystemExit:
        raise
    except Exception as error:  # the last line of defence: one line, no traceback
        if os.environ.get("SEARCHKIT_DEBUG"):
            raise
        _echo_err(f"internal error: {type(error).__name__}: {error} (set SEARCHKIT_DEBUG=1 for details)")
        sys.exit(EXIT_ERROR)
    sys.exit(code if isinstance(code, int) else 0)
