"""The ``searchkit`` command: one thin click command per library call.

Each command parses its options, calls the public API, and renders. Errors
from the library become one line on stderr and exit code 2; ``query`` exits
1 when nothing matched, as grep does.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import sys
from pathlib import Path

import click

from . import __version__
from .options import BY_CHOICES, SCOPES, SORTS, UNDATED_CHOICES
from .term.color import COLOR_CHOICES
from .term.export import COUNT_FORMATS, QUERY_FORMATS

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


class SearchkitGroup(click.Group):
    """The command group; its ``main`` never lets a traceback or a usage block reach the user.

    Usage errors (a bad option value, a missing argument) are one line with a
    hint and exit 2, as library errors are; an unexpected exception is one
    line too, unless ``SEARCHKIT_DEBUG`` is set (then the traceback shows).
    Click's ``CliRunner`` goes through here as the installed command does.
    """

    def invoke(self, ctx):
        """Run the command; a reader that went away (``| head``) ends it quietly with exit 0, as for grep."""
        try:
            return super().invoke(ctx)
        except BrokenPipeError:  # click would exit 1 ("no hits" here)
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())  # the final flush has nowhere to fail
            sys.exit(0)

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        try:
            code = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except (KeyboardInterrupt, click.exceptions.Abort):  # click's own message would be "Aborted!"
            _echo_err("interrupted")
            sys.exit(130)
        except click.UsageError as error:
            _echo_err(f"error: {_usage_message(error)}")
            sys.exit(EXIT_ERROR)
        except click.ClickException as error:
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


@click.group("searchkit", cls=SearchkitGroup, context_settings=CONTEXT)
@click.version_option(__version__, "-V", "--version", prog_name="searchkit", message="%(prog)s %(version)s")
def cli():
    """Full-text search over scraped news pages and their reader comments.

    \b
    Quick start, in a folder holding ./corpus:
      searchkit query "Putin Trump"        builds ./index on first use, then searches
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
    _raise_if_building(path)
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


def _raise_if_building(path: Path) -> None:
    """Raise IndexBuildingError when the first `searchkit index` is still writing ``path``."""
    from . import open_index
    from .errors import IndexBuildingError, SearchkitError

    try:
        open_index(path).close()
    except IndexBuildingError:
        raise
    except SearchkitError:
        pass


def _skipped(report) -> list[str]:
    """The skipped files as ``path: reason``: the readers end each reason with ", skipped", said once by the list."""
    return [_SAID_SKIPPED.sub("", line) for line in report.skipped]


_SAID_SKIPPED = re.compile(r", skipped(?= \(|$)")  # "..., skipped" and "..., skipped (rename the file)"


