"""Where a first round's CPU goes, step by step: N benchmark pages (bench/pages.py) checked once by the
monitor's pipeline, with a CPU timer around each step of a check.

Run: taskset -c 0 .venv/bin/python bench/round_steps.py [N]   (default 1000)

The steps a check takes off the event loop (reading the page, its prose, compressing its snapshot) run in
the loop's thread here, so that each is timed alone; what no step's timer holds (fetching with httpx,
the event loop, the pipeline between the steps) is 'fetch and the rest'. Prints milliseconds of CPU a page
and each step's share, and each step in units of the bare loop of bench/check_round.py (httpx, selectolax,
a SHA-256 of the tables' text), run on the same pages in the same process right after: issue 19's target
is a first round within 2x of that loop, so the steps' sum without extraction says how close any
extraction, however fast, could bring it.
"""

from __future__ import annotations

import asyncio
import functools
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import check_round
from pages import PageServer

import monitor.pipeline as pipeline
from monitor import decide
from monitor.store import Store

STEPS: list[tuple[Any, str, str]] = [
    (pipeline, "read_page", "parse, content digest, extraction"),
    (Store, "record_check", "store (one transaction)"),
    (pipeline, "prose", "prose (price notices)"),
    (pipeline, "pack", "compress the snapshot"),
    (decide, "read_page", "decide (diff, hold, notices)"),
    (Store, "read_prices", "read the stored prices"),
    (Store, "read_source", "read the source's state"),
]


def timed(spent: Counter[str], label: str, step: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(step)
    def run(*args: Any, **kwargs: Any) -> Any:
        start = time.process_time()
        try:
            return step(*args, **kwargs)
        finally:
            spent[label] += time.process_time() - start

    return run


async def in_this_thread(step: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    return step(*args, **kwargs)


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    spent: Counter[str] = Counter()
    for owner, name, label in STEPS:
        setattr(owner, name, timed(spent, label, getattr(owner, name)))
    pipeline.asyncio.to_thread = in_this_thread  # type: ignore[assignment]
    server = PageServer(n, 0.1, check_round.HOSTS)
    try:
        with tempfile.TemporaryDirectory() as folder:
            urls = [server.url(i) for i in range(n)]
            cpu = time.process_time()
            outcome = asyncio.run(check_round._round(list(range(n)), urls, Path(folder) / "m.db", 1, 1))
            cpu = time.process_time() - cpu
            bare = time.process_time()
            asyncio.run(check_round._bare_round(urls, 1, {}))
            bare = time.process_time() - bare
    finally:
        server.close()
    print(f"first round of {n} pages: {cpu / n * 1000:.2f} ms of CPU a page; {outcome['statuses']}")
    spent["fetch and the rest"] = cpu - sum(spent.values())
    print(f"the bare loop on the same pages: {bare / n * 1000:.2f} ms of CPU a page (1.00x)")
    rows = [*spent.most_common(), ("every step but extraction", cpu - spent[STEPS[0][2]])]
    for label, seconds in rows:
        share = f"{seconds / n * 1000:6.2f} ms  {seconds / cpu:4.0%}  {seconds / bare:5.2f}x bare"
        print(f"  {label:<36} {share}")


if __name__ == "__main__":
    main()
