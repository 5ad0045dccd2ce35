"""The CLI contract: commands, exit codes and --json shapes that users' scripts rely on."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from monitor.cli import cli
from tests.conftest import fixture
from tests.servers import PageServer, WebhookReceiver

V29 = "ucloud_modelverse_price_md/ucloud_modelverse_price__v29__2025-10-15__96637e705a.md"
V30 = "ucloud_modelverse_price_md/ucloud_modelverse_price__v30__2025-10-16__bcd324bbf6.md"
DEEPSEEK_HTML = "pricing_pages_captured/deepseek_pricing_raw_docusaurus__2026-05-08__d1507e12fb.html"

LOG_KEYS = {
    "time", "source", "provider", "model", "kind", "tier", "change", "currency",
    "old_per_million", "new_per_million", "pct", "old_raw", "new_raw",
}  # fmt: skip
EXTRACT_KEYS = {
    "model",
    "kind",
    "amount",
    "currency",
    "per_tokens",
    "per_million",
    "tier",
    "condition",
    "free",
    "raw",
}


def config(tmp_path: Path, pages: PageServer, notify: list[str], extra: str = "") -> Path:
    path = tmp_path / "sources.toml"
    path.write_text(
        f"""
[monitor]
database = "monitor.db"
notify = {json.dumps(notify)}
retries = 0

