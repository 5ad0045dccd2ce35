"""JSON sources: the presets on real captured files, a plain mapping, and replays checked by an oracle."""

from __future__ import annotations

import json
import sqlite3
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from monitor.config import load_config
from monitor.errors import ConfigError
from monitor.extract import JsonOptions, extract_prices
from monitor.models import Price
from tests.conftest import fixture, series
from tests.servers import WebhookReceiver
from tests.test_replay import replay_outcomes

OPENROUTER = "openrouter_models_api/openrouter_models__v01__2025-12-29__95e496d417.json"
LITELLM = "litellm_model_prices/litellm_prices__v10__2026-07-24__8442b939a6.json"
GENAI = "genai_prices/genai_prices_data__v05__2026-07-25__c885e32894.json"


def extract(path: str, preset: str) -> dict[tuple[str, str, str, str], Price]:
    result = extract_prices(
        "json", fixture(path).read_text(encoding="utf-8"), "USD", JsonOptions(preset=preset)
    )
    assert result.problems == []
    return {(p.model, p.kind, p.tier, p.condition): p for p in result.prices}


def test_openrouter_preset() -> None:
    """USD per token as decimal strings; 0 on a free model is free; -1 (priced per route) is no price."""
    prices = extract(OPENROUTER, "openrouter")
    seed = prices[("bytedance-seed/seed-1.6-flash", "input", "", "")]
    assert (seed.per_million, seed.raw, seed.per) == (Decimal("0.075"), "0.000000075", 1)
    document = json.loads(fixture(OPENROUTER).read_text(encoding="utf-8"))
    free = next(m["id"] for m in document["data"] if m["id"].endswith(":free"))
    assert prices[(free, "input", "", "")].free
    dynamic = [m["id"] for m in document["data"] if m["pricing"].get("prompt") == "-1"]
    assert all((model, "input", "", "") not in prices for model in dynamic)
    assert not any(p.kind == "per_request" and p.amount == 0 for p in prices.values())


def test_litellm_preset() -> None:
    """Per-token floats read exactly; batches, priority, above-200k and tiered_pricing kept apart."""
    prices = extract(LITELLM, "litellm")
    document = json.loads(fixture(LITELLM).read_text(encoding="utf-8"), parse_float=Decimal)
    gpt = document["gpt-4o"]
    assert prices[("gpt-4o", "input", "", "")].per_million == gpt["input_cost_per_token"] * 1_000_000
    assert (
        prices[("gpt-4o", "batch_input", "", "")].per_million
        == gpt["input_cost_per_token_batches"] * 1_000_000
    )
    assert (
        prices[("gpt-4o", "input", "", "priority")].per_million
        == gpt["input_cost_per_token_priority"] * 1_000_000
    )
    tiered = next(
        k
        for k, v in document.items()
        if isinstance(v, dict) and "input_cost_per_token_above_200k_tokens" in v
    )
    above = prices[(tiered, "input", ">200K", "")]
    assert above.per_million == document[tiered]["input_cost_per_token_above_200k_tokens"] * 1_000_000
    stepped = next(k for k, v in document.items() if isinstance(v, dict) and "tiered_pricing" in v)
    first = document[stepped]["tiered_pricing"][0]
    low, high = (int(Decimal(str(b)) / 1000) for b in first["range"])
    assert (
        prices[(stepped, "input", f"{low}-{high}K", "")].per_million
        == Decimal(str(first["input_cost_per_token"])) * 1_000_000
    )
    assert "sample_spec" not in {m for m, *_ in prices}


def test_genai_prices_preset() -> None:
    """Per-MTok prices; a time-of-day constraint is a condition beside the default price."""
    prices = extract(GENAI, "genai-prices")
    assert prices[("deepseek/deepseek-chat", "input", "", "")].per_million == Decimal("0.135")
    assert prices[("deepseek/deepseek-chat", "input", "", "00:30-16:30 UTC")].per_million == Decimal("0.27")


