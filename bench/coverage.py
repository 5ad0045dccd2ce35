"""Coverage without labels: how many of a page's price-looking amounts extraction read, reported, dropped.

Run: .venv/bin/python bench/coverage.py [FOLDER] [--json] [--drops PAGE_SUBSTRING]
     (FOLDER defaults to ../shared/fixtures beside the project; --drops lists the silently dropped
     amounts of the pages whose path contains PAGE_SUBSTRING, each with ~60 characters of context)

No page needs labelling: a small grammar of its own (below, independent of the extractor's) finds every
price-looking amount in a page's visible text, and each one is sorted into exactly one of
  read      the amount is among the prices extraction read,
  reported  extraction named it in a problem (it saw the amount and said it could not read it),
  dropped   neither: extraction passed it over silently. This is the figure the project drives to zero;
            a dropped amount is a place to look (it may be a plan's price, not a model's), not a verdict.

Price-looking: a number (1,234.5 as well as 0.5), not glued to a letter, digit or dot before it, with
  - a currency sign or code right before it: $ ＄ US$ € £ ¥ ￥ USD CNY RMB EUR ('$0.5', 'USD 2'), or
  - a currency right after it: USD CNY RMB EUR 美元 元 € ('2元', '0.5 USD', '2.5美元'), or
  - a price unit right after it (after such a currency, if any): '/' 'per' or '每', then an optional
    count, then M K MTok KTok million thousand 百万 千 万 tokens 张 image ('/M', '/1M tokens', '/MTok',
    'per million', '/千tokens', '元/百万tokens', '/张', '/image', '/K'; M and K not followed by a letter,
    so '/Month' is not one).
  Up to three spaces or line breaks may sit between the number and its sign or unit (a rendered page puts
  '$' and '0.5' in separate text nodes). Not price-looking: a number followed by '%' (a percent), a
  number inside a date (2024-05-23, 2024/5/23, 2024年5月23日, 5/23/2024), and a bare number (no sign,
  currency or unit beside it, such as a table cell under a '$/M' header). Each occurrence counts.

Matching rule: an occurrence with number text N ('0.50', '1,000') and value V is *read* when some price
extraction returned has N among the numbers of its `raw` text, or has `amount == V` (so '0.50' and
'0.5' match). Otherwise it is *reported* when N is among the numbers of some problem string; otherwise
*dropped*. The rule is per page and by value, not by position, so 'read' is an upper bound and 'dropped'
a lower bound: an amount that happens to equal a read price elsewhere on the page counts as read.

Pages: every file under FOLDER except README.md, labels.json, feeds (.xml), YAML, and anything under a
news_articles/, rss_feeds/, changelogs/ or news/ folder or named *changelog* (news and changelogs are not
pricing pages). Reader by extension: .html -> "html" (visible text: the page without scripts and
styles, as the extractor parses it), .md .mdx .txt .js -> "markdown" (visible text: the file). JSON
files are skipped and counted as such: a JSON price list has no visible text to hold extraction against.
Currency: "CNY" when the file name contains '_zh' or the folder is one of a Chinese provider
(CHINESE_FOLDERS), else "USD". Each page is read as on the day its name gives (as_of), as the goldens are.
A page whose extraction (or the extractor's import) fails is printed with its error and left out of the
totals. Time is one extraction of the page, in milliseconds.

Bare figures, apart: a table cell holding a number and nothing else ('15.00') is no price-looking amount
above, yet it is money where its column's header names a currency ('在线推理 元/百万token', 'Input (USD per
1M tokens)', '价格（元）'). Each such cell is sorted the same way (read, reported, dropped, by the same
matching rule) and counted apart ('bare' in the table). Tables by a grammar of this module's own: an HTML
<table>'s <tr> rows of <th>/<td> cells, its first row the header (spans are not followed); a Markdown
table's '|' rows, its first row the header. A header names a currency with a sign or code ($ ¥ ￥ € USD CNY
RMB EUR) or 元 / 美元.
"""

from __future__ import annotations

import argparse
import json
import re
import time
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from pathlib import Path

