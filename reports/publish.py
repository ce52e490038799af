"""Write audit reports to files: a dated file per audit and format, plus a `latest` copy."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from reports.base import RENDERERS
from reports.exporters import write_atomically
from reports.report import build_report
from tracker.changes import StarsThreshold
from tracker.config import Settings
from tracker.errors import InputError
from tracker.snapshots import as_utc
from tracker.store.models import Audit

NO_AUDIT_MESSAGE = "no audit yet: run `reprotrack audit` first"


def default_audit_id(session: Session) -> int:
    """The latest completed audit, else the latest audit of any status; InputError if none."""
    for query in (select(Audit.id).where(Audit.status == "completed"), select(Audit.id)):
        found = session.exec(query.order_by(col(Audit.id).desc()).limit(1)).first()
        if found is not None:
            return found
    raise InputError(NO_AUDIT_MESSAGE)


def report_file_name(audit: Audit, extension: str) -> str:
    """`reprotrack-report-YYYY-MM-DD-audit<ID>.<ext>`, dated by the audit's start (UTC)."""
    started = as_utc(audit.started_at)
    return f"reprotrack-report-{started:%Y-%m-%d}-audit{audit.id}.{extension}"


def write_report(
    engine: Engine,
    settings: Settings,
    audit_id: int | None,
    formats: Iterable[str],
    out_dir: Path | str | None = None,
    *,
    allow_degraded: bool = False,
) -> list[Path]:
    """Render the report of an audit (None: the default one) in each format, and write each
    as its dated file and as `latest.<ext>`, atomically. Returns the paths written, dated
    file first for each format. InputError (exit 2): no audit, unknown audit or format.

    A degraded audit's report is written to its dated file only: `latest.*` keeps the last
    healthy audit's unless `allow_degraded` (an outage must not replace what people read)."""
    names = list(dict.fromkeys(formats))
    unknown = [name for name in names if name not in RENDERERS]
    if unknown:
        raise InputError(f"unknown report format {unknown[0]!r}; valid: {', '.join(RENDERERS)}",
                         key="--format")
    directory = Path(out_dir if out_dir is not None else settings.reports.dir)
    stars = StarsThreshold(settings.reports.stars_change_threshold,
                           settings.reports.stars_change_minimum)
    with Session(engine) as session:
        chosen = audit_id if audit_id is not None else default_audit_id(session)
        report = build_report(session, chosen, stars=stars)
        audit = session.get(Audit, chosen)
        assert audit is not None
        replace_latest = audit.status != "degraded" or allow_degraded
        dated_names = {name: report_file_name(audit, RENDERERS[name].extension)
                       for name in names}
    written: list[Path] = []
    for name in names:
        renderer = RENDERERS[name]
        text = renderer.render(report)
        targets = [directory / dated_names[name]]
        if replace_latest:
            targets.append(directory / f"latest.{renderer.extension}")
        for path in targets:
            write_atomically(path, text)
            written.append(path)
    return written
