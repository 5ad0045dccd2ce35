"""Price claims read out of news text: a sentence's parts found first, then composed by rules.

The parts of a sentence: model mentions, amounts (a number with its currency), token units ('/百万tokens',
'per million input tokens', 'トークン100万単位あたり', '/MTok'), kind words wherever they stand (in the unit,
after it, before the amount, in brackets after it), from/to and 'previous' markers, 'respectively', and
what makes a sentence no claim at all (hypotheticals, forecasts, subscriptions, storage and per-time fees,
consumer apps). The rules: an amount is a price only with a token unit (its own, one it is listed with,
the one unit its sentence states, or, where it states none, the one unit of the sentence before), never
with a unit of another kind ('per image'); its kind is the one its unit or its brackets state, else a kind
word right after it ('$1.25 input'), else the nearest kind word before it; an amount after 'from' or
before 'から' is an old price, paired with the new one after 'to'; prices go to the models named last
before them (to each of a list, or one by one where the sentence says 'respectively'), else to the model
the paragraph is about, else to the models the sentence before listed where this one says
'respectively'; a price inside a comparison ('与X…相比') is no one's. Aliases widen from the article
itself: a name it introduced in full ('DeepSeek-V4-Pro') is matched when it is shortened later
('V4-Pro'), and a version named as a model after a brand ('the V3 model', 'R1モデル') is that brand's.

A pure function of the text (`extract_claims`), tested with labelled sentences and scored on real articles
(`bench/news_claims.py`). It reads Chinese (simplified and traditional), Japanese and English.
"""

from __future__ import annotations

import itertools
import re
import tomllib
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from monitor.extract.labels import tier_of
from monitor.models import normalize_decimal
from monitor.normalize import clean_text

MILLION = Decimal(1_000_000)


@dataclass(frozen=True)
class Claim:
    model: str  # as the article spells it (a short form widened to the name the article introduced)
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
class Aliases:
    """Brand names -> provider, longest first so '讯飞星火' wins over '星火'; `companies` are names of a
    provider that never name a model ('OpenAI' beside o3)."""

    names: tuple[tuple[str, str], ...] = field(default_factory=tuple)
    companies: frozenset[str] = frozenset()
    products: tuple[str, ...] = ()  # consumer products, lowercased ('chatgpt'): a price of theirs is no API's

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
    companies = frozenset(name.lower() for name in table.get("companies", []))
    products = tuple(name.lower() for name in table.get("consumer_products", []))
    return Aliases(tuple(sorted(pairs, key=lambda pair: -len(pair[0]))), companies, products)


@cache
def default_aliases() -> Aliases:
    return load_aliases()


# --- sentences that are no claim -----------------------------------------------------------------
# hypotheticals and forecasts: 'if', 'would', 'expected to', '预计', 'もし'
_HYPOTHETICAL = re.compile(
    r"如果|假如|假设|假設|若是|倘若|要是|预计|預計|预期|預期|或将|或將|有望|もし|仮に|見込み|予想|予測"
    r"|预测|預測|估计|估計|可能会|可能會"
    r"|\bif\b|\bwould\b|\bcould\b|\bmight\b|\bexpect(?:s|ed)?\b|\blikely to\b|\bforecasts?\b|\bpredicts?\b",
    re.I,
)
_SUBSCRIPTION = re.compile(
    r"/\s*月|每月|per month|/\s*mo\b|a month|月额|月額|订阅|訂閱|会员|會員|サブスク|subscription", re.I
)
# the consumer product, not the API: 'for ordinary users online, DeepSeek has always been free' (the
# products by name, 'ChatGPT', 'Le Chat', are in news_aliases.toml)
_CONSUMER = re.compile(
    r"普通用户|普通用戶|个人用户|個人用戶|在线使用|在線使用|网页版|網頁版|客户端|客戶端|\bapp\b|\bapps\b|アプリ"
    r"|一般ユーザー|個人ユーザー|chatbot|chat app|chat product|consumers?\b|ordinary users|web users"
    r"|聊天|对话产品|對話產品",
    re.I,
)


def _consumer(sentence: str, aliases: Aliases) -> bool:
    """Whether a sentence speaks of a consumer product (its users, its app, or a product by name)."""
    if _CONSUMER.search(sentence):
        return True
    lowered = sentence.lower()
    return any(product in lowered for product in aliases.products)


_API = re.compile(
    r"\bAPI\b|调用|調用|接口|开放平台|開放平台|tokens?|トークン|developers?|開発者|开发者", re.I
)
# storage kept over time is billed per hour or minute: not a price to use a model
_STORAGE = re.compile(r"存储费|存儲費|storage (?:fee|cost|price)|ストレージ料金|保存料金", re.I)

# --- amounts ---------------------------------------------------------------------------------------
_NUMBER = r"(?<![A-Za-z0-9.\-/])(\d+(?:,\d{3})*(?:\.\d+)?)"  # not the '2' of 'V2', nor the '4' of '1/4'
_AMOUNT = re.compile(
    r"(US\$|\$|USD\s?|¥|RMB\s?|CNY\s?)?\s?" + _NUMBER + r"(?!\d)\s?"
    r"(美元|美金|美分|セント|人民币|人民幣|元|块钱|块|ドル|円|厘|分(?=\s*/)|USD\b|RMB\b|CNY\b|yuan\b|dollars?\b|cents?\b"
    r"|c(?=\s*(?:/|per\b)))?",
    re.I,
)
_SCALE = {
    "厘": Decimal("0.001"),
    "分": Decimal("0.01"),
    "cent": Decimal("0.01"),
    "美分": Decimal("0.01"),
    "セント": Decimal("0.01"),
    "cents": Decimal("0.01"),
    "c": Decimal("0.01"),
}
_USD = {
    "$",
    "us$",
    "usd",
    "美元",
    "美金",
    "美分",
    "セント",
    "ドル",
    "dollar",
    "dollars",
    "cent",
    "cents",
    "c",
}
_CNY = {"¥", "rmb", "cny", "yuan", "元", "人民币", "人民幣", "块", "块钱", "厘", "分"}
# '1元可买400万tokens': a price stated as the tokens one yuan buys
_BUYS = re.compile(
    _NUMBER + r"\s*元\s*(?:可以|就能|能|可)?(?:买|買)(?:到)?\s*(\d+(?:\.\d+)?)\s*"
    r"(千|万|萬|百万|百萬|亿|億)?\s*(?:tokens?|トークン)",
    re.I,
)

