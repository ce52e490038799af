"""Export formats (CSV, JSON Lines), registered by name, written atomically."""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from reports.files import default_file_mode
from reports.rows import COLUMNS

Exporter = Callable[[Iterable[dict[str, Any]]], str]
EXPORTERS: dict[str, Exporter] = {}


def exporter(name: str) -> Callable[[Exporter], Exporter]:
    """Register an export format under `name` (the value of `--format`)."""

    def register(function: Exporter) -> Exporter:
        EXPORTERS[name] = function
        return function

    return register


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(round(value, 4))
    return str(value)


@exporter("csv")
def to_csv(rows: Iterable[dict[str, Any]]) -> str:
    """RFC 4180 CSV (CRLF line ends, quotes doubled), DESIGN.md's columns first."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    rows = list(rows)
    extra = [k for row in rows for k in row if k not in COLUMNS]
    header = list(COLUMNS) + list(dict.fromkeys(extra))
    writer.writerow(header)
    for row in rows:
        writer.writerow([_cell(row.get(column)) for column in header])
    return buffer.getvalue()


@exporter("jsonl")
def to_jsonl(rows: Iterable[dict[str, Any]]) -> str:
    """One JSON object a line, with the same keys as the CSV columns (null where unknown)."""
    return "".join(json.dumps(row, ensure_ascii=False, default=str) + "\n" for row in rows)


def write_atomically(path: Path, text: str) -> None:
    """Write `text` to `path` so that a crash leaves the old file or the new one, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        os.fchmod(fd, default_file_mode())  # mkstemp's 0600 would hide it from other readers
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
