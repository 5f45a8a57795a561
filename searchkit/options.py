"""The choices the library's options take, said once for the core, the CLI and the shell.

Each tuple lists the accepted values of one option, the default first where
there is one; :func:`check_choice` turns a wrong value into an
:class:`~searchkit.errors.OptionError` with the list in its hint.
"""

from __future__ import annotations

from .errors import OptionError

SCOPES = ("all", "articles", "comments")
"""``scope``: what a query searches."""
SORTS = ("relevance", "date")
"""``sort``: result order (``date``: newest first, undated last)."""
PERIODS = ("month", "year", "day")
"""The ``by`` choices that group hits by date (the shell's ``:timeline``)."""
BY_CHOICES = (*PERIODS, "author", "kind")
"""``Index.count(by=...)``: how hits are grouped."""
UNDATED_CHOICES = ("include", "exclude")
"""``undated``: whether a date filter keeps documents without a date."""
SIMILAR_SCOPES = ("articles", "all")
"""``Index.similar(scope=...)``: articles only, or comments too."""


def check_choice(name: str, value, choices: tuple[str, ...]) -> str:
    """``value`` when it is one of ``choices``, else an OptionError naming them."""
    if value not in choices:
        raise OptionError(f"unknown {name} {value!r}", hint=f"use one of {', '.join(choices)}")
    return value
