"""A check's decisions, as pure functions: what was fetched and read + what the store knew of the source
(`SourceView`) + the source's settings -> what to record and alert (`CheckPlan`) and what to report.

Guard (a broken page, a smaller list confirmed), diff, hold, corrections after a settings change,
thresholds and the source's health are each a function of their inputs, tested with data
(tests/test_decide.py); nothing here reads the database, the network or the clock.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from decimal import Decimal

from monitor.config import Source
from monitor.diff import (
    CONFIRM_SHRINK,
    diff_prices,
    due_day,
    keep_unsettled,
    page_problem,
    prices_digest,
    shown_before,
)
from monitor.hold import Pending, apply_changes, hold_changes
from monitor.messages import NOT_ALERTED, change_message, plain_message
from monitor.models import Change, ExtractResult, FetchResult, Price
from monitor.notices import prose_update
from monitor.plan import CheckOutcome, CheckPlan, Decision, HealthAlert, PageState, Snapshot, SourceView


@dataclass(frozen=True)
class PageRead:
    """What a check read from a fetched page (in a worker thread)."""

    fetched: FetchResult
    digest: str  # of its bytes
    content: str | None  # of what extraction read
    result: ExtractResult | None  # None: the content of the last good page, not read again
    sentences: list[str]  # its prose (see notices.prose)
    packed: bytes | None  # its compressed snapshot
    then: list[Price] | None = None  # re-read after a settings change: the last good page read anew


def settings_changed(view: SourceView, source: Source) -> bool:
    """The source's extraction settings changed since its last good read: the page is read again and
    what differs is a correction, not a price change."""
    return view.settings_sha256 is not None and view.settings_sha256 != source.settings_fingerprint()


def read_whole(view: SourceView, source: Source, today: str) -> bool:
    """Whether the page is fetched and read whole (no conditional GET, no 'same page' shortcut): held
    changes need every observation counted, a changed setting reads the page again, and on a day a stored
    price was announced for, the same page turns it current."""
    due = view.due_on is not None and view.due_on <= today
    return (source.hold > 1 and bool(view.pending)) or settings_changed(view, source) or due


def failed(name: str, started: str, finished: str, error: str, http_status: int | None) -> Decision:
    """A fetch or a read that failed: recorded with its reason; nothing stored is touched."""
    plan = CheckPlan(started, finished, "failed", http_status, error)
    return Decision(plan, CheckOutcome(name, "failed", error=error))


def unchanged(
    name: str, started: str, finished: str, fetched: FetchResult, state: PageState | None
) -> Decision:
    """The same page, or one whose prices did not change: the check, and what the next one compares with."""
    plan = CheckPlan(started, finished, "unchanged", fetched.status, state=state)
    return Decision(plan, CheckOutcome(name, "unchanged"))


def page_state(fetched: FetchResult, digest: str, content: str | None, settings: str | None) -> PageState:
    return PageState(fetched.etag, fetched.last_modified, digest, content, settings)


def broken(
    name: str, started: str, finished: str, fetched: FetchResult, digest: str, problem: str
) -> Decision:
    """A document that is not what the source should serve (a feed that is none): kept for diagnosis."""
    plan = CheckPlan(
        started,
        finished,
        "broken",
        fetched.status,
        problem,
        snapshot=Snapshot(fetched.body, digest),
        prices_digest=prices_digest([]),
    )
    return Decision(plan, CheckOutcome(name, "broken", error=problem))


def read_page(view: SourceView, source: Source, started: str, finished: str, page: PageRead) -> Decision:
    """A read page: guarded, diffed against the stored prices, held, thresholded; its prose's notices."""
    state = page_state(page.fetched, page.digest, page.content, source.settings_fingerprint())
    if page.result is None:  # new bytes, same content (a fresh token, a build id): the same prices
        return unchanged(source.name, started, finished, page.fetched, state)
    assert view.prices_read, "a read page is compared with the stored prices (Store.read_prices)"
    # a price the page lists twice at two amounts is reported and kept as stored, not removed
    result = keep_unsettled(view.latest, page.result)
    prose = prose_update(
        source.provider, source.name, source.url, view.prose_keys, view.prose_seen, page.sentences
    )
    plan = CheckPlan(
        started,
        finished,
        "unchanged",
        page.fetched.status,
        problems=result.problems,
        page_read=True,
        prose=prose,
    )
    notices = prose.notices if prose else []
    outcome = CheckOutcome(source.name, "unchanged", problems=result.problems, notices=notices)
    problem = page_problem(view.latest, result.prices, page.fetched.text)
    accepted = problem is not None and shrink_confirmed(view.recent, result.prices)
    if problem and not accepted:
        return _broken_page(plan, outcome, page, result, problem)
    compared = compare(view, source, result.prices, page.then, started)
    plan = replace(plan, pending=compared.pending, flaps=compared.flaps, state=state)
    if view.baseline and not compared.changes:  # cosmetic, or changes still held: no new prices
        return Decision(plan, outcome, accepted)
    plan, outcome = _new_prices(view, source, plan, outcome, page, compared)
    return Decision(plan, outcome, accepted)


