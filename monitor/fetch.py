"""The httpx clients that fetch every page, a connection pool per host: timeouts, size cap, conditional
GET, retries, per-host limits; the same limits and retries for pages loaded in a browser (`fetch =
"browser"`, monitor/browser.py)."""

from __future__ import annotations

import asyncio
import email.utils
import ipaddress
import random
import re
import ssl
import time
from collections.abc import Awaitable, Callable
from http.cookiejar import CookieJar
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import httpx

from monitor.config import Settings
from monitor.errors import BrowserError, FetchError
from monitor.models import FetchResult

if TYPE_CHECKING:
    from monitor.browser import Browsers

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
MAX_REDIRECTS = 5
MAX_POOLS = 32  # connection pools (origins) kept open at once
MAX_CONNECTIONS = 100  # requests under way at once, over every host
MAX_RETRY_AFTER = 120.0  # a Retry-After longer than this ends the check; the next one tries again

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
# Labels a page may use for Chinese encodings, read with their superset so no character is lost.
_SUPERSETS = {"gbk": "gb18030", "gb2312": "gb18030", "x-gbk": "gb18030", "cp936": "gb18030"}


class Fetcher:
    """Fetches pages politely: at most `per_host` requests to one host at a time."""

    def __init__(
        self,
        settings: Settings,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        backoff: float = 1.0,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        browsers: Browsers | None = None,
    ) -> None:
        self.settings = settings
        self.backoff = backoff
        self._sleep = sleep
        self._browsers = browsers
        self._hosts: dict[str, asyncio.Semaphore] = {}
        self._transport = transport
        self._ssl: ssl.SSLContext | None = None
        # A connection pool per host: httpcore looks over every connection of its pool at each request
        # (is it idle, has it expired), so one pool for every host costs each request more the more
        # hosts a round fetches from; a host's own pool holds its `per_host` connections. A transport
        # passed in (tests) serves every host through one client.
        self._clients: dict[str, httpx.AsyncClient] = {}  # by origin, the most recently used last
        self._in_use: dict[str, int] = {}  # requests under way per origin
        self._cookies = CookieJar()  # shared, not copied: a cookie one host sets is sent after a redirect
        # requests under way at once over every host (httpx's default for its one pool, which a pool per
        # host no longer gives)
        self._connections = asyncio.Semaphore(MAX_CONNECTIONS)

    @property
    def browsers(self) -> Browsers:
        """The browser of `fetch = "browser"` sources, made (not started) at the first such fetch."""
        if self._browsers is None:
            from monitor.browser import Browsers

            self._browsers = Browsers(
                pages=self.settings.browser_pages,
                url=self.settings.browser_url,
                executable=self.settings.browser_path,
            )
        return self._browsers

    async def _client(self, key: str) -> httpx.AsyncClient:
        """The client whose pool holds the connections to origin `key`, made at its first fetch (it
        follows a redirect to another host as well). At most MAX_POOLS are kept: a feed's articles on
        ever new hosts must not leave a pool of idle connections open for each; beyond them, the pool
        used longest ago with no request under way is closed."""
        client = self._clients.pop(key, None)
        if client is None:
            if self._ssl is None and self._transport is None:
                self._ssl = httpx.create_ssl_context(trust_env=False)  # loaded once, not per host
            client = httpx.AsyncClient(
                timeout=httpx.Timeout(self.settings.timeout),
                follow_redirects=True,
                max_redirects=MAX_REDIRECTS,
                headers={"User-Agent": self.settings.user_agent, "Accept-Encoding": "gzip, deflate"},
                transport=self._transport,
                trust_env=False,
                verify=self._ssl if self._ssl is not None else True,
                cookies=self._cookies,  # one jar for every pool, as one client had
            )
        self._clients[key] = client
        idle = [k for k in self._clients if k != key and not self._in_use.get(k)]
        # taken out before any wait: a request started meanwhile makes a new pool, never uses a closing one
        closing = [self._clients.pop(k) for k in idle[: max(0, len(self._clients) - MAX_POOLS)]]
        for old in closing:
            await asyncio.shield(old.aclose())  # a cancelled check leaves no pool half closed
        return client

    async def aclose(self) -> None:
        clients, self._clients = list(self._clients.values()), {}
        for client in clients:
            await client.aclose()
        if self._browsers is not None:
            await self._browsers.aclose()

    async def fetch(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        browser: bool = False,
        wait_for: str = "",
        timeout: float | None = None,
    ) -> FetchResult:
        """GET a page; a 304 to the conditional request comes back as `not_modified`.

        With `browser`, the page is loaded in headless Chromium and its rendered DOM comes back once it has
        settled (network idle, or an element matching `wait_for`); no conditional request. `timeout` is
        this page's own limit ([monitor] timeout where None).
        """
        limit_s = self.settings.timeout if timeout is None else timeout
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        host = urlsplit(url).hostname or ""
        limit = self._hosts.setdefault(host, asyncio.Semaphore(self.settings.per_host))
        attempts = self.settings.retries + 1
        for attempt in range(attempts):
            last = attempt == attempts - 1
            try:
                async with limit:
                    if browser:
                        return await self._render(url, wait_for, limit_s)
                    return await self._get_pooled(url, headers, limit_s)
            except _Retryable as exc:
                if last or exc.wait > MAX_RETRY_AFTER:
                    raise FetchError(str(exc), status=exc.status) from None
                await self._sleep(exc.wait if exc.wait >= 0 else self._delay(attempt))
        raise AssertionError("unreachable")  # pragma: no cover

    def _delay(self, attempt: int) -> float:
        return float(self.backoff * (2**attempt) * (0.5 + random.random()))

    async def _render(self, url: str, wait_for: str, timeout: float) -> FetchResult:
        try:
            return await self.browsers.render(
                url, wait_for=wait_for, timeout=timeout, max_bytes=self.settings.max_bytes
            )
        except BrowserError as exc:
            if exc.retry:
                raise _Retryable(str(exc), exc.status, exc.wait) from None
            raise

    async def _get_pooled(self, url: str, headers: dict[str, str], timeout: float) -> FetchResult:
        """GET with the pool of the URL's origin (a transport passed in, in tests, serves all through one)."""
        parts = urlsplit(url)
        key = "" if self._transport is not None else f"{parts.scheme}://{parts.netloc}"
        self._in_use[key] = self._in_use.get(key, 0) + 1  # before any wait: its pool stays open
        try:
            async with self._connections:
                return await self._get(await self._client(key), url, headers, timeout)
        finally:
            self._in_use[key] -= 1
            if not self._in_use[key]:
                del self._in_use[key]

    async def _get(
        self, client: httpx.AsyncClient, url: str, headers: dict[str, str], timeout: float
    ) -> FetchResult:
        try:
            # httpx's timeout is per read: a server that trickles a byte a second never trips it.
            async with asyncio.timeout(timeout):
                return await self._stream(client, url, headers, timeout)
        except TimeoutError:
            raise _Retryable(f"{url}: no complete answer within {timeout:g}s") from None
        except httpx.TooManyRedirects:
            raise FetchError(f"{url}: more than {MAX_REDIRECTS} redirects") from None
        except httpx.TimeoutException as exc:
            raise _Retryable(f"{url}: timed out ({type(exc).__name__})") from None
        except (httpx.NetworkError, httpx.RemoteProtocolError) as exc:
            raise _Retryable(f"{url}: {_describe(exc)}") from None
        except httpx.HTTPError as exc:
            raise FetchError(f"{url}: {_describe(exc)}") from None

    async def _stream(
        self, client: httpx.AsyncClient, url: str, headers: dict[str, str], timeout: float
    ) -> FetchResult:
        cap = self.settings.max_bytes
        async with client.stream("GET", url, headers=headers, timeout=timeout) as response:
            final = str(response.url)
            if response.status_code == 304:
                return FetchResult(url=final, status=304, not_modified=True)
            if response.status_code in RETRY_STATUSES:
                wait = _retry_after(response.headers.get("Retry-After"))
                raise _Retryable(f"{url}: HTTP {response.status_code}", response.status_code, wait)
            if response.status_code >= 400:
                raise FetchError(f"{url}: HTTP {response.status_code}", status=response.status_code)
            declared = response.headers.get("Content-Length", "")
            if declared.isdigit() and int(declared) > cap:
                raise FetchError(f"{url}: response of {int(declared)} bytes is over the {cap}-byte cap")
            chunks: list[bytes] = []
            size = 0
            async for chunk in response.aiter_bytes():
                size += len(chunk)
                if size > cap:
                    raise FetchError(f"{url}: response is over the {cap}-byte cap")
                chunks.append(chunk)
            body = b"".join(chunks)
            text, encoding = decode_body(body, response.headers.get("Content-Type", ""))
            return FetchResult(
                url=final,
                status=response.status_code,
                body=body,
                text=text,
                encoding=encoding,
                etag=response.headers.get("ETag"),
                last_modified=response.headers.get("Last-Modified"),
            )


