"""The only SQL: the SQLite file and every read and write of it, one module per thing it keeps.

- `connection`: the file, its one connection, the transaction helper (the schema: `monitor.schema`)
- `sources`: each source's state between checks, its held changes, the one read a check starts from
- `checks`: check rows, snapshots, price lists, the latest prices, the change log; a check's one write
- `outbox`: alerts and their deliveries, digests
- `news`: news items and their claims, a pricing page's prose and notices
- `history`: the review queries (the change log, price histories, status)
- `housekeeping`: pruning old checks
- `rows`: records <-> rows

Everything one check learns is written in one transaction: a crash or a full disk leaves the previous
state whole.
"""

from __future__ import annotations

from pathlib import Path

from monitor.store.checks import ChecksStore
from monitor.store.connection import DATABASE_MODE, pack, sha256
from monitor.store.history import HistoryStore, LogFilter
from monitor.store.housekeeping import HousekeepingStore
from monitor.store.outbox import Delivery, target_id
from monitor.store.rows import SourceRow, change_from_row
from monitor.store.sources import SourceState

__all__ = [
    "DATABASE_MODE",
    "Delivery",
    "LogFilter",
    "SourceRow",
    "SourceState",
    "Store",
    "change_from_row",
    "pack",
    "sha256",
    "target_id",
]


class Store(ChecksStore, HistoryStore, HousekeepingStore):
    """The database of one monitor; every method is one read or one transaction."""

    def __init__(self, path: Path, read_only: bool = False) -> None:
        super().__init__(path, read_only)
        self._sources: dict[str, SourceRow] = {}
