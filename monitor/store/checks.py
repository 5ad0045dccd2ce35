"""What the store keeps of each check: its row, the page it read (a snapshot), the price list it found,
the source's latest prices and the changes it logged."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from monitor.messages import Message
from monitor.models import Change, FetchResult, Price
from monitor.store.connection import pack, sha256
from monitor.store.outbox import OutboxStore
from monitor.store.rows import SourceRow, change_row, exact_key, price_row, relaxed_key, since_of
from monitor.store.sources import SourcesStore


class ChecksStore(SourcesStore, OutboxStore):
    def record_failure(
        self, name: str, started: str, finished: str, error: str, http_status: int | None
    ) -> int:
        with self._writing("record the failed check"), self._transaction():
            return self._insert_check(name, started, finished, "failed", http_status, error)

    def record_unchanged(
        self,
        name: str,
        started: str,
        finished: str,
        fetched: FetchResult,
        digest: str | None,
        content: str | None = None,
        settings: str | None = None,
    ) -> int:
        with self._writing("record the check"), self._transaction():
            if digest is not None:
                self._set_state(name, fetched, digest, content, settings)
            return self._insert_check(name, started, finished, "unchanged", fetched.status, None)

    def record_broken(
        self,
        name: str,
        started: str,
        finished: str,
        fetched: FetchResult,
        problem: str,
        problems: list[str],
        prices_digest: str,
        packed: bytes | None = None,
    ) -> int:
        """A page that yields no prices or lost most of them: kept for diagnosis, nothing compared.
        `packed`: the body as `pack` gives it, where the caller compressed it already."""
        with self._writing("record the broken page"), self._transaction():
            snapshot = self._snapshot(fetched.body, started, packed)
            check_id = self._insert_check(
                name, started, finished, "broken", fetched.status, problem, problems, snapshot
            )
            self.db.execute("update checks set prices_digest = ? where id = ?", [prices_digest, check_id])
            return check_id

    def record_prices(
        self,
        source: SourceRow,
        started: str,
        finished: str,
        fetched: FetchResult,
        digest: str,
        prices: list[Price],
        changes: list[Change],
        problems: list[str],
        alert: Message | None,
        targets: Iterable[str],
        status: str,
        content: str | None = None,
        settings: str | None = None,
        due_on: str | None = None,
        packed: bytes | None = None,
    ) -> tuple[int, int | None]:
        """A good page whose prices differ from the last (or the first): all it brings, in one go.
        `packed`: the body as `pack` gives it, where the caller compressed it already."""
        with self._writing("record the new prices"), self._transaction():
            self._upsert_source(source)
            snapshot = self._snapshot(fetched.body, started, packed)
            check_id = self._insert_check(
                source.name,
                started,
                finished,
                status,
                fetched.status,
                None,
                problems,
                snapshot,
                len(prices),
            )
            rows = [price_row(source.name, p) for p in prices]
            self._insert_rows("prices", [{"check_id": check_id, **row} for row in rows])
            since = self._since_map(source.name)  # read before the source's latest prices are replaced
            listed = {exact_key(row) for row in rows} if since else set()  # a first check has none before
            self.db.execute("delete from latest_prices where source = ?", [source.name])
            self._insert_rows(
                "latest_prices",
                [
                    {**row, "since": since_of(since, listed, row, started), "check_id": check_id}
                    for row in rows
                ],
            )
            self._insert_rows("changes", [change_row(source, check_id, started, c) for c in changes])
            self._set_state(source.name, fetched, digest, content, settings)
            self.db.execute("update sources set due_on = ? where name = ?", [due_on, source.name])
            alert_id = None
            if alert is not None:
                alert_id = self._insert_alert(source.name, check_id, started, alert, targets)
            return check_id, alert_id

    def _set_state(
        self,
        name: str,
        fetched: FetchResult,
        digest: str,
        content: str | None = None,
        settings: str | None = None,
    ) -> None:
        """What the next check compares with; `settings` None keeps the stored fingerprint."""
        self.db.execute(
            "update sources set etag = ?, last_modified = ?, last_sha256 = ?, content_sha256 = ?, "
            "settings_sha256 = coalesce(?, settings_sha256) where name = ?",
            [fetched.etag, fetched.last_modified, digest, content, settings, name],
        )

    def _snapshot(
        self, body: bytes, when: str, packed: bytes | None = None, digest: str | None = None
    ) -> int:
        """The id of the stored page with these bytes, stored now if new. `packed`: the body as `pack`
        gives it and `digest` its sha256, where the caller has them already."""
        digest = digest or sha256(body)
        rows = self._select("select id from snapshots where sha256 = ?", [digest])
        if rows:
            return int(rows[0]["id"])
        content = packed if packed is not None else pack(body)
        row = {"sha256": digest, "bytes": len(body), "content": content, "first_seen": when}
        return self._insert("snapshots", row)

    def _insert_check(
        self,
        name: str,
        started: str,
        finished: str,
        status: str,
        http_status: int | None,
        error: str | None,
        problems: list[str] | None = None,
        snapshot_id: int | None = None,
        prices: int | None = None,
    ) -> int:
        # Plain SQL: every check writes one row, and sqlite-utils' insert reads the table's columns first.
        cursor = self.db.execute(
            "insert into checks (source, started, finished, status, http_status, error, problems, "
            "snapshot_id, prices) values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                name,
                started,
                finished,
                status,
                http_status,
                error,
                json.dumps(problems, ensure_ascii=False) if problems else None,
                snapshot_id,
                prices,
            ],
        )
        assert cursor.lastrowid is not None
        return int(cursor.lastrowid)

    def _since_map(self, name: str) -> dict[tuple[Any, ...], tuple[str, str, tuple[Any, ...]] | None]:
        """The source's latest prices: key -> (since, per_million, exact key), by exact key and, where
        that is unambiguous, by the model without its publisher (for a rename the diff pairs)."""
        found: dict[tuple[Any, ...], tuple[str, str, tuple[Any, ...]] | None] = {}
        for row in self._select("select * from latest_prices where source = ?", [name]):
            value = (row["since"], row["per_million"], exact_key(row))
            found[exact_key(row)] = value
            relaxed = relaxed_key(row)
            found[relaxed] = None if relaxed in found else value  # two names, one id: no guess
        return found

    def record_flaps(self, source: SourceRow, when: str, flaps: Iterable[Change]) -> None:
        """Changes that went back before they held: in the change log as 'flap', never alerted."""
        with self._writing("record the flaps"), self._transaction():
            self._insert_rows("changes", [change_row(source, None, when, c) for c in flaps])
