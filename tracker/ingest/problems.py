"""Word a file's invalid records for people: one line per kind of problem, never thousands."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from tracker.ingest.records import InvalidRecord

#: At most this many lines describe a file's invalid records; a last line counts the rest.
MAX_LINES = 20


def problem_lines(path: Path | str, invalid: Iterable[InvalidRecord],
                  limit: int = MAX_LINES) -> Iterator[str]:
    """`file:line: reason` for each distinct reason (its first line), saying how many more
    records share it, then at most `limit` such lines and one that counts the rest."""
    groups: dict[str, list[int]] = {}
    for record in invalid:
        groups.setdefault(record.reason, []).append(record.line)
    for shown, (reason, lines) in enumerate(groups.items()):
        if shown == limit:
            rest = sum(len(more) for more in list(groups.values())[limit:])
            yield f"{path}: {rest:,} more invalid records not shown"
            return
        more = ""
        if len(lines) > 1:
            more = f"; {len(lines) - 1:,} more records have this problem (to line {lines[-1]})"
        yield f"{path}:{lines[0]}: {reason}{more}"
