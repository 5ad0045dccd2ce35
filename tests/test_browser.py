"""fetch = "browser": pages drawn by JavaScript, loaded in a real headless Chromium from 127.0.0.1."""

from __future__ import annotations

import asyncio
import importlib.util
import json
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from selectolax.lexbor import LexborHTMLParser

from monitor.browser import CHROMIUM_FLAGS, CHROMIUM_NAMES, Browsers
from monitor.config import Settings, Source
from monitor.extract import extract_prices
from monitor.fetch import Fetcher
from monitor.notify import Notifier
from monitor.pipeline import CheckOutcome, Deps, check_sources, preview_source, utc_now
from monitor.store import Store
from tests.conftest import GOLDENS, fixture
from tests.servers import PageServer, Response, WebhookReceiver

CHROMIUM = next(filter(None, map(shutil.which, CHROMIUM_NAMES)), None)
PLAYWRIGHT = importlib.util.find_spec("playwright") is not None
needs_browser = pytest.mark.skipif(
    CHROMIUM is None or not PLAYWRIGHT,
    reason="Chromium is not installed (apt-get install chromium)"
    if CHROMIUM is None
    else "Playwright is not installed (pip install -e '.[dev]')",
)

MOONSHOT = "real_pages/moonshot-kimi_pricing-chat-k27-code_zh__raw-html__2026-07-17__481ee58888.html"
GOLDEN = GOLDENS / "real" / "moonshot-kimi_pricing-chat-k27-code_zh.txt"

# A single-page app: the served HTML holds no price, a script fetches the table as JSON and draws it.
SHELL = """<!doctype html>
<html><head><meta charset="utf-8"><title>Kimi 定价</title></head>
<body><div id="app">加载中…</div>
<script>
fetch("/prices.json").then(r => r.json()).then(data => {
  const app = document.getElementById("app");
  app.textContent = "";
  const title = document.createElement("h1");
  title.textContent = data.title;
  const table = document.createElement("table");
  table.className = "price";
  const head = table.createTHead().insertRow();
  for (const text of data.header) {
    const th = document.createElement("th");
    th.textContent = text;
    head.appendChild(th);
  }
  const body = table.createTBody();
  for (const row of data.rows) {
    const tr = body.insertRow();
    for (const text of row) tr.insertCell().textContent = text;
  }
  app.append(title, table);
});
</script></body></html>
"""

# A page that polls its server every 100 ms: its network never goes quiet.
RESTLESS = """<!doctype html><html><body><p>live</p>
<script>setInterval(() => fetch("/poll?" + Date.now()), 100);</script></body></html>"""


def price_table() -> dict[str, object]:
    """The price table of Moonshot's real pricing page (as served), as the JSON its script would draw."""
    tree = LexborHTMLParser(fixture(MOONSHOT).read_text(encoding="utf-8"))
    table = tree.css_first("table")
    heading = tree.css_first("h1")
    assert table is not None and heading is not None
    rows = [[cell.text(strip=True) for cell in tr.css("th, td")] for tr in table.css("tr")]
    return {"title": heading.text(strip=True), "header": rows[0], "rows": rows[1:]}


BASELINE_PRICES = "select model, kind, amount from prices where check_id = (select min(check_id) from prices)"


def golden_prices() -> set[tuple[str, str, str]]:
    """(model, kind, amount) of every price in the page's golden."""
    lines = [line.split(" | ") for line in GOLDEN.read_text(encoding="utf-8").splitlines() if line]
    return {(cells[0], cells[1], cells[4].split()[0]) for cells in lines}


class Monitor:
    """One database and one Fetcher (so one browser) over several checks, as the daemon keeps them."""

    def __init__(self, tmp_path: Path, settings: Settings, notify: list[str]) -> None:
        self.settings = replace(settings, database=tmp_path / "monitor.db", notify=tuple(notify))
        self.store = Store(self.settings.database)
        self.fetcher = Fetcher(self.settings, backoff=0, browsers=self.browsers())
        self.deps = Deps(self.store, self.fetcher, Notifier(self.settings.notify, utc_now, retry_base=0))

    def browsers(self, executable: str = "", keep_idle: float = 60.0) -> Browsers:
        return Browsers(
            pages=self.settings.browser_pages,
            url=self.settings.browser_url,
            executable=executable or self.settings.browser_path,
            keep_idle=keep_idle,
        )

    async def check(self, *sources: Source) -> dict[str, CheckOutcome]:
        return {o.source: o for o in await check_sources(list(sources), self.deps)}

    async def close(self) -> None:
        await self.fetcher.aclose()
        self.store.close()