FIXTURES = Path(__file__).resolve().parents[2] / "shared" / "fixtures"
CHINESE_FOLDERS = {
    "cn_price_table_markdown",
    "llm_prices_cn",
    "ucloud_modelverse_price_md",
    "volcengine_ark_docs",
}
READERS = {".html": "html", ".md": "markdown", ".mdx": "markdown", ".txt": "markdown", ".js": "markdown"}
NOT_PAGES = {"news_articles", "rss_feeds", "changelogs", "news"}
CONTEXT = 30  # characters shown on each side of a dropped amount
COUNTS = ("looking", "read", "reported", "dropped")

# The number itself: '1,234.5' or '0.5'; a number glued to a letter, digit or dot ('gpt4', 'v3.5') is none.
_NUMBER = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
_AMOUNT = re.compile(rf"(?<![A-Za-z0-9_.]){_NUMBER}(?!\d)")
_ANY_NUMBER = re.compile(rf"(?<![\d.]){_NUMBER}")  # the numbers of a price's raw text or a problem
_GAP = r"\s{0,3}"
_SIGN_BEFORE = re.compile(rf"(?:US\$|[$＄€£¥￥]|(?<![A-Za-z])(?:USD|CNY|RMB|EUR)){_GAP}$")
_CURRENCY_AFTER = r"(?:USD|CNY|RMB|EUR|美元|元|€)"
_UNIT_AFTER = (
    r"(?:/|per\s+|每)\s?每?\s?(?:[\d,]+\s?)?"
    r"(?:(?:MTok|KTok|M|K|million|thousand|百万|千|万)(?:\s?tokens?)?(?![A-Za-z])|tokens?(?![A-Za-z])|张|images?(?![A-Za-z]))"
)
_PRICE_AFTER = re.compile(rf"{_GAP}(?:{_CURRENCY_AFTER}(?:{_GAP}{_UNIT_AFTER})?|{_UNIT_AFTER})", re.I)
_PERCENT = re.compile(r"\s?[%％]")
_DATE = re.compile(r"(?<!\d)(?:\d{4}[-/.年]\d{1,2}(?:[-/.月]\d{1,2}日?)?|\d{1,2}/\d{1,2}/\d{2,4}(?!\d))")
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")  # zero-width padding inside cells
_BARE = re.compile(rf"^\s*({_NUMBER})\s*$")  # a cell that holds a figure and nothing else
_HEADER_MONEY = re.compile(r"[$＄€£¥￥]|(?<![A-Za-z])(?:USD|CNY|RMB|EUR)(?![A-Za-z])|元|美元", re.I)


@dataclass
class Amount:
    """One price-looking occurrence in a page's visible text."""

    text: str  # the number as written: '0.50', '1,000'
    start: int
    end: int

    @property
    def value(self) -> Decimal:
        return Decimal(self.text.replace(",", ""))


@dataclass
class Coverage:
    """What extraction made of one page's price-looking amounts."""

    page: str
    kind: str
    currency: str
    looking: int = 0
    read: int = 0
    reported: int = 0
    dropped: int = 0
    prices: int = 0
    problems: int = 0
    ms: float = 0.0
    error: str = ""
    drops: list[str] = field(default_factory=list)
    bare: int = 0  # bare figures under a header that names a currency
    bare_read: int = 0
    bare_reported: int = 0
    bare_dropped: int = 0


def list_pages(root: Path) -> tuple[list[Path], list[Path]]:
    """The pricing pages under `root` and, apart, its JSON price lists (skipped: no visible text)."""
    pages, json_files = [], []
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root)
        if not path.is_file() or NOT_PAGES & set(relative.parts[:-1]) or "changelog" in path.name:
            continue
        if path.suffix == ".json" and path.name != "labels.json":
            json_files.append(path)
        elif path.suffix in READERS and path.name != "README.md":
            pages.append(path)
    return pages, json_files


def guess_currency(path: Path) -> str:
    """The currency a price without a sign is in: CNY for a Chinese page or provider, else USD."""
    return "CNY" if "_zh" in path.name or path.parent.name in CHINESE_FOLDERS else "USD"


