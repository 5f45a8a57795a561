"""Results, articles and stats as terminal text or as JSON-ready dicts."""

from __future__ import annotations

from ..snippets import highlight_all
from .color import BOLD, CYAN, DIM, GREEN, Painter
from .wrap import KEEP, quoted_query, wrap_line, wrap_text


def date_text(value) -> str | None:
    """A hit's or article's date as text: its own form (2022-05-14, 2022-05, 2022), or None."""
    return None if value is None else str(value)


def date_kind(value) -> str | None:
    """ "published" or "captured" (a capture month is never shown as a publication date)."""
    return None if value is None else value.kind


def date_label(value) -> str | None:
    """``2022-05-14`` for a publication date, ``captured 2022-05`` for a capture month."""
    if value is None:
        return None
    return f"captured {value}" if date_kind(value) == "captured" else str(value)


def results_json(results) -> dict:
    """The ``searchkit query --format json`` object; matched words in ``<em>``."""
    payload = {"query": results.query, "total": results.total}
    if results.undated_left_out:
        payload["undated_left_out"] = results.undated_left_out
    payload["hits"] = [
        {
            "id": hit.id,
            "kind": hit.kind,
            "article_id": hit.article_id,
            "title": hit.title,
            "author": hit.author,
            "date": date_text(hit.date),
            "date_kind": date_kind(hit.date),
            "url": hit.url,
            "source": hit.source,
            "score": round(hit.score, 4),
            "snippet": hit.snippet.marked(),
            "comments": [
                {
                    "id": comment.id,
                    "author": comment.author,
                    "date": date_text(comment.date),
                    "snippet": comment.snippet.marked(),
                }
                for comment in hit.comments
            ],
            "comment_count": hit.comment_count,
        }
        for hit in results.hits
    ]
    return payload


def results_text(
    results,
    paint: Painter,
    width: int | None = None,
    undated_hint: str = "--undated include",
    similar: bool = False,
) -> str:
    """Ranked hits for a terminal, wrapped at ``width`` (None: not wrapped).

    ``undated_hint`` is how the summary line says to keep undated hits (the
    shell's is ``:undated include``). ``similar``: the hits are the best few
    similar articles, one list without pages (the summary says so).

    Per hit: rank and title; id, kind, date and score; who wrote it, its url
    and where it was read from; the snippet; the matching comments.
    """
    lines: list[str] = []
    for hit in results.hits:
        pad = " " * (len(str(hit.rank)) + 2)  # the body lines start under the title: "9. " or "10. "
        if hit.kind == "comment":
            who = hit.author or "anonymous"
            heading = f"comment by {paint(who, BOLD)} on “{hit.title}”"
        else:
            heading = paint.snippet(hit.title_snippet, BOLD)
        lines += wrap_line(f"{paint(f'{hit.rank}.', BOLD)} {heading}", width, hang=len(pad))
        label = date_label(hit.date)
        if label is None and hit.kind == "comment" and hit.article_date is not None:
            label = f"article {date_label(hit.article_date)}"  # what --sort date and --since go by
        details = [hit.kind] + ([label] if label else []) + [f"score {hit.score:.2f}"]
        lines += wrap_line(f"{pad}{paint(hit.id, CYAN)} {paint(_joined(details), DIM)}", width)
        origin = [f"by {hit.author}"] if hit.author and hit.kind != "comment" else []
        origin += [hit.url if hit.url != hit.id else ""]  # a WARC page's id is its url already
        origin += [f"from {hit.source}" if hit.source and hit.source != hit.article_id else ""]
        origin = [part for part in origin if part]
        if origin:
            lines += wrap_line(pad + paint(_joined(origin), DIM), width)
        if hit.snippet:
            lines += wrap_line(f"{pad}{paint.snippet(hit.snippet)}", width)
        if hit.comment_count:
            shown = len(hit.comments)
            noun = "comment matches" if hit.comment_count == 1 else "comments match"
            more = f", {shown} shown" if shown < hit.comment_count else ""
            lines += wrap_line(f"{pad}{paint(f'{hit.comment_count} {noun}{more}:', GREEN)}", width)
            for comment in hit.comments:
                who = comment.author or "anonymous"
                when = date_text(comment.date)
                who_when = paint(who, BOLD) + (paint(f" ({_keep(when)})", DIM) if when else "")
                lines += wrap_line(f"{pad}  {who_when}: {paint.snippet(comment.snippet)}", width, hang=2)
        lines.append("")
    summary = similar_summary(results) if similar and results.hits else summary_line(results, undated_hint)
    lines += wrap_line(paint(summary, DIM), width)
    return "\n".join(lines)


def similar_heading(similar, title: str, article_id: str | None = None) -> str:
    """``articles like “TITLE” (ID), by its key terms: a, b, c`` (for a comment: ``like comment ID on “TITLE”``)."""
    terms = ", ".join(similar.terms) if similar.terms else "none found"
    if article_id is not None and article_id != similar.of:
        return f"articles like comment {similar.of} on “{title}”, by its key terms: {terms}"
    return f"articles like “{title}” ({similar.of}), by its key terms: {terms}"


