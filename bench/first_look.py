"""What a first check does with one page it never saw (its content digest and its prices), per page.

Run: taskset -c 0 .venv/bin/python bench/first_look.py [runs]

Per page, the median of `runs` (default 5; 3 for pages over 500 KB) with every cache of the readers
emptied before each run: the check-round benchmark's two 47 KB pages (bench/pages.py, Chinese and
English) and the HTML pages under tests/fixtures/real_pages. Then 100 different benchmark pages read one
after another with the caches kept, as a first round reads them. Issue 19's target: the 47 KB pages at a
third of the reader's CPU before it.
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

from monitor.extract import Hints, read_page
from monitor.fetch import decode_body

sys.path.insert(0, str(Path(__file__).resolve().parent))
from pages import make_pages

REAL_PAGES = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "real_pages"
DAY = "2026-12-01"


def look(text: str, currency: str) -> None:
    read_page("html", text, currency, None, None, DAY, Hints(), None)


def caches() -> list[Callable[[], None]]:
    """Every cache_clear of the monitor's modules."""
    found = []
    for name, module in list(sys.modules.items()):
        if name.startswith("monitor"):
            found += [
                v.cache_clear for v in vars(module).values() if callable(getattr(v, "cache_clear", None))
            ]
    return found


def bench_text(index: int, seed: int = 0) -> tuple[str, str]:
    page = make_pages(index + 1, 0.0, seed)[index]
    before, after = page.parts()
    return (before + b"token" + after).decode(), "CNY" if page.chinese else "USD"


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    cases = [(f"bench page {n} ({'zh' if n == 0 else 'en'})", *bench_text(n)) for n in (0, 1)]
    for path in sorted(REAL_PAGES.glob("*.html")):
        text, _encoding = decode_body(path.read_bytes(), "")
        cases.append((path.name.split("__")[0], text, "CNY" if "_zh" in path.name else "USD"))
    look(*bench_text(0))  # imports
    clear = caches()
    print(f"{'page':<45} {'KB':>6} {'median':>9}  (caches emptied before each of {runs} runs)")
    for name, text, currency in cases:
        times = []
        for _ in range(runs if len(text) < 500_000 else 3):
            for function in clear:
                function()
            started = time.perf_counter()
            look(text, currency)
            times.append(time.perf_counter() - started)
        print(f"{name:<45} {len(text.encode()) // 1024:>6} {statistics.median(times) * 1000:>6.1f} ms")
    for function in clear:
        function()
    pages = make_pages(100, 0.0, seed=7)
    texts = [
        ((b + b"token" + a).decode(), "CNY" if p.chinese else "USD") for p in pages for b, a in [p.parts()]
    ]
    started = time.perf_counter()
    for text, currency in texts:
        look(text, currency)
    print(
        f"{'100 bench pages, one after another':<52} {(time.perf_counter() - started) * 10:>6.1f} ms a page"
    )


if __name__ == "__main__":
    main()
