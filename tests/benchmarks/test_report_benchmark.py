"""The report benchmark's figures: the queries a report costs grow with audits, not papers.

No assertion is about time: the benchmark reports times, it does not judge them.
"""

from __future__ import annotations

import json
from pathlib import Path

from benchmarks.report import main


def test_report_queries_grow_with_the_audits_shown_not_with_the_papers(tmp_path: Path) -> None:
    out = tmp_path / "figures.json"
    main(["--papers", "4", "16", "--audits", "2", "3", "--json", str(out)])
    figures = {(row["papers"], row["audits"]): row for row in json.loads(out.read_text())}

    assert figures[4, 2]["queries"] == figures[16, 2]["queries"]
    assert figures[4, 3]["queries"] == figures[16, 3]["queries"]
    per_audit = figures[4, 3]["queries"] - figures[4, 2]["queries"]
    assert 0 < per_audit <= 8  # a few queries per audit in the charts and the link history
    assert figures[16, 2]["html_bytes"] > figures[4, 2]["html_bytes"]
    assert all(row["md_bytes"] > 0 for row in figures.values())