def captured_on(path: Path) -> str | None:
    """The capture date in a fixture's name (…__v10__2025-03-24__hash.md), or None (today)."""
    match = re.search(r"__(\d{4}-\d{2}-\d{2})__", path.name)
    return match.group(1) if match else None


def visible_part(kind: str, text: str) -> str:
    """What a reader of the page sees: an HTML page without scripts and styles; no zero-width padding."""
    if kind == "html":
        from monitor.extract.html import page_text, parse_html

        text = page_text(parse_html(text))
    return _INVISIBLE.sub("", text)


def find_amounts(text: str) -> list[Amount]:
    """Every price-looking amount of `text`, by the grammar in this module's docstring."""
    dates = [match.span() for match in _DATE.finditer(text)]
    found = []
    for match in _AMOUNT.finditer(text):
        start, end = match.span()
        if _PERCENT.match(text, end) or any(a <= start < b for a, b in dates):
            continue
        if _SIGN_BEFORE.search(text[max(0, start - 7) : start]) or _PRICE_AFTER.match(text, end):
            found.append(Amount(match.group(), start, end))
    return found


def table_rows(kind: str, text: str) -> list[list[list[str]]]:
    """Every table of the page as rows of cell texts, the header first (this module's own reading)."""
    if kind == "html":
        from selectolax.lexbor import LexborHTMLParser

        tables = []
        for table in LexborHTMLParser(text).css("table"):
            rows = [[cell.text(separator=" ") for cell in tr.css("th, td")] for tr in table.css("tr")]
            tables.append([[_INVISIBLE.sub("", c) for c in row] for row in rows if row])
        return tables
    tables, rows = [], []
    for line in [*text.splitlines(), ""]:
        stripped = line.strip()
        if stripped.startswith("|"):
            cells = [c.strip() for c in stripped.strip("|").split("|")]
            if not all(re.fullmatch(r":?-{2,}:?", c) for c in cells if c):  # not the '|---|' line
                rows.append(cells)
        elif rows:
            tables.append(rows)
            rows = []
    return tables


def bare_figures(kind: str, text: str) -> list[tuple[str, str]]:
    """(figure, its column's header) for each cell holding only a figure under a header naming a currency."""
    found = []
    for rows in table_rows(kind, text):
        header = [" ".join(c.split()) for c in rows[0]]
        money = {j for j, label in enumerate(header) if _HEADER_MONEY.search(label)}
        for row in rows[1:]:
            for j, cell in enumerate(row):
                match = _BARE.match(cell) if j in money else None
                if match:
                    found.append((match.group(1), header[j]))
    return found


def collect_numbers(texts: list[str]) -> set[str]:
    """Every number written in `texts`, as written ('0.50', '1,000')."""
    return {match.group() for text in texts for match in _ANY_NUMBER.finditer(text)}


def show_in_context(text: str, amount: Amount) -> str:
    """The amount marked »thus« with CONTEXT characters each side, on one line."""
    before = text[max(0, amount.start - CONTEXT) : amount.start]
    after = text[amount.end : amount.end + CONTEXT]
    return " ".join(f"{before}»{amount.text}«{after}".split())


