"""Pages without table markup, read as lines of text: flattened tables and model cards.

A converter or a script-drawn page often leaves a table as one cell per line (SiliconFlow: 'Model
Name', 'Input', 'Output', then 'DeepSeek-V3.2', '$', '0.27' ...), or shows each model as a card (a
name, then 'Input' and '$5 / MTok'). On a page with price tables they are read for the models no table
prices.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import lru_cache

from monitor.extract.cells import Cell, GridPrices, Slot, add_price, kind_from_unit
from monitor.extract.grid import MODEL_HEADER, Grid
from monitor.extract.labels import (
    ABOUT_PRICES,
    DISCOUNT,
    HOURLY,
    STORAGE,
    clean_model,
    heading_text,
    kind_of,
    split_model,
    tier_of,
)
from monitor.normalize import PriceContext, clean_text, context_of, find_amounts, without_units

_INLINE = re.compile(r"</?(?:code|b|strong|em|span)>|`|\*\*")
# a quote's '>' is followed by a space; '>200K context' is a comparison
_MARKUP = re.compile(r"^(?:#{1,6}\s+|[-*+]\s+|>(?:\s+|$))")
# '上下文 256K', 'Context window 200K': a line about a model, not its name
# a spec word with a size ('1000K 上下文', 'Max output 8K'); 'max' in a name ('Qwen3-Max') is no spec
_SPEC = re.compile(
    r"(?:上下文|窗口|长度|最大|默认|上限|context|window|length|(?<![\w-])max\b).*?\d+(?:[.,]\d+)*\s*(?:[KkMm万]|tokens?)"
    r"|\d+(?:[.,]\d+)*\s*(?:[KkMm万]|tokens?)\s*(?:上下文|context|window)|\s\d+(?:\.\d+)?\s*[KkMm]$",
    re.I,
)
_DIGIT = re.compile(r"\d")


@lru_cache(maxsize=2048)  # asked of every short line a card reader reads; pages repeat their menus
def _states_spec(line: str) -> bool:
    """A line that states a size beside a spec word ('1000K 上下文'): every such statement holds a
    figure, so a line with no digit is not searched."""
    return bool(_DIGIT.search(line)) and bool(_SPEC.search(line))


# 'arcee-trinity-large-thinking': an API's id, lower case words joined by hyphens
_API_ID = re.compile(r"^[a-z][a-z0-9.]*(?:-[a-z0-9.]+)+$")
# 'ByteDance / Doubao-Seed-Character': a publisher, then a model's name (with or without a version)
_PUBLISHED = re.compile(r"^[A-Za-z][\w.-]*(?: [A-Za-z][\w.-]*)? / [A-Za-z][\w .()（）-]{1,40}$")
_LINK = re.compile(r"^\[([^\]]*)\]\([^)]*\)$")
_ACTIONS = re.compile(r"^(?:actions?|操作|details?|详情|try it|api)$", re.I)
_CURRENCY_ONLY = re.compile(r"^(?:\$|US\$|¥|￥|€|元)$")
_NUMBER_ONLY = re.compile(r"^\d[\d,]*(?:\.\d+)?$")
_UNIT_ONLY = re.compile(r"^(?:/|per\b|每|元/)", re.I)
# A model name: letters and a digit, at most four words, not a sentence ('Prices shown are per 1M.').
_MODEL_LIKE = re.compile(
    r"^(?!/)(?=.*[A-Za-z\u4e00-\u9fff])(?=.*\d)(?!(?:\S+\s+){4})[\w .:/+()（）\[\]-]{2,40}(?<!\.)$"
)


# 'GLM 5.1 Beta`zai-org-glm-5-1`': a display name, then the model's id as code; the id is the model
_NAME_AND_ID = re.compile(r"^[^`]{1,60}?\s*`([\w./:@-]{2,60})`\s*$")


@lru_cache(maxsize=2048)  # a page's lines are asked several times; pages repeat their menus and footers
def _model_like(line: str) -> bool:
    """A line that can be a model's name ('Anthropic / Claude Sonnet 5' counts its publisher apart); a
    numbered heading's number ('137. Web search') is no version in a name."""
    line = heading_text(line)
    return bool(_MODEL_LIKE.match(line.replace(" / ", "/")) or _PUBLISHED.match(line) or _API_ID.match(line))


