"""The only SQL: the SQLite file, its schema (sqlite-utils Migrations) and every read and write.

Decimals are stored as TEXT so that a price read as 0.0028 is 0.0028 forever. Everything one check
learns is written in one transaction: a crash or a full disk leaves the previous state whole.
"""

from __future__ import annotations

import hashlib
import html
import json
import os
import sqlite3
import zlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from decimal import Decimal
from operator import itemgetter
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlite_utils import Database
from sqlite_utils.db import Table

from monitor.errors import StoreError
from monitor.hold import Pending, change_key
from monitor.messages import Message
from monitor.models import Change, FetchResult, Price, relaxed_model_id
from monitor.schema import PRICE_KEY, migrations

if TYPE_CHECKING:  # the news reader (selectolax, the extractors) is not needed to open the database
    from monitor.news import Claim, NewsItem

DATABASE_MODE = 0o640  # the owner writes, its group reads (backups, datasette), no one else


@dataclass(frozen=True)
class SourceState:
    etag: str | None = None
    last_modified: str | None = None
    last_sha256: str | None = None
    content_sha256: str | None = None  # of what extraction read from the last good page (see extract)
    settings_sha256: str | None = None  # of the extraction settings that page was read with
    due_on: str | None = None  # the first day the stored prices read differently (see diff.due_day)


@dataclass(frozen=True)
class Delivery:
    alert_id: int
    target: str
    title: str
    body: str
    attempts: int
    status: str  # pending | sending (a previous process stopped while sending it)
    created: str
    kind: str
    html: str
    slack: str


def _last_pk(table: Table) -> int:
    pk = table.last_pk
    assert pk is not None, "an insert without a primary key"
    return int(pk)


def target_id(url: str) -> str:
    """A stable name for a notification URL that does not reveal its secrets."""
    return hashlib.sha256(url.encode()).hexdigest()[:16]


