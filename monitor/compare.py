"""The latest prices side by side: one row per model (and tier, condition), input / output / cached
input in columns, in their own currency and, where asked, converted at the user's [fx] rates."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from monitor.fx import Rates

COLUMNS = ("input", "output", "cached_input")
SORTS = ["provider", "model", *COLUMNS]  # `monitor prices --sort`


def kind_order(kind: str) -> tuple[int, str]:
    """Input, output and cached input first (as `monitor prices` shows them), then the rest by name."""
    return (COLUMNS.index(kind) if kind in COLUMNS else len(COLUMNS), kind)


@dataclass
class Row:
    source: str
    provider: str
    model: str
    tier: str
    condition: str
    currency: str
    unit: str
    prices: dict[str, Decimal] = field(default_factory=dict)  # kind -> per 1M, own currency
    free: set[str] = field(default_factory=set)  # kinds the page states as free
    other: list[str] = field(default_factory=list)  # the model's other kinds (batch, cache writes ...)
    other_prices: dict[str, Decimal] = field(default_factory=dict)  # their prices per 1M, own currency
    target: str | None = None  # the currency converted to
    rate: Decimal | None = None  # 1 currency = rate target
    fx: Rates = field(default_factory=Rates, repr=False)

    def converted(self, kind: str) -> Decimal | None:
        price = self.prices.get(kind)
        if price is None or self.target is None:
            return None
        return self.fx.convert(price, self.currency, self.target)

    def converted_shown(self, kind: str) -> Decimal | None:
        """The converted price to 4 significant digits, as tables show it: a rate is not more precise
        than that (stated prices stay exact; `--json` keeps the full figure)."""
        value = self.converted(kind)
        return None if value is None else Decimal(f"{value:.4g}")

    def record(self, fx: Rates) -> dict[str, Any]:
        """The row as `monitor prices --by-model --json` prints it."""
        record: dict[str, Any] = {
            "source": self.source,
            "provider": self.provider,
            "model": self.model,
            "tier": self.tier,
            "condition": self.condition,
            "currency": self.currency,
            "unit": self.unit,
            **{k: _number(self.prices.get(k)) for k in COLUMNS},
            "free": sorted(k for k in self.free if k in COLUMNS),
            "other_kinds": self.other,
        }
        if self.target:
            record["converted"] = {
                "currency": self.target,
                "rate": _number(self.rate),
                "rate_date": fx.date or None,
                **{k: _number(self.converted(k)) for k in COLUMNS},
            }
        return record


def compare(latest: list[dict[str, Any]], fx: Rates, target: str | None = None) -> list[Row]:
    """Rows of Store.all_latest_prices -> one Row per (source, model, tier, condition, currency, unit)."""
    rows: dict[tuple[str, ...], Row] = {}
    for price in latest:
        key = tuple(price[k] for k in ("source", "model", "tier", "condition", "currency", "unit"))
        row = rows.get(key)
        if row is None:
            row = rows[key] = Row(
                source=price["source"],
                provider=price["provider"] or "",
                model=price["model"],
                tier=price["tier"],
                condition=price["condition"],
                currency=price["currency"],
                unit=price["unit"],
            )
            if target:
                row.target, row.rate, row.fx = target, fx.rate(row.currency, target), fx
        if price["kind"] in COLUMNS:
            row.prices[price["kind"]] = Decimal(price["per_million"])
            if price["free"]:
                row.free.add(price["kind"])
        else:
            row.other.append(price["kind"])
            row.other_prices[price["kind"]] = Decimal(price["per_million"])
            if price["free"]:
                row.free.add(price["kind"])
    return list(rows.values())


def sort_rows(rows: list[Row], by: str) -> list[Row]:
    """By provider or model name, or by a price (cheapest first; converted where a target is set, so
    that currencies compare; rows without that price last)."""
    if by in ("provider", "model"):
        return sorted(rows, key=lambda r: (getattr(r, by).lower(), r.model.lower(), r.tier, r.condition))

    def price(row: Row) -> tuple[int, str, Decimal]:
        value = row.converted(by) if row.target else row.prices.get(by)
        currency = "" if row.target else row.currency
        return (value is None, currency, value if value is not None else Decimal(0))

    return sorted(rows, key=price)


def _number(value: Decimal | None) -> float | None:
    return None if value is None else float(value)
