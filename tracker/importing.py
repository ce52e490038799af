"""Import a file of papers into the store: read, extract links, merge, in one transaction."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import Session

from tracker.errors import InputError
from tracker.ingest import InvalidRecord, PaperRecord, read_papers
from tracker.links import LinkKind, NormalisedLink, extract_links, normalise_url
from tracker.store.engine import transaction
from tracker.store.papers import PaperFields, add_links, find_paper, merge_fields, new_paper


@dataclass
class ImportSummary:
    """What one import did, for the user and for tests."""

    path: Path
    format: str
    papers_added: int = 0
    papers_updated: int = 0
    papers_unchanged: int = 0
    links_added: int = 0
    skipped: list[InvalidRecord] = field(default_factory=list)
    paper_ids: list[int] = field(default_factory=list)  # the papers the file names (in order)

    @property
    def papers_read(self) -> int:
        """Good records read from the file."""
        return self.papers_added + self.papers_updated + self.papers_unchanged


class InvalidRecords(InputError):
    """Some records of a file are bad and --skip-invalid was not given: nothing was written."""

    def __init__(self, path: Path, invalid: list[InvalidRecord], good: int) -> None:
        self.path = path
        self.invalid = invalid
        self.good = good
        noun = "record" if len(invalid) == 1 else "records"
        super().__init__(
            f"{len(invalid)} invalid {noun}, nothing imported "
            f"(fix them, or pass --skip-invalid to import the {good} good ones)",
            file=path,
        )


# Links of these kinds that name the paper itself are its identity, not a released artefact.
_IDENTITY_KINDS = (LinkKind.ARXIV, LinkKind.DOI, LinkKind.HF_PAPER)


def record_links(record: PaperRecord) -> list[tuple[NormalisedLink, str]]:
    """The links a record gives, with their provenance, minus the paper's own identity links.

    An arXiv, DOI or Hugging Face paper link that names the paper itself (a BibTeX `url` that
    is its abstract page) is its identity, kept as the arXiv id, not as a link.
    """
    found: list[tuple[NormalisedLink, str]] = []
    for raw, field_name in record.urls:
        link = normalise_url(raw if "://" in raw else f"https://{raw}")
        if link is not None:
            found.append((link, field_name))
    for field_name in ("title", "abstract"):
        text = getattr(record, field_name)
        if text:
            found.extend((link, field_name) for link in extract_links(text))
    own = {record.arxiv_id, record.doi} - {None}
    return [
        (link, provenance)
        for link, provenance in found
        if not (link.kind in _IDENTITY_KINDS and link.target in own)
    ]


def store_record(session: Session, record: PaperRecord, summary: ImportSummary) -> None:
    """Merge one record into the store (inside the caller's transaction)."""
    fields = PaperFields(record.title, record.arxiv_id, record.doi, record.abstract)
    paper = find_paper(session, fields)
    is_new = paper is None
    if paper is None:
        paper = new_paper(fields)
        session.add(paper)
        changed = True
    else:
        changed = merge_fields(paper, fields)
    session.flush()
    added = add_links(session, paper, record_links(record))
    session.flush()
    summary.links_added += len(added)
    if paper.id is not None:
        summary.paper_ids.append(paper.id)  # may repeat when two records merge
    if is_new:
        summary.papers_added += 1
    elif changed or added:
        summary.papers_updated += 1
    else:
        summary.papers_unchanged += 1


def import_file(
    engine: Engine,
    path: Path,
    format: str = "auto",
    *,
    skip_invalid: bool = False,
    max_bytes: int = 25 * 1024 * 1024,
    progress: Callable[[int, int], None] | None = None,
) -> ImportSummary:
    """Import `path` into the store as one transaction.

    Invalid records abort the import with `InvalidRecords` (nothing written) unless
    `skip_invalid`, in which case they are reported in `summary.skipped`.
    """
    batch = read_papers(path, format, max_bytes=max_bytes)
    if batch.invalid and not skip_invalid:
        raise InvalidRecords(batch.path, batch.invalid, len(batch.records))
    summary = ImportSummary(path=batch.path, format=batch.format, skipped=list(batch.invalid))
    with transaction(engine) as session:
        for done, record in enumerate(batch.records, start=1):
            store_record(session, record, summary)
            if progress:
                progress(done, len(batch.records))
    return summary
