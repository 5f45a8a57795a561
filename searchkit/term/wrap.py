"""Word wrapping for terminal text that may hold ANSI colour codes.

Lines are broken on spaces only, never inside a word, and continuation lines
take a hanging indent (the first line's leading spaces, or more). A
non-breaking space (:data:`KEEP`, U+00A0) glues two words together, so
``score 8.97`` never splits; it is printed as a plain space. Colour codes
take no width. Text is wrapped only when a width is known (see
:func:`output_width`): piped output keeps one line per item, for grep.
"""

from __future__ import annotations

import os
import re
import shutil

KEEP = "\u00a0"
"""Put between words that must stay on one line; printed as a space."""
MIN_WIDTH = 20
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def visible_length(text: str) -> int:
    return len(_ANSI.sub("", text))


def output_width(stream) -> int | None:
    """The width to wrap at: ``$COLUMNS`` when set, else the terminal's; None when piped."""
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit() and int(columns) > 0:
        return max(int(columns), MIN_WIDTH)
    isatty = getattr(stream, "isatty", None)
    if isatty and isatty():
        return max(shutil.get_terminal_size().columns, MIN_WIDTH)
    return None


def wrap_line(line: str, width: int | None, hang: int = 0) -> list[str]:
    """``line`` broken into lines of at most ``width`` visible columns.

    Continuation lines are indented like the first line plus ``hang`` spaces.
    A word longer than the room left stays whole on a line of its own.
    """
    if width is None or visible_length(line) <= width:
        return [line.replace(KEEP, " ")]
    stripped = line.lstrip(" ")
    indent = " " * (len(line) - len(stripped) + hang)
    if len(indent) > width // 2:
        indent = indent[: width // 2]
    lines: list[str] = []
    current = line[: len(line) - len(stripped)]
    current_width = len(current)
    empty = True
    for gap, word in re.findall(r"( *)([^ ]+)", stripped):
        size = visible_length(word)
        if not empty and current_width + len(gap) + size > width:
            lines.append(current)
            current, current_width, empty = indent, len(indent), True
        if empty:
            current += word
            current_width += size
            empty = False
        else:  # the spaces between words are kept as they were (aligned columns stay aligned)
            current += gap + word
            current_width += len(gap) + size
    lines.append(current)
    return [each.replace(KEEP, " ") for each in lines]


def wrap_text(text: str, width: int | None, hang: int = 0) -> str:
    """Every line of ``text`` wrapped by :func:`wrap_line`."""
    if width is None:
        return text.replace(KEEP, " ")
    return "\n".join(part for line in text.split("\n") for part in wrap_line(line, width, hang))


QUERY_SHOWN = 80
"""The most characters of a query a message repeats."""


def quoted_query(query: str, limit: int = QUERY_SHOWN) -> str:
    """``query`` quoted for a message (``'putin'``), cut to ``limit`` characters with ``…``."""
    if len(query) > limit:
        query = query[: limit - 1].rstrip() + "…"
    return repr(query)
