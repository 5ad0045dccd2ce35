"""Pages the readers were not built on: each rule is stated for what pricing pages do in general, and
tested here on at least two pages' own forms (cut down from real captures, or written in their style)."""

# ruff: noqa: E501  (a page's own lines are kept whole: cutting them would change what is read)

from __future__ import annotations

import json
import re
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner
from selectolax.lexbor import LexborHTMLParser

from monitor.cli import cli
from monitor.config import load_config
from monitor.errors import ConfigError
from monitor.extract import Hints, content_digest, extract_prices
from monitor.extract.html import html_grids


def prices(kind: str, page: str, currency: str = "USD", **options: object) -> set[tuple[str, ...]]:
    """(model, kind, tier, condition, amount per 1M, currency) of every price read."""
    result = extract_prices(kind, page, currency, **options)  # type: ignore[arg-type]
    return {
        (p.model, p.kind, p.tier, p.condition, format(p.per_million, "f"), p.currency) for p in result.prices
    }


def problems(kind: str, page: str, currency: str = "USD", **options: object) -> list[str]:
    return extract_prices(kind, page, currency, **options).problems  # type: ignore[arg-type]


# -- where the unit is stated --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "page"),
    [
        # GMI Cloud's Markdown: the unit in a sentence above the table, field names as headers
        (
            "markdown",
            "## Serverless Pricing\nThe prices are based on 1 million tokens.\n\n"
            "| model_name | input_price | output_price |\n|---|---|---|\n"
            "| deepseek-ai/DeepSeek-R1 | $0.50 | $2.18 |\n",
        ),
        # Z.ai's HTML: 'Prices per 1M tokens.' in a block of its own before the table
        (
            "html",
            "<h2>Text Models</h2><div><p>Prices per 1M tokens.</p></div><div><table>"
            "<tr><th>Model</th><th>Input</th><th>Output</th></tr>"
            "<tr><td>deepseek-ai/DeepSeek-R1</td><td>$0.50</td><td>$2.18</td></tr></table></div>",
        ),
        # Kimi's: the definition after the table ('此处 1M = 1,000,000 ...')
        (
            "html",
            "<table><tr><th>模型</th><th>输入价格</th><th>输出价格</th></tr>"
            "<tr><td>deepseek-ai/DeepSeek-R1</td><td>$0.50</td><td>$2.18</td></tr></table>"
            "<span>此处 1M = 1,000,000，表格中的价格代表每消耗 1M tokens 的价格。</span>",
        ),
    ],
)
def test_a_unit_stated_in_a_line_beside_the_table_is_its_figures_unit(kind: str, page: str) -> None:
    """A sentence before or after a table that states a unit (and prices nothing itself) gives the
    table's bare figures that unit."""
    assert prices(kind, page) == {
        ("deepseek-ai/DeepSeek-R1", "input", "", "", "0.5", "USD"),
        ("deepseek-ai/DeepSeek-R1", "output", "", "", "2.18", "USD"),
    }


def test_a_line_that_prices_something_states_no_unit_for_the_table() -> None:
    """'1 Diem = $1/day' beside the table is a price of its own, not the table's unit: the bare
    figures stay unread and are reported."""
    page = (
        "<p>1 Diem = $1/day of compute.</p><table><tr><th>Model</th><th>Input</th></tr>"
        "<tr><td>glm-5</td><td>$1.00</td></tr></table>"
    )
    assert prices("html", page) == set()
    assert any("no unit" in p for p in problems("html", page))


# -- tabs and panes --------------------------------------------------------------------------------

_TABLE = (
    "<table><tr><td>模型名称</td><td>推理输入 （元/百万 tokens）</td><td>推理输出 （元/百万 tokens）</td></tr>"
    "<tr><td>GLM-5.1</td><td>{a}</td><td>{b}</td></tr></table>"
)


@pytest.mark.parametrize(
    "page",
    [
        # Tencent Cloud's editor: a bar of tab labels, then each pane's whole table
        '<h2>语言模型</h2><div class="tse-tabs"><div class="tse-tabs__bar"><div>广州</div><div>新加坡</div></div>'
        f"<div>{_TABLE.format(a=4, b=18)}</div><div>{_TABLE.format(a='0.6', b='2.2')}</div></div>",
        # an ARIA tab list
        '<h2>语言模型</h2><div role="tablist"><button role="tab">广州</button><button role="tab">新加坡</button>'
        f'</div><div role="tabpanel">{_TABLE.format(a=4, b=18)}</div>'
        f'<div role="tabpanel" hidden>{_TABLE.format(a="0.6", b="2.2")}</div>',
    ],
)
def test_a_table_shown_in_tabs_gives_a_price_per_tab(page: str) -> None:
    """Region tabs are whole copies of one table: each copy's prices take the tab's name as their
    condition, so the two regions' prices are both kept, never a refused collision."""
    assert prices("html", page, "CNY") == {
        ("GLM-5.1", "input", "", "广州", "4", "CNY"),
        ("GLM-5.1", "output", "", "广州", "18", "CNY"),
        ("GLM-5.1", "input", "", "新加坡", "0.6", "CNY"),
        ("GLM-5.1", "output", "", "新加坡", "2.2", "CNY"),
    }


# -- table shapes ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "page",
    [
        # Tencent's editor: a rowspan continuation row carries a cell of U+FEFF only
        "<table><tr><td>模型名称</td><td>条件</td><td>推理输入 （元/百万 tokens）</td><td>推理输出 （元/百万 tokens）</td></tr>"
        '<tr><td rowspan="2">Hy3 preview</td><td>输入长度（0, 16k）</td><td>1.2</td><td>4</td></tr>'
        "<tr><td>\ufeff\n</td><td>输入长度 [16k, 32k）</td><td>1.6</td><td>6.4</td></tr></table>",
        # Volcengine's Lark editor: every cell padded with zero-width spaces
        "<table><tr><td>模型名称\u200b</td><td>条件\u200b</td><td>推理输入\u200b （元/百万 tokens）\u200b</td>"
        "<td>推理输出 （元/百万 tokens）\u200b</td></tr>"
        "<tr><td>Hy3 preview\u200b</td><td>输入长度（0, 16k）\u200b</td><td>1.2\u200b</td><td>4\u200b</td></tr>"
        "<tr><td>Hy3 preview\u200b</td><td>输入长度 [16k, 32k）\u200b</td><td>1.6\u200b</td><td>6.4</td></tr></table>",
    ],
)
def test_invisible_padding_is_no_text_and_no_column(page: str) -> None:
    """Zero-width spaces and U+FEFF are dropped from text, and a cell of nothing else in a row wider
    than its header is an editor's placeholder: the row lines up under its header; a length range in
    a label cell is the row's tier, never a price."""
    assert prices("html", page, "CNY") == {
        ("Hy3 preview", "input", "0-16K", "", "1.2", "CNY"),
        ("Hy3 preview", "output", "0-16K", "", "4", "CNY"),
        ("Hy3 preview", "input", "16K-32K", "", "1.6", "CNY"),
        ("Hy3 preview", "output", "16K-32K", "", "6.4", "CNY"),
    }


@pytest.mark.parametrize(
    ("label", "tier"),
    # '[32+)' includes 32K; a bare '32k+' follows '(0, 32k]', which included it
    [("输入长度 [32+)", ">=32K"), ("长度 32k+", ">32K"), ("长度 ≥ 32k", ">=32K"), ("[0, 32)", "0-32K")],
)
def test_a_range_in_a_label_cell_is_a_tier_never_a_price(label: str, tier: str) -> None:
    """Zhipu's '输入长度 [32+)' under a '上下文 (千tokens)' header and Tencent's '32k+': the tier, not
    an amount of 32."""
    page = (
        "<table><tr><th>模型名称</th><th>上下文 (千tokens)</th><th>输入单价 (百万tokens)</th></tr>"
        f"<tr><td>GLM-5.1</td><td>{label}</td><td>8元</td></tr></table>"
    )
    assert prices("html", page, "CNY") == {("GLM-5.1", "input", tier, "", "8", "CNY")}


@pytest.mark.parametrize(
    "page",
    [
        # Zhipu's rendered page (Element UI): the header row is a table of its own before the body's
        "<div><table><thead><tr><th>模型名称</th><th>输入单价 (百万tokens)</th><th>输出单价 (百万tokens)</th>"
        "</tr></thead></table></div><div><table><tbody><tr><td>GLM-4.6V</td><td>1元</td><td>3元</td></tr>"
        "</tbody></table></div>",
        # Ant Design's fixed header: the same in <colgroup>ed tables
        '<div class="ant-table-header"><table><colgroup><col></colgroup><tr><th>Model</th>'
        "<th>Input (/1M tokens)</th><th>Output (/1M tokens)</th></tr></table></div>"
        '<div class="ant-table-body"><table><colgroup><col></colgroup><tr><td>GLM-4.6V</td><td>¥1</td>'
        "<td>¥3</td></tr></table></div>",
    ],
)
def test_a_header_drawn_as_its_own_table_joins_its_body(page: str) -> None:
    """UI libraries draw a fixed header as a one-row table before the body's table: one table."""
    assert prices("html", page, "CNY") == {
        ("GLM-4.6V", "input", "", "", "1", "CNY"),
        ("GLM-4.6V", "output", "", "", "3", "CNY"),
    }


@pytest.mark.parametrize(
    "page",
    [
        # Bailian's Firecrawl Markdown: the units row collapsed to the cells that held text
        "| **模型名称** | **上下文长度** | **输入成本** | **输出成本** |\n| --- | --- | --- | --- |\n"
        "| **（Token数）** | **（每百万Token）** |\n| qwen-max | 32,768 | 2.4元 | 9.6元 |\n",
        # an HTML header of two rows: labels over units
        "<table><tr><th>模型名称</th><th>上下文长度</th><th>输入成本</th><th>输出成本</th></tr>"
        "<tr><th>（Token数）</th><th>（Token数）</th><th>（每百万Token）</th><th>（每百万Token）</th></tr>"
        "<tr><td>qwen-max</td><td>32,768</td><td>2.4元</td><td>9.6元</td></tr></table>",
    ],
)
def test_a_header_of_two_rows_is_read_as_one(page: str) -> None:
    """A header's second row (units) belongs to the columns above it; a converter's collapsed units
    row states the unit of the columns that name a kind. 32,768 tokens of context is no price."""
    kind = "markdown" if page.startswith("|") else "html"
    assert prices(kind, page, "CNY") == {
        ("qwen-max", "input", "", "", "2.4", "CNY"),
        ("qwen-max", "output", "", "", "9.6", "CNY"),
    }


@pytest.mark.parametrize(
    "page",
    [
        # Bailian's overview: models as columns under a category label, descriptions below the names
        "| 旗舰模型 | new千问Max<br>适合复杂任务，能力最强 | 千问Plus<br>效果、速度、成本均衡 |\n| --- | --- | --- |\n"
        "| 最大上下文长度<br>（Token数） | 262,144 | 1,000,000 |\n"
        "| 最低输入价格<br>（每百万 Token） | 2.5元 | 0.8元 |\n| 最低输出价格<br>（每百万 Token） | 10元 | 2元 |\n",
        # the same layout in English HTML, no 'Model' cell anywhere
        "<table><tr><th></th><th>千问Max</th><th>千问Plus</th></tr>"
        "<tr><td>Context window</td><td>262,144</td><td>1,000,000</td></tr>"
        "<tr><td>Input price (per 1M tokens)</td><td>2.5元</td><td>0.8元</td></tr>"
        "<tr><td>Output price (per 1M tokens)</td><td>10元</td><td>2元</td></tr></table>",
    ],
)
def test_models_as_columns_without_a_model_label(page: str) -> None:
    """A first column of price labels (kind and unit) under a header row of names: models as
    columns. A context window is no price; 'new' before a name is its status."""
    kind = "markdown" if page.startswith("|") else "html"
    assert prices(kind, page, "CNY") == {
        ("千问Max", "input", "", "", "2.5", "CNY"),
        ("千问Max", "output", "", "", "10", "CNY"),
        ("千问Plus", "input", "", "", "0.8", "CNY"),
        ("千问Plus", "output", "", "", "2", "CNY"),
    }


