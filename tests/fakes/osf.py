"""A loopback fake of the OSF API v2 (JSON:API), with fixture `fake_osf`.

Serves `GET /v2/nodes/{guid}/` (with `?embed=license`), `GET /v2/licenses/{id}/` and the
osfstorage listings `GET /v2/nodes/{guid}/files/osfstorage/[{folder_id}/]`, paginated the
way OSF does it (`page[size]`, default 10, at most 100; `links.{first,last,prev,next}` are
absolute URLs that keep the query, including `view_only`; the total sits in `links.meta`
and `meta`). Errors are `{"errors": [{"detail": ...}]}`: 404 unknown node, 410 deleted,
401 for a private node asked anonymously, 403 with a token that is not a contributor's.
A private node opens with one of its `view_only_keys` (anonymous-review links).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import pytest

from fakes.server import FakeRequest, FakeResponse, FakeServer

JSONAPI = "application/vnd.api+json; charset=utf-8"
LICENSES = {
    "mit": ("MIT License", "http://opensource.org/licenses/MIT"),
    "ccby4": (
        "CC-By Attribution 4.0 International",
        "https://creativecommons.org/licenses/by/4.0/legalcode",
    ),
    "nolicense": ("No license", None),
}


@dataclass
class FakeNode:
    """One OSF project or component as the fake stores it."""

    guid: str
    title: str = "A project"
    category: str = "project"
    public: bool = True
    tags: list[str] = field(default_factory=list)
    license_id: str | None = "mit"
    files: list[tuple[str, int]] = field(default_factory=list)  # ("data/x.csv", size)
    view_only_keys: set[str] = field(default_factory=set)
    contributor_tokens: set[str] = field(default_factory=set)
    deleted: bool = False
    date_created: str = "2023-05-02T09:15:00.123000"
    date_modified: str = "2024-01-20T17:45:30.000000"


def _folder_id(guid: str, folder: str) -> str:
    return hashlib.sha1(f"{guid}:{folder}".encode()).hexdigest()[:24]


def _error(status: int, detail: str) -> FakeResponse:
    return FakeResponse.json({"errors": [{"detail": detail}], "meta": {"version": "2.0"}},
                             status, {"Content-Type": JSONAPI})


class FakeOSF(FakeServer):
    """The OSF API v2 on loopback; `url + "/v2"` is the endpoint to configure."""

    def __init__(self) -> None:
        super().__init__()
        self.nodes: dict[str, FakeNode] = {}
        self.route("GET", r"/v2/nodes/(\w+)/", self._node)
        self.route("GET", r"/v2/nodes/(\w+)/files/osfstorage/(?:(\w+)/)?", self._files)
        self.route("GET", r"/v2/licenses/(\w+)/", self._license)

    @property
    def endpoint(self) -> str:
        """The API root a client is configured with (like https://api.osf.io/v2)."""
        return self.url + "/v2"

    def add_node(self, guid: str, **attributes: Any) -> FakeNode:
        """Create a node (see FakeNode for the attributes and their defaults)."""
        node = FakeNode(guid, **attributes)
        self.nodes[guid] = node
        return node

    def not_found(self, request: FakeRequest) -> FakeResponse:
        return _error(404, "Not found.")

    # -- access ----------------------------------------------------------------
    def _gate(self, request: FakeRequest, guid: str) -> FakeNode | FakeResponse:
        """The node if this request may read it, else the error OSF would answer."""
        node = self.nodes.get(guid)
        if node is None:
            return _error(404, "Not found.")
        if node.deleted:
            return _error(410, "The requested resource is no longer available.")
        if node.public:
            return node
        key = (request.query.get("view_only") or [""])[0]
        if key and key in node.view_only_keys:
            return node
        auth = request.header("Authorization") or ""
        if auth.startswith("Bearer ") and auth[7:] in node.contributor_tokens:
            return node
        if auth:
            return _error(403, "You do not have permission to perform this action.")
        return _error(401, "Authentication credentials were not provided.")

    # -- documents -------------------------------------------------------------
    def _license_doc(self, license_id: str) -> dict[str, Any]:
        name, url = LICENSES[license_id]
        return {
            "id": license_id,
            "type": "licenses",
            "attributes": {"name": name, "text": f"{name} text", "url": url,
                           "required_fields": ["year", "copyright_holders"]},
            "links": {"self": f"{self.endpoint}/licenses/{license_id}/"},
        }

    def _node_doc(self, node: FakeNode, embed: list[str]) -> dict[str, Any]:
        base = f"{self.endpoint}/nodes/{node.guid}"
        relationships: dict[str, Any] = {
            "files": {"links": {"related": {"href": f"{base}/files/", "meta": {}}}},
            "contributors": {"links": {"related": {"href": f"{base}/contributors/", "meta": {}}}},
            "children": {"links": {"related": {"href": f"{base}/children/", "meta": {}}}},
        }
        doc: dict[str, Any] = {
            "id": node.guid,
            "type": "nodes",
            "attributes": {
                "title": node.title,
                "description": "",
                "category": node.category,
                "custom_citation": None,
                "date_created": node.date_created,
                "date_modified": node.date_modified,
                "registration": False,
                "preprint": False,
                "fork": False,
                "collection": False,
                "tags": list(node.tags),
                "node_license": (
                    {"copyright_holders": ["Doe"], "year": "2023"} if node.license_id else None
                ),
                "current_user_can_comment": False,
                "current_user_permissions": [],
                "current_user_is_contributor": False,
                "public": node.public,
                "wiki_enabled": True,
            },
            "relationships": relationships,
            "links": {"html": f"https://osf.io/{node.guid}/", "self": f"{base}/"},
        }
        if node.license_id:
            license_href = f"{self.endpoint}/licenses/{node.license_id}/"
            relationships["license"] = {
                "links": {"related": {"href": license_href, "meta": {}}},
                "data": {"id": node.license_id, "type": "licenses"},
            }
            if "license" in embed:
                doc["embeds"] = {"license": {"data": self._license_doc(node.license_id)}}
        return doc

    def _file_doc(self, node: FakeNode, path: str, size: int | None) -> dict[str, Any]:
        """A file (size given) or folder (size None, `path` ending in '/') entity."""
        name = path.rstrip("/").rsplit("/", 1)[-1]
        base = f"{self.endpoint}/nodes/{node.guid}/files/osfstorage"
        if size is None:
            folder_id = _folder_id(node.guid, path)
            return {
                "id": folder_id,
                "type": "files",
                "attributes": {"name": name, "kind": "folder", "path": f"/{folder_id}/",
                               "materialized_path": f"/{path}", "provider": "osfstorage",
                               "size": None, "date_modified": None, "date_created": None},
                "relationships": {
                    "files": {"links": {"related": {"href": f"{base}/{folder_id}/", "meta": {}}}}
                },
                "links": {"upload": f"https://files.osf.io/v1/resources/{node.guid}"
                                    f"/providers/osfstorage/{folder_id}/"},
            }
        file_id = hashlib.sha1(f"{node.guid}:{path}".encode()).hexdigest()[:24]
        return {
            "id": file_id,
            "type": "files",
            "attributes": {"name": name, "kind": "file", "path": f"/{file_id}",
                           "materialized_path": f"/{path}", "provider": "osfstorage",
                           "size": size, "current_version": 1,
                           "date_created": node.date_created, "date_modified": node.date_modified,
                           "extra": {"hashes": {"md5": file_id, "sha256": file_id},
                                     "downloads": 3}},
            "relationships": {
                "node": {"links": {"related": {"href": f"{self.endpoint}/nodes/{node.guid}/",
                                               "meta": {}}}}
            },
            "links": {"download": f"https://osf.io/download/{file_id}/"},
        }

    def _children(self, node: FakeNode, folder: str) -> list[dict[str, Any]]:
        """The entries directly inside `folder` ('' for the root, else 'a/b/')."""
        entries: dict[str, int | None] = {}
        for path, size in node.files:
            if not path.startswith(folder):
                continue
            rest = path[len(folder):]
            if "/" in rest:
                entries.setdefault(folder + rest.split("/", 1)[0] + "/", None)
            else:
                entries[path] = size
        return [self._file_doc(node, p, s) for p, s in sorted(entries.items())]

    # -- handlers --------------------------------------------------------------
    def _node(self, request: FakeRequest, match: re.Match[str]) -> FakeResponse:
        gate = self._gate(request, match.group(1))
        if isinstance(gate, FakeResponse):
            return gate
        embed = request.query.get("embed", [])
        doc = {"data": self._node_doc(gate, embed), "meta": {"version": "2.0"}}
        return FakeResponse.json(doc, headers={"Content-Type": JSONAPI})

    def _license(self, request: FakeRequest, match: re.Match[str]) -> FakeResponse:
        if match.group(1) not in LICENSES:
            return _error(404, "Not found.")
        doc = {"data": self._license_doc(match.group(1)), "meta": {"version": "2.0"}}
        return FakeResponse.json(doc, headers={"Content-Type": JSONAPI})

    def _files(self, request: FakeRequest, match: re.Match[str]) -> FakeResponse:
        gate = self._gate(request, match.group(1))
        if isinstance(gate, FakeResponse):
            return gate
        folder = ""
        if match.group(2):
            folders = {
                _folder_id(gate.guid, p[: i + 1]): p[: i + 1]
                for p, _ in gate.files
                for i, c in enumerate(p)
                if c == "/"
            }
            if match.group(2) not in folders:
                return _error(404, "Not found.")
            folder = folders[match.group(2)]
        entries = self._children(gate, folder)
        per_page = min(int((request.query.get("page[size]") or ["10"])[0]), 100)
        page = int((request.query.get("page") or ["1"])[0])
        last = max(1, -(-len(entries) // per_page))
        chunk = entries[(page - 1) * per_page : page * per_page]

        def link(number: int) -> str:
            query = {k: v[0] for k, v in request.query.items() if k != "page"}
            if number > 1:
                query["page"] = str(number)
            return f"{self.url}{request.path}" + (f"?{urlencode(query)}" if query else "")

        meta = {"total": len(entries), "per_page": per_page}
        doc = {
            "data": chunk,
            "links": {
                "first": link(1) if page > 1 else None,
                "last": link(last) if page < last else None,
                "prev": link(page - 1) if page > 1 else None,
                "next": link(page + 1) if page < last else None,
                "meta": meta,
            },
            "meta": {**meta, "version": "2.0"},
        }
        return FakeResponse.json(doc, headers={"Content-Type": JSONAPI})


@pytest.fixture
def fake_osf() -> Iterator[FakeOSF]:
    """A running FakeOSF with stock nodes: `pub01` (public, files in folders), `priv1`
    (private; view_only key `reviewkey123`), `gone1` (deleted), `empty` (public, no files)."""
    with FakeOSF() as server:
        server.add_node(
            "pub01",
            title="Replication data",
            tags=["replication", "nlp"],
            files=[("README.md", 1_000), ("data/train.csv", 20_000), ("data/raw/dump.json", 5_000),
                   ("code/run.py", 300)],
        )
        server.add_node("priv1", title="Under review", public=False, license_id="ccby4",
                        files=[("results.csv", 42)], view_only_keys={"reviewkey123"})
        server.add_node("gone1", deleted=True)
        server.add_node("empty", license_id=None)
        yield server
