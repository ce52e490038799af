"""Combine a paper's findings with the configured weights into a Scorecard (score, grade).

The score is normalised over the conclusive criteria: ``sum(w * s) / sum(w)`` over the
criteria whose outcome is neither unavailable nor not_applicable. An unavailable finding
(rate limit, error) leaves the denominator and is listed in ``inconclusive``; it is never
scored zero. When no criterion is conclusive the score and grade are None, never 0.

Popularity (stars, forks, downloads, likes) and the last commit date are reported next to
the score but never scored: popularity is not reproducibility.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType
from typing import Any

from checks import CRITERIA
from checks.base import CHECKLIST_ITEMS, UNSCORED_OUTCOMES, Finding, Outcome, PaperFacts
from checks.artefact_licenses import artefact_licenses
from checks.common import AVAILABLE, best_code_repo, code_repos, repository_doubt
from checks.promises import promise_unfulfilled
from tracker.advice import what_to_do
from tracker.errors import ConfigError
from tracker.links import LinkKind

WEIGHTS_KEY = "scoring.weights"
WEIGHT_SUM_TOLERANCE = 1e-6

def _definition_weights() -> dict[str, float]:
    return {criterion_id: check.definition.weight for criterion_id, check in CRITERIA.items()}


# The rubric of DESIGN.md (v1), in the criteria's registration order: each criterion's
# definition carries its default weight.
DEFAULT_WEIGHTS: Mapping[str, float] = MappingProxyType(_definition_weights())

# A grade needs code_available and license to be conclusive and at least this share of the
# rubric's weight to be conclusive (docs/scorecard.md, "Coverage and withheld grades").
MIN_GRADED_COVERAGE = 0.8
GRADE_CRITERIA: tuple[str, ...] = ("code_available", "license")


class ScorecardStatus(StrEnum):
    """How much of the rubric a scorecard could judge."""

    COMPLETE = "complete"  # every criterion concluded
    PROVISIONAL = "provisional"  # some did not, but what is missing cannot change the grade
    INCOMPLETE = "incomplete"  # the grade is withheld until the missing evidence is seen


# Lowest score of each grade, best first; below the last band the grade is F.
GRADE_BANDS: tuple[tuple[str, float], ...] = (("A", 0.85), ("B", 0.70), ("C", 0.50),
                                             ("D", 0.30))
LOWEST_GRADE = "F"


@dataclass
class Scorecard:
    """A paper's findings, their weighted score, grade and checklist count.

    ``score`` is None when no criterion was conclusive; ``grade`` is None when it is withheld
    (``status`` incomplete: ``withheld`` says why, ``not_checked`` what to do); ``coverage``
    is the weight share of the criteria that concluded; ``score_range`` bounds the score the
    paper would get whatever the unavailable criteria turn out to be. ``checklist`` counts the
    ML Code Completeness Checklist items whose criterion passed (0-5); ``inconclusive``
    lists the criteria whose outcome was unavailable. ``stars`` ... ``last_commit_at`` are
    reported, not scored: stars/forks/last commit of the best code repository, downloads
    and likes summed over the paper's reachable Hugging Face repositories.
    """

    score: float | None
    grade: str | None
    checklist: int
    findings: dict[str, Finding]
    weights: dict[str, float]
    inconclusive: list[str] = field(default_factory=list)
    coverage: float = 1.0
    status: str = ScorecardStatus.COMPLETE
    score_range: tuple[float, float] | None = None
    withheld: str | None = None
    not_checked: list[str] = field(default_factory=list)
    last_known: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    code_license: str | None = None
    weights_license: str | None = None
    data_license: str | None = None
    license_conflicts: list[str] = field(default_factory=list)
    promise_unfulfilled: bool = False
    promise_evidence: list[str] = field(default_factory=list)
    best_code_url: str | None = None
    stars: int | None = None
    forks: int | None = None
    downloads: int | None = None
    likes: int | None = None
    last_commit_at: str | None = None


def validate_weights(weights: Mapping[str, Any]) -> None:
    """Raise ConfigError unless the weights name exactly the registered criteria, are each
    a finite number >= 0, and sum to 1 (within 1e-6)."""
    unknown = sorted(set(weights) - set(CRITERIA))
    if unknown:
        raise ConfigError(f"unknown criterion {unknown[0]!r}; known: {', '.join(CRITERIA)}",
                          key=f"{WEIGHTS_KEY}.{unknown[0]}")
    missing = [criterion_id for criterion_id in CRITERIA if criterion_id not in weights]
    if missing:
        raise ConfigError(f"no weight for criterion {missing[0]!r}; every criterion needs one "
                          "(0 leaves it out)", key=f"{WEIGHTS_KEY}.{missing[0]}")
    for criterion_id, weight in weights.items():
        is_number = isinstance(weight, (int, float)) and not isinstance(weight, bool)
        if not is_number or not math.isfinite(weight) or weight < 0:
            raise ConfigError(f"weight must be a number >= 0, got {weight!r}",
                              key=f"{WEIGHTS_KEY}.{criterion_id}")
    total = math.fsum(weights.values())
    if abs(total - 1.0) > WEIGHT_SUM_TOLERANCE:
        raise ConfigError(f"weights must sum to 1, they sum to {total:.6g}", key=WEIGHTS_KEY)


def complete_weights(weights: Mapping[str, Any]) -> dict[str, Any]:
    """Weights for every registered criterion: the given ones, the defaults for the rest.

    A config written before a criterion existed names fewer criteria: the newcomers get
    their default weight and the whole set is rescaled to sum to 1, so old configs keep
    loading. A config that names every criterion is taken as it is (and must sum to 1).
    """
    missing = [criterion_id for criterion_id in CRITERIA if criterion_id not in weights]
    if not missing:
        return dict(weights)
    merged: dict[str, Any] = {**weights, **{c: DEFAULT_WEIGHTS[c] for c in missing}}
    numeric = all(isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)
                  and v >= 0 for v in merged.values())
    total = math.fsum(merged.values()) if numeric else 0.0
    if total > 0:
        merged = {c: w / total for c, w in merged.items()}
    return merged


def grade_for(score: float | None) -> str | None:
    """The letter grade of a score (A >= 0.85, B >= 0.70, C >= 0.50, D >= 0.30, else F)."""
    if score is None:
        return None
    rounded = round(score, 9)  # 0.7 + 0.15 must not fall below 0.85 by a float ulp
    return next((grade for grade, lowest in GRADE_BANDS if rounded >= lowest), LOWEST_GRADE)


def weighted_score(findings: Mapping[str, Finding], weights: Mapping[str, float]) -> float | None:
    """``sum(w * s) / sum(w)`` over the conclusive findings; None when nothing is conclusive."""
    conclusive = [(weights[criterion_id], finding.score)
                  for criterion_id, finding in findings.items()
                  if finding.outcome not in UNSCORED_OUTCOMES and finding.score is not None]
    denominator = math.fsum(weight for weight, _ in conclusive)
    if denominator <= 0:
        return None
    return math.fsum(weight * score for weight, score in conclusive) / denominator


def checklist_count(findings: Mapping[str, Finding]) -> int:
    """How many of the five ML Code Completeness Checklist items passed."""
    passed = {CRITERIA[criterion_id].definition.checklist_item
              for criterion_id, finding in findings.items()
              if finding.outcome is Outcome.PASS}
    return len(passed & set(CHECKLIST_ITEMS))


def _sum_of(paper: PaperFacts, key: str) -> int | None:
    values = [link.facts.get(key) for link in paper.links_of(LinkKind.HF_MODEL,
                                                             LinkKind.HF_DATASET,
                                                             LinkKind.HF_SPACE)
              if link.status in AVAILABLE and isinstance(link.facts.get(key), int)]
    return sum(values) if values else None


def coverage_of(findings: Mapping[str, Finding], weights: Mapping[str, float]) -> float:
    """The share of the rubric's weight whose criteria concluded (not unavailable)."""
    total = math.fsum(weights[c] for c in findings)
    if total <= 0:
        return 1.0
    unavailable = math.fsum(weights[c] for c, f in findings.items()
                            if f.outcome is Outcome.UNAVAILABLE)
    return (total - unavailable) / total


