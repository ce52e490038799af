"""Export formats (CSV, JSON Lines), registered by name, written atomically."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from reports.output import write_output
from reports.rows import COLUMNS

Exporter = Callable[[Iterable[dict[str, Any]]], str]
EXPORTERS: dict[str, Exporter] = {}


def exporter(name: str) -> Callable[[Exporter], Exporter]:
    """Register an export format under `name` (the value of `--format`)."""

    def register(function: Exporter) -> Exporter:
        EXPORTERS[name] = function
        return function

    return register


# OWASP's CSV injection advice: a text cell starting with one of these is a formula (or can
# become one) in Excel, LibreOffice and Google Sheets, so it is written with a leading `'`.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(text: str) -> str:
    """A text cell that no spreadsheet evaluates: `'` before a formula-like first character."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(round(value, 4))
    if isinstance(value, str):
        return neutralise(value)
    return str(value)  # numbers stay numbers, negative ones included


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
    """Write `text` to `path` so that a crash leaves the old file or the new one, never half
    (its directory is created; see `reports.output.write_output`)."""
    write_output(path, text, create_parent=True)
