"""News price claims: a labelled development set scored for precision and recall, and extract-news.

The sentences are written in the style of the May 2024 price-war reporting (Chinese, traditional
Chinese, Japanese, English) and include its traps; DeepSeek's own announcements are read from the
captured mirror. Each expectation was labelled by hand from the sentence, not from the code's output.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

from click.testing import CliRunner

from monitor.cli import cli
from monitor.news import article_text, extract_claims
from tests.conftest import FIXTURES

Key = tuple[str, str, str | None, str | None, bool]  # model, kind, old /1M, new /1M, free
FREE: tuple[str | None, str | None, bool] = (None, "0", True)


def _c(model: str, kind: str, old: str | None, new: str | None, free: bool = False) -> Key:
    return (model.lower(), kind, old, new, free)


DEV: list[tuple[str, set[Key]]] = [
    (
        "阿里云宣布，通义千问GPT-4级主力模型Qwen-Long的API输入价格从0.02元/千tokens降至0.0005元/千tokens，直降97%。",
        {_c("Qwen-Long", "input", "20", "0.5")},
    ),
    (
        "百度智能云宣布文心大模型两款主力模型ERNIE Speed、ERNIE Lite全面免费。",
        {_c("ERNIE Speed", "all", *FREE), _c("ERNIE Lite", "all", *FREE)},
    ),
    ("腾讯云宣布混元-lite模型全面免费。", {_c("混元-lite", "all", *FREE)}),
    ("豆包主力模型在企业市场的定价只有0.0008元/千Tokens。", {_c("豆包", "all", None, "0.8")}),
    ("豆包pro-32k模型，1元可买125万tokens。", {_c("豆包pro-32k", "all", None, "0.8")}),
    (
        "Hunyuan-Mini和Hunyuan-Nano全面免费",
        {_c("Hunyuan-Mini", "all", *FREE), _c("Hunyuan-Nano", "all", *FREE)},
    ),
    (
        "Doubao pro/Max API价格降至0.3/万Tokens",
        {_c("Doubao pro", "all", None, "30"), _c("Doubao Max", "all", None, "30")},
    ),
    (
        "DeepSeek-V2每百万tokens输入1元、输出2元。",
        {_c("DeepSeek-V2", "input", None, "1"), _c("DeepSeek-V2", "output", None, "2")},
    ),
    (
        "GLM-4-Flash永久免费，GLM-4-Air价格降至1元/百万tokens。",
        {_c("GLM-4-Flash", "all", *FREE), _c("GLM-4-Air", "all", None, "1")},
    ),
    ("讯飞星火Lite API永久免费开放。", {_c("讯飞星火Lite", "all", *FREE)}),
    ("Qwen-Max输入价格降至0.04元/千tokens，降价67%。", {_c("Qwen-Max", "input", None, "40")}),
    (
        "ERNIE 4.0输入价格为0.12元/千tokens，输出0.12元/千tokens。",
        {_c("ERNIE 4.0", "input", None, "120"), _c("ERNIE 4.0", "output", None, "120")},
    ),
    ("Qwen-Long输入价格为0.5厘/千tokens。", {_c("Qwen-Long", "input", None, "0.5")}),
    ("Doubao-lite输入价格为3分/万tokens。", {_c("Doubao-lite", "input", None, "3")}),
    ("ＧＬＭ－４－Ｆｌａｓｈ　全面免费。", {_c("GLM-4-Flash", "all", *FREE)}),
    # traditional Chinese
    (
        "通義千問Qwen-Long輸入價格從0.02元/千tokens降至0.0005元/千tokens。",
        {_c("Qwen-Long", "input", "20", "0.5")},
    ),
    ("混元-lite模型全面免費。", {_c("混元-lite", "all", *FREE)}),
    # Japanese
    (
        "アリババはQwen-Longの入力価格を100万トークンあたり0.5元に値下げした。",
        {_c("Qwen-Long", "input", None, "0.5")},
    ),
    ("DeepSeek-V3の出力料金は100万トークンあたり1.10ドル。", {_c("DeepSeek-V3", "output", None, "1.1")}),
    ("ERNIE Speedは無料で提供される。", {_c("ERNIE Speed", "all", *FREE)}),
    # English
    (
        "DeepSeek-V3 input $0.27 per million tokens, output $1.10 per million tokens.",
        {_c("DeepSeek-V3", "input", None, "0.27"), _c("DeepSeek-V3", "output", None, "1.1")},
    ),
    (
        "Gemini 1.5 Flash input price drops from $0.35 to $0.075 per million tokens.",
        {_c("Gemini 1.5 Flash", "input", "0.35", "0.075")},
    ),
    (
        "GPT-4o mini costs $0.15 / 1M input tokens and $0.60 / 1M output tokens.",
        {_c("GPT-4o mini", "input", None, "0.15"), _c("GPT-4o mini", "output", None, "0.6")},
    ),
    ("Claude 3 Haiku: $0.25/MTok input.", {_c("Claude 3 Haiku", "input", None, "0.25")}),
    # traps: no claim at all
    ("如果继续维持0.12元/千tokens的价格，Qwen-Max将失去客户。", set()),
    ("ChatGPT Plus订阅价格为20美元/月。", set()),
    ("2024年5月21日，阿里云使用了10000张GPU训练Qwen2。", set()),
    ("Qwen2-72B在多项评测中领先67%。", set()),
    ("Kimi的月活跃用户增长了300%。", set()),
    ("If DeepSeek charged $1 per million tokens, margins would vanish.", set()),
    ("Feel free to try DeepSeek-V3 in the chat.", set()),
    ("文心一言新用户赠送免费额度100万tokens。", set()),
    ("Claude Pro subscription costs $20 per month.", set()),
    # from the captured simonw newsletter feed: a rate-limited free tier, a newsletter's own footer
    (
        "Huge release from Google: Gemini 1.5 Pro - the GPT-4 competitive model - is now available... "
        "and the API is free for 50 requests/day (rate limited).",
        set(),
    ),
    (
        "Claude 3 Opus is the new best model. Subscribe for free to receive new posts and support my work.",
        set(),
    ),
    ("Gemini 1.5 Pro context caching costs $4.50 per million tokens per hour of storage.", set()),
]

NEWS = FIXTURES / "deepseek_docs_mirror" / "news"
ARTICLES: list[tuple[str, set[Key]]] = [
    (
        "deepseek_news250120_en__2026-08-02__e6be0b665e.md",
        {
            _c("DeepSeek-R1", "cached_input", None, "0.14"),
            _c("DeepSeek-R1", "input", None, "0.55"),
            _c("DeepSeek-R1", "output", None, "2.19"),
            _c("deepseek-reasoner", "cached_input", None, "0.14"),
            _c("deepseek-reasoner", "input", None, "0.55"),
            _c("deepseek-reasoner", "output", None, "2.19"),
        },
    ),
    (
        "deepseek_news0802_en__2026-08-02__e6be0b665e.md",
        {_c("DeepSeek", "cached_input", None, "0.014"), _c("DeepSeek", "input", None, "0.14")},
    ),
    ("deepseek_news250929_en__2026-08-02__e6be0b665e.md", set()),  # '50%+ cut' only: no price to claim
]


def _keys(text: str) -> set[Key]:
    return {
        (c.model.lower(), c.kind, _s(c.old_per_million), _s(c.new_per_million), c.free)
        for c in extract_claims(text)
    }


def _s(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def test_development_set_precision_and_recall_at_least_0_9() -> None:
    found = expected = right = 0
    misses = []
    cases = DEV + [((NEWS / name).read_text(encoding="utf-8"), keys) for name, keys in ARTICLES]
    for text, truth in cases:
        got = _keys(text)
        found, expected, right = found + len(got), expected + len(truth), right + len(got & truth)
        if got != truth:
            misses.append((text[:60], sorted(got - truth, key=str), sorted(truth - got, key=str)))
    precision, recall = right / found, right / expected
    print(f"precision {precision:.3f} recall {recall:.3f}", *misses, sep="\n")
    assert precision >= 0.9 and recall >= 0.9, misses


def test_claims_name_the_provider_and_quote_the_sentence() -> None:
    (claim,) = extract_claims(
        "据报道，Qwen-Long的API输入价格从0.02元/千tokens降至0.0005元/千tokens。另有消息称其为行业最低。"
    )
    assert (claim.provider, claim.currency, claim.old_per_million, claim.new_per_million) == (
        "Alibaba Cloud",
        "CNY",
        Decimal(20),
        Decimal("0.5"),
    )
    assert claim.quote.startswith(
        "据报道,Qwen-Long"
    )  # full-width read as half-width and "另有" not in claim.quote


def test_article_text_leaves_out_navigation_scripts_and_comments() -> None:
    html = """<html><body><nav>Qwen-Max 免费</nav><article><h1>降价</h1>
    <p>Qwen-Long输入价格降至0.0005元/千tokens。</p><div class="comments"><p>GLM-4 免费？</p></div>
    <script>var price = "Kimi 免费";</script></article><footer>Doubao 免费</footer></body></html>"""
    text = article_text(html)
    assert "Qwen-Long" in text
    assert not any(word in text for word in ("Qwen-Max", "GLM-4", "Kimi", "Doubao"))


def test_extract_news_prints_json_claims_of_a_saved_article(tmp_path: Path) -> None:
    page = tmp_path / "article.html"
    page.write_text(
        "<html><body><article><p>GLM-4-Flash永久免费，GLM-4-Air价格降至1元/百万tokens。</p></article></body></html>",
        encoding="utf-8",
    )
    result = CliRunner().invoke(cli, ["extract-news", str(page), "--json"])
    assert result.exit_code == 0, result.output
    claims = json.loads(result.output)
    keys = {"model", "provider", "kind", "currency", "old_per_million", "new_per_million", "free", "quote"}
    assert all(keys <= set(claim) for claim in claims)
    assert [(c["model"], c["free"], c["new_per_million"]) for c in claims] == [
        ("GLM-4-Flash", True, "0"),
        ("GLM-4-Air", False, "1"),
    ]


def test_extract_news_without_claims_says_so(tmp_path: Path) -> None:
    page = tmp_path / "article.txt"
    page.write_text("2024年5月21日，阿里云使用了10000张GPU。", encoding="utf-8")
    result = CliRunner().invoke(cli, ["extract-news", str(page)])
    assert result.exit_code == 1
    assert "no price claims" in result.output


def test_extract_news_reads_a_users_alias_table_and_names_a_bad_one(tmp_path: Path) -> None:
    article = tmp_path / "article.txt"
    article.write_text("Acme-Large输入价格降至2元/百万tokens。", encoding="utf-8")
    aliases = tmp_path / "aliases.toml"
    aliases.write_text('[providers]\n"Acme Corp" = ["Acme"]\n', encoding="utf-8")
    runner = CliRunner()
    assert runner.invoke(cli, ["extract-news", str(article)]).exit_code == 1  # unknown to the shipped table
    result = runner.invoke(cli, ["extract-news", str(article), "--aliases", str(aliases), "--json"])
    assert [(c["model"], c["provider"], c["new_per_million"]) for c in json.loads(result.output)] == [
        ("Acme-Large", "Acme Corp", "2")
    ]
    aliases.write_text("providers = 3\n", encoding="utf-8")
    bad = runner.invoke(cli, ["extract-news", str(article), "--aliases", str(aliases)])
    assert bad.exit_code == 2 and f"{aliases}: not an alias table" in bad.output


def test_a_storage_price_per_hour_is_no_claim() -> None:
    """simonw's feed: 'context caching ... $4.50 per million tokens per hour' is storage, not use."""
    assert (
        extract_claims("Gemini 1.5 Pro context caching costs $4.50 per million tokens per hour of storage.")
        == []
    )
    assert extract_claims("Gemini 1.5 Pro costs $3.50 per million tokens.")[0].new_per_million == Decimal(
        "3.5"
    )


