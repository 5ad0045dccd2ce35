"""Labels: kinds, tiers, conditions and model names as real pages write them."""

from __future__ import annotations

from decimal import Decimal

import pytest

from monitor.extract import extract_prices
from monitor.extract.labels import clean_model, date_phrase, kind_of, model_names, models_named_in, tier_of


@pytest.mark.parametrize(
    ("label", "tier"),
    [
        ("Price (/1M tokens) <= 200K input tokens", "<=200K"),
        ("> 200k input tokens", ">200K"),
        ("≤ 200K input tokens", "<=200K"),
        ("输入<=32k", "<=32K"),
        ("32k<输入<=128k", "32K-128K"),
        ("0<input≤32K", "0-32K"),
        ("输入长度 (32, 128]", "32-128"),
        ("(32K,128K]", "32K-128K"),
        ("0-32K", "0-32K"),
        ("32K~128K tokens", "32K-128K"),
        ("above 200K tokens", ">200K"),
        ("up to 128k tokens", "<=128K"),
        ("32K以内", "<=32K"),
        ("超过128K", ">128K"),
        ("GPT-4 Turbo", ""),
        ("Qwen2.5-VL-72B", ""),
        ("1M INPUT TOKENS (CACHE HIT)", ""),
    ],
)
def test_tiers(label: str, tier: str) -> None:
    """Every way pages write a context-length tier reads as one canonical tier; names are not tiers."""
    assert tier_of(label) == tier


@pytest.mark.parametrize(
    ("label", "kind"),
    [
        ("1M INPUT TOKENS (CACHE HIT)", "cached_input"),
        ("1M INPUT TOKENS (CACHE MISS)", "input"),
        ("百万tokens输入（缓存命中）", "cached_input"),
        ("缓存未命中", "input"),
        ("5m Cache Writes", "cache_write_5m"),
        ("1h Cache Writes", "cache_write_1h"),
        ("Batch output", "batch_output"),
        ("Prompt Cost (USD)", "input"),
        ("≤ 200k input tokens Output", "output"),
        ("Context window", None),
    ],
)
def test_kinds(label: str, kind: str | None) -> None:
    """Header words in both languages name the kind; a tier phrase's 'input tokens' does not."""
    assert kind_of(label) == kind


def test_model_status_is_kept_apart_from_the_name() -> None:
    """'Claude Opus 3 (deprecated)' is the model 'Claude Opus 3' with status 'deprecated'."""
    assert clean_model("Claude Opus 3 (deprecated)") == ("Claude Opus 3", "deprecated")
    assert clean_model("deepseek-v4-flash(1)") == ("deepseek-v4-flash", "")
    assert clean_model("qwen-plus（推荐）") == ("qwen-plus", "推荐")


def test_tiers_inside_one_cell() -> None:
    """A cell with a price list per input length gives one record per tier and kind."""
    page = """| 模型 | 价格 |
| --- | --- |
| qwen-plus | 输入<=128k：输入 0.8 元/百万 tokens，输出 2 元/百万 tokens<br>128k<输入<=256k：输入 2.4 元/百万 tokens，输出 20 元/百万 tokens<br>输入>256k：输入 4.8 元/百万 tokens，输出 48 元/百万 tokens |
"""  # noqa: E501
    result = extract_prices("markdown", page, "CNY")
    got = [(p.kind, p.tier, p.per_million) for p in result.prices]
    assert got == [
        ("input", "<=128K", Decimal("0.8")),
        ("output", "<=128K", Decimal("2")),
        ("input", "128K-256K", Decimal("2.4")),
        ("output", "128K-256K", Decimal("20")),
        ("input", ">256K", Decimal("4.8")),
        ("output", ">256K", Decimal("48")),
    ]
    assert result.problems == []


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        ("through August 31, 2026", "until 2026-08-31"),
        ("starting September 1, 2026", "from 2026-09-01"),
        ("The new prices take effect at 16:00 UTC on August 16, 2026, as follows:", "from 2026-08-16"),
        ("a 75% discount, extended until 2026/05/31 15:59 UTC.", "until 2026-05-31"),
        ("于2025年3月31日开始收费。", "from 2025-03-31"),
        ("2025年4月1日起", "from 2025-04-01"),
        ("限时免费至2025年5月31日", "until 2025-05-31"),
        ("Released on May 5, 2026", ""),
        ("最后更新日期：2024-05-23", ""),
    ],
)
def test_date_phrases(text: str, phrase: str) -> None:
    """A date said to start or end something is read; a date that only dates the page is not."""
    assert date_phrase(text) == phrase