@pytest.mark.parametrize(
    "page",
    [
        # DeepSeek's layout with the unit beside each model's name
        "<table><tr><th>MODEL</th><th>chat-a ($/1M)</th><th>chat-b ($/1M)</th></tr>"
        "<tr><td>1M INPUT TOKENS</td><td>$0.1</td><td>$0.2</td></tr>"
        "<tr><td>1M OUTPUT TOKENS</td><td>$1</td><td>$2</td></tr></table>",
        "| Model | chat-a (USD per 1M tokens) | chat-b (USD per 1M tokens) |\n|---|---|---|\n"
        "| Input price | 0.1 | 0.2 |\n| Output price | 1 | 2 |\n",
    ],
)
def test_models_as_columns_with_a_unit_beside_each_name(page: str) -> None:
    """Under MODEL the rows name kinds, not models: the headers are the models, and the unit in brackets
    after a model's name is its column's, not part of the name."""
    kind = "html" if page.startswith("<") else "markdown"
    assert prices(kind, page) == {
        ("chat-a", "input", "", "", "0.1", "USD"),
        ("chat-b", "input", "", "", "0.2", "USD"),
        ("chat-a", "output", "", "", "1", "USD"),
        ("chat-b", "output", "", "", "2", "USD"),
    }


@pytest.mark.parametrize("header", ["模型 ID", "模型 名称"])
def test_a_model_header_spaced_as_editors_write_it_names_the_model_column(header: str) -> None:
    page = (
        f"<table><tr><th>{header}</th><th>在线推理 元/百万token</th><th>离线推理 元/百万token</th></tr>"
        "<tr><td>vid-gen-1.0</td><td>15.00</td><td>7.50</td></tr></table>"
    )
    said = problems("html", page, "CNY")
    assert [p for p in said if p.startswith("vid-gen-1.0 / ") and "'15.00'" in p]


@pytest.mark.parametrize(
    ("page", "expected"),
    [
        # a table of fine-tuned models names the base model of each beside it
        (
            "| Fine-tuned model | Base model | Input (USD per 1M tokens) | Output (USD per 1M tokens) |\n"
            "|---|---|---|---|\n| acme-support-v2 | gpt-x-mini | 0.30 | 1.20 |\n",
            {
                ("acme-support-v2", "input", "", "", "0.3", "USD"),
                ("acme-support-v2", "output", "", "", "1.2", "USD"),
            },
        ),
        # apps built on a model: their prices are the apps', never the base model's
        (
            "| 应用 | 基础模型 | 价格（元/千次调用） |\n|---|---|---|\n| 客服助手 | glm-4-plus | 5 |\n"
            "| 写作助手 | glm-4-air | 2 |\n",
            set(),
        ),
    ],
)
def test_a_base_model_column_is_not_the_model_priced(page: str, expected: set[tuple[str, ...]]) -> None:
    """'Base model' / '基础模型' says what a fine-tuned model or an app is built on: no price goes to it."""
    currency = "CNY" if "元" in page else "USD"
    assert prices("markdown", page, currency) == expected
    assert not [p for p in problems("markdown", page, currency) if p.startswith(("gpt-x-mini /", "glm-4"))]


@pytest.mark.parametrize(
    ("kind", "page", "model"),
    [
        # Volcengine's video models: a model column, then columns of a mode and a unit
        (
            "html",
            "<table><tr><th>模型</th><th>在线推理 元/百万token</th><th>离线推理 元/百万token</th></tr>"
            "<tr><td>doubao-seedance-1.0-pro</td><td>15.00</td><td>7.50</td></tr></table>",
            "doubao-seedance-1.0-pro",
        ),
        # the same layout in English Markdown
        (
            "markdown",
            "| Model | Realtime (USD per 1M tokens) | Deferred (USD per 1M tokens) |\n|---|---|---|\n"
            "| vidgen-1 | 15.00 | 7.50 |\n",
            "vidgen-1",
        ),
    ],
)
def test_rows_labelled_by_model_ids_under_headers_stating_a_unit_are_the_models(
    kind: str, page: str, model: str
) -> None:
    """A table lists its models down or across, never both: where the labels under MODEL are models' ids
    and the headers after it each state a unit ('在线推理 元/百万token'), the headers are columns of
    prices, not models. These columns name no kind, so each figure is reported under its row's model,
    never skipped as a row 'about the model' of a model named by the header."""
    said = problems(kind, page, "CNY")
    assert prices(kind, page, "CNY") == set()
    for figure in ("15.00", "7.50"):
        assert [
            p for p in said if p.startswith(f"{model} / ") and f"no kind of price named for '{figure}'" in p
        ]
    assert not [p for p in said if "元/百万token /" in p or "tokens) /" in p]


@pytest.mark.parametrize(
    ("kind", "page"),
    [
        (
            "markdown",
            "## GLM-4.5\n\n| 计费项 | 单价（每百万 tokens） |\n|---|---|\n| 输入 | 2 元 |\n| 输出 | 8 元 |\n",
        ),
        (
            "html",
            "<h3>GLM-4.5</h3><table><tr><th>Item</th><th>Price (per 1M tokens)</th></tr>"
            "<tr><td>Input</td><td>2 元</td></tr><tr><td>Output</td><td>8 元</td></tr></table>",
        ),
    ],
)
def test_kinds_as_rows_under_a_heading_that_names_the_model(kind: str, page: str) -> None:
    """A table of kinds (rows) and one price column takes its model from the heading above it."""
    assert prices(kind, page, "CNY") == {
        ("GLM-4.5", "input", "", "", "2", "CNY"),
        ("GLM-4.5", "output", "", "", "8", "CNY"),
    }


def test_kinds_as_rows_with_no_model_anywhere_are_reported_and_the_model_hint_names_it() -> None:
    """StepFun's model page names its model only in its URL: the table is reported with what to do,
    and `model` (or model_from) reads it."""
    page = (
        "# 概览\n\n## 定价\n\n| 计费项 | 单价（每百万 tokens） |\n|---|---|\n"
        "| 输入（缓存命中） | 0.27 元 |\n| 输入（缓存未命中） | 1.35 元 |\n| 输出 | 8.1 元 |\n"
    )
    assert prices("markdown", page, "CNY") == set()
    assert any("no model named" in p and "model_from" in p for p in problems("markdown", page, "CNY"))
    assert prices("markdown", page, "CNY", hints=Hints(model="step-3.7-flash")) == {
        ("step-3.7-flash", "cached_input", "", "", "0.27", "CNY"),
        ("step-3.7-flash", "input", "", "", "1.35", "CNY"),
        ("step-3.7-flash", "output", "", "", "8.1", "CNY"),
    }


# -- the model's name and what is written beside it ---------------------------------------------


@pytest.mark.parametrize(
    ("cell", "model", "status", "note"),
    [
        ("Hy3 preview （2026-08-31 下线）", "Hy3 preview", "2026-08-31 下线", ""),
        (
            "Claude Opus 4 (retired, except on Google Cloud)",
            "Claude Opus 4",
            "retired, except on google cloud",
            "",
        ),
        ("DeepSeek-V4-Pro（限时2.5折）", "DeepSeek-V4-Pro", "", "限时2.5折"),
        ("[OPENAI]GPT OSS 120B**", "GPT OSS 120B", "", "OPENAI"),
        ("GLM-5.2 新品", "GLM-5.2", "新品", ""),
        ("qwen-max<br>> 当前与qwen-max-2024-09-19能力相同<br>> 即将下线", "qwen-max", "即将下线", ""),
    ],
)
def test_status_and_badges_beside_a_name_leave_the_name(
    cell: str, model: str, status: str, note: str
) -> None:
    """A status in any phrasing goes to `status`, a badge about the price to `note`, footnote marks
    go: a page that rewords them keeps the model's identity."""
    page = f"| Model | Input ($/1M tokens) |\n|---|---|\n| {cell} | $1 |\n"
    [price] = extract_prices("markdown", page, "USD").prices
    assert (price.model, price.status, price.note) == (model, status, note)


@pytest.mark.parametrize(
    ("cell", "models"),
    [
        ("deepseek-chat<br>deepseek-reasoner", ["deepseek-chat", "deepseek-reasoner"]),
        ("DeepSeek-R1 / V3", ["DeepSeek-R1", "DeepSeek-V3"]),
        ("qwen-max、qwen-plus", ["qwen-max", "qwen-plus"]),
    ],
)
def test_a_cell_naming_several_models_prices_each(cell: str, models: list[str]) -> None:
    page = f"| Model | Input ($/1M tokens) |\n|---|---|\n| {cell} | $1 |\n"
    assert sorted(p.model for p in extract_prices("markdown", page, "USD").prices) == sorted(models)


# -- cells with more than one figure -------------------------------------------------------------


@pytest.mark.parametrize(
    "cell",
    ["$ 2.50 (¥17.50) / M 输入 tokens", "US$2.50（17.50元）/ 1M tokens input"],
)
def test_a_price_in_two_currencies_is_a_record_in_each(cell: str) -> None:
    """Modelmesh's '$ 2.50 (¥17.50) / M 输入 tokens': both currencies, each with the cell's unit."""
    page = (
        f"<table><tr><th>Model</th><th>Price</th></tr><tr><td>GPT-5.6-Terra</td><td>{cell}</td></tr></table>"
    )
    assert prices("html", page) == {
        ("GPT-5.6-Terra", "input", "", "", "2.5", "USD"),
        ("GPT-5.6-Terra", "input", "", "", "17.5", "CNY"),
    }


@pytest.mark.parametrize(
    ("cell", "note"),
    [
        ("16元/百万 tokens(约0.0002元/秒)", "约0.0002元/秒"),
        ("$0.03 / MTok (equivalent to approximately $0.0001 per second)", "equivalent to approximately"),
    ],
)
def test_an_approximate_restatement_is_a_note_not_a_second_price(cell: str, note: str) -> None:
    page = f"<table><tr><th>模型</th><th>输入价格</th></tr><tr><td>GLM-ASR</td><td>{cell}</td></tr></table>"
    [price] = extract_prices("html", page, "CNY").prices
    assert price.kind == "input" and note in price.note


@pytest.mark.parametrize(
    ("cell", "unit"),
    [("$0.20 / GB / day", "GB"), ("1.920 元/每10K TPM/小时", "TPM"), ("$4.98/Hour", "Hour")],
)
def test_an_amount_in_a_unit_the_grammar_does_not_know_is_reported(cell: str, unit: str) -> None:
    """Never given the table's per-token unit: '/GB/day' storage, a TPM package, a GPU hour."""
    page = (
        "<p>Prices per 1M tokens.</p><table><tr><th>Model</th><th>Input</th></tr>"
        f"<tr><td>m-1</td><td>{cell}</td></tr></table>"
    )
    assert prices("html", page) == set()
    assert any(repr(unit) in p for p in problems("html", page))


