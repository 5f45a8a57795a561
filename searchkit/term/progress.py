"""tqdm progress bars for long library calls, shown only on a terminal."""

from __future__ import annotations

import sys
import time


class IndexProgress:
    """A ``progress(files_done, files_total, articles_done)`` callback drawing a bar on stderr."""

    def __init__(self, enabled: bool | None = None, description: str = "indexing"):
        self.enabled = sys.stderr.isatty() if enabled is None else enabled
        self.description = description
        self._bar = None
        self._started = time.perf_counter()

    def __call__(self, files_done: int, files_total: int, articles: int) -> None:
        if not self.enabled:
            return
        if self._bar is None:
            from tqdm import tqdm

            self._bar = tqdm(total=files_total, unit="file", desc=self.description, file=sys.stderr, leave=False)
        self._bar.n = files_done
        elapsed = max(time.perf_counter() - self._started, 1e-6)
        self._bar.set_postfix_str(f"{articles:,} articles, {articles / elapsed:,.0f}/s", refresh=False)
        self._bar.refresh()

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()