def _report_problems(report, limit: int = 20) -> None:
    lines = [f"skipped {line}" for line in _skipped(report)]  # said once, in front
    lines += [f"warning: {line}" for line in report.problems]
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
@click.option(
    "--dask",
    "dask_address",
    metavar="SCHEDULER",
    default=None,
    help="Build the batches on the workers of this Dask scheduler (tcp://HOST:8786); they must share the index "
    'folder and the input at the same paths. Needs pip install "searchkit[dask]".',
)
@click.option("--strict", is_flag=True, help="Exit 2 when any file was skipped.")
@click.option("--lock-timeout", type=float, default=30.0, show_default=True, help="Seconds to wait for another writer.")
@click.option(
    "--checksum", is_flag=True, help="Compare every file's content, not only its size and time (slower, like rsync -c)."
)
@format_option
def index_command(paths, index_path, rebuild, jobs, dask_address, strict, lock_timeout, checksum, output_format):
    """Index PATHS (files or folders; default ./corpus) into the index.

    Incremental: only new and changed files are read, and documents of deleted
    files are removed. Files are scraped pages (.txt), JSON Lines (.jsonl),
    HTML (.html, .htm, also gzipped) or web archives (.warc, .warc.gz); see
    "Input formats" in the README. A file that cannot be read is skipped with
    its reason; the rest is indexed.

    \b
    Examples:
      searchkit index                        ./corpus into ./index
      searchkit index ~/scrapes --index ~/scrapes.idx --jobs 1
      searchkit index --rebuild
      searchkit index /shared/crawl --index /shared/crawl.idx --dask tcp://10.0.0.5:8786
    """
    from . import build_index
    from .errors import SearchkitError
    from .term.progress import IndexProgress

    if dask_address is not None and jobs is not None:
        raise click.UsageError(
            "--jobs sets local worker processes; with --dask the cluster's workers build", click.get_current_context()
        )
    try:
        with _quiet_dask(dask_address is not None), IndexProgress() as progress:
            report = build_index(
                [str(p) for p in paths] or None,
                index_path,
                rebuild=rebuild,
                jobs=jobs,
                progress=progress,
                on_wait=_echo_err,
                lock_timeout=lock_timeout,
                checksum=checksum,
                dask=dask_address,
            )
    except SearchkitError as error:
        _fail(error)
    _report_problems(report)
    if output_format == "json":
        payload = {key: getattr(report, key) for key in ("index_path", "added", "updated", "removed", "unchanged")}
        payload.update(
            skipped=_skipped(report),
            problems=report.problems,
            not_pages=dict(sorted(report.not_pages.items())),
            articles_written=report.articles,
            comments_written=report.comments,
            index=_index_counts(report),
            seconds=round(report.seconds, 3),
            phases={name: round(seconds, 3) for name, seconds in report.phases.items()},
        )
        click.echo(json.dumps(payload, ensure_ascii=False))
    _echo_err(f"{report.index_path}: {report.summary()}")
    if report.nothing_indexed:
        _echo_err("error: nothing could be indexed")
        sys.exit(EXIT_ERROR)
    if strict and report.skipped:
        _echo_err(f"error: {len(report.skipped)} files skipped (--strict)")
        sys.exit(EXIT_ERROR)


@contextlib.contextmanager
def _quiet_dask(quiet: bool):
    """Keep Dask's client logs and warnings (reconnect attempts, version mismatches) off stderr:
    what goes wrong reaches the user as the one line of the error it causes."""
    if not quiet:
        yield
        return
    import logging
    import warnings

    logging.disable(logging.CRITICAL)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        logging.disable(logging.NOTSET)


def _index_counts(report) -> dict | None:
    """What the index holds after an ``index`` run (None when it cannot be opened)."""
    from . import open_index
    from .errors import SearchkitError

    try:
        with open_index(report.index_path) as index:
            articles, comments = index.document_counts()
    except SearchkitError:
        return None
    return {"articles": articles, "comments": comments, "files": report.files_indexed}


color_option = click.option(
    "--color",
    "color",
    type=click.Choice(COLOR_CHOICES),
    default="auto",
    show_default=True,
    help="Colour: on a terminal only (auto; FORCE_COLOR or CLICOLOR_FORCE force it, NO_COLOR stops it), always, never.",
)
no_color_option = click.option("--no-color", is_flag=True, help="Same as --color never.")


def filter_options(undated_default: str):
    """The options that choose which documents a query looks at (shared by query and count)."""

    def decorate(function):
        for option in reversed(
            [
                click.option(
                    "--in",
                    "scope",
                    type=click.Choice(SCOPES),
                    default="all",
                    show_default=True,
                    help="Search articles, comments, or both.",
                ),
                click.option("--author", help="Only comments whose author name holds these words."),
                click.option("--since", help="From this date: 2022, 2022-05 or 2022-05-14 (inclusive)."),
                click.option("--until", help="Up to this date (inclusive), same forms as --since."),
                click.option(
                    "--undated",
                    type=click.Choice(UNDATED_CHOICES),
                    default=undated_default,
                    show_default=True,
                    help="With --since/--until or date:, keep or leave out documents without a date.",
                ),
            ]
        ):
            function = option(function)
        return function

    return decorate


def _query_text(words: tuple[str, ...]) -> str:
    """The query from the command line, or from stdin when it is ``-``; an empty query is an error."""
    from .errors import QuerySyntaxError

    if words == ("-",):
        text = " ".join(sys.stdin.read().split())
        if not text:
            raise QuerySyntaxError("no query on standard input", hint="pipe the query text in, or type it")
    else:
        text = " ".join(words)
        if not text.strip():
            raise QuerySyntaxError("no query given", hint="type the words to search for, or - to read them from stdin")
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def _painter(color: str, no_color: bool):
    from .term.color import Painter, should_color

    return Painter(should_color(sys.stdout, no_color, color))


