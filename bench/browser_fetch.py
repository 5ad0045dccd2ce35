"""The browser fetch beside the http fetch: time per page and memory, one browser kept vs one per round.

Run: .venv/bin/python bench/browser_fetch.py                 (20 pages, 3 rounds)
     .venv/bin/python bench/browser_fetch.py --pages 40 --rounds 5

Pages on 127.0.0.1: the check-round benchmark's 47 KB pricing page (a table of 20-40 models among
scripts and navigation), served as it is ("static") and as a single-page app whose script fetches the
same table as JSON and draws it ("drawn"). Each is fetched N times one after another through
`Fetcher.fetch` (the monitor's own code: per-host limit, retries, size cap), by http and by the browser.

Memory: the monitor's Python process (RSS; with what the daemon imports, the pages served by another
process) and, apart, the processes it starts for the browser
(Playwright's Node.js driver and Chromium's browser, zygote, network service and renderer processes): the
sum of their PSS (proportional set size: shared pages counted once across them), peak while pages load
(sampled every 200 ms) and after the pages are closed with the browser kept. "Per round" starts the
browser, loads a round of pages, and closes it; "kept" starts it once for every round. The CPU column is
every process's (the driver and Chromium included), read once they have exited.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import json
import multiprocessing
import os
import resource
import statistics
import sys
import threading
import time
from dataclasses import replace
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from pages import Page

from monitor.browser import Browsers
from monitor.config import Settings
from monitor.fetch import Fetcher

for _module in ("monitor.cli", "monitor.daemon", "monitor.pipeline"):
    importlib.import_module(_module)  # what the daemon has loaded: the Python RSS is the daemon's

SPA = """<!doctype html><html><head><meta charset="utf-8"><title>Pricing</title></head><body>
<main id="app">Loading…</main><script>
fetch("/prices.json").then(r => r.json()).then(d => {
  const t = document.createElement("table");
  t.innerHTML = "<tr>" + d.header.map(h => "<th>" + h + "</th>").join("") + "</tr>" +
    d.rows.map(r => "<tr>" + r.map(c => "<td>" + c + "</td>").join("") + "</tr>").join("");
  const app = document.getElementById("app"); app.textContent = ""; app.append(t);
});
</script></body></html>"""


def make_pages() -> dict[str, tuple[bytes, str]]:
    page = Page(
        index=1,
        chinese=True,
        models=[(f"model-{n}", Decimal(n + 1), Decimal(2 * n + 2), Decimal(n + 1) / 10) for n in range(30)],
    )
    before, after = page.parts()
    static = before + b"token" + after
    table = {
        "header": ["模型", "输入价格", "输出价格", "缓存命中"],
        "rows": [
            [name, page.price_cell(i, n), page.price_cell(o, n), page.price_cell(c, n)]
            for n, (name, i, o, c) in enumerate(page.models)
        ],
    }
    return {
        "/static": (static, "text/html; charset=utf-8"),
        "/drawn": (SPA.encode(), "text/html; charset=utf-8"),
        "/prices.json": (json.dumps(table).encode(), "application/json"),
    }


def _serve_forever(pages: dict[str, tuple[bytes, str]], ports: Connection) -> None:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # headers and body leave at once, no 40 ms delayed-ACK stall

        def do_GET(self) -> None:
            body, kind = pages.get(self.path.split("?")[0], (b"not found", "text/plain"))
            self.send_response(200 if self.path.split("?")[0] in pages else 404)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    ports.send(httpd.server_port)
    httpd.serve_forever()


def serve(pages: dict[str, tuple[bytes, str]]) -> tuple[multiprocessing.Process, int]:
    """The pages served on 127.0.0.1 by a process of its own, so this one's memory is the monitor's."""
    mine, theirs = multiprocessing.Pipe()
    server = multiprocessing.get_context("spawn").Process(target=_serve_forever, args=(pages, theirs))
    server.start()
    return server, int(mine.recv())


SERVER: set[int] = set()  # the page server's pid: not the monitor's


def descendants(pid: int) -> list[int]:
    """Every process under `pid` but the page server."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        try:
            tasks = os.listdir(f"/proc/{current}/task")
        except OSError:
            continue
        for task in tasks:
            try:
                children = Path(f"/proc/{current}/task/{task}/children").read_text().split()
            except OSError:
                continue
            for child in map(int, children):
                if child in SERVER or _multiprocessing(child):
                    continue
                found.append(child)
                todo.append(child)
    return found


def _multiprocessing(pid: int) -> bool:
    """The page server or multiprocessing's resource tracker: a Python process of the benchmark's own."""
    try:
        return b"multiprocessing" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False


def kb(path: str, field: str) -> int:
    try:
        for line in Path(path).read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