def measure(path: Path, root: Path) -> Coverage:
    """Extract one page and sort each of its price-looking amounts into read, reported or dropped."""
    kind = READERS[path.suffix]
    coverage = Coverage(page=str(path.relative_to(root)), kind=kind, currency=guess_currency(path))
    try:
        # Imported here, so that an extractor broken mid-edit fails this page, not the whole run
        # (monitor.fetch imports the extractor too, through the configuration).
        from monitor.extract import extract_prices
        from monitor.fetch import decode_body

        text, _ = decode_body(path.read_bytes(), "")
        started = time.perf_counter()
        result = extract_prices(kind, text, coverage.currency, as_of=captured_on(path))
        coverage.ms = round((time.perf_counter() - started) * 1000, 1)
        shown = visible_part(kind, text)
    except Exception as error:  # any failure of the extractor is this page's result
        coverage.error = f"{type(error).__name__}: {error}"
        return coverage
    coverage.prices, coverage.problems = len(result.prices), len(result.problems)
    raw_numbers = collect_numbers([price.raw for price in result.prices])
    amounts = {price.amount for price in result.prices}
    problem_numbers = collect_numbers(result.problems)
    for amount in find_amounts(shown):
        coverage.looking += 1
        if amount.text in raw_numbers or amount.value in amounts:
            coverage.read += 1
        elif amount.text in problem_numbers:
            coverage.reported += 1
        else:
            coverage.dropped += 1
            coverage.drops.append(show_in_context(shown, amount))
    for figure, header in bare_figures(kind, text):
        coverage.bare += 1
        if figure in raw_numbers or Decimal(figure.replace(",", "")) in amounts:
            coverage.bare_read += 1
        elif figure in problem_numbers:
            coverage.bare_reported += 1
        else:
            coverage.bare_dropped += 1
            coverage.drops.append(f"»{figure}« alone in a cell under {header!r}")
    return coverage


def print_table(results: list[Coverage], json_files: list[Path], root: Path) -> None:
    width = max([len(r.page) for r in results] + [4])
    print(
        f"{'page':<{width}}  {'reader':<8} cur  looking   read  reported  dropped  prices  problems  time"
        "     bare  dropped"
    )
    for r in results:
        if r.error:
            print(f"{r.page:<{width}}  {r.kind:<8} {r.currency}  ERROR {r.error}")
            continue
        print(
            f"{r.page:<{width}}  {r.kind:<8} {r.currency} {r.looking:8d} {r.read:6d} {r.reported:9d}"
            f" {r.dropped:8d} {r.prices:7d} {r.problems:9d} {r.ms:7.1f} ms {r.bare:6d} {r.bare_dropped:8d}"
        )
    counted = [r for r in results if not r.error]
    folders = sorted({str(path.parent.relative_to(root)) for path in json_files})
    print(
        f"{len(counted)} pages counted, {len(results) - len(counted)} failed (not in the total); "
        f"{len(json_files)} JSON files skipped, no visible text ({', '.join(folders)})"
    )
    print(
        f"TOTAL price-looking {sum(r.looking for r in counted)}  read {sum(r.read for r in counted)}"
        f"  reported {sum(r.reported for r in counted)}  dropped {sum(r.dropped for r in counted)}"
    )
    print(
        f"TOTAL bare figures under a header naming a currency {sum(r.bare for r in counted)}"
        f"  read {sum(r.bare_read for r in counted)}  reported {sum(r.bare_reported for r in counted)}"
        f"  dropped {sum(r.bare_dropped for r in counted)}"
    )


def print_drops(results: list[Coverage]) -> None:
    for r in results:
        print(f"\n{r.page}: {r.dropped} dropped, {r.bare_dropped} bare figures dropped")
        for context in r.drops:
            print(f"  {context}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", type=Path, default=FIXTURES, help="pages to measure")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--drops", metavar="PAGE_SUBSTRING", help="list the dropped amounts of these pages")
    args = parser.parse_args()
    root = args.folder.resolve()
    pages, json_files = list_pages(root)
    results = sorted((measure(path, root) for path in pages), key=lambda r: r.page)
    chosen = [r for r in results if args.drops is not None and args.drops in r.page]
    chosen_pages = {r.page for r in chosen}
    if args.json:
        counted = [r for r in results if not r.error]
        totals = {
            name: sum(getattr(r, name) for r in counted)
            for name in (*COUNTS, *(f"bare{part}" for part in ("", "_read", "_reported", "_dropped")))
        }
        report = {
            "pages": [{**asdict(r), "drops": r.drops if r.page in chosen_pages else []} for r in results],
            "skipped_json": [str(path.relative_to(root)) for path in json_files],
            "total": totals,
        }
        print(json.dumps(report, ensure_ascii=False, indent=2))
        return
    print_table(results, json_files, root)
    if args.drops is not None and not chosen:
        print(f"\nno page's path contains {args.drops!r}")
    print_drops(chosen)


if __name__ == "__main__":
    main()