def _width():
    from .term.wrap import output_width

    return output_width(sys.stdout)


@cli.command("query", context_settings=CONTEXT)
@click.argument("words", nargs=-1, metavar="QUERY")
@index_option
@filter_options(undated_default="exclude")
@click.option(
    "--sort",
    type=click.Choice(SORTS),
    default="relevance",
    show_default=True,
    help="Best match first, or newest first (undated last).",
)
@click.option("--limit", "-n", type=click.IntRange(1, 1000), default=10, show_default=True, help="Hits per page.")
@click.option("--page", type=click.IntRange(1), default=1, show_default=True, help="Which page of hits to print.")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(QUERY_FORMATS),
    default="text",
    show_default=True,
    help="text and json: one page of hits; jsonl and csv: every hit, articles and comments, one per line.",
)
@color_option
@no_color_option
def query_command(
    words, index_path, scope, author, since, until, undated, sort, limit, page, output_format, color, no_color
):
    """Search the index and print ranked hits with highlighted snippets.

    Plain words rank documents holding all of them first. Query syntax:
    "exact phrase", AND / OR / NOT, title: body: comment: author: fields,
    wildcards (organi*), fuzzy terms (Putn~), date:2022 or date:[2020 to 2022-06].
    Dates (here and in --since/--until) are publication dates when a page gives
    one, else the month the page was captured. QUERY - reads the query from
    standard input.

    \b
    Examples:
      searchkit query "Putin Trump"
      searchkit query '"Vladimir Putin" AND sanctions' --in articles --since 2022
      searchkit query wheat --format json | jq '.hits[].title'
      searchkit query Erdogan --format csv > erdogan.csv
      echo 'title:wheat' | searchkit query -
    """
    from .errors import SearchkitError
    from .term.render import results_json, results_text

    filters = {"scope": scope, "author": author, "since": since, "until": until, "undated": undated}
    try:
        text = _query_text(words)
        path = _resolve_index(index_path)
        from . import open_index

        with open_index(path) as index:
            if output_format in ("jsonl", "csv"):
                found = _export(index.iter_hits(text, sort=sort, **filters), output_format, sys.stdout)
                if not found:
                    sys.exit(EXIT_NO_HITS)
                return
            results = index.search(text, sort=sort, limit=limit, page=page, **filters)
            suggestion = index.suggest_query(text) if not results.total else None
    except SearchkitError as error:
        _fail(error)
    if results.notice:
        _echo_err(f"note: {results.notice}")
    if output_format == "json":
        click.echo(json.dumps(results_json(results), ensure_ascii=False))
    else:
        paint = _painter(color, no_color)
        click.echo(results_text(results, paint, _width()), color=paint.enabled)
    if suggestion:
        _echo_err(f"did you mean: {suggestion}")
    if not results.hits:
        sys.exit(EXIT_NO_HITS)


def _export(records, output_format: str, stream) -> int:
    """Write every record as a JSON line or a CSV row (with a header); returns how many."""
    from .term.export import write_records

    return write_records(records, output_format, stream)


@cli.command("count", context_settings=CONTEXT)
@click.argument("words", nargs=-1, metavar="QUERY")
@index_option
@filter_options(undated_default="include")
@click.option("--by", type=click.Choice(BY_CHOICES), default="month", show_default=True, help="What to count by.")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(COUNT_FORMATS),
    default="text",
    show_default=True,
    help="Output format.",
)
@color_option
@no_color_option
def count_command(words, index_path, scope, author, since, until, undated, by, output_format, color, no_color):
    """Count a query's articles and comments by month, year, day, author or kind.

    Prints a table with a bar per row (articles and comments apart); dates
    without a day count in their month, and documents without a date in an
    "undated" row. The filters are those of `searchkit query`.

    \b
    Examples:
      searchkit count Putin --by year
      searchkit count wheat --by author --in comments
      searchkit count Erdogan --by month --format csv
    """
    from .errors import SearchkitError
    from .term.table import counts_csv, counts_json, counts_text

    filters = {"scope": scope, "author": author, "since": since, "until": until, "undated": undated}
    try:
        text = _query_text(words)
        with _open(index_path) as index:
            counts = index.count(text, by=by, **filters)
    except SearchkitError as error:
        _fail(error)
    if output_format == "json":
        click.echo(json.dumps(counts_json(counts), ensure_ascii=False))
    elif output_format == "csv":
        click.echo(counts_csv(counts), nl=False)
    else:
        paint = _painter(color, no_color)
        click.echo(counts_text(counts, paint, _width()), color=paint.enabled)
    if not (counts.total_articles or counts.total_comments):
        sys.exit(EXIT_NO_HITS)