def test_a_token_price_that_names_no_kind_is_one_price_for_all_tokens() -> None:
    """Zhipu's '单价 | 5 元 / 百万Tokens' and its 'Batch API 定价' column."""
    page = (
        "<table><tr><th>模型</th><th>上下文</th><th>单价</th><th>Batch API 定价</th></tr>"
        "<tr><td>GLM-4-Plus</td><td>128K</td><td>5 元 / 百万Tokens</td><td>2.5 元 / 百万Tokens</td></tr></table>"
    )
    assert prices("html", page, "CNY") == {
        ("GLM-4-Plus", "tokens", "", "", "5", "CNY"),
        ("GLM-4-Plus", "batch_tokens", "", "", "2.5", "CNY"),
    }


# -- prices kept in scripts ----------------------------------------------------------------------


def _flight(payload: object) -> str:
    line = "7:" + json.dumps(payload)
    return f"<script>self.__next_f.push({json.dumps([1, line])})</script>"


@pytest.mark.parametrize(
    "script",
    [
        # Cerebras: a CMS table in Next.js's flight payload, '$' escaped as '$$'
        _flight(
            [
                {"style": "h2", "children": [{"text": "Developer tier Pricing"}]},
                {
                    "_type": "table",
                    "rows": [
                        {"cells": ["Model", "Speed", "Input", "Output"]},
                        {
                            "cells": [
                                "[OPENAI]GPT OSS 120B",
                                "~3000 tokens/s",
                                "$$0.35/M tokens",
                                "$$0.75/M tokens",
                            ]
                        },
                    ],
                },
            ]
        ),
        # a state object assigned to window, rows as arrays
        "<script>window.__PAGE_STATE__ = "
        + json.dumps(
            {
                "pricing": {
                    "rows": [
                        ["Model", "Input", "Output"],
                        ["GPT OSS 120B", "$0.35/M tokens", "$0.75/M tokens"],
                    ]
                }
            }
        )
        + ";</script>",
    ],
)
def test_a_page_whose_html_has_no_price_is_read_from_its_scripts(script: str) -> None:
    page = f"<html><body><h1>Pricing</h1><p>Plans from $50/month</p>{script}</body></html>"
    assert prices("html", page) == {
        ("GPT OSS 120B", "input", "", "", "0.35", "USD"),
        ("GPT OSS 120B", "output", "", "", "0.75", "USD"),
    }


def test_script_state_is_not_read_beside_the_html_tables() -> None:
    """The same document served twice (HTML and state) is read once: from the HTML."""
    table = (
        "<table><tr><th>Model</th><th>Input ($/1M tokens)</th></tr><tr><td>m-1</td><td>$1</td></tr></table>"
    )
    state = json.dumps({"rows": [["Model", "Input ($/1M tokens)"], ["m-1", "$2"]]})
    page = f"<body>{table}<script>window.__STATE__ = {state}</script></body>"
    assert prices("html", page) == {("m-1", "input", "", "", "1", "USD")}


def test_a_components_rows_without_labels_are_reported_not_read_by_position() -> None:
    """OpenAI's MDX: the component draws the header, the page holds only the values."""
    page = '<TextTokenPricingTables tier="standard" rows={[\n  ["gpt-5.4-mini", 0.75, 0.075, "-", 4.5],\n  ["gpt-5", 1.25, 0.125, 10],\n]} />\n'
    assert prices("markdown", page) == set()
    assert any("2 rows with no column labels" in p for p in problems("markdown", page))


# -- cards and lines -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "page",
    [
        # Modelmesh: 'Publisher / Model', a description, then the kind after the unit
        "<div><div>DeepSeek / DeepSeek-V4-Pro（限时2.5折）</div><div>一段介绍。</div><div>1000K 上下文</div>"
        "<div>¥ 3.00 / M 输入 tokens</div><div>¥ 6.00 / M 输出 tokens</div></div>",
        # RedPill: the prices in one line, separated by pipes
        "<div><div>DeepSeek / DeepSeek-V4-Pro</div><div>by deepseek|1000K context|¥3.00/M input|¥6.00/M output</div></div>",
    ],
)
def test_a_card_line_that_names_its_kind_after_the_unit(page: str) -> None:
    assert prices("html", page, "CNY") == {
        ("DeepSeek/DeepSeek-V4-Pro", "input", "", "", "3", "CNY"),
        ("DeepSeek/DeepSeek-V4-Pro", "output", "", "", "6", "CNY"),
    }


@pytest.mark.parametrize(
    "page",
    [
        # Venice (Jina Markdown): name and id, a badge, glued labels and values, a tier line
        "Prices per 1M tokens unless noted.\n\nGrok 4.3`grok-4-3`\n\nPrivate\n\n"
        "Input Price$1.42 Output Price$2.83 Cache Read$0.23 Context 1000K\n\n"
        ">200K context: $2.83/M input · $5.67/M output\n",
        # the same card as separate lines
        "Prices per 1M tokens unless noted.\n\ngrok-4-3\n\nPrivate\n\nInput Price: $1.42\n\nOutput Price: $2.83\n\n"
        "Cache Read: $0.23\n\n>200K context: $2.83/M input · $5.67/M output\n",
    ],
)
def test_card_prices_on_one_line_with_a_leading_tier(page: str) -> None:
    assert prices("markdown", page) == {
        ("grok-4-3", "input", "", "", "1.42", "USD"),
        ("grok-4-3", "output", "", "", "2.83", "USD"),
        ("grok-4-3", "cached_input", "", "", "0.23", "USD"),
        ("grok-4-3", "input", ">200K", "", "2.83", "USD"),
        ("grok-4-3", "output", ">200K", "", "5.67", "USD"),
    }


def test_a_title_above_labelled_prices_names_the_card() -> None:
    """Anthropic's 2024 page as html-to-text left it: model titles without version numbers."""
    page = (
        "CLAUDE 3 PRICING\n\nMTok = million tokens.\n\nHAIKU\n\n * Input: $0.25 / MTok\n * Output: $1.25 / MTok\n\n"
        "SONNET\n\n * Input: $3 / MTok\n * Output: $15 / MTok\n\n * CLAUDE INSTANT\n\n   100,000 token context window\n"
        "\n    * Input: $0.80 / MTok\n    * Output: $2.40 / MTok\n"
    )
    assert {(m, k, a) for m, k, _t, _c, a, _cur in prices("markdown", page)} == {
        ("HAIKU", "input", "0.25"),
        ("HAIKU", "output", "1.25"),
        ("SONNET", "input", "3"),
        ("SONNET", "output", "15"),
        ("CLAUDE INSTANT", "input", "0.8"),
        ("CLAUDE INSTANT", "output", "2.4"),
    }


# -- hints ---------------------------------------------------------------------------------------

_TWO_SECTIONS = (
    "<h2>API pricing</h2><div id='api'><table><tr><th>Model</th><th>Input (/1M tokens)</th></tr>"
    "<tr><td>m-1</td><td>$1</td></tr></table></div>"
    "<h2>Worked numbers</h2><div id='other'><table><tr><th>Model</th><th>Input (/1M tokens)</th></tr>"
    "<tr><td>m-1</td><td>$7</td></tr></table></div>"
)


@pytest.mark.parametrize("select", ["#api", "API pricing", "api PRICING"])
def test_select_scopes_the_page_by_css_or_by_a_headings_words(select: str) -> None:
    assert prices("html", _TWO_SECTIONS, hints=Hints(select=select)) == {("m-1", "input", "", "", "1", "USD")}


@pytest.mark.parametrize(
    ("select", "said"), [("#nowhere", "matches nothing"), ("不存在的标题", "no heading")]
)
def test_a_select_that_matches_nothing_says_so(select: str, said: str) -> None:
    assert any(said in p for p in problems("html", _TWO_SECTIONS, hints=Hints(select=select)))


@pytest.mark.parametrize(
    ("kind", "page"),
    [
        (
            "markdown",
            "| 模型 | 缓存复用（元/百万tokens） | 短上下文输入（元/百万tokens） |\n|---|---|---|\n| m-1 | 0.2 | 2 |\n",
        ),
        (
            "html",
            "<table><tr><th>模型</th><th>缓存复用（元/百万tokens）</th><th>短上下文输入（元/百万tokens）</th></tr>"
            "<tr><td>m-1</td><td>0.2</td><td>2</td></tr></table>",
        ),
    ],
)
def test_labels_say_what_the_pages_own_words_mean(kind: str, page: str) -> None:
    """'缓存复用' is not in the grammar: without the hint its column is skipped; with it, read."""
    assert prices(kind, page, "CNY") == {("m-1", "input", "", "", "2", "CNY")}
    hints = Hints(labels=(("缓存复用", "cached_input"), ("短上下文", "<=32K")))
    assert prices(kind, page, "CNY", hints=hints) == {
        ("m-1", "cached_input", "", "", "0.2", "CNY"),
        ("m-1", "input", "<=32K", "", "2", "CNY"),
    }


@pytest.mark.parametrize(
    ("hints", "model"),
    [(Hints(model_from="heading"), "Hunyuan Turbo"), (Hints(model_from="title"), "混元大模型")],
)
def test_model_from_names_the_model_of_a_table_with_no_model_column(hints: Hints, model: str) -> None:
    page = (
        "<html><head><title>x</title></head><body><h1>混元大模型</h1><h2>Hunyuan Turbo</h2><table>"
        "<tr><th>条件</th><th>输入（元/百万tokens）</th><th>输出（元/百万tokens）</th></tr>"
        "<tr><td>≤ 32K</td><td>2.4</td><td>9.6</td></tr></table></body></html>"
    )
    assert prices("html", page, "CNY") == set()
    assert prices("html", page, "CNY", hints=hints) == {
        (model, "input", "<=32K", "", "2.4", "CNY"),
        (model, "output", "<=32K", "", "9.6", "CNY"),
    }


def test_a_changed_hint_changes_the_content_digest() -> None:
    """So a page whose bytes did not change is read again with the new hint."""
    page = "<html><body><table><tr><td>m</td></tr></table></body></html>"
    plain = content_digest("html", page, "USD", None)
    hinted = content_digest("html", page, "USD", None, Hints(model="m-1"))
    assert plain != hinted
    assert hinted == content_digest("html", page, "USD", None, Hints(model="m-1"))


@pytest.mark.parametrize(
    ("keys", "said"),
    [
        ('labels = { "缓存复用" = "cached" }', "expected a kind (input"),
        ('model_from = "footer"', "model_from: expected one of heading, title"),
        ("select = 3", "select: expected a CSS selector"),
        ('model = "m"\nmodel_from = "title"', "give one of them"),
    ],
)
def test_a_wrong_hint_is_a_config_error_naming_its_place(tmp_path: Path, keys: str, said: str) -> None:
    path = tmp_path / "sources.toml"
    path.write_text(
        f'[[source]]\nname = "s"\nkind = "html"\nurl = "https://example.com/"\n{keys}\n', encoding="utf-8"
    )
    with pytest.raises(ConfigError, match=r"source\[1\] \(s\)") as error:
        load_config(path)
    assert said in str(error.value)


def test_hints_are_read_from_sources_toml(tmp_path: Path) -> None:
    path = tmp_path / "sources.toml"
    path.write_text(
        '[[source]]\nname = "s"\nkind = "markdown"\nurl = "https://example.com/"\nselect = "定价"\n'
        'labels = { "缓存复用" = "cached_input" }\nmodel = "step-3.7-flash"\n',
        encoding="utf-8",
    )
    [source] = load_config(path).sources
    assert source.hints == Hints(
        select="定价", labels=(("缓存复用", "cached_input"),), model="step-3.7-flash"
    )


