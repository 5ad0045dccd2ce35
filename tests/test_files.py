"""Files the service writes: the database, its WAL and the feed readable by owner and group only; a
relative feed beside the database (the state directory); a feed that cannot be written in `status`."""

from __future__ import annotations

import json
import stat
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from monitor.cli import cli
from monitor.config import load_config
from tests.conftest import fixture
from tests.servers import PageServer

V30 = "ucloud_modelverse_price_md/ucloud_modelverse_price__v30__2025-10-16__bcd324bbf6.md"


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_database_its_wal_and_the_feed_are_not_world_readable(tmp_path: Path, pages: PageServer) -> None:
    """A check (database, -wal, -shm, created under umask 022) and `monitor feed`: none readable by others."""
    pages.put("/p.md", fixture(V30).read_bytes())
    config = tmp_path / "sources.toml"
    config.write_text(
        '[monitor]\ndatabase = "state/monitor.db"\n'
        f'[[source]]\nname = "u"\nkind = "markdown"\nurl = "{pages.url("/p.md")}"\ncurrency = "CNY"\n',
        encoding="utf-8",
    )
    # a process of its own, so its umask is the usual 022 and the WAL is still there when looked at
    script = (
        "import os, sys; os.umask(0o022); from monitor.cli import main; "
        f"sys.argv = ['monitor', '--config', {str(config)!r}, 'check']; main()"
    )
    subprocess.run([sys.executable, "-c", script], check=True, capture_output=True, timeout=60)
    state = tmp_path / "state"
    database = state / "monitor.db"
    assert mode(database) == 0o640
    assert mode(state) == 0o750
    from monitor.store import Store

    store = Store(database)  # open, so the WAL and shared memory exist
    store.source_summary("u")
    for name in ("monitor.db-wal", "monitor.db-shm"):
        assert mode(state / name) == 0o640, name
    store.close()
    feed = tmp_path / "out" / "changes.xml"
    result = CliRunner().invoke(cli, ["--config", str(config), "feed", "--out", str(feed)])
    assert result.exit_code == 0, result.output
    assert mode(feed) == 0o640


def test_a_relative_feed_is_beside_the_database_not_the_configuration(tmp_path: Path) -> None:
    """/etc/monitor/sources.toml with database = "/var/lib/monitor/monitor.db" and feed = "changes.xml":
    the feed is /var/lib/monitor/changes.xml (the configuration directory is read-only to the service)."""
    etc, state = tmp_path / "etc", tmp_path / "state"
    etc.mkdir()
    config = etc / "sources.toml"
    config.write_text(
        f'[monitor]\ndatabase = "{state / "monitor.db"}"\nfeed = "public/changes.xml"\n', encoding="utf-8"
    )
    assert load_config(config).settings.feed == state / "public" / "changes.xml"
    absolute = tmp_path / "www" / "feed.xml"
    config.write_text(
        f'[monitor]\ndatabase = "{state / "monitor.db"}"\nfeed = "{absolute}"\n', encoding="utf-8"
    )
    assert load_config(config).settings.feed == absolute


def test_status_reports_a_feed_that_cannot_be_written(tmp_path: Path) -> None:
    """A file where the feed's folder should be: `monitor status` names the feed and exits 1; once the
    folder can be made, it says nothing of it."""
    blocker = tmp_path / "public"
    blocker.write_text("not a folder", encoding="utf-8")
    config = tmp_path / "sources.toml"
    config.write_text('[monitor]\nfeed = "public/changes.xml"\n', encoding="utf-8")
    result = CliRunner().invoke(cli, ["--config", str(config), "status", "--json"])
    assert result.exit_code == 1
    [said] = json.loads(result.output)["attention"]
    assert said == f"feed {blocker / 'changes.xml'}: cannot be written: {blocker} is not a folder"
    blocker.unlink()
    fine = CliRunner().invoke(cli, ["--config", str(config), "status"])
    assert fine.exit_code == 0 and "feed" not in fine.output