# --- token units -----------------------------------------------------------------------------------
_SIZE_WORD = (
    r"1,000,000|1000000|1,000|1000|百万|百萬|100万|100萬|1百万|千万|千萬|千|万|萬|million|thousand"
    r"|[mk](?![a-z])"
)
_KIND_WORD = r"输入|輸入|输出|輸出|入力|出力|input|output"
# 'per million input/output tokens', '输入和输出': kinds listed in one place, for amounts listed alike
_KIND_LIST = r"(?:" + _KIND_WORD + r")(?:\s*(?:/|and|&|和|与|與|及|、|と|・)\s*(?:" + _KIND_WORD + r"))?"
_TOKEN = r"tokens?|tok\b|トークン"
_QUALIFIER = (
    r"\(\s*(缓存命中|快取命中|缓存未命中|快取未命中|cache[\s_-]*hits?|cache[\s_-]*miss(?:es)?"
    # '(キャッシュヒット時)', '(cache hit price)'; not '(缓存命中1元)', a price of its own
    r"|キャッシュヒット|キャッシュミス)[^()\d]{0,6}\)"
)
# after a unit: 'output', 'of output', '(cache hit)', 'cache hit', 'for input and output'
_TRAILING_KIND = re.compile(
    r"\s*(?:(?:of|for)\s+)?(cache[\s_-]*hits?|cache[\s_-]*miss(?:es)?|缓存命中|缓存未命中|"
    + _KIND_WORD
    + r")(?:\s*(?:and|和|与|/)\s*("
    + _KIND_WORD
    + r"))?(?:\s*"
    + _QUALIFIER
    + r")?|\s*"
    + _QUALIFIER,
    re.I,
)
_UNIT_FORMS = (
    # '/百万tokens', '/1M input tokens', 'per million input tokens', '每百万输入 tokens', '/MTok', '/ M token'
    re.compile(
        r"(?:/|\bper\b|每|一)\s*(?:1\s*)?(?:(?P<mtok>[mk])tok\b|(?P<size>"
        + _SIZE_WORD
        + r")(?:\s*(?:个|個))?"
        r"(?:\s*(?P<kind>" + _KIND_LIST + r"))?(?:\s*(?P<tok>" + _TOKEN + r"))?)",
        re.I,
    ),
    # '百万tokens输入' (Chinese, no 'per': a size without a number), '100万トークンあたり' ('per' after it);
    # not '处理100万tokens', a count
    re.compile(
        r"(?<![\d.])(?P<size>百万|百萬|千|万|萬)\s*(?P<kind>" + _KIND_WORD + r")?\s*"
        r"(?P<tok>" + _TOKEN + r")(?:\s*(?:単位)?\s*(?:あたり|当たり|につき))?",
        re.I,
    ),
    re.compile(
        r"(?<![\d.])(?:1\s*)?(?P<size>百万|百萬|100万|100萬)\s*(?P<kind>" + _KIND_WORD + r")?\s*"
        r"(?P<tok>" + _TOKEN + r")\s*(?:単位)?\s*(?:あたり|当たり|につき)",
        re.I,
    ),
    re.compile(
        r"(?P<kind>" + _KIND_WORD + r")?\s*(?P<tok>トークン)\s*(?:1\s*)?(?P<size>百万|100万|1百万|千|万)\s*"
        r"(?:単位)?\s*(?:あたり|当たり|につき)",
        re.I,
    ),
    # '1000トークンあたり', '1,000トークン当たり', '1Mトークンにつき': a number of tokens, then 'per'
    re.compile(
        r"(?<![\d.,])(?P<size>1,000,000|1000000|1,000|1000|1\s*[km])\s*(?P<kind>" + _KIND_WORD + r")?\s*"
        r"(?P<tok>" + _TOKEN + r")\s*(?:単位)?\s*(?:あたり|当たり|につき)",
        re.I,
    ),
    # 'トークンは100万あたり2.5ドル': 'per' (あたり) says the size is of the tokens named before
    re.compile(r"(?<![\d.])(?:1\s*)?(?P<size>百万|100万|1百万)\s*(?:単位)?\s*(?P<tok>あたり|当たり|につき)"),
)
_SIZES = {
    "千": 1_000, "k": 1_000, "thousand": 1_000, "万": 10_000, "萬": 10_000, "百万": 1_000_000,
    "百萬": 1_000_000, "100万": 1_000_000, "100萬": 1_000_000, "1百万": 1_000_000, "m": 1_000_000,
    "million": 1_000_000, "1000": 1_000, "1000000": 1_000_000, "千万": 10_000_000, "千萬": 10_000_000,
    "亿": 100_000_000, "億": 100_000_000,
}  # fmt: skip
# a bare 'per million' ends the price there: '($0.50/million)', '$7/million beyond that' (not
# '$5/million PUTs')
_BARE_MILLION_END = re.compile(r"\s*(?:[(),;]|\.(?!\d)|\s(?:and|for|beyond|up to|of|input|output)\b|$)", re.I)
# '... per million tokens per hour', '元/百万tokens/分钟': a fee for keeping tokens over time
_PER_TIME = re.compile(
    r"\s*(?:/|\bper\b|每|\*)\s*(?:min(?:ute)?s?\b|分钟|分鐘|分\b|hours?\b|hr\b|h\b|小时|小時|day\b|天|month\b|月|秒|sec)",
    re.I,
)

# --- kinds, changes, lists -------------------------------------------------------------------------
_KINDS = re.compile(
    r"(?P<miss>缓存未命中|快取未命中|cache[\s\\_-]*miss(?:es)?|キャッシュミス)"
    r"|(?P<hit>缓存命中|快取命中|cache[\s\\_-]*hits?|cached[\s_-]*input|cache reads?|キャッシュヒット"
    r"|キャッシュ読み(?:取り|込み)|缓存读取|快取讀取|キャッシュ入力|缓存输入|快取輸入)"
    r"|(?P<input>输入|輸入|入力|\binput)"
    r"|(?P<output>输出|輸出|出力|\boutput)",
    re.I,
)
# a kind word right after an amount, heading no price of its own: '$1.25 input and $10 output'
_KIND_AFTER = re.compile(
    r"\s*[的の]\s*(" + _KIND_WORD + r")(?=\s*(?:价格|價格|価格|料金|単価|费用|費用))"
    r"|\s*("
    + _KIND_WORD
    + r")(?![A-Za-z])(?!\s*(?:价格|價格|価格|料金|単価|prices?\b|costs?\b|rates?\b|[:：]))"
    r"(?!\s*(?:and|&|/|和|与|與|及|、|と)\s*(?:" + _KIND_WORD + r"))",  # not '$2 input and output'
    re.I,
)
_HIT_AFTER = re.compile(r"\s*\(\s*(?:缓存命中|快取命中|cache[\s_-]*hits?|キャッシュヒット)", re.I)
_FROM = re.compile(
    r"(?:从|從|由|\bfrom)\s*(?:原来的|原來的|原先的|此前的|之前的|目前的|现在的|現在的|原本的"
    r"|the\s+(?:previous|current|original|old|earlier)\s+(?:price\s+of\s+)?)?\s*$",
    re.I,
)
# 'previous rates of', '原价', 'was': an amount that is what the price used to be
_OLD = re.compile(
    r"(?:\b(?:previous(?:ly)?|former(?:ly)?|original(?:ly)?|old|earlier|prior)\b[^:$¥\d]{0,20}"
    r"|原价|原價|原来|原來|此前|之前|以前|以往|曾为|曾為|原为|原為|従来|これまで|旧価格"
    r"|一度高达|一度高達|一度|曾经高达|曾經高達|曾高达|曾高達|曾经|曾經"  # '一度高达每千tokens 0.12元'
    # '旧料金は入力15ドル', '原价格为输入2元': the old price's kind between the marker and the amount
    r"|(?:旧料金|旧価格|旧価|旧价格|舊價格|原价格|原價格)\s*(?:は|が|为|為|是|[:：])?\s*(?:"
    + _KIND_WORD
    + r")?"
    r"|\bwas|\bwere|\bused to (?:be|cost))\s*(?:为|為|是|of|at|was|were)?\s*$",
    re.I,
)
# after a new price, its old one: 'now $2.50 per million input tokens, down from $5'
_FROM_BEHIND = re.compile(
    r"(?:\b(?:down|up|reduced|cut|lowered|raised)\s+from|较此前的|較此前的|较原来的|比原来的)\s*$", re.I
)
# what stands between two prices said in parallel: '、出力', ', output', 'と出力は'
_PARALLEL = re.compile(
    r"\s*(?:[、,，]|and|と)\s*(?:" + _KIND_WORD + r")\s*(?:は|が|为|為|是|[:：])?\s*", re.I
)
_FROM_AFTER = re.compile(r"\s*(?:から|より)")
# an estimate or a conversion is no price stated: '约36元', 'roughly $3', 'およそ5ドル', '≈ $0.5'
_ESTIMATE = re.compile(
    r"(?:约|約|大约|大約|约合|約合|折合|相当于|相當於|およそ|\babout|\broughly|\bapproximately|\baround|~|≈"
    # a bound is no price either: 'less than $1', '不到1元', '低于0.5元'
    r"|\bless than|\bmore than|\bunder|\bbelow|\bover|\babove|\bat (?:least|most)"
    r"|不到|不足|少于|少於|低于|低於|高于|高於|超过|超過|至少)\s*$",
    re.I,
)
# ... or after the amount: '1ドル未満', '0.5元以下', '2ドルを下回る'
_BOUND_AFTER = re.compile(r"\s*(?:未満|以下|以上|以内|を下回|を上回|を切|を超え)")
_TO = re.compile(
    r"(?:至|到|为|為|成|\bto|へ|に|→|->)\s*$",
    re.I,
)
_RESPECTIVELY = re.compile(r"分别|分別|各自|respectively|それぞれ", re.I)
_LIST_JOIN = re.compile(r"\s*(?:" + _QUALIFIER + r")?\s*(?:/|、|和|与|與|及|,|and|or|&|と|や)\s*$", re.I)
_FREE = re.compile(
    r"全面免费|全面免費|永久免费|永久免費|免费开放|免費開放|免费使用|免費使用|免费调用|免費調用|完全免费|"
    r"限时免费|限時免費|免费|免費|無料|free of charge|(?:for|is|are|now|made|become|becomes|to) free\b"
    r"|\bfree to (?:use|call|access)\b|\bat no (?:cost|charge)\b",  # 'Gemma, free to use through its API'
    re.I,
)
_NOT_FREE = re.compile(
    r"免费额度|免費額度|免费试用|免費試用|免费tokens|赠送|贈送|無料枠|free tier|free trial|free credits?"
    r"|無料プラン|免费版|免費版|免费套餐|免費套餐|free (?:plan|version)"
    r"|free for \d+ (?:requests|calls)|subscribe for free|不再免费|不再免費|no longer free|not free"
    # a trial or a quota: '最大100万トークンまで無料で試せる', '免费体验', 'try it for free'
    r"|無料で試|無料お試し|お試し|まで無料|までは無料|免费体验|免費體驗"
    r"|\bfree to try\b|\btry\b[^;。]{0,30}?\bfor free",
    re.I,
)
_PERCENT = re.compile(
    r"(?:降价|降價|下降|下调|直降|値下げ|cut by|drop|down)\s*(?:了|幅度)?\s*(?:up to\s*)?(\d+(?:\.\d+)?)\s*%",
    re.I,
)
_CJK = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")