def test_extract_explain_and_hint_options(tmp_path: Path) -> None:
    """`monitor extract --explain` says where each price was read and why an amount was not; the hint
    options are the source keys."""
    page = tmp_path / "page.md"
    page.write_text(
        "## 定价\n\n| 计费项 | 单价（每百万 tokens） |\n|---|---|\n| 输入 | 1.35 元 |\n| 输出 | 8.1 元 |\n| 缓存复用 | 0.27 元 |\n"
        "| 存储 | 0.5 元/GB/天 |\n",
        encoding="utf-8",
    )
    args = ["extract", str(page), "--kind", "markdown", "--currency", "CNY", "--model", "step-3.7-flash"]
    result = CliRunner().invoke(cli, [*args, "--explain", "--label", "缓存复用=cached_input"])
    assert result.exit_code == 0, result.output
    assert "step-3.7-flash · input: 1.35 CNY / 1000000 tokens" in result.output
    assert "from 定价 › step-3.7-flash / 单价(每百万 tokens): '1.35 元'" in result.output
    assert "step-3.7-flash · cached_input: 0.27 CNY" in result.output
    assert "not read: " in result.output and "'0.5 元/GB/天'" in result.output
    records = json.loads(CliRunner().invoke(cli, [*args, "--json"]).stdout)
    assert {r["kind"]: Decimal(str(r["amount"])) for r in records} == {
        "input": Decimal("1.35"),
        "output": Decimal("8.1"),
    }
    assert records[0]["where"].startswith("定价")
    wrong = CliRunner().invoke(cli, [*args, "--label", "缓存复用"])
    assert wrong.exit_code == 2 and "WORDS=MEANING" in wrong.output


# -- what a second read of the real pages' goldens found ------------------------------------------


@pytest.mark.parametrize(
    "placeholder", ['<td colspan="0" rowspan="0">\ufeff<br></td>', '<td colspan="0" rowspan="0"></td>']
)
def test_an_editors_placeholder_under_a_rowspan_takes_no_place(placeholder: str) -> None:
    """Tencent's editor repeats each spanned cell as a placeholder: the cells after it keep their
    columns, so a resolution is never read as a token price."""
    page = (
        "<table><tr><td>模型名称</td><td>分辨率</td><td>Token 单价</td><td>折合参考费用</td></tr>"
        '<tr><td rowspan="2">Video-v2</td><td>768P</td><td rowspan="2">10元/百万 tokens</td><td>0.33 元/秒</td></tr>'
        f"<tr>{placeholder}<td>1080P</td>{placeholder}<td>0.58 元/秒</td></tr></table>"
    )
    assert prices("html", page, "CNY") == {
        ("Video-v2", "tokens", "", "768p", "10", "CNY"),
        ("Video-v2", "per_second", "", "768p", "330000", "CNY"),  # per 1M seconds, as every unit is compared
        ("Video-v2", "tokens", "", "1080p", "10", "CNY"),
        ("Video-v2", "per_second", "", "1080p", "580000", "CNY"),
    }


@pytest.mark.parametrize(
    "header",
    [
        "| 模型 | 最大输入（每百万Token） | 输入成本（每百万Token） |",
        "| Model | Max input tokens (per 1M tokens) | Input price (per 1M tokens) |",
    ],
)
def test_a_limit_is_no_kind_of_price(header: str) -> None:
    """'最大输入' and 'Max input tokens' limit the model; their figures are never prices."""
    page = f"{header}\n|---|---|---|\n| qwen-max | 30,720 | 2.4元 |\n"
    assert prices("markdown", page, "CNY") == {("qwen-max", "input", "", "", "2.4", "CNY")}


@pytest.mark.parametrize(
    ("cell", "read"),
    [
        ("60,000 tokens/秒 0.6元/秒", "600000"),  # per 1M seconds
        ("各100万Token 2元/百万tokens", "2"),
        ("1.5 积分/次 0.2元/次", "200000"),  # per 1M requests
        ("$0.5 per 1,000 tokens", "500"),
    ],
)
def test_a_count_is_no_amount_but_a_unit_is_a_unit(cell: str, read: str) -> None:
    page = f"<table><tr><th>Model</th><th>Price</th></tr><tr><td>m-1</td><td>{cell}</td></tr></table>"
    assert {a for _m, _k, _t, _c, a, _cur in prices("html", page, "CNY")} == {read}


@pytest.mark.parametrize("cell", ["qwen-max-2025-01-25 又称qwen-max-0125", "DeepSeek-V3-0324"])
def test_a_number_in_a_models_name_is_no_amount(cell: str) -> None:
    page = f"| Model | Input (元/百万tokens) |\n|---|---|\n| m-1 | {cell} |\n"
    assert prices("markdown", page, "CNY") == set()


@pytest.mark.parametrize(
    "body",
    [
        # Bailian's Firecrawl Markdown: cells dropped unevenly, a token count slides under a price header
        "| qwen3-max | 稳定版 | 262,144 | 81,920 |\n| qwen-max | 2.4元 | 9.6元 |\n",
        "| qwen3-max | 262,144 | 81,920 |\n| qwen-max | 稳定版 | 2.4元 | 9.6元 |\n",
    ],
)
def test_a_ragged_table_reads_only_figures_that_name_their_currency(body: str) -> None:
    """Which cell is under which header is not known in such a table: a token count never becomes a
    price, and a short row that names its own model is reported, not lined up by guess."""
    page = (
        "| 模型名称 | 版本 | 输入成本（每百万Token） | 输出成本（每百万Token） |\n| --- | --- | --- | --- |\n"
        + body
    )
    read = prices("markdown", page, "CNY")
    assert all(amount in ("2.4", "9.6") for _m, _k, _t, _c, amount, _cur in read)
    assert all(model == "qwen-max" for model, *_rest in read)
    assert any("not guessing" in p for p in problems("markdown", page, "CNY"))


@pytest.mark.parametrize(
    "page",
    [
        # a card whose name line the reader does not take (a bare word): its prices are not the card's above
        "<div>m-1</div><div>¥ 2.00 / M 输入 tokens</div><div>¥ 8.00 / M 输出 tokens</div>"
        "<div>Character</div><div>一段很长的介绍文字,说明这个模型的用途。</div>"
        "<div>¥ 0.80 / M 输入 tokens</div><div>¥ 2.00 / M 输出 tokens</div>",
        "Prices per 1M tokens.\n\nm-1\n\nInput Price$2.00 Output Price$8.00\n\nsome tag line here\n\n"
        "a sentence about the next model, with a comma.\n\nInput Price$0.80 Output Price$2.00\n",
    ],
)
def test_a_second_price_of_a_kind_is_never_given_to_the_card_above(page: str) -> None:
    kind = "html" if page.startswith("<") else "markdown"
    currency = "CNY" if kind == "html" else "USD"
    read = prices(kind, page, currency)
    assert {(m, k, a) for m, k, _t, _c, a, _cur in read} == {("m-1", "input", "2"), ("m-1", "output", "8")}
    assert sum("a second" in p for p in problems(kind, page, currency)) == 2


@pytest.mark.parametrize(
    ("headers", "conditions"),
    [
        (("LoRA微调单价", "全参微调单价"), ("lora", "全参")),
        (("显式缓存命中（元/千 Token）", "隐式缓存命中（元/千 Token）"), ("显式", "隐式")),
    ],
)
def test_columns_of_one_kind_are_told_apart_by_their_headers(
    headers: tuple[str, str], conditions: tuple[str, str]
) -> None:
    page = (
        f"<table><tr><th>模型</th><th>{headers[0]}</th><th>{headers[1]}</th></tr>"
        "<tr><td>GLM-4-Air</td><td>0.03 元 / 千tokens</td><td>0.05 元 / 千tokens</td></tr></table>"
    )
    read = extract_prices("html", page, "CNY").prices
    assert sorted(p.condition for p in read) == sorted(conditions)
    assert len({p.kind for p in read}) == 1


@pytest.mark.parametrize(
    ("headers", "kinds"),
    [
        (("输入(非音频) 元/百万token", "输入(音频) 元/百万token"), {"input", "input_audio"}),
        (("Text input ($/1M tokens)", "Image input ($/1M tokens)"), {"input", "input_image"}),
    ],
)
def test_a_headers_modality_is_part_of_the_kind(headers: tuple[str, str], kinds: set[str]) -> None:
    page = (
        f"<table><tr><th>Model</th><th>{headers[0]}</th><th>{headers[1]}</th></tr>"
        "<tr><td>m-1</td><td>0.6</td><td>9.0</td></tr></table>"
    )
    assert {p.kind for p in extract_prices("html", page, "CNY").prices} == kinds


@pytest.mark.parametrize("header", ["输入 Token 阶梯", "Input tier"])
def test_a_tier_column_labels_its_rows(header: str) -> None:
    page = (
        f"<table><tr><th>模型名称</th><th>{header}</th><th>输入（元/千 Token）</th></tr>"
        "<tr><td>Qwen3.7-Plus</td><td>≤256K</td><td>0.0024</td></tr>"
        "<tr><td>Qwen3.7-Plus</td><td>256K~1M</td><td>0.0072</td></tr></table>"
    )
    assert {(t, a) for _m, _k, t, _c, a, _cur in prices("html", page, "CNY")} == {
        ("<=256K", "2.4"),
        ("256K-1M", "7.2"),
    }


@pytest.mark.parametrize("header", ["Estimated cost", "预估费用"])
def test_an_estimate_is_reported_not_read(header: str) -> None:
    page = (
        f"<table><tr><th>Model</th><th>Input ($/1M tokens)</th><th>{header}</th></tr>"
        "<tr><td>m-1</td><td>$2.50</td><td>$0.006 / minute</td></tr></table>"
    )
    assert prices("html", page) == {("m-1", "input", "", "", "2.5", "USD")}
    assert any("estimate" in p for p in problems("html", page))


@pytest.mark.parametrize(
    "page",
    [
        "以上模型根据本次请求的输入 Token数，采取阶梯计费。\n\n| 单次请求的输入Token数 | 输入价格（每百万Token） | 输出价格（每百万Token） |\n"
        "| --- | --- | --- |\n| 0<Token≤32K | 8.807元 | 44.035元 |\n",
        "<table><tr><th>Tier</th><th>Input ($/1M tokens)</th><th>Output ($/1M tokens)</th></tr>"
        "<tr><td>≤ 32K</td><td>$1.20</td><td>$6.00</td></tr></table>",
    ],
)
def test_a_table_of_prices_that_names_no_model_is_reported(page: str) -> None:
    kind = "html" if page.startswith("<") else "markdown"
    assert prices(kind, page, "CNY") == set()
    assert any("names no model" in p for p in problems(kind, page, "CNY"))


@pytest.mark.parametrize(
    ("cell", "read", "clause"),
    [
        # Volcengine's video models: a price per output token by what the request holds
        ("输入包含视频：22.00", set(), "包含视频:22.00"),
        # Tencent's: a kind with its modality is a price; what the output holds is a condition
        (
            "输入视频0.5元/秒<br>输出视频0.5元/秒<br>输出视频含音频：0.8元/秒",
            {("input", "0.5", "second"), ("output", "0.5", "second")},
            "视频含音频:0.8元/秒",
        ),
    ],
)
def test_words_running_on_from_a_kinds_word_are_a_condition_not_that_price(
    cell: str, read: set[tuple[str, str, str]], clause: str
) -> None:
    """'输入包含视频：22.00' is what a request holds (the condition of another price), not an input price
    of 22: reported, never read as one; '输入视频0.5元/秒' (a kind and its modality) is read."""
    page = (
        "<table><tr><th>模型</th><th>在线推理 元/百万token</th></tr>"
        f"<tr><td>m-video-1</td><td>{cell}</td></tr></table>"
    )
    result = extract_prices("html", page, "CNY")
    assert {(p.kind, format(p.amount, "f"), p.unit) for p in result.prices} == read
    assert [p for p in result.problems if f"'{clause}' after the word for" in p and "is a condition" in p]


