"""sources.toml: every mistake names its place; nothing starts half-configured."""

from __future__ import annotations

import re
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from monitor.cli import cli
from monitor.config import load_config
from monitor.errors import ConfigError

GOOD = """
[monitor]
database = "data/monitor.db"
notify = ["json://127.0.0.1:9/hook"]
interval = "1h"

[[source]]
name = "bailian"
provider = "Alibaba Cloud"
kind = "html"
url = "https://example.com/pricing"
currency = "CNY"
interval = "30m"

[[source]]
name = "anthropic"
kind = "markdown"
url = "https://example.com/pricing.md"
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "sources.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_good_file(tmp_path: Path) -> None:
    """Values are read, defaults filled, the database path resolved beside the file, env URLs added."""
    config = load_config(write(tmp_path, GOOD), {"MONITOR_NOTIFY": "mailto://a@b.c json://127.0.0.1:8/x"})
    assert config.settings.database == tmp_path / "data" / "monitor.db"
    assert config.settings.notify == ("json://127.0.0.1:9/hook", "mailto://a@b.c", "json://127.0.0.1:8/x")
    bailian, anthropic = config.sources
    assert (bailian.interval, bailian.currency, bailian.provider) == (1800, "CNY", "Alibaba Cloud")
    assert (anthropic.interval, anthropic.currency, anthropic.provider) == (3600, "USD", "anthropic")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (('url = "https://example.com/pricing"', 'url = "ftp://example.com/x"'), "source[1] (bailian): url:"),
        (('kind = "html"', 'kind = "pdf"'), "source[1] (bailian): kind: expected one of html, markdown"),
        (('interval = "30m"', 'interval = "soon"'), "source[1] (bailian): interval: expected a duration"),
        (('interval = "30m"', "interval = 0"), "source[1] (bailian): interval: must be greater than zero"),
        (('currency = "CNY"', 'currency = "yuan"'), "source[1] (bailian): currency:"),
        (('currency = "CNY"', 'curency = "CNY"'), "source[1] (bailian): unknown key 'curency'"),
        (('name = "anthropic"', 'name = "bailian"'), "source[2] (bailian): name: used twice"),
        (('name = "anthropic"', 'name = "a b"'), "source[2]: name: expected a short id"),
        (('interval = "1h"', 'interval = "1 hour"'), "monitor: interval: expected a duration"),
        (('notify = ["json://127.0.0.1:9/hook"]', 'notify = "json://x"'), "monitor: notify: expected a list"),
        (("[monitor]", "[monitr]"), "unknown key 'monitr'"),
        (('provider = "Alibaba Cloud"', "provider = [1"), "not valid TOML"),
        (
            ('kind = "html"', 'kind = "html"\nlinks = "a"'),
            'source[1] (bailian): links: expected a CSS selector, and only for kind = "feed"',
        ),
        (
            ('kind = "html"', 'kind = "html"\nallow_private = "yes"'),
            "source[1] (bailian): allow_private: expected true or false",
        ),
        (('kind = "html"', 'kind = "html"\nfetch = "chrome"'), "source[1] (bailian): fetch: expected one of"),
        (
            ('kind = "markdown"', 'kind = "markdown"\nfetch = "browser"'),
            'source[2] (anthropic): fetch = "browser": only for kind = "html"',
        ),
        (
            ('kind = "html"', 'kind = "html"\nwait_for = "table"'),
            'source[1] (bailian): wait_for: only with fetch = "browser"',
        ),
        (
            ('kind = "html"', 'kind = "html"\nfetch = "browser"\nwait_for = " "'),
            "source[1] (bailian): wait_for: expected a CSS selector",
        ),
        (('kind = "html"', 'kind = "html"\ntimeout = "long"'), "source[1] (bailian): timeout: expected a"),
        (
            ('interval = "1h"', 'interval = "1h"\nbrowser_url = "localhost:9222"'),
            "monitor: browser_url: expected a browser's DevTools address",
        ),
        (
            ('interval = "1h"', 'interval = "1h"\nbrowser_pages = 0'),
            "monitor: browser_pages: expected a whole",
        ),
    ],
)
def test_mistakes_name_their_place(tmp_path: Path, change: tuple[str, str], message: str) -> None:
    """Each mistake raises ConfigError with the source index, its name and the key."""
    with pytest.raises(ConfigError, match=None) as info:
        load_config(write(tmp_path, GOOD.replace(*change, 1)), {})
    assert message in str(info.value)
    assert str(tmp_path / "sources.toml") in str(info.value)


def test_browser_keys(tmp_path: Path) -> None:
    """fetch, wait_for and a source's own timeout; browser_url and browser_pages in [monitor]."""
    text = GOOD.replace(
        'interval = "1h"', 'interval = "1h"\nbrowser_url = "ws://127.0.0.1:3000"\nbrowser_pages = 4'
    )
    text = text.replace(
        'interval = "30m"', 'interval = "30m"\nfetch = "browser"\nwait_for = "table"\ntimeout = "90s"'
    )
    config = load_config(write(tmp_path, text), {})
    bailian, anthropic = config.sources
    assert (bailian.fetch, bailian.wait_for, bailian.timeout) == ("browser", "table", 90.0)
    assert (anthropic.fetch, anthropic.wait_for, anthropic.timeout) == ("http", "", None)
    assert (config.settings.browser_url, config.settings.browser_pages) == ("ws://127.0.0.1:3000", 4)
    assert config.settings.browser_path == ""
    # a page switched to the browser is read again as a correction ('reread'), not alerted as changes
    served = replace(bailian, fetch="http", wait_for="")
    assert bailian.settings_fingerprint() != served.settings_fingerprint()
    assert replace(bailian, wait_for="td").settings_fingerprint() == bailian.settings_fingerprint()


