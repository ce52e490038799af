"""Daily Papers text scrape: the real seed file and the layout's edge cases."""

from __future__ import annotations

from pathlib import Path

import pytest

from tracker.ingest import read_papers
from tracker.ingest.daily_papers import is_chrome

SEED = Path(__file__).parents[2] / "fixtures" / "daily-papers.txt"
CHROME = [
    "new",
    "Get trending papers in your email inbox!",
    "Subscribe",
    "Daily Papers",
    "byAK and the research community",
    "Sep 3",
]
ABSTRACT = (
    "We study a thing at length and report what we found about it in considerable detail, "
    "with experiments on several benchmarks, ablations of every component, and a discussion "
    "of the limitations that remain open for future work in this area of research."
)


def test_seed_yields_all_56_papers_with_exact_text() -> None:
    batch = read_papers(SEED)
    assert batch.format == "daily-papers"
    assert batch.invalid == []
    assert len(batch.records) == 56
    lines = SEED.read_text(encoding="utf-8").split("\n")
    first, last = batch.records[0], batch.records[-1]
    assert first.line == 13
    assert first.title == (
        "LLaSO: A Foundational Framework for Reproducible Research in Large Language and "
        "Speech Model"
    )
    assert first.abstract == lines[14]
    assert first.abstract.startswith("The development of Large Speech-Language Models (LSLMs)")
    assert last.title == "Efficient Continual Pre-training by Mitigating the Stability Gap"
    assert last.abstract == lines[-1]
    assert last.abstract.endswith(
        "We release our models at https://huggingface.co/YiDuo1999/Llama-3-Physician-8B-Instruct."
    )
    # Every title and abstract is verbatim a line of the file, at the line the record names.
    for record in batch.records:
        assert lines[record.line - 1] == record.title
        assert record.abstract == lines[record.line + 1]
        assert record.urls == [] and record.arxiv_id is None


def test_seed_chrome_never_becomes_a_paper() -> None:
    titles = {record.title for record in read_papers(SEED).records}
    assert not titles & set(CHROME)
    assert all(record.line > 12 for record in read_papers(SEED).records)


@pytest.mark.parametrize("text", CHROME + ["Sep 30, 2025", "2025-09-03", "42", "1.2k"])
def test_known_chrome_is_recognised(text: str) -> None:
    assert is_chrome(text)


def test_unknown_chrome_is_recognised_by_structure(tmp_path: Path) -> None:
    path = tmp_path / "scrape.txt"
    path.write_text(
        "Welcome\n\nMenu\n\nSome banner text\n\n"
        f"First Title\n\n{ABSTRACT}\n\nSecond Title\n\n{ABSTRACT}\n",
        encoding="utf-8",
    )
    batch = read_papers(path)
    assert batch.format == "daily-papers"
    assert [(r.line, r.title) for r in batch.records] == [(7, "First Title"), (11, "Second Title")]


def test_title_without_abstract_at_end_of_file_is_a_paper(tmp_path: Path) -> None:
    path = tmp_path / "scrape.txt"
    path.write_text(f"Daily Papers\n\nOne\n\n{ABSTRACT}\n\nDangling Title\n", encoding="utf-8")
    records = read_papers(path).records
    assert [(r.title, r.abstract) for r in records] == [("One", ABSTRACT), ("Dangling Title", None)]
    assert records[1].line == 7


def test_title_without_abstract_in_the_middle(tmp_path: Path) -> None:
    path = tmp_path / "scrape.txt"
    path.write_text(
        f"One\n\n{ABSTRACT}\n\nNo Abstract Here\n\nThree\n\n{ABSTRACT}\n", encoding="utf-8"
    )
    records = read_papers(path, "daily-papers").records
    assert [(r.title, r.abstract is not None) for r in records] == [
        ("One", True),
        ("No Abstract Here", False),
        ("Three", True),
    ]


def test_crlf_and_extra_blank_lines(tmp_path: Path) -> None:
    path = tmp_path / "scrape.txt"
    path.write_bytes(f"Sep 3\r\n\r\nOne\r\n\r\n\r\n\r\n{ABSTRACT}\r\n".encode())
    [record] = read_papers(path).records
    assert (record.line, record.title, record.abstract) == (3, "One", ABSTRACT)


def test_two_paragraph_abstract_reports_the_stray_paragraph(tmp_path: Path) -> None:
    path = tmp_path / "scrape.txt"
    path.write_text(f"One\n\n{ABSTRACT}\n\n{ABSTRACT} {ABSTRACT}\n", encoding="utf-8")
    batch = read_papers(path, "daily-papers")
    assert [r.title for r in batch.records] == ["One"]
    [bad] = batch.invalid
    assert bad.line == 5 and "title was expected" in bad.reason
