"""News items and what is done with their price claims: feed and listing items, an article's own text,
and a claim's verdict against the pricing pages. The claims themselves are read by `monitor.claims`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from urllib.parse import urljoin, urlsplit

from selectolax.lexbor import LexborHTMLParser

from monitor.claims import Aliases, Claim, default_aliases, extract_claims, load_aliases
from monitor.models import model_id, relaxed_model_id
from monitor.normalize import clean_text

__all__ = [
    "CONFIRMED",
    "CONTRADICTS",
    "NOT_YET",
    "Aliases",
    "Claim",
    "NewsItem",
    "article_text",
    "default_aliases",
    "extract_claims",
    "listing_items",
    "load_aliases",
    "verdict",
]


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