@pytest.mark.parametrize(
    ("page", "money", "not_money"),
    [
        # a first row of values: '$0.50 per 1M tokens' is a figure, not a header over the figures below
        (
            "<h3>gpt-x-1</h3><table><tr><td>Input</td><td>$0.50 per 1M tokens</td></tr>"
            "<tr><td>Context window</td><td>128000</td></tr><tr><td>Max output tokens</td><td>16384</td></tr></table>",
            [],
            ["128000", "16384"],
        ),
        # a limit in money is no price ('Max monthly bill (USD)'); a sum the header names is reported
        (
            "## Rate limits\n\n| Tier | Minimum spend (USD) | Max monthly bill (USD) | RPM |\n|---|---|---|---|\n"
            "| 1 | 5 | 100 | 500 |\n| 2 | 50 | 500 | 5000 |\n",
            ["(5, 50)"],
            ["100", "5000"],
        ),
    ],
)
def test_a_header_with_a_figure_or_a_limit_makes_no_column_of_money(
    page: str, money: list[str], not_money: list[str]
) -> None:
    kind = "html" if page.startswith("<") else "markdown"
    result = extract_prices(kind, page, "USD")
    said = " ".join(result.problems)
    assert all(m in said for m in money)
    assert not [n for n in not_money if re.search(rf"(?<![\d.]){n}(?![\d.])", said)]
    assert {p.model for p in result.prices} <= {"gpt-x-1"}


@pytest.mark.parametrize(
    "page",
    [
        # Volcengine's tools: a service per row, bare figures under a header that states 元 per call
        "<table><tr><th>服务项</th><th>价格 元/千次</th><th>说明</th></tr>"
        "<tr><td>联网资源</td><td>4</td><td>实时搜索互联网公开域内容</td></tr>"
        "<tr><td>头条资源</td><td>6</td><td>实时搜索今日头条图文内容</td></tr></table>",
        # kinds as columns stating their unit, and no model anywhere
        "| Input (USD per 1M tokens) | Output (USD per 1M tokens) |\n| --- | --- |\n| 1.20 | 7.20 |\n",
    ],
)
def test_bare_figures_under_a_header_that_names_money_are_prices_a_table_without_model_reports(
    page: str,
) -> None:
    """A figure is money where its column's header names the currency: a table of such figures that
    names no model is reported with them, as one whose cells carry the currency is, never passed over."""
    kind = "html" if page.startswith("<") else "markdown"
    assert prices(kind, page, "CNY") == set()
    said = [p for p in problems(kind, page, "CNY") if "names no model" in p]
    assert len(said) == 1
    figures = ("4", "6") if kind == "html" else ("1.20", "7.20")
    assert f"({', '.join(figures)})" in said[0]


@pytest.mark.parametrize(
    ("cell", "kind", "per", "unit"),
    [
        ("$2.50 / 1k calls", "per_request", 1000, "request"),
        ("$10 / 1K searches", "per_request", 1000, "request"),
    ],
)
def test_a_price_per_thousand_calls_is_no_token_price(cell: str, kind: str, per: int, unit: str) -> None:
    page = f"<table><tr><th>Tool</th><th>Cost</th></tr><tr><td>Web search</td><td>{cell}</td></tr></table>"
    [price] = extract_prices("html", page, "USD").prices
    assert (price.kind, price.per, price.unit) == (kind, per, unit)


@pytest.mark.parametrize("text", ["视频分辨率为 1080p", "2~4秒 最高价对应", "1024x1024", "15～60积分/次"])
def test_resolutions_durations_sizes_and_credit_ranges_are_no_amounts(text: str) -> None:
    from monitor.normalize import find_amounts

    assert find_amounts(text) == ()


@pytest.mark.parametrize("badge", ["Private", "Anonymized"])
def test_an_api_id_names_a_card_even_without_a_version(badge: str) -> None:
    """Venice: 'Trinity Large Thinking`arcee-trinity-large-thinking`', a badge, then its prices."""
    page = (
        "Prices per 1M tokens unless noted.\n\nGLM 5`zai-org-glm-5`\n\nPrivate\n\nInput Price$1.00 Output Price$3.20\n\n"
        f"Trinity Large Thinking`arcee-trinity-large-thinking`\n\n{badge}\n\nInput Price$0.31 Output Price$1.13\n"
    )
    assert {(m, k, a) for m, k, _t, _c, a, _cur in prices("markdown", page)} == {
        ("zai-org-glm-5", "input", "1"),
        ("zai-org-glm-5", "output", "3.2"),
        ("arcee-trinity-large-thinking", "input", "0.31"),
        ("arcee-trinity-large-thinking", "output", "1.13"),
    }


@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        (
            ("5 元 / 百万Tokens", "免费"),
            {("m-1", "tokens", "5", 1_000_000), ("m-2", "tokens", "0", 1_000_000)},
        ),
        (("0.06 元 / 次", "免费"), {("m-1", "per_request", "60000", 1), ("m-2", "per_request", "0", 1)}),
    ],
)
def test_a_free_cell_is_priced_in_its_columns_unit(
    cells: tuple[str, str], expected: set[tuple[str, str, str, int]]
) -> None:
    """Zhipu's '免费' beside '5 元 / 百万Tokens' (or '0.06 元 / 次') is free per that unit, not per the unit
    a sentence elsewhere on the page states ('其它模型均按照每千 tokens 为单位计费')."""
    page = (
        "<p>其它模型均按照每千 tokens 为单位计费。</p><table><tr><th>模型</th><th>简介</th><th>单价</th></tr>"
        f"<tr><td>m-1</td><td>超长输入</td><td>{cells[0]}</td></tr><tr><td>m-2</td><td>免费模型</td><td>{cells[1]}</td></tr></table>"
    )
    read = extract_prices("html", page, "CNY").prices
    assert {(p.model, p.kind, format(p.per_million, "f"), p.per) for p in read} == expected


@pytest.mark.parametrize(
    ("line", "kind"),
    [
        ("Per Image$0.29", "per_image"),
        ("Per 1M Characters$3.50", "characters"),
        ("Per Second$0.0023", "per_second"),
    ],
)
def test_a_cards_line_that_states_only_its_unit_prices_that_unit(line: str, kind: str) -> None:
    """Venice's media cards: a name with its id, a badge, then 'Per Image$0.29'. Further down the page
    a unit-only line under a section's heading is not the last card's ('Per 1K Calls$10.00' of Web
    Search below a video model's card)."""
    page = (
        f"Model A`model-a-1`\n\nAnonymized\n\n{line}\n\n#### Web Search\n\nWeb Search\n\nSearch the web.\n\n"
        "Per 1K Calls$10.00\n"
    )
    read = extract_prices("markdown", page, "USD")
    assert [(p.model, p.kind) for p in read.prices] == [("model-a-1", kind)]


def test_a_page_nested_thousands_of_elements_deep_is_read() -> None:
    """A broken or generated page may nest <div>s deeper than Python's recursion limit: the walk does
    not recurse."""
    table = (
        "<table><tr><th>Model</th><th>Input ($/1M tokens)</th></tr><tr><td>m-1</td><td>$1</td></tr></table>"
    )
    page = "<div>" * 5000 + table + "</div>" * 5000
    assert prices("html", page) == {("m-1", "input", "", "", "1", "USD")}


@pytest.mark.parametrize(
    "page",
    [
        "<table><tr></tr></table><table><tr></tr><tr><td>x</td></tr></table>",
        "<table><tr><td colspan='²'>Model</td><td>Input</td></tr><tr><td>m</td><td>$1</td></tr></table>",
        "<div role='heading' aria-level='²'>x</div>",
        "<script>window.x = " + "[" * 5000 + "]" * 5000 + ";</script>",
        "<table><tr><th>Model</th><th>Input ($/1M tokens)</th></tr><tr><td>m</td><td>$"
        + "9" * 29
        + "</td></tr></table>",
    ],
)
def test_a_malformed_page_is_read_without_an_exception(page: str) -> None:
    """Empty rows, a superscript digit as a span, JSON nested past the recursion limit, a 29-digit
    figure: read as what they are (little or nothing), never a crash of the check."""
    result = extract_prices("html", page, "USD")
    assert all(p.amount < 10**15 for p in result.prices)


def test_a_price_held_in_a_script_changes_the_content_digest() -> None:
    """Extraction reads a script's tables where the HTML has none, so the digest that lets a check skip
    extraction must see them change."""
    page = (
        "<html><body><p>x</p><script type='application/json'>"
        '{"rows": [["Model", "Input ($/1M tokens)"], ["m", "$1"]]}</script></body></html>'
    )
    assert content_digest("html", page, "USD", None) != content_digest(
        "html", page.replace("$1", "$2"), "USD", None
    )


def test_a_unit_stated_for_one_tables_images_is_not_the_pages() -> None:
    """'Prices per image.' under the images' heading says nothing of the text models' table."""
    page = (
        "<h2>Text</h2><table><tr><th>Model</th><th>Input</th></tr><tr><td>m-1</td><td>$1</td></tr></table>"
        "<h2>Images</h2><p>Prices per image.</p><table><tr><th>Model</th><th>Price</th></tr>"
        "<tr><td>img-1</td><td>$0.04</td></tr></table>"
    )
    assert prices("html", page) == {("img-1", "per_image", "", "", "40000", "USD")}
    assert any("no unit" in p for p in problems("html", page))


def test_a_css_select_keeps_struck_list_prices_and_cards_stay_in_its_part() -> None:
    page = (
        "<div id='p'><table><tr><th>Model</th><th>Input ($/1M tokens)</th></tr>"
        "<tr><td>m-1</td><td><del>$2</del> $1</td></tr></table></div>"
        "<div id='other'><div>m-9</div><div>Input: $7 / MTok</div></div>"
    )
    read = prices("html", page, hints=Hints(select="#p"))
    assert read == {("m-1", "input", "", "", "1", "USD"), ("m-1", "input", "", "list", "2", "USD")}
    assert prices("html", page, hints=Hints(select="#nothing")) == set()


# -- image sizes as columns, a header again inside the body -------------------------------------------


@pytest.mark.parametrize(
    ("kind", "page", "currency"),
    [
        # OpenAI's MDX: an HTML table inside Markdown, the unit in a line above it, quality as a label
        (
            "markdown",
            "### Image generation\n\n<small>Prices per image.</small>\n\n<table><thead><tr><th>Model</th>"
            "<th>Quality</th><th>1024 x 1024</th><th>1024 x 1536</th></tr></thead><tbody>"
            '<tr><td rowSpan="2">img-1</td><td>Low</td><td>$0.009</td><td>$0.013</td></tr>'
            "<tr><td>High</td><td>$0.133</td><td>$0.2</td></tr></tbody></table>\n",
            "USD",
        ),
        # a Chinese page's pipe table: sizes written with ×, the unit in the header's sentence above
        (
            "markdown",
            "## 图片生成\n\n以下价格单位为 元/张。\n\n| 模型 | 质量 | 1024×1024 | 1024×1536 |\n|---|---|---|---|\n"
            "| img-1 | Low | 0.009元 | 0.013元 |\n| img-1 | High | 0.133元 | 0.2元 |\n",
            "CNY",
        ),
    ],
)
def test_a_column_headed_by_an_image_size_prices_images_of_that_size(
    kind: str, page: str, currency: str
) -> None:
    read = {(m, k, c, amount) for m, k, _t, c, amount, _cur in prices(kind, page, currency)}
    assert read == {
        ("img-1", "per_image", "1024x1024 low", "9000"),
        ("img-1", "per_image", "1024x1536 low", "13000"),
        ("img-1", "per_image", "1024x1024 high", "133000"),
        ("img-1", "per_image", "1024x1536 high", "200000"),
    }