def test_mapping_for_any_json() -> None:
    """records / model / prices / per read a JSON no preset knows; a non-number is reported."""
    text = json.dumps({"list": {"models": [
        {"name": "m-1", "price": {"in": 0.5, "out": "1.5"}},
        {"name": "m-2", "price": {"in": "n/a", "out": 2}},
    ]}})  # fmt: skip
    options = JsonOptions(
        records="list.models",
        model="name",
        prices={"input": "price.in", "output": "price.out"},
        per=1_000_000,
    )
    result = extract_prices("json", text, "CNY", options)
    assert [(p.model, p.kind, p.per_million, p.currency) for p in result.prices] == [
        ("m-1", "input", Decimal("0.5"), "CNY"),
        ("m-1", "output", Decimal("1.5"), "CNY"),
        ("m-2", "output", Decimal("2"), "CNY"),
    ]
    assert result.problems == ["m-2 / input: cannot read 'n/a' as a price"]


def test_invalid_json_is_a_problem_not_a_crash() -> None:
    """A challenge page served where JSON was expected yields no prices and says why."""
    result = extract_prices("json", "<html>Just a moment...</html>", "USD", JsonOptions(preset="openrouter"))
    assert result.prices == [] and result.problems[0].startswith("not valid JSON")


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ('json = { preset = "nope" }', "json: preset: expected one of genai-prices, litellm, openrouter"),
        ('json = { records = "data" }', "json: prices: expected a table"),
        ('json = { prices = { input = "p" }, per = "2M" }', "json: per: expected one of token"),
        ("", "json: expected a table"),
    ],
)
def test_json_config_mistakes(tmp_path: Path, table: str, message: str) -> None:
    """A JSON source without a usable preset or mapping stops with a message naming the key."""
    path = tmp_path / "sources.toml"
    path.write_text(
        f'[[source]]\nname = "or"\nkind = "json"\nurl = "https://x.test/m"\n{table}\n', encoding="utf-8"
    )
    with pytest.raises(ConfigError) as info:
        load_config(path, {})
    assert f"source[1] (or): {message}" in str(info.value)


def _oracle(document: Any, preset: str) -> dict[tuple[str, str], Decimal]:
    """Input and output per 1M straight from the raw file, written independently of the presets."""
    out: dict[tuple[str, str], Decimal] = {}
    if preset == "openrouter":
        for model in document["data"]:
            for field, kind in (("prompt", "input"), ("completion", "output")):
                value = Decimal(model["pricing"][field])
                if value >= 0:
                    out[(model["id"].lower(), kind)] = value * 1_000_000
    else:
        for name, entry in document.items():
            for field, kind in (("input_cost_per_token", "input"), ("output_cost_per_token", "output")):
                if isinstance(entry, dict) and entry.get(field) is not None and name != "sample_spec":
                    out[(name.lower(), kind)] = Decimal(str(entry[field])) * 1_000_000
    return out


@pytest.mark.parametrize(
    ("folder", "prefix", "preset"),
    [
        ("openrouter_models_api", "openrouter_models", "openrouter"),
        ("litellm_model_prices", "litellm_prices", "litellm"),
        ("litellm_model_prices", "tokencost_model_prices", "litellm"),
    ],
)
def test_replay_matches_the_raw_files(tmp_path: Path, folder: str, prefix: str, preset: str) -> None:
    """Served version by version, the input/output changes reported are exactly those in the raw files."""
    versions = series(folder, prefix)
    outcomes = replay_outcomes(versions, "json", "USD", tmp_path / "m.db", JsonOptions(preset=preset))
    documents = [json.loads(v.read_text(encoding="utf-8")) for v in versions]
    for before, after, outcome in zip(documents[:-1], documents[1:], outcomes[1:], strict=True):
        old, new = _oracle(before, preset), _oracle(after, preset)
        expected = {k for k in old.keys() & new.keys() if old[k] != new[k]}
        reported = {
            (c.model.lower(), c.kind)
            for c in outcome.changes
            if c.change == "changed"
            and c.kind in ("input", "output")
            and not c.tier
            and not c.condition
            and c.unit == "tokens"
        }
        assert reported == expected, outcome.source


def test_litellm_unit_correction_is_flagged_suspect(tmp_path: Path) -> None:
    """The real fix of ~175 entries off by thousands of times is reported, every one flagged suspect."""
    versions = series("litellm_model_prices", "litellm_prices")[4:6]
    _, fixed = replay_outcomes(versions, "json", "USD", tmp_path / "m.db", JsonOptions(preset="litellm"))
    changed = [c for c in fixed.changes if c.change == "changed"]
    assert len(changed) == 175
    assert all(c.suspect and c.suspect.startswith("changed by a factor of") for c in changed)


