"""A loopback webhook receiver: a generic JSON endpoint and a Slack incoming webhook.

Slack's incoming webhooks (https://api.slack.com/messaging/webhooks) take a POST of JSON with
`text` and/or `blocks` at `/services/T.../B.../SECRET`, answer `200 ok` as text/plain, and
refuse with a text body: 400 `invalid_payload` (no text or blocks, or not JSON), 404
`no_service` (an unknown hook), 429 with Retry-After when posting too fast, 5xx when down.
The fault switches (`faults.fail_next`, `faults.fail_status`) make the next posts fail.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from fakes.server import FakeRequest, FakeResponse, FakeServer

SLACK_PATH = "/services/T0001/B0002/s3cr3tW3bh00kT0k3n"
JSON_PATH = "/hooks/reprotrack"


class FakeWebhookReceiver(FakeServer):
    """Records every payload it accepted; `always_fail` answers 500 to everything."""

    def __init__(self) -> None:
        super().__init__()
        self.received: list[Any] = []
        self.always_fail = False
        self.route("POST", JSON_PATH, self._json_hook)
        self.route("POST", SLACK_PATH, self._slack_hook)

    @property
    def slack_url(self) -> str:
        """The Slack-style hook URL (its last segment is the secret)."""
        return self.url + SLACK_PATH

    @property
    def json_url(self) -> str:
        """A generic JSON endpoint whose query carries a token."""
        return self.url + JSON_PATH + "?token=t0k3n-in-the-query"

    def _json_hook(self, request: FakeRequest, _match: Any) -> FakeResponse:
        if self.always_fail:
            return FakeResponse.json({"error": "internal"}, 500)
        if not (request.header("content-type") or "").startswith("application/json"):
            return FakeResponse.json({"error": "expected JSON"}, 415)
        self.received.append(request.json())
        return FakeResponse(204)

    def _slack_hook(self, request: FakeRequest, _match: Any) -> FakeResponse:
        if self.always_fail:
            return FakeResponse(500, "internal_error", {"Content-Type": "text/plain"})
        try:
            payload = json.loads(request.body)
        except ValueError:
            return FakeResponse(400, "invalid_payload", {"Content-Type": "text/plain"})
        if not isinstance(payload, dict) or not (payload.get("text") or payload.get("blocks")):
            return FakeResponse(400, "no_text", {"Content-Type": "text/plain"})
        self.received.append(payload)
        return FakeResponse(200, "ok", {"Content-Type": "text/plain"})

    def not_found(self, request: FakeRequest) -> FakeResponse:
        return FakeResponse(404, "no_service", {"Content-Type": "text/plain"})


@pytest.fixture
def webhook_receiver() -> Iterator[FakeWebhookReceiver]:
    """A started receiver, stopped after the test."""
    receiver = FakeWebhookReceiver()
    receiver.start()
    try:
        yield receiver
    finally:
        receiver.stop()
