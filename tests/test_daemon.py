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
from tests.servers import PageServer

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
