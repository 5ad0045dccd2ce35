"""Extraction: a page's text -> every model's prices. One reader per source kind, in a registry."""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from decimal import Decimal
from functools import lru_cache

from selectolax.lexbor import LexborHTMLParser

from monitor.extract.embedded import script_grids
from monitor.extract.flat import card_prices, flattened_grids, link_cards, text_lines
from monitor.extract.grid import NO_MODEL as _NO_MODEL
from monitor.extract.grid import Grid, prices_from_grid
from monitor.extract.hints import Hints, relabel_text, relabelled, scoped
from monitor.extract.html import page_blocks, page_text, page_title, parse_html
from monitor.extract.json_prices import PRESETS, JsonOptions, extract_json
from monitor.extract.labels import ABOUT_PRICES, models_named_in, section_topic, split_model
from monitor.extract.markdown import markdown_grids, markdown_page_model, markdown_title
from monitor.models import ExtractResult, Price, PriceKey, model_id
from monitor.normalize import PriceContext, context_of
from monitor.rules import reading_rules_digest

__all__ = ["EXTRACTORS", "PRESETS", "Hints", "JsonOptions", "content_digest", "extract_prices", "read_page"]

# A sentence where a page states the unit of all its prices.
_UNIT_SENTENCE = re.compile(
    r"(?:in units of|prices?(?: shown| listed)? (?:are|listed)[^.\n]{0,60}?|价格单位|计价单位|单位[为是:：])"
    r"[^.\n。]{0,40}",
    re.I,
)

_CONTEXT_TOPIC = re.compile(r"context|上下文", re.I)

Found = tuple[list[tuple[Price, str]], list[str]]  # (price, section it was found under), problems

# money as a page writes it: '$0.134', 'US$ 5', '¥ 2', '2.4 元', '0.5/M'. A page's whole text is searched: the
# pattern opens with the class of the characters a match can start with (the U of US$, which re.I matches as U
# or u only; a currency sign; a digit), which the engine scans for, and each branch's look-behind says which
# one it starts with. (With re.I over the whole pattern, the engine tried every character.) Letters after the
# first are matched in any case, as before.
_MONEY = re.compile(
    r"[Uu$¥￥€\d]"
    r"(?:(?<=(?i:U))(?i:S)\$\s*\d[\d,]*+(?:\.\d+)?"
    r"|(?<=[$¥￥€])\s*\d[\d,]*+(?:\.\d+)?"
    # (a figure not glued to another: the character before its first digit is no digit, comma or point)
    r"|(?<=\d)(?<![\d,.].)[\d,]*+(?:\.\d+)?\s*"
    r"(?i:元|美元|USD|CNY|RMB|/\s*(?:1\s*)?(?:m\b|mtok|k\b|million|tokens?|images?|百万|千|万|张|次)))"
)
_WRITTEN = re.compile(r"\d[\d,]*+(?:\.\d+)?")
# a figure as a price or a problem writes it: '1' in '$1 / MTok', not the '1' of a unit ('/ 1M tokens')
_FIGURE = re.compile(r"(?<![\d.,])\d[\d,]*+(?:\.\d+)?(?![\d.,]|\s*[KkMm]\b)")
UNPLACED = "amounts on the page that no price was read from and no problem names, not read"


def _accounted(found: Found, shown: str) -> Found:
    """Nothing dropped silently: the money a page shows (`shown`, its visible text) that no price was
    read from and no problem names (a worked example, a plan, a sentence) is listed in one problem."""
    prices, problems = found
    # (each text once: a page's cells repeat their raw texts, '$0.5 / MTok')
    said = {n for text in {*(p.raw for p, _s in prices), *problems} for n in _FIGURE.findall(text)}
    values = {p.amount for p, _s in prices}
    left: list[str] = []
    for money in _MONEY.findall(shown):
        number = _WRITTEN.search(money)
        if number is None or number.group() in said or Decimal(number.group().replace(",", "")) in values:
            continue
        left.append(" ".join(money.split()))
    if not left:
        return found
    return prices, [*problems, f"{UNPLACED}: {', '.join(dict.fromkeys(left))}"]


