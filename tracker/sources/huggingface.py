"""Observes Hugging Face Hub models, datasets and Spaces through huggingface_hub's `HfApi`.

One request per link: `GET /api/{models|datasets|spaces}/{repo_id}?blobs=true`
(`HfApi.model_info` / `dataset_info` / `space_info` with `files_metadata=True`), which
returns the repo's metadata and every file with its size. A renamed repo costs one more
request (the Hub's 307 to the new id, followed by the client).

Facts of a repo the Hub answered (statuses ok, moved, private, gated, blocked):
- `repo_id` (the id the Hub answered with), `requested_id` (the link's id), `repo_type`
  ("model" | "dataset" | "space"), `moved_to` (new id when renamed, else None), `author`
- `private`, `gated` (false | "auto" | "manual"), `disabled` (bools)
- `downloads` (last 30 days; None for Spaces), `likes`
- `last_modified`, `created_at` (ISO 8601 UTC strings or None), `sha` (revision)
- `license` (first licence, from `cardData.license` else a `license:` tag), `licenses` (all)
- `tags`, `arxiv_ids` (from `arxiv:` tags), `pipeline_tag`, `library_name`
- `files` ([{"path", "size"}], sizes in bytes, None when the Hub gave none),
  `files_total_size`, `has_card` (README.md present), `card_data` (the card metadata keys
  in `CARD_DATA_KEYS` that are set), `card_blob` (the card's blob id)
- `card` (models and datasets with a card, not gated): the card's text as `text_fact`
  (`tracker.sources.hub_cards`: one more request, none when `card_blob` is unchanged since the
  previous look); `card_error` when it could not be read (the card's links are then unknown)
- `space_sdk`, `space_stage`, `space_hardware` (Spaces only, else None)

Facts of a repo the Hub did not describe (missing, rate_limited, error, and gated or
blocked by an error answer): `repo_id` (as asked for), `repo_type`, and
`possibly_private_or_gated` (missing: true when no token was sent, since the Hub answers
anonymous callers the same for missing and private repos), `retry_after_seconds`
(rate_limited; None when the Hub gave no hint), `deferred: true` (rate_limited without a
request: the quota its RateLimit headers announced was spent), `gated: true` (a GatedRepo error) or
`disabled: true` (a "disabled" error).

The Hub's info API is not conditional (ETags and 304s are served on file downloads only),
so `unchanged` is never set; `previous` is used only to carry a card's text over.
"""

from __future__ import annotations

import json
import logging
import threading
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit

import httpx
from huggingface_hub import HfApi, constants, get_session
from huggingface_hub.errors import (
    DisabledRepoError,
    GatedRepoError,
    HfHubHTTPError,
    HFValidationError,
    OfflineModeIsEnabled,
    RepositoryNotFoundError,
    RevisionNotFoundError,
)
from huggingface_hub.utils import parse_ratelimit_headers

from tracker.kernel import text_fact
from tracker.links import LinkKind
from tracker.sources.base import (
    LinkStatus,
    LinkTarget,
    Observation,
    RequestLedger,
    SingleLinkSource,
)
from tracker.sources.breaker import HostBreaker, HostUnreachable
from tracker.sources.deadline import watch_httpx_client, watched
from tracker.sources.hub_cards import CARD_PATH, CARD_REPO_TYPES, read_card
from tracker.sources.hub_cards import LEDGER_SERVICE as CARD_LEDGER_SERVICE
from tracker.sources.policy import RETRY_STATUSES, HttpPolicy, Interrupt, RequestCancelled
from tracker.sources.quota import QuotaGate
from tracker.sources.retrying import Verdict, retry
from tracker.sources.statuses import link_status

logger = logging.getLogger(__name__)

