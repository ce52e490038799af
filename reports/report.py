"""The one `Report` value every renderer is fed, and `build_report` that reads it from the store.

A report describes one audit: what it cost, the summary figures of its papers, the changes
since the previous completed audit, every paper's scorecard row (with each link's status over
the audits, for the per-paper detail), and the history of earlier audits for charts. It holds
plain values only (no database rows), so renderers are pure.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlmodel import Session, col, select

from checks import CRITERIA
from reports.rows import (
    HOST_LABELS,
    MISSING_CRITERIA,
    OTHER_HOST,
    host_label,
    missing_artefacts,
)
from tracker.changes import REACHABLE_STATUSES, Change, StarsThreshold, detect_changes
from tracker.kernel import LinkStatus, is_conclusive
from tracker.snapshots import (
    COMPARABLE_STATUSES,
    as_utc,
    audit_paper_ids,
    get_audit,
    observations_as_of,
    previous_completed_audit,
    scorecard_ids_as_of,
    scorecards_as_of,
    statuses_as_of,
)
from tracker.store.content import expand_value
from tracker.store.models import Audit, Link, ObservationRecord, Paper, ScorecardRecord
from tracker.store.papers import links_of

GRADES: tuple[str, ...] = ("A", "B", "C", "D", "F")
NO_SCORE = "no score"
#: The grade filter's values beyond A-F: a grade withheld (status incomplete), or no scorecard.
WITHHELD, UNGRADED = "withheld", "none"
#: The artefact kinds whose release shares the report charts over the audits.
RELEASE_KINDS: tuple[str, ...] = ("code", "weights", "data")
HISTORY_LIMIT = 12  # audits shown in the charts, this one included


@dataclass(frozen=True)
class AuditFacts:
    """When an audit ran, how it ended and what it cost."""

    id: int
    trigger: str
    status: str
    started_at: datetime
    finished_at: datetime | None
    duration_seconds: float | None
    papers_total: int
    papers_done: int
    links_checked: int
    errors: int
    requests: dict[str, int]
    not_modified: dict[str, int]
    rate_limit_waits: dict[str, float]
    message: str | None


@dataclass(frozen=True)
class SummaryFigures:
    """Counts over the audit's papers (shares are counts / papers, see `share`)."""

    papers: int
    links: int
    with_code: int  # code_available passed
    with_osi_license: int  # license passed: OSI-approved or open data license
    with_any_license: int  # license passed or partial (non-commercial, custom ... count)
    with_weights: int  # weights_released passed or partial
    with_data: int  # data_released passed or partial
    promise_unfulfilled: int
    grade_distribution: dict[str, int]  # A..F, then "no score" (also papers never scored)
    checklist_distribution: dict[int, int]  # 0..5
    links_by_status: dict[str, int]  # LinkStatus values in enum order, then never observed

    def share(self, count: int) -> float | None:
        """`count` as a share of the papers (None when there are no papers)."""
        return count / self.papers if self.papers else None


@dataclass(frozen=True)
class CriterionCell:
    """One criterion's outcome for one paper."""

    id: str
    title: str
    outcome: str | None  # None: not scored
    score: float | None
    evidence: str
    remediation: str


@dataclass(frozen=True)
class StatusSpan:
    """A link's status over consecutive audits of the report's history."""

    status: str
    first_audit: int
    last_audit: int
    since: datetime  # when the first of those audits started


@dataclass(frozen=True)
class LinkRow:
    """One link of a paper with its state in the audit."""

    url: str
    kind: str
    status: str  # LinkStatus value, "unchecked" when never observed
    provenance: str = "abstract"  # where the link was found (readme, project-page ...)
    history: tuple[StatusSpan, ...] = ()  # oldest first, over the report's history audits

    @property
    def host(self) -> str:
        """Where the link points: "GitHub", "Hugging Face", "Zenodo" ... or "Other web"."""
        return host_label(self.kind)

    @property
    def dead_in_readme(self) -> bool:
        """A README's or project page's artefact link that answers missing, private, blocked."""
        return self.provenance in ("readme", "project-page") and self.status in (
            "missing", "private", "blocked")


