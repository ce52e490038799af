"""Each service's health during an audit, and whether the audit as a whole is degraded.

An audit in which a service could not answer for a sizeable share of its links says little
about those links: it ends ``degraded`` rather than ``completed``, its report carries a banner
and does not replace ``latest.*`` unless asked, and change detection only ever compares
conclusive observations, so the outage never reads as links dying nor its end as progress.

The rule: an API service (GitHub, the Hub, OSF, Zenodo, arXiv) is *unhealthy* when at least
DEGRADED_SHARE of its observations in the audit were inconclusive (rate limited, error). The
``web`` and ``artefact_hosts`` services are exempt: they are not one service but every other
host on the internet (file hosts, share sites), and a dead domain's DNS failure is that link's
rot, not an outage.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tracker.kernel import INCONCLUSIVE, LinkStatus

DEGRADED_SHARE = 0.10
PER_HOST_SERVICES = frozenset({"web", "artefact_hosts"})


def service_health(
    counts: Mapping[str, Mapping[str, int]],
    requests: Mapping[str, int] | None = None,
    not_modified: Mapping[str, int] | None = None,
) -> dict[str, dict[str, Any]]:
    """Per service: observations by status, the inconclusive share, requests, 304s, health."""
    requests = requests or {}
    not_modified = not_modified or {}
    health: dict[str, dict[str, Any]] = {}
    for service in sorted(set(counts) | set(requests)):
        statuses = dict(counts.get(service, {}))
        total = sum(statuses.values())
        inconclusive = sum(n for s, n in statuses.items() if LinkStatus(s) in INCONCLUSIVE)
        share = inconclusive / total if total else 0.0
        healthy = service in PER_HOST_SERVICES or share < DEGRADED_SHARE
        health[service] = {
            "observations": total,
            "statuses": statuses,
            "inconclusive": inconclusive,
            "inconclusive_share": round(share, 4),
            "rate_limited": statuses.get(str(LinkStatus.RATE_LIMITED), 0),
            "errors": statuses.get(str(LinkStatus.ERROR), 0),
            "requests": int(requests.get(service, 0)),
            "not_modified": int(not_modified.get(service, 0)),
            "healthy": healthy,
        }
    return health


def degraded_reason(health: Mapping[str, Mapping[str, Any]]) -> str | None:
    """Why the audit is degraded (its unhealthy services), or None when every one was fine."""
    parts = []
    for service, figures in health.items():
        if figures.get("healthy", True):
            continue
        what = []
        if figures.get("rate_limited"):
            what.append(f"{figures['rate_limited']} rate limited")
        if figures.get("errors"):
            what.append(f"{figures['errors']} errors")
        parts.append(f"{service}: {', '.join(what)} of {figures['observations']} links")
    if not parts:
        return None
    return "degraded: " + "; ".join(parts) + " (their links were not judged anew)"