@lru_cache(maxsize=2)  # one page's readers ask for it several times
def page_context(prose: str, currency: str, per: int | None = None) -> PriceContext:
    """The source's currency (and unit, where it sets one), refined by a sentence where the page
    states its unit."""
    context = PriceContext(currency=currency, per=per, unit="tokens" if per else None)
    match = _UNIT_SENTENCE.search(prose)
    if match:
        stated = context_of(match.group(0))
        return context.merged(PriceContext(per=stated.per, unit=stated.unit))
    # 'Prices per 1M tokens unless noted.': a line about prices that states a token unit is the whole
    # page's, where every such line states the same one; 'Prices per image.' speaks only for the table
    # beside it
    units: set[tuple[int | None, str | None]] = set()
    for line in prose.splitlines():
        if ABOUT_PRICES.search(line):
            found = stated_context([line])
            if found.per and found.unit == "tokens":
                units.add((found.per, found.unit))
    if len(units) == 1:
        page_per, page_unit = next(iter(units))
        return context.merged(PriceContext(per=page_per, unit=page_unit))
    return context


_SENTENCE_END = re.compile(r"(?<=[.;!])\s+|(?<=[。；！])")
# an amount with its currency: a line holding one states a price, not a unit for others
_PRICED_AMOUNT = re.compile(r"[$¥￥€]\s*\d|\d\s*(?:元|美元|円|usd|cny|rmb)", re.I)


def stated_context(lines: list[str]) -> PriceContext:
    """The unit and currency that short lines around a table state for its prices: 'Prices per 1M
    tokens.', 'The prices are based on 1 million tokens.', '此处 1M = 1,000,000，表格中的价格代表每消耗
    1M tokens 的价格', 'All prices are in USD.' The first line that states one wins (pass the nearest
    first); a line that itself prices something ('$5 / MTok') states nothing for the others."""
    context = PriceContext()
    sentences = (x for line in lines for x in _SENTENCE_END.split(line))
    for line in sentences:
        if len(line) > 200 or _PRICED_AMOUNT.search(line):
            continue
        stated = context_of(line)
        # 'Prices per 1M tokens.'; 'Prices per image.' / '按张计费' only where the line is about prices
        if stated.unit and context.per is None and (stated.unit == "tokens" or ABOUT_PRICES.search(line)):
            context = PriceContext(context.currency, stated.per, stated.unit)
        if stated.currency and context.currency is None and _CURRENCY_SENTENCE.search(line):
            context = PriceContext(stated.currency, context.per, context.unit)
        if context.per is not None and context.currency is not None:
            break  # both stated: a later line changes neither
    return context


# 'All prices are in USD', '单位：元', 'Prices in US dollars': a sentence that names the currency. A page's
# whole text is searched for one, as for _MONEY: the pattern opens with the class of the characters a match
# can start with (an i or a c in any case: re.I matches i as i, I, İ or ı, and c as c or C; 单, 货, 币),
# which the engine scans for, and each branch's look-behind says which one it starts with. 'in' starts a
# word: the character before its i is no word's, as '\bin' says.
_CURRENCY_SENTENCE = re.compile(
    r"[iIİıcC单货币]"
    r"(?:(?<=(?i:i))(?<!\w.)(?i:n\s+(?:usd|us\s*dollars?|cny|rmb|eur)\b)"
    r"|(?<=单)位|(?<=货)币|(?<=币)种"
    r"|(?<=(?i:c))(?i:urrency))"
)


