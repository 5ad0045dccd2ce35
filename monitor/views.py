"""Records -> what the CLI prints: JSON objects (a contract for scripts) and plain tables."""

from __future__ import annotations

import json
import shutil
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from monitor.compare import COLUMNS, Row
from monitor.fx import Rates
from monitor.history import Series, pct
from monitor.messages import amount_per, format_pct, format_per_million
from monitor.models import Price


def number(value: str | Decimal | None) -> float | None:
    """A stored decimal as a JSON number (shortest form that reads back the same) or null."""
    return None if value is None or value == "" else float(Decimal(value))


def price_record(price: Price) -> dict[str, Any]:
    """One record of `monitor extract --json`."""
    return {
        "model": price.model,
        "kind": price.kind,
        "amount": number(price.amount),
        "currency": price.currency,
        "per_tokens": price.per,
        "unit": price.unit,
        "per_million": number(price.per_million),
        "tier": price.tier,
        "condition": price.condition,
        "free": price.free,
        "raw": price.raw,
        "note": price.note,
        "status": price.status,
        "where": price.where,
    }


def explained(price: Price) -> str:
    """A price and the path it was read from: `monitor extract --explain`."""
    said = " ".join(x for x in (price.tier, price.condition) if x)
    head = f"{price.model} · {price.kind}{f' [{said}]' if said else ''}"
    value = f"{number(price.amount)} {price.currency} / {price.per} {price.unit}"
    return f"{head}: {value}\n    from {price.where or 'the page'}: {price.raw!r}"


def change_record(row: dict[str, Any]) -> dict[str, Any]:
    """One record of `monitor log --json`."""
    return {
        "time": row["time"],
        "source": row["source"],
        "provider": row["provider"],
        "model": row["model"],
        "kind": row["kind"],
        "tier": row["tier"],
        "condition": row["condition"],
        "change": row["change"],
        "currency": row["currency"],
        "unit": row["unit"],
        "old_per_million": number(row["old_per_million"]),
        "new_per_million": number(row["new_per_million"]),
        "pct": number(row["pct"]),
        "old_raw": row["old_raw"],
        "new_raw": row["new_raw"],
        "url": row["url"],
        "suspect": row["suspect"],
        "old_status": row["old_status"],
        "new_status": row["new_status"],
    }


def latest_record(row: dict[str, Any]) -> dict[str, Any]:
    """One record of `monitor prices --json`."""
    return {
        "source": row["source"],
        "provider": row["provider"],
        "model": row["model"],
        "kind": row["kind"],
        "tier": row["tier"],
        "condition": row["condition"],
        "currency": row["currency"],
        "unit": row["unit"],
        "amount": number(row["amount"]),
        "per_tokens": row["per"],
        "per_million": number(row["per_million"]),
        "free": bool(row["free"]),
        "raw": row["raw"],
        "since": row["since"],
        "status": row["status"],
    }


def dumps(records: Sequence[dict[str, Any]]) -> str:
    return json.dumps(list(records), ensure_ascii=False, indent=2)


def change_row(record: dict[str, Any]) -> list[str]:
    old = record["old_raw"] or ""
    new = record["new_raw"] or ""
    pct = format_pct(Decimal(str(record["pct"]))) if record["pct"] is not None else ""
    extra = " ".join(x for x in (record["tier"], record["condition"]) if x)
    return [
        record["time"][:16],
        record["source"],
        record["model"],
        record["kind"],
        extra,
        record["change"],
        old,
        new,
        pct,
    ]


CHANGE_HEADER = ["time", "source", "model", "kind", "tier/cond", "change", "old", "new", "pct"]


def news_record(row: dict[str, Any]) -> dict[str, Any]:
    """One record of `monitor log --news --json`: an extract-news claim with where and when it was read."""
    return {
        "time": row["found"],
        "source": row["source"],
        "link": row["link"],
        "model": row["model"],
        "provider": row["provider"],
        "kind": row["kind"],
        "currency": row["currency"],
        "old_per_million": row["old_per_million"],
        "new_per_million": row["new_per_million"],
        "free": bool(row["free"]),
        "quote": row["quote"],
        "verdict": row["verdict"],
        "tier": row["tier"],
    }


def news_row(record: dict[str, Any]) -> list[str]:
    new = "free" if record["free"] else f"{record['new_per_million']} {record['currency']}"
    old = f"{record['old_per_million']} {record['currency']}" if record["old_per_million"] else ""
    return [
        record["time"][:16],
        record["source"],
        record["model"],
        record["kind"] + (f" [{record['tier']}]" if record.get("tier") else ""),
        old,
        new,
        record["verdict"],
    ]


NEWS_HEADER = ["time", "source", "model", "kind", "old /1M", "new /1M", "pricing page"]


def notice_record(row: dict[str, Any]) -> dict[str, Any]:
    """One record of `monitor log --notices-only --json`: a pricing page's sentence announcing prices."""
    return {
        "time": row["found"],
        "source": row["source"],
        "provider": row["provider"],
        "url": row["url"],
        "notice": row["sentence"],
    }


