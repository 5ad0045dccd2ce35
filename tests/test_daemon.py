"""`monitor run` as a real process: it checks on schedule and stops cleanly on a signal."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import fixture
from tests.servers import PageServer, WebhookReceiver

V30 = "ucloud_modelverse_price_md/ucloud_modelverse_price__v30__2025-10-16__bcd324bbf6.md"


def wait_for(predicate: object, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():  # type: ignore[operator]
            return True
        time.sleep(0.1)
    return False


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_run_checks_on_schedule_and_stops_on_signal(tmp_path: Path, pages: PageServer, signum: int) -> None:
    """Two sources each checked repeatedly on a 1 s interval; the signal ends the process with 0."""
    pages.put("/a.md", fixture(V30).read_bytes())
    pages.put("/b.md", fixture(V30).read_bytes())
    config = tmp_path / "sources.toml"
    config.write_text(
        f"""
[monitor]
database = "state/monitor.db"
interval = "1s"

[[source]]
name = "a"
kind = "markdown"
url = "{pages.url("/a.md")}"
currency = "CNY"

[[source]]
name = "b"
kind = "markdown"
url = "{pages.url("/b.md")}"
currency = "CNY"
""",
        encoding="utf-8",
    )
    log = tmp_path / "daemon.log"
    with log.open("w") as stderr_file:
        daemon = subprocess.Popen(
            [sys.executable, "-m", "monitor", "--config", str(config), "run"], stderr=stderr_file
        )
    try:
        assert wait_for(lambda: pages.hits("/a.md") >= 2 and pages.hits("/b.md") >= 2, 60), (
            "no repeated checks"
        )
        daemon.send_signal(signum)
        assert daemon.wait(timeout=20) == 0
    finally:
        if daemon.poll() is None:
            daemon.kill()
    stderr = log.read_text()
    assert "watching 2 sources" in stderr and "stopping" in stderr
    with sqlite3.connect(tmp_path / "state" / "monitor.db") as db:
        statuses = dict(db.execute("select source, min(status) from checks group by source").fetchall())
    assert statuses == {"a": "baseline", "b": "baseline"}


def test_run_with_bad_config_exits_2(tmp_path: Path) -> None:
    """The daemon does not start half-configured."""
    config = tmp_path / "sources.toml"
    config.write_text('[[source]]\nname = "x"\nkind = "html"\nurl = "file:///etc/passwd"\n', encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "monitor", "--config", str(config), "run"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "source[1] (x): url: expected an http:// or https:// address" in result.stderr


def test_sighup_reloads_and_a_bad_file_keeps_the_running_config(tmp_path: Path, pages: PageServer) -> None:
    """SIGHUP with a new source starts checking it; SIGHUP with a broken file logs why and changes nothing."""
    pages.put("/a.md", fixture(V30).read_bytes())
    pages.put("/b.md", fixture(V30).read_bytes())
    config = tmp_path / "sources.toml"
    head = '[monitor]\ninterval = "1s"\n'
    source_a = (
        f'\n[[source]]\nname = "a"\nkind = "markdown"\nurl = "{pages.url("/a.md")}"\ncurrency = "CNY"\n'
    )
    source_b = (
        f'\n[[source]]\nname = "b"\nkind = "markdown"\nurl = "{pages.url("/b.md")}"\ncurrency = "CNY"\n'
    )
    config.write_text(head + source_a, encoding="utf-8")
    log = tmp_path / "daemon.log"
    with log.open("w") as stderr_file:
        daemon = subprocess.Popen(
            [sys.executable, "-m", "monitor", "--config", str(config), "run"], stderr=stderr_file
        )
    try:
        assert wait_for(lambda: pages.hits("/a.md") >= 2, 60)
        assert pages.hits("/b.md") == 0
        config.write_text(head + source_a + source_b, encoding="utf-8")
        daemon.send_signal(signal.SIGHUP)
        assert wait_for(lambda: pages.hits("/b.md") >= 2, 60), "the new source was never checked"
        config.write_text(
            head + source_a + source_b.replace('kind = "markdown"', 'kind = "pdf"'), encoding="utf-8"
        )
        daemon.send_signal(signal.SIGHUP)
        assert wait_for(lambda: "kept the running configuration" in log.read_text(), 30)
        seen = pages.hits("/b.md")
        assert wait_for(lambda: pages.hits("/b.md") > seen, 30), (
            "the running config stopped after a bad reload"
        )
        daemon.send_signal(signal.SIGTERM)
        assert daemon.wait(timeout=20) == 0
    finally:
        if daemon.poll() is None:
            daemon.kill()
    assert "source[2] (b): kind: expected one of html, markdown, json" in log.read_text()


def test_systemd_notify_ready_watchdog_and_stopping(tmp_path: Path, pages: PageServer) -> None:
    """Under a Type=notify unit the daemon says READY=1, pings WATCHDOG=1, and says STOPPING=1 on SIGTERM."""
    import os
    import socket

    pages.put("/a.md", fixture(V30).read_bytes())
    config = tmp_path / "sources.toml"
    config.write_text(
        f'[[source]]\nname = "a"\nkind = "markdown"\nurl = "{pages.url("/a.md")}"\ncurrency = "CNY"\n',
        encoding="utf-8",
    )
    address = str(tmp_path / "notify.sock")
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
        sock.bind(address)
        sock.settimeout(30)
        env = {**os.environ, "NOTIFY_SOCKET": address, "WATCHDOG_USEC": "1000000"}
        daemon = subprocess.Popen(
            [sys.executable, "-m", "monitor", "--config", str(config), "run"],
            env=env,
            stderr=subprocess.DEVNULL,
        )
        try:
            states = [sock.recv(256).decode() for _ in range(3)]
            assert states[0] == "READY=1" and states[1:] == ["WATCHDOG=1", "WATCHDOG=1"]
            daemon.send_signal(signal.SIGTERM)
            while (state := sock.recv(256).decode()) == "WATCHDOG=1":
                pass
            assert state == "STOPPING=1"
            assert daemon.wait(timeout=20) == 0
        finally:
            if daemon.poll() is None:
                daemon.kill()


def test_a_hanging_host_does_not_delay_other_sources(tmp_path: Path, pages: PageServer) -> None:
    """One source's host accepts and never answers; the other source is still checked every second."""
    from tests.servers import Response

    pages.pages["/slow.md"] = Response(200, b"x", hang=60)
    pages.put("/fast.md", fixture(V30).read_bytes())
    config = tmp_path / "sources.toml"
    config.write_text(
        '[monitor]\ninterval = "1s"\ntimeout = "30s"\nretries = 0\n'
        f'[[source]]\nname = "slow"\nkind = "markdown"\nurl = "{pages.url("/slow.md")}"\n'
        f'[[source]]\nname = "fast"\nkind = "markdown"\nurl = "{pages.url("/fast.md")}"\ncurrency = "CNY"\n',
        encoding="utf-8",
    )
    daemon = subprocess.Popen(
        [sys.executable, "-m", "monitor", "--config", str(config), "run"], stderr=subprocess.DEVNULL
    )
    try:
        assert wait_for(lambda: pages.hits("/slow.md") >= 1, 30)
        started = pages.hits("/fast.md")
        assert wait_for(lambda: pages.hits("/fast.md") >= started + 3, 20), (
            "the fast source waited on the slow one"
        )
        assert pages.hits("/slow.md") == 1  # never two checks of one source at once
    finally:
        daemon.send_signal(signal.SIGTERM)
        assert daemon.wait(timeout=30) == 0


