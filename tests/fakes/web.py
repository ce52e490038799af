"""A loopback fake of arbitrary web pages and of Zenodo's records API, with fixture `fake_web`.

Pages are served from a table (`add_page`, `add_redirect`); a stock set covers what the
web source must tell apart: an HTML page with links, 301/302/307/308 chains, a redirect
loop, 404, 410, 401, 403, 451, a 500, a slow page, a huge page and a PDF. Zenodo records
are served as the REST API answers them (`GET /api/records/{id}`: the legacy JSON with
`metadata.access_right`, `metadata.license.id` and `files[].{key,size}`; 404 and 410 with
`{"status", "message"}`). Arrival times are kept in `arrivals` for spacing tests.
"""

from __future__ import annotations

import hashlib
import re
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest

from fakes.server import FakeRequest, FakeResponse, FakeServer

HTML = "text/html; charset=utf-8"

STOCK_HTML = """<!doctype html>
<html><head><title>  Project  Page
 of Paper X </title><base href="/docs/"></head>
<body>
<a href="https://github.com/acme/paper-x">code</a>
<a href="https://huggingface.co/acme/model-x#weights">weights</a>
<a href="https://github.com/acme/paper-x">code again</a>
<a href="data.html">relative to base</a>
<a href="/abs/path">root-relative</a>
<a href="mailto:someone@example.org">mail</a>
<a href="javascript:void(0)">js</a>
<a href="#top">fragment only</a>
<a>no href</a>
</body></html>
"""


def _zenodo_record(record_id: int, access_right: str, **overrides: Any) -> dict[str, Any]:
    """A record in the shape `GET /api/records/{id}` returns."""
    files = overrides.pop(
        "files", [("weights.pt", 4_000_000), ("data/train.csv", 12_345)]
    )
    metadata: dict[str, Any] = {
        "title": overrides.pop("title", f"Artefacts of record {record_id}"),
        "doi": f"10.5281/zenodo.{record_id}",
        "publication_date": "2024-03-01",
        "access_right": access_right,
        "license": {"id": overrides.pop("license", "cc-by-4.0")},
        "resource_type": {"type": "dataset", "title": "Dataset"},
        "creators": [{"name": "Doe, Jane"}],
    }
    if access_right == "embargoed":
        metadata["embargo_date"] = "2031-01-01"
    record = {
        "created": "2024-03-01T10:00:00.000000+00:00",
        "modified": "2024-03-02T10:00:00.000000+00:00",
        "id": record_id,
        "conceptrecid": str(record_id - 1),
        "doi": f"10.5281/zenodo.{record_id}",
        "doi_url": f"https://doi.org/10.5281/zenodo.{record_id}",
        "title": metadata["title"],
        "metadata": metadata,
        "links": {"self_html": f"https://zenodo.org/records/{record_id}"},
        "status": "published",
        "state": "done",
        "submitted": True,
    }
    if access_right == "open":
        record["files"] = [
            {
                "id": hashlib.md5(key.encode()).hexdigest(),
                "key": key,
                "size": size,
                "checksum": "md5:" + hashlib.md5(key.encode()).hexdigest(),
                "links": {
                    "self": f"https://zenodo.org/api/records/{record_id}/files/{key}/content"
                },
            }
            for key, size in files
        ]
    record.update(overrides)
    return record


