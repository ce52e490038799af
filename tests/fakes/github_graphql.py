"""The fake GitHub's GraphQL resolver: parses the query with graphql-core and walks its selections.

Objects are dicts holding each field's value, or a callable `(arguments, path, node)` for fields
that take arguments; `__typename` decides which inline fragments and fragment spreads apply.
Answers follow GitHub: `{"data": ..., "errors": [...]}`, an unknown repository is `null` plus a
`NOT_FOUND` error whose `path` is the alias, and an unknown field fails the whole query with
`undefinedField` (GitHub validates before it executes).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from graphql import GraphQLSyntaxError, parse
from graphql.language import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    Node,
    OperationDefinitionNode,
    SelectionSetNode,
    get_location,
)
from graphql.utilities import value_from_ast_untyped

from fakes.github_json import folder_sha, size_kb

if TYPE_CHECKING:
    from fakes.github import FakeGitHub, FakeRepo, _Window


class _UndefinedField(Exception):
    def __init__(self, type_name: str, field_name: str, node: Node) -> None:
        super().__init__(field_name)
        self.type_name, self.field_name, self.node = type_name, field_name, node


def _locations(node: Node) -> list[dict[str, int]]:
    if node.loc is None:
        return []
    where = get_location(node.loc.source, node.loc.start)
    return [{"line": where.line, "column": where.column}]


def answer_graphql(fake: FakeGitHub, payload: Mapping[str, Any], window: _Window) -> dict[str, Any]:
    """The JSON answer to one GraphQL request body."""
    try:
        document = parse(payload.get("query") or "")
    except GraphQLSyntaxError as exc:
        locations = [{"line": loc.line, "column": loc.column} for loc in exc.locations or []]
        return {"errors": [{"message": f"Parse error: {exc.message}", "locations": locations}]}
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    walker = _Walker(payload.get("variables") or {}, fragments)
    try:
        data = walker.select(operations[0].selection_set, _query_root(fake, window, walker), [])
    except _UndefinedField as exc:
        extensions = {
            "code": "undefinedField", "typeName": exc.type_name, "fieldName": exc.field_name,
        }
        return {"errors": [{
            "path": [], "extensions": extensions, "locations": _locations(exc.node),
            "message": f"Field '{exc.field_name}' doesn't exist on type '{exc.type_name}'",
        }]}
    answer: dict[str, Any] = {"data": data}
    if walker.errors:
        answer["errors"] = walker.errors
    return answer


class _Walker:
    """Resolves a selection set against the fake's object dicts."""

    def __init__(
        self, variables: Mapping[str, Any], fragments: Mapping[str, FragmentDefinitionNode]
    ) -> None:
        self.variables = dict(variables)
        self.fragments = fragments
        self.errors: list[dict[str, Any]] = []

    def select(
        self, selection_set: SelectionSetNode, obj: Mapping[str, Any], path: list[Any]
    ) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                key = selection.alias.value if selection.alias else selection.name.value
                out[key] = self._field(selection, obj, path + [key])
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                if condition is None or _is_a(obj, condition.name.value):
                    out.update(self.select(selection.selection_set, obj, path))
            elif isinstance(selection, FragmentSpreadNode):
                fragment = self.fragments[selection.name.value]
                if _is_a(obj, fragment.type_condition.name.value):
                    out.update(self.select(fragment.selection_set, obj, path))
        return out

    def _field(self, node: FieldNode, obj: Mapping[str, Any], path: list[Any]) -> Any:
        name = node.name.value
        if name == "__typename":
            return obj["__typename"]
        if name not in obj:
            raise _UndefinedField(obj["__typename"], name, node)
        value = obj[name]
        if callable(value):
            arguments = {
                argument.name.value: value_from_ast_untyped(argument.value, self.variables)
                for argument in node.arguments or ()
            }
            value = value(arguments, path, node)
        return self._complete(value, node, path)

    def _complete(self, value: Any, node: FieldNode, path: list[Any]) -> Any:
        if isinstance(value, list):
            return [self._complete(item, node, path + [i]) for i, item in enumerate(value)]
        if isinstance(value, dict) and node.selection_set is not None:
            return self.select(node.selection_set, value, path)
        return value

    def not_found(self, path: list[Any], node: Node, message: str, kind: str = "NOT_FOUND") -> None:
        error = {"type": kind, "path": path, "locations": _locations(node), "message": message}
        self.errors.append(error)


def _is_a(obj: Mapping[str, Any], type_name: str) -> bool:
    return obj["__typename"] == type_name or type_name in obj.get("__interfaces", ())


