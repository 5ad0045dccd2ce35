"""The outbox: alerts and their deliveries to each channel, from queued to sent (or given up), and the
digests that gather held alerts."""

from __future__ import annotations

import hashlib
import html
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from monitor.messages import Message
from monitor.models import Change
from monitor.store.connection import StoreBase
from monitor.store.rows import change_from_row


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


def target_id(url: str) -> str:
    """A stable name for a notification URL that does not reveal its secrets."""
    return hashlib.sha256(url.encode()).hexdigest()[:16]


class OutboxStore(StoreBase):
    def add_alert(self, source: str, when: str, alert: Message, targets: Iterable[str], kind: str) -> int:
        """An alert that is not about price changes (a source's health, a test), queued for every target."""
        with self._writing("queue the alert"), self._transaction():
            return self._insert_alert(source, None, when, alert, targets, kind)

    def _insert_alert(
        self,
        name: str,
        check_id: int | None,
        when: str,
        alert: Message,
        targets: Iterable[str],
        kind: str = "changes",
    ) -> int:
        alert_id = self._insert(
            "alerts",
            {
                "created": when,
                "source": name,
                "check_id": check_id,
                "title": alert.title,
                "body": alert.text,
                "body_html": alert.html,
                "body_slack": alert.slack,
                "kind": kind,
            },
        )
        self._insert_rows(
            "deliveries",
            [{"alert_id": alert_id, "target": t, "status": "pending", "attempts": 0} for t in targets],
        )
        return alert_id

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