@dataclass(frozen=True)
class PaperRow:
    """One paper's scorecard row."""

    paper_id: int
    title: str
    arxiv_id: str | None
    score: float | None
    grade: str | None
    checklist: int | None
    criteria: tuple[CriterionCell, ...]
    best_code_url: str | None
    license: str | None
    stars: int | None
    links: tuple[LinkRow, ...]
    promise_unfulfilled: bool
    inconclusive: tuple[str, ...]
    status: str | None = None  # complete | provisional | incomplete (None: before 0006)
    coverage: float | None = None
    withheld: str | None = None  # why the grade is withheld
    warnings: tuple[str, ...] = ()  # e.g. a suspect repository
    candidates: tuple[str, ...] = ()  # unconfirmed artefacts found (not scored)
    licenses: dict[str, Any] | None = None  # code / weights / data licenses and conflicts
    advice: tuple[str, ...] = ()  # what to do about what was not checked (tracker.advice)

    @property
    def grade_key(self) -> str:
        """The grade filter's value: the grade, "withheld" or "none"."""
        if self.grade:
            return self.grade
        return WITHHELD if self.status == "incomplete" else UNGRADED

    @property
    def missing(self) -> tuple[str, ...]:
        """What the paper lacks: code, weights, data, license, env, docs (failed criteria)."""
        return missing_artefacts({cell.id: cell.outcome for cell in self.criteria})

    @property
    def hosts(self) -> tuple[str, ...]:
        """The hosts of the paper's links, each once, in the order links were listed."""
        return tuple(dict.fromkeys(link.host for link in self.links))

    @property
    def code_license(self) -> str | None:
        """The code's license as scored (before scorecards kept licenses: the license the
        repository, or failing it another link, states)."""
        return self.license if self.licenses is None else self.licenses.get("code")

    @property
    def weights_license(self) -> str | None:
        """The released weights' license, when weights and a license were found."""
        return (self.licenses or {}).get("weights")

    @property
    def data_license(self) -> str | None:
        """The released data's license, when data and a license were found."""
        return (self.licenses or {}).get("data")

    @property
    def search_text(self) -> str:
        """What the report's search box matches: title, arXiv id and every URL, lowercased."""
        parts = [self.title, self.arxiv_id or "", f"arxiv:{self.arxiv_id}" if self.arxiv_id
                 else "", *(link.url for link in self.links), *self.candidates]
        return " ".join(part for part in parts if part).lower()


@dataclass(frozen=True)
class HistoryPoint:
    """One audit in the history charts."""

    audit_id: int
    date: datetime
    grade_distribution: dict[str, int]
    links_reachable_share: float | None  # of the links observed in that audit
    papers: int = 0  # the papers the audit covered
    released: dict[str, int] | None = None  # RELEASE_KINDS -> papers releasing it

    def release_share(self, kind: str) -> float | None:
        """The share of the audit's papers that released `kind` (None with no papers)."""
        if not self.papers:
            return None
        return (self.released or {}).get(kind, 0) / self.papers


