"""Clients of the outside services (the only code that does network I/O), and their registry.

Adding a service: write a module with a class satisfying `tracker.sources.base.Source`, then
construct it in `build_sources`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from tracker.sources.base import RequestLedger, Source
from tracker.sources.policy import HttpPolicy, Interrupt

if TYPE_CHECKING:
    from tracker.config import Settings


@dataclass
class SourceSet:
    """The sources of one run, sharing one request ledger and one interrupt switch."""

    by_service: dict[str, Source]
    ledger: RequestLedger = field(default_factory=RequestLedger)
    interrupt: Interrupt = field(default_factory=Interrupt)

    def source_for(self, kind: str) -> Source | None:
        """The source that observes links of this kind (None: such links are not observed)."""
        for source in self.by_service.values():
            if kind in source.kinds:
                return source
        return None


def http_policy(settings: Settings) -> HttpPolicy:
    """The HTTP policy the settings describe (`[http]`)."""
    http = settings.http
    return HttpPolicy(
        connect_timeout=min(http.timeout, HttpPolicy.connect_timeout),
        read_timeout=http.timeout,
        deadline=max(http.deadline, http.timeout),  # a slow read may take its whole timeout
        max_retries=http.max_retries,
        backoff_base=http.backoff_base,
        max_rate_limit_wait=http.max_rate_limit_wait,
        user_agent=http.user_agent,
    )


def service_endpoints(settings: Settings) -> list[str]:
    """Every configured service endpoint (trusted, unlike links found in text)."""
    return [settings.github.api_url, settings.huggingface.endpoint, settings.osf.api_url,
            settings.arxiv.api_url, settings.zenodo.api_url]


def _artefact_hosts(settings: Settings, common: dict[str, Any]) -> Source:
    from tracker.sources.artefact_hosts import ArtefactHostSource

    hosts = settings.artefact_hosts
    endpoints = {"drive": hosts.drive_url, "onedrive": hosts.onedrive_url,
                 "dropbox": hosts.dropbox_url, "baidu": hosts.baidu_url}
    return ArtefactHostSource(endpoints=endpoints, figshare_api_url=hosts.figshare_api_url,
                              min_interval=hosts.min_interval,
                              allow_private=settings.network.allow_private,
                              trusted_endpoints=service_endpoints(settings), **common)


def build_sources(settings: Settings, ledger: RequestLedger | None = None) -> SourceSet:
    """Every source, configured from the settings (endpoints, tokens, the HTTP policy)."""
    from tracker.sources.github import GitHubSource
    from tracker.sources.huggingface import HuggingFaceSource
    from tracker.sources.osf import OSFSource
    from tracker.sources.web import WebSource

    ledger = ledger if ledger is not None else RequestLedger()
    interrupt = Interrupt()
    common = {"ledger": ledger, "policy": http_policy(settings), "interrupt": interrupt}
    sources: list[Source] = [
        GitHubSource(
            endpoint=settings.github.api_url,
            token=settings.github.token or None,
            graphql_batch_size=settings.github.graphql_batch_size,
            min_request_interval=settings.github.min_request_interval or None,
            **common,
        ),
        HuggingFaceSource(
            endpoint=settings.huggingface.endpoint,
            token=settings.huggingface.token or None,
            **common,
        ),
        OSFSource(endpoint=settings.osf.api_url, **common),
        WebSource(
            zenodo_api_url=settings.zenodo.api_url,
            allow_private=settings.network.allow_private,
            trusted_endpoints=service_endpoints(settings),
            **common,
        ),
        _artefact_hosts(settings, common),
    ]
    return SourceSet({source.service: source for source in sources}, ledger, interrupt)
