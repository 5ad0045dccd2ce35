"""The whole path with real parts: pages served on 127.0.0.1, SQLite on disk, SMTP and a webhook."""

from __future__ import annotations

import asyncio
import sqlite3
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest

from monitor.config import Settings, Source
from monitor.fetch import Fetcher
from monitor.notify import Notifier
from monitor.pipeline import CheckOutcome, Deps, check_sources, utc_now
from monitor.store import Store
from tests.conftest import fixture
from tests.servers import PageServer, SmtpSink, WebhookReceiver

UCLOUD = "ucloud_modelverse_price_md/ucloud_modelverse_price__{}.md"
V29 = UCLOUD.format("v29__2025-10-15__96637e705a")
V30 = UCLOUD.format("v30__2025-10-16__bcd324bbf6")


def page(name: str) -> bytes:
    return fixture(name).read_bytes()


class Monitor:
    """One monitor over one database file, checked the way `monitor check` does it."""

    def __init__(self, tmp_path: Path, pages: PageServer, notify: list[str]) -> None:
        self.settings = Settings(database=tmp_path / "state" / "monitor.db", notify=tuple(notify), retries=0)
        self.source = Source(
            name="ucloud",
            provider="UCloud",
            kind="markdown",
            url=pages.url("/price.md"),
            currency="CNY",
            interval=60,
        )

    retry_base = 0.0  # retries at the very next check, unless a test says otherwise
    routes: dict[str, list[str]] | None = None

    def clock(self) -> str:
        return utc_now()

    def check(self) -> CheckOutcome:
        async def go() -> CheckOutcome:
            store = Store(self.settings.database)
            fetcher = Fetcher(self.settings, backoff=0)
            notifier = Notifier(
                self.settings.notify, self.clock, retry_base=self.retry_base, routes=self.routes
            )
            deps = Deps(store, fetcher, notifier)
            try:
                [outcome] = await check_sources([self.source], deps)
                return outcome
            finally:
                await fetcher.aclose()
                store.close()

        return asyncio.run(go())

    def rows(self, sql: str) -> list[tuple]:
        with sqlite3.connect(self.settings.database) as db:
            return db.execute(sql).fetchall()


@pytest.fixture
def monitor(tmp_path: Path, pages: PageServer, smtp: SmtpSink, webhook: WebhookReceiver) -> Monitor:
    return Monitor(tmp_path, pages, [smtp.url, webhook.url])


def test_baseline_change_and_quiet_rechecks(
    monitor: Monitor, pages: PageServer, smtp: SmtpSink, webhook: WebhookReceiver
) -> None:
    """Baseline alerts nothing; a real price cut sends one email and one webhook with the numbers."""
    pages.put("/price.md", page(V29))
    first = monitor.check()
    assert (first.status, first.changes) == ("baseline", [])
    assert monitor.rows("select count(*) from latest_prices") == [(80,)]

    assert monitor.check().status == "unchanged"
    assert (smtp.messages, webhook.received) == ([], [])

    pages.put("/price.md", page(V30))
    changed = monitor.check()
    assert changed.status == "changed"
    assert [(c.model, c.kind, str(c.pct)) for c in changed.changes] == [
        ("qwen2.5-vl-72b-instruct", "input", "-71.9"),
        ("qwen2.5-vl-72b-instruct", "output", "-90.6"),
    ]
    assert len(smtp.messages) == 1 and len(webhook.received) == 1
    line = (
        "qwen2.5-vl-72b-instruct · input: 16 元/百万 tokens -> 4.5 元/百万 tokens "
        "(16 CNY / 1M tokens -> 4.5 CNY / 1M tokens, -71.9%)"
    )
    hook = webhook.received[0]
    assert line in hook["message"] and "-90.6%" in hook["message"] and monitor.source.url in hook["message"]
    assert hook["title"] == f"UCloud prices: 2 changed [monitor #{changed.alert_id}]"
    assert f"alert #{changed.alert_id}" in hook["message"]
    [html_part] = smtp.parts("text/html")
    row = (
        "<tr><td>qwen2.5-vl-72b-instruct</td><td>output</td><td>48 元/百万 tokens</td>"
        "<td>4.5 元/百万 tokens</td><td>-90.6%</td><td>4.5 CNY / 1M tokens</td></tr>"
    )
    assert row in html_part and monitor.source.url in html_part and f"alert #{changed.alert_id}" in html_part
    [text_part] = smtp.bodies()  # a real text table: each row on a line, under its headers
    assert "qwen2.5-vl-72b-instruct  output  48 元/百万 tokens  4.5 元/百万 tokens  -90.6%" in text_part
    assert monitor.source.url in text_part and f"alert #{changed.alert_id}" in text_part
    assert smtp.messages[0]["Subject"] == f"UCloud prices: 2 changed [monitor #{changed.alert_id}]"

    assert monitor.check().status == "unchanged"
    assert len(smtp.messages) == 1 and len(webhook.received) == 1
    assert monitor.rows("select change, model, old_per_million, new_per_million, pct from changes") == [
        ("changed", "qwen2.5-vl-72b-instruct", "16", "4.5", "-71.9"),
        ("changed", "qwen2.5-vl-72b-instruct", "48", "4.5", "-90.6"),
    ]


