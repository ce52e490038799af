"""`--json` output: one JSON document per command, each carrying the shared `schema_version`.

Every document's shape is described by a JSON Schema in docs/schemas/<command>.schema.json
(`link add` -> `link-add`); a test validates each command's output against its schema.
"""

from __future__ import annotations

import json
from typing import Any

import typer

#: The version of every `--json` document's shape. Bump it (and the schemas in docs/schemas)
#: when a key is removed or changes meaning; adding a key is compatible and keeps it.
JSON_SCHEMA_VERSION = 1

#: The `--json` option every reporting command takes.
JSON_OPTION_HELP = "Print one JSON object (its schema: docs/schemas/)."


def json_document(**content: Any) -> dict[str, Any]:
    """A `--json` document: `schema_version` first, then `content`."""
    return {"schema_version": JSON_SCHEMA_VERSION, **content}


def print_json(**content: Any) -> None:
    """Print `content` as one indented JSON document (with `schema_version`) on stdout."""
    typer.echo(json.dumps(json_document(**content), indent=2, ensure_ascii=False, default=str))
