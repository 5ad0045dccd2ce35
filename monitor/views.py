"""Records -> what the CLI prints: JSON objects (a contract for scripts) and plain tables."""

from __future__ import annotations

import io
import json
import os
import shutil
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

from monitor.compare import COLUMNS, Row
from monitor.fx import Rates
from monitor.history import Series, Step, pct
from monitor.messages import amount_per, format_pct, format_per_million
from monitor.models import Price, suspect_move


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
    """A row of `monitor log`, as the alert's table has it: the kind with its tier and condition, the
    move in percent (`suspect` marked) or what happened (added, removed ...)."""
    pct = format_pct(Decimal(str(record["pct"]))) if record["pct"] is not None else ""
    what = pct if record["change"] == "changed" and pct else record["change"]
    if record["suspect"]:
        what += " (suspect)"
    return [
        record["time"][:16],
        record["source"],
        record["model"],
        _kind(record["kind"], record["tier"], record["condition"]),
        what,
        record["old_raw"] or "",
        record["new_raw"] or "",
    ]


CHANGE_HEADER = ["time", "source", "model", "kind", "change", "old", "new"]


def _kind(kind: str, tier: str, condition: str) -> str:
    """'input [<=32K, peak]': a price's kind with its tier and condition, as alerts write it."""
    extra = ", ".join(x for x in (tier, condition) if x)
    return f"{kind} [{extra}]" if extra else kind


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


# Columns of short cells that never wrap (a time or a percent cut in two reads wrong); the others (model
# names, prices as stated, errors) wrap in their column when the terminal is narrow.
_NO_WRAP = {
    "time",
    "since",
    "pct",
    "fails",
    "models",
    "pending",
    "last check",
    "last success",
    "next run",
}


def table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A table for people (rich): wide characters (Chinese, Japanese) measured as two columns, long cells
    wrapped in their column, never cut. On a terminal (or with COLUMNS set) it fits the width; piped to
    a file or a program each row stays on one line."""
    if not rows:
        return ""
    from rich.cells import cell_len
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    width = terminal_width()
    cells = [list(header), *([str(cell).replace("\n", " ") for cell in row] for row in rows)]
    if width is None:  # nothing wraps: aligned by hand, a hundred times faster than laying out a table
        widths = [max(cell_len(row[i]) for row in cells) for i in range(len(header))]
        return "\n".join(
            "  ".join(c + " " * (w - cell_len(c)) for c, w in zip(row, widths, strict=True)).rstrip()
            for row in cells
        )
    out = io.StringIO()
    console = Console(file=out, width=width, color_system=None, highlight=False, emoji=False, soft_wrap=False)
    grid = Table(box=None, pad_edge=False, padding=(0, 1), show_edge=False)
    for name, each in zip(header, _widths(header, rows, width), strict=True):
        grid.add_column(name, width=each, no_wrap=name in _NO_WRAP, overflow="fold")
    for row in cells[1:]:
        grid.add_row(*(Text(cell) for cell in row))
    console.print(grid)
    return "\n".join(line.rstrip() for line in out.getvalue().splitlines())


def _widths(header: Sequence[str], rows: Sequence[Sequence[str]], width: int | None) -> list[int]:
    """Each column's width in terminal cells (a Chinese character takes two): its widest cell where the
    table fits; else the widest column that may wrap gives way first, down to 8 cells (3 on a very narrow
    terminal), and a model's name keeps up to 20 until the others are down to that."""
    from rich.cells import cell_len

    natural = [max(cell_len(str(row[i])) for row in [header, *rows]) for i in range(len(header))]
    widths = list(natural)
    room = (width or 1_000_000) - 2 * (len(header) - 1)
    floors = [w if name in _NO_WRAP else min(w, 8) for name, w in zip(header, natural, strict=True)]
    named = [
        min(w, 20) if name in ("model", "provider") else f
        for name, w, f in zip(header, natural, floors, strict=True)
    ]
    tiny = [w if name in _NO_WRAP else min(w, 3) for name, w in zip(header, natural, strict=True)]
    for least in (named, floors, tiny):
        while sum(widths) > room:
            give = [i for i, w in enumerate(widths) if w > least[i]]
            if not give:
                break
            widths[max(give, key=lambda i: widths[i])] -= 1
    return widths


@contextmanager
def progress(total: int) -> Iterator[Callable[[Any], None] | None]:
    """`monitor check` over many sources on a terminal: a progress bar (on stderr, gone when done) that
    each outcome advances; None (plain lines only) when stdout is not a terminal or there is one source."""
    if total < 2 or not sys.stdout.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    bar = Progress(
        TextColumn("checking"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.description}"),
        console=Console(stderr=True),
        transient=True,
    )
    task = bar.add_task("", total=total)
    with bar:
        yield lambda outcome: bar.update(task, advance=1, description=f"{outcome.source}: {outcome.status}")


def terminal_width() -> int | None:
    """COLUMNS where set, else the terminal's width when stdout is one; None for a pipe or a file."""
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit() and int(columns) > 0:
        return int(columns)
    if sys.stdout.isatty():
        return shutil.get_terminal_size((120, 24)).columns
    return None


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
        others = (
            f"{k} {_cell(row.other_prices.get(k), row.currency, row.unit, k in row.free)}" for k in row.other
        )
        table.append([*cells, ", ".join(x.strip() for x in others)])
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


HISTORY_HEADER = ["since", "source", "model", "kind", "per 1M", "change", "as stated"]


def history_rows(series: Sequence[Series]) -> list[list[str]]:
    rows = []
    for line in series:
        previous: Step | None = None
        for step in line.steps:
            moved = pct(previous.per_million, step.per_million) if previous else None
            what = format_pct(moved) if moved is not None else ""
            if previous and previous.per_million is not None and step.per_million is not None:
                why = suspect_move(previous.per_million, step.per_million, previous.free, step.free)
                what += " (suspect)" if why else ""
            rows.append(
                [
                    step.time[:16],
                    line.source,
                    step.name,
                    _kind(line.kind, line.tier, line.condition),
                    _cell(step.per_million, line.currency, line.unit, step.free) or "(gone)",
                    what.strip(),
                    step.raw,
                ]
            )
            previous = step
    return rows
