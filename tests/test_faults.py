"""Faults a daemon meets: a database held by another reader, a full disk, a TLS error."""

from __future__ import annotations

import asyncio
import sqlite3
import subprocess
import sys
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
from tests.test_feeds import FEED, without_newest

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


KILLED_CHECK = """
import asyncio, os, signal, sys
from pathlib import Path
from monitor.config import Settings, Source
from monitor.fetch import Fetcher
from monitor.notify import Notifier
from monitor.pipeline import Deps, check_source, utc_now
from monitor.store import Store

database, url, kill_at = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
kind = sys.argv[4] if len(sys.argv) > 4 else "markdown"
store = Store(database)
written = []  # the statements of the check's write transactions


def trace(sql: str) -> None:
    if sql.startswith("BEGIN") or written and written[-1] != "COMMIT":
        written.append(sql)
        if len(written) == kill_at:
            os.kill(os.getpid(), signal.SIGKILL)


getattr(store.db, "conn", store.db).set_trace_callback(trace)  # the connection (sqlite-utils wrapped it once)
source = Source("u", "UCloud", kind, url, "CNY", 60)
fetcher = Fetcher(Settings(database=database, retries=0, timeout=5))
deps = Deps(store, fetcher, Notifier(("json://127.0.0.1:9/hook",), utc_now))
status = asyncio.run(check_source(source, deps)).status
print(status, len(written), sum(sql.startswith("BEGIN") for sql in written))
"""


def whole_state(database: Path) -> tuple[object, ...]:
    """What a check writes: rows of every table it touches, the latest prices, the health flag."""
    with sqlite3.connect(database) as db:
        counts = tuple(
            db.execute(f"select count(*) from {t}").fetchone()[0]
            for t in (
                "checks",
                "changes",
                "prices",
                "alerts",
                "deliveries",
                "page_notices",
                "page_prose_seen",
            )
        )
        latest = db.execute("select group_concat(per_million) from latest_prices").fetchone()
        flag = db.execute("select health_alerted, last_sha256 from sources").fetchall()
        assert db.execute("pragma integrity_check").fetchone()[0] == "ok"
    return (*counts, latest, flag)


def test_a_kill_anywhere_in_a_check_leaves_all_of_it_or_none(tmp_path: Path, pages: PageServer) -> None:
    """A check that recovers a failing source with new prices and a price notice (today's prose, the
    prices, changes and their alert, the recovery alert and the health flag: four transactions before
    issue 18) is one transaction: SIGKILL at any of its statements leaves the database as it was before
    the check or, once committed, with the whole check."""
    prepared = tmp_path / "prepared.db"
    pages.put("/p.md", fixture(V29).read_bytes())
    assert check(prepared, source(pages)) == "baseline"
    pages.put("/p.md", "down", status=500)
    assert [check(prepared, source(pages)) for _ in range(3)] == ["failed"] * 3  # a source-problem alert
    notice = "\n\nWe will raise the prices of all models starting next month.\n"
    pages.put("/p.md", fixture(V30).read_bytes() + notice.encode())
    script = tmp_path / "killed_check.py"
    script.write_text(KILLED_CHECK, encoding="utf-8")

    def run(kill_at: int) -> tuple[tuple[object, ...], str]:
        database = tmp_path / f"killed-{kill_at}.db"
        database.write_bytes(prepared.read_bytes())
        done = subprocess.run(
            [sys.executable, str(script), str(database), pages.url("/p.md"), str(kill_at)],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == (-9 if kill_at else 0), done.stderr
        return whole_state(database), done.stdout

    before = whole_state(prepared)
    after, printed = run(0)  # not killed
    status, statements, transactions = printed.split()
    assert (status, transactions) == ("changed", "1")
    assert after != before
    assert after[3] - before[3] == 3  # alerts: the notice, the price cut, the recovery
    for kill_at in sorted({1, 2, 3, *range(4, int(statements), 7), int(statements)}):
        assert run(kill_at)[0] == before, f"killed at statement {kill_at} of {statements}"


def news_state(database: Path) -> tuple[object, ...]:
    """What a feed's check writes: its items, their claims, alerts and deliveries, and the check."""
    with sqlite3.connect(database) as db:
        assert db.execute("pragma integrity_check").fetchone()[0] == "ok"
        tables = ("checks", "news_items", "news_claims", "alerts", "deliveries")
        counts = [db.execute(f"select count(*) from {t}").fetchone()[0] for t in tables]
        return (*counts, db.execute("select last_sha256 from sources").fetchall())


def test_a_kill_anywhere_in_a_feeds_check_leaves_all_of_it_or_none(tmp_path: Path, pages: PageServer) -> None:
    """A feed's check with three new items, two with price claims (their items, claims and alerts) is
    one transaction with its check row: SIGKILL at any of its statements leaves the feed's items unseen,
    so the next check reads and alerts them once, never twice and never not at all."""
    prepared = tmp_path / "prepared.db"
    pages.put("/feed", without_newest(FEED, 3))
    script = tmp_path / "killed_check.py"
    script.write_text(KILLED_CHECK, encoding="utf-8")

    def run(database: Path, kill_at: int) -> str:
        done = subprocess.run(
            [sys.executable, str(script), str(database), pages.url("/feed"), str(kill_at), "feed"],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == (-9 if kill_at else 0), done.stderr
        return done.stdout

    assert run(prepared, 0).split()[0] == "baseline"
    pages.put("/feed", FEED)
    before = news_state(prepared)
    whole = tmp_path / "whole.db"
    whole.write_bytes(prepared.read_bytes())
    status, statements, transactions = run(whole, 0).split()
    assert (status, transactions) == ("changed", "1")
    after = news_state(whole)
    assert after[1] - before[1] == 3 and after[3] - before[3] == 2  # three items, two alerted
    for kill_at in sorted({1, 2, *range(3, int(statements), 5), int(statements)}):
        killed = tmp_path / f"killed-{kill_at}.db"
        killed.write_bytes(prepared.read_bytes())
        run(killed, kill_at)
        assert news_state(killed) == before, f"killed at statement {kill_at} of {statements}"
        assert run(killed, 0).split()[0] == "changed" and news_state(killed)[1:5] == after[1:5]
