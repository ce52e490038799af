"""Memory stays bounded: what an item adds to the peak RSS of a listing, an export and a tree
walk, measured at two sizes in processes of their own (`benchmarks.memory`)."""

from __future__ import annotations

import pytest

from benchmarks.memory import measure_store_reads, measure_tree

# Each measurement starts the tool in a process of its own: minutes on a loaded machine.
pytestmark = pytest.mark.timeout(1200)
SMALL, LARGE = 1_000, 3_000  # both hold at least one whole page (1,000 papers)


def test_papers_json_and_exports_take_no_more_memory_for_ten_times_the_papers() -> None:
    both = {"papers", "export"}
    small = {m["measured"]: m["peak_rss_mb"] for m in measure_store_reads(SMALL, both, idle=False)}
    large = {m["measured"]: m["peak_rss_mb"] for m in measure_store_reads(LARGE, both, idle=False)}

    assert set(large) == {"papers --json", "export csv", "export jsonl"}
    for measured, peak in large.items():
        # Gathering the rows first cost about 10 kB a paper (about 20 MB here); streaming
        # holds one page of papers whatever the store's size.
        per_paper_kb = (peak - small[measured]) * 1024 / (LARGE - SMALL)
        assert per_paper_kb < 3, (measured, small[measured], peak)


def test_a_tree_three_times_larger_than_github_s_answer_costs_what_one_answer_costs() -> None:
    one = measure_tree(100_000, idle=False)
    three = measure_tree(300_000, idle=False)

    assert three["blobs"] == 300_000 and three["kept"] == 100_000
    assert three["complete"] is False  # capped, and says so
    # Keeping every blob cost about 0.25 kB each (50 MB more here); the listing keeps the
    # first 100,000 and counts the rest.
    assert three["peak_rss_mb"] - one["peak_rss_mb"] < 20, (one, three)
