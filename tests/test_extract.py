"""Extraction on real captured pages (goldens) and on the layouts real pages use."""

from __future__ import annotations

import re
import sys
from decimal import Decimal

import pytest

from monitor.extract import extract_prices
from monitor.models import ExtractResult
from tests.conftest import GOLDENS, fixture

# (page under tests/fixtures, kind, the source's currency, golden file). Every golden was read
# line by line against its page before it was committed; regenerate with `python -m tests.test_extract`
# and read the diff the same way.
GOLDEN_CASES = [
    (
        "pricing_pages_captured/deepseek_pricing_raw_docusaurus__2026-05-08__d1507e12fb.html",
        "html",
        "USD",
        "deepseek_docusaurus.txt",
    ),
    (
        "deepseek_docs_mirror/deepseek_pricing_en__v01__2026-08-02__e6be0b665e.md",
        "markdown",
        "USD",
        "deepseek_md_v01.txt",
    ),
    (
        "deepseek_docs_mirror/deepseek_pricing_en__v04__2026-08-14__63cc21176c.md",
        "markdown",
        "USD",
        "deepseek_md_v04.txt",
    ),
    (
        "deepseek_docs_mirror/deepseek_pricing_en__v05__2026-08-17__695b91508b.md",
        "markdown",
        "USD",
        "deepseek_md_v05.txt",
    ),
    (
        "pricing_pages_captured/siliconflow_pricing__v01__2026-05-08__618e39f09d.html",
        "html",
        "USD",
        "siliconflow_flattened.txt",
    ),
    (
        "pricing_pages_captured/anthropic_pricing_claude_com__2026-05-08__d1507e12fb.html",
        "html",
        "USD",
        "anthropic_claude_com_cards.txt",
    ),
    (
        "anthropic_pricing_page_mirror/anthropic_pricing_md__v01__2025-12-11__25260f80f7.md",
        "markdown",
        "USD",
        "anthropic_md_v01.txt",
    ),
    (
        "mistral_pricing_page/mistral_pricing_md__v07__2024-03-07__48a40c6273.md",
        "markdown",
        "USD",
        "mistral_md_v07.txt",
    ),
    (
        "ucloud_modelverse_price_md/ucloud_modelverse_price__v10__2025-03-24__dda547352c.md",
        "markdown",
        "CNY",
        "ucloud_v10.txt",
    ),
    (
        "ucloud_modelverse_price_md/ucloud_modelverse_price__v20__2025-08-22__5a26619837.md",
        "markdown",
        "CNY",
        "ucloud_v20.txt",
    ),
    (
        "volcengine_ark_docs/volcengine_ark_doubao-seed-1.8__2025-12-18__55596e1a9f.md",
        "markdown",
        "CNY",
        "volcengine_doubao_seed_1_8.txt",
    ),
    (
        "volcengine_ark_docs/volcengine_ark_doubao-seed-1.6__2025-12-18__20171bc727.md",
        "markdown",
        "CNY",
        "volcengine_doubao_seed_1_6_list_table.txt",
    ),
    (
        "volcengine_ark_docs/volcengine_ark_deepseek-v3.1__2025-12-18__20171bc727.md",
        "markdown",
        "CNY",
        "volcengine_deepseek_v3_1_list_table.txt",
    ),
    (
        "volcengine_ark_docs/volcengine_ark_kimi-k2__2025-12-18__20171bc727.md",
        "markdown",
        "CNY",
        "volcengine_kimi_k2_list_table.txt",
    ),
    (
        "volcengine_ark_docs/volcengine_ark_doubao-1.5-pro-32k__2025-12-18__20171bc727.md",
        "markdown",
        "CNY",
        "volcengine_doubao_1_5_pro_32k_card.txt",
    ),
    (
        "cn_price_table_markdown/llm_price_cn_readme__v02__2024-05-23__ac270ca6e3.md",
        "markdown",
        "CNY",
        "cn_price_table_v02.txt",
    ),
    (
        # Vertex AI's pricing page: 48 tables, a Type column, tiers in headers, Priority and
        # Flex/Batch tables, modality units, cache-storage tables, Feature/Resolution rows, regions
        "pricing_pages_captured/gemini_pricing__v01__2026-05-08__d1507e12fb.html",
        "html",
        "USD",
        "gemini_vertex.txt",
    ),
]


