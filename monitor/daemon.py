"""`monitor run`: every source on its own APScheduler 3 interval job, stopped cleanly by a signal."""

from __future__ import annotations

import asyncio
import logging
import signal
from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger

from monitor.config import Config, Source
from monitor.pipeline import Deps, check_source

log = logging.getLogger("monitor.daemon")

START_SPREAD = 30.0  # seconds over which the first checks are spread, so no host sees a burst
STOP_GRACE = 10.0  # seconds a check in flight may take to finish after SIGTERM


async def run_daemon(config: Config, deps: Deps) -> None:
    """Schedule every enabled source and run until SIGTERM or SIGINT."""
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    scheduler = AsyncIOScheduler(event_loop=loop, timezone="UTC")
    sources = [s for s in config.sources if s.enabled]
    now = datetime.now().astimezone()
    for index, source in enumerate(sources):
        offset = min(START_SPREAD, source.interval) * index / len(sources)
        scheduler.add_job(
            _job,
            IntervalTrigger(seconds=source.interval, jitter=min(source.interval * 0.1, 300)),
            args=[source, deps],
            id=source.name,
            name=source.name,
            max_instances=1,  # never two checks of one source at once
            coalesce=True,  # runs missed while asleep are one run, not a burst
            misfire_grace_time=int(source.interval),
            next_run_time=now + timedelta(seconds=offset),
        )
    scheduler.add_job(
        _prune,
        IntervalTrigger(hours=24),
        args=[config, deps],
        id="prune",
        max_instances=1,
        coalesce=True,
        next_run_time=now + timedelta(hours=1),
    )
    scheduler.start()
    log.info("watching %d sources; database %s", len(sources), config.settings.database)
    await stop.wait()
    log.info("stopping")
    scheduler.shutdown(wait=False)
    pending = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
    if pending:
        _done, still = await asyncio.wait(pending, timeout=STOP_GRACE)
        for task in still:
            task.cancel()
        await asyncio.gather(*still, return_exceptions=True)
    await deps.fetcher.aclose()


async def _prune(config: Config, deps: Deps) -> None:
    """Daily: forget check rows and snapshots older than keep_checks (changes stay)."""
    cutoff = (datetime.now(UTC) - timedelta(seconds=config.settings.keep_checks)).isoformat(
        timespec="seconds"
    )
    try:
        removed = deps.store.prune(cutoff)
        log.info("pruned before %s: %s", cutoff, removed)
    except Exception:
        log.exception("pruning the database failed")


async def _job(source: Source, deps: Deps) -> None:
    try:
        outcome = await check_source(source, deps)
        if outcome.ok:
            log.info("%s: %s", source.name, outcome.status)
        await deps.notifier.flush(deps.store)
    except Exception:  # one source's bug must not stop the daemon
        log.exception("%s: check failed unexpectedly", source.name)
