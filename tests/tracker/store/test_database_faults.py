"""Database faults end in one line naming the cause and the database, exit 3 or 2, no secret,
no SQL, no traceback, and nothing half-written."""

from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from conftest import FIXTURES, SEED
from fakes.tcp_proxy import CuttableProxy
from sqlalchemy import event, text
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, func, select
from typer.testing import CliRunner

from tracker.cli.main import app
from tracker.errors import StorageError
from tracker.importing import import_file
from tracker.store.engine import create_store_engine, open_store
from tracker.store.faults import database_failure
from tracker.store.models import Paper

IDS = FIXTURES / "ingest" / "ids.txt"


def run(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(app, list(args), catch_exceptions=False)


def _one_line(result) -> str:  # type: ignore[no-untyped-def]
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.output and "[SQL:" not in result.output
    return lines[0]


def _papers(url: str) -> int:
    engine = create_store_engine(url)
    with Session(engine) as session:
        count = session.exec(select(func.count()).select_from(Paper)).one()
    engine.dispose()
    return count


@pytest.fixture
def seeded(tmp_path: Path) -> Path:
    """A SQLite file holding the seed's 56 papers."""
    path = tmp_path / "seeded.db"
    assert run("--db", f"sqlite:///{path}", "import", str(SEED)).exit_code == 0
    return path


def test_a_read_only_sqlite_database_is_one_line_exit_3_and_unchanged(seeded: Path) -> None:
    url = f"sqlite:///file:{seeded}?mode=ro&uri=true"
    result = run("--db", url, "import", "--skip-invalid", str(IDS))

    assert result.exit_code == 3
    assert _one_line(result) == (f"error: the database is read-only: {url} "
                                 "(attempt to write a readonly database)")
    assert _papers(f"sqlite:///{seeded}") == 56


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores file modes (see the mode=ro test)")
def test_a_read_only_sqlite_file_is_one_line_exit_3(seeded: Path) -> None:
    seeded.chmod(0o444)
    result = run("--db", f"sqlite:///{seeded}", "import", "--skip-invalid", str(IDS))
    assert result.exit_code == 3 and "read-only" in _one_line(result)


def test_a_corrupt_sqlite_file_is_one_line_exit_2(seeded: Path, tmp_path: Path) -> None:
    corrupt = tmp_path / "corrupt.db"
    shutil.copy(seeded, corrupt)
    with corrupt.open("r+b") as handle:
        handle.write(os.urandom(4096))  # the header and the first page
    result = run("--db", f"sqlite:///{corrupt}", "papers")

    assert result.exit_code == 2
    assert _one_line(result).startswith(
        f"error: the file is not a reprotrack database, or it is corrupt: sqlite:///{corrupt}")


def test_a_database_from_a_newer_reprotrack_is_refused_untouched(db_url: str) -> None:
    engine = open_store(db_url)
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '0099_future'"))
    engine.dispose()

    result = run("--db", db_url, "papers")

    assert result.exit_code == 2
    line = _one_line(result)
    assert "schema revision '0099_future'" in line and "upgrade reprotrack" in line
    engine = create_store_engine(db_url)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT version_num FROM alembic_version")).scalar() \
            == "0099_future"
    engine.dispose()


def test_a_wrong_postgres_port_is_exit_3_with_the_password_masked() -> None:
    url = "postgresql+psycopg://reprotrack:s3cret@127.0.0.1:1/test?connect_timeout=3"
    result = run("--db", url, "papers")

    assert result.exit_code == 3
    line = _one_line(result)
    assert line.startswith("error: the database server cannot be reached: "
                           "postgresql+psycopg://reprotrack:***@127.0.0.1:1/test")
    assert "s3cret" not in result.output


def test_postgres_gone_mid_import_is_exit_3_and_nothing_is_half_written(
    postgres_url: str, tmp_path: Path
) -> None:
    open_store(postgres_url).dispose()
    target = urlsplit(postgres_url)
    proxy = CuttableProxy((target.hostname or "127.0.0.1", target.port or 5432))
    via_proxy = postgres_url.replace(f"{target.hostname}:{target.port}",
                                     f"127.0.0.1:{proxy.port}", 1)
    ids = tmp_path / "many.txt"
    ids.write_text("".join(f"2401.{n:05d}\n" for n in range(10_000, 14_000)))
    timer = threading.Timer(1.0, proxy.cut)
    timer.start()

    result = run("--db", via_proxy, "import", str(ids))
    timer.join()

    assert result.exit_code == 3
    line = _one_line(result)
    assert line.startswith(("error: the connection to the database server was lost: ",
                            "error: the database server cannot be reached: "))
    assert f"127.0.0.1:{proxy.port}" in line
    assert _papers(postgres_url) == 0


def test_a_full_disk_is_exit_3_and_the_import_rolls_back(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'small.db'}"
    open_store(url).dispose()
    engine = create_store_engine(url)
    # SQLite's page cap is its portable stand-in for a full disk (SQLITE_FULL either way).
    event.listen(engine, "connect",
                 lambda conn, _record: conn.execute("PRAGMA max_page_count = 40"))

    with pytest.raises(OperationalError) as raised:
        import_file(engine, SEED)

    failure = database_failure(raised.value, url)
    assert isinstance(failure, StorageError) and failure.exit_code == 3
    assert str(failure) == (f"the disk holding the database is full: {url} "
                            "(database or disk is full)")
    engine.dispose()
    assert _papers(url) == 0


def test_messages_carry_no_sql_no_parameters_and_no_view_only_key() -> None:
    fault = OperationalError(
        "INSERT INTO link (url) VALUES (%(url)s)",
        {"url": "https://osf.io/e25mu/?view_only=399daff5a14d4b16b09473cf19043f18"},
        Exception("server closed the connection unexpectedly\n\tThis probably means ..."),
    )
    failure = database_failure(fault, "postgresql://me:pw@db.example/papers?view_only=abc")

    assert str(failure) == ("the connection to the database server was lost: "
                            "postgresql://me:***@db.example/papers?view_only=*** "
                            "(server closed the connection unexpectedly)")


def test_a_failed_audit_records_the_cause_without_sql_or_keys() -> None:
    from tracker.store.faults import failure_text

    fault = OperationalError(
        "INSERT INTO link (url) VALUES (%(url)s)",
        {"url": "https://osf.io/e25mu/?view_only=399daff5a14d4b16b09473cf19043f18"},
        Exception("database or disk is full"),
    )
    assert failure_text(fault) == "OperationalError: database or disk is full"
    assert failure_text(ValueError("bad https://osf.io/x/?view_only=abc&y=1")) == (
        "ValueError: bad https://osf.io/x/?view_only=***&y=1")