def test_sigkill_during_a_check_leaves_a_whole_database(tmp_path: Path, pages: PageServer) -> None:
    """Killed while checking (a page arriving slowly), monitor restarts on an intact database and
    records the change once."""
    from tests.servers import Response

    v29 = sorted(fixture("ucloud_modelverse_price_md").glob("ucloud_modelverse_price__v29__*"))[0]
    config = tmp_path / "sources.toml"
    config.write_text(
        f'[monitor]\nretries = 0\n[[source]]\nname = "u"\nkind = "markdown"\nurl = "{pages.url("/p.md")}"\n'
        'currency = "CNY"\n',
        encoding="utf-8",
    )
    check = [sys.executable, "-m", "monitor", "--config", str(config), "check"]
    pages.put("/p.md", v29.read_bytes())
    subprocess.run(check, check=True, capture_output=True, timeout=60)
    pages.pages["/p.md"] = Response(200, fixture(V30).read_bytes(), trickle=0.01)
    process = subprocess.Popen(check, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    assert wait_for(lambda: pages.hits("/p.md") >= 2, 30)
    time.sleep(0.5)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)
    pages.put("/p.md", fixture(V30).read_bytes())
    subprocess.run(check, check=True, capture_output=True, timeout=60)
    subprocess.run(check, check=True, capture_output=True, timeout=60)
    with sqlite3.connect(tmp_path / "monitor.db") as db:
        assert db.execute("pragma integrity_check").fetchone()[0] == "ok"
        assert db.execute("select count(*) from changes").fetchone()[0] == 2


