"""Database size after a simulated year: 50 sources checked every 10 minutes, prices changing twice a
month per source, the daemon's daily prune with keep_checks = 90 days.

Run: .venv/bin/python bench/storage_year.py [--days 365] [--sources 50]   (prints the size as it goes)
Target (issue 6): under 200 MB after a year.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from monitor.diff import diff_prices
from monitor.messages import change_message
from monitor.models import FetchResult, Price
from monitor.plan import CheckPlan
from monitor.store import SourceRow, Store

CHECK_EVERY = timedelta(minutes=10)
KEEP = timedelta(days=90)


def page(source: int, version: int, prices: list[Price]) -> bytes:
    """A ~45 KB pricing page: the table, and the scripts and navigation real pages carry."""
    rows = "".join(f"<tr><td>{p.model}</td><td>${p.amount} / 1M tokens</td></tr>" for p in prices)
    filler = "".join(
        f"<script>window.__b{source}_{version}_{i} = '{random.random()}';</script>" for i in range(400)
    )
    return f"<html><body><table>{rows}</table>{filler}</body></html>".encode()


def price_list() -> list[Price]:
    """30 models, input and output each: a typical provider's page."""
    return [
        Price(f"model-{m}", kind, Decimal(m + 1), "USD", raw=f"${m + 1}")
        for m in range(30)
        for kind in ("input", "output")
    ]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--sources", type=int, default=50)
    args = parser.parse_args()
    random.seed(7)
    with tempfile.TemporaryDirectory() as folder:
        database = Path(folder) / "monitor.db"
        store = Store(database)
        start = datetime(2026, 1, 1, tzinfo=UTC)
        rows = [
            SourceRow(f"s{i}", f"Provider {i}", "html", f"https://s{i}.test/p") for i in range(args.sources)
        ]
        prices = {r.name: price_list() for r in rows}
        versions = dict.fromkeys(prices, 0)
        began = time.monotonic()
        checks_per_day = int(timedelta(days=1) / CHECK_EVERY)
        for day in range(args.days):
            for tick in range(checks_per_day):
                when = (start + timedelta(days=day) + tick * CHECK_EVERY).isoformat(timespec="seconds")
                for row in rows:
                    store.ensure_source(row)
                    if random.random() < 2 / 30 / checks_per_day:  # about twice a month per source
                        old = prices[row.name]
                        i = random.randrange(len(old))
                        new = [
                            *old[:i],
                            Price(old[i].model, old[i].kind, old[i].amount * Decimal("0.9"), "USD", raw="x"),
                            *old[i + 1 :],
                        ]
                        versions[row.name] += 1
                        body = page(int(row.name[1:]), versions[row.name], new)
                        fetched = FetchResult(row.url, 200, body, body.decode())
                        changes = diff_prices(old, new)
                        message = change_message(row.provider, row.name, row.url, when, changes)
                        store.record_prices(
                            row,
                            when,
                            when,
                            fetched,
                            f"{row.name}-{versions[row.name]}",
                            new,
                            changes,
                            [],
                            message,
                            [],
                            "changed",
                        )
                        prices[row.name] = new
                    else:
                        fetched = FetchResult(row.url, 304, not_modified=True)
                        store.record_check(row, CheckPlan(when, when, "unchanged", fetched.status), [])
            store.prune((start + timedelta(days=day + 1) - KEEP).isoformat(timespec="seconds"))
            if (day + 1) % 30 == 0 or day + 1 == args.days:
                size = database.stat().st_size + sum(
                    p.stat().st_size for p in Path(folder).glob("monitor.db-*")
                )
                print(
                    f"day {day + 1:4d}: {size / 1e6:7.1f} MB  ({time.monotonic() - began:6.0f} s)", flush=True
                )
        store.close()


if __name__ == "__main__":
    main()