def sha256(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def pack(body: bytes) -> bytes:
    """A page's bytes as its snapshot keeps them (compress them off the event loop and pass them in)."""
    return zlib.compress(body, 9)


class Store:
    """The database of one monitor; every method is one read or one transaction."""

    def __init__(self, path: Path, read_only: bool = False) -> None:
        """The database at `path`, created and migrated where needed; `read_only` opens an existing one
        as it is, for reading only (`check --dry-run`): no file, schema or mode is changed."""
        self.path = path
        self._sources: dict[str, SourceRow] = {}  # rows this process has written to `sources`
        if read_only:
            if not path.exists():
                raise StoreError(f"{path}: no database yet: nothing stored to compare with")
            try:
                self.db = Database(
                    sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=30)
                )
                columns = set(self.db.table("sources").columns_dict) if self.db["sources"].exists() else set()
            except sqlite3.Error as exc:
                raise StoreError(f"{path}: cannot open the database: {exc}") from None
            if not {"settings_sha256", "due_on"} <= columns:  # the newest migrations' columns
                raise StoreError(
                    f"{path}: the database is from an older monitor: a check, not a dry run, upgrades it"
                )
            return
        try:
            path.parent.mkdir(mode=0o750, parents=True, exist_ok=True)
            if not path.exists():
                # owner and group only: SQLite gives the WAL and shared-memory files the database's mode
                os.close(os.open(path, os.O_CREAT | os.O_WRONLY, DATABASE_MODE))
            conn = sqlite3.connect(str(path), timeout=30)
            self.db = Database(conn)
            self.db.enable_wal()
            # In WAL mode NORMAL never corrupts the file and survives a crash of the process; a power cut
            # may lose the last commits (checks the next round repeats). FULL would fsync every check's
            # commit: 0.3 ms of blocked event loop each on the development machine's disk.
            self.db.execute("PRAGMA synchronous = NORMAL")
            with self._writing("create the schema"):
                migrations.apply(self.db)
        except (OSError, sqlite3.Error) as exc:
            raise StoreError(f"{path}: cannot open the database: {exc}") from None

    def close(self) -> None:
        self.db.close()

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        """One write transaction, taking the write lock at its start (BEGIN IMMEDIATE): another process
        writing the same file (a worker, `monitor prune` beside the daemon) is waited for, never met
        halfway with 'database is locked'. Nested, it is a savepoint."""
        conn = self.db.conn
        if conn.in_transaction:
            with self.db.atomic():
                yield
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

    # -- reads --------------------------------------------------------------------------------

    def _insert_rows(self, table: str, rows: list[dict[str, Any]]) -> None:
        """Rows of plain values (the same keys each) in one executemany: a changed page stores a hundred
        prices, and sqlite-utils' insert_all inspects every value of every row first."""
        if not rows:
            return
        columns = list(rows[0])
        sql = f"insert into {table} ({', '.join(columns)}) values ({', '.join('?' * len(columns))})"
        self.db.conn.executemany(sql, [[row[c] for c in columns] for row in rows])

    def _select(self, sql: str, args: Iterable[Any] = ()) -> list[dict[str, Any]]:
        """Rows of a SELECT as dicts. Plain sqlite3: sqlite-utils' query() wraps each statement in a
        savepoint (three statements for one read), which a check round pays for on every source."""
        cursor = self.db.conn.execute(sql, list(args))
        keys = [column[0] for column in cursor.description]
        return [dict(zip(keys, row, strict=True)) for row in cursor]

    def source_state(self, name: str) -> SourceState:
        rows = list(self._select("select * from sources where name = ?", [name]))
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
        return [_price_from_row(row) for row in rows]

    def failure_streak(self, source: str) -> tuple[int, str | None, str | None]:
        """(failed or broken checks in a row up to now, the first one's time, the last one's error)."""
        rows = list(
            self._select(
                "select started, status, error from checks where source = ? order by id desc limit 500",
                [source],
            )
        )
        streak = 0
        for row in rows:
            if row["status"] not in ("failed", "broken"):
                break
            streak += 1
        if not streak:
            return 0, None, None
        return streak, rows[streak - 1]["started"], rows[0]["error"]

    def health_alerted(self, source: str) -> bool:
        rows = list(self._select("select health_alerted from sources where name = ?", [source]))
        return bool(rows and rows[0]["health_alerted"])

    def set_health_alerted(self, source: str, alerted: bool) -> None:
        with self._writing("record the source's health"), self._transaction():
            self.db.execute("update sources set health_alerted = ? where name = ?", [int(alerted), source])

    def pending_changes(self, source: str) -> list[Pending]:
        rows = self._select(
            "select change, count, first_seen from pending_changes where source = ?", [source]
        )
        return [Pending(_change_from_json(r["change"]), r["count"], r["first_seen"]) for r in rows]

    def set_pending(self, source: str, pending: Iterable[Pending]) -> None:
        with self._writing("record the held changes"), self._transaction():
            self.db.execute("delete from pending_changes where source = ?", [source])
            self.db.table("pending_changes").insert_all(
                [
                    {
                        "source": source,
                        "key": json.dumps(change_key(p.change), ensure_ascii=False),
                        "change": _change_to_json(p.change),
                        "count": p.count,
                        "first_seen": p.first_seen,
                    }
                    for p in pending
                ]
            )

    def record_flaps(self, source: SourceRow, when: str, flaps: Iterable[Change]) -> None:
        """Changes that went back before they held: in the change log as 'flap', never alerted."""
        with self._writing("record the flaps"), self._transaction():
            self.db.table("changes").insert_all([_change_row(source, None, when, c) for c in flaps])

    def has_baseline(self, source: str) -> bool:
        sql = "select 1 from checks where source = ? and status in ('baseline', 'changed') limit 1"
        return bool(list(self._select(sql, [source])))

    def all_latest_prices(self) -> list[dict[str, Any]]:
        sql = (
            "select l.*, s.provider from latest_prices l left join sources s on s.name = l.source "
            "order by l.source, l.model, l.kind, l.tier, l.condition"
        )
        return list(self._select(sql))

    def find_changes(self, where: LogFilter, newest: int | None = None) -> list[dict[str, Any]]:
        """The change log, oldest first, narrowed by `where` (and to the `newest` N rows)."""
        return self._log("changes", "time", where, newest)

    def price_history(self, model: str) -> list[dict[str, Any]]:
        """Every stored observation of a model's prices (matched as the diff matches names: any case,
        spaces or underscores for hyphens, with or without a publisher such as 'Qwen/'): from the price
        list of each check that changed its source, with the check's time, oldest first."""
        sql = (
            "select c.started as time, c.id as check_id, p.*, s.provider from prices p "
            "join checks c on c.id = p.check_id left join sources s on s.name = p.source "
            "where instr(replace(replace(lower(p.model), ' ', '-'), '_', '-'), ?) > 0 "
            "order by c.started, c.id"
        )
        wanted = relaxed_model_id(model)
        return [r for r in self._select(sql, [wanted]) if relaxed_model_id(r["model"]) == wanted]

    def models_like(self, text: str) -> list[str]:
        """Model names containing `text` (case-insensitive), for `monitor history` to suggest."""
        sql = "select distinct model from prices where instr(lower(model), lower(?)) > 0 order by model"
        return [row["model"] for row in self._select(sql, [text])]

    def last_checks(self, sources: Iterable[str]) -> dict[str, str]:
        """These sources' latest check times (of any outcome): one index look-up each, not a scan of the
        check rows of every source (a report asks once per changed model)."""
        found = {}
        for source in sources:
            rows = self._select("select max(started) as started from checks where source = ?", [source])
            if rows and rows[0]["started"]:
                found[source] = rows[0]["started"]
        return found

    def price_checks(self, source: str) -> list[str]:
        """When a source's price list was stored (baseline and changed checks), oldest first."""
        sql = (
            "select started from checks where source = ? and status in ('baseline', 'changed') "
            "and id in (select check_id from prices) order by started, id"
        )
        return [row["started"] for row in self._select(sql, [source])]

    def due_deliveries(self, targets: Iterable[str], now: str) -> list[Delivery]:
        """Deliveries to these channels that are pending (or were being sent) and due by `now`."""
        wanted = list(targets)
        if not wanted:
            return []
        marks = ", ".join("?" for _ in wanted)
        sql = (
            "select d.alert_id, d.target, d.attempts, d.status, a.title, a.body, a.created, a.kind, "
            "a.body_html, a.body_slack "
            "from deliveries d join alerts a on a.id = d.alert_id "
            f"where d.status in ('pending', 'sending') and d.target in ({marks}) "
            "and (d.next_attempt is null or d.next_attempt <= ?) order by d.alert_id"
        )
        return [
            Delivery(
                alert_id=r["alert_id"],
                target=r["target"],
                title=r["title"],
                body=r["body"],
                attempts=r["attempts"],
                status=r["status"],
                created=r["created"],
                kind=r["kind"],
                html=r["body_html"] or f"<pre>{html.escape(r['body'])}</pre>",
                slack=r["body_slack"] or r["body"],
            )
            for r in self._select(sql, [*wanted, now])
        ]

    def source_summary(self, source: str) -> dict[str, Any]:
        """What `monitor status` shows of one source: its last check, last success, streak, models."""
        last = list(self._select("select * from checks where source = ? order by id desc limit 1", [source]))
        good = list(
            self._select(
                "select started from checks where source = ? and status not in ('failed', 'broken') "
                "order by id desc limit 1",
                [source],
            )
        )
        models = list(
            self._select("select count(distinct model) as n from latest_prices where source = ?", [source])
        )
        pending = list(
            self._select(
                "select count(*) as n from deliveries d join alerts a on a.id = d.alert_id "
                "where a.source = ? and d.status in ('pending', 'sending')",
                [source],
            )
        )
        streak, _since, _error = self.failure_streak(source)
        return {
            "last_check": last[0]["started"] if last else None,
            "last_status": last[0]["status"] if last else None,
            "last_error": last[0]["error"] if last else None,
            "last_success": good[0]["started"] if good else None,
            "failures": streak,
            "models": models[0]["n"] if models else 0,
            "pending_alerts": pending[0]["n"] if pending else 0,
        }

    # -- retention ---------------------------------------------------------------------------

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

    # -- digests -----------------------------------------------------------------------------

    def hold_new_deliveries(self) -> None:
        """Deliveries of new change, health, news and notice alerts wait for the digest, not going out."""
        with self._writing("hold the alerts for the digest"), self._transaction():
            self.db.execute(
                "update deliveries set status = 'held' where status = 'pending' and attempts = 0 "
                "and alert_id in (select id from alerts "
                "where kind in ('changes', 'health', 'news', 'notice'))"
            )

    def held_alerts(self) -> dict[str, list[dict[str, Any]]]:
        """Held alerts per channel, oldest first."""
        sql = (
            "select d.target, a.id, a.kind, a.source, a.title, a.body, a.created from deliveries d "
            "join alerts a on a.id = d.alert_id where d.status = 'held' order by a.id"
        )
        held: dict[str, list[dict[str, Any]]] = {}
        for row in self._select(sql):
            held.setdefault(row["target"], []).append(row)
        return held

    def changes_of_alerts(self, alert_ids: Iterable[int]) -> list[tuple[dict[str, Any], Change]]:
        """The change rows (source, provider, url ...) and Changes behind these alerts."""
        ids = list(alert_ids)
        if not ids:
            return []
        marks = ", ".join("?" for _ in ids)
        sql = (
            f"select c.* from changes c join alerts a on a.check_id = c.check_id where a.id in ({marks}) "
            "and c.change != 'flap' order by c.id"
        )
        return [(row, change_from_row(row)) for row in self._select(sql, ids)]

    def release_digest(self, target: str, alert_ids: Iterable[int], message: Message, when: str) -> int:
        """One digest alert for one channel in place of its held alerts."""
        ids = list(alert_ids)
        with self._writing("queue the digest"), self._transaction():
            digest = self._insert_alert("", None, when, message, [target], "digest")
            marks = ", ".join("?" for _ in ids)
            self.db.execute(
                f"update deliveries set status = 'digested', last_attempt = ? "
                f"where target = ? and status = 'held' and alert_id in ({marks})",
                [when, target, *ids],
            )
            return digest

    def delivery_counts(self) -> dict[str, int]:
        """How many deliveries are in each state: pending, sending, sent, gave_up."""
        rows = self._select("select status, count(*) as n from deliveries group by status")
        return {row["status"]: row["n"] for row in rows}

    # -- writes -------------------------------------------------------------------------------

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

    def recent_checks(self, name: str, count: int) -> list[tuple[str, str | None]]:
        """(status, prices_digest) of the source's last `count` checks, newest first."""
        sql = "select status, prices_digest from checks where source = ? order by id desc limit ?"
        return [(r["status"], r["prices_digest"]) for r in self._select(sql, [name, count])]

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
            rows = [_price_row(source.name, p) for p in prices]
            self._insert_rows("prices", [{"check_id": check_id, **row} for row in rows])
            since = self._since_map(source.name)  # read before the source's latest prices are replaced
            listed = {_exact(row) for row in rows} if since else set()  # a first check has none before
            self.db.execute("delete from latest_prices where source = ?", [source.name])
            self._insert_rows(
                "latest_prices",
                [{**row, "since": _since(since, listed, row, started), "check_id": check_id} for row in rows],
            )
            self._insert_rows("changes", [_change_row(source, check_id, started, c) for c in changes])
            self._set_state(source.name, fetched, digest, content, settings)
            self.db.execute("update sources set due_on = ? where name = ?", [due_on, source.name])
            alert_id = None
            if alert is not None:
                alert_id = self._insert_alert(source.name, check_id, started, alert, targets)
            return check_id, alert_id

    def mark_sending(self, alert_id: int, target: str, when: str) -> None:
        """Written before a send: if the process dies during it, the next run knows the outcome is unknown."""
        with self._writing("record the delivery attempt"), self._transaction():
            self.db.execute(
                "update deliveries set status = 'sending', last_attempt = ? "
                "where alert_id = ? and target = ?",
                [when, alert_id, target],
            )

    def mark_delivery(
        self, alert_id: int, target: str, when: str, error: str | None, next_attempt: str | None = None
    ) -> None:
        with self._writing("record the delivery"), self._transaction():
            self.db.execute(
                "update deliveries set attempts = attempts + 1, last_attempt = ?, last_error = ?, "
                "status = ?, sent_at = ?, next_attempt = ? where alert_id = ? and target = ?",
                [
                    when,
                    error,
                    "pending" if error else "sent",
                    None if error else when,
                    next_attempt if error else None,
                    alert_id,
                    target,
                ],
            )

    def expire_deliveries(self, created_before: str, when: str) -> list[tuple[int, str, int, str | None]]:
        """Give up deliveries of alerts older than the age limit; (alert_id, target, attempts, last_error)."""
        sql = (
            "select d.alert_id, d.target, d.attempts, d.last_error from deliveries d "
            "join alerts a on a.id = d.alert_id where d.status in ('pending', 'sending') and a.created < ?"
        )
        with self._writing("give up old deliveries"), self._transaction():
            expired = [
                (r["alert_id"], r["target"], r["attempts"], r["last_error"])
                for r in self._select(sql, [created_before])
            ]
            for alert_id, target, _attempts, _error in expired:
                self.db.execute(
                    "update deliveries set status = 'gave_up', last_attempt = ? "
                    "where alert_id = ? and target = ?",
                    [when, alert_id, target],
                )
        return expired

    def add_alert(self, source: str, when: str, alert: Message, targets: Iterable[str], kind: str) -> int:
        """An alert that is not about price changes (a source's health, a test), queued for every target."""
        with self._writing("queue the alert"), self._transaction():
            return self._insert_alert(source, None, when, alert, targets, kind)

    def seen_items(self, source: str) -> set[str]:
        """The ids of a feed's items already read (each is alerted once)."""
        rows = self._select("select item_id from news_items where source = ?", [source])
        return {row["item_id"] for row in rows}

    def record_news(
        self,
        source: str,
        when: str,
        items: Iterable[NewsItem],
        claims: Iterable[tuple[NewsItem, Claim, str]],
        alert: Message | None,
        targets: Iterable[str],
    ) -> int | None:
        """New feed items, their claims (with the pricing page's verdict) and their alert, all or nothing."""
        with self._writing("record the news items"), self._transaction():
            self.db.table("news_items").insert_all(
                [{"source": source, "seen": when, **asdict(item)} for item in items], pk=("source", "item_id")
            )
            self.db.table("news_claims").insert_all(
                [
                    {
                        "source": source,
                        "item_id": item.item_id,
                        "link": item.link,
                        "found": when,
                        **{k: v for k, v in claim.to_json().items() if k != "percent"},
                        "free": int(claim.free),
                        "verdict": verdict,
                    }
                    for item, claim, verdict in claims
                ]
            )
            return self._insert_alert(source, None, when, alert, targets, "news") if alert else None

    def find_news_claims(self, where: LogFilter, newest: int | None = None) -> list[dict[str, Any]]:
        """Price claims read from news items, oldest first, narrowed by `where` (and to the newest N)."""
        return self._log("news_claims", "found", where, newest)

    def page_prose(self, source: str) -> tuple[list[str] | None, set[str]]:
        """A pricing page's sentence keys at its last check (None: never read) and every sentence it
        ever showed."""
        rows = self._select("select keys from page_prose where source = ?", [source])
        seen = self._select("select text from page_prose_seen where source = ?", [source])
        return (json.loads(rows[0]["keys"]) if rows else None), {row["text"] for row in seen}

    def record_prose(
        self,
        source: SourceRow,
        when: str,
        keys: list[str],
        sentences: Iterable[str],
        notices: list[str],
        alert: Message | None,
        targets: Iterable[str],
    ) -> int | None:
        """A pricing page's prose as now read, its new price notices and their alert, all or nothing."""
        with self._writing("record the page's notices"), self._transaction():
            self.db.execute(
                "insert into page_prose (source, keys) values (?, ?) "
                "on conflict(source) do update set keys = excluded.keys",
                [source.name, json.dumps(keys, ensure_ascii=False)],
            )
            self.db.conn.executemany(
                "insert or ignore into page_prose_seen (source, text) values (?, ?)",
                [(source.name, text) for text in sentences],
            )
            row = {"source": source.name, "provider": source.provider, "url": source.url, "found": when}
            self._insert_rows(
                "page_notices", [{**row, "model": "", "kind": "notice", "sentence": n} for n in notices]
            )
            return self._insert_alert(source.name, None, when, alert, targets, "notice") if alert else None

    def find_notices(self, where: LogFilter, newest: int | None = None) -> list[dict[str, Any]]:
        """Price notices read from pricing pages, oldest first, narrowed by `where` (and to the newest N)."""
        return self._log("page_notices", "found", where, newest)

    def _log(self, table: str, time: str, where: LogFilter, newest: int | None) -> list[dict[str, Any]]:
        clause, args = where.sql(time)
        sql = f"select * from {table} {clause} order by {time} desc, id desc limit ?"
        rows = list(self._select(sql, [*args, -1 if newest is None else newest]))
        return rows[::-1]

    def ensure_source(self, source: SourceRow) -> None:
        """Record a source's name, provider, kind and URL (once per process unless they change)."""
        if self._sources.get(source.name) == source:
            return
        with self._writing("record the source"), self._transaction():
            self._upsert_source(source)
        self._sources[source.name] = source

    # -- helpers ------------------------------------------------------------------------------

    def _upsert_source(self, source: SourceRow) -> None:
        self.db.execute(
            "insert into sources (name, provider, kind, url) values (?, ?, ?, ?) "
            "on conflict(name) do update set provider = excluded.provider, kind = excluded.kind, "
            "url = excluded.url",
            [source.name, source.provider, source.kind, source.url],
        )

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

    def last_good_body(self, source: str) -> bytes | None:
        """The page whose prices are the source's latest (its last baseline or changed check), or None."""
        rows = list(
            self._select(
                "select s.content from checks c join snapshots s on s.id = c.snapshot_id "
                "where c.source = ? and c.status in ('baseline', 'changed') order by c.id desc limit 1",
                [source],
            )
        )
        return zlib.decompress(rows[0]["content"]) if rows else None

    def _snapshot(self, body: bytes, when: str, packed: bytes | None = None) -> int:
        digest = sha256(body)
        rows = list(self._select("select id from snapshots where sha256 = ?", [digest]))
        if rows:
            return int(rows[0]["id"])
        table = self.db.table("snapshots")
        table.insert(
            {
                "sha256": digest,
                "bytes": len(body),
                "content": packed if packed is not None else pack(body),
                "first_seen": when,
            }
        )
        return _last_pk(table)

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
            value = (row["since"], row["per_million"], _exact(row))
            found[_exact(row)] = value
            relaxed = _relaxed(row)
            found[relaxed] = None if relaxed in found else value  # two names, one id: no guess
        return found

    def _insert_alert(
        self,
        name: str,
        check_id: int | None,
        when: str,
        alert: Message,
        targets: Iterable[str],
        kind: str = "changes",
    ) -> int:
        table = self.db.table("alerts")
        table.insert(
            {
                "created": when,
                "source": name,
                "check_id": check_id,
                "title": alert.title,
                "body": alert.text,
                "body_html": alert.html,
                "body_slack": alert.slack,
                "kind": kind,
            }
        )
        alert_id = _last_pk(table)
        self.db.table("deliveries").insert_all(
            [{"alert_id": alert_id, "target": t, "status": "pending", "attempts": 0} for t in targets]
        )
        return alert_id