def similar_text(similar, title: str, paint: Painter, width: int | None = None, article_id: str | None = None) -> str:
    """``searchkit similar``: what was compared and with which terms, then the hits."""
    heading = wrap_line(paint(similar_heading(similar, title, article_id), BOLD), width, hang=2)
    return "\n".join(heading) + "\n\n" + results_text(similar.results, paint, width, similar=True)


def similar_summary(results) -> str:
    """The last line of a list of similar articles: ``best 10 of 44 similar articles, 87 ms`` (no pages)."""
    noun = "article" if results.total == 1 else "articles"
    return f"best {len(results.hits)} of {results.total} similar {noun}, {results.seconds * 1000:.0f} ms"


def summary_line(results, undated_hint: str = "--undated include") -> str:
    """The last line of a result list: which hits of how many, the page, the time, undated left out."""
    first = (results.page - 1) * results.limit + 1
    last = first + len(results.hits) - 1
    if results.hits:
        noun = "hit" if results.total == 1 else "hits"
        line = (
            f"{first}-{last} of {results.total} {noun}, page {results.page} of {results.pages}, "
            f"{results.seconds * 1000:.0f} ms"
        )
    else:
        line = f"no hits for {quoted_query(results.query)}" + (f" on page {results.page}" if results.total else "")
    left_out = results.undated_left_out
    if left_out:
        noun = "hit" if left_out == 1 else "hits"
        line += f"; {left_out} undated {noun} left out ({undated_hint} keeps them)"
    return line


def _joined(parts: list[str]) -> str:
    """``a · b · c`` with each part kept whole and a line break, if any, after a ``·``."""
    return f"{KEEP}· ".join(_keep(part) for part in parts)


def _keep(text: str) -> str:
    """Glue the words of a short phrase (``score 8.97``) so wrapping never splits it."""
    return text.replace(" ", KEEP)


def article_source(article) -> str:
    """Where an article was read from: the file, with ``:LINE`` (JSONL) or ``@OFFSET`` (WARC)."""
    if article.line:
        return f"{article.source}:{article.line}"
    if article.offset is not None:
        return f"{article.source}@{article.offset}"
    return article.source


def article_json(article) -> dict:
    """The ``searchkit show --format json`` object."""
    return {
        "id": article.id,
        "title": article.title,
        "date": article.date.isoformat() if article.date else None,
        "captured": article.captured.strftime("%Y-%m") if article.captured else None,
        "author": article.author,
        "url": article.url,
        "source": article_source(article),
        "body": article.body,
        "comments": [
            {
                "id": comment.id,
                "author": comment.author,
                "date": comment.date.isoformat() if comment.date else None,
                "text": comment.text,
            }
            for comment in article.comments
        ],
    }


def article_text(article, paint: Painter, terms=frozenset(), width: int | None = None) -> str:
    """A whole article and its comments, with ``terms`` (index terms) highlighted, wrapped at ``width``."""

    def marked(text: str, style: str = "") -> str:
        return paint.snippet(highlight_all(text, terms), style)

    lines = [marked(article.title, BOLD)]
    meta = [paint(article.id, CYAN)]
    if article.date:
        meta.append(_keep(f"published {article.date.isoformat()}"))
    if article.captured:
        meta.append(_keep(f"captured {article.captured.strftime('%Y-%m')}"))
    if article.author:
        meta.append(f"by {article.author}")
    if article.url and article.url != article.id:  # a WARC page's id is its url already
        meta.append(article.url)
    if article.source and article_source(article) != article.id:
        meta.append(_keep(f"from {article_source(article)}"))
    lines += [" · ".join(meta), "", marked(article.body), ""]
    if article.comments:
        lines.append(paint(f"{len(article.comments)} comments", GREEN))
        for comment in article.comments:
            when = paint(f" {comment.date.isoformat()}", DIM) if comment.date else ""
            lines += ["", f"{paint(f'#{comment.position}', DIM)} {paint(comment.author or 'anonymous', BOLD)}{when}"]
            lines.append(marked(comment.text))
    else:
        lines.append(paint("no comments", DIM))
    return wrap_text("\n".join(lines), width)


def stats_text(stats) -> str:
    rows = [
        ("index", stats.path),
        ("articles", f"{stats.articles:,}"),
        ("comments", f"{stats.comments:,}"),
        ("terms", f"{stats.terms:,}"),
        ("files", f"{stats.files:,}"),
        ("size", f"{stats.size_bytes / 2**20:.1f} MB ({stats.size_bytes:,} bytes)"),
        ("schema version", str(stats.schema_version)),
    ]
    width = max(len(name) for name, _ in rows)
    return "\n".join(f"{name:<{width}}  {value}" for name, value in rows)
