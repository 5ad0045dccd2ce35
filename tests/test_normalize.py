"""The price grammar: what it reads, and what it refuses to guess."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from monitor.errors import PriceParseError
from monitor.extract import peak_hours
from monitor.normalize import PriceContext, context_of, find_amounts, find_unit, parse_price

NONE = PriceContext()
CNY = PriceContext(currency="CNY")
USD = PriceContext(currency="USD")

# text, context, (amount, currency, per, unit, per_million)
READS = [
    ("0.02 元/千tokens", NONE, ("0.02", "CNY", 1000, "tokens", "20")),
    ("0.0005元/千tokens", NONE, ("0.0005", "CNY", 1000, "tokens", "0.5")),
    ("0.0008 元/千tokens", NONE, ("0.0008", "CNY", 1000, "tokens", "0.8")),
    ("4元/百万tokens", NONE, ("4", "CNY", 1_000_000, "tokens", "4")),
    ("16/百万tokens", CNY, ("16", "CNY", 1_000_000, "tokens", "16")),
    ("0.3元/万tokens", NONE, ("0.3", "CNY", 10_000, "tokens", "30")),
    ("2元/万字符", NONE, ("2", "CNY", 10_000, "characters", "200")),
    ("$4.5 (/M Tok/hr)", NONE, ("4.5", "USD", 1_000_000, "token-hours", "4.5")),
    ("0.5厘/千tokens", NONE, ("0.0005", "CNY", 1000, "tokens", "0.5")),
    ("1分/千tokens", NONE, ("0.01", "CNY", 1000, "tokens", "10")),
    ("￥１２/百万tokens", NONE, ("12", "CNY", 1_000_000, "tokens", "12")),
    ("8元 / M", NONE, ("8", "CNY", 1_000_000, "tokens", "8")),
    ("$5 / MTok", NONE, ("5", "USD", 1_000_000, "tokens", "5")),
    ("$0.80 / MTok", NONE, ("0.8", "USD", 1_000_000, "tokens", "0.8")),
    ("0.25$ / 1M tokens", NONE, ("0.25", "USD", 1_000_000, "tokens", "0.25")),
    ("US$1,234.50 per 1M tokens", NONE, ("1234.5", "USD", 1_000_000, "tokens", "1234.5")),
    ("0.2€ / 1M tokens", NONE, ("0.2", "EUR", 1_000_000, "tokens", "0.2")),
    ("$0.002 / 1K tokens", NONE, ("0.002", "USD", 1000, "tokens", "2")),
    ("$0.000002 per token", NONE, ("0.000002", "USD", 1, "tokens", "2")),
    ("$0.14", PriceContext(per=1_000_000, unit="tokens"), ("0.14", "USD", 1_000_000, "tokens", "0.14")),
    (
        "36",
        PriceContext(currency="CNY", per=1_000_000, unit="tokens"),
        ("36", "CNY", 1_000_000, "tokens", "36"),
    ),
    ("0.35", PriceContext(currency="CNY", per=1, unit="image"), ("0.35", "CNY", 1, "image", "350000")),
    ("$0.40/second", NONE, ("0.4", "USD", 1, "second", "400000")),
    ("$0.0020 per second of video", NONE, ("0.002", "USD", 1, "second", "2000")),
    ("$0.06 per 30 seconds", NONE, ("0.06", "USD", 30, "second", "2000")),
    ("$0.0003/page", NONE, ("0.0003", "USD", 1, "page", "300")),
    ("$2/1Mtokens", NONE, ("2", "USD", 1_000_000, "tokens", "2")),
    ("$0.08 per full song up to 3 mins", NONE, ("0.08", "USD", 1, "song", "80000")),
    ("$0.0002 / 1k characters input", NONE, ("0.0002", "USD", 1000, "characters", "0.2")),
]


@pytest.mark.parametrize(("text", "context", "expected"), READS, ids=[r[0] for r in READS])
def test_reads_amount_unit_and_currency(text: str, context: PriceContext, expected: tuple) -> None:
    """Each form a page uses reads as the exact amount, its unit and currency, and per 1M."""
    parsed = parse_price(text, context)
    assert parsed is not None
    amount, currency, per, unit, per_million = expected
    assert (parsed.amount, parsed.currency, parsed.per, parsed.unit) == (Decimal(amount), currency, per, unit)
    assert parsed.per_million == Decimal(per_million)


@pytest.mark.parametrize("text", ["免费", "限时免费", "Free", "free of charge", "0元/千tokens", "No charge"])
def test_free_is_zero_marked_free(text: str) -> None:
    """免费, 限时免费 and Free are a price of 0 marked free."""
    parsed = parse_price(text, CNY.merged(PriceContext(per=1000, unit="tokens")))
    assert parsed is not None
    assert parsed.amount == 0 and parsed.free


@pytest.mark.parametrize("text", ["", "N/A", "-", "—", "✓", "暂无"])
def test_no_price_is_none(text: str) -> None:
    """A cell that says there is no price is not a price and not an error."""
    assert parse_price(text, USD) is None


@pytest.mark.parametrize(
    ("text", "context", "reason"),
    [
        ("12", CNY, "no unit"),
        ("0.5", NONE, "no unit"),
        ("$0.435 (75% off) $1.74 / 1M tokens", NONE, "more than one amount"),
        ("3 / 1M tokens", NONE, "no currency"),
        ("MAXIMUM: 384K", USD, "cannot read"),
    ],
)
def test_refuses_to_guess(text: str, context: PriceContext, reason: str) -> None:
    """Where a number cannot be placed, the grammar says why instead of inventing a price."""
    with pytest.raises(PriceParseError, match=reason):
        parse_price(text, context)


def test_unit_and_currency_from_headers() -> None:
    """Headers carry units and currencies: 输入价格（元/M Tokens）, 1M INPUT TOKENS, Input (USD)."""
    assert context_of("输入价格（元/M Tokens）") == PriceContext("CNY", 1_000_000, "tokens")
    assert context_of("1M INPUT TOKENS (CACHE HIT)") == PriceContext(None, 1_000_000, "tokens")
    assert context_of("Input (USD)") == PriceContext("USD", None, None)
    assert context_of("价格（元/张）") == PriceContext("CNY", 1, "image")
    assert find_unit("上下文窗口大小（K）") is None


@pytest.mark.parametrize(
    ("header", "stated"),
    [
        ("Price per 1,000 input tokens", PriceContext(None, 1000, "tokens")),
        ("Price per 1,000 characters", PriceContext(None, 1000, "characters")),
        ("Price (/1M training characters)", PriceContext(None, 1_000_000, "characters")),
        ("Input text ($/M char)", PriceContext("USD", 1_000_000, "characters")),
        ("1M Input audio tokens", PriceContext(None, 1_000_000, "tokens")),
        ("Tuning for 1M training tokens", PriceContext(None, 1_000_000, "tokens")),
        ("Storage (M tok-hour)", PriceContext(None, 1_000_000, "token-hours")),
        ("Input video ($/sec)", PriceContext("USD", 1, "second")),
        ("Input video ($/per frame)", PriceContext("USD", 1, "frame")),
        # a count of something that is not a token, a character or a second is no unit we read
        ("$35 per 1,000 grounded prompts", PriceContext("USD", None, None)),
        # a rate limit is no price: a second, a frame or a page is a unit only beside money
        ("Requests per second", PriceContext(None, None, None)),
        ("QPS 每秒请求数上限", PriceContext(None, None, None)),
        ("Pages per minute (per page limit)", PriceContext(None, None, None)),
    ],
)
def test_gemini_headers_and_type_labels_state_their_units(header: str, stated: PriceContext) -> None:
    """The units Vertex AI's page writes in its headers and Type cells."""
    assert context_of(header) == stated