def test_cli_exit_code_2_for_bad_or_missing_config(tmp_path: Path) -> None:
    """`monitor check` exits 2 with the message on a bad file and on a missing one; no database is made."""
    bad = write(tmp_path, GOOD.replace('kind = "html"', 'kind = "pdf"'))
    runner = CliRunner()
    result = runner.invoke(cli, ["--config", str(bad), "check"])
    assert result.exit_code == 2
    assert "source[1] (bailian): kind:" in result.output
    missing = runner.invoke(cli, ["--config", str(tmp_path / "nope.toml"), "check"])
    assert missing.exit_code == 2
    assert "nope.toml: configuration file not found" in missing.output
    assert not (tmp_path / "data").exists()


def test_config_from_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """MONITOR_CONFIG names the file when --config is not given."""
    path = write(tmp_path, GOOD.replace('kind = "html"', 'kind = "pdf"'))
    monkeypatch.setenv("MONITOR_CONFIG", str(path))
    result = CliRunner().invoke(cli, ["check"])
    assert result.exit_code == 2 and str(path) in result.output


def test_bad_notify_url_is_a_config_error_without_secrets(tmp_path: Path) -> None:
    """A notify URL apprise cannot read stops start-up with exit 2, and its secret is not printed."""
    path = write(tmp_path, GOOD.replace("json://127.0.0.1:9/hook", "nosuchscheme://user:s3cret@host"))
    result = CliRunner().invoke(cli, ["--config", str(path), "check"])
    assert result.exit_code == 2
    assert "notify[1] (nosuchscheme://…): not an apprise URL" in result.output
    assert "s3cret" not in result.output


