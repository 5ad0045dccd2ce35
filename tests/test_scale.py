"""Fast and light (issue 8): a page that differs only by a fresh token is not extracted again, and a
check round can be split by host over worker processes without breaking per-host limits or alerts."""

from __future__ import annotations

import asyncio
import json
import sqlite3
import uuid
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from monitor import extract
from monitor.cli import cli
from monitor.config import Settings, Source
from monitor.extract import content_digest
from monitor.fetch import Fetcher
from monitor.notify import Notifier
from monitor.pipeline import CheckOutcome, Deps, check_source, shard_by_host
from monitor.store import Store
from tests.conftest import fixture
from tests.servers import PageServer, Response, WebhookReceiver

DEEPSEEK_HTML = "pricing_pages_captured/deepseek_pricing_raw_docusaurus__2026-05-08__d1507e12fb.html"


def with_token(page: str, token: str) -> str:
    """The page as a site with a CSRF token and a build id would send it: both fresh every time."""
    head = f'<meta name="csrf-token" content="{token}"><script>window.__BUILD_ID__="{token}"</script>'
    return page.replace("<head>", "<head>" + head, 1)


def test_content_digest_ignores_what_extraction_never_reads() -> None:
    page = fixture(DEEPSEEK_HTML).read_text(encoding="utf-8")
    first = content_digest("html", with_token(page, "aaa"), "USD", None)
    assert first is not None
    assert content_digest("html", with_token(page, "bbb"), "USD", None) == first
    # what extraction does read changes the digest: a cell, the assumed currency (the day it is read
    # does not: see test_a_day_reads_an_announced_price_as_current_without_a_daily_reread)
    cell = page.replace("$0.28", "$0.29", 1)
    assert cell != page
    assert content_digest("html", with_token(cell, "aaa"), "USD", None) != first
    assert content_digest("html", with_token(page, "aaa"), "CNY", None) != first
    assert content_digest("markdown", "| a | $1 |", "USD", None) is None