@lru_cache(maxsize=2)
def _stated_currency(prose: str) -> PriceContext:
    """The currency a page's own sentence names ('All prices are in USD.')."""
    if not _CURRENCY_SENTENCE.search(prose):
        return PriceContext()  # no line names one: one search of the page, not one per line
    return stated_context([line for line in prose.splitlines() if _CURRENCY_SENTENCE.search(line)])


def table_context(grid: Grid, page: PriceContext) -> PriceContext:
    """What the page and the lines around a table say its prices are in: the nearest statement
    wins (its caption, then the lines before it, nearest first, then the lines after it), then the
    page's."""
    return page.merged(_said_around(grid))


def _said_around(grid: Grid) -> PriceContext:
    near = [grid.caption, *reversed(grid.lead), *grid.trail]
    return stated_context([x for x in near if x])


# A line's indent is '[^\S\n]*' (spaces, no-break spaces), not '\s*': '\s' spans newlines, and on a page's
# long blank runs '^\s*' retried from every line start cost 60 ms on Gemini's page. After the mark the
# note may start on the next line ('(3) \nThe deepseek-v4-pro model is ...').
_FOOTNOTE_LINE = re.compile(r"^[^\S\n]*[(\[（]?(\d{1,2})[)\]）.]\s+(.+)$", re.M)


def page_footnotes(prose: str) -> dict[str, str]:
    """The page's numbered notes: '(3) The deepseek-v4-pro model is … until 2026/05/31' -> {'3': …}."""
    return {mark: text for mark, text in _FOOTNOTE_LINE.findall(prose)}


_SPAN = r"\d{1,2}:\d{2}\s*[-–~至到]\s*\d{1,2}:\d{2}"
# 'Peak hours are 01:00 - 04:00 and 06:00 - 10:00 UTC (all other hours are off-peak).'
_PEAK_HOURS = re.compile(
    rf"(?:peak hours?|高峰时段|高峰期)[^.。\n]{{0,40}}?(?P<spans>{_SPAN}(?:\s*(?:,|and|和|、|及)\s*{_SPAN})*)"
    r"\s*[(（]?\s*(?P<zone>UTC(?:\s*[+-]\s*\d{1,2})?|GMT|北京时间|Beijing time)?",
    re.I,
)


def peak_hours(prose: str) -> str:
    """The hours a page gives for its peak prices, '01:00-04:00, 06:00-10:00 UTC', or ''."""
    match = _PEAK_HOURS.search(prose)
    if not match:
        return ""
    spans = [re.sub(r"\s*[-–~至到]\s*", "-", s) for s in re.findall(_SPAN, match.group("spans"))]
    zone = re.sub(r"\s*([+-])\s*", r"\1", match.group("zone") or "")  # 'UTC + 8' -> 'UTC+8'
    return ", ".join(spans) + (f" {zone}" if zone else "")


def _with_hours(found: list[tuple[Price, str]], prose: str) -> list[tuple[Price, str]]:
    """Peak and off-peak prices carry the page's peak hours as their note (not in their identity: a
    page that restates its hours changes no price)."""
    if not any(
        "peak" in price.condition  # (both words hold it: most conditions are not split)
        and ("peak" in price.condition.split() or "off-peak" in price.condition.split())
        for price, _ in found
    ):
        return found
    hours = peak_hours(prose)
    if not hours:
        return found
    notes = {"peak": f"peak hours {hours}", "off-peak": f"off-peak: outside {hours}"}
    out = []
    for price, section in found:
        words = price.condition.split()
        label = "off-peak" if "off-peak" in words else "peak" if "peak" in words else ""
        if label:
            note = "; ".join(x for x in (price.note, notes[label]) if x)
            price = replace(price, note=note)
        out.append((price, section))
    return out


