"""What the store keeps of each source between checks: its row (validators, digests, due day, health
flag), its held changes, and the reads a check starts from."""

from __future__ import annotations

import zlib
from collections.abc import Iterable
from dataclasses import dataclass

from monitor.hold import Pending
from monitor.models import Price
from monitor.store.connection import StoreBase
from monitor.store.rows import SourceRow, pending_from_row, pending_row, price_from_row


@dataclass(frozen=True)
class SourceState:
    etag: str | None = None
    last_modified: str | None = None
    last_sha256: str | None = None
    content_sha256: str | None = None  # of what extraction read from the last good page (see extract)
    settings_sha256: str | None = None  # of the extraction settings that page was read with
    due_on: str | None = None  # the first day the stored prices read differently (see diff.due_day)


STREAK_ROWS = 500  # failures in a row are counted this far back


class SourcesStore(StoreBase):
    _sources: dict[str, SourceRow]  # rows this process has written to `sources`

    def ensure_source(self, source: SourceRow) -> None:
        """Record a source's name, provider, kind and URL (once per process unless they change)."""
        if self._sources.get(source.name) == source:
            return
        with self._writing("record the source"), self._transaction():
            self._upsert_source(source)
        self._sources[source.name] = source

    def _upsert_source(self, source: SourceRow) -> None:
        self.db.execute(
            "insert into sources (name, provider, kind, url) values (?, ?, ?, ?) "
            "on conflict(name) do update set provider = excluded.provider, kind = excluded.kind, "
            "url = excluded.url",
            [source.name, source.provider, source.kind, source.url],
        )

    def source_state(self, name: str) -> SourceState:
        rows = self._select("select * from sources where name = ?", [name])
        if not rows:
            return SourceState()
        row = rows[0]
        return SourceState(
            row["etag"],
            row["last_modified"],
            row["last_sha256"],
            row["content_sha256"],
            row["settings_sha256"],
            row["due_on"],
        )

    def latest_prices(self, source: str) -> list[Price]:
        rows = self._select("select * from latest_prices where source = ? order by rowid", [source])
        return [price_from_row(row) for row in rows]

    def has_baseline(self, source: str) -> bool:
        sql = "select 1 from checks where source = ? and status in ('baseline', 'changed') limit 1"
        return bool(self._select(sql, [source]))

    def failure_streak(self, source: str, rows: int = STREAK_ROWS) -> tuple[int, str | None, str | None]:
        """(failed or broken checks in a row up to now, the first one's time, the last one's error),
        counted among the last `rows` checks."""
        cursor = self.db.execute(
            "select started, status, error from checks where source = ? order by id desc limit ?",
            [source, rows],
        )
        streak, first, error = 0, None, None
        for started, status, text in cursor:  # read only as far as the streak goes
            if status not in ("failed", "broken"):
                break
            streak, first = streak + 1, started
            error = text if streak == 1 else error
        return streak, first, error

    def recent_checks(self, name: str, count: int) -> list[tuple[str, str | None]]:
        """(status, prices_digest) of the source's last `count` checks, newest first."""
        sql = "select status, prices_digest from checks where source = ? order by id desc limit ?"
        return [(r["status"], r["prices_digest"]) for r in self._select(sql, [name, count])]

    def health_alerted(self, source: str) -> bool:
        rows = self._select("select health_alerted from sources where name = ?", [source])
        return bool(rows and rows[0]["health_alerted"])

    def pending_changes(self, source: str) -> list[Pending]:
        rows = self._select(
            "select change, count, first_seen from pending_changes where source = ?", [source]
        )
        return [pending_from_row(r) for r in rows]

    def _replace_pending(self, source: str, pending: Iterable[Pending]) -> None:
        self.db.execute("delete from pending_changes where source = ?", [source])
        self._insert_rows("pending_changes", [pending_row(source, p) for p in pending])

    def last_good_body(self, source: str) -> bytes | None:
        """The page whose prices are the source's latest (its last baseline or changed check), or None."""
        rows = self._select(
            "select s.content from checks c join snapshots s on s.id = c.snapshot_id "
            "where c.source = ? and c.status in ('baseline', 'changed') order by c.id desc limit 1",
            [source],
        )
        return zlib.decompress(rows[0]["content"]) if rows else None
