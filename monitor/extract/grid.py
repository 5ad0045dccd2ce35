"""Tables as grids of cell texts -> prices: which column or row names the model, which the prices.

Every layout is read by what its cells say: models as rows (a header of 模型 / Model, 输入 / Input ...,
or names beside kind columns), models as columns (DeepSeek's MODEL row; a column of price labels under
a row of names), kinds as rows under a model's heading. Each cell's own text is read in `cells.py`.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field, replace
from functools import lru_cache

from monitor.extract.cells import PROMO_FREE, Cell, GridPrices, Slot, names_money, quoted, read_cell
from monitor.extract.labels import (
    ABOUT_PRICES,
    CONDITION,
    DISCOUNT,
    FREE_PROMO,
    HOURLY,
    LIMIT,
    MODEL_TITLE,
    STORAGE,
    date_phrase,
    kind_of,
    model_names,
    row_kind,
    section_topic,
    split_model,
    tier_of,
    tiers_of,
    with_modality,
)
from monitor.models import model_id
from monitor.normalize import (
    PriceContext,
    clean_text,
    context_of,
    find_amounts,
    find_currency,
    without_units,
)


@dataclass
class Grid:
    """One table, spans expanded; `section` is the nearest heading above it."""

    rows: list[list[Cell]]
    section: str = ""
    preamble: str = ""  # the sentence just above the table ('The new prices take effect on …:')
    # Markdown converters drop the cells a rowspan covered; HTML grids are already whole.
    collapsed_spans: bool = False
    footnotes: dict[str, str] = field(default_factory=dict)  # the page's notes by mark: '3' -> '(3) The …'
    page_model: str = ""  # the page's title where it names one model (a model's own pricing page)
    # models the page's other tables name that the text just above this table names too: the models
    # of a table that has tier columns and no model column (Anthropic's long-context table)
    named_models: tuple[str, ...] = ()
    condition: str = ""  # what every price of the table is ('fast mode', from its section)
    unread: str = ""  # why a table that holds amounts cannot be read (its problem, reported)
    hint_model: str = ""  # the model the source's model_from hint names for this table
    headings: list[str] = field(default_factory=list)  # the headings above it, outermost first
    currency_stated: bool = False  # the page or the lines around the table name the currency ('单位：元')
    tab: str = ""  # the tab or pane it is shown in (广州, Standard): a condition of its prices
    caption: str = ""
    lead: list[str] = field(default_factory=list)  # the text lines just before it
    trail: list[str] = field(default_factory=list)  # the text lines just after it

    def topic(self) -> str:
        """The nearest heading above the table that says something of it ('Overview' does not)."""
        return next((h for h in reversed(self.headings) if section_topic(h)), "")

    def sections(self) -> str:
        """The headings the table stands under, outermost first ('Pricing > Fast mode pricing'), and
        the bold line that names it within the last ('**openrouter**平台价格：')."""
        parts = list(self.headings)
        last = self.section.rpartition(" > ")[2]
        if last and (not parts or last != parts[-1]):
            parts.append(last)
        return " > ".join(parts)

    def path(self) -> str:
        """Where the table is, as a reader would say it: 'Pricing > Text models > tab 广州'."""
        parts = [*self.headings, *([f"tab {self.tab}"] if self.tab else [])]
        if self.caption:
            parts.append(f"table {self.caption!r}")
        return " > ".join(parts) or "table"


# a model column's header ('Model', 'Model ID', '模型名称', '模型 ID'); not 'Base model': a table of
# fine-tuned models or of apps names the base model beside what it prices
MODEL_HEADER = re.compile(
    r"^(?:(?:available |supported )?(?:models?|model names?|model ids?)|tools?|agents?"
    r"|(?:可用|适用|支持)?模型\s?(?:名称|名|ID)?|名称|工具(?:名称)?)$",
    re.I,
)
# A generic price column: its cells say which kind each price is (输入 ..., 输出 ...).
_PRICE_HEADER = re.compile(r"price|pricing|cost|价格|计费说明|定价|费用|单价", re.I)
_FROM_DATE = re.compile(r"\s*\bfrom (\d{4}-\d{2}-\d{2})$")
_PRICE_WORDS = re.compile(r"price|pricing|billing|价格|收费|计费|定价", re.I)
_UNIT_KIND = re.compile(r"\bper\s+[\d,.]+\s*[km]?\s+(?:input|output)\s+tokens?\b", re.I)
_BATCH = re.compile(r"\bbatch\b|批量|批处理", re.I)
_PRIORITY = re.compile(r"\bpriority\b", re.I)


_FIELD_NAME = re.compile(r"[A-Za-z]+(?:_[A-Za-z]+)+|[a-z]+(?:[A-Z][a-z]+)+")


def _header_text(cell: Cell) -> str:
    """A header cell's words: 'model_name' and 'inputPrice' (field names shown as headers) are
    'model name' and 'input Price'."""
    return _header_words(cell.text)


@lru_cache(maxsize=4096)  # asked of every row's model cell, and of header rows several times
def _header_words(text: str) -> str:
    text = clean_text(text.replace("\n", " ")).strip("* ")
    if _FIELD_NAME.fullmatch(text):  # a field's name, not 'LoRA'
        text = re.sub(r"(?<=[a-z])(?=[A-Z])|_", " ", text).strip()
    return text


def prices_from_grid(grid: Grid, page: PriceContext, as_of: str) -> GridPrices:
    """Read every price in one table, or nothing where it is not a price table.

    `as_of` (YYYY-MM-DD) is the day the page is read: a price announced 'from' a later day is a
    future price, kept apart from today's; one 'from' a day already past is simply today's price.
    """
    found = _read_grid(grid, page)
    starting = date_phrase(grid.preamble) if _PRICE_WORDS.search(grid.preamble) else ""
    prices = []
    for price, section in found.prices:
        if starting.startswith("from ") and price.note == PROMO_FREE:
            # '于2025年3月31日开始收费' over 限时免费 rows: the free price is today's, until that day
            price = replace(price, note=f"{price.note} until {starting[5:]}")
        elif starting.startswith("from "):
            price = replace(price, condition=f"{price.condition} {starting}".strip())
        current = _future_only(price.condition, as_of)
        prices.append((price if current == price.condition else replace(price, condition=current), section))
    found.prices = prices
    return found


def _future_only(condition: str, as_of: str) -> str:
    match = _FROM_DATE.search(condition) if "from " in condition else None  # most prices: no date
    if match and match.group(1) <= as_of:
        return condition[: match.start()].strip()
    return condition


# '永久五折', '五折': a discount in words (DISCOUNT reads '50% off' and '5折')
_PERMANENT_DISCOUNT = re.compile(r"(?:永久|限时)?[一二三四五六七八九]折")
# a heading over a worked example: its table computes a bill from prices, it does not list them
_EXAMPLE = re.compile(r"\bexamples?\b|示例|举例|计费示例|例子|計算例", re.I)


def _read_grid(grid: Grid, page: PriceContext) -> GridPrices:
    if grid.unread:
        return GridPrices(problems=[grid.unread])
    rows = [row for row in grid.rows if any(c.text.strip() for c in row)]
    if len(rows) < 2:
        return GridPrices()
    if _EXAMPLE.search(grid.topic()):
        sums = [
            quoted(c.text, 40) for row in rows for c in row if find_amounts(c.text) and find_currency(c.text)
        ]
        if not sums:
            return GridPrices()
        return GridPrices(
            problems=[f"{grid.path()}: a worked example, not a price list ({', '.join(sums)}); not read"]
        )
    for index, row in enumerate(rows[:3]):
        columns = [_header_text(c) for c in row]
        if any(MODEL_HEADER.match(c) for c in columns):
            # A header row with MODEL alone in its label cells is the models-as-columns layout.
            model_cols = [j for j, c in enumerate(columns) if MODEL_HEADER.match(c)]
            if _is_column_layout(columns, model_cols, rows[index + 1 :]):
                return _read_columns(rows[index:], page, grid)
            return _read_rows(rows[index:], model_cols[0], page, grid)
    header = [_header_text(c) for c in rows[0]]
    if grid.named_models and (all(tier_of(c) for c in header) or any(kind_of(c) for c in header)):
        # '| ≤ 200K input tokens | > 200K input tokens |' under 'When using Claude Sonnet 4 or Sonnet 4.5 …'
        named = [
            [Cell("Model" if i == 0 else model), *row]
            for model in grid.named_models
            for i, row in enumerate(rows)
        ]
        return _read_rows(named, 0, page, grid)
    if grid.hint_model and any(kind_of(c) for c in header) and not any(MODEL_HEADER.match(c) for c in header):
        # the source says where the model is named (model_from): the table prices it, kinds as columns
        named = [[Cell("Model" if i == 0 else grid.hint_model), *row] for i, row in enumerate(rows)]
        return _read_rows(named, 0, page, grid)
    if grid.page_model and sum(1 for c in header if kind_of(c) and context_of(c).per) >= 2:
        # A model's own page (Volcengine: '# doubao-seed-1.8'): its table has no model column.
        named = [[Cell("模型" if i == 0 else grid.page_model), *row] for i, row in enumerate(rows)]
        return _read_rows(named, 0, page, grid)
    return _read_unlabelled(rows, page, grid)


# a figure with its currency beside it ('$25', '¥ 0.8', 'USD 2', '0.8元'), not a currency and a figure
# apart ('Input (USD per 1,000,000 tokens)', 'Price (USD, 2025)')
_SUM_OF_MONEY = re.compile(
    r"(?:US\$|[$¥￥€£]|\b(?:USD|CNY|RMB|EUR)\s?)\s?\d|\d\s?(?:元|美元|\b(?:USD|CNY|RMB|EUR|dollars?)\b)", re.I
)


def _read_unlabelled(rows: list[list[Cell]], page: PriceContext, grid: Grid) -> GridPrices:
    """A price table whose header does not say 'Model': which layout it is, from what its cells say.

    - models as columns: the first column labels prices ('最低输入价格（每百万 Token）', 'Input'), the
      header row names the models;
    - models as rows: the header names kinds ('Input', 'Output price'), the first column names;
    - kinds as rows under a model's heading: the first column names kinds ('输入（缓存命中）'), the
      header a price ('单价（每百万 tokens）'); the model is the heading above (or the page's title).
    """
    labels = [_header_text(r[0]) for r in rows if r]
    priced_labels = [
        x
        for x in labels[1:]
        if kind_of(x) and (_PRICE_HEADER.search(x) or context_of(x).per) and not find_amounts(x)
    ]
    for index, row in enumerate(rows[:3]):
        header = [_header_text(c) for c in row]
        if any(_SUM_OF_MONEY.search(c) for c in header):
            continue  # a row with a sum of money in it ('$25 per 1,000 prompts') prices something: no header
        rest = header[1:]
        if (
            len(priced_labels) >= 1
            and rest
            and all(rest)
            and not any(_RESOLUTION_VALUE.match(c) for c in rest)
            and not any(kind_of(c) or _PRICE_HEADER.search(c) or find_amounts(c) or tier_of(c) for c in rest)
        ):
            return _read_columns(rows[index:], page, grid, first_model=1)
        kinds = [c for c in rest if kind_of(c)]
        body = [_header_text(r[0]) for r in rows[index + 1 :] if r]
        names = [x for x in body if x and not kind_of(x) and not tier_of(x) and not find_amounts(x)]
        if kinds and not kind_of(header[0]) and names and len(names) * 2 >= len(body):
            return _read_rows(rows[index:], 0, page, grid)
        priced = [c for c in rest if _PRICE_HEADER.search(c) or context_of(c).per]
        kinds_down = [x for x in body if row_kind(x)]
        if priced and not kinds and kinds_down and len(kinds_down) * 2 >= len(body):
            model = grid.hint_model or _heading_model(grid)
            if not model:
                shown = [quoted(c.text, 40) for r in rows[index + 1 :] for c in r[1:] if find_amounts(c.text)]
                return GridPrices(
                    problems=[
                        f"{grid.section or 'a table'}: prices by kind ({', '.join(kinds_down[:3])}: "
                        f"{', '.join(shown)}) with no model named above them; the source's model_from hint "
                        "says where the model is"
                    ]
                )
            named = [[Cell("Model" if i == 0 else model), *r] for i, r in enumerate(rows[index:])]
            return _read_rows(named, 0, page, grid, kinds_in_rows=True)
    # a figure is money where its cell names a currency, or its column's header does ('输入 元/百万token',
    # 'Input (USD per 1M tokens)' over bare figures): a header of words, not a figure ('$0.50 per 1M
    # tokens' in a first row of values), nor a limit ('Max monthly bill (USD)')
    money = {
        j
        for j, c in enumerate(rows[0])
        if context_of(label := _header_text(c)).currency
        and not find_amounts(label)
        and not LIMIT.search(label)
    }
    priced = [
        clean_text(c.text)
        for row in rows[1:]
        for j, c in enumerate(row)
        if find_amounts(c.text) and (j in money or find_currency(c.text))
    ]
    amounts = len(priced)
    heading_model = _named_by_heading(grid)
    if amounts and heading_model:
        # tiers as rows and kinds as columns right under a heading that is a model's id ('#### Qwen3.5-Plus',
        # '### deepseek-v3'): that model's prices, as a model's own page prices its title's model
        named_rows = [[Cell("Model" if i == 0 else heading_model), *r] for i, r in enumerate(rows)]
        return _read_rows(named_rows, 0, page, grid)
    if amounts:
        # prices in a layout that names no model (tiers as rows under the table of models above it):
        # said, never given to a guessed model (a table with a sentence above it may be read for the
        # models that sentence names, later)
        return GridPrices(
            problems=[
                f"{grid.path()}: a table of {amounts} prices that {NO_MODEL} ({', '.join(priced)}); not "
                "read (the source's model or model_from hint says whose they are)"
            ]
        )
    return GridPrices()


NO_MODEL = "names no model"  # what a problem says of a price table no model can be read for


def _tier_column(column: _Column, cells: list[Cell]) -> _Column:
    """A column whose every cell is a length range ('0<Token≤128K', '128K<Token≤256K') holds the rows'
    tiers, whatever its header says ('单次请求的输入Token数' names input, but holds no input price)."""
    if column.kind is None and not column.price_header:
        return column  # a label column already
    ranges = 0
    for cell in cells:
        text = clean_text(cell.text)
        if not text:
            continue  # an empty cell says nothing either way
        if not tier_of(text) or names_money(text):
            return column  # a price column's first price ends the search
        ranges += 1
    if ranges >= 2:
        return replace(
            column, kind=None, price_header=False, stated=PriceContext(), generic=False, batch=False
        )
    return column


def _labels_columns(row: list[str], model_col: int) -> bool:
    """A row that labels columns, as a header does: another label beside 'Model' that names a kind, a
    price, a size or a tier, and no money ('Tools' or '名称' spanning a row is a group's name)."""
    others = {t for j, t in enumerate(row) if j != model_col and t and t != row[model_col]}
    return not any(names_money(t) and find_amounts(t) for t in others) and any(
        kind_of(t) or _PRICE_HEADER.search(t) or _SIZE_HEADER.match(t) or tier_of(t) for t in others
    )


def _named_by_heading(grid: Grid) -> str:
    """The model id the heading right above a table is ('Qwen3.5-Plus', 'doubao-seed-1.6'), or '': a
    heading with words about prices, a tier, a series ('qwen3-vl-flash系列') or a numbered section
    ('3. 上下文增强计费') is no model's id."""
    heading = grid.topic()  # the nearest heading that says something ('Overview' says nothing)
    if not heading:
        return ""
    name, _status, _badge = split_model(clean_text(heading).strip("*# "))
    if not _MODEL_ID.match(name) or ABOUT_PRICES.search(name) or tier_of(name) or kind_of(name):
        return ""
    return name


def _heading_model(grid: Grid) -> str:
    """The model a table's nearest heading (or the page's title) names, or ''."""
    for heading in [*reversed(grid.headings), grid.page_model]:
        name = clean_text(heading)
        if name and MODEL_TITLE.match(name) and not tier_of(name):
            return split_model(name)[0]
    return ""


def _is_sub_header(row: list[Cell], model_col: int) -> bool:
    """A header's second row: labels and units only ('（Token数）', '（每百万Token）', 'Input', '≤ 200K'),
    one of them a unit or a kind, no price and no model."""
    texts = [clean_text(c.text) for c in row]
    # a model's cell with a badge or a status beside the name ('DeepSeek-R1 (new)') still names a model
    if not any(texts) or (model_col < len(texts) and _MODEL_ID_LIKE.match(split_model(texts[model_col])[0])):
        return False
    if any(find_amounts(t) and (find_currency(t) or not context_of(t).per) for t in texts if not tier_of(t)):
        return False
    return any(context_of(t).per or kind_of(t) for t in texts)


_MODEL_ID_LIKE = re.compile(r"^(?=.*[A-Za-z])(?=.*\d)[\w.:/@ -]{2,60}$")
# a model's id as a heading writes it: letters and a digit, no spaces, no CJK ('Qwen3.5-Plus', 'glm-4.5')
_MODEL_ID = re.compile(r"^(?=[^\s]*[A-Za-z])(?=[^\s]*\d)[A-Za-z0-9][A-Za-z0-9.:/@_-]{1,60}$")


def _with_sub_header(rows: list[list[Cell]], model_col: int) -> list[list[Cell]]:
    """A header of two rows read as one: each column's label is its cells top to bottom ('Input' over
    '≤ 200K' is 'Input ≤ 200K'). Where a converter collapsed the second row's spans (fewer cells than
    the header), its price unit ('（每百万Token）') is stated for every column that names a kind."""
    if len(rows) < 3 or not _is_sub_header(rows[1], model_col):
        return rows
    header, sub = rows[0], rows[1]
    if len(sub) == len(header):
        joined = [
            Cell(f"{h.text} {b.text}" if clean_text(b.text) not in clean_text(h.text) else h.text)
            for h, b in zip(header, sub, strict=True)
        ]
        return [joined, *rows[2:]]
    units = [clean_text(c.text) for c in sub if context_of(c.text).per and not find_amounts(c.text)]
    if len(units) != 1:
        return rows
    labels = [
        Cell(f"{h.text} {units[0]}") if kind_of(_header_text(h)) and not context_of(h.text).per else h
        for h in header
    ]
    return [labels, *rows[2:]]


def _is_column_layout(columns: list[str], model_cols: list[int], body: list[list[Cell]]) -> bool:
    """MODEL | (MODEL) | name-a | name-b: no header word after the label cells names a price; and not a
    table whose rows under MODEL are models' ids and whose other headers each state a price's unit
    ('模型 | 在线推理 元/百万token | 离线推理 元/百万token': the rows are the models, the columns prices;
    under 'Model | chat-a ($/1M)' the rows name kinds)."""
    last_label = max(model_cols)
    rest = columns[last_label + 1 :]
    if not rest or any(
        kind_of(c) or _PRICE_HEADER.search(c) or tier_of(c) or _SIZE_HEADER.match(c) for c in rest
    ):
        return False
    # (the rows' labels are looked at only here: most tables with a MODEL cell name a price in the header)
    at = model_cols[0]
    named = [x for x in (_header_text(r[at]) for r in body if len(r) > at) if x]
    ids = sum(1 for x in named if _LEADS_WITH_ID.match(x))
    return not (named and ids * 2 >= len(named) and all(_states_price_unit(c) for c in rest if c))


def _states_price_unit(header: str) -> bool:
    stated = context_of(header)
    return bool(stated.currency and stated.per)


# a label that begins with a model's id, a word of Latin letters with a digit in it
# ('doubao-seedance-1.0-pro', 'gpt-4o 按输入区分定价'), not a figure with its unit ('1M input tokens',
# 'Input/1M tokens'), nor a qualifier before a kind's word ('GPT4 input', 'FP8 input price', 'V3输入价格')
_LEADS_WITH_ID = re.compile(
    r"[A-Za-z][A-Za-z0-9.:_+-]*\d[A-Za-z0-9.:_+-]*(?=\s|$|[(（])"
    r"(?!\s*(?:input|output|cached|cache|batch|prompt|completion|training|输入|输出|缓存|批量|训练))",
    re.I,
)


_RESOLUTION_VALUE = re.compile(r"^\d{3,4}\s*[pP]$|^\d\s*[kK]$")  # '1080p', '4K': no model's name
_DESCRIPTION = re.compile(r"简介|介绍|说明|描述|\bdescription\b|\bnotes?\b|\babout\b", re.I)
# a column of resolutions or sizes: its '2K 及以上' is a condition, never a context tier
_RESOLUTION = re.compile(r"分辨率|清晰度|尺寸|像素|resolution|\bsize\b|pixels?", re.I)
_TIER_NOTE = re.compile(r"\s*[(（]([^()（）]{1,40})[)）]\s*$")  # a note in brackets after a name
# a column headed by an output size ('1024 x 1024', '1536×1024', '512x512 px'): each is a price per image
# (or video) at that size, the size its condition
_SIZE_HEADER = re.compile(r"^(\d{2,5})\s*[x×*]\s*(\d{2,5})(?:\s*px)?$", re.I)
# a column of estimates or averages ('Estimated cost', 'Average Input Price', '预估费用'): not a price list
_ESTIMATE = re.compile(r"\bestimat|\baverage\b|\bapprox|估算|预估|平均(?:价格|费用|单价)", re.I)
# a sentence, not a name: 'The number of output characters per month', or over a dozen words
_SENTENCE = re.compile(
    r"^(?:(?:the|an?|each|every|all)\s(?!.*\d)(?:\S+\s+){4,}\S+|(?:\S+\s+){12,}\S+)$", re.I
)

# what a generic price header may say besides its unit
_GENERIC_WORDS = re.compile(
    r"price|pricing|cost|per|unit|batch|api|with|tokens?|characters?|chars?|价格|单价|定价|费用|计费说明|批量|批处理"
    r"|字符|元|美元|usd|cny|rmb|[$¥￥€]",
    re.I,
)


@dataclass(frozen=True)
class _Column:
    """What a header cell says, worked out once per table rather than once per row."""

    label: str
    kind: str | None
    price_header: bool  # 价格 / Price / 计费说明: a column of prices whose kind the row or cell says
    stated: PriceContext  # the unit and currency the header states
    tier: str
    # 'Price per 1,000 input tokens': the kind is named only in the unit, and a row's label
    # ('Output') says better which price the cell holds
    kind_in_unit: bool = False
    batch: bool = False  # 'Price with Batch API', '… with Flex/Batch': the batch price of the row's kind
    condition: str = ""  # '… with Priority': a service tier, kept as the price's condition
    storage: bool = False  # 'Storage (M tok-hour)': what keeping cached tokens costs per hour
    # '单价', 'Price (per 1M tokens)', 'Batch API 定价': a price and nothing else; a header with words
    # the grammar does not know ('缓存读取（元/百万tokens）') is not generic
    generic: bool = False
    sized: bool = False  # headed by an output size ('1024 x 1024'): a cell with money is a price per image
    estimate: bool = False  # 'Estimated cost', 'Average Input Price': its figures are not prices

    @classmethod
    @lru_cache(maxsize=1024)  # a page's tables repeat their headers, and pages one another's ('Input')
    def of(cls, label: str) -> _Column:
        storage = bool(STORAGE.search(label))
        rest = _GENERIC_WORDS.sub(" ", without_units(label))
        size = _SIZE_HEADER.match(label)
        if size:
            return cls(
                label,
                None,
                True,
                PriceContext(),
                "",
                condition=f"{size[1]}x{size[2]}",
                generic=True,
                sized=True,
            )
        return cls(
            label,
            "cache_storage" if storage else _column_kind(label),
            bool(_PRICE_HEADER.search(label)),
            context_of(label),
            tier_of(label),
            kind_in_unit=bool(_UNIT_KIND.search(label)) and kind_of(_UNIT_KIND.sub(" ", label)) is None,
            batch=bool(_BATCH.search(label)),
            condition="priority" if _PRIORITY.search(label) else "",
            storage=storage,
            generic=bool(_PRICE_HEADER.search(label)) and not re.search(r"[^\W\d_]", rest),
            estimate=bool(_ESTIMATE.search(label)),
        )

    @property
    def priced(self) -> bool:
        return self.price_header or bool(self.stated.currency or self.stated.per)


# a header of tiers ('输入 Token 阶梯', 'Input tier', 'Context range'): its cells are the rows' tiers
_TIER_HEADER = re.compile(r"阶梯|档位|区间|\btiers?\b|\branges?\b", re.I)


def _column_kind(label: str) -> str | None:
    """The kind a header names, with its modality ('输入(音频)' -> input_audio, '图片输入' -> input_image)."""
    if _TIER_HEADER.search(label) and not _PRICE_HEADER.search(label):
        return None
    kind = kind_of(label)
    return with_modality(kind, label) if kind else None


def _shared(texts: list[str]) -> int:
    """How many leading characters all the texts share."""
    length = 0
    for chars in zip(*texts, strict=False):
        if len(set(chars)) > 1:
            break
        length += 1
    return length


def _told_apart(columns: list[_Column]) -> list[_Column]:
    """Columns that price the same kind ('LoRA微调单价' and '全参微调单价', '显式缓存命中' and '隐式缓存
    命中') are told apart by the words their headers do not share, kept as each price's condition."""
    groups: dict[tuple[object, ...], list[int]] = defaultdict(list)
    for j, column in enumerate(columns):
        if column.kind and column.priced:
            key = (column.kind, column.tier, column.batch, column.condition, column.stated.currency)
            groups[key].append(j)
    out = list(columns)
    for members in groups.values():
        if len(members) < 2:
            continue
        labels = [without_units(columns[j].label).strip(" ()（）") for j in members]
        prefix = _shared(labels)
        suffix = _shared([x[::-1] for x in labels])
        said = [x[prefix : len(x) - suffix if suffix < len(x) - prefix else len(x)] for x in labels]
        said = [x.strip(" ()（）-_/") for x in said]
        if len(set(said)) < len(said) or not all(said) or any(len(x) > 16 for x in said):
            continue  # nothing short tells them apart: their prices are reported as listed twice
        for j, words in zip(members, said, strict=True):
            if len(words) == 1 and "\u4e00" <= words <= "\u9fff":
                # one character is half a word ('显' of 显式): take the next one too
                at = columns[j].label.find(words)
                words = columns[j].label[at : at + 2]
            condition = " ".join(x for x in (columns[j].condition, words.lower()) if x)
            out[j] = replace(columns[j], condition=condition)
    return out


@dataclass(frozen=True)
class _Table:
    """What every row of a models-as-rows table shares: its header, and what the page says."""

    columns: list[_Column]
    model_col: int
    page: PriceContext
    grid: Grid
    label_units: str  # 'K' where a header says lengths are in thousands of tokens (条件（千 token）)
    # a table that prices storage and has no cached-input column is a context cache's table (Gemini:
    # Storage | Price): its other prices are for cached tokens
    cache_table: bool
    kinds_in_rows: bool = False  # each row's label is its kind ('输入', '输出'): a row naming none is unread
    # columns whose prices state their currency cell by cell ('2.4元'): a bare figure there ('81,920') is a
    # cell out of place, not a price
    money_columns: frozenset[int] = frozenset()
    # the unit every priced cell of a column states ('元 / 百万Tokens'): a cell of the column that states
    # none ('免费') is in it too, before any unit the page states elsewhere
    column_units: dict[int, PriceContext] = field(default_factory=dict)
    # what each column's cells inherit: the page's context, then the unit the column's cells state,
    # then its header's; the grid's headings and path, as each price's slot names them
    column_contexts: list[PriceContext] = field(default_factory=list)
    sections: str = ""
    path: str = ""
    # what each row asks of the header, worked out once per table: the columns that label a row (no
    # kind, no price header, not the model's), which columns hold prices, the name a problem gives each
    # column, the conditions each column's prices take from the column and the table, and whether the
    # column's header or the page states the currency
    label_columns: tuple[int, ...] = ()
    priced: tuple[bool, ...] = ()
    names: tuple[str, ...] = ()
    conditions: tuple[str, ...] = ()
    currency_said: tuple[bool, ...] = ()
    # each column's kind on a row with no label cell (what `_kind_in` says with no labels, no storage)
    plain_kinds: tuple[str | None, ...] = ()


def _figures_by_column(body: list[list[Cell]], width: int, model_col: int) -> list[list[str]]:
    """For each column, the texts of its cells that hold a figure (worked out once per table); none for
    the model column, whose figures are versions in names ('gpt-4o'), never read as prices."""
    return [
        [row[j].text for row in body if j < len(row) and find_amounts(row[j].text)] if j != model_col else []
        for j in range(width)
    ]


def _column_units(figures: list[list[str]]) -> dict[int, PriceContext]:
    """For each column whose priced cells all state one unit, that unit."""
    out = {}
    for j, texts in enumerate(figures):
        units = {(stated.per, stated.unit) for stated in map(context_of, texts)}
        if len(units) == 1:
            per, unit = units.pop()
            if per and unit:
                out[j] = PriceContext(per=per, unit=unit)
    return out


def _money_columns(figures: list[list[str]], ragged: bool) -> frozenset[int]:
    """The columns where most cells that hold a figure also name its currency; every column of a table
    whose converter dropped cells unevenly (rows of other widths than the header: which cell is under
    which header is not known, so only a figure that names its currency or unit is read as a price)."""
    if ragged:
        return frozenset(range(len(figures)))
    out = set()
    for j, texts in enumerate(figures):
        money = sum(1 for text in texts if find_currency(text))
        if texts and money * 2 > len(texts) and money < len(texts):
            out.add(j)
    return frozenset(out)


def _read_rows(
    rows: list[list[Cell]], model_col: int, page: PriceContext, grid: Grid, kinds_in_rows: bool = False
) -> GridPrices:
    for i in range(2, len(rows)):
        # a header row again inside the body, with other labels ('Model | Quality | 256 x 256 | …' under
        # the rows of '… | 1024 x 1792'): the rows below it are read under it
        if model_col >= len(rows[i]) or not MODEL_HEADER.match(_header_text(rows[i][model_col])):
            continue  # most rows: a model's name where the header says 'Model'
        again = [_header_text(c) for c in rows[i]]
        if again != [_header_text(c) for c in rows[0]] and _labels_columns(again, model_col):
            upper = _read_rows(rows[:i], model_col, page, grid, kinds_in_rows)
            lower = _read_rows(rows[i:], model_col, page, grid, kinds_in_rows)
            return GridPrices(upper.prices + lower.prices, upper.problems + lower.problems)
    rows = _with_sub_header(rows, model_col)
    columns = _told_apart([_Column.of(_header_text(c)) for c in rows[0]])
    columns = [
        _tier_column(column, [r[j] for r in rows[1:] if j < len(r)]) for j, column in enumerate(columns)
    ]
    if _BATCH.search(grid.topic()):
        # a table under a batch heading ('批量推理', 'Batch API') prices batch use
        columns = [replace(c, batch=True) for c in columns]
    width = len(columns)
    figures = _figures_by_column(rows[1:], width, model_col)
    column_units = _column_units(figures)
    cache_table = any(c.storage for c in columns) and not any("cached" in (c.kind or "") for c in columns)
    table = _Table(
        columns,
        model_col,
        page,
        grid,
        label_units="K" if any(re.search(r"千\s*token|\(K\)|（K）", c.label, re.I) for c in columns) else "",
        cache_table=cache_table,
        kinds_in_rows=kinds_in_rows,
        money_columns=_money_columns(
            figures, grid.collapsed_spans and any(len(r) != width for r in rows[1:])
        ),
        column_units=column_units,
        column_contexts=[
            page.merged(column_units.get(j, PriceContext())).merged(column.stated)
            for j, column in enumerate(columns)
        ],
        sections=grid.sections(),
        path=grid.path(),
        label_columns=tuple(
            j for j, c in enumerate(columns) if j != model_col and not c.kind and not c.price_header
        ),
        priced=tuple(c.priced for c in columns),
        names=tuple(c.label or f"column {j + 1}" for j, c in enumerate(columns)),
        conditions=tuple(" ".join(x for x in (c.condition, grid.condition) if x) for c in columns),
        currency_said=tuple(bool(c.stated.currency or grid.currency_stated) for c in columns),
        plain_kinds=tuple(_kind_in(c, None, [], cache_table) for c in columns),
    )
    out = GridPrices()
    previous: list[Cell] = []
    when = name_tier = ""
    read_rows: list[tuple[int, int, list[tuple[int, str]]]] = []  # (first price, end, variant labels)
    named: list[tuple[str, str, str]] = []  # the models (status, badge) the last row with a name named
    for row in rows[1:]:
        short = grid.collapsed_spans and 2 <= len(row) < width  # a converter dropped some of its cells
        lead = split_model(row[0].text)[0] if short and model_col == 0 else ""
        if (
            short
            and model_col == 0
            and (_MODEL_ID_LIKE.match(lead) or re.fullmatch(r"[A-Za-z][\w.:/@-]{1,60}", lead))
            and not (CONDITION.fullmatch(lead) or kind_of(lead) or tier_of(lead))
        ):
            # a row that names its own model but has fewer cells than the header: which cells a converter
            # dropped is not known
            out.problems.append(
                f"{lead}: {len(row) - 1} values under {width - 1} columns "
                f"({quoted(' | '.join(c.text for c in row[1:]), 80)}); not guessing which is which"
            )
            previous = row
            continue
        if short and previous:
            # A converter collapsed a rowspan: the missing leading cells are the row above's.
            row = previous[: width - len(row)] + row
        previous = row
        if len(row) <= model_col + 1 or (grid.collapsed_spans and len(row) < width):
            continue  # a group heading row (one cell spanning the table) holds no price
        # An HTML row shorter than the header is read as drawn: its cells from the left.
        model, status, badge = split_model(row[model_col].text)
        if _SENTENCE.match(model):
            # 'The number of output characters per month': a sentence, not a model's name (a row
            # whose cells slid out of place)
            out.problems.append(f"{quoted(model, 60)}: not a model's name; its row is not read")
            named = []
            continue
        if model and not MODEL_HEADER.match(model):
            # 'Claude Sonnet 5<br>through August 31, 2026' / '… starting September 1, 2026': the
            # price's dates, beside the name
            dated = date_phrase(row[model_col].text)
            if dated.startswith("until"):
                badge = "; ".join(x for x in (badge, dated) if x)
            when = dated if dated.startswith("from") else ""
            # lines under the name: the row's tier ('上下文 ≤ 512K') and a badge ('永久五折')
            lines = [x for x in (clean_text(y) for y in row[model_col].text.splitlines()) if x]
            below = " ".join(lines[1:])
            name_tier = tier_of(below) if below else ""
            bracket = _TIER_NOTE.search(model) if "(" in model or "（" in model else None
            if bracket and tier_of(bracket.group(1)) and not name_tier:
                # 'gpt-5.5 (<272K context length)': the row's tier, written beside the name
                name_tier, model = tier_of(bracket.group(1)), model[: bracket.start()].strip()
            discount = (DISCOUNT.search(below) or _PERMANENT_DISCOUNT.search(below)) if below else None
            if discount:
                badge = "; ".join(x for x in (badge, discount.group(0)) if x)
            named = [(name, status, badge) for name in model_names(model)]  # 'Claude Sonnet 4.5 / 4': two
        elif model or not grid.collapsed_spans:
            named = []
            continue  # a repeated header row, or an HTML row of no model
        # else '|  | Output: $25 / MTok |' below '| Claude Opus 4.6 | Input: $5 / MTok |': a Markdown
        # converter left the rowspan's cell empty, and the row prices the models above
        for name, name_status, badge in named:
            for line in _split_lines(out, row[:width], columns, model_col, name):
                first = len(out.prices)
                variants = _read_row(out, table, line, name, name_status, badge, when, name_tier)
                read_rows.append((first, len(out.prices), variants))
    _name_variants(out, read_rows)
    return out


def _read_row(
    out: GridPrices,
    table: _Table,
    row: list[Cell],
    model: str,
    status: str,
    badge: str = "",
    when: str = "",
    name_tier: str = "",
) -> list[tuple[int, str]]:
    """Read one row's prices into `out`; return its short labels that name no kind, tier or condition
    (Feature, Output Resolution ...), which tell apart two rows of one model that price one kind."""
    columns, model_col = table.columns, table.model_col
    model_cell = row[model_col]
    # the row's label cells (a row is never wider than the header: `_read_rows` cuts it to the width)
    labelled = [(j, clean_text(row[j].text)) for j in table.label_columns if j < len(row)]
    labels = [x for _, x in labelled]
    if labelled:
        condition = " ".join([*(x.lower() for x in labels if CONDITION.fullmatch(x)), when]).strip()
        # Gemini's layout: a Type column says which kind of price the row holds ('1M Input tokens',
        # 'Input image ($/image)'), and may state the unit.
        # a description column ('简介: 超长输入') names a kind in passing, not the row's
        typed = [x for j, x in labelled if not _DESCRIPTION.search(columns[j].label)]
        labelled_kind = next((k for k in map(row_kind, typed) if k), None)
        row_stated = PriceContext()
        for label in labels:
            if len(label) <= 60:
                row_stated = row_stated.merged(context_of(label))
        # a condition column of length ranges ('输入长度 (32, 128]' under '条件（千 token）')
        row_tier = next((t for t in (tiers_of(x, table.label_units) for x in labels) if t), "")
        if not row_tier:
            # a label cell that states a length range is the row's tier ('≤ 200K input tokens',
            # '输入长度 (0, 16k)', '32k+'), never a price; a resolution ('2K 及以上' under 分辨率) is no tier
            lengths = [x for j, x in labelled if not _RESOLUTION.search(columns[j].label)]
            row_tier = next((t for t in map(tier_of, lengths) if t and not names_money(t)), "") or name_tier
        row_says_free = any(FREE_PROMO.search(x) for x in labels)
    else:
        # a row with no label cell (most tables: a name, then prices) says no condition, kind, unit,
        # tier or 'free' of its own: what the lines above work out from no labels
        condition, labelled_kind, row_stated = when.strip(), None, PriceContext()
        row_tier, row_says_free = name_tier, False
    currency_in_row = bool(row_stated.currency)
    generic_kind = not (table.kinds_in_rows and labelled_kind is None)
    for j, cell in enumerate(row):
        column = columns[j]
        if j == model_col or cell is model_cell:
            continue  # a cell spanning into the model column is a name, never a price
        if labels or column.storage:
            free = column.storage and bool(FREE_PROMO.search(cell.text))  # only a storage column asks
            kind = _kind_in(column, labelled_kind, labels, table.cache_table, free)
        else:
            kind = table.plain_kinds[j]  # no label, not free (most cells): the column's kind
        if column.sized and not names_money(cell.text):
            continue  # '272' under '1024 x 1024' in a table of tokens per image is a count, not a price
        if not table.priced[j] and ((kind is None and not column.tier) or not names_money(cell.text)):
            # 'Input tokens per tool definition: 735 tokens' is not a price; 'Input: $5 / MTok' under
            # '≤ 200K input tokens' is one
            if kind is None and not column.tier and find_currency(cell.text) and find_amounts(cell.text):
                out.problems.append(
                    f"{model} / {table.names[j]}: {quoted(cell.text, 60)} under a "
                    "header that names no kind of price; not read"
                )
            continue
        if column.estimate:
            if find_amounts(cell.text):
                out.problems.append(
                    f"{model} / {column.label}: {quoted(cell.text, 60)} is an estimate or average, "
                    "not a price; not read"
                )
            continue
        context = table.column_contexts[j].merged(row_stated)
        if column.storage and context.unit in HOURLY:
            context = replace(context, unit=HOURLY[context.unit])
        column_condition = table.conditions[j]  # the column's and the table's
        slot = Slot(
            model,
            kind,
            column.tier or row_tier,
            f"{condition} {column_condition}"
            if condition and column_condition
            else condition or column_condition,
            f"{model} / {table.names[j]}",
            table.sections,
            row_says_free,
            status,
            table.grid.footnotes,
            badge,
            column.batch,
            table.path,
            column.generic and generic_kind,
            j in table.money_columns,
            table.currency_said[j] or currency_in_row,
        )
        read_cell(out, cell, slot, context)
    # what may tell this row from another of the model: label cells, and cells of a column whose
    # header names a kind but that hold no price ('Output Resolution': 720p)
    priced = table.priced
    shown = [
        (j, clean_text(c.text))
        for j, c in enumerate(row)
        if j != model_col and not priced[j] and not names_money(c.text)
    ]
    return [
        (j, x.lower())
        for j, x in shown
        if x and not row_kind(x) and not tier_of(x) and not tiers_of(x) and not CONDITION.fullmatch(x)
    ]


def _kind_in(
    column: _Column, labelled_kind: str | None, labels: list[str], cache_table: bool, free: bool = False
) -> str | None:
    """The kind of the price in a column on a row whose labels say `labelled_kind`; a storage column's
    'Limited-time Free' is its free price even where its header states no unit."""
    if column.storage:
        if labelled_kind is None and free:
            return "cache_storage"
        if labelled_kind is None:
            # the header's unit says what is stored ('缓存存储（元/百万 token*小时）'); with neither, the
            # row is about something else ('Grounding with Google Search')
            return "cache_storage" if column.stated.per else None
        modality = labelled_kind.partition("_")[2]
        return f"cache_storage_{modality}" if modality else "cache_storage"
    if column.kind_in_unit and labelled_kind:
        kind: str | None = labelled_kind
    else:
        kind = column.kind or (labelled_kind if column.price_header else None)
    if kind and any(STORAGE.search(x) for x in labels):
        return "cache_storage"  # 'Context Cache Storage' on an 'Input (text …)' row
    if kind and kind.startswith("input") and cache_table:
        kind = f"cached_{kind}"
    if kind == "cached_input" and labelled_kind and labelled_kind.startswith("input_"):
        # a cached-input column on an 'Input (audio)' row is the audio's cached price
        kind = f"cached_{labelled_kind}"
    if kind and column.batch and not kind.startswith("batch_"):
        kind = f"batch_{kind}"
    return kind


def _split_lines(
    out: GridPrices, row: list[Cell], columns: list[_Column], model_col: int, model: str
) -> list[list[Cell]]:
    """A row whose label cell lists kinds one per line ('Image Input<br>Video Input<br>…') beside
    price cells with as many lines: one row per line. A price cell with another count of lines is
    reported, not paired by guess. Any other row is itself."""
    for j, cell in enumerate(row):
        if j == model_col or columns[j].kind or columns[j].price_header:
            continue
        kinds = [clean_text(line) for line in cell.text.splitlines() if clean_text(line)]
        # '输入长度 [0, 32]<br>且输出长度 [0, 0.2]' is one tier over two lines, not two kinds
        found = {None if tier_of(k) else row_kind(k.rstrip(":：")) for k in kinds}
        if len(kinds) < 2 or None in found:
            continue
        split: dict[int, list[str]] = {}
        for p, other in enumerate(row):
            if p in (j, model_col) or not columns[p].priced:
                continue
            lines = [line for line in other.text.splitlines() if clean_text(line)]
            if len(lines) == len(kinds):
                split[p] = lines
            elif len(found) > 1 and any(find_amounts(line) for line in lines):
                # 'Supervised fine-tuning<br>Preference tuning' beside one '$5' is one price for one
                # kind; 'Image Input<br>Text Input' beside one '$0.0025 / image' is not
                out.problems.append(
                    f"{model} / {columns[p].label}: {len(kinds)} kinds ({', '.join(kinds)}) beside "
                    f"{len(lines)} price{'s' if len(lines) != 1 else ''} ({quoted(other.text, 60)}); "
                    "not guessing which is which"
                )
                return []
        if not split:
            return [row]
        return [
            [
                Cell(kinds[n]) if p == j else Cell(split[p][n]) if p in split else other
                for p, other in enumerate(row)
            ]
            for n in range(len(kinds))
        ]
    return [row]


def _name_variants(out: GridPrices, read_rows: list[tuple[int, int, list[tuple[int, str]]]]) -> None:
    """Two rows of one model pricing the same kind (Veo 3.1 at 720p and at 4k, Imagen 4's generation
    and upscaling): each price takes, as its condition, the short labels that differ between them."""
    # two rows share a price's key only where they price one model: most tables name each model once
    seen: set[str] = set()
    for first, end, _labels in read_rows:
        models = {model_id(price.model) for price, _section in out.prices[first:end]}
        if not seen.isdisjoint(models):
            break
        seen |= models
    else:
        return
    groups: dict[tuple[str, ...], list[int]] = defaultdict(list)  # price key -> rows that priced it
    for number, (first, end, _labels) in enumerate(read_rows):
        for index in range(first, end):
            groups[out.prices[index][0].key].append(number)
    for key, numbers in groups.items():
        if len(set(numbers)) < 2:
            continue
        rows = sorted(set(numbers))
        named = {number: dict(read_rows[number][2]) for number in rows}
        columns = sorted({j for number in rows for j in named[number]})
        # short labels, left to right, each kept only where it tells more of the rows apart
        differing: list[int] = []
        told = 1
        for j in columns:
            texts = [named[number].get(j, "") for number in rows]
            if any(len(t) > 40 for t in texts):
                continue  # a description, not a label
            apart = len({tuple(named[n].get(c, "") for c in [*differing, j]) for n in rows})
            if apart > told:
                differing.append(j)
                told = apart
        for number in rows:
            first, end, _labels = read_rows[number]
            variant = ", ".join(named[number][j] for j in differing if named[number].get(j))
            for index in range(first, end):
                price, section = out.prices[index]
                if price.key == key and variant:
                    condition = f"{price.condition} {variant}".strip()
                    out.prices[index] = (replace(price, condition=condition), section)


# a unit in brackets after a model's name in a header ('chat-a ($/1M)', 'qwen-max(元/千Token)')
_NAME_UNIT = re.compile(r"\s*[(（]([^()（）]{1,40})[)）]\s*$")


def _name_and_unit(text: str) -> tuple[str, PriceContext]:
    """A header's model name without the unit in brackets after it, and that unit: a bracket of a currency
    and a unit and nothing else ('$/1M', 'USD per 1M tokens'); one with other words ('Batch, $/1M',
    '思考模式，元/百万tokens') or no currency ('1M tokens': a context size) stays part of the name."""
    note = _NAME_UNIT.search(text)
    stated = context_of(note.group(1)) if note else PriceContext()
    if note is None or not stated.currency or _UNIT_WORDS.sub("", without_units(note.group(1))):
        return text, PriceContext()
    return text[: note.start()], stated


# what a bracket of a unit holds besides the unit phrase: a currency, 'per', 'tokens', separators
_UNIT_WORDS = re.compile(r"usd|cny|rmb|eur|美元|元|[$¥￥€]|\bper\b|tokens?|每|[\s,，/、:：]", re.I)


def _read_columns(rows: list[list[Cell]], page: PriceContext, grid: Grid, first_model: int = 0) -> GridPrices:
    width = max(len(r) for r in rows)
    header = [_header_text(c) for c in rows[0]] + [""] * (width - len(rows[0]))
    if not first_model:
        last_label = max(j for j, c in enumerate(header) if MODEL_HEADER.match(c))
        first_model = next((j for j in range(last_label + 1, width) if header[j]), width)
    named = {j: _name_and_unit(rows[0][j].text) for j in range(first_model, len(rows[0]))}
    models = {j: split_model(name) for j, (name, _stated) in named.items()}
    # 'chat-a ($/1M)': the unit stated beside a model's name is its column's
    units = {j: stated for j, (_name, stated) in named.items()}
    out = GridPrices()
    sections, path = grid.sections(), grid.path()
    previous: list[Cell] = []
    for row in rows[1:]:
        if grid.collapsed_spans and len(row) < width and previous:
            # A converter collapsed a rowspan: the missing leading labels are the row above's.
            row = previous[: width - len(row)] + row
        previous = row
        labels = [_header_text(c) for c in row[:first_model]]
        condition = " ".join(x.lower() for x in labels if CONDITION.fullmatch(x))
        label = " ".join(x for x in labels if x and not CONDITION.fullmatch(x))
        kind = kind_of(label)
        if kind is None or not (_PRICE_HEADER.search(label) or context_of(label).per):
            continue  # MAX OUTPUT, CONTEXT LENGTH: rows about the model, not its price
        said = context_of(label)
        for j, (model, status, badge) in models.items():
            if model and j < len(row):
                context = page.merged(units[j]).merged(said)
                where = f"{model} / {label}"
                slot = Slot(
                    model,
                    kind,
                    tier_of(label),
                    condition,
                    where,
                    sections,
                    status=status,
                    footnotes=grid.footnotes,
                    badge=badge,
                    table=path,
                )
                read_cell(out, row[j], slot, context)
    return out