@cli.command("similar", context_settings=CONTEXT)
@click.argument("doc_id")
@index_option
@click.option("--limit", "-n", type=click.IntRange(1, 100), default=10, show_default=True, help="How many articles.")
@format_option
@color_option
@no_color_option
def similar_command(doc_id, index_path, limit, output_format, color, no_color):
    """The articles most like one article or comment, and the key terms used.

    DOC_ID is an id `searchkit query` shows. The key terms are the words that
    set the document apart from the rest of the index; the articles that
    share most of them come first.

    \b
    Examples:
      searchkit similar climate/arctic-icebreaker-route.txt
      searchkit similar world/erdogan-putin-sochi-talks.txt --limit 3 --format json
    """
    from .errors import SearchkitError
    from .term.render import results_json, similar_text

    try:
        with _open(index_path) as index:
            similar = index.similar(doc_id, limit=limit)
            article = index.article(similar.of)
    except SearchkitError as error:
        _fail(error)
    if output_format == "json":
        payload = {"of": similar.of, "title": article.title, "terms": similar.terms} | results_json(similar.results)
        click.echo(json.dumps(payload, ensure_ascii=False))
    else:
        paint = _painter(color, no_color)
        click.echo(similar_text(similar, article.title, paint, _width(), article.id), color=paint.enabled)
    if not similar.results.hits:
        sys.exit(EXIT_NO_HITS)


def _open(index_path):
    from . import open_index

    return open_index(_resolve_index(index_path))


@cli.command("show", context_settings=CONTEXT)
@click.argument("article_id")
@index_option
@format_option
@color_option
@no_color_option
def show_command(article_id, index_path, output_format, color, no_color):
    """Print one article with all its comments, and where it came from.

    ARTICLE_ID is the id `searchkit query` shows (a comment id such as
    news/a.txt#c3 shows its article).

    \b
    Examples:
      searchkit show world/putin-trump-vienna-summit.txt
      searchkit show business/australia-wheat-harvest-exports.txt#c1 --format json
    """
    from .errors import SearchkitError
    from .term.color import DIM
    from .term.render import article_json, article_text

    try:
        with _open(index_path) as index:
            article = index.article(article_id)
    except SearchkitError as error:
        _fail(error)
    if output_format == "json":
        click.echo(json.dumps(article_json(article), ensure_ascii=False))
    else:
        paint = _painter(color, no_color)
        text = article_text(article, paint, width=_width())
        comment = next((each for each in article.comments if each.id == article_id), None)
        if comment is not None:  # a comment id: say where it is among all the comments
            who = comment.author or "anonymous"
            text = paint(f"comment #{comment.position} by {who} is below the article", DIM) + "\n" + text
        click.echo(text, color=paint.enabled)


