"""What the store keeps of what sources say in words: news items and their price claims, and a pricing
page's prose with the price notices found in it."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict
from typing import TYPE_CHECKING

from monitor.messages import Message
from monitor.plan import NewsRead, ProseUpdate
from monitor.store.outbox import OutboxStore
from monitor.store.rows import SourceRow

if TYPE_CHECKING:  # the news reader (selectolax, the extractors) is not needed to open the database
    from monitor.news import Claim, NewsItem


class NewsStore(OutboxStore):
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
        items, claims = list(items), list(claims)
        read = [NewsRead(item, [(c, v) for i, c, v in claims if i == item]) for item in items]
        with self._writing("record the news items"), self._transaction():
            self._record_news(source, when, read, [])
            return self._insert_alert(source, None, when, alert, list(targets), "news") if alert else None

    def _record_news(self, source: str, when: str, news: list[NewsRead], targets: list[str]) -> list[int]:
        """A feed's new items, their claims and their alerts (in a check's write); the alerts' ids."""
        self._insert_rows("news_items", [{"source": source, "seen": when, **asdict(n.item)} for n in news])
        self._insert_rows(
            "news_claims",
            [
                {
                    "source": source,
                    "item_id": n.item.item_id,
                    "link": n.item.link,
                    "found": when,
                    **{k: v for k, v in claim.to_json().items() if k != "percent"},
                    "free": int(claim.free),
                    "verdict": verdict,
                }
                for n in news
                for claim, verdict in n.claims
            ],
        )
        return [self._insert_alert(source, None, when, n.alert, targets, "news") for n in news if n.alert]

    def page_prose(self, source: str) -> tuple[list[str] | None, set[str]]:
        """A pricing page's sentence keys at its last check (None: never read) and every sentence it
        ever showed."""
        rows = self._select("select keys from page_prose where source = ?", [source])
        seen = self._select("select text from page_prose_seen where source = ?", [source])
        return (json.loads(rows[0]["keys"]) if rows else None), {row["text"] for row in seen}

    def _record_prose(self, source: SourceRow, when: str, prose: ProseUpdate, targets: Iterable[str]) -> None:
        """A pricing page's prose as now read, its new price notices and their alert (in a check's write)."""
        self.db.execute(
            "insert into page_prose (source, keys) values (?, ?) "
            "on conflict(source) do update set keys = excluded.keys",
            [source.name, json.dumps(prose.keys, ensure_ascii=False)],
        )
        self.db.executemany(
            "insert or ignore into page_prose_seen (source, text) values (?, ?)",
            [(source.name, text) for text in dict.fromkeys(prose.sentences)],  # a repeated one once
        )
        row = {"source": source.name, "provider": source.provider, "url": source.url, "found": when}
        self._insert_rows(
            "page_notices", [{**row, "model": "", "kind": "notice", "sentence": n} for n in prose.notices]
        )
        if prose.alert:
            self._insert_alert(source.name, None, when, prose.alert, targets, "notice")
