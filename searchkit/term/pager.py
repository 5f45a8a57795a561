"""Show long text through a pager, as git and psql do; short text is printed.

The pager is a shell command line (``$PAGER``, ``less -R``...). It is used
only when the output is a terminal and the text is taller than the screen
(counting wrapped lines). ``LESS=RX`` is set when ``LESS`` is unset, as git
sets ``FRX``: ``less`` shows colours, and the last screen stays in the
terminal when it quits, so the hit numbers are still there to type
``:open N``. While the pager runs, Ctrl-C belongs to it: it does
not interrupt the program that called :func:`page`.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import threading

DEFAULT_PAGER = "less -R"
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def screen_lines(text: str, width: int) -> int:
    """How many terminal rows ``text`` takes at ``width`` columns (colour codes take none)."""
    width = max(width, 1)
    return sum(max(1, -(-len(_ANSI.sub("", line)) // width)) for line in text.split("\n"))


def page(text: str, stream, command: str | None = None, size: tuple[int, int] | None = None) -> bool:
    """Write ``text`` to ``stream``, through the pager ``command`` when it needs more than a screen.

    ``size`` is (rows, columns), by default the terminal's. Returns True when
    the pager was used. A pager that cannot be started falls back to
    printing.
    """
    rows, columns = size or _terminal_size()
    isatty = getattr(stream, "isatty", None)
    if not (isatty and isatty()) or screen_lines(text, columns) < rows:
        stream.write(text + "\n")
        stream.flush()
        return False
    command = command or os.environ.get("PAGER") or DEFAULT_PAGER
    env = dict(os.environ)
    env.setdefault("LESS", "RX")
    stream.flush()
    restore = _ignore_interrupts()
    try:
        done = subprocess.run(
            command,
            shell=True,
            input=(text + "\n").encode("utf-8"),
            env=env,
            stdout=stream,
            preexec_fn=_default_interrupts,
        )
    except (OSError, ValueError):
        done = None
    finally:
        restore()
    if done is None or done.returncode == 127:  # the shell could not find the pager
        stream.write(text + "\n")
        stream.flush()
        return False
    return True


def _terminal_size() -> tuple[int, int]:
    size = shutil.get_terminal_size()
    return size.lines, size.columns


def _default_interrupts() -> None:
    """In the pager's process: Ctrl-C acts as usual there (``less`` handles it itself)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _ignore_interrupts():
    """Ignore SIGINT (in the main thread only); return the function that restores it."""
    if threading.current_thread() is not threading.main_thread():
        return lambda: None
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    return lambda: signal.signal(signal.SIGINT, previous)