@pytest.mark.parametrize(
    "page",
    [
        # HTML: the second model's header row inside the same tbody
        "<p>Prices per image.</p><table><tr><th>Model</th><th>1024 x 1024</th><th>1024 x 1792</th></tr>"
        "<tr><td>img-3</td><td>$0.04</td><td>$0.08</td></tr>"
        "<tr><th>Model</th><th>256 x 256</th><th>512 x 512</th></tr>"
        "<tr><td>img-2</td><td>$0.016</td><td>$0.018</td></tr></table>",
        # a Markdown converter's rendering of the same: the header repeated as a body row
        "Prices per image.\n\n| Model | 1024 x 1024 | 1024 x 1792 |\n|---|---|---|\n| img-3 | $0.04 | $0.08 |\n"
        "| Model | 256 x 256 | 512 x 512 |\n| img-2 | $0.016 | $0.018 |\n",
    ],
)
def test_a_header_row_again_inside_a_table_heads_the_rows_below_it(page: str) -> None:
    kind = "html" if page.startswith("<") else "markdown"
    read = {(m, c, amount) for m, _k, _t, c, amount, _cur in prices(kind, page)}
    assert read == {
        ("img-3", "1024x1024", "40000"),
        ("img-3", "1024x1792", "80000"),
        ("img-2", "256x256", "16000"),
        ("img-2", "512x512", "18000"),
    }


@pytest.mark.parametrize(
    ("page", "expected"),
    [
        # SiliconFlow's flattened tables: 'Price (/image)', 'Price (/video)' are price columns by their unit
        (
            "Model Name\nPrice (/image)\nActions\nFLUX.1 Kontext [max]\n$\n0.08\n[Details](/m/a)\n"
            "FLUX.1-dev\n$\n0.014\n[Details](/m/b)\n",
            {("FLUX.1 Kontext [max]", "per_image", "80000"), ("FLUX.1-dev", "per_image", "14000")},
        ),
        (
            "Model Name\nPrice (/video)\nActions\nWan2.2-T2V-A14B\n$\n0.29\n[Details](/m/c)\n",
            {("Wan2.2-T2V-A14B", "per_video", "290000")},
        ),
    ],
)
def test_a_flattened_table_whose_header_prices_by_unit_is_read(
    page: str, expected: set[tuple[str, ...]]
) -> None:
    assert {(m, k, amount) for m, k, _t, _c, amount, _cur in prices("markdown", page)} == expected


@pytest.mark.parametrize(
    ("text", "per"),
    [("Output (/M UTF-8 bytes)", 1_000_000), ("$15 per 1K UTF-8 bytes", 1_000)],
)
def test_a_price_per_bytes_is_not_a_price_per_tokens(text: str, per: int) -> None:
    from monitor.normalize import context_of

    assert (context_of(text).per, context_of(text).unit) == (per, "bytes")


@pytest.mark.parametrize(
    "page",
    [
        # Gemini: a worked example in a sentence
        "| Model | Input |\n|---|---|\n| m-1 | $1 / MTok |\n\n"
        "An image of 1120 tokens costs about ($0.134) for 1K and 2K, and $1,200 * 17 GSUs = $20,400 per week.\n",
        # a Chinese page's paragraph stating a condition's prices in prose
        "| 模型 | 输入 |\n|---|---|\n| m-1 | 1元/百万tokens |\n\n"
        "满足条件时，模型产生的所有 token 按照：输入2.4 元/百万 token，输出 24 元/百万 token 单价计费。\n",
    ],
)
def test_money_in_the_pages_text_that_is_not_read_is_said(page: str) -> None:
    """Never dropped silently: the amounts a sentence shows are listed in one problem."""
    currency = "CNY" if "元" in page else "USD"
    said = [p for p in problems("markdown", page, currency) if p.startswith("amounts on the page")]
    assert len(said) == 1
    written = said[0].partition(": ")[2].split(", ")
    assert ("$20,400" in written and "$0.134" in written) or ("2.4 元" in written and "24 元" in written)
    assert {p[0] for p in prices("markdown", page, currency)} == {"m-1"}


@pytest.mark.parametrize(
    ("kind", "page"),
    [
        # Anthropic's docs: a bill computed under an 'Example' heading
        (
            "html",
            "<h3>Example calculation</h3><table><tr><th>Item</th><th>Calculation</th><th>Cost</th></tr>"
            "<tr><td>Input tokens</td><td>50,000 × $5 / 1,000,000</td><td>$0.25</td></tr>"
            "<tr><td>Total</td><td></td><td>$0.705</td></tr></table>",
        ),
        # a Chinese page's 计费示例 in Markdown
        (
            "markdown",
            "## 计费示例\n\n| 项目 | 用量 | 费用 |\n|---|---|---|\n| 输入 | 100万 tokens | 0.25元 |\n"
            "| 合计 | | 0.705元 |\n",
        ),
    ],
)
def test_a_worked_example_is_said_with_its_sums_never_read(kind: str, page: str) -> None:
    currency = "CNY" if "元" in page else "USD"
    assert prices(kind, page, currency) == set()
    said = problems(kind, page, currency)
    assert len(said) == 1 and "a worked example" in said[0]
    assert "0.25" in said[0] and "0.705" in said[0]


def test_a_silently_skipped_amount_is_listed_and_a_read_one_is_not() -> None:
    """The last net: money the page shows that neither a price nor a problem accounts for."""
    page = (
        "<table><tr><th>Model</th><th>Input ($/1M tokens)</th></tr><tr><td>m-1</td><td>$1.25</td></tr></table>"
        "<div>Pro</div><div>$50/month</div><div>Self-serve payment starting at just $10</div>"
    )
    said = [p for p in problems("html", page) if p.startswith("amounts on the page")]
    assert len(said) == 1
    listed = said[0].partition(": ")[2].split(", ")
    assert "$10" in listed and "$50" in listed and "$1.25" not in listed


# -- a component's rows, with the columns hint ----------------------------------------------------------


@pytest.mark.parametrize(
    ("page", "columns", "expected"),
    [
        # OpenAI's MDX: panes named by a hidden label above each component; a bracketed tier in the name
        (
            '# Pricing\n\n<small>Prices per 1M tokens.</small>\n\n<div class="hidden">Standard</div>\n\n'
            '<TextTokenPricingTables\n  tier="standard"\n  rows={[\n    ["m-5 (<272K context length)", 5, 0.5, 30],\n'
            '    ["m-5-pro", 30, "", 180],\n  ]}\n/>\n\n<div class="hidden">Priority</div>\n\n'
            '<TextTokenPricingTables\n  tier="priority"\n  rows={[\n    ["m-5-pro", 60, "-", 360],\n  ]}\n/>\n',
            {"TextTokenPricingTables": [["model", "input", "cached_input", "output"]]},
            {
                ("m-5", "input", "<272K", "", "5"),
                ("m-5", "cached_input", "<272K", "", "0.5"),
                ("m-5", "output", "<272K", "", "30"),
                ("m-5-pro", "input", "", "", "30"),
                ("m-5-pro", "output", "", "", "180"),
                ("m-5-pro", "input", "", "priority", "60"),
                ("m-5-pro", "output", "", "priority", "360"),
            },
        ),
        # another site's component: single quotes, a null, two row widths, the unit in its heading
        (
            "## Model prices (USD per 1M tokens)\n\n<PriceGrid rows={[['b-1', 1, null, 2], ['b-2', 3, 4]]} />\n",
            {"PriceGrid": [["model", "input", "cached_input", "output"], ["model", "input", "output"]]},
            {
                ("b-1", "input", "", "", "1"),
                ("b-1", "output", "", "", "2"),
                ("b-2", "input", "", "", "3"),
                ("b-2", "output", "", "", "4"),
            },
        ),
    ],
)
def test_a_components_rows_are_read_under_the_columns_hint(
    page: str, columns: dict[str, list[list[str]]], expected: set[tuple[str, ...]]
) -> None:
    from monitor.config import parse_hints

    hints = parse_hints({"columns": columns}, "source[1] (x)")
    read = {(m, k, t, c, amount) for m, k, t, c, amount, _cur in prices("markdown", page, hints=hints)}
    assert read == {(m, k, t, c, str(Decimal(a))) for m, k, t, c, a in expected}
    # without the hint the rows are said, never read by position
    assert prices("markdown", page) == set()
    assert any("columns hint" in p for p in problems("markdown", page))


@pytest.mark.parametrize(
    ("columns", "message"),
    [
        ('{ PriceGrid = ["input", "output"] }', 'one of the columns must be "model"'),
        ('{ PriceGrid = ["model", "price per car"] }', "'price per car': expected \"model\""),
        ('["model", "input"]', "columns: expected a table such as"),
    ],
)
def test_a_columns_hint_that_cannot_be_read_names_its_place(
    tmp_path: Path, columns: str, message: str
) -> None:
    path = tmp_path / "sources.toml"
    path.write_text(
        f'[[source]]\nname = "x"\nkind = "markdown"\nurl = "https://example.com/p.md"\ncolumns = {columns}\n',
        encoding="utf-8",
    )
    with pytest.raises(ConfigError, match="source\\[1\\] \\(x\\): columns") as raised:
        load_config(path)
    assert message in str(raised.value)


# -- from a review: what the rules above must not do ------------------------------------------------------


@pytest.mark.parametrize(
    "page",
    [
        # Markdown: a dated sentence ends the Embeddings section; Chat's table is today's
        "## Embeddings\n\nOne.\n\nTwo.\n\nThree.\n\nFour.\n\nFive.\n\nSix.\n\n"
        "The new prices take effect from 2027-01-01.\n\n## Chat models\n\n"
        "| Model | Input ($/1M tokens) |\n|---|---|\n| chat-1 | $1 |\n",
        # HTML: the same, with the sibling section's sentence right above the next heading
        "<h2>Embeddings</h2><p>One.</p><p>The new prices take effect from 2027-01-01.</p><h2>Chat models</h2>"
        "<table><tr><th>Model</th><th>Input ($/1M tokens)</th></tr><tr><td>chat-1</td><td>$1</td></tr></table>",
    ],
)
def test_a_sentence_of_a_sibling_section_says_nothing_of_the_next_sections_table(page: str) -> None:
    kind = "html" if page.startswith("<") else "markdown"
    assert prices(kind, page, as_of="2026-12-01") == {("chat-1", "input", "", "", "1", "USD")}


@pytest.mark.parametrize(
    "page",
    [
        "<p>Prices per 1M tokens.</p><table><tr><th>Model</th><th>Quality</th><th>1024 x 1024</th></tr>"
        "<tr><td>img-1</td><td>Low</td><td>272</td></tr></table>",
        "Prices per image.\n\n| Model | Quality | 1024x1536 |\n|---|---|---|\n| img-1 | Low | 408 |\n",
    ],
)
def test_a_count_under_an_image_size_is_no_price(page: str) -> None:
    """A table of tokens per image has sizes as headers too: a figure with no money is no price."""
    assert prices("html" if page.startswith("<") else "markdown", page) == set()


@pytest.mark.parametrize("group", ["Tools", "名称", "Models"])
def test_a_group_row_naming_no_column_is_no_header(group: str) -> None:
    page = (
        "<p>Prices per 1M tokens.</p><table><tr><th>Model</th><th>Input</th><th>Output</th></tr>"
        f"<tr><td>m-1</td><td>$1</td><td>$2</td></tr><tr><td colspan=3>{group}</td></tr>"
        "<tr><td>m-2</td><td>$3</td><td>$4</td></tr></table>"
    )
    assert {(m, k, a) for m, k, _t, _c, a, _cur in prices("html", page)} == {
        ("m-1", "input", "1"),
        ("m-1", "output", "2"),
        ("m-2", "input", "3"),
        ("m-2", "output", "4"),
    }


