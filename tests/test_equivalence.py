"""One long history through the whole pipeline, compared with what the monitor recorded before the check
path was rebuilt (issue 18): the change log, alerts, deliveries, every table and the `--json` output.

The history is UCloud's 41 real versions, with what a daemon meets between them: a failing server (a
source-problem alert, then 'recovered'), an empty page (broken), a page cut short three checks in a row
(a smaller list believed on the third look), a price notice in the page's prose, a changed setting (a
re-read), and a second source with `hold = 2` (pending changes, a flap, a confirmed change). The golden
was written by the code before the refactor; regenerate with `python -m tests.test_equivalence` only for
a change meant to be seen by users, and review the diff.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import sqlite3
import sys
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

from click.testing import CliRunner

from monitor.cli import cli
from monitor.config import Settings, Source
from monitor.extract import Hints
from monitor.fetch import Fetcher
from monitor.messages import change_line
from monitor.notify import Notifier
from monitor.pipeline import CheckOutcome, Deps, check_source
from monitor.store import Store
from tests.conftest import GOLDENS, series
from tests.servers import PageServer
from tests.test_extract import captured_on

GOLDEN = GOLDENS / "equivalence_ucloud.txt"
TARGETS = ("json://127.0.0.1:9/hook", "mailto://user:secret@127.0.0.1:9?to=ops@example.com")
NOTICE = "\n\nWe will raise the prices of all models starting next month.\n"
# tables whose rows are many: compared by count and digest, not row by row
DIGESTED = {
    "prices": "select * from prices order by rowid",
    "snapshots": "select sha256, bytes from snapshots",
}


def steps() -> Iterator[tuple[str, str, bytes, int]]:
    """(source, day, body, HTTP status) of every check, in order."""
    versions = series("ucloud_modelverse_price_md", "ucloud_modelverse_price")
    for n, path in enumerate(versions):
        day, body = captured_on(path.name), path.read_bytes()
        if n == 10:
            for _ in range(3):  # the server fails: a source-problem alert on the third failure
                yield "ucloud", day, b"down", 500
        if n == 11:
            yield "ucloud", day, b"# Pricing\n\nNothing here.\n", 200  # no prices: broken
            short = b"\n".join(body.splitlines()[: len(body.splitlines()) // 6])
            for _ in range(3):  # a smaller list, believed on the third look
                yield "ucloud", day, short, 200
        if n == 12:
            body += NOTICE.encode()
        if n == 29:  # R1's input price cut, back, cut for two checks (confirmed), and back for two
            cut = body.replace(b"\xe8\xbe\x93\xe5\x85\xa5 4 ", b"\xe8\xbe\x93\xe5\x85\xa5 3 ", 1)
            assert cut != body
            for page in (body, cut, body, cut, cut, body, body):
                yield "held", day, page, 200
        yield "ucloud", day, body, 200


RELABELLED = Hints(labels=(("输入", "output"), ("输出", "input")))  # a setting changed half way


def record(tmp_path: Path) -> str:
    """Every check's outcome, every table and the review commands' JSON, as one text."""
    server = PageServer()
    database = tmp_path / "m.db"
    settings = Settings(database=database, retries=0, notify=TARGETS)
    ucloud = Source("ucloud", "UCloud", "markdown", server.url("/u.md"), "CNY", 60)
    held = Source("held", "UCloud", "markdown", server.url("/h.md"), "CNY", 60, hold=2)
    lines: list[str] = []
    now = {"time": ""}

    def clock() -> str:
        return now["time"]

    async def go() -> None:
        deps = Deps(Store(database), Fetcher(settings), Notifier(TARGETS, clock, retry_base=0), clock)
        try:
            for n, (name, day, body, status) in enumerate(steps()):
                source = ucloud if name == "ucloud" else held
                if name == "ucloud" and n >= 47:  # a changed setting: the page is read again
                    source = replace(ucloud, hints=RELABELLED)
                server.put("/u.md" if name == "ucloud" else "/h.md", body, status=status)
                now["time"] = f"{day}T{n // 60:02d}:{n % 60:02d}:00+00:00"
                lines.append(describe(n, await check_source(source, deps)))
        finally:
            await deps.fetcher.aclose()
            deps.store.close()

    try:
        asyncio.run(go())
    finally:
        server.close()
    lines += tables(database)
    lines += commands(tmp_path, database, ucloud, held)
    # the server's port differs from run to run; the settings fingerprints hold the reading rules' digest,
    # which every change of the readers' code changes
    text = "\n".join(lines).replace(server.url(""), "http://SERVER") + "\n"
    relabelled = replace(ucloud, hints=RELABELLED)
    for source in (ucloud, held, relabelled):
        text = text.replace(source.settings_fingerprint(), f"SETTINGS-OF-{source.name.upper()}")
    return text


def describe(n: int, outcome: CheckOutcome) -> str:
    head = f"{n} {outcome.source} {outcome.status} alert={outcome.alert_id} error={outcome.error}"
    rest = [f"  problem {p}" for p in outcome.problems]
    rest += [f"  notice {text}" for text in outcome.notices]
    rest += [f"  {change_line(c)}" for c in outcome.changes]
    return "\n".join([head, *rest])


def tables(database: Path) -> list[str]:
    lines = []
    with sqlite3.connect(database) as db:
        names = [
            n
            for (n,) in db.execute("select name from sqlite_master where type = 'table' order by name")
            if not n.startswith(("sqlite_", "_sqlite"))
        ]
        for name in names:
            if name == "_monitor_migrations" or name.startswith("_"):
                continue
            if name in DIGESTED:
                rows = db.execute(DIGESTED[name]).fetchall()
                digest = hashlib.sha256(json.dumps(rows, default=str).encode()).hexdigest()
                lines.append(f"table {name}: {len(rows)} rows, sha256 {digest}")
                continue
            lines.append(f"table {name}")
            for row in db.execute(f"select * from {name} order by rowid"):
                lines.append("  " + json.dumps(row, ensure_ascii=False, default=str))
    return lines


def commands(tmp_path: Path, database: Path, *sources: Source) -> list[str]:
    config = tmp_path / "sources.toml"
    text = f'[monitor]\ndatabase = "{database}"\nnotify = {json.dumps(list(TARGETS))}\n'
    for s in sources:
        text += (
            f'[[source]]\nname = "{s.name}"\nprovider = "{s.provider}"\nkind = "markdown"\n'
            f'url = "{s.url}"\ncurrency = "CNY"\nhold = {s.hold}\n'
        )
    config.write_text(text, encoding="utf-8")
    lines = []
    for args in (
        ["log", "--json"],
        ["log", "--json", "--notices-only"],
        ["log", "--csv"],
        ["prices", "--json"],
        ["prices", "--json", "--by-model"],
        ["status", "--json"],
        ["history", "deepseek-r1", "--json"],
        ["export", "--format", "json", "--what", "changes"],
        ["export", "--format", "csv", "--what", "prices"],
    ):
        result = CliRunner().invoke(cli, ["--config", str(config), *args])
        output = result.output.replace(str(tmp_path), "TMP").replace(sources[0].url[:-5], "http://SERVER")
        lines.append(f"$ monitor {' '.join(args)} (exit {result.exit_code})")
        if args[0] in ("prices", "export"):  # the latest prices and changes, as the tables above hold them
            digest = hashlib.sha256(output.encode()).hexdigest()
            output = f"{output.count(chr(10))} lines, sha256 {digest}"
        lines.append(output)
    return lines


def test_a_long_history_records_what_it_recorded_before_the_refactor(tmp_path: Path) -> None:
    """The same checks record the same outcomes, rows, alerts and command output as the golden."""
    got = record(tmp_path)
    expected = GOLDEN.read_text(encoding="utf-8")
    assert got.count("\n") > 200  # the history ran (a golden of an empty run would pass on nothing)
    assert got == expected


if __name__ == "__main__":
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        GOLDEN.write_text(record(Path(tmp)), encoding="utf-8")
    print(f"wrote {GOLDEN}", file=sys.stderr)
