"""The store opens a database that is up to date with the standard library alone, and migrates the rest."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

from sqlite_utils import Database

from monitor.schema import migrations
from monitor.store import Store
from monitor.store.connection import MIGRATIONS


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