@dataclass(frozen=True)
class SourceRow:
    name: str
    provider: str
    kind: str
    url: str


@dataclass(frozen=True)
class LogFilter:
    """What `monitor log` narrows the change log and the news claims to (None: no limit)."""

    source: str | None = None
    provider: str | None = None  # part of the provider's name, any case
    model: str | None = None  # part of the model's name, any case
    kind: str | None = None
    since: str | None = None  # ISO times, UTC
    until: str | None = None

    def sql(self, time_column: str) -> tuple[str, list[Any]]:
        where: list[str] = []
        args: list[Any] = []
        if self.source:
            where.append("source = ?")
            args.append(self.source)
        for column in ("provider", "model"):
            if value := getattr(self, column):
                where.append(f"instr(lower({column}), lower(?)) > 0")
                args.append(value)
        if self.kind:
            where.append("kind = ?")
            args.append(self.kind)
        if self.since:
            where.append(f"{time_column} >= ?")
            args.append(self.since)
        if self.until:
            where.append(f"{time_column} < ?")
            args.append(self.until)
        return (f"where {' and '.join(where)}" if where else ""), args


def _since(
    latest: dict[tuple[Any, ...], tuple[str, str, tuple[Any, ...]] | None],
    listed: set[tuple[Any, ...]],
    row: dict[str, Any],
    started: str,
) -> str:
    """When a price took its value: kept from the last list where the value is the same, else now.
    A model renamed with or without its publisher keeps it, unless the old name is still listed too."""
    if not latest:
        return started
    found = latest.get(_exact(row))
    if found is None:
        renamed = latest.get(_relaxed(row))
        found = renamed if renamed and renamed[2] not in listed else None
    # compared as numbers: a row stored before amounts were written in plain notation may read '9.38E-7'
    return found[0] if found and Decimal(found[1]) == Decimal(row["per_million"]) else started


