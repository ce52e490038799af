"""What the `Tracker` API methods return: plain dataclasses, never printed output."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tracker.checking import PaperCheck, check_json
from tracker.discovery import DiscoverySummary
from tracker.importing import ImportSummary
from tracker.store.models import Audit

if TYPE_CHECKING:
    from tracker.notify import NotificationOutcome


@dataclass
class ImportResult:
    """One import: what the file added and merged, and (with `resolve`) what discovery found."""

    summary: ImportSummary
    discovery: DiscoverySummary | None = None
    candidates_left: tuple[int, int] = (0, 0)  # (links, arXiv matches) awaiting `confirm`

    @property
    def papers_added(self) -> int:
        """New papers."""
        return self.summary.papers_added

    @property
    def papers_read(self) -> int:
        """Good records read from the file."""
        return self.summary.papers_read

    @property
    def paper_ids(self) -> list[int]:
        """The papers the file names, in file order, without repeats."""
        return list(dict.fromkeys(self.summary.paper_ids))


@dataclass
class CheckResult(PaperCheck):
    """One paper checked now: its links, their latest observations and its scorecard."""

    tracked: bool = True  # False: checked in a throwaway store, not added to the papers

    @property
    def score(self) -> float | None:
        """The normalised score in [0, 1], None when nothing conclusive was judged."""
        return self.scorecard.score

    @property
    def grade(self) -> str | None:
        """A..F, None when withheld."""
        return self.scorecard.grade

    def to_json(self) -> dict[str, Any]:
        """The `check --json` object: {"paper", "links", "scorecard"}."""
        return check_json(self)


@dataclass
class AuditResult:
    """One audit, or the reason none was recorded."""

    audit: Audit | None = None
    skipped: str | None = None  # why nothing was audited (nothing tracked, nothing due)
    nothing_reachable: bool = False  # every link check failed: no service answered
    notifications: list[NotificationOutcome] = field(default_factory=list)

    @property
    def audit_id(self) -> int | None:
        """The audit's id (None when skipped)."""
        return self.audit.id if self.audit is not None else None

    @property
    def status(self) -> str | None:
        """completed, degraded (a service failed for part of its links) ..., None if skipped."""
        return self.audit.status if self.audit is not None else None


@dataclass
class ReportResult:
    """The report files written: per format the dated file, then `latest.<ext>` if replaced."""

    paths: list[Path]


@dataclass
class ExportResult:
    """An export: its text, and the file it was written to (None: not written)."""

    format: str
    text: str
    path: Path | None = None
