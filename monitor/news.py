"""Price claims read out of news text: which model, what its price is or became.

A pure function of the text (`extract_claims`), so it is tested with labelled sentences. It reads
Chinese (simplified and traditional), Japanese and English, full-width or half-width, and leaves
alone the article's other numbers: dates, percentages alone, GPU counts, consumer subscriptions
and hypotheticals. A claim needs a model the alias table knows (`news_aliases.toml`).
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

from selectolax.lexbor import LexborHTMLParser

from monitor.extract.labels import tier_of
from monitor.models import model_id, normalize_decimal, relaxed_model_id
from monitor.normalize import clean_text

MILLION = Decimal(1_000_000)


@dataclass(frozen=True)
class Claim:
    model: str  # as the article spells it
    provider: str
    kind: str  # input, output, cached_input, or 'all' where the sentence names no kind
    currency: str
    old_per_million: Decimal | None
    new_per_million: Decimal | None
    free: bool
    quote: str
    percent: Decimal | None = None  # a stated cut ('降价67%'), never used to invent a price
    # a context-length tier the sentence gives the price ('for prompts up to 128K' -> '<=128K')
    tier: str = ""

    @property
    def key(self) -> tuple[str, str, Decimal | None, Decimal | None, bool, str]:
        return (
            self.model.lower(),
            self.kind,
            self.old_per_million,
            self.new_per_million,
            self.free,
            self.tier,
        )

    def to_json(self) -> dict[str, Any]:
        out = asdict(self)
        for key in ("old_per_million", "new_per_million", "percent"):
            out[key] = None if out[key] is None else str(out[key])
        return out


@dataclass(frozen=True)
class NewsItem:
    """One item of a feed or listing page; `item_id` is what makes it seen once."""

    item_id: str
    link: str
    title: str


def listing_items(html: str, selector: str, base: str) -> list[NewsItem]:
    """The article links a CSS selector picks on an HTML listing page, absolute, each once, in order."""
    items: dict[str, NewsItem] = {}
    for node in LexborHTMLParser(html).css(selector):
        href = node.attributes.get("href") or ""
        link = urljoin(base, href.strip())
        if href and urlsplit(link).scheme in ("http", "https") and link not in items:
            items[link] = NewsItem(item_id=link, link=link, title=clean_text(node.text(separator=" ")))
    return list(items.values())


@dataclass(frozen=True)
class Aliases:
    """Brand names -> provider, longest first so '讯飞星火' wins over '星火'."""

    names: tuple[tuple[str, str], ...] = field(default_factory=tuple)

    def provider_of(self, model: str) -> str | None:
        lowered = model.lower()
        for name, provider in self.names:
            if name.lower() in lowered:
                return provider
        return None


def load_aliases(path: Path | None = None) -> Aliases:
    """The alias table shipped with the package, or a user's own file of the same form."""
    text = (
        path.read_text(encoding="utf-8")
        if path
        else resources.files("monitor").joinpath("news_aliases.toml").read_text(encoding="utf-8")
    )
    table = tomllib.loads(text)
    pairs = [(name, provider) for provider, names in table["providers"].items() for name in names]
    return Aliases(tuple(sorted(pairs, key=lambda pair: -len(pair[0]))))


# --- what a sentence must not be read for --------------------------------------------------------
_HYPOTHETICAL = re.compile(r"如果|假如|假设|若是|倘若|もし|\bif\b|\bwould\b", re.I)
_SUBSCRIPTION = re.compile(
    r"/\s*月|每月|per month|/\s*mo\b|a month|月额|月額|订阅|訂閱|会员|會員|サブスク|subscription", re.I
)

