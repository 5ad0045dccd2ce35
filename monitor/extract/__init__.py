"""Extraction: a page's text -> every model's prices. One reader per source kind, in a registry."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import replace

from monitor.extract.grid import Grid, prices_from_grid
from monitor.extract.html import html_grids, page_text, parse_html
from monitor.extract.markdown import markdown_grids
from monitor.models import ExtractResult, Price
from monitor.normalize import PriceContext, context_of


def _html_tables(text: str) -> tuple[list[Grid], str]:
    tree = parse_html(text)
    return html_grids(tree), page_text(tree)


# kind -> reader of (tables, prose) from a page's text
READERS: dict[str, Callable[[str], tuple[list[Grid], str]]] = {
    "html": _html_tables,
    "markdown": markdown_grids,
}

# A sentence where a page states the unit of all its prices.
_UNIT_SENTENCE = re.compile(
    r"(?:in units of|prices? (?:are|listed)[^.\n]{0,60}?|价格单位|计价单位|单位[为是:：])"
    r"[^.\n。]{0,40}",
    re.I,
)


def page_context(prose: str, currency: str) -> PriceContext:
    """The source's currency, refined by a sentence where the page states its unit."""
    context = PriceContext(currency=currency)
    match = _UNIT_SENTENCE.search(prose)
    if match:
        stated = context_of(match.group(0))
        context = context.merged(PriceContext(per=stated.per, unit=stated.unit))
    return context


def extract_prices(kind: str, text: str, currency: str) -> ExtractResult:
    """Every price on a page of the given kind; `currency` is assumed where the page does not say."""
    grids, prose = READERS[kind](text)
    context = page_context(prose, currency)
    found: list[tuple[Price, str]] = []
    problems: list[str] = []
    for grid in grids:
        result = prices_from_grid(grid, context)
        found.extend(result.prices)
        problems.extend(result.problems)
    prices, collisions = _resolve_collisions(found)
    return ExtractResult(prices=prices, problems=problems + collisions)


def _resolve_collisions(found: list[tuple[Price, str]]) -> tuple[list[Price], list[str]]:
    """One model listed in two tables at two prices (two platforms) is told apart by its section."""
    by_key: dict[tuple[str, ...], list[tuple[Price, str]]] = defaultdict(list)
    for price, section in found:
        by_key[price.key].append((price, section))
    prices: list[Price] = []
    problems: list[str] = []
    seen: set[tuple[str, ...]] = set()
    for price, section in found:
        group = by_key[price.key]
        if len({p.per_million for p, _ in group}) > 1 and section:
            price = replace(price, model=f"{price.model} ({section})")
        if price.key in seen:
            if len(group) > 1 and len({p.per_million for p, _ in group}) > 1:
                problems.append(f"{price.model} / {price.kind}: listed twice at different prices")
            continue
        seen.add(price.key)
        prices.append(price)
    return prices, problems
