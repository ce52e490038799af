"""Importers: read a file of papers (Daily Papers text, BibTeX, CSV, JSON Lines, id lists)."""

from tracker.ingest.reader import FORMATS, detect_format, read_papers
from tracker.ingest.records import ImportBatch, InvalidRecord, PaperRecord

__all__ = [
    "FORMATS",
    "ImportBatch",
    "InvalidRecord",
    "PaperRecord",
    "detect_format",
    "read_papers",
]