# A real feed, not written for the test: Simon Willison's newsletter (17 items, 2024). Every price statement
# in it about a model, labelled by hand from its sentence (model as the article spells it, kind, per 1M USD).
SIMONW_FEED = "rss_feeds/simonw_substack_rss__v01__2024-06-01__fd4ca173bf.xml"
SIMONW_TRUTH: dict[int, set[Key]] = {
    1: {  # Gemini 1.5 Flash, and the prices it is compared with
        _c("Gemini 1.5 Flash", "all", None, "0.35"),
        _c("Gemini 1.5 Flash", "all", None, "0.7"),
        _c("GPT 3.5", "all", None, "0.5"),
        _c("Claude 3 Haiku", "all", None, "0.35"),
        _c("Gemini Pro 1.5", "all", None, "3.5"),
        _c("Gemini Pro 1.5", "all", None, "7"),
    },
    2: {  # '4o is $5/million input tokens and $15/million output tokens. 3.5 is $0.50/million ...'
        _c("gpt-4o", "input", None, "5"),
        _c("gpt-4o", "output", None, "15"),
        _c("gpt-3.5", "input", None, "0.5"),
        _c("gpt-3.5", "output", None, "1.5"),
    },
    4: {  # Llama 3 hosts: '8b is $0.20 per million tokens, for 80b is $1.00', Anyscale, Fireworks
        _c("llama-3-8b-instruct", "all", None, "0.2"),
        _c("llama-3-70b-instruct", "all", None, "1"),
        _c("Llama-3-8b-chat-hf", "all", None, "0.15"),
        _c("Llama-3-70b-chat-hf", "all", None, "1"),
        _c("llama-v3-8b-instruct", "all", None, "0.2"),
        _c("llama-v3-70b-instruct", "all", None, "0.9"),
    },
    5: {  # 'reka-core ($10 per million input), reka-flash (80c per million) and reka-edge (40c per million)'
        _c("reka-core", "input", None, "10"),
        _c("reka-flash", "all", None, "0.8"),
        _c("reka-edge", "all", None, "0.4"),
    },
    6: {  # Gemini 1.5 Pro, in two posts that spell it two ways
        _c("Gemini Pro 1.5", "input", None, "7"),
        _c("Gemini Pro 1.5", "output", None, "21"),
        _c("Gemini 1.5 Pro", "input", None, "7"),
        _c("Gemini 1.5 Pro", "output", None, "21"),
    },
    9: {  # '$0.25/million tokens of input, $1.25/million of output (GPT-3.5 Turbo is $0.50/$1.50)'
        _c("Claude 3 Haiku", "input", None, "0.25"),
        _c("Claude 3 Haiku", "output", None, "1.25"),
        _c("GPT-3.5 Turbo", "input", None, "0.5"),
        _c("GPT-3.5 Turbo", "output", None, "1.5"),
    },
    10: {  # 'per-million-input-tokens / per-million-output-tokens: Claude 3 Opus: $15 / $75 ...'
        *(
            _c(model, kind, None, price)
            for model, prices in {
                "Claude 3 Opus": ("15", "75"),
                "Claude 3 Sonnet": ("3", "15"),
                "Claude 3 Haiku": ("0.25", "1.25"),
                "GPT-4 Turbo": ("10", "30"),
                "GPT-4 8K": ("30", "60"),
                "GPT-4 32K": ("60", "120"),
                "GPT-3.5 Turbo": ("0.5", "1.5"),
            }.items()
            for kind, price in zip(("input", "output"), prices, strict=True)
        )
    },
    17: {  # 'OpenRouter are currently offering Mistral and Mixtral via their API for $0.00/1M input tokens'
        _c("Mistral", "input", None, "0", True),
        _c("Mixtral", "input", None, "0", True),
    },
}