[[source]]
name = "ucloud"
provider = "UCloud"
kind = "markdown"
url = "{pages.url("/price.md")}"
currency = "CNY"
{extra}
""",
        encoding="utf-8",
    )
    return path


def test_check_log_and_prices(tmp_path: Path, pages: PageServer, webhook: WebhookReceiver) -> None:
    """check -> change -> `log --json` and `prices --json` carry the documented fields and values."""
    path = config(tmp_path, pages, [webhook.url])
    runner = CliRunner()
    pages.put("/price.md", fixture(V29).read_bytes())
    first = runner.invoke(cli, ["--config", str(path), "check"])
    assert first.exit_code == 0, first.output
    assert "ucloud: baseline" in first.output

    pages.put("/price.md", fixture(V30).read_bytes())
    second = runner.invoke(cli, ["--config", str(path), "check", "--source", "ucloud"])
    assert second.exit_code == 0
    assert "ucloud: changed, 2 changes" in second.output
    assert "-90.6%" in second.output

    log = json.loads(runner.invoke(cli, ["--config", str(path), "log", "--json"]).output)
    assert len(log) == 2 and set(log[0]) >= LOG_KEYS
    first_change = {k: log[0][k] for k in ("source", "provider", "model", "kind", "change", "currency")}
    assert first_change == {
        "source": "ucloud",
        "provider": "UCloud",
        "model": "qwen2.5-vl-72b-instruct",
        "kind": "input",
        "change": "changed",
        "currency": "CNY",
    }
    assert (log[0]["old_per_million"], log[0]["new_per_million"], log[0]["pct"]) == (16, 4.5, -71.9)
    assert (log[0]["old_raw"], log[0]["new_raw"]) == ("16 元/百万 tokens", "4.5 元/百万 tokens")

    table = runner.invoke(cli, ["--config", str(path), "log", "--source", "ucloud", "--since", "7d"])
    assert "qwen2.5-vl-72b-instruct" in table.output and "-71.9%" in table.output
    future = runner.invoke(cli, ["--config", str(path), "log", "--json", "--since", "2999-01-01"])
    assert json.loads(future.output) == []

    prices = json.loads(runner.invoke(cli, ["--config", str(path), "prices", "--json"]).output)
    # 74 token prices and 6 per-second video prices (价格（元/秒）); Wan2.2-T2V is listed twice at two
    # prices at 720p and 480p: those two are reported, not kept
    assert len(prices) == 80
    vl = [p for p in prices if p["model"] == "qwen2.5-vl-72b-instruct"]
    assert sorted((p["kind"], p["per_million"], p["currency"]) for p in vl) == [
        ("input", 4.5, "CNY"),
        ("output", 4.5, "CNY"),
    ]


def test_check_exit_1_when_a_source_fails(tmp_path: Path, pages: PageServer) -> None:
    """One failing source makes `check` exit 1 and say which and why."""
    path = config(tmp_path, pages, [])
    pages.put("/price.md", "no", status=500)
    result = CliRunner().invoke(cli, ["--config", str(path), "check"])
    assert result.exit_code == 1
    assert "ucloud: failed:" in result.output and "HTTP 500" in result.output


def test_check_unknown_source_is_a_config_error(tmp_path: Path, pages: PageServer) -> None:
    """`--source` naming no source exits 2 and lists the known ones."""
    result = CliRunner().invoke(cli, ["--config", str(config(tmp_path, pages, [])), "check", "--source", "x"])
    assert result.exit_code == 2 and "no source named 'x' (known: ucloud)" in result.output


def test_extract_json_needs_no_config(tmp_path: Path, monkeypatch: object) -> None:
    """`extract FILE --kind html --json` prints every record with the documented fields."""
    result = CliRunner().invoke(
        cli,
        ["--config", "/nonexistent.toml", "extract", str(fixture(DEEPSEEK_HTML)), "--kind", "html", "--json"],
    )
    assert result.exit_code == 0, result.output
    records = json.loads(result.output)
    assert len(records) == 9 and set(records[0]) >= EXTRACT_KEYS
    assert records[0] == records[0] | {
        "model": "deepseek-v4-flash",
        "kind": "cached_input",
        "amount": 0.0028,
        "currency": "USD",
        "per_tokens": 1_000_000,
        "per_million": 0.0028,
        "free": False,
        "raw": "$0.0028",
    }


def test_extract_reports_unreadable_cells_and_empty_pages(tmp_path: Path) -> None:
    """Unreadable cells go to stderr by name; a page with no prices exits 1."""
    page = tmp_path / "p.md"
    page.write_text(
        "| Model | Input (USD / 1M tokens) |\n| --- | --- |\n| a | 1 |\n| b | 1 or 2 |\n", encoding="utf-8"
    )
    result = CliRunner().invoke(cli, ["extract", str(page), "--kind", "markdown"])
    assert result.exit_code == 0
    assert "unreadable: b / Input (USD / 1M tokens): more than one amount" in result.output
    empty = tmp_path / "e.html"
    empty.write_text("<html><body>Enable JavaScript and cookies to continue</body></html>", encoding="utf-8")
    nothing = CliRunner().invoke(cli, ["extract", str(empty), "--kind", "html"])
    assert nothing.exit_code == 1 and "a bot-check (challenge) page was served" in nothing.output
    blank = tmp_path / "b.html"
    blank.write_text("<html><body><p>Nothing here</p></body></html>", encoding="utf-8")
    none = CliRunner().invoke(cli, ["extract", str(blank), "--kind", "html"])
    assert none.exit_code == 1 and "b.html: no prices found on the page" in none.output


def test_python_dash_m(tmp_path: Path) -> None:
    """`python -m monitor` is the same command."""
    import subprocess
    import sys

    out = subprocess.run(
        [sys.executable, "-m", "monitor", "--help"], capture_output=True, text=True, check=True
    )
    assert "check" in out.stdout and "extract" in out.stdout


def test_notify_test_reports_each_channels_real_outcome(
    tmp_path: Path, smtp: object, webhook: WebhookReceiver
) -> None:
    """A webhook answering 404 is reported FAILED (exit 1); the SMTP server that took the mail, sent."""
    from tests.servers import SmtpSink

    assert isinstance(smtp, SmtpSink)
    path = tmp_path / "sources.toml"
    path.write_text(
        f"[monitor]\nnotify = [{json.dumps(smtp.url)}, {json.dumps(webhook.url)}]\n", encoding="utf-8"
    )
    webhook.fail_with = 404
    result = CliRunner().invoke(cli, ["--config", str(path), "notify-test"])
    assert result.exit_code == 1
    assert "notify[1] mailto://…: sent" in result.output
    assert "notify[2] json://…: FAILED" in result.output
    assert len(smtp.messages) == 1 and webhook.received == []
    webhook.fail_with = None
    assert CliRunner().invoke(cli, ["--config", str(path), "notify-test"]).exit_code == 0
    assert len(webhook.received) == 1


def test_status_shows_each_source_and_exits_1_when_something_needs_attention(
    tmp_path: Path, pages: PageServer
) -> None:
    """After a good check status exits 0; after health_after failures it exits 1 and says why."""
    path = config(tmp_path, pages, [], extra="")
    runner = CliRunner()
    pages.put("/price.md", fixture(V30).read_bytes())
    runner.invoke(cli, ["--config", str(path), "check"])
    good = runner.invoke(cli, ["--config", str(path), "status", "--json"])
    assert good.exit_code == 0, good.output
    [source] = json.loads(good.output)["sources"]
    listed = json.loads(runner.invoke(cli, ["--config", str(path), "prices", "--json"]).output)
    assert source["models"] == len({p["model"] for p in listed}) > 30
    assert (source["source"], source["failures"], source["last_status"]) == ("ucloud", 0, "baseline")
    assert source["next_run"] > source["last_check"]
    pages.put("/price.md", "gone", status=500)
    for _ in range(3):
        runner.invoke(cli, ["--config", str(path), "check"])
    bad = runner.invoke(cli, ["--config", str(path), "status"])
    assert bad.exit_code == 1
    assert "attention: ucloud: 3 failed checks in a row" in bad.output and "HTTP 500" in bad.output


def test_round_digest_over_two_real_sources(
    tmp_path: Path, pages: PageServer, webhook: WebhookReceiver
) -> None:
    """digest = "round": UCloud's cut and DeepSeek's new prices, checked together, arrive as one message."""
    deepseek = sorted(fixture("deepseek_docs_mirror").glob("deepseek_pricing_en__v0[45]__*"))
    path = config(
        tmp_path,
        pages,
        [webhook.url],
        extra=f'\n[[source]]\nname = "deepseek"\nkind = "markdown"\nurl = "{pages.url("/ds.md")}"\n',
    )
    path.write_text(
        path.read_text().replace("retries = 0", 'retries = 0\ndigest = "round"'), encoding="utf-8"
    )
    pages.put("/price.md", fixture(V29).read_bytes())
    pages.put("/ds.md", deepseek[0].read_bytes())
    assert CliRunner().invoke(cli, ["--config", str(path), "check"]).exit_code == 0
    pages.put("/price.md", fixture(V30).read_bytes())
    pages.put("/ds.md", deepseek[1].read_bytes())
    assert CliRunner().invoke(cli, ["--config", str(path), "check"]).exit_code == 0
    [digest] = webhook.received
    assert digest["title"].startswith("monitor digest: 8 changes from 2 sources")
    body = digest["message"]
    assert (
        "ucloud: qwen2.5-vl-72b-instruct · output" in body
        and "deepseek: deepseek-v4-flash · input: removed" in body
    )
    assert body.index("-90.6%") < body.index("-71.9%") < body.index("removed")


def imported_by(*argv: str) -> set[str]:
    """The heavy packages a `monitor` command imports (in a fresh interpreter)."""
    heavy = ["apprise", "httpx", "feedparser", "matplotlib", "sqlite_utils", "rich", "monitor.extract"]
    probe = (
        "import sys, runpy, atexit; "
        f"atexit.register(lambda: print(*[m for m in {heavy!r} if m in sys.modules], file=sys.stderr)); "
        f"sys.argv = ['monitor', *{list(argv)!r}]; runpy.run_module('monitor', run_name='__main__')"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    return set(result.stderr.split())


def test_quick_commands_import_only_what_they_use(tmp_path: Path) -> None:
    """`monitor --help` imports none of apprise, httpx, feedparser, matplotlib, the database or the
    extractors; `monitor log` none of apprise, httpx, feedparser, matplotlib or the extractors
    (bench/startup.py times them)."""
    assert imported_by("--help") == set()
    config = tmp_path / "sources.toml"
    config.write_text('[monitor]\ndatabase = "m.db"\n', encoding="utf-8")
    log = imported_by("--config", str(config), "log")
    assert log.isdisjoint({"apprise", "httpx", "feedparser", "matplotlib", "monitor.extract"})
    assert "sqlite_utils" in log  # the probe sees imports


def test_the_clis_lists_of_kinds_and_presets_are_the_extractors() -> None:
    """extract's --kind and --preset choices, named in the CLI so --help imports no reader, match."""
    from monitor.cli import JSON_PRESETS, KINDS
    from monitor.extract import EXTRACTORS, PRESETS

    assert sorted(EXTRACTORS) == KINDS and sorted(PRESETS) == JSON_PRESETS


def test_review_commands_read_only_monitor_and_fx(tmp_path: Path) -> None:
    """`monitor log` reads [monitor] and [fx]: a broken source does not stop it (check does), a mistake in
    [monitor] does, naming it."""
    config = tmp_path / "sources.toml"
    config.write_text(
        '[monitor]\ndatabase = "m.db"\n[[source]]\nname = "x"\nkind = "pdf"\nurl = "https://x.test"\n',
        encoding="utf-8",
    )
    log = CliRunner().invoke(cli, ["--config", str(config), "log"])
    assert log.exit_code == 0 and "no changes recorded" in log.output
    check = CliRunner().invoke(cli, ["--config", str(config), "check"])
    assert check.exit_code == 2 and "source[1] (x): kind" in check.output
    config.write_text('[monitor]\ndatabse = "m.db"\n', encoding="utf-8")
    typo = CliRunner().invoke(cli, ["--config", str(config), "log"])
    assert typo.exit_code == 2 and "unknown key 'databse'" in typo.output