# --- prices -------------------------------------------------------------------------------------
_NUMBER_START = r"(?<![A-Za-z0-9.\-])"  # not the '2' of 'V2'
_NUMBER = r"(\d+(?:,\d{3})*(?:\.\d+)?)"
_SIZE = r"(千|万|萬|百万|百萬|100万|1000|1k|1m|k|m|million|thousand|mtok)"
_TOKENS = r"(?:tokens?|tok|トークン)"
_KIND_WORD = r"(?:输入|輸入|输出|輸出|入力|出力|input|output)?"
_CURRENCY = r"(元|厘|分|美元|美金|ドル|円|rmb|usd|dollars?)"
# '0.12元/千tokens', '0.3/万Tokens', '$0.14 per million input tokens', '0.14ドル/100万トークン'
_PRICE_AFTER = re.compile(
    rf"(us\$|\$|¥)?\s*{_NUMBER_START}{_NUMBER}\s*{_CURRENCY}?\s*(?:/|每|per|一|あたり)\s*(?:1\s*)?{_SIZE}?\s*{_KIND_WORD}\s*"
    # the tokens, or (after a size) what they are of: '$1.25/million of output', or a dollar price per
    # million that ends there: '($0.50/million)', '$0.20/million and …' (not '$5/million PUTs')
    rf"(?:{_TOKENS}|(?<=[a-z])(?=\s+of\s+(?:input|output)\b)"
    r"|(?<=million)(?<!\d million)(?=\s*(?:[),;]|\.(?!\d)|\s(?:and|for|beyond|up to)\b|$)))",
    re.I,
)
# '100万トークンあたり0.14ドル', '每百万tokens输入0.5元' (the unit first, then amounts in a currency)
_UNIT_FIRST = re.compile(rf"(?:每|per\s*)?(?:1\s*)?{_SIZE}\s*{_TOKENS}(?:あたり)?", re.I)
_AMOUNT_WITH_CURRENCY = re.compile(rf"(us\$|\$|¥)?\s*{_NUMBER_START}{_NUMBER}\s*{_CURRENCY}?", re.I)
# '1元可买400万tokens'
_BUYS = re.compile(
    rf"{_NUMBER_START}{_NUMBER}\s*元\s*(?:可买|可買|能买|就能买)\s*{_NUMBER}\s*{_SIZE}?\s*{_TOKENS}", re.I
)

_PER_HOUR = re.compile(r"\s*(?:per\s+hour|/\s*(?:hr|hour|h)\b|每小时|每小時|\*\s*小时)", re.I)

_SIZES = {
    "千": 1_000, "1000": 1_000, "k": 1_000, "thousand": 1_000,
    "万": 10_000, "萬": 10_000,
    "百万": 1_000_000, "百萬": 1_000_000, "100万": 1_000_000, "1m": 1_000_000, "m": 1_000_000,
    "million": 1_000_000, "mtok": 1_000_000,
}  # fmt: skip
_CURRENCY_SCALE = {"厘": ("CNY", Decimal("0.001")), "分": ("CNY", Decimal("0.01")), "元": ("CNY", Decimal(1))}
_USD = {"美元", "美金", "ドル", "usd", "dollar", "dollars", "$", "us$"}

# --- kinds, changes, free -----------------------------------------------------------------------
_KINDS = (
    (re.compile(r"缓存命中|快取命中|cache[\\_ ]*hits?|キャッシュヒット", re.I), "cached_input"),
    (re.compile(r"输入|輸入|入力|\binput\b", re.I), "input"),
    (re.compile(r"输出|輸出|出力|\boutput\b", re.I), "output"),
)
_FROM_TO = re.compile(r"(?:从|從|由|from)\s*$", re.I)
_TO = re.compile(
    r"(?:降至|降到|降为|降為|下调至|下調至|下调到|调整为|調整為|低至|仅为|僅為|to|へ|に)\s*$", re.I
)
_FREE = re.compile(
    r"全面免费|全面免費|永久免费|永久免費|免费开放|免費開放|免费使用|免費使用|免费调用|免費調用|完全免费|"
    r"限时免费|限時免費|免费|免費|無料|free of charge|(?:for|is|are|now|made|become|becomes) free\b",
    re.I,
)
_NOT_FREE = re.compile(
    r"免费额度|免費額度|免费试用|免費試用|免费tokens|赠送|贈送|無料枠|free tier|free trial|free credits?"
    r"|free for \d+ (?:requests|calls)|subscribe for free",
    re.I,
)
_PERCENT = re.compile(
    r"(?:降价|降價|下降|下调|直降|値下げ|cut by|drop|down)\s*(?:了|幅度)?\s*(?:up to\s*)?(\d+(?:\.\d+)?)\s*%",
    re.I,
)

