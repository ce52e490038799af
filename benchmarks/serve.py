"""Serve the benchmark corpus from the loopback fakes in a process of their own.

Run by `benchmarks.audit` as `python -m benchmarks.serve --papers N --latency S`: it builds the
corpus (`benchmarks.corpus`), starts the fake GitHub, Hub, OSF and web servers with `S` seconds
of latency on every request, prints one JSON line with their URLs, then answers commands read
from stdin, one per line, with one JSON line each:

- `counts`: requests each fake received since the last `reset`, by answer status, plus the
  GraphQL points and REST requests GitHub charged to the rate limits;
- `reset`: forget the request logs and start fresh rate-limit windows (each measured run gets
  its own hour of GitHub quota and its own 5 minutes of Hub quota, as if run apart);
- `quit`.

Keeping the fakes out of the measured process means that its peak RSS and CPU time are the
tool's (or the baseline's), not the fakes'.
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from fakes.github import FakeGitHub  # noqa: E402
from fakes.huggingface import FakeHub  # noqa: E402
from fakes.osf import FakeOSF  # noqa: E402
from fakes.server import FakeRequest, FakeResponse, FakeServer  # noqa: E402
from fakes.web import FakeWeb  # noqa: E402

from benchmarks.corpus import GITHUB_TOKEN, HUB_TOKEN, build_corpus, install  # noqa: E402

# The Hub's documented API quota per 5-minute window: 500 anonymous, 1,000 for a free account.
HUB_API_LIMIT = {False: 500, True: 1_000}


class _StatusTally:
    """Counts the answers a fake's server sends, by status (the request log has no status)."""

    def __init__(self, server: FakeServer) -> None:
        self.statuses: Counter[int] = Counter()
        self._lock = threading.Lock()
        answer: Callable[[FakeRequest], FakeResponse | None] = server._apply_faults

        def tallied(request: FakeRequest) -> FakeResponse | None:
            response = answer(request)
            with self._lock:
                self.statuses[response.status if response is not None else 0] += 1
            return response

        server._apply_faults = tallied  # type: ignore[method-assign]

    def reset(self) -> None:
        with self._lock:
            self.statuses.clear()


class BenchmarkFakes:
    """The four fakes serving one corpus."""

    def __init__(self, papers: int, latency: float, hub_api_limit: int,
                 hub_window: int = 300) -> None:
        self.github = FakeGitHub(tokens=(GITHUB_TOKEN,))
        self.hub = FakeHub({HUB_TOKEN: "alice"}, rate_limit=hub_api_limit,
                           rate_window=hub_window)
        self.osf = FakeOSF()
        self.web = FakeWeb()
        self.servers: dict[str, FakeServer] = {
            "github": self.github.server, "huggingface": self.hub, "osf": self.osf,
            "web": self.web,
        }
        for server in self.servers.values():
            server.faults.latency = latency
        self.tallies = {name: _StatusTally(server) for name, server in self.servers.items()}
        install(build_corpus(papers), self.github, self.hub, self.osf, self.web)

    def start(self) -> dict[str, str]:
        """Start serving; the endpoints to configure."""
        self.github.start()
        for server in (self.hub, self.osf, self.web):
            server.start()
        for server in self.servers.values():
            # A client closing its pooled connections at exit is no error worth a traceback.
            assert server._httpd is not None
            server._httpd.handle_error = lambda request, address: None  # type: ignore[method-assign]
        return {"github": self.github.url, "huggingface": self.hub.url,
                "osf": self.osf.endpoint, "web": self.web.url}

    def stop(self) -> None:
        """Stop serving."""
        self.github.stop()
        for server in (self.hub, self.osf, self.web):
            server.stop()

    def counts(self) -> dict[str, Any]:
        """What each fake answered since the last reset."""
        figures: dict[str, Any] = {}
        for name, server in self.servers.items():
            statuses = dict(self.tallies[name].statuses)
            figures[name] = {
                "requests": len(server.log),
                "statuses": {str(k): v for k, v in sorted(statuses.items())},
                "not_modified": statuses.get(304, 0),
            }
        hub = figures["huggingface"]
        # The Hub's two quota buckets: the API (info, papers) and file downloads (cards).
        hub["files_requests"] = len(self.hub.requests_to(r"/resolve/"))
        hub["requests"] -= hub["files_requests"]
        github = figures["github"]
        github["graphql_requests"] = len(self.github.server.requests_to(r"graphql$", "POST"))
        github["rest_requests"] = github["requests"] - github["graphql_requests"]
        # What GitHub charged: each fake GraphQL query costs 1 point; 304s cost nothing.
        github["graphql_points"] = sum(
            w.used for (_, resource), w in self.github._windows.items() if resource == "graphql")
        github["rest_charged"] = sum(
            w.used for (_, resource), w in self.github._windows.items() if resource == "core")
        return figures

    def reset(self) -> None:
        """Clear the request logs and start new rate-limit windows."""
        for name, server in self.servers.items():
            with server._lock:
                server.log.clear()
            self.tallies[name].reset()
        self.github._windows.clear()
        with self.hub._quota_lock:
            self.hub._window_started, self.hub._remaining = time.monotonic(), self.hub.rate_limit
        with self.web._arrivals_lock:
            self.web.arrivals.clear()


def main(argv: list[str] | None = None) -> None:
    """Serve until `quit` (or end of input)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--papers", type=int, required=True)
    parser.add_argument("--latency", type=float, default=0.05)
    parser.add_argument("--hub-api-limit", type=int, default=HUB_API_LIMIT[True])
    parser.add_argument("--hub-window", type=int, default=300, help="seconds per Hub quota window")
    args = parser.parse_args(argv)
    fakes = BenchmarkFakes(args.papers, args.latency, args.hub_api_limit, args.hub_window)
    urls = fakes.start()
    print(json.dumps(urls), flush=True)
    try:
        for line in sys.stdin:
            command = line.strip()
            if command == "counts":
                print(json.dumps(fakes.counts()), flush=True)
            elif command == "reset":
                fakes.reset()
                print(json.dumps({"reset": True}), flush=True)
            elif command == "quit":
                break
            else:
                print(json.dumps({"error": f"unknown command {command!r}"}), flush=True)
    finally:
        fakes.stop()


if __name__ == "__main__":
    main()
