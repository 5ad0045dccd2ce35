"""`monitor extract` as a user tries a source before keeping it: a URL, a configured source's settings,
a JSON mapping on the command line, and a bot-check page named as such."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner, Result

from monitor.cli import cli
from tests.conftest import fixture
from tests.servers import PageServer

V30 = "ucloud_modelverse_price_md/ucloud_modelverse_price__v30__2025-10-16__bcd324bbf6.md"
OPENROUTER = "openrouter_models_api/openrouter_models__v01__2025-12-29__95e496d417.json"
CHALLENGE = "pricing_pages_captured/openai_pricing__v01__2026-05-08__d1507e12fb.html"
MAPPING = (
    'records = "data", model = "id", prices = { input = "pricing.prompt", output = "pricing.completion" }'
)


def extract(*args: str) -> Result:
    return CliRunner().invoke(cli, ["extract", *args])


def prices(result: Result) -> dict[tuple[str, str], float]:
    assert result.exit_code == 0, result.output
    return {(r["model"], r["kind"]): r["per_million"] for r in json.loads(result.stdout)}


def test_extract_reads_a_url_as_it_reads_the_saved_page(tmp_path: Path, pages: PageServer) -> None:
    """UCloud's price document served on 127.0.0.1: the same prices from its URL as from the file."""
    pages.put("/price.md", fixture(V30).read_bytes())
    from_url = extract(pages.url("/price.md"), "--kind", "markdown", "--currency", "CNY", "--json")
    from_file = extract(str(fixture(V30)), "--kind", "markdown", "--currency", "CNY", "--json")
    assert from_url.exit_code == 0, from_url.output
    assert json.loads(from_url.stdout) == json.loads(from_file.stdout)
    assert len(json.loads(from_url.stdout)) == 80


def test_extract_with_a_source_uses_its_settings_and_its_page(tmp_path: Path, pages: PageServer) -> None:
    """--source NAME: the configured kind, currency and json mapping, and the source's URL when no page
    is given; a saved file read with the same settings gives the same prices."""
    pages.put("/price.md", fixture(V30).read_bytes())
    pages.put("/models.json", fixture(OPENROUTER).read_bytes())
    config = tmp_path / "sources.toml"
    config.write_text(
        f'[[source]]\nname = "ucloud"\nkind = "markdown"\nurl = "{pages.url("/price.md")}"\n'
        'currency = "CNY"\n'
        f'[[source]]\nname = "or"\nkind = "json"\nurl = "{pages.url("/models.json")}"\n'
        f"json = {{ {MAPPING} }}\n",
        encoding="utf-8",
    )
    runner = CliRunner()
    fetched = runner.invoke(cli, ["--config", str(config), "extract", "--source", "ucloud", "--json"])
    assert fetched.exit_code == 0, fetched.output
    records = json.loads(fetched.stdout)
    assert len(records) == 80 and {r["currency"] for r in records} == {"CNY"}
    saved = runner.invoke(cli, ["--config", str(config), "extract", str(fixture(V30)), "--source", "ucloud"])
    assert saved.exit_code == 0 and "CNY" in saved.output
    mapped = runner.invoke(cli, ["--config", str(config), "extract", "--source", "or", "--json"])
    assert prices(mapped)[("openai/gpt-4o", "input")] == 2.5
    missing = runner.invoke(cli, ["--config", str(config), "extract", "--source", "nope"])
    assert missing.exit_code == 2 and "no source named 'nope' (known: ucloud, or)" in missing.output


def test_extract_json_with_a_mapping_on_the_command_line() -> None:
    """--kind json --mapping reads OpenRouter's real model list as its preset does (input and output per
    token); --kind json with neither says what it needs instead of 'no prices found'."""
    mapped = prices(extract(str(fixture(OPENROUTER)), "--kind", "json", "--mapping", MAPPING, "--json"))
    preset = prices(extract(str(fixture(OPENROUTER)), "--kind", "json", "--preset", "openrouter", "--json"))
    assert len(mapped) > 300
    assert {k: v for k, v in preset.items() if k[1] in ("input", "output") and k in mapped} == mapped
    bare = extract(str(fixture(OPENROUTER)), "--kind", "json")
    assert bare.exit_code == 2 and "--preset NAME, or --mapping" in bare.output
    bad = extract(str(fixture(OPENROUTER)), "--kind", "json", "--mapping", 'records = "data"')
    assert bad.exit_code == 2 and "--mapping: prices: expected a table" in bad.output
    broken = extract(str(fixture(OPENROUTER)), "--kind", "json", "--mapping", "records = ")
    assert broken.exit_code == 2 and "--mapping: not a TOML table" in broken.output


def test_extract_names_a_bot_check_page_as_check_does(pages: PageServer) -> None:
    """A real Cloudflare challenge captured at OpenAI's pricing URL: 'a bot-check (challenge) page was
    served', not 'no prices found'; a URL that fails says how."""
    pages.put("/pricing", fixture(CHALLENGE).read_bytes(), Content_Type="text/html")
    result = extract(pages.url("/pricing"), "--kind", "html")
    assert result.exit_code == 1
    assert "a bot-check (challenge) page was served instead of the pricing page" in result.output
    pages.put("/gone", "gone", status=404)
    gone = extract(pages.url("/gone"), "--kind", "html")
    assert gone.exit_code == 1 and "HTTP 404" in gone.output
    nothing = extract("no-such-page.html", "--kind", "html")
    assert nothing.exit_code == 2 and "no-such-page.html: no such file" in nothing.output
