"""The closing-note figure: the seed, audited on the fakes, exported as CSV and read back
with pandas' and duckdb's defaults, equals its JSON Lines export cell by cell."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_seeds_csv_reads_back_unchanged_in_pandas_and_duckdb(tmp_path: Path) -> None:
    out = tmp_path / "round_trip.json"

    run = subprocess.run([sys.executable, "-m", "benchmarks.csv_round_trip", "--json", str(out)],
                         cwd=ROOT, capture_output=True, text=True, timeout=600)

    assert run.returncode == 0, run.stderr[-2000:]
    result = json.loads(out.read_text())
    assert (result["import_exit"], result["audit_exit"]) == (0, 0)
    assert result["papers"] == result["scored"] == 56
    assert result["pandas_differences"] == result["duckdb_differences"] == []
    assert result["arxiv_ids"] == 24
    assert result["arxiv_ids_survived_pandas"] == result["arxiv_ids_survived_duckdb"] == 24
    dtypes = result["pandas_dtypes"]
    assert dtypes["arxiv_id"] in {"object", "str"} and dtypes["paper_id"] == "int64"
    assert dtypes["score"] == dtypes["coverage"] == "float64"
    assert result["duckdb_types"]["arxiv_id"] == "VARCHAR"
    assert "0 cells differ" in run.stdout
