"""Plain records that flow through the pipeline: prices, changes, fetch results."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from typing import Literal

MILLION = 1_000_000
# A price that moves by this factor or more at once is more likely a unit error than a price change
# (LiteLLM's price map once fixed ~175 entries off by 10,000x).
SUSPECT_FACTOR = 100

# A price is identified, within one source, by these fields: two prices of one model that differ
# only by tier, condition, currency or unit are two records, never a collision.
PriceKey = tuple[str, str, str, str, str, str]

# 'reread': a price that differs because the source's settings changed (a correction, never alerted);
# 'relabelled': a price the page now shows under another label, at the same amount (never alerted)
ChangeKind = Literal["changed", "added", "removed", "status", "flap", "reread", "relabelled"]


@dataclass(frozen=True)
class Price:
    """One price of one model as a page states it, with its normalized amount.

    `amount` is per `per` units (tokens or characters) in `currency`; `raw` is the text as found.
    """

    model: str
    kind: str  # input | output | cached_input | cache_write_5m | batch_input | ...
    amount: Decimal
    currency: str
    per: int = MILLION
    unit: str = "tokens"  # tokens | characters | request | image
    tier: str = ""
    condition: str = ""
    free: bool = False
    raw: str = ""
    note: str = ""
    status: str = ""  # the model's status as the page notes it (deprecated, preview ...); not in the key
    # where on the page it was read ('Pricing > Text models > tab 广州 › GLM-5 / Input'): for
    # `monitor extract --explain`; not stored, not compared
    where: str = field(default="", compare=False)

    @property
    def per_million(self) -> Decimal:
        """The amount for one million units, exact."""
        return normalize_decimal(self.amount * MILLION / self.per)

    @property
    def key(self) -> PriceKey:
        return (
            model_id(self.model),
            self.kind,
            self.tier,
            self.condition,
            self.currency,
            self.unit,
        )


@dataclass(frozen=True)
class ExtractResult:
    """What extraction found on a page: prices, and the cells it could not read."""

    prices: list[Price]
    problems: list[str] = field(default_factory=list)
    # prices the page lists more than once at different amounts (reported): not read, and not gone
    unsettled: frozenset[PriceKey] = frozenset()


@dataclass(frozen=True)
class Change:
    """One difference between the last good price list of a source and the new one."""

    change: ChangeKind
    model: str
    kind: str
    tier: str
    condition: str
    currency: str
    unit: str
    old: Price | None
    new: Price | None
    # the new price is one of those that replaced `old` under new tiers or conditions (0.14 -> 0.22
    # off-peak, 0.44 peak): said beside the change, which is named as the new price
    restructured: bool = False

    @classmethod
    def between(
        cls, change: ChangeKind, old: Price | None, new: Price | None, restructured: bool = False
    ) -> Change:
        """The change from `old` to `new` (either may be None), named as the newer side names it."""
        shown = new or old
        assert shown is not None, "a change has an old or a new price"
        _model, kind, tier, condition, currency, unit = shown.key
        return cls(change, shown.model, kind, tier, condition, currency, unit, old, new, restructured)

    @property
    def old_per_million(self) -> Decimal | None:
        return self.old.per_million if self.old else None

    @property
    def new_per_million(self) -> Decimal | None:
        return self.new.per_million if self.new else None

    @property
    def pct(self) -> Decimal | None:
        """Percent change of the normalized price, one decimal; None where it has no meaning."""
        old, new = self.old_per_million, self.new_per_million
        if old is None or new is None or old == 0:
            return None
        return ((new - old) * 100 / old).quantize(Decimal("0.1"))

    @property
    def suspect(self) -> str | None:
        """Why this change looks like a unit error or a typo rather than a new price, or None."""
        old, new = self.old, self.new
        if self.change != "changed" or old is None or new is None:
            return None
        return suspect_move(old.per_million, new.per_million, old.free, new.free)


def suspect_move(before: Decimal, after: Decimal, before_free: bool, after_free: bool) -> str | None:
    """Why a move of a price per 1M looks like a unit error or a typo rather than a new price, or None."""
    if before == 0 or after == 0:
        if (before == 0 and not before_free) or (after == 0 and not after_free):
            return "crosses zero while the page does not say free"
        return None
    factor = max(before, after) / min(before, after)
    if factor >= SUSPECT_FACTOR:
        return f"changed by a factor of {factor.quantize(Decimal(1))}: a unit error?"
    return None


@dataclass(frozen=True)
class FetchResult:
    """A fetched page. `not_modified` is a 304 answer to a conditional request: no body."""

    url: str
    status: int
    body: bytes = b""
    text: str = ""
    encoding: str = ""
    etag: str | None = None
    last_modified: str | None = None
    not_modified: bool = False


_PUBLISHER = re.compile(r"^[\w.-]+/(?=\S)")


_SEPARATORS = re.compile(r"[\s_-]+")


@lru_cache(maxsize=2048)  # asked for every price's key, many times a page
def model_id(name: str) -> str:
    """How a model is matched across versions of a page: 'Mistral Large' is 'mistral-large'.

    Pages relabel by case and by spaces for hyphens; neither is a new model.
    """
    return _SEPARATORS.sub("-", name.strip().lower())


def has_publisher(name: str) -> bool:
    """'deepseek-ai/DeepSeek-R1' names its publisher; 'DeepSeek-R1' does not."""
    return bool(_PUBLISHER.match(name.strip()))


def relaxed_model_id(name: str) -> str:
    """model_id without a publisher prefix: 'deepseek-ai/DeepSeek-R1' -> 'deepseek-r1'.

    Used only to pair a removed name with an added one when exactly one of each has it.
    """
    return model_id(_PUBLISHER.sub("", name.strip()))


def same_model(a: str, b: str) -> bool:
    """Whether two labels name one model: the one rule of the diff, holds, history, exports and the
    report. Pages relabel by case and spaces ('Mistral Large' / 'mistral-large') and by adding or
    dropping a publisher ('qwen2.5-vl-72b-instruct' / 'qwen/qwen2.5-vl-72b-instruct'); two publishers
    ('databricks/x', 'sambanova/x') are two providers' entries."""
    if model_id(a) == model_id(b):
        return True
    return has_publisher(a) != has_publisher(b) and relaxed_model_id(a) == relaxed_model_id(b)


def model_groups(names: Iterable[str]) -> dict[str, str]:
    """Each name -> the key its model goes by among `names` (by `same_model`): the id without a
    publisher, where at most one publisher shares it; else each name's own id."""
    names = set(names)
    publishers: dict[str, set[str]] = {}
    for name in names:
        if has_publisher(name):
            publishers.setdefault(relaxed_model_id(name), set()).add(model_id(name))
    return {
        name: relaxed_model_id(name)
        if len(publishers.get(relaxed_model_id(name), ())) <= 1
        else model_id(name)
        for name in names
    }


def normalize_decimal(value: Decimal) -> Decimal:
    """Drop trailing zeros without switching to exponent notation (0.50 -> 0.5, 100 -> 100)."""
    if value == value.to_integral_value():
        return value.quantize(Decimal(1))
    return value.normalize()
