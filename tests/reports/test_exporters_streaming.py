"""Exports stream: rows are pulled one by one and written as they come, never gathered first."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from typing import Any

import pytest

from reports.exporters import WRITERS, to_csv, to_jsonl
from reports.rows import COLUMNS


class _Pulled:
    """An iterator of rows that counts how many were taken."""

    def __init__(self, count: int) -> None:
        self.count, self.taken = count, 0

    def __iter__(self) -> Iterator[dict[str, Any]]:
        for n in range(self.count):
            self.taken += 1
            yield {**dict.fromkeys(COLUMNS), "paper_id": n, "title": f"Paper {n}"}


class _Watching(io.StringIO):
    """An output that notes, at each write, how many rows had been taken so far."""

    def __init__(self, rows: _Pulled) -> None:
        super().__init__()
        self.rows, self.taken_at_write = rows, []

    def write(self, text: str) -> int:
        self.taken_at_write.append(self.rows.taken)
        return super().write(text)


@pytest.mark.parametrize("format", ["csv", "jsonl"])
def test_rows_are_written_as_they_are_pulled(format: str) -> None:
    rows = _Pulled(5_000)
    out = _Watching(rows)

    WRITERS[format](rows, out)

    assert rows.taken == 5_000
    # The first rows reached the output long before the last row was taken.
    assert min(out.taken_at_write) <= 1 and out.taken_at_write[-1] == 5_000
    assert len(set(out.taken_at_write)) > 100


def test_the_text_exporters_give_what_the_writers_write() -> None:
    rows = list(_Pulled(3))
    for format, text in (("csv", to_csv(rows)), ("jsonl", to_jsonl(rows))):
        out = io.StringIO()
        WRITERS[format](iter(rows), out)
        assert out.getvalue() == text
    assert [json.loads(line)["title"] for line in to_jsonl(rows).splitlines()] == [
        "Paper 0", "Paper 1", "Paper 2"]


def test_columns_beyond_the_contract_follow_it_in_the_first_row_s_order() -> None:
    rows = [{**dict.fromkeys(COLUMNS), "paper_id": 1, "zeta": 1, "alpha": 2}]
    header = to_csv(rows).splitlines()[0].split(",")
    assert header == [*COLUMNS, "zeta", "alpha"]
