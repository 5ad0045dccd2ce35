"""JSON price lists -> prices: presets for OpenRouter, LiteLLM and genai-prices, and a plain mapping.

Numbers are read as Decimals straight from the JSON text (never through float), so 2.5e-06 USD per
token is exactly 2.5 USD per 1M tokens.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from monitor.models import MILLION, ExtractResult, Price


class _Number(str):
    """A JSON number kept as its text; Decimal(it) is exact."""


@dataclass(frozen=True)
class JsonOptions:
    """How to read a JSON source: a preset, or where the records, model ids and prices are."""

    preset: str | None = None
    records: str = ""  # dot path to a list of records, or to an object whose keys are model ids
    model: str = ""  # dot path to the model id in a record; empty: the record's key
    prices: dict[str, str] = field(default_factory=dict)  # kind -> dot path of its price in a record
    per: int = 1  # tokens each stated price is for (1, 1000, 1000000)
    currency: str = ""  # dot path to a record's own currency code; the source's where empty or absent
    # A price path may list alternatives, 'original_input_price|input_price_per_mtok' (the first present
    # wins); a currency path with as many alternatives gives each its currency ('original_currency|').


@dataclass
class _Found:
    prices: list[Price] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def add(
        self,
        model: str,
        kind: str,
        value: Any,
        currency: str,
        per: int = 1,
        unit: str = "tokens",
        tier: str = "",
        condition: str = "",
    ) -> None:
        """Add one stated value; a value that is not a number is reported, never guessed."""
        where = f"{model} / {kind}{f' [{tier}]' if tier else ''}{f' [{condition}]' if condition else ''}"
        if value is None:
            return
        if not isinstance(value, str):  # true, a list, an object: not a price
            self.problems.append(f"{where}: {value!r} is not a price")
            return
        try:
            amount = Decimal(value.strip())
        except InvalidOperation:
            self.problems.append(f"{where}: cannot read {value!r} as a price")
            return
        if not amount.is_finite():
            self.problems.append(f"{where}: cannot read {value!r} as a price")
            return
        if amount < 0:
            return  # OpenRouter's -1: priced by the route at request time, not a list price
        self.prices.append(
            Price(
                model=model,
                kind=kind,
                amount=amount,
                currency=currency,
                per=per,
                unit=unit,
                tier=tier,
                condition=condition,
                free=amount == 0,  # a JSON list states 0 on purpose
                raw=value.strip(),
            )
        )


def extract_json(text: str, currency: str, options: JsonOptions, as_of: str = "9999-12-31") -> ExtractResult:
    """Every price in a JSON document, read by the source's preset or mapping; `as_of` (YYYY-MM-DD) is
    the day it is read, for lists that date their prices."""
    try:
        # Numbers stay the text they were written as ('2.5e-06'): exact, and shown as found.
        document = json.loads(text, parse_float=_Number, parse_int=_Number)
    except json.JSONDecodeError as exc:
        return ExtractResult(prices=[], problems=[f"not valid JSON: {exc}"])
    found = _Found()
    reader = PRESETS.get(options.preset or "")
    if reader is not None:
        reader(document, currency, found, as_of)
    else:
        _read_mapping(document, currency, options, found)
    return ExtractResult(prices=found.prices, problems=found.problems)


def dig(value: Any, path: str) -> Any:
    """'pricing.prompt' -> value['pricing']['prompt']; None where any step is missing."""
    for step in [p for p in path.split(".") if p]:
        if isinstance(value, dict):
            value = value.get(step)
        elif isinstance(value, list) and step.isdigit() and int(step) < len(value):
            value = value[int(step)]
        else:
            return None
    return value


def _records(document: Any, path: str) -> Iterator[tuple[str, Any]]:
    """(key, record) pairs of a list (key '') or of an object of records (key = model id)."""
    records = dig(document, path)
    if isinstance(records, dict):
        yield from ((str(k), v) for k, v in records.items() if isinstance(v, dict))
    elif isinstance(records, list):
        yield from (("", v) for v in records if isinstance(v, dict))


def _read_mapping(document: Any, currency: str, options: JsonOptions, found: _Found) -> None:
    for key, record in _records(document, options.records):
        model = str(dig(record, options.model) or "") if options.model else key
        if not model:
            found.problems.append(f"a record without a model id at {options.model!r}")
            continue
        currencies = options.currency.split("|")
        for kind, path in options.prices.items():
            # 'original_input_price|input_price_per_mtok': the first present; its currency is the
            # currency path in the same place ('original_currency|': the record's own, else the source's)
            value, chosen = _first_present(record, path)
            currency_path = currencies[min(chosen, len(currencies) - 1)].strip() if chosen >= 0 else ""
            own = dig(record, currency_path) if currency_path else None
            record_currency = own.strip().upper() if isinstance(own, str) and own.strip() else currency
            found.add(model, kind, value, record_currency, per=options.per)


def _first_present(record: Any, paths: str) -> tuple[Any, int]:
    """The value at the first of 'a|b|c' that the record has, and which one it was (-1: none)."""
    for index, path in enumerate(paths.split("|")):
        value = dig(record, path.strip())
        if value is not None:
            return value, index
    return None, -1


# -- OpenRouter: GET /api/v1/models, USD per token as decimal strings --------------------------------

_OPENROUTER = {
    "prompt": ("input", "tokens"),
    "completion": ("output", "tokens"),
    "input_cache_read": ("cached_input", "tokens"),
    "input_cache_write": ("cache_write", "tokens"),
    "internal_reasoning": ("output_reasoning", "tokens"),
    "audio": ("input_audio", "tokens"),
    "image": ("input_image", "image"),
    "request": ("per_request", "request"),
    "web_search": ("web_search", "request"),
}
_OPENROUTER_ALWAYS = {"prompt", "completion"}  # a 0 here is a free model; elsewhere 0 means 'not charged'


def _read_openrouter(document: Any, currency: str, found: _Found, _as_of: str) -> None:
    for _key, record in _records(document, "data"):
        model = str(record.get("id") or "")
        pricing = record.get("pricing")
        if not model or not isinstance(pricing, dict):
            continue
        for name, value in pricing.items():
            if name not in _OPENROUTER:
                continue
            if name not in _OPENROUTER_ALWAYS and str(value).strip() in ("0", "0.0"):
                continue
            kind, unit = _OPENROUTER[name]
            found.add(model, kind, value, currency, unit=unit)


# -- LiteLLM: model_prices_and_context_window.json, USD per token ------------------------------------

LITELLM_FIELDS = {
    "input_cost_per_token": ("input", "tokens"),
    "output_cost_per_token": ("output", "tokens"),
    "cache_read_input_token_cost": ("cached_input", "tokens"),
    "input_cost_per_token_cache_hit": ("cached_input", "tokens"),
    "cache_creation_input_token_cost": ("cache_write", "tokens"),
    "cache_creation_input_token_cost_above_1hr": ("cache_write_1h", "tokens"),
    "input_cost_per_audio_token": ("input_audio", "tokens"),
    "output_cost_per_audio_token": ("output_audio", "tokens"),
    "cache_read_input_audio_token_cost": ("cached_input_audio", "tokens"),
    "cache_creation_input_audio_token_cost": ("cache_write_audio", "tokens"),
    "output_cost_per_reasoning_token": ("output_reasoning", "tokens"),
    "input_cost_per_image_token": ("input_image", "tokens"),
    "output_cost_per_image_token": ("output_image", "tokens"),
    "input_cost_per_character": ("input", "characters"),
    "output_cost_per_character": ("output", "characters"),
    "input_cost_per_image": ("input_image", "image"),
    "output_cost_per_image": ("per_image", "image"),
    "input_cost_per_request": ("per_request", "request"),
}
_LITELLM_FIELD_NAME = re.compile(
    r"^(?P<base>.+?)(?:_above_(?P<tier>\d+)k_tokens)?(?:_(?P<mode>batches|priority|flex))?$"
)


def _read_litellm(document: Any, currency: str, found: _Found, _as_of: str) -> None:
    for model, record in _records(document, ""):
        if model == "sample_spec":
            continue
        for name, value in record.items():
            _litellm_field(found, model, name, value, currency, "")
        for step in record.get("tiered_pricing") or []:
            if isinstance(step, dict):
                tier = _range_tier(step.get("range"))
                for name, value in step.items():
                    _litellm_field(found, model, name, value, currency, tier)


def _litellm_field(found: _Found, model: str, name: str, value: Any, currency: str, tier: str) -> None:
    match = _LITELLM_FIELD_NAME.match(name)
    if match is None or match.group("base") not in LITELLM_FIELDS:
        return  # per second, per pixel, per query ... are not token prices
    kind, unit = LITELLM_FIELDS[match.group("base")]
    mode = match.group("mode") or ""
    if mode == "batches":
        kind, mode = f"batch_{kind}", ""
    above = match.group("tier")
    found.add(model, kind, value, currency, unit=unit, tier=f">{above}K" if above else tier, condition=mode)


def _range_tier(bounds: Any) -> str:
    """[0, 256000] -> '0-256K'."""
    if not isinstance(bounds, list) or len(bounds) != 2:
        return ""
    try:
        low, high = (Decimal(str(b)) / 1000 for b in bounds)
    except InvalidOperation:
        return ""
    return f"{low.normalize():f}-{high.normalize():f}K"


# -- genai-prices: prices/data.json, USD per million tokens ------------------------------------------

GENAI_FIELDS = {
    "input_mtok": "input",
    "output_mtok": "output",
    "cache_read_mtok": "cached_input",
    "cache_write_mtok": "cache_write",
    "input_audio_mtok": "input_audio",
    "output_audio_mtok": "output_audio",
    "cache_audio_read_mtok": "cached_input_audio",
}


def _read_genai_prices(document: Any, currency: str, found: _Found, _as_of: str) -> None:
    if not isinstance(document, list):
        found.problems.append("genai-prices data: expected a list of providers")
        return
    for provider in document:
        if not isinstance(provider, dict):
            continue
        for model in provider.get("models") or []:
            if not isinstance(model, dict) or not model.get("id"):
                continue
            name = f"{provider.get('id')}/{model['id']}"
            entries = model.get("prices")
            for entry in entries if isinstance(entries, list) else [{"prices": entries}]:
                if isinstance(entry, dict) and isinstance(entry.get("prices"), dict):
                    condition = _genai_condition(entry.get("constraint"))
                    _genai_prices(found, name, entry["prices"], currency, condition)


def _genai_prices(found: _Found, model: str, prices: dict[str, Any], currency: str, condition: str) -> None:
    for name, value in prices.items():
        if name == "requests_kcount":
            found.add(model, "per_request", value, currency, per=1000, unit="request", condition=condition)
            continue
        kind = GENAI_FIELDS.get(name)
        if kind is None:
            continue
        if isinstance(value, dict):  # {"base": x, "tiers": [{"start": 200000, "price": y}]}
            found.add(model, kind, value.get("base"), currency, per=MILLION, condition=condition)
            for tier in value.get("tiers") or []:
                start = Decimal(str(tier.get("start", "0"))) / 1000
                found.add(
                    model,
                    kind,
                    tier.get("price"),
                    currency,
                    per=MILLION,
                    tier=f">{start.normalize():f}K",
                    condition=condition,
                )
        else:
            found.add(model, kind, value, currency, per=MILLION, condition=condition)


def _genai_condition(constraint: Any) -> str:
    """{'start_date': '2025-09-01'} -> 'from 2025-09-01'; a time window -> '00:30-16:30 UTC'."""
    if not isinstance(constraint, dict):
        return ""
    parts = []
    if constraint.get("start_date"):
        parts.append(f"from {constraint['start_date']}")
    if constraint.get("start_time") and constraint.get("end_time"):
        start, end = (str(constraint[k]).rstrip("Z")[:5] for k in ("start_time", "end_time"))
        parts.append(f"{start}-{end} UTC")
    return " ".join(parts)


# -- simonw/llm-prices: data/<vendor>.json, USD per million tokens with a price history -------------

_SIMONW = {"input": "input", "output": "output", "input_cached": "cached_input"}


def _read_simonw(document: Any, currency: str, found: _Found, as_of: str) -> None:
    """Today's entry of each model's price_history, and any entry that starts after today."""
    for _key, model in _records(document, "models"):
        name = str(model.get("id") or "")
        for entry in model.get("price_history") or []:
            if not isinstance(entry, dict) or not name:
                continue
            starts, ends = entry.get("from_date") or "", entry.get("to_date") or ""
            if ends and ends <= as_of:
                continue  # a price that has ended
            condition = f"from {starts}" if starts > as_of else ""
            for field_name, kind in _SIMONW.items():
                found.add(name, kind, entry.get(field_name), currency, per=MILLION, condition=condition)


PRESETS: dict[str, Callable[[Any, str, _Found, str], None]] = {
    "openrouter": _read_openrouter,
    "litellm": _read_litellm,
    "genai-prices": _read_genai_prices,
    "simonw-llm-prices": _read_simonw,
}
