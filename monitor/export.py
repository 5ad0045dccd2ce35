"""Exports: the price list and the change log as CSV or JSON, and changed models' entries in the public
catalogs' own formats (LiteLLM's model_prices_and_context_window.json, genai-prices' provider YAML), so
their maintainers can take a change the day it happens.

Both catalogs hold USD only. A price in another currency is converted with the user's [fx] rates and
the entry says so; without a rate it is left out and reported, never converted at a guessed rate.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from monitor.extract.json_prices import GENAI_FIELDS, LITELLM_FIELDS
from monitor.fx import Rates
from monitor.models import MILLION, model_groups, model_id, same_model

# Our kinds -> the catalogs' fields: the inverse of what the JSON presets read (one table, both ways).
_LITELLM_NAMES = {kind_unit: name for name, kind_unit in reversed(LITELLM_FIELDS.items())}  # first wins
_GENAI_NAMES = {kind: name for name, kind in GENAI_FIELDS.items()}
_SAME_AS = {"cache_write_5m": "cache_write"}  # Anthropic's 5-minute cache write is the catalogs' default
_MODES = ("priority", "flex")  # LiteLLM's service tiers, which the reader keeps as conditions
_ABOVE = re.compile(r"^\s*(?:>|above|over)\s*(\d+)\s*K(?:\s*tokens)?\s*$", re.I)
_UP_TO = re.compile(r"^\s*(?:<=|≤|0\s*-|up to)\s*(\d+)\s*K(?:\s*tokens)?\s*$", re.I)


def to_csv(records: list[dict[str, Any]]) -> str:
    """Records (the --json objects) as CSV with a header row; empty text when there are none."""
    if not records:
        return ""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(records[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(records)
    return out.getvalue()


def changed_models(changes: Iterable[dict[str, Any]]) -> dict[tuple[str, str], dict[str, Any]]:
    """(source, model id) -> the latest change row that gave the model a new price (changed or added)."""
    changes = list(changes)
    key = model_groups(row["model"] for row in changes)
    models: dict[tuple[str, str], dict[str, Any]] = {}
    for row in changes:
        if row["change"] in ("changed", "added"):
            models[(row["source"], key[row["model"]])] = row
    return models


def _current(
    latest: list[dict[str, Any]], change: dict[str, Any], skipped: list[str]
) -> list[dict[str, Any]]:
    """The latest prices of the model a change is about, under whatever label the page gives it now; a
    model no longer listed is said, not left out silently."""
    listed = [r for r in latest if r["source"] == change["source"]]
    # the model's own name first: 'gpt-4o' and 'azure/gpt-4o' listed side by side are two entries
    rows = [r for r in listed if model_id(r["model"]) == model_id(change["model"])]
    rows = rows or [r for r in listed if same_model(r["model"], change["model"])]
    if not rows:
        skipped.append(f"{change['source']}: {change['model']}: no longer listed; no entry")
    return rows


def litellm(
    latest: list[dict[str, Any]], changes: list[dict[str, Any]], fx: Rates
) -> tuple[dict[str, dict[str, Any]], list[str]]:
    """The changed models' entries as LiteLLM writes them: USD per token, `_above_Nk_tokens` tiers,
    `_batches`, the provider and the pricing page as `source`. Returns the entries and what was left out."""
    entries: dict[str, dict[str, Any]] = {}
    skipped: list[str] = []
    for (source, _key), change in changed_models(changes).items():
        rows = _current(latest, change, skipped)
        if not rows:
            continue
        mid = model_id(rows[0]["model"])
        provider = _slug(change["provider"] or source)
        entry: dict[str, Any] = {}
        notes = set()
        for row in rows:
            where = _where(source, row)
            field_name = _litellm_name(row, rows)
            if field_name is None:
                skipped.append(f"{where}: no LiteLLM field for it")
                continue
            usd = _usd(row, fx, skipped, where)
            if usd is None:
                continue
            if row["currency"] != "USD":
                notes.add(f"converted from {row['currency']}: {fx.describe(row['currency'], 'USD')}")
            entry[field_name] = _float(usd / MILLION)  # per token, or per image or request
        if not entry:
            continue
        # LiteLLM's mode: an entry priced only per image is an image model, anything else chat
        entry["mode"] = "image_generation" if all("image" in name for name in entry) else "chat"
        entry["litellm_provider"] = provider
        entry["source"] = change["url"]
        if notes:
            entry["metadata"] = {"notes": "; ".join(sorted(notes))}
        entries[f"{provider}/{mid}"] = dict(sorted(entry.items()))
    return entries, skipped


def genai_prices(
    latest: list[dict[str, Any]], changes: list[dict[str, Any]], fx: Rates
) -> tuple[list[dict[str, Any]], list[str]]:
    """The changed models as genai-prices' provider YAML lists them: USD per MTok; for a model whose
    price changed, the old prices first and the new ones under `constraint: {start_date: ...}`."""
    models: list[dict[str, Any]] = []
    skipped: list[str] = []
    for (source, _key), change in changed_models(changes).items():
        rows = _current(latest, change, skipped)
        if not rows:
            continue
        mid = model_id(rows[0]["model"])
        day = datetime.date.fromisoformat(change["time"][:10])
        moved = [
            c
            for c in changes
            if c["source"] == source
            and same_model(c["model"], change["model"])
            and c["time"][:10] == day.isoformat()
        ]
        new = _genai_prices(rows, fx, skipped, source)
        if not new:
            continue
        old_rows = _before(rows, moved)
        old = _genai_prices(old_rows, fx, [], source) if old_rows is not None else None
        entry: dict[str, Any] = {"id": mid, "name": rows[0]["model"]}
        if any(r["currency"] != "USD" for r in rows):
            currency = next(r["currency"] for r in rows if r["currency"] != "USD")
            entry["description"] = f"Prices converted from {currency}: {fx.describe(currency, 'USD')}"
        entry["match"] = {"equals": mid}
        entry["prices_checked"] = day
        if old and old != new:
            entry["prices"] = [{"prices": old}, {"constraint": {"start_date": day}, "prices": new}]
        else:
            entry["prices"] = new
        models.append(entry)
    return models, skipped


def genai_prices_yaml(models: list[dict[str, Any]]) -> str:
    """The `models:` list as YAML in the form of genai-prices' provider files (dates unquoted)."""
    import yaml

    class Dumper(yaml.SafeDumper):
        def ignore_aliases(self, data: Any) -> bool:
            return True  # a date used twice is written twice, not as &id001 / *id001

    return yaml.dump({"models": models}, Dumper=Dumper, sort_keys=False, allow_unicode=True)


