"""When to colour output, and the few ANSI styles searchkit uses."""

from __future__ import annotations

import os

RESET = "\033[0m"
BOLD = "\033[1m"
DIM = "\033[2m"
HIGHLIGHT = "\033[1;33m"
CYAN = "\033[36m"
GREEN = "\033[32m"


COLOR_CHOICES = ("auto", "always", "never")


def should_color(stream, disabled: bool = False, mode: str = "auto") -> bool:
    """Whether to colour ``stream``, as ripgrep and GNU grep decide.

    ``mode`` "always" and "never" (``--color``) decide alone; ``disabled``
    (``--no-color``) is "never". "auto" colours a terminal, except with
    ``NO_COLOR`` set or ``TERM=dumb``; ``FORCE_COLOR`` or ``CLICOLOR_FORCE``
    (set and not ``0``) colour even a pipe. ``NO_COLOR`` wins over both.
    """
    if disabled or mode == "never":
        return False
    if mode == "always":
        return True
    if os.environ.get("NO_COLOR"):
        return False
    if any(os.environ.get(name, "0") not in ("", "0") for name in ("FORCE_COLOR", "CLICOLOR_FORCE")):
        return True
    if os.environ.get("TERM") == "dumb":
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