def browser_source(url: str, **changes: object) -> Source:
    source = Source(
        name="kimi",
        provider="Moonshot AI",
        kind="html",
        url=url,
        currency="CNY",
        interval=60,
        fetch="browser",
    )
    return replace(source, **changes)  # type: ignore[arg-type]


def settings(**changes: object) -> Settings:
    return replace(Settings(database=Path("unused"), retries=0, timeout=20.0), **changes)  # type: ignore[arg-type]


@pytest.fixture
def spa(pages: PageServer) -> dict[str, object]:
    """The single-page app at /pricing and its JSON at /prices.json; the test may change the JSON."""
    data = price_table()
    pages.put("/pricing", SHELL, Content_Type="text/html; charset=utf-8")
    pages.pages["/prices.json"] = lambda: Response(
        200, json.dumps(data).encode(), {"Content-Type": "application/json"}
    )
    return data


@needs_browser
def test_a_table_drawn_from_json_is_read_and_its_change_alerted(
    tmp_path: Path, pages: PageServer, webhook: WebhookReceiver, spa: dict[str, list[list[str]]]
) -> None:
    """The served HTML has no price; the rendered page has the real page's six prices. A price changed
    in the JSON is shown by `check --dry-run` and then alerted by name and numbers; an unchanged page is
    'unchanged' without a new snapshot."""
    served = extract_prices("html", SHELL, "CNY")
    assert served.prices == []
    monitor = Monitor(tmp_path, settings(), [webhook.url])
    source = browser_source(pages.url("/pricing"))

    async def go() -> list[CheckOutcome]:
        try:
            first = (await monitor.check(source))["kimi"]
            spa["rows"][0][3] = "¥5.20"  # kimi-k2.7-code's input (cache miss), was ¥6.50
            preview = await preview_source(source, monitor.deps)  # check --dry-run: rendered, not stored
            assert [(c.model, str(c.new_per_million)) for c in preview.changes] == [("kimi-k2.7-code", "5.2")]
            second = (await monitor.check(source))["kimi"]
            third = (await monitor.check(source))["kimi"]
            return [first, second, third]
        finally:
            await monitor.close()

    first, second, third = asyncio.run(go())
    assert first.status == "baseline", first.error
    seen = {(p[0], p[1], p[2]) for p in monitor_rows(monitor, BASELINE_PRICES)}
    assert seen == golden_prices()
    assert second.status == "changed"
    assert [(c.model, c.kind, str(c.old_per_million), str(c.new_per_million)) for c in second.changes] == [
        ("kimi-k2.7-code", "input", "6.5", "5.2")
    ]
    assert third.status == "unchanged"
    assert len(monitor_rows(monitor, "select id from snapshots")) == 2
    [alert] = webhook.received
    assert "kimi-k2.7-code" in alert["message"] and "6.5" in alert["message"] and "5.2" in alert["message"]
    assert pages.hits("/pricing") == 4 and pages.hits("/prices.json") == 4


def monitor_rows(monitor: Monitor, sql: str) -> list[tuple[str, ...]]:
    import sqlite3

    with sqlite3.connect(monitor.settings.database) as db:
        return db.execute(sql).fetchall()


@needs_browser
def test_wait_for_reads_as_soon_as_the_table_is_drawn(
    tmp_path: Path, pages: PageServer, spa: dict[str, object]
) -> None:
    """With wait_for the fetch needs no quiet network: a page that keeps polling is read once its table
    is there."""
    pages.put(
        "/pricing", SHELL.replace("</body>", RESTLESS.split("<body>")[1].split("</body>")[0] + "</body>")
    )
    monitor = Monitor(tmp_path, settings(), [])
    source = browser_source(pages.url("/pricing"), wait_for="table.price td", timeout=15.0)

    async def go() -> CheckOutcome:
        try:
            return (await monitor.check(source))["kimi"]
        finally:
            await monitor.close()

    outcome = asyncio.run(go())
    assert outcome.status == "baseline", outcome.error
    assert len(monitor_rows(monitor, "select model from prices")) == len(golden_prices())