def test_failures_and_broken_layout_are_source_problems(
    monitor: Monitor, pages: PageServer, smtp: SmtpSink, webhook: WebhookReceiver
) -> None:
    """A 503, then a page without prices: recorded as problems, never 'removed'; recovery is quiet."""
    pages.put("/price.md", page(V30))
    assert monitor.check().status == "baseline"

    pages.put("/price.md", "Service Unavailable", status=503)
    failed = monitor.check()
    assert failed.status == "failed" and "HTTP 503" in (failed.error or "")

    pages.put("/price.md", fixture(UCLOUD.format("v01__2023-09-12__dee9525bec")).read_bytes())
    broken = monitor.check()
    assert broken.status == "broken" and "no prices found" in (broken.error or "")

    pages.put("/price.md", page(V30))
    assert monitor.check().status == "unchanged"

    assert monitor.rows("select count(*) from changes") == [(0,)]
    assert monitor.rows("select count(*) from latest_prices") == [(80,)]
    assert [s for (s,) in monitor.rows("select status from checks order by id")] == [
        "baseline",
        "failed",
        "broken",
        "unchanged",
    ]
    assert (smtp.messages, webhook.received) == ([], [])


def test_cosmetic_change_is_no_alert(monitor: Monitor, pages: PageServer, webhook: WebhookReceiver) -> None:
    """A page that changes only around its prices (a script, a date) alerts nothing, stores no snapshot."""
    body = page(V30).decode()
    pages.put("/price.md", body)
    monitor.check()
    pages.put("/price.md", body.replace("# **计费说明**", "# **计费说明** <!-- build 2026-11-23 -->"))
    assert monitor.check().status == "unchanged"
    assert webhook.received == []
    assert monitor.rows("select count(*) from snapshots") == [(1,)]


def test_failed_channel_is_retried_next_check_and_others_not_repeated(
    monitor: Monitor, pages: PageServer, smtp: SmtpSink, webhook: WebhookReceiver
) -> None:
    """The webhook fails at the change: email goes once, the webhook gets the alert at the next check."""
    pages.put("/price.md", page(V29))
    monitor.check()
    webhook.fail_with = 500
    pages.put("/price.md", page(V30))
    changed = monitor.check()
    assert len(smtp.messages) == 1 and webhook.received == []
    assert monitor.rows("select status, attempts from deliveries order by status") == [
        ("pending", 1),
        ("sent", 1),
    ]

    webhook.fail_with = None
    assert monitor.check().status == "unchanged"
    assert len(webhook.received) == 1 and f"alert #{changed.alert_id}" in webhook.received[0]["message"]
    assert len(smtp.messages) == 1
    assert monitor.rows("select status from deliveries") == [("sent",), ("sent",)]

    monitor.check()
    assert len(webhook.received) == 1 and len(smtp.messages) == 1


def test_conditional_get_304_is_unchanged(monitor: Monitor, pages: PageServer) -> None:
    """A page served with an ETag is asked for with If-None-Match; the 304 is 'unchanged'."""
    pages.put("/price.md", page(V30), ETag='"v30"')
    assert monitor.check().status == "baseline"
    assert monitor.check().status == "unchanged"
    assert pages.requests[-1][1].get("If-None-Match") == '"v30"'


def test_gbk_page_without_charset(tmp_path: Path, pages: PageServer, webhook: WebhookReceiver) -> None:
    """A Chinese page in GBK with no charset anywhere is read in its own encoding."""
    text = (
        "| 模型 | 输入价格（元/千tokens） | 输出价格（元/千tokens） |\n"
        "| --- | --- | --- |\n"
        "| 混元-lite | 0.008 | 免费 |\n"
    )
    pages.put("/price.md", text.encode("gbk"), Content_Type="text/plain")
    monitor = Monitor(tmp_path, pages, [webhook.url])
    assert monitor.check().status == "baseline"
    assert monitor.rows("select model, kind, per_million, free from latest_prices order by kind") == [
        ("混元-lite", "input", "8", 0),
        ("混元-lite", "output", "0", 1),
    ]


def test_oversized_page_keeps_what_is_stored(monitor: Monitor, pages: PageServer) -> None:
    """A page over the size cap is a failed check with a clear message; stored prices stay."""
    pages.put("/price.md", page(V30))
    monitor.check()
    pages.put("/price.md", b"x" * (monitor.settings.max_bytes + 1))
    failed = monitor.check()
    assert failed.status == "failed"
    assert "over the 10485760-byte cap" in (failed.error or "")
    assert monitor.rows("select count(*) from latest_prices") == [(80,)]