LLM_PRICES_CN = JsonOptions(
    records="models",
    model="id",
    currency="billing_currency",
    per=1_000_000,
    prices={
        "input": "input_price_orig_per_m",
        "output": "output_price_orig_per_m",
        "cached_input": "cached_input_price_orig_per_m",
    },
)


def test_daily_list_in_each_models_own_currency_has_no_exchange_rate_noise(tmp_path: Path) -> None:
    """Read in each model's billing currency, a daily list reports only real moves, not FX drift.

    The list's CNY column for USD models moves every day with the exchange rate; the mapping reads the
    original prices with each record's own currency, so v04-v06 and v08 report nothing.
    """
    versions = series("llm_prices_cn", "llm_prices_cn")
    outcomes = replay_outcomes(versions, "json", "CNY", tmp_path / "m.db", LLM_PRICES_CN)
    changed = [[(c.model, c.kind, str(c.pct)) for c in o.changes if c.change == "changed"] for o in outcomes]
    assert changed[2] == [("doubao-1-6", "input", "-66.7"), ("doubao-1-6", "output", "-66.7")]
    assert changed[3:6] == [[], [], []] and changed[7] == []
    assert changed[6] == [
        ("deepseek-v4-flash", "cached_input", "150.0"),
        ("deepseek-v4-flash", "input", "50.0"),
        ("deepseek-v4-flash", "output", "125.0"),
        ("deepseek-v4-pro", "cached_input", "500.0"),
        ("deepseek-v4-pro", "input", "50.0"),
        ("deepseek-v4-pro", "output", "125.0"),
    ]
    first = json.loads(versions[-1].read_text(encoding="utf-8"))["models"]
    usd = next(m for m in first if m["billing_currency"] == "USD" and m["input_price_orig_per_m"])
    stored = {(c.model, c.currency) for o in outcomes for c in o.changes}
    assert not any(model == usd["id"] and currency == "CNY" for model, currency in stored)


def test_openrouter_flaps_are_held_back_and_logged(tmp_path: Path, webhook: WebhookReceiver) -> None:
    """With hold = 2, prices that go down and back up between polls are flaps: logged, never alerted;
    the changes that stay are alerted once they held for two polls."""
    versions = series("openrouter_models_api", "openrouter_models")[:3]
    outcomes = replay_outcomes(
        versions,
        "json",
        "USD",
        tmp_path / "m.db",
        JsonOptions(preset="openrouter"),
        hold=2,
        notify=(webhook.url,),
    )
    assert [o.status for o in outcomes] == ["baseline", "unchanged", "changed"]
    alerted = {c.model for c in outcomes[2].changes}
    flapping = {
        "google/gemma-3-27b-it",
        "openai/gpt-oss-120b",
        "openai/gpt-oss-20b",
        "qwen/qwen3-next-80b-a3b-instruct",
    }
    assert alerted and not alerted & flapping
    assert "z-ai/glm-4.6" in alerted and "deepseek/deepseek-v3.2" in alerted
    [message] = webhook.received
    assert not any(model in message["message"] for model in flapping)
    with sqlite3.connect(tmp_path / "m.db") as db:
        flaps = {m for (m,) in db.execute("select model from changes where change = 'flap'")}
    assert flaps == flapping


def test_simonw_price_history_today_and_announced() -> None:
    """price_history: the entry in force on the day read, and a later one kept apart as 'from DATE'."""
    text = fixture("simonw_llm_prices/simonw_openai__v04__2026-08-05__723ef0bd3a.json").read_text(
        encoding="utf-8"
    )
    options = JsonOptions(preset="simonw-llm-prices")
    after = {
        (p.model, p.kind, p.condition): p.per_million
        for p in extract_prices("json", text, "USD", options, as_of="2026-08-05").prices
    }
    assert after[("gpt-5.6-terra", "input", "")] == Decimal(2)
    assert not any(condition for _m, _k, condition in after)
    before = {
        (p.model, p.kind, p.condition): p.per_million
        for p in extract_prices("json", text, "USD", options, as_of="2026-07-20").prices
    }
    assert before[("gpt-5.6-terra", "input", "")] == Decimal("2.5")
    assert before[("gpt-5.6-terra", "input", "from 2026-07-30")] == Decimal(2)