@needs_browser
def test_a_page_that_never_settles_times_out_and_other_sources_go_on(
    tmp_path: Path, pages: PageServer, spa: dict[str, object]
) -> None:
    """A page whose network never goes quiet fails its check within its timeout with the reason; so does
    a wait_for that never matches; the http source of the same round is read."""
    pages.put("/restless", RESTLESS)
    pages.put(
        "/price.md",
        fixture(
            "real_pages/gmicloud_inference-price__md-source__v01__2025-03-21__6d2b997347.md"
        ).read_bytes(),
    )
    monitor = Monitor(tmp_path, settings(), [])
    restless = browser_source(pages.url("/restless"), timeout=3.0)
    missing = browser_source(pages.url("/pricing"), name="missing", wait_for="table.nowhere", timeout=3.0)
    plain = Source(
        name="gmi", provider="GMI", kind="markdown", url=pages.url("/price.md"), currency="USD", interval=60
    )

    async def go() -> dict[str, CheckOutcome]:
        try:
            return await monitor.check(restless, missing, plain)
        finally:
            await monitor.close()

    started = time.monotonic()
    outcomes = asyncio.run(go())
    assert time.monotonic() - started < 20
    assert outcomes["kimi"].status == "failed"
    assert "did not settle within 3s (its network never went quiet)" in str(outcomes["kimi"].error)
    assert outcomes["missing"].status == "failed"
    assert "no element matches wait_for = 'table.nowhere'" in str(outcomes["missing"].error)
    assert outcomes["gmi"].status == "baseline"


@needs_browser
def test_a_missing_browser_fails_its_source_with_the_reason(
    tmp_path: Path, pages: PageServer, webhook: WebhookReceiver, spa: dict[str, object]
) -> None:
    """A Chromium that is not there: the browser source fails saying so, the http source is read; after
    health_after (3) such checks one source-problem alert names the reason."""
    pages.put(
        "/price.md",
        fixture(
            "real_pages/gmicloud_inference-price__md-source__v01__2025-03-21__6d2b997347.md"
        ).read_bytes(),
    )
    monitor = Monitor(tmp_path, settings(browser_path=str(tmp_path / "no-chromium")), [webhook.url])
    plain = Source(
        name="gmi", provider="GMI", kind="markdown", url=pages.url("/price.md"), currency="USD", interval=60
    )

    async def go() -> list[dict[str, CheckOutcome]]:
        try:
            return [await monitor.check(browser_source(pages.url("/pricing")), plain) for _ in range(3)]
        finally:
            await monitor.close()

    first, _second, third = asyncio.run(go())
    assert first["kimi"].status == third["kimi"].status == "failed"
    assert f"Chromium ({tmp_path / 'no-chromium'}) could not be started" in str(first["kimi"].error)
    assert first["gmi"].status == "baseline" and third["gmi"].status == "unchanged"
    errors = monitor_rows(monitor, "select error from checks where source = 'kimi'")
    assert len(errors) == 3 and all("could not be started" in error for (error,) in errors)
    [alert] = webhook.received
    assert "source problem" in alert["title"] and "could not be started" in alert["message"]


@pytest.fixture
def crashing_chromium(tmp_path: Path) -> Iterator[Path]:
    """A Chromium that is killed (SIGKILL) 3 s after its first start; started again, it lives."""
    script = tmp_path / "crashing-chromium"
    marker = tmp_path / "crashed-once"
    script.write_text(
        f"""#!/bin/sh
"{CHROMIUM}" "$@" &
pid=$!
if [ ! -e "{marker}" ]; then touch "{marker}"; sleep 3; kill -9 $pid; fi
wait $pid
""",
        encoding="utf-8",
    )
    script.chmod(0o755)
    yield script


@needs_browser
def test_a_browser_that_crashes_mid_page_fails_that_check_and_the_next_starts_a_new_one(
    tmp_path: Path, pages: PageServer, spa: dict[str, object], crashing_chromium: Path
) -> None:
    """Chromium killed while the page loads: that check fails naming the crash, the round's other source
    is read, and the next check (same daemon, same Fetcher) starts a new browser and reads the page."""
    pages.pages["/slow"] = Response(200, SHELL.encode(), {"Content-Type": "text/html"}, hang=8.0)
    pages.put(
        "/price.md",
        fixture(
            "real_pages/gmicloud_inference-price__md-source__v01__2025-03-21__6d2b997347.md"
        ).read_bytes(),
    )
    monitor = Monitor(tmp_path, settings(browser_path=str(crashing_chromium)), [])
    slow = browser_source(pages.url("/slow"), timeout=15.0)
    plain = Source(
        name="gmi", provider="GMI", kind="markdown", url=pages.url("/price.md"), currency="USD", interval=60
    )

    async def go() -> tuple[dict[str, CheckOutcome], CheckOutcome]:
        try:
            first = await monitor.check(slow, plain)
            again = (await monitor.check(replace(slow, url=pages.url("/pricing"))))["kimi"]
            return first, again
        finally:
            await monitor.close()

    first, again = asyncio.run(go())
    assert first["kimi"].status == "failed"
    assert "the browser crashed or closed while loading the page" in str(first["kimi"].error)
    assert first["gmi"].status == "baseline"
    assert again.status == "baseline", again.error


