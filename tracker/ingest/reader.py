"""Read a paper list safely, detect its format and hand it to that format's parser."""

from __future__ import annotations

import codecs
import json
import os
import re
import stat
from collections.abc import Callable
from pathlib import Path

from tracker.errors import InputError
from tracker.ingest import bibtex, csv_table, daily_papers, id_list, jsonl, url_list
from tracker.ingest.records import ImportBatch, Parsed

FORMATS = ("daily-papers", "bibtex", "csv", "jsonl", "ids", "urls")

_PARSERS: dict[str, Callable[[str, Path], Parsed]] = {
    "daily-papers": daily_papers.parse,
    "bibtex": bibtex.parse,
    "csv": csv_table.parse,
    "jsonl": jsonl.parse,
    "ids": id_list.parse,
    "urls": url_list.parse,
}
_EXTENSIONS = {
    ".bib": "bibtex",
    ".bibtex": "bibtex",
    ".csv": "csv",
    ".tsv": "csv",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
}
_BIBTEX_RE = re.compile(r"^\s*@\w+\s*[{(]", re.MULTILINE)
# How much of the file the binary sniff looks at: enough to judge, cheap on big files.
_SNIFF_BYTES = 8192
_CONTROL_BYTES = bytes(b for b in range(32) if b not in b"\t\n\r\f\v\x1b")
_DETECT_LINES = 50


def _human(size: int) -> str:
    """Format a byte count the way people read it (25.0 MiB)."""
    if size < 1024:
        return f"{size} bytes"
    if size < 1024**2:
        return f"{size / 1024:.1f} KiB"
    if size < 1024**3:
        return f"{size / 1024**2:.1f} MiB"
    return f"{size / 1024**3:.1f} GiB"


def _read_bytes(path: Path, max_bytes: int) -> bytes:
    """Read the file's bytes, refusing missing, directory, unreadable and too-large files."""
    too_large = "file is {size}, larger than the {limit} limit for an import file"
    try:
        info = path.stat()
    except FileNotFoundError:
        raise InputError("no such file", file=path) from None
    except OSError as exc:
        raise InputError(f"cannot read the file: {exc.strerror or exc}", file=path) from None
    if stat.S_ISDIR(info.st_mode):
        raise InputError("is a directory, not a file of papers", file=path)
    if stat.S_ISREG(info.st_mode) and info.st_size > max_bytes:
        raise InputError(
            too_large.format(size=_human(info.st_size), limit=_human(max_bytes)), file=path
        )
    try:
        with open(path, "rb") as handle:
            # Pipes and other special files have no size up front: read one byte past the cap.
            data = handle.read(max_bytes + 1)
    except PermissionError:
        raise InputError("permission denied: cannot read the file", file=path) from None
    except OSError as exc:
        raise InputError(f"cannot read the file: {exc.strerror or exc}", file=path) from None
    if len(data) > max_bytes:
        raise InputError(
            too_large.format(size=f"more than {_human(max_bytes)}", limit=_human(max_bytes)),
            file=path,
        )
    return data


def _is_binary(data: bytes) -> bool:
    """Whether the bytes look like a binary file rather than text (UTF-16 is checked first)."""
    head = data[:_SNIFF_BYTES]
    if b"\x00" in head:
        return True
    # Text has almost no C0 control bytes; compressed or executable data has plenty.
    controls = sum(head.count(bytes([b])) for b in _CONTROL_BYTES)
    return controls > len(head) * 0.05


def _decode(data: bytes, path: Path) -> str:
    """Decode UTF-8 (with or without BOM) or UTF-16 with BOM, with a line-precise error."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    else:
        if _is_binary(data):
            raise InputError("is a binary file, not a text file of papers", file=path)
        encoding = "utf-8-sig"
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        if encoding == "utf-16":
            raise InputError(
                f"is not valid UTF-16 text despite its byte-order mark ({exc.reason})", file=path
            ) from None
        line = data.count(b"\n", 0, exc.start) + 1
        bad = data[exc.start]
        raise InputError(
            f"is not UTF-8 text: byte 0x{bad:02x} cannot be decoded; convert the file first, "
            f"e.g. `iconv -f latin1 -t utf-8 {path} > {path.stem}.utf8{path.suffix}`",
            file=path,
            line=line,
        ) from None
    if "\x00" in text:
        raise InputError("is a binary file, not a text file of papers", file=path)
    # One line model for every format: CRLF and lone CR both end a line.
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _looks_like_ids(lines: list[str]) -> bool:
    """Whether every meaningful line is an arXiv id, arXiv/HF paper URL or DOI."""
    return bool(lines) and all(id_list.parse_line(line) is not None for line in lines)


def detect_format(text: str, path: Path) -> str:
    """Guess the format of `text` read from `path`: by extension first, then by content.

    Raises InputError (naming what was tried) when no format fits.
    """
    by_extension = _EXTENSIONS.get(path.suffix.lower())
    if by_extension:
        return by_extension
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    head = lines[:_DETECT_LINES]
    meaningful = [line for line in head if not line.startswith("#")]
    if _looks_like_ids(meaningful):
        return "ids"
    if head and head[0].startswith("{"):
        parsed = 0
        for line in head:
            try:
                parsed += isinstance(json.loads(line), dict)
            except (ValueError, RecursionError):
                pass
        if parsed * 2 > len(head):
            return "jsonl"
    if _BIBTEX_RE.search(text):
        return "bibtex"
    if head and csv_table.header_delimiter(head[0]) is not None:
        return "csv"
    if url_list.looks_like_urls(meaningful):
        return "urls"
    # A list with a few bad lines is still a list: the bad lines become invalid records.
    if sum(id_list.parse_line(line) is not None for line in meaningful) * 2 > len(meaningful):
        return "ids"
    if sum(url_list.parse_line(line) is not None for line in meaningful) * 2 > len(meaningful):
        return "urls"
    if daily_papers.looks_like(text):
        return "daily-papers"
    hint = ""
    if head and head[0][:1] in "{[":
        hint = " (it looks like JSON: JSON Lines needs one object per line)"
    raise InputError(
        "cannot tell the file's format" + hint + ": tried a list of arXiv ids/DOIs, a list of "
        "URLs, JSON Lines, "
        "BibTeX (@type{...}), CSV (a header naming title, arxiv_id or url) and the Daily Papers "
        "text layout (title, blank line, abstract); name it with --format "
        + "|".join(FORMATS),
        file=path,
    )


def read_papers(
    path: Path, format: str = "auto", *, max_bytes: int = 25 * 1024 * 1024
) -> ImportBatch:
    """Read the papers listed in `path` in `format` ("auto" detects it).

    File-level problems raise InputError; record-level problems come back in
    `ImportBatch.invalid`, next to the good records.
    """
    path = Path(os.fspath(path))
    if format != "auto" and format not in FORMATS:
        raise InputError(
            f"unknown format {format!r}; valid formats: auto, " + ", ".join(FORMATS),
            file=path,
            key="format",
        )
    text = _decode(_read_bytes(path, max_bytes), path)
    if not text.strip():
        raise InputError("is empty: no papers to import", file=path)
    chosen = detect_format(text, path) if format == "auto" else format
    records, invalid = _PARSERS[chosen](text, path)
    return ImportBatch(path=path, format=chosen, records=records, invalid=invalid)