def test_a_components_row_whose_name_holds_brackets_is_read() -> None:
    from monitor.config import parse_hints

    page = '## Prices (USD per 1M tokens)\n\n<PriceGrid rows={[["FLUX.1 Kontext [max]", 0.08, 0.1], ["gpt-5", 1.25, 10]]} />\n'
    hints = parse_hints({"columns": {"PriceGrid": ["model", "input", "output"]}}, "source[1] (x)")
    assert {m for m, *_rest in prices("markdown", page, hints=hints)} == {"FLUX.1 Kontext [max]", "gpt-5"}


@pytest.mark.parametrize(
    "page",
    [
        # RedPill's model list: each card one link to the model's page, its parts split by '|'
        "## Models\n\n[![Image 3: qwen logo](https://x.ai/logo.png) Qwen: Qwen3.5-27B GPU TEE A dense model. by phala"
        "|262K context|$0.30/M input|$2.40/M output Intel TDX](https://red-pill.ai/models/qwen/qwen3.5-27b)"
        "[![Image 4: z logo](https://x.ai/z.png) Z.AI: GLM 4.7 Flash GPU TEE Another. by phala|203K context"
        "|$0.10/M input|$0.43/M output](https://red-pill.ai/models/z-ai/glm-4.7-flash)\n",
        # an aggregator's list of links, one per line, with the price before the model's page address
        "# Catalogue\n\n* [Qwen3.5 27B · 262K · $0.30/M input · $2.40/M output](https://agg.example/model/qwen/qwen3.5-27b)\n"
        "* [GLM 4.7 Flash · $0.10/M input · $0.43/M output](https://agg.example/model/z-ai/glm-4.7-flash/)\n",
    ],
)
def test_a_card_drawn_as_a_link_to_its_models_page_is_read_for_that_model(page: str) -> None:
    assert {(m, k, a) for m, k, _t, _c, a, _cur in prices("markdown", page)} == {
        ("qwen/qwen3.5-27b", "input", "0.3"),
        ("qwen/qwen3.5-27b", "output", "2.4"),
        ("z-ai/glm-4.7-flash", "input", "0.1"),
        ("z-ai/glm-4.7-flash", "output", "0.43"),
    }


# -- the page's outline and its tabs ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "numbered", "plain"),
    [
        # a model's own heading in a docs page (Bailian's '## qwen3.5-plus'), its sections numbered
        (
            "markdown",
            "# 1. 模型列表\n\n## 2. qwen3.5-plus\n\n| 输入长度 | 输入单价 | 输出单价 |\n|---|---|---|\n| 0<Token≤128K | 0.8元 | 4.8元 |\n\n单价为每百万 Token。\n",
            "# 模型列表\n\n## qwen3.5-plus\n\n| 输入长度 | 输入单价 | 输出单价 |\n|---|---|---|\n| 0<Token≤128K | 0.8元 | 4.8元 |\n\n单价为每百万 Token。\n",
        ),
        # an HTML section whose heading names a condition (Anthropic's 'Batch processing')
        (
            "html",
            "<h2>1) Batch processing</h2><p>Prices per 1M tokens.</p><table><tr><th>Model</th><th>Input</th></tr><tr><td>claude-x</td><td>$1.50</td></tr></table>"
            "<h2>二、Standard</h2><table><tr><th>Model</th><th>Input</th></tr><tr><td>claude-x</td><td>$3.00</td></tr></table>",
            "<h2>Batch processing</h2><p>Prices per 1M tokens.</p><table><tr><th>Model</th><th>Input</th></tr><tr><td>claude-x</td><td>$1.50</td></tr></table>"
            "<h2>Standard</h2><table><tr><th>Model</th><th>Input</th></tr><tr><td>claude-x</td><td>$3.00</td></tr></table>",
        ),
    ],
)
def test_a_headings_outline_number_is_not_its_words(kind: str, numbered: str, plain: str) -> None:
    """Numbering a page's sections ('2. ', '1) ', '二、') renames none of them: the prices read, their
    models and their conditions, are those of the unnumbered page."""
    assert prices(kind, numbered, "CNY") == prices(kind, plain, "CNY")
    assert prices(kind, plain, "CNY")  # the page is read at all


TAB_BAR = (
    '<div role="tablist"><button role="tab" {a}>Standard</button><button role="tab" {b}>Batch</button></div>'
)
PANE_TABLE = "<table><tr><th>Model</th><th>Input</th><th>Output</th></tr><tr><td>gpt-x</td><td>{i}</td><td>{o}</td></tr></table>"


@pytest.mark.parametrize(
    "page",
    [
        # panels named by the tabs' aria-controls, the second pane with text above its table
        TAB_BAR.format(a='aria-controls="std"', b='aria-controls="bat"')
        + f'<p>Prices per 1M tokens.</p><div id="std" role="tabpanel">{PANE_TABLE.format(i="$1.00", o="$2.00")}</div>'
        + f'<div id="bat" role="tabpanel" hidden><p>Half price, within 24 hours.</p>{PANE_TABLE.format(i="$0.50", o="$1.00")}</div>',
        # panels as the tab list's following siblings, in order, each table wrapped deeper
        "<section><p>Prices per 1M tokens.</p>"
        + TAB_BAR.format(a="", b="")
        + f'<div role="tabpanel"><div class="scroll">{PANE_TABLE.format(i="$1.00", o="$2.00")}</div></div>'
        + f'<div role="tabpanel"><div class="scroll">{PANE_TABLE.format(i="$0.50", o="$1.00")}</div></div></section>',
    ],
)
def test_a_table_in_a_tabs_panel_is_priced_under_that_tab(page: str) -> None:
    """A table inside the panel of an ARIA tab takes that tab's name as its condition, found by the
    page's structure (aria-controls, or the panels that follow the tab list)."""
    assert prices("html", page) == {
        ("gpt-x", "input", "", "standard", "1", "USD"),
        ("gpt-x", "output", "", "standard", "2", "USD"),
        ("gpt-x", "input", "", "batch", "0.5", "USD"),
        ("gpt-x", "output", "", "batch", "1", "USD"),
    }


@pytest.mark.parametrize("tables_in_first_pane", [1, 2])
def test_a_site_tab_bar_around_the_content_names_no_table(tables_in_first_pane: int) -> None:
    """A tab bar whose first panel holds all the page's tables ('Pricing | FAQ', a site's redesign)
    tells no table apart: no table takes a tab's name, and two region tables keep their own labels."""
    regions = (
        "<p>Prices per 1M tokens.</p><div>Guangzhou</div><div>Singapore</div>"
        + PANE_TABLE.format(i="$1.00", o="$2.00")
        + PANE_TABLE.format(i="$1.20", o="$2.40")
    )
    one = "<p>Prices per 1M tokens.</p>" + PANE_TABLE.format(i="$1.00", o="$2.00")
    content = regions if tables_in_first_pane == 2 else one
    bar = '<div role="tablist"><button role="tab">Pricing</button><button role="tab">FAQ</button></div>'
    page = f'{bar}<div role="tabpanel">{content}</div><div role="tabpanel" hidden><p>Ask us.</p></div>'
    assert prices("html", page) == prices("html", content)
    assert not {p[3] for p in prices("html", page)} & {"pricing", "faq"}


@pytest.mark.parametrize(
    ("kind", "page"),
    [
        # UCloud's Markdown: the price told in a sentence cell, a badge beside the model's name
        (
            "markdown",
            "| **模型名称** | **计费方式** | **计费说明** |\n| --- | --- | --- |\n"
            "| DeepSeek-R1 (new) | tokens后付费 | 输入0.004/千tokens，输出0.016/千tokens |\n"
            "| DeepSeek-V3 | tokens后付费 | 输入0.002/千tokens，输出0.008/千tokens |\n",
        ),
        # the same in HTML, the badge a <span>
        (
            "html",
            "<table><tr><th>模型名称</th><th>计费方式</th><th>计费说明</th></tr>"
            '<tr><td>DeepSeek-R1 <span class="badge">NEW</span></td><td>tokens后付费</td><td>输入0.004/千tokens，输出0.016/千tokens</td></tr>'
            "<tr><td>DeepSeek-V3</td><td>tokens后付费</td><td>输入0.002/千tokens，输出0.008/千tokens</td></tr></table>",
        ),
    ],
)
def test_a_badged_model_row_is_no_second_header(kind: str, page: str) -> None:
    """A row whose model name carries a badge ('DeepSeek-R1 (new)') and whose prices name their unit but
    no currency is a model's row, not a second header row over the rows below."""
    read = prices(kind, page, "CNY")
    assert ("DeepSeek-R1", "input", "", "", "4", "CNY") in read
    assert ("DeepSeek-V3", "output", "", "", "8", "CNY") in read


@pytest.mark.parametrize(
    ("kind", "page"),
    [
        # Vertex AI's feature table, its rows in another order: the first body row carries a price
        (
            "html",
            "<h3>Flex/Batch</h3><table><thead><tr><th>Feature</th><th>Pricing</th></tr></thead><tbody>"
            "<tr><td>Grounding with Google Maps</td><td><strong>$25 per 1,000 grounded prompts</strong>. One grounded prompt is a request that makes at least 1 query.</td></tr>"
            "<tr><td>Grounding with your data</td><td>$2.5 per 1,000 requests.</td></tr></tbody></table>",
        ),
        (
            "markdown",
            "### Flex/Batch\n\n| Feature | Pricing |\n|---|---|\n"
            "| Grounding with Google Maps | **$25 per 1,000 grounded prompts**. One grounded prompt is a request that makes at least 1 query. |\n"
            "| Grounding with your data | $2.5 per 1,000 requests. |\n",
        ),
    ],
)
def test_a_row_with_a_sum_of_money_heads_no_column(kind: str, page: str) -> None:
    """A row holding a sum of money prices something: it is never taken as the header of the rows
    below it, whatever row comes first (the table names no model: its prices are reported, not read)."""
    assert prices(kind, page) == set()
    assert any("names no model" in p for p in problems(kind, page))


@pytest.mark.parametrize(
    ("first", "second"),
    [
        (
            "**谷歌官方平台随用随付**方案价格：",
            "**openrouter**平台价格（有批发价）：",
        ),  # the Chinese price table's
        ("**Standard** prices, per 1M tokens:", "**Batch API** prices, per 1M tokens:"),
    ],
)
def test_a_heading_of_no_meaning_under_a_bold_lead_closes_nothing(first: str, second: str) -> None:
    """A heading that says nothing ('###### Overview') between a bold lead and its table leaves the table
    the one the lead names: the prices of a model listed under two leads keep each lead's name."""
    table = "| 模型 | 输入价格(元/M Tokens) | 输出价格(元/M Tokens) |\n|---|---|---|\n| gemini-1.5-pro | {i} | {o} |\n"
    plain = f"## Gemini系列\n\n{first}\n\n{table.format(i=25, o=75)}\n{second}\n\n{table.format(i=20, o=60)}"
    headed = plain.replace("\n\n|", "\n\n###### Overview\n\n|")
    assert headed.count("Overview") == 2
    assert prices("markdown", headed, "CNY") == prices("markdown", plain, "CNY")
    conditions = {p[3] for p in prices("markdown", plain, "CNY")}
    assert len(conditions) == 2 and second.split("**")[1].lower() in conditions


