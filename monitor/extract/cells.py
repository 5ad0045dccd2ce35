"""One cell's text -> its prices: several labelled prices in one cell, variants, a second currency or
unit, a struck list price, dates, and what is reported when a cell cannot be read without guessing."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from decimal import Decimal
from functools import lru_cache

from monitor.errors import PriceParseError
from monitor.extract.labels import DISCOUNT, FREE_PROMO, date_phrase, kind_of, split_tiers
from monitor.models import Price
from monitor.normalize import (
    ParsedPrice,
    PriceContext,
    clean_text,
    context_of,
    find_amounts,
    find_currency,
    parse_price,
)


@dataclass
class Cell:
    text: str
    struck: str = ""  # text shown struck through (<del>, ~~x~~): a list price beside a discount
    marks: tuple[str, ...] = ()  # footnote marks on the cell ('3' for <sup>(3)</sup>)


@dataclass
class GridPrices:
    prices: list[tuple[Price, str]] = field(default_factory=list)  # (price, section)
    problems: list[str] = field(default_factory=list)


PROMO_FREE = "限时免费"  # the note on a price that is free for a limited time, beside its list price
# 'Online requests: $0.00015 <br> Batch requests: $0.00012': the cell's kind, and its batch price
_ONLINE_BATCH = re.compile(r"^(online|batch)\s+requests?\s*:\s*(.+)$", re.I)
# '$ 2.50 (¥17.50) / M': one price in a second currency, in brackets after the first
_MONEY = r"(?:US\$|[$¥￥€])\s*\d[\d,]*(?:\.\d+)?|\d[\d,]*(?:\.\d+)?\s*(?:元|美元|USD|CNY|RMB)"
_SECOND_CURRENCY = re.compile(rf"(?P<main>{_MONEY})\s*[(（]\s*(?P<other>{_MONEY})\s*[)）]")
# '(约0.0002元/秒)', '(equivalent to approximately $0.0001/second)', '(≈ ¥7)': an approximate restatement
_EQUIVALENT = re.compile(
    r"[(（]\s*((?:约|大约|折合|相当于|approx\.?|approximately|about|≈|~|equivalent to)"
    r"[^()（）]*\d[^()（）]*)[)）]",
    re.I,
)
# '$0.30 / million tokens (or $0.0003/page)': the same price stated in a second unit
_ALTERNATIVE = re.compile(r"[(（]\s*or\s+([^()（）]*\d[^()（）]*)[)）]", re.I)

# 'Batch Cache Hit:', '5m Cache Write:', 'Input:': a whole label before a colon
_COLON_LABEL = re.compile(r"(?m)^((?:\d+\s*[mh]\s+)?[A-Za-z][A-Za-z ]{0,30}?)\s*:\s*(?=[$€¥\d])")
# a labelled part that says what the request holds ('输入|包含视频：22.00', '输入|不含视频：46.00'): the
# condition of another price, not a price of the kind named before it ('输入|视频0.5元/秒' is one)
_CLAUSE = re.compile(r"\s*(?:音频|视频|图片|图像|文本)?\s*(?:不包含|不含|包含|含有|含|没有|不带|带有)")
_SEGMENT_LABEL = re.compile(
    r"(缓存未命中|缓存命中|命中缓存|输入|输出|cache\s*miss|cache\s*hits?|cached\s*input|input|output)"
    r"\s*(?:价格|单价|价)?\s*[:：]?",
    re.I,
)


# Not frozen, yet never changed once made (`replace` makes each variant): a frozen dataclass's __init__
# sets each field through object.__setattr__, seven times the cost, and a slot is made for every price.
@dataclass
class Slot:
    """Where a cell sits: whose price it is and under which kind, tier and condition."""

    model: str
    kind: str | None
    tier: str
    condition: str
    where: str  # how a problem names the cell: 'model / header'
    section: str
    row_says_free: bool = False  # another cell of the row says 免费 / free: a zero there is free
    status: str = ""  # the model's status note: deprecated, preview ...
    footnotes: dict[str, str] = field(default_factory=dict)  # the page's notes by mark
    badge: str = ""  # a note beside the model's name about its price ('限时2.5折')
    batch: bool = False  # the column prices batch use ('Batch API 定价')
    table: str = ""  # where the table is: its headings, tab and caption
    # the column is a price and nothing else ('单价'): a token price there prices all tokens
    generic: bool = False
    money_column: bool = False  # the column's prices name their currency: a bare figure there is out of place
    currency_said: bool = False  # the header or the row names the currency ('价格（元）'): figures are money


def read_cell(out: GridPrices, cell: Cell, slot: Slot, context: PriceContext) -> None:
    text = cell.text
    tiers = split_tiers(text) if (":" in text or "：" in text) else None
    if tiers:
        # '输入<=32k：输入 6 元/百万 tokens，输出 24 元/百万 tokens<br>32k<输入<=128k：…'
        for tier, body in tiers:
            read_cell(out, Cell(body), replace(slot, tier=tier, where=f"{slot.where} [{tier}]"), context)
        return
    variants = _split_variants(text) if "\n" in text else None
    if variants:
        # '$0.25 (Global)<br>$0.275 (Non-global)': one price per named variant, as its condition
        for name, body in variants:
            variant = f"{slot.condition} {name}".strip()
            read_cell(
                out, Cell(body), replace(slot, condition=variant, where=f"{slot.where} [{name}]"), context
            )
        return
    requests = _online_batch(text)
    if requests:
        # 'Online requests: $0.00015 <br> Batch requests: $0.00012' under an Input row
        for batch, body in requests:
            kind = slot.kind
            if kind and batch and not kind.startswith("batch_"):
                kind = f"batch_{kind}"
            if kind:
                add_price(out, replace(slot, kind=kind), body, context)
        return
    segments = _split_labelled(text)
    if segments:
        prefix, labelled = segments
        promo_free = bool(FREE_PROMO.search(prefix))
        for seg_kind, seg_text in labelled:
            if _CLAUSE.match(seg_text) and find_amounts(seg_text):
                # '输入包含视频：22.00': what the request holds, the condition of another price, not an
                # input price ('输入视频0.5元/秒' is one: a kind and its modality)
                out.problems.append(
                    f"{slot.where}: {quoted(seg_text, 60)} after the word for {seg_kind} is a condition "
                    f"(what the request holds or asks for), not the {seg_kind} price; not read"
                )
                continue
            add_price(out, replace(slot, kind=seg_kind), seg_text, context, promo_free=promo_free)
        return
    if slot.kind is None:
        # A generic price column: the unit says what is sold (per image, per request ...), or the
        # cell names its kind ('$0.0002 / 1k characters input'; a paragraph only mentions kinds).
        # A token price that names no kind anywhere ('单价 | 5 元 / 百万Tokens') is one price for
        # input and output tokens alike (kind 'tokens'; 'characters' for a price per character).
        named = kind_of(text) if len(clean_text(text)) <= 60 else None
        kind = kind_from_unit(text, context) or named
        unit = context.merged(context_of(text)).unit
        if kind is None and slot.generic and unit in ("tokens", "characters"):
            kind = unit
        if kind is None:
            # a figure is money where its cell or its header says so ('0.35' under '价格（元）')
            if find_amounts(text) and (names_money(text) or slot.currency_said):
                out.problems.append(f"{slot.where}: no kind of price named for {quoted(text)}")
            return
        slot = replace(slot, kind=f"batch_{kind}" if slot.batch and not kind.startswith("batch_") else kind)
    # '$0.435 (75% off⁽³⁾)' with the page's note 3 '… extended until 2026/05/31': the note dates the price
    noted = date_phrase(" ".join(slot.footnotes.get(mark, "") for mark in cell.marks)) if cell.marks else ""
    # (a discount is written with '%' or 折: a cell with neither is not searched)
    discount = DISCOUNT.search(text) if "%" in text or "折" in text else None
    if discount and cell.struck:
        # '$0.435 (75% off)' beside a struck '$1.74': the percentage is a note, not a second amount.
        text = re.sub(r"\(\s*\)", " ", DISCOUNT.sub(" ", text))
    add_price(out, slot, text, context, note=discount.group(1) if discount else "", dates=noted)
    if cell.struck:
        add_price(out, replace(slot, condition=f"{slot.condition} list".strip()), cell.struck, context)


def quoted(text: str, limit: int = 100) -> str:
    """A cell's text for a problem's message, a long paragraph cut short."""
    flat = clean_text(text)
    return repr(flat if len(flat) <= limit else f"{flat[:limit]}…")


def names_money(text: str) -> bool:
    stated = context_of(text)
    return bool(stated.currency or stated.per or FREE_PROMO.search(text))


def kind_from_unit(text: str, context: PriceContext) -> str | None:
    unit = context.merged(context_of(text)).unit
    return {
        "image": "per_image",
        "request": "per_request",
        "second": "per_second",
        "frame": "per_frame",
        "page": "per_page",
        "song": "per_song",
        "minute": "per_minute",
        "video": "per_video",
    }.get(unit or "")


_VARIANT = re.compile(
    r"^(?P<price>.*?\d.*?)\s*[(（](?P<name>[A-Za-z\u4e00-\u9fff][\w .\-\u4e00-\u9fff]{1,24})[)）]\W*$"
)


def _split_variants(text: str) -> list[tuple[str, str]] | None:
    """Lines 'price (name)', two or more: [('global', '$0.25'), ('non-global', '$0.275')]."""
    lines = [clean_text(line) for line in text.splitlines() if clean_text(line)]
    if len(lines) < 2:
        return None
    found = [_VARIANT.match(line) for line in lines]
    if not all(found):
        return None
    return [(m.group("name").strip().lower(), m.group("price")) for m in found if m]


def _online_batch(text: str) -> list[tuple[bool, str]] | None:
    """Lines 'Online requests: $x' / 'Batch requests: $y' -> [(False, '$x'), (True, '$y')]."""
    if "request" not in text.lower():
        return None  # most cells: no line to look at
    lines = [clean_text(line) for line in text.splitlines() if clean_text(line)]
    found = [_ONLINE_BATCH.match(line) for line in lines]
    if not lines or not all(found):
        return None
    return [(m.group(1).lower() == "batch", m.group(2)) for m in found if m]


@lru_cache(maxsize=2048)  # asked of every cell; pages repeat their cells' texts
def _split_labelled(text: str) -> tuple[str, tuple[tuple[str, str], ...]] | None:
    """'限时免费。输入0.004/千tokens，输出0.016/千tokens' -> ('限时免费。', ((input, ...), (output, ...)))."""
    lined = "\n".join(clean_text(line) for line in text.splitlines() if clean_text(line))
    named = list(_COLON_LABEL.finditer(lined))
    if len(named) >= 2:
        flat = lined
        # 'Input: $5.00 Output: $25.00 Batch Input: $2.50 5m Cache Write: $6.25 Batch Cache Hit: $0.25':
        # each label whole, so 'Batch Cache Hit' is never read as 'Cache Hit'
        pieces = []
        for k, match in enumerate(named):
            end = named[k + 1].start() if k + 1 < len(named) else len(flat)
            kind = kind_of(match.group(1))
            body = flat[match.end() : end].strip(" ,，;；。、")
            if kind and body:
                pieces.append((kind, body))
        return (flat[: named[0].start()], tuple(pieces)) if pieces else None
    flat = clean_text(text.replace("\n", " "))
    matches = list(_SEGMENT_LABEL.finditer(flat))
    if not matches or not any(re.search(r"\d", flat[m.end() :]) for m in matches):
        return None
    if len(matches) == 1 and matches[0].start() > 0 and re.search(r"\d", flat[: matches[0].start()]):
        return None  # '$3 input' style: the label does not lead the amount
    segments: list[tuple[str, str]] = []
    for k, match in enumerate(matches):
        end = matches[k + 1].start() if k + 1 < len(matches) else len(flat)
        kind = kind_of(match.group(1))
        body = flat[match.end() : end].strip(" ,，;；。、")
        if kind and body:
            segments.append((kind, body))
    return (flat[: matches[0].start()], tuple(segments)) if segments else None


def add_price(
    out: GridPrices,
    slot: Slot,
    text: str,
    context: PriceContext,
    note: str = "",
    promo_free: bool = False,
    dates: str = "",
) -> None:
    # a restatement, a second currency and a second unit are each written in brackets
    bracketed = "(" in text or "（" in text
    equivalent = _EQUIVALENT.search(text) if bracketed else None
    if equivalent:
        # '16元/百万 tokens(约0.0002元/秒)': the same price restated approximately, a note
        text = f"{text[: equivalent.start()]} {text[equivalent.end() :]}"
        note = "; ".join(x for x in (note, clean_text(equivalent.group(1))) if x)
    second = _SECOND_CURRENCY.search(text) if bracketed else None
    if second and find_currency(second.group("main")) != find_currency(second.group("other")):
        # '$ 2.50 (¥17.50) / M 输入 tokens': the price in two currencies, a record in each
        head, tail = text[: second.start()], text[second.end() :]
        add_price(out, slot, f"{head}{second.group('other')}{tail}", context, note, dates=dates)
        text = f"{head}{second.group('main')}{tail}"
    alternative = _ALTERNATIVE.search(text) if bracketed else None
    if alternative:
        # '$0.30 / million tokens (or $0.0003/page)': two records, each in the unit it states
        text = f"{text[: alternative.start()]} {text[alternative.end() :]}"
        add_price(out, slot, alternative.group(1), PriceContext(currency=context.currency), note, dates=dates)
    dated = date_phrase(text) or dates
    if dated.startswith("from "):  # 'starting September 1, 2026': a price not in force yet
        slot = replace(slot, condition=f"{slot.condition} {dated}".strip())
    elif dated:  # 'through August 31, 2026': the price now, and when it ends
        note = f"{note} {dated}".strip()
    try:
        parsed = parse_price(text, context)
    except PriceParseError as exc:
        out.problems.append(f"{slot.where}: {exc}")
        return
    if parsed is None:
        return
    stated = context_of(text)
    if slot.money_column and not parsed.free and not (stated.currency or stated.per):
        out.problems.append(
            f"{slot.where}: {quoted(text)} is a bare figure in a column whose prices name their currency "
            "(a cell out of place?); not read"
        )
        return
    if parsed.amount == 0 and slot.row_says_free:
        parsed = replace(parsed, free=True)
    if promo_free and not parsed.free:
        # 限时免费 beside the list price: the price now is 0, the list price is kept beside it.
        free = replace(parsed, amount=Decimal(0), free=True, raw="限时免费")
        out.prices.append((_price(slot, free, PROMO_FREE), slot.section))
        slot = replace(slot, condition=f"{slot.condition} list".strip())
    out.prices.append((_price(slot, parsed, note), slot.section))


def _price(slot: Slot, parsed: ParsedPrice, note: str) -> Price:
    assert slot.kind is not None
    # (each joins the two parts that are not empty)
    note = f"{slot.badge}; {note}" if slot.badge and note else slot.badge or note
    where = f"{slot.table} › {slot.where}" if slot.table and slot.where else slot.table or slot.where
    return parsed.to_price(slot.model, slot.kind, slot.tier, slot.condition, note, slot.status, where)