SERVICE = "huggingface"
DEFAULT_ENDPOINT = "https://huggingface.co"
CARD_DATA_KEYS = (
    "license", "license_name", "license_link", "base_model", "datasets", "language",
    "library_name", "pipeline_tag", "task_categories", "pretty_name", "paperswithcode_id",
    "sdk", "app_file", "models",
)
_REPO_TYPES = {
    LinkKind.HF_MODEL.value: "model",
    LinkKind.HF_DATASET.value: "dataset",
    LinkKind.HF_SPACE.value: "space",
}
_INVALID_TOKEN_MESSAGE = "Invalid credentials in Authorization header"
HUB_TOKEN_REJECTED = "the Hugging Face Hub rejected the token (401)"

Outcome = tuple[LinkStatus, dict[str, Any], str | None]  # status, facts, reason
# Statuses whose card is read: answered with facts and files (a gated card is behind the gate).
CARD_STATUSES = frozenset({LinkStatus.OK, LinkStatus.MOVED, LinkStatus.PRIVATE})


@dataclass
class _RequestScope:
    """The requests one `observe` call sent, as seen by the shared client's event hooks."""

    ledger: RequestLedger
    service: str
    requests: int = 0
    exchanges: list[str] = field(default_factory=list)
    quota: QuotaGate | None = None  # told what each answer's RateLimit header says


# huggingface_hub 1.x sends every call through one process-wide httpx.Client
# (`get_session()`); HfApi has no per-instance client. Hooks on that client report to the
# scope of the observe call running in the current thread/context, so requests land in the
# right source's ledger even when several sources run in worker threads.
_active_scope: ContextVar[_RequestScope | None] = ContextVar("hf_request_scope", default=None)
_hook_lock = threading.Lock()

# huggingface_hub 1.x, unless HF_HUB_DISABLE_TELEMETRY is set, builds its User-Agent by
# fetching `{HF_ENDPOINT}/api/agent-harnesses` once per process (3 s timeout, cached under
# HF_HOME): a request to the global endpoint rather than the configured one, sent inside our
# request counts. The variable is read when huggingface_hub is imported, so importing this
# module sets the value the variable would have set.
constants.HF_HUB_DISABLE_TELEMETRY = True


def _describe(request: httpx.Request) -> str:
    query = f"?{request.url.query.decode()}" if request.url.query else ""
    return f"{request.method} {request.url.path}{query}"


def _count_request(request: httpx.Request) -> None:
    scope = _active_scope.get()
    if scope is not None:
        scope.requests += 1
        scope.ledger.count(scope.service)


def _record_response(response: httpx.Response) -> None:
    scope = _active_scope.get()
    if scope is None:
        return
    outcome = str(response.status_code)
    if code := response.headers.get("X-Error-Code"):
        outcome += f" {code}"
    if response.has_redirect_location:
        outcome += f" -> {response.headers['Location']}"
    scope.exchanges.append(f"{_describe(response.request)} -> {outcome}")
    if scope.quota is not None:
        ratelimit = parse_ratelimit_headers(response.headers)
        if ratelimit is not None:
            # A redirect (a renamed repository) is followed by one more request: count it
            # now, so that concurrent lookups do not spend the unit it needs.
            follow_up = 1 if response.has_redirect_location else 0
            scope.quota.update(ratelimit.remaining - follow_up, float(ratelimit.reset_in_seconds))


def _hook_into_shared_client() -> None:
    """Attach the counting hooks to huggingface_hub's current shared client, once.

    Checked before every call: huggingface_hub may close and recreate its client (after a
    connection error, or when someone calls `set_client_factory`), and a new client starts
    without our hooks. Appending, rather than installing a client factory, keeps whatever
    factory (proxies, certificates) the process configured.
    """
    client = get_session()
    with _hook_lock:
        watch_httpx_client(client)  # the deadline and the run's interrupt reach its sockets
        hooks = client.event_hooks
        if _count_request not in hooks["request"]:
            hooks["request"].append(_count_request)
        if _record_response not in hooks["response"]:
            hooks["response"].append(_record_response)


def _iso(value: datetime | None) -> str | None:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if value else None


