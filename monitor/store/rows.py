"""How a store's rows read as records and back: prices, changes (in the log and held), a source's row.

Decimals are stored as TEXT so that a price read as 0.0028 is 0.0028 forever, in plain notation.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from operator import itemgetter
from typing import Any

from monitor.hold import Pending, change_key
from monitor.models import Change, Price, relaxed_model_id

PRICE_KEY = ["source", "model", "kind", "tier", "condition", "currency", "unit"]


@dataclass(frozen=True)
class SourceRow:
    """What the `sources` table says of a configured source."""

    name: str
    provider: str
    kind: str
    url: str


def since_of(
    latest: dict[tuple[Any, ...], tuple[str, str, tuple[Any, ...]] | None],
    listed: set[tuple[Any, ...]],
    row: dict[str, Any],
    started: str,
) -> str:
    """When a price took its value: kept from the last list where the value is the same, else now.
    A model renamed with or without its publisher keeps it, unless the old name is still listed too."""
    if not latest:
        return started
    found = latest.get(exact_key(row))
    if found is None:
        renamed = latest.get(relaxed_key(row))
        found = renamed if renamed and renamed[2] not in listed else None
    # compared as numbers: a row stored before amounts were written in plain notation may read '9.38E-7'
    return found[0] if found and Decimal(found[1]) == Decimal(row["per_million"]) else started


_KEY_VALUES = itemgetter(*PRICE_KEY)
_KEY_REST = itemgetter(*(k for k in PRICE_KEY if k not in ("source", "model")))


def exact_key(row: dict[str, Any]) -> tuple[Any, ...]:
    return ("exact", *_KEY_VALUES(row))


def relaxed_key(row: dict[str, Any]) -> tuple[Any, ...]:
    return ("relaxed", relaxed_model_id(row["model"]), *_KEY_REST(row))


def _plain(value: Decimal | None) -> str | None:
    """A decimal as stored: '0.000000938', never str()'s '9.38E-7', so SQL readers see the page's form."""
    return None if value is None else format(value, "f")


# a price's columns, in the order `price_values` gives them
PRICE_COLUMNS = (*PRICE_KEY, "amount", "per", "per_million", "free", "raw", "note", "status")


def price_values(source: str, price: Price) -> tuple[Any, ...]:
    """A price's row as values in PRICE_COLUMNS' order (a check stores a hundred: no dict each)."""
    return (
        source,
        price.model,
        price.kind,
        price.tier,
        price.condition,
        price.currency,
        price.unit,
        _plain(price.amount),
        price.per,
        _plain(price.per_million),
        int(price.free),
        price.raw,
        price.note,
        price.status,
    )


def price_row(source: str, price: Price) -> dict[str, Any]:
    return dict(zip(PRICE_COLUMNS, price_values(source, price), strict=True))


def price_from_row(row: dict[str, Any]) -> Price:
    return Price(
        model=row["model"],
        kind=row["kind"],
        amount=Decimal(row["amount"]),
        currency=row["currency"],
        per=row["per"],
        unit=row["unit"],
        tier=row["tier"],
        condition=row["condition"],
        free=bool(row["free"]),
        raw=row["raw"],
        note=row["note"] or "",
        status=row["status"] or "",
    )


def change_to_json(change: Change) -> str:
    data = {
        "change": change.change,
        "old": price_row("", change.old) if change.old else None,
        "new": price_row("", change.new) if change.new else None,
    }
    return json.dumps(data, ensure_ascii=False)


def change_from_json(text: str) -> Change:
    data = json.loads(text)
    old = price_from_row(data["old"]) if data["old"] else None
    new = price_from_row(data["new"]) if data["new"] else None
    return Change.between(data["change"], old, new)


def change_from_row(row: dict[str, Any]) -> Change:
    """A change as stored in the change log, with its old and new prices."""

    def side(prefix: str) -> Price | None:
        if row[f"{prefix}_amount"] is None:
            return None
        return Price(
            model=row["model"],
            kind=row["kind"],
            amount=Decimal(row[f"{prefix}_amount"]),
            currency=row["currency"],
            per=row[f"{prefix}_per"],
            unit=row["unit"],
            tier=row["tier"],
            condition=row["condition"],
            free=bool(row[f"{prefix}_free"]),
            raw=row[f"{prefix}_raw"] or "",
            status=row[f"{prefix}_status"] or "",
        )

    return Change.between(row["change"], side("old"), side("new"))


def change_row(source: SourceRow, check_id: int | None, when: str, change: Change) -> dict[str, Any]:
    old, new = change.old, change.new
    return {
        "check_id": check_id,
        "time": when,
        "source": source.name,
        "provider": source.provider,
        "url": source.url,
        "model": change.model,
        "kind": change.kind,
        "tier": change.tier,
        "condition": change.condition,
        "currency": change.currency,
        "unit": change.unit,
        "change": change.change,
        "old_amount": _plain(old.amount) if old else None,
        "new_amount": _plain(new.amount) if new else None,
        "old_per": old.per if old else None,
        "new_per": new.per if new else None,
        "old_per_million": _plain(change.old_per_million) if old else None,
        "new_per_million": _plain(change.new_per_million) if new else None,
        "pct": str(change.pct) if change.pct is not None else None,
        "old_raw": old.raw if old else None,
        "new_raw": new.raw if new else None,
        "old_free": int(old.free) if old else None,
        "new_free": int(new.free) if new else None,
        "suspect": change.suspect,
        "old_status": old.status if old else None,
        "new_status": new.status if new else None,
    }


def pending_row(source: str, pending: Pending) -> dict[str, Any]:
    """A held change as `pending_changes` keeps it."""
    return {
        "source": source,
        "key": json.dumps(change_key(pending.change), ensure_ascii=False),
        "change": change_to_json(pending.change),
        "count": pending.count,
        "first_seen": pending.first_seen,
    }


def pending_from_row(row: dict[str, Any]) -> Pending:
    return Pending(change_from_json(row["change"]), row["count"], row["first_seen"])