@cli.command("stats", context_settings=CONTEXT)
@index_option
@format_option
def stats_command(index_path, output_format):
    """Print the index's counts: articles, comments, terms, size, schema version.

    \b
    Example:
      searchkit stats --format json
    """
    from .errors import SearchkitError
    from .term.render import stats_text

    try:
        with _open(index_path) as index:
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
    :author, :since, :until, :sort, :undated, :limit, :json, :export FILE,
    :save NAME, :run NAME, :saved, :timeline, :authors, :stats, :quit).
    Settings: $XDG_CONFIG_HOME/searchkit/config.toml (editing_mode, page_size,
    pager, page_results, colors). Without a terminal it runs each line of
    standard input.

    \b
    Examples:
      searchkit shell
      searchkit shell --index ~/scrapes.idx --vi --page-size 5
      printf 'Erdogan\\n:timeline year\\n' | searchkit shell
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
@click.argument("collections", nargs=-1, required=True, type=click.Path(file_okay=False, exists=True, path_type=Path))
@click.option(
    "--index",
    "index_path",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Build the index here and keep it (one subfolder per collection when there are several) "
    "[default: a temporary folder].",
)
@format_option
@click.option(
    "--per-query",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="Write each query's figures to this file (TSV).",
)
@click.option(
    "--run",
    "run_path",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="Write the rankings to this file in TREC run format (qid Q0 docid rank score searchkit).",
)
def eval_command(collections, index_path, output_format, per_query, run_path):
    """Measure ranking quality on judged collections in BEIR format.

    Each COLLECTION folder holds corpus.jsonl, queries.jsonl and
    qrels/test.tsv. Its corpus is indexed, every judged query runs as
    `searchkit query` runs it (default options, 100 hits), and nDCG@10
    (graded gains, as trec_eval), Recall@100 and MRR@10 are printed with
    index time and query latency: one row per collection (a JSON list with
    --format json). The run file's scores decrease down each ranking, as
    trec_eval expects (where all-words matches rank above a higher score,
    the score written is lowered just below the line above). With several
    collections, the --per-query and --run files are named after each
    folder: run.txt becomes run-scifact.txt, run-cisi.txt.

    \b
    Examples:
      searchkit eval ../shared/eval/scifact ../shared/eval/cisi
      searchkit eval ~/beir/nfcorpus --format json --per-query nfcorpus.tsv --run nfcorpus.run
    """
    from .errors import SearchkitError
    from .evaluation import evaluate, run_lines
    from .term.progress import IndexProgress

    names = _collection_names(collections)
    rows = []
    for folder, name in zip(collections, names, strict=True):
        several = len(collections) > 1
        try:
            with IndexProgress(description=f"indexing {name}" if several else "indexing corpus") as progress:
                target = index_path / name if index_path is not None and several else index_path
                report = evaluate(folder, target, progress=progress)
        except SearchkitError as error:
            _fail(error)
        if per_query:
            lines = ["query_id\tndcg@10\trecall@100\tmrr@10\trelevant\tfound\tms\tquery"]
            lines += [
                f"{s.query_id}\t{s.ndcg:.4f}\t{s.recall:.4f}\t{s.mrr:.4f}\t{s.relevant}\t{s.found}\t"
                f"{s.milliseconds:.1f}\t" + " ".join(s.query.split())
                for s in report.per_query
            ]
            _named(per_query, name, several).write_text("\n".join(lines) + "\n", encoding="utf-8")
        if run_path:
            _named(run_path, name, several).write_text("\n".join(run_lines(report)) + "\n", encoding="utf-8")
        rows.append({"collection": name, **report.as_dict()})
    if output_format == "json":
        click.echo(json.dumps(rows))
        return
    headers = list(rows[0])
    widths = [max(len(header), *(len(str(row[header])) for row in rows)) for header in headers]
    click.echo("  ".join(f"{header:<{width}}" for header, width in zip(headers, widths, strict=True)).rstrip())
    for row in rows:
        cells = [f"{row[header]!s:<{width}}" for header, width in zip(headers, widths, strict=True)]
        click.echo("  ".join(cells).rstrip())


def _collection_names(folders: tuple[Path, ...]) -> list[str]:
    """Each collection's folder name; folders that share a name get their position too (``cisi-2``)."""
    names = [folder.resolve().name or "collection" for folder in folders]
    return [name if names.count(name) == 1 else f"{name}-{number}" for number, name in enumerate(names, start=1)]


def _named(path: Path, name: str, several: bool) -> Path:
    """``path`` itself for one collection; ``run.txt`` -> ``run-NAME.txt`` for several."""
    if not several:
        return path
    return path.with_name(f"{path.stem}-{name}{path.suffix}")


def _usage_message(error: click.UsageError) -> str:
    """click's message on one line, lower-cased like ours, with where to read more."""
    message = " ".join(error.format_message().split()).rstrip(".").replace(". (Did you mean", " (did you mean")
    message = message[:1].lower() + message[1:]
    command = error.ctx.command_path if error.ctx is not None else "searchkit"
    return f"{message} (see `{command} --help`)"


def main(argv: list[str] | None = None) -> None:
    """Entry point: run the CLI (see :class:`SearchkitGroup` for how errors end it)."""
    cli.main(args=argv, prog_name="searchkit")
