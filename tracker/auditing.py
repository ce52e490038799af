"""The audit runner: check many papers chunk by chunk, resumably, with progress and its cost.

An audit plans its papers (`tracker.audit_plan`), records an `Audit` row, then for each chunk
of the plan observes the links not yet observed in this audit and scores the papers not yet
scored in it. Observations and scorecards are stored as they come, tagged with the audit id,
so an interrupted or crashed audit resumes without checking anything twice. The papers
themselves are never modified.

Figures kept on the Audit row after each chunk: `papers_done` (planned papers scored in this
audit, plus planned papers deleted since), `links_checked` (observations made in this audit),
`errors` (those with status error or rate_limited), `requests` and `not_modified` (HTTP
requests and 304 answers per service), `rate_limit_waits` (seconds spent waiting for a rate
limit reset, per service). On resume the request figures continue from what was recorded.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import threading
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from types import FrameType
from typing import TYPE_CHECKING

from sqlalchemy import update
from sqlalchemy.engine import Connection, Engine
from sqlmodel import Session, col

from tracker.audit_guard import refuse_concurrent_audit
from tracker.audit_plan import DEFAULT_INTERVAL, plan_audit
from tracker.checking import score_papers
from tracker.errors import InputError
from tracker.facts import DEFAULT_LAST_KNOWN_DAYS
from tracker.observing import DEFAULT_CONCURRENCY_PER_SERVICE, observe_links
from tracker.service_health import degraded_reason, service_health
from tracker.sources import SourceSet
from tracker.sources.base import Observation
from tracker.sources.policy import RequestCancelled
from tracker.store import audits as store
from tracker.store.engine import transaction
from tracker.store.faults import failure_text
from tracker.store.models import Audit, Link, Paper
from tracker.store.observations import as_observation
from tracker.store.papers import links_of, papers_by_id
from tracker.store.retention import thin_history
from tracker.store.writer import StoreWriter

if TYPE_CHECKING:
    from tracker.discovery import Discovery

log = logging.getLogger(__name__)

DEFAULT_CHUNK_SIZE = 100  # [audit] chunk_size
HEARTBEAT_SECONDS = 60.0  # well inside tracker.audit_plan.STALE_HEARTBEAT
# Score a chunk while the next is observed (issue 14). The progress model follows each stage
# under way (AuditProgress.stages), so the bar advances in both and never moves backwards.
OVERLAP_SCORING = True
MAIN, SCORER = "main", "scorer"  # the lanes: discovering and observing, and scoring


class AuditTerminated(BaseException):
    """Raised in the main thread when SIGTERM arrives during an audit.

    A BaseException, like KeyboardInterrupt, so that no `except Exception` on the way can
    swallow it. `exit_code` is the shell's convention for death by that signal (143).
    """

    def __init__(self, signum: int) -> None:
        self.signum = signum
        self.exit_code = 128 + signum
        super().__init__(f"terminated by {signal.Signals(signum).name}")


@dataclass(frozen=True)
class StageProgress:
    """One stage under way: its name, how far it is, and the chunk's share of its work done."""

    name: str  # discovering | observing | scoring
    done: int
    total: int
    chunk_papers: int  # papers in the chunk this stage works on
    chunk_fraction: float  # share of that chunk's work done, over all its stages


@dataclass
class AuditProgress:
    """Where an audit stands; `chunk_done` is true once per finished chunk.

    Two stages can be under way at once (a chunk is scored while the next is observed):
    `stages` lists each, and `stage`, `stage_done`, `stage_total` and `chunk_papers` describe
    the one this report is about (the one that just moved).
    """

    audit_id: int
    papers_total: int
    papers_done: int
    links_checked: int
    errors: int
    requests: dict[str, int] = field(default_factory=dict)
    chunk_done: bool = False
    # The stage of the current chunk: discovering (its papers' links), observing (its links)
    # or scoring (its papers), with how far it is: a bar can move with every paper and link.
    stage: str = "checking"
    stage_done: int = 0
    stage_total: int = 0
    chunk_papers: int = 0  # papers in the current chunk
    chunk_fraction: float = 0.0  # share of the current chunk's work done, over its stages
    stages: tuple[StageProgress, ...] = ()
    floor: float = 0.0  # what an earlier report showed: a bar never moves backwards

    @property
    def completed(self) -> float:
        """Papers done, plus the share of every chunk under way: what a progress bar shows."""
        if self.stages:
            in_flight = sum(s.chunk_fraction * s.chunk_papers for s in self.stages)
        elif self.chunk_done:
            in_flight = 0.0
        else:
            in_flight = self.chunk_fraction * self.chunk_papers
        return max(self.floor, min(float(self.papers_total), self.papers_done + in_flight))