def test_channels_routes_and_environment_urls(tmp_path: Path) -> None:
    """Named channels, a source routed to one, and $NAME taken from the environment."""
    text = GOOD.replace(
        'interval = "1h"',
        'interval = "1h"\nchannels = { cn = ["json://127.0.0.1:7/$HOOK"], ops = ["${OPS_URL}"] }',
    ).replace('interval = "30m"', 'interval = "30m"\nnotify = ["cn", "ops", "json://127.0.0.1:6/x"]')
    env = {"HOOK": "prices", "OPS_URL": "mailto://127.0.0.1:25?to=ops@example.test"}
    config = load_config(write(tmp_path, text), env)
    bailian, anthropic = config.sources
    assert bailian.notify == (
        "json://127.0.0.1:7/prices",
        "mailto://127.0.0.1:25?to=ops@example.test",
        "json://127.0.0.1:6/x",
    )
    assert anthropic.notify is None
    with pytest.raises(
        ConfigError, match=r"monitor: channels.ops\[1\]: \$OPS_URL is not set in the environment"
    ):
        load_config(write(tmp_path, text), {"HOOK": "x"})
    with pytest.raises(ConfigError, match="source\\[1\\] \\(bailian\\): notify: no channel named 'nope'"):
        load_config(write(tmp_path, text.replace('"cn", "ops"', '"nope"')), env)


def test_fx_rates_and_feed_path(tmp_path: Path) -> None:
    """[fx] is read as units per base with its date; a rate converts both ways; the feed path is
    resolved beside the database (the state directory), not the configuration file."""
    text = GOOD.replace('interval = "1h"', 'interval = "1h"\nfeed = "out/changes.xml"', 1)
    text += "\n[fx]\ndate = 2026-11-20\nCNY = 7.25\nEUR = 0.8\n"
    config = load_config(write(tmp_path, text), {})
    assert config.settings.feed == config.settings.database.parent / "out" / "changes.xml"
    assert config.settings.database.parent != tmp_path
    fx = config.fx
    assert (fx.date, fx.base) == ("2026-11-20", "USD")
    assert fx.convert(Decimal("7.25"), "CNY", "USD") == 1
    assert fx.convert(Decimal(1), "USD", "CNY") == Decimal("7.25")
    assert fx.convert(Decimal("7.25"), "CNY", "EUR") == Decimal("0.8")
    assert fx.rate("CNY", "JPY") is None and fx.convert(Decimal(1), "USD", "USD") == 1
    assert fx.describe("CNY", "USD") == "1 CNY = 0.137931 USD (rates of 2026-11-20)"
    assert load_config(write(tmp_path, GOOD), {}).fx.rate("CNY", "USD") is None  # no [fx], no rate


@pytest.mark.parametrize(
    ("fx", "message"),
    [
        ("CNY = 7.1", "fx: date: the day the rates were set"),
        ('date = "20 Nov"\nCNY = 7.1', "fx: date: the day the rates were set"),
        ('date = "2026-11-20"\nCNY = 0', "fx: CNY: expected how many CNY one USD buys (> 0)"),
        ('date = "2026-11-20"\nCNY = "7.1"', "fx: CNY: expected how many CNY one USD buys"),
        ('date = "2026-11-20"\nyuan = 7.1', "fx: unknown key 'yuan'"),
        ('date = "2026-11-20"\nUSD = 2', "fx: USD: the base currency is 1 by definition"),
        ('date = "2026-11-20"\nbase = "dollar"', "fx: base: expected a currency code"),
    ],
)
def test_fx_mistakes_name_their_place(tmp_path: Path, fx: str, message: str) -> None:
    with pytest.raises(ConfigError) as info:
        load_config(write(tmp_path, f"{GOOD}\n[fx]\n{fx}\n"), {})
    assert message in str(info.value) and str(tmp_path / "sources.toml") in str(info.value)


def test_shipped_sources_say_what_they_were_verified_against() -> None:
    """Each source of the shipped sources.toml is loaded, and the comment above it starts with 'Verified'
    or 'Not verified'; every golden it names exists."""
    shipped = Path(__file__).parents[1] / "sources.toml"
    config = load_config(shipped, {})
    blocks = shipped.read_text(encoding="utf-8").split("[[source]]")
    assert len(blocks) - 1 == len(config.sources)
    for block, source in zip(blocks[:-1], config.sources, strict=True):
        comment = block.rstrip().rsplit("\n\n", 1)[-1]
        assert comment.startswith(("# Verified", "# Not verified")), (source.name, comment)
        for golden in re.findall(r"tests/goldens/[\w./-]+\.txt", comment):
            assert (shipped.parent / golden).exists(), (source.name, golden)
