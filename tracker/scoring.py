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
from types import MappingProxyType
from typing import Any

from checks import CRITERIA
from checks.base import CHECKLIST_ITEMS, UNSCORED_OUTCOMES, Finding, Outcome, PaperFacts
from checks.common import AVAILABLE, best_code_repo
from checks.promises import promise_unfulfilled
from tracker.errors import ConfigError
from tracker.links import LinkKind

WEIGHTS_KEY = "scoring.weights"
WEIGHT_SUM_TOLERANCE = 1e-6

# The rubric of DESIGN.md (v1), in the criteria's registration order.
DEFAULT_WEIGHTS: Mapping[str, float] = MappingProxyType({
    "code_available": 0.25,
    "license": 0.15,
    "environment": 0.10,
    "training_code": 0.10,
    "evaluation_code": 0.10,
    "weights_released": 0.10,
    "data_released": 0.10,
    "documentation": 0.05,
    "versioned_release": 0.025,
    "link_health": 0.025,
})

# Lowest score of each grade, best first; below the last band the grade is F.
GRADE_BANDS: tuple[tuple[str, float], ...] = (("A", 0.85), ("B", 0.70), ("C", 0.50),
                                             ("D", 0.30))
LOWEST_GRADE = "F"


@dataclass
class Scorecard:
    """A paper's findings, their weighted score, grade and checklist count.

    ``score``/``grade`` are None when no criterion was conclusive; ``checklist`` counts the
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


def score_paper(paper: PaperFacts, weights: Mapping[str, float] = DEFAULT_WEIGHTS) -> Scorecard:
    """Run every criterion on the paper and combine the findings into a Scorecard."""
    validate_weights(weights)
    findings = {criterion_id: check(paper) for criterion_id, check in CRITERIA.items()}
    score = weighted_score(findings, weights)
    flagged, promise_evidence = promise_unfulfilled(paper)
    repo = best_code_repo(paper)
    repo_facts = repo.facts if repo is not None and repo.status in AVAILABLE else {}
    return Scorecard(
        score=score,
        grade=grade_for(score),
        checklist=checklist_count(findings),
        findings=findings,
        weights=dict(weights),
        inconclusive=[criterion_id for criterion_id, finding in findings.items()
                      if finding.outcome is Outcome.UNAVAILABLE],
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
        "promise_unfulfilled": scorecard.promise_unfulfilled,
        "best_code_url": scorecard.best_code_url,
        "reported": {
            "stars": scorecard.stars,
            "forks": scorecard.forks,
            "downloads": scorecard.downloads,
            "likes": scorecard.likes,
            "last_commit_at": scorecard.last_commit_at,
        },
    }
