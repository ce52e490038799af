"""CSV/TSV import: header aliases, delimiters, quoting, physical line numbers, bad rows."""

from __future__ import annotations

from pathlib import Path

import pytest

from tracker.errors import InputError
from tracker.ingest import read_papers

FIXTURES = Path(__file__).parents[2] / "fixtures" / "ingest"


def _write(tmp_path: Path, text: str, name: str = "papers.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_fixture_records_and_physical_line_numbers() -> None:
    batch = read_papers(FIXTURES / "papers.csv")
    assert batch.format == "csv"
    assert [(r.line, r.title, r.arxiv_id) for r in batch.records] == [
        (2, "First Paper", "2106.09685"),
        (3, 'A "quoted" title, with a comma', None),
        (4, "A title that spans two lines", "1706.03762"),
        (10, "Last Paper", None),  # the quoted cell on line 4 spans lines 4-5
    ]
    assert batch.records[0].urls == [("https://github.com/a/b", "code")]


def test_fixture_invalid_rows() -> None:
    invalid = read_papers(FIXTURES / "papers.csv").invalid
    assert [(i.line, i.reason) for i in invalid] == [
        (6, "row has 5 cells, header has 4"),
        (8, "row has no title, arxiv_id, url or doi"),
        (9, "column 'arXiv ID': 'not-an-id' is not an arXiv id"),
    ]


def test_semicolon_delimiter_is_sniffed() -> None:
    batch = read_papers(FIXTURES / "semicolon.csv")
    assert [(r.title, r.doi, r.abstract) for r in batch.records] == [
        ("Semicolon Paper", "10.1000/xyz123", "An abstract, with a comma"),
        ("Second", "10.1000/abc", "quoted; abstract"),
    ]


def test_tsv_with_eprint_and_link_columns() -> None:
    batch = read_papers(FIXTURES / "papers.tsv")
    assert batch.format == "csv"
    assert [(r.arxiv_id, r.urls) for r in batch.records] == [
        ("2001.08361", [("https://github.com/openai/gpt-2", "link")]),
        (None, [("https://osf.io/abcde", "link")]),
    ]


def test_csv_detected_by_content_without_extension(tmp_path: Path) -> None:
    path = _write(tmp_path, "TITLE,Url\nA,https://github.com/a/b\n", name="papers.txt")
    batch = read_papers(path)
    assert batch.format == "csv"
    assert batch.records[0].urls == [("https://github.com/a/b", "url")]


def test_header_without_known_column_is_a_file_error(tmp_path: Path) -> None:
    path = _write(tmp_path, "\nname,year\nA,2020\n")
    with pytest.raises(InputError) as exc:
        read_papers(path)
    assert exc.value.file == str(path) and exc.value.line == 2
    assert f"{path}:2" in str(exc.value) and "title, arxiv_id, url or doi" in str(exc.value)


def test_duplicate_header_column_is_a_file_error(tmp_path: Path) -> None:
    path = _write(tmp_path, "title,url,Title\nA,,B\n")
    with pytest.raises(InputError) as exc:
        read_papers(path)
    assert exc.value.line == 1 and "'title' and 'Title'" in str(exc.value)
    assert str(path) in str(exc.value)


def test_unterminated_quote_is_an_invalid_row(tmp_path: Path) -> None:
    path = _write(tmp_path, 'title,url\nGood,\n"Open quote,\nnever closed\n')
    batch = read_papers(path)
    assert [r.title for r in batch.records] == ["Good"]
    [bad] = batch.invalid
    assert bad.line == 3 and "never closed" in bad.reason


def test_bad_quoting_mid_file_keeps_later_rows(tmp_path: Path) -> None:
    path = _write(tmp_path, 'title,url\n"Bad"x,\nLater,\n')
    batch = read_papers(path)
    assert [r.title for r in batch.records] == ["Later"]
    assert [i.line for i in batch.invalid] == [2]


def test_placeholders_and_unknown_columns_are_ignored(tmp_path: Path) -> None:
    path = _write(tmp_path, "title,code,notes\nA,n/a,whatever\n")
    [record] = read_papers(path).records
    assert record.urls == []


def test_url_cell_that_is_not_a_url(tmp_path: Path) -> None:
    path = _write(tmp_path, "title,code\nA,see paper\n")
    [bad] = read_papers(path).invalid
    assert bad.reason == "column 'code': 'see' is not a URL"


def test_arxiv_url_in_url_column_supplies_the_id(tmp_path: Path) -> None:
    path = _write(tmp_path, "url\nhttps://arxiv.org/abs/2106.09685v2\n")
    [record] = read_papers(path).records
    assert record.arxiv_id == "2106.09685"
    assert record.urls == [("https://arxiv.org/abs/2106.09685v2", "url")]