def _iso(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _connection(type_name: str, items: list[Any], arguments: Mapping[str, Any]) -> dict[str, Any]:
    first = arguments.get("first")
    nodes = items[:first] if first is not None else items
    return {
        "__typename": type_name, "totalCount": len(items), "nodes": nodes,
        "pageInfo": {
            "__typename": "PageInfo", "hasNextPage": len(nodes) < len(items), "endCursor": None,
        },
    }


def _query_root(fake: FakeGitHub, window: _Window, walker: _Walker) -> dict[str, Any]:
    def repository(
        arguments: Mapping[str, Any], path: list[Any], node: Node
    ) -> dict[str, Any] | None:
        full_name = f"{arguments['owner']}/{arguments['name']}"
        repo = fake.find(full_name)
        if repo is None and arguments.get("followRenames", True):
            repo = fake.repos.get(fake.renamed.get(full_name.lower(), -1))
        if repo is None:
            message = f"Could not resolve to a Repository with the name '{full_name}'."
            walker.not_found(path, node, message)
            return None
        if repo.blocked_451:
            walker.not_found(path, node, "Repository access blocked", kind="FORBIDDEN")
            return None
        return _repository(repo)

    rate = {
        "__typename": "RateLimit", "cost": 1, "limit": window.limit, "used": window.used,
        "remaining": window.limit - window.used, "resetAt": _iso(window.reset), "nodeCount": 0,
    }
    return {"__typename": "Query", "rateLimit": rate, "repository": repository}


def _count(total: int) -> Any:
    """A connection field that only answers totalCount."""
    return lambda arguments, path, node: {"__typename": "Connection", "totalCount": total}


def _release(release: dict[str, Any]) -> dict[str, Any]:
    assets = [
        {"__typename": "ReleaseAsset", "name": asset["name"], "size": asset.get("size", 0),
         "downloadCount": asset.get("download_count", 0)}
        for asset in release.get("assets", [])
    ]
    return {
        "__typename": "Release", "tagName": release["tag"],
        "name": release.get("name", release["tag"]),
        "publishedAt": release.get("published_at", "2025-01-01T00:00:00Z"),
        "isPrerelease": release.get("prerelease", False), "isDraft": release.get("draft", False),
        "releaseAssets": lambda a, p, n: _connection("ReleaseAssetConnection", assets, a),
    }


def _repository(repo: FakeRepo) -> dict[str, Any]:
    head = None
    if not repo.empty:
        head = {
            "__typename": "Commit", "__interfaces": ("GitObject",), "oid": repo.head_sha,
            "committedDate": repo.last_commit_at, "tree": _tree(repo, ""),
        }
    license_info = None
    if repo.license_spdx is not None or repo.license_name is not None:
        license_info = {
            "__typename": "License", "spdxId": repo.license_spdx,
            "name": repo.license_name or repo.license_spdx,
            "key": (repo.license_spdx or "other").lower(),
        }
    by_date = sorted(repo.releases, key=lambda r: r.get("published_at", ""), reverse=True)
    releases = [_release(r) for r in by_date]
    topics = [
        {"__typename": "RepositoryTopic", "topic": {"__typename": "Topic", "name": t}}
        for t in repo.topics
    ]
    tags = [{"__typename": "Ref", "name": t} for t in repo.tag_names]
    branch = head and {"__typename": "Ref", "name": repo.default_branch, "target": head}
    return {
        "__typename": "Repository", "__interfaces": ("Node", "RepositoryInfo"),
        "id": f"R_{repo.id}", "name": repo.name, "nameWithOwner": repo.full_name, "stargazerCount": repo.stars,
        "forkCount": repo.forks, "watchers": _count(repo.watchers),
        "issues": _count(repo.open_issues), "pullRequests": _count(repo.open_pulls),
        "isArchived": repo.archived, "isFork": repo.fork, "isEmpty": repo.empty,
        "isPrivate": repo.private, "isDisabled": repo.disabled,
        "createdAt": repo.created_at, "pushedAt": repo.pushed_at, "diskUsage": size_kb(repo),
        "description": repo.description, "homepageUrl": repo.homepage,
        "repositoryTopics": lambda a, p, n: _connection("RepositoryTopicConnection", topics, a),
        "licenseInfo": license_info,
        "defaultBranchRef": branch,
        "object": lambda a, p, n: _object(repo, a["expression"]),
        "refs": lambda a, p, n: _connection(
            "RefConnection", tags if a.get("refPrefix") == "refs/tags/" else [], a
        ),
        "releases": lambda a, p, n: _connection("ReleaseConnection", releases, a),
    }


def _object(repo: FakeRepo, expression: str) -> dict[str, Any] | None:
    """`object(expression: "HEAD:path")`: a Blob, a Tree, or null."""
    revision, _, path = expression.partition(":")
    if repo.empty or revision not in ("HEAD", repo.default_branch):
        return None
    path = path.strip("/")
    if path in repo.tree:
        return _blob(repo, path)
    if path == "" or any(p.startswith(path + "/") for p in repo.tree):
        return _tree(repo, path)
    return None


def _blob(repo: FakeRepo, path: str) -> dict[str, Any]:
    text = repo.readme if path == repo.readme_path else None
    return {"__typename": "Blob", "__interfaces": ("GitObject",), "byteSize": repo.tree[path],
            "text": text, "isBinary": False, "isTruncated": False}


def _tree(repo: FakeRepo, folder: str) -> dict[str, Any]:
    prefix = folder + "/" if folder else ""
    children: dict[str, str] = {}
    for path in repo.tree:
        if path.startswith(prefix):
            head, _, rest = path[len(prefix):].partition("/")
            children[head] = "tree" if rest else children.get(head, "blob")
    entries = []
    for name, kind in sorted(children.items()):
        full = prefix + name
        entries.append({
            "__typename": "TreeEntry", "name": name, "path": full, "type": kind,
            "size": repo.tree.get(full, 0) if kind == "blob" else 0,
            "object": (lambda a, p, n, full=full: _blob(repo, full)) if kind == "blob"
            else (lambda a, p, n, full=full: _tree(repo, full)),
        })
    return {"__typename": "Tree", "__interfaces": ("GitObject",), "entries": entries,
            "oid": folder_sha(repo.head_sha, folder)}
