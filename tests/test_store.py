"""The store: a database up to date opens with the standard library alone; a check's page is stored as
the check compressed it, off the event loop."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from sqlite_utils import Database

from monitor.schema import migrations
from monitor.store import Store
from monitor.store.connection import MIGRATIONS
from tests.conftest import fixture
from tests.servers import PageServer

V29 = "ucloud_modelverse_price_md/ucloud_modelverse_price__v29__2025-10-15__96637e705a.md"


def test_the_count_of_migrations_is_the_schemas() -> None:
    """MIGRATIONS (what an up-to-date database has applied) is the number of migrations schema.py
    defines: a new migration must raise it, or databases would be opened without it."""
    assert len(migrations.pending(Database(memory=True))) == MIGRATIONS


def test_an_up_to_date_database_opens_without_sqlite_utils(tmp_path: Path) -> None:
    """A review command's open of a migrated database loads neither sqlite-utils nor numpy; a database
    that misses a migration is migrated on open."""
    database = tmp_path / "m.db"
    Store(database).close()
    probe = (
        "import sys; from pathlib import Path; from monitor.store import Store; "
        f"s = Store(Path({str(database)!r})); s.find_changes(__import__('monitor.store').store.LogFilter()); "
        "print(sorted(m for m in ('sqlite_utils', 'numpy') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
    with sqlite3.connect(database) as db:
        db.execute("delete from _sqlite_migrations where name = 'm012_due_day'")
        db.execute("alter table sources drop column due_on")
    Store(database).close()
    with sqlite3.connect(database) as db:
        assert "due_on" in {row[1] for row in db.execute("pragma table_info(sources)")}


def test_a_new_database_is_created_without_loading_numpy_or_pandas(tmp_path: Path) -> None:
    """sqlite-utils imports numpy and pandas where they are installed; creating a database (the
    migrations) does not load them into the monitor, and they import as usual afterwards."""
    pytest.importorskip("numpy")  # the dev extras bring it (matplotlib); without it there is nothing to show
    probe = (
        "import sys; from pathlib import Path; from monitor.store import Store; "
        f"Store(Path({str(tmp_path / 'm.db')!r})).close(); "
        "print(sorted(m for m in ('sqlite_utils', 'numpy', 'pandas') if m in sys.modules)); "
        "import numpy; print(numpy.__name__)"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["['sqlite_utils']", "numpy"]


def test_a_first_check_stores_its_page_compressed_off_the_event_loop(
    tmp_path: Path, pages: PageServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The page's snapshot is compressed in the check's worker thread: the store's own compression (on
    the event loop) is never called, and the stored snapshot is the page."""
    import asyncio
    import threading
    import zlib

    from monitor import pipeline
    from monitor.config import Settings, Source
    from monitor.fetch import Fetcher
    from monitor.notify import Notifier
    from monitor.pipeline import Deps, check_source, utc_now

    def not_here(body: bytes) -> bytes:
        raise AssertionError("compressed by the store")

    packed_in: list[str] = []

    def pack(body: bytes) -> bytes:
        packed_in.append(threading.current_thread().name)
        return zlib.compress(body, 9)

    monkeypatch.setattr("monitor.store.checks.pack", not_here)
    monkeypatch.setattr(pipeline, "pack", pack)
    body = fixture(V29).read_bytes()
    pages.put("/p.md", body)
    database = tmp_path / "m.db"

    async def go() -> str:
        store, fetcher = Store(database), Fetcher(Settings(database=database, retries=0))
        try:
            source = Source("u", "UCloud", "markdown", pages.url("/p.md"), "CNY", 60)
            return (await check_source(source, Deps(store, fetcher, Notifier((), utc_now)))).status
        finally:
            await fetcher.aclose()
            store.close()

    assert asyncio.run(go()) == "baseline"
    assert packed_in and packed_in[0] != threading.main_thread().name
    with sqlite3.connect(database) as db:
        [(content,)] = db.execute("select content from snapshots").fetchall()
        assert zlib.decompress(content) == body
        assert db.execute("select count(*) from prices").fetchone()[0] == 80