def render(result: ExtractResult) -> str:
    """One line per price: model | kind | tier | condition | amount currency per unit | free | raw | note."""
    lines = [
        " | ".join(
            [
                p.model,
                p.kind,
                p.tier,
                p.condition,
                f"{p.amount:f} {p.currency} per {p.per} {p.unit}",
                "free" if p.free else "",
                p.raw,
                p.note,
            ]
        ).rstrip()
        for p in result.prices
    ]
    lines += [f"! {problem}" for problem in result.problems]
    return "\n".join(lines) + "\n"


def captured_on(path: str) -> str:
    """The capture date in a fixture's name (…__v10__2025-03-24__hash.md): the day it was read."""
    match = re.search(r"__(\d{4}-\d{2}-\d{2})__", path)
    assert match, path
    return match.group(1)


def _extract(page: str, kind: str, currency: str) -> ExtractResult:
    text = fixture(page).read_text(encoding="utf-8")
    return extract_prices(kind, text, currency, as_of=captured_on(page))


@pytest.mark.parametrize(
    ("page", "kind", "currency", "golden"), GOLDEN_CASES, ids=[c[3] for c in GOLDEN_CASES]
)
def test_golden(page: str, kind: str, currency: str, golden: str) -> None:
    """Every price of a real page, exactly as reviewed against the page."""
    expected = (GOLDENS / golden).read_text(encoding="utf-8")
    assert render(_extract(page, kind, currency)) == expected


def test_models_as_columns_with_rowspan_and_struck_list_price() -> None:
    """DeepSeek's table: a MODEL row, a rowspan'd PRICING label, a discount with the list price struck,
    and the page's footnote (2) dating the discount."""
    html = """<table><tr><td colspan="2">MODEL</td><td>chat-a<sup>(1)</sup></td><td>chat-b</td></tr>
    <tr><td colspan="2">CONTEXT LENGTH</td><td colspan="2">128K</td></tr>
    <tr><td rowspan="2">PRICING</td><td>1M INPUT TOKENS (CACHE HIT)</td><td>$0.1</td>
        <td>$0.2 (50% off<sup>(2)</sup>)<del>$0.4</del></td></tr>
    <tr><td>1M OUTPUT TOKENS</td><td>$1</td><td>$2</td></tr></table>
    <p>(2) The chat-b discount is extended until 2026/05/31 15:59 UTC.</p>"""
    result = extract_prices("html", html, "USD")
    got = {(p.model, p.kind, p.condition): (p.per_million, p.note) for p in result.prices}
    assert got == {
        ("chat-a", "cached_input", ""): (Decimal("0.1"), ""),
        ("chat-b", "cached_input", ""): (Decimal("0.2"), "50% off until 2026-05-31"),
        ("chat-b", "cached_input", "list"): (Decimal("0.4"), ""),
        ("chat-a", "output", ""): (Decimal("1"), ""),
        ("chat-b", "output", ""): (Decimal("2"), ""),
    }
    assert result.problems == []


def test_several_prices_in_one_cell_and_page_unit() -> None:
    """'输入 6 元/百万 tokens，输出 24 元/百万 tokens' in one cell is two prices."""
    page = """| 模型名称 | 计费说明 |
| --- | --- |
| qwen-plus | 输入 6 元/百万 tokens，输出 24 元/百万 tokens |
| qwen-long | 输入0.0005元/千tokens<br>输出0.002元/千tokens |
"""
    result = extract_prices("markdown", page, "CNY")
    got = {(p.model, p.kind): (p.amount, p.per, p.per_million) for p in result.prices}
    assert got == {
        ("qwen-plus", "input"): (Decimal("6"), 1_000_000, Decimal("6")),
        ("qwen-plus", "output"): (Decimal("24"), 1_000_000, Decimal("24")),
        ("qwen-long", "input"): (Decimal("0.0005"), 1000, Decimal("0.5")),
        ("qwen-long", "output"): (Decimal("0.002"), 1000, Decimal("2")),
    }


