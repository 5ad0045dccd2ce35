"""A model's prices over time, as steps: what `monitor history`, its charts and the report show.

Built from the stored price lists (one per check that changed a source), so a price that left the page
shows as a gap, and one that came back as a new step.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from monitor.compare import kind_order
from monitor.models import model_groups, model_id
from monitor.store import Store

SeriesKey = tuple[str, str, str, str, str, str, str]  # source, model, kind, tier, condition, currency, unit


@dataclass(frozen=True)
class Step:
    """From `time` on, the price was `per_million` (None: no longer on the page)."""

    time: str
    per_million: Decimal | None
    raw: str = ""
    free: bool = False
    name: str = ""  # the model's name as the page stated it then

    @property
    def value(self) -> float | None:
        return None if self.per_million is None else float(self.per_million)


@dataclass
class Series:
    """One price of one model (a kind, tier and condition) at one source, over time."""

    source: str
    provider: str
    model: str
    kind: str
    tier: str
    condition: str
    currency: str
    unit: str
    steps: list[Step] = field(default_factory=list)
    until: str = ""  # the source's last check: as far as the price is known to hold

    def moves(self) -> list[tuple[Step, Step]]:
        """Each step with the one before it: the changes to annotate."""
        return list(zip(self.steps, self.steps[1:], strict=False))


def build_series(
    rows: Iterable[dict[str, Any]], checks: dict[str, list[str]], last_checks: dict[str, str] | None = None
) -> list[Series]:
    """Rows of Store.price_history, and each source's stored check times -> one Series per price.

    At every stored check of its source after the first sighting, a price is either there (a step if
    its amount moved) or not (a gap, once). A model renamed with or without its publisher
    ('Qwen3-32B' -> 'Qwen/Qwen3-32B') stays one series, as the diff pairs it, unless a page lists both.
    """
    rows = list(rows)
    group = model_groups(row["model"] for row in rows)
    names: dict[tuple[Any, ...], set[str]] = {}
    for row in rows:
        names.setdefault((*_key(row, group.__getitem__), row["time"]), set()).add(row["model"])
    both = {key[:-1] for key, models in names.items() if len(models) > 1}
    seen: dict[SeriesKey, dict[str, dict[str, Any]]] = {}
    for row in rows:
        key = _key(row, group.__getitem__)
        if key in both:
            key = _key(row, model_id)
        seen.setdefault(key, {})[row["time"]] = row
    result = []
    for key, by_time in seen.items():
        first = min(by_time)
        sample = by_time[max(by_time)]
        series = Series(
            source=key[0],
            provider=sample.get("provider") or "",
            model=sample["model"],
            kind=key[2],
            tier=key[3],
            condition=key[4],
            currency=key[5],
            unit=key[6],
            until=(last_checks or {}).get(key[0], ""),
        )
        for time in [t for t in checks.get(key[0], []) if t >= first] or [first]:
            found = by_time.get(time)
            step = (
                Step(
                    time,
                    Decimal(found["per_million"]),
                    found["raw"] or "",
                    bool(found["free"]),
                    found["model"],
                )
                if found
                else Step(time, None)
            )
            if not series.steps or series.steps[-1].per_million != step.per_million:
                series.steps.append(step)
        result.append(series)
    return sorted(result, key=lambda s: (s.source, kind_order(s.kind), s.tier, s.condition, s.currency))


def _key(row: dict[str, Any], identify: Callable[[str], str]) -> SeriesKey:
    return (
        row["source"],
        identify(row["model"]),
        row["kind"],
        row["tier"],
        row["condition"],
        row["currency"],
        row["unit"],
    )


def model_series(store: Store, model: str, source: str | None = None) -> list[Series]:
    """A model's price series from the database (any case, spaces for hyphens, with or without the
    publisher), optionally at one source only."""
    rows = [r for r in store.price_history(model) if source is None or r["source"] == source]
    checks = {name: store.price_checks(name) for name in {r["source"] for r in rows}}
    return build_series(rows, checks, store.last_checks(checks))


def pct(before: Decimal | None, after: Decimal | None) -> Decimal | None:
    if before is None or after is None or before == 0:
        return None
    return ((after - before) * 100 / before).quantize(Decimal("0.1"))
