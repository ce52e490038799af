"""The plain list format: one arXiv id, arXiv/Hugging Face paper URL or DOI per line."""

from __future__ import annotations

import re
from pathlib import Path

from tracker.identifiers import parse_arxiv_id, parse_doi
from tracker.ingest.records import InvalidRecord, PaperRecord, Parsed, build_record, shorten

# A comment after the identifier needs whitespace before '#': URLs may carry a #fragment.
_INLINE_COMMENT_RE = re.compile(r"\s+#.*$")


def parse_line(line: str) -> PaperRecord | None:
    """Read one list line into a record (line number 0), or None if it is not an identifier."""
    text = _INLINE_COMMENT_RE.sub("", line).strip()
    if not text:
        return None
    arxiv_id = parse_arxiv_id(text)
    doi = parse_doi(text)
    if arxiv_id is None and doi is None:
        return None
    record = build_record(0, arxiv=arxiv_id, doi=doi)
    return record if isinstance(record, PaperRecord) else None


def parse(text: str, path: Path) -> Parsed:
    """Parse a list of identifiers; blank lines and `#` comments are skipped."""
    records: list[PaperRecord] = []
    invalid: list[InvalidRecord] = []
    for number, line in enumerate(text.split("\n"), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        record = parse_line(stripped)
        if record is None:
            invalid.append(
                InvalidRecord(
                    number,
                    f"line {shorten(stripped)} is neither an arXiv id, an arXiv or Hugging Face "
                    "paper URL, nor a DOI",
                )
            )
            continue
        record.line = number
        records.append(record)
    return records, invalid
