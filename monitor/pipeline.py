"""check_source(): fetch -> extract -> guard -> diff -> store (one transaction) -> outbox.

`monitor check` and the daemon both call it; nothing here knows about the scheduler.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit

import feedparser

from monitor.config import Config, Settings, Source
from monitor.diff import (
    CONFIRM_SHRINK,
    challenge_page,
    diff_prices,
    due_day,
    keep_unsettled,
    page_problem,
    prices_digest,
)
from monitor.errors import FetchError
from monitor.extract import extract_prices, read_page
from monitor.fetch import Fetcher, decode_body, require_public
from monitor.hold import apply_changes, hold_changes
from monitor.messages import NOT_ALERTED, change_line, change_message, news_message, plain_message
from monitor.models import Change, ExtractResult, FetchResult, Price
from monitor.news import NewsItem, article_text, extract_claims, listing_items, verdict
from monitor.notices import prose, watch_notices
from monitor.notify import Notifier, check_urls, redact_logs
from monitor.store import SourceRow, SourceState, Store, pack, sha256

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


@dataclass
class CheckOutcome:
    source: str
    status: str  # baseline | changed | unchanged | failed | broken
    changes: list[Change] = field(default_factory=list)
    error: str | None = None
    problems: list[str] = field(default_factory=list)
    alert_id: int | None = None
    notices: list[str] = field(default_factory=list)  # sentences of the page's prose announcing prices

    @property
    def ok(self) -> bool:
        return self.status not in ("failed", "broken")


async def check_source(source: Source, deps: Deps) -> CheckOutcome:
    """Check one source once and record what was found; a failure is recorded, never raised."""
    outcome = await _check(source, deps)
    _watch_health(source, outcome, deps)
    return outcome


def _watch_health(source: Source, outcome: CheckOutcome, deps: Deps) -> None:
    """Alert once when a source has failed `health_after` checks in a row, and once when it recovers."""
    store = deps.store
    alerted = store.health_alerted(source.name)
    name = f"{source.provider} ({source.name})"
    if outcome.ok and alerted:
        body = f"{name}: checks succeed again ({outcome.status}).\n{source.url}"
        _health_alert(source, deps, f"{name}: recovered", body, problem=False)
    elif not outcome.ok and not alerted:
        streak, since, error = store.failure_streak(source.name)
        if streak >= deps.health_after:
            body = (
                f"{name}: {streak} checks in a row failed since {since}.\nLast error: {error}\n{source.url}\n"
                "The last good prices are kept; no price alert is sent while the source is failing."
            )
            _health_alert(source, deps, f"{name}: source problem", body, problem=True)


def _health_alert(source: Source, deps: Deps, title: str, body: str, problem: bool) -> None:
    targets = deps.notifier.targets_for(source.name)
    deps.store.add_alert(source.name, deps.clock(), plain_message(title, body), targets, "health")
    deps.store.set_health_alerted(source.name, problem)


async def _check(source: Source, deps: Deps) -> CheckOutcome:
    store = deps.store
    started = deps.clock()
    row = SourceRow(source.name, source.provider, source.kind, source.url)
    store.ensure_source(row)
    state = store.source_state(source.name)
    settings = source.settings_fingerprint()
    # the source's extraction settings changed since its last good read: the page is read again (no
    # conditional GET, no 'same page' shortcut) and what differs is a correction, not a price change
    reread = state.settings_sha256 is not None and state.settings_sha256 != settings
    # A day a stored price was announced for turns it current on the same page.
    due = state.due_on is not None and state.due_on <= started[:10]
    # Held changes need every observation counted, and a changed setting or a due day reads the page
    # again: no conditional GET, no 'same page' shortcut.
    whole = (source.hold > 1 and bool(store.pending_changes(source.name))) or reread or due
    try:
        fetched = await deps.fetcher.fetch(
            source.url,
            etag=None if whole else state.etag,
            last_modified=None if whole else state.last_modified,
            browser=source.fetch == "browser",
            wait_for=source.wait_for,
            timeout=source.timeout,
        )
    except FetchError as exc:
        store.record_failure(source.name, started, deps.clock(), str(exc), exc.status)
        log.debug("%s: fetch failed: %s", source.name, exc)
        return CheckOutcome(source.name, "failed", error=str(exc))
    if fetched.not_modified:
        store.record_unchanged(source.name, started, deps.clock(), fetched, None)
        return CheckOutcome(source.name, "unchanged")
    digest = sha256(fetched.body)
    if digest == state.last_sha256 and not whole:
        store.record_unchanged(
            source.name, started, deps.clock(), fetched, digest, state.content_sha256, settings
        )
        return CheckOutcome(source.name, "unchanged")

    if source.kind == "feed":
        return await _read_feed(source, deps, row, started, fetched, digest)
    notices: list[str] = []
    outcome = await _read_page(source, deps, row, state, whole, started, fetched, digest, notices)
    outcome.notices = notices
    return outcome


async def _read_page(
    source: Source,
    deps: Deps,
    row: SourceRow,
    state: SourceState,
    whole: bool,
    started: str,
    fetched: FetchResult,
    digest: str,
    notices: list[str],
) -> CheckOutcome:
    """A fetched page's prices: extracted, guarded, diffed against the stored ones, and recorded; and
    the price notices of its prose (added to `notices`), where its content changed."""
    store = deps.store
    day = started[:10]
    settings = source.settings_fingerprint()
    reread = state.settings_sha256 is not None and state.settings_sha256 != settings
    try:
        content, read, sentences, packed = await asyncio.to_thread(
            _read_off_loop, source, fetched, day, None if whole else state.content_sha256
        )
    except (ValueError, ArithmeticError, IndexError, KeyError, RecursionError) as exc:
        # a page no reader foresaw: this source's check fails with the reason; the round goes on and
        # nothing stored is touched
        error = f"extraction failed on this page: {type(exc).__name__}: {exc}"
        store.record_failure(source.name, started, deps.clock(), error, None)
        log.debug("%s: %s", source.name, error)
        return CheckOutcome(source.name, "failed", error=error)
    if read is None:
        # New bytes, same content (a fresh token, a build id): the same prices, without extracting.
        store.record_unchanged(source.name, started, deps.clock(), fetched, digest, content, settings)
        return CheckOutcome(source.name, "unchanged")
    result = read
    notices += watch_notices(store, row, sentences, started, deps.notifier.targets_for(source.name))
    old = store.latest_prices(source.name)
    result = keep_unsettled(old, result)  # a price listed twice at two amounts is reported, not gone
    problem = page_problem(old, result.prices, fetched.text)
    if problem and not _shrink_confirmed(store, source.name, result.prices):
        digest_of_prices = prices_digest(result.prices)
        store.record_broken(
            source.name, started, deps.clock(), fetched, problem, result.problems, digest_of_prices, packed
        )
        log.debug("%s: %s; kept the last good prices", source.name, problem)
        return CheckOutcome(source.name, "broken", error=problem, problems=result.problems)
    for text in result.problems:
        log.info("%s: unreadable: %s", source.name, text)

    baseline = not store.has_baseline(source.name)
    changes = [] if baseline else diff_prices(old, result.prices)
    prices = result.prices
    if reread and not baseline:
        # read again with new settings: what the new settings change in the last page read is a
        # correction (logged, never alerted); what the page itself changed since is alerted as ever
        changes = await _corrections(source, store, old, result.prices, day)
        if source.hold > 1:
            store.set_pending(source.name, [])
    elif source.hold > 1 and not baseline:
        held = hold_changes(changes, store.pending_changes(source.name), source.hold, started)
        store.set_pending(source.name, held.pending)
        if held.flaps:
            store.record_flaps(row, started, held.flaps)
            for flap in held.flaps:
                log.info("%s: %s", source.name, change_line(flap))
        changes, prices = held.confirmed, apply_changes(old, held.confirmed)
    if not baseline and not changes:
        # A cosmetic change (scripts, dates, tokens), or changes still held: store no new prices.
        store.record_unchanged(source.name, started, deps.clock(), fetched, digest, content, settings)
        return CheckOutcome(source.name, "unchanged", problems=result.problems)
    alerted = [c for c in changes if c.change not in NOT_ALERTED and _alertable(source, c)]
    alert = change_message(source.provider, source.name, source.url, started, alerted) if alerted else None
    status = "baseline" if baseline else "changed"
    _check_id, alert_id = store.record_prices(
        row,
        started,
        deps.clock(),
        fetched,
        digest,
        prices,
        changes,
        result.problems,
        alert,
        deps.notifier.targets_for(source.name),
        status,
        content=content,
        settings=settings,
        due_on=due_day(prices),
        packed=packed,
    )
    if reread and not baseline and not alerted:
        status = "reread"  # the check is stored as 'changed'; its changes say 'reread'
    log.debug("%s: %s, %d prices, %d changes", source.name, status, len(result.prices), len(changes))
    return CheckOutcome(source.name, status, changes, problems=result.problems, alert_id=alert_id)


async def _corrections(
    source: Source, store: Store, old: list[Price], new: list[Price], day: str
) -> list[Change]:
    """The changes of a check after a settings change: the last page read again with the new settings
    gives the corrections ('reread'); from there to the page as it is now, the real changes."""
    body = store.last_good_body(source.name)
    if body is None:  # its page is not kept (pruned): all of it is a correction
        return [replace(c, change="reread") for c in diff_prices(old, new)]
    then = await asyncio.to_thread(
        extract_prices,
        source.kind,
        decode_body(body, "")[0],
        source.currency,
        source.json,
        source.per,
        day,
        source.hints,
    )
    corrected = [replace(c, change="reread") for c in diff_prices(old, then.prices)]
    return corrected + diff_prices(then.prices, new)


def _read_off_loop(
    source: Source, fetched: FetchResult, day: str, known: str | None
) -> tuple[str | None, ExtractResult | None, list[str], bytes | None]:
    """What a check reads from a page, in a worker thread: its content digest, and unless that is `known`
    (nothing to read), its prices, its prose and its compressed snapshot (which a new price list or a
    broken page stores)."""
    text = fetched.text
    content, result = read_page(
        source.kind, text, source.currency, source.json, source.per, day, source.hints, known
    )
    if result is None:
        return content, None, [], None
    return content, result, prose(source.kind, text), pack(fetched.body)


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
        result = await asyncio.to_thread(
            extract_prices,
            source.kind,
            fetched.text,
            source.currency,
            source.json,
            source.per,
            deps.clock()[:10],
            source.hints,
        )
    except FetchError as exc:
        return CheckOutcome(source.name, "failed", error=str(exc))
    except (ValueError, ArithmeticError, IndexError, KeyError, RecursionError) as exc:
        return CheckOutcome(source.name, "failed", error=f"extraction failed: {type(exc).__name__}: {exc}")
    old = deps.store.latest_prices(source.name)
    result = keep_unsettled(old, result)
    problem = page_problem(old, result.prices, fetched.text)
    if problem:
        return CheckOutcome(source.name, "broken", error=problem, problems=result.problems)
    if not deps.store.has_baseline(source.name):
        return CheckOutcome(source.name, "baseline", problems=result.problems)
    changes = diff_prices(old, result.prices)
    stored = deps.store.source_state(source.name).settings_sha256
    if stored is not None and stored != source.settings_fingerprint():
        changes = [replace(c, change="reread") for c in changes]
    return CheckOutcome(source.name, "changed" if changes else "unchanged", changes, problems=result.problems)


_SHORT_ARTICLE = 400  # characters: a feed item with less text than this is a summary; its link is read


async def _read_feed(
    source: Source, deps: Deps, row: SourceRow, started: str, fetched: FetchResult, digest: str
) -> CheckOutcome:
    """A feed's (or a listing page's) new items: their price claims, checked against the pricing pages,
    alerted once.

    The first read remembers the items without alerting them (its baseline), as a pricing page's first
    prices are not changes. An item whose article cannot be fetched is left unread, to be tried again.
    """
    store = deps.store
    entries, problem = _feed_entries(source, fetched)
    if problem:
        store.record_broken(source.name, started, deps.clock(), fetched, problem, [], prices_digest([]))
        log.debug("%s: %s", source.name, problem)
        return CheckOutcome(source.name, "broken", error=problem)
    seen = store.seen_items(source.name)
    baseline = not seen
    page_prices = store.all_latest_prices()
    targets = deps.notifier.targets_for(source.name)
    new_items: list[NewsItem] = []
    problems: list[str] = []
    claimed, alert_ids = 0, []
    for item, content in entries:
        if not item.item_id or item.item_id in seen:
            continue
        seen.add(item.item_id)
        if baseline:
            new_items.append(item)
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
        # the item, its claims and its alert in one transaction: an item is alerted once or not at all
        alert_id = store.record_news(
            source.name, started, [item], [(item, c, v) for c, v in found], message, targets
        )
        claimed += len(found)
        if alert_id is not None:
            alert_ids.append(alert_id)
    if new_items:
        store.record_news(source.name, started, new_items, [], None, [])
    # An article not read keeps the feed's body unremembered: the next check reads the feed again (its
    # bytes unchanged or not) and tries that item once more.
    store.record_unchanged(source.name, started, deps.clock(), fetched, None if problems else digest)
    status = "baseline" if baseline else "changed" if claimed else "unchanged"
    log.debug("%s: %s, %d price claims", source.name, status, claimed)
    first = alert_ids[0] if alert_ids else None
    return CheckOutcome(source.name, status, problems=problems, alert_id=first)


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


def _alertable(source: Source, change: Change) -> bool:
    """The source's thresholds and kinds: every change is recorded, these are the ones alerted."""
    if source.alert_kinds and change.kind not in source.alert_kinds:
        return False
    if change.change != "changed":
        return True
    old, new = change.old_per_million or Decimal(0), change.new_per_million or Decimal(0)
    if abs(new - old) < source.alert_min_absolute:
        return False
    return change.pct is None or abs(change.pct) >= source.alert_min_percent


def _shrink_confirmed(store: Store, name: str, prices: list[Price]) -> bool:
    """The same smaller (never empty) price list on CONFIRM_SHRINK checks in a row is accepted as real."""
    if not prices:
        return False
    earlier = store.recent_checks(name, CONFIRM_SHRINK - 1)
    digest = prices_digest(prices)
    confirmed = len(earlier) == CONFIRM_SHRINK - 1 and all(
        status == "broken" and seen == digest for status, seen in earlier
    )
    if confirmed:
        log.warning("%s: the smaller price list held for %d checks; taking it as real", name, CONFIRM_SHRINK)
    return confirmed


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