def test_run_rewrites_the_atom_feed_after_a_change(tmp_path: Path, pages: PageServer) -> None:
    """With `[monitor] feed` the daemon writes the feed at its baseline and rewrites it when a price
    changes (UCloud's v29 -> v30: two real cuts)."""
    import feedparser

    v29 = "ucloud_modelverse_price_md/ucloud_modelverse_price__v29__2025-10-15__96637e705a.md"
    pages.put("/a.md", fixture(v29).read_bytes())
    config = tmp_path / "sources.toml"
    config.write_text(
        f"""
[monitor]
database = "monitor.db"
interval = "1s"
feed = "public/changes.xml"

[[source]]
name = "ucloud"
provider = "UCloud"
kind = "markdown"
url = "{pages.url("/a.md")}"
currency = "CNY"
""",
        encoding="utf-8",
    )
    feed = tmp_path / "public" / "changes.xml"
    daemon = subprocess.Popen(
        [sys.executable, "-m", "monitor", "--config", str(config), "run"], stderr=subprocess.DEVNULL
    )
    try:
        assert wait_for(feed.exists, 60), "no feed after the baseline"
        assert feedparser.parse(feed.read_bytes()).entries == []  # a baseline is no change
        pages.put("/a.md", fixture(V30).read_bytes())

        def entries() -> list[object]:
            return list(feedparser.parse(feed.read_bytes()).entries)

        assert wait_for(lambda: len(entries()) >= 2, 60), "the feed was not rewritten after the change"
    finally:
        daemon.send_signal(signal.SIGTERM)
        daemon.wait(timeout=20)
    parsed = feedparser.parse(feed.read_bytes())
    assert not parsed.bozo
    titles = [e.title for e in parsed.entries]
    assert any("-71.9%" in t for t in titles) and any("-90.6%" in t for t in titles), titles


def test_sigterm_lets_a_delivery_in_flight_finish_and_it_is_not_sent_again(
    tmp_path: Path, pages: PageServer, webhook: WebhookReceiver
) -> None:
    """SIGTERM while an alert is being sent (the webhook takes 3 s to answer): the send finishes, the
    delivery is recorded as sent, the daemon exits 0, and a later check sends nothing again."""
    pages.put("/down.md", "down", status=500)
    webhook.delay = 3.0
    config = tmp_path / "sources.toml"
    config.write_text(
        f'[monitor]\nretries = 0\nhealth_after = 1\nnotify = ["{webhook.url}"]\n'
        f'[[source]]\nname = "down"\nkind = "markdown"\nurl = "{pages.url("/down.md")}"\n',
        encoding="utf-8",
    )
    daemon = subprocess.Popen(
        [sys.executable, "-m", "monitor", "--config", str(config), "run"], stderr=subprocess.DEVNULL
    )
    try:
        assert wait_for(lambda: len(webhook.received) == 1, 60), "no source-problem alert was sent"
        daemon.send_signal(signal.SIGTERM)
        assert daemon.wait(timeout=20) == 0
    finally:
        if daemon.poll() is None:
            daemon.kill()
    with sqlite3.connect(tmp_path / "monitor.db") as db:
        assert db.execute("select status, attempts from deliveries").fetchall() == [("sent", 1)]
    webhook.delay = 0.0
    subprocess.run(
        [sys.executable, "-m", "monitor", "--config", str(config), "check"], capture_output=True, timeout=60
    )
    assert len(webhook.received) == 1, [m["title"] for m in webhook.received]