class FakeWeb(FakeServer):
    """Arbitrary pages plus Zenodo's `/api/records/{id}` on one loopback server."""

    def __init__(self) -> None:
        super().__init__()
        self.pages: dict[str, FakeResponse] = {}
        self.delays: dict[str, float] = {}
        self.records: dict[str, FakeResponse] = {}
        self.arrivals: list[tuple[float, str]] = []  # (time.monotonic(), path)
        self._arrivals_lock = threading.Lock()
        self.route("GET", r"/api/records/(\d+)", self._zenodo)
        self.route("GET", r".*", self._page)
        self.route("HEAD", r".*", self._page)

    # -- building the site -----------------------------------------------------
    def add_page(
        self,
        path: str,
        body: bytes | str = "",
        *,
        status: int = 200,
        content_type: str = HTML,
        headers: dict[str, str] | None = None,
        delay: float = 0.0,
    ) -> None:
        """Serve `body` at `path` with `status` (after `delay` seconds, if any)."""
        all_headers = {"Content-Type": content_type, **(headers or {})}
        self.pages[path] = FakeResponse(status, body, all_headers)
        if delay:
            self.delays[path] = delay

    def add_drip(self, path: str, body: str, interval: float) -> None:
        """Serve an HTML page that sends one byte of `body` every `interval` seconds."""
        self.pages[path] = FakeResponse(200, body, {"Content-Type": HTML}, drip=interval)

    def add_redirect(self, path: str, location: str, status: int = 301) -> None:
        """Answer `path` with a redirect to `location` (relative or absolute)."""
        body = f'<a href="{location}">moved</a>'
        self.pages[path] = FakeResponse(status, body, {"Location": location, "Content-Type": HTML})

    def add_zenodo_record(
        self, record_id: int, access_right: str = "open", **overrides: Any
    ) -> dict[str, Any]:
        """Publish a Zenodo record; returns the JSON the API will answer."""
        record = _zenodo_record(record_id, access_right, **overrides)
        etag = '"' + hashlib.sha1(repr(record).encode()).hexdigest()[:16] + '"'
        self.records[str(record_id)] = FakeResponse.json(record, headers={"ETag": etag})
        return record

    def add_zenodo_status(self, record_id: int, status: int) -> None:
        """Make a record answer an error status (410 deleted, 403, ...) in Zenodo's shape."""
        messages = {410: "The record has been deleted.", 403: "Permission denied."}
        message = messages.get(status, "Error")
        body = {"status": status, "message": message}
        self.records[str(record_id)] = FakeResponse.json(body, status)

    def stock(self) -> FakeWeb:
        """Install the standard pages every web-source test can rely on."""
        self.add_page("/project.html", STOCK_HTML)
        self.add_page("/docs/data.html", "<html><head><title>Data</title></head></html>")
        self.add_redirect("/old-home", "/project.html", 301)
        self.add_redirect("/temporary", "/project.html", 302)
        self.add_redirect("/hop-307", "/hop-308", 307)
        self.add_redirect("/hop-308", "/project.html", 308)
        self.add_redirect("/slash", "/slash/", 301)
        self.add_page("/slash/", "<title>Slash</title>")
        self.add_redirect("/moved-away", f"http://localhost:{self.port}/project.html", 301)
        self.add_redirect("/dead-move", "/nowhere", 301)
        self.add_redirect("/loop-a", "/loop-b", 302)
        self.add_redirect("/loop-b", "/loop-a", 302)
        for i in range(12):
            self.add_redirect(f"/chain/{i}", f"/chain/{i + 1}", 302)
        self.add_page("/chain/12", "<title>end of a long chain</title>")
        self.add_page("/removed", "<h1>Gone</h1>", status=410)
        self.add_page("/login", "<h1>Log in</h1>", status=401)
        self.add_page("/forbidden", "<h1>Forbidden</h1>", status=403)
        self.add_page("/legal", "<h1>Unavailable For Legal Reasons</h1>", status=451)
        self.add_page("/broken", "<h1>Internal Server Error</h1>", status=500)
        self.add_page("/slow", "<title>Slow</title>", delay=1.0)
        self.add_page("/huge", "<html><head><title>Huge</title></head><body>" + "x" * 5_000_000)
        self.add_page("/paper.pdf", b"%PDF-1.7\n" + b"\0" * 50_000, content_type="application/pdf")
        self.add_page("/cached", "<title>Cached</title>", headers={"ETag": '"v1"'})
        self.add_zenodo_record(1234, "open")
        self.add_zenodo_record(2000, "embargoed")
        self.add_zenodo_record(3000, "restricted")
        self.add_zenodo_record(4000, "closed")
        self.add_zenodo_status(5000, 410)
        return self

    @property
    def port(self) -> int:
        """The port the server listens on."""
        return int(self.url.rsplit(":", 1)[1])

    # -- handlers --------------------------------------------------------------
    def dispatch(self, request: FakeRequest) -> FakeResponse:
        with self._arrivals_lock:
            self.arrivals.append((time.monotonic(), request.path))
        return super().dispatch(request)

    def _page(self, request: FakeRequest, match: re.Match[str]) -> FakeResponse:
        page = self.pages.get(request.path)
        if page is None:
            return FakeResponse(404, "<h1>Not Found</h1>", {"Content-Type": HTML})
        if request.path in self.delays:
            time.sleep(self.delays[request.path])
        etag = page.headers.get("ETag")
        if etag and request.header("If-None-Match") == etag:
            return FakeResponse(304, b"", {"ETag": etag})
        return page

    def _zenodo(self, request: FakeRequest, match: re.Match[str]) -> FakeResponse:
        answer = self.records.get(match.group(1))
        if answer is None:
            body = {"status": 404, "message": "The persistent identifier does not exist."}
            return FakeResponse.json(body, 404)
        etag = answer.headers.get("ETag")
        if etag and request.header("If-None-Match") == etag:
            return FakeResponse(304, b"", {"ETag": etag})
        return answer


@pytest.fixture
def fake_web() -> Iterator[FakeWeb]:
    """A running FakeWeb with the stock pages and Zenodo records installed."""
    with FakeWeb() as server:
        server.stock()
        yield server
