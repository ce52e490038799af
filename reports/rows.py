"""One flat row per paper with its latest scorecard: the shape every export shares; and the
per-paper facts the report's filters read (which host each link is on, what a paper lacks)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from sqlmodel import Session

from checks.artefact_licenses import license_of_facts, spdx_license
from checks.classify.licenses import license_class
from tracker.kernel import AVAILABLE
from tracker.links import LinkKind
from tracker.store.models import Link, ObservationRecord, Paper, ScorecardRecord
from tracker.store.observations import latest_observations
from tracker.store.papers import PAGE_SIZE, iter_papers
from tracker.store.scorecards import latest_scorecards

#: DESIGN.md's CSV contract: these columns first and in this order.
COLUMNS = (
    "paper_id", "title", "arxiv_id", "score", "grade", "checklist", "code_url", "code_status",
    "license", "license_class", "stars", "last_commit", "environment", "training_code",
    "evaluation_code", "weights_released", "data_released", "documentation",
    "versioned_release", "links_total", "links_ok", "promise_unfulfilled", "checked_at",
    # honest scorecards: the weight share judged, and complete / provisional / incomplete
    "coverage", "status",
    # release contents: each artefact's license, their conflicts, unconfirmed artefacts
    "weights_license", "data_license", "license_conflicts", "candidates",
)
#: Criteria exported as booleans: true = full marks, false = partial or none, empty = unknown.
BOOLEAN_CRITERIA = (
    "environment", "training_code", "evaluation_code", "weights_released", "data_released",
    "documentation", "versioned_release",
)
_REACHABLE = AVAILABLE
#: Decimals of every fractional number exported (score, coverage): CSV and JSON Lines then
#: carry the same value, written the same way (`0.8125` in both).
DECIMALS = 4


def exported_number(value: float | None) -> float | None:
    """A fraction as every export writes it: rounded to DECIMALS (None stays None)."""
    return None if value is None else round(float(value), DECIMALS)



#: The host a link's kind lives on, as users name it (the report's host filter).
HOST_LABELS: dict[str, str] = {
    LinkKind.GITHUB_REPO: "GitHub", LinkKind.PROJECT_PAGE: "Project page",
    LinkKind.HF_MODEL: "Hugging Face", LinkKind.HF_DATASET: "Hugging Face",
    LinkKind.HF_SPACE: "Hugging Face", LinkKind.HF_PAPER: "Hugging Face",
    LinkKind.OSF_NODE: "OSF", LinkKind.ZENODO_RECORD: "Zenodo", LinkKind.ARXIV: "arXiv",
    LinkKind.DOI: "DOI", LinkKind.DRIVE_FILE: "Google Drive",
    LinkKind.DRIVE_FOLDER: "Google Drive", LinkKind.ONEDRIVE_SHARE: "OneDrive",
    LinkKind.DROPBOX_SHARE: "Dropbox", LinkKind.BAIDU_SHARE: "Baidu",
    LinkKind.FIGSHARE_ITEM: "figshare", LinkKind.DIRECT_FILE: "Direct download",
}
OTHER_HOST = "Other web"

#: What a paper can lack (the report's "missing" filter): label -> the criterion that decides.
MISSING_CRITERIA: dict[str, str] = {
    "code": "code_available", "weights": "weights_released", "data": "data_released",
    "license": "license", "env": "environment", "docs": "documentation",
}


def host_label(kind: str) -> str:
    """The host a link of this kind is on ("GitHub", "Hugging Face" ...), else "Other web"."""
    return HOST_LABELS.get(kind, OTHER_HOST)


def missing_artefacts(outcomes: dict[str, str | None]) -> tuple[str, ...]:
    """What a paper lacks, from its criteria's outcomes (criterion id -> outcome).

    Only a conclusive `fail` counts as missing: a partial release is there, and an unavailable
    finding is unknown, never missing (missing information withholds, it does not condemn).
    """
    return tuple(label for label, criterion in MISSING_CRITERIA.items()
                 if outcomes.get(criterion) == "fail")


def iso_utc(value: datetime | str | None) -> str | None:
    """A timestamp as ISO 8601 UTC with a Z (strings are passed through)."""
    if value is None or isinstance(value, str):
        return value
    if value.tzinfo is None:  # SQLite returns naive datetimes: they were stored as UTC
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def paper_row(
    paper: Paper,
    links: list[Link],
    observations: dict[int, ObservationRecord],
    card: ScorecardRecord | None,
) -> dict[str, Any]:
    """A paper's row: None where a value is unknown (never checked stays empty, not zero)."""
    row: dict[str, Any] = dict.fromkeys(COLUMNS)
    active = [link for link in links if link.state == "active"]
    row.update(paper_id=paper.id, title=paper.title, arxiv_id=paper.arxiv_id,
               links_total=len(active),
               candidates=sum(1 for link in links if link.state == "candidate"))
    links = active
    if card is None:
        return row
    observed = [observations[link.id] for link in links if link.id in observations]
    row["links_ok"] = sum(1 for o in observed if o.status in _REACHABLE)
    criteria = (card.findings or {}).get("criteria", {})
    code = next((link for link in links if link.url == card.best_code_url), None)
    code_obs = observations.get(code.id) if code and code.id else None
    facts = code_obs.facts if code_obs else {}
    code_license = license_of_facts(facts)
    row.update(
        score=exported_number(card.score),
        grade=card.grade,
        checklist=card.checklist,
        code_url=card.best_code_url,
        code_status=code_obs.status if code_obs else None,
        license=code_license,
        license_class=license_class(code_license) if code_obs else None,
        stars=facts.get("stars"),
        last_commit=facts.get("last_commit_at") or facts.get("pushed_at"),
        promise_unfulfilled=card.promise_unfulfilled,
        checked_at=iso_utc(card.created_at),
        coverage=exported_number(card.coverage),
        status=card.status,
    )
    licenses = (card.findings or {}).get("licenses") or {}
    row.update(weights_license=spdx_license(licenses.get("weights")),
               data_license=spdx_license(licenses.get("data")),
               license_conflicts="; ".join(licenses.get("conflicts") or []) or None)
    for name in BOOLEAN_CRITERIA:
        outcome = (criteria.get(name) or {}).get("outcome")
        row[name] = {"pass": True, "partial": False, "fail": False}.get(outcome or "")
    return row


def export_rows(session: Session) -> list[dict[str, Any]]:
    """Every stored paper's row, in paper order (all at once: `iter_export_rows` streams)."""
    return list(iter_export_rows(session))


def iter_export_rows(session: Session, *, batch_size: int = PAGE_SIZE) -> Iterator[dict[str, Any]]:
    """Every stored paper's row, in paper order, read a page of papers at a time."""
    for page in iter_papers(session, batch_size=batch_size, states=None):
        ids = [paper.id for paper, _ in page if paper.id is not None]
        observations = latest_observations(
            session, [link.id for _, links in page for link in links if link.id])
        cards = latest_scorecards(session, ids)
        for paper, links in page:
            yield paper_row(paper, links, observations, cards.get(paper.id or 0))