def _from_tables(grids: list[Grid], prose: str, reading: Reading) -> Found:
    if not grids:
        return [], []  # no table, nothing to read: the page's unit, currency and notes are not looked for
    page = page_context(prose, reading.currency, reading.per)
    as_of = reading.as_of
    stated = _stated_currency(prose)
    page = page.merged(stated)
    notes = page_footnotes(prose)
    found: list[tuple[Price, str]] = []
    problems: list[str] = []
    # tables that named no model: where their prices go, and what was said of them
    unnamed: list[tuple[int, Grid, list[str]]] = []
    for grid in grids:
        grid.footnotes = notes
        if grid.tab:
            grid.condition = " ".join(x for x in (grid.condition, grid.tab.lower()) if x)
        around = _said_around(grid)
        # a currency the page states (not the source's default) makes a table's bare figures money
        grid.currency_stated = bool(stated.currency or around.currency)
        result = prices_from_grid(grid, page.merged(around), as_of)
        if not result.prices and grid.preamble and all(_NO_MODEL in p for p in result.problems):
            unnamed.append((len(found), grid, result.problems))
            continue
        found.extend(result.prices)
        problems.extend(result.problems)
    known = list(dict.fromkeys(price.model for price, _section in found)) if unnamed else []
    for at, grid, said in reversed(unnamed):
        # a table with no model column (tier or Input / Output columns) is read for the page's models
        # that the sentence above it names; where it names none, the table is reported
        grid.named_models = models_named_in(grid.preamble, known)
        if not grid.named_models:
            problems.extend(said)
        else:
            # 'Fast mode pricing' says what these prices are; 'Long context pricing' says no more
            # than the tiers do
            # the nearest heading that says something ('Overview' above it says nothing)
            topic = next(
                (t for t in (_with_section("", h) for h in reversed(grid.headings or [grid.section])) if t),
                "",
            )
            said_topic = "" if _CONTEXT_TOPIC.search(topic) else topic
            grid.condition = " ".join(x for x in (grid.tab.lower(), said_topic) if x)
            result = prices_from_grid(grid, table_context(grid, page), as_of)
            found[at:at] = result.prices
            problems.extend(result.problems)
    return _with_hours(found, prose), problems


@dataclass(frozen=True)
class Reading:
    """How a page is read: the source's currency, unit, JSON mapping and hints, and the day; and an HTML
    page's tree and the tables its scripts hold where they were read already (for its content digest),
    so each is read once."""

    currency: str
    per: int | None = None
    json: JsonOptions | None = None
    as_of: str = ""
    hints: Hints = field(default_factory=Hints)
    tree: LexborHTMLParser | None = None
    held: list[Grid] | None = None


def _hinted(grids: list[Grid], hints: Hints, title: str) -> list[Grid]:
    """The tables with the page's words relabelled and the model named where the source says."""
    grids = relabelled(grids, hints.labels)
    for grid in grids:
        if hints.model:
            grid.hint_model = hints.model
        elif hints.model_from == "title":
            grid.hint_model = split_model(title)[0]
        elif hints.model_from == "heading" and grid.headings:
            grid.hint_model = split_model(grid.topic() or grid.headings[-1])[0]
    return grids


def _selected_html(
    text: str, grids: list[Grid], select: str
) -> tuple[list[Grid], list[str], str | None, list[str]]:
    """What a `select` hint leaves of an HTML page: the tables under a heading that holds its words,
    else what it matches as a CSS selector (its tables, and its lines for cards); a problem where
    neither matches anything (and then no price)."""
    under = scoped(grids, select)
    if under:
        return under, [], None, []
    fresh = parse_html(text)  # the first walk took footnote marks and struck prices out of its cells
    try:
        roots = fresh.css(select)
    except Exception:  # selectolax raises its own errors for a selector it cannot parse
        roots = []
    if roots:
        chosen, lines = page_blocks(fresh, roots)
        return chosen, lines, "\n".join(lines), []
    problem = f"select {select!r}: no heading holds these words, and as a CSS selector it matches nothing"
    return [], [], None, [problem]