# --- models ------------------------------------------------------------------------------------------
# 'openai-extra-models.yaml', 'OpenAI-compatible': a file or an adjective, not a model
_FILE_NAME = re.compile(
    r"\.(?:ya?ml|json|py|md|txt|toml|csv)$|-(?:compatible|competitive|style|like|based|powered)$", re.I
)
_SIBLING_JOIN = r"\s*(?:/|、|和|与|與|及|and|,)\s*"
_SUFFIX_WORD = (
    r"(?:pro|max|lite|speed|turbo|plus|mini|nano|long|air|flash|chat|coder|reasoner|vl|haiku|sonnet|opus|instruct"
    r"|small|medium|large|ultra|nemo|omni|vision|thinking|preview|fast|express|reasoning|realtime|edge|image"
    r"|[a-z]\d[a-z0-9.]*"  # ASCII only: 'K2', not 'K2的价格' (\w is any letter)
    r"|\d+(?:\.\d+)?[bkm]?(?!\s*(?:元|厘|分|美元|ドル|円|%|/|可|块)))"  # not the '1' of '1元'
)
_MODEL_SUFFIX = rf"(?:[-\s.]?{_SUFFIX_WORD}(?![A-Za-z0-9]))"
# What comes just before a model named only to compare: 'less than GPT-4 Turbo', 'compared with', '比',
# 'within 95% of GPT-5.5'
_COMPARED = re.compile(
    r"(?:\bthan|\bcompared (?:to|with)|\bvs\.?|\bversus|比|相比|低于|高于|%\s*of"
    r"|\b(?:half|twice|double|triple|a third|a quarter|a fifth|a tenth|a fraction|\d+x|\d+ times)\s+"
    r"(?:of\s+)?"
    r"(?:the\s+)?(?:price|cost|rate)s?\s+of)\s*(?:the\s+)?$",
    re.I,
)
# ... or just after: '与DeepSeek-V3此前的价格相比', 'GPT-4oと比べて'
_COMPARED_AFTER = re.compile(
    r"[^,，。;；]{0,12}?(?:比较|比較)|[^,，、。;；]{0,40}?(?:相比|相較|相较|に比べ|と比べ|と比較)"
    r"|的(?:一半|[一二三四五六七八九十百]+分之[一二三四五六七八九十]|\d+(?:\.\d+)?%)"
    r"|の(?:約\s*)?(?:\d+分の\d+|\d+(?:\.\d+)?%)"
    r"|\s*(?:よりも|より(?=\s*(?:安|高|低|割安|割高|お得|大幅|はるかに|ずっと)))"
)
_ATTACHED = r"[A-Za-z0-9.]*(?:-[A-Za-z0-9.]+)*"  # 'Qwen2', 'Qwen-Long', 'GLM-4-Flash', 'DeepSeek-V3'
_CJK_ATTACHED = r"(?:-[A-Za-z0-9.]+)*"  # '混元-standard', '豆包-pro-32k'
# a version named without its brand: 'V3', 'R1', 'V4-Pro', 'K2'
_VERSION = r"[A-Za-z]{1,2}\d+(?:\.\d+)?(?:-[A-Za-z0-9.]+)*"
# a version named as a model: 'the V3 model', 'V3模型', 'R1モデル'
_VERSION_MODEL = re.compile(rf"(?<![A-Za-z0-9.\-])({_VERSION})(?=\s*(?:モデル|模型|model\b))", re.I)
_SHORT_FOLLOWED = r"(?=\s*(?:is\b|costs?\b|at\b|:|=))"  # '4o is $5/million', 'Flash is $0.35 ...'


@dataclass
class _Known:
    """What the article has named so far: short forms of its full names, and the last brand named."""

    versions: dict[str, str] = field(default_factory=dict)  # 'v4-pro' -> 'DeepSeek-V4-Pro'
    short: dict[str, str] = field(default_factory=dict)  # '4o' -> 'gpt-4o', 'flash' -> 'Gemini 1.5 Flash'
    brand: str = ""

    def learn(self, mentions: list[tuple[int, int, str]], aliases: Aliases) -> None:
        for _start, _end, model in mentions:
            name = _brand_of(model, aliases)
            if not name:
                continue
            if not re.search(r"\d", name):  # a brand ('DeepSeek'), not a model's own name ('o1')
                self.brand = model[: len(name)]
            rest = model[len(name) :].lstrip("-_ ")
            if re.fullmatch(_VERSION, rest):
                self.versions.setdefault(rest.lower(), model)
            digits = re.fullmatch(r"[A-Za-z]+[- ]?(\d[\w.]*)", model.strip())
            if digits and len(digits.group(1)) >= 2:
                self.short.setdefault(digits.group(1).lower(), model)
            for size in re.findall(r"(?<![A-Za-z0-9.])\d+(?:\.\d+)?b(?![A-Za-z0-9])", model, re.I):
                self.short.setdefault(size.lower(), model)  # 'for 8b is $0.20' after llama-3-8b-instruct
            words = model.split()
            if len(words) >= 3 and re.fullmatch(r"[A-Z][a-z]{3,}", words[-1]):
                self.short.setdefault(words[-1].lower(), model)


