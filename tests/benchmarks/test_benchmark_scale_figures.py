"""The benchmark's scale figures: network bound, store growth, and Hub entries a quota leaves.

No assertion is about time: the benchmark reports times, it does not judge them.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from benchmarks.audit import main, network_bound, yearly_store
from benchmarks.corpus import build_corpus


def test_the_network_bound_is_the_slowest_service_with_githubs_spacing() -> None:
    bound = network_bound({"github": 10, "huggingface": 9, "osf": 0, "web": 4}, latency=0.05)
    assert bound["github"] == 2.5  # serial, 0.25 s apart
    assert bound["huggingface"] == round(math.ceil(9 / 4) * 0.05, 2)
    assert bound["bound"] == 2.5


@pytest.mark.timeout(600)  # some 20 short processes: imports, audits and fakes
def test_the_quick_run_reports_every_target_beside_todays_figures(tmp_path: Path,
                                                                    capsys) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "figures.json"
    main(["--quick",
          "--workdir", str(tmp_path), "--json", str(out)])
    figures = json.loads(out.read_text())
    printed = capsys.readouterr().out
    assert "Targets (issue 14):" in printed and "by table" in printed

    # Discovery off and on, each a first audit and an unchanged re-audit.
    off, on = figures["results"]
    assert (off["discovery"], on["discovery"]) == (False, True)
    for result in (off, on):
        first, second = result["runs"]
        assert 0 <= second["bytes_per_paper"] < first["bytes_per_paper"]
        # The breakdown accounts for the whole file's growth (free pages included).
        for row in (first, second):
            parts = row["table_bytes_per_paper"]
            assert abs(sum(parts.values()) - row["bytes_per_paper"]) <= len(parts)
        assert "content" in first["table_bytes_per_paper"]
    # Discovery asks the Hub's paper index: more Hub requests in a first audit, none again.
    assert on["runs"][0]["requests"]["huggingface"] > off["runs"][0]["requests"]["huggingface"]
    assert on["runs"][1]["requests"] == off["runs"][1]["requests"]

    # The quota scenario: 100 papers' Hub entries, a quota of 10 per (accelerated: 5 s) window.
    waiting_60, waiting_window = figures["hub_quota"]
    entries = sum(build_corpus(100).mix().get(k, 0) for k in ("hf_model", "hf_dataset"))
    assert waiting_60["entries"] == entries > 2 * waiting_60["quota"] == 20
    first, second = waiting_60["runs"]
    # Without waiting a window, an audit observes about a window's quota, deferred ones first.
    assert entries - first["hub_requests"] <= first["hub_unobserved"] < entries
    assert second["hub_unobserved"] < first["hub_unobserved"]
    assert second["hub_unobserved"] > 0  # two windows cannot hold every entry
    # Waiting up to a window for the reset observes every entry in the first audit, each
    # with a request of its own (a renamed entry costs its follow-up too).
    assert [run["hub_unobserved"] for run in waiting_window["runs"]] == [0, 0]
    for run in waiting_window["runs"]:
        assert run["hub_requests"] - run["refused_429"] >= entries

    verdicts = {line["figure"].split(" (")[0]: line for line in figures["targets"]}
    assert {"first audit wall / network bound", "store growth, unchanged re-audit",
            "52 weekly audits of 10,000 papers, keep_all_days=90",
            "Hub entries unobserved after 1 / 2 audits"} <= set(verdicts)
    year = verdicts["52 weekly audits of 10,000 papers, keep_all_days=90"]
    assert year["today"].endswith("MB keeping every audit)")


def test_retention_keeps_fewer_audits_whole_in_the_yearly_estimate() -> None:
    first, second = {"bytes_per_paper": 8000}, {"bytes_per_paper": 500}
    kept = yearly_store(first, second, keep_all_days=90)
    everything = yearly_store(first, second, keep_all_days=0)
    assert everything["reaudits_kept_whole"] == 51
    # 90 days of weekly audits, then the first audit of each older month.
    assert 12 + 8 <= kept["reaudits_kept_whole"] < 51
    assert everything["mb_with_retention"] == (8000 + 51 * 500) * 10_000 / 1e6
    assert kept["mb_with_retention"] < everything["mb_with_retention"]
