"""The database file and its one connection: opening (migrating where needed), transactions, plain SQL.

Every module of the store works through `StoreBase`: reads with `_select`, writes inside one
`_transaction`. Only the standard library's sqlite3 is used here: sqlite-utils is loaded only when the
schema has migrations to apply, so a review command opens a database quickly, and it is loaded without
numpy and pandas (see `_sqlite_utils`).
"""

from __future__ import annotations

import hashlib
import importlib
import os
import sqlite3
import sys
import zlib
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from monitor.errors import StoreError

DATABASE_MODE = 0o640  # the owner writes, its group reads (backups, datasette), no one else
# How many migrations monitor/schema.py defines (tests/test_store.py checks it): a database that has
# applied them all is opened without loading sqlite-utils.
MIGRATIONS = 12
_NEWEST_COLUMNS = {"settings_sha256", "due_on"}  # the newest migrations' columns, for a read-only open


def sha256(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def pack(body: bytes) -> bytes:
    """A page's bytes as its snapshot keeps them (compress them off the event loop and pass them in).
    zlib's default level: on real pricing pages level 9 takes twice the time for 1% fewer bytes."""
    return zlib.compress(body, 6)


def _sqlite_utils() -> Any:
    """sqlite-utils' Database class, imported without numpy and pandas. sqlite-utils imports both where
    they are installed (to store their values; the monitor stores none), which would add 16 MB (numpy;
    pandas more) to a daemon that creates its database, only because another package of the same
    environment brought them. Where a module is loaded already it is used as it is."""
    blocked = [name for name in ("numpy", "pandas") if name not in sys.modules]
    for name in blocked:
        sys.modules[name] = None  # type: ignore[assignment]  # an import of it raises ImportError
    try:
        return importlib.import_module("sqlite_utils").Database
    finally:
        for name in blocked:
            if sys.modules.get(name, 0) is None:
                del sys.modules[name]


class StoreBase:
    """One SQLite file and its connection; every public method of the store is one read or one
    transaction."""

    def __init__(self, path: Path, read_only: bool = False) -> None:
        """The database at `path`, created and migrated where needed; `read_only` opens an existing one
        as it is, for reading only (`check --dry-run`): no file, schema or mode is changed."""
        self.path = path
        if read_only:
            self.db = self._open_read_only(path)
            return
        try:
            path.parent.mkdir(mode=0o750, parents=True, exist_ok=True)
            if not path.exists():
                # owner and group only: SQLite gives the WAL and shared-memory files the database's mode
                os.close(os.open(path, os.O_CREAT | os.O_WRONLY, DATABASE_MODE))
            self.db = sqlite3.connect(str(path), timeout=30)
            # In WAL mode NORMAL never corrupts the file and survives a crash of the process; a power cut
            # may lose the last commits (checks the next round repeats). FULL would fsync every check's
            # commit: 0.3 ms of blocked event loop each on the development machine's disk.
            self.db.execute("PRAGMA synchronous = NORMAL")
            if not self._migrated():
                self._migrate()
        except (OSError, sqlite3.Error) as exc:
            raise StoreError(f"{path}: cannot open the database: {exc}") from None

    @staticmethod
    def _open_read_only(path: Path) -> sqlite3.Connection:
        if not path.exists():
            raise StoreError(f"{path}: no database yet: nothing stored to compare with")
        try:
            db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=30)
            columns = {row[1] for row in db.execute("pragma table_info(sources)")}
        except sqlite3.Error as exc:
            raise StoreError(f"{path}: cannot open the database: {exc}") from None
        if not columns >= _NEWEST_COLUMNS:
            raise StoreError(
                f"{path}: the database is from an older monitor: a check, not a dry run, upgrades it"
            )
        return db

    def _migrated(self) -> bool:
        """Whether the file is in WAL mode with every migration applied (a check of two small reads)."""
        if self.db.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            return False
        try:
            sql = "select count(*) from _sqlite_migrations where migration_set = 'monitor'"
            return bool(self.db.execute(sql).fetchone()[0] == MIGRATIONS)
        except sqlite3.OperationalError:  # no migrations table: a new file
            return False

    def _migrate(self) -> None:
        database = _sqlite_utils()(self.db)
        from monitor.schema import migrations  # after sqlite-utils: it imports it

        database.enable_wal()
        with self._writing("create the schema"):
            migrations.apply(database)

    def close(self) -> None:
        self.db.close()

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        """One write transaction, taking the write lock at its start (BEGIN IMMEDIATE): another process
        writing the same file (a worker, `monitor prune` beside the daemon) is waited for, never met
        halfway with 'database is locked'. Nested, it is a savepoint."""
        conn = self.db
        if conn.in_transaction:
            conn.execute("SAVEPOINT nested")
            try:
                yield
            except BaseException:
                conn.execute("ROLLBACK TO SAVEPOINT nested")
                raise
            finally:
                conn.execute("RELEASE SAVEPOINT nested")
            return
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:  # a failed COMMIT (a full disk) leaves the transaction open
                conn.execute("ROLLBACK")
            raise

    @contextmanager
    def _writing(self, what: str) -> Iterator[None]:
        try:
            yield
        except sqlite3.Error as exc:
            raise StoreError(f"{self.path}: cannot {what}: {exc}; nothing of it was kept") from None

    def _select(self, sql: str, args: Iterable[Any] = ()) -> list[dict[str, Any]]:
        """Rows of a SELECT as dicts."""
        cursor = self.db.execute(sql, list(args))
        keys = [column[0] for column in cursor.description]
        return [dict(zip(keys, row, strict=True)) for row in cursor]

    def _insert(self, table: str, row: dict[str, Any]) -> int:
        """One row of plain values; its id."""
        sql = f"insert into {table} ({', '.join(row)}) values ({', '.join('?' * len(row))})"
        cursor = self.db.execute(sql, list(row.values()))
        assert cursor.lastrowid is not None, "an insert without a row id"
        return int(cursor.lastrowid)

    def _insert_rows(self, table: str, rows: list[dict[str, Any]]) -> None:
        """Rows of plain values (the same keys each) in one executemany: a changed page stores a hundred
        prices, and sqlite-utils' insert_all inspects every value of every row first."""
        if rows:
            columns = list(rows[0])
            self._insert_values(table, columns, [[row[c] for c in columns] for row in rows])

    def _insert_values(self, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
        """Rows given as values in `columns`' order, in one executemany."""
        if rows:
            sql = f"insert into {table} ({', '.join(columns)}) values ({', '.join('?' * len(columns))})"
            self.db.executemany(sql, rows)
