"""Export rows as Apache Parquet with typed columns (pyarrow, the optional `[parquet]` extra).

Types are fixed here rather than inferred, so a column is the same type in every file, even
one whose cells are all empty: ids and labels are strings (the bare arXiv id, never a
number), fractions float64, counts int64, criteria bool, dates timestamps in UTC.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from reports.rows import BOOLEAN_CRITERIA, COLUMNS

_INTEGERS = ("paper_id", "checklist", "stars", "links_total", "links_ok", "candidates")
_FLOATS = ("score", "coverage")
_TIMESTAMPS = ("last_commit", "checked_at")
_BOOLEANS = (*BOOLEAN_CRITERIA, "promise_unfulfilled")
UTC_TIMESTAMP = pa.timestamp("ms", tz="UTC")  # Parquet has no seconds unit


def _type_of(column: str) -> pa.DataType:
    if column in _INTEGERS:
        return pa.int64()
    if column in _FLOATS:
        return pa.float64()
    if column in _TIMESTAMPS:
        return UTC_TIMESTAMP
    if column in _BOOLEANS:
        return pa.bool_()
    return pa.string()


#: The Parquet schema of an export: DESIGN.md's columns, in their order, typed.
SCHEMA = pa.schema([pa.field(column, _type_of(column)) for column in COLUMNS])


def _timestamp(value: Any) -> datetime | None:
    """An ISO 8601 text as an aware UTC datetime (a value that is not one stays empty)."""
    if value is None or isinstance(value, datetime):
        return value
    try:
        parsed = datetime.fromisoformat(str(value))
    except ValueError:
        return None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def parquet_bytes(rows: list[dict[str, Any]]) -> bytes:
    """The rows as one Parquet file (SCHEMA's columns first, any others as strings)."""
    extra = list(dict.fromkeys(k for row in rows for k in row if k not in COLUMNS))
    schema = SCHEMA
    for column in extra:
        schema = schema.append(pa.field(column, pa.string()))
    columns: dict[str, list[Any]] = {}
    for field in schema:
        values = [row.get(field.name) for row in rows]
        if field.name in _TIMESTAMPS:
            values = [_timestamp(value) for value in values]
        elif field.name in extra:
            values = [None if value is None else str(value) for value in values]
        columns[field.name] = values
    table = pa.table(columns, schema=schema)
    buffer = io.BytesIO()
    pq.write_table(table, buffer)
    return buffer.getvalue()