ProgressCallback = Callable[[AuditProgress], None]


@dataclass
class _Chunk:
    """A chunk whose links are observed: the papers still to score, with their links."""

    papers: list[tuple[Paper, list[Link]]]
    gaps: dict[int, str] = field(default_factory=dict)  # paper id -> why discovery stopped
    # (links checked, errors, requests) once the chunk was observed: what its progress line
    # shows, though the next chunk is observed by the time the line is written
    observed: tuple[int, int, dict[str, int]] | None = None


def run_audit(
    engine: Engine,
    sources: SourceSet,
    weights: Mapping[str, float],
    *,
    paper_ids: Sequence[int] | None = None,
    due_only: bool = False,
    interval: timedelta = DEFAULT_INTERVAL,
    limit: int | None = None,
    trigger: str = "cli",
    resume: Audit | None = None,
    progress: ProgressCallback | None = None,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    concurrency_per_service: int = DEFAULT_CONCURRENCY_PER_SERVICE,
    stop: threading.Event | None = None,
    discovery: Discovery | None = None,
    last_known_days: float = DEFAULT_LAST_KNOWN_DAYS,
    keep_all_days: float = 0.0,
) -> Audit:
    """Run (or, with `resume`, continue) an audit and return its final row.

    With `keep_all_days` (`[audit] keep_all_days`), a finished audit then thins the history
    older than that (`tracker.store.retention`); 0 keeps everything.

    It ends `completed`, or `degraded` when a service failed for a share of its links
    (`tracker.service_health`); its per-service health is recorded either way.

    Ctrl-C and SIGTERM (and `stop`, set by another thread such as the scheduler's) mark the
    audit `interrupted` and raise (KeyboardInterrupt, AuditTerminated); any other exception
    marks it `failed` and re-raises. A crash leaves it `running` with a stale heartbeat:
    `tracker.audit_plan.find_resumable` finds it.

    Signals only request the stop: the runner stops at the next safe point (after the
    observation being made, which is stored, and never inside a database transaction). A
    second Ctrl-C stops at once.

    With `discovery`, each chunk's papers are first identified and their undeclared links
    discovered (cached lookups make this free on later audits and on resume).
    """
    if chunk_size < 1:
        raise InputError("must be at least 1", key="audit.chunk_size")
    host, pid = socket.gethostname(), os.getpid()
    with transaction(engine) as session:
        if resume is None:
            refuse_concurrent_audit(session)
            plan = plan_audit(session, paper_ids=paper_ids, due_only=due_only,
                              interval=interval, limit=limit)
            audit = store.start_audit(session, plan, trigger=trigger, host=host, pid=pid)
        else:
            if not store.claim_audit(session, resume, host=host, pid=pid):
                raise InputError(f"audit #{resume.id} was resumed by another process",
                                 key="--resume")
            audit = resume
    assert audit.id is not None
    stop = stop if stop is not None else threading.Event()
    sources.interrupt.follow(stop)  # waits and requests in flight end when the audit stops
    run = _AuditRun(engine, sources, weights, audit, progress, chunk_size,
                    concurrency_per_service, stop, discovery)
    run.last_known_days = last_known_days
    with _signals_request_stop(run), heartbeat(engine, audit.id):
        try:
            try:
                run.work()
            except RequestCancelled:
                run.check_stop()  # the stop that cut a request: raised as that stop
                raise
            run.finish("completed")  # or "degraded", when a service was unhealthy
        except KeyboardInterrupt:
            run.finish("interrupted", "interrupted by Ctrl-C (SIGINT)")
            raise
        except AuditTerminated as exc:
            run.finish("interrupted", f"interrupted: {exc}")
            raise
        except BaseException as exc:
            run.finish("failed", failure_text(exc))
            raise
    if keep_all_days > 0:
        thinned = thin_history(engine, keep_all_days=keep_all_days)
        if thinned.audits:
            log.info("history thinned: %s", thinned)
    return run.reload()