_SENTENCE_END = re.compile(r"(?<=[。！？!?；;\n])|(?<=\.)\s+(?=[A-Z\"'“])")
_LINK = re.compile(r"\(?https?://\S+\)?|\b[\w.-]+\.(?:com|cn|ai|io|net|org)\b\S*", re.I)
# 'openai-extra-models.yaml', 'OpenAI-compatible': a file or an adjective, not a model
_FILE_NAME = re.compile(
    r"\.(?:ya?ml|json|py|md|txt|toml|csv)$|-(?:compatible|competitive|style|like|based|powered)$", re.I
)
_LIST_JOIN = re.compile(r"\s*(?:/|、|和|与|與|及|,|and|&|や|と)?\s*", re.I)
_CJK = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
_SUFFIX_WORD = (
    r"(?:pro|max|lite|speed|turbo|plus|mini|nano|long|air|flash|chat|coder|reasoner|vl|haiku|sonnet|opus|instruct"
    r"|v\d[\w.]*|\d+(?:\.\d+)?[bkm]?(?!\s*(?:元|厘|分|美元|ドル|円|%|/|可|块)))"  # not the '1' of '1元'
)
_MODEL_SUFFIX = rf"(?:[-\s.]?{_SUFFIX_WORD}(?![A-Za-z0-9]))"
# What comes just before a model named only to compare: 'less than GPT-4 Turbo', 'compared with', '比'
_COMPARED = re.compile(
    r"(?:\bthan|\bcompared (?:to|with)|\bvs\.?|\bversus|比|相比|低于|高于)\s*(?:the\s+)?$", re.I
)
_ATTACHED = r"[A-Za-z0-9.]*(?:-[A-Za-z0-9.]+)*"  # 'Qwen2', 'Qwen-Long', 'GLM-4-Flash', 'DeepSeek-V3'


@dataclass(frozen=True)
class _Price:
    start: int
    end: int
    amount: Decimal
    currency: str
    per: Decimal  # tokens the amount buys

    @property
    def per_million(self) -> Decimal:
        return normalize_decimal(self.amount * MILLION / self.per)


def extract_claims(text: str, aliases: Aliases | None = None) -> list[Claim]:
    """Every price claim in an article's text (plain text; use `article_text` for HTML)."""
    aliases = aliases or default_aliases()
    claims: list[Claim] = []
    seen: set[tuple[str, str, Decimal | None, Decimal | None, bool, str]] = set()
    last_models: list[str] = []
    short: dict[str, str] = {}  # short forms of the models named so far ('4o' for gpt-4o)
    pair_unit = 0  # sentences left in which 'Model: $in / $out' is read (after a stated pair unit)
    for raw in _SENTENCE_END.split(text):
        sentence = clean_text(_LINK.sub(" ", raw))
        if not sentence or sentence.startswith("|"):  # a table row: read by the page extractor, not here
            continue
        short.update(_short_forms(_models_in(sentence, aliases)))
        models = _models_in(sentence, aliases, short)
        if models:
            last_models = models
        if _HYPOTHETICAL.search(sentence) or _SUBSCRIPTION.search(sentence):
            continue
        found = _claims_in(sentence, sentence, models or last_models, aliases, short)
        if _PAIR_UNIT.search(sentence):
            pair_unit = 2  # this sentence and the next: 'Compare with today's OpenAI prices: GPT-4 …'
        if pair_unit:
            pair_unit -= 1
            found += _pair_claims(sentence, aliases, short)
        if _FREE.search(sentence) and not _NOT_FREE.search(sentence) and _prices_in(sentence):
            # 'GLM-4-Flash永久免费，GLM-4-Air价格降至1元/百万tokens': a free clause beside a priced one
            found, clause_models = [], models or last_models
            for clause in re.split(r"[,;]", sentence):
                clause_models = _models_in(clause, aliases, short) or clause_models
                found += _claims_in(clause, sentence, clause_models, aliases, short)
        claims.extend(claim for claim in found if claim.key not in seen)  # the first quote of a claim
        seen.update(claim.key for claim in found)
    return claims


