"""check_source(): fetch -> extract -> guard -> diff -> store (one transaction) -> outbox.

`monitor check` and the daemon both call it; nothing here knows about the scheduler.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

import feedparser

from monitor import decide
from monitor.config import Config, Settings, Source
from monitor.decide import PageRead
from monitor.diff import CONFIRM_SHRINK, challenge_page, keep_unsettled, page_problem
from monitor.errors import FetchError
from monitor.extract import extract_prices, read_page
from monitor.fetch import Fetcher, decode_body, require_public
from monitor.messages import change_line, news_message
from monitor.models import ExtractResult, FetchResult
from monitor.news import NewsItem, article_text, extract_claims, listing_items, verdict
from monitor.notices import prose
from monitor.notify import Notifier, check_urls, redact_logs
from monitor.plan import CheckOutcome, Decision, NewsRead, SourceView
from monitor.store import SourceRow, Store, pack, sha256

__all__ = ["CheckOutcome", "Deps", "check_source", "check_sources", "preview_source", "utc_now"]

# A check's outcome is its caller's to say (the daemon logs one line per check, `monitor check` prints
# one): the lines here that repeat it are DEBUG; details (unreadable cells, flaps) are INFO.
log = logging.getLogger("monitor.pipeline")


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass
class Deps:
    """What a check needs from outside; tests pass their own."""

    store: Store
    fetcher: Fetcher
    notifier: Notifier
    clock: Callable[[], str] = utc_now
    health_after: int = 3  # failed or broken checks in a row before a source-problem alert
    feed: Path | None = None  # the Atom feed of changes to rewrite after a check that changed something


async def check_source(source: Source, deps: Deps) -> CheckOutcome:
    """Check one source once and record what was found; a failure is recorded, never raised.

    fetch -> extract -> guard -> diff -> store -> (notify: `check_sources` delivers the outbox): one read of
    what the store knows of the source, the decisions (monitor.decide, pure), one write of the plan.
    """
    row = SourceRow(source.name, source.provider, source.kind, source.url)
    started = deps.clock()
    view = deps.store.read_source(source.name)
    decision = await _fetch_and_decide(source, deps, view, started)
    decision = decide.with_health(decision, view, source, deps.health_after)
    _check_id, alert_id = deps.store.record_check(row, decision.plan, deps.notifier.targets_for(source.name))
    _log_decision(source, decision)
    outcome = decision.outcome
    return replace(outcome, alert_id=alert_id) if alert_id is not None else outcome


async def _fetch_and_decide(source: Source, deps: Deps, view: SourceView, started: str) -> Decision:
    """Fetch the page (conditionally, unless it must be read whole), read it off the event loop, and
    decide what the check records."""
    whole = decide.read_whole(view, source, started[:10])
    try:
        fetched = await deps.fetcher.fetch(
            source.url,
            etag=None if whole else view.etag,
            last_modified=None if whole else view.last_modified,
            browser=source.fetch == "browser",
            wait_for=source.wait_for,
            timeout=source.timeout,
        )
    except FetchError as exc:
        return decide.failed(source.name, started, deps.clock(), str(exc), exc.status)
    if fetched.not_modified:
        return decide.unchanged(source.name, started, deps.clock(), fetched, None)
    digest = sha256(fetched.body)
    if digest == view.last_sha256 and not whole:
        state = decide.page_state(fetched, digest, view.content_sha256, source.settings_fingerprint())
        return decide.unchanged(source.name, started, deps.clock(), fetched, state)
    if source.kind == "feed":
        return await _read_feed(source, deps, started, fetched, digest)
    try:
        page = await asyncio.to_thread(
            _read_off_loop, source, None if whole else view.content_sha256, fetched, digest, started[:10]
        )
        if page.result is not None:  # its content changed: what it is compared with
            view = deps.store.read_prices(source.name, view, source.settings_fingerprint())
            page = await _read_again(source, view, page, started[:10])
    except (ValueError, ArithmeticError, IndexError, KeyError, RecursionError) as exc:
        # a page no reader foresaw: this source's check fails with the reason; the round goes on and
        # nothing stored is touched
        error = f"extraction failed on this page: {type(exc).__name__}: {exc}"
        return decide.failed(source.name, started, deps.clock(), error, None)
    return decide.read_page(view, source, started, deps.clock(), page)


def _read_off_loop(
    source: Source, known: str | None, fetched: FetchResult, digest: str, day: str
) -> PageRead:
    """What a check reads from a page, in a worker thread: its content digest, and unless that is `known`
    (nothing to read), its prices, its prose and its compressed snapshot (which a new price list or a
    broken page stores)."""
    text = fetched.text
    content, result = read_page(
        source.kind, text, source.currency, source.json, source.per, day, source.hints, known
    )
    if result is None:
        return PageRead(fetched, digest, content, None, [], None)
    return PageRead(fetched, digest, content, result, prose(source.kind, text), pack(fetched.body))


async def _read_again(source: Source, view: SourceView, page: PageRead, day: str) -> PageRead:
    """After a settings change, the page of the latest prices read with the new settings (the
    corrections are what that changes), where that page is kept."""
    if not (view.baseline and view.last_good_body is not None and decide.settings_changed(view, source)):
        return page
    then = await asyncio.to_thread(_extract, source, decode_body(view.last_good_body, "")[0], day)
    return replace(page, then=keep_unsettled(view.latest, then).prices)


def _extract(source: Source, text: str, day: str) -> ExtractResult:
    return extract_prices(source.kind, text, source.currency, source.json, source.per, day, source.hints)


def _log_decision(source: Source, decision: Decision) -> None:
    """What the check found, for the log: details at INFO (unreadable cells, flaps), the outcome at DEBUG
    (its caller logs it)."""
    outcome, plan = decision.outcome, decision.plan
    if decision.shrink_accepted:
        log.warning(
            "%s: the smaller price list held for %d checks; taking it as real", source.name, CONFIRM_SHRINK
        )
    if outcome.status == "broken":
        log.debug("%s: %s; kept the last good prices", source.name, outcome.error)
        return
    for text in outcome.problems:
        log.info("%s: unreadable: %s", source.name, text)
    for flap in plan.flaps:
        log.info("%s: %s", source.name, change_line(flap))
    count = len(plan.prices) if plan.prices is not None else 0
    log.debug("%s: %s, %d prices, %d changes", source.name, outcome.status, count, len(outcome.changes))


async def preview_source(source: Source, deps: Deps) -> CheckOutcome:
    """What a check of `source` would find now with its current settings (`check --dry-run`): the page
    fetched whole and read, compared with the stored prices. Nothing is written and nothing is sent."""
    if source.kind == "feed":
        return CheckOutcome(source.name, "failed", error="--dry-run reads price pages, not feeds")
    try:
        fetched = await deps.fetcher.fetch(
            source.url,
            browser=source.fetch == "browser",
            wait_for=source.wait_for,
            timeout=source.timeout,
        )
        result = await asyncio.to_thread(_extract, source, fetched.text, deps.clock()[:10])
    except FetchError as exc:
        return CheckOutcome(source.name, "failed", error=str(exc))
    except (ValueError, ArithmeticError, IndexError, KeyError, RecursionError) as exc:
        return CheckOutcome(source.name, "failed", error=f"extraction failed: {type(exc).__name__}: {exc}")
    view = deps.store.read_source(source.name)
    view = deps.store.read_prices(source.name, view, source.settings_fingerprint())
    result = keep_unsettled(view.latest, result)
    problem = page_problem(view.latest, result.prices, fetched.text)
    if problem:
        return CheckOutcome(source.name, "broken", error=problem, problems=result.problems)
    if not view.baseline:
        return CheckOutcome(source.name, "baseline", problems=result.problems)
    # as the check would compare them (corrections and all), every change shown however long it is held
    page = PageRead(fetched, "", None, result, [], None)
    try:
        page = await _read_again(source, view, page, deps.clock()[:10])
    except (ValueError, ArithmeticError, IndexError, KeyError, RecursionError) as exc:
        error = f"extraction failed on the last stored page: {type(exc).__name__}: {exc}"
        return CheckOutcome(source.name, "failed", error=error)
    compared = decide.compare(view, replace(source, hold=1), result.prices, page.then, deps.clock())
    status = "changed" if compared.changes else "unchanged"
    return CheckOutcome(source.name, status, compared.changes, problems=result.problems)


_SHORT_ARTICLE = 400  # characters: a feed item with less text than this is a summary; its link is read


async def _read_feed(source: Source, deps: Deps, started: str, fetched: FetchResult, digest: str) -> Decision:
    """A feed's (or a listing page's) new items: their price claims, checked against the pricing pages,
    alerted once.

    The first read remembers the items without alerting them (its baseline), as a pricing page's first
    prices are not changes. An item whose article cannot be fetched is left unread, to be tried again.
    """
    entries, problem = _feed_entries(source, fetched)
    if problem:
        return decide.broken(source.name, started, deps.clock(), fetched, digest, problem)
    seen = deps.store.seen_items(source.name)
    baseline = not seen
    page_prices = deps.store.all_latest_prices()
    news: list[NewsRead] = []
    problems: list[str] = []
    for item, content in entries:
        if not item.item_id or item.item_id in seen:
            continue
        seen.add(item.item_id)
        if baseline:
            news.append(NewsRead(item))
            continue
        text = article_text(content) if content else ""
        if len(text) < _SHORT_ARTICLE and item.link:
            try:
                text = await _article(source, deps, item.link)
            except FetchError as exc:
                problems.append(str(exc))
                log.warning("%s: item not read: %s", source.name, exc)
                continue
        found = [(claim, verdict(claim, page_prices)) for claim in extract_claims(text)]
        message = news_message(source.name, item.title, item.link, found) if found else None
        news.append(NewsRead(item, found, message))
    # An article not read keeps the feed's body unremembered: the next check reads the feed again (its
    # bytes unchanged or not) and tries that item once more.
    state = None if problems else decide.page_state(fetched, digest, None, None)
    claimed = sum(len(n.claims) for n in news)
    status = "baseline" if baseline else "changed" if claimed else "unchanged"
    log.debug("%s: %s, %d price claims", source.name, status, claimed)
    # the items, their claims and their alerts are written with the check, in its one transaction: an
    # item is alerted once or not at all
    decision = decide.unchanged(source.name, started, deps.clock(), fetched, state)
    plan = replace(decision.plan, news=news)
    return Decision(plan, CheckOutcome(source.name, status, problems=problems))


def _feed_entries(source: Source, fetched: FetchResult) -> tuple[list[tuple[NewsItem, str]], str | None]:
    """(item, its HTML content or '') for each entry, or why the document is not a feed."""
    if challenge_page(fetched.text):
        return [], "a bot-check (challenge) page was served instead of the feed"
    if source.links:
        items = listing_items(fetched.text, source.links, fetched.url or source.url)
        if not items:
            return [], f"no article links match links = {source.links!r} on the page"
        return [(item, "") for item in items], None
    feed = feedparser.parse(fetched.body)
    if not feed.entries and (feed.bozo or not feed.version):
        return [], f"not an RSS or Atom feed: {feed.get('bozo_exception') or 'no feed element, no items'}"
    entries = []
    for entry in feed.entries:
        item = NewsItem(
            item_id=str(entry.get("id") or entry.get("link") or entry.get("title") or ""),
            link=str(entry.get("link", "")),
            title=str(entry.get("title", "")),
        )
        content = entry.get("content") or [{}]
        entries.append((item, str(content[0].get("value") or entry.get("summary") or "")))
    return entries, None


async def _article(source: Source, deps: Deps, link: str) -> str:
    """An item's own article page, as text; a link to a non-public address only where the source allows it."""
    if not source.allow_private:
        await require_public(link)
    page = await deps.fetcher.fetch(link)
    return article_text(page.text)


