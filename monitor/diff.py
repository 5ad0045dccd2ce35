"""Old prices + new prices -> changes, and the guard that tells a broken page from removed models."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from monitor.models import Change, ChangeKind, Price, PriceKey

# A page that loses more than this share of its prices at once is broken, not re-priced.
MOST_GONE = 0.5
MIN_PRICES_FOR_SHARE = 4
# A smaller price list seen on this many checks in a row is what the provider publishes, not a glitch.
CONFIRM_SHRINK = 3


def index_prices(prices: Iterable[Price]) -> dict[PriceKey, Price]:
    return {price.key: price for price in prices}


def diff_prices(old: Iterable[Price], new: Iterable[Price]) -> list[Change]:
    """Every price changed, added or removed, compared per 1M units (a unit switch is no change)."""
    before, after = index_prices(old), index_prices(new)
    changes: list[Change] = []
    for key, price in after.items():
        previous = before.get(key)
        if previous is None:
            changes.append(_change("added", key, None, price))
        elif previous.per_million != price.per_million or previous.free != price.free:
            changes.append(_change("changed", key, previous, price))
    for key, price in before.items():
        if key not in after:
            changes.append(_change("removed", key, price, None))
    return sorted(changes, key=lambda c: (c.model, c.kind, c.tier, c.condition, c.currency))


def prices_digest(prices: Iterable[Price]) -> str:
    """A fingerprint of a price list: equal lists, in any order, have equal digests."""
    lines = sorted(f"{'|'.join(p.key)}={p.per_million}" for p in prices)
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


def page_problem(old: Iterable[Price], new: Iterable[Price]) -> str | None:
    """Why a new price list looks like a broken page rather than the provider's choice, or None."""
    before, after = index_prices(old), index_prices(new)
    if not after:
        return "no prices found on the page"
    if len(before) >= MIN_PRICES_FOR_SHARE and len(after) < len(before) * (1 - MOST_GONE):
        return f"most prices gone ({len(after)} left of {len(before)}): the page layout probably changed"
    return None


def _change(kind: ChangeKind, key: PriceKey, old: Price | None, new: Price | None) -> Change:
    _model_id, price_kind, tier, condition, currency, unit = key
    shown = new or old
    assert shown is not None
    return Change(
        change=kind,
        model=shown.model,
        kind=price_kind,
        tier=tier,
        condition=condition,
        currency=currency,
        unit=unit,
        old=old,
        new=new,
    )