@cache
def default_aliases() -> Aliases:
    return load_aliases()


def article_text(html: str) -> str:
    """An article's own text: navigation, scripts, ads and comment sections left out."""
    tree = LexborHTMLParser(html)
    for node in tree.css(
        "script, style, noscript, nav, header, footer, aside, form, iframe, "
        "[class*=comment], [id*=comment], [class*=advert], [class*=share], [class*=related]"
    ):
        node.decompose()
    root = tree.css_first("article") or tree.css_first("main") or tree.body
    if root is None:
        return ""
    blocks = [clean_text(node.text(separator=" ")) for node in root.css("h1, h2, h3, p, li, td, blockquote")]
    if any(blocks):
        return "\n".join(block for block in blocks if block)
    lines = (clean_text(line) for line in root.text(separator="\n").splitlines())  # plain text: lines kept
    return "\n".join(line for line in lines if line)


def _models_in(sentence: str, aliases: Aliases, short: dict[str, str] | None = None) -> list[str]:
    return [model for _start, _end, model in _mentions(sentence, aliases, short)]


def _short_forms(models: Iterable[str]) -> dict[str, str]:
    """'gpt-4o' -> {'4o': 'gpt-4o'}: an article that has named gpt-4o may go on with '4o is $5/million'."""
    forms = {}
    for model in models:
        match = re.fullmatch(r"[A-Za-z]+[- ]?(\d[\w.]*)", model.strip())
        if match and len(match.group(1)) >= 2:
            forms[match.group(1).lower()] = model
    return forms


def _mentions(
    sentence: str, aliases: Aliases, short: dict[str, str] | None = None, compared: bool = False
) -> list[tuple[int, int, str]]:
    """(start, end, model) as the sentence spells them: 'Qwen-Long', 'ERNIE Speed/Lite' -> two, '豆包pro'.
    A model named as a comparison ('slightly less than GPT-4 Turbo', '比GPT-4便宜') is not one priced,
    unless `compared` (then every mention is returned)."""
    found: list[tuple[int, int, str]] = []
    for name, _provider in aliases.names:
        for match in re.finditer(
            rf"(?<![A-Za-z0-9])(?>{re.escape(name)}{_ATTACHED if name.isascii() else ''}{_MODEL_SUFFIX}*)"
            # 'GPT-4级', 'the GPT-4 competitive model': a comparison, not a model priced
            r"(?!级|級|レベル|[- ]?(?:class|competitive|level|equivalent)\b)",
            sentence,
            re.I,
        ):
            start, end = match.span()
            if any(s <= start < e or s < end <= e for s, e, _ in found):
                continue  # inside a longer name already found
            model = match.group(0).strip().rstrip(".")
            if _FILE_NAME.search(model):
                continue  # 'openai-extra-models.yaml' is a file, not a model
            found.append((start, end, model))
            # 'ERNIE Speed/Lite', 'Doubao pro/Max', 'X-Mini和X-Nano': siblings of the same brand
            rest = sentence[end:]
            sibling = re.match(rf"\s*(?:/|、|和|与|與|及|and|,)\s*({_SUFFIX_WORD})(?![\w-])", rest, re.I)
            if sibling and " " in model:
                found.append((end, end + sibling.end(), f"{model.rsplit(' ', 1)[0]} {sibling.group(1)}"))
            elif sibling and "-" in model:
                found.append((end, end + sibling.end(), f"{model.rsplit('-', 1)[0]}-{sibling.group(1)}"))
            elif sibling:
                found.append((end, end + sibling.end(), f"{name} {sibling.group(1)}"))
    for form, model in (short or {}).items():
        # '4o is $5/million input tokens' in an article about gpt-4o
        for match in re.finditer(
            rf"(?<![\w.$-]){re.escape(form)}(?![\w.-])(?=\s*(?:is|costs|at|:|=))", sentence, re.I
        ):
            start, end = match.span()
            if not any(s <= start < e for s, e, _ in found):
                found.append((start, end, model))
    if not compared:
        found = [m for m in found if not _COMPARED.search(sentence[max(0, m[0] - 30) : m[0]])]
    models = [model for _s, _e, model in found]
    brands = {name.lower() for name, _p in aliases.names}
    # '通义千问 ... Qwen-Long': the brand alone is dropped where the sentence names one of the brand's models
    # (not where it names two brands of one provider: 'Mistral and Mixtral')
    return [
        (start, end, model)
        for start, end, model in sorted(found)
        if not (
            model.lower() in brands
            and any(
                other.lower() not in brands and aliases.provider_of(other) == aliases.provider_of(model)
                for other in models
            )
        )
    ]


