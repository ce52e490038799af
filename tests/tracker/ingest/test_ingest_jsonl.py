"""JSON Lines import: keys, urls lists, wrong types and non-object lines."""

from __future__ import annotations

from pathlib import Path

from tracker.ingest import read_papers

FIXTURE = Path(__file__).parents[2] / "fixtures" / "ingest" / "papers.jsonl"


def test_fixture_records() -> None:
    batch = read_papers(FIXTURE)
    assert batch.format == "jsonl"
    by_line = {r.line: r for r in batch.records}
    assert sorted(by_line) == [1, 3, 8, 10]
    assert by_line[1].title == "First JSON Paper" and by_line[1].arxiv_id == "2106.09685"
    assert by_line[3].urls == [
        ("https://github.com/c/d", "urls"),
        ("https://huggingface.co/org/model", "urls"),
    ]
    assert by_line[8].arxiv_id == "2203.02155"  # from an HF paper URL
    assert (by_line[10].doi, by_line[10].arxiv_id, by_line[10].title) == (
        "10.48550/arxiv.1706.03762",
        "1706.03762",
        None,
    )


def test_fixture_invalid_lines() -> None:
    invalid = read_papers(FIXTURE).invalid
    assert [(i.line, i.reason) for i in invalid] == [
        (4, "not valid JSON: Expecting value (column 1)"),
        (5, "line is an array, not a JSON object"),
        (6, "key 'title' must be a string, got a number"),
        (7, "key 'arxiv_id' must be a string, got a number"),
        (9, "object has none of the keys title, arxiv_id, url or doi"),
    ]


def test_detected_by_content(tmp_path: Path) -> None:
    path = tmp_path / "papers.txt"
    path.write_text('{"title": "A"}\n{"title": "B"}\n', encoding="utf-8")
    batch = read_papers(path)
    assert batch.format == "jsonl"
    assert [r.title for r in batch.records] == ["A", "B"]


def test_urls_must_be_strings(tmp_path: Path) -> None:
    path = tmp_path / "p.jsonl"
    path.write_text('{"title": "A", "urls": ["https://x.org/a", 3]}\n', encoding="utf-8")
    [bad] = read_papers(path).invalid
    assert bad.line == 1 and "'urls' must be a string or a list of strings" in bad.reason


def test_bad_arxiv_value_names_the_key(tmp_path: Path) -> None:
    path = tmp_path / "p.jsonl"
    path.write_text('\n{"eprint": "nope"}\n', encoding="utf-8")
    [bad] = read_papers(path).invalid
    assert (bad.line, bad.reason) == (2, "key 'eprint': 'nope' is not an arXiv id")