def notice_row(record: dict[str, Any]) -> list[str]:
    return [record["time"][:16], record["source"], record["notice"]]


NOTICE_HEADER = ["time", "source", "notice on the pricing page"]


def price_row(record: dict[str, Any]) -> list[str]:
    amount = Decimal(str(record["per_million"]))
    normalized = format_per_million(amount, record["currency"], record["unit"], record["free"])
    extra = " ".join(x for x in (record.get("tier", ""), record.get("condition", "")) if x)
    return [
        record.get("source", ""),
        record["model"],
        record["kind"],
        extra,
        normalized,
        record["raw"],
    ]


PRICE_HEADER = ["source", "model", "kind", "tier/cond", "normalized", "as stated"]


def table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A plain table that fits the terminal: the widest column gives way first."""
    if not rows:
        return ""
    cells = [list(header)] + [[str(c).replace("\n", " ") for c in row] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(header))]
    room = shutil.get_terminal_size((120, 24)).columns - 2 * (len(widths) - 1)
    while sum(widths) > room and max(widths) > 8:
        widest = widths.index(max(widths))
        widths[widest] -= 1
    lines = []
    for row in cells:
        parts = [_fit(c, w) for c, w in zip(row, widths, strict=True)]
        lines.append("  ".join(parts).rstrip())
    return "\n".join(lines)


def _fit(text: str, width: int) -> str:
    return text.ljust(width) if len(text) <= width else text[: width - 1] + "…"


def with_conversion(record: dict[str, Any], fx: Rates, target: str) -> dict[str, Any]:
    """A `monitor prices --json --currency X` record: the price as stated, plus the converted figure."""
    rate = fx.rate(record["currency"], target)
    converted = None
    if record["per_million"] is not None:
        converted = number(fx.convert(Decimal(str(record["per_million"])), record["currency"], target))
    return {
        **record,
        "converted": {
            "currency": target,
            "per_million": converted,
            "rate": number(rate),
            "rate_date": fx.date or None,
        },
    }


def _cell(value: Decimal | None, currency: str, unit: str, free: bool) -> str:
    if value is None:
        return ""
    if free and value == 0:
        return "free"
    shown, per = amount_per(value, unit)
    return f"{shown} {currency}" if unit == "tokens" else f"{shown} {currency}/{per}"


def compare_table(rows: Sequence[Row], target: str | None) -> tuple[list[str], list[list[str]]]:
    """`monitor prices`: a row per model, input / output / cached input per 1M tokens side by side."""
    header = ["provider", "model", "tier/cond", "input /1M", "output /1M", "cached /1M"]
    if target:
        header += [f"input {target}", f"output {target}", f"cached {target}"]
    table = []
    for row in rows:
        cells = [
            row.provider or row.source,
            row.model,
            " ".join(x for x in (row.tier, row.condition) if x),
            *(_cell(row.prices.get(k), row.currency, row.unit, k in row.free) for k in COLUMNS),
        ]
        if target:
            if row.rate is None:
                cells += [f"no {row.currency} rate", "", ""]
            else:
                cells += [_cell(row.converted_shown(k), target, row.unit, k in row.free) for k in COLUMNS]
        table.append([*cells, ", ".join(row.other)])
    return [*header, "other"], table


def rate_notes(rows: Sequence[Row], fx: Rates) -> list[str]:
    """One line per rate a converted table used, with the date the rates were set."""
    pairs = sorted({(r.currency, r.target) for r in rows if r.target and r.rate and r.currency != r.target})
    return [f"converted at {fx.describe(source, target)}" for source, target in pairs if target]


def series_record(series: Series) -> dict[str, Any]:
    """One object of `monitor history --json`."""
    return {
        "source": series.source,
        "provider": series.provider,
        "model": series.model,
        "kind": series.kind,
        "tier": series.tier,
        "condition": series.condition,
        "currency": series.currency,
        "unit": series.unit,
        "steps": [
            {
                "time": s.time,
                "per_million": number(s.per_million),
                "free": s.free,
                "raw": s.raw,
                "model": s.name,
            }
            for s in series.steps
        ],
    }


HISTORY_HEADER = ["since", "source", "model", "kind", "tier/cond", "per 1M", "change", "as stated"]


def history_rows(series: Sequence[Series]) -> list[list[str]]:
    rows = []
    for line in series:
        extra = " ".join(x for x in (line.tier, line.condition) if x)
        previous = None
        for step in line.steps:
            moved = pct(previous, step.per_million)
            rows.append(
                [
                    step.time[:16],
                    line.source,
                    step.name,
                    line.kind,
                    extra,
                    _cell(step.per_million, line.currency, line.unit, step.free) or "(gone)",
                    format_pct(moved) if moved is not None else "",
                    step.raw,
                ]
            )
            previous = step.per_million
    return rows