def test_a_fresh_token_is_not_a_change_and_costs_no_extraction(
    tmp_path: Path, pages: PageServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = fixture(DEEPSEEK_HTML).read_text(encoding="utf-8")
    current = {"page": page}
    pages.pages["/pricing"] = lambda: Response(200, with_token(current["page"], uuid.uuid4().hex).encode())
    calls: list[str] = []
    real = extract.extract_prices

    def counting(*args: Any) -> Any:
        calls.append(args[0])
        return real(*args)

    monkeypatch.setattr(extract, "extract_prices", counting)
    database = tmp_path / "m.db"
    source = Source("deepseek", "DeepSeek", "html", pages.url("/pricing"), "USD", 60)
    day = {"now": "2026-05-08T09:00:00+00:00"}

    def run() -> CheckOutcome:
        async def go() -> CheckOutcome:
            deps = Deps(
                Store(database), Fetcher(Settings(database=database, retries=0)), Notifier((), lambda: "")
            )
            deps.clock = lambda: day["now"]
            try:
                return await check_source(source, deps)
            finally:
                await deps.fetcher.aclose()
                deps.store.close()

        return asyncio.run(go())

    assert run().status == "baseline" and calls == ["html"]
    for _ in range(3):
        assert run().status == "unchanged"
    assert calls == ["html"]  # three new bodies, no extraction
    with sqlite3.connect(database) as db:
        assert db.execute("select count(*) from snapshots").fetchone()[0] == 1
    day["now"] = "2026-05-09T00:00:01+00:00"  # past midnight, and no price announced for a day: not read
    assert run().status == "unchanged" and calls == ["html"]
    current["page"] = page.replace("$0.28", "$0.14", 1)  # a real cut, behind a fresh token as well
    outcome = run()
    assert outcome.status == "changed" and calls == ["html"] * 2
    assert [(c.old_per_million, c.new_per_million) for c in outcome.changes] == [
        (Decimal("0.28"), Decimal("0.14"))
    ]


def test_shards_keep_each_host_whole_and_near_even() -> None:
    def source(name: str, host: str) -> Source:
        return Source(name, name, "html", f"https://{host}/pricing/{name}", "USD", 60)

    sources = [source(f"a{i}", "a.example") for i in range(4)]
    sources += [source(f"b{i}", "b.example") for i in range(3)]
    sources += [source(f"c{i}", "c.example") for i in range(2)]
    sources += [source("d0", "d.example")]
    shards = shard_by_host(sources, 2)
    assert len(shards) == 2
    hosts = [{s.url.split("/")[2] for s in shard} for shard in shards]
    assert hosts[0].isdisjoint(hosts[1])
    assert sorted(len(shard) for shard in shards) == [5, 5]
    assert sorted(s.name for shard in shards for s in shard) == sorted(s.name for s in sources)
    assert len(shard_by_host(sources[:4], 8)) == 1  # one host: one process, whatever `workers` says
    assert shard_by_host(sources, 1) == [sources]  # the largest host first, as given


def test_check_with_two_workers_splits_by_host_and_alerts_once(
    tmp_path: Path, pages: PageServer, webhook: WebhookReceiver
) -> None:
    """`workers = 2`: sources on two hosts (127.0.0.1 and localhost, one server) are checked by two
    processes writing one database; the real UCloud cut is alerted once, by the parent."""
    v29 = fixture("ucloud_modelverse_price_md/ucloud_modelverse_price__v29__2025-10-15__96637e705a.md")
    v30 = fixture("ucloud_modelverse_price_md/ucloud_modelverse_price__v30__2025-10-16__bcd324bbf6.md")
    for n in range(4):
        pages.put(f"/p{n}.md", v29.read_bytes())
    hosts = ["127.0.0.1", "localhost"]
    blocks = "".join(
        f'\n[[source]]\nname = "s{n}"\nprovider = "UCloud"\nkind = "markdown"\ncurrency = "CNY"\n'
        f'url = "http://{hosts[n % 2]}:{pages.port}/p{n}.md"\n'
        for n in range(4)
    )
    config = tmp_path / "sources.toml"
    config.write_text(
        f'[monitor]\ndatabase = "monitor.db"\nworkers = 2\nretries = 0\nnotify = ["{webhook.url}"]\n{blocks}',
        encoding="utf-8",
    )
    first = CliRunner().invoke(cli, ["--config", str(config), "check"])
    assert first.exit_code == 0, first.output
    checked = [line for line in first.output.splitlines() if not line.startswith("  unreadable:")]
    assert sorted(checked) == [f"s{n}: baseline" for n in range(4)]
    pages.put("/p3.md", v30.read_bytes())
    second = CliRunner().invoke(cli, ["--config", str(config), "check"])
    assert second.exit_code == 0, second.output
    lines = second.output.splitlines()
    assert [line for line in lines if line.startswith("s")] == [
        "s0: unchanged",
        "s1: unchanged",
        "s2: unchanged",
        "s3: changed, 2 changes",
    ]
    assert len(webhook.received) == 1
    assert "s3" in json.dumps(webhook.received[0]) and "-71.9%" in json.dumps(webhook.received[0])
    with sqlite3.connect(tmp_path / "monitor.db") as db:
        checks = dict(db.execute("select source, count(*) from checks group by source").fetchall())
        assert checks == {f"s{n}": 2 for n in range(4)}
        assert db.execute("select status from deliveries").fetchall() == [("sent",)]
        assert db.execute("pragma integrity_check").fetchone()[0] == "ok"


def test_a_day_reads_an_announced_price_as_current_without_a_daily_reread(
    tmp_path: Path, pages: PageServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same bytes across midnight are not read again, except on the day a stored price was
    announced for: then that price becomes today's (issue 19)."""
    table = (
        "<html><body><h2>Pricing</h2><table><tr><th>Model</th><th>Input</th></tr>"
        "<tr><td>m-1</td><td>$2 / MTok through August 31, 2026</td></tr>"
        "<tr><td>m-1</td><td>$3 / MTok starting September 1, 2026</td></tr>"
        "<tr><td>m-2</td><td>$1 / MTok</td></tr></table></body></html>"
    )
    pages.put("/pricing", table)
    calls: list[str] = []
    real = extract.extract_prices

    def counting(*args: Any) -> Any:
        calls.append(args[5])  # the day it was read as of
        return real(*args)

    monkeypatch.setattr(extract, "extract_prices", counting)
    database = tmp_path / "m.db"
    source = Source("m", "M", "html", pages.url("/pricing"), "USD", 60)

    def run(now: str) -> CheckOutcome:
        async def go() -> CheckOutcome:
            deps = Deps(
                Store(database), Fetcher(Settings(database=database, retries=0)), Notifier((), lambda: "")
            )
            deps.clock = lambda: now
            try:
                return await check_source(source, deps)
            finally:
                await deps.fetcher.aclose()
                deps.store.close()

        return asyncio.run(go())

    def stored() -> list[tuple[str, str, str]]:
        with sqlite3.connect(database) as db:
            sql = "select model, condition, per_million from latest_prices order by model, condition"
            return db.execute(sql).fetchall()

    assert run("2026-08-30T23:59:00+00:00").status == "baseline"
    assert stored() == [("m-1", "", "2"), ("m-1", "from 2026-09-01", "3"), ("m-2", "", "1")]
    assert run("2026-08-31T00:00:01+00:00").status == "unchanged"  # a new day, nothing due: not read
    assert calls == ["2026-08-30"]
    outcome = run("2026-09-01T00:00:01+00:00")  # the announced day: read, and the price is today's
    assert calls == ["2026-08-30", "2026-09-01"]
    assert outcome.status == "changed"
    assert stored() == [("m-1", "", "3"), ("m-2", "", "1")]
    assert run("2026-09-02T00:00:01+00:00").status == "unchanged"  # nothing more is due: not read
    assert calls == ["2026-08-30", "2026-09-01"]