amounts = st.decimals(min_value=Decimal("0.0001"), max_value=Decimal("100000"), places=4)


@given(amounts)
def test_per_thousand_times_thousand_is_per_million(amount: Decimal) -> None:
    """A price per 1K tokens is the same price as 1000x per 1M tokens."""
    per_k = parse_price(f"{amount}元/千tokens")
    per_m = parse_price(f"{amount * 1000}元/百万tokens")
    assert per_k is not None and per_m is not None
    assert per_k.per_million == per_m.per_million


@given(amounts)
def test_formatting_round_trips(amount: Decimal) -> None:
    """A price written out with thousands separators reads back as the same amount."""
    parsed = parse_price(f"${amount:,f} / 1M tokens")
    assert parsed is not None and parsed.amount == amount


@given(st.text(alphabet=st.characters(blacklist_categories=("Nd",)), max_size=40))
def test_junk_never_becomes_a_number(text: str) -> None:
    """Text without digits is free, no price, or an error; never an invented amount."""
    try:
        parsed = parse_price(text, USD)
    except PriceParseError:
        return
    assert parsed is None or (parsed.free and parsed.amount == 0)


def test_bare_zero_is_zero_but_not_said_free() -> None:
    """'0元' and '$0' say free; a bare 0 under a priced header is only an amount of zero."""
    header = PriceContext(currency="CNY", per=1_000_000, unit="tokens")
    bare, yuan = parse_price("0", header), parse_price("0元/百万tokens", header)
    assert bare is not None and yuan is not None
    assert (bare.amount, bare.free, yuan.free) == (Decimal(0), False, True)


@pytest.mark.parametrize(
    ("prose", "hours"),
    [
        (
            "(1) Off-peak rates are half of the peak rates. "
            "Peak hours are 01:00 - 04:00 and 06:00 - 10:00 UTC (all other hours are off-peak).",
            "01:00-04:00, 06:00-10:00 UTC",
        ),
        (
            "高峰时段为 08:30~12:00、14:00~18:00（北京时间），其余为低谷时段。",
            "08:30-12:00, 14:00-18:00 北京时间",
        ),
        ("Peak hours: 00:30-16:30 UTC+8.", "00:30-16:30 UTC+8"),
        (  # DeepSeek's first notice (v01), en dashes and the zone in brackets
            "[Peak hours: 9:00–12:00 and 14:00–18:00 (Beijing Time, UTC+8) daily]",
            "9:00-12:00, 14:00-18:00 Beijing Time",
        ),
        ("Off-peak discounts apply at night.", ""),  # no hours stated: none invented
        ("The peak rates are shown above; updated 2026-08-16 10:00.", ""),  # a time, not a span of hours
    ],
)
def test_peak_hours_are_read_from_the_page(prose: str, hours: str) -> None:
    assert peak_hours(prose) == hours


def test_a_duration_is_no_amount() -> None:
    """'up to 3 mins', '3分钟', '1.5 hours' limit what a price buys; they are never read as its amount."""
    assert find_amounts("$0.08 per full song up to 3 mins") == (Decimal("0.08"),)
    assert find_amounts("限时 3分钟 内 2元") == (Decimal(2),)
    assert find_amounts("stored for 1.5 hours") == ()