def _json_safe(value: Any) -> Any:
    return json.loads(json.dumps(value, default=str))


def _retry_after_seconds(headers: httpx.Headers) -> float | None:
    """Seconds the Hub asks us to wait: the longer of a spent `RateLimit` and `Retry-After`."""
    waits: list[float] = []
    ratelimit = parse_ratelimit_headers(headers)
    if ratelimit is not None and ratelimit.remaining == 0:
        waits.append(float(ratelimit.reset_in_seconds))
    retry_after = (headers.get("Retry-After") or "").strip()
    if retry_after.isdigit():
        waits.append(float(retry_after))
    elif retry_after:
        try:
            until = parsedate_to_datetime(retry_after)
            waits.append(max(0.0, (until - datetime.now(UTC)).total_seconds()))
        except (TypeError, ValueError):
            pass
    return max(waits) if waits else None


class HubClient:
    """What every client of the Hub shares: endpoint, token handling, politeness settings,
    the request ledger, a circuit breaker, and one `HfApi`."""

    def __init__(
        self,
        *,
        endpoint: str = DEFAULT_ENDPOINT,
        token: str | None = None,
        timeout: float | None = None,
        ledger: RequestLedger | None = None,
        max_retries: int | None = None,
        backoff_base: float | None = None,
        max_rate_limit_wait: float | None = None,
        user_agent: str | None = None,
        policy: HttpPolicy | None = None,
        interrupt: Interrupt | None = None,
    ) -> None:
        self.endpoint = endpoint.rstrip("/")
        self._host = urlsplit(self.endpoint).netloc.lower()
        self.policy = (policy or HttpPolicy()).replace(
            timeout=timeout, max_retries=max_retries, backoff_base=backoff_base,
            max_rate_limit_wait=max_rate_limit_wait, user_agent=user_agent,
        )
        self.interrupt = interrupt if interrupt is not None else Interrupt()
        self.breaker = HostBreaker(SERVICE, threshold=self.policy.breaker_threshold,
                                   cooldown=self.policy.breaker_cooldown)
        self.authenticated = bool(token)
        self.timeout = self.policy.read_timeout
        self.ledger = ledger if ledger is not None else RequestLedger()
        # token=False: never fall back to HF_TOKEN or ~/.cache/huggingface/token; the
        # config layer alone decides which token is used.
        self._api = HfApi(endpoint=self.endpoint, token=token or False,
                          user_agent=self.policy.user_agent)
        # The API quota as the Hub's RateLimit headers tell it: nothing is sent once it is
        # spent; the next window is waited for when it opens within max_rate_limit_wait.
        self.quota = QuotaGate(max_wait=self.policy.max_rate_limit_wait,
                               on_wait=lambda seconds: self.ledger.waited(SERVICE, seconds))