def test_dates_in_cells_are_conditions_or_notes_never_amounts() -> None:
    """'starting September 1, 2026' is a future price apart from today's; 'through …' notes today's end."""
    page = """| Model | Input |
| --- | --- |
| m-1 | $2 / MTok |
| m-1 | $3 / MTok starting September 1, 2026 |
| m-2 | $0.5 / MTok (through August 31, 2026) |
| m-3 | $1 / MTok starting January 1, 2026 |
"""
    result = extract_prices("markdown", page, "USD", as_of="2026-07-01")
    got = [(p.model, p.condition, p.per_million, p.note) for p in result.prices]
    assert got == [
        ("m-1", "", Decimal(2), ""),
        ("m-1", "from 2026-09-01", Decimal(3), ""),
        ("m-2", "", Decimal("0.5"), "until 2026-08-31"),
        ("m-3", "", Decimal(1), ""),
    ]
    assert result.problems == []


def test_colon_labels_are_read_whole() -> None:
    """'Batch Cache Hit: $0.25' is the batch cache-hit price, never the cache-hit one (Vertex's cells)."""
    page = """<table><tr><th>Model</th><th>Price (/1M tokens) =< 200K input tokens</th></tr>
    <tr><td>Claude Opus 4.6</td><td>Input: $5.00<br>Output: $25.00<br>Batch Input: $2.50<br>
    5m Cache Write: $6.25<br>Cache Hit: $0.50<br>Batch Cache Hit: $0.25</td></tr></table>"""
    got = {(p.kind, p.tier): p.per_million for p in extract_prices("html", page, "USD").prices}
    assert got == {
        ("input", "<=200K"): Decimal(5),
        ("output", "<=200K"): Decimal(25),
        ("batch_input", "<=200K"): Decimal("2.5"),
        ("cache_write_5m", "<=200K"): Decimal("6.25"),
        ("cached_input", "<=200K"): Decimal("0.5"),
        ("batch_cached_input", "<=200K"): Decimal("0.25"),
    }


@pytest.mark.parametrize(
    ("name", "models"),
    [
        ("Claude Sonnet 4.5 / 4", ["Claude Sonnet 4.5", "Claude Sonnet 4"]),
        ("Claude Sonnet 4.6 / 4.5 / 4", ["Claude Sonnet 4.6", "Claude Sonnet 4.5", "Claude Sonnet 4"]),
        # two models: a short form takes the first name's stem
        ("DeepSeek-R1 / V3", ["DeepSeek-R1", "DeepSeek-V3"]),
        ("deepseek-chat / deepseek-reasoner", ["deepseek-chat", "deepseek-reasoner"]),
        ("qwen-max、qwen-plus", ["qwen-max", "qwen-plus"]),
        ("GPT / 4", ["GPT / 4"]),
        ("Claude Opus 4.6", ["Claude Opus 4.6"]),
    ],
)
def test_a_cell_listing_versions_names_each_model(name: str, models: list[str]) -> None:
    """'Claude Sonnet 4.5 / 4' is two models, each priced by the row."""
    assert model_names(name) == models


def test_models_a_sentence_names_among_the_pages_models() -> None:
    """'Claude Sonnet 4 or Sonnet 4.5' names both (the brand dropped once); '4' is not '4.5' or '4.1'."""
    known = ["Claude Opus 4.1", "Claude Sonnet 4.5", "Claude Sonnet 4", "Claude Haiku 3"]
    sentence = "When using Claude Sonnet 4 or Sonnet 4.5 with the 1M token context window enabled"
    assert models_named_in(sentence, known) == ("Claude Sonnet 4.5", "Claude Sonnet 4")
    assert models_named_in("available for Claude Sonnet 4.5 only", known) == ("Claude Sonnet 4.5",)
    assert models_named_in("no model here", known) == ()
