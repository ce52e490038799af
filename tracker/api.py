"""The Python API: one `Tracker` object for everything the command line does.

    from tracker import Tracker

    with Tracker.from_settings(db="sqlite:///papers.db") as tracker:
        tracker.import_papers("accepted.bib")
        audit = tracker.audit()
        tracker.report("html", "site/")

Every method returns a result value (dataclasses, see `tracker.api_results`) and prints
nothing; bad input raises `InputError` (the CLI's exit 2), an unreachable database
`StoreUnreachable` (exit 3). The CLI commands and the scheduler are thin layers over it.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
from collections.abc import Callable, Iterable, Sequence
from contextlib import nullcontext
from datetime import timedelta
from pathlib import Path
from types import TracebackType
from typing import IO, Any

from sqlalchemy.engine import Engine
from sqlmodel import Session

from reports.badges import badge_svg, endpoint_json, grade_badge
from reports.exporters import EXPORTERS, WRITERS, write_atomically
from reports.output import write_output
from reports.publish import write_report
from reports.rows import export_rows, iter_export_rows
from tracker.api_results import AuditResult, CheckResult, ExportResult, ImportResult, ReportResult
from tracker.audit_plan import find_resumable, plan_audit
from tracker.auditing import ProgressCallback, nothing_reachable, run_audit
from tracker.checking import check_paper
from tracker.config import Settings, apply_mapping, load_settings
from tracker.discovery import DiscoverySummary, build_discovery_clients, discover, discovery_for
from tracker.discovery.user import add_user_link, count_candidates, remove_user_link
from tracker.errors import InputError
from tracker.importing import import_file
from tracker.notify import NotificationOutcome, notify_audit
from tracker.rescoring import RescoreSummary, rescore
from tracker.scratch import scratch_store
from tracker.sources import build_sources
from tracker.store.audits import list_audits
from tracker.store.engine import open_store
from tracker.store.models import Audit, Link, Paper
from tracker.store.papers import links_of, list_papers
from tracker.store.scorecards import latest_scorecards
from tracker.targets import find_target

log = logging.getLogger("reprotrack")


class Tracker:
    """A reprotrack store and its settings: import, check, audit, report and export.

    Build one with `Tracker.from_settings()` (the same resolution as the CLI: defaults <
    config file < environment < arguments), use it as a context manager or call `close()`.
    The database is opened (and migrated) on first use.
    """

    def __init__(self, settings: Settings, engine: Engine | None = None) -> None:
        self.settings = settings
        self._engine = engine
        self._owns_engine = engine is None

    @classmethod
    def from_settings(
        cls,
        config_path: str | Path | None = None,
        db: str | None = None,
        *,
        env: dict[str, str] | None = None,
        **overrides: dict[str, Any],
    ) -> Tracker:
        """A Tracker with settings resolved as the CLI resolves them.

        `config_path` is the config file (default: $REPROTRACK_CONFIG, else ./reprotrack.toml
        when present); `db` a SQLAlchemy URL (default: the config's, else
        sqlite:///reprotrack.db); `env` replaces os.environ for the standard variables;
        each keyword override is a config table, e.g. `discovery={"enabled": False}`,
        checked like the file (an unknown key is an `InputError`).
        """
        settings = load_settings(config_path, env=env, database_url=db)
        if overrides:
            apply_mapping(settings, {name.rstrip("_"): table for name, table in overrides.items()},
                          where="Tracker.from_settings")
        return cls(settings)

    # -- the store ---------------------------------------------------------------
    @property
    def engine(self) -> Engine:
        """The store's engine, opened and migrated to the newest schema on first use."""
        if self._engine is None:
            self._engine = open_store(self.settings.database.url)
        return self._engine

    def close(self) -> None:
        """Release the database connections (a Tracker given an engine leaves it open)."""
        if self._engine is not None and self._owns_engine:
            self._engine.dispose()
            self._engine = None

    def __enter__(self) -> Tracker:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    # -- papers ------------------------------------------------------------------
    def papers(self) -> list[tuple[Paper, list[Link]]]:
        """Every tracked paper with its active links, in id order."""
        with Session(self.engine) as session:
            papers = list_papers(session)
            grouped = links_of(session, [p.id for p in papers if p.id is not None])
        return [(paper, grouped[paper.id]) for paper in papers if paper.id is not None]

    def import_papers(
        self,
        path: str | Path,
        fmt: str = "auto",
        *,
        skip_invalid: bool = False,
        resolve: bool = False,
        progress: Callable[[int, int], None] | None = None,
    ) -> ImportResult:
        """Import a file of papers (one transaction); with `resolve`, then discover their
        undeclared links. Raises `InvalidRecords` (an InputError listing the bad records)
        unless `skip_invalid`."""
        max_bytes = int(self.settings.import_.max_file_mb * 1024 * 1024)
        summary = import_file(self.engine, Path(path), fmt, skip_invalid=skip_invalid,
                              max_bytes=max_bytes, progress=progress)
        result = ImportResult(summary)
        if resolve:
            result.discovery, result.candidates_left = self.resolve(summary.paper_ids)
        return result

    def resolve(self, paper_ids: Iterable[int]) -> tuple[DiscoverySummary, tuple[int, int]]:
        """Discover these papers' links in the paper indexes (whatever `[discovery] enabled`
        says); returns what was found and the candidates now awaiting confirmation (links,
        arXiv matches)."""
        sources = build_sources(self.settings)
        clients = build_discovery_clients(self.settings, sources)
        wanted = dataclasses.replace(self.settings.discovery, enabled=True)
        found = discover(self.engine, clients, list(dict.fromkeys(paper_ids)), wanted)
        with Session(self.engine) as session:
            left = count_candidates(session)
        return found, left

    def add_link(self, paper: str, url: str) -> Link:
        """Add `url` to a paper (`#id`, arXiv id or URL, title) by hand: final, never
        overridden by discovery; also restores a removed link or promotes a candidate."""
        return add_user_link(self.engine, paper, url)

    def remove_link(self, paper: str, url: str) -> Link:
        """Remove a paper's link from its scorecard for good (InputError if it has none)."""
        return remove_user_link(self.engine, paper, url)

    # -- checking ----------------------------------------------------------------
    def check(self, target: str, track: bool = False) -> CheckResult:
        """Check one paper now: an arXiv id or URL, a GitHub / Hub / OSF / web URL, `#id`
        or a title. A paper not tracked is checked in a throwaway store and forgotten
        unless `track` (its `paper.id` is then None and `tracked` False)."""
        settings = self.settings
        sources = build_sources(settings)
        with Session(self.engine) as session:
            tracked = track or find_target(session, target) is not None
        with nullcontext(self.engine) if tracked else scratch_store() as engine:
            checked = check_paper(engine, sources, target, settings.scoring.weights,
                                  discovery=discovery_for(settings, sources),
                                  last_known_days=settings.scoring.last_known_days)
        if not tracked:
            checked.paper.id = None  # its id in the throwaway store means nothing
        return CheckResult(**{f.name: getattr(checked, f.name)
                              for f in dataclasses.fields(checked)}, tracked=tracked)

    def audit(
        self,
        due: bool = False,
        limit: int | None = None,
        papers: list[int] | None = None,
        resume: int | bool | None = None,
        progress: ProgressCallback | None = None,
        *,
        trigger: str = "api",
        stop: threading.Event | None = None,
        notify: bool | None = None,
    ) -> AuditResult:
        """Audit the tracked papers (`due`: only those not scored within `[audit]
        interval_days`; `limit`, `papers`: fewer), or with `resume` (True: the newest
        unfinished audit; an id: that one) finish an interrupted or failed audit.

        With nothing to audit, records nothing and returns `skipped` with the reason.
        `progress` is called with an `AuditProgress` as the audit advances. Notifications
        (`[notify]`) are sent after the audit when `notify` is True, or when it is None and
        the trigger is the scheduler (or `[notify] on_every_audit`); a failed notification
        never fails the audit. Ctrl-C / SIGTERM / `stop` raise after marking it interrupted.
        """
        settings = self.settings
        resuming = resume is not None and resume is not False
        if resuming and (due or limit is not None or papers):
            raise InputError("resume continues the audit's own plan: drop due, limit and "
                             "papers", key="resume")
        if settings.audit.interval_days <= 0:
            raise InputError("must be more than 0", file=settings.source,
                             key="audit.interval_days")
        interval = timedelta(days=settings.audit.interval_days)
        resumed: Audit | None = None
        with Session(self.engine) as session:
            if resuming:
                resumed = find_resumable(session, None if resume is True else int(resume))
            elif not plan_audit(session, paper_ids=papers or None, due_only=due,
                                interval=interval, limit=1):
                # An audit of nothing would only become the default report: record none.
                return AuditResult(skipped=(
                    f"no paper is due (each was scored within {settings.audit.interval_days:g} "
                    "days)" if due else "no paper is tracked (see `reprotrack import`)"))
        sources = build_sources(settings)
        audit = run_audit(
            self.engine, sources, settings.scoring.weights,
            paper_ids=papers or None, due_only=due and resumed is None,
            interval=interval, limit=limit, trigger=trigger, resume=resumed,
            progress=progress, chunk_size=settings.audit.chunk_size,
            concurrency_per_service=settings.http.concurrency_per_service, stop=stop,
            discovery=discovery_for(settings, sources),
            last_known_days=settings.scoring.last_known_days,
            keep_all_days=settings.audit.keep_all_days,
        )
        result = AuditResult(audit=audit,
                             nothing_reachable=nothing_reachable(self.engine, audit))
        wanted = notify if notify is not None else (
            trigger == "schedule" or settings.notify.on_every_audit)
        if wanted:
            result.notifications = self.notify(audit.id)
        return result

    def audits(self, limit: int | None = None) -> list[Audit]:
        """The audits, newest first (at most `limit`)."""
        with Session(self.engine) as session:
            return list_audits(session, limit)

    def rescore(self, audit_id: int | None = None) -> RescoreSummary:
        """Re-judge every stored scorecard (or one audit's) from its stored observations
        with the current rules and weights; no request is made."""
        return rescore(self.engine, self.settings.scoring.weights, audit_id=audit_id,
                       last_known_days=self.settings.scoring.last_known_days)

    def notify(self, audit_id: int | None = None) -> list[NotificationOutcome]:
        """Send an audit's "needs attention" changes to the configured webhook and e-mail
        (default audit: the latest completed one). Never raises for a channel that fails:
        each outcome is logged, recorded in the store and returned."""
        return notify_audit(self.engine, self.settings, audit_id)

    # -- output ------------------------------------------------------------------
    def report(
        self,
        fmt: str | Sequence[str] = ("md", "html"),
        out: str | Path | None = None,
        audit_id: int | None = None,
        allow_degraded: bool = False,
    ) -> ReportResult:
        """Write an audit's report (default: the latest completed audit) as `fmt` ("md",
        "html" or a list) into `out` (default: `[reports] dir`): a dated file per format
        and, unless the audit is degraded and not `allow_degraded`, `latest.<ext>`."""
        formats = [fmt] if isinstance(fmt, str) else list(fmt)
        paths = write_report(self.engine, self.settings, audit_id, formats, out,
                             allow_degraded=allow_degraded)
        return ReportResult(paths=paths)

    def badge(self, target: str, out: str | Path | None = None) -> list[Path]:
        """Write a tracked paper's latest grade as `paper-<id>.json` (a shields.io endpoint
        document) and `paper-<id>.svg` in `out` (default: badges/ in `[reports] dir`);
        returns the two paths. A withheld or missing grade gives a grey badge."""
        with Session(self.engine) as session:
            paper = find_target(session, target)
            if paper is None or paper.id is None:
                raise InputError(f"{target!r} is not a tracked paper: run `reprotrack check "
                                 f"{target} --track` first")
            card = latest_scorecards(session, [paper.id]).get(paper.id)
        badge = grade_badge(card.grade if card else None, card.score if card else None,
                            scored=card is not None)
        folder = Path(out) if out is not None else Path(self.settings.reports.dir) / "badges"
        written = [folder / f"paper-{paper.id}.json", folder / f"paper-{paper.id}.svg"]
        write_atomically(written[0], endpoint_json(badge))
        write_atomically(written[1], badge_svg(badge))
        return written

    def export_text(self, fmt: str = "csv") -> str | bytes:
        """Every paper's latest scorecard as CSV or JSON Lines text (Parquet: bytes)."""
        if fmt not in EXPORTERS:
            raise InputError(f"unknown export format {fmt!r}; valid: {', '.join(EXPORTERS)}",
                             key="--format")
        with Session(self.engine) as session:
            rows = export_rows(session)
        return EXPORTERS[fmt](rows)

    def export_to(self, fmt: str, handle: IO[Any]) -> None:
        """Write every paper's latest scorecard as `fmt` into an open handle (text for CSV and
        JSON Lines, read and written a page of papers at a time; bytes for Parquet)."""
        if fmt not in EXPORTERS:
            raise InputError(f"unknown export format {fmt!r}; valid: {', '.join(EXPORTERS)}",
                             key="--format")
        if fmt not in WRITERS:  # written whole (Parquet)
            handle.write(self.export_text(fmt))
            return
        with Session(self.engine) as session:
            WRITERS[fmt](iter_export_rows(session), handle)

    def export(self, fmt: str = "csv", out: str | Path | None = None) -> ExportResult:
        """Export every paper's latest scorecard as `fmt` to the file `out`, replaced
        atomically (None: only return the text)."""
        text = self.export_text(fmt)
        path = Path(out) if out is not None else None
        if path is not None:
            write_output(path, text)
        return ExportResult(format=fmt, text=text, path=path)
