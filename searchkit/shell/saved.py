"""Named queries (``:save NAME``, ``:run NAME``, ``:saved``), kept in the user's data directory.

The file is ``$XDG_DATA_HOME/searchkit/saved-queries.json`` (by default
``~/.local/share/searchkit/saved-queries.json``): one JSON object mapping
each name to the query text and the filters that differ from the defaults.
It is rewritten whole (through a temporary file and a rename) at each
``:save``, so a crash never leaves half a file. A file that cannot be read
is reported and treated as empty; it is not overwritten until the next save.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from .config import data_dir

NAME = re.compile(r"^[\w.-]{1,64}$")


def saved_path() -> Path:
    return data_dir() / "saved-queries.json"


@dataclass
class SavedQuery:
    query: str
    filters: dict = field(default_factory=dict)


class SavedQueryError(Exception):
    """The saved-queries file cannot be read or written, or a name is not allowed."""


def load(path: Path | None = None) -> dict[str, SavedQuery]:
    """Every saved query by name; an absent file is none."""
    path = path or saved_path()
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SavedQueryError(f"{path}: not read ({exc})") from None
    if not isinstance(raw, dict):
        raise SavedQueryError(f"{path}: not read (not a JSON object)")
    return {
        name: SavedQuery(entry["query"], dict(entry.get("filters") or {}))
        for name, entry in raw.items()
        if isinstance(entry, dict) and isinstance(entry.get("query"), str)
    }


def save(name: str, entry: SavedQuery, path: Path | None = None) -> Path:
    """Add or replace ``name``; returns the file written."""
    if not NAME.match(name):
        raise SavedQueryError(f"{name!r}: a name is letters, digits, '.', '-' or '_' (up to 64)")
    path = path or saved_path()
    queries = load(path)
    queries[name] = entry
    payload = {key: {"query": value.query, "filters": value.filters} for key, value in sorted(queries.items())}
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(path.name + ".tmp")
        temporary.write_text(json.dumps(payload, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        os.replace(temporary, path)
    except OSError as exc:
        raise SavedQueryError(f"{path}: not written ({exc.strerror})") from None
    return path