# a card drawn as one link to the model's own page: '[![logo](…) Qwen: Qwen3.5-27B … by phala|262K context|
# $0.30/M input|$2.40/M output …](https://red-pill.ai/models/qwen/qwen3.5-27b)'
_LINK_CARD = re.compile(
    r"\[((?:[^\[\]]|\[(?:[^\[\]]|\[[^\[\]]*\])*\](?:\([^()\s]*\))?)*)\]"
    r"\((https?://[^()\s]+?/models?/([^()\s?#]+?))/?\)"
)
_IMAGE = re.compile(r"!\[[^\[\]]*\]\([^()\s]*\)")


def link_cards(text: str) -> str:
    """Each card drawn as a link to its model's own page (aggregators' model lists, carousels), as
    lines a card reader reads: the model's id from the page it links to, then the card's parts."""

    def card(match: re.Match[str]) -> str:
        inside = _IMAGE.sub(" ", match.group(1))
        if not (find_amounts(inside) and context_of(inside).currency):
            return match.group(0)  # a link that prices nothing
        parts = [p.strip() for p in _SEPARATOR.split(inside) if p.strip()]
        priced = [p for p in parts if find_amounts(p) and context_of(p).currency]
        return "\n" + "\n".join([match.group(3), *priced]) + "\n"

    return _LINK_CARD.sub(card, text) if "/model" in text else text


def text_lines(text: str) -> list[str]:
    """Non-empty lines, price fragments glued back: '$', '0.27' -> '$0.27'; '5', '/ MTok' -> '5 / MTok'."""
    raw = [_plain(line) for line in text.splitlines()]
    lines: list[str] = []
    for line in (x for x in raw if x):
        link = _LINK.match(line)
        if link:
            line = link.group(1) or "link"
        if lines and (
            _CURRENCY_ONLY.match(lines[-1]) or (_UNIT_ONLY.match(line) and _ends_with_number(lines[-1]))
        ):
            lines[-1] = f"{lines[-1]}{'' if _CURRENCY_ONLY.match(lines[-1]) else ' '}{line}"
        else:
            lines.append(line)
    return lines


@lru_cache(maxsize=2048)  # pages repeat their menus and footers
def _plain(line: str) -> str:
    """A line without inline markup, a Markdown heading, list or quote mark, or a display name before
    the model's id."""
    return _MARKUP.sub("", _INLINE.sub("", _NAME_AND_ID.sub(r"\1", clean_text(line)))).strip()


def _ends_with_number(line: str) -> bool:
    return bool(re.search(r"\d$", line)) and len(line) <= 12


def _priced_column(label: str) -> bool:
    """A header that says its column holds prices by their unit ('Price (/image)', 'Price (/video)')."""
    return bool(re.search(r"price|cost|价格|单价", label, re.I) and context_of(label).per)


def flattened_grids(lines: list[str]) -> tuple[list[Grid], list[str]]:
    """Tables left as one cell per line, rebuilt as grids; rows that do not fit are reported."""
    grids: list[Grid] = []
    problems: list[str] = []
    i = 0
    while i < len(lines):
        if not MODEL_HEADER.match(lines[i]):
            i += 1
            continue
        header = [lines[i]]
        j = i + 1
        while j < len(lines) and len(lines[j]) <= 30 and not re.search(r"\d", lines[j]):
            header.append(lines[j])
            j += 1
        has_actions = bool(_ACTIONS.match(header[-1]))
        if not 3 <= len(header) <= 12 or not any(kind_of(h) or _priced_column(h) for h in header):
            i = j  # a menu or a list of names, not a price table's header
            continue
        rows: list[list[Cell]] = []
        while j < len(lines) and _model_like(lines[j]) and not find_amounts(lines[j])[1:]:
            row, j = _take_row(lines, j, len(header), has_actions)
            ended_with_action = has_actions and bool(_ACTIONS.match(row[-1]))
            if len(row) == len(header) or (
                has_actions and not ended_with_action and len(row) == len(header) - 1
            ):
                rows.append([_cell(x) for x in row])
            else:
                problems.append(
                    f"{row[0]}: {len(row) - 1} values under {len(header) - 1} columns "
                    f"({', '.join(header[1:])}): {' | '.join(row[1:])!r}; not guessing which is which"
                )
        if rows:
            grids.append(Grid(rows=[[Cell(h) for h in header], *rows]))
        i = j
    return grids, problems