def test_page_sentence_gives_the_unit() -> None:
    """A bare '$0.14' takes its unit from the page's own sentence about units."""
    page = """The prices listed below are in units of per 1M tokens.

| Model | Input | Output |
| --- | --- | --- |
| m-1 | $0.14 | $0.28 |
"""
    result = extract_prices("markdown", page, "USD")
    assert [(p.kind, p.per_million) for p in result.prices] == [
        ("input", Decimal("0.14")),
        ("output", Decimal("0.28")),
    ]


def test_unreadable_cell_is_reported_not_invented() -> None:
    """A cell the grammar cannot read is named in the problems; no price is made up for it."""
    page = """| Model | Input (USD / 1M tokens) | Output (USD / 1M tokens) |
| --- | --- | --- |
| m-1 | 0.5 | 1.5 |
| m-2 | 0.5 or 0.7 | 2 |
"""
    result = extract_prices("markdown", page, "USD")
    assert [(p.model, p.kind) for p in result.prices] == [
        ("m-1", "input"),
        ("m-1", "output"),
        ("m-2", "output"),
    ]
    assert len(result.problems) == 1
    assert result.problems[0].startswith("m-2 / Input (USD / 1M tokens): more than one amount")


@pytest.mark.parametrize(
    "page",
    [
        "",
        "<html><body><p>Enable JavaScript and cookies to continue</p></body></html>",
        "<table><tr><td>garbage",
        "\x00\x01\x02 not html at all <<<>>>",
        "<table>" + "<tr><td colspan='999999'>x</td></tr>" * 3 + "</table>",
    ],
)
def test_garbage_html_yields_nothing_and_no_error(page: str) -> None:
    """A page with no price table gives no prices, and extraction does not fail on it."""
    assert extract_prices("html", page, "USD").prices == []


def test_model_names_lose_footnotes_and_status_marks() -> None:
    """'deepseek-v4-flash(1)' and 'Claude Opus 3 ([deprecated](...))' are the models' plain names."""
    page = """| Model | Input |
| --- | --- |
| deepseek-v4-flash(1) | $1 / MTok |
| Claude Opus 3 ([deprecated](/docs/x)) | $15 / MTok |
"""
    assert [p.model for p in extract_prices("markdown", page, "USD").prices] == [
        "deepseek-v4-flash",
        "Claude Opus 3",
    ]


def test_model_cards_with_the_label_on_the_price_line() -> None:
    """A heading per model and lines such as '输入单价 8元 / M' are a card layout."""
    page = """## 定价

### kimi-k2-0905
上下文 256K
- 输入单价 4元 / M
- 缓存命中 1元 / M
- 输出单价 16元 / M

### moonshot-v1-8k
输入单价 2元 / M
输出单价 10元 / M
"""
    result = extract_prices("markdown", page, "CNY")
    got = [(p.model, p.kind, p.per_million, p.currency) for p in result.prices]
    assert got == [
        ("kimi-k2-0905", "input", Decimal(4), "CNY"),
        ("kimi-k2-0905", "cached_input", Decimal(1), "CNY"),
        ("kimi-k2-0905", "output", Decimal(16), "CNY"),
        ("moonshot-v1-8k", "input", Decimal(2), "CNY"),
        ("moonshot-v1-8k", "output", Decimal(10), "CNY"),
    ]


def test_flattened_row_that_does_not_fit_is_reported() -> None:
    """A flattened row with fewer prices than price columns is reported, never mapped by guess."""
    page = "\n".join(
        [
            *["Model Name", "Input", "Cached Input", "Output", "a-1", "$1", "$0.1", "$2", "b-2", "$1", "$2"],
            "Prices are per 1M tokens.",
        ]
    )
    result = extract_prices("markdown", page, "USD")
    assert [(p.model, p.kind, p.per_million) for p in result.prices] == [
        ("a-1", "input", Decimal(1)),
        ("a-1", "cached_input", Decimal("0.1")),
        ("a-1", "output", Decimal(2)),
    ]
    assert result.problems == [
        "b-2: 2 values under 3 columns (Input, Cached Input, Output): '$1 | $2'; not guessing which is which"
    ]


