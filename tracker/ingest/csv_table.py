"""CSV/TSV tables with a header row naming title, arxiv_id, url, doi and abstract columns."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

from tracker.errors import InputError
from tracker.ingest.records import InvalidRecord, PaperRecord, Parsed, build_record

# Normalised column name -> the record field it fills. Other columns are ignored.
_COLUMNS = {
    "title": "title",
    "paper_title": "title",
    "arxiv_id": "arxiv",
    "arxivid": "arxiv",
    "arxiv": "arxiv",
    "eprint": "arxiv",
    "url": "url",
    "urls": "url",
    "link": "url",
    "links": "url",
    "code": "url",
    "code_url": "url",
    "doi": "doi",
    "abstract": "abstract",
}
_IDENTIFYING = frozenset({"title", "arxiv", "url", "doi"})
_DELIMITERS = (",", ";", "\t")


def _normalise(name: str) -> str:
    """Header cell -> lookup key: case, surrounding space, inner spaces and dashes ignored."""
    return "_".join(name.strip().strip("\ufeff").lower().replace("-", " ").split())


def _identifying(cells: list[str]) -> int:
    """How many header cells name a column that identifies a paper."""
    return sum(_COLUMNS.get(_normalise(cell)) in _IDENTIFYING for cell in cells)


def header_delimiter(line: str) -> str | None:
    """The delimiter if `line` is a header with a known column (None if it is not a header).

    A lone known column name (`arxiv_id`) is a one-column table and gets ",".
    """
    if _COLUMNS.get(_normalise(line)) in _IDENTIFYING:
        return ","
    best: tuple[int, int, str] | None = None
    for delimiter in _DELIMITERS:
        if delimiter not in line:
            continue
        try:
            cells = next(csv.reader([line], delimiter=delimiter))
        except csv.Error:  # e.g. a first line past csv's field size limit: not a header
            continue
        score = (_identifying(cells), len(cells), delimiter)
        if score[0] and (best is None or score[:2] > best[:2]):
            best = score
    return best[2] if best else None


def _lines(text: str) -> Iterator[str]:
    """The text's physical lines with their newlines, for csv.reader's line counting."""
    lines = text.split("\n")
    if lines[-1] == "":  # the file's final newline ends the last line; it starts none
        lines.pop()
    for line in lines:
        yield line + "\n"


def parse(text: str, path: Path) -> Parsed:
    """Parse a delimited table: the first non-blank line is the header."""
    lines = text.split("\n")
    header_line = next((i for i, line in enumerate(lines, start=1) if line.strip()), None)
    if header_line is None:
        raise InputError("is empty: no header row", file=path)
    header_text = lines[header_line - 1]
    delimiter = header_delimiter(header_text)
    if delimiter is None:
        raise InputError(
            "the header row names no title, arxiv_id, url or doi column "
            f"(found {header_text.strip()[:80]!r}; also accepted: arxiv, eprint, link, code)",
            file=path,
            line=header_line,
        )
    if path.suffix.lower() == ".tsv" and "\t" in header_text:
        delimiter = "\t"
    reader = csv.reader(_lines(text), delimiter=delimiter, strict=True)
    records: list[PaperRecord] = []
    invalid: list[InvalidRecord] = []
    header: list[str] | None = None
    raw_header: list[str] = []
    consumed = 0
    while True:
        start = consumed + 1
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            consumed = reader.line_num
            invalid.append(InvalidRecord(start, _quoting_problem(str(exc), start, consumed)))
            continue
        consumed = reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        if header is None:
            header = [_normalise(cell) for cell in row]
            raw_header = [cell.strip() for cell in row]
            _check_duplicates(header, raw_header, path, start)
            continue
        if len(row) != len(header):
            invalid.append(
                InvalidRecord(start, f"row has {len(row)} cells, header has {len(header)}")
            )
            continue
        result = _record(start, header, raw_header, row)
        if isinstance(result, PaperRecord):
            records.append(result)
        else:
            invalid.append(result)
    return records, invalid


def _quoting_problem(reason: str, start: int, end: int) -> str:
    """Say what csv's error means for the user, with the line where the quote opened."""
    if "unexpected end of data" in reason:
        return ("malformed CSV row: a quoted cell starting on this row is never closed "
                f"(it runs to the end of the file, line {end})")
    if "field larger than field limit" in reason:
        return ("malformed CSV row: a quoted cell starting on this row is never closed "
                f"(it runs past {csv.field_size_limit():,} characters, to line {end})")
    if "expected after" in reason and end > start:
        return ("malformed CSV row: a quoted cell starting on this row is not closed on it "
                f"(it runs to line {end})")
    if "expected after" in reason:
        return ("malformed CSV row: a quoted cell ends before the cell does (a cell that "
                'starts with " must end with it; write "" for a quote inside it)')
    return f"malformed CSV row: {reason}"


def _check_duplicates(header: list[str], raw: list[str], path: Path, line: int) -> None:
    """Refuse a header that names a column twice: which one to read would be a guess."""
    seen: dict[str, str] = {}
    for name, raw_name in zip(header, raw):
        if name and name in seen:
            raise InputError(
                f"the header names one column twice: {seen[name]!r} and {raw_name!r}",
                file=path,
                line=line,
                key=raw_name,
            )
        seen[name] = raw_name


def _record(
    line: int, header: list[str], raw_header: list[str], row: list[str]
) -> PaperRecord | InvalidRecord:
    """Build one record from a row whose cells line up with the header."""
    fields: dict[str, str] = {}
    columns: dict[str, str] = {}
    urls: list[tuple[str, str]] = []
    for name, raw_name, cell in zip(header, raw_header, row):
        target = _COLUMNS.get(name)
        if target is None or not cell.strip():
            continue
        if target == "url":
            urls.append((cell, name))
        elif target not in fields:
            fields[target] = cell
            columns[target] = raw_name
    return build_record(
        line,
        title=fields.get("title"),
        arxiv=fields.get("arxiv"),
        doi=fields.get("doi"),
        abstract=fields.get("abstract"),
        urls=urls,
        arxiv_key=columns.get("arxiv", "arxiv_id"),
        doi_key=columns.get("doi", "doi"),
        label="column {!r}:",
        missing="row has no title, arxiv_id, url or doi",
    )
