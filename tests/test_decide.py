"""A check's decisions as data: a view of the source + what was fetched and read -> what is recorded and
alerted. No database, no server (monitor/decide.py)."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest

from monitor import decide
from monitor.config import Source
from monitor.decide import PageRead
from monitor.diff import prices_digest
from monitor.hold import Pending
from monitor.models import Change, ExtractResult, FetchResult, Price
from monitor.plan import CheckOutcome, SourceView, Streak

SOURCE = Source("p", "Prov", "markdown", "https://p.test/price", "USD", 60)
NOW = "2026-05-01T12:00:00+00:00"


def price(model: str, amount: str, kind: str = "input") -> Price:
    return Price(model=model, kind=kind, amount=Decimal(amount), currency="USD", raw=f"${amount}")


LIST = [price("a", "1"), price("b", "2"), price("c", "3"), price("d", "4")]
CUT = [price("a", "0.5"), *LIST[1:]]  # a: -50%
NUDGE = [price("a", "0.99"), *LIST[1:]]  # a: -1%
SHORT = LIST[:1]  # most prices gone


def change(old: str, new: str, model: str = "a") -> Change:
    return Change("changed", model, "input", "", "", "USD", "tokens", price(model, old), price(model, new))


def view(**fields: object) -> SourceView:
    """A source with a stored baseline of LIST, unless a field says otherwise."""
    base: dict[str, object] = {
        "prices_read": True,
        "baseline": True,
        "latest": tuple(LIST),
        "settings_sha256": SOURCE.settings_fingerprint(),
    }
    return SourceView(**{**base, **fields})  # type: ignore[arg-type]


def page(prices: list[Price] | None, text: str = "| a | $1 |", then: list[Price] | None = None) -> PageRead:
    body = text.encode()
    fetched = FetchResult("https://p.test/price", 200, body, text)
    result = None if prices is None else ExtractResult(prices)
    return PageRead(fetched, "sha-of-body", "sha-of-content", result, [], b"packed", then)


@pytest.mark.parametrize(
    ("hold", "pending", "stored_settings", "due_on", "whole"),
    [
        (1, (), None, None, False),  # a first check: conditional GET is fine
        (1, (), "same", None, False),
        (2, (), "same", None, False),  # held, but nothing waiting
        (2, (Pending(change("1", "0.5"), 1, NOW),), "same", None, True),  # each observation counts
        (1, (Pending(change("1", "0.5"), 1, NOW),), "same", None, False),  # hold 1 waits for nothing
        (1, (), "other settings", None, True),  # settings changed: read again
        (1, (), "same", "2026-05-01", True),  # a price announced for today
        (1, (), "same", "2026-05-02", False),  # ... for tomorrow
    ],
)
def test_when_a_page_is_read_whole(
    hold: int, pending: tuple[Pending, ...], stored_settings: str | None, due_on: str | None, whole: bool
) -> None:
    """No conditional GET and no 'same bytes' shortcut when held changes wait, settings changed, or a
    stored price is due today."""
    source = replace(SOURCE, hold=hold)
    settings = source.settings_fingerprint() if stored_settings == "same" else stored_settings
    state = view(pending=pending, settings_sha256=settings, due_on=due_on)
    assert decide.read_whole(state, source, "2026-05-01") is whole


@pytest.mark.parametrize(
    ("recent", "prices", "confirmed"),
    [
        ((("broken", prices_digest(SHORT)), ("broken", prices_digest(SHORT))), SHORT, True),
        ((("broken", prices_digest(SHORT)),), SHORT, False),  # only the second look
        ((("broken", prices_digest(SHORT)), ("changed", None)), SHORT, False),
        (
            (("broken", prices_digest(LIST[:2])), ("broken", prices_digest(SHORT))),
            SHORT,
            False,
        ),  # not the same list
        ((("broken", prices_digest([])), ("broken", prices_digest([]))), [], False),  # empty: never
    ],
)
def test_a_smaller_list_is_believed_on_its_third_look(
    recent: tuple[tuple[str, str | None], ...], prices: list[Price], confirmed: bool
) -> None:
    """The same smaller, non-empty list on three checks in a row is taken as real."""
    assert decide.shrink_confirmed(recent, prices) is confirmed


@pytest.mark.parametrize(
    ("settings", "changed", "alerted"),
    [
        ({}, change("1", "0.99"), True),
        ({"alert_min_percent": Decimal(5)}, change("1", "0.99"), False),  # -1% under 5%
        ({"alert_min_percent": Decimal(5)}, change("1", "0.5"), True),
        ({"alert_min_absolute": Decimal("0.1")}, change("1", "0.99"), False),  # 0.01 per 1M under 0.1
        ({"alert_kinds": ("output",)}, change("1", "0.5"), False),  # an input price
        ({"alert_min_percent": Decimal(50)}, Change.between("added", None, price("z", "1")), True),
    ],
)
def test_thresholds_choose_what_is_alerted(
    settings: dict[str, object], changed: Change, alerted: bool
) -> None:
    """Thresholds and kinds narrow the alerted changes; additions and removals pass the percentages."""
    assert decide.alertable(replace(SOURCE, **settings), changed) is alerted  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("alerted", "streak", "status", "after", "expected"),
    [
        (False, 0, "failed", 3, None),  # the first failure
        (False, 1, "failed", 3, None),
        (False, 2, "broken", 3, "Prov (p): source problem"),  # the third in a row
        (True, 5, "failed", 3, None),  # alerted once
        (True, 5, "unchanged", 3, "Prov (p): recovered"),
        (False, 0, "changed", 3, None),  # well all along
        (False, 0, "failed", 1, "Prov (p): source problem"),
    ],
)
def test_health_alerts_once_when_failing_and_once_when_recovered(
    alerted: bool, streak: int, status: str, after: int, expected: str | None
) -> None:
    """A source-problem alert after `after` failed or broken checks in a row, one recovery alert after."""
    state = view(
        health_alerted=alerted, failures=Streak(streak, "2026-04-30T12:00:00+00:00" if streak else None)
    )
    found = decide.health(state, SOURCE, CheckOutcome("p", status, error="HTTP 500"), NOW, after)
    assert (found.message.title if found else None) == expected
    if found and found.problem:
        since = "2026-04-30T12:00:00+00:00" if streak else NOW
        assert f"{streak + 1} checks in a row failed since {since}" in found.message.text
        assert "Last error: HTTP 500" in found.message.text


@pytest.mark.parametrize(
    ("state", "source", "read", "row", "outcome", "prices", "alert"),
    [
        (view(baseline=False, latest=()), SOURCE, page(LIST), "baseline", "baseline", 4, False),
        (view(), SOURCE, page(LIST), "unchanged", "unchanged", None, False),  # cosmetic change
        (view(), SOURCE, page(None), "unchanged", "unchanged", None, False),  # same content
        (view(), SOURCE, page(CUT), "changed", "changed", 4, True),
        (view(), replace(SOURCE, alert_min_percent=Decimal(5)), page(NUDGE), "changed", "changed", 4, False),
        (view(), SOURCE, page([]), "broken", "broken", None, False),  # no prices
        (view(), SOURCE, page(SHORT), "broken", "broken", None, False),  # most gone, first look
        (
            view(recent=(("broken", prices_digest(SHORT)),) * 2),
            SOURCE,
            page(SHORT),
            "changed",
            "changed",
            1,
            True,
        ),  # most gone, third look: removals alerted
        (view(), replace(SOURCE, hold=2), page(CUT), "unchanged", "unchanged", None, False),  # held
        (
            view(pending=(Pending(change("1", "0.5"), 1, NOW),)),
            replace(SOURCE, hold=2),
            page(CUT),
            "changed",
            "changed",
            4,
            True,
        ),  # seen twice: confirmed
        (view(settings_sha256="older settings"), SOURCE, page(CUT, then=CUT), "changed", "reread", 4, False),
        (view(settings_sha256="older settings"), SOURCE, page(CUT, then=LIST), "changed", "changed", 4, True),
    ],
)
def test_a_read_page_is_planned(
    state: SourceView, source: Source, read: PageRead, row: str, outcome: str, prices: int | None, alert: bool
) -> None:
    """Guard, diff, hold, corrections and thresholds: the check row, the outcome, whether a new price list
    is stored (and how long), and whether the changes are alerted."""
    decision = decide.read_page(state, source, NOW, NOW, read)
    assert decision.plan.status == row
    assert decision.outcome.status == outcome
    assert (len(decision.plan.prices) if decision.plan.prices is not None else None) == prices
    assert (decision.plan.alert is not None) is alert
    if row in ("broken", "baseline", "changed"):
        assert decision.plan.snapshot is not None and decision.plan.snapshot.packed == b"packed"


def test_held_changes_that_go_back_are_flaps_and_pending_is_rewritten() -> None:
    """With hold = 2, a change waiting that the page no longer shows is a flap (logged, not alerted),
    and a new change waits its turn."""
    waiting = Pending(change("2", "1.5", model="b"), 1, NOW)
    decision = decide.read_page(view(pending=(waiting,)), replace(SOURCE, hold=2), NOW, NOW, page(CUT))
    assert [(c.model, c.change) for c in decision.plan.flaps] == [("b", "flap")]
    assert [(p.change.model, p.count) for p in decision.plan.pending or []] == [("a", 1)]
    assert decision.plan.status == "unchanged" and decision.plan.alert is None


@pytest.mark.parametrize(
    ("then", "expected"),
    [
        (None, [("a", "reread")]),  # the old page is pruned: all of it is a correction
        (CUT, [("a", "reread")]),  # the new settings read the old page as the new one
        (LIST, [("a", "changed")]),  # the new settings change nothing: the page changed
        (NUDGE, [("a", "reread"), ("a", "changed")]),  # both
    ],
)
def test_corrections_after_a_settings_change(
    then: list[Price] | None, expected: list[tuple[str, str]]
) -> None:
    """What the new settings change in the last page read is a correction; what the page changed since is
    a change."""
    assert [(c.model, c.change) for c in decide.corrections(LIST, then, CUT)] == expected


def test_failures_and_feeds_plan_no_prices() -> None:
    """A failed fetch records the error and its HTTP status and touches nothing stored."""
    decision = decide.failed("p", NOW, NOW, "HTTP 503", 503)
    plan = decision.plan
    assert (plan.status, plan.http_status, plan.error, plan.prices, plan.state) == (
        "failed",
        503,
        "HTTP 503",
        None,
        None,
    )
    assert not decision.outcome.ok


def test_a_correction_is_never_held_and_never_alerted() -> None:
    """With hold = 2, a price first read that the last reading reported unread is a correction at once:
    recorded, stored, not alerted, and not held (held, it came back as an 'added' on the next check,
    whose view no longer quoted the cell, and was alerted)."""
    source = replace(SOURCE, hold=2)
    flux = price("flux-dev", "0.10", kind="per_image")
    said = ("flux-dev / Price: no kind of price named for '$0.10'",)
    first = decide.read_page(view(last_problems=said), source, NOW, NOW, page([*LIST, flux]))
    assert [(c.change, c.model) for c in first.plan.changes] == [("reread", "flux-dev")]
    assert first.plan.alert is None and flux in (first.plan.prices or [])
    assert first.plan.pending == []
    after = view(latest=tuple(first.plan.prices or []), last_problems=())
    second = decide.read_page(after, source, NOW, NOW, page([*LIST, flux]))
    assert second.plan.changes == [] and second.plan.alert is None


def test_a_rules_upgrade_keeps_the_changes_waiting_to_hold() -> None:
    """After a settings or rules change the corrections are recorded at once, and a real change of the
    page still waits for its `hold` observations: the upgrade neither alerts it early nor forgets it."""
    source = replace(SOURCE, hold=3)
    waiting = (Pending(change("1", "0.5"), 1, NOW),)
    state = view(pending=waiting, settings_sha256="before the upgrade")
    decision = decide.read_page(state, source, NOW, NOW, page(CUT, then=list(LIST)))
    assert decision.plan.alert is None and decision.plan.changes == []
    assert [(p.change.model, p.count) for p in decision.plan.pending or []] == [("a", 2)]
