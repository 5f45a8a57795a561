"""Results, articles and stats as terminal text or as JSON-ready dicts."""

from __future__ import annotations

from ..snippets import highlight_all
from .color import BOLD, CYAN, DIM, GREEN, Painter


def results_json(results) -> dict:
    """The ``searchkit query --format json`` object; matched words in ``<em>``."""
    return {
        "query": results.query,
        "total": results.total,
        "hits": [
            {
                "id": hit.id,
                "kind": hit.kind,
                "article_id": hit.article_id,
                "title": hit.title,
                "author": hit.author,
                "date": str(hit.date) if hit.date else None,
                "score": round(hit.score, 4),
                "snippet": hit.snippet.marked(),
                "comments": [
                    {"id": comment.id, "author": comment.author, "snippet": comment.snippet.marked()}
                    for comment in hit.comments
                ],
                "comment_count": hit.comment_count,
            }
            for hit in results.hits
        ],
    }


def results_text(results, paint: Painter) -> str:
    """Ranked hits for a terminal: rank, title, id, date, score, snippets, comments."""
    lines: list[str] = []
    for hit in results.hits:
        if hit.kind == "comment":
            who = hit.author or "anonymous"
            heading = f"comment by {paint(who, BOLD)} on “{hit.title}”"
        else:
            heading = paint.snippet(hit.title_snippet, BOLD)
        lines.append(f"{paint(f'{hit.rank}.', BOLD)} {heading}")
        details = [hit.kind] + ([str(hit.date)] if hit.date else []) + [f"score {hit.score:.2f}"]
        lines.append(f"   {paint(hit.id, CYAN)} {paint(' · '.join(details), DIM)}")
        if hit.snippet:
            lines.append(f"   {paint.snippet(hit.snippet)}")
        if hit.comment_count:
            shown = len(hit.comments)
            noun = "comment matches" if hit.comment_count == 1 else "comments match"
            more = f", {shown} shown" if shown < hit.comment_count else ""
            lines.append(f"   {paint(f'{hit.comment_count} {noun}{more}:', GREEN)}")
            for comment in hit.comments:
                who = comment.author or "anonymous"
                lines.append(f"     {paint(who, BOLD)}: {paint.snippet(comment.snippet)}")
        lines.append("")
    first = (results.page - 1) * results.limit + 1
    last = first + len(results.hits) - 1
    if results.hits:
        noun = "hit" if results.total == 1 else "hits"
        footer = (
            f"{first}-{last} of {results.total} {noun}, page {results.page} of {results.pages}, "
            f"{results.seconds * 1000:.0f} ms"
        )
    else:
        footer = f"no hits for {results.query!r}" + (f" on page {results.page}" if results.total else "")
    lines.append(paint(footer, DIM))
    return "\n".join(lines)


def article_json(article) -> dict:
    """The ``searchkit show --format json`` object."""
    return {
        "id": article.id,
        "title": article.title,
        "date": article.date.isoformat() if article.date else None,
        "captured": article.captured.strftime("%Y-%m") if article.captured else None,
        "url": article.url,
        "source": article.source,
        "body": article.body,
        "comments": [
            {"id": comment.id, "author": comment.author, "text": comment.text} for comment in article.comments
        ],
    }


def article_text(article, paint: Painter, terms=frozenset()) -> str:
    """A whole article and its comments, with ``terms`` (index terms) highlighted."""

    def marked(text: str, style: str = "") -> str:
        return paint.snippet(highlight_all(text, terms), style)

    lines = [marked(article.title, BOLD)]
    meta = [paint(article.id, CYAN)]
    if article.date:
        meta.append(f"published {article.date.isoformat()}")
    if article.captured:
        meta.append(f"captured {article.captured.strftime('%Y-%m')}")
    if article.url:
        meta.append(article.url)
    lines += [" · ".join(meta), "", marked(article.body), ""]
    if article.comments:
        lines.append(paint(f"{len(article.comments)} comments", GREEN))
        for comment in article.comments:
            lines += ["", f"{paint(f'#{comment.position}', DIM)} {paint(comment.author or 'anonymous', BOLD)}"]
            lines.append(marked(comment.text))
    else:
        lines.append(paint("no comments", DIM))
    return "\n".join(lines)


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
