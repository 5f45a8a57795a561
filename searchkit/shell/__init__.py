"""``searchkit shell``: the interactive prompt_toolkit front end.

One concern per module: :mod:`.app` (wiring), :mod:`.commands` (the
``:command`` registry), :mod:`.session` (state and searches),
:mod:`.completer`, :mod:`.lexer`, :mod:`.style`, :mod:`.key_bindings`,
:mod:`.toolbar`, :mod:`.config`. The CLI imports this package only inside
the ``shell`` command, so other commands never load prompt_toolkit.
"""

from .app import run_shell

__all__ = ["run_shell"]
