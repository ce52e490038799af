"""CSV and JSON Lines exports: DESIGN.md's columns, RFC 4180, empty cells, atomic writes."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from conftest import SEED
from fakes.arxiv import FakeArxiv, fake_arxiv  # noqa: F401
from fakes.huggingface import FakeHub, fake_hub  # noqa: F401
from typer.testing import CliRunner

from reports.exporters import to_csv, write_atomically
from reports.rows import COLUMNS
from tracker.cli.main import app


def run(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(app, list(args), catch_exceptions=False)


def test_never_checked_papers_have_empty_cells_not_zeros(sqlite_url: str) -> None:
    run("--db", sqlite_url, "import", str(SEED))
    result = run("--db", sqlite_url, "export", "--format", "csv")

    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert tuple(rows[0]) == COLUMNS
    assert len(rows) == 56
    llaso = rows[0]
    assert llaso["title"].startswith("LLaSO") and llaso["links_total"] == "1"
    assert all(llaso[c] == "" for c in ("score", "grade", "checklist", "stars", "links_ok",
                                         "environment", "checked_at"))


def test_a_checked_paper_exports_its_scorecard(
    sqlite_url: str, fake_hub: FakeHub, fake_arxiv: FakeArxiv, monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    monkeypatch.setenv("HF_ENDPOINT", fake_hub.url)
    # Discovery's title search must answer: a paper whose discovery failed has no grade.
    monkeypatch.setenv("ARXIV_API_URL", fake_arxiv.url + "/api")
    fake_hub.add_dataset("furonghuang-lab/Easy2Hard-Bench", files={"data/x.parquet": 9_000_000})
    run("--db", sqlite_url, "import", str(SEED))
    run("--db", sqlite_url, "check", "Easy2Hard-Bench")
    out = tmp_path / "out" / "scorecards.csv"
    out.parent.mkdir()

    run("--db", sqlite_url, "export", "--format", "csv", "--out", str(out))

    rows = {r["title"]: r for r in csv.DictReader(out.open(newline=""))}
    [row] = [r for t, r in rows.items() if t.startswith("Easy2Hard")]
    assert row["data_released"] == "true"
    assert row["weights_released"] == "false"
    assert row["links_total"] == "1" and row["links_ok"] == "1"
    assert row["grade"] in {"A", "B", "C", "D", "F"} and 0 <= float(row["score"]) <= 1
    assert row["promise_unfulfilled"] == "false"
    assert row["checked_at"].endswith("Z") and row["checked_at"][:2] == "20"
    jsonl = run("--db", sqlite_url, "export", "--format", "jsonl").stdout.splitlines()
    assert len(jsonl) == 56
    assert [json.loads(line)["title"] for line in jsonl][:1] == [next(iter(rows))]


def test_titles_with_commas_quotes_and_newlines_survive_a_round_trip() -> None:
    title = 'Say "hello", world;\nagain'
    text = to_csv([{"paper_id": 1, "title": title, "score": 0.5, "promise_unfulfilled": True}])
    assert "\r\n" in text
    [row] = list(csv.DictReader(io.StringIO(text, newline="")))
    assert row["title"] == title and row["score"] == "0.5" and row["promise_unfulfilled"] == "true"


def test_an_interrupted_write_leaves_the_old_file(tmp_path: Path) -> None:
    target = tmp_path / "export.csv"
    target.write_text("old complete file\n")

    half_written = "paper_id,title\r\n" * 10_000 + "\ud800"  # unencodable: fails mid-write

    with pytest.raises(UnicodeEncodeError):
        write_atomically(target, half_written)
    assert target.read_text() == "old complete file\n"
    assert [p.name for p in tmp_path.iterdir()] == ["export.csv"]  # no temp file left


def test_an_unknown_format_exits_2(sqlite_url: str) -> None:
    result = run("--db", sqlite_url, "export", "--format", "xlsx")
    assert result.exit_code == 2 and "unknown export format 'xlsx'" in result.stderr
