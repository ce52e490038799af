"""The Hugging Face papers index through `HfApi`: title search, paper pages, citing repos.

Endpoints (huggingface_hub 1.x): `GET /api/papers/search?q=&limit=` (`list_papers`),
`GET /api/papers/{arxiv_id}` (`paper_info`: `githubRepo`, `githubRepoAddedBy`, `projectPage`,
`organization`, `linkedModels`/`linkedDatasets`/`linkedSpaces` previews and their
`numTotal*` counts), and `GET /api/{models|datasets}?filter=arxiv:<id>&limit=`
(`list_models` / `list_datasets`: the repositories whose tags cite the paper).

A paper the Hub does not know (404) is an answer (`None`); rate limits, 5xx after retries,
dropped connections and malformed bodies raise `IndexUnavailable`, which callers record as
a failed look-up and never cache. Requests are counted in the ledger as "huggingface".
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import httpx
from huggingface_hub.errors import HfHubHTTPError

from tracker.sources.breaker import HostUnreachable
from tracker.sources.http import SourceFailure
from tracker.sources.huggingface import (
    _INVALID_TOKEN_MESSAGE,
    HUB_TOKEN_REJECTED,
    SERVICE,
    HubClient,
    _active_scope,
    _hook_into_shared_client,
    _RequestScope,
    _retry_after_seconds,
)
from tracker.sources.deadline import watched
from tracker.sources.policy import RETRY_STATUSES, RequestCancelled
from tracker.sources.retrying import Verdict, retry

logger = logging.getLogger(__name__)
T = TypeVar("T")
_NAME = "Hugging Face papers index"


class IndexUnavailable(SourceFailure):
    """The papers index could not answer now (rate limited, failing, malformed)."""


@dataclass(frozen=True)
class IndexedPaper:
    """A search hit: the arXiv id and the title as the index spells it."""

    arxiv_id: str
    title: str


@dataclass
class PaperPage:
    """What a Hub paper page says about a paper's artefacts (all JSON-serialisable)."""

    arxiv_id: str
    title: str | None = None
    github_repo: str | None = None
    github_repo_added_by: str | None = None  # "auto": matched by the Hub; else a person
    project_page: str | None = None
    organization: str | None = None
    linked: dict[str, list[str]] = field(default_factory=dict)  # repo type -> ids (a preview)
    totals: dict[str, int | None] = field(default_factory=dict)  # repo type -> numTotal*

    def complete(self, repo_type: str) -> bool:
        """Whether the preview of linked repos of this type lists all of them."""
        total = self.totals.get(repo_type)
        listed = self.linked.get(repo_type)
        return listed is not None and total is not None and total <= len(listed)


def _ids(entries: Any) -> list[str] | None:
    if entries is None:
        return None
    return [str(entry.id) for entry in entries if getattr(entry, "id", None)]


