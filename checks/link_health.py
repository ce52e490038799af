"""Criterion link_health: was every link of the paper reachable at every check in the window?"""

from __future__ import annotations

from checks.base import CriterionDefinition, Finding, LinkFacts, Outcome, PaperFacts, criterion
from checks.common import AVAILABLE, INCONCLUSIVE, make_finding
from tracker.kernel import LinkStatus

DEFINITION = CriterionDefinition(
    id="link_health",
    label="Links",
    weight=0.025,
    title="Links stay reachable",
    question="Was every link of the paper reachable at every check in the window?",
    motivation="Links rot: repositories get deleted or made private, anonymous-review links "
               "expire, project pages move. A paper whose links fail now and then is hard "
               "to reproduce even when everything was once released.",
    how="Every observation of every link of the paper in the window counts: ok, moved "
        "(redirected to a live target) and gated (the target exists, behind terms) are "
        "reachable; missing, private, blocked and error (the service or the host failed) "
        "are not; rate_limited and unchecked observations say nothing about the link and "
        "are left out. The score is the share of counted observations that were reachable.",
    outcomes={
        Outcome.PASS: "every counted observation of every link was reachable",
        Outcome.PARTIAL: "some observations failed (score: the share that succeeded)",
        Outcome.FAIL: "no observation of any link succeeded",
        Outcome.NOT_APPLICABLE: "the paper has no links",
        Outcome.UNAVAILABLE: "no link could be checked yet (only rate limits or unchecked)",
    },
    remediation="Restore or replace the dead links (archive code and data on Zenodo or "
                "Software Heritage for lasting URLs).",
)


def _counted(link: LinkFacts) -> tuple[int, int, list[LinkStatus]]:
    """(reachable observations, counted observations, failing statuses) of one link."""
    counted = [status for status in link.statuses if status not in INCONCLUSIVE]
    failures = [status for status in counted if status not in AVAILABLE]
    return len(counted) - len(failures), len(counted), failures


@criterion(DEFINITION)
def check_link_health(paper: PaperFacts) -> Finding:
    """Share of the paper's link observations in the window that were reachable."""
    if not paper.links:
        return make_finding(DEFINITION, Outcome.NOT_APPLICABLE, None,
                            ["the paper has no links"])
    reachable = counted = 0
    evidence: list[str] = []
    for link in paper.links:
        link_reachable, link_counted, failures = _counted(link)
        reachable += link_reachable
        counted += link_counted
        if failures:
            kinds = ", ".join(sorted({str(status) for status in failures}))
            evidence.append(f"{link.url}: {len(failures)} of {link_counted} checks failed "
                            f"({kinds}); latest {link.status}")
    if counted == 0:
        return make_finding(DEFINITION, Outcome.UNAVAILABLE, None,
                            [f"none of the {len(paper.links)} link(s) could be checked yet"])
    share = reachable / counted
    summary = f"{reachable} of {counted} checks of {len(paper.links)} link(s) reachable"
    if share == 1.0:
        return make_finding(DEFINITION, Outcome.PASS, 1.0, [summary])
    outcome = Outcome.FAIL if reachable == 0 else Outcome.PARTIAL
    return make_finding(DEFINITION, outcome, share, [summary, *evidence],
                        DEFINITION.remediation)
