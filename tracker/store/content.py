"""Content-addressed JSON: identical facts and findings are stored once.

A re-audit of unchanged papers writes, link after link, the very facts it wrote last time,
and scorecards carry the same findings audit after audit. The store therefore keeps large
JSON values of these columns once, in the `content` table keyed by a digest of their
canonical JSON, and the row holds `{"$content": DIGEST}` in their place:

- observation: `facts`, `validators` (not `evidence`: it names each batch's remaining quota,
  so it is rarely the same twice, and addressing unique values costs more than it saves)
- scorecard: `findings`, `figures`, `weights`

Readers see no difference: when an `ObservationRecord` or a `ScorecardRecord` is loaded, the
references are replaced by their bodies (without marking the row changed). A digest names
one body in every database, so bodies are cached per process. Rows written by an older
version, or through the ORM, hold their values inline and are read as they are.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict
from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import event, insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection
from sqlalchemy.orm import attributes

from tracker.store.models import ContentRecord, ObservationRecord, ScorecardRecord

REF_KEY = "$content"
MIN_BYTES = 64  # smaller values stay inline: a reference is about 50 bytes
CONTENT_COLUMNS: dict[type, tuple[str, ...]] = {
    ObservationRecord: ("facts", "validators"),
    ScorecardRecord: ("findings", "figures", "weights"),
}
NESTED = frozenset({"findings"})  # columns whose criteria are addressed one by one
REF_CRITERIA = "$criteria"  # beside REF_KEY: the references of the volatile criteria
# Criteria whose finding changes at every audit by construction: link_health counts the checks.
VOLATILE = frozenset({"link_health"})
_CACHE_SIZE = 4096


def canonical(value: Any) -> str:
    """The canonical JSON of a value: sorted keys, no spaces (what the digest is of)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      default=str)


def digest_of(text: str) -> str:
    """The content address of a canonical JSON text (BLAKE2b, 128 bits, hex)."""
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


def reference_of(value: Any) -> str | None:
    """The digest a stored value refers to, or None when it is held inline."""
    if (isinstance(value, dict) and isinstance(value.get(REF_KEY), str)
            and set(value) <= {REF_KEY, REF_CRITERIA}):
        return value[REF_KEY]
    return None