@needs_browser
def test_a_crash_is_retried_within_the_check_with_a_new_browser(
    tmp_path: Path, pages: PageServer, spa: dict[str, object], crashing_chromium: Path
) -> None:
    """With retries = 1 a browser killed mid-page costs the check nothing: the retry starts a new browser
    and the page is read; the page was asked for twice."""
    hits = [0]

    def slow_once() -> Response:
        hits[0] += 1
        return Response(200, SHELL.encode(), {"Content-Type": "text/html"}, hang=8.0 if hits[0] == 1 else 0)

    pages.pages["/pricing"] = slow_once
    monitor = Monitor(tmp_path, settings(browser_path=str(crashing_chromium), retries=1), [])

    async def go() -> CheckOutcome:
        try:
            return (await monitor.check(browser_source(pages.url("/pricing"), timeout=15.0)))["kimi"]
        finally:
            await monitor.close()

    outcome = asyncio.run(go())
    assert outcome.status == "baseline", outcome.error
    assert hits[0] == 2
    assert len(monitor_rows(monitor, BASELINE_PRICES)) == len(golden_prices())


@needs_browser
def test_at_most_browser_pages_pages_at_a_time_and_an_idle_browser_is_closed(
    tmp_path: Path, pages: PageServer
) -> None:
    """browser_pages = 1: three browser sources on one host (per_host = 5) are loaded one after another.
    With no page open for keep_idle seconds the browser is closed; the next fetch starts it again."""
    active, peak, lock = [0], [0], threading.Lock()

    def slow_page() -> Response:
        with lock:
            active[0] += 1
            peak[0] = max(peak[0], active[0])
        time.sleep(0.5)
        with lock:
            active[0] -= 1
        return Response(200, b"<html><body><p>no prices</p></body></html>", {"Content-Type": "text/html"})

    for name in ("a", "b", "c"):
        pages.pages[f"/{name}"] = slow_page
    chosen = settings(browser_pages=1, per_host=5)
    browsers = Browsers(pages=1, keep_idle=0.5)
    fetcher = Fetcher(chosen, backoff=0, browsers=browsers)

    async def go() -> list[bool]:
        try:
            await asyncio.gather(*(fetcher.fetch(pages.url(f"/{n}"), browser=True) for n in "abc"))
            running = [browsers.running]
            await asyncio.sleep(1.5)
            running.append(browsers.running)
            page = await fetcher.fetch(pages.url("/a"), browser=True)
            running.append(browsers.running and "no prices" in page.text)
            return running
        finally:
            await fetcher.aclose()

    assert asyncio.run(go()) == [True, False, True]
    assert peak[0] == 1
    assert pages.hits("/a") == 2


PUBLIC_NAME = "pricing.example"  # a name, not an address: a public page as far as the monitor can tell


