"""Colours of the prompt: query syntax, completion menu, bottom toolbar.

:data:`DEFAULT_COLORS` maps the names users write in ``[colors]`` of the
config file to prompt_toolkit style strings; :data:`SELECTORS` maps those
names to the style classes they set. The query colours style the tokens of
:class:`searchkit.shell.lexer.QueryLexer` (prompt_toolkit calls pygments
tokens ``pygments.name.attribute`` and so on).
"""

from __future__ import annotations

from prompt_toolkit.styles import Style

DEFAULT_COLORS = {
    "field": "#5f87ff bold",
    "phrase": "#5faf5f",
    "operator": "#d75fd7 bold",
    "wildcard": "#d7af00",
    "fuzzy": "#ff8700 bold",
    "boost": "#00afaf",
    "date": "#87afff underline",
    "command": "#00af87 bold",
    "punctuation": "#8a8a8a",
    "prompt": "bold",
    "toolbar": "bg:#303030 #bcbcbc noreverse",
    "toolbar.key": "bg:#303030 #ffffff bold noreverse",
    "toolbar.busy": "bg:#303030 #d7af00 noreverse",
    "completion": "bg:#3a3a3a #d0d0d0",
    "completion.current": "bg:#00afaf #000000",
    "completion.meta": "bg:#262626 #8a8a8a",
    "suggestion": "#6c6c6c",
}

SELECTORS = {
    "field": "pygments.name.attribute",
    "phrase": "pygments.literal.string",
    "operator": "pygments.operator.word",
    "wildcard": "pygments.name.variable",
    "fuzzy": "pygments.generic.emph",
    "boost": "pygments.literal.number",
    "date": "pygments.literal.date",
    "command": "pygments.name.builtin",
    "punctuation": "pygments.punctuation",
    "prompt": "prompt",
    "toolbar": "bottom-toolbar",
    "toolbar.key": "bottom-toolbar.key",
    "toolbar.busy": "bottom-toolbar.busy",
    "completion": "completion-menu.completion",
    "completion.current": "completion-menu.completion.current",
    "completion.meta": "completion-menu.meta.completion",
    "suggestion": "auto-suggestion",
}


def make_style(overrides: dict[str, str] | None = None) -> tuple[Style, list[str]]:
    """The prompt's Style with the user's ``overrides``, and a warning per override that was refused."""
    colors = dict(DEFAULT_COLORS)
    warnings = []
    rules = []
    for name, value in (overrides or {}).items():
        selector = SELECTORS.get(name, name)
        try:
            Style([(selector, value)])  # validate one rule at a time: one bad colour spoils nothing else
        except (ValueError, AssertionError) as exc:
            warnings.append(f"colors.{name}: {value!r} is not a style ({exc}); default kept")
            continue
        if name in colors:
            colors[name] = value
        else:
            rules.append((selector, value))
    return Style([(SELECTORS[name], value) for name, value in colors.items()] + rules), warnings