@dataclass(frozen=True)
class Report:
    """Everything a report of one audit shows; every renderer is fed this value."""

    audit: AuditFacts
    previous_audit_id: int | None
    summary: SummaryFigures
    changes: tuple[Change, ...]
    papers: tuple[PaperRow, ...]
    history: tuple[HistoryPoint, ...]
    criteria_titles: dict[str, str]
    generated_at: datetime

    @property
    def hosts(self) -> tuple[str, ...]:
        """Every host the papers link to, in a fixed order (GitHub, Hugging Face ... other)."""
        present = {host for row in self.papers for host in row.hosts}
        order = [*dict.fromkeys(HOST_LABELS.values()), OTHER_HOST]
        return tuple(host for host in order if host in present)

    @property
    def grade_counts(self) -> dict[str, int]:
        """Papers per grade filter value: A-F, withheld, none (empty values left out)."""
        counts = Counter(row.grade_key for row in self.papers)
        return {key: counts[key] for key in (*GRADES, WITHHELD, UNGRADED) if counts[key]}

    @property
    def missing_counts(self) -> dict[str, int]:
        """Papers lacking each of code, weights, data, license, env, docs (none left out)."""
        counts = Counter(label for row in self.papers for label in row.missing)
        return {label: counts[label] for label in MISSING_CRITERIA if counts[label]}


def audit_facts(audit: Audit) -> AuditFacts:
    """The audit row as plain values."""
    assert audit.id is not None
    started, finished = as_utc(audit.started_at), as_utc(audit.finished_at)
    assert started is not None
    return AuditFacts(
        id=audit.id, trigger=audit.trigger, status=audit.status, started_at=started,
        finished_at=finished,
        duration_seconds=(finished - started).total_seconds() if finished else None,
        papers_total=audit.papers_total, papers_done=audit.papers_done,
        links_checked=audit.links_checked, errors=audit.errors,
        requests=dict(audit.requests or {}), not_modified=dict(audit.not_modified or {}),
        rate_limit_waits=dict(audit.rate_limit_waits or {}), message=audit.message,
    )


def _criterion_cells(card: ScorecardRecord | None) -> tuple[CriterionCell, ...]:
    criteria = ((card.findings or {}).get("criteria") or {}) if card else {}
    cells = []
    for criterion_id, check in CRITERIA.items():
        finding = criteria.get(criterion_id) or {}
        cells.append(CriterionCell(
            id=criterion_id, title=check.definition.title, outcome=finding.get("outcome"),
            score=finding.get("score"), evidence="\n".join(finding.get("evidence") or []),
            remediation=finding.get("remediation") or "",
        ))
    return tuple(cells)


def _license_of(links: list[Link], observations: dict[int, ObservationRecord],
                best_code_url: str | None) -> str | None:
    """The code repository's license, else the first license any reachable link states."""
    ordered = sorted(links, key=lambda link: link.url != best_code_url)
    for link in ordered:
        row = observations.get(link.id) if link.id else None
        if row is None or LinkStatus(row.status) not in REACHABLE_STATUSES:
            continue
        value = (row.facts or {}).get("license_spdx") or (row.facts or {}).get("license")
        if value:
            return str(value)
    return None


def paper_row(paper: Paper, links: list[Link], observations: dict[int, ObservationRecord],
              card: ScorecardRecord | None,
              link_history: dict[int, tuple[StatusSpan, ...]] | None = None) -> PaperRow:
    """A paper's row in the report (`link_history`: link id -> its statuses over the audits)."""
    history = link_history or {}
    assert paper.id is not None
    findings: dict[str, Any] = (card.findings or {}) if card else {}
    reported = findings.get("reported") or {}
    return PaperRow(
        paper_id=paper.id,
        title=paper.title or paper.arxiv_id or f"paper #{paper.id}",
        arxiv_id=paper.arxiv_id,
        score=card.score if card else None,
        grade=card.grade if card else None,
        checklist=card.checklist if card else None,
        criteria=_criterion_cells(card),
        best_code_url=card.best_code_url if card else None,
        license=_license_of(links, observations, card.best_code_url if card else None),
        stars=reported.get("stars"),
        links=tuple(
            LinkRow(link.url, link.kind, observations[link.id].status
                    if link.id in observations else str(LinkStatus.UNCHECKED), link.provenance,
                    history.get(link.id or -1, ()))
            for link in links if link.state == "active"),
        promise_unfulfilled=bool(card.promise_unfulfilled) if card else False,
        inconclusive=tuple(findings.get("inconclusive") or ()),
        status=card.status if card else None,
        coverage=card.coverage if card else None,
        withheld=findings.get("withheld"),
        warnings=tuple(findings.get("warnings") or ()),
        candidates=tuple(link.url for link in links if link.state == "candidate"),
        licenses=findings.get("licenses"),
        advice=tuple(findings.get("not_checked") or ()),
    )


