"""A rejected token is the user's configuration, not an outage: find it among failure reasons."""

from __future__ import annotations

from collections.abc import Iterable

from tracker.errors import ConfigError
from tracker.sources.github_transport import TOKEN_REJECTED
from tracker.sources.huggingface import HUB_TOKEN_REJECTED

# phrase in an observation's reason -> the setting that holds the token
_TOKEN_KEYS = {TOKEN_REJECTED: "github.token", HUB_TOKEN_REJECTED: "huggingface.token"}
_VARIABLES = {"github.token": "GITHUB_TOKEN", "huggingface.token": "HF_TOKEN"}


def token_rejection(reasons: Iterable[str | None]) -> ConfigError | None:
    """The configuration error to report when a service rejected the configured token."""
    for reason in reasons:
        for phrase, key in _TOKEN_KEYS.items():
            if reason and phrase in reason:
                message = f"{phrase[0].upper()}{phrase[1:]}: set a valid {_VARIABLES[key]} or none"
                return ConfigError(message, key=key)
    return None
