"""The ``searchkit`` command's entry point.

``searchkit --version`` is answered here, before the CLI and click are
imported, so that it costs little more than starting Python; everything
else goes to :func:`searchkit.cli.main`.
"""

from __future__ import annotations

import sys

VERSION_FLAGS = ({"--version"}, {"-V"})


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    if set(args) in VERSION_FLAGS:
        from . import __version__

        print(f"searchkit {__version__}")
        return
    from .cli import main as cli_main

    cli_main(args)
