"""The errors searchkit raises: one base class, a few precise subclasses.

The library raises; the front ends (CLI, shell) turn these into one line for the
user. Every message names what went wrong and where, and ``hint`` (when set)
says what to do next.
"""

from __future__ import annotations


class SearchkitError(Exception):
    """Base class of every error searchkit raises on purpose."""

    def __init__(self, message: str, hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message

    def __reduce__(self):  # errors cross process boundaries when indexing in worker processes
        return _rebuild, (type(self), self.__dict__)


class IndexNotFoundError(SearchkitError):
    """No searchkit index at the given location."""


class IndexVersionError(SearchkitError):
    """The index was written with another schema version, or is damaged."""


REBUILD_HINT = "rebuild it with `searchkit index --rebuild`"
"""What to do about a damaged index or one of another schema version."""


class IndexDamagedError(IndexVersionError):
    """The index's files are damaged (truncated, deleted or overwritten segment files)."""

    def __init__(self, message: str, hint: str | None = REBUILD_HINT):
        super().__init__(message, hint)


class IndexBuildingError(SearchkitError):
    """The first ``searchkit index`` is still building the index: nothing is committed yet."""


class IndexBusyError(SearchkitError):
    """Another process holds the index's write lock past the timeout."""


class QuerySyntaxError(SearchkitError):
    """A query (or a filter value such as a date) that cannot be understood."""


class OptionError(QuerySyntaxError):
    """An option value that cannot be used: an unknown choice, an empty date range, a limit below 1."""


class QueryTimeoutError(SearchkitError):
    """A query that would run away: a wildcard or fuzzy term standing for too many words."""


class SourceError(SearchkitError):
    """An input file that cannot be read or parsed."""

    def __init__(self, path: str, reason: str, line: int | None = None):
        where = f"{path}:{line}" if line else path
        super().__init__(f"{where}: {reason}")
        self.path = path
        self.reason = reason
        self.line = line


def _rebuild(cls, state: dict) -> SearchkitError:
    error = cls.__new__(cls)
    Exception.__init__(error, state.get("message"))
    error.__dict__.update(state)
    return error
