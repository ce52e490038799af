"""PostgreSQL going away in the middle of an audit: one line, exit 3, the work so far kept."""

from __future__ import annotations

import threading
import time
from urllib.parse import urlsplit

from fakes.huggingface import fake_hub  # noqa: F401
from fakes.osf import fake_osf  # noqa: F401
from fakes.tcp_proxy import CuttableProxy
from sqlmodel import Session, func, select
from test_cli_audit import hub_papers, run, services  # noqa: F401

from tracker.store.engine import open_store
from tracker.store.models import Audit, ObservationRecord


def test_postgres_gone_mid_audit_is_one_line_exit_3_and_keeps_what_was_stored(
    services, postgres_url: str  # type: ignore[no-untyped-def]  # noqa: F811
) -> None:
    hub, _ = services
    hub_papers(postgres_url, hub, 80)
    server = urlsplit(postgres_url)
    proxy = CuttableProxy((server.hostname or "127.0.0.1", server.port or 5432))
    via_proxy = postgres_url.replace(f"{server.hostname}:{server.port}",
                                     f"127.0.0.1:{proxy.port}", 1)
    direct = open_store(postgres_url)

    def cut_after_the_first_chunk() -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with Session(direct) as session:
                audit = session.exec(select(Audit)).first()
                if audit is not None and audit.papers_done >= 2:
                    break
            time.sleep(0.05)
        proxy.cut()

    cutter = threading.Thread(target=cut_after_the_first_chunk)
    cutter.start()
    result = run("--db", via_proxy, "audit")
    cutter.join()

    assert result.exit_code == 3, result.output
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith(("error: the connection to the database server was lost: ",
                            "error: the database server cannot be reached: "))
    assert "Traceback" not in result.output and "[SQL:" not in result.output
    with Session(direct) as session:
        audit = session.exec(select(Audit)).one()
        stored = session.exec(select(func.count()).select_from(ObservationRecord)).one()
    assert audit.status == "running" and audit.papers_done < 80  # resumable once it is dead
    assert stored >= 2 * audit.papers_done  # every chunk recorded as done is really stored