@pytest.fixture
def remote_chromium(tmp_path: Path) -> Iterator[str]:
    """A Chromium started on its own with a DevTools port on 127.0.0.1, as a browser container would run;
    it resolves pricing.example to 127.0.0.1."""
    profile = tmp_path / "remote-profile"
    assert CHROMIUM is not None
    process = subprocess.Popen(
        [CHROMIUM, *CHROMIUM_FLAGS, "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0",
         f"--user-data-dir={profile}", f"--host-resolver-rules=MAP {PUBLIC_NAME} 127.0.0.1", "about:blank"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    port_file = profile / "DevToolsActivePort"
    deadline = time.monotonic() + 30
    while not (port_file.exists() and port_file.read_text().strip()) and time.monotonic() < deadline:
        time.sleep(0.1)
    try:
        assert port_file.exists(), "Chromium did not open its DevTools port"
        yield f"http://127.0.0.1:{port_file.read_text().split()[0]}"
    finally:
        process.terminate()
        process.wait(timeout=30)


@needs_browser
def test_browser_url_reads_through_a_browser_running_elsewhere(
    tmp_path: Path, pages: PageServer, spa: dict[str, object], remote_chromium: str
) -> None:
    """browser_url: the page is drawn by a browser the monitor did not start; a browser_url where no
    browser listens fails the source with the address."""
    monitor = Monitor(tmp_path, settings(browser_url=remote_chromium), [])
    nowhere = Monitor(tmp_path / "b", settings(browser_url="http://127.0.0.1:9"), [])
    source = browser_source(pages.url("/pricing"))

    async def go() -> tuple[CheckOutcome, CheckOutcome]:
        try:
            return (await monitor.check(source))["kimi"], (await nowhere.check(source))["kimi"]
        finally:
            await monitor.close()
            await nowhere.close()

    good, bad = asyncio.run(go())
    assert good.status == "baseline", good.error
    assert len(monitor_rows(monitor, "select model from prices")) == len(golden_prices())
    assert bad.status == "failed"
    assert "cannot connect to the browser at browser_url = 'http://127.0.0.1:9'" in str(bad.error)


@needs_browser
def test_a_public_pages_scripts_cannot_reach_local_addresses_and_pictures_are_not_fetched(
    tmp_path: Path, pages: PageServer, remote_chromium: str
) -> None:
    """A page at a public name may load its own scripts, but not one at 127.0.0.1, and no picture."""
    local = f"http://127.0.0.1:{pages.port}"
    pages.put(
        "/public",
        f'<html><body><p>prices</p><img src="/pic.png"><script src="/same.js"></script>'
        f'<script src="{local}/local.js"></script></body></html>',
    )
    for path in ("/same.js", "/local.js", "/pic.png"):
        pages.put(path, "")
    monitor = Monitor(tmp_path, settings(browser_url=remote_chromium), [])
    source = browser_source(f"http://{PUBLIC_NAME}:{pages.port}/public")

    async def go() -> CheckOutcome:
        try:
            return (await monitor.check(source))["kimi"]
        finally:
            await monitor.close()

    outcome = asyncio.run(go())
    assert outcome.error == "no prices found on the page"  # it was loaded and read
    assert (pages.hits("/public"), pages.hits("/same.js")) == (1, 1)
    assert (pages.hits("/local.js"), pages.hits("/pic.png")) == (0, 0)


@needs_browser
def test_guards_apply_to_a_rendered_page(tmp_path: Path, pages: PageServer) -> None:
    """The size cap holds for the rendered DOM, and an HTTP error status fails the check with it."""
    pages.put("/big", "<html><body>" + "<p>padding</p>" * 2000 + "</body></html>")
    pages.put("/gone", "gone", status=404)
    monitor = Monitor(tmp_path, settings(max_bytes=10_000), [])

    async def go() -> dict[str, CheckOutcome]:
        try:
            return await monitor.check(
                browser_source(pages.url("/big"), name="big"), browser_source(pages.url("/gone"), name="gone")
            )
        finally:
            await monitor.close()

    outcomes = asyncio.run(go())
    assert "rendered page of" in str(outcomes["big"].error) and "over the 10000-byte cap" in str(
        outcomes["big"].error
    )
    assert outcomes["gone"].status == "failed" and "HTTP 404" in str(outcomes["gone"].error)
    assert monitor_rows(monitor, "select http_status from checks where source = 'gone'") == [(404,)]


@needs_browser
def test_a_bot_check_served_to_the_browser_keeps_the_last_prices(
    tmp_path: Path, pages: PageServer, spa: dict[str, object]
) -> None:
    """A real bot-check page (OpenAI's, as captured) rendered in place of the app: the check is 'broken'
    with the reason, and the prices read before stay the latest."""
    source = browser_source(pages.url("/pricing"))
    monitor = Monitor(tmp_path, settings(), [])
    challenge = fixture("pricing_pages_captured/openai_pricing__v01__2026-05-08__d1507e12fb.html")

    async def go() -> list[CheckOutcome]:
        try:
            first = (await monitor.check(source))["kimi"]
            pages.put("/pricing", challenge.read_bytes(), Content_Type="text/html")
            return [first, (await monitor.check(source))["kimi"]]
        finally:
            await monitor.close()

    first, second = asyncio.run(go())
    assert first.status == "baseline", first.error
    assert second.status == "broken"
    assert second.error == "a bot-check (challenge) page was served instead of the pricing page"
    assert len(monitor_rows(monitor, "select model from latest_prices")) == len(golden_prices())


def test_a_daemon_without_browser_sources_does_not_load_playwright() -> None:
    """Playwright is imported at the first browser fetch only: without a browser source the daemon's
    memory is what it was."""
    code = "import sys, monitor.cli, monitor.daemon, monitor.pipeline; print('playwright' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"