def _take_row(lines: list[str], start: int, width: int, has_actions: bool) -> tuple[list[str], int]:
    """One row: up to the Actions link where the table has one, else `width` lines."""
    row = [lines[start]]
    j = start + 1
    while j < len(lines) and _about_the_model(lines[j]):
        row[0] = f"{row[0]}\n{lines[j]}"  # 'MiniMax-M3', then '上下文 ≤ 512K 永久五折': its tier and badge
        j += 1
    while j < len(lines) and len(row) < width:
        if has_actions and _ACTIONS.match(lines[j]):
            return [*row, lines[j]], j + 1
        if _model_like(lines[j]) and not re.match(r"^[\d.,]+\s*[KkMm]?$", lines[j]) and not _priced(lines[j]):
            break  # the next model: this row was short
        if len(lines[j]) > 24 and not _priced(lines[j]):
            break  # a sentence after the table: the table ended
        row.append(lines[j])
        j += 1
    return row, j


_UNIT_WORDS = re.compile(r"per|tokens?|characters?|chars?|audio|video|image|seconds?|minutes?|字符|每")


def _unit_kind(line: str, page: PriceContext) -> str | None:
    """The kind a price line's own unit makes it ('Per Image$0.29' -> per_image; 'Per 1M tokens$0.15' ->
    tokens), where the line says nothing but its unit and the amount."""
    stated = context_of(line)
    rest = _UNIT_WORDS.sub("", re.sub(r"[\d$¥￥€.,\s]", "", without_units(line)).lower())
    if stated.unit is None or rest:
        return None
    generic = stated.unit in ("tokens", "characters") and re.match(r"\s*(?:per|每)\b", line, re.I)
    return kind_from_unit(line, page) or (stated.unit if generic else None)


def _about_the_model(line: str) -> bool:
    """A line under a model's name in a flattened row that says the row's tier or a badge, not a price."""
    return not _priced(line) and bool(tier_of(line) or DISCOUNT.search(line)) and len(line) <= 40


def _cell(text: str) -> Cell:
    """'~~¥4.2~~ ¥2.1': the struck list price apart, as a table's cell keeps it."""
    struck = " ".join(_STRUCK.findall(text))
    return Cell(_STRUCK.sub(" ", text).strip(), struck=struck) if struck else Cell(text)


_STRUCK = re.compile(r"~~(.+?)~~")


@lru_cache(maxsize=2048)  # asked of every line of a card reader, and again by the flattened-table reader
def _priced(line: str) -> bool:
    """A line that states a price: an amount with a currency or unit, and not a definition or a sum
    ('此处 1M = 1,000,000', '1.5 积分/次 × 1.0 元/积分 = 1.5 元')."""
    if len(line) > 300 or _WORKED.search(line) or _PROSE.search(line):
        return False  # a paragraph, a sentence, a sum
    stated = context_of(line)
    # a figure with a unit and no currency is a price only in a short line ('0.27 / 1M tokens'); in a
    # longer one the unit is the sentence's ('每次请求的输入及输出长度')
    return bool(find_amounts(line)) and bool(stated.currency or (stated.per and len(line) <= 24))


_PROSE = re.compile(r"[，。；！？]|[.;!?]\s+\S+\s+\S+")  # a sentence's punctuation between words


_CARD_LINE = 80  # a card's price line is short: 'Input Price$1.75', '¥ 3.00 / M 输入 tokens'
_WORKED = re.compile(r"[=×]|\d\s*\*\s*\d")