class HuggingFaceSource(HubClient, SingleLinkSource):
    """Observes Hub models, datasets and Spaces (one `?blobs=true` info request per link)."""

    service = SERVICE
    kinds = frozenset({LinkKind.HF_MODEL, LinkKind.HF_DATASET, LinkKind.HF_SPACE})

    def __repr__(self) -> str:
        return f"HuggingFaceSource(endpoint={self.endpoint!r}, authenticated={self.authenticated})"

    def observe(self, link: LinkTarget, previous: Observation | None = None) -> Observation:
        """Look at one Hub repo: `GET /api/{models|datasets|spaces}/{repo_id}?blobs=true`."""
        repo_type = _REPO_TYPES.get(str(link.kind))
        if repo_type is None:
            reason = f"not a Hub repository link: {link.kind}"
            return Observation(self.service, LinkStatus.UNCHECKED, reason=reason)
        scope = _RequestScope(self.ledger, self.service, quota=self.quota)
        context_token = _active_scope.set(scope)
        try:
            status, facts, reason = self._fetch(repo_type, link.target, scope)
        finally:
            _active_scope.reset(context_token)
        if status in CARD_STATUSES and facts.get("has_card") and repo_type in CARD_REPO_TYPES:
            facts = self._with_card(facts, previous, scope)
        return Observation(
            self.service, status, facts,
            evidence=scope.exchanges, requests=scope.requests, reason=reason,
        )

    def _with_card(
        self, facts: dict[str, Any], previous: Observation | None, scope: _RequestScope
    ) -> dict[str, Any]:
        """The facts with the card's text: carried over when its blob is unchanged, else read."""
        before = previous.facts if previous is not None and previous.status in CARD_STATUSES \
            else {}
        blob = facts.get("card_blob")
        kept = before.get("card")
        if (blob and before.get("card_blob") == blob and before.get("repo_id") == facts["repo_id"]
                and isinstance(kept, dict) and kept.get("text") is not None):
            return {**facts, "card": kept}
        # Another bucket than the API's (file downloads): counted, never settling the gate.
        card_scope = _RequestScope(self.ledger, CARD_LEDGER_SERVICE)
        context_token = _active_scope.set(card_scope)
        try:
            read = read_card(self, str(facts["repo_type"]), str(facts["repo_id"]),
                             str(facts.get("sha") or "") or None)
        finally:
            _active_scope.reset(context_token)
        scope.requests += card_scope.requests
        scope.exchanges.extend(card_scope.exchanges)
        if read.error is not None:
            return {**facts, "card_error": read.error}
        if read.absent:
            return {**facts, "has_card": False}
        return {**facts, "card": text_fact(CARD_PATH, read.size, read.text)}

    # -- one repo, with retries ----------------------------------------------------------
    def _fetch(self, repo_type: str, repo_id: str, scope: _RequestScope) -> Outcome:
        base = {"repo_id": repo_id, "repo_type": repo_type}
        try:
            self.breaker.check(self._host)
        except HostUnreachable as exc:
            return LinkStatus.ERROR, base, str(exc)
        state = {"connection_failed": False}

        def attempt() -> Verdict[Outcome]:
            return self._attempt(repo_type, repo_id, base, scope, state)

        label = f"GET /api/{repo_type}s/{repo_id}"
        verdict = retry(attempt, self.policy, service=self.service, ledger=self.ledger,
                        label=label, interrupt=self.interrupt)
        if not verdict.retry:
            assert verdict.value is not None
            return verdict.value
        if verdict.rate_limited or verdict.reason == "HTTP 429":
            facts = {**base, "retry_after_seconds": verdict.wait}
            return LinkStatus.RATE_LIMITED, facts, "rate limited by the Hub"
        if state["connection_failed"]:
            self.breaker.failed(self._host)
            return LinkStatus.ERROR, base, f"connection failed {verdict.attempts} times " \
                f"({verdict.reason})"
        return LinkStatus.ERROR, base, f"{verdict.reason} after {verdict.attempts} attempts"

    def _attempt(
        self, repo_type: str, repo_id: str, base: dict[str, Any], scope: _RequestScope,
        state: dict[str, bool],
    ) -> Verdict[Outcome]:
        """One info request and what it came to (none when the quota is spent: deferred)."""
        state["connection_failed"] = False
        deferral = self.quota.acquire()
        if deferral is not None:
            facts = {**base, "retry_after_seconds": round(deferral.seconds), "deferred": True}
            return Verdict.done((LinkStatus.RATE_LIMITED, facts, deferral.reason("the Hub")))
        with watched(self.policy, self.interrupt) as watch:
            try:
                try:
                    info = self._info(repo_type, repo_id)
                finally:
                    self.quota.settle()
            except httpx.TransportError as error:  # timeouts, refused or dropped connections
                if watch.fired == "interrupted":
                    raise RequestCancelled(f"GET /api/{repo_type}s/{repo_id}") from None
                if watch.fired == "deadline":
                    reason = f"no complete answer within the {self.policy.deadline:g}s deadline"
                    return Verdict.done((LinkStatus.ERROR, base, reason))
                failure = type(error).__name__
                scope.exchanges.append(f"GET /api/{repo_type}s/{repo_id}?blobs=true -> {failure}")
                state["connection_failed"] = True
                return Verdict.again(failure)
            except Exception as error:  # noqa: BLE001  judged below, outside the watch
                return self._judge_error(error, repo_type, repo_id, base, scope)
        try:
            self.breaker.answered(self._host)
            return Verdict.done(self._classify(info, repo_type, repo_id))
        except (ValueError, KeyError, TypeError, AttributeError) as error:
            return self._judge_error(error, repo_type, repo_id, base, scope)

    def _judge_error(
        self, error: Exception, repo_type: str, repo_id: str, base: dict[str, Any],
        scope: _RequestScope,
    ) -> Verdict[Outcome]:
        """What an exception raised by one info request comes to."""
        try:
            raise error
        except GatedRepoError:
            reason = "gated: the Hub refuses access until its terms are accepted"
            return Verdict.done((LinkStatus.GATED, {**base, "gated": True}, reason))
        except RevisionNotFoundError:
            return Verdict.done((LinkStatus.MISSING, base, "revision not found"))
        except RepositoryNotFoundError:
            return Verdict.done(self._missing(base))
        except DisabledRepoError:
            reason = "access to this repository is disabled"
            return Verdict.done((LinkStatus.BLOCKED, {**base, "disabled": True}, reason))
        except HfHubHTTPError as http_error:
            self.breaker.answered(self._host)
            return self._http_error(http_error, base, scope)
        except OfflineModeIsEnabled:
            return Verdict.done((LinkStatus.ERROR, base, "HF_HUB_OFFLINE is set: nothing was sent"))
        except httpx.HTTPError as http_error:  # too many redirects, undecodable body
            reason = f"HTTP failure: {type(http_error).__name__}"
            return Verdict.done((LinkStatus.ERROR, base, reason))
        except HFValidationError:
            return Verdict.done((LinkStatus.ERROR, base, f"not a valid Hub repo id: {repo_id!r}"))
        except (ValueError, KeyError, TypeError, AttributeError) as shape_error:
            # json.JSONDecodeError is a ValueError; a JSON body of the wrong shape fails
            # inside ModelInfo/DatasetInfo/SpaceInfo or _repo_facts. Cut short: ask again.
            return Verdict.again(
                f"malformed response from the Hub: {type(shape_error).__name__}: "
                f"{shape_error}"[:300]
            )

    def _info(self, repo_type: str, repo_id: str) -> Any:
        """`GET /api/{models|datasets|spaces}/{repo_id}?blobs=true` through HfApi."""
        _hook_into_shared_client()
        fetch = {
            "model": self._api.model_info,
            "dataset": self._api.dataset_info,
            "space": self._api.space_info,
        }[repo_type]
        return fetch(repo_id, files_metadata=True, timeout=self.timeout)

    def _missing(self, base: dict[str, Any]) -> Outcome:
        if self.authenticated:
            facts = {**base, "possibly_private_or_gated": False}
            return LinkStatus.MISSING, facts, "repository not found"
        reason = "repository not found (without a token the Hub answers private repos the same)"
        return LinkStatus.MISSING, {**base, "possibly_private_or_gated": True}, reason

    def _http_error(
        self, error: HfHubHTTPError, base: dict[str, Any], scope: _RequestScope
    ) -> Verdict[Outcome]:
        """What a Hub error with no specific exception comes to: an outcome, or a retry."""
        status = error.response.status_code
        message = error.server_message or ""
        if status == 429:
            wait = _retry_after_seconds(error.response.headers)
            if wait is not None and wait > self.policy.max_rate_limit_wait:
                facts = {**base, "retry_after_seconds": wait}
                return Verdict.done((LinkStatus.RATE_LIMITED, facts, "rate limited by the Hub"))
            if wait is not None:
                scope.exchanges.append(f"waited {wait:g}s for the Hub's rate-limit reset")
            return Verdict.again("HTTP 429", wait, rate_limited=wait is not None)
        if status in RETRY_STATUSES:
            return Verdict.again(f"HTTP {status}")
        if status == 401 and _INVALID_TOKEN_MESSAGE in message:
            return Verdict.done((LinkStatus.ERROR, base, HUB_TOKEN_REJECTED))
        link, reason = link_status(status, SERVICE)
        if link is LinkStatus.MISSING:
            # huggingface_hub turns a 401 without X-Error-Code into RepositoryNotFoundError
            # only for https endpoints; the Hub has been seen sending it without the code.
            return Verdict.done(self._missing(base))
        said = f": {message}" if message and link is LinkStatus.ERROR else ""
        return Verdict.done((link, base, f"{reason}{said}"))

    # -- a repo the Hub answered ---------------------------------------------------------
    def _classify(self, info: Any, repo_type: str, requested_id: str) -> Outcome:
        facts = _repo_facts(info, repo_type, requested_id)
        if facts["disabled"]:
            return LinkStatus.BLOCKED, facts, "disabled on the Hub"
        if facts["moved_to"]:
            return LinkStatus.MOVED, facts, f"moved to {facts['moved_to']}"
        if facts["private"]:
            return LinkStatus.PRIVATE, facts, "private, visible with the configured token"
        if facts["gated"]:
            return LinkStatus.GATED, facts, f"gated ({facts['gated']}): files need accepted terms"
        return LinkStatus.OK, facts, None