class Sampler:
    """Peak RSS of this process, peak PSS of all its descendants and of the driver (Node.js) alone,
    sampled every 200 ms (reading /proc more often slows the fetches it measures)."""

    def __init__(self) -> None:
        self.own = self.tree = self.driver = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def now(self) -> tuple[int, int, int]:
        own = kb(f"/proc/{os.getpid()}/status", "VmRSS")
        tree = sum(kb(f"/proc/{pid}/smaps_rollup", "Pss") for pid in descendants(os.getpid()))
        driver = sum(
            kb(f"/proc/{pid}/smaps_rollup", "Pss")
            for pid in descendants(os.getpid())
            if Path(f"/proc/{pid}/comm").exists()
            and Path(f"/proc/{pid}/comm").read_text().strip().startswith("node")
        )
        return own, tree, driver

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                own, tree, driver = self.now()
            except OSError:  # a process ended while it was read
                continue
            self.own, self.tree, self.driver = (
                max(self.own, own),
                max(self.tree, tree),
                max(self.driver, driver),
            )
            time.sleep(0.2)

    def __enter__(self) -> Sampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


async def fetch_round(
    fetcher: Fetcher, url: str, count: int, browser: bool, wait_for: str = ""
) -> list[float]:
    times = []
    for _ in range(count):
        started = time.perf_counter()
        page = await fetcher.fetch(url, browser=browser, wait_for=wait_for)
        times.append(time.perf_counter() - started)
        assert "model-29" in page.text, page.text[:300]
    return times


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--pages", type=int, default=20, help="pages fetched per round (default 20)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds (default 3)")
    args = parser.parse_args()
    server, port = serve(make_pages())
    SERVER.add(server.pid or 0)
    base = f"http://127.0.0.1:{port}"
    settings = replace(Settings(database=Path("unused")), retries=0, per_host=2)
    print(f"{args.rounds} rounds of {args.pages} pages, one after another; Chromium flags as shipped")
    rows = []

    async def http_rows() -> None:
        fetcher = Fetcher(settings)
        try:
            with Sampler() as sampler:
                times = []
                for _ in range(args.rounds):
                    times += await fetch_round(fetcher, base + "/static", args.pages, False)
        finally:
            await fetcher.aclose()
        rows.append(("http", "static", statistics.median(times), sampler.own, sampler.tree, "-", "-"))

    async def browser_kept(path: str, wait_for: str = "") -> None:
        browsers = Browsers(pages=settings.browser_pages)
        fetcher = Fetcher(settings, browsers=browsers)
        cpu = children_cpu()
        try:
            with Sampler() as sampler:
                first = await fetch_round(fetcher, base + path, 1, True, wait_for)
                times = []
                for _ in range(args.rounds):
                    times += await fetch_round(fetcher, base + path, args.pages, True, wait_for)
            await asyncio.sleep(1.0)
            _own, idle_tree, _driver = Sampler().now()
        finally:
            await fetcher.aclose()
        cpu = children_cpu() - cpu
        rows.append(
            ("browser, kept" + (f", wait_for {wait_for!r}" if wait_for else ""), path[1:],
             statistics.median(times), sampler.own, sampler.tree, f"{idle_tree / 1024:.0f} MB",
             f"start+1st page {first[0]:.2f} s, driver {sampler.driver / 1024:.0f} MB, CPU {cpu:.1f} s")
        )  # fmt: skip

    async def browser_per_round(path: str) -> None:
        times, starts = [], []
        cpu = children_cpu()
        with Sampler() as sampler:
            for _ in range(args.rounds):
                fetcher = Fetcher(settings, browsers=Browsers(pages=settings.browser_pages))
                try:
                    round_times = await fetch_round(fetcher, base + path, args.pages, True)
                    starts.append(round_times[0])  # the first page of a round carries the start
                    times += round_times[1:]
                finally:
                    await fetcher.aclose()
        cpu = children_cpu() - cpu
        rows.append(
            ("browser, per round", path[1:], statistics.median(times), sampler.own, sampler.tree, "0 MB",
             f"start+1st page {statistics.median(starts):.2f} s, driver {sampler.driver / 1024:.0f} MB, "
             f"CPU {cpu:.1f} s")
        )  # fmt: skip

    async def go() -> None:
        await http_rows()
        loaded = kb(f"/proc/{os.getpid()}/status", "VmRSS")
        importlib.import_module("playwright.async_api")
        imported = kb(f"/proc/{os.getpid()}/status", "VmRSS")
        print(
            f"Python RSS after the http rounds {loaded / 1024:.1f} MB, "
            f"then with Playwright imported {imported / 1024:.1f} MB"
        )
        for path in ("/static", "/drawn"):
            await browser_kept(path)
            await browser_per_round(path)
        await browser_kept("/drawn", "table td")

    asyncio.run(go())
    server.terminate()
    server.join()
    header = ("fetch", "page", "per page (median)", "Python RSS", "browser PSS", "idle, kept", "notes")
    print(" | ".join(header))
    print(" | ".join("---" for _ in header))
    for fetch, page, per_page, own, tree, idle, notes in rows:
        print(
            f"{fetch} | {page} | {per_page * 1000:.0f} ms | {own / 1024:.0f} MB | "
            f"{tree / 1024:.0f} MB | {idle} | {notes}"
        )


if __name__ == "__main__":
    main()