def _html(text: str, reading: Reading) -> Found:
    tree = reading.tree or parse_html(text)
    hints = reading.hints
    grids, lines = page_blocks(tree)
    prose = shown = page_text(tree)
    problems: list[str] = []
    if hints.select:
        grids, lines, scoped_prose, problems = _selected_html(text, grids, hints.select)
        if problems:
            return [], problems
        prose = scoped_prose if scoped_prose is not None else prose
        shown = scoped_prose or ""  # a heading's words select tables only: the rest is left by choice
    title = page_title(tree)
    grids = _hinted(grids, hints, title)
    found = _from_tables(grids, prose, reading)
    if not found[0] and not hints.select:
        # no price in the page's HTML: the tables its scripts hold (a page drawn by JavaScript)
        in_scripts = reading.held if reading.held is not None else script_grids(text)
        held = _from_tables(_hinted(in_scripts, hints, title), prose, reading)
        if held[0]:
            return _accounted((held[0], found[1] + held[1]), shown)
    page_model = hints.model or (title if hints.model_from == "title" else "")
    if found[0] or hints.select:
        return _accounted(_with_cards(found, lines, prose, reading, problems, page_model), shown)
    return _accounted(
        _without_tables(relabel_text(prose, hints.labels), reading, found[1], page_model), shown
    )


def _with_cards(
    found: Found, lines: list[str], prose: str, reading: Reading, problems: list[str], page_model: str
) -> Found:
    """A page with price tables may show other models as cards outside them (text models as cards,
    media models in tables): their prices too, for models no table priced."""
    priced = {model_id(price.model) for price, _section in found[0]}
    outside = relabel_text("\n".join(lines), reading.hints.labels)
    held, held_problems = _without_tables(outside, reading, [], page_model, prose)
    more = [(p, s) for p, s in held if model_id(p.model) not in priced]
    # a paragraph that mentions a price beside the tables is prose, not a card ('A 1024x1024 image
    # consumes 1290 tokens ... $0.039'): its problems are not the page's
    said = [
        x
        for x in held_problems
        if model_id(re.split(r" / |: ", x)[0]) not in priced and len(x.rpartition(": ")[2]) <= 90
    ]
    return found[0] + more, problems + found[1] + said


def _without_tables(
    prose: str, reading: Reading, problems: list[str], page_model: str, page: str | None = None
) -> Found:
    """Text with no price table: flattened tables, then model cards. `page` is the whole page's
    text where `prose` is a part of it (the page states its unit and currency there)."""
    lines = text_lines(link_cards(prose))
    grids, flat_problems = flattened_grids(lines)
    whole = page if page is not None else prose
    found, more = _from_tables(grids, whole, reading)
    cards = card_prices(lines, page_context(whole, reading.currency, reading.per), page_model)
    if not found:
        return cards.prices, problems + flat_problems + more + cards.problems
    # a page with flattened tables may show other models as cards (a carousel of links): theirs too,
    # for models no table priced
    priced = {model_id(price.model) for price, _section in found}
    extra = [(p, s) for p, s in cards.prices if model_id(p.model) not in priced]
    return found + extra, problems + flat_problems + more


def _markdown(text: str, reading: Reading) -> Found:
    grids, prose = markdown_grids(text, dict(reading.hints.columns))
    title = markdown_title(text)
    problems: list[str] = []
    if reading.hints.select:
        grids = scoped(grids, reading.hints.select)
        if not grids:
            problems.append(f"select {reading.hints.select!r}: no heading on the page holds these words")
    grids = _hinted(grids, reading.hints, title)
    found = _from_tables(grids, prose, reading)
    hints = reading.hints
    page_model = hints.model or (title if hints.model_from == "title" else markdown_page_model(text))
    shown = "" if hints.select else text  # a heading's words select tables only: the rest is left by choice
    if found[0]:
        return _accounted(_with_cards(found, prose.splitlines(), prose, reading, problems, page_model), shown)
    return _accounted(
        _without_tables(relabel_text(prose, reading.hints.labels), reading, problems + found[1], page_model),
        shown,
    )


