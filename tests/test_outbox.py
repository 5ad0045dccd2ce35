"""The outbox: retries with backoff, an age limit that is reported, and a stable id across a crash."""

from __future__ import annotations

import asyncio
import logging
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from monitor.messages import plain_message
from monitor.notify import Notifier
from monitor.store import Store, target_id
from tests.conftest import fixture
from tests.servers import PageServer, WebhookReceiver

T0 = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> str:
        return self.now.isoformat(timespec="seconds")

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


def flush(notifier: Notifier, store: Store) -> tuple[int, int]:
    return asyncio.run(notifier.flush(store))


def test_failed_delivery_waits_with_backoff(tmp_path: Path, webhook: WebhookReceiver) -> None:
    """After a failure the channel is tried again only once its wait is over, and the wait doubles."""
    clock = Clock()
    store = Store(tmp_path / "m.db")
    notifier = Notifier([webhook.url], clock, retry_base=60)
    alert = store.add_alert("s", clock(), plain_message("t", "body"), notifier.targets, "health")
    webhook.fail_with = 500
    assert flush(notifier, store) == (0, 1)
    clock.advance(30)
    assert flush(notifier, store) == (0, 0)  # not due yet
    clock.advance(31)
    assert flush(notifier, store) == (0, 1)  # second failure: now 120 s
    clock.advance(100)
    assert flush(notifier, store) == (0, 0)
    webhook.fail_with = None
    clock.advance(21)
    assert flush(notifier, store) == (1, 0)
    assert [m["title"] for m in webhook.received] == [f"t [monitor #{alert}]"]
    assert store.delivery_counts() == {"sent": 1}


def test_undelivered_alert_is_given_up_after_the_age_limit_and_reported(
    tmp_path: Path, webhook: WebhookReceiver, caplog: pytest.LogCaptureFixture
) -> None:
    """An alert that cannot be delivered for `max_age` is marked gave_up and logged, then left alone."""
    clock = Clock()
    store = Store(tmp_path / "m.db")
    notifier = Notifier([webhook.url], clock, retry_base=0, max_age=3600)
    alert = store.add_alert("s", clock(), plain_message("t", "body"), notifier.targets, "health")
    webhook.fail_with = 503
    flush(notifier, store)
    clock.advance(3601)
    with caplog.at_level(logging.ERROR, logger="monitor.notify"):
        assert flush(notifier, store) == (0, 0)
    assert f"alert #{alert}: gave up on json://… after 1 attempts" in caplog.text
    assert store.delivery_counts() == {"gave_up": 1}
    webhook.fail_with = None
    assert flush(notifier, store) == (0, 0) and webhook.received == []


def test_delivery_cut_off_mid_send_goes_again_saying_so(tmp_path: Path, webhook: WebhookReceiver) -> None:
    """A delivery left 'sending' by a stopped process is sent again, with the same id and a word why."""
    clock = Clock()
    store = Store(tmp_path / "m.db")
    notifier = Notifier([webhook.url], clock, retry_base=0)
    alert = store.add_alert("s", clock(), plain_message("t", "body"), notifier.targets, "health")
    store.mark_sending(alert, target_id(webhook.url), clock())
    assert flush(notifier, store) == (1, 0)
    [message] = webhook.received
    assert message["title"] == f"t [monitor #{alert}]"
    assert f"if you already have alert #{alert}, this is the same alert" in message["message"]


def test_kill_9_while_sending_then_restart(
    tmp_path: Path, pages: PageServer, webhook: WebhookReceiver
) -> None:
    """monitor killed with SIGKILL while the webhook holds its alert: the restart sends it once more,
    marked as a possible repeat with the same id, and nothing is lost or sent a third time."""
    versions = sorted(fixture("ucloud_modelverse_price_md").glob("ucloud_modelverse_price__v29__*"))
    versions += sorted(fixture("ucloud_modelverse_price_md").glob("ucloud_modelverse_price__v30__*"))
    config = tmp_path / "sources.toml"
    config.write_text(
        f'[monitor]\nnotify = ["{webhook.url}"]\nalert_retry = "1s"\n\n'
        f'[[source]]\nname = "u"\nkind = "markdown"\nurl = "{pages.url("/p.md")}"\ncurrency = "CNY"\n',
        encoding="utf-8",
    )
    check = [sys.executable, "-m", "monitor", "--config", str(config), "check"]
    pages.put("/p.md", versions[0].read_bytes())
    subprocess.run(check, check=True, capture_output=True, timeout=60)
    pages.put("/p.md", versions[1].read_bytes())
    webhook.hang_once = True
    process = subprocess.Popen(check, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while not webhook.received and time.monotonic() < deadline:
        time.sleep(0.05)
    assert webhook.received, "the alert never reached the webhook"
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)
    first = webhook.received[0]
    assert "qwen2.5-vl-72b-instruct" in first["message"]

    time.sleep(1.1)  # the retry wait after an unknown outcome
    rerun = subprocess.run(check, capture_output=True, text=True, timeout=60)
    assert rerun.returncode == 0, rerun.stderr
    assert len(webhook.received) == 2
    second = webhook.received[1]
    assert second["title"] == first["title"]
    assert "this is the same alert" in second["message"]
    subprocess.run(check, check=True, capture_output=True, timeout=60)
    assert len(webhook.received) == 2


def test_a_stopping_notifier_starts_no_new_delivery(tmp_path: Path, webhook: WebhookReceiver) -> None:
    """Once the process stops, due deliveries are left pending (not cut mid-send) for the next start."""
    clock = Clock()
    store = Store(tmp_path / "m.db")
    notifier = Notifier([webhook.url], clock)
    store.add_alert("s", clock(), plain_message("t", "body"), notifier.targets, "health")
    notifier.stop_sending()
    assert flush(notifier, store) == (0, 0)
    assert webhook.received == [] and store.delivery_counts() == {"pending": 1}
    assert flush(Notifier([webhook.url], clock), store) == (1, 0)
