"""All database tables, in one module (SQLModel)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, Column, DateTime, Index, UniqueConstraint, text
from sqlmodel import Field, SQLModel


def _now() -> datetime:
    return datetime.now(UTC)


def _ts(**kwargs: Any) -> Any:
    """A timezone-aware timestamp column (stored as UTC)."""
    return Field(default_factory=_now, sa_column=Column(DateTime(timezone=True), **kwargs))


class Paper(SQLModel, table=True):
    """A paper being tracked. Merged across sources by arXiv id, else by `title_key`."""

    id: int | None = Field(default=None, primary_key=True)
    title: str | None = None
    title_key: str | None = Field(default=None, index=True)  # tracker.identifiers.normalise_title
    arxiv_id: str | None = Field(default=None, unique=True)
    doi: str | None = Field(default=None, index=True)
    abstract: str | None = None
    created_at: datetime = _ts(nullable=False)
    updated_at: datetime = _ts(nullable=False)


class Link(SQLModel, table=True):
    """A URL a paper points to, normalised and classified, with where it was found."""

    __table_args__ = (UniqueConstraint("paper_id", "url", name="uq_link_paper_url"),)

    id: int | None = Field(default=None, primary_key=True)
    paper_id: int = Field(foreign_key="paper.id", index=True, ondelete="CASCADE")
    url: str
    kind: str  # tracker.links.LinkKind
    host: str
    target: str
    detail: str | None = None
    provenance: str = "abstract"  # abstract, title, url, hf-paper, project-page, readme, user ...
    confidence: float = 1.0
    anonymous_review: bool = False
    access_key: str | None = None  # OSF view_only key: it is what grants access
    # active: scored; candidate: found by discovery, waits for a user's confirmation;
    # removed_by_user: kept so that later imports and discovery never bring it back.
    state: str = Field(default="active", sa_column_kwargs={"server_default": "active"})
    created_at: datetime = _ts(nullable=False)


class ObservationRecord(SQLModel, table=True):
    """One stored look at one link (append-only: this table is the history)."""

    __tablename__ = "observation"
    # By link alone: a link's rows are few, and a timestamp in the index cost 20 bytes a row.
    __table_args__ = (Index("ix_observation_link", "link_id"),)

    id: int | None = Field(default=None, primary_key=True)
    link_id: int = Field(foreign_key="link.id", ondelete="CASCADE")
    service: str
    status: str  # tracker.sources.base.LinkStatus
    facts: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    evidence: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    validators: dict[str, str] = Field(
        default_factory=dict, sa_column=Column(JSON, nullable=False)
    )
    reason: str | None = None
    requests: int = 0
    unchanged: bool = False
    checked_at: datetime = _ts(nullable=False)
    audit_id: int | None = Field(default=None, index=True)  # None: a one-off `check`


class ContentRecord(SQLModel, table=True):
    """A JSON body stored once, by the digest of its canonical form (tracker.store.content)."""

    __tablename__ = "content"

    digest: str = Field(primary_key=True)
    body: Any = Field(sa_column=Column(JSON, nullable=False))


class ScorecardRecord(SQLModel, table=True):
    """A paper's scorecard as computed at one check or audit (the score's history)."""

    __tablename__ = "scorecard"
    __table_args__ = (Index("ix_scorecard_paper", "paper_id"),)  # newest: max(id) per paper

    id: int | None = Field(default=None, primary_key=True)
    paper_id: int = Field(foreign_key="paper.id", ondelete="CASCADE")
    audit_id: int | None = Field(default=None, index=True)  # None: a one-off `check`
    score: float | None = None  # None: no conclusive criterion
    grade: str | None = None  # None: withheld (status incomplete) or nothing conclusive
    coverage: float | None = None  # weight share of concluded criteria; None: before 0006
    status: str | None = None  # tracker.scoring.ScorecardStatus; None: before 0006
    checklist: int = 0
    promise_unfulfilled: bool = False
    best_code_url: str | None = None
    weights: dict[str, float] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    findings: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    figures: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    created_at: datetime = _ts(nullable=False)


class Audit(SQLModel, table=True):
    """One run over many papers: when, what, what it cost, how it ended; resumable."""

    id: int | None = Field(default=None, primary_key=True)
    trigger: str = "cli"  # cli | schedule
    status: str = "running"  # running | completed | degraded | interrupted | failed
    started_at: datetime = _ts(nullable=False)
    finished_at: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True)
    )
    heartbeat_at: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True)
    )
    paper_ids: list[int] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    papers_total: int = 0
    papers_done: int = 0
    links_checked: int = 0
    errors: int = 0
    requests: dict[str, int] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    not_modified: dict[str, int] = Field(
        default_factory=dict, sa_column=Column(JSON, nullable=False)
    )
    rate_limit_waits: dict[str, float] = Field(
        default_factory=dict, sa_column=Column(JSON, nullable=False)
    )
    message: str | None = None  # why it failed, was interrupted or is degraded
    # Per service: observations by status, and whether it was healthy (tracker.service_health)
    services: dict[str, Any] = Field(
        default_factory=dict,
        sa_column=Column(JSON, nullable=False, server_default=text("'{}'")),
    )
    host: str | None = None  # where it ran, to tell a live audit from a dead one
    pid: int | None = None


class PaperMatch(SQLModel, table=True):
    """An arXiv paper that a title search found close to, but not exactly, a stored paper."""

    __tablename__ = "paper_match"
    __table_args__ = (UniqueConstraint("paper_id", "arxiv_id", name="uq_paper_match"),)

    id: int | None = Field(default=None, primary_key=True)
    paper_id: int = Field(foreign_key="paper.id", index=True, ondelete="CASCADE")
    arxiv_id: str
    title: str
    confidence: float  # similarity of the normalised titles, 0-1
    provenance: str  # the index that answered: hf-paper | arxiv
    state: str = "candidate"  # candidate | confirmed | rejected
    created_at: datetime = _ts(nullable=False)


class Lookup(SQLModel, table=True):
    """One cached look-up in a paper index (a title search, a paper page), with its time."""

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(unique=True)  # e.g. "hf-search:<title key>", "hf-paper:<arXiv id>"
    kind: str  # hf-search | arxiv-search | arxiv-id | hf-paper | hf-arxiv-tag
    found: bool = False
    result: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    looked_up_at: datetime = _ts(nullable=False)


class Notification(SQLModel, table=True):
    """One attempt to tell people about an audit's changes: where, and how it went.

    `target` names the channel without its secret (the webhook's host, the mail recipients).
    """

    id: int | None = Field(default=None, primary_key=True)
    audit_id: int = Field(foreign_key="audit.id", index=True)
    channel: str  # webhook | email
    target: str = ""
    status: str  # sent | failed
    attempts: int = 0
    changes: int = 0  # the "needs attention" changes it carried
    error: str | None = None
    created_at: datetime = _ts(nullable=False)