def _table(*rows: str) -> str:
    """An HTML table from rows written 'a | b | c' (the first is the header)."""
    cells = [row.split(" | ") for row in rows]
    head = "".join(f"<th>{c}</th>" for c in cells[0])
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in cells[1:])
    return f"<table><tr>{head}</tr>{body}</table>"


def _read(html: str) -> list[tuple[str, str, str, str, str, str]]:
    result = extract_prices("html", html, "USD", as_of="2026-05-08")
    assert result.problems == []
    return [(p.model, p.kind, p.tier, p.condition, f"{p.per_million:f}", p.unit) for p in result.prices]


def test_priority_and_batch_tables_are_conditions_and_kinds_not_sections() -> None:
    """Gemini's 'Price … with Priority' and '… with Flex/Batch' headers: the same model in three
    tables is one model, with a priority condition and batch kinds, never named by its section."""
    standard = _table(
        "Model | Type | Price (/1M tokens)", "g-3 | Input (audio) | $1", "g-3 | Image Output | $60"
    )
    priority = _table("Model | Type | Price (/1M tokens) with Priority", "g-3 | Input (audio) | $1.8")
    batch = _table(
        "Model | Type | Price with Batch API (/1M tokens)",
        "g-3 | Input (audio) | $0.5",
        "g-3 | Image Output | $30",
    )
    page = f"<h3>Standard</h3>{standard}<h3>Priority</h3>{priority}<h3>Flex/Batch</h3>{batch}"
    assert _read(page) == [
        ("g-3", "input_audio", "", "", "1", "tokens"),
        ("g-3", "output_image", "", "", "60", "tokens"),
        ("g-3", "input_audio", "", "priority", "1.8", "tokens"),
        ("g-3", "batch_input_audio", "", "", "0.5", "tokens"),
        ("g-3", "batch_output_image", "", "", "30", "tokens"),
    ]


def test_type_column_states_the_unit_and_short_rows_are_read() -> None:
    """'1M Input tokens', 'Input text ($/M char)', 'Input video ($/sec)' give the row's unit; a row
    drawn with fewer cells than the header (no batch price) is read from the left."""
    page = _table(
        "Model | Type | Price | Price with Batch API",
        "g-2 | 1M Input audio tokens | $1.00 | $0.50",
        "g-2 | Tuning for 1M training tokens | $3.00 | ",
        "g-2-image | Input text ($/M char) | $0.0375",
        "g-2-image | Input video ($/sec) | $0.0000387",
        "g-2-image | Output image image ($/image) | $0.04",
    )
    assert _read(page) == [
        ("g-2", "input_audio", "", "", "1", "tokens"),
        ("g-2", "batch_input_audio", "", "", "0.5", "tokens"),
        ("g-2", "training", "", "", "3", "tokens"),
        ("g-2-image", "input", "", "", "0.0375", "characters"),
        ("g-2-image", "input_video", "", "", "38.7", "second"),
        ("g-2-image", "output_image", "", "", "40000", "image"),
    ]


def test_kinds_listed_one_per_line_pair_with_prices_one_per_line() -> None:
    """'Image Input<br>Text Input' beside '$0.00002 / image<br>$0.00001875 / 1k characters': one
    price per line, each with its own unit; lines that do not pair up are reported, not paired."""
    page = _table(
        "Model | Type | Price ( =< 128K input tokens)",
        "g-1.5 | Image Input<br>Text Input<br> | $0.00002 / image<br>$0.00001875 / 1k characters<br>",
        "g-1.0 | Image Input<br>Text Input | $0.0025 / image",
    )
    result = extract_prices("html", page, "USD")
    assert [(p.model, p.kind, p.tier, f"{p.per_million:f}", p.unit) for p in result.prices] == [
        ("g-1.5", "input_image", "<=128K", "20", "image"),
        ("g-1.5", "input", "<=128K", "0.01875", "characters"),
    ]
    assert result.problems == [
        "g-1.0 / Price ( =< 128K input tokens): 2 kinds (Image Input, Text Input) beside 1 price"
        " ('$0.0025 / image'); not guessing which is which"
    ]