def score_bounds(
    findings: Mapping[str, Finding], weights: Mapping[str, float]
) -> tuple[float, float] | None:
    """The lowest and highest score the paper could have once the unavailable criteria
    conclude (each scored 0, or each scored 1); None when nothing at all is scored."""
    counted = {c: f for c, f in findings.items() if f.outcome is not Outcome.NOT_APPLICABLE}
    total = math.fsum(weights[c] for c in counted)
    if total <= 0:
        return None
    earned = math.fsum(weights[c] * (f.score or 0.0) for c, f in counted.items()
                       if f.outcome is not Outcome.UNAVAILABLE)
    missing = math.fsum(weights[c] for c, f in counted.items()
                        if f.outcome is Outcome.UNAVAILABLE)
    return earned / total, (earned + missing) / total


def judge_status(
    findings: Mapping[str, Finding], weights: Mapping[str, float], score: float | None
) -> tuple[ScorecardStatus, str | None, float, tuple[float, float] | None]:
    """(status, why the grade is withheld or None, coverage, score bounds).

    Missing information never changes a grade, it withholds it: a grade is given only when
    code_available and license concluded, at least MIN_GRADED_COVERAGE of the weight
    concluded, and the lowest and highest possible scores fall in the same grade band.
    """
    coverage = coverage_of(findings, weights)
    bounds = score_bounds(findings, weights)
    unavailable = [c for c, f in findings.items() if f.outcome is Outcome.UNAVAILABLE]
    if not unavailable:
        return ScorecardStatus.COMPLETE, None, coverage, bounds
    blocking = [c for c in GRADE_CRITERIA if c in unavailable]
    if blocking:
        why = f"{' and '.join(blocking)} could not be judged"
    elif coverage < MIN_GRADED_COVERAGE:
        why = (f"only {coverage:.0%} of the rubric could be judged "
               f"(a grade needs {MIN_GRADED_COVERAGE:.0%})")
    elif score is None or bounds is None or grade_for(bounds[0]) != grade_for(bounds[1]):
        low, high = bounds or (0.0, 1.0)
        why = (f"the unchecked criteria ({', '.join(unavailable)}) could still move the grade "
               f"between {grade_for(low)} and {grade_for(high)}")
    else:
        return ScorecardStatus.PROVISIONAL, None, coverage, bounds
    return ScorecardStatus.INCOMPLETE, why, coverage, bounds