@pytest.mark.parametrize(
    ("kind", "page", "currency"),
    [
        # UCloud's image prices before the page wrote '元/张': the header names the currency, not the unit
        (
            "markdown",
            "| 模型名称 | 价格（元） | 分类 |\n|---|---|---|\n| Flux Dev | 0.10 | 文生图 |\n| Step1X Edit | 0.30 | 图片编辑 |\n",
            "CNY",
        ),
        (
            "html",
            "<table><tr><th>Model</th><th>Price ($)</th><th>Type</th></tr>"
            "<tr><td>Flux Dev</td><td>0.10</td><td>text to image</td></tr>"
            "<tr><td>Step1X Edit</td><td>0.30</td><td>image edit</td></tr></table>",
            "USD",
        ),
    ],
)
def test_a_figure_under_a_header_or_page_that_names_its_currency_is_reported_when_its_unit_is_not(
    kind: str, page: str, currency: str
) -> None:
    """A bare figure under a price header that names the currency but no unit ('价格（元）', 'Price ($)'),
    or on a page that says what its prices are in, is money whose unit is unknown: reported with the
    cell, never read as a price and never dropped silently."""
    assert prices(kind, page, currency) == set()
    said = problems(kind, page, currency)
    assert any("Flux Dev" in p and "'0.10'" in p for p in said)
    assert any("Step1X Edit" in p and "'0.30'" in p for p in said)
    # under a header that names no currency ('价格', 'Price'), a bare figure may be anything: not money
    unnamed = page.replace("（元）", "").replace(" ($)", "")
    assert prices(kind, unnamed, currency) == set() and problems(kind, unnamed, currency) == []
    # ... unless the page says what its prices are in ('单位：元', 'All prices are in USD.')
    said = ("单位：元\n\n" if kind == "markdown" else "<p>All prices are in USD.</p>") + unnamed
    assert prices(kind, said, currency) == set()
    assert any("Flux Dev" in p and "'0.10'" in p for p in problems(kind, said, currency))


@pytest.mark.parametrize(
    "page",
    [
        # a React table of <div>s: role="table", row groups, column headers and cells
        '<h2>Pricing</h2><p>Prices per 1M tokens.</p><div role="table"><div role="rowgroup"><div role="row">'
        '<div role="columnheader">Model</div><div role="columnheader">Input</div><div role="columnheader">Output</div></div></div>'
        '<div role="rowgroup"><div role="row"><div role="cell">gpt-x</div><div role="cell">$1.00</div><div role="cell">$2.00</div></div>'
        '<div role="row"><div role="cell">gpt-y</div><div role="cell">$3.00</div><div role="cell">$4.00</div></div></div></div>',
        # a data grid (MUI's DataGrid): role="grid", cells' text inside wrappers, rows in a scroller
        '<p>Prices per 1M tokens.</p><div role="grid" aria-rowcount="3"><div class="header"><div role="row" aria-rowindex="1">'
        '<div role="columnheader"><div class="title">Model</div></div><div role="columnheader"><div class="title">Input</div></div>'
        '<div role="columnheader"><div class="title">Output</div></div></div></div><div class="scroller"><div class="content">'
        '<div role="row" aria-rowindex="2"><div role="gridcell"><span>gpt-x</span></div><div role="gridcell"><span>$1.00</span></div><div role="gridcell"><span>$2.00</span></div></div>'
        '<div role="row" aria-rowindex="3"><div role="gridcell"><span>gpt-y</span></div><div role="gridcell"><span>$3.00</span></div><div role="gridcell"><span>$4.00</span></div></div>'
        "</div></div></div>",
    ],
)
def test_a_table_drawn_with_aria_roles_is_read_as_a_table(page: str) -> None:
    """A component library's table of <div>s (role table or grid, its rows role row, its cells cell,
    gridcell or columnheader) is read as the table it shows."""
    assert prices("html", page) == {
        ("gpt-x", "input", "", "", "1", "USD"),
        ("gpt-x", "output", "", "", "2", "USD"),
        ("gpt-y", "input", "", "", "3", "USD"),
        ("gpt-y", "output", "", "", "4", "USD"),
    }


@pytest.mark.parametrize(
    "cards",
    [
        # role="grid" on the cards' container, no rows
        '<div role="grid"><div class="card"><h3>Opus 4.7</h3><p>Input</p><p>$5 / MTok</p><p>Output</p><p>$25 / MTok</p></div>'
        '<div class="card"><h3>Sonnet 4.6</h3><p>Input</p><p>$3 / MTok</p><p>Output</p><p>$15 / MTok</p></div></div>',
        # rows of grid cells, each cell a whole card with its heading (a keyboard-navigable card grid)
        '<div role="grid"><div role="row"><div role="gridcell"><div class="card"><h3>Opus 4.7</h3><p>Input</p><p>$5 / MTok</p>'
        '<p>Output</p><p>$25 / MTok</p></div></div><div role="gridcell"><div class="card"><h3>Sonnet 4.6</h3><p>Input</p>'
        "<p>$3 / MTok</p><p>Output</p><p>$15 / MTok</p></div></div></div></div>",
    ],
)
def test_a_grid_of_cards_is_read_as_cards(cards: str) -> None:
    """role="grid" on a layout of model cards (no header cell; a card's heading in a cell) is no table:
    its cards are read as cards, as without the roles, and nothing is reported."""
    plain = re.sub(r' role="(?:grid|row|gridcell)"', "", cards)
    assert html_grids(LexborHTMLParser(cards)) == [], "no table read"
    assert prices("html", cards) == prices("html", plain)
    assert ("Opus 4.7", "input", "", "", "5", "USD") in prices("html", cards)
    assert problems("html", cards) == []


def _tabs(prefix: str, names: list[str], panels: list[str]) -> str:
    """An ARIA tab list and its panels (by aria-controls)."""
    tabs = "".join(
        f'<button role="tab" aria-controls="{prefix}{k}">{n}</button>' for k, n in enumerate(names)
    )
    return f'<div role="tablist">{tabs}</div>' + "".join(
        f'<div role="tabpanel" id="{prefix}{k}">{panel}</div>' for k, panel in enumerate(panels)
    )


def _split_table(model: str, i: str, o: str) -> str:
    """A UI library's table: its fixed header drawn as a table of its own above the body's."""
    head = "<table><thead><tr><th>Model</th><th>Input (per 1M tokens)</th><th>Output (per 1M tokens)</th></tr></thead></table>"
    body = f"<table><tbody><tr><td>{model}</td><td>${i}</td><td>${o}</td></tr></tbody></table>"
    return f'<div class="table-wrapper">{head}{body}</div>'


def _plain_table(model: str, i: str, o: str) -> str:
    return f"<table><tr><th>Model</th><th>Input (per 1M tokens)</th><th>Output (per 1M tokens)</th></tr><tr><td>{model}</td><td>${i}</td><td>${o}</td></tr></table>"


@pytest.mark.parametrize("table", [_split_table, _plain_table], ids=["header drawn apart", "one table"])
def test_tabs_inside_tabs_name_each_table_by_both(table: Callable[[str, str, str], str]) -> None:
    """A tab list inside a tab's panel (Text / Image, each with Standard / Batch): each table is priced
    under the names of both tabs it is shown under, outer first; a table whose fixed header is drawn
    as a table of its own is one table there too."""
    make = table  # type: ignore[assignment]
    text = _tabs(
        "t", ["Standard", "Batch"], [make("acme-large", "2.00", "8.00"), make("acme-large", "1.00", "4.00")]
    )  # type: ignore[operator]
    image = _tabs(
        "i", ["Standard", "Batch"], [make("acme-image", "5.00", "9.00"), make("acme-image", "2.50", "4.50")]
    )  # type: ignore[operator]
    page = "<h1>Acme pricing</h1>" + _tabs("o", ["Text models", "Image models"], [text, image])
    read = prices("html", page)
    assert ("acme-large", "input", "", "text models batch", "1", "USD") in read
    assert ("acme-image", "output", "", "image models standard", "9", "USD") in read
    assert len(read) == 8 and problems("html", page) == []


def test_a_bold_lead_names_no_table_of_the_next_section() -> None:
    """A bold lead ('**Enterprise plan** prices:') names the table under it, not the table of the next
    section, whatever that section's heading says ('## Models' says nothing)."""
    page = (
        "# Acme API\n\n**Enterprise plan** prices:\n\n| Model | Input | Output |\n|---|---|---|\n"
        "| acme-large | $1.50 / 1M tokens | $6.00 / 1M tokens |\n\n## Models\n\n| Model | Input | Output |\n|---|---|---|\n"
        "| acme-large | $2.00 / 1M tokens | $8.00 / 1M tokens |\n"
    )
    assert prices("markdown", page) == {
        ("acme-large", "input", "", "enterprise plan", "1.5", "USD"),
        ("acme-large", "output", "", "enterprise plan", "6", "USD"),
        ("acme-large", "input", "", "", "2", "USD"),
        ("acme-large", "output", "", "", "8", "USD"),
    }


@pytest.mark.parametrize(
    ("kind", "page"),
    [
        (
            "markdown",
            "| | Input (USD per 1,000,000 tokens) | Output (USD per 1,000,000 tokens) |\n|---|---|---|\n| acme-large | 2.00 | 8.00 |\n",
        ),
        (
            "html",
            "<table><tr><th></th><th>Input price (USD, 2025)</th><th>Output price (USD, 2025)</th></tr>"
            "<tr><td>acme-large</td><td>2.00</td><td>8.00</td></tr></table><p>Prices per 1M tokens.</p>",
        ),
    ],
)
def test_a_header_with_a_currency_and_a_figure_apart_is_a_header(kind: str, page: str) -> None:
    """A header that names the currency beside a count or a year ('USD per 1,000,000 tokens', 'USD,
    2025') holds no sum of money: it heads its columns, and the million written out is a unit."""
    assert prices(kind, page) == {
        ("acme-large", "input", "", "", "2", "USD"),
        ("acme-large", "output", "", "", "8", "USD"),
    }


def test_a_table_drawn_with_aria_roles_whose_header_row_is_plain_cells_is_read() -> None:
    """role="table" is a table whatever its cells hold: a header row of plain cells (no columnheader)
    and model cells with a heading inside are read, not taken for a layout of cards."""
    row = '<div role="row"><div role="cell"><h4>{m}</h4></div><div role="cell">{i}</div><div role="cell">{o}</div></div>'
    page = (
        '<p>Prices per 1M tokens.</p><div role="table">'
        + row.format(m="Model", i="Input", o="Output").replace("<h4>Model</h4>", "Model")
        + row.format(m="acme-large", i="$2.00", o="$8.00")
        + row.format(m="acme-small", i="$0.20", o="$0.80")
        + "</div>"
    )
    assert prices("html", page) == {
        ("acme-large", "input", "", "", "2", "USD"),
        ("acme-large", "output", "", "", "8", "USD"),
        ("acme-small", "input", "", "", "0.2", "USD"),
        ("acme-small", "output", "", "", "0.8", "USD"),
    }


def test_a_bold_lead_with_no_heading_above_it_keeps_its_table_under_a_heading_of_no_meaning() -> None:
    """A bold lead at the top of a page ('**Enterprise plan** prices:'), then a heading of no meaning,
    then its table: the lead names that table; the next lead names the next."""
    table = "| Model | Input | Output |\n|---|---|---|\n| acme-large | {i} / 1M tokens | {o} / 1M tokens |\n"
    page = (
        f"**Enterprise plan** prices:\n\n###### Overview\n\n{table.format(i='$1.50', o='$6.00')}\n"
        f"**Batch API** prices:\n\n{table.format(i='$2.00', o='$8.00')}"
    )
    assert prices("markdown", page) == {
        ("acme-large", "input", "", "enterprise plan", "1.5", "USD"),
        ("acme-large", "output", "", "enterprise plan", "6", "USD"),
        ("acme-large", "input", "", "batch api", "2", "USD"),
        ("acme-large", "output", "", "batch api", "8", "USD"),
    }
