"""File-level checks of read_papers (size, encoding, binary, ...) and format detection."""

from __future__ import annotations

import codecs
import os
from pathlib import Path

import pytest

from tracker.errors import InputError
from tracker.ingest import FORMATS, detect_format, read_papers
from tracker.ingest import reader as reader_module

ABSTRACT = "An abstract that is long enough to read as one, " * 6


def _error(path: Path, *args: object, **kwargs: object) -> InputError:
    with pytest.raises(InputError) as exc:
        read_papers(path, *args, **kwargs)  # type: ignore[arg-type]
    assert exc.value.file == str(path)
    assert str(exc.value).startswith(str(path))
    assert exc.value.exit_code == 2
    return exc.value


def test_missing_file(tmp_path: Path) -> None:
    assert "no such file" in _error(tmp_path / "nope.txt").message


def test_directory(tmp_path: Path) -> None:
    assert "is a directory" in _error(tmp_path).message


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root reads anything")
def test_unreadable_file(tmp_path: Path) -> None:
    path = tmp_path / "secret.txt"
    path.write_text("2106.09685\n", encoding="utf-8")
    path.chmod(0)
    try:
        assert "permission denied" in _error(path).message
    finally:
        path.chmod(0o600)


def test_unreadable_file_message(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Stands in for the chmod test when the suite runs as root.
    path = tmp_path / "secret.txt"
    path.write_text("2106.09685\n", encoding="utf-8")

    def refuse(*args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(reader_module, "open", refuse, raising=False)
    assert "permission denied" in _error(path).message


@pytest.mark.parametrize("content", [b"", b"   \n\n\t\n", codecs.BOM_UTF8 + b"\n"])
def test_empty_or_blank_file(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "empty.txt"
    path.write_bytes(content)
    assert "is empty" in _error(path).message


@pytest.mark.parametrize(
    "content",
    [b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", bytes(range(1, 32)) * 20 + b"title\n"],
)
def test_binary_file(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "image.csv"
    path.write_bytes(content)
    assert "binary" in _error(path).message


def test_too_large_file_is_refused_without_reading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "huge.txt"
    with open(path, "wb") as handle:
        handle.truncate(50 * 1024 * 1024)  # sparse: no 50 MB written

    def must_not_open(*args: object, **kwargs: object) -> None:
        raise AssertionError("the file was opened")

    monkeypatch.setattr(reader_module, "open", must_not_open, raising=False)
    message = _error(path).message
    assert "50.0 MiB" in message and "25.0 MiB" in message


def test_max_bytes_is_configurable(tmp_path: Path) -> None:
    path = tmp_path / "list.txt"
    path.write_text("2106.09685\n" * 10, encoding="utf-8")
    assert "110 bytes" in _error(path, max_bytes=100).message
    assert len(read_papers(path, max_bytes=110).records) == 10


def test_latin1_file_names_the_line_and_suggests_iconv(tmp_path: Path) -> None:
    path = tmp_path / "papers.csv"
    path.write_bytes("title\nFine\nCaf\u00e9 Paper\n".encode("latin-1"))
    error = _error(path)
    assert error.line == 3
    assert f"{path}:3" in str(error)
    assert "0xe9" in error.message and "iconv -f latin1 -t utf-8" in error.message


@pytest.mark.parametrize(
    "encoded",
    [
        codecs.BOM_UTF8 + "title\nCaf\u00e9\n".encode(),
        "title\nCaf\u00e9\n".encode("utf-16"),
        codecs.BOM_UTF16_BE + "title\nCaf\u00e9\n".encode("utf-16-be"),
    ],
)
def test_bom_encodings_are_accepted(tmp_path: Path, encoded: bytes) -> None:
    path = tmp_path / "papers.csv"
    path.write_bytes(encoded)
    [record] = read_papers(path).records
    assert (record.line, record.title) == (2, "Caf\u00e9")


def test_broken_utf16(tmp_path: Path) -> None:
    path = tmp_path / "papers.csv"
    path.write_bytes(codecs.BOM_UTF16_LE + "title\n".encode("utf-16-le") + b"\x00\xd8")
    assert "UTF-16" in _error(path).message


def test_unknown_format_lists_the_valid_ones(tmp_path: Path) -> None:
    path = tmp_path / "list.txt"
    path.write_text("2106.09685\n", encoding="utf-8")
    error = _error(path, "xml")
    assert error.key == "format"
    assert "'xml'" in error.message
    assert all(name in error.message for name in FORMATS)


def test_undetectable_format_says_what_was_tried(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("just\nsome\nshort\nlines\n", encoding="utf-8")
    message = _error(path).message
    assert "cannot tell the file's format" in message
    for tried in ("arXiv ids", "JSON Lines", "BibTeX", "CSV", "Daily Papers", "--format"):
        assert tried in message


def test_pretty_printed_json_gets_a_hint(tmp_path: Path) -> None:
    path = tmp_path / "papers.json"
    path.write_text('{\n  "title": "A"\n}\n', encoding="utf-8")
    assert "one object per line" in _error(path).message


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("a.bib", "anything", "bibtex"),
        ("a.BIB", "anything", "bibtex"),
        ("a.tsv", "anything", "csv"),
        ("a.ndjson", "anything", "jsonl"),
        ("a.txt", "# mine\n2106.09685\nhttps://arxiv.org/abs/1706.03762\n", "ids"),
        ("a.txt", '{"title": "x"}\n', "jsonl"),
        ("a.txt", "% refs\n@article{k, title={x}}\n", "bibtex"),
        ("a.txt", "paper_title;doi\nx;10.1/2\n", "csv"),
        ("a.txt", "arxiv_id\n2106.09685\n", "csv"),
        ("a.txt", f"Daily Papers\n\nA Title\n\n{ABSTRACT}\n", "daily-papers"),
    ],
)
def test_detect_format(name: str, text: str, expected: str) -> None:
    assert detect_format(text, Path(name)) == expected


def test_explicit_format_overrides_detection(tmp_path: Path) -> None:
    path = tmp_path / "titles.csv"
    path.write_text(f"A Title\n\n{ABSTRACT}\n", encoding="utf-8")
    batch = read_papers(path, "daily-papers")
    assert batch.format == "daily-papers" and batch.records[0].title == "A Title"
    assert batch.path == path


def test_record_level_problems_do_not_raise(tmp_path: Path) -> None:
    path = tmp_path / "list.txt"
    path.write_text("2106.09685\nnonsense here\n", encoding="utf-8")
    batch = read_papers(path, "ids")
    assert len(batch.records) == 1 and batch.invalid[0].line == 2