def _broken_page(
    plan: CheckPlan, outcome: CheckOutcome, page: PageRead, result: ExtractResult, problem: str
) -> Decision:
    """A page with no prices or most of them gone: kept for diagnosis, its prices' digest noted (to
    confirm a smaller list), nothing compared."""
    plan = replace(
        plan,
        status="broken",
        error=problem,
        problems=result.problems,
        snapshot=Snapshot(page.fetched.body, page.digest, page.packed),
        prices_digest=prices_digest(result.prices),
    )
    return Decision(plan, replace(outcome, status="broken", error=problem))


def _new_prices(
    view: SourceView,
    source: Source,
    plan: CheckPlan,
    outcome: CheckOutcome,
    page: PageRead,
    compared: Compared,
) -> tuple[CheckPlan, CheckOutcome]:
    """A first price list (the baseline) or a changed one: stored, its changes logged, the ones past
    the source's thresholds alerted."""
    alerted = [c for c in compared.changes if c.change not in NOT_ALERTED and alertable(source, c)]
    status = "changed" if view.baseline else "baseline"
    plan = replace(
        plan,
        status=status,
        problems=outcome.problems,
        snapshot=Snapshot(page.fetched.body, page.digest, page.packed),
        prices=compared.prices,
        changes=compared.changes,
        due_on=due_day(compared.prices),
        alert=change_message(source.provider, source.name, source.url, plan.started, alerted)
        if alerted
        else None,
    )
    if view.baseline and settings_changed(view, source) and not alerted:
        status = "reread"  # the check is stored as 'changed'; its changes say 'reread'
    return plan, replace(outcome, status=status, changes=compared.changes)


@dataclass(frozen=True)
class Compared:
    changes: list[Change]  # to record (and, past the thresholds, to alert)
    prices: list[Price]  # the price list to store
    pending: list[Pending] | None = None  # the held changes from now on (None: as they are)
    flaps: list[Change] = field(default_factory=list)  # held changes that went back


def compare(
    view: SourceView, source: Source, new: list[Price], then: list[Price] | None, now: str
) -> Compared:
    """The stored prices against the new ones: nothing on a first check (its baseline), corrections
    ('reread': after a settings or rules change, or a price first read that the page showed before),
    and changes held until seen `hold` times in a row. A correction is no alert: it is never held."""
    if not view.baseline:
        return Compared([], new)
    old = list(view.latest)
    changes = (
        corrections(old, then, new)
        if settings_changed(view, source)
        else shown_before(diff_prices(old, new), view.last_problems or ())
    )
    if source.hold <= 1:
        return Compared(changes, new)
    corrected = [c for c in changes if c.change == "reread"]
    held = hold_changes([c for c in changes if c.change != "reread"], view.pending, source.hold, now)
    confirmed = corrected + held.confirmed
    return Compared(confirmed, apply_changes(old, confirmed), held.pending, held.flaps)


def corrections(old: list[Price], then: list[Price] | None, new: list[Price]) -> list[Change]:
    """The changes of a check after a settings change: the last page read again with the new settings
    (`then`) gives the corrections ('reread'); from there to the page as it is now, the real changes.
    Where that page is no longer kept (`then` None: pruned), all of it is a correction."""
    if then is None:
        return [replace(c, change="reread") for c in diff_prices(old, new)]
    return [replace(c, change="reread") for c in diff_prices(old, then)] + diff_prices(then, new)


def shrink_confirmed(recent: tuple[tuple[str, str | None], ...], prices: list[Price]) -> bool:
    """The same smaller (never empty) price list on CONFIRM_SHRINK checks in a row is accepted as real:
    `recent` holds the (status, prices digest) of the checks before this one, newest first."""
    if not prices:
        return False
    earlier = recent[: CONFIRM_SHRINK - 1]
    digest = prices_digest(prices)
    return len(earlier) == CONFIRM_SHRINK - 1 and all(
        status == "broken" and seen == digest for status, seen in earlier
    )


def alertable(source: Source, change: Change) -> bool:
    """The source's thresholds and kinds: every change is recorded, these are the ones alerted."""
    if source.alert_kinds and change.kind not in source.alert_kinds:
        return False
    if change.change != "changed":
        return True
    old, new = change.old_per_million or Decimal(0), change.new_per_million or Decimal(0)
    if abs(new - old) < source.alert_min_absolute:
        return False
    return change.pct is None or abs(change.pct) >= source.alert_min_percent


def health(
    view: SourceView, source: Source, outcome: CheckOutcome, started: str, after: int
) -> HealthAlert | None:
    """Alert once when a source has failed `after` checks in a row, and once when it recovers."""
    name = f"{source.provider} ({source.name})"
    if outcome.ok and view.health_alerted:
        body = f"{name}: checks succeed again ({outcome.status}).\n{source.url}"
        return HealthAlert(plain_message(f"{name}: recovered", body), problem=False)
    if outcome.ok or view.health_alerted:
        return None
    streak = view.failures.count + 1
    if streak < after:
        return None
    since = view.failures.since or started
    body = (
        f"{name}: {streak} checks in a row failed since {since}.\nLast error: {outcome.error}\n{source.url}\n"
        "The last good prices are kept; no price alert is sent while the source is failing."
    )
    return HealthAlert(plain_message(f"{name}: source problem", body), problem=True)


def with_health(decision: Decision, view: SourceView, source: Source, after: int) -> Decision:
    """The decision with the source's health alert (a problem or a recovery), where one is due."""
    alert = health(view, source, decision.outcome, decision.plan.started, after)
    if alert is None:
        return decision
    return replace(decision, plan=replace(decision.plan, health=alert))
