"""Content-addressed JSON: identical facts and findings are stored once.

A re-audit of unchanged papers writes, link after link, the very facts it wrote last time,
and scorecards carry the same findings audit after audit. The store therefore keeps large
JSON values of these columns once, in the `content` table keyed by a digest of their
canonical JSON, and the row holds `{"$content": DIGEST}` in their place:

- observation: `facts`, `validators`, and each long item of `evidence` on its own (the list
  as a whole names each batch's remaining quota, so it is rarely the same twice; its items
  are: a link's own request line, or the batch line that 25 repositories share)
- scorecard: `findings`, `figures`, `weights`

A reference is `{"$c": DIGEST}` with a 22-character digest (base64url of 128 bits); findings
keep the references of their volatile criteria beside it under `"$v"`. Before migration 0009
references were `{"$content": HEX}` and `"$criteria"`: both forms are still read.

Readers see no difference: when an `ObservationRecord` or a `ScorecardRecord` is loaded, the
references are replaced by their bodies (without marking the row changed). A digest names
one body in every database, so bodies are cached per process. Rows written by an older
version, or through the ORM, hold their values inline and are read as they are.
"""

from __future__ import annotations

import base64
import hashlib
import json
import threading
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from sqlalchemy import event, insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection
from sqlalchemy.orm import attributes

from tracker.store.models import ContentRecord, ObservationRecord, ScorecardRecord

REF_KEY = "$c"
REF_CRITERIA = "$v"  # beside REF_KEY: the references of the volatile criteria
LEGACY_REF_KEY, LEGACY_REF_CRITERIA = "$content", "$criteria"  # written before 0009
_REF_KEYS = frozenset({REF_KEY, LEGACY_REF_KEY})
_CRITERIA_KEYS = (REF_CRITERIA, LEGACY_REF_CRITERIA)
MIN_BYTES = 64  # smaller values stay inline: a reference is 31 bytes
MIN_ITEM_BYTES = 40  # list items (evidence lines) shorter than this stay inline
CONTENT_COLUMNS: dict[type, tuple[str, ...]] = {
    ObservationRecord: ("facts", "validators", "evidence"),
    ScorecardRecord: ("findings", "figures", "weights"),
}
NESTED = frozenset({"findings"})  # columns whose criteria are addressed one by one
LISTS = frozenset({"evidence"})  # list columns whose items are addressed one by one
# Criteria whose finding changes at every audit by construction: link_health counts the checks.
VOLATILE = frozenset({"link_health"})
_CACHE_SIZE = 4096
_CHUNK = 500  # ids or digests per `IN (...)`: well under every SQLite's variable limit


def canonical(value: Any) -> str:
    """The canonical JSON of a value: sorted keys, no spaces (what the digest is of)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      default=str)


def digest_of(text: str) -> str:
    """The content address of a canonical JSON text (BLAKE2b, 128 bits, base64url)."""
    return _b64(hashlib.blake2b(text.encode(), digest_size=16).digest())


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def short_digest(digest: str) -> str:
    """A digest in today's form (base64url); a 0007 hex digest is converted, others kept."""
    if len(digest) == 32:
        try:
            return _b64(bytes.fromhex(digest))
        except ValueError:
            pass
    return digest


def hex_digest(digest: str) -> str:
    """A digest in 0007's form (hex), for a downgrade."""
    if len(digest) == 22:
        return base64.urlsafe_b64decode(digest + "==").hex()
    return digest


def reference_of(value: Any) -> str | None:
    """The digest a stored value refers to, or None when it is held inline."""
    if not isinstance(value, dict) or not value or not set(value) <= _REF_KEYS.union(
            _CRITERIA_KEYS):
        return None
    for key in _REF_KEYS:
        if isinstance(value.get(key), str):
            return str(value[key])
    return None


def volatile_of(value: Any) -> dict[str, Any] | None:
    """The volatile criteria's references kept on a findings reference, if any."""
    if reference_of(value) is None:
        return None
    for key in _CRITERIA_KEYS:
        if isinstance(value.get(key), dict):
            return dict(value[key])
    return None


def restyled(value: Any, *, legacy: bool = False) -> Any:
    """A value with every reference in it written in today's form (or, `legacy`, 0007's).

    Migration 0008 runs it over rows and bodies: digests are re-encoded, not recomputed
    (the same 128 bits), so nothing is re-hashed.
    """
    if isinstance(value, list):
        return [restyled(item, legacy=legacy) for item in value]
    if not isinstance(value, dict):
        return value
    digest = reference_of(value)
    if digest is not None:
        key, criteria_key = ((LEGACY_REF_KEY, LEGACY_REF_CRITERIA) if legacy
                             else (REF_KEY, REF_CRITERIA))
        result: dict[str, Any] = {key: hex_digest(digest) if legacy else short_digest(digest)}
        on_row = volatile_of(value)
        if on_row is not None:
            result[criteria_key] = restyled(on_row, legacy=legacy)
        return result
    return {key: restyled(item, legacy=legacy) for key, item in value.items()}


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
            if name in LISTS:
                row[name] = compact_items(row.get(name), new_bodies)
            else:
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
    if (not isinstance(value, dict) or reference_of(value) is not None
            or any(key in value for key in _CRITERIA_KEYS)):
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


def compact_items(value: Any, new_bodies: dict[str, Any]) -> Any:
    """A list with each long string item replaced by its reference; bodies to new_bodies."""
    if not isinstance(value, list):
        return value
    items = []
    for item in value:
        if isinstance(item, str) and len(item.encode()) >= MIN_ITEM_BYTES:
            digest = digest_of(canonical(item))
            new_bodies.setdefault(digest, item)
            items.append({REF_KEY: digest})
        else:
            items.append(item)
    return items


