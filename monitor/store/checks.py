"""What the store keeps of each check: its row, the page it read (a snapshot), the price list it found,
the source's latest prices and the changes it logged; and a check's one read and one write."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from monitor.diff import CONFIRM_SHRINK
from monitor.messages import Message
from monitor.models import Change, FetchResult, Price
from monitor.plan import CheckPlan, PageState, Snapshot, SourceView, Streak
from monitor.store.connection import pack
from monitor.store.news import NewsStore
from monitor.store.rows import (
    PRICE_COLUMNS,
    SourceRow,
    change_row,
    exact_key,
    price_values,
    relaxed_key,
    since_of,
)
from monitor.store.sources import STREAK_ROWS, SourcesStore


class ChecksStore(SourcesStore, NewsStore):
    def read_source(self, source: str) -> SourceView:
        """What every check of a source decides from, in one call: its state, whether it has a price
        list, its held changes, its recent checks and its failures in a row."""
        state = self.source_state(source)
        return SourceView(
            etag=state.etag,
            last_modified=state.last_modified,
            last_sha256=state.last_sha256,
            content_sha256=state.content_sha256,
            settings_sha256=state.settings_sha256,
            due_on=state.due_on,
            health_alerted=self.health_alerted(source),
            baseline=self.has_baseline(source),
            pending=tuple(self.pending_changes(source)),
            recent=tuple(self.recent_checks(source, CONFIRM_SHRINK - 1)),
            failures=Streak(*self.failure_streak(source, STREAK_ROWS - 1)),  # this check is one more
        )

    def read_prices(self, source: str, view: SourceView, settings: str) -> SourceView:
        """The view completed for a page whose content changed: the stored prices, the page's prose, and
        where `settings` (the source's fingerprint) differs from the stored one, the page of its latest
        prices (to read again)."""
        keys, seen = self.page_prose(source)
        changed = view.settings_sha256 is not None and view.settings_sha256 != settings
        return replace(
            view,
            prices_read=True,
            latest=tuple(self.latest_prices(source)),
            prose_keys=None if keys is None else tuple(keys),
            prose_seen=frozenset(seen),
            last_good_body=self.last_good_body(source) if changed else None,
            last_problems=self.last_problems(source),
        )

    def last_problems(self, source: str) -> tuple[str, ...] | None:
        """What the last check that read the page could not read on it (None: no check says)."""
        rows = self._select(
            "select problems from checks where source = ? and problems is not null "
            "and status in ('baseline', 'changed', 'unchanged') order by id desc limit 1",
            [source],
        )
        return tuple(json.loads(rows[0]["problems"])) if rows else None

    def record_check(
        self, source: SourceRow, plan: CheckPlan, targets: Iterable[str]
    ) -> tuple[int, int | None]:
        """Everything one check learned, in one transaction, alerts and their deliveries included: a
        crash or a full disk leaves the whole check or none of it. (check id, its change alert's id, or a
        feed's first news alert's)."""
        targets = list(targets)
        with self._writing("record the check"), self._transaction():
            if self._sources.get(source.name) != source:
                self._upsert_source(source)
            if plan.prose:
                self._record_prose(source, plan.started, plan.prose, targets)
            if plan.pending is not None:
                self._replace_pending(source.name, plan.pending)
            self._insert_rows("changes", [change_row(source, None, plan.started, c) for c in plan.flaps])
            check_id = self._insert_check(source.name, plan)
            if plan.prices is not None:
                self._replace_prices(source.name, check_id, plan.started, plan.prices)
            self._insert_rows(
                "changes", [change_row(source, check_id, plan.started, c) for c in plan.changes]
            )
            if plan.state is not None:
                self._set_state(source.name, plan.state)
            if plan.prices is not None:
                self.db.execute("update sources set due_on = ? where name = ?", [plan.due_on, source.name])
            alert_id = None
            if plan.alert is not None:
                alert_id = self._insert_alert(source.name, check_id, plan.started, plan.alert, targets)
            if plan.news:
                news_alerts = self._record_news(source.name, plan.started, plan.news, targets)
                alert_id = alert_id if alert_id is not None else next(iter(news_alerts), None)
            if plan.health is not None:
                self._insert_alert(source.name, None, plan.finished, plan.health.message, targets, "health")
                self.db.execute(
                    "update sources set health_alerted = ? where name = ?",
                    [int(plan.health.problem), source.name],
                )
        self._sources[source.name] = source
        return check_id, alert_id

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
    ) -> tuple[int, int | None]:
        """A good page whose prices differ from the last (or the first), as a check records it."""
        state = PageState(fetched.etag, fetched.last_modified, digest, content, settings)
        plan = CheckPlan(
            started,
            finished,
            status,
            fetched.status,
            problems=problems,
            snapshot=Snapshot(fetched.body, digest),
            prices=prices,
            changes=changes,
            state=state,
            due_on=due_on,
            alert=alert,
        )
        return self.record_check(source, plan, targets)

    def _snapshot(self, snapshot: Snapshot, when: str) -> int:
        """The id of the stored page with these bytes, stored now if new."""
        rows = self._select("select id from snapshots where sha256 = ?", [snapshot.sha256])
        if rows:
            return int(rows[0]["id"])
        content = snapshot.packed if snapshot.packed is not None else pack(snapshot.body)
        row = {"sha256": snapshot.sha256, "bytes": len(snapshot.body), "content": content, "first_seen": when}
        return self._insert("snapshots", row)

    def _insert_check(self, name: str, plan: CheckPlan) -> int:
        return self._insert(
            "checks",
            {
                "source": name,
                "started": plan.started,
                "finished": plan.finished,
                "status": plan.status,
                "http_status": plan.http_status,
                "error": plan.error,
                "problems": json.dumps(plan.problems, ensure_ascii=False)
                if plan.problems or plan.page_read
                else None,
                "snapshot_id": self._snapshot(plan.snapshot, plan.started) if plan.snapshot else None,
                "prices": len(plan.prices) if plan.prices is not None else None,
                "prices_digest": plan.prices_digest,
            },
        )

    def _replace_prices(self, name: str, check_id: int, started: str, prices: list[Price]) -> None:
        """A check's price list, and the source's latest prices replaced by it (each keeping the time it
        took its value)."""
        values = [price_values(name, p) for p in prices]
        self._insert_values("prices", ("check_id", *PRICE_COLUMNS), [(check_id, *v) for v in values])
        since = self._since_map(name)  # read before the source's latest prices are replaced
        if since:
            rows = [dict(zip(PRICE_COLUMNS, v, strict=True)) for v in values]
            listed = {exact_key(row) for row in rows}
            taken = [since_of(since, listed, row, started) for row in rows]
        else:
            taken = [started] * len(values)  # a first check: nothing came before
        self.db.execute("delete from latest_prices where source = ?", [name])
        latest = [(*v, when, check_id) for v, when in zip(values, taken, strict=True)]
        self._insert_values("latest_prices", (*PRICE_COLUMNS, "since", "check_id"), latest)

    def _set_state(self, name: str, state: PageState) -> None:
        """What the next check compares with; `settings` None keeps the stored fingerprint."""
        self.db.execute(
            "update sources set etag = ?, last_modified = ?, last_sha256 = ?, content_sha256 = ?, "
            "settings_sha256 = coalesce(?, settings_sha256) where name = ?",
            [state.etag, state.last_modified, state.sha256, state.content, state.settings, name],
        )

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