def _json(text: str, reading: Reading) -> Found:
    result = extract_json(text, reading.currency, reading.json or JsonOptions(), reading.as_of)
    return [(p, "") for p in result.prices], result.problems


# source kind -> reader of a page's text
EXTRACTORS: dict[str, Callable[[str, Reading], Found]] = {
    "html": _html,
    "markdown": _markdown,
    "json": _json,
}


def extract_prices(
    kind: str,
    text: str,
    currency: str,
    options: JsonOptions | None = None,
    per: int | None = None,
    as_of: str | None = None,
    hints: Hints | None = None,
    tree: LexborHTMLParser | None = None,
    held: list[Grid] | None = None,
) -> ExtractResult:
    """Every price on a page of the given kind. `currency`, and `per` (tokens a price is for) where the
    source sets it, are assumed where the page does not say; `as_of` (YYYY-MM-DD, default today in
    UTC) is the day the page is read, which tells a price announced for later from today's; `hints`
    are the source's select / labels / model_from / model keys; `tree` is an HTML page as `parse_html`
    gave it to `content_digest`, and `held` the tables its scripts hold as `script_grids` gave them
    (extraction changes both: use them for nothing after)."""
    day = as_of or datetime.now(UTC).date().isoformat()
    reading = Reading(currency, per, options, day, hints or Hints(), tree, held)
    found, problems = EXTRACTORS[kind](text, reading)
    prices, collisions, unsettled = _resolve_collisions(_superseded_out(found, day))
    return ExtractResult(prices=prices, problems=problems + collisions, unsettled=unsettled)


def content_digest(
    kind: str,
    text: str,
    currency: str,
    per: int | None,
    hints: Hints | None = None,
    tree: LexborHTMLParser | None = None,
    held: list[Grid] | None = None,
) -> str | None:
    """A digest of everything HTML extraction reads from a page: its <body> with scripts, styles,
    templates and SVG taken out (as `parse_html` leaves it), the tables its scripts hold, and the
    settings it is read with. Two pages with the same digest give the same prices on the same day, so
    a page whose bytes differ only by a fresh CSRF token in a <meta> or a build id in a script is not
    extracted again. The day is not in it: a price announced for a later day becomes current on the
    day the stored prices name (`diff.due_day`), which the check reads the page again on. None for
    other kinds (their body digest serves). `tree`: the page as `parse_html` gave it, and `held`: the
    tables its scripts hold as `script_grids` gave them, where the caller read them already (both are
    read, not changed, so extraction can read them next)."""
    if kind != "html":
        return None
    tree = tree or parse_html(text)
    node = tree.body or tree.root
    settings = f"{reading_rules_digest()}\0{currency}\0{per}\0{(hints or Hints()).fingerprint()}\0".encode()
    # the tables a page's scripts hold are read where its HTML has none: a changed price there changes
    # the digest (a fresh token in a script does not: only rows of cells are kept)
    grids = held if held is not None else script_grids(text)
    in_scripts = "\0".join("\t".join(c.text for c in row) for grid in grids for row in grid.rows)
    body = ((node.html if node else "") or "") + "\0" + in_scripts
    return hashlib.sha256(settings + body.encode()).hexdigest()


def read_page(
    kind: str,
    text: str,
    currency: str,
    options: JsonOptions | None,
    per: int | None,
    as_of: str,
    hints: Hints,
    known: str | None,
) -> tuple[str | None, ExtractResult | None]:
    """A page's content digest, and its prices unless the digest is `known` (the content last read:
    the same prices, nothing to extract). An HTML page is parsed once for both, and its scripts' tables
    read once; its tree lives only here: a check round holds no tree while it waits."""
    tree = parse_html(text) if kind == "html" else None
    held = script_grids(text) if kind == "html" else None
    content = content_digest(kind, text, currency, per, hints, tree, held)
    if content is not None and content == known:
        return content, None
    return content, extract_prices(kind, text, currency, options, per, as_of, hints, tree, held)