@dataclass
class _Card:
    model: str = ""
    status: str = ""
    badge: str = ""
    priced: set[tuple[str, str]] = field(default_factory=set)  # the (kind, tier)s this card has priced
    at: int = 0  # the line its name stands on
    labels: list[str] = field(default_factory=list)
    unit: PriceContext | None = (
        None  # a line such as '元/百万 token' that gives the bare numbers below a unit
    )


# where a line holding several prices splits: separators, or a kind's label right before an amount
# ('by phala|262K context|$0.30/M input|$2.40/M output', 'Input Price$1.75 Output Price$5.50 Cache Read$0.33')
_SEPARATOR = re.compile(r"\s*[|·•]\s*")
_LABEL_AHEAD = re.compile(
    r"(?<=\S)\s*(?=(?:input|output|cache\s*(?:read|write|hit)s?|cached\s*input|prompt|completion)"
    r"(?:\s*price)?\s*[:：]?\s*(?:US\$|[$¥￥€]|\d))",
    re.I,
)


# 'Per month', '/seat/month', '每月', '/年': a subscription, which monitor does not read as a price of use
_PLAN = re.compile(r"(?:per|/)\s*(?:seat\s*/?\s*)?(?:month|year|mo\b|yr\b)|每月|/月|每年|/年|包月|包年", re.I)


_LINK_ONLY = re.compile(r"^\[?(?:https?://|/)\S+\]?$")
# a card's title: a few words, no sentence, no figure ('HAIKU', 'Claude Sonnet', 'GLM-4.5')
_TITLE_LINE = re.compile(r"^(?!.*[.:：,，;；。!?])(?=.*[A-Za-z\u4e00-\u9fff])\S+(?:\s\S+){0,3}$")


def _segmented(lines: list[str]) -> list[tuple[str, str]]:
    """Each line holding two or more prices as one line a price, with the tier that leads the whole
    line ('>200K context: $2.83/M input · $5.67/M output' is two prices above 200K)."""
    out: list[tuple[str, str]] = []
    for line in lines:
        if len(line) > 300 or len(find_amounts(line)) < 2:
            out.append((line, ""))  # one price, or a paragraph (no card line)
            continue
        head, colon, _rest = line.partition(":")
        tier = tier_of(head) if colon and len(head) <= 40 else ""
        for part in _SEPARATOR.split(line):
            out.extend((x, tier) for x in _LABEL_AHEAD.split(part) if x.strip())
    return out


def publisher_model(name: str) -> str:
    """'OpenAI / GPT-5.6-Terra' (a publisher, then its model, as aggregators show them) ->
    'OpenAI/GPT-5.6-Terra', the form model ids take; any other name is itself."""
    left, sep, right = name.partition(" / ")
    if sep and not re.search(r"\d", left) and len(left.split()) <= 2 and re.search(r"\d", right):
        return f"{left}/{right}"
    return name


_AMOUNT_START = re.compile(r"[\d$¥￥€]")  # where a price line's amount starts, after its label


