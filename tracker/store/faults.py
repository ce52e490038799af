"""Database faults as one-line errors: the cause and the database, never SQL or its values."""

from __future__ import annotations

import re

from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, InterfaceError, OperationalError

from tracker.errors import InputError, ReprotrackError, StorageError

# (words in the driver's message, what the user is told, exit code). The first match wins;
# exit 3: the database cannot be reached or cannot take writes now; 2: it is not one we can use.
_CAUSES: tuple[tuple[tuple[str, ...], str, int], ...] = (
    (("readonly database", "read-only", "read only"), "the database is read-only", 3),
    (("disk is full", "no space left", "could not extend file", "diskfull"),
     "the disk holding the database is full", 3),
    (("file is not a database", "disk image is malformed", "not a database"),
     "the file is not a reprotrack database, or it is corrupt", 2),
    (("database is locked",), "the database is locked by another process", 3),
    (("unable to open database file",), "the database file cannot be opened", 3),
    (("connection refused", "could not connect", "connection failed", "timeout expired",
      "could not translate host name", "name or service not known", "no route to host"),
     "the database server cannot be reached", 3),
    (("server closed the connection", "terminating connection", "connection is closed",
      "consuming input failed", "the connection is lost", "ssl connection has been closed",
      "broken pipe", "connection reset"),
     "the connection to the database server was lost", 3),
    (("no schema has been selected",),
     "the database has no schema to create reprotrack's tables in (check its search_path)", 2),
    (("password authentication failed", "no password supplied", "pg_hba.conf"),
     "the database server refused the login", 2),
)
_MISSING_RE = re.compile(r'\b(role|database) "[^"]*" does not exist')
_VIEW_ONLY_RE = re.compile(r"(view_only=)[^&\s'\")]+", re.IGNORECASE)
_PASSWORD_RE = re.compile(r"(://[^:/@\s]+:)[^@\s]+@")


def mask_secrets(text: str) -> str:
    """Hide URL passwords and OSF `view_only` keys in a message."""
    return _PASSWORD_RE.sub(r"\1***@", _VIEW_ONLY_RE.sub(r"\1***", text))


def describe_database(url: str | None) -> str:
    """The database named for a message: its URL with the password hidden."""
    if not url:
        return "the database"
    try:
        parsed = make_url(url)
    except ArgumentError:
        return mask_secrets(url)
    # As the user wrote it unless a password must go (rendering escapes `:` in file names).
    return mask_secrets(url if parsed.password is None else
                        parsed.render_as_string(hide_password=True))


def driver_message(exc: BaseException) -> str:
    """The driver's own first line (without SQLAlchemy's [SQL: ...] and [parameters: ...])."""
    original = exc.orig if isinstance(exc, DBAPIError) and exc.orig is not None else exc
    lines = [line.strip() for line in str(original).splitlines() if line.strip()]
    return mask_secrets(lines[0]) if lines else type(original).__name__


def failure_text(exc: BaseException, limit: int = 500) -> str:
    """`Type: message` for recording why something failed: a database error's driver line
    only (no SQL, no parameters), secrets masked, cut to `limit` characters."""
    message = driver_message(exc) if isinstance(exc, DBAPIError) else mask_secrets(str(exc))
    return f"{type(exc).__name__}: {message}"[:limit]


def database_failure(exc: BaseException, url: str | None) -> ReprotrackError | None:
    """The one-line error for a database fault: StorageError (exit 3) when the database
    cannot be reached or written, InputError (exit 2) when it is unusable as given. None for
    an error that is not a fault of the database (a constraint, a bug in our SQL)."""
    detail = driver_message(exc)
    lowered = f"{detail} {type(exc).__name__}".lower()
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        lowered += " connection is closed"
    where = describe_database(url)
    for words, cause, code in _CAUSES:
        if any(word in lowered for word in words):
            message = f"{cause}: {where} ({detail})"
            return StorageError(message) if code == 3 else InputError(message)
    if _MISSING_RE.search(detail):
        return InputError(f"the database server has no such role or database: {where} "
                          f"({detail})")
    if isinstance(exc, OperationalError | InterfaceError):
        return StorageError(f"database error: {where} ({detail})")
    return None


def refuse_newer_schema(connection: Connection, config: Config, url: str | None) -> None:
    """InputError (exit 2) when the database's schema revision is unknown to this version:
    a newer reprotrack migrated it, and this one must not write to it."""
    current = MigrationContext.configure(connection).get_current_revision()
    if current is None:
        return
    script = ScriptDirectory.from_config(config)
    known = {revision.revision for revision in script.walk_revisions()}
    if current not in known:
        raise InputError(
            f"the database has schema revision {current!r}, which this version of reprotrack "
            f"does not know (it knows up to {script.get_current_head()!r}): it was written by "
            f"a newer reprotrack; upgrade reprotrack: {describe_database(url)}"
        )
