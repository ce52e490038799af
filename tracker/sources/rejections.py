"""Failures that are the user's configuration or input, not an outage, found among reasons.

A service rejecting the configured token, or links refused by the address guard, would read
"no service could be reached" (exit 3) if every check failed; they are reported as what they
are instead (exit 2, naming the setting).
"""

from __future__ import annotations

from collections.abc import Iterable

from tracker.errors import ConfigError, InputError
from tracker.sources.github_transport import TOKEN_REJECTED
from tracker.sources.huggingface import HUB_TOKEN_REJECTED

# phrase in an observation's reason -> the setting that holds the token
_TOKEN_KEYS = {TOKEN_REJECTED: "github.token", HUB_TOKEN_REJECTED: "huggingface.token"}
_VARIABLES = {"github.token": "GITHUB_TOKEN", "huggingface.token": "HF_TOKEN"}
REFUSED = "refused: "


def configuration_failure(reasons: Iterable[str | None]) -> InputError | None:
    """The error to report when every check failed: a rejected token, or only refused links."""
    listed = [reason or "" for reason in reasons]
    for reason in listed:
        for phrase, key in _TOKEN_KEYS.items():
            if phrase in reason:
                message = f"{phrase[0].upper()}{phrase[1:]}: set a valid {_VARIABLES[key]} or none"
                return ConfigError(message, key=key)
    refusals = [reason[reason.index(REFUSED):] for reason in listed if REFUSED in reason]
    if listed and len(refusals) == len(listed):
        return InputError(f"{refusals[0]} (a lab's intranet can be allowed there)",
                          key="network.allow_private")
    return None