def _groups(sentence: str, mentions: list[tuple[int, int, str]]) -> list[tuple[int, list[str]]]:
    """Models listed together ('ERNIE Speed、ERNIE Lite', 'A and B') as (end of the list, models)."""
    groups: list[tuple[int, list[str]]] = []
    previous_end = -1
    for start, end, model in mentions:
        if groups and _LIST_JOIN.fullmatch(sentence[previous_end:start]):
            groups[-1] = (end, [*groups[-1][1], model])
        else:
            groups.append((end, [model]))
        previous_end = end
    return groups


def _prices_in(sentence: str) -> list[_Price]:
    implicit = "CNY" if _CJK.search(sentence) and not re.search(r"ドル|円|\$|美元", sentence) else "USD"
    if re.search(r"ドル|\$|美元|usd", sentence, re.I):
        implicit = "USD"
    prices: list[_Price] = []
    for match in _BUYS.finditer(sentence):
        yuan, count, size = Decimal(match.group(1).replace(",", "")), Decimal(match.group(2)), match.group(3)
        tokens = count * _SIZES.get((size or "").lower(), 1)
        prices.append(_Price(match.start(), match.end(), yuan, "CNY", tokens))
    for match in _PRICE_AFTER.finditer(sentence):
        if any(p.start <= match.start() < p.end for p in prices) or _PER_HOUR.match(sentence, match.end()):
            continue  # '$4.50 per million tokens per hour' is cache storage, not a price to use a model
        symbol, number, currency, size = match.group(1), match.group(2), match.group(3), match.group(4)
        per = _SIZES.get((size or "").lower().replace(" ", ""), 1)
        read = _money(number, symbol or currency, implicit)
        if read:
            prices.append(_Price(match.start(), match.end(), read[0], read[1], Decimal(per)))
    unit = _UNIT_FIRST.search(sentence)
    if unit and not prices:
        per = _SIZES.get(unit.group(1).lower(), 1)
        for match in _AMOUNT_WITH_CURRENCY.finditer(sentence, unit.end()):
            symbol, number, currency = match.group(1), match.group(2), match.group(3)
            if not (symbol or currency):
                continue  # a bare number after the unit is a count, not a price
            read = _money(number, symbol or currency, implicit)
            if read:
                prices.append(_Price(match.start(), match.end(), read[0], read[1], Decimal(per)))
    return sorted(prices, key=lambda price: price.start)


def _money(number: str, currency: str | None, implicit: str) -> tuple[Decimal, str] | None:
    amount = Decimal(number.replace(",", ""))
    word = (currency or "").lower()
    if word in _CURRENCY_SCALE:
        code, scale = _CURRENCY_SCALE[word]
        return amount * scale, code
    if word in _USD:
        return amount, "USD"
    if word == "円":
        return amount, "JPY"
    if word in {"rmb", "¥"}:
        return amount, "CNY"
    return amount, implicit


