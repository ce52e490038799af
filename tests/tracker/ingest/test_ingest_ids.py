"""Identifier lists: arXiv ids and URLs, HF paper URLs, DOIs, comments and bad lines."""

from __future__ import annotations

from pathlib import Path

from tracker.ingest import read_papers

FIXTURE = Path(__file__).parents[2] / "fixtures" / "ingest" / "ids.txt"


def test_fixture_records() -> None:
    batch = read_papers(FIXTURE)
    assert batch.format == "ids"
    assert [(r.line, r.arxiv_id, r.doi) for r in batch.records] == [
        (2, "2106.09685", None),
        (3, "1706.03762", None),
        (4, "2001.08361", None),
        (5, "2203.02155", None),
        (7, None, "10.1145/3458817.3476180"),
        (8, "2305.18290", "10.48550/arxiv.2305.18290"),
        (9, None, "10.1038/s41586-021-03819-2"),
        (10, "hep-th/9901001", None),
    ]
    assert all(r.urls == [] and r.title is None for r in batch.records)


def test_fixture_bad_line() -> None:
    [bad] = read_papers(FIXTURE).invalid
    assert bad.line == 11
    assert bad.reason == (
        "line 'not an id' is neither an arXiv id, an arXiv or Hugging Face paper URL, nor a DOI"
    )


def test_mostly_ids_is_still_detected_as_a_list(tmp_path: Path) -> None:
    path = tmp_path / "list.txt"
    path.write_text("2106.09685\n2106.0968x\n1706.03762\n", encoding="utf-8")
    batch = read_papers(path)
    assert batch.format == "ids"
    assert [r.line for r in batch.records] == [1, 3]
    assert [i.line for i in batch.invalid] == [2]


def test_forced_ids_format(tmp_path: Path) -> None:
    path = tmp_path / "list.csv"
    path.write_text("2106.09685\n", encoding="utf-8")
    assert read_papers(path, "ids").records[0].arxiv_id == "2106.09685"