def test_online_and_batch_requests_and_a_price_stated_in_two_units() -> None:
    """'Online requests: $x<br>Batch requests: $y' under an Output row is output and batch_output
    ('No charge' is free), whatever kind the header's unit names; '(or $0.0003/page)' is a second
    record in its own unit."""
    embeddings = _table(
        "Model | Type | Region | Price per 1,000 input tokens",
        "emb | Input | Global | Online requests: $0.00015<br>Batch requests: $0.00012",
        "emb | Output | Global | Online requests: No charge<br>Batch requests: No charge",
    )
    ocr = _table("Model | Pricing", "ocr | Input: $0.30 / million tokens (or $0.0003/page)")
    assert _read(embeddings + ocr) == [
        ("emb", "input", "", "", "0.15", "tokens"),
        ("emb", "batch_input", "", "", "0.12", "tokens"),
        ("emb", "output", "", "", "0", "tokens"),
        ("emb", "batch_output", "", "", "0", "tokens"),
        ("ocr", "input", "", "", "300", "page"),
        ("ocr", "input", "", "", "0.3", "tokens"),
    ]


def test_rows_of_one_model_told_apart_by_their_short_labels() -> None:
    """Veo's rows (Feature x Output Resolution, one price each) become one price per feature and
    resolution; a long description and a label that tells nothing more are left out."""
    speech = "Generate videos with synchronized speech from a prompt"  # longer than a label
    plain = "Generate videos from a text prompt or reference image"
    page = _table(
        "Model | Feature | Description | Output | Output Resolution | Price",
        f"veo | Video + Audio generation | {speech} | Video + Audio | 720p | $0.10/second",
        f"veo | Video + Audio generation | {speech} | Video + Audio | 4k | $0.30/second",
        f"veo | Video generation | {plain} | Video | 720p | $0.08/second",
        "lyria | Music generation | Generate music from a text prompt | Music | - | $0.06 per 30 seconds",
    )
    assert _read(page) == [
        ("veo", "per_second", "", "video + audio generation, 720p", "100000", "second"),
        ("veo", "per_second", "", "video + audio generation, 4k", "300000", "second"),
        ("veo", "per_second", "", "video generation, 720p", "80000", "second"),
        ("lyria", "per_second", "", "", "2000", "second"),
    ]


def test_a_cache_table_prices_storage_and_cached_tokens() -> None:
    """'Storage (M tok-hour) | Price' under Type rows: the storage per hour, and the cached input
    price (not a second input price that would contradict the model's input price)."""
    page = _table(
        "Model | Type | Storage (M tok-hour) | Price",
        "g-2 | 1M Input tokens | $1.00 | $0.0375",
        "g-2 | 1M Input audio tokens | $1.00 | $0.25",
        "g-2 | 1M Output text tokens | NA | NA",
    )
    assert _read(page) == [
        ("g-2", "cache_storage", "", "", "1", "token-hours"),
        ("g-2", "cached_input", "", "", "0.0375", "tokens"),
        ("g-2", "cache_storage_audio", "", "", "1", "token-hours"),
        ("g-2", "cached_input_audio", "", "", "0.25", "tokens"),
    ]


def test_a_model_told_apart_by_section_takes_the_section_as_condition_in_every_price() -> None:
    """Claude in Global and us-east5 tables at different prices: every us-east5 price carries the
    region as its condition, also one that only the us-east5 table lists ('Cache Write'); the model's
    name stays its name (issue 14: a section never becomes part of a model's name)."""
    global_ = _table("Model | Price (/1M tokens)", "haiku | Input: $1.00<br>Output: $5.00")
    regional = _table(
        "Model | Price (/1M tokens)", "haiku | Input: $1.10<br>Output: $5.50<br>Cache Write: $1.375"
    )
    assert _read(f"<h3>Global</h3>{global_}<h3>us-east5</h3>{regional}") == [
        ("haiku", "input", "", "global", "1", "tokens"),
        ("haiku", "output", "", "global", "5", "tokens"),
        ("haiku", "input", "", "us-east5", "1.1", "tokens"),
        ("haiku", "output", "", "us-east5", "5.5", "tokens"),
        ("haiku", "cache_write", "", "us-east5", "1.375", "tokens"),
    ]