async def check_sources(
    sources: Sequence[Source],
    deps: Deps,
    workers: int | None = None,
    progress: Callable[[CheckOutcome], None] | None = None,
) -> list[CheckOutcome]:
    """Check sources concurrently (per-host limits apply), then deliver what is pending.

    With `workers` > 1 ([monitor] workers) the sources are split by host into that many groups: this
    process checks one, each other group is checked by a process of its own (the same database, its own
    HTTP client), so both cores work. Every source of a host stays in one process, so the per-host limit
    still holds. Alerts are recorded by whichever process checked; this one delivers them. `progress` is
    told each outcome as it comes (a worker process's when its whole group is done).
    """
    count = deps.fetcher.settings.workers if workers is None else workers
    shards = shard_by_host(sources, count)
    if len(shards) <= 1:

        async def one(source: Source) -> CheckOutcome:
            outcome = await check_source(source, deps)
            if progress:
                progress(outcome)
            return outcome

        outcomes = list(await asyncio.gather(*(one(s) for s in sources)))
    else:
        outcomes = await _check_in_processes(shards, deps)
        order = {s.name: n for n, s in enumerate(sources)}  # as configured, whoever checked them
        outcomes.sort(key=lambda o: order[o.source])
        if progress:
            for outcome in outcomes:
                progress(outcome)
    await deps.notifier.flush(deps.store)
    return outcomes


