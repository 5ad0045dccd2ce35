"""Pages drawn by JavaScript: loaded in headless Chromium through Playwright, their rendered DOM returned.

Playwright drives the system's Chromium (Debian's `chromium`), or a browser that runs elsewhere
(`browser_url`, over the DevTools protocol); it never downloads a browser of its own. Its package is
imported only when a source has `fetch = "browser"`, so a daemon without such a source carries none of it.
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import shutil
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from monitor.errors import BrowserError
from monitor.models import FetchResult

if TYPE_CHECKING:
    from playwright.async_api import Browser, BrowserContext, Playwright, Route

log = logging.getLogger("monitor.browser")

# What a headless Chromium needs on a server: no sandbox (a service user has no user namespaces under
# systemd's hardening), no GPU, and none of the background requests (updates, sync, field trials) that
# a closed network answers with a flood of refused connections.
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
# Prices are text: pictures, video and fonts are not fetched (less time, less memory).
SKIPPED_RESOURCES = frozenset({"image", "media", "font"})
# A browser with no page open for this long is closed; the next browser fetch starts it again.
# bench/browser_fetch.py: starting one costs about 1 s, an idle one with its driver holds about 400 MB
# (README, Benchmarks): between checks minutes apart it is not worth keeping.
KEEP_IDLE = 60.0
_CLOSE_WITHIN = 10.0  # seconds; a driver that does not answer is left to die with its pipe
_RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
_CLOSED = ("Target page, context or browser has been closed", "Target closed", "Browser has been closed")


class Browsers:
    """One browser for every browser fetch, at most `pages` pages open at a time.

    Started at the first browser fetch, closed after `keep_idle` seconds with no page open (or by
    `aclose`); one that crashed is started again by the next fetch.
    """

    def __init__(
        self,
        *,
        pages: int = 2,
        url: str = "",
        executable: str = "",
        keep_idle: float = KEEP_IDLE,
    ) -> None:
        self.url = url
        self.executable = executable
        self.keep_idle = keep_idle
        self._pages = asyncio.Semaphore(pages)
        self._start = asyncio.Lock()
        self._playwright: Playwright | None = None
        self._browser: Browser | None = None
        self._open = 0
        self._idle: asyncio.TimerHandle | None = None
        self._closing: set[asyncio.Task[None]] = set()

    @property
    def running(self) -> bool:
        return self._browser is not None and self._browser.is_connected()

    async def render(self, url: str, *, wait_for: str, timeout: float, max_bytes: int) -> FetchResult:
        """Load `url`, wait until it settles (network idle, or `wait_for` present), return its DOM."""
        async with self._pages:
            if self._idle:
                self._idle.cancel()
                self._idle = None
            self._open += 1
            try:
                browser = await self._started(timeout)
                # a margin over Playwright's own timeouts, so its clearer message comes first
                async with asyncio.timeout(timeout + 5):
                    return await self._render(browser, url, wait_for, timeout, max_bytes)
            except TimeoutError:
                raise BrowserError(f"{url}: no rendered page within {timeout:g}s", retry=True) from None
            except BrowserError:
                raise
            except Exception as exc:  # the driver's connection lost: start both again at the next fetch
                async with self._start:
                    await self._shut()
                raise BrowserError(
                    f"{url}: the browser's driver failed: {_first_line(exc)}", retry=True
                ) from None
            finally:
                self._open -= 1
                if self._open == 0:
                    self._idle = asyncio.get_running_loop().call_later(self.keep_idle, self._close_idle)

    async def aclose(self) -> None:
        if self._idle:
            self._idle.cancel()
            self._idle = None
        async with self._start:
            await self._shut()

    def _close_idle(self) -> None:
        self._idle = None
        task = asyncio.get_running_loop().create_task(self._close_if_idle())
        self._closing.add(task)
        task.add_done_callback(self._closing.discard)

    async def _close_if_idle(self) -> None:
        async with self._start:
            if self._open == 0:  # a page opened since the timer fired keeps it
                await self._shut()

    async def _shut(self) -> None:
        browser, driver = self._browser, self._playwright
        self._browser = self._playwright = None
        try:
            if browser is not None:
                async with asyncio.timeout(_CLOSE_WITHIN):
                    await browser.close()
        except Exception as exc:  # a crashed browser cannot be closed; its driver still can
            log.debug("closing the browser: %s", exc)
        try:
            if driver is not None:
                async with asyncio.timeout(_CLOSE_WITHIN):
                    await driver.stop()
        except Exception as exc:
            log.debug("stopping Playwright: %s", exc)

    async def _started(self, timeout: float) -> Browser:
        async with self._start:
            if self._browser is not None and self._browser.is_connected():
                return self._browser
            if self._browser is not None:
                log.warning("the browser is gone (crashed or closed); starting it again")
            await self._shut()
            try:
                from playwright.async_api import async_playwright
            except ImportError:
                raise BrowserError(
                    "fetch = \"browser\" needs Playwright: pip install 'monitor[browser]'"
                ) from None
            try:
                self._playwright = await async_playwright().start()
            except Exception as exc:  # its Node.js driver died at start (under W^X memory, for one)
                raise BrowserError(f"Playwright's driver could not be started: {_first_line(exc)}") from None
            try:
                self._browser = await self._connect(self._playwright, timeout)
            except BrowserError:
                await self._shut()
                raise
            return self._browser

    async def _connect(self, playwright: Playwright, timeout: float) -> Browser:
        from playwright.async_api import Error

        if self.url:
            try:
                return await playwright.chromium.connect_over_cdp(self.url, timeout=timeout * 1000)
            except Error as exc:
                raise BrowserError(
                    f"cannot connect to the browser at browser_url = {self.url!r}: {_first_line(exc)}",
                    retry=True,
                ) from None
        executable = self.executable or next(filter(None, map(shutil.which, CHROMIUM_NAMES)), "")
        if not executable:
            raise BrowserError(
                "Chromium is not installed: apt-get install chromium (or set browser_path, or browser_url "
                "for a browser that runs elsewhere)"
            )
        try:
            return await playwright.chromium.launch(
                executable_path=executable, args=list(CHROMIUM_FLAGS), timeout=timeout * 1000
            )
        except Error as exc:
            raise BrowserError(f"Chromium ({executable}) could not be started: {_first_line(exc)}") from None

    async def _render(
        self, browser: Browser, url: str, wait_for: str, timeout: float, max_bytes: int
    ) -> FetchResult:
        from playwright.async_api import Error
        from playwright.async_api import TimeoutError as PlaywrightTimeout

        context: BrowserContext | None = None
        try:
            context = await browser.new_context(service_workers="block")
            context.set_default_timeout(timeout * 1000)
            page = await context.new_page()
            await page.route("**/*", _Guard(url))
            response = await page.goto(url, wait_until="domcontentloaded" if wait_for else "networkidle")
            status = response.status if response is not None else 200
            if status in _RETRY_STATUSES:
                wait = _seconds(await response.header_value("retry-after")) if response else -1.0
                raise BrowserError(f"{url}: HTTP {status}", status=status, retry=True, wait=wait)
            if status >= 400:
                raise BrowserError(f"{url}: HTTP {status}", status=status)
            if wait_for:
                await page.wait_for_selector(wait_for, state="attached")
            html = await page.content()
            final = page.url
        except PlaywrightTimeout:
            what = (
                f"no element matches wait_for = {wait_for!r}" if wait_for else "its network never went quiet"
            )
            raise BrowserError(
                f"{url}: the page did not settle within {timeout:g}s ({what})", retry=True
            ) from None
        except Error as exc:
            text = _first_line(exc)
            if not browser.is_connected() or any(mark in text for mark in _CLOSED):
                raise BrowserError(
                    f"{url}: the browser crashed or closed while loading the page ({text})", retry=True
                ) from None
            if "net::" in text:  # net::ERR_CONNECTION_REFUSED, net::ERR_NAME_NOT_RESOLVED ...
                raise BrowserError(f"{url}: {text}", retry=True) from None
            raise BrowserError(f"{url}: the browser could not load the page: {text}") from None
        finally:
            if context is not None:
                try:
                    await context.close()
                except Exception as exc:
                    log.debug("closing a browser context: %s", exc)
        body = html.encode("utf-8")
        if len(body) > max_bytes:
            raise BrowserError(f"{url}: rendered page of {len(body)} bytes is over the {max_bytes}-byte cap")
        return FetchResult(url=final, status=status, body=body, text=html, encoding="utf-8")


class _Guard:
    """Requests a page makes: no pictures, video or fonts, and nothing on this machine or the local
    network unless the page itself is there (a public page's script must not reach local services)."""

    def __init__(self, url: str) -> None:
        self.local_page = not _public(urlsplit(url).hostname or "")

    async def __call__(self, route: Route) -> None:
        request = route.request
        host = urlsplit(request.url).hostname or ""
        if request.resource_type in SKIPPED_RESOURCES or (not self.local_page and not _public(host)):
            await route.abort()
        else:
            await route.continue_()


def _public(host: str) -> bool:
    """False for localhost and for a literal loopback, private or link-local address; names that resolve
    to one are not looked up (one DNS query per request of a page would cost more than it protects)."""
    if host == "localhost" or host.endswith(".localhost"):
        return False
    try:
        return ipaddress.ip_address(host.strip("[]")).is_global
    except ValueError:
        return True


def _seconds(value: Any) -> float:
    return float(value) if isinstance(value, str) and value.strip().isdigit() else -1.0


def _first_line(exc: Exception) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0]