def test_unreachable_host(tmp_path: Path, pages: PageServer) -> None:
    """A host that refuses connections is a failed check naming the URL."""
    monitor = Monitor(tmp_path, pages, [])
    monitor.source = Source("gone", "Gone", "html", "http://127.0.0.1:9/pricing", "USD", 60)
    failed = monitor.check()
    assert failed.status == "failed"
    assert "http://127.0.0.1:9/pricing" in (failed.error or "")


def test_a_shrink_that_holds_is_taken_as_real(
    monitor: Monitor, pages: PageServer, webhook: WebhookReceiver
) -> None:
    """Losing most prices is 'broken' twice; the same smaller list a third time is real: removals alerted."""
    pages.put("/price.md", page(V30))
    monitor.check()
    pages.put("/price.md", fixture(UCLOUD.format("v12__2025-03-28__d0ee25e4b9")).read_bytes())
    assert [monitor.check().status for _ in range(2)] == ["broken", "broken"]
    assert webhook.received == []
    accepted = monitor.check()
    assert accepted.status == "changed"
    kinds = [c.change for c in accepted.changes]
    assert (kinds.count("removed"), kinds.count("added"), len(kinds)) == (80, 4, 84)
    assert monitor.rows("select count(*) from latest_prices") == [(4,)]
    assert len(webhook.received) == 1 and "removed" in webhook.received[0]["title"]


def test_source_health_alerts_once_and_once_on_recovery(
    monitor: Monitor, pages: PageServer, webhook: WebhookReceiver
) -> None:
    """Three failed checks in a row give one source-problem alert with the reason; recovery gives one more."""
    pages.put("/price.md", page(V30))
    monitor.check()
    pages.put("/price.md", "down", status=503)
    for _ in range(5):
        monitor.check()
    assert [m["title"].split(" [")[0] for m in webhook.received] == ["UCloud (ucloud): source problem"]
    assert "3 checks in a row failed" in webhook.received[0]["message"]
    assert "HTTP 503" in webhook.received[0]["message"]
    pages.put("/price.md", page(V30))
    monitor.check()
    monitor.check()
    assert [m["title"].split(" [")[0] for m in webhook.received] == [
        "UCloud (ucloud): source problem",
        "UCloud (ucloud): recovered",
    ]
    # apprise's type, which webhooks carry and chat services colour: a problem is a failure
    assert [m["type"] for m in webhook.received] == ["failure", "success"]


def test_challenge_page_is_named_as_such(monitor: Monitor, pages: PageServer) -> None:
    """A Cloudflare bot check served at the pricing URL is reported as a challenge page, not an empty page."""
    pages.put("/price.md", page(V30))
    monitor.check()
    pages.put(
        "/price.md",
        fixture("pricing_pages_captured/openai_pricing__v01__2026-05-08__d1507e12fb.html").read_bytes(),
    )
    broken = monitor.check()
    assert broken.status == "broken"
    assert broken.error == "a bot-check (challenge) page was served instead of the pricing page"


@pytest.mark.parametrize(
    ("options", "alerted"),
    [
        ({"alert_min_percent": Decimal(80)}, [("output", "-90.6")]),
        ({"alert_min_absolute": Decimal(20)}, [("output", "-90.6")]),
        ({"alert_kinds": ("input",)}, [("input", "-71.9")]),
        ({"alert_min_percent": Decimal(95)}, []),
    ],
)
def test_thresholds_and_kinds_choose_what_is_alerted(
    monitor: Monitor, pages: PageServer, webhook: WebhookReceiver, options: dict, alerted: list
) -> None:
    """Every change is recorded; only those past the source's thresholds and of its kinds are alerted."""
    monitor.source = replace(monitor.source, **options)
    pages.put("/price.md", page(V29))
    monitor.check()
    pages.put("/price.md", page(V30))
    changed = monitor.check()
    assert len(changed.changes) == 2
    assert monitor.rows("select count(*) from changes") == [(2,)]
    messages = [m["message"] for m in webhook.received]
    if not alerted:
        assert messages == []
        return
    [message] = messages
    for kind, pct in (("input", "-71.9"), ("output", "-90.6")):
        assert (f"· {kind}:" in message) == ((kind, pct) in alerted)


def test_a_source_routed_to_its_own_channel(
    tmp_path: Path, pages: PageServer, webhook: WebhookReceiver
) -> None:
    """A source with its own `notify` alerts there only; the default channel hears nothing of it."""
    own = WebhookReceiver()
    try:
        monitor = Monitor(tmp_path, pages, [webhook.url])
        monitor.source = replace(monitor.source, notify=(own.url,))
        monitor.routes = {monitor.source.name: [own.url]}
        pages.put("/price.md", page(V29))
        monitor.check()
        pages.put("/price.md", page(V30))
        monitor.check()
        assert len(own.received) == 1 and webhook.received == []
    finally:
        own.close()
