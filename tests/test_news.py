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
    Recall is lower (0.93 since issue 15, 0.84 before; still missed: a price with no unit at all ('for
    80b is $1.00', which is not even the model listed, 70b), and '$0.50/$1.50' in brackets after prices
    of another model) and is kept from falling back."""
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
    assert recall >= 0.9


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


def test_the_labelled_real_articles_meet_the_recall_and_precision_floor() -> None:
    """Seven real articles (zh, ja, en) no one here wrote, every price claim labelled by hand
    (tests/fixtures/news_articles): recall over the 'must' claims at least 0.9, precision over all that is
    reported at least 0.95. `bench/news_claims.py` prints the same figures per article."""
    from bench.news_claims import score_folder, totals

    scores = score_folder(FIXTURES / "news_articles")
    recall, precision = totals(scores)
    missed = [(s.name, label) for s in scores for label in s.missed]
    wrong = [(s.name, c.model, c.kind, str(c.new_per_million), c.quote[:60]) for s in scores for c in s.wrong]
    print(f"recall {recall:.3f} precision {precision:.3f}", *missed, *wrong, sep="\n")
    assert len(scores) == 7 and sum(s.must for s in scores) == 29
    assert recall >= 0.9, missed
    assert precision >= 0.95, wrong


# Each rule of the claim reader on phrasings of its own, none from the labelled articles, in two
# languages or more: (rule, text, every claim expected as (model, kind, old /1M, new /1M, free)).
RULES: list[tuple[str, str, set[Key]]] = [
    (
        "kind inside the unit",
        "Qwen-Max的价格为2.4元/百万输入tokens，9.6元/百万输出tokens。",
        {_c("Qwen-Max", "input", None, "2.4"), _c("Qwen-Max", "output", None, "9.6")},
    ),
    (
        "kind inside the unit",
        "GPT-4.1 costs $2 per million input tokens and $8 per million output tokens.",
        {_c("GPT-4.1", "input", None, "2"), _c("GPT-4.1", "output", None, "8")},
    ),
    (
        "kind after the unit",
        "Mistral Medium 3: $0.40/MTok input, $2/MTok output.",
        {_c("Mistral Medium 3", "input", None, "0.4"), _c("Mistral Medium 3", "output", None, "2")},
    ),
    (
        "kind after the unit",
        "Gemini 2.5 Pro is priced at $1.25/1M input and $10/1M output.",
        {_c("Gemini 2.5 Pro", "input", None, "1.25"), _c("Gemini 2.5 Pro", "output", None, "10")},
    ),
    (
        "unit before the amount, kind in it",
        "智谱宣布GLM-4-Plus的价格下调，每百万输出tokens 5元。",
        {_c("GLM-4-Plus", "output", None, "5")},
    ),
    (
        "unit before the amount, kind in it",
        "Mistral Small 3の入力トークン100万単位あたりの料金は0.1ドルとなった。",
        {_c("Mistral Small 3", "input", None, "0.1")},
    ),
    (
        "one unit for the sentence, kinds by their words",
        "Input for Gemini 2.0 Flash now costs $0.10 per million tokens, and output $0.40.",
        {_c("Gemini 2.0 Flash", "input", None, "0.1"), _c("Gemini 2.0 Flash", "output", None, "0.4")},
    ),
    (
        "one unit for the sentence, kinds by their words",
        "Qwen-Plus输入价格为每百万tokens 0.8元，输出为2元。",
        {_c("Qwen-Plus", "input", None, "0.8"), _c("Qwen-Plus", "output", None, "2")},
    ),
    (
        "respectively: models",
        "GLM-4-Plus与GLM-4-Air的输出价格分别为50元和1元/百万tokens。",
        {_c("GLM-4-Plus", "output", None, "50"), _c("GLM-4-Air", "output", None, "1")},
    ),
    (
        "respectively: models",
        "GPT-4o and GPT-4o mini cost $2.50 and $0.15 per million input tokens, respectively.",
        {_c("GPT-4o", "input", None, "2.5"), _c("GPT-4o mini", "input", None, "0.15")},
    ),
    (
        "respectively: models",
        "o3とo4-miniの入力価格はそれぞれ100万トークンあたり2ドルと1.1ドル。",
        {_c("o3", "input", None, "2"), _c("o4-mini", "input", None, "1.1")},
    ),
    (
        "respectively: kinds",
        "Claude Sonnet 4 costs $3 and $15 per million tokens for input and output respectively.",
        {_c("Claude Sonnet 4", "input", None, "3"), _c("Claude Sonnet 4", "output", None, "15")},
    ),
    (
        "respectively: kinds",
        "Doubao-pro-32k的输入和输出价格分别为0.8元和2元/百万tokens。",
        {_c("Doubao-pro-32k", "input", None, "0.8"), _c("Doubao-pro-32k", "output", None, "2")},
    ),
    (
        "respectively: kinds",
        "Claude Opus 4 has input/output pricing of $15/$75 per million tokens.",
        {_c("Claude Opus 4", "input", None, "15"), _c("Claude Opus 4", "output", None, "75")},
    ),
    (
        "from/to with other verbs",
        "百川宣布Baichuan4的API价格从100元/百万tokens下调到20元/百万tokens。",
        {_c("Baichuan4", "all", "100", "20")},
    ),
    (
        "from/to with other verbs",
        "OpenAI cut o3's input price from $10 to $2 per million tokens.",
        {_c("o3", "input", "10", "2")},
    ),
    (
        "from/to with other verbs",
        "Mistral Small 3の入力料金は100万トークンあたり0.2ドルから0.1ドルに値下げされた。",
        {_c("Mistral Small 3", "input", "0.2", "0.1")},
    ),
    (
        "from/to with other verbs",
        "Qwen-Long输入价格从0.5元/百万tokens降至0.3元。",
        {_c("Qwen-Long", "input", "0.5", "0.3")},
    ),
    (
        "to free",
        "Gemini 1.5 Flash-8B went from $0.075 per million tokens to free for developers.",
        {_c("Gemini 1.5 Flash-8B", "all", "0.075", "0", True)},
    ),
    (
        "to free",
        "智谱将GLM-4-Flash的价格从0.1元/百万tokens降为免费。",
        {_c("GLM-4-Flash", "all", "0.1", "0", True)},
    ),
    (
        "tokens a yuan buys",
        "豆包Doubao-lite-4k，1元能买到400万tokens。",
        {_c("Doubao-lite-4k", "all", None, "0.25")},
    ),
    ("tokens a yuan buys", "混元-lite降价后1元可買200万tokens。", {_c("混元-lite", "all", None, "0.5")}),
    (
        "a short form after the full name",
        "DeepSeek released DeepSeek-V4-Flash and DeepSeek-V4-Pro today. V4-Flash costs $0.14 per million "
        "input tokens.",
        {_c("DeepSeek-V4-Flash", "input", None, "0.14")},
    ),
    (
        "a short form after the full name",
        "DeepSeek-R1发布。R1的输出价格为每百万tokens 16元。",
        {_c("DeepSeek-R1", "output", None, "16")},
    ),
    (
        "a version named as a model after its brand",
        "DeepSeek announced new prices on Tuesday. The V3 model now costs $0.27 per million input tokens.",
        {_c("DeepSeek-V3", "input", None, "0.27")},
    ),
    (
        "a version named as a model after its brand",
        "Kimi发布新模型。K2模型的输入价格为4元/百万tokens。",
        {_c("Kimi-K2", "input", None, "4")},
    ),
    (
        "a name's second word is kept",
        "Kimi K2 is priced at $0.60 per million input tokens.",
        {_c("Kimi K2", "input", None, "0.6")},
    ),
    (
        "a name's second word is kept",
        "百度ERNIE 4.5 Turbo的输出价格为每百万tokens 3.2元。",
        {_c("ERNIE 4.5 Turbo", "output", None, "3.2")},
    ),
    (
        "a company is not a model",
        "OpenAI cut the price of o3 to $2 per million input tokens.",
        {_c("o3", "input", None, "2")},
    ),
    (
        "a company is not a model",
        "月之暗面宣布Kimi-K2输入价格降至2元/百万tokens。",
        {_c("Kimi-K2", "input", None, "2")},
    ),
    ("a company is not a model", "OpenAI charges $5 per million tokens for its newest model.", set()),
    (
        "a comparison is not the priced model",
        "GPT-5 costs $1.25 per million input tokens, half the price of Claude Sonnet 4.",
        {_c("GPT-5", "input", None, "1.25")},
    ),
    (
        "a comparison is not the priced model",
        "DeepSeek-V4-Pro is 30x cheaper than GPT-5.5 and lands within 95% of GPT-5.5: $0.87/MTok output.",
        {_c("DeepSeek-V4-Pro", "output", None, "0.87")},
    ),
    (
        "a price in another paragraph is not this paragraph's model",
        "Claude Haiku 3.5 is out today with a bigger context window, as is GPT-4.1 mini.\n\n"
        "Pricing starts at $2 per million tokens.",
        set(),
    ),
    (
        "a price in another paragraph is not this paragraph's model",
        "Qwen-Max上线新版本。GLM-4-Plus同步更新。\n\n起价为每百万tokens 2元。",
        set(),
    ),
    ("the consumer app is not the API", "对于普通用户来说，Kimi网页版一直是免费的。", set()),
    ("the consumer app is not the API", "DeepSeek's app remains free for consumers.", set()),
    ("the consumer app is not the API", "OpenAI made GPT-4o free in ChatGPT for all users.", set()),
    ("storage by the minute or hour", "Kimi的上下文缓存存储费用为5元/百万tokens/分钟。", set()),
    (
        "storage by the minute or hour",
        "Gemini 1.5 Pro context caching storage costs $4.50 per million tokens per hour.",
        set(),
    ),
    ("forecasts", "Analysts expect GPT-5 prices to fall to $1 per million tokens next year.", set()),
    ("forecasts", "业内预计Qwen-Max价格将降至每百万tokens 1元。", set()),
    ("hypotheticals", "もしGPT-4oが100万トークンあたり1ドルになれば、市場は変わる。", set()),
    ("hypotheticals", "如果DeepSeek把价格降至每百万tokens 0.5元，竞争对手将承受压力。", set()),
    ("no longer free", "Gemini 2.0 Flash-Lite is no longer free.", set()),
    (
        "no longer free",
        "GLM-4-Flash不再免费，价格为0.1元/百万tokens。",
        {_c("GLM-4-Flash", "all", None, "0.1")},
    ),
    (
        "an old price alone is no claim",
        "This is an 80% cut from the previous rates of $15 and $60 per million tokens for GPT-4.5.",
        set(),
    ),
    ("an old price alone is no claim", "Qwen-Max此前为20元/百万tokens。", set()),
    (
        "a bracketed qualifier with a word after it",
        "DeepSeek-V3.1の入力は100万トークンあたり0.56ドル（キャッシュミス時）、0.07ドル（キャッシュヒット時）。",
        {_c("DeepSeek-V3.1", "input", None, "0.56"), _c("DeepSeek-V3.1", "cached_input", None, "0.07")},
    ),
    (
        "a bracketed qualifier with a word after it",
        "DeepSeek-V3.2输入价格为每百万tokens 0.2元（缓存命中时），2元（缓存未命中时）。",
        {_c("DeepSeek-V3.2", "cached_input", None, "0.2"), _c("DeepSeek-V3.2", "input", None, "2")},
    ),
    (
        "'per million' in Japanese without the word tokens beside it",
        "OpenAIはGPT-4oの価格を引き下げ、入力トークンは100万あたり2.5ドル、出力トークンは10ドルになった。",
        {_c("GPT-4o", "input", None, "2.5"), _c("GPT-4o", "output", None, "10")},
    ),
    (
        "'per million' in Japanese without the word tokens beside it",
        "Gemini 2.5 Flashの出力トークンの料金は100万当たり2.5ドル。",
        {_c("Gemini 2.5 Flash", "output", None, "2.5")},
    ),
    (
        "parallel clauses, each with its model, share the sentence's unit",
        "月之暗面宣布，moonshot-v1-8k价格下调至每百万tokens 12元，moonshot-v1-32k下调至24元。",
        {_c("moonshot-v1-8k", "all", None, "12"), _c("moonshot-v1-32k", "all", None, "24")},
    ),
    (
        "parallel clauses, each with its model, share the sentence's unit",
        "Gemini 2.0 Flash drops to $0.10 per million input tokens, Gemini 2.0 Flash-Lite to $0.075.",
        {_c("Gemini 2.0 Flash", "input", None, "0.1"), _c("Gemini 2.0 Flash-Lite", "input", None, "0.075")},
    ),
    (
        "a sentence about several models leaves the next price's model open",
        "GPT-4.1 is priced at $2 per million input tokens, while GPT-4.1 mini is faster. The nano model is "
        "the cheapest at $0.10 per million input tokens.",
        {_c("GPT-4.1", "input", None, "2")},
    ),
    (
        "a sentence about several models leaves the next price's model open",
        "GLM-4-Plus和GLM-4-Air同日发布。新模型起价为每百万tokens 1元。",
        set(),
    ),
    (
        "cents",
        "Claude 3 Haiku costs 25 cents per million input tokens.",
        {_c("Claude 3 Haiku", "input", None, "0.25")},
    ),
    ("cents", "Reka offers reka-edge (40c per million).", {_c("reka-edge", "all", None, "0.4")}),
    (
        "cents",
        "GPT-4o miniの料金は入力100万トークンあたり15セント、出力100万トークンあたり60セント。",
        {_c("GPT-4o mini", "input", None, "0.15"), _c("GPT-4o mini", "output", None, "0.6")},
    ),
    (
        "a version named as a model takes the brand named last before it",
        "DeepSeek says its R1 model costs $0.55 per million input tokens, against $15 for OpenAI's o1.",
        {_c("DeepSeek-R1", "input", None, "0.55")},
    ),
    (
        "a version named as a model takes the brand named last before it",
        "GPT-4o之后，Qwen发布了新一代。其中VL2模型的输入价格为每百万tokens 3元。",
        {_c("Qwen-VL2", "input", None, "3")},
    ),
    (
        "a Chinese brand keeps the name attached to it",
        "腾讯混元-standard输入价格从0.01元/千tokens降至0.0045元/千tokens。",
        {_c("混元-standard", "input", "10", "4.5")},
    ),
    (
        "a Chinese brand keeps the name attached to it",
        "豆包-pro-32k的输出价格为每百万tokens 2元。",
        {_c("豆包-pro-32k", "output", None, "2")},
    ),
    (
        "the old price after the new one",
        "GPT-4o now costs $2.50 per million input tokens, down from $5.",
        {_c("GPT-4o", "input", "5", "2.5")},
    ),
    (
        "the old price after the new one",
        "Qwen-Turbo输入价格降至0.3元/百万tokens，较此前的2元下降85%。",
        {_c("Qwen-Turbo", "input", "2", "0.3")},
    ),
    (
        "'from' before the unit of the old price",
        "Qwen-Max的价格由每千tokens 0.12元下调至0.04元。",
        {_c("Qwen-Max", "all", "120", "40")},
    ),
    (
        "'from' before the unit of the old price",
        "ERNIE 4.0的輸入價格由每千tokens 0.12元下調至0.03元。",
        {_c("ERNIE 4.0", "input", "120", "30")},
    ),
    (
        "a price that 'was' is an old one",
        "Claude 3 Opus input was $15 per million tokens; now it is $5 per million tokens for Claude "
        "Opus 4.5.",
        {_c("Claude Opus 4.5", "all", None, "5")},
    ),
    ("a price that 'was' is an old one", "GLM-4的价格曾为每百万tokens 100元。", set()),
    (
        "a model's name ends where its letters and digits end",
        "Kimi K2的价格为输入4元/百万tokens、输出16元/百万tokens。",
        {_c("Kimi K2", "input", None, "4"), _c("Kimi K2", "output", None, "16")},
    ),
    (
        "a model's name ends where its letters and digits end",
        "Qwen3は入力100万トークンあたり0.4ドル。",
        {_c("Qwen3", "input", None, "0.4")},
    ),
    (
        "a cache hit before the input word qualifies it",
        "DeepSeek-V2.5のキャッシュヒット時の入力料金は100万トークンあたり0.014ドル。",
        {_c("DeepSeek-V2.5", "cached_input", None, "0.014")},
    ),
    (
        "a cache hit before the input word qualifies it",
        "For DeepSeek-V3, cache-hit input now costs $0.07 per million tokens.",
        {_c("DeepSeek-V3", "cached_input", None, "0.07")},
    ),
    (
        "a free clause beside prices in one sentence",
        "GLM-4-Plus每百万tokens价格50元，GLM-4-Air为1元，GLM-4-Flash免费。",
        {
            _c("GLM-4-Plus", "all", None, "50"),
            _c("GLM-4-Air", "all", None, "1"),
            _c("GLM-4-Flash", "all", *FREE),
        },
    ),
    (
        "a free clause beside prices in one sentence",
        "Gemini 2.0 Flash costs $0.10 per million input tokens, and Gemini 2.0 Flash-Lite is free of charge.",
        {_c("Gemini 2.0 Flash", "input", None, "0.1"), _c("Gemini 2.0 Flash-Lite", "all", *FREE)},
    ),
    (
        "a comparison after the model",
        "据悉，该模型每百万tokens输入价格为2元，与DeepSeek-V3此前的价格相比上涨了一倍。",
        set(),
    ),
    (
        "a comparison after the model",
        "Gemini 2.5 Flashの料金は100万トークンあたり0.3ドルで、GPT-4o miniと比べて2倍となる。",
        {_c("Gemini 2.5 Flash", "all", None, "0.3")},
    ),
    ("a count of tokens is no unit", "以处理100万tokens为例，使用DeepSeek-V3需要花费约2元。", set()),
    ("a count of tokens is no unit", "Processing 1 million tokens with GPT-4o costs about $5.", set()),
    ("an estimate or a conversion is no price", "各家价格对比：GPT-4o每百万tokens输入约36元。", set()),
    (
        "an estimate or a conversion is no price",
        "Claude 3.5 Sonnet works out to roughly $3 per million input tokens.",
        set(),
    ),
    # rules added after a held-out set written by the team (tests/fixtures/news_heldout) found them wanting
    (
        "a new price takes the unit its old one was lent",
        "Qwen-Maxの料金は、入力が100万トークンあたり4元から2元へ、出力が12元から6元へと引き下げられた。",
        {_c("Qwen-Max", "input", "4", "2"), _c("Qwen-Max", "output", "12", "6")},
    ),
    (
        "a new price takes the unit its old one was lent",
        "Input for GPT-4.1 goes from $2 to $1 per million tokens, and output from $8 to $4.",
        {_c("GPT-4.1", "input", "2", "1"), _c("GPT-4.1", "output", "8", "4")},
    ),
    (
        "prices each with a unit, listed 'respectively'",
        "Qwen-Plus的输入和输出价格分别调整为0.8元/百万tokens和2元/百万tokens。",
        {_c("Qwen-Plus", "input", None, "0.8"), _c("Qwen-Plus", "output", None, "2")},
    ),
    (
        "prices each with a unit, listed 'respectively'",
        "GPT-4.1 mini input and output now cost $0.40/1M tokens and $1.60/1M tokens respectively.",
        {_c("GPT-4.1 mini", "input", None, "0.4"), _c("GPT-4.1 mini", "output", None, "1.6")},
    ),
    (
        "a kind word right after the amount",
        "Claude 3 Haiku runs $0.25 input and $1.25 output per million tokens.",
        {_c("Claude 3 Haiku", "input", None, "0.25"), _c("Claude 3 Haiku", "output", None, "1.25")},
    ),
    (
        "a kind word right after the amount",
        "DeepSeek-V3以每百万tokens 8元的输出价格继续提供服务。",
        {_c("DeepSeek-V3", "output", None, "8")},
    ),
    (
        "a kind word right after the amount",
        "Gemini 1.5 Flashは100万トークンあたり0.075ドルの入力料金で提供される。",
        {_c("Gemini 1.5 Flash", "input", None, "0.075")},
    ),
    (
        "a list of old prices behind a list of new ones",
        "GPT-4o now costs $2.50 per million input tokens and $10 per million output tokens, down from $5 "
        "and $15.",
        {_c("GPT-4o", "input", "5", "2.5"), _c("GPT-4o", "output", "15", "10")},
    ),
    (
        "a list of old prices behind a list of new ones",
        "Gemini 1.5 Pro drops to $1.25 per million input tokens and $5 per million output tokens, cut from "
        "$3.50 and $10.50.",
        {_c("Gemini 1.5 Pro", "input", "3.5", "1.25"), _c("Gemini 1.5 Pro", "output", "10.5", "5")},
    ),
    (
        "models listed in one sentence, priced 'respectively' in the next",
        "本次调价涉及GLM-4-Plus和GLM-4-Air两款模型。其输入价格分别降至每百万tokens 5元和0.5元。",
        {_c("GLM-4-Plus", "input", None, "5"), _c("GLM-4-Air", "input", None, "0.5")},
    ),
    (
        "models listed in one sentence, priced 'respectively' in the next",
        "The update covers Qwen-Max and Qwen-Plus. Their input prices are now $1.60 and $0.40 per million "
        "tokens, respectively.",
        {_c("Qwen-Max", "input", None, "1.6"), _c("Qwen-Plus", "input", None, "0.4")},
    ),
    (
        "models listed in one sentence, priced 'respectively' in the next",
        "GLM-4-Plus和GLM-4-Air同步上线。两者输入价格分别为每百万tokens 2元。",  # one price for two: unsaid
        set(),
    ),
    (
        "cache reads are cache hits",
        "Claude 3.5 Sonnetのキャッシュ読み取りは100万トークンあたり0.3ドル。",
        {_c("Claude 3.5 Sonnet", "cached_input", None, "0.3")},
    ),
    (
        "cache reads are cache hits",
        "DeepSeek-V3的缓存读取价格为每百万tokens 0.5元。",
        {_c("DeepSeek-V3", "cached_input", None, "0.5")},
    ),
    (
        "a number of tokens before 'あたり'",
        "Qwen-Turboは1000トークンあたり0.0003元で利用できる。",
        {_c("Qwen-Turbo", "all", None, "0.3")},
    ),
    (
        "a number of tokens before 'あたり'",
        "Llama 3 70Bの料金は1,000トークン当たり0.0008ドル。",
        {_c("Llama 3 70B", "all", None, "0.8")},
    ),
    (
        "a comparison in other words",
        "Gemini 1.5 FlashはGPT-4o miniよりも安く、入力100万トークンあたり0.075ドルだ。",
        {_c("Gemini 1.5 Flash", "input", None, "0.075")},
    ),
    (
        "a comparison in other words",
        "Claude 3 Haiku costs a fraction of the price of Claude 3 Opus, at $0.25 per million input tokens.",
        {_c("Claude 3 Haiku", "input", None, "0.25")},
    ),
    (
        "a comparison in other words",
        "DeepSeek-V3的输入价格为每百万tokens 2元，仅为GPT-4o的十分之一。",
        {_c("DeepSeek-V3", "input", None, "2")},
    ),
    (
        "a price inside a comparison is no claim",
        "与GPT-4o每百万tokens 5美元的输入价格相比，Qwen-Max要便宜得多。",
        set(),
    ),
    (
        "a price inside a comparison is no claim",
        "Gemini 1.5 Proの100万トークンあたり1.25ドルという入力料金と比べると、GPT-4oは割高だ。",
        set(),
    ),
    (
        "free in other words",
        "Google is opening Gemma 2 to developers, free to use through its API.",
        {_c("Gemma 2", "all", *FREE)},
    ),
    ("free in other words", "Developers can call GLM-4-Flash at no cost.", {_c("GLM-4-Flash", "all", *FREE)}),
    (
        "from the former price",
        "混元-standard的输出价格从此前的每百万tokens 50元下调至10元。",
        {_c("混元-standard", "output", "50", "10")},
    ),
    (
        "from the former price",
        "Grok 2 input was cut from the previous $5 to $2 per million tokens.",
        {_c("Grok 2", "input", "5", "2")},
    ),
    (
        "a bracket with a price of its own qualifies no other",
        "DeepSeek-V3每百万输入tokens 2元（缓存命中0.5元），每百万输出tokens 8元。",
        {
            _c("DeepSeek-V3", "input", None, "2"),
            _c("DeepSeek-V3", "cached_input", None, "0.5"),
            _c("DeepSeek-V3", "output", None, "8"),
        },
    ),
    (
        "a bracket with a price of its own qualifies no other",
        "GPT-4.1 costs $2 per million input tokens (cache hits $0.50), and $8 per million output tokens.",
        {
            _c("GPT-4.1", "input", None, "2"),
            _c("GPT-4.1", "cached_input", None, "0.5"),
            _c("GPT-4.1", "output", None, "8"),
        },
    ),
    (
        "'to' before the new price's own unit",
        "Qwen-Max的输入价格从每百万tokens 40元下调至每百万tokens 20元。",
        {_c("Qwen-Max", "input", "40", "20")},
    ),
    (
        "'to' before the new price's own unit",
        "GLM-4-Air的價格從每百萬tokens 1元下調至每百萬tokens 0.1元。",
        {_c("GLM-4-Air", "all", "1", "0.1")},
    ),
    (
        "a second word of a name kept",
        "Grok 4 Fast costs $0.20 per million input tokens.",
        {_c("Grok 4 Fast", "input", None, "0.2")},
    ),
    (
        "a second word of a name kept",
        "Kimi K2 Fastの出力料金は100万トークンあたり8元。",
        {_c("Kimi K2 Fast", "output", None, "8")},
    ),
    (
        "an old price, then free",
        "GLM-4-Air此前每百万tokens 1元，现已全面免费。",
        {_c("GLM-4-Air", "all", "1", "0", True)},
    ),
    (
        "an old price, then free",
        "Doubao-lite, previously $0.04 per million tokens, is now free for all API users.",
        {_c("Doubao-lite", "all", "0.04", "0", True)},
    ),
    (
        "an old price, then free",
        "Doubao-lite, previously $0.04 per million tokens, is now free in the Doubao app.",  # the app
        set(),
    ),
    ("an old price, then free", "GLM-4-Air此前每百万tokens 1元，现在提供免费额度。", set()),  # a free quota
    (
        "the unit of the sentence before, for one that states none",
        "DeepSeek-V3的输入价格为每百万tokens 2元。输出价格则为8元。",
        {_c("DeepSeek-V3", "input", None, "2"), _c("DeepSeek-V3", "output", None, "8")},
    ),
    (
        "the unit of the sentence before, for one that states none",
        "GPT-4.1 costs $2 per million input tokens. Output is $8.",
        {_c("GPT-4.1", "input", None, "2"), _c("GPT-4.1", "output", None, "8")},
    ),
    (
        "the unit of the sentence before, for one that states none",
        "Qwen-Plusの料金は、入力が100万トークンあたり0.8元。出力は2元だ。",
        {_c("Qwen-Plus", "input", None, "0.8"), _c("Qwen-Plus", "output", None, "2")},
    ),
    (
        "the unit of the sentence before, for one that states none",
        "GPT-4.1 costs $2 per million input tokens.\n\nOutput is $8.",  # not into another paragraph
        {_c("GPT-4.1", "input", None, "2")},
    ),
    (
        "the unit of the sentence before, for one that states none",
        "Qwen-Max的输入价格为每百万tokens 2元。公司去年营收为100亿元。",  # no kind word: no price
        {_c("Qwen-Max", "input", None, "2")},
    ),
    (
        "an amount with a unit of another kind takes no token unit",
        "GPT-4.1 costs $2 per million input tokens, and output images $0.04 per image.",
        {_c("GPT-4.1", "input", None, "2")},
    ),
    (
        "an amount with a unit of another kind takes no token unit",
        "Qwen-VL的输入价格为每百万tokens 3元，输出图片每张0.2元。",
        {_c("Qwen-VL", "input", None, "3")},
    ),
    (
        "an amount with a unit of another kind takes no token unit",
        "GPT-4.1の入力は100万トークンあたり2ドル、画像出力は1枚あたり0.04ドル。",
        {_c("GPT-4.1", "input", None, "2")},
    ),
    ("a bound is no price", "Qwen-Turbo costs under $0.10 per million tokens.", set()),
    ("a bound is no price", "GLM-4-Flash的价格不到每百万tokens 0.1元。", set()),
    ("a bound is no price", "Gemini 1.5 Flashの料金は100万トークンあたり0.1ドル未満。", set()),
    ("a bound is no price", "Qwen-Max的价格约每百万tokens 20元。", set()),  # an estimate, before the unit
    ("a free plan is no free price", "Claude 3.5 Sonnetは無料プランでも利用できる。", set()),
    ("a free plan is no free price", "GLM-4-Flash免费版支持128K上下文。", set()),
    ("a free trial or quota is no free price", "开发者可免费体验GLM-4-Plus，每天最多100万tokens。", set()),
    (
        "a free trial or quota is no free price",
        "You can try Gemini 2.5 Pro for free in the API, up to 25 requests a day.",
        set(),
    ),
    (
        "a free trial or quota is no free price",
        "Mistral Large 2のAPIは、1カ月あたり最大50万トークンまで無料で試せる。",
        set(),
    ),
    (
        "cached input in other languages",
        "Claude 3.5 Haikuのキャッシュ入力は100万トークンあたり0.08ドル。",
        {_c("Claude 3.5 Haiku", "cached_input", None, "0.08")},
    ),
    (
        "cached input in other languages",
        "Qwen-Max的缓存输入价格为每百万tokens 0.5元。",
        {_c("Qwen-Max", "cached_input", None, "0.5")},
    ),
    ("an old price in more words", "Qwen-Max的价格曾经高达每百万tokens 120元。", set()),
    (
        "an old price in more words",
        "GPT-4の旧価格は入力30ドル、出力60ドル（100万トークンあたり）だった。",
        set(),
    ),
    (
        "an old price's parallel is old too",
        "Qwen-Max原价格为输入每百万tokens 2元、输出每百万tokens 8元，现价为输入1元、输出4元。",
        {_c("Qwen-Max", "input", None, "1"), _c("Qwen-Max", "output", None, "4")},
    ),
    (
        "an old price's parallel is old too",
        "Claude 3 Opus was $15 per million input tokens, output $75 per million tokens.",
        set(),
    ),
    (
        "kinds listed with 'と' or '・'",
        "Qwen-Plusは、入力・出力がそれぞれ100万トークンあたり0.8元と2元。",
        {_c("Qwen-Plus", "input", None, "0.8"), _c("Qwen-Plus", "output", None, "2")},
    ),
    (
        "kinds listed with 'と' or '・'",
        "Mistral Small 3は、入力と出力がそれぞれ100万トークンあたり0.1ドルと0.3ドル。",
        {_c("Mistral Small 3", "input", None, "0.1"), _c("Mistral Small 3", "output", None, "0.3")},
    ),
]


def test_each_rule_of_the_claim_reader_on_phrasings_of_its_own() -> None:
    """Every rule holds on at least two phrasings written for it (two languages where the rule is not
    English's or Chinese's alone); a failure names the rule and what was read instead."""
    failures = []
    for rule, text, truth in RULES:
        got = _keys(text)
        if got != truth:
            failures.append((rule, text[:50], sorted(got - truth, key=str), sorted(truth - got, key=str)))
    assert not failures, failures
    rules = [rule for rule, _text, _truth in RULES]
    assert all(rules.count(rule) >= 2 for rule in rules)


def test_the_held_out_sentences_meet_their_floor() -> None:
    """226 snippets the team wrote in the styles of zh / ja / en reporting, none taken from the labelled
    articles (tests/fixtures/news_heldout; not captured text): recall over their 'must' claims at least
    0.95 and precision at least 0.98. The reader scores 0.98 / 0.996 there; the floor leaves room for about
    three claims missed or two reported wrongly, so a rule that costs more fails here and names what."""
    from bench.news_claims import score_folder, totals

    scores = score_folder(FIXTURES / "news_heldout")
    recall, precision = totals(scores)
    missed = [(s.name, label) for s in scores for label in s.missed]
    wrong = [(s.name, c.model, c.kind, str(c.new_per_million), c.quote[:60]) for s in scores for c in s.wrong]
    print(f"recall {recall:.3f} precision {precision:.3f}", *missed, *wrong, sep="\n")
    assert len(scores) >= 60
    assert recall >= 0.95, missed
    assert precision >= 0.98, wrong


def test_a_consumer_product_named_in_a_users_alias_table_is_no_api_price(tmp_path: Path) -> None:
    """The alias table's `consumer_products` name products whose prices are no API's: a sentence that makes
    one free is no claim, and the same sentence about the model's API is one."""
    article = tmp_path / "article.txt"
    article.write_text(
        "Acme-Large is now free in AcmeChat, down from $2 per million tokens.", encoding="utf-8"
    )
    aliases = tmp_path / "aliases.toml"
    table = '[providers]\n"Acme Corp" = ["Acme"]\n'
    runner = CliRunner()
    aliases.write_text(table, encoding="utf-8")
    claims = json.loads(
        runner.invoke(cli, ["extract-news", str(article), "--aliases", str(aliases), "--json"]).output
    )
    assert ("Acme-Large", True) in [(c["model"], c["free"]) for c in claims]
    aliases.write_text(f'consumer_products = ["AcmeChat"]\n{table}', encoding="utf-8")
    result = runner.invoke(cli, ["extract-news", str(article), "--aliases", str(aliases)])
    assert result.exit_code == 1 and "no price claims" in result.output
