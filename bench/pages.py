"""A fixture server for the check-round benchmark: N realistic pricing pages on 127.0.0.1.

Each page is about 47 KB: scripts and navigation around one price table of 20-40 models, in Chinese
(元/百万tokens, 元/千tokens, ￥) or English ($ / 1M tokens, / MTok) units. A chosen fraction of pages
carries a fresh token in every response (a CSRF token and a build id, as real sites do), so its bytes
differ on every fetch while its prices do not. `mutate` changes one price on a chosen fraction of pages
and returns which: the truth the benchmark's detected changes are compared with.

The server is a small asyncio HTTP/1.1 server (keep-alive, no parsing beyond the request line) in its own
process, so that serving costs the monitor as little as possible.
"""

from __future__ import annotations

import asyncio
import json
import multiprocessing
import random
import uuid
from dataclasses import dataclass, field
from decimal import Decimal
from multiprocessing.connection import Connection

_NAV = "".join(
    f'<li><a href="/docs/section-{i}">Section {i} of the documentation</a></li>' for i in range(60)
)
_SCRIPT = "".join(
    f'self.__next_f.push([1,"chunk-{i}:I[{i * 7},[\\"static/chunks/{i:04x}.js\\"],\\"default\\"]"]);'
    for i in range(220)
)
_PROSE = (
    "<p>"
    + "Prices are per million tokens unless stated otherwise; 缓存命中 applies to repeated prefixes. " * 12
    + "</p>"
)
_FOOTER = "".join(f'<a href="/legal/{i}">Legal notice {i}</a> ' for i in range(40))


@dataclass
class Page:
    """One pricing page: its models and prices, and how it is written."""

    index: int
    chinese: bool
    models: list[tuple[str, Decimal, Decimal, Decimal]]  # name, input, output, cached, per 1M
    fresh_token: bool = False
    mutated: bool = False

    def price_cell(self, amount: Decimal, row: int) -> str:
        if self.chinese:
            style = row % 3
            if style == 0:
                return f"{amount:f}元/百万tokens"
            if style == 1:
                return f"{(amount / 1000).normalize():f}元/千tokens"
            return f"￥{amount:f} / 百万 tokens"
        return f"${amount:f} / 1M tokens" if row % 2 else f"${amount:f} / MTok"

    def parts(self) -> tuple[bytes, bytes]:
        """The page's bytes before and after the place a fresh token goes."""
        if self.chinese:
            header = "<tr><th>模型</th><th>输入价格</th><th>输出价格</th><th>缓存命中</th></tr>"
            title = f"模型价格 {self.index}"
        else:
            header = "<tr><th>Model</th><th>Input</th><th>Output</th><th>Cached input</th></tr>"
            title = f"Pricing {self.index}"
        rows = "".join(
            f"<tr><td>{name}</td><td>{self.price_cell(i_, n)}</td><td>{self.price_cell(o_, n)}</td>"
            f"<td>{self.price_cell(c_, n)}</td></tr>"
            for n, (name, i_, o_, c_) in enumerate(self.models)
        )
        head = f'<!doctype html><html><head><meta charset="utf-8"><title>{title}</title>'
        before = head + '<meta name="csrf-token" content="'
        after = (
            f'"><script>{_SCRIPT}</script></head><body><nav><ul>{_NAV}</ul></nav><main><h1>{title}</h1>'
            f"{_PROSE}<table>{header}{rows}</table>{_PROSE}</main><footer>{_FOOTER}</footer>"
            f"<script>{_SCRIPT}</script></body></html>"
        )
        return before.encode(), after.encode()


def make_pages(count: int, fresh_fraction: float, seed: int = 0) -> list[Page]:
    rng = random.Random(seed)
    pages = []
    for index in range(count):
        chinese = index % 2 == 0
        models = []
        for row in range(rng.randint(20, 40)):
            base = (
                Decimal(rng.choice([1, 2, 4, 8, 12, 16, 20, 30]))
                if chinese
                else Decimal(rng.choice(["0.1", "0.15", "0.25", "0.5", "1", "1.25", "2.5", "3", "5", "15"]))
            )
            models.append((f"model-{index}-{row}", base, base * 4, base / 10))
        pages.append(Page(index, chinese, models, fresh_token=rng.random() < fresh_fraction))
    return pages


def mutate(pages: list[Page], fraction: float, seed: int) -> list[int]:
    """Halve one input price on `fraction` of the pages; the indices changed, sorted."""
    rng = random.Random(seed)
    chosen = sorted(rng.sample(range(len(pages)), round(len(pages) * fraction)))
    for index in chosen:
        page = pages[index]
        row = rng.randrange(len(page.models))
        name, input_, output, cached = page.models[row]
        page.models[row] = (name, input_ / 2, output, cached)
        page.mutated = True
    return chosen


@dataclass
class _State:
    pages: list[Page]
    bodies: list[tuple[bytes, bytes]] = field(default_factory=list)
    served: int = 0

    def render(self) -> None:
        self.bodies = [page.parts() for page in self.pages]

    def response(self, path: str) -> bytes:
        if path.startswith("/p/"):
            index = int(path[3:])
            before, after = self.bodies[index]
            token = uuid.uuid4().hex.encode() if self.pages[index].fresh_token else b"static-token"
            body = before + token + after
            self.served += 1
            return _ok(body, b"text/html; charset=utf-8")
        if path.startswith("/_mutate/"):
            _, _, fraction, seed = path.split("/")
            changed = mutate(self.pages, float(fraction), int(seed))
            self.render()
            return _ok(json.dumps(changed).encode(), b"application/json")
        if path == "/_served":
            return _ok(str(self.served).encode(), b"text/plain")
        return b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"


def _ok(body: bytes, content_type: bytes) -> bytes:
    return (
        b"HTTP/1.1 200 OK\r\nContent-Type: "
        + content_type
        + b"\r\nContent-Length: "
        + str(len(body)).encode()
        + b"\r\n\r\n"
        + body
    )


async def _serve(state: _State, hosts: list[str], ready: Connection) -> None:
    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                request = await reader.readuntil(b"\r\n\r\n")
                path = request.split(b" ", 2)[1].decode()
                writer.write(state.response(path))
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    servers = [await asyncio.start_server(handle, host, 0, backlog=1024) for host in hosts]
    ready.send([s.sockets[0].getsockname()[:2] for s in servers])
    await asyncio.gather(*(s.serve_forever() for s in servers))


def _main(count: int, fresh_fraction: float, hosts: list[str], ready: Connection) -> None:
    state = _State(make_pages(count, fresh_fraction))
    state.render()
    asyncio.run(_serve(state, hosts, ready))


class PageServer:
    """The server in its own process, listening on `hosts` loopback addresses (127.0.0.1, 127.0.0.2 ...:
    every page of a provider on its own host, as in real use); `url(i)` is page i."""

    def __init__(self, count: int, fresh_fraction: float, hosts: int = 10) -> None:
        parent, child = multiprocessing.Pipe()
        names = [f"127.0.0.{n + 1}" for n in range(hosts)]
        self.process = multiprocessing.Process(
            target=_main, args=(count, fresh_fraction, names, child), daemon=True
        )
        self.process.start()
        self.addresses: list[tuple[str, int]] = [(host, int(port)) for host, port in parent.recv()]

    def url(self, index: int) -> str:
        host, port = self.addresses[index % len(self.addresses)]
        return f"http://{host}:{port}/p/{index}"

    def control(self, path: str) -> str:
        host, port = self.addresses[0]
        return f"http://{host}:{port}{path}"

    def close(self) -> None:
        self.process.terminate()
        self.process.join(5)
