"""The shell's user configuration: a TOML file in the XDG config directory.

The file is ``$XDG_CONFIG_HOME/searchkit/config.toml`` (by default
``~/.config/searchkit/config.toml``). Every key is optional; a missing file
means the defaults. Its keys::

    # searchkit shell configuration
    editing_mode = "emacs"          # or "vi"; `searchkit shell --vi/--emacs` overrides; F4 toggles
    page_size = 10                  # hits per page; `searchkit shell --page-size N` overrides
    pager = "less -R"               # for `:open` and result pages longer than the screen;
                                    # default: $PAGER, else "less -R"
    page_results = true             # false: result pages are printed, never paged
    complete_while_typing = true    # false: complete on Tab only

    [colors]                        # prompt_toolkit style strings, by element
    field = "#5f87ff bold"          # title: body: comment: author: date:
    phrase = "#5faf5f"              # "quoted phrases"
    operator = "#d75fd7 bold"       # AND OR NOT, + -
    wildcard = "#d7af00"            # organi*  ?
    fuzzy = "#ff8700"               # the ~ of putn~
    boost = "#00afaf"               # the ^2 of wheat^2
    date = "#87afff"                # the value of date:2022
    command = "#00af87 bold"        # :help, :open ...
    prompt = "bold"
    toolbar = "bg:#303030 #bcbcbc"

A key of ``[colors]`` that is not one of these names is taken as a
prompt_toolkit style selector (``"completion-menu.completion.current" =
"bg:#00aaaa #000000"``). The input history is kept apart, in the XDG state
directory: ``$XDG_STATE_HOME/searchkit/history`` (default
``~/.local/state/searchkit/history``).

A key with a wrong value is reported in one line when the shell starts and its
default is used; the shell never refuses to start because of its config.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

EDITING_MODES = ("emacs", "vi")
APP_NAME = "searchkit"


def config_dir() -> Path:
    """``$XDG_CONFIG_HOME/searchkit`` (default ``~/.config/searchkit``)."""
    return _xdg("XDG_CONFIG_HOME", ".config") / APP_NAME


def state_dir() -> Path:
    """``$XDG_STATE_HOME/searchkit`` (default ``~/.local/state/searchkit``): history lives here."""
    return _xdg("XDG_STATE_HOME", ".local/state") / APP_NAME


def data_dir() -> Path:
    """``$XDG_DATA_HOME/searchkit`` (default ``~/.local/share/searchkit``): saved queries live here."""
    return _xdg("XDG_DATA_HOME", ".local/share") / APP_NAME


def config_path() -> Path:
    return config_dir() / "config.toml"


def history_path() -> Path:
    return state_dir() / "history"


def _xdg(variable: str, fallback: str) -> Path:
    value = os.environ.get(variable)
    # The XDG spec says relative paths are invalid and must be ignored.
    if value and os.path.isabs(value):
        return Path(value)
    return Path.home() / fallback


@dataclass
class Config:
    """Shell settings: defaults, overridden by the config file, overridden by options."""

    editing_mode: str = "emacs"
    page_size: int = 10
    pager: str | None = None
    page_results: bool = True
    complete_while_typing: bool = True
    colors: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def pager_command(self) -> str:
        """The configured pager, else ``$PAGER``, else ``less -R``."""
        return self.pager or os.environ.get("PAGER") or "less -R"


def load_config(path: Path | None = None) -> Config:
    """Read the config file (default :func:`config_path`); problems become ``warnings``."""
    path = path or config_path()
    config = Config()
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return config
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        config.warnings.append(f"{path}: not read ({exc}); using the defaults")
        return config
    return apply(config, raw, str(path))


def apply(config: Config, raw: dict, where: str = "config") -> Config:
    """Take the valid keys of ``raw`` into ``config``; note the others in ``config.warnings``."""
    for key, value in raw.items():
        problem = _set(config, key, value)
        if problem:
            config.warnings.append(f"{where}: {problem}")
    return config


def _set(config: Config, key: str, value) -> str | None:
    if key == "editing_mode":
        if value not in EDITING_MODES:
            return f'editing_mode must be "emacs" or "vi", not {value!r}'
        config.editing_mode = value
    elif key == "page_size":
        if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 1000:
            return f"page_size must be a whole number from 1 to 1000, not {value!r}"
        config.page_size = value
    elif key == "pager":
        if not isinstance(value, str) or not value.strip():
            return f"pager must be a command line, not {value!r}"
        config.pager = value
    elif key == "page_results":
        if not isinstance(value, bool):
            return f"page_results must be true or false, not {value!r}"
        config.page_results = value
    elif key == "complete_while_typing":
        if not isinstance(value, bool):
            return f"complete_while_typing must be true or false, not {value!r}"
        config.complete_while_typing = value
    elif key == "colors":
        if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
            return "[colors] must map names to style strings"
        config.colors.update(value)
    else:
        return f"unknown key {key!r} ignored"
    return None
