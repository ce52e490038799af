"""What was not checked on a paper, and what to do about it: one line per cause.

A scorecard that is provisional or incomplete says why, in the user's terms ("GitHub rate
limited: set GITHUB_TOKEN"), so the fix is obvious. The lines are derived from the links'
statuses and file listings, grouped by service and cause.
"""

from __future__ import annotations

from checks.base import LinkFacts, PaperFacts
from checks.common import listing_gap
from tracker.kernel import INCONCLUSIVE, LinkStatus
from tracker.links import LinkKind

_SERVICES: dict[LinkKind, str] = {
    LinkKind.GITHUB_REPO: "GitHub",
    LinkKind.HF_MODEL: "Hugging Face",
    LinkKind.HF_DATASET: "Hugging Face",
    LinkKind.HF_SPACE: "Hugging Face",
    LinkKind.HF_PAPER: "Hugging Face",
    LinkKind.OSF_NODE: "OSF",
    LinkKind.ZENODO_RECORD: "Zenodo",
}

_RATE_LIMIT_ADVICE = {
    "GitHub": "set GITHUB_TOKEN (5,000 requests an hour instead of 60), or run "
              "`reprotrack audit --resume` after the reset",
    "Hugging Face": "set HF_TOKEN, or audit again after the Hub's 5-minute window",
}


def _service(link: LinkFacts) -> str:
    return _SERVICES.get(link.kind, link.url.split("/")[2] if "//" in link.url else "web")


def _line(service: str, status: LinkStatus, count: int) -> str:
    links = f"{count} link{'s' if count != 1 else ''}"
    if status is LinkStatus.RATE_LIMITED:
        advice = _RATE_LIMIT_ADVICE.get(service, "run the check again later")
        return f"{service} rate limited ({links}): {advice}"
    if status is LinkStatus.ERROR:
        return (f"{service} could not be reached or answered nonsense ({links}): "
                "check the network and the endpoint settings, then run the check again")
    return f"{service}: {links} not checked yet: run `reprotrack check` or `reprotrack audit`"


def what_to_do(paper: PaperFacts) -> list[str]:
    """One line per service and cause of missing evidence on this paper's links."""
    counts: dict[tuple[str, LinkStatus], int] = {}
    lines: list[str] = []
    for link in paper.links:
        if link.status in INCONCLUSIVE:
            key = (_service(link), link.status)
            counts[key] = counts.get(key, 0) + 1
        gap = listing_gap(link)
        if gap and link.status not in INCONCLUSIVE:
            lines.append(f"{link.url}: not every file was seen ({gap})")
    return [_line(service, status, count) for (service, status), count in counts.items()] + lines
