"""JSON Lines: one JSON object per line with title, arxiv_id, doi, url(s) and abstract keys."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tracker.ingest.records import InvalidRecord, PaperRecord, Parsed, build_record

# Accepted key (lower-cased) -> the record field it fills. Other keys are ignored.
_ALIASES = {
    "title": "title",
    "arxiv_id": "arxiv",
    "arxiv": "arxiv",
    "eprint": "arxiv",
    "doi": "doi",
    "abstract": "abstract",
    "url": "url",
    "link": "url",
    "code": "url",
    "urls": "urls",
}
_JSON_TYPES = {
    dict: "an object",
    list: "an array",
    str: "a string",
    bool: "a boolean",
    int: "a number",
    float: "a number",
    type(None): "null",
}


def _text(value: str) -> str | None:
    """A decoded JSON string made storable: NUL removed (PostgreSQL refuses it in text); None
    if it holds a lone UTF-16 surrogate (`"\\ud800"` decodes to one; no encoder takes it)."""
    if any("\ud800" <= char <= "\udfff" for char in value):
        return None
    return value.replace("\x00", "")


def _surrogate(number: int, key: str) -> InvalidRecord:
    """The invalid record for a value holding a lone surrogate."""
    return InvalidRecord(number, f"key {key!r} holds a lone UTF-16 surrogate (an unpaired "
                         "\\ud800-\\udfff escape), which is not text")


def _kind(value: Any) -> str:
    """Name a decoded JSON value's type the way JSON calls it."""
    return _JSON_TYPES.get(type(value), type(value).__name__)


def _record(number: int, obj: dict[str, Any]) -> PaperRecord | InvalidRecord:
    """Turn one decoded object into a record, checking each known key's type."""
    fields: dict[str, str] = {}
    keys: dict[str, str] = {}
    urls: list[tuple[str, str]] = []
    for raw_key, value in obj.items():
        key = raw_key.strip().lower()
        target = _ALIASES.get(key)
        if target is None or value is None:
            continue
        if target == "urls":
            if isinstance(value, str):
                value = [value]
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                return InvalidRecord(
                    number, f"key {raw_key!r} must be a string or a list of strings, "
                    f"got {_kind(value)}"
                )
            texts = [_text(v) for v in value]
            if None in texts:
                return _surrogate(number, raw_key)
            urls.extend((v, raw_key) for v in texts if v is not None)
            continue
        if not isinstance(value, str):
            return InvalidRecord(number, f"key {raw_key!r} must be a string, got {_kind(value)}")
        value = _text(value)
        if value is None:
            return _surrogate(number, raw_key)
        if target == "url":
            urls.append((value, raw_key))
        elif target not in fields or not fields[target].strip():
            fields[target] = value
            keys[target] = raw_key
    return build_record(
        number,
        title=fields.get("title"),
        arxiv=fields.get("arxiv"),
        doi=fields.get("doi"),
        abstract=fields.get("abstract"),
        urls=urls,
        arxiv_key=keys.get("arxiv", "arxiv_id"),
        doi_key=keys.get("doi", "doi"),
        label="key {!r}:",
        missing="object has none of the keys title, arxiv_id, url or doi",
    )


def parse(text: str, path: Path) -> Parsed:
    """Parse JSON Lines; blank lines are skipped, each other line must be one JSON object."""
    records: list[PaperRecord] = []
    invalid: list[InvalidRecord] = []
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            invalid.append(InvalidRecord(number, f"not valid JSON: {exc.msg} (column {exc.colno})"))
            continue
        except RecursionError:  # json's decoder recurses once per level of [ or {
            invalid.append(InvalidRecord(number, "not valid JSON for a paper: arrays or objects "
                                         "nested too deeply"))
            continue
        if not isinstance(obj, dict):
            invalid.append(InvalidRecord(number, f"line is {_kind(obj)}, not a JSON object"))
            continue
        result = _record(number, obj)
        if isinstance(result, PaperRecord):
            records.append(result)
        else:
            invalid.append(result)
    return records, invalid