_KEY_VALUES = itemgetter(*PRICE_KEY)
_KEY_REST = itemgetter(*(k for k in PRICE_KEY if k not in ("source", "model")))


def _exact(row: dict[str, Any]) -> tuple[Any, ...]:
    return ("exact", *_KEY_VALUES(row))


def _relaxed(row: dict[str, Any]) -> tuple[Any, ...]:
    return ("relaxed", relaxed_model_id(row["model"]), *_KEY_REST(row))


def _plain(value: Decimal | None) -> str | None:
    """A decimal as stored: '0.000000938', never str()'s '9.38E-7', so SQL readers see the page's form."""
    return None if value is None else format(value, "f")


def _price_row(source: str, price: Price) -> dict[str, Any]:
    return {
        "source": source,
        "model": price.model,
        "kind": price.kind,
        "tier": price.tier,
        "condition": price.condition,
        "currency": price.currency,
        "unit": price.unit,
        "amount": _plain(price.amount),
        "per": price.per,
        "per_million": _plain(price.per_million),
        "free": int(price.free),
        "raw": price.raw,
        "note": price.note,
        "status": price.status,
    }


def _price_from_row(row: dict[str, Any]) -> Price:
    return Price(
        model=row["model"],
        kind=row["kind"],
        amount=Decimal(row["amount"]),
        currency=row["currency"],
        per=row["per"],
        unit=row["unit"],
        tier=row["tier"],
        condition=row["condition"],
        free=bool(row["free"]),
        raw=row["raw"],
        note=row["note"] or "",
        status=row["status"] or "",
    )


