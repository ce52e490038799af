"""A tiny run of the audit benchmark: every figure present, and the tool's counts match the fakes'.

No assertion is about time: the benchmark reports times, it does not judge them.
"""

from __future__ import annotations

import json
from pathlib import Path

from benchmarks.audit import main
from benchmarks.corpus import build_corpus

SERVICES = ("github", "huggingface", "osf", "web")


def _run(tmp_path: Path) -> dict:
    out = tmp_path / "figures.json"
    main(["--papers", "20", "--latency", "0", "--baseline-spacing", "0",
          "--workdir", str(tmp_path), "--json", str(out)])
    [result] = json.loads(out.read_text())["results"]
    return result


def test_benchmark_reports_consistent_figures(tmp_path: Path, capsys) -> None:
    result = _run(tmp_path)
    runs = {row["run"]: row for row in result["runs"]}
    assert list(runs) == ["first audit", "second audit", "baseline"]
    mix = build_corpus(20).mix()
    assert result["import"]["papers"] == 20
    assert result["import"]["links"] == sum(
        v for k, v in mix.items() if k != "papers_without_links")

    first, second, baseline = runs["first audit"], runs["second audit"], runs["baseline"]
    for row in (first, second):
        # What the tool counted is what the fakes received, service by service.
        assert {s: row["tool_requests"].get(s, 0) for s in SERVICES} == row["requests"]
        assert row["status"] == "completed"
        assert row["links_checked"] == result["import"]["links"]
        assert row["requests_total"] == sum(row["requests"].values())
        for key in ("wall_seconds", "cpu_seconds", "peak_rss_mb", "db_mb"):
            assert row[key] > 0
    # With a token GitHub is asked in GraphQL batches: one query for this corpus's repositories,
    # plus each reachable repository's whole tree over REST on the first audit; the second
    # audit finds the same tree SHAs and fetches no tree again.
    repos = mix.get("github", 0)
    assert first["graphql_requests"] == second["graphql_requests"] == 1
    assert 1 < first["requests"]["github"] <= 1 + repos
    assert second["requests"]["github"] == 1
    assert first["graphql_points"] == 1
    assert first["hub_per_entry"] >= 1.0
    # The second audit sends the pages' ETags back: those answers are 304s, counted by both.
    assert second["rest_304"] > 0
    assert second["rest_304"] == sum(second["tool_not_modified"].values())
    assert second["db_mb"] >= first["db_mb"]

    # The baseline: five REST calls per reachable repository, one per Hub entry, no OSF or pages.
    assert baseline["requests"]["osf"] == baseline["requests"]["web"] == 0
    assert baseline["outcomes"]["github_ok"] * 5 <= baseline["requests"]["github"]
    assert baseline["requests"]["huggingface"] == mix.get("hf_model", 0) + mix.get("hf_dataset", 0)
    ratios = result["ratios"]
    assert ratios["github_requests"] == round(first["requests"]["github"]
                                              / baseline["requests"]["github"], 4)
    assert "first audit" in capsys.readouterr().out
