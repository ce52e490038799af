"""Scheduled audits: APScheduler runs audit + report on the configured cron or interval.

The job store is a table (`apscheduler_jobs`, APScheduler's own) in the project's database, so
a missed run survives a restart and is run once (coalesced) when the scheduler comes back. One
audit at a time: the job has one instance at most, and a tick that finds another process's
audit still running is skipped. SIGINT/SIGTERM stop the scheduler cleanly: an audit in progress
is stopped at its next safe point and marked interrupted; the next tick resumes it.
"""

from __future__ import annotations

import logging
import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy.engine import Engine
from sqlmodel import Session

from tracker.api import Tracker
from tracker.audit_plan import find_resumable, is_live, plan_audit
from tracker.auditing import summary_line
from tracker.config import ScheduleSettings, Settings
from tracker.errors import ConfigError, InputError
from tracker.notify import NotificationOutcome
from tracker.store.audits import latest_unfinished
from tracker.store.faults import failure_text
from tracker.store.models import Audit

log = logging.getLogger("reprotrack.schedule")

JOB_ID = "reprotrack-audit"
JOB_TABLE = "apscheduler_jobs"


@dataclass
class ScheduledRun:
    """What one tick did."""

    audit: Audit | None = None
    reports: list[Path] = field(default_factory=list)
    skipped: str | None = None  # why nothing ran
    failed: str | None = None  # why the audit or the report failed
    notifications: list[NotificationOutcome] = field(default_factory=list)


def build_trigger(schedule: ScheduleSettings, *, where: str = "config") -> BaseTrigger:
    """The trigger the settings describe (a cron expression wins over the interval)."""
    if schedule.cron.strip():
        try:
            return CronTrigger.from_crontab(schedule.cron, timezone=schedule.timezone)
        except (ValueError, LookupError) as exc:
            raise ConfigError(f"not a crontab expression: {exc}", file=where,
                              key="schedule.cron") from None
    if schedule.interval_hours <= 0:
        raise ConfigError("must be more than 0", file=where, key="schedule.interval_hours")
    return IntervalTrigger(seconds=schedule.interval_hours * 3600, timezone=schedule.timezone)


def run_once(engine: Engine, settings: Settings, *, stop: threading.Event | None = None) -> ScheduledRun:
    """One tick: resume an unfinished audit or start one, then write its report.

    Service failures are recorded by the audit (error observations); an audit that fails
    outright is recorded as failed and logged, and the next tick tries again. Interruptions
    (KeyboardInterrupt, AuditTerminated) propagate.
    """
    with Session(engine) as session:
        unfinished = latest_unfinished(session)
        if unfinished is not None and is_live(unfinished):
            reason = f"audit #{unfinished.id} is still running (pid {unfinished.pid})"
            log.info("scheduled run skipped: %s", reason)
            return ScheduledRun(skipped=reason)
        resume = None
        if unfinished is not None:
            try:
                resume = find_resumable(session, unfinished.id)
            except InputError:
                resume = None
        interval = timedelta(days=settings.audit.interval_days)
        if resume is None and settings.schedule.due_only and not plan_audit(
                session, due_only=True, interval=interval, limit=1):
            log.info("scheduled run skipped: no paper is due")  # an empty audit is no report
            return ScheduledRun(skipped="no paper is due")
    tracker = Tracker(settings, engine)
    started = time.monotonic()
    try:
        result = tracker.audit(
            due=settings.schedule.due_only and resume is None,
            resume=resume.id if resume is not None else None,
            trigger="schedule", stop=stop, notify=False,
        )
    except Exception as exc:  # recorded on the audit row as failed; try again next tick
        log.error("scheduled audit failed: %s", failure_text(exc))
        return ScheduledRun(failed=failure_text(exc))
    if result.audit is None:  # nothing tracked: an empty audit would be no report
        log.info("scheduled run skipped: %s", result.skipped)
        return ScheduledRun(skipped=result.skipped)
    audit = result.audit
    run = ScheduledRun(audit=audit)
    try:
        run.reports = tracker.report(settings.schedule.formats, audit_id=audit.id).paths
    except Exception as exc:
        run.failed = f"report: {failure_text(exc)}"
        log.error("scheduled report failed: %s", run.failed)
    # After the report, and never failing the run: failures are logged and recorded.
    run.notifications = tracker.notify(audit.id)
    log.info(
        "scheduled %s%s", summary_line(audit, time.monotonic() - started),
        f"; report: {run.reports[-1]}" if run.reports else "",
    )
    return run


# The job is stored in the database by reference, so it must be a module-level function; it
# finds the running scheduler's engine and settings here (never pickled: no secrets stored).
_ACTIVE: dict[str, object] = {}


def scheduled_tick() -> None:
    """The stored job: one tick with the running scheduler's engine and settings."""
    engine, settings, stop = _ACTIVE["engine"], _ACTIVE["settings"], _ACTIVE["stop"]
    try:
        run_once(engine, settings, stop=stop)  # type: ignore[arg-type]
    except BaseException as exc:  # an interrupted audit is recorded; the scheduler stops
        log.info("scheduled audit stopped: %s", exc or type(exc).__name__)


def serve(
    engine: Engine,
    settings: Settings,
    *,
    stop: threading.Event | None = None,
    handle_signals: bool = True,
) -> None:
    """Run audits on the configured schedule until SIGINT/SIGTERM (or `stop` is set)."""
    stop = stop if stop is not None else threading.Event()
    trigger = build_trigger(settings.schedule, where=settings.source)
    scheduler = BackgroundScheduler(
        jobstores={"default": SQLAlchemyJobStore(engine=engine, tablename=JOB_TABLE)},
        executors={"default": ThreadPoolExecutor(max_workers=1)},
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": None},
        timezone=settings.schedule.timezone,
    )
    _ACTIVE.update(engine=engine, settings=settings, stop=stop)
    with _signals_set(stop, enabled=handle_signals):
        scheduler.start(paused=True)
        try:
            _install_job(scheduler, trigger)
            scheduler.resume()
            job = scheduler.get_job(JOB_ID)
            log.info("schedule started: %s; next run %s", trigger,
                     getattr(job, "next_run_time", None))
            while not stop.wait(0.5):
                pass
            log.info("schedule stopping")
        finally:
            scheduler.shutdown(wait=True)  # the running audit sees `stop` and ends promptly
            _ACTIVE.clear()
    log.info("schedule stopped")


def _install_job(scheduler: BackgroundScheduler, trigger: BaseTrigger) -> None:
    """Keep a stored job with the same trigger (its missed run is then coalesced and run);
    replace it when the schedule changed."""
    existing = scheduler.get_job(JOB_ID)
    if existing is not None and str(existing.trigger) == str(trigger):
        return
    scheduler.add_job(scheduled_tick, trigger, id=JOB_ID, name="audit and report",
                      replace_existing=True)


@contextmanager
def _signals_set(stop: threading.Event, *, enabled: bool) -> Iterator[None]:
    """SIGINT and SIGTERM set `stop` (the scheduler's main loop then shuts down cleanly)."""
    if not enabled or threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(_signum: int, _frame: object) -> None:
        stop.set()

    previous = {sig: signal.signal(sig, handler) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)