@dataclass(frozen=True)
class ChunkCost:
    """What one chunk run cost: requests, 304 answers and rate-limit waits per service."""

    requests: dict[str, int]
    not_modified: dict[str, int]
    rate_limit_waits: dict[str, float]


def run_audit_chunk(
    engine: Engine,
    sources: SourceSet,
    weights: Mapping[str, float],
    audit: Audit,
    paper_ids: Sequence[int],
    *,
    concurrency_per_service: int = DEFAULT_CONCURRENCY_PER_SERVICE,
    discovery: Discovery | None = None,
    last_known_days: float = DEFAULT_LAST_KNOWN_DAYS,
    stop: threading.Event | None = None,
) -> ChunkCost:
    """Observe and score one chunk of an existing audit, as `run_audit` does each chunk.

    The hook of distributed audits (`tracker.distributed`): links this audit already observed
    and papers it already scored are not done again, so a chunk run twice (a retried job)
    adds nothing. Progress figures, the audit's status and its end are left to the caller;
    what the chunk cost is returned.
    """
    run = _AuditRun(engine, sources, weights, audit, None, max(1, len(paper_ids)),
                    concurrency_per_service, stop or threading.Event(), discovery)
    run.last_known_days = last_known_days
    run.recorded = (Counter(), Counter(), Counter())  # only this chunk's share
    run.work_chunk(list(paper_ids))
    return ChunkCost(*run._request_figures())


class _LedgerCheckpoint:
    """The audit's request figures, written by the store writer with each batch and alone
    when they moved (so a kill -9 loses at most the requests of the last idle interval)."""

    def __init__(self, run: _AuditRun) -> None:
        self.run = run
        self.written: tuple[dict[str, int], dict[str, int], dict[str, float]] | None = None

    def due(self) -> bool:
        """True when requests were counted since the figures were last written."""
        return self.run._request_figures() != self.written

    def write(self, connection: Connection) -> None:
        """Store the figures on the audit row, in the writer's transaction."""
        figures = self.run._request_figures()
        requests, not_modified, waits = figures
        connection.execute(update(Audit).where(col(Audit.id) == self.run.audit_id).values(
            requests=requests, not_modified=not_modified, rate_limit_waits=waits))
        self.written = figures


