"""The criteria family's interface: the facts a criterion reads, the finding it returns, its
definition as data, and the registry every criterion module adds itself to.

A criterion is a pure function ``(PaperFacts) -> Finding``: no I/O, no clock. It is registered
with its :class:`CriterionDefinition` by the :func:`criterion` decorator::

    DEFINITION = CriterionDefinition(id="license", title=..., question=..., ...)

    @criterion(DEFINITION)
    def check_license(paper: PaperFacts) -> Finding:
        ...

A new criterion is one new module in ``checks/`` (its definition carries its default weight
and short label) plus one import line in ``checks/__init__.py``; :data:`CRITERIA` keeps the
registration (= import) order, which is the order of the rubric, of the docs and of the JSON
output.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any, Protocol

from tracker.kernel import LinkStatus
from tracker.links import LinkKind


class Outcome(StrEnum):
    """How a criterion ended for one paper."""

    PASS = "pass"
    PARTIAL = "partial"
    FAIL = "fail"
    NOT_APPLICABLE = "not_applicable"  # the question does not arise for this paper
    UNAVAILABLE = "unavailable"  # could not conclude (rate limit, error, not checked yet)


# Outcomes that carry no score and leave the scorer's denominator.
UNSCORED_OUTCOMES: frozenset[Outcome] = frozenset({Outcome.NOT_APPLICABLE, Outcome.UNAVAILABLE})

# The first five items of the ML Code Completeness Checklist (Papers with Code, 2020).
CHECKLIST_ITEMS: tuple[str, ...] = (
    "dependencies",
    "training_code",
    "evaluation_code",
    "pretrained_models",
    "results_readme",
)


@dataclass(frozen=True)
class LinkFacts:
    """One link of a paper with its latest observation.

    ``history`` holds the statuses of every observation of this link in the window, oldest
    first, the latest included; empty means only ``status`` is known. ``status`` and
    ``facts`` are those of the observation judged: the latest, or (``as_of`` set) the last
    conclusive one when the latest was inconclusive.
    """

    url: str
    kind: LinkKind | str
    provenance: str = "user"
    status: LinkStatus | str = LinkStatus.UNCHECKED
    facts: Mapping[str, Any] = field(default_factory=dict)
    checked_at: datetime | None = None
    history: tuple[LinkStatus | str, ...] = ()
    # Set when the latest look was inconclusive and an earlier conclusive one is judged:
    # when that one was made, and the latest status that was set aside.
    as_of: datetime | None = None
    latest_status: LinkStatus | str | None = None

    def __post_init__(self) -> None:
        # Stored rows hold plain strings; criteria compare against the enums.
        object.__setattr__(self, "kind", LinkKind(self.kind))
        object.__setattr__(self, "status", LinkStatus(self.status))
        if self.latest_status is not None:
            object.__setattr__(self, "latest_status", LinkStatus(self.latest_status))
        object.__setattr__(self, "history", tuple(LinkStatus(s) for s in self.history))

    @property
    def statuses(self) -> tuple[LinkStatus, ...]:
        """The statuses over the window, oldest first (just the latest when no history)."""
        return tuple(self.history) or (LinkStatus(self.status),)


@dataclass(frozen=True)
class PaperFacts:
    """Everything the criteria may read about one paper: its text and its links."""

    title: str = ""
    abstract: str = ""
    links: tuple[LinkFacts, ...] = ()
    arxiv_id: str = ""  # without version; its YYMM dates the paper's first version
    # Why discovery could not finish for this paper (a paper index did not answer), or None:
    # then links it would have found are unknown, and an absence proves nothing.
    discovery_gap: str | None = None

    def links_of(self, *kinds: LinkKind) -> tuple[LinkFacts, ...]:
        """The paper's links of the given kinds, in the paper's order."""
        return tuple(link for link in self.links if link.kind in kinds)


@dataclass(frozen=True)
class Finding:
    """A criterion's answer for one paper.

    ``score`` is in [0, 1], and None exactly when the outcome is not_applicable or
    unavailable; ``evidence`` says which link, file, release or fact decided;
    ``remediation`` is one line, empty on pass; ``subject`` is the URL of the link that
    decided (e.g. the code repository chosen among several), None when no link did.
    """

    criterion: str
    outcome: Outcome
    score: float | None
    evidence: list[str] = field(default_factory=list)
    remediation: str = ""
    subject: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "outcome", Outcome(self.outcome))
        if self.outcome in UNSCORED_OUTCOMES:
            if self.score is not None:
                raise ValueError(f"{self.criterion}: a {self.outcome} finding has no score")
        elif self.score is None or not 0.0 <= self.score <= 1.0:
            raise ValueError(f"{self.criterion}: score {self.score!r} is not in [0, 1]")
        if self.outcome is Outcome.PASS and self.remediation:
            raise ValueError(f"{self.criterion}: a passing finding needs no remediation")
        if "\n" in self.remediation:
            raise ValueError(f"{self.criterion}: remediation must be one line")


@dataclass(frozen=True)
class CriterionDefinition:
    """What a criterion asks and why, kept as data: the docs and the JSON come from it."""

    id: str
    title: str
    question: str
    motivation: str
    how: str
    outcomes: Mapping[Outcome, str]
    remediation: str
    checklist_item: str | None = None
    # The rubric's default weight (the config may override it) and a short column label.
    weight: float = 0.0
    label: str = ""

    def __post_init__(self) -> None:
        if not 0.0 <= self.weight <= 1.0:
            raise ValueError(f"{self.id}: default weight {self.weight} is not in [0, 1]")
        if self.checklist_item is not None and self.checklist_item not in CHECKLIST_ITEMS:
            raise ValueError(f"{self.id}: unknown checklist item {self.checklist_item!r}")


class Criterion(Protocol):
    """A registered criterion: its definition, and a call from paper facts to a finding."""

    @property
    def definition(self) -> CriterionDefinition:
        """What the criterion asks, why, and how it decides."""
        ...

    def __call__(self, paper: PaperFacts) -> Finding:
        """Judge one paper."""
        ...


@dataclass(frozen=True)
class RegisteredCriterion:
    """A criterion function bound to its definition (what :func:`criterion` registers)."""

    definition: CriterionDefinition
    check: Callable[[PaperFacts], Finding]

    def __call__(self, paper: PaperFacts) -> Finding:
        """Run the check and make sure the finding is labelled with this criterion."""
        finding = self.check(paper)
        if finding.criterion != self.definition.id:
            raise ValueError(
                f"criterion {self.definition.id} returned a finding for {finding.criterion}"
            )
        return finding


CRITERIA: dict[str, Criterion] = {}


def criterion(
    definition: CriterionDefinition,
) -> Callable[[Callable[[PaperFacts], Finding]], RegisteredCriterion]:
    """Register the decorated ``(PaperFacts) -> Finding`` function under ``definition.id``."""

    def register(check: Callable[[PaperFacts], Finding]) -> RegisteredCriterion:
        if definition.id in CRITERIA:
            raise ValueError(f"criterion {definition.id!r} is registered twice")
        registered = RegisteredCriterion(definition, check)
        CRITERIA[definition.id] = registered
        return registered

    return register


def evaluate(paper: PaperFacts) -> dict[str, Finding]:
    """Run every registered criterion on one paper, in registration order."""
    return {criterion_id: check(paper) for criterion_id, check in CRITERIA.items()}
