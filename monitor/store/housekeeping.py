"""Housekeeping: old checks, their price lists and pages forgotten, the freed space given back."""

from __future__ import annotations

import sqlite3

from monitor.errors import StoreError
from monitor.store.connection import StoreBase


class HousekeepingStore(StoreBase):
    def prune(self, older_than: str) -> dict[str, int]:
        """Forget check rows, their price lists and snapshots from before `older_than`, except what the
        change log, alerts and the latest prices refer to, and each source's last check; then give
        the freed pages back to the disk. Changes are kept forever."""
        keep = (
            "select check_id from changes where check_id is not null "
            "union select check_id from alerts where check_id is not null "
            "union select check_id from latest_prices "
            "union select max(id) from checks group by source "
            "union select min(id) from checks where status = 'baseline' group by source"  # history's start
        )
        with self._writing("prune old checks"), self._transaction():
            old = f"select id from checks where started < ? and id not in ({keep})"
            prices = self.db.execute(f"delete from prices where check_id in ({old})", [older_than]).rowcount
            checks = self.db.execute(f"delete from checks where id in ({old})", [older_than]).rowcount
            snapshots = self.db.execute(
                "delete from snapshots where id not in "
                "(select snapshot_id from checks where snapshot_id is not null)"
            ).rowcount
        try:
            self.db.execute("PRAGMA incremental_vacuum")
        except sqlite3.Error as exc:
            raise StoreError(f"{self.path}: cannot give free pages back: {exc}") from None
        return {"checks": checks, "prices": prices, "snapshots": snapshots}
