"""Model and dataset cards: the README.md of a Hub repository, as text.

The info API gives a card's metadata (`cardData`: license, base model, datasets) but not its
text, and the text is where authors link their code repository, their other checkpoints and
the data they trained on. One request reads it: `GET /{prefix}{repo_id}/resolve/{rev}/README.md`
through huggingface_hub's shared client, with the client's headers (token, user agent) and its
error mapping (`hf_raise_for_status`). File downloads are counted by the Hub in the
"resolvers" bucket, not in the API bucket the info requests spend, so a card read is counted
in the request ledger as `huggingface_files` and never settles the API quota gate.

A card is read at most `CARD_MAX_BYTES`; the stored text is capped like a README
(`tracker.kernel.text_fact`). A repository whose card blob id did not change since the last
look reuses that look's text with no request (see `HuggingFaceSource`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import httpx
from huggingface_hub import get_session, hf_hub_url
from huggingface_hub.errors import GatedRepoError, HfHubHTTPError, RepositoryNotFoundError
from huggingface_hub.utils import build_hf_headers, hf_raise_for_status

from tracker.sources.deadline import watched
from tracker.sources.policy import RETRY_STATUSES, RequestCancelled
from tracker.sources.retrying import Verdict, retry

if TYPE_CHECKING:
    from tracker.sources.huggingface import HubClient

CARD_PATH = "README.md"
LEDGER_SERVICE = "huggingface_files"  # the Hub's file downloads: their own quota bucket
CARD_MAX_BYTES = 512 * 1024
CARD_REPO_TYPES = ("model", "dataset")


@dataclass(frozen=True)
class CardRead:
    """What reading a card came to: its text, or why there is none."""

    text: str | None = None
    size: int | None = None
    error: str | None = None  # a read that failed (the card exists but was not read)
    absent: bool = False  # the repository has no card


def card_url(endpoint: str, repo_type: str, repo_id: str, revision: str | None) -> str:
    """Where the Hub serves a repository's card at `revision` (default branch when None)."""
    return hf_hub_url(repo_id, CARD_PATH, repo_type=repo_type, revision=revision or "main",
                      endpoint=endpoint)


def read_card(client: HubClient, repo_type: str, repo_id: str,
              revision: str | None = None) -> CardRead:
    """Read the card of one Hub repository through `client` (a `HubClient`), with retries.

    The caller sets the request scope (`_active_scope`) it wants the request counted in.
    """
    from tracker.sources.huggingface import _hook_into_shared_client

    url = card_url(client.endpoint, repo_type, repo_id, revision)
    headers = build_hf_headers(token=client._api.token or False,
                               user_agent=client.policy.user_agent)
    label = f"GET {repo_type} card {repo_id}"

    def attempt() -> Verdict[CardRead]:
        _hook_into_shared_client()
        try:
            with watched(client.policy, client.interrupt) as watch:
                try:
                    return Verdict.done(_fetch(url, headers, client.timeout))
                except httpx.TransportError as error:
                    if watch.fired == "interrupted":
                        raise RequestCancelled(label) from None
                    if watch.fired == "deadline":
                        reason = f"no complete answer within the {client.policy.deadline:g}s " \
                                 "deadline"
                        return Verdict.done(CardRead(error=reason))
                    return Verdict.again(type(error).__name__)
        except GatedRepoError:
            return Verdict.done(CardRead(error="gated: the card is behind the repository's gate"))
        except RepositoryNotFoundError:
            return Verdict.done(CardRead(error="repository not found when reading its card"))
        except HfHubHTTPError as error:
            status = error.response.status_code
            if status == 404:
                return Verdict.done(CardRead(absent=True))
            if status == 429 or status in RETRY_STATUSES:
                return Verdict.again(f"HTTP {status}")
            return Verdict.done(CardRead(error=f"HTTP {status} when reading the card"))

    verdict = retry(attempt, client.policy, service=LEDGER_SERVICE, ledger=client.ledger,
                    label=label, interrupt=client.interrupt)
    if verdict.retry:
        return CardRead(error=f"{verdict.reason} after {verdict.attempts} attempts")
    assert verdict.value is not None
    return verdict.value


def _fetch(url: str, headers: dict[str, str], timeout: float | None) -> CardRead:
    """One GET of a card, its body read up to `CARD_MAX_BYTES`."""
    with get_session().stream("GET", url, headers=headers, timeout=timeout,
                              follow_redirects=True) as response:
        if response.status_code >= 400:
            response.read()
            hf_raise_for_status(response)
        body = bytearray()
        for chunk in response.iter_bytes():
            body += chunk
            if len(body) >= CARD_MAX_BYTES:
                break
        size_header = response.headers.get("Content-Length")
        size = int(size_header) if size_header and size_header.isdigit() else len(body)
    return CardRead(text=bytes(body[:CARD_MAX_BYTES]).decode("utf-8", errors="replace"),
                    size=size)
