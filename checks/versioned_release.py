"""Criterion versioned_release: is there a tagged release or an archived versioned deposit?"""

from __future__ import annotations

from checks.base import CriterionDefinition, Finding, LinkFacts, Outcome, PaperFacts, criterion
from checks.common import AVAILABLE, INCONCLUSIVE, REACHABLE, code_repos, make_finding, name_paths
from tracker.links import LinkKind

DEFINITION = CriterionDefinition(
    id="versioned_release",
    label="Release",
    weight=0.025,
    title="Versioned release",
    question="Is there a tagged release, or an archived versioned deposit, that pins the code "
             "the paper used?",
    motivation="A repository keeps changing after publication; a tag or release names the "
               "exact state that produced the paper's results, so a reader can check out that "
               "state rather than whatever the default branch holds today.",
    how="Any reachable GitHub repository of the paper with a published (non-draft) release or "
        "a tag passes; so does a reachable Zenodo record (a DOI-versioned, immutable "
        "archive). A Hugging Face repository's commit hash does not count: every Hub "
        "repository has one, so it says nothing about whether the authors pinned a state.",
    outcomes={
        Outcome.PASS: "a GitHub release or tag, or a Zenodo record, exists",
        Outcome.FAIL: "no release, tag or archived deposit",
        Outcome.UNAVAILABLE: "nothing found, and a code repository could not be checked "
                             "(or its releases were not recorded)",
    },
    remediation="Tag the version used in the paper and publish a GitHub release (archive it "
                "on Zenodo for a DOI).",
)


def _pins(repo: LinkFacts) -> list[str] | None:
    """Release and tag names of a repository; None when neither was recorded."""
    facts = repo.facts
    if "releases" not in facts and "tags" not in facts:
        return None
    releases = [str(r.get("tag") or r.get("name")) for r in facts.get("releases") or []
                if not r.get("draft")]
    tags = [str(tag) for tag in facts.get("tags") or [] if str(tag) not in releases]
    return [*(f"release {name}" for name in releases), *(f"tag {name}" for name in tags)]


@criterion(DEFINITION)
def check_versioned_release(paper: PaperFacts) -> Finding:
    """Look for releases and tags on the code repositories, or a Zenodo record."""
    unknown: list[str] = []
    looked_at: list[str] = []
    for repo in code_repos(paper):
        if repo.status in INCONCLUSIVE:
            unknown.append(f"{repo.url}: could not be checked ({repo.status})")
            continue
        if repo.status not in REACHABLE:
            looked_at.append(f"{repo.url}: {repo.status}")
            continue
        pins = _pins(repo)
        if pins is None:
            unknown.append(f"{repo.url}: releases and tags were not recorded")
        elif pins:
            return make_finding(DEFINITION, Outcome.PASS, 1.0,
                                [f"{repo.url}: {name_paths(pins)}"], subject=repo.url)
        else:
            looked_at.append(f"{repo.url}: no release or tag")
    for record in paper.links_of(LinkKind.ZENODO_RECORD):
        if record.status in AVAILABLE:
            doi = record.facts.get("doi")
            return make_finding(DEFINITION, Outcome.PASS, 1.0,
                                [f"{record.url}: Zenodo record" + (f" (DOI {doi})" if doi else "")],
                                subject=record.url)
    if unknown:
        return make_finding(DEFINITION, Outcome.UNAVAILABLE, None, [*unknown, *looked_at])
    evidence = looked_at or ["no code repository or Zenodo record is linked"]
    return make_finding(DEFINITION, Outcome.FAIL, 0.0, evidence, DEFINITION.remediation)
