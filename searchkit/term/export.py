"""Every hit of a query written out as JSON Lines, CSV or one JSON array, streamed.

The records come from :meth:`searchkit.Index.iter_hits` (one per article hit
and one per comment hit); they are written as they arrive, so memory stays
flat however many there are. CSV has a header row of
:data:`searchkit.searching.EXPORT_COLUMNS` and is quoted as the ``csv``
module does (what spreadsheets and pandas read).
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

QUERY_FORMATS = ("text", "json", "jsonl", "csv")
"""``searchkit query --format``: text and json print one page; jsonl and csv export every hit."""
COUNT_FORMATS = ("text", "json", "csv")
"""``searchkit count --format``."""
EXPORT_FORMATS = ("jsonl", "csv", "json")
"""What the shell's ``:export FILE`` writes, chosen by the file's extension."""
EXTENSIONS = {f".{name}": name for name in EXPORT_FORMATS}


def format_for(path: str | Path) -> str | None:
    """The export format a file name asks for by its extension, or None."""
    return EXTENSIONS.get(Path(path).suffix.lower())


def write_records(records, output_format: str, stream) -> int:
    """Write ``records`` (HitRecords) to ``stream`` as ``jsonl``, ``csv`` or ``json``; returns how many."""
    from searchkit.searching import EXPORT_COLUMNS

    count = 0
    if output_format == "csv":
        writer = csv.DictWriter(stream, fieldnames=EXPORT_COLUMNS, lineterminator="\n")
        writer.writeheader()
        for record in records:
            writer.writerow(record.as_dict())
            count += 1
    elif output_format == "jsonl":
        for record in records:
            stream.write(json.dumps(record.as_dict(), ensure_ascii=False) + "\n")
            count += 1
    elif output_format == "json":
        stream.write("[")
        for record in records:
            stream.write(("," if count else "") + "\n" + json.dumps(record.as_dict(), ensure_ascii=False))
            count += 1
        stream.write("\n]\n" if count else "]\n")
    else:
        raise ValueError(f"unknown export format {output_format!r}")
    stream.flush()
    return count
