"""Exchange rates the user sets in sources.toml ([fx]), dated, and the one way prices are converted.

Prices are stored in their own currency, always; a converted figure is for comparing, and says the
rate it used and the day that rate was set. No rate is ever fetched or guessed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal


@dataclass(frozen=True)
class Rates:
    """`per_base[X]` units of currency X buy one unit of `base` (the base itself is 1)."""

    date: str = ""  # the day the user set the rates
    base: str = "USD"
    per_base: dict[str, Decimal] = field(default_factory=dict)

    def known(self, currency: str) -> bool:
        return currency == self.base or currency in self.per_base

    def rate(self, source: str, target: str) -> Decimal | None:
        """How many `target` one `source` is worth, or None when either has no rate."""
        if source == target:
            return Decimal(1)
        if not (self.known(source) and self.known(target)):
            return None
        return self._per_base(target) / self._per_base(source)

    def convert(self, amount: Decimal, source: str, target: str) -> Decimal | None:
        """`amount` of `source` in `target` (multiplied before it is divided: 7.25 CNY is exactly 1 USD)."""
        if self.rate(source, target) is None:
            return None
        if source == target:
            return amount
        return amount * self._per_base(target) / self._per_base(source)

    def describe(self, source: str, target: str) -> str:
        """'1 USD = 7.12 CNY (rates of 2026-11-20)', as reports print it."""
        rate = self.rate(source, target)
        if rate is None:
            return f"no rate for {source} -> {target} in [fx]"
        return f"1 {source} = {_short(rate)} {target} (rates of {self.date})"

    def _per_base(self, currency: str) -> Decimal:
        return Decimal(1) if currency == self.base else self.per_base[currency]


def _short(value: Decimal) -> str:
    """A rate to 6 significant digits, without trailing zeros."""
    text = f"{value:.6g}"
    return format(Decimal(text).normalize(), "f")