# Criteria whose failure is about what was seen, never about what discovery might add.
ABSENCE_BLIND = frozenset({"link_health"})


def withhold_absences(findings: Mapping[str, Finding], gap: str) -> dict[str, Finding]:
    """The findings of a paper whose discovery could not finish: a fail or partial may be an
    absence of links discovery did not get to find, so it becomes unavailable (with the
    reason); what passed, or does not apply, stands, and so does link_health (it judges the
    links that were seen, not the ones that might exist)."""
    note = f"discovery could not finish ({gap}): links it would have found are unknown"
    return {
        criterion_id: Finding(
            criterion_id, Outcome.UNAVAILABLE, None, [*finding.evidence, note],
            "audit again once the paper index answers", finding.subject,
        ) if finding.outcome in (Outcome.FAIL, Outcome.PARTIAL)
        and criterion_id not in ABSENCE_BLIND else finding
        for criterion_id, finding in findings.items()
    }


def score_paper(paper: PaperFacts, weights: Mapping[str, float] = DEFAULT_WEIGHTS) -> Scorecard:
    """Run every criterion on the paper and combine the findings into a Scorecard."""
    validate_weights(weights)
    findings = {criterion_id: check(paper) for criterion_id, check in CRITERIA.items()}
    if paper.discovery_gap:
        findings = withhold_absences(findings, paper.discovery_gap)
    score = weighted_score(findings, weights)
    status, withheld, coverage, bounds = judge_status(findings, weights, score)
    if withheld and paper.discovery_gap:
        withheld = f"{withheld}: discovery could not finish ({paper.discovery_gap})"
    flagged, promise_evidence = promise_unfulfilled(paper)
    licenses = artefact_licenses(paper)
    repo = best_code_repo(paper)
    repo_facts = repo.facts if repo is not None and repo.status in AVAILABLE else {}
    return Scorecard(
        score=score,
        grade=None if status is ScorecardStatus.INCOMPLETE else grade_for(score),
        checklist=checklist_count(findings),
        findings=findings,
        weights=dict(weights),
        inconclusive=[criterion_id for criterion_id, finding in findings.items()
                      if finding.outcome is Outcome.UNAVAILABLE],
        coverage=coverage,
        status=status,
        score_range=bounds,
        withheld=withheld,
        not_checked=what_to_do(paper) if status is not ScorecardStatus.COMPLETE else [],
        last_known=[f"{link.url}: latest look {link.latest_status}; judged on the last "
                    f"conclusive one, of {link.as_of:%Y-%m-%d} ({link.status})"
                    for link in paper.links if link.as_of is not None],
        warnings=[f"suspect repository {link.url}: {doubt}" for link in code_repos(paper)
                  if (doubt := repository_doubt(paper, link)) is not None],
        code_license=licenses.code,
        weights_license=licenses.weights,
        data_license=licenses.data,
        license_conflicts=licenses.conflicts,
        promise_unfulfilled=flagged,
        promise_evidence=promise_evidence,
        best_code_url=repo.url if repo is not None else None,
        stars=repo_facts.get("stars"),
        forks=repo_facts.get("forks"),
        downloads=_sum_of(paper, "downloads"),
        likes=_sum_of(paper, "likes"),
        last_commit_at=repo_facts.get("last_commit_at") or repo_facts.get("pushed_at"),
    )