def _brand_of(model: str, aliases: Aliases) -> str:
    lowered = model.lower()
    for name, _provider in aliases.names:
        if lowered.startswith(name.lower()):
            return name
    return ""


def _mentions(
    sentence: str, aliases: Aliases, known: _Known | None = None, compared: bool = False
) -> list[tuple[int, int, str]]:
    """(start, end, model) as the sentence spells them: 'Qwen-Long', 'ERNIE Speed/Lite' -> two, '豆包pro',
    and the short forms the article introduced ('V4-Pro' for DeepSeek-V4-Pro). A model named as a
    comparison ('slightly less than GPT-4 Turbo', '比GPT-4便宜') is not one priced, unless `compared`
    (then every mention is returned). A company's name ('OpenAI') is never a model."""
    found: list[tuple[int, int, str]] = []
    for name, _provider in aliases.names:
        for match in re.finditer(
            rf"(?<![A-Za-z0-9])(?>{re.escape(name)}{_ATTACHED if name.isascii() else _CJK_ATTACHED}"
            rf"{_MODEL_SUFFIX}*)"
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
            sibling = re.match(rf"{_SIBLING_JOIN}({_SUFFIX_WORD})(?![\w-])", rest, re.I)
            if sibling and " " in model:
                found.append((end, end + sibling.end(), f"{model.rsplit(' ', 1)[0]} {sibling.group(1)}"))
            elif sibling and "-" in model:
                found.append((end, end + sibling.end(), f"{model.rsplit('-', 1)[0]}-{sibling.group(1)}"))
            elif sibling:
                found.append((end, end + sibling.end(), f"{name} {sibling.group(1)}"))
    found += _short_mentions(sentence, found, known, aliases)
    found = [m for m in found if m[2].lower() not in aliases.companies]
    if not compared:
        found = [
            m
            for m in found
            if not _COMPARED.search(sentence[max(0, m[0] - 30) : m[0]])
            and not _COMPARED_AFTER.match(sentence, m[1])
        ]
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


def _short_mentions(
    sentence: str, found: list[tuple[int, int, str]], known: _Known | None, aliases: Aliases
) -> list[tuple[int, int, str]]:
    """Models the sentence names by a short form: a version the article introduced in full ('V3' after
    DeepSeek-V3), a version named as a model after a brand ('the R1 model'), '4o is $5/million'."""
    if known is None:
        return []
    out: list[tuple[int, int, str]] = []

    def free(start: int, end: int) -> bool:
        return not any(s < end and start < e for s, e, _ in found + out)

    for form, model in known.versions.items():
        for match in re.finditer(rf"(?<![A-Za-z0-9.\-]){re.escape(form)}(?![A-Za-z0-9\-])", sentence, re.I):
            if free(*match.span()):
                out.append((match.start(), match.end(), model))
    for match in _VERSION_MODEL.finditer(sentence):
        # the brand named last before it, in this sentence or before ('DeepSeek says its R1 model')
        here = [
            model[: len(name)]
            for _s, end, model in found
            if end <= match.start() and (name := _brand_of(model, aliases))
        ]
        brand = next((b for b in reversed(here) if not re.search(r"\d", b)), known.brand)
        if brand and free(*match.span()):
            out.append((match.start(), match.end(), f"{brand}-{match.group(1)}"))
    for form, model in known.short.items():
        for match in re.finditer(
            rf"(?<![\w.$-]){re.escape(form)}(?![\w.-]){_SHORT_FOLLOWED}", sentence, re.I
        ):
            if free(*match.span()):
                out.append((match.start(), match.end(), model))
    return out


def _groups(sentence: str, mentions: list[tuple[int, int, str]]) -> list[tuple[int, int, list[str]]]:
    """Models listed together ('ERNIE Speed、ERNIE Lite', 'V3和R1') as (start, end, models)."""
    groups: list[tuple[int, int, list[str]]] = []
    previous_end = -1
    for start, end, model in mentions:
        if groups and re.fullmatch(
            rf"\s*|{_SIBLING_JOIN}|\s*&\s*|\s*(?:や|と)\s*", sentence[previous_end:start]
        ):
            groups[-1] = (groups[-1][0], end, [*groups[-1][2], model])
        else:
            groups.append((start, end, [model]))
        previous_end = end
    return groups


# --- prices: amounts bound to token units --------------------------------------------------------------
@dataclass
class _Unit:
    start: int
    end: int
    per: Decimal  # tokens the price is for
    kinds: tuple[str, ...]  # what the unit says it prices ('/百万输入tokens', '/MTok output'), 2+ in a list
    per_time: bool  # '/1M tokens/min': storage over time
    before: bool  # may stand before its amount ('每百万tokens 2元', 'トークン100万単位あたり2元')
    taken: bool = False


@dataclass
class _Amount:
    start: int
    end: int
    value: Decimal
    currency: str | None  # None where the text states none ('0.3/万Tokens')
    unit: _Unit | None = None
    own: bool = False  # the unit is this amount's own, not shared with a list or the sentence
    group: int = -1  # amounts listed together ('0.5元和1元', '$10 and $40') share a group
    index: int = 0  # place in its group
    old: bool = False
    kind: str = "all"

    @property
    def span_end(self) -> int:
        return max(self.end, self.unit.end) if self.own and self.unit else self.end

    @property
    def per_million(self) -> Decimal:
        assert self.unit is not None
        return normalize_decimal(self.value * MILLION / self.unit.per)


def _kind_of(word: str, after: str = "") -> str:
    match = _KINDS.fullmatch(word) or _KINDS.match(word)
    if match is None:
        return ""
    if match.lastgroup == "input" and _HIT_AFTER.match(after):
        return "cached_input"  # '输入(缓存命中)': the hit qualifies the input price
    return {"miss": "input", "hit": "cached_input"}.get(match.lastgroup or "", match.lastgroup or "")


def _units(sentence: str) -> list[_Unit]:
    units: list[_Unit] = []
    for number, form in enumerate(_UNIT_FORMS):
        for match in form.finditer(sentence):
            start, end = match.span()
            if any(u.start < end and start < u.end for u in units):
                continue
            groups = match.groupdict()
            size = (groups.get("size") or "").lower().replace(" ", "").replace(",", "")
            size = re.sub(r"^1(?=[km]$)", "", size)  # '1Kトークンあたり'
            if groups.get("mtok"):
                size = groups["mtok"].lower()
            elif not groups.get("tok") and (
                # '$7/million', '($0.50/million)': a bare 'per million' only where the price ends there
                size not in ("million", "m") or not _BARE_MILLION_END.match(sentence, end)
            ):
                continue
            per = Decimal(_SIZES.get(size, 1))
            kinds = tuple(_kind_of(m.group(0)) for m in _KINDS.finditer(groups.get("kind") or ""))
            trailing = _TRAILING_KIND.match(sentence, end)
            if trailing and trailing.group(0).strip():
                words = [w for w in trailing.groups() if w]
                qualifier = trailing.group(3) or trailing.group(4)
                found = tuple(_kind_of(w) for w in words if w != qualifier)
                if qualifier:
                    hit = _kind_of(qualifier)
                    found = (hit,) if len(found) <= 1 else found
                kinds = found or kinds
                end = trailing.end()
            units.append(
                _Unit(
                    start,
                    end,
                    per,
                    kinds,
                    bool(_PER_TIME.match(sentence, end)),
                    before=number > 0 or match.group(0)[:1] in "每",
                )
            )
    return sorted(units, key=lambda u: u.start)


def _implicit_currency(sentence: str) -> str:
    if re.search(r"ドル|\$|美元|美金|usd|dollar", sentence, re.I):
        return "USD"
    return "CNY" if _CJK.search(sentence) else "USD"


def _amounts(sentence: str, units: list[_Unit]) -> list[_Amount]:
    out: list[_Amount] = []
    for match in _BUYS.finditer(sentence):
        tokens = Decimal(match.group(2)) * _SIZES.get(match.group(3) or "", 1)
        unit = _Unit(match.end(), match.end(), tokens, (), False, False, True)
        out.append(
            _Amount(match.start(), match.end(), Decimal(match.group(1).replace(",", "")), "CNY", unit, True)
        )
    for match in _AMOUNT.finditer(sentence):
        start, end = match.span(2)
        if any(u.start <= start < u.end for u in units) or any(a.start <= start < a.end for a in out):
            continue  # the '100' of '100万トークン', the '1' of '1元可买'
        symbol = (match.group(1) or match.group(3) or "").strip().lower()
        value = Decimal(match.group(2).replace(",", "")) * _SCALE.get(symbol, Decimal(1))
        currency = "USD" if symbol in _USD else "CNY" if symbol in _CNY else "JPY" if symbol == "円" else None
        begin = match.start(1) if match.group(1) else start
        out.append(_Amount(begin, match.end(3) if match.group(3) else end, value, currency))
    return sorted(out, key=lambda a: a.start)


def _bind(
    sentence: str,
    amounts: list[_Amount],
    units: list[_Unit],
    named: Sequence[int] = (),
    carried: Decimal | None = None,
) -> None:
    """Give each amount its token unit: its own right after it ('2元/百万tokens') or right before it
    ('每百万输出tokens 8元'), the one of the amounts it is listed with ('$10 and $40 per million'), or the
    one unit its sentence states where a kind word or a model (`named`: where models start) says what it
    prices ('input $0.435 per million tokens, output to $0.87', 'A下调至每百万tokens 12元，B下调至24元')."""
    for amount in amounts:
        if amount.unit:
            continue
        after = next((u for u in units if u.start >= amount.end), None)
        if after and not after.taken and not sentence[amount.end : after.start].strip():
            connector = sentence[after.start : after.start + 3].lower()
            if amount.currency or connector.startswith(("/", "per")):
                amount.unit, amount.own, after.taken = after, True, True
    for amount in amounts:
        if amount.unit or not amount.currency:
            continue
        before = [u for u in units if u.end <= amount.start and u.before and not u.taken]
        gap = sentence[before[-1].end : amount.start] if before else ""
        if before and len(gap) <= 20 and not re.search(r"[\d,;。!?、$¥]", gap):
            amount.unit, amount.own, before[-1].taken = before[-1], True, True
    # lists: '0.5元和1元', '0.5 元(缓存命中)/ 2 元(缓存未命中)', '$10 and $40 per million tokens'
    group = 0
    # prices each with its own unit are a list only where the sentence says 'respectively'
    # ('输入、输出价格分别降至0.8元/百万tokens和3.2元/百万tokens')
    respectively = bool(_RESPECTIVELY.search(sentence))
    for index, amount in enumerate(amounts):
        previous = amounts[index - 1] if index else None
        gap = sentence[previous.span_end : amount.start] if previous else ""
        both_own = previous and previous.own and amount.own and not respectively
        if previous and amount.currency and previous.currency and not both_own and _LIST_JOIN.fullmatch(gap):
            amount.group, amount.index = previous.group, previous.index + 1
        else:
            group += 1
            amount.group = group
    for members in _by_group(amounts).values():
        unit = next((a.unit for a in members if a.unit), None)
        for member in members:
            member.unit = member.unit or unit
    _lend_changed(sentence, amounts)
    stated = {u.per for u in units if not u.per_time}
    shared = next(u for u in units if not u.per_time) if len(stated) == 1 else None
    if not units and carried:
        # 'X的输入价格为每百万tokens 2元。输出价格则为8元。': the unit of the sentence before, for a sentence
        # that states none
        shared = _Unit(0, 0, carried, (), False, False, True)
    if shared:
        floor = 0
        sizes = {group: len(members) for group, members in _by_group(amounts).items()}
        for amount in amounts:
            window = sentence[floor : amount.start]
            # a model of its own says what a lone amount prices; a pair it leaves open ('$0.50/$1.50')
            own_model = sizes[amount.group] == 1 and any(floor <= start < amount.start for start in named)
            said = _KINDS.search(window) or own_model or _KIND_AFTER.match(sentence, amount.end)
            # not an amount with a unit of another kind: '$0.04 per image', '0.006ドル/分'
            other = _OTHER_UNIT.match(sentence, amount.end) or _OTHER_BEFORE.search(
                sentence[max(0, amount.start - 12) : amount.start]
            )
            if not amount.unit and amount.currency and said and not other:
                amount.unit = shared
            if amount.currency:  # not the '2.0' of 'Gemini 2.0 Flash'
                floor = amount.span_end
        _lend_changed(sentence, amounts)  # '出力が75ドルから25ドルへ': the old one was lent the shared unit


_OTHER_UNIT = re.compile(
    r"\s*(?:/|\bper\b|\ba\s+(?:minute|second|hour|image|page|request|call)\b|每|あたり|当たり|につき)", re.I
)


# ... or before it: '输出图片每张0.2元', '1枚あたり0.04ドル'
_OTHER_BEFORE = re.compile(
    r"(?:(?:每|一)\s*(?:张|張|次|分钟|分鐘|秒|小时|小時|幅|页|頁)"
    r"|(?:\d+\s*)?(?:枚|分|回|秒|時間|画像|リクエスト)\s*(?:あたり|当たり|につき))\s*$"
)


def _lend_changed(sentence: str, amounts: list[_Amount]) -> None:
    """The new price takes the old one's unit: '从10元/百万tokens降至5元', '0.2ドルから0.1ドルに'."""
    for previous, amount in itertools.pairwise(amounts):
        gap = sentence[previous.span_end : amount.start]
        changed = _FROM_AFTER.match(gap) or _TO.search(gap)
        if previous.unit and not amount.unit and amount.currency and changed and len(gap) <= 12:
            amount.unit = previous.unit


def _stop(amount: _Amount) -> int:
    """Where the words before an amount end: before its own unit where that stands first
    ('约每百万tokens 2元', '不到每百万tokens 0.1元'), else at the amount."""
    unit = amount.unit
    return unit.start if amount.own and unit and unit.end <= amount.start else amount.start


def _by_group(amounts: list[_Amount]) -> dict[int, list[_Amount]]:
    groups: dict[int, list[_Amount]] = {}
    for amount in amounts:
        groups.setdefault(amount.group, []).append(amount)
    return groups


def _listed_kinds(window: str) -> tuple[str, ...]:
    """The kinds of the last list of kind words in a window ('输入和输出', 'input/output'), in order."""
    lists = list(re.finditer(_KIND_LIST, window, re.I))
    if not lists or not re.search(r"/|and|&|和|与|與|及|、|と|・", lists[-1].group(0)):
        return ()
    return tuple(_kind_of(m.group(0)) for m in _KINDS.finditer(lists[-1].group(0)))


def _assign_kinds(sentence: str, priced: list[_Amount]) -> None:
    """A price's kind: what its brackets say ('0.5元(缓存命中)'), else its unit ('/MTok output',
    '$10 and $40 per million tokens for input and output, respectively'), else the nearest kind word
    before it ('输入价格为', 'Input tokens:', 'output to')."""
    floor = 0
    groups = _by_group(priced)
    listed: tuple[str, ...] = ()
    for amount in priced:
        qualifier = re.match(r"\s*" + _QUALIFIER, sentence[amount.end :], re.I)
        kinds = amount.unit.kinds if amount.unit else ()
        # the sentence's unit lent to an amount of its own clause ('B下调至24元', 'output to $0.87'):
        # a kind word of the clause says more than the unit's
        lent = bool(amount.unit) and not any(m.own for m in groups[amount.group])
        window = sentence[floor : amount.start]
        before = [_kind_of(m.group(0), window[m.end() :]) for m in _KINDS.finditer(window)]
        if amount.index == 0:
            listed = _listed_kinds(sentence[floor : amount.start])
        after = _KIND_AFTER.match(sentence, amount.end)
        if qualifier:
            amount.kind = _kind_of(qualifier.group(1))
        elif after and not kinds:
            amount.kind = _kind_of(after.group(1) or after.group(2))
        elif len(kinds) > 1 and len(kinds) == len(groups[amount.group]):
            amount.kind = kinds[amount.index]
        elif len(listed) > 1 and len(listed) == len(groups[amount.group]):
            amount.kind = listed[amount.index]  # '输入和输出价格分别为0.8元和2元', 'input/output: $3/$15'
        elif before and (lent or len(kinds) != 1):
            # 'キャッシュヒット時の入力料金', 'cache-hit input price': the hit qualifies the input after it
            hit = before[-1] == "input" and "cached_input" in before
            amount.kind = "cached_input" if hit else before[-1]
        elif len(kinds) == 1:
            amount.kind = kinds[0]
        elif amount.index:
            amount.kind = groups[amount.group][0].kind  # '输出价格分别为50元和1元': one kind for the list
        floor = amount.span_end


def _mark_old(sentence: str, priced: list[_Amount], loose: list[_Amount]) -> list[tuple[_Amount, _Amount]]:
    """Old prices and the new ones they became: 'from $0.35 to $0.075 per million', '由10元降低至5元',
    '5ドル/1百万トークンから', 'previous rates of $10 and $40'. Returns (old, new) pairs; an old price
    without a new one makes no claim."""
    floor = 0
    behind: list[tuple[_Amount, _Amount]] = []
    for amount in sorted(priced + loose, key=lambda a: a.start):
        unit = amount.unit
        # '由每千tokens 0.12元下调至…': the marker stands before the amount's own unit
        stop = unit.start if amount.own and unit and unit.end <= amount.start else amount.start
        window = sentence[floor:stop]
        if _FROM.search(window) or _OLD.search(window) or _FROM_AFTER.match(sentence, amount.span_end):
            amount.old = True
        earlier = [p for p in priced if p.end <= amount.start and not p.old]
        if _FROM_BEHIND.search(window) and earlier and amount.currency == earlier[-1].currency:
            amount.old = True
            # 'to $5 … and $25 …, down from $15 and $75': a list of old prices, one for each new one before
            listed = [a for a in priced + loose if a.group == amount.group and a.start >= amount.start]
            listed.sort(key=lambda a: a.start)
            became = earlier[-len(listed) :]
            if 1 < len(listed) <= len(earlier) and all(
                old.currency == new.currency for old, new in zip(listed, became, strict=True)
            ):
                behind += list(zip(listed, became, strict=True))
            else:
                behind.append((amount, earlier[-1]))
        if any(amount is p for p in priced):
            floor = amount.span_end
    groups = _by_group(priced)
    for members in groups.values():
        if members[0].old:
            for member in members:
                member.old = True
    # '旧料金は入力15ドル、出力75ドル', 'was $10 for input, output $30': an old price's parallel is old too
    for previous, amount in itertools.pairwise(priced):
        unit = amount.unit
        stop = unit.start if amount.own and unit and unit.end <= amount.start else amount.start
        if previous.old and _PARALLEL.fullmatch(sentence[previous.span_end : stop]):
            amount.old = True
    pairs: list[tuple[_Amount, _Amount]] = []
    ordered = sorted(priced + [a for a in loose if a.old], key=lambda a: a.start)
    for index, old in enumerate(ordered):
        if not old.old or old.index:
            continue
        olds = groups.get(old.group, [old]) if any(old is p for p in priced) else [old]
        news = next((a for a in ordered[index + 1 :] if not a.old), None)
        if news is None:
            continue
        # '从每百万tokens 30元下调到每百万tokens 21元': 'to' stands before the new price's own unit
        unit = news.unit
        stop = unit.start if news.own and unit and unit.end <= news.start else news.start
        gap = sentence[olds[-1].span_end : stop]
        if not (_TO.search(gap) or _FROM_AFTER.match(sentence, olds[-1].span_end)) or re.search(
            r"[;。]", gap
        ):
            continue
        targets = groups.get(news.group, [news])
        if len(targets) == len(olds):
            pairs += list(zip(olds, targets, strict=True))
    pairs += [(old, new) for old, new in behind if not any(new is n for _o, n in pairs)]
    for old, new in pairs:
        if new.kind == "all":
            new.kind = old.kind  # '输入价格从0.02元降至0.0005元': the kind is stated once, before the old
    return pairs


_TO_FREE = re.compile(
    r"\s*(?:降至|降为|降為|降到|调整为|調整為|to|に|へ|至|为|為)\s*(?:完全|永久)?(?:免费|免費|free\b|無料)",
    re.I,
)


def _read_sentence(
    sentence: str,
    quote: str,
    topic: list[str],
    aliases: Aliases,
    known: _Known,
    carried: Decimal | None = None,
) -> list[Claim]:
    """The claims of one sentence (or clause); `topic` are the models its paragraph is about so far,
    `carried` the token unit (tokens per price) the sentence before priced in, for a sentence that states
    none."""
    mentions = _mentions(sentence, aliases, known)
    groups = _groups(sentence, mentions)
    units = _units(sentence)
    amounts = _amounts(sentence, units)
    _bind(sentence, amounts, units, [start for start, _e, _m in mentions], carried)
    priced = [
        a
        for a in amounts
        if a.unit
        and not a.unit.per_time
        and not any(_ESTIMATE.search(sentence[max(0, stop - 16) : stop]) for stop in {a.start, _stop(a)})
        and not _BOUND_AFTER.match(sentence, a.end)
    ]
    if _STORAGE.search(sentence) or any(a.unit and a.unit.per_time for a in amounts):
        priced = []  # storage kept per minute or hour is no price to use a model
    # a price inside a comparison is the compared model's: '与X每百万tokens 75美元的输出价格相比，Y便宜'
    for _start, end, _model in _mentions(sentence, aliases, known, compared=True):
        if compared := _COMPARED_AFTER.match(sentence, end):
            priced = [a for a in priced if not end <= a.start < compared.end()]
    loose = [a for a in amounts if not a.unit and a.currency]
    percent_match = _PERCENT.search(sentence)
    percent = Decimal(percent_match.group(1)) if percent_match else None
    if not priced:
        return _free_claims(sentence, quote, groups, aliases, percent)
    _assign_kinds(sentence, priced)
    pairs = _mark_old(sentence, priced, loose)
    old_of = {id(new): old for old, new in pairs}
    every = _mentions(sentence, aliases, known, compared=True)
    respectively = bool(_RESPECTIVELY.search(sentence))
    news = [a for a in priced if not a.old]
    tiers = _tiers_after(sentence, news)
    members = _by_group(priced)
    out: list[Claim] = []
    currency = _implicit_currency(sentence)
    for amount, tier in zip(news, tiers, strict=True):
        assert amount.unit is not None
        old = old_of.get(id(amount))
        old_price = None
        if old is not None and (old.currency or currency) == (amount.currency or currency):
            old_price = normalize_decimal(old.value * MILLION / (old.unit or amount.unit).per)
        models = _models_for(sentence, members[amount.group], groups, every, topic)
        count = len(members[amount.group])
        if respectively and count > 1 and len(models) == count and len(amount.unit.kinds) != count:
            models = [models[amount.index]]  # 'V3和R1 … 分别为0.5元和1元'
        for model in models:
            out.append(
                Claim(
                    model,
                    aliases.provider_of(model) or "",
                    amount.kind,
                    amount.currency or currency,
                    old_price,
                    amount.per_million,
                    amount.per_million == 0,
                    quote,
                    percent,
                    tier,
                )
            )
    out += _to_free(sentence, quote, priced, groups, topic, aliases, percent)
    return out


def _models_for(
    sentence: str,
    listed: list[_Amount],
    groups: list[tuple[int, int, list[str]]],
    every: list[tuple[int, int, str]],
    topic: list[str],
) -> list[str]:
    """The models a price (with the amounts listed with it) is about: the model it is in brackets right
    after ('cheaper than GPT 3.5 ($0.50/million)'), compared or not; the model it is 'for' ('$3.50/million
    for Gemini Pro 1.5'); the models named last before it; the paragraph's topic; the first named after."""
    start, end = listed[0].start, listed[-1].span_end
    bracketed = [model for _s, stop, model in every if re.fullmatch(r"\s*\(\s*", sentence[stop:start])]
    if bracketed:
        return bracketed
    named_for = [
        g for begin, _e, g in groups if re.fullmatch(r"\s*(?:for|of)\s+(?:the\s+)?", sentence[end:begin])
    ]
    if named_for:
        return named_for[0]
    before = [group for _s, stop, group in groups if stop <= start]
    return before[-1] if before else topic or (groups[0][2] if groups else [])


def _to_free(
    sentence: str,
    quote: str,
    priced: list[_Amount],
    groups: list[tuple[int, int, list[str]]],
    topic: list[str],
    aliases: Aliases,
    percent: Decimal | None,
) -> list[Claim]:
    """'from $0.50 per million tokens to free', '从1元/百万tokens降至免费': an old price made free; so is one
    the sentence states no new price for but calls free after ('X, previously priced at $0.10 per million
    tokens, is now free', 'X此前每百万tokens 0.1元，现已全面免费')."""
    out = []
    made_free = not any(not a.old for a in priced) and not _NOT_FREE.search(sentence)
    for amount in priced:
        freed = _TO_FREE.match(sentence, amount.span_end) or (
            made_free and _FREE.search(sentence, amount.span_end) and not _consumer(sentence, aliases)
        )
        if not amount.old or not freed or amount.unit is None:
            continue
        before = [group for _s, end, group in groups if end <= amount.start]
        for model in before[-1] if before else topic:
            out.append(
                Claim(
                    model,
                    aliases.provider_of(model) or "",
                    amount.kind,
                    amount.currency or _implicit_currency(sentence),
                    amount.per_million,
                    Decimal(0),
                    True,
                    quote,
                    percent,
                )
            )
    return out


def _free_claims(
    sentence: str,
    quote: str,
    groups: list[tuple[int, int, list[str]]],
    aliases: Aliases,
    percent: Decimal | None,
) -> list[Claim]:
    """'GLM-4-Flash永久免费', 'ERNIE Speedは無料': a model named in the sentence made free. Not the
    consumer app ('for ordinary users online, DeepSeek has always been free'), nor a brand alone where
    the sentence says nothing of an API."""
    if not _FREE.search(sentence) or _NOT_FREE.search(sentence) or _consumer(sentence, aliases):
        return []
    brands = {name.lower() for name, _p in aliases.names}
    out = []
    for model in [model for _s, _e, group in groups for model in group]:
        if model.lower() in brands and not _API.search(sentence):
            continue
        currency = "CNY" if _CJK.search(sentence) else "USD"
        out.append(
            Claim(
                model,
                aliases.provider_of(model) or "",
                "all",
                currency,
                None,
                Decimal(0),
                True,
                quote,
                percent,
            )
        )
    return out


_LONGER = re.compile(r"\b(?:for\s+)?(?:longer|larger)\s+(?:prompts|contexts?|inputs?)|\bbeyond that\b", re.I)


def _tiers_after(sentence: str, prices: list[_Amount]) -> list[str]:
    """The tier each price is given by the words after it, up to the next price: '$0.35 per 1 million
    tokens for prompts up to 128K tokens and $0.70 … for longer prompts' -> ['<=128K', '>128K']."""
    tiers: list[str] = []
    for index, price in enumerate(prices):
        end = prices[index + 1].start if index + 1 < len(prices) else len(sentence)
        window = sentence[price.span_end : min(end, price.span_end + 60)]
        tier = tier_of(window)
        if not tier and _LONGER.search(window) and tiers and tiers[-1].startswith("<="):
            tier = ">" + tiers[-1][2:]  # 'for longer prompts' after 'up to 128K'
        tiers.append(tier)
    return tiers


# 'Prices here are per-million-input-tokens / per-million-output-tokens:' (then 'Claude 3 Opus: $15 / $75')
_PAIR_UNIT = re.compile(
    r"per[- ]?(?:1[- ]?)?(?:million|m)[- ]input[- ]tokens?\s*/\s*"
    r"per[- ]?(?:1[- ]?)?(?:million|m)[- ]output[- ]tokens?",
    re.I,
)
_PAIR = re.compile(
    r"\s*(?:\([^)]{0,20}\))?\s*:\s*(?:us\$|\$)\s*(\d+(?:\.\d+)?)\s*/\s*(?:us\$|\$)\s*(\d+(?:\.\d+)?)", re.I
)


def _pair_claims(sentence: str, aliases: Aliases, known: _Known) -> list[Claim]:
    """'Claude 3 Opus: $15 / $75' under a stated 'per million input / output tokens': two claims."""
    out = []
    for _start, end, model in _mentions(sentence, aliases, known):
        match = _PAIR.match(sentence, end)
        if not match:
            continue
        provider = aliases.provider_of(model) or ""
        for kind, number in (("input", match.group(1)), ("output", match.group(2))):
            amount = normalize_decimal(Decimal(number))
            out.append(Claim(model, provider, kind, "USD", None, amount, amount == 0, sentence, None))
    return out


# --- the article: paragraphs, sentences, the topic -----------------------------------------------------
_MARKUP = (
    (re.compile(r"!\[[^\]]*\]\([^)]*\)(?:\{[^}]*\})?"), ""),  # images
    (re.compile(r"\[([^\[\]]*)\]\([^()\s]*(?:\s+\"[^\"]*\")?\)(?:\{[^}]*\})?"), r"\1"),  # links
    (re.compile(r"\{[#.][^{}]*\}"), ""),  # pandoc attributes
    (re.compile(r"^\s*:::.*$", re.M), ""),  # pandoc fenced divs
    (re.compile(r"\*\*|__|\\(?=[_*\[\]])"), ""),  # bold, escapes
)
_ITEM = re.compile(r"^\s*(?:[-*+•·●▪◦]|\d{1,2}[.)、])\s+")
_HEADING = re.compile(r"^\s*#{1,6}\s")
_ENDS = "。！？!?.;；:："
_CONTINUES = re.compile(r"^[a-z0-9\u3040-\u30ff\u4e00-\u9fff(（$¥，,、)）]")
_SENTENCE_END = re.compile(r"(?<=[。！？!?；;])|(?<=\.)\s+(?=[A-Z\"'“])")
_LINK = re.compile(r"\(?https?://\S+\)?|\b[\w.-]+\.(?:com|cn|ai|io|net|org)\b\S*", re.I)


def _paragraphs(text: str) -> list[tuple[str, bool]]:
    """(paragraph, is a list item): a paragraph's soft-wrapped lines joined, each list item apart."""
    for pattern, replacement in _MARKUP:
        text = pattern.sub(replacement, text)
    out: list[tuple[str, bool]] = []
    joinable = False
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            joinable = False
            continue
        item = bool(_ITEM.match(line))
        if joinable and not item and not _HEADING.match(line) and _CONTINUES.match(line):
            out[-1] = (f"{out[-1][0]} {line}", out[-1][1])
        else:
            out.append((line, item))
        joinable = not _HEADING.match(line) and line[-1] not in _ENDS
    return out


def sentences(text: str) -> list[str]:
    """A text's sentences (plain text or Markdown), each as `clean_text` leaves it, links left out."""
    out = []
    for paragraph, _item in _paragraphs(text):
        for raw in _SENTENCE_END.split(paragraph):
            sentence = clean_text(_LINK.sub(" ", raw))
            if sentence:
                out.append(sentence)
    return out


def extract_claims(text: str, aliases: Aliases | None = None) -> list[Claim]:
    """Every price claim in an article's text (plain text or Markdown; use `article_text` for HTML)."""
    aliases = aliases or default_aliases()
    claims: list[Claim] = []
    seen: set[tuple[str, str, Decimal | None, Decimal | None, bool, str]] = set()
    paragraphs = _paragraphs(text)
    known = _Known()
    topic: list[str] = []
    # an article that names one model only (a provider's own announcement) is about it throughout
    named = _named(paragraphs, aliases)
    only = [named[0]] if len({model.lower() for model in named}) == 1 else []
    pair_unit = 0  # sentences left in which 'Model: $in / $out' is read (after a stated pair unit)
    previous_item, introduces = False, False
    # the models a sentence listed, for a next one that prices them 'respectively' without naming them
    # ('涉及两款模型：A与B。两者的输入价格分别下调至…0.5元和2元', 'It covers A and B. Their prices are …
    # respectively')
    several: list[str] = []
    carried: Decimal | None = None  # the one token unit the sentence before priced in
    for paragraph, item in paragraphs:
        if not (item and (previous_item or introduces)):
            topic = []  # a price two paragraphs on is not about this paragraph's model
            several = []
            carried = None
        previous_item, introduces = item, paragraph.rstrip()[-1:] in ":："
        for raw in _SENTENCE_END.split(paragraph):
            sentence = clean_text(_LINK.sub(" ", raw))
            if not sentence or sentence.startswith("|"):  # a table row: read by the page extractor
                continue
            known.learn(_mentions(sentence, aliases, known, compared=True), aliases)
            models = [model for _s, _e, model in _mentions(sentence, aliases, known)]
            found: list[Claim] = []
            if not (_HYPOTHETICAL.search(sentence) or _SUBSCRIPTION.search(sentence)):
                listed = several if not models and _RESPECTIVELY.search(sentence) else []
                found = _read_clauses(sentence, topic or listed or only, aliases, known, carried)
                if listed and not topic and _priced_alike(found):
                    found = []  # the listed models not priced one by one: whose price is which is unsaid
                if _PAIR_UNIT.search(sentence):
                    pair_unit = 2  # this sentence and the next: 'Compare with today's prices: GPT-4 …'
                if pair_unit:
                    pair_unit -= 1
                    found += _pair_claims(sentence, aliases, known)
            if models:
                # a sentence about several models ('offering A and B', 'A is $2, while B costs $0.40')
                # leaves a later price's model open; one model under two names is one
                topic = models if _one_model(sentence, _mentions(sentence, aliases, known)) else []
                several = [] if topic else models
            sizes = {unit.per for unit in _units(sentence) if not unit.per_time}
            carried = sizes.pop() if found and len(sizes) == 1 else None
            for claim in found:
                if claim.key not in seen:  # a claim's first quote
                    claims.append(claim)
                    seen.add(claim.key)
    return claims


def _priced_alike(claims: list[Claim]) -> bool:
    """Whether two models were given the same price of the same kind (from one amount)."""
    prices = [(claim.kind, claim.new_per_million) for claim in claims]
    return len(set(prices)) < len(prices)


# a second name of one model: 'DeepSeek-R1 by setting model=deepseek-reasoner', 'X（对应V3）', 'X (aka Y)'
_SAME = re.compile(r"(?:model\s*=|[(（]|\baka|\bi\.e\.|对应|對應|即)\s*$", re.I)


def _one_model(sentence: str, mentions: list[tuple[int, int, str]]) -> bool:
    """Whether a sentence's mentions name one model (each after the first its second name)."""
    names = {model.lower() for _s, _e, model in mentions}
    if len(names) <= 1:
        return True
    return all(
        model.lower() == mentions[0][2].lower() or _SAME.search(sentence[max(0, start - 20) : start])
        for start, _e, model in mentions[1:]
    )


def _named(paragraphs: list[tuple[str, bool]], aliases: Aliases) -> list[str]:
    """Every model an article names, not as a comparison, in order."""
    known = _Known()
    named: list[str] = []
    for paragraph, _item in paragraphs:
        for raw in _SENTENCE_END.split(paragraph):
            sentence = clean_text(_LINK.sub(" ", raw))
            known.learn(_mentions(sentence, aliases, known, compared=True), aliases)
            named += [model for _s, _e, model in _mentions(sentence, aliases, known)]
    return named


def _read_clauses(
    sentence: str, topic: list[str], aliases: Aliases, known: _Known, carried: Decimal | None = None
) -> list[Claim]:
    """A sentence is read whole; where it also makes models free in a clause with no price of its own
    ('GLM-4-Plus每百万tokens 50元，GLM-4-Flash免费', 'GLM-4-Flash永久免费，GLM-4-Air价格降至1元/百万tokens'),
    that clause's models are free."""
    found = _read_sentence(sentence, sentence, topic, aliases, known, carried)
    if not (_FREE.search(sentence) and _units(sentence)) or _NOT_FREE.search(sentence):
        return found
    for clause in re.split(r"[,;]", sentence):
        priced = _units(clause) or any(a.currency for a in _amounts(clause, []))
        if _FREE.search(clause) and not priced:
            groups = _groups(clause, _mentions(clause, aliases, known))
            found += _free_claims(clause, sentence, groups, aliases, None)
    return sorted(found, key=lambda claim: sentence.find(claim.model))  # in the sentence's order
