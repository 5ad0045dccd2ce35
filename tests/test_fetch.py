"""Fetching against a real server on 127.0.0.1: retries, limits, charsets, redirects, slow hosts."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Awaitable, Callable, Iterator
from typing import Any

import pytest

from monitor import fetch as fetch_module
from monitor.config import Settings
from monitor.errors import FetchError
from monitor.fetch import Fetcher, decode_body
from monitor.models import FetchResult
from tests.servers import PageServer, Response


def fetch(settings: Settings, url: str, sleeps: list[float] | None = None, **kw: Any) -> FetchResult:
    async def record(seconds: float) -> None:
        if sleeps is not None:
            sleeps.append(seconds)

    async def go() -> FetchResult:
        fetcher = Fetcher(settings, backoff=0.01, sleep=record)
        try:
            return await fetcher.fetch(url, **kw)
        finally:
            await fetcher.aclose()

    return asyncio.run(go())


def settings(tmp_path: Any, **kw: Any) -> Settings:
    return Settings(database=tmp_path / "m.db", **kw)


def sequence(*responses: Response) -> Callable[[], Response]:
    """Answer each request with the next response, the last one forever after."""
    queue = list(responses)

    def answer() -> Response:
        return queue.pop(0) if len(queue) > 1 else queue[0]

    return answer


def test_retries_5xx_then_succeeds(tmp_path: Any, pages: PageServer) -> None:
    """A 503 and a 502 are retried with backoff; the third answer is the page."""
    pages.pages["/p"] = sequence(Response(503), Response(502), Response(200, b"ok"))
    sleeps: list[float] = []
    result = fetch(settings(tmp_path, retries=2), pages.url("/p"), sleeps)
    assert (result.status, result.text) == (200, "ok")
    assert pages.hits("/p") == 3 and len(sleeps) == 2


def test_honours_retry_after(tmp_path: Any, pages: PageServer) -> None:
    """A 429 with Retry-After: 7 waits 7 seconds before asking again."""
    pages.pages["/p"] = sequence(Response(429, headers={"Retry-After": "7"}), Response(200, b"ok"))
    sleeps: list[float] = []
    assert fetch(settings(tmp_path), pages.url("/p"), sleeps).text == "ok"
    assert sleeps == [7.0]


def test_gives_up_after_retries_with_the_status(tmp_path: Any, pages: PageServer) -> None:
    """When every try fails the error names the URL and the status."""
    pages.put("/p", "down", status=503)
    with pytest.raises(FetchError, match=r"/p: HTTP 503") as info:
        fetch(settings(tmp_path, retries=1), pages.url("/p"))
    assert info.value.status == 503 and pages.hits("/p") == 2


def test_404_is_not_retried(tmp_path: Any, pages: PageServer) -> None:
    """A 404 will not get better by asking again."""
    with pytest.raises(FetchError, match="HTTP 404"):
        fetch(settings(tmp_path, retries=3), pages.url("/missing"))
    assert pages.hits("/missing") == 1


def test_redirect_loop(tmp_path: Any, pages: PageServer) -> None:
    """A redirect loop ends with a clear error, not a hang."""
    pages.put("/a", "", status=302, Location="/b")
    pages.put("/b", "", status=302, Location="/a")
    with pytest.raises(FetchError, match="more than 5 redirects"):
        fetch(settings(tmp_path), pages.url("/a"))


def test_trickling_server_times_out(tmp_path: Any, pages: PageServer) -> None:
    """A server that sends a byte every 0.2 s never finishes within the whole-request timeout."""
    pages.pages["/slow"] = Response(200, b"x" * 100, trickle=0.2)
    started = time.monotonic()
    with pytest.raises(FetchError, match="no complete answer within 1s"):
        fetch(settings(tmp_path, timeout=1.0, retries=0), pages.url("/slow"))
    assert time.monotonic() - started < 5


def test_size_cap_without_content_length(tmp_path: Any) -> None:
    """A body over the cap is refused even when the server does not declare its length."""
    import socket

    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    port = server.getsockname()[1]

    def serve() -> None:
        conn, _ = server.accept()
        conn.recv(4096)
        conn.sendall(b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n")
        try:
            for _ in range(200):
                conn.sendall(b"y" * 1024)
        except OSError:
            pass
        conn.close()

    threading.Thread(target=serve, daemon=True).start()
    with pytest.raises(FetchError, match="over the 50000-byte cap"):
        fetch(settings(tmp_path, max_bytes=50_000, retries=0), f"http://127.0.0.1:{port}/")
    server.close()


class SlowPages:
    """A page that takes 50 ms to answer, counting the most requests for it under way at once (across
    every server it is put on)."""

    def __init__(self) -> None:
        self.active = self.peak = 0
        self.lock = threading.Lock()

    def page(self) -> Response:
        with self.lock:
            self.active += 1
            self.peak = max(self.peak, self.active)
        time.sleep(0.05)
        with self.lock:
            self.active -= 1
        return Response(200, b"ok")


def test_per_host_limit(tmp_path: Any, pages: PageServer) -> None:
    """Ten pages of one host are fetched at most `per_host` at a time."""
    slow = SlowPages()
    for i in range(10):
        pages.pages[f"/p{i}"] = slow.page

    async def go() -> list[FetchResult]:
        fetcher = Fetcher(settings(tmp_path, per_host=2))
        try:
            jobs: list[Awaitable[FetchResult]] = [fetcher.fetch(pages.url(f"/p{i}")) for i in range(10)]
            return await asyncio.gather(*jobs)
        finally:
            await fetcher.aclose()

    assert len(asyncio.run(go())) == 10
    assert slow.peak == 2


StartServers = Callable[[int], list[PageServer]]


@pytest.fixture
def page_servers() -> Iterator[StartServers]:
    """Starts page servers of the test's own (each another origin on 127.0.0.1), closed after it."""
    started: list[PageServer] = []

    def start(count: int) -> list[PageServer]:
        servers = [PageServer() for _ in range(count)]
        started.extend(servers)
        return servers

    yield start
    for server in started:
        server.close()


