"""Export formats (CSV, JSON Lines), registered by name, written as the rows come.

A format is a writer: it takes an iterable of rows (`reports.rows.iter_export_rows`) and an
open text output, and writes each row as it is pulled, so an export of any size holds one
page of papers in memory. `EXPORTERS` gives each format's whole text for small inputs.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TextIO

from reports.output import write_output
from reports.rows import COLUMNS

RowWriter = Callable[[Iterable[dict[str, Any]], TextIO], None]
Exporter = Callable[[Iterable[dict[str, Any]]], str]
WRITERS: dict[str, RowWriter] = {}
EXPORTERS: dict[str, Exporter] = {}


def exporter(name: str) -> Callable[[RowWriter], RowWriter]:
    """Register a streaming export format under `name` (the value of `--format`)."""

    def register(function: RowWriter) -> RowWriter:
        WRITERS[name] = function
        EXPORTERS[name] = lambda rows: as_text(function, rows)
        return function

    return register


def as_text(writer: RowWriter, rows: Iterable[dict[str, Any]]) -> str:
    """What `writer` writes for `rows`, as one string."""
    buffer = io.StringIO(newline="")
    writer(rows, buffer)
    return buffer.getvalue()


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
def write_csv(rows: Iterable[dict[str, Any]], out: TextIO) -> None:
    """RFC 4180 CSV (CRLF line ends, quotes doubled), DESIGN.md's columns first.

    Every row has the same keys; columns beyond DESIGN.md's follow them in the first row's
    order (the header is written before the second row is read).
    """
    writer = csv.writer(out, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    header: list[str] | None = None
    for row in rows:
        if header is None:
            header = list(COLUMNS) + [k for k in row if k not in COLUMNS]
            writer.writerow(header)
        writer.writerow([_cell(row.get(column)) for column in header])
    if header is None:
        writer.writerow(COLUMNS)


def to_csv(rows: Iterable[dict[str, Any]]) -> str:
    """The CSV export of `rows` as one string."""
    return as_text(write_csv, rows)


@exporter("jsonl")
def write_jsonl(rows: Iterable[dict[str, Any]], out: TextIO) -> None:
    """One JSON object a line, with the same keys as the CSV columns (null where unknown)."""
    for row in rows:
        out.write(json.dumps(row, ensure_ascii=False, default=str) + "\n")


def to_jsonl(rows: Iterable[dict[str, Any]]) -> str:
    """The JSON Lines export of `rows` as one string."""
    return as_text(write_jsonl, rows)


def write_atomically(path: Path, text: str) -> None:
    """Write `text` to `path` so that a crash leaves the old file or the new one, never half
    (its directory is created; see `reports.output.write_output`)."""
    write_output(path, text, create_parent=True)