def _before(rows: list[dict[str, Any]], moved: list[dict[str, Any]]) -> list[dict[str, Any]] | None:
    """The model's prices as they were before that day's changes (None: it was added that day)."""
    if any(c["change"] == "added" for c in moved) and not any(c["change"] == "changed" for c in moved):
        return None
    old = {
        (c["kind"], c["tier"], c["condition"]): c["old_per_million"] for c in moved if c["old_per_million"]
    }
    return [
        {**r, "per_million": old.get((r["kind"], r["tier"], r["condition"]), r["per_million"])} for r in rows
    ]


def _genai_prices(rows: list[dict[str, Any]], fx: Rates, skipped: list[str], source: str) -> dict[str, Any]:
    prices: dict[str, Any] = {}
    tiers: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        where = _where(source, row)
        name = _GENAI_NAMES.get(_SAME_AS.get(row["kind"], row["kind"]))
        if name is None or row["condition"] or row["unit"] != "tokens":
            skipped.append(f"{where}: no genai-prices field for it")
            continue
        usd = _usd(row, fx, skipped, where)
        if usd is None:
            continue
        above = _ABOVE.match(row["tier"])
        if above:
            tiers.setdefault(name, []).append({"start": int(above.group(1)) * 1000, "price": _float(usd)})
        elif not row["tier"] or _UP_TO.match(row["tier"]):
            prices[name] = _float(usd)
        else:
            skipped.append(f"{where}: a tier genai-prices cannot state")
    for name, steps in tiers.items():
        if name in prices:
            prices[name] = {"base": prices[name], "tiers": sorted(steps, key=lambda s: s["start"])}
    return prices


def _litellm_name(row: dict[str, Any], rows: list[dict[str, Any]]) -> str | None:
    """LiteLLM's field for a price: base name, then `_above_Nk_tokens`, then `_batches` or a service tier
    (`_priority`, `_flex`), as the LiteLLM preset reads them; None where LiteLLM has no such field."""
    kind = _SAME_AS.get(row["kind"], row["kind"])
    mode = ""
    if kind.startswith("batch_"):
        kind, mode = kind.removeprefix("batch_"), "_batches"
    if row["condition"]:
        if row["condition"] not in _MODES or mode:
            return None
        mode = f"_{row['condition']}"
    base = _LITELLM_NAMES.get((kind, row["unit"]))
    if base is None:
        return None
    if not row["tier"]:
        return base + mode
    if above := _ABOVE.match(row["tier"]):
        return f"{base}_above_{above.group(1)}k_tokens{mode}"
    base_tier = not any(
        r["kind"] == row["kind"] and r["condition"] == row["condition"] and not r["tier"] for r in rows
    )
    return base + mode if _UP_TO.match(row["tier"]) and base_tier else None


def _where(source: str, row: dict[str, Any]) -> str:
    return " ".join(x for x in (f"{source}:", row["model"], row["kind"], row["tier"], row["condition"]) if x)


def _usd(row: dict[str, Any], fx: Rates, skipped: list[str], where: str) -> Decimal | None:
    """A row's price per 1M in USD; without an [fx] rate, None and the reason added to `skipped`."""
    usd = fx.convert(Decimal(row["per_million"]), row["currency"], "USD")
    if usd is None:
        skipped.append(f"{where}: {row['currency']} has no [fx] rate to USD")
    return usd


def _float(value: Decimal) -> float:
    """To 10 significant digits: a converted price carries no false precision into the catalogs."""
    return float(f"{value:.10g}")


def _slug(provider: str) -> str:
    """'Moonshot AI (Kimi)' -> 'moonshot': LiteLLM's provider names are one lower-case word."""
    word = re.split(r"[\s(/]+", provider.strip())[0]
    return re.sub(r"[^a-z0-9_-]", "", word.lower()) or "unknown"