def _kind_before(sentence: str, start: int, floor: int) -> str:
    """The nearest kind word before a price, not reaching back past the previous price."""
    # '$0.25/million tokens of input, $1.25/million of output': 'of input' closes the price before
    window = re.sub(r"^\s*(?:tokens\s+)?of\s+(?:input|output)\b", "", sentence[floor:start], flags=re.I)
    best: tuple[int, str] | None = None
    if _KINDS[0][0].search(window):
        return "cached_input"  # 'input ... (cache hit)': the hit qualifies the input price
    for pattern, kind in _KINDS:
        for match in pattern.finditer(window):
            if (
                best is None
                or match.start() > best[0]
                or (match.start() == best[0] and kind == "cached_input")
            ):
                best = (match.start(), kind)
    after = sentence[start : start + 40]
    if best is None:
        for pattern, kind in _KINDS:  # '$0.14 / million input tokens (cache hit)'
            if pattern.search(after.split("。")[0]):
                return kind
    return best[1] if best else "all"


_FROM_BARE = re.compile(
    rf"(?:从|從|由|from)\s*(us\$|\$|¥)?\s*{_NUMBER_START}{_NUMBER}\s*{_CURRENCY}?\s*{_TO.pattern}", re.I
)


def _bare_old(before: str, price: _Price) -> Decimal | None:
    """'from $0.35 to $0.075 per million tokens': the old amount takes the new one's unit and currency."""
    match = _FROM_BARE.search(before)
    if not match:
        return None
    read = _money(match.group(2), match.group(1) or match.group(3), price.currency)
    if read is None or read[1] != price.currency:
        return None  # '从1美元降至0.5元/…': not one unit, not guessed
    return normalize_decimal(read[0] * MILLION / price.per)


# 'Prices here are per-million-input-tokens / per-million-output-tokens:' (then 'Claude 3 Opus: $15 / $75')
_PAIR_UNIT = re.compile(
    r"per[- ]?(?:1[- ]?)?(?:million|m)[- ]input[- ]tokens?\s*/\s*"
    r"per[- ]?(?:1[- ]?)?(?:million|m)[- ]output[- ]tokens?",
    re.I,
)
_PAIR = re.compile(
    rf"\s*(?:\([^)]{{0,20}}\))?\s*:\s*(us\$|\$)\s*{_NUMBER}\s*/\s*(?:us\$|\$)\s*{_NUMBER}", re.I
)


def _pair_claims(sentence: str, aliases: Aliases, short: dict[str, str]) -> list[Claim]:
    """'Claude 3 Opus: $15 / $75' under a stated 'per million input / output tokens': two claims."""
    out = []
    for _start, end, model in _mentions(sentence, aliases, short):
        match = _PAIR.match(sentence, end)
        if not match:
            continue
        provider = aliases.provider_of(model) or ""
        for kind, number in (("input", match.group(2)), ("output", match.group(3))):
            amount = normalize_decimal(Decimal(number.replace(",", "")))
            out.append(Claim(model, provider, kind, "USD", None, amount, amount == 0, sentence, None))
    return out


