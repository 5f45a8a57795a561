"""Counts (``searchkit count``, the shell's ``:timeline`` and ``:authors``) as a bar table, JSON or CSV.

The text table has one row per key with two bars, articles and comments,
each scaled to its own column's largest count; a bar is drawn in eighths of
a block, and any count above zero gets at least a sliver, so a rare month is
never invisible.
"""

from __future__ import annotations

import csv
import io

from .color import BOLD, CYAN, DIM, GREEN, Painter
from .wrap import quoted_query

EIGHTHS = " ▏▎▍▌▋▊▉█"
DEFAULT_WIDTH = 80
MIN_BAR = 4
MAX_BAR = 30


def bar(count: int, largest: int, width: int) -> str:
    """A horizontal bar ``count / largest`` of ``width`` cells long, drawn in eighths of a cell."""
    if count <= 0 or largest <= 0:
        return ""
    eighths = max(1, round(count / largest * width * 8))
    full, part = divmod(eighths, 8)
    return "█" * full + (EIGHTHS[part] if part else "")


def counts_text(counts, paint: Painter, width: int | None = None, kinds=("articles", "comments")) -> str:
    """The table of ``counts`` fitted to ``width`` columns (80 when not known).

    ``kinds`` names the columns to draw: both, or one of ``articles`` and
    ``comments`` (the shell's ``:authors`` counts comments only).
    """
    rows = counts.rows
    if not rows:
        return paint(f"no hits for {quoted_query(counts.query)}", DIM)
    width = width or DEFAULT_WIDTH
    key_width = max(len(counts.by), *(len(row.key) for row in rows))
    key_width = min(key_width, max(12, width // 3))
    tops = {kind: max(getattr(row, kind) for row in rows) for kind in kinds}
    number_width = max(len("articles"), *(len(f"{top:,}") for top in tops.values()))
    room = width - key_width - len(kinds) * (number_width + 3)
    bar_width = max(MIN_BAR, min(MAX_BAR, room // len(kinds)))
    heading = f"{counts.by:<{key_width}}" + "".join(f"  {kind:>{number_width}} {'':<{bar_width}}" for kind in kinds)
    lines = [paint(heading.rstrip(), BOLD)]
    styles = {"articles": CYAN, "comments": GREEN}
    for row in rows:
        key = row.key if len(row.key) <= key_width else row.key[: key_width - 1] + "…"
        cells = []
        for position, kind in enumerate(kinds):
            drawn = bar(getattr(row, kind), tops[kind], bar_width)
            if position < len(kinds) - 1:
                drawn = f"{drawn:<{bar_width}}"
            cells.append(f"  {getattr(row, kind):>{number_width},} {paint(drawn, styles[kind])}")
        lines.append(f"{key:<{key_width}}{''.join(cells)}".rstrip())
    totals = {"articles": counts.total_articles, "comments": counts.total_comments}
    total = " and ".join(f"{totals[kind]:,} {kind if totals[kind] != 1 else kind[:-1]}" for kind in kinds)
    verb = "matches" if sum(totals[kind] for kind in kinds) == 1 and len(kinds) == 1 else "match"
    lines.append(paint(f"{total} {verb} {quoted_query(counts.query)}", DIM))
    return "\n".join(lines)


def counts_json(counts) -> dict:
    """The ``searchkit count --format json`` object."""
    return {
        "query": counts.query,
        "by": counts.by,
        "rows": [{"key": row.key, "articles": row.articles, "comments": row.comments} for row in counts.rows],
        "total_articles": counts.total_articles,
        "total_comments": counts.total_comments,
    }


def counts_csv(counts) -> str:
    """``searchkit count --format csv``: a header (the ``by`` name, articles, comments) and a row per key."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([counts.by, "articles", "comments"])
    writer.writerows([row.key, row.articles, row.comments] for row in counts.rows)
    return out.getvalue()
