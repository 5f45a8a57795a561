"""Highlighted fragments of a text, as plain data: the text and the spans to mark.

A :class:`Snippet` is front-end neutral: the terminal renders its spans in
colour, JSON wraps them in ``<em>``, the shell uses prompt_toolkit styles.
Matching is done on index terms (stems, folded), so ``organizing`` in the
query highlights ``organized`` in the text, while the snippet shows the
original words.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field

from .analysis import matches_of

ELLIPSIS = "…"


@dataclass(frozen=True)
class Snippet:
    """A fragment of text with the character spans of matched words."""

    text: str
    spans: tuple[tuple[int, int], ...] = field(default_factory=tuple)

    def marked(self, before: str = "<em>", after: str = "</em>") -> str:
        """The text with every span wrapped: ``Snippet.marked()`` gives ``<em>word</em>``."""
        parts, last = [], 0
        for start, end in self.spans:
            parts += [self.text[last:start], before, self.text[start:end], after]
            last = end
        parts.append(self.text[last:])
        return "".join(parts)

    def __bool__(self) -> bool:
        return bool(self.text)


def highlight_all(text: str, terms: Collection[str]) -> Snippet:
    """The whole of ``text`` with every matching word marked (for titles and full views)."""
    spans = tuple((start, end) for start, end, _term in matches_of(text, terms))
    return Snippet(text, spans)


def make_snippet(text: str, terms: Collection[str], width: int = 180, fragments: int = 2) -> Snippet:
    """The best ``fragments`` windows of about ``width`` characters of ``text``.

    Windows are scored by the number of distinct query terms they hold, then
    by the number of matches; they come back in text order, joined by ``…``.
    Without any match the snippet is the start of the text.
    """
    text = text.replace("\r", " ")
    matches = matches_of(text, terms)
    if not matches:
        end = _word_end(text, width)
        return Snippet(_collapse(text[:end], [])[0] + (ELLIPSIS if end < len(text) else ""))
    windows = []
    for index, (start, _end, _term) in enumerate(matches):
        window_start = _word_start(text, max(0, start - width // 4))
        window_end = _word_end(text, window_start + width)
        inside = [m for m in matches[index:] if m[1] <= window_end]
        score = (len({m[2] for m in inside}), len(inside), -window_start)
        windows.append((score, window_start, window_end))
    windows.sort(reverse=True)
    chosen: list[tuple[int, int]] = []
    for _score, start, end in windows:
        if all(end <= s or start >= e for s, e in chosen):
            chosen.append((start, end))
        if len(chosen) == fragments:
            break
    chosen.sort()
    pieces, spans, cursor = [], [], 0
    for start, end in chosen:
        if pieces:
            prefix = f" {ELLIPSIS} "
        else:
            prefix = ELLIPSIS if start > 0 else ""
        local = [(s - start, e - start) for s, e, _t in matches if start <= s and e <= end]
        fragment, local = _collapse(text[start:end], local)
        cursor += len(prefix)
        pieces.append(prefix + fragment)
        spans += [(cursor + s, cursor + e) for s, e in local]
        cursor += len(fragment)
    if chosen[-1][1] < len(text.rstrip()):
        pieces.append(ELLIPSIS)
    return Snippet("".join(pieces), tuple(spans))


def _collapse(text: str, spans: list[tuple[int, int]]) -> tuple[str, list[tuple[int, int]]]:
    """Runs of whitespace to one space, with ``spans`` moved to match."""
    out: list[str] = []
    new_offset = []
    for ch in text:
        new_offset.append(len(out))
        if ch.isspace():
            if out and out[-1] != " ":
                out.append(" ")
        else:
            out.append(ch)
    new_offset.append(len(out))
    return "".join(out), [(new_offset[s], new_offset[e]) for s, e in spans]


def _word_start(text: str, position: int) -> int:
    """Move ``position`` back to the start of the word it falls in."""
    while 0 < position < len(text) and not text[position - 1].isspace():
        position -= 1
    return position


def _word_end(text: str, position: int) -> int:
    """Move ``position`` forward to the end of the word it falls in."""
    if position >= len(text):
        return len(text)
    while position < len(text) and not text[position].isspace():
        position += 1
    return position