def test_long_context_tables_as_anthropic_wrote_them_over_time() -> None:
    """Anthropic's long-context table: first with no model column under a sentence naming the models,
    later with a Model column, a row per price whose model cell a converter left empty, and
    'Claude Sonnet 4.5 / 4' for two models. Every form gives the same records."""
    models = """| Model | Input | Output |
| --- | --- | --- |
| Claude Sonnet 4.5 | $3 / MTok | $15 / MTok |
| Claude Sonnet 4 | $3 / MTok | $15 / MTok |
| Claude Haiku 3 | $0.25 / MTok | $1.25 / MTok |
"""
    unnamed = """When using Claude Sonnet 4 or Sonnet 4.5 with the 1M token context window enabled:

| ≤ 200K input tokens | > 200K input tokens |
|---|---|
| Input: $3 / MTok | Input: $6 / MTok |
"""
    named = """| Model | ≤ 200K input tokens | > 200K input tokens |
|---|---|---|
| Claude Sonnet 4.5 / 4 | Input: $3 / MTok | Input: $6 / MTok |
|  | Output: $15 / MTok | Output: $22.50 / MTok |
"""

    def tiered(page: str) -> set[tuple[str, str, str, str]]:
        result = extract_prices("markdown", page, "USD")
        assert result.problems == []
        return {(p.model, p.kind, p.tier, f"{p.per_million:f}") for p in result.prices if p.tier}

    assert tiered(models + "\n" + unnamed) == {
        (model, "input", tier, amount)
        for model in ("Claude Sonnet 4.5", "Claude Sonnet 4")
        for tier, amount in (("<=200K", "3"), (">200K", "6"))
    }
    assert tiered(models + "\n" + named) == {
        (model, kind, tier, amount)
        for model in ("Claude Sonnet 4.5", "Claude Sonnet 4")
        for kind, tier, amount in (
            ("input", "<=200K", "3"),
            ("input", ">200K", "6"),
            ("output", "<=200K", "15"),
            ("output", ">200K", "22.5"),
        )
    }
    # a modelless table under its own heading is a variant of the models its sentence names
    fast = """### Fast mode pricing

Fast mode for Claude Sonnet 4.5 provides faster output at premium pricing:

| Context window | Input | Output |
|:---|:---|:---|
| ≤ 200K input tokens | $30 / MTok | $150 / MTok |
"""
    result = extract_prices("markdown", models + "\n" + fast, "USD")
    assert [(p.model, p.kind, p.tier, p.condition, p.per_million) for p in result.prices if p.condition] == [
        ("Claude Sonnet 4.5", "input", "<=200K", "fast mode", Decimal(30)),
        ("Claude Sonnet 4.5", "output", "<=200K", "fast mode", Decimal(150)),
    ]
    # a table of tiers under a sentence that names no model of the page is not read: it is reported
    vague = extract_prices(
        "markdown", models + "\n" + unnamed.replace("Claude Sonnet 4 or Sonnet 4.5", "the new models"), "USD"
    )
    assert [p for p in vague.prices if p.tier] == []
    assert [p for p in vague.problems if "names no model" in p and "Input: $6 / MTok" in p]


@pytest.mark.parametrize(
    "page",
    [
        # Volcengine's price overview: the capture kept each table's cell values once each, out of
        # order ('0.017', 'doubao-seed-1.6-flash', '0.15', …); nothing can be read from it honestly
        "volcengine_ark_docs/volcengine_ark_model_service_pricing__2025-12-18__20171bc727.md",
        "volcengine_ark_docs/volcengine_ark_billing_explained__2025-12-18__20171bc727.md",
        # the model list: limits ('QPS 每秒请求数上限' | 2) and context sizes, no price
        "volcengine_ark_docs/volcengine_ark_model_list__2025-12-18__20171bc727.md",
    ],
)
def test_pages_without_a_readable_price_table_give_no_prices(page: str) -> None:
    """Real pages whose tables are scrambled or hold no price: nothing is made up from them."""
    assert _extract(page, "markdown", "CNY").prices == []


if __name__ == "__main__":  # regenerate the goldens, then review every changed line against its page
    for page, kind, currency, golden in GOLDEN_CASES:
        (GOLDENS / golden).write_text(render(_extract(page, kind, currency)), encoding="utf-8")
        print(f"wrote {golden}", file=sys.stderr)
