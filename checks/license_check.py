"""Criterion license: does the released code (else the released model) carry an open license?

The module is named ``license_check`` because ``license`` shadows the builtin of that name.
"""

from __future__ import annotations

from checks.base import CriterionDefinition, Finding, LinkFacts, Outcome, PaperFacts, criterion
from checks.classify import license_class, license_credit
from checks.common import (
    AVAILABLE,
    HUB_KINDS,
    REACHABLE,
    best_code_repo,
    choice_evidence,
    describe_status,
    make_finding,
    repository_doubt,
    unreachable_code_finding,
)
from tracker.links import LinkKind

# Where a license is read when no code repository is reachable: ids, not free-text names
# (OSF stores a license *name*, which the identifier tables cannot classify).
FALLBACK_KINDS: tuple[LinkKind, ...] = (*HUB_KINDS, LinkKind.ZENODO_RECORD)

REMEDIATION_NONE = "Add a LICENSE file with an OSI-approved license (e.g. MIT, Apache-2.0)."
REMEDIATION_RESTRICTED = ("Consider an OSI-approved license; non-commercial or custom terms "
                          "limit who may reuse the work.")

DEFINITION = CriterionDefinition(
    id="license",
    label="License",
    weight=0.15,
    title="Open license",
    question="Does the released code carry an open-source license?",
    motivation="Code without a license cannot legally be reused, modified or redistributed, "
               "whatever its quality; non-commercial or custom terms restrict who may build "
               "on it.",
    how="The license GitHub detected in the best code repository (its SPDX id) is classified "
        "by the license tables: an OSI-approved or open-data license earns full marks; "
        "non-commercial, research-only, custom or unidentified (GitHub's NOASSERTION: a "
        "license file GitHub could not match) earn half; none earns zero. When no code "
        "repository is reachable, the best license among the paper's Hugging Face repositories "
        "and Zenodo records is used instead.",
    outcomes={
        Outcome.PASS: "an OSI-approved (or open data) license",
        Outcome.PARTIAL: "non-commercial, research-only, custom or unidentified license "
                         "(score 0.5)",
        Outcome.FAIL: "no license, or nothing reachable to read one from",
        Outcome.UNAVAILABLE: "the code repository could not be checked",
    },
    remediation=REMEDIATION_NONE,
)


def _finding(license_id: str | None, source: LinkFacts, evidence: list[str]) -> Finding:
    credit = license_credit(license_id)
    named = license_id if license_id else "none"
    lines = [f"{source.url}: license {named} ({license_class(license_id)})", *evidence]
    if credit >= 1.0:
        return make_finding(DEFINITION, Outcome.PASS, 1.0, lines, subject=source.url)
    if credit > 0.0:
        return make_finding(DEFINITION, Outcome.PARTIAL, credit, lines, REMEDIATION_RESTRICTED,
                            subject=source.url)
    return make_finding(DEFINITION, Outcome.FAIL, 0.0, lines, REMEDIATION_NONE,
                        subject=source.url)


def _fallback(paper: PaperFacts, evidence: list[str]) -> Finding | None:
    """The best license among Hub repositories and Zenodo records, if any is available."""
    candidates = [link for link in paper.links_of(*FALLBACK_KINDS) if link.status in AVAILABLE]
    if not candidates:
        return None
    best = max(candidates, key=lambda link: license_credit(link.facts.get("license")))
    return _finding(best.facts.get("license"), best,
                    [*evidence, "no reachable code repository: license read from "
                                f"{best.kind}"])


@criterion(DEFINITION)
def check_license(paper: PaperFacts) -> Finding:
    """Classify the best code repository's license, else the Hub's or Zenodo's."""
    repo = best_code_repo(paper)
    if repo is not None and repo.status in REACHABLE and repository_doubt(paper, repo) is None:
        return _finding(repo.facts.get("license_spdx"), repo, choice_evidence(paper, repo))
    early = unreachable_code_finding(DEFINITION, paper, REMEDIATION_NONE)
    assert early is not None
    if early.outcome is Outcome.UNAVAILABLE:
        return early
    gone = [describe_status(repo)] if repo is not None else []
    return _fallback(paper, gone) or early
