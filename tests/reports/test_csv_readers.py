"""The CSV export reads back unchanged through the readers that guess types: pandas' and
duckdb's defaults for real, and a spreadsheet's rules of thumb for what becomes a number or a
date; CSV and JSON Lines write every number alike."""

from __future__ import annotations

import io
import json
import re
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from reports.exporters import csv_arxiv_id, to_csv, to_jsonl
from reports.rows import COLUMNS, paper_row
from tracker.store.models import Link, ObservationRecord, Paper, ScorecardRecord

# arXiv ids that a guessing reader turns into numbers when they are written bare: a trailing
# zero dropped (2111.10050 -> 2111.1005), a leading one (0704.0001 -> 704.0001), an old id.
IDS = ("2111.10050", "0704.0001", "2501.00100", "1706.03762", "2412.1", "hep-th/9901001")


def rows_with_ids() -> list[dict[str, object]]:
    return [{"paper_id": i + 1, "title": f"Paper {i}", "arxiv_id": arxiv_id, "score": 0.8125,
             "checked_at": "2026-12-01T06:00:00Z", "promise_unfulfilled": False}
            for i, arxiv_id in enumerate(IDS)]


def test_arxiv_ids_are_written_in_arxivs_own_citation_form() -> None:
    assert csv_arxiv_id("2111.10050") == "arXiv:2111.10050"
    assert csv_arxiv_id("arXiv:2111.10050") == "arXiv:2111.10050"
    assert csv_arxiv_id(None) is None and csv_arxiv_id("") is None


def test_pandas_reads_every_arxiv_id_back_as_text() -> None:
    frame = pd.read_csv(io.StringIO(to_csv(rows_with_ids())))

    assert list(frame.columns) == list(COLUMNS)
    assert frame["arxiv_id"].tolist() == [f"arXiv:{i}" for i in IDS]
    assert frame["paper_id"].dtype == "int64" and frame["score"].dtype == "float64"


def test_duckdb_reads_every_arxiv_id_back_as_text(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_text(to_csv(rows_with_ids()), newline="")

    relation = duckdb.connect().execute(
        f"SELECT arxiv_id, score FROM read_csv_auto('{path}')")
    types = [str(column[1]) for column in relation.description]
    values = relation.fetchall()

    assert types == ["VARCHAR", "DOUBLE"]
    assert values == [(f"arXiv:{i}", 0.8125) for i in IDS]


def test_a_bare_id_would_not_have_survived() -> None:
    """Why the prefix: the same ids written bare come back as numbers."""
    bare = "arxiv_id\r\n" + "".join(f"{i}\r\n" for i in IDS[:3])
    assert pd.read_csv(io.StringIO(bare))["arxiv_id"].tolist() == [2111.1005, 704.0001, 2501.001]


# What Excel, LibreOffice Calc and Google Sheets convert when they open a CSV: numbers (with
# thousands separators, exponents, percentages, a sign) and dates or times in the usual forms.
SPREADSHEET_NUMBER = re.compile(r"^[+-]?(\d[\d,]*\.?\d*|\.\d+)([eE][+-]?\d+)?%?$")
SPREADSHEET_DATE = re.compile(
    r"^(\d{1,4}[-/.]\d{1,2}([-/.]\d{1,4})?"  # 2021-11-10, 11/10, 10.11.2021
    r"|\d{1,2}[-/ ][A-Za-z]{3,9}([-/ ]\d{2,4})?"  # 10-Nov, 10 Nov 2021
    r"|[A-Za-z]{3,9}[-/ ]\d{1,4}([-/ ,]+\d{2,4})?"  # Nov-21, Nov 10, 2021
    r"|\d{1,2}:\d{2}(:\d{2})?)$")  # 10:50


def spreadsheet_converts(cell: str) -> bool:
    """Whether a spreadsheet would read this text cell as a number or a date."""
    return bool(SPREADSHEET_NUMBER.match(cell.strip()) or SPREADSHEET_DATE.match(cell.strip()))


def test_the_spreadsheet_rules_catch_the_bare_ids_they_are_meant_to() -> None:
    assert all(spreadsheet_converts(i) for i in IDS if "/" not in i)
    assert spreadsheet_converts("2111.10") and spreadsheet_converts("11/10")
    assert spreadsheet_converts("Nov-21") and spreadsheet_converts("1,234")


@pytest.mark.parametrize("column", ["arxiv_id"])
def test_no_id_cell_is_a_number_or_a_date_to_a_spreadsheet(column: str) -> None:
    frame = pd.read_csv(io.StringIO(to_csv(rows_with_ids())), dtype=str)

    assert not [cell for cell in frame[column] if spreadsheet_converts(cell)]


def test_csv_and_json_lines_write_score_and_coverage_alike() -> None:
    paper = Paper(id=7, title="T", arxiv_id="2111.10050")
    link = Link(id=1, paper_id=7, url="https://github.com/a/b", kind="github_repo",
                host="github.com", target="a/b")
    observation = ObservationRecord(link_id=1, service="github", status="ok",
                                    facts={"license_spdx": "mit", "stars": 3},
                                    checked_at=datetime(2026, 12, 1, tzinfo=UTC))
    card = ScorecardRecord(paper_id=7, score=0.812345678, coverage=2 / 3, grade="B",
                           status="provisional", best_code_url="https://github.com/a/b",
                           created_at=datetime(2026, 12, 1, 6, tzinfo=UTC))
    row = paper_row(paper, [link], {1: observation}, card)

    csv_cells = pd.read_csv(io.StringIO(to_csv([row])), dtype=str).iloc[0]
    jsonl = to_jsonl([row])
    document = json.loads(jsonl)

    assert (document["score"], document["coverage"]) == (0.8123, 0.6667)
    for column in ("score", "coverage"):
        assert f'"{column}": {csv_cells[column]},' in jsonl  # the same text in both
    assert document["arxiv_id"] == "2111.10050" and csv_cells["arxiv_id"] == "arXiv:2111.10050"
    assert document["license"] == csv_cells["license"] == "MIT"


@pytest.mark.parametrize(("stated", "exported"), [
    ("mit", "MIT"),  # a Hub card's lowercase id
    ("apache-2.0 OR mit", "Apache-2.0 OR MIT"),
    ("openrail", "LicenseRef-openrail"),  # Hub ids SPDX does not list: named LicenseRefs
    ("llama2", "LicenseRef-llama2"),
    ("other", "LicenseRef-other"),
    ("CC-By Attribution-NonCommercial 4.0 International", "CC-BY-NC-4.0"),  # OSF's long name
    ("NOASSERTION", "NOASSERTION"),  # GitHub saw a license file nobody could identify
    ("unknown", None),  # the Hub's "the uploader did not say": nothing is known
    ("LicenseRef-openrail", "LicenseRef-openrail"),  # already named: unchanged
])
def test_every_license_is_exported_as_spdx(stated: str, exported: str | None) -> None:
    paper = Paper(id=1, title="T")
    link = Link(id=1, paper_id=1, url="https://huggingface.co/a/b", kind="hf_model",
                host="huggingface.co", target="a/b")
    observation = ObservationRecord(link_id=1, service="huggingface", status="ok",
                                    facts={"license": stated})
    card = ScorecardRecord(paper_id=1, score=0.5, best_code_url="https://huggingface.co/a/b",
                           findings={"licenses": {"weights": stated, "data": stated}})

    row = paper_row(paper, [link], {1: observation}, card)

    assert row["license"] == row["weights_license"] == row["data_license"] == exported
