"""`export --format parquet`: typed columns with the JSON Lines values, and a one-line exit 2
where pyarrow (the optional [parquet] extra) is not installed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from conftest import SEED
from fakes.huggingface import FakeHub, fake_hub  # noqa: F401
from typer.testing import CliRunner

from reports.parquet import SCHEMA
from reports.rows import COLUMNS
from tracker.cli.main import app

REPROTRACK = str(Path(sys.executable).with_name("reprotrack"))


def run(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(app, list(args), catch_exceptions=False)


def test_parquet_holds_the_json_lines_values_in_typed_columns(
    db_url: str, fake_hub: FakeHub, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("HF_ENDPOINT", fake_hub.url)
    fake_hub.add_dataset("furonghuang-lab/Easy2Hard-Bench", files={"data/x.parquet": 9_000_000})
    run("--db", db_url, "import", str(SEED))
    run("--db", db_url, "check", "Easy2Hard-Bench")
    out = tmp_path / "papers.parquet"

    result = run("--db", db_url, "export", "--format", "parquet", "--out", str(out))

    assert result.exit_code == 0, result.output
    table = pq.read_table(out)
    assert table.schema.names == list(COLUMNS)
    types = {field.name: field.type for field in table.schema}
    assert types["paper_id"] == pa.int64() and types["arxiv_id"] == pa.string()
    assert types["score"] == types["coverage"] == pa.float64()
    assert types["data_released"] == pa.bool_() and types["stars"] == pa.int64()
    assert types["checked_at"] == pa.timestamp("ms", tz="UTC")
    lines = run("--db", db_url, "export", "--format", "jsonl").stdout.splitlines()
    expected = [json.loads(line) for line in lines]
    got = table.to_pylist()
    assert len(got) == len(expected) == 56
    for row, want in zip(got, expected, strict=True):
        stamp = row.pop("checked_at")
        assert (stamp.strftime("%Y-%m-%dT%H:%M:%SZ") if stamp else None) == want.pop("checked_at")
        row.pop("last_commit"), want.pop("last_commit")
        assert row == want
    [checked] = [r for r in got if r["score"] is not None]
    assert checked["data_released"] is True and isinstance(checked["score"], float)


def test_an_empty_store_still_gets_every_typed_column(sqlite_url: str, tmp_path: Path) -> None:
    out = tmp_path / "empty.parquet"

    assert run("--db", sqlite_url, "export", "-f", "parquet", "-o", str(out)).exit_code == 0
    assert pq.read_table(out).schema.equals(SCHEMA)


def test_without_pyarrow_parquet_is_refused_in_one_line(tmp_path: Path) -> None:
    # A pyarrow that cannot be imported, ahead of the installed one on the path: what a
    # machine without the [parquet] extra sees.
    shadow = tmp_path / "shadow" / "pyarrow"
    shadow.mkdir(parents=True)
    (shadow / "__init__.py").write_text(
        "raise ModuleNotFoundError(\"No module named 'pyarrow'\", name='pyarrow')\n")
    env = {**os.environ, "PYTHONPATH": str(shadow.parent)}
    out = tmp_path / "papers.parquet"

    result = subprocess.run(
        [REPROTRACK, "--db", f"sqlite:///{tmp_path / 'r.db'}", "export", "--format",
         "parquet", "--out", str(out)], env=env, capture_output=True, text=True, timeout=120)

    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "error: [--format]: --format parquet needs pyarrow, which is not installed: "
        "pip install 'reprotrack[parquet]'"]
    assert not out.exists()
    csv = subprocess.run(
        [REPROTRACK, "--db", f"sqlite:///{tmp_path / 'r.db'}", "export", "--format", "csv"],
        env=env, capture_output=True, text=True, timeout=120)
    assert csv.returncode == 0 and csv.stdout.startswith("paper_id,title,arxiv_id")
