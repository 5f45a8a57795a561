"""searchkit: full-text search for folders of scraped news pages and their comments.

The public API, loaded lazily so that ``import searchkit`` stays cheap::

    from searchkit import build_index, open_index

    build_index(["corpus"], "index")
    with open_index("index") as index:
        for hit in index.search("Putin Trump", limit=5):
            print(hit.rank, hit.title, hit.snippet.marked("[", "]"))
"""

from __future__ import annotations

import importlib

__version__ = "0.1.0"

_EXPORTS = {
    "Article": "documents",
    "Comment": "documents",
    "DocDate": "documents",
    "Index": "index",
    "IndexStats": "index",
    "open_index": "index",
    "index_exists": "index",
    "default_index_path": "index",
    "build_index": "indexing",
    "IndexReport": "indexing",
    "search": "searching",
    "Results": "searching",
    "Hit": "searching",
    "CommentHit": "searching",
    "HitRecord": "searching",
    "EXPORT_COLUMNS": "searching",
    "iter_hits": "searching",
    "ranking": "searching",
    "count": "counting",
    "Counts": "counting",
    "CountRow": "counting",
    "similar": "similar",
    "Similar": "similar",
    "suggest_query": "suggestions",
    "SCOPES": "options",
    "SORTS": "options",
    "BY_CHOICES": "options",
    "UNDATED_CHOICES": "options",
    "Snippet": "snippets",
    "parse_scraped": "sources",
    "SearchkitError": "errors",
    "IndexNotFoundError": "errors",
    "IndexVersionError": "errors",
    "IndexBusyError": "errors",
    "IndexDamagedError": "errors",
    "IndexBuildingError": "errors",
    "OptionError": "errors",
    "QuerySyntaxError": "errors",
    "QueryTimeoutError": "errors",
    "SourceError": "errors",
}

__all__ = sorted(_EXPORTS) + ["__version__"]


def __getattr__(name: str):
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'searchkit' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__():
    return __all__
