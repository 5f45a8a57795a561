"""When to colour output, and the few ANSI styles searchkit uses."""

from __future__ import annotations

import os

RESET = "\033[0m"
BOLD = "\033[1m"
DIM = "\033[2m"
HIGHLIGHT = "\033[1;33m"
CYAN = "\033[36m"
GREEN = "\033[32m"


def should_color(stream, disabled: bool = False) -> bool:
    """Colour only on a terminal, and never with ``NO_COLOR`` set or ``TERM=dumb``."""
    if disabled or os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


class Painter:
    """Wraps text in ANSI styles, or leaves it alone when colour is off."""

    def __init__(self, enabled: bool):
        self.enabled = enabled

    def __call__(self, text: str, style: str) -> str:
        return f"{style}{text}{RESET}" if self.enabled and text else text

    def snippet(self, snippet, style: str = "") -> str:
        """A snippet with its matched words highlighted, the rest in ``style``."""
        if not self.enabled:
            return snippet.text
        return f"{style}{snippet.marked(HIGHLIGHT, RESET + style)}{RESET}"