def _outcome_in(row: PaperRow, criterion_id: str, outcomes: set[str]) -> bool:
    return any(cell.id == criterion_id and cell.outcome in outcomes for cell in row.criteria)


def summary_figures(rows: list[PaperRow]) -> SummaryFigures:
    """The summary counts over the papers' rows."""
    grades = Counter(row.grade or NO_SCORE for row in rows)
    statuses = Counter(link.status for row in rows for link in row.links)
    status_order = [str(status) for status in LinkStatus]
    released = {"pass", "partial"}
    return SummaryFigures(
        papers=len(rows),
        links=sum(len(row.links) for row in rows),
        with_code=sum(_outcome_in(row, "code_available", {"pass"}) for row in rows),
        with_osi_license=sum(_outcome_in(row, "license", {"pass"}) for row in rows),
        with_any_license=sum(_outcome_in(row, "license", released) for row in rows),
        with_weights=sum(_outcome_in(row, "weights_released", released) for row in rows),
        with_data=sum(_outcome_in(row, "data_released", released) for row in rows),
        promise_unfulfilled=sum(row.promise_unfulfilled for row in rows),
        grade_distribution={grade: grades.get(grade, 0) for grade in (*GRADES, NO_SCORE)},
        checklist_distribution={n: sum(1 for row in rows if row.checklist == n)
                                for n in range(6)},
        links_by_status={status: statuses[status] for status in status_order
                         if statuses.get(status)},
    )


def history_audits(session: Session, audit: Audit, limit: int = HISTORY_LIMIT) -> list[Audit]:
    """This audit and the completed (or degraded) audits before it, oldest first."""
    assert audit.id is not None
    earlier = session.exec(
        select(Audit).where(col(Audit.id) < audit.id, col(Audit.status).in_(COMPARABLE_STATUSES))
        .order_by(col(Audit.id).desc()).limit(limit - 1)
    ).all()
    return [*reversed(earlier), audit]


def released_kinds(findings: dict[str, Any]) -> frozenset[str]:
    """What a scorecard's findings say the paper released, by the summary's rules: code when
    `code_available` passed, weights or data when their criterion passed or was partial."""
    criteria = findings.get("criteria") or {}

    def outcome(criterion_id: str) -> str | None:
        return (criteria.get(criterion_id) or {}).get("outcome")

    kinds = {"code"} if outcome("code_available") == "pass" else set()
    kinds |= {kind for kind, criterion_id in (("weights", "weights_released"),
                                              ("data", "data_released"))
              if outcome(criterion_id) in ("pass", "partial")}
    return frozenset(kinds)


def _card_summaries(session: Session, ids: Iterable[int],
                    known: dict[int, tuple[str | None, frozenset[str]]]
                    ) -> list[tuple[str | None, frozenset[str]]]:
    """(grade, released kinds) of these scorecards, read once per scorecard into `known`
    (audits thinned by retention share their earlier scorecards)."""
    wanted = [i for i in ids if i not in known]
    connection = session.connection()
    for start in range(0, len(wanted), 500):
        rows = session.exec(select(ScorecardRecord.id, ScorecardRecord.grade,
                                   ScorecardRecord.findings)
                            .where(col(ScorecardRecord.id).in_(wanted[start:start + 500])))
        for card_id, grade, findings in rows:
            # columns, not rows: no ORM load, so content references are expanded here
            known[card_id] = (grade, released_kinds(expand_value(connection, findings or {})))
    return [known[i] for i in ids]


