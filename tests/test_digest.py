"""Digests and quiet hours: held alerts go out later as one message per channel."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from monitor.digest import DigestPolicy, parse_window
from monitor.messages import change_message, news_message
from monitor.models import Change, FetchResult, Price
from monitor.news import NewsItem, extract_claims
from monitor.notify import Notifier
from monitor.store import SourceRow, Store
from tests.servers import WebhookReceiver


class Clock:
    def __init__(self, start: str) -> None:
        self.now = datetime.fromisoformat(start)

    def __call__(self) -> str:
        return self.now.isoformat(timespec="seconds")

    def advance(self, **kw: float) -> None:
        self.now += timedelta(**kw)


def price(model: str, amount: str) -> Price:
    return Price(model=model, kind="input", amount=Decimal(amount), currency="USD", raw=f"${amount}")


def record_change(
    store: Store, notifier: Notifier, source: str, model: str, old: str, new: str, when: str
) -> None:
    """A check that found one change, recorded as the pipeline does it (prices, change, alert)."""
    change = Change("changed", model, "input", "", "", "USD", "tokens", price(model, old), price(model, new))
    row = SourceRow(source, source.title(), "html", f"https://{source}.test/p")
    message = change_message(row.provider, source, row.url, when, [change])
    store.record_prices(
        row, when, when, _fetched(), f"{source}{when}", [price(model, new)], [change], [],
        message, notifier.targets_for(source), "changed",
    )  # fmt: skip


def _fetched() -> FetchResult:
    return FetchResult(url="https://x.test/p", status=200, body=b"<html></html>", text="<html></html>")


def flush(notifier: Notifier, store: Store) -> None:
    asyncio.run(notifier.flush(store))


def test_quiet_hours_window_crosses_midnight() -> None:
    """22:00-07:00 in Shanghai is quiet at 23:30 and 06:59 there, not at 07:00."""
    policy = DigestPolicy(quiet=parse_window("22:00-07:00"), timezone="Asia/Shanghai")
    assert policy.is_quiet("2026-05-01T15:30:00+00:00")  # 23:30 in Shanghai
    assert policy.is_quiet("2026-05-01T22:59:00+00:00")  # 06:59
    assert not policy.is_quiet("2026-05-01T23:00:00+00:00")  # 07:00


def test_round_digest_puts_every_source_in_one_message_most_significant_first(
    tmp_path: Path, webhook: WebhookReceiver
) -> None:
    """Two sources changing in one round: one message, the -97.5% cut before the -10% one."""
    clock = Clock("2026-05-01T12:00:00+00:00")
    store = Store(tmp_path / "m.db")
    notifier = Notifier([webhook.url], clock, retry_base=0, digest=DigestPolicy(mode="round"))
    record_change(store, notifier, "bailian", "qwen-long", "20", "0.5", clock())
    record_change(store, notifier, "openai", "gpt-x", "10", "9", clock())
    flush(notifier, store)
    [message] = webhook.received
    assert message["title"].startswith("monitor digest: 2 changes from 2 sources")
    body = message["message"]
    assert body.index("qwen-long") < body.index("gpt-x")
    assert "-97.5%" in body and "-10.0%" in body
    assert store.delivery_counts() == {"digested": 2, "sent": 1}


def test_quiet_hours_hold_then_one_digest_after(tmp_path: Path, webhook: WebhookReceiver) -> None:
    """Alerts during quiet hours wait; the first flush after them sends one digest of all of them."""
    clock = Clock("2026-05-01T23:00:00+00:00")
    store = Store(tmp_path / "m.db")
    quiet = DigestPolicy(quiet=parse_window("22:00-07:00"), timezone="UTC")
    notifier = Notifier([webhook.url], clock, retry_base=0, digest=quiet)
    record_change(store, notifier, "deepseek", "deepseek-chat", "2", "1", clock())
    flush(notifier, store)
    clock.advance(hours=3)
    record_change(store, notifier, "zhipu", "glm-4-flash", "0.1", "0.05", clock())
    flush(notifier, store)
    assert webhook.received == []
    clock.advance(hours=6)  # 08:00
    flush(notifier, store)
    [digest] = webhook.received
    assert "deepseek-chat" in digest["message"] and "glm-4-flash" in digest["message"]
    flush(notifier, store)
    assert len(webhook.received) == 1


def test_quiet_hours_hold_news_alerts_too(tmp_path: Path, webhook: WebhookReceiver) -> None:
    """A news item's alert found at night waits for the morning's digest like a price change."""
    clock = Clock("2026-05-01T23:00:00+00:00")
    store = Store(tmp_path / "m.db")
    notifier = Notifier(
        [webhook.url], clock, retry_base=0, digest=DigestPolicy(quiet=parse_window("22:00-07:00"))
    )
    item = NewsItem("https://news.test/1", "https://news.test/1", "Qwen-Long 降价")
    claims = [
        (c, "not yet on the pricing page") for c in extract_claims("Qwen-Long输入价格降至0.5元/百万tokens。")
    ]
    message = news_message("news", item.title, item.link, claims)
    store.record_news(
        "news", clock(), [item], [(item, c, v) for c, v in claims], message, notifier.targets_for("news")
    )
    flush(notifier, store)
    assert webhook.received == []
    clock.advance(hours=9)
    flush(notifier, store)
    [digest] = webhook.received
    assert "News: price claims for Qwen-Long" in digest["message"]


def test_hourly_digest_waits_for_the_hour_to_end(tmp_path: Path, webhook: WebhookReceiver) -> None:
    """Hourly: alerts of 12:10 and 12:40 go out together at the first flush after 13:00."""
    clock = Clock("2026-05-01T12:10:00+00:00")
    store = Store(tmp_path / "m.db")
    notifier = Notifier([webhook.url], clock, retry_base=0, digest=DigestPolicy(mode="hourly"))
    record_change(store, notifier, "a", "m-1", "1", "2", clock())
    flush(notifier, store)
    clock.advance(minutes=30)
    record_change(store, notifier, "b", "m-2", "1", "3", clock())
    flush(notifier, store)
    assert webhook.received == []
    clock.advance(minutes=25)
    flush(notifier, store)
    [digest] = webhook.received
    assert "m-1" in digest["message"] and "m-2" in digest["message"]
    assert digest["message"].index("m-2") < digest["message"].index("m-1")  # +200% before +100%


def test_without_digest_nothing_is_held(tmp_path: Path, webhook: WebhookReceiver) -> None:
    """The default: each alert goes out on its own at once."""
    clock = Clock(datetime(2026, 5, 1, 3, tzinfo=UTC).isoformat())
    store = Store(tmp_path / "m.db")
    notifier = Notifier([webhook.url], clock, retry_base=0)
    record_change(store, notifier, "a", "m-1", "1", "2", clock())
    record_change(store, notifier, "b", "m-2", "1", "3", clock())
    flush(notifier, store)
    assert len(webhook.received) == 2