def expand_items(connection: Connection, value: Any) -> Any:
    """A stored list with its referenced items put back in place."""
    if not isinstance(value, list):
        return value
    wanted = [d for item in value if (d := reference_of(item)) is not None]
    if not wanted:
        return value
    bodies = fetch_bodies(connection, wanted)
    return [bodies.get(d, item) if (d := reference_of(item)) is not None else item
            for item in value]


def expand_value(connection: Connection, value: Any) -> Any:
    """A stored value with its references (and its criteria's) replaced by fresh copies."""
    if isinstance(value, list):
        return expand_items(connection, value)
    digest = reference_of(value)
    on_row = volatile_of(value)
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
    """The bodies of these digests (pinned ones first, then the cache, else the database)."""
    found: dict[str, Any] = {}
    missing = []
    pinned = _pinned.get()
    for digest in set(digests):
        body = pinned.get(digest) if pinned is not None else None
        if body is None:
            body = _bodies.get(digest)
        if body is None:
            missing.append(digest)
        else:
            found[digest] = body
    for start in range(0, len(missing), _CHUNK):
        query = select(ContentRecord.digest, ContentRecord.body).where(  # type: ignore[call-overload]
            ContentRecord.digest.in_(missing[start:start + _CHUNK])  # type: ignore[attr-defined]
        )
        for digest, body in connection.execute(query):
            _bodies.put(digest, body)
            found[digest] = body
    return found


#: Bodies read for a batch of rows about to be loaded (`pinned_bodies`): consulted before the
#: bounded cache, which a page of a thousand scorecards (eleven bodies each) would overflow.
_pinned: ContextVar[dict[str, Any] | None] = ContextVar("reprotrack_pinned_bodies", default=None)


def gather_bodies(connection: Connection, table: type, row_ids: Iterable[int]) -> dict[str, Any]:
    """Every body these rows name, at every depth expanding reads (a findings body's criteria
    too), in a few queries per 500 rows whatever their number: nothing is read row by row.

    The bodies are returned, not cached: pass them to `pinned_bodies` around the rows' load.
    """
    ids = list(row_ids)
    columns = CONTENT_COLUMNS.get(table, ())
    found: dict[str, Any] = {}
    if not ids or not columns:
        return found
    mapped = table.__table__  # type: ignore[attr-defined]
    wanted: set[str] = set()
    for start in range(0, len(ids), _CHUNK):
        query = select(*(mapped.c[name] for name in columns)).where(
            mapped.c.id.in_(ids[start:start + _CHUNK]))
        for row in connection.execute(query):
            for value in row:
                wanted |= references_on_row(value) | _criteria_references(value)
    while wanted:
        read = _read_bodies(connection, sorted(wanted))
        found.update(read)
        wanted = {d for body in read.values() for d in _criteria_references(body)} - set(found)
    return found


def _read_bodies(connection: Connection, digests: list[str]) -> dict[str, Any]:
    """These bodies, from the cache else the database (which are not added to the cache)."""
    found: dict[str, Any] = {}
    missing = []
    for digest in digests:
        body = _bodies.get(digest)
        if body is None:
            missing.append(digest)
        else:
            found[digest] = body
    for start in range(0, len(missing), _CHUNK):
        query = select(ContentRecord.digest, ContentRecord.body).where(  # type: ignore[call-overload]
            ContentRecord.digest.in_(missing[start:start + _CHUNK])  # type: ignore[attr-defined]
        )
        found.update((digest, body) for digest, body in connection.execute(query))
    return found


def _criteria_references(value: Any) -> set[str]:
    """The digests a findings value's criteria name (an inline or a fetched findings body)."""
    criteria = value.get("criteria") if isinstance(value, dict) else None
    if not isinstance(criteria, dict):
        return set()
    return {d for part in criteria.values() if (d := reference_of(part)) is not None}


@contextmanager
def pinned_bodies(bodies: Mapping[str, Any]) -> Iterator[None]:
    """While inside, expanding a loaded row reads these bodies before the cache or database."""
    outer = _pinned.get()
    token = _pinned.set({**outer, **bodies} if outer else dict(bodies))
    try:
        yield
    finally:
        _pinned.reset(token)


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
                digests |= references_on_row(value)
    wanted = sorted(digests)
    for start in range(0, len(wanted), 500):
        fetch_bodies(connection, wanted[start:start + 500])


def references_on_row(value: Any) -> set[str]:
    """The digests a stored value names itself: its own, its volatile criteria's, its items'."""
    if isinstance(value, list):
        return {d for item in value if (d := reference_of(item)) is not None}
    digest = reference_of(value)
    if digest is None:
        return set()
    on_row = volatile_of(value) or {}
    return {digest} | {d for v in on_row.values() if (d := reference_of(v)) is not None}


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
    """Whether a loaded value holds a reference, itself, in a criterion or in an item."""
    if reference_of(value) is not None:
        return True
    if isinstance(value, list):
        return any(reference_of(item) is not None for item in value)
    criteria = value.get("criteria") if isinstance(value, dict) else None
    return isinstance(criteria, dict) and any(reference_of(v) is not None
                                              for v in criteria.values())


for _table in CONTENT_COLUMNS:
    event.listen(_table, "load", _expand)
    event.listen(_table, "refresh", _expand)
