"""Does the seed's CSV export read back unchanged through pandas' and duckdb's defaults?

Run: `python -m benchmarks.csv_round_trip [--json out.json]`. The seed Daily Papers page is
imported with `--resolve` and audited on the loopback fakes (as in benchmarks.release_contents),
exported as CSV and as JSON Lines, and the CSV is read with `pandas.read_csv` and duckdb's
`read_csv_auto`, both with their defaults. Every cell is compared with the JSON Lines value
(the CSV's `arxiv_id` is `arXiv:<id>`, the JSON's the bare id); it prints the dtypes pandas
chose, how many arXiv ids survived, and every cell that differs (there should be none).
"""

from __future__ import annotations

import argparse
import io
import json
import math
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from benchmarks.release_contents import _run

ARXIV_PREFIX = "arXiv:"
# Loopback fakes ask for no politeness spacing: only the values matter here, not the pace.
FAST = "[arxiv]\nmin_interval = 0.0\n[github]\nmin_request_interval = 0.0\n"


def _same(csv_value: Any, json_value: Any, column: str) -> bool:
    """A CSV cell as a reader typed it, against the JSON Lines value of the same cell."""
    missing = csv_value is None or (isinstance(csv_value, float) and math.isnan(csv_value))
    if json_value is None or json_value == "":
        return missing
    if missing:
        return False
    if column == "arxiv_id":
        return csv_value == ARXIV_PREFIX + json_value
    if isinstance(csv_value, datetime):  # duckdb reads ISO 8601 cells as timestamps
        if csv_value.tzinfo is not None:  # in the session's time zone: back to UTC
            csv_value = csv_value.astimezone(UTC)
        text = csv_value.isoformat().replace("+00:00", "Z")
        return text == json_value or text + "Z" == json_value
    if isinstance(json_value, bool) or isinstance(csv_value, bool):
        return bool(csv_value) == json_value and isinstance(csv_value, bool)
    if isinstance(json_value, (int, float)):
        return isinstance(csv_value, (int, float)) and float(csv_value) == float(json_value)
    return str(csv_value) == str(json_value)


def compare(records: list[dict[str, Any]], rows: list[dict[str, Any]]) -> list[str]:
    """`paper_id column: csv value != json value` for every cell that did not survive."""
    differences = []
    for record, row in zip(records, rows, strict=True):
        for column, value in row.items():
            if not _same(record.get(column), value, column):
                differences.append(f"{row['paper_id']} {column}: {record.get(column)!r} "
                                   f"!= {value!r}")
    return differences


def round_trip(csv_text: str, rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Read `csv_text` with pandas' and duckdb's defaults and compare with `rows` (JSONL)."""
    import duckdb
    import pandas as pd

    frame = pd.read_csv(io.StringIO(csv_text))
    records = [{k: (None if v is pd.NA else v) for k, v in r.items()}
               for r in frame.to_dict("records")]
    with tempfile.NamedTemporaryFile("w", suffix=".csv", newline="", delete=False) as handle:
        handle.write(csv_text)
    connection = duckdb.connect()
    duck = connection.execute(f"SELECT * FROM read_csv_auto('{handle.name}')")
    names = [d[0] for d in duck.description]
    duck_records = [dict(zip(names, values, strict=True)) for values in duck.fetchall()]
    duck_types = dict(zip(names, (str(d[1]) for d in duck.description), strict=True))
    Path(handle.name).unlink()
    ids = [r["arxiv_id"] for r in rows if r.get("arxiv_id")]
    return {
        "papers": len(rows),
        "columns": len(frame.columns),
        "pandas_dtypes": {c: str(t) for c, t in frame.dtypes.items()},
        "duckdb_types": duck_types,
        "arxiv_ids": len(ids),
        "arxiv_ids_survived_pandas": sum(
            1 for r, row in zip(records, rows, strict=True)
            if row.get("arxiv_id") and r["arxiv_id"] == ARXIV_PREFIX + row["arxiv_id"]),
        "arxiv_ids_survived_duckdb": sum(
            1 for r, row in zip(duck_records, rows, strict=True)
            if row.get("arxiv_id") and r["arxiv_id"] == ARXIV_PREFIX + row["arxiv_id"]),
        "pandas_differences": compare(records, rows),
        "duckdb_differences": compare(duck_records, rows),
    }


def main(argv: list[str] | None = None) -> None:
    """Audit the seed on the fakes, export it, read the CSV back and print the comparison."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        run = _run(Path(__file__).resolve().parents[1], Path(tmp), extra_config=FAST)
    result = round_trip(run["csv"], run["rows"])
    result.update(import_exit=run["import"], audit_exit=run["audit"],
                  scored=sum(1 for r in run["rows"] if r.get("score") is not None))
    print(f"seed: {result['papers']} papers, {result['scored']} scored, "
          f"{result['columns']} columns (import exit {run['import']}, audit exit {run['audit']})")
    print("pandas.read_csv dtypes: " + ", ".join(
        f"{c}={t}" for c, t in result["pandas_dtypes"].items()))
    print("duckdb read_csv_auto types: " + ", ".join(
        f"{c}={t}" for c, t in result["duckdb_types"].items()))
    print(f"arXiv ids: {result['arxiv_ids']}; survived pandas "
          f"{result['arxiv_ids_survived_pandas']}, duckdb {result['arxiv_ids_survived_duckdb']}")
    for reader in ("pandas", "duckdb"):
        differences = result[f"{reader}_differences"]
        print(f"{reader}: {len(differences)} cells differ from the JSON Lines values")
        for line in differences[:20]:
            print(f"  {line}")
    if args.json:
        args.json.write_text(json.dumps(result, indent=1, default=str))


if __name__ == "__main__":
    main()