class _AuditRun:
    """The state of one process working through an audit's plan."""

    def __init__(
        self,
        engine: Engine,
        sources: SourceSet,
        weights: Mapping[str, float],
        audit: Audit,
        progress: ProgressCallback | None,
        chunk_size: int,
        concurrency_per_service: int,
        stop: threading.Event,
        discovery: Discovery | None = None,
    ) -> None:
        assert audit.id is not None
        self.stop = stop
        self.discovery = discovery
        self.stop_signal: int | None = None  # which signal asked to stop, if one did
        self.engine = engine
        self.sources = sources
        self.weights = weights
        self.audit_id = audit.id
        self.plan = list(audit.paper_ids)
        self.progress = progress
        self.chunk_size = chunk_size
        self.concurrency = concurrency_per_service
        # Request figures: what earlier runs of this audit recorded, plus this run's share of
        # the ledger (which may have counted requests before the audit started).
        self.recorded = (Counter(audit.requests), Counter(audit.not_modified),
                         Counter(audit.rate_limit_waits))
        self.ledger_start = self._ledger_figures()
        self.vanished = 0  # planned papers deleted before their turn
        self.papers_done = audit.papers_done
        self.links_checked = audit.links_checked
        self.errors = audit.errors
        self._live_links = 0
        self._lock = threading.Lock()
        self.last_known_days = DEFAULT_LAST_KNOWN_DAYS
        self._stages = (["discovering"] if discovery is not None else []) + ["observing",
                                                                              "scoring"]
        # Per lane (MAIN: the chunk discovered and observed; SCORER: the chunk scored):
        # [stage name, done, total, chunk papers].
        self._lanes: dict[str, list] = {MAIN: ["checking", 0, 0, 0]}
        self._shown = 0.0  # the highest `completed` reported
        self._report_lock = threading.Lock()

        self.writer: StoreWriter | None = None  # while work() runs

    # -- the work ------------------------------------------------------------------------
    def work(self) -> None:
        """Every chunk of the plan, in order; a chunk is scored while the next is observed
        when OVERLAP_SCORING is on.

        One `StoreWriter` commits every observation and scorecard of the run. After a chunk's
        links are observed, its observations are flushed (committed) and its papers are
        scored in a thread of their own while the main thread observes the next chunk; the
        chunk's progress is recorded once its scorecards are committed. An interruption
        waits for the chunk being scored, and what was handed to the writer is committed.
        """
        self._report(chunk_done=False)
        scoring: tuple[Future[None], _Chunk] | None = None
        with StoreWriter(self.engine, checkpoint=_LedgerCheckpoint(self)) as writer, \
                ThreadPoolExecutor(max_workers=1, thread_name_prefix="score") as scorer:
            self.writer = writer
            try:
                for start in range(0, len(self.plan), self.chunk_size):
                    self.check_stop()
                    chunk = self._observe_chunk(self.plan[start:start + self.chunk_size])
                    writer.flush()
                    self.check_stop()  # a stop that cut a request: the chunk is not scored
                    chunk.observed = self._observed_figures()
                    if scoring is not None:
                        self._chunk_scored(*scoring)
                        scoring = None
                    self._hand_over(len(chunk.papers))
                    scoring = (scorer.submit(self._score_chunk, chunk), chunk)
                    if not OVERLAP_SCORING:
                        self._chunk_scored(*scoring)
                        scoring = None
                if scoring is not None:
                    self._chunk_scored(*scoring)
                    scoring = None
            finally:
                if scoring is not None:  # interrupted: let the chunk being scored finish
                    wait([scoring[0]])
                self.writer = None

    def work_chunk(self, paper_ids: list[int]) -> None:
        """One chunk: observe its links, then score its papers, all committed on return."""
        with StoreWriter(self.engine) as writer:
            self.writer = writer
            try:
                chunk = self._observe_chunk(paper_ids)
                writer.flush()
                self.check_stop()
                self._score_chunk(chunk)
                writer.flush()
            finally:
                self.writer = None

    def _observe_chunk(self, paper_ids: list[int]) -> _Chunk:
        """Discover (when on) and observe the chunk's links not yet observed in this audit."""
        assert self.writer is not None
        with self._lock:
            self._lanes[MAIN] = ["checking", 0, 0, len(paper_ids)]
        gaps: dict[int, str] = {}
        if self.discovery is not None:
            # What discovery fetches (pages, READMEs) is stored in this audit, so the
            # observed-in-this-audit filter below does not fetch it again.
            self._enter("discovering", len(paper_ids))
            gaps = self.discovery.run(
                self.engine, paper_ids, audit_id=self.audit_id,
                progress=lambda done, total: self._advance(done=done, total=total),
            ).gaps
            self.check_stop()
            self._report(chunk_done=False)
        with Session(self.engine) as session:
            papers = papers_by_id(session, paper_ids)
            links = links_of(session, list(papers))
            every_link = [link for paper_links in links.values() for link in paper_links]
            link_ids = [link.id for link in every_link if link.id is not None]
            done = store.observed_link_ids(session, self.audit_id, link_ids)
            pending = [link for link in every_link if link.id not in done]
            earlier = store.observations_by_url(session, self.audit_id, [l.url for l in pending])
            scored = store.scored_paper_ids(session, self.audit_id, list(papers))
        self.vanished += len(set(paper_ids) - set(papers))
        self._enter("observing", len(pending))
        self._copy_earlier(pending, {u: as_observation(r) for u, r in earlier.items()})
        observe_links(
            self.engine, self.sources, [l for l in pending if l.url not in earlier],
            on_observation=self._on_link, audit_id=self.audit_id,
            concurrency_per_service=self.concurrency, should_stop=self.stop.is_set,
            writer=self.writer,
        )
        to_score = [(papers[paper_id], links[paper_id]) for paper_id in dict.fromkeys(paper_ids)
                    if paper_id in papers and paper_id not in scored]
        return _Chunk(to_score, gaps)

    def _score_chunk(self, chunk: _Chunk) -> None:
        """Score the chunk's papers (in the scoring thread) and hand the scorecards over."""
        assert self.writer is not None
        self._enter("scoring", len(chunk.papers), lane=SCORER)
        if chunk.papers:
            score_papers(self.engine, chunk.papers, self.weights, self.writer,
                         audit_id=self.audit_id, last_known_days=self.last_known_days,
                         on_scored=lambda _paper_id: self._advance(lane=SCORER),
                         discovery_gaps=chunk.gaps)

    def _hand_over(self, papers: int) -> None:
        """The observed chunk moves from the main lane to the scorer's, at no loss of progress."""
        with self._lock:
            chunk_papers = self._lanes[MAIN][3]
            self._lanes[SCORER] = ["scoring", 0, papers, chunk_papers]
            self._lanes[MAIN] = ["checking", 0, 0, 0]

    def _chunk_scored(self, scoring: Future[None], chunk: _Chunk) -> None:
        """Once a chunk's scoring is done and committed: record and report the progress."""
        assert self.writer is not None
        scoring.result()
        self.writer.flush()
        self._save_progress(scored=True)
        self._report(chunk_done=True, observed=chunk.observed)

    def _observed_figures(self) -> tuple[int, int, dict[str, int]]:
        """Links checked, errors and requests so far (all observations committed)."""
        with Session(self.engine) as session:
            counts = store.observation_status_counts(session, self.audit_id)
        errors = sum(counts.get(status, 0) for status in store.ERROR_STATUSES)
        return sum(counts.values()), errors, self._request_figures()[0]

    def check_stop(self) -> None:
        """Raise the interruption that was requested, at a point where none is half-done."""
        if not self.stop.is_set():
            return
        if self.stop_signal == signal.SIGINT:
            raise KeyboardInterrupt
        raise AuditTerminated(self.stop_signal or signal.SIGTERM)

    def _copy_earlier(
        self, pending: list[Link], earlier: dict[str, Observation]
    ) -> dict[int, Observation]:
        """Links whose URL this audit already observed (another paper cites it) reuse that look."""
        assert self.writer is not None
        copied: dict[int, Observation] = {}
        for link in pending:
            if link.url in earlier and link.id is not None:
                self.writer.observation([link.id], earlier[link.url], audit_id=self.audit_id)
                copied[link.id] = earlier[link.url]
                self._on_link(link, earlier[link.url])
        return copied

    def _on_link(self, _link: Link, _observation: Observation) -> None:
        """Called (from worker threads too) for every observation stored: live progress."""
        with self._lock:
            self._live_links += 1
        self._advance()

    def _enter(self, stage: str, total: int, *, lane: str = MAIN) -> None:
        """Start a stage of a lane's chunk, with the number of papers or links it works on."""
        with self._lock:
            state = self._lanes.setdefault(lane, [stage, 0, total, 0])
            state[:3] = [stage, 0, total]
        self._report(chunk_done=False, lane=lane)

    def _advance(self, *, done: int | None = None, total: int | None = None,
                 lane: str = MAIN) -> None:
        """One more paper or link of a lane's stage (or `done` of `total`), reported."""
        with self._lock:
            state = self._lanes[lane]
            state[1] = state[1] + 1 if done is None else done
            if total is not None:
                state[2] = total
        self._report(chunk_done=False, lane=lane)

    def _stage_progress(self, name: str, done: int, total: int, papers: int) -> StageProgress:
        if name in self._stages:  # a stage with nothing to do is done
            position = self._stages.index(name)
            share = min(1.0, done / total) if total else 1.0
        else:  # between chunks
            position, share = 0, 0.0
        return StageProgress(name, done, total, papers,
                             (position + share) / len(self._stages))

    # -- figures -----------------------------------------------------------------------------
    def _ledger_figures(self) -> tuple[Counter[str], Counter[str], Counter[float]]:
        ledger = self.sources.ledger
        # dict() of a Counter is one C-level copy under the GIL: safe while workers count.
        return (Counter(dict(ledger.requests)), Counter(dict(ledger.not_modified)),
                Counter(dict(ledger.rate_limit_wait_seconds)))

    def _request_figures(self) -> tuple[dict[str, int], dict[str, int], dict[str, float]]:
        now = self._ledger_figures()
        totals = []
        for recorded, current, start in zip(self.recorded, now, self.ledger_start, strict=True):
            total = Counter(recorded)
            for service, value in current.items():
                total[service] += value - start.get(service, 0)
            totals.append({k: v for k, v in sorted(total.items()) if v})
        return totals[0], totals[1], {k: round(v, 3) for k, v in totals[2].items()}

    def _save_progress(self, *, scored: bool = False) -> None:
        requests, not_modified, waits = self._request_figures()
        with transaction(self.engine) as session:
            counts = store.observation_status_counts(session, self.audit_id)
            papers_done = min(len(self.plan),
                              store.papers_scored(session, self.audit_id) + self.vanished)
            links_checked = sum(counts.values())
            errors = sum(counts.get(status, 0) for status in store.ERROR_STATUSES)
            store.record_progress(
                session, self.audit_id, papers_done=papers_done, links_checked=links_checked,
                errors=errors, requests=requests, not_modified=not_modified,
                rate_limit_waits=waits,
            )
        with self._lock:
            self.papers_done, self.links_checked, self.errors = papers_done, links_checked, errors
            self._live_links = 0
            if scored:  # the scored chunk now counts in papers_done: it leaves its lane
                self._lanes.pop(SCORER, None)

    def _report(
        self, *, chunk_done: bool, observed: tuple[int, int, dict[str, int]] | None = None,
        lane: str = MAIN,
    ) -> None:
        if self.progress is None:
            return
        with self._report_lock:  # one report at a time, in order: the bar never goes back
            self._report_now(chunk_done, observed, lane)

    def _report_now(
        self, chunk_done: bool, observed: tuple[int, int, dict[str, int]] | None, lane: str,
    ) -> None:
        assert self.progress is not None
        with self._lock:
            links = self.links_checked + self._live_links
            done, errors = self.papers_done, self.errors
            stages = tuple(self._stage_progress(*state) for key, state in
                           sorted(self._lanes.items(), key=lambda item: item[0] != SCORER))
            about = self._lanes.get(lane) or self._lanes[MAIN]
            shown = self._shown
        current = self._stage_progress(*about)
        requests = self._request_figures()[0]
        if observed is not None:  # a chunk's figures as they stood when it was observed
            links, errors, requests = observed
        state = AuditProgress(
            audit_id=self.audit_id, papers_total=len(self.plan), papers_done=done,
            links_checked=links, errors=errors, requests=requests,
            chunk_done=chunk_done, stage=current.name, stage_done=current.done,
            stage_total=current.total, chunk_papers=current.chunk_papers,
            chunk_fraction=current.chunk_fraction,
            stages=tuple(s for s in stages if s.name in self._stages), floor=shown,
        )
        with self._lock:
            self._shown = max(self._shown, state.completed)
        self.progress(state)

    # -- the end -----------------------------------------------------------------------------
    def finish(self, status: str, message: str | None = None) -> None:
        """Record the final figures and how the audit ended.

        When the audit did not complete this is best effort: if the database itself is what
        failed, the audit stays `running`, its heartbeat goes stale, and it can be resumed.
        """
        try:
            self._save_progress()
            with transaction(self.engine) as session:
                requests, not_modified, _ = self._request_figures()
                health = service_health(store.status_counts_by_service(session, self.audit_id),
                                        requests, not_modified)
                store.record_services(session, self.audit_id, health)
                if status == "completed":
                    reason = degraded_reason(health)
                    if reason is not None:
                        status, message = "degraded", reason
                store.finish_audit(session, self.audit_id, status, message)
        except Exception as exc:
            if status == "completed":
                raise
            # One line (the database may be what failed: no SQL, no traceback unless -vv).
            log.warning("audit #%s: could not record that it %s: %s", self.audit_id, status,
                        type(exc).__name__)
            log.debug("audit #%s: recording failed", self.audit_id, exc_info=True)

    def reload(self) -> Audit:
        """The audit row as stored now."""
        with Session(self.engine) as session:
            audit = store.get_audit(session, self.audit_id)
            assert audit is not None
            return audit