def shard_by_host(sources: Sequence[Source], count: int) -> list[list[Source]]:
    """At most `count` groups of sources, every host's sources in one group, the groups near even."""
    by_host: dict[str, list[Source]] = {}
    for source in sources:
        by_host.setdefault(urlsplit(source.url).hostname or "", []).append(source)
    shards: list[list[Source]] = [[] for _ in range(max(1, min(count, len(by_host))))]
    for _host, group in sorted(by_host.items(), key=lambda item: (-len(item[1]), item[0])):
        min(shards, key=len).extend(group)
    return [shard for shard in shards if shard]


async def _check_in_processes(shards: list[list[Source]], deps: Deps) -> list[CheckOutcome]:
    """The first shard here, the others in spawned processes (a fresh interpreter each: no fork of a
    process holding an SQLite connection and threads)."""
    loop = asyncio.get_running_loop()
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=len(shards) - 1, mp_context=context) as pool:
        remote = [
            loop.run_in_executor(
                pool,
                _check_shard,
                shard,
                deps.fetcher.settings,
                deps.clock,
                deps.notifier.targets,
                {s.name: deps.notifier.targets_for(s.name) for s in shard},
                deps.health_after,
            )
            for shard in shards[1:]
        ]
        here = await asyncio.gather(*(check_source(s, deps) for s in shards[0]))
        done = await asyncio.gather(*remote, return_exceptions=True)
    outcomes = list(here)
    for shard, result in zip(shards[1:], done, strict=True):
        if isinstance(result, BaseException):
            log.error("a worker process failed: %s", result)
            outcomes += [
                CheckOutcome(s.name, "failed", error=f"worker process failed: {result}") for s in shard
            ]
        else:
            outcomes += result
    return outcomes