def test_a_real_english_feed_few_wrong_claims() -> None:
    """On real English prose the reader is built to be right when it speaks: precision at least 0.9.
    Recall is lower (0.84 when this was written; missed: a price with no unit at all ('for 80b is
    $1.00'), brands not in the alias table (Reka), '80c per million', '$0.50/$1.50' in brackets) and is
    kept from falling back."""
    import feedparser

    feed = feedparser.parse((FIXTURES / SIMONW_FEED).read_bytes())
    found = expected = right = 0
    wrong = []
    for index, entry in enumerate(feed.entries):
        html = entry.get("content", [{}])[0].get("value", "") or entry.get("summary", "")
        got = _keys(article_text(html))
        truth = SIMONW_TRUTH.get(index, set())
        found, expected, right = found + len(got), expected + len(truth), right + len(got & truth)
        wrong += sorted(got - truth, key=str)
    precision, recall = right / found, right / expected
    print(f"precision {precision:.3f} recall {recall:.3f} wrong {wrong}")
    assert expected == 43
    assert precision >= 0.9, wrong
    assert recall >= 0.8


def test_a_claim_keeps_the_tier_its_sentence_gives() -> None:
    text = (
        "Gemini 1.5 Flash is out. Flash is $0.35 per 1 million tokens for prompts up to 128K token and "
        "$0.70 per 1 million tokens for longer prompts."
    )
    tiers = {(c.new_per_million, c.tier) for c in extract_claims(text)}
    assert tiers == {(Decimal("0.35"), "<=128K"), (Decimal("0.7"), ">128K")}
    plain = extract_claims("Claude 3 Haiku costs $0.25/million input tokens.")
    assert [c.tier for c in plain] == [""]
    assert extract_claims(text)[0].to_json()["tier"] == "<=128K"
