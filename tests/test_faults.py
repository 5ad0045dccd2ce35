"""Faults a daemon meets: a database held by another reader, a full disk, a TLS error."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest

from monitor.config import Settings, Source
from monitor.errors import FetchError, StoreError
from monitor.fetch import Fetcher
from monitor.notify import Notifier
from monitor.pipeline import Deps, check_source, utc_now
from monitor.store import Store
from tests.conftest import fixture
from tests.servers import PageServer

V29 = "ucloud_modelverse_price_md/ucloud_modelverse_price__v29__2025-10-15__96637e705a.md"
V30 = "ucloud_modelverse_price_md/ucloud_modelverse_price__v30__2025-10-16__bcd324bbf6.md"


def check(database: Path, source: Source) -> str:
    async def go() -> str:
        settings = Settings(database=database, retries=0, timeout=5)
        store = Store(database)
        fetcher = Fetcher(settings)
        try:
            return (await check_source(source, Deps(store, fetcher, Notifier((), utc_now)))).status
        finally:
            await fetcher.aclose()
            store.close()

    return asyncio.run(go())


def source(pages: PageServer) -> Source:
    return Source("u", "UCloud", "markdown", pages.url("/p.md"), "CNY", 60)


def test_a_reader_holding_the_database_does_not_stop_checks(tmp_path: Path, pages: PageServer) -> None:
    """A datasette or sqlite3 session with an open read transaction: WAL lets the check write anyway."""
    database = tmp_path / "m.db"
    pages.put("/p.md", fixture(V29).read_bytes())
    assert check(database, source(pages)) == "baseline"
    reader = sqlite3.connect(database)
    reader.execute("begin")
    assert reader.execute("select count(*) from latest_prices").fetchone()[0] > 0  # holds a snapshot
    pages.put("/p.md", fixture(V30).read_bytes())
    try:
        assert check(database, source(pages)) == "changed"
    finally:
        reader.rollback()
        reader.close()
    with sqlite3.connect(database) as db:
        assert db.execute("select count(*) from changes").fetchone()[0] == 2


def test_a_full_disk_is_a_clear_error_and_keeps_what_was_stored(tmp_path: Path, pages: PageServer) -> None:
    """When the database cannot grow, the check fails naming the file, and the last good state stays whole."""
    database = tmp_path / "m.db"
    pages.put("/p.md", fixture(V29).read_bytes())
    check(database, source(pages))
    with sqlite3.connect(database) as db:
        before = db.execute("select count(*), group_concat(per_million) from latest_prices").fetchone()
        pages_used = db.execute("pragma page_count").fetchone()[0]
    # The file may not grow by a single page: what a full disk does to SQLite.
    store = Store(database)
    store.db.execute(f"pragma max_page_count = {pages_used}")
    pages.put("/p.md", fixture(V30).read_bytes())

    async def go() -> None:
        fetcher = Fetcher(Settings(database=database, retries=0))
        try:
            await check_source(source(pages), Deps(store, fetcher, Notifier((), utc_now)))
        finally:
            await fetcher.aclose()

    with pytest.raises(StoreError, match=r"m\.db: cannot .*full.*nothing of it was kept"):
        asyncio.run(go())
    store.close()
    with sqlite3.connect(database) as db:
        assert (
            db.execute("select count(*), group_concat(per_million) from latest_prices").fetchone() == before
        )
        assert db.execute("select count(*) from changes").fetchone()[0] == 0
        assert db.execute("pragma integrity_check").fetchone()[0] == "ok"


def test_tls_error_is_a_failed_fetch_naming_the_url(tmp_path: Path, pages: PageServer) -> None:
    """https:// to a server that speaks plain HTTP: a TLS error, reported, not retried forever."""
    url = pages.url("/p.md").replace("http://", "https://")

    async def go() -> None:
        fetcher = Fetcher(Settings(database=tmp_path / "m.db", retries=0, timeout=5))
        try:
            await fetcher.fetch(url)
        finally:
            await fetcher.aclose()

    with pytest.raises(FetchError, match=url.replace(".", r"\.")):
        asyncio.run(go())


def test_prune_forgets_old_checks_but_never_changes(tmp_path: Path, pages: PageServer) -> None:
    """Old 'unchanged' checks go; the change log, the checks and snapshots it refers to, the latest
    prices, each source's baseline (where its history starts) and its last check stay."""
    database = tmp_path / "m.db"
    pages.put("/p.md", fixture(V29).read_bytes())
    check(database, source(pages))
    for _ in range(3):
        check(database, source(pages))
    pages.put("/p.md", fixture(V30).read_bytes())
    check(database, source(pages))
    check(database, source(pages))
    with sqlite3.connect(database) as db:
        db.execute("update checks set started = '2000-01-01T00:00:00+00:00'")
        statuses = [s for (s,) in db.execute("select status from checks order by id")]
    assert statuses == ["baseline", "unchanged", "unchanged", "unchanged", "changed", "unchanged"]
    store = Store(database)
    removed = store.prune("2020-01-01T00:00:00+00:00")
    store.close()
    # the unchanged checks carry no prices and no snapshot of their own
    assert removed == {"checks": 3, "prices": 0, "snapshots": 0}
    with sqlite3.connect(database) as db:
        kept = [s for (s,) in db.execute("select status from checks order by id")]
        assert kept == ["baseline", "changed", "unchanged"]
        assert db.execute("select count(*) from changes").fetchone()[0] == 2
        assert db.execute("select count(*) from snapshots").fetchone()[0] == 2
        assert (
            db.execute("select count(*) from prices").fetchone()[0] == 2 * 80
        )  # UCloud v30: 74 token and 6 per-second prices
        assert db.execute("select count(*) from latest_prices").fetchone()[0] == 80
        assert db.execute("pragma integrity_check").fetchone()[0] == "ok"