_UNTIL = re.compile(r"\buntil (\d{4}-\d{2}-\d{2})")


def _superseded_out(found: list[tuple[Price, str]], day: str) -> list[tuple[Price, str]]:
    """A price 'through August 31' beside its successor 'starting September 1': once the first has
    ended, the second is the price, and the ended one is history, not a second price."""
    if not any("until " in price.note and _UNTIL.search(price.note) for price, _section in found):
        return found  # no price says when it ends (most pages)
    keys: dict[tuple[str, ...], int] = defaultdict(int)
    for price, _section in found:
        keys[price.key] += 1
    out = []
    for price, section in found:
        ended = _UNTIL.search(price.note)
        if ended and ended.group(1) < day and keys[price.key] > 1:
            continue
        out.append((price, section))
    return out


def _with_section(condition: str, section: str) -> str:
    """A price's condition with the section that tells it from the model's other prices ('Fast mode
    pricing' -> 'fast mode'; 'Global' -> 'global'): never part of the model's name, so an edit of one
    table does not rename the model's prices in the others."""
    said = section_topic(section)  # 'Model pricing' says nothing the other section's condition does not
    return " ".join(x for x in (condition, said) if x)


def _resolve_collisions(
    found: list[tuple[Price, str]],
) -> tuple[list[Price], list[str], frozenset[PriceKey]]:
    """One model listed twice: the same price is kept once; two prices are told apart by their
    sections (two platforms' tables), as a condition, and where nothing tells them apart neither is
    kept: reported, and the price's key returned as one the page lists but does not settle."""

    def groups(items: list[tuple[Price, str]]) -> dict[tuple[str, ...], list[tuple[Price, str]]]:
        by_key: dict[tuple[str, ...], list[tuple[Price, str]]] = defaultdict(list)
        for price, section in items:
            by_key[price.key].append((price, section))
        return by_key

    def differ(group: list[tuple[Price, str]]) -> bool:
        return len(group) > 1 and len({p.per_million for p, _ in group}) > 1

    first = groups(found)
    # a model whose prices differ between two sections (Claude's Global and us-east5 tables) is named
    # by section in all of them, also for a price that only one section lists: by the nearest heading
    # that tells its sections apart (a heading both share, 'Overview' above each, says nothing)
    differing = {key for key, group in first.items() if differ(group)}  # once per key, not per price
    told_apart: set[tuple[str, str]] = (
        {(model_id(p.model), s) for p, s in found if s and p.key in differing} if differing else set()
    )
    paths: dict[str, set[tuple[str, ...]]] = defaultdict(set)
    for model, section in told_apart:
        paths[model].add(tuple(section.split(" > ")))

    def telling(model: str, section: str) -> str:
        path = tuple(section.split(" > "))
        others = [other for other in paths[model] if other != path]
        if not others:
            return ""  # prices that differ within one section: no heading tells them apart
        return next((h for h in reversed(path) if section_topic(h) and all(h not in o for o in others)), "")

    if told_apart:
        named = [
            (replace(p, condition=_with_section(p.condition, telling(model_id(p.model), s))), s)
            if (model_id(p.model), s) in told_apart
            else (p, s)
            for p, s in found
        ]
        final = groups(named)
    else:
        final = first  # no price is named by its section (most pages): the groups are the first ones
    prices: list[Price] = []
    problems: list[str] = []
    unsettled: set[PriceKey] = set()
    for group in final.values():
        if differ(group):
            price = group[0][0]
            amounts = ", ".join(p.raw for p, _ in group)
            problems.append(
                f"{price.model} / {price.kind}: listed more than once at different prices ({amounts})"
            )
            unsettled.add(price.key)
        else:
            prices.append(group[0][0])
    return prices, problems, frozenset(unsettled)
