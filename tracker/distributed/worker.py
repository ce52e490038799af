"""`reprotrack worker`: run a store's chunk jobs with this machine's own tokens.

One job at a time (a chunk observes its links concurrently already, per service, as a
single-process audit does). Beside procrastinate's worker, a loop retries the jobs of
workers whose heartbeat stopped (a machine that died, a process killed with -9): procrastinate
records such jobs as running for ever otherwise.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
from contextlib import suppress

from procrastinate import App
from procrastinate import exceptions as queue_errors

from tracker.distributed.chunk_job import STATE_KEY, WorkerState
from tracker.distributed.queue import CHUNK_TASK

log = logging.getLogger(__name__)

DEFAULT_STALLED_AFTER = 30.0  # seconds without a worker's heartbeat before its job is retried
# (also the default of `reprotrack worker --stalled-after`, which does not import this module)


def worker_name() -> str:
    """`host:pid`, as shown in procrastinate's workers table and the logs."""
    return f"{socket.gethostname()}:{os.getpid()}"


def run_worker(
    app: App, state: WorkerState, *, burst: bool = False,
    stalled_after: float = DEFAULT_STALLED_AFTER, poll_seconds: float = 1.0,
) -> None:
    """Run chunk jobs until stopped (SIGINT or SIGTERM: the running chunk finishes first), or
    with `burst` until the queue is empty."""
    asyncio.run(_work(app, state, burst=burst, stalled_after=stalled_after,
                      poll_seconds=poll_seconds))


async def _work(
    app: App, state: WorkerState, *, burst: bool, stalled_after: float, poll_seconds: float,
) -> None:
    async with app.open_async():
        await retry_stalled_jobs(app, stalled_after)
        reaper = asyncio.create_task(_retry_stalled_forever(app, stalled_after))
        try:
            await app.run_worker_async(
                name=worker_name(), concurrency=1, wait=not burst,
                additional_context={STATE_KEY: state},
                fetch_job_polling_interval=poll_seconds,
                update_heartbeat_interval=max(0.5, stalled_after / 4),
                stalled_worker_timeout=stalled_after,
            )
        finally:
            reaper.cancel()
            with suppress(asyncio.CancelledError):
                await reaper


async def retry_stalled_jobs(app: App, stalled_after: float) -> int:
    """Put back in the queue the chunk jobs of workers silent for `stalled_after` seconds;
    returns how many."""
    retried = 0
    for job in await app.job_manager.get_stalled_jobs(task_name=CHUNK_TASK,
                                                      seconds_since_heartbeat=stalled_after):
        try:
            await app.job_manager.retry_job(job)
        except queue_errors.ProcrastinateException:  # another worker retried it first
            continue
        retried += 1
        log.warning("chunk job #%s (%s) of a worker silent for %.0fs: retried", job.id,
                    job.queue, stalled_after)
    return retried


async def _retry_stalled_forever(app: App, stalled_after: float) -> None:
    while True:
        await asyncio.sleep(max(0.5, stalled_after / 4))
        try:
            await retry_stalled_jobs(app, stalled_after)
        except Exception:  # the database blinked: the next round tries again
            log.debug("stalled jobs not retried this round", exc_info=True)