def to_json(scorecard: Scorecard) -> dict[str, Any]:
    """The scorecard part of ``check --json``: score, grade, checklist, criteria, flags."""
    return {
        "score": None if scorecard.score is None else round(scorecard.score, 4),
        "grade": scorecard.grade,
        "checklist": scorecard.checklist,
        "criteria": {
            criterion_id: {
                "score": None if finding.score is None else round(finding.score, 4),
                "weight": scorecard.weights.get(criterion_id),
                "outcome": str(finding.outcome),
                "evidence": list(finding.evidence),
                "remediation": finding.remediation,
                "subject": finding.subject,
            }
            for criterion_id, finding in scorecard.findings.items()
        },
        "inconclusive": list(scorecard.inconclusive),
        "coverage": round(scorecard.coverage, 4),
        "status": str(scorecard.status),
        "score_range": None if scorecard.score_range is None
        else [round(bound, 4) for bound in scorecard.score_range],
        "withheld": scorecard.withheld,
        "not_checked": list(scorecard.not_checked),
        "last_known": list(scorecard.last_known),
        "warnings": list(scorecard.warnings),
        "promise_unfulfilled": scorecard.promise_unfulfilled,
        "promise_evidence": list(scorecard.promise_evidence),
        "licenses": {"code": scorecard.code_license, "weights": scorecard.weights_license,
                     "data": scorecard.data_license,
                     "conflicts": list(scorecard.license_conflicts)},
        "best_code_url": scorecard.best_code_url,
        "reported": {
            "stars": scorecard.stars,
            "forks": scorecard.forks,
            "downloads": scorecard.downloads,
            "likes": scorecard.likes,
            "last_commit_at": scorecard.last_commit_at,
        },
    }