class _Retryable(Exception):
    def __init__(self, message: str, status: int | None = None, wait: float = -1.0) -> None:
        super().__init__(message)
        self.status = status
        self.wait = wait


def decode_body(body: bytes, content_type: str) -> tuple[str, str]:
    """Bytes -> text in the page's own charset: the header's, the page's <meta>, UTF-8, then GB18030."""
    candidates = []
    match = re.search(r"charset\s*=\s*[\"']?([A-Za-z0-9_.:-]+)", content_type, re.I)
    if match:
        candidates.append(match.group(1))
    meta = _META_CHARSET.search(body[:4096])
    if meta:
        candidates.append(meta.group(1).decode("ascii", "ignore"))
    if body.startswith(b"\xef\xbb\xbf"):
        candidates.insert(0, "utf-8-sig")
    candidates += ["utf-8", "gb18030"]
    for label in candidates:
        codec = _SUPERSETS.get(label.lower(), label.lower())
        try:
            return body.decode(codec), codec
        except (LookupError, UnicodeDecodeError):
            continue
    return body.decode("utf-8", errors="replace"), "utf-8 (with replacements)"


def _retry_after(value: str | None) -> float:
    """Seconds to wait from a Retry-After header (seconds or an HTTP date); -1 when absent."""
    if not value:
        return -1.0
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return -1.0
    return max(0.0, when.timestamp() - time.time())


def _describe(exc: Exception) -> str:
    text = str(exc) or type(exc).__name__
    return text.splitlines()[0]


async def require_public(url: str) -> None:
    """Refuse a discovered URL (a feed item's link) whose host is or resolves to a loopback, private,
    link-local or otherwise non-public address: a feed must not steer the monitor into the local network.
    """
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise FetchError(f"{url}: not an http:// or https:// address")
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(parts.hostname, parts.port or 443)
    except OSError as exc:
        raise FetchError(f"{url}: cannot resolve {parts.hostname}: {exc}") from None
    for info in infos:
        address = ipaddress.ip_address(str(info[4][0]).split("%")[0])
        if not address.is_global:
            raise FetchError(
                f"{url}: {parts.hostname} is a non-public address ({address}); not fetched "
                "(set allow_private = true on the source to allow it)"
            )