class HubPaperIndex(HubClient):
    """Looks papers up in the Hugging Face papers index (retrying transient failures)."""

    service = SERVICE

    def __repr__(self) -> str:
        return f"HubPaperIndex(endpoint={self.endpoint!r})"

    def search(self, title: str, limit: int = 10) -> list[IndexedPaper]:
        """`GET /api/papers/search?q=<title>&limit=`: the index's best hits for a title."""
        hits = self._call(lambda: list(self._api.list_papers(query=title, limit=limit)))
        return [IndexedPaper(str(h.id), " ".join((h.title or "").split())) for h in hits if h.id]

    def paper_page(self, arxiv_id: str) -> PaperPage | None:
        """`GET /api/papers/{arxiv_id}`; None when the Hub has no page for the paper."""
        info = self._call(lambda: self._api.paper_info(arxiv_id), not_found_is_none=True)
        if info is None:
            return None
        organization = getattr(info, "organization", None)
        page = PaperPage(
            arxiv_id=arxiv_id,
            title=" ".join(info.title.split()) if info.title else None,
            github_repo=info.github_repo or None,
            github_repo_added_by=getattr(info, "githubRepoAddedBy", None),
            project_page=info.project_page or None,
            organization=getattr(organization, "name", None) or None,
        )
        for repo_type, entries, total in (
            ("model", info.linked_models, info.num_total_models),
            ("dataset", info.linked_datasets, info.num_total_datasets),
            ("space", info.linked_spaces, getattr(info, "numTotalSpaces", None)),
        ):
            ids = _ids(entries)
            if ids is not None:
                page.linked[repo_type] = ids
            page.totals[repo_type] = total if isinstance(total, int) else None
        return page

    def citing_repos(self, arxiv_id: str, repo_type: str, limit: int = 50) -> list[str]:
        """`GET /api/{models|datasets}?filter=arxiv:<id>`: ids of repos whose tags cite it."""
        lister = {"model": self._api.list_models, "dataset": self._api.list_datasets}[repo_type]
        repos = self._call(lambda: list(lister(filter=f"arxiv:{arxiv_id}", limit=limit)))
        return [str(repo.id) for repo in repos]

    # -- one call, with retries ----------------------------------------------------------
    def _call(self, fetch: Callable[[], T], *, not_found_is_none: bool = False) -> T | None:
        scope = _RequestScope(self.ledger, self.service)
        context_token = _active_scope.set(scope)
        try:
            return self._with_retries(fetch, not_found_is_none)
        finally:
            _active_scope.reset(context_token)

    def _with_retries(self, fetch: Callable[[], T], not_found_is_none: bool) -> T | None:
        try:
            self.breaker.check(self._host)
        except HostUnreachable as exc:
            raise IndexUnavailable(f"{_NAME}: {exc}") from None
        state = {"connection_failed": False}

        def attempt() -> Verdict[T | None]:
            return self._attempt(fetch, not_found_is_none, state)

        verdict = retry(attempt, self.policy, service=self.service, ledger=self.ledger,
                        label=_NAME, interrupt=self.interrupt)
        if not verdict.retry:
            return verdict.value
        if state["connection_failed"]:
            self.breaker.failed(self._host)
        raise IndexUnavailable(f"{_NAME}: {verdict.reason} after {verdict.attempts} attempts")

    def _attempt(
        self, fetch: Callable[[], T], not_found_is_none: bool, state: dict[str, bool]
    ) -> Verdict[T | None]:
        """One look-up and what it came to; a failure that cannot be retried raises."""
        _hook_into_shared_client()
        state["connection_failed"] = False
        try:
            with watched(self.policy, self.interrupt) as watch:
                try:
                    result = fetch()
                except httpx.TransportError:
                    if watch.fired == "interrupted":
                        raise RequestCancelled(_NAME) from None
                    if watch.fired == "deadline":
                        raise IndexUnavailable(
                            f"{_NAME}: no complete answer within the "
                            f"{self.policy.deadline:g}s deadline"
                        ) from None
                    raise
        except HfHubHTTPError as error:
            self.breaker.answered(self._host)
            status = error.response.status_code
            if status == 404 and not_found_is_none:
                return Verdict.done(None)
            if status == 429:
                wait = _retry_after_seconds(error.response.headers)
                if wait is not None and wait > self.policy.max_rate_limit_wait:
                    raise IndexUnavailable(
                        f"{_NAME}: rate limited (reset in {wait:.0f}s)"
                    ) from None
                return Verdict.again("HTTP 429", wait, rate_limited=wait is not None)
            if status in RETRY_STATUSES:
                return Verdict.again(f"HTTP {status}")
            if status == 401 and _INVALID_TOKEN_MESSAGE in (error.server_message or ""):
                raise IndexUnavailable(f"{_NAME}: {HUB_TOKEN_REJECTED}") from None
            raise IndexUnavailable(f"{_NAME}: HTTP {status}") from None
        except httpx.TransportError as error:
            state["connection_failed"] = True
            return Verdict.again(type(error).__name__)
        except httpx.HTTPError as error:
            raise IndexUnavailable(f"{_NAME}: {type(error).__name__}") from None
        except (ValueError, KeyError, TypeError, AttributeError) as error:
            # Cut short or of the wrong shape: never an empty answer, asked again.
            return Verdict.again(f"malformed answer ({type(error).__name__})")
        self.breaker.answered(self._host)
        return Verdict.done(result)
