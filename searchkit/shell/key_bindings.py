"""Key bindings added to prompt_toolkit's emacs and vi defaults.

The defaults already give what users of pgcli and mycli expect: Ctrl-R
searches history backwards, the right arrow (or Ctrl-E/Ctrl-F at the end of
the line) takes the grey suggestion from history, Tab completes, Ctrl-C
clears the line, Ctrl-D on an empty line leaves. Added here:

* F4 switches between emacs and vi editing;
* F3 puts the last "did you mean" suggestion on the line (Enter runs it);
* Ctrl-Space opens the completion menu (or moves to the next entry);
* Enter while a completion is selected takes it and closes the menu
  instead of running the half-typed query.
"""

from __future__ import annotations

from prompt_toolkit.enums import EditingMode
from prompt_toolkit.filters import completion_is_selected, has_completions
from prompt_toolkit.key_binding import KeyBindings


def shell_key_bindings(state=None) -> KeyBindings:
    """The added bindings; ``state`` (a ShellState) holds the suggestion F3 takes."""
    bindings = KeyBindings()

    @bindings.add("f3")
    def _take_suggestion(event):
        """F3: replace the line with the last "did you mean" suggestion."""
        suggestion = getattr(state, "suggestion", None)
        if suggestion:
            event.current_buffer.text = suggestion
            event.current_buffer.cursor_position = len(suggestion)

    @bindings.add("f4")
    def _switch_editing_mode(event):
        """F4: emacs <-> vi."""
        app = event.app
        app.editing_mode = EditingMode.VI if app.editing_mode == EditingMode.EMACS else EditingMode.EMACS

    @bindings.add("c-space")
    def _complete(event):
        """Ctrl-Space: open the completion menu, or go to its next entry."""
        buffer = event.app.current_buffer
        if buffer.complete_state:
            buffer.complete_next()
        else:
            buffer.start_completion(select_first=False)

    @bindings.add("enter", filter=has_completions & completion_is_selected)
    def _take_completion(event):
        """Enter on a selected completion: keep it, close the menu, do not run the line yet."""
        event.current_buffer.complete_state = None

    return bindings