def test_genai_prices_replay_matches_the_raw_files(tmp_path: Path) -> None:
    """genai-prices' data file version by version: the unconditioned input/output changes reported are
    exactly those in the raw files (an oracle written apart from the preset)."""
    versions = series("genai_prices", "genai_prices_data")
    outcomes = replay_outcomes(versions, "json", "USD", tmp_path / "m.db", JsonOptions(preset="genai-prices"))

    def oracle(document: list[dict]) -> dict[tuple[str, str], Decimal]:
        out = {}
        for provider in document:
            for model in provider.get("models", []):
                prices = model.get("prices")
                if isinstance(prices, list):
                    prices = next((p["prices"] for p in prices if not p.get("constraint")), {})
                for field, kind in (("input_mtok", "input"), ("output_mtok", "output")):
                    value = (prices or {}).get(field)
                    if isinstance(value, dict):  # {"base": x, "tiers": [...]}: the base is the untiered price
                        value = value.get("base")
                    if isinstance(value, int | float):
                        out[(f"{provider['id']}/{model['id']}".lower(), kind)] = Decimal(str(value))
        return out

    documents = [json.loads(v.read_text(encoding="utf-8")) for v in versions]
    for before, after, outcome in zip(documents[:-1], documents[1:], outcomes[1:], strict=True):
        old, new = oracle(before), oracle(after)
        expected = {k for k in old.keys() & new.keys() if old[k] != new[k]}
        reported = {
            (c.model.lower(), c.kind)
            for c in outcome.changes
            if c.change == "changed" and c.kind in ("input", "output") and not c.tier and not c.condition
        }
        assert reported == expected


SCRAPER = "scraper_outputs/owen_llm_pricing_list_current_pricing__2026-02-12__187462d59e.json"


def test_another_scrapers_output_read_first_hand_where_it_converted() -> None:
    """Owen-Liuyuxuan/llm_pricing_list stores USD only and converts Doubao's CNY prices at a rate it does
    not state (¥1.2 -> $0.1736), keeping the CNY figure beside. The mapping's alternatives read the
    first-hand CNY price where there is one, and the USD price elsewhere, each with its own currency."""
    text = fixture(SCRAPER).read_text(encoding="utf-8")
    mapping: dict[str, Any] = {
        "records": "all_models",
        "prices": {
            "input": "original_input_price|input_price_per_mtok",
            "output": "original_output_price|output_price_per_mtok",
        },
        "per": 1_000_000,
        "currency": "original_currency|",
    }
    result = extract_prices("json", text, "USD", JsonOptions(model="model_name", **mapping))
    assert result.problems == []
    got = {(p.model, p.kind): (p.per_million, p.currency) for p in result.prices}
    assert got[("doubao-seed-1.8", "input")] == (Decimal("1.2"), "CNY")
    assert got[("doubao-seed-1.8", "output")] == (Decimal("12"), "CNY")
    assert got[("Claude Opus 4.6", "input")] == (Decimal("5"), "USD")
    # every record, against the file itself: the original where it has one, else the stated USD price
    records = json.loads(text)["all_models"]
    for record in records:
        for kind in ("input", "output"):
            original = record.get(f"original_{kind}_price")
            value = original if original is not None else record[f"{kind}_price_per_mtok"]
            currency = record["original_currency"] if original is not None else "USD"
            assert got[(record["model_name"], kind)] == (Decimal(str(value)), currency), record["model_name"]
    assert len(got) == 2 * len(records) and sum(c == "CNY" for _v, c in got.values()) == 2 * 23
    # keyed by model_id, its cache-hit and cache-miss rows of one model collide: said, not guessed
    by_id = extract_prices("json", text, "USD", JsonOptions(model="model_id", **mapping))
    assert "deepseek-chat / input: listed more than once at different prices (0.28, 0.028)" in by_id.problems
    assert not any(p.model == "deepseek-chat" and p.kind == "input" for p in by_id.prices)
