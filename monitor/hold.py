"""Flap control: a change must hold for N observations before it is a change; one that goes back is a flap.

Pure functions over plain records. Aggregators re-price routes between polls (OpenRouter's prices go
down and back up six hours apart); `hold = 2` on such a source alerts only what stays.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

from monitor.diff import index_prices
from monitor.models import Change, Price, PriceKey, model_groups


def change_key(change: Change) -> PriceKey:
    return _shown(change).key


def _shown(change: Change) -> Price:
    shown = change.new or change.old
    assert shown is not None, "a change has an old or a new price"
    return shown


@dataclass(frozen=True)
class Pending:
    """A change seen `count` times in a row, not yet held long enough."""

    change: Change
    count: int
    first_seen: str

    def same_as(self, change: Change) -> bool:
        mine, theirs = self.change.new, change.new
        if mine is None or theirs is None:
            return mine is None and theirs is None
        return (mine.per_million, mine.free) == (theirs.per_million, theirs.free)


@dataclass(frozen=True)
class Held:
    confirmed: list[Change]  # changes that held `hold` observations: recorded and alerted
    pending: list[Pending]  # changes still waiting
    flaps: list[Change]  # changes that went back before they held: logged, never alerted


def hold_changes(changes: Iterable[Change], pending: Iterable[Pending], hold: int, now: str) -> Held:
    """Count each change's observations; confirm those seen `hold` times, report those that went back.
    A change is the pending one of the same price where the labels name one model (`same_model`): a
    page that adds a publisher to the name while a cut waits (`qwen/…`) neither restarts the count nor
    makes the waiting change a flap."""
    changes, pending = list(changes), list(pending)
    groups = model_groups(_shown(c).model for c in [*changes, *(p.change for p in pending)])

    def held_key(change: Change) -> PriceKey:
        return (groups[_shown(change).model], *change_key(change)[1:])

    waiting = {held_key(p.change): p for p in pending}
    confirmed: list[Change] = []
    still: list[Pending] = []
    seen: set[PriceKey] = set()
    for change in changes:
        key = held_key(change)
        seen.add(key)
        before = waiting.get(key)
        again = before is not None and before.same_as(change)
        count = before.count + 1 if before is not None and again else 1
        if count >= hold:
            confirmed.append(change)
        else:
            first = before.first_seen if before is not None and again else now
            still.append(Pending(change, count, first))
    flaps = [replace(p.change, change="flap") for key, p in waiting.items() if key not in seen]
    return Held(confirmed, still, flaps)


def apply_changes(old: Iterable[Price], confirmed: Iterable[Change]) -> list[Price]:
    """The stored price list with the confirmed changes made and the held ones not yet."""
    prices = index_prices(old)
    for change in confirmed:
        if change.old is not None:
            prices.pop(change.old.key, None)
        if change.new is not None and change.change != "removed":
            prices[change.new.key] = change.new
    return list(prices.values())