def test_each_host_has_its_own_pool_and_redirects_cross_hosts(
    tmp_path: Any, pages: PageServer, page_servers: StartServers, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each origin's connections are pooled apart (a request's pool bookkeeping grows with its own
    host's connections, not with every host of the round); a redirect to another host is still
    followed; beyond MAX_POOLS the pool used longest ago is closed (a feed's articles on ever new hosts
    leave no idle connections open)."""
    monkeypatch.setattr(fetch_module, "MAX_POOLS", 2)
    others = page_servers(2)
    for n, other in enumerate(others):
        other.put("/b", f"page b{n}")
    pages.put("/a", "page a")
    pages.put("/moved", "", status=302, Location=others[0].url("/b"))

    async def go() -> tuple[list[str], list[int], list[bool]]:
        fetcher = Fetcher(settings(tmp_path))
        try:
            urls = [pages.url("/a"), others[0].url("/b"), pages.url("/moved"), pages.url("/a")]
            texts = [(await fetcher.fetch(url)).text for url in urls]
            pools = [len(fetcher._clients)]
            first = fetcher._clients[f"http://127.0.0.1:{others[0].port}"]
            texts.append((await fetcher.fetch(others[1].url("/b"))).text)  # a third origin
            pools.append(len(fetcher._clients))
            return texts, pools, [first.is_closed, f"http://127.0.0.1:{pages.port}" in fetcher._clients]
        finally:
            await fetcher.aclose()

    texts, pools, closed = asyncio.run(go())
    assert texts == ["page a", "page b0", "page b0", "page a", "page b1"]
    assert pools == [2, 2]
    assert closed == [True, True]  # the least recently used origin's pool went, the other stayed
    assert others[0].hits("/b") == 2


def test_pools_closed_under_concurrent_fetches_break_none(
    tmp_path: Any, page_servers: StartServers, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Fetches of more origins at once than MAX_POOLS, from servers that keep connections alive (closing
    such a pool waits): each fetch completes; none meets a pool being closed, none closes one twice."""
    monkeypatch.setattr(fetch_module, "MAX_POOLS", 1)
    servers = page_servers(4)
    for server in servers:
        server.httpd.RequestHandlerClass.protocol_version = "HTTP/1.1"  # keep-alive
        server.put("/p", "page")
    a, b, c, d = (server.url("/p") for server in servers)

    async def go() -> list[object]:
        fetcher = Fetcher(settings(tmp_path, per_host=10))
        try:
            results: list[object] = list(await asyncio.gather(*map(fetcher.fetch, (a, b, c))))
            results += await asyncio.gather(*map(fetcher.fetch, (d, b, a)), return_exceptions=True)
            return results
        finally:
            await fetcher.aclose()

    assert [getattr(r, "text", repr(r)) for r in asyncio.run(go())] == ["page"] * 6


def test_requests_under_way_are_capped_over_every_host(
    tmp_path: Any, page_servers: StartServers, monkeypatch: pytest.MonkeyPatch
) -> None:
    """At most MAX_CONNECTIONS requests at once over all hosts, as httpx's one pool capped them."""
    monkeypatch.setattr(fetch_module, "MAX_CONNECTIONS", 2)
    slow = SlowPages()
    servers = page_servers(5)
    for server in servers:
        server.pages["/slow"] = slow.page

    async def go() -> list[FetchResult]:
        fetcher = Fetcher(settings(tmp_path, per_host=4))
        try:
            return await asyncio.gather(*(fetcher.fetch(s.url("/slow")) for s in servers))
        finally:
            await fetcher.aclose()

    assert [r.text for r in asyncio.run(go())] == ["ok"] * 5
    assert slow.peak == 2


def test_one_cookie_jar_for_every_pool(tmp_path: Any, pages: PageServer) -> None:
    """A cookie a host sets on the way through a redirect is sent to it later, as with one client."""
    other = PageServer()
    try:
        pages.put("/set", "", status=302, Location=other.url("/landing"), Set_Cookie="sid=1; Path=/")
        other.put("/landing", "ok", Set_Cookie="bsid=2; Path=/")
        other.put("/page", "page")

        async def go() -> None:
            fetcher = Fetcher(settings(tmp_path))
            try:
                await fetcher.fetch(pages.url("/set"))
                await fetcher.fetch(other.url("/page"))
            finally:
                await fetcher.aclose()

        asyncio.run(go())
        assert [h.get("Cookie") for p, h in other.requests if p == "/page"] == ["sid=1; bsid=2"]
    finally:
        other.close()


@pytest.mark.parametrize(
    ("body", "content_type", "expected"),
    [
        ("价格".encode("gbk"), "text/html", "gb18030"),
        ("价格".encode("gbk"), "text/html; charset=GBK", "gb18030"),
        ('<meta charset="gb2312">价格'.encode("gbk"), "", "gb18030"),
        ("价格".encode(), "", "utf-8"),
        ("价格".encode("utf-8-sig"), "", "utf-8-sig"),
    ],
)
def test_decode_in_the_pages_own_charset(body: bytes, content_type: str, expected: str) -> None:
    """Header charset, then <meta>, then UTF-8, then GB18030 (a superset of GBK and GB2312)."""
    text, encoding = decode_body(body, content_type)
    assert "价格" in text and encoding == expected