def card_prices(lines: list[str], page: PriceContext, page_model: str = "") -> GridPrices:
    """Model cards: a name line, then label lines ('Input', 'Prompt caching', 'Write') each followed
    by a price line that states its currency or unit ('$5 / MTok', '8元 / M').

    On a model's own page (`page_model`, from its title) the whole page is that model's card, and a
    unit line ('元/百万 token') may give the bare figures below it their unit; elsewhere a bare figure
    is never read as a price.
    """
    out = GridPrices()
    model, status = clean_model(page_model) if page_model else ("", "")
    card = _Card(model=model, status=status)
    previous = ""
    for at, (line, line_tier) in enumerate(_segmented(lines)):
        if _LINK_ONLY.match(line):
            continue  # an image's or a link's address, nothing priced
        before = previous
        # (lines longer than a card's are passed over below, before the spec is asked again)
        spec = len(line) <= _CARD_LINE and _states_spec(line)
        if len(line) <= _CARD_LINE and not spec:
            previous = line  # '100,000 token context window' between a title and its prices says no more
        stated = context_of(line)
        if page_model and stated.per and not find_amounts(line) and len(line) <= 24:
            card.unit = stated  # '元/百万 token' above the page's bare figures
            continue
        bare = card.unit is not None and bool(_NUMBER_ONLY.match(line))
        if len(line) > _CARD_LINE:
            # a sentence that mentions a price is prose, not a card's price: said, never read
            if card.model and _priced(line):
                out.problems.append(f"{card.model}: a sentence, not a price list: {line[:100]!r}")
            continue
        if _priced(line) or bare:
            lead = _AMOUNT_START.split(line, maxsplit=1)[0]  # '输入单价 8元 / M': the label leads
            titled = _TITLE_LINE.match(before) and not kind_of(before) and before != card.model
            own = kind_of(lead) if lead.strip() else None
            if (
                not page_model
                and titled
                and own
                and (not card.model or any(k == own for k, _ in card.priced))
            ):
                # 'HAIKU' right above 'Input: $0.25 / MTok' (a price with its own label), where no card
                # is open or the open one has that price already: a new card's title names its model
                # even without a version number ('Private' above a card's first prices is a badge)
                model, status, badge = split_model(before)
                card = _Card(model=publisher_model(model), status=status, badge=badge, at=at)
            if lead.strip() and kind_of(lead):
                card.labels.append(lead.strip())
            elif len(line) <= 60 and kind_of(line):
                card.labels.append(line)  # '¥ 3.00 / M 输入 tokens', '$0.30/M input': the kind follows
            if not card.model and ((lead.strip() and kind_of(lead)) or kind_of(line)) and not bare:
                out.problems.append(f"a price with no model named above it: {line[:100]!r}")
            own_unit = _unit_kind(line, page)
            pending = bool(card.labels) and bool(
                kind_of(" ".join(card.labels[-2:])) or STORAGE.search(" ".join(card.labels[-2:]))
            )
            # only a card's first price, just below its name: a unit-only line further down may be the
            # page's next section's ('$10 / 1K searches' under the last model card is a tool's price)
            opening = not card.priced and at - card.at <= 3
            if own_unit and card.model and opening and not (lead.strip() and kind_of(lead)) and not pending:
                # 'Per Image$0.29', 'Per 1M Characters$3.50': a line that states only its unit prices it
                card.labels.append(line)
            if not card.model or not card.labels:
                continue
            label = card.labels[-1]
            kind = (
                kind_of(label) or kind_of(" ".join(card.labels[-2:])) or (own_unit if label == line else None)
            )
            if kind is None and STORAGE.search(label):
                kind = "cache_storage"  # '缓存存储[每小时]' then '0.017' under '元/百万 token'
            if kind is None:
                if not bare:  # a bare number under a unit line may be a version ('250115')
                    why = "a plan's price, not a price of use" if _PLAN.search(line) else "no kind named"
                    out.problems.append(f"{card.model}: {why}: {line!r}")
                continue
            tier = line_tier or tier_of(lead)
            if not page_model and (kind, tier) in card.priced:
                # a second input price after this card's: the next card's name was not recognised, and
                # its prices are never given to this model
                out.problems.append(
                    f"{card.model}: a second {kind} price {line!r} after this card's; the card it belongs "
                    "to names no model the reader can tell: not read"
                )
                card.labels.pop()
                continue
            slot = Slot(
                card.model,
                kind,
                tier,
                "",
                f"{card.model} / {label}",
                "",
                status=card.status,
                badge=card.badge,
                table="card",
            )
            first = len(out.prices)
            add_price(out, slot, line, page.merged(card.unit) if card.unit else page)
            card.priced.add((kind, tier))
            for k in range(first, len(out.prices)):
                price, section = out.prices[k]
                if kind == "cache_storage" and price.unit in HOURLY:
                    out.prices[k] = (replace(price, unit=HOURLY[price.unit]), section)
            card.labels.pop()
        elif (
            not page_model
            and _model_like(line)
            and not kind_of(line)
            and not spec
            and not ABOUT_PRICES.search(line)
        ):
            model, status, badge = split_model(line)
            card = _Card(model=publisher_model(model), status=status, badge=badge, at=at)
        elif len(line) <= 60 and not _DIGIT.search(line):
            card.labels.append(line)
    return out
