"""Extraction time per page: real captured pages, and a 200 KB pricing page built from real rows.

Run: .venv/bin/python bench/extract_speed.py   (one core; the first run with empty caches, and the median)
Targets (issues 3 and 13): a 200 KB page in under 20 ms; the 2.6 MB Volcengine page in under 1 s.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

from monitor.extract import extract_prices
from monitor.extract.cells import _split_labelled
from monitor.extract.flat import _model_like, _plain, _priced, _states_spec
from monitor.extract.grid import _Column, _header_words
from monitor.extract.labels import date_phrase, kind_of, row_kind, tier_of
from monitor.models import model_id
from monitor.normalize import _read_price, clean_text, context_of, find_amounts, find_currency, find_unit

FIXTURES = Path(__file__).resolve().parents[2] / "shared" / "fixtures"
RUNS = 20


def synthetic_page(size: int) -> str:
    """A Docusaurus-like page of about `size` bytes: scripts, navigation, and a price table of real rows."""
    rows = "".join(
        f"<tr><td>model-{i}</td><td>${i % 7 + 0.14:.2f} / 1M tokens</td>"
        f"<td>${i % 5 + 0.28:.2f} / 1M tokens</td><td>{i % 9 * 0.01 + 0.0028:.4f} USD / 1M tokens</td></tr>"
        for i in range(40)
    )
    table = f"<table><tr><th>Model</th><th>Input</th><th>Output</th><th>Cached input</th></tr>{rows}</table>"
    filler = "<nav>" + "<a href='/docs/x'>Documentation link</a>" * 50 + "</nav>"
    script = "<script>" + "window.__DATA__ = {'k': 'v'};" * 200 + "</script>"
    body = table
    while len(body) < size:
        body += filler + script + "<p>" + "Pricing explained in prose. " * 40 + "</p>"
    return f"<html><head><title>Pricing</title></head><body>{body}</body></html>"


def clear_caches() -> None:
    """Forget the label and text caches, so the first run is what a page never seen before costs."""
    for function in (
        clean_text,
        context_of,
        find_amounts,
        find_currency,
        find_unit,
        kind_of,
        model_id,
        tier_of,
        row_kind,
        _read_price,  # parse_price's readings
        _split_labelled,
        _header_words,  # a table's header and model cells
        _Column.of,
        date_phrase,
        _model_like,  # the line readers'
        _plain,
        _priced,
        _states_spec,
    ):
        function.cache_clear()


def measure(name: str, kind: str, text: str, currency: str) -> None:
    timings = []
    for _ in range(RUNS):
        clear_caches()  # each run reads the page as one never seen: nothing of it cached
        started = time.perf_counter()
        result = extract_prices(kind, text, currency)
        timings.append((time.perf_counter() - started) * 1000)
    size = len(text.encode())
    print(
        f"{name:<40} {size / 1024:6.0f} KB {timings[0]:8.1f} ms {statistics.median(timings):8.1f} ms"
        f"  {len(result.prices):5d} prices"
    )


def main() -> None:
    python = sys.version.split()[0]
    print(f"{'page':<40} {'size':>9} {'first':>11} {'median':>11}  ({RUNS} runs, Python {python})")
    measure("synthetic 200 KB HTML, one 40-row table", "html", synthetic_page(200_000), "USD")
    for relative, kind, currency in [
        ("pricing_pages_captured/kimi_pricing__v01__2026-05-08__d1507e12fb.html", "html", "CNY"),
        (
            "pricing_pages_captured/deepseek_pricing_raw_docusaurus__2026-05-08__d1507e12fb.html",
            "html",
            "USD",
        ),
        ("pricing_pages_captured/gemini_pricing__v01__2026-05-08__d1507e12fb.html", "html", "USD"),
        ("markdown_price_tables/tokencost_pricing_table__v04__2024-11-15__1448939752.md", "markdown", "USD"),
        (
            "anthropic_pricing_page_mirror/anthropic_pricing_md__v06__2026-05-11__74dc26dc17.md",
            "markdown",
            "USD",
        ),
        # issue 13's target: the 2.6 MB Volcengine page under 1 s
        ("real_pages/volcengine-ark_model-pricing_zh__raw-html__2026-07-17__481ee58888.html", "html", "CNY"),
        (
            "real_pages/tencent-cloud_tokenhub-model-pricing_zh__raw-html__2026-08-10__d730983025.html",
            "html",
            "CNY",
        ),
        ("real_pages/zhipu-bigmodel_pricing_zh__rendered-html__2026-07-20__59f179195a.html", "html", "CNY"),
        ("real_pages/cerebras_pricing__raw-html__2026-05-08__d1507e12fb.html", "html", "USD"),
    ]:
        path = FIXTURES / relative
        if path.exists():
            measure(path.name.split("__")[0], kind, path.read_text(encoding="utf-8"), currency)


if __name__ == "__main__":
    main()