def link_histories(session: Session, audits: list[Audit], link_ids: list[int]
                   ) -> dict[int, tuple[StatusSpan, ...]]:
    """Each link's status in each audit (as of its end), runs of one status merged."""
    spans: dict[int, list[StatusSpan]] = {}
    for item in audits:
        assert item.id is not None
        started = as_utc(item.started_at)
        assert started is not None
        for link_id, status in sorted(statuses_as_of(session, item, link_ids).items()):
            runs = spans.setdefault(link_id, [])
            if runs and runs[-1].status == status:
                runs[-1] = dataclasses.replace(runs[-1], last_audit=item.id)
            else:
                runs.append(StatusSpan(status, item.id, item.id, started))
    return {link_id: tuple(runs) for link_id, runs in spans.items()}


def history_points(session: Session, audit: Audit, limit: int = HISTORY_LIMIT,
                   audits: list[Audit] | None = None) -> tuple[HistoryPoint, ...]:
    """This audit and the completed audits before it (oldest first), for the charts.

    Each audit's papers are judged on their scorecards as of that audit (its own, else the
    latest before it ended), as the audit's own report would: retention may have thinned a
    scorecard that equalled the one before it.
    """
    points = []
    known: dict[int, tuple[str | None, frozenset[str]]] = {}
    for item in audits if audits is not None else history_audits(session, audit, limit):
        paper_ids = audit_paper_ids(session, item)
        cards = _card_summaries(session, scorecard_ids_as_of(session, item, paper_ids).values(),
                                known)
        grades = Counter(grade or NO_SCORE for grade, _ in cards)
        grades[NO_SCORE] += len(paper_ids) - len(cards)
        statuses = list(session.exec(select(ObservationRecord.status)
                                     .where(ObservationRecord.audit_id == item.id)))
        # An outage is not 0% reachable: only conclusive looks count.
        statuses = [status for status in statuses if is_conclusive(status)]
        reachable = sum(1 for status in statuses if LinkStatus(status) in REACHABLE_STATUSES)
        started = as_utc(item.started_at)
        assert item.id is not None and started is not None
        points.append(HistoryPoint(
            audit_id=item.id, date=started,
            grade_distribution={grade: grades.get(grade, 0) for grade in (*GRADES, NO_SCORE)},
            links_reachable_share=reachable / len(statuses) if statuses else None,
            papers=len(paper_ids),
            released={kind: sum(kind in kinds for _, kinds in cards) for kind in RELEASE_KINDS},
        ))
    return tuple(points)


def build_report(session: Session, audit_id: int, *,
                 stars: StarsThreshold = StarsThreshold()) -> Report:
    """The report of one audit (InputError when there is no such audit)."""
    audit = get_audit(session, audit_id)
    paper_ids = audit_paper_ids(session, audit)
    papers = {p.id: p for p in session.exec(select(Paper).where(col(Paper.id).in_(paper_ids)))}
    grouped = links_of(session, paper_ids, states=("active", "candidate"))
    observations = observations_as_of(
        session, audit, [link.id for links in grouped.values() for link in links if link.id])
    cards = scorecards_as_of(session, audit, paper_ids)
    audits = history_audits(session, audit)
    statuses = link_histories(session, audits, [link.id for links in grouped.values()
                                                for link in links if link.id])
    rows = [paper_row(papers[i], grouped[i], observations, cards.get(i), statuses)
            for i in paper_ids]
    previous_id = previous_completed_audit(session, audit_id)
    return Report(
        audit=audit_facts(audit),
        previous_audit_id=previous_id,
        summary=summary_figures(rows),
        changes=tuple(detect_changes(session, audit_id, previous_id, stars=stars)
                      if previous_id is not None else ()),
        papers=tuple(rows),
        history=history_points(session, audit, audits=audits),
        criteria_titles={cid: check.definition.title for cid, check in CRITERIA.items()},
        generated_at=datetime.now(UTC),
    )
