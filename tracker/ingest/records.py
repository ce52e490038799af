"""The values the importers produce: good records, invalid records, and one file's batch."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from tracker.identifiers import parse_arxiv_id, parse_doi


@dataclass
class PaperRecord:
    """One paper as read from an input file, before it is merged into the store."""

    line: int
    title: str | None = None
    arxiv_id: str | None = None
    doi: str | None = None
    abstract: str | None = None
    # Only explicit URL fields/columns/keys, as (raw url, field name); links written inside
    # the title or abstract are extracted later by the caller.
    urls: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class InvalidRecord:
    """A record that could not be read, with the line where it starts and why."""

    line: int
    reason: str


@dataclass
class ImportBatch:
    """Everything read from one file: its detected format, the good and the bad records."""

    path: Path
    format: str
    records: list[PaperRecord]
    invalid: list[InvalidRecord]


#: What a format parser returns: the good records and the invalid ones, in file order.
Parsed = tuple[list[PaperRecord], list[InvalidRecord]]

# Spreadsheet-style "nothing here" markers, read as an empty value rather than as data.
_PLACEHOLDERS = frozenset({"", "-", "--", "n/a", "na", "none", "null", "nil", "tbd", "?"})
_URL_RE = re.compile(r"(?:https?://|www\.)\S+|[a-z0-9-]+(?:\.[a-z0-9-]+)+/\S*", re.IGNORECASE)
_ARXIV_DOI_PREFIX = "10.48550/arxiv."


def clean(value: str | None) -> str | None:
    """Collapse whitespace; return None for empty values and placeholders such as 'n/a'."""
    if value is None:
        return None
    text = " ".join(value.split())
    return None if text.casefold() in _PLACEHOLDERS else text


def shorten(value: str, limit: int = 60) -> str:
    """Quote a value for a one-line message, cut to `limit` characters."""
    text = " ".join(value.split())
    return repr(text if len(text) <= limit else text[: limit - 1] + "…")


def split_urls(value: str) -> list[str]:
    """Split a URL field that may hold several whitespace-separated URLs."""
    return [part.rstrip(",;") for part in value.split() if part.rstrip(",;")]


def build_record(
    line: int,
    *,
    title: str | None = None,
    arxiv: str | None = None,
    doi: str | None = None,
    abstract: str | None = None,
    urls: Iterable[tuple[str, str]] = (),
    arxiv_key: str = "arxiv_id",
    doi_key: str = "doi",
    label: str = "{}",
    missing: str = "record has no title, arxiv_id, url or doi",
) -> PaperRecord | InvalidRecord:
    """Validate and normalise one record's raw field values.

    Identifiers are parsed: a value that is present but not an arXiv id, DOI or URL makes
    the record invalid, naming its key through `label` (e.g. "column {!r}:"). An arXiv
    DOI, or an arXiv or Hugging Face paper URL, also supplies the arXiv id. A record with
    none of title, arXiv id, DOI or URL is invalid with the reason `missing`.
    """
    record = PaperRecord(line=line, title=clean(title), abstract=clean(abstract))
    raw_arxiv = clean(arxiv)
    if raw_arxiv is not None:
        record.arxiv_id = parse_arxiv_id(raw_arxiv)
        if record.arxiv_id is None:
            reason = f"{label.format(arxiv_key)} {shorten(raw_arxiv)} is not an arXiv id"
            return InvalidRecord(line, reason)
    raw_doi = clean(doi)
    if raw_doi is not None:
        record.doi = parse_doi(raw_doi)
        if record.doi is None:
            return InvalidRecord(line, f"{label.format(doi_key)} {shorten(raw_doi)} is not a DOI")
    for raw, key in urls:
        value = clean(raw)
        if value is None:
            continue
        for url in split_urls(value):
            if not _URL_RE.fullmatch(url):
                return InvalidRecord(line, f"{label.format(key)} {shorten(url)} is not a URL")
            record.urls.append((url, key))
            if record.arxiv_id is None:
                record.arxiv_id = parse_arxiv_id(url)
            if record.doi is None and "doi.org/" in url.casefold():
                record.doi = parse_doi(url)
    if record.doi and record.doi.startswith(_ARXIV_DOI_PREFIX) and record.arxiv_id is None:
        record.arxiv_id = parse_arxiv_id(record.doi)
    if not (record.title or record.arxiv_id or record.doi or record.urls):
        return InvalidRecord(line, missing)
    return record
