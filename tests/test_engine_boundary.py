"""Only searchkit/engine/ touches Whoosh's private attributes (issue 11: one place for its internals)."""

from __future__ import annotations

import ast
from pathlib import Path

import searchkit

PACKAGE = Path(searchkit.__file__).parent
ENGINE = PACKAGE / "engine"

ALLOWED = {
    # Private attributes of searchkit's own objects and of the standard library, not Whoosh's.
    ("analysis.py", "word_filter._cache"),  # NewsFilter, analysis.py's own class
    ("shell/completer.py", "vocabulary._words"),  # Vocabulary.from_counts filling its own instance
    ("shell/completer.py", "vocabulary._authors"),
    ("shell/session.py", "os._exit"),  # the worker process ends without running atexit hooks
    ("indexing.py", "os._exit"),
}
"""(module, expression) pairs that read a private attribute outside the engine, each for a reason."""


def private_uses(source: str) -> list[str]:
    """Every ``obj._name`` (``obj`` not ``self``/``cls``) and every ``getattr``/``setattr``/``hasattr``
    with a ``"_name"`` string in ``source``; dunder names are not private."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute) and _private(node.attr):
            if not (isinstance(node.value, ast.Name) and node.value.id in {"self", "cls"}):
                found.append(ast.unparse(node))
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            if node.func.id in {"getattr", "setattr", "hasattr", "delattr"} and len(node.args) >= 2:
                name = node.args[1]
                if isinstance(name, ast.Constant) and isinstance(name.value, str) and _private(name.value):
                    found.append(ast.unparse(node))
    return found


def _private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def test_the_scan_finds_what_it_looks_for():
    snippet = (
        "matcher._read_ids()\nids = self.reader._perdoc\nx = getattr(reader, '_perdoc', None)\n"
        "setattr(searcher, '_cache', 1)\nself._mine = 1\nn = type(x).__name__\n"
    )
    assert sorted(private_uses(snippet)) == [
        "getattr(reader, '_perdoc', None)",
        "matcher._read_ids",
        "self.reader._perdoc",
        "setattr(searcher, '_cache', 1)",
    ]


def test_no_module_outside_the_engine_touches_private_attributes():
    assert ENGINE.is_dir()
    outside, allowed_seen = [], set()
    for path in sorted(PACKAGE.rglob("*.py")):
        if ENGINE in path.parents:
            continue
        module = path.relative_to(PACKAGE).as_posix()
        for use in private_uses(path.read_text(encoding="utf-8")):
            if (module, use) in ALLOWED:
                allowed_seen.add((module, use))
            else:
                outside.append(f"{module}: {use}")
    assert outside == [], "private attributes used outside searchkit/engine/:\n" + "\n".join(outside)
    assert allowed_seen == ALLOWED, f"allowed but no longer used (drop them): {ALLOWED - allowed_seen}"