def _change_to_json(change: Change) -> str:
    data = {
        "change": change.change,
        "old": _price_row("", change.old) if change.old else None,
        "new": _price_row("", change.new) if change.new else None,
    }
    return json.dumps(data, ensure_ascii=False)


def _change_from_json(text: str) -> Change:
    data = json.loads(text)
    old = _price_from_row(data["old"]) if data["old"] else None
    new = _price_from_row(data["new"]) if data["new"] else None
    return Change.between(data["change"], old, new)


def change_from_row(row: dict[str, Any]) -> Change:
    """A change as stored in the change log, with its old and new prices."""

    def side(prefix: str) -> Price | None:
        if row[f"{prefix}_amount"] is None:
            return None
        return Price(
            model=row["model"],
            kind=row["kind"],
            amount=Decimal(row[f"{prefix}_amount"]),
            currency=row["currency"],
            per=row[f"{prefix}_per"],
            unit=row["unit"],
            tier=row["tier"],
            condition=row["condition"],
            free=bool(row[f"{prefix}_free"]),
            raw=row[f"{prefix}_raw"] or "",
            status=row[f"{prefix}_status"] or "",
        )

    return Change.between(row["change"], side("old"), side("new"))


def _change_row(source: SourceRow, check_id: int | None, when: str, change: Change) -> dict[str, Any]:
    old, new = change.old, change.new
    return {
        "check_id": check_id,
        "time": when,
        "source": source.name,
        "provider": source.provider,
        "url": source.url,
        "model": change.model,
        "kind": change.kind,
        "tier": change.tier,
        "condition": change.condition,
        "currency": change.currency,
        "unit": change.unit,
        "change": change.change,
        "old_amount": _plain(old.amount) if old else None,
        "new_amount": _plain(new.amount) if new else None,
        "old_per": old.per if old else None,
        "new_per": new.per if new else None,
        "old_per_million": _plain(change.old_per_million) if old else None,
        "new_per_million": _plain(change.new_per_million) if new else None,
        "pct": str(change.pct) if change.pct is not None else None,
        "old_raw": old.raw if old else None,
        "new_raw": new.raw if new else None,
        "old_free": int(old.free) if old else None,
        "new_free": int(new.free) if new else None,
        "suspect": change.suspect,
        "old_status": old.status if old else None,
        "new_status": new.status if new else None,
    }