@contextmanager
def _signals_request_stop(run: _AuditRun) -> Iterator[None]:
    """While the block runs, SIGTERM and SIGINT ask the audit to stop at its next safe point.

    Raising from the handler instead could interrupt a database commit and leave a
    connection holding SQLite's write lock, which the bookkeeping would then wait on. A
    second Ctrl-C raises KeyboardInterrupt at once, for a user who does not want to wait.
    """
    if threading.current_thread() is not threading.main_thread():
        yield  # handlers can only be installed from the main thread; `stop` still works
        return

    def handler(signum: int, _frame: FrameType | None) -> None:
        if run.stop.is_set() and signum == signal.SIGINT:
            raise KeyboardInterrupt
        if not run.stop.is_set():
            run.stop_signal = signum
            run.stop.set()

    previous = {sig: signal.signal(sig, handler) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)


@contextmanager
def heartbeat(engine: Engine, audit_id: int) -> Iterator[None]:
    """Refresh the audit's heartbeat every HEARTBEAT_SECONDS from a background thread.

    Chunks can take longer than the staleness window (rate-limit waits), and a live audit must
    never look dead to `--resume`; a distributed audit's liveness, which keeps a second audit
    from starting, is the heartbeat its workers keep while they run its chunks.
    """
    stop = threading.Event()

    def beat() -> None:
        while not stop.wait(HEARTBEAT_SECONDS):
            try:
                with transaction(engine) as session:
                    store.beat(session, audit_id)
            except Exception:  # a missed beat (database busy) is retried at the next one
                log.debug("audit #%s: heartbeat not written", audit_id, exc_info=True)

    thread = threading.Thread(target=beat, name=f"audit-{audit_id}-heartbeat", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=5)


def summary_line(audit: Audit, seconds: float) -> str:
    """One line saying what an audit did and what it cost."""
    return (
        f"audit #{audit.id} {audit.status}: {audit.papers_done}/{audit.papers_total} papers, "
        f"{audit.links_checked} links, requests {per_service(audit.requests)}, "
        f"304s {per_service(audit.not_modified)}, "
        f"rate-limit waits {per_service(audit.rate_limit_waits, '{:.1f}s')}, "
        f"{audit.errors} errors, {seconds:.1f}s"
        + (f" ({audit.message})" if audit.message else "")
    )


def per_service(figures: Mapping[str, float], fmt: str = "{}") -> str:
    """`github=46 huggingface=2`, or `none`."""
    shown = [f"{name}={fmt.format(value)}" for name, value in sorted(figures.items()) if value]
    return " ".join(shown) if shown else "none"


def nothing_reachable(engine: Engine, audit: Audit) -> bool:
    """True when the audit observed links and every observation was an error (exit code 3)."""
    with Session(engine) as session:
        counts = store.observation_status_counts(session, audit.id or 0)
    return bool(counts) and set(counts) == {"error"}