class _Bodies:
    """A bounded, thread-safe cache of bodies by digest (the same in every database)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[str, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, digest: str) -> Any | None:
        with self._lock:
            body = self._items.get(digest)
            if body is not None:
                self._items.move_to_end(digest)
            return body

    def put(self, digest: str, body: Any) -> None:
        with self._lock:
            self._items[digest] = body
            self._items.move_to_end(digest)
            while len(self._items) > self.size:
                self._items.popitem(last=False)


_bodies = _Bodies(_CACHE_SIZE)


def compact_rows(
    connection: Connection, table: type, rows: Iterable[Mapping[str, Any]]
) -> list[dict[str, Any]]:
    """The rows with their large content columns replaced by references; bodies stored."""
    columns = CONTENT_COLUMNS.get(table, ())
    compacted: list[dict[str, Any]] = []
    new_bodies: dict[str, Any] = {}
    for row in rows:
        row = dict(row)
        for name in columns:
            row[name] = compact_value(row.get(name), new_bodies, nested=name in NESTED)
        compacted.append(row)
    store_bodies(connection, new_bodies)
    return compacted


def compact_value(value: Any, new_bodies: dict[str, Any], *, nested: bool = False) -> Any:
    """A value or its reference (large dicts only); the bodies to store are added to new_bodies.

    With `nested` (findings), each criterion's finding is addressed on its own first, and the
    references of the criteria that change at every audit by construction (`VOLATILE`) stay on
    the row beside the reference of the rest: an unchanged paper's findings then add one small
    body (shared by the papers with the same count of checks) and no new body of their own.
    """
    if not isinstance(value, dict) or reference_of(value) is not None or REF_CRITERIA in value:
        return value
    on_row: dict[str, Any] = {}
    if nested and isinstance(value.get("criteria"), dict):
        criteria = {}
        for key, part in value["criteria"].items():
            compacted = compact_value(part, new_bodies)
            if key in VOLATILE:
                on_row[key] = compacted
            else:
                criteria[key] = compacted
        value = {**value, "criteria": criteria}
    text = canonical(value)
    if len(text) < MIN_BYTES and not on_row:
        return value
    digest = digest_of(text)
    if digest not in new_bodies:
        new_bodies[digest] = _copy(value)  # in its own order; the digest is of the canonical form
    reference: dict[str, Any] = {REF_KEY: digest}
    if on_row:
        reference[REF_CRITERIA] = on_row
    return reference


def expand_value(connection: Connection, value: Any) -> Any:
    """A stored value with its references (and its criteria's) replaced by fresh copies."""
    digest = reference_of(value)
    on_row = value.get(REF_CRITERIA) if digest is not None else None
    if digest is not None:
        bodies = fetch_bodies(connection, [digest])
        if digest not in bodies:
            return value
        value = _copy(bodies[digest])  # a copy: readers may change it, the cache must not
        if isinstance(on_row, dict) and isinstance(value.get("criteria"), dict):
            value["criteria"] = _in_order({**value["criteria"], **on_row})
    if isinstance(value, dict) and isinstance(value.get("criteria"), dict):
        criteria = value["criteria"]
        inner = {key: reference_of(part) for key, part in criteria.items()}
        wanted = [d for d in inner.values() if d is not None]
        if wanted:
            bodies = fetch_bodies(connection, wanted)
            for key, part_digest in inner.items():
                if part_digest is not None and part_digest in bodies:
                    criteria[key] = _copy(bodies[part_digest])
    return value


def _copy(body: Any) -> Any:
    return json.loads(json.dumps(body))


def _in_order(criteria: dict[str, Any]) -> dict[str, Any]:
    """Criteria in the rubric's order (the order scorecards are written in), others after."""
    try:
        from checks import CRITERIA
    except ImportError:  # pragma: no cover - the checks package ships with the store
        return criteria
    order = {name: index for index, name in enumerate(CRITERIA)}
    return dict(sorted(criteria.items(), key=lambda item: order.get(item[0], len(order))))


def store_bodies(connection: Connection, bodies: Mapping[str, Any]) -> None:
    """Insert these bodies, skipping digests the database already holds."""
    if not bodies:
        return
    dialect = connection.dialect.name
    rows = [{"digest": digest, "body": body} for digest, body in bodies.items()]
    if dialect == "postgresql":
        statement = postgresql.insert(ContentRecord).on_conflict_do_nothing()
    elif dialect == "sqlite":
        statement = sqlite.insert(ContentRecord).on_conflict_do_nothing()
    else:  # a portable fallback: insert only what is absent
        present = set(connection.execute(
            select(ContentRecord.digest).where(ContentRecord.digest.in_(list(bodies)))  # type: ignore[attr-defined]
        ).scalars())
        rows = [row for row in rows if row["digest"] not in present]
        statement = insert(ContentRecord)
    if rows:
        connection.execute(statement, rows)
    for digest, body in bodies.items():
        _bodies.put(digest, body)


def fetch_bodies(connection: Connection, digests: Iterable[str]) -> dict[str, Any]:
    """The bodies of these digests (from the cache, else from the database)."""
    found: dict[str, Any] = {}
    missing = []
    for digest in set(digests):
        body = _bodies.get(digest)
        if body is None:
            missing.append(digest)
        else:
            found[digest] = body
    if missing:
        query = select(ContentRecord.digest, ContentRecord.body).where(  # type: ignore[call-overload]
            ContentRecord.digest.in_(missing)  # type: ignore[attr-defined]
        )
        for digest, body in connection.execute(query):
            _bodies.put(digest, body)
            found[digest] = body
    return found


def prefetch_bodies(connection: Connection, table: type, row_ids: Iterable[int]) -> None:
    """Read the bodies these rows refer to in a few queries, so that loading them reads none.

    Loading rows one by one would otherwise cost a query per row whose bodies are not cached.
    """
    ids = list(row_ids)
    columns = CONTENT_COLUMNS.get(table, ())
    if not ids or not columns:
        return
    mapped = table.__table__  # type: ignore[attr-defined]
    digests: set[str] = set()
    for start in range(0, len(ids), 500):
        query = select(*(mapped.c[name] for name in columns)).where(
            mapped.c.id.in_(ids[start:start + 500]))
        for row in connection.execute(query):
            for value in row:
                digest = reference_of(value)
                if digest is not None:
                    digests.add(digest)
                    on_row = value.get(REF_CRITERIA)
                    if isinstance(on_row, dict):
                        digests |= {d for v in on_row.values() if (d := reference_of(v))}
    wanted = sorted(digests)
    for start in range(0, len(wanted), 500):
        fetch_bodies(connection, wanted[start:start + 500])


def _expand(target: Any, context: Any, *_args: Any) -> None:
    """On load: put each referenced body in place, as if it had been read inline."""
    state = attributes.instance_state(target)
    names = [name for name in CONTENT_COLUMNS[type(target)]
             if name in state.dict and _holds_reference(state.dict[name])]
    session = getattr(context, "session", None)
    if not names or session is None:
        return
    connection = session.connection()
    for name in names:
        attributes.set_committed_value(target, name, expand_value(connection, state.dict[name]))


def _holds_reference(value: Any) -> bool:
    """Whether a loaded value holds a reference, itself or in a criterion."""
    if reference_of(value) is not None:
        return True
    criteria = value.get("criteria") if isinstance(value, dict) else None
    return isinstance(criteria, dict) and any(reference_of(v) is not None
                                              for v in criteria.values())


for _table in CONTENT_COLUMNS:
    event.listen(_table, "load", _expand)
    event.listen(_table, "refresh", _expand)
