"""`monitor run`: every source on its own APScheduler 3 interval job, stopped cleanly by a signal."""

from __future__ import annotations

import asyncio
import logging
import signal
from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger

from monitor.atom import refresh_feed
from monitor.config import Config, Source, load_config
from monitor.errors import MonitorError
from monitor.pipeline import CheckOutcome, Deps, build_notifier, check_source
from monitor.systemd import notify, watchdog_interval

log = logging.getLogger("monitor.daemon")

START_SPREAD = 30.0  # seconds over which the first checks are spread, so no host sees a burst
STOP_GRACE = 10.0  # seconds a check in flight may take to finish after SIGTERM


async def run_daemon(config: Config, deps: Deps) -> None:
    """Schedule every enabled source and run until SIGTERM or SIGINT; SIGHUP re-reads the config."""
    # APScheduler says 'Adding job tentatively' per job and 'executed successfully' after every run (a
    # failed check too): our own line per check says what happened
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    scheduler = AsyncIOScheduler(event_loop=loop, timezone="UTC")
    current = {"config": config}
    loop.add_signal_handler(signal.SIGHUP, lambda: _reload(scheduler, current, deps))
    _schedule_sources(scheduler, config, deps)
    scheduler.add_job(
        _prune,
        IntervalTrigger(hours=24),
        args=[current, deps],
        id="prune",
        max_instances=1,
        coalesce=True,
        next_run_time=datetime.now().astimezone() + timedelta(hours=1),
    )
    ping = watchdog_interval()
    if ping:
        # the watchdog ping runs on the event loop: a stuck loop stops it and systemd restarts us
        scheduler.add_job(notify, IntervalTrigger(seconds=ping), args=["WATCHDOG=1"], id="watchdog")
    scheduler.start()
    notify("READY=1")
    log.info("watching %d sources; database %s", len(_enabled(config)), config.settings.database)
    _warn_if_no_channel(deps)
    await stop.wait()
    notify("STOPPING=1")
    log.info("stopping")
    await _finish_in_flight(scheduler, deps)
    await deps.fetcher.aclose()


async def _finish_in_flight(scheduler: AsyncIOScheduler, deps: Deps) -> None:
    """Let the checks and sends in flight finish, for up to STOP_GRACE seconds, before the scheduler goes.

    APScheduler 3's asyncio executor cancels every running job at shutdown, which would cut a delivery
    mid-send (and send it again after a restart): the scheduler is paused first, so no job starts, and
    shut down once the running ones are done. The notifier starts no new delivery meanwhile; those wait,
    pending, for the next start.
    """
    scheduler.pause()
    deps.notifier.stop_sending()
    running = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
    still: set[asyncio.Task[object]] = set()
    if running:
        _done, still = await asyncio.wait(running, timeout=STOP_GRACE)
    if still:
        log.warning("%d checks still running after %.0f s: cut off", len(still), STOP_GRACE)
    scheduler.shutdown(wait=False)
    for task in still:
        task.cancel()
    await asyncio.gather(*still, return_exceptions=True)


def _warn_if_no_channel(deps: Deps) -> None:
    if not deps.notifier.urls:
        log.warning(
            "no notification channel configured ([monitor] notify, MONITOR_NOTIFY or a source's notify): "
            "changes are recorded, but alerts go nowhere"
        )


def _enabled(config: Config) -> list[Source]:
    return [s for s in config.sources if s.enabled]


def _schedule_sources(scheduler: AsyncIOScheduler, config: Config, deps: Deps) -> None:
    """One interval job per enabled source, the first runs spread so no host sees a burst."""
    sources = _enabled(config)
    now = datetime.now().astimezone()
    for index, source in enumerate(sources):
        offset = min(START_SPREAD, source.interval) * index / len(sources)
        scheduler.add_job(
            _job,
            IntervalTrigger(seconds=source.interval, jitter=min(source.interval * 0.1, 300)),
            args=[source, deps],
            id=f"source:{source.name}",
            name=source.name,
            max_instances=1,  # never two checks of one source at once
            coalesce=True,  # runs missed while asleep are one run, not a burst
            misfire_grace_time=int(source.interval),
            next_run_time=now + timedelta(seconds=offset),
            replace_existing=True,
        )


def _reload(scheduler: AsyncIOScheduler, current: dict[str, Config], deps: Deps) -> None:
    """SIGHUP: read the configuration again; a bad file leaves the running one in place."""
    old = current["config"]
    try:
        new = load_config(old.path)
        deps.notifier = build_notifier(new)
    except MonitorError as exc:
        log.error("SIGHUP: kept the running configuration: %s", exc)
        return
    if new.settings.database != old.settings.database:
        log.warning("SIGHUP: a new database path takes a restart; still using %s", old.settings.database)
    for job in scheduler.get_jobs():
        if job.id.startswith("source:"):
            job.remove()
    _schedule_sources(scheduler, new, deps)
    deps.health_after = new.settings.health_after
    deps.feed = new.settings.feed
    current["config"] = new
    log.info("SIGHUP: configuration reloaded, watching %d sources", len(_enabled(new)))
    _warn_if_no_channel(deps)


async def _prune(current: dict[str, Config], deps: Deps) -> None:
    """Daily: forget check rows and snapshots older than keep_checks (changes stay)."""
    keep = current["config"].settings.keep_checks
    cutoff = (datetime.now(UTC) - timedelta(seconds=keep)).isoformat(timespec="seconds")
    try:
        removed = deps.store.prune(cutoff)
        log.info("pruned before %s: %s", cutoff, removed)
    except Exception:
        log.exception("pruning the database failed")


def log_outcome(outcome: CheckOutcome) -> None:
    """One line per check: INFO when it went well, WARNING with the reason when it failed or broke."""
    if outcome.ok:
        said = f", {len(outcome.changes)} changes" if outcome.changes else ""
        said += f", {len(outcome.problems)} cells unreadable" if outcome.problems else ""
        log.info("%s: %s%s", outcome.source, outcome.status, said)
    elif outcome.status == "broken":
        log.warning("%s: broken: %s; kept the last good prices", outcome.source, outcome.error)
    else:
        log.warning("%s: %s: %s", outcome.source, outcome.status, outcome.error)


async def _job(source: Source, deps: Deps) -> None:
    try:
        outcome = await check_source(source, deps)
        log_outcome(outcome)
        await deps.notifier.flush(deps.store)
        wrote = outcome.status in ("baseline", "changed") or outcome.notices
        if deps.feed and (wrote or not deps.feed.exists()):
            refresh_feed(deps.store, deps.feed)
    except MonitorError as exc:  # the database or the feed file, named in the message; the next round retries
        log.error("%s: %s", source.name, exc)
    except Exception:  # one source's bug must not stop the daemon
        log.exception("%s: check failed unexpectedly", source.name)
