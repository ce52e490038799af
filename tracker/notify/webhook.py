"""POST a notification to a webhook under the project's retry policy, never revealing its URL.

A webhook URL carries its token (Slack's `hooks.slack.com/services/T.../B.../SECRET`), so the
URL is never logged, stored or put in an error: only its scheme and host are.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import requests

from tracker.sources.base import RequestLedger
from tracker.sources.policy import RETRY_STATUSES, HttpPolicy
from tracker.sources.retrying import Verdict, retry

log = logging.getLogger("reprotrack.notify")


@dataclass(frozen=True)
class Delivery:
    """How sending went: delivered or not, after how many attempts, and why not."""

    ok: bool
    attempts: int
    error: str | None = None


def public_part(url: str) -> str:
    """`https://hooks.slack.com`: what may be shown of a webhook URL."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.hostname or ''}" + (f":{parts.port}" if parts.port else "")


def post_json(url: str, payload: dict[str, Any], policy: HttpPolicy) -> Delivery:
    """POST `payload` as JSON; retry 5xx, 408, 429 (after its Retry-After) and dropped
    connections under `policy`; any other non-2xx answer fails at once."""
    label = f"POST {public_part(url)}"
    body = json.dumps(payload, ensure_ascii=False, default=str).encode("utf-8")
    headers = {"Content-Type": "application/json; charset=utf-8",
               "User-Agent": policy.user_agent}

    def attempt() -> Verdict[str]:
        try:
            response = session.post(url, data=body, headers=headers, timeout=policy.timeout,
                                    allow_redirects=False)
        except requests.Timeout:
            return Verdict.again("timed out")
        except requests.RequestException as exc:
            return Verdict.again(f"connection failed ({type(exc).__name__})")
        status = response.status_code
        if status == 429 or status in RETRY_STATUSES:
            return Verdict.again(f"HTTP {status}", policy.server_wait(response.headers),
                                 value=f"HTTP {status}")
        if 200 <= status < 300:
            return Verdict.done("")
        # The body says why (Slack: invalid_payload, no_service ...); never the URL.
        return Verdict.done(f"HTTP {status} {response.text[:200].strip()}".strip())

    with requests.Session() as session:
        session.trust_env = True  # proxies from the environment, as for every service
        verdict = retry(attempt, policy, service="webhook", ledger=RequestLedger(), label=label)
    if verdict.retry:
        return Delivery(False, verdict.attempts, f"{label}: {verdict.reason} after "
                        f"{verdict.attempts} attempts")
    if verdict.value:
        return Delivery(False, verdict.attempts, f"{label}: {verdict.value}")
    return Delivery(True, verdict.attempts)
