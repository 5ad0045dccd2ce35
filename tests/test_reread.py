"""A changed source setting re-reads the page at the next check, even where the page answers 304 with
the same bytes: the difference is logged as a correction ('reread'), never alerted as price changes."""

from __future__ import annotations

import dataclasses
import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from monitor import config, pipeline
from monitor.cli import cli
from tests.conftest import fixture
from tests.servers import PageServer, WebhookReceiver

PRICES_CN = "llm_prices_cn/llm_prices_cn__v01__2026-07-07__bf705f26dd.json"
MAPPING = (
    'json = { records = "models", model = "id", per = "1M", '
    'prices = { input = "input_price_cny_per_m", output = "output_price_cny_per_m" } }'
)


def write_config(path: Path, pages: PageServer, webhook: WebhookReceiver, currency: str) -> None:
    path.write_text(
        f"""
[monitor]
database = "monitor.db"
notify = ["{webhook.url}"]
retries = 0

[[source]]
name = "prices-cn"
kind = "json"
url = "{pages.url("/prices.json")}"
currency = "{currency}"
{MAPPING}
""",
        encoding="utf-8",
    )


def rows(database: Path) -> tuple[int, ...]:
    """How many checks, changes, prices and alerts the database holds, and the source's state."""
    with sqlite3.connect(database) as db:
        counts = tuple(
            db.execute(f"select count(*) from {t}").fetchone()[0]
            for t in ("checks", "changes", "prices", "alerts")
        )
        return (*counts, hash(db.execute("select * from sources").fetchall().__repr__()))


def check(path: Path) -> str:
    result = CliRunner().invoke(cli, ["--config", str(path), "check"])
    assert result.exit_code == 0, result.output
    return result.output


def test_a_fixed_currency_rereads_an_unchanged_page_as_a_correction(
    tmp_path: Path, pages: PageServer, webhook: WebhookReceiver
) -> None:
    """The issue's case: a mapping read CNY figures as USD; the user fixes `currency`. The page answers
    304 with the same bytes, and the prices are still read again, in CNY, without an alert."""
    path = tmp_path / "sources.toml"
    pages.put("/prices.json", fixture(PRICES_CN).read_bytes(), ETag='"v1"')
    write_config(path, pages, webhook, "USD")
    assert "prices-cn: baseline" in check(path)
    assert "prices-cn: unchanged" in check(path), "same settings, 304: nothing to read"
    sent = len(webhook.received)

    write_config(path, pages, webhook, "CNY")
    before = rows(tmp_path / "monitor.db")
    dry = CliRunner().invoke(cli, ["--config", str(path), "check", "--source", "prices-cn", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "prices-cn: would be changed" in dry.output and "read anew" in dry.output
    assert rows(tmp_path / "monitor.db") == before and len(webhook.received) == sent, "wrote nothing"
    assert "prices-cn: reread" in check(path)
    assert pages.requests[-1][1].get("If-None-Match") is None, "no conditional GET after a settings change"
    log = json.loads(CliRunner().invoke(cli, ["--config", str(path), "log", "--json"]).output)
    assert log and {row["change"] for row in log} == {"reread"}
    assert {row["currency"] for row in log} == {"CNY", "USD"}  # USD prices left, CNY came: one correction
    prices = json.loads(CliRunner().invoke(cli, ["--config", str(path), "prices", "--json"]).output)
    assert prices and {p["currency"] for p in prices} == {"CNY"}
    assert len(webhook.received) == sent, "a correction is not a price alert"

    assert "prices-cn: unchanged" in check(path), "read once with the new settings, then 304 again"


def test_a_price_the_page_changed_beside_a_settings_fix_is_still_alerted(
    tmp_path: Path, pages: PageServer, webhook: WebhookReceiver
) -> None:
    """The settings change explains what it explains (the last page read again: USD -> CNY); a price the
    page itself moved since is a price change, alerted as ever."""
    path = tmp_path / "sources.toml"
    body = fixture(PRICES_CN).read_text(encoding="utf-8")
    pages.put("/prices.json", body.encode())
    write_config(path, pages, webhook, "USD")
    check(path)
    sent = len(webhook.received)
    first = json.loads(body)["models"][0]
    old_input = first["input_price_cny_per_m"]
    moved = body.replace(
        f'"input_price_cny_per_m": {old_input},', f'"input_price_cny_per_m": {old_input * 2},', 1
    )
    assert moved != body
    pages.put("/prices.json", moved.encode())
    write_config(path, pages, webhook, "CNY")
    check(path)
    log = json.loads(CliRunner().invoke(cli, ["--config", str(path), "log", "--json"]).output)
    real = [row for row in log if row["change"] == "changed"]
    assert [(row["model"], row["kind"], row["currency"]) for row in real] == [(first["id"], "input", "CNY")]
    assert {row["change"] for row in log} == {"reread", "changed"}
    assert len(webhook.received) == sent + 1  # one alert: the moved price


def test_a_dry_run_leaves_an_older_database_as_it_is(
    tmp_path: Path, pages: PageServer, webhook: WebhookReceiver
) -> None:
    """Read-only: a database from before the settings fingerprint is not migrated by a dry run: it says so."""
    path = tmp_path / "sources.toml"
    pages.put("/prices.json", fixture(PRICES_CN).read_bytes())
    write_config(path, pages, webhook, "CNY")
    check(path)
    database = tmp_path / "monitor.db"
    with sqlite3.connect(database) as db:
        db.execute("alter table sources drop column settings_sha256")
    before = database.read_bytes()
    dry = CliRunner().invoke(cli, ["--config", str(path), "check", "--dry-run"])
    assert dry.exit_code == 1 and "older monitor" in dry.output
    assert database.read_bytes() == before


def test_an_upgrade_that_reads_a_page_differently_is_a_correction_not_a_price_change(
    tmp_path: Path, pages: PageServer, webhook: WebhookReceiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Monitor's own reading rules are part of what a page is read with: after an upgrade whose rules
    read a model the old ones missed, the unchanged page (304) is read again at the next check, and the
    model's prices are logged as a correction ('reread'), not alerted as a model added."""
    path = tmp_path / "sources.toml"
    pages.put("/prices.json", fixture(PRICES_CN).read_bytes(), ETag='"v1"')
    write_config(path, pages, webhook, "CNY")
    real_read = pipeline.read_page
    missed: list[str] = []

    def old_rules(*args: Any, **kwargs: Any) -> Any:  # the rules before the upgrade missed one model
        content, result = real_read(*args, **kwargs)
        if result is not None:
            missed.append(result.prices[0].model)
            kept = [p for p in result.prices if p.model != missed[0]]
            result = dataclasses.replace(result, prices=kept)
        return content, result

    monkeypatch.setattr(pipeline, "read_page", old_rules)
    monkeypatch.setattr(config, "reading_rules_digest", lambda: "the rules before the upgrade")
    assert "prices-cn: baseline" in check(path)
    assert "prices-cn: unchanged" in check(path)
    sent = len(webhook.received)

    monkeypatch.undo()  # the upgrade
    assert "prices-cn: reread" in check(path)
    log = json.loads(CliRunner().invoke(cli, ["--config", str(path), "log", "--json"]).output)
    assert log and {(row["change"], row["model"]) for row in log} == {("reread", missed[0])}
    assert len(webhook.received) == sent, "a correction is never alerted"
    assert "prices-cn: unchanged" in check(path), "the rules' digest is kept: read again once"
