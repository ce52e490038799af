"""A threaded loopback HTTP server with routing, a request log and fault switches.

Each service fake (GitHub, Hugging Face, OSF, web pages, arXiv) registers routes on a
`FakeServer`; tests flip the fault switches to make the next requests slow, fail with a
5xx, drop the connection, return a malformed body or an exhausted rate limit.
"""

from __future__ import annotations

import json
import re
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass
class FakeRequest:
    """One request as the fake received it."""

    method: str
    path: str  # without the query string
    query: dict[str, list[str]]
    headers: dict[str, str]  # keys lower-cased
    body: bytes

    def json(self) -> Any:
        """The body parsed as JSON."""
        return json.loads(self.body or b"null")

    def header(self, name: str, default: str | None = None) -> str | None:
        """A request header, case-insensitively."""
        return self.headers.get(name.lower(), default)


@dataclass
class FakeResponse:
    """What a route answers."""

    status: int = 200
    body: bytes | str | Any = b""
    headers: dict[str, str] = field(default_factory=dict)
    drip: float = 0.0  # seconds between single bytes of the body (a slow-drip server)

    @classmethod
    def json(cls, data: Any, status: int = 200, headers: dict[str, str] | None = None) -> FakeResponse:
        """A JSON response."""
        h = {"Content-Type": "application/json; charset=utf-8", **(headers or {})}
        return cls(status, json.dumps(data).encode(), h)

    def encoded(self) -> bytes:
        if isinstance(self.body, bytes):
            return self.body
        if isinstance(self.body, str):
            return self.body.encode()
        return json.dumps(self.body).encode()


Handler = Callable[[FakeRequest, re.Match[str]], FakeResponse]


@dataclass
class Faults:
    """Switches that make the next requests misbehave (each counter is consumed per request)."""

    latency: float = 0.0  # seconds added to every request
    fail_next: int = 0  # answer the next N requests with `fail_status`
    fail_status: int = 503
    fail_headers: dict[str, str] = field(default_factory=dict)
    drop_next: int = 0  # close the connection without answering
    malformed_next: int = 0  # answer 200 with a body that is not valid JSON
    wrong_type_next: int = 0  # answer 200 with valid JSON of the wrong type (a list of one str)
    only_paths: str | None = None  # regex: faults apply only to matching paths


class FakeServer:
    """A routing HTTP server on 127.0.0.1 with a random port, run in a daemon thread."""

    def __init__(self) -> None:
        self.routes: list[tuple[str, re.Pattern[str], Handler]] = []
        self.log: list[FakeRequest] = []
        self.faults = Faults()
        self._lock = threading.Lock()
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- routing ---------------------------------------------------------------
    def route(self, method: str, pattern: str, handler: Handler) -> None:
        """Register `handler` for `method` and a full-match regex on the path."""
        self.routes.append((method.upper(), re.compile(pattern), handler))

    def dispatch(self, request: FakeRequest) -> FakeResponse:
        """Find the route for a request; 404 when none matches."""
        for method, pattern, handler in self.routes:
            if method == request.method:
                match = pattern.fullmatch(request.path)
                if match:
                    return handler(request, match)
        return self.not_found(request)

    def not_found(self, request: FakeRequest) -> FakeResponse:
        """The answer for an unrouted path (services override with their error body)."""
        return FakeResponse.json({"message": "Not Found"}, 404)

    # -- lifecycle -------------------------------------------------------------
    @property
    def url(self) -> str:
        """Base URL, e.g. http://127.0.0.1:54321."""
        assert self._httpd is not None, "server not started"
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> FakeServer:
        """Start serving in a background thread."""
        fake = self

        class RequestHandler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # Headers and body go out in two writes; without TCP_NODELAY, Nagle's algorithm and
            # delayed ACKs add ~40 ms to every response with a body.
            disable_nagle_algorithm = True

            def log_message(self, *args: Any) -> None:  # keep test output clean
                pass

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                parts = urlsplit(self.path)
                request = FakeRequest(
                    self.command,
                    parts.path,
                    parse_qs(parts.query),
                    {k.lower(): v for k, v in self.headers.items()},
                    body,
                )
                with fake._lock:
                    fake.log.append(request)
                response = fake._apply_faults(request)
                if response is None:  # dropped connection
                    self.close_connection = True
                    try:
                        self.connection.shutdown(socket.SHUT_RDWR)
                    except OSError:
                        pass
                    return
                payload = response.encoded() if self.command != "HEAD" else b""
                self.send_response(response.status)
                for key, value in response.headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(response.encoded())))
                self.end_headers()
                if payload and response.status not in (204, 304):
                    if response.drip:
                        self._drip(payload, response.drip)
                    else:
                        try:
                            self.wfile.write(payload)
                        except OSError:  # the client stopped reading (a capped body)
                            self.close_connection = True

            def _drip(self, payload: bytes, interval: float) -> None:
                self.wfile.flush()
                for i in range(len(payload)):
                    time.sleep(interval)
                    try:
                        self.wfile.write(payload[i:i + 1])
                        self.wfile.flush()
                    except OSError:  # the client gave up
                        self.close_connection = True
                        return

            do_GET = do_POST = do_HEAD = do_PUT = do_DELETE = _handle

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), RequestHandler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving."""
        if self._httpd:
            self._httpd.shutdown()
            self._httpd.server_close()

    def __enter__(self) -> FakeServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- faults ----------------------------------------------------------------
    def _apply_faults(self, request: FakeRequest) -> FakeResponse | None:
        f = self.faults
        if f.latency:
            time.sleep(f.latency)
        applies = f.only_paths is None or re.search(f.only_paths, request.path)
        with self._lock:
            if applies and f.drop_next > 0:
                f.drop_next -= 1
                return None
            if applies and f.fail_next > 0:
                f.fail_next -= 1
                return FakeResponse.json(
                    {"message": "Server Error"}, f.fail_status, dict(f.fail_headers)
                )
            malformed = bool(applies and f.malformed_next > 0)
            if malformed:
                f.malformed_next -= 1
            wrong_type = bool(applies and not malformed and f.wrong_type_next > 0)
            if wrong_type:
                f.wrong_type_next -= 1
        response = self.dispatch(request)
        if malformed:
            return FakeResponse(200, b'{"truncated": ', {"Content-Type": "application/json"})
        if wrong_type:
            return FakeResponse.json(["unexpected"])
        return response

    def requests_to(self, pattern: str = ".*", method: str | None = None) -> list[FakeRequest]:
        """The logged requests whose path matches `pattern` (a regex search)."""
        with self._lock:
            return [
                r
                for r in self.log
                if re.search(pattern, r.path) and (method is None or r.method == method)
            ]