def _claims_in(
    sentence: str, quote: str, carried: list[str], aliases: Aliases, short: dict[str, str] | None = None
) -> list[Claim]:
    """Claims of one sentence (or clause); `carried` are the models of the sentences before it."""
    groups = _groups(sentence, _mentions(sentence, aliases, short))
    prices = _prices_in(sentence)
    percent_match = _PERCENT.search(sentence)
    percent = Decimal(percent_match.group(1)) if percent_match else None
    free = bool(_FREE.search(sentence)) and not _NOT_FREE.search(sentence)
    out: list[Claim] = []
    if free and not prices:
        # 'Subscribe for free' after a paragraph on GPT-4 says nothing of GPT-4: free needs its model here
        for model in [model for _end, group in groups for model in group]:
            provider = aliases.provider_of(model) or ""
            out.append(
                Claim(
                    model,
                    provider,
                    "all",
                    "CNY" if _CJK.search(sentence) else "USD",
                    None,
                    Decimal(0),
                    True,
                    quote,
                    percent,
                )
            )
        return out
    pairs: list[tuple[str, Decimal | None, _Price]] = []
    floor = 0
    skip: set[int] = set()
    for index, price in enumerate(prices):
        if index in skip:
            continue
        kind = _kind_before(sentence, price.start, floor)
        old: Decimal | None = None
        new = price
        following = prices[index + 1] if index + 1 < len(prices) else None
        if (
            _FROM_TO.search(sentence[floor : price.start])
            and following
            and _TO.search(sentence[price.end : following.start])
        ):
            old, new = price.per_million, following
            skip.add(index + 1)
        else:
            old = _bare_old(sentence[floor : price.start], price)
        pairs.append((kind, old, new))
        floor = new.end
    tiers = _tiers_after(sentence, [new for _k, _o, new in pairs])
    every = _mentions(sentence, aliases, short, compared=True)
    for (kind, old, new), tier in zip(pairs, tiers, strict=True):
        # a price in brackets right after a model is that model's, compared or not: 'cheaper than GPT 3.5
        # ($0.50/million)'
        bracketed = [m for _s, end, m in every if re.fullmatch(r"\s*[(（]\s*", sentence[end : new.start])]
        # the price belongs to the models named last before it ('gpt-4o ... $5/million, gpt-3.5 ... $0.5')
        before = [group for end, group in groups if end <= new.start]
        # with none before it, the subject of the sentences before ('Beyond that you can pay $7/million
        # ..., slightly less than GPT-4 Turbo'), then the first named after it
        models = bracketed or (before[-1] if before else carried or (groups[0][1] if groups else []))
        for model in models:
            provider = aliases.provider_of(model) or ""
            out.append(
                Claim(
                    model,
                    provider,
                    kind,
                    new.currency,
                    old,
                    new.per_million,
                    new.per_million == 0,
                    quote,
                    percent,
                    tier,
                )
            )
    return out


_LONGER = re.compile(r"\b(?:for\s+)?(?:longer|larger)\s+(?:prompts|contexts?|inputs?)|\bbeyond that\b", re.I)


def _tiers_after(sentence: str, prices: list[_Price]) -> list[str]:
    """The tier each price is given by the words after it, up to the next price: '$0.35 per 1 million
    tokens for prompts up to 128K tokens and $0.70 … for longer prompts' -> ['<=128K', '>128K']."""
    tiers: list[str] = []
    for index, price in enumerate(prices):
        end = prices[index + 1].start if index + 1 < len(prices) else len(sentence)
        window = sentence[price.end : min(end, price.end + 60)]
        tier = tier_of(window)
        if not tier and _LONGER.search(window) and tiers and tiers[-1].startswith("<="):
            tier = ">" + tiers[-1][2:]  # 'for longer prompts' after 'up to 128K'
        tiers.append(tier)
    return tiers


CONFIRMED = "confirmed by the pricing page"
NOT_YET = "not yet on the pricing page"
CONTRADICTS = "contradicts the pricing page"


def verdict(claim: Claim, page_prices: Iterable[dict[str, Any]]) -> str:
    """A claim against the latest prices read from pricing pages (rows of `Store.all_latest_prices`).

    The same model (matched as pages are: case, spaces and hyphens aside), the same kind ('all'
    matches input and output), the same currency, in tokens; untiered and unconditioned rows only
    where the page has them.
    """
    wanted = model_id(claim.model)
    rows = [
        row
        for row in page_prices
        if relaxed_model_id(row["model"]) == wanted
        and row["currency"] == claim.currency
        and row["unit"] == "tokens"
        and (row["kind"] == claim.kind or (claim.kind == "all" and row["kind"] in ("input", "output")))
    ]
    # a tiered claim against the page's same tier; an untiered one against untiered rows where there are
    rows = (
        [r for r in rows if r["tier"] == claim.tier]
        if claim.tier
        else [r for r in rows if not r["tier"]] or rows
    )
    if not rows or claim.new_per_million is None:
        return NOT_YET
    if any(Decimal(row["per_million"]) == claim.new_per_million for row in rows):
        return CONFIRMED
    return CONTRADICTS
