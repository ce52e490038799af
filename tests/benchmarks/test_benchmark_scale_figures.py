"""The benchmark's scale figures: network bound, store growth, and Hub entries a quota leaves.

No assertion is about time: the benchmark reports times, it does not judge them.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

from benchmarks.audit import main, network_bound
from benchmarks.corpus import build_corpus


def test_the_network_bound_is_the_slowest_service_with_githubs_spacing() -> None:
    bound = network_bound({"github": 10, "huggingface": 9, "osf": 0, "web": 4}, latency=0.05)
    assert bound["github"] == 2.5  # serial, 0.25 s apart
    assert bound["huggingface"] == round(math.ceil(9 / 4) * 0.05, 2)
    assert bound["bound"] == 2.5


def test_a_quota_smaller_than_the_hub_entries_is_never_overspent(tmp_path: Path) -> None:
    out = tmp_path / "figures.json"
    main(["--papers", "40", "--latency", "0", "--skip-baseline", "--hub-api-limit", "4",
          "--workdir", str(tmp_path), "--json", str(out)])
    [result] = json.loads(out.read_text())
    first, second = result["runs"]
    mix = build_corpus(40).mix()
    entries = mix.get("hf_model", 0) + mix.get("hf_dataset", 0)
    assert entries > 2 * 4  # more than two windows' worth

    assert entries - 4 <= first["hub_unobserved"] < entries
    assert second["hub_unobserved"] < first["hub_unobserved"]  # the deferred went first
    for row in (first, second):
        assert "429" not in row["statuses"]["huggingface"]  # no request the quota refused
        assert row["requests"]["huggingface"] <= 4
        assert row["network_bound"]["bound"] == max(
            v for k, v in row["network_bound"].items() if k != "bound")
        assert row["wall_per_bound"] is None or row["wall_per_bound"] > 0
        assert row["database"] == "sqlite"
    assert first["bytes_per_paper"] > 0 and second["bytes_per_paper"] >= 0
