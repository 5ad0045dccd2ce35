"""The review side of the store: the change log, news claims and notices narrowed by `monitor log`'s
filters, price histories, the latest prices of every source and what `monitor status` shows."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from monitor.models import relaxed_model_id
from monitor.store.sources import SourcesStore


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


class HistoryStore(SourcesStore):
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

    def find_news_claims(self, where: LogFilter, newest: int | None = None) -> list[dict[str, Any]]:
        """Price claims read from news items, oldest first, narrowed by `where` (and to the newest N)."""
        return self._log("news_claims", "found", where, newest)

    def find_notices(self, where: LogFilter, newest: int | None = None) -> list[dict[str, Any]]:
        """Price notices read from pricing pages, oldest first, narrowed by `where` (and to the newest N)."""
        return self._log("page_notices", "found", where, newest)

    def _log(self, table: str, time: str, where: LogFilter, newest: int | None) -> list[dict[str, Any]]:
        clause, args = where.sql(time)
        sql = f"select * from {table} {clause} order by {time} desc, id desc limit ?"
        rows = list(self._select(sql, [*args, -1 if newest is None else newest]))
        return rows[::-1]
