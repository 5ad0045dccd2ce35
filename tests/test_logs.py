"""Logs that say what happened: one line per check outcome, no scheduler chatter, a warning when alerts
go nowhere, and `monitor check` saying each failure once."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

from tests.conftest import fixture
from tests.servers import PageServer
from tests.test_daemon import wait_for

V30 = "ucloud_modelverse_price_md/ucloud_modelverse_price__v30__2025-10-16__bcd324bbf6.md"


def sources(pages: PageServer) -> str:
    pages.put("/good.md", fixture(V30).read_bytes())
    pages.put("/down.md", "down", status=503)
    return (
        f'[[source]]\nname = "good"\nkind = "markdown"\nurl = "{pages.url("/good.md")}"\ncurrency = "CNY"\n'
        f'[[source]]\nname = "down"\nkind = "markdown"\nurl = "{pages.url("/down.md")}"\n'
    )


def test_the_daemon_logs_one_line_per_check_and_no_scheduler_chatter(
    tmp_path: Path, pages: PageServer
) -> None:
    """A failing source: one WARNING line per check with the reason (not followed by APScheduler's
    'executed successfully'); no 'Adding job tentatively' at start; a configuration with no channel is
    warned about once at start-up."""
    config = tmp_path / "sources.toml"
    config.write_text('[monitor]\ninterval = "1s"\nretries = 0\n' + sources(pages), encoding="utf-8")
    log = tmp_path / "daemon.log"
    with log.open("w") as stderr_file:
        daemon = subprocess.Popen(
            [sys.executable, "-m", "monitor", "--config", str(config), "run"], stderr=stderr_file
        )
    try:
        assert wait_for(lambda: pages.hits("/down.md") >= 3, 60)
        daemon.send_signal(signal.SIGTERM)
        assert daemon.wait(timeout=20) == 0
    finally:
        if daemon.poll() is None:
            daemon.kill()
    lines = log.read_text().splitlines()
    assert not [line for line in lines if "apscheduler" in line], lines
    down = [line for line in lines if "down:" in line]
    assert len(down) == pages.hits("/down.md"), down  # one line per check
    assert all("WARNING monitor.daemon: down: failed: " in line and "HTTP 503" in line for line in down)
    good = [line for line in lines if "monitor.daemon: good:" in line]
    assert "INFO monitor.daemon: good: baseline, 2 cells unreadable" in good[0]
    assert len(good) == pages.hits("/good.md")
    assert sum("alerts go nowhere" in line for line in lines) == 1
    assert "WARNING" in next(line for line in lines if "alerts go nowhere" in line)


def test_a_daemon_with_a_channel_does_not_warn(tmp_path: Path, pages: PageServer) -> None:
    """With a notify URL configured the no-channel warning is not given."""
    config = tmp_path / "sources.toml"
    config.write_text(
        '[monitor]\ninterval = "1h"\nnotify = ["json://127.0.0.1:9/hook"]\n' + sources(pages),
        encoding="utf-8",
    )
    log = tmp_path / "daemon.log"
    with log.open("w") as stderr_file:
        daemon = subprocess.Popen(
            [sys.executable, "-m", "monitor", "--config", str(config), "run"], stderr=stderr_file
        )
    try:
        assert wait_for(lambda: "watching 2 sources" in log.read_text(), 60)
        daemon.send_signal(signal.SIGTERM)
        assert daemon.wait(timeout=20) == 0
    finally:
        if daemon.poll() is None:
            daemon.kill()
    assert "alerts go nowhere" not in log.read_text()


def test_check_says_each_failure_once(tmp_path: Path, pages: PageServer) -> None:
    """`monitor check`: the failed source's line on stdout is the only place its failure is said."""
    config = tmp_path / "sources.toml"
    config.write_text("[monitor]\nretries = 0\n" + sources(pages), encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "monitor", "--config", str(config), "check"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    said = (result.stdout + result.stderr).count("HTTP 503")
    assert said == 1, result.stdout + result.stderr
    assert f"down: failed: {pages.url('/down.md')}: HTTP 503" in result.stdout.splitlines()