def _licenses(info: Any, tags: list[str]) -> list[str]:
    card_license = getattr(info.card_data, "license", None) if info.card_data is not None else None
    found = [card_license] if isinstance(card_license, str) else list(card_license or [])
    found += [tag.removeprefix("license:") for tag in tags if tag.startswith("license:")]
    return list(dict.fromkeys(str(name) for name in found if name))


def _card_data(info: Any) -> dict[str, Any]:
    if info.card_data is None:
        return {}
    card = info.card_data.to_dict()
    return {key: _json_safe(card[key]) for key in CARD_DATA_KEYS if card.get(key) is not None}


def _repo_facts(info: Any, repo_type: str, requested_id: str) -> dict[str, Any]:
    """The facts of one info response (see the module docstring for the keys)."""
    tags = [str(tag) for tag in (info.tags or [])]
    licenses = _licenses(info, tags)
    files = [{"path": s.rfilename, "size": s.size} for s in (info.siblings or [])]
    runtime = getattr(info, "runtime", None)
    return {
        "repo_id": info.id,
        "requested_id": requested_id,
        "repo_type": repo_type,
        "moved_to": info.id if info.id.lower() != requested_id.lower() else None,
        "author": info.author,
        "private": bool(info.private),
        "gated": info.gated or False,
        "disabled": bool(info.disabled),
        "downloads": getattr(info, "downloads", None),
        "likes": info.likes,
        "last_modified": _iso(info.last_modified),
        "created_at": _iso(info.created_at),
        "sha": info.sha,
        "license": licenses[0] if licenses else None,
        "licenses": licenses,
        "tags": tags,
        "arxiv_ids": [tag.removeprefix("arxiv:") for tag in tags if tag.startswith("arxiv:")],
        "pipeline_tag": getattr(info, "pipeline_tag", None),
        "library_name": getattr(info, "library_name", None),
        "files": files,
        "files_total_size": sum(f["size"] or 0 for f in files),
        "has_card": any(f["path"].lower() == "readme.md" for f in files),
        "card_data": _card_data(info),
        "card_blob": next((s.blob_id for s in (info.siblings or [])
                           if s.rfilename == CARD_PATH and getattr(s, "blob_id", None)), None),
        "space_sdk": getattr(info, "sdk", None),
        "space_stage": runtime.stage if runtime is not None else None,
        "space_hardware": runtime.hardware if runtime is not None else None,
    }