def _check_shard(
    sources: list[Source],
    settings: Settings,
    clock: Callable[[], str],
    default: list[str],
    routes: dict[str, list[str]],
    health_after: int,
) -> list[CheckOutcome]:
    """In a worker process: check these sources with a Store and Fetcher of its own."""

    async def go() -> list[CheckOutcome]:
        store = Store(settings.database)
        fetcher = Fetcher(settings)
        deps = Deps(store, fetcher, Notifier.routing(default, routes, clock), clock, health_after)
        try:
            return list(await asyncio.gather(*(check_source(s, deps) for s in sources)))
        finally:
            await fetcher.aclose()
            store.close()

    return asyncio.run(go())


def build_notifier(config: Config) -> Notifier:
    """The notifier a configuration asks for: channels, routes, retries, digest; URLs checked first."""
    settings = config.settings
    routes = {s.name: s.notify for s in config.sources if s.notify is not None}
    every = [*settings.notify, *(u for route in routes.values() for u in route)]
    check_urls(every)
    redact_logs(every)
    return Notifier(
        settings.notify,
        utc_now,
        retry_base=settings.alert_retry,
        max_age=settings.alert_max_age,
        routes=routes,
        digest=settings.digest,
    )


def make_deps(config: Config, read_only: bool = False) -> Deps:
    """The real parts: the database file (only read, with `read_only`), one HTTP client, apprise."""
    notifier = build_notifier(config)
    store = Store(config.settings.database, read_only=read_only)
    fetcher = Fetcher(config.settings)
    return Deps(
        store=store,
        fetcher=fetcher,
        notifier=notifier,
        health_after=config.settings.health_after,
        feed=config.settings.feed,
    )
