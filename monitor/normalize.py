"""The price grammar: amounts, units, currencies and 'free', read from text into exact Decimals.

It reads what a page states and nothing more: where a text holds a number it cannot place (no unit
anywhere, two candidate amounts), it raises PriceParseError instead of guessing.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from monitor.errors import PriceParseError
from monitor.models import MILLION, Price, normalize_decimal

# Texts that say "no price here" rather than a price we failed to read.
_NOT_A_PRICE = re.compile(r"^(?:n/?a|-+|—+|–+|/|none|not available|不支持|暂不支持|暂无|无|x|✗|✓)?$", re.I)

_FREE = re.compile(r"限时免费|免费|限免|\bfree\b|\bno charge\b|無料", re.I)

# (pattern, units per price, unit) in the order they are tried: 1M before 10K ("百万" ends in "万").
_UNITS: tuple[tuple[re.Pattern[str], int, str], ...] = tuple(
    (re.compile(pattern, re.I), per, unit)
    for pattern, per, unit in (
        (r"(?:/|\bper\b|每)\s*(?:1\s*)?(?:mtok\b|m\b|million\b|百万)", MILLION, "tokens"),
        # the million written out: 'USD per 1,000,000 tokens', '/ 1000000 input tokens'
        (r"(?:/|\bper\b|每)\s*1,?000,?000\s*(?=(?:input\s+|output\s+)?tokens?\b)", MILLION, "tokens"),
        # 'based on 1 million tokens', 'million input tokens'
        (r"\b(?:1\s*|one\s+)?million\s+(?:(?:input|output)\s+)?tokens?\b", MILLION, "tokens"),
        # '1M input tokens', '1M Input audio tokens', 'Tuning for 1M training tokens'
        (r"\b1\s*m\s*(?:[\w/]+\s+){0,2}tokens?\b", MILLION, "tokens"),
        (r"\bmtok\b|百万\s*tokens?", MILLION, "tokens"),
        # '$2.5 per 1,000 requests', '$10 / 1K searches', '/千次'
        (
            r"(?:/|\bper\b|每)\s*(?:1,?000|1\s*k|千)\s*(?:[a-z]+\s+)?(?:requests?|calls?|queries|searches|次)",
            1_000,
            "request",
        ),
        (r"(?:/|\bper\b|每)\s*(?:10\s*k\b|万)", 10_000, "tokens"),
        (r"(?:/|\bper\b|每)\s*(?:1\s*)?(?:k\b|千|thousand\b)", 1_000, "tokens"),
        (r"\b1\s*k\s*(?:input\s+|output\s+)?tokens?\b", 1_000, "tokens"),
        # 'Price per 1,000 input tokens', 'per 1,000 characters' (a word must follow: '$35 per 1,000
        # grounded prompts' is not a token price)
        (r"(?:/|\bper\b)\s*1,?000\s+(?=(?:input\s+|output\s+)?(?:tokens?|characters?)\b)", 1_000, "tokens"),
        (r"\bm\s*tok-?hours?\b", MILLION, "token-hours"),  # 'Storage (M tok-hour)'
        (r"(?:/|\bper\b|每)\s*(?:1\s*)?tokens?\b", 1, "tokens"),
        (r"(?:/|\bper\b|每)\s*(?:1\s*)?(?:request|call|use|query|search|次)", 1, "request"),
        (r"(?:/|\bper\b|每)\s*(?:1\s*)?(?:images?\b|pictures?\b|张|幅)", 1, "image"),
        (r"(?:/|\bper\b|每)\s*(?:1\s*)?秒", 1, "second"),
        (r"(?:/|\bper\b|每)\s*(?:1\s*)?(?:min|minute|分钟)s?\b", 1, "minute"),
        (r"(?:/|\bper\b|每)\s*(?:1\s*)?(?:video|视频|个视频)\b", 1, "video"),
        # video and audio by the second: '$0.40/second', '($/sec)', 'per second of video'
        (r"(?:/|\bper\b)\s*(?:1\s*)?(?:sec|second)s?\b", 1, "second"),
        (r"(?:/|\bper\b)\s*30\s*(?:sec|second)s?\b", 30, "second"),  # '$0.06 per 30 seconds'
        (r"(?:/|\bper\b)\s*(?:per\s+)?(?:1\s*)?frame\b", 1, "frame"),  # '($/per frame)'
        (r"(?:/|\bper\b)\s*(?:1\s*)?page\b", 1, "page"),  # OCR: '$0.0003/page'
        (
            r"(?:/|\bper\b|每)\s*(?:full\s+)?(?:song\b|首)",
            1,
            "song",
        ),  # music: '$0.08 per full song up to 3 mins'
    )
)
# every unit phrase at once: find_amounts takes them all out of a text in one pass
_ANY_UNIT = re.compile("|".join(f"(?:{pattern.pattern})" for pattern, _per, _unit in _UNITS), re.I)


def without_units(text: str) -> str:
    """A text with every unit phrase the grammar reads taken out ('输入 (元/百万tokens)' -> '输入 ( )')."""
    return _ANY_UNIT.sub(" ", text)


# what follows a size names what is counted: '/M char', '/1M training characters', '/万字符'
_CHARACTERS = re.compile(r"^\s*(?:(?:input|output|training)\s+)?(?:字符|chars?\b|characters?\b)", re.I)
# '/M UTF-8 bytes': text-to-speech priced by the bytes of its input text, not by tokens
_BYTES = re.compile(r"^\s*(?:(?:input|output|utf-?8)\s+){0,2}bytes?\b", re.I)
_PER_HOUR = re.compile(r"^\s*\w*\s*(?:[*/×]|per)\s*(?:hr|hour|小时)\b", re.I)

_CURRENCIES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"us\$|\$|\busd\b|美元|ドル", re.I), "USD"),
    (re.compile(r"€|\beur\b|欧元", re.I), "EUR"),
    (re.compile(r"円|\bjpy\b", re.I), "JPY"),
    # 元 as money, not inside a name (混元 is Tencent's model family): after a figure, before a unit, or
    # standing alone ('（元/百万 tokens）', '单位：元')
    (
        re.compile(
            r"¥|(?<![\u4e00-\u9fff])元|元(?=\s*[/每)）])|(?<=\d)\s*元|\brmb\b|\bcny\b|人民币|厘|(?<=\d)分",
            re.I,
        ),
        "CNY",
    ),
)

# An amount: digits with optional thousands separators and decimals, not part of a word or a
# size such as 128K, and not a percentage. 厘 (1/1000 元) and 分 (1/100 元) scale it.
_AMOUNT = re.compile(
    # not part of a name ('qwen-max-0125', 'DeepSeek-V3-0324')
    r"(?<![A-Za-z0-9_.])(?<![A-Za-z]-)(?<![A-Za-z]\d-)"
    r"(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?(?!\s*[kKmMbB%]\b)(?!\d)(?![.,]\d)(?!\s*%)"
    # a resolution or a size is no amount: '1080p', '4K', '1024x1024'
    r"(?![pP]\b)(?!\s*[xX×]\s*\d)(?<![xX×]\d)(?<![xX×]\d\d)(?<![xX×]\d\d\d)(?<![xX×]\d\d\d\d)"
    # a duration is no amount: 'per full song up to 3 mins', '3分钟'
    r"(?!\s*(?:[~～–-]\s*\d+(?:\.\d+)?\s*)?(?:mins?|minutes?|hours?|hrs?|secs?|seconds?|days?|s)\b)"
    r"(?!\s*(?:[~～–-]\s*\d+(?:\.\d+)?\s*)?(?:分钟|小时|秒|天))"
    r"\s*(厘|分)?"
)
_SCALE = {"厘": Decimal("0.001"), "分": Decimal("0.01")}
# a count is no amount: '60,000 tokens/秒', '各100万Token', '1.5 积分/次', '236万像素' (but 'per 1,000
# tokens' is a unit)
_COUNT = re.compile(
    r"(?<![A-Za-z0-9_.])(?<!\d,)\d[\d,]*(?:\.\d+)?(?:\s*[~～–-]\s*\d[\d,]*(?:\.\d+)?)?\s*万?\s*"
    r"(?:tokens?\b|积分|credits?\b|像素|pixels?\b|字符|characters?\b)",
    re.I,
)
_PER_BEFORE = re.compile(r"(?:/|\bper|每)\s*$", re.I)


def _uncounted(match: re.Match[str]) -> str:
    before = match.string[max(0, match.start() - 6) : match.start()]
    return match.group(0) if _PER_BEFORE.search(before) else " "


_DIGIT = re.compile(r"[0-9０-９]")
# 'per <word>' or '/ <word>' right after an amount, where the word is no unit the grammar reads
_UNKNOWN_UNIT = re.compile(
    r"\d\s*(?:[万千百亿]?元|美元)?\s*(?:/|\bper\s)\s*([A-Za-z\u4e00-\u9fff][\w\u4e00-\u9fff]*)", re.I
)


@dataclass(frozen=True)
class PriceContext:
    """What a cell inherits from its header, its page and its source where it does not say."""

    currency: str | None = None
    per: int | None = None
    unit: str | None = None

    def merged(self, inner: PriceContext) -> PriceContext:
        """`inner` (closer to the cell) wins where it says something."""
        if not (inner.currency or inner.per or inner.unit):
            return self  # inner says nothing (most rows and cells): each field is self's, unchanged
        return PriceContext(
            currency=inner.currency or self.currency,
            per=inner.per or self.per,
            unit=inner.unit or self.unit,
        )


@dataclass(frozen=True)
class ParsedPrice:
    amount: Decimal
    currency: str
    per: int
    unit: str
    free: bool
    raw: str

    @property
    def per_million(self) -> Decimal:
        return normalize_decimal(self.amount * MILLION / self.per)

    def to_price(
        self,
        model: str,
        kind: str,
        tier: str = "",
        condition: str = "",
        note: str = "",
        status: str = "",
        where: str = "",
    ) -> Price:
        """The record this reading makes for one model and kind of price."""
        # (by position, in the order Price declares its fields: one record per price read, so it counts)
        return Price(
            model,
            kind,
            self.amount,
            self.currency,
            self.per,
            self.unit,
            tier,
            condition,
            self.free,
            self.raw,
            note,
            status,
            where,
        )


_SPACES = re.compile(r"\s+")
# zero-width spaces and joiners, word joiner, BOM: editors pad cells with them; they are no text
_INVISIBLE = re.compile("[\u200b-\u200d\u2060\ufeff\ue000-\uf8ff]")  # and icon-font glyphs (private use)


@lru_cache(maxsize=8192)
def clean_text(text: str) -> str:
    """Full-width to half-width (NFKC), one space between words, no markup leftovers."""
    text = _INVISIBLE.sub("", unicodedata.normalize("NFKC", text).replace("\u00a0", " "))
    return _SPACES.sub(" ", text).strip()


# Units that are a price's only where the text names money: 'Requests per second', 'QPS 每秒请求数'
# and 'pages per minute' are limits, '$0.40/second' and 'Input video ($/sec)' are prices.
_PRICED_ONLY = ("second", "minute", "frame", "page", "song", "video")
_PRICE_WORD = re.compile(r"单价|价格|\bprices?\b|\bcosts?\b", re.I)  # '单价 / 视频': a price per video


# a rate, not a quantity: '元/每10K TPM/小时' buys throughput, not tokens
_RATE = re.compile(r"\b(?:TPM|RPM|QPS|TPS)\b", re.I)


@lru_cache(maxsize=2048)  # a unit pattern at a time, asked of each cell several times
def find_unit(text: str) -> tuple[int, str] | None:
    """The unit a text states ('/1M tokens' -> (1000000, 'tokens')), or None."""
    text = clean_text(text)
    # every unit pattern holds one of these ('/', '每' or 'per' before the unit, or the 'tok' of token): a
    # text with none (most labels and names) states no unit. (re.I matches p, e, r, t and o only as
    # themselves in either case, and k also as the Kelvin sign, which lower() makes a k.)
    lowered = text.lower()
    if not ("/" in text or "每" in text or "per" in lowered or "tok" in lowered):
        return None
    if _RATE.search(text):
        return None
    for pattern, per, unit in _UNITS:
        match = pattern.search(text)
        if match and unit in _PRICED_ONLY and find_currency(text) is None and not _PRICE_WORD.search(text):
            continue
        if match:
            if unit == "tokens" and _CHARACTERS.match(text[match.end() :]):
                unit = "characters"
            elif unit == "tokens" and _BYTES.match(text[match.end() :]):
                unit = "bytes"
            if unit == "tokens" and _PER_HOUR.search(text[match.end() :]):
                unit = "token-hours"  # '$4.5 (/M Tok/hr)', '元/百万 token*小时': storage, not use
            return per, unit
    return None


@lru_cache(maxsize=2048)
def find_currency(text: str) -> str | None:
    """The currency a text names ('$', '元', 'EUR' ...), or None."""
    text = clean_text(text)
    for pattern, code in _CURRENCIES:
        if pattern.search(text):
            return code
    return None


@lru_cache(maxsize=8192)
def context_of(text: str) -> PriceContext:
    """The unit and currency a header or a page sentence states."""
    unit = find_unit(text)
    return PriceContext(
        currency=find_currency(text),
        per=unit[0] if unit else None,
        unit=unit[1] if unit else None,
    )


# -- dates: read so that they are never taken for amounts, and so that labels can say from/until -----

_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}
_MONTH = (
    r"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_YEAR = re.compile(r"\d{4}")
_DATES = (
    (re.compile(rf"\b{_MONTH}\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})", re.I), ("m", "d", "y")),
    (re.compile(rf"\b(\d{{1,2}})\s+{_MONTH}\.?,?\s+(\d{{4}})", re.I), ("d", "m", "y")),
    (re.compile(r"\b(\d{4})[/-](\d{1,2})[/-](\d{1,2})\b"), ("y", "m", "d")),
    (re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]"), ("y", "m", "d")),
)


def find_dates(text: str) -> list[tuple[int, int, str]]:
    """(start, end, 'YYYY-MM-DD') of every date written in a text, in any of the forms pages use."""
    if not _YEAR.search(text):
        return []
    found = []
    for pattern, order in _DATES:
        for match in pattern.finditer(text):
            parts = dict(zip(order, match.groups(), strict=True))
            month = parts["m"]
            number = int(month) if month.isdigit() else _MONTHS.get(month.lower().rstrip("."), 0)
            day, year = int(parts["d"]), int(parts["y"])
            if 1 <= number <= 12 and 1 <= day <= 31 and 1990 <= year <= 2100:
                found.append((match.start(), match.end(), f"{year:04d}-{number:02d}-{day:02d}"))
    return sorted(found)


@lru_cache(maxsize=2048)  # a table's readers ask of each cell several times; pages repeat cells
def find_amounts(text: str) -> tuple[Decimal, ...]:
    """Every amount in a text, with dates, unit sizes (1M, 128K) and percentages left out."""
    if not _DIGIT.search(text):
        return ()
    text = clean_text(text)
    for start, end, _when in reversed(find_dates(text)):
        text = text[:start] + " " + text[end:]
    text = _COUNT.sub(_uncounted, text)
    text = _ANY_UNIT.sub(" ", text)
    amounts = []
    for match in _AMOUNT.finditer(text):
        try:
            value = Decimal(match.group(1).replace(",", "") + (match.group(2) or ""))
        except InvalidOperation:  # pragma: no cover - the pattern admits only digits
            continue
        if match.group(3):
            value *= _SCALE[match.group(3)]
        if value.adjusted() > 15:
            continue  # a run of digits (an id, a hash), no price
        amounts.append(value)
    return tuple(amounts)


def _shown(raw: str, limit: int = 120) -> str:
    """A text quoted in a message, a paragraph cut short."""
    return repr(raw if len(raw) <= limit else f"{raw[:limit]}…")


def parse_price(text: str, context: PriceContext | None = None) -> ParsedPrice | None:
    """Read one price from a cell's text.

    Returns None where the text holds no price at all ('', 'N/A', '-'); raises PriceParseError
    where it holds something price-like that cannot be read without guessing.
    """
    context = context or PriceContext()
    # the context's fields, not the context, key the cache: a tuple of them hashes and compares in C
    read = _read_price(text, context.currency, context.per, context.unit)
    if isinstance(read, str):
        raise PriceParseError(read)
    return read


@lru_cache(maxsize=2048)  # a page's cells repeat their prices ('$0.5 / 1M tokens'), and pages one another's
def _read_price(
    text: str, currency: str | None, per: int | None, unit: str | None
) -> ParsedPrice | str | None:
    """`parse_price`'s reading in the context of `currency`, `per` and `unit`: the price, None, or why the
    text cannot be read (a str)."""
    context = PriceContext(currency, per, unit)
    raw = clean_text(text)
    if _NOT_A_PRICE.match(raw):
        return None
    context = context.merged(context_of(raw))
    amounts = find_amounts(raw)
    free = bool(_FREE.search(raw))
    if free and (not amounts or all(a == 0 for a in amounts)):
        return ParsedPrice(
            amount=Decimal(0),
            currency=context.currency or "",
            per=context.per or MILLION,
            unit=context.unit or "tokens",
            free=True,
            raw=raw,
        )
    if not amounts:
        if re.search(r"\d", raw):
            return f"cannot read a price in {_shown(raw)}"
        return None
    if len(amounts) > 1:
        return f"more than one amount in {_shown(raw)}; not guessing which is the price"
    unknown = _UNKNOWN_UNIT.search(_ANY_UNIT.sub(" ", raw)) if find_unit(raw) is None else None
    if unknown:
        # '$0.20 / GB / day', '$4.98/Hour': a unit the grammar does not know is never taken for the
        # table's per-token unit
        return f"unit {unknown.group(1)!r} of {_shown(raw)} is not one monitor reads"
    if context.per is None or context.unit is None:
        return f"no unit (per 1K, per 1M ...) for {_shown(raw)} in the cell, header or page"
    if context.currency is None:
        return f"no currency for {_shown(raw)} in the cell, header, page or source"
    amount = normalize_decimal(amounts[0])
    return ParsedPrice(
        amount=amount,
        currency=context.currency,
        per=context.per,
        unit=context.unit,
        # '0元' and '$0' say free; a bare 0 under a priced header is only zero (a plausibility check
        # flags a change to it).
        free=amount == 0 and find_currency(raw) is not None,
        raw=raw,
    )


def format_per_million(amount: Decimal | None, currency: str, unit: str = "tokens") -> str:
    """'0.5 CNY / 1M tokens' -- the normalized form shown beside the page's own text."""
    if amount is None:
        return "-"
    return f"{_format_amount(amount)} {currency} / 1M {unit}"


def _format_amount(amount: Decimal) -> str:
    text = format(normalize_decimal(amount), "f")
    return text
