"""Export formats (CSV, JSON Lines, Parquet), registered by name.

All three carry the same values (reports.rows): numbers rounded alike, licenses as SPDX. The
CSV is written for readers that guess types (pandas, duckdb, spreadsheets): an arXiv id is
written `arXiv:2111.10050`, which no reader takes for the number 2111.1005; JSON Lines and
Parquet keep the bare id as a string.

The text formats are writers (`WRITERS`): each takes an iterable of rows
(`reports.rows.iter_export_rows`) and an open text output, and writes each row as it is
pulled, so an export of any size holds one page of papers in memory. Parquet is a columnar
file written whole (`EXPORTERS` gives every format's whole content, text or bytes).
"""

from __future__ import annotations

import csv
import importlib
import io
import json
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TextIO

from reports.output import write_output
from reports.rows import COLUMNS
from tracker.errors import InputError

RowWriter = Callable[[Iterable[dict[str, Any]], TextIO], None]
Exporter = Callable[[Iterable[dict[str, Any]]], str | bytes]
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


#: How the CSV writes an arXiv id (arXiv's own citation form); JSON keeps the bare id.
ARXIV_PREFIX = "arXiv:"
#: CSV columns holding arXiv ids.
ARXIV_COLUMNS = frozenset({"arxiv_id"})


def csv_arxiv_id(arxiv_id: str | None) -> str | None:
    """An arXiv id as the CSV writes it: `2111.10050` -> `arXiv:2111.10050` (None stays)."""
    if not arxiv_id:
        return None
    return arxiv_id if arxiv_id.startswith(ARXIV_PREFIX) else ARXIV_PREFIX + arxiv_id


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
        writer.writerow([_cell(csv_arxiv_id(row.get(column)) if column in ARXIV_COLUMNS
                               else row.get(column)) for column in header])
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


class MissingExtra(InputError):
    """An export format whose optional library is not installed."""


#: Formats written as bytes, not text.
BINARY_FORMATS = frozenset({"parquet"})
#: Formats that need an optional extra: format -> (module that needs it, extra's name).
OPTIONAL_FORMATS = {"parquet": ("reports.parquet", "parquet")}


def require_format(name: str) -> None:
    """Raise MissingExtra (exit 2) when format `name` needs a library that is not installed;
    commands call it before any work."""
    if name not in OPTIONAL_FORMATS:
        return
    module, extra = OPTIONAL_FORMATS[name]
    try:
        importlib.import_module(module)
    except ImportError as exc:
        raise MissingExtra(
            f"--format {name} needs {exc.name or 'a library'}, which is not installed: "
            f"pip install 'reprotrack[{extra}]'", key="--format") from None


def to_parquet(rows: Iterable[dict[str, Any]]) -> bytes:
    """Apache Parquet with typed columns (see reports.parquet); needs the [parquet] extra."""
    require_format("parquet")
    from reports.parquet import parquet_bytes

    return parquet_bytes(list(rows))


EXPORTERS["parquet"] = to_parquet


def write_atomically(path: Path, text: str) -> None:
    """Write `text` to `path` so that a crash leaves the old file or the new one, never half
    (its directory is created; see `reports.output.write_output`)."""
    write_output(path, text, create_parent=True)
