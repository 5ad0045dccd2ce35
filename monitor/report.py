"""`monitor report --out DIR`: a static HTML report that opens from the file system (no server, no
script, nothing fetched): the latest changes, the news' claims, the price comparison, and a step chart
per changed model."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from monitor import charts
from monitor.compare import COLUMNS, Row, compare, sort_rows
from monitor.errors import MonitorError
from monitor.fx import Rates
from monitor.history import model_series
from monitor.messages import NOT_ALERTED, format_pct, format_per_million
from monitor.models import model_groups, model_id
from monitor.store import LogFilter, Store

_STYLE = """
body { font: 14px/1.45 system-ui, sans-serif; margin: 2em auto; max-width: 72em; padding: 0 1em; color: #222 }
h1 { font-size: 1.5em } h2 { margin-top: 2em; border-bottom: 1px solid #ccc }
table { border-collapse: collapse; width: 100%; margin: 0.5em 0 }
th, td { text-align: left; padding: 0.25em 0.6em; border-bottom: 1px solid #eee; vertical-align: top }
th { background: #f4f4f4 } td.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap }
.down { color: #0a7b32 } .up { color: #b3261e } .suspect { background: #fff4d6 }
.free { color: #0a7b32; font-weight: 600 } .muted { color: #777 } td.t { white-space: nowrap }
details { margin: 1em 0 } summary { cursor: pointer }
figure { margin: 1.5em 0 } figure img { max-width: 100%; border: 1px solid #eee }
"""


@dataclass(frozen=True)
class ReportInput:
    since: str  # ISO time: changes from then on are "the latest"
    now: datetime
    currency: str | None  # compare converted to this currency too
    fx: Rates


def write_report(store: Store, out: Path, options: ReportInput) -> Path:
    """Write DIR/index.html and DIR/charts/*.svg; return the index's path. Errors name the file."""
    changes = [
        c for c in store.find_changes(LogFilter(since=options.since)) if c["change"] not in NOT_ALERTED
    ]
    claims = store.find_news_claims(LogFilter(since=options.since))
    rows = sort_rows(compare(store.all_latest_prices(), options.fx, options.currency), "provider")
    figures = []
    missing = None
    try:
        (out / "charts").mkdir(parents=True, exist_ok=True)
        for name in _changed_models(changes):
            series = model_series(store, name)
            if not series:
                continue
            file = f"charts/{_file_name(name)}.svg"
            try:
                (out / file).write_bytes(charts.draw(series, name, options.now, "svg"))
            except charts.ChartsMissing as exc:
                missing = str(exc)  # the report is still worth having: tables, without charts
                break
            figures.append((name, file))
        page = _page(changes, claims, rows, figures, options, missing)
        index = out / "index.html"
        index.write_text(page, encoding="utf-8")
    except OSError as exc:
        raise MonitorError(f"{out}: cannot write the report: {exc.strerror or exc}") from None
    return index


def _changed_models(changes: list[dict[str, Any]]) -> list[str]:
    """Models whose price changed (not only added or removed), most recent first, once each."""
    key = model_groups(row["model"] for row in changes)
    names: dict[str, str] = {}
    for row in reversed(changes):
        if row["change"] == "changed":
            names.setdefault(key[row["model"]], row["model"])
    return list(names.values())


def _file_name(model: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", model_id(model)).strip("-.") or "model"


def _page(
    changes: list[dict[str, Any]],
    claims: list[dict[str, Any]],
    rows: list[Row],
    figures: list[tuple[str, str]],
    options: ReportInput,
    missing: str | None = None,
) -> str:
    e = html.escape
    made = options.now.isoformat(timespec="minutes")
    parts = [
        "<!doctype html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>LLM API prices: report of {e(made)}</title>",
        f"<style>{_STYLE}</style></head><body>",
        f"<h1>LLM API prices: report of {e(made)}</h1>",
        f'<p class="muted">Changes since {e(options.since[:16])}. '
        "Prices per 1M tokens (or characters), in the currency the page states.</p>",
        '<h2 id="changes">Latest changes</h2>',
        f'<p class="summary">{e(_summary(changes, claims))}</p>',
        _changes_table([c for c in changes if c["change"] in ("changed", "status")], "No price changed."),
    ]
    lineup = [c for c in changes if c["change"] in ("added", "removed")]
    if lineup:
        parts += [
            f"<details><summary>{len(lineup)} prices added or removed (new and retired models, "
            "re-labelled tiers)</summary>",
            _changes_table(lineup, ""),
            "</details>",
        ]
    if claims:
        parts += ['<h2 id="news">In the news</h2>', _claims_table(claims)]
    parts += ['<h2 id="compare">Price comparison</h2>', _compare_table(rows, options)]
    parts.append('<h2 id="charts">Charts</h2>')
    if missing:
        parts.append(f"<p>No charts: {e(missing)}.</p>")
    elif not figures:
        parts.append("<p>No price changed in this period.</p>")
    for name, file in figures:
        parts.append(
            f'<figure><img src="{e(file)}" alt="price history of {e(name)}">'
            f"<figcaption>{e(name)}</figcaption></figure>"
        )
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def _summary(changes: list[dict[str, Any]], claims: list[dict[str, Any]]) -> str:
    """'3 prices changed (2 cuts, 1 rise, 1 suspect), 40 added, 12 removed; 2 news claims.'"""
    moved = [c for c in changes if c["change"] == "changed"]
    cuts = sum(1 for c in moved if c["pct"] is not None and Decimal(c["pct"]) < 0)
    rises = sum(1 for c in moved if c["pct"] is not None and Decimal(c["pct"]) > 0)
    suspect = sum(1 for c in moved if c["suspect"])
    detail = [f"{cuts} cuts", f"{rises} rises"] + ([f"{suspect} suspect"] if suspect else [])
    added = sum(1 for c in changes if c["change"] == "added")
    removed = sum(1 for c in changes if c["change"] == "removed")
    return (
        f"{len(moved)} prices changed ({', '.join(detail)}), {added} added, {removed} removed; "
        f"{len(claims)} news claims."
    )


def _changes_table(changes: list[dict[str, Any]], empty: str) -> str:
    e = html.escape
    if not changes:
        return f"<p>{e(empty)}</p>" if empty else ""
    out = [
        '<table class="changes"><tr><th>time</th><th>provider</th><th>model</th><th>kind</th>'
        "<th>tier / condition</th><th>change</th><th>old</th><th>new</th><th>%</th></tr>"
    ]
    for row in reversed(changes):
        pct = Decimal(row["pct"]) if row["pct"] is not None else None
        direction = "" if pct is None else ("down" if pct < 0 else "up")
        extra = " ".join(x for x in (row["tier"], row["condition"]) if x)
        link = f'<a href="{e(row["url"])}">{e(row["provider"] or row["source"])}</a>' if row["url"] else ""
        note = f' <span title="{e(row["suspect"])}">(suspect)</span>' if row["suspect"] else ""
        old = _stated(row, "old")
        new = _stated(row, "new")
        out.append(
            f'<tr class="{"suspect" if row["suspect"] else ""}"><td class=t>{e(_when(row["time"]))}</td>'
            f"<td>{link}</td><td>{e(row['model'])}</td><td>{e(row['kind'])}</td><td>{e(extra)}</td>"
            f"<td>{e(row['change'])}{note}</td><td class=n>{old}</td><td class=n>{new}</td>"
            f'<td class="n {direction}">{e(format_pct(pct))}</td></tr>'
        )
    out.append("</table>")
    return "\n".join(out)


def _when(time: str) -> str:
    return time[:16].replace("T", " ")


def _stated(row: dict[str, Any], side: str) -> str:
    value = row[f"{side}_per_million"]
    if value is None:
        return ""
    normal = format_per_million(Decimal(value), row["currency"], row["unit"], bool(row[f"{side}_free"]))
    return f'{html.escape(normal)}<br><span class="muted">{html.escape(row[f"{side}_raw"] or "")}</span>'


def _claims_table(claims: list[dict[str, Any]]) -> str:
    e = html.escape
    out = [
        '<table class="news"><tr><th>found</th><th>model</th><th>kind</th><th>new / 1M</th>'
        "<th>pricing page</th><th>quote</th></tr>"
    ]
    for row in reversed(claims):
        new = "free" if row["free"] else f"{row['new_per_million']} {row['currency']}"
        quote = f'<a href="{e(row["link"])}">{e(row["quote"])}</a>' if row["link"] else e(row["quote"])
        out.append(
            f"<tr><td class=t>{e(_when(row['found']))}</td><td>{e(row['model'])}</td>"
            f"<td>{e(row['kind'])}</td>"
            f"<td class=n>{e(new)}</td><td>{e(row['verdict'])}</td><td>{quote}</td></tr>"
        )
    out.append("</table>")
    return "\n".join(out)


def _compare_table(rows: list[Row], options: ReportInput) -> str:
    e = html.escape
    if not rows:
        return "<p>No prices recorded yet.</p>"
    target = options.currency
    head = "".join(f"<th>{k.replace('_', ' ')}</th>" for k in COLUMNS)
    if target:
        head += "".join(f"<th>{k.replace('_', ' ')} ({e(target)})</th>" for k in COLUMNS)
    out = [
        f'<table class="compare"><tr><th>provider</th><th>model</th><th>tier / condition</th>{head}'
        "<th>other prices</th></tr>"
    ]
    rates = set()
    for row in rows:
        extra = " ".join(x for x in (row.tier, row.condition) if x)
        cells = "".join(
            _price_cell(row.prices.get(k), row.currency, row.unit, k in row.free) for k in COLUMNS
        )
        if target:
            if row.rate is None:
                cells += f'<td class="muted" colspan="{len(COLUMNS)}">no [fx] rate for {e(row.currency)}</td>'
            else:
                cells += "".join(
                    _price_cell(row.converted_shown(k), target, row.unit, k in row.free) for k in COLUMNS
                )
                if row.currency != target:
                    rates.add(options.fx.describe(row.currency, target))
        out.append(
            f"<tr><td>{e(row.provider or row.source)}</td><td>{e(row.model)}</td>"
            f"<td>{e(extra)}</td>{cells}<td class=muted>{e(', '.join(row.other))}</td></tr>"
        )
    out.append("</table>")
    for rate in sorted(rates):
        out.append(f'<p class="muted">Converted at {e(rate)}.</p>')
    return "\n".join(out)


def _price_cell(value: Decimal | None, currency: str, unit: str, free: bool) -> str:
    if value is None:
        return "<td></td>"
    if free and value == 0:
        return '<td class="n free">free</td>'
    text = format_per_million(value, currency, unit)
    return f"<td class=n>{html.escape(text.replace(' / 1M tokens', ''))}</td>"
