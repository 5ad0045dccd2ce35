"""Reviewing what changed (issue 7): log filters, the comparison, history and charts, the report, the
Atom feed and the exports, over one database built by replaying real fixture histories.

The facts checked come from the fixture files themselves: UCloud's price document of 2025-08-19
(v19) cut Qwen3-235B-A22B from 输入0.004元/千tokens，输出0.012/千tokens (v18) to 输入2元/百万tokens，
输出8元/百万tokens; Anthropic's page lists Claude Opus 4.5 at $5 / $25 / $0.50 per MTok.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import feedparser
import pytest
import yaml
from click.testing import CliRunner, Result
from selectolax.lexbor import LexborHTMLParser

from monitor.cli import cli
from monitor.compare import Row
from monitor.extract import JsonOptions, extract_prices
from monitor.messages import NOT_ALERTED
from monitor.views import compare_table
from tests.conftest import fixture, series
from tests.test_replay import replay_outcomes

CNY_PER_USD = Decimal("7.1")
CUT_DAY = "2025-08-19"


@pytest.fixture(scope="module")
def review(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """sources.toml over a database holding three real histories (UCloud in CNY, DeepSeek and Anthropic
    in USD), each version read on the day it was captured."""
    folder = tmp_path_factory.mktemp("review")
    database = folder / "monitor.db"
    replay_outcomes(
        series("ucloud_modelverse_price_md", "ucloud_modelverse_price"),
        "markdown",
        "CNY",
        database,
        name="ucloud",
        provider="UCloud",
    )
    for name, provider, folder_name, prefix in (
        ("deepseek", "DeepSeek", "deepseek_docs_mirror", "deepseek_pricing_en"),
        ("anthropic", "Anthropic", "anthropic_pricing_page_mirror", "anthropic_pricing_md"),
    ):
        replay_outcomes(
            series(folder_name, prefix), "markdown", "USD", database, name=name, provider=provider
        )
    config = folder / "sources.toml"
    config.write_text(
        f'[monitor]\ndatabase = "monitor.db"\n\n[fx]\ndate = "2026-11-20"\nCNY = {CNY_PER_USD}\nEUR = 0.86\n',
        encoding="utf-8",
    )
    yield config


def run(config: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--config", str(config), *args])


def query(config: Path, sql: str, *args: Any) -> list[sqlite3.Row]:
    with sqlite3.connect(config.parent / "monitor.db") as db:
        db.row_factory = sqlite3.Row
        return list(db.execute(sql, args))


# -- monitor log --------------------------------------------------------------------------------


def test_log_filters_narrow_to_exactly_the_matching_changes(review: Path) -> None:
    result = run(review, "log", "--provider", "ucloud", "--kind", "input", "--json")
    assert result.exit_code == 0, result.output
    records = json.loads(result.output)
    expected = query(review, "select count(*) from changes where provider = 'UCloud' and kind = 'input'")
    assert len(records) == expected[0][0] > 10
    assert {(r["provider"], r["kind"]) for r in records} == {("UCloud", "input")}
    cut = [r for r in records if r["model"] == "Qwen/Qwen3-235B-A22B" and r["change"] == "changed"]
    assert [(r["old_per_million"], r["new_per_million"], r["pct"]) for r in cut] == [(4, 2, -50.0)]
    assert cut[0]["time"].startswith(CUT_DAY)


def test_log_since_until_take_whole_days(review: Path) -> None:
    result = run(review, "log", "--since", CUT_DAY, "--until", CUT_DAY, "--json")
    assert result.exit_code == 0, result.output
    records = json.loads(result.output)
    assert records and {r["time"][:10] for r in records} == {CUT_DAY}
    everything = json.loads(run(review, "log", "--json").output)
    assert len(records) == sum(1 for r in everything if r["time"].startswith(CUT_DAY))


def test_log_model_filter_as_csv(review: Path) -> None:
    result = run(review, "log", "--model", "QWEN3-235B", "--changes-only", "--csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert rows and all("qwen3-235b" in r["model"].lower() for r in rows)
    json_rows = json.loads(run(review, "log", "--model", "qwen3-235b", "--json").output)
    assert list(rows[0]) == list(json_rows[0])  # the same fields as --json, in the same order
    assert len(rows) == len(json_rows)


def test_log_rejects_contradictory_options_and_bad_dates(review: Path) -> None:
    both = run(review, "log", "--json", "--csv")
    assert both.exit_code == 2 and "exclude each other" in both.output
    bad = run(review, "log", "--since", "last tuesday")
    assert bad.exit_code == 2 and "--since" in bad.output and "last tuesday" in bad.output


def test_log_default_table_shows_changes_and_the_terminal_width_holds(review: Path) -> None:
    result = CliRunner().invoke(
        cli, ["--config", str(review), "log", "--source", "ucloud"], env={"COLUMNS": "100"}
    )
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0].split()[:3] == ["time", "source", "model"]
    assert max(len(line) for line in lines) <= 100


# -- monitor prices -----------------------------------------------------------------------------


def test_prices_puts_a_models_kinds_side_by_side(review: Path) -> None:
    result = CliRunner().invoke(
        cli, ["--config", str(review), "prices", "--provider", "anthropic"], env={"COLUMNS": "200"}
    )
    assert result.exit_code == 0, result.output
    row = next(line for line in result.output.splitlines() if "Claude Opus 4.5 " in line)
    assert row.split()[:6] == ["Anthropic", "Claude", "Opus", "4.5", "5", "USD"]
    assert "25 USD" in row and "0.5 USD" in row
    assert "UCloud" not in result.output


def test_prices_table_shows_a_per_page_price_per_page() -> None:
    """An OCR model's input by the page reads '0.0003 USD/page' (as alerts say it), not per million pages;
    a per-character price stays per 1M characters."""
    ocr = Row("v", "Vertex", "DeepSeek-OCR", "", "", "USD", "page", prices={"input": Decimal(300)})
    chars = Row(
        "v", "Vertex", "Gemini 2.0 Flash", "", "", "USD", "characters", prices={"input": Decimal("0.0375")}
    )
    _header, rows = compare_table([ocr, chars], None)
    assert rows[0][3] == "0.0003 USD/page"
    assert rows[1][3] == "0.0375 USD/1M characters"


def test_prices_converted_at_the_users_dated_rate(review: Path) -> None:
    result = run(review, "prices", "--currency", "usd", "--by-model", "--json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    qwen = next(r for r in rows if r["model"] == "Qwen/Qwen3-235B-A22B")
    assert (qwen["currency"], qwen["input"], qwen["output"]) == ("CNY", 2, 8)
    converted = qwen["converted"]
    assert converted["currency"] == "USD" and converted["rate_date"] == "2026-11-20"
    assert converted["input"] == pytest.approx(2 / float(CNY_PER_USD), rel=1e-12)
    opus = next(r for r in rows if r["model"] == "Claude Opus 4.5")
    assert opus["converted"]["rate"] == 1 and opus["converted"]["input"] == 5
    table = run(review, "prices", "--currency", "USD").output
    assert "converted at 1 CNY = 0.140845 USD (rates of 2026-11-20)" in table


def test_prices_sorted_cheapest_first_across_currencies(review: Path) -> None:
    rows = json.loads(
        run(review, "prices", "--currency", "USD", "--sort", "input", "--by-model", "--json").output
    )
    values = [r["converted"]["input"] for r in rows if r["converted"]["input"] is not None]
    assert len(values) > 20 and values == sorted(values)
    assert {r["currency"] for r in rows[:40]} == {"CNY", "USD"}  # the currencies interleave


def test_prices_json_keeps_its_contract_and_adds_the_conversion(review: Path) -> None:
    plain = json.loads(run(review, "prices", "--json").output)
    converted = json.loads(run(review, "prices", "--json", "--currency", "EUR").output)
    assert len(plain) == len(converted) > 100
    for before, after in zip(plain, converted, strict=True):
        assert {k: v for k, v in after.items() if k != "converted"} == before
    cny = next(r for r in converted if r["currency"] == "CNY" and r["per_million"])
    assert cny["converted"]["per_million"] == pytest.approx(cny["per_million"] / 7.1 * 0.86, rel=1e-9)


def test_prices_refuses_a_currency_without_a_rate(review: Path) -> None:
    result = run(review, "prices", "--currency", "JPY")
    assert result.exit_code == 2
    assert "[fx] has no rate for JPY" in result.output


# -- monitor history ----------------------------------------------------------------------------


def test_history_follows_a_model_through_a_rename_and_a_cut(review: Path) -> None:
    result = run(review, "history", "qwen3 235b a22b", "--json")  # any case, spaces for hyphens
    assert result.exit_code == 0, result.output
    by_kind = {s["kind"]: s for s in json.loads(result.output)}
    assert set(by_kind) == {"input", "output"}
    steps = by_kind["input"]["steps"]
    assert [(s["per_million"], s["model"]) for s in steps] == [
        (4, "Qwen3-235B-A22B"),  # first seen without the publisher, at 0.004元/千tokens
        (2, "Qwen/Qwen3-235B-A22B"),
    ]
    assert steps[1]["time"].startswith(CUT_DAY)
    assert [s["per_million"] for s in by_kind["output"]["steps"]] == [12, 8]


def test_history_table_and_a_miss_that_suggests(review: Path) -> None:
    table = run(review, "history", "Qwen/Qwen3-235B-A22B").output
    assert "-50.0%" in table and "-33.3%" in table
    miss = run(review, "history", "qwen3")
    assert miss.exit_code == 1
    assert "no prices recorded for model 'qwen3'" in miss.output and "Qwen3-Coder" in miss.output


def test_history_plots_svg_and_png(review: Path, tmp_path: Path) -> None:
    svg = tmp_path / "qwen.svg"
    result = run(review, "history", "Qwen3-235B-A22B", "--plot", str(svg))
    assert result.exit_code == 0, result.output
    text = svg.read_text(encoding="utf-8")
    assert text.lstrip().startswith("<?xml") and "<svg" in text
    for label in ("-50.0%", "-33.3%", "input", "output", "CNY / 1M tokens"):
        assert label in text, label
    again = tmp_path / "again.svg"
    run(review, "history", "Qwen3-235B-A22B", "--plot", str(again))
    assert again.read_bytes() == svg.read_bytes()  # same data, same file: no timestamp, fixed ids
    png = tmp_path / "qwen.png"
    assert run(review, "history", "Qwen3-235B-A22B", "--plot", str(png)).exit_code == 0
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 10_000
    gif = run(review, "history", "Qwen3-235B-A22B", "--plot", str(tmp_path / "q.gif"))
    assert gif.exit_code == 2 and "q.gif" in gif.output and ".svg or .png" in gif.output


# -- the Atom feed ------------------------------------------------------------------------------


def test_feed_is_valid_atom_with_one_entry_per_change(review: Path, tmp_path: Path) -> None:
    out = tmp_path / "changes.xml"
    result = run(review, "feed", "--out", str(out), "--limit", "5000")
    assert result.exit_code == 0, result.output
    parsed = feedparser.parse(out.read_bytes())
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    # the feed carries what alerts carry: no flap and no correction ('reread', 'relabelled')
    hidden = ", ".join(f"'{kind}'" for kind in NOT_ALERTED)
    changes = query(review, f"select count(*) from changes where change not in ({hidden})")[0][0]
    notices = query(review, "select count(*) from page_notices")[0][0]  # the pricing pages' own prose
    expected = changes + notices
    assert len(parsed.entries) == expected and changes > 100 and notices > 0
    assert len([e for e in parsed.entries if e.id.startswith("urn:monitor:notice:")]) == notices
    assert len({e.id for e in parsed.entries}) == expected
    times = [e.updated for e in parsed.entries]
    assert times == sorted(times, reverse=True)
    cut = [e for e in parsed.entries if "Qwen/Qwen3-235B-A22B · input" in e.title and "-50.0%" in e.title]
    assert len(cut) == 1 and cut[0].updated.startswith(CUT_DAY)
    assert cut[0].link.startswith("http://127.0.0.1:")
    assert run(review, "feed", "--out", str(out), "--limit", "3").exit_code == 0
    newest = feedparser.parse(out.read_bytes())
    assert [e.id for e in newest.entries] == [e.id for e in parsed.entries[:3]]


def test_feed_to_an_unwritable_place_names_it(review: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = run(review, "feed", "--out", str(blocker / "changes.xml"))
    assert result.exit_code == 1
    assert str(blocker) in result.output and "cannot write the feed" in result.output


# -- exports ------------------------------------------------------------------------------------


def test_export_csv_and_json_are_the_cli_records(review: Path) -> None:
    as_json = json.loads(run(review, "export", "--format", "json").output)
    assert as_json == json.loads(run(review, "prices", "--json").output)
    changes = list(
        csv.DictReader(io.StringIO(run(review, "export", "--format", "csv", "--what", "changes").output))
    )
    assert len(changes) == len(json.loads(run(review, "log", "--json").output))


def litellm_export(review: Path, *extra: str) -> tuple[dict[str, Any], str]:
    result = CliRunner().invoke(
        cli, ["--config", str(review), "export", "--format", "litellm", "--since", CUT_DAY, *extra]
    )
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout), result.stderr


def test_litellm_export_merges_into_the_real_price_map_and_reads_back(review: Path) -> None:
    entries, skipped = litellm_export(review)
    real = json.loads(
        fixture("litellm_model_prices/litellm_prices__v10__2026-07-24__8442b939a6.json").read_text()
    )
    known_fields = {k for record in real.values() if isinstance(record, dict) for k in record}
    for entry in entries.values():
        assert set(entry) <= known_fields, set(entry) - known_fields
    qwen = entries["ucloud/qwen/qwen3-235b-a22b"]
    assert qwen["input_cost_per_token"] == pytest.approx(2 / 7.1 / 1e6, rel=1e-9)
    assert qwen["output_cost_per_token"] == pytest.approx(8 / 7.1 / 1e6, rel=1e-9)
    assert qwen["litellm_provider"] == "ucloud" and qwen["mode"] == "chat"
    assert "1 CNY = 0.140845 USD (rates of 2026-11-20)" in qwen["metadata"]["notes"]
    assert "deepseek-v4-flash input off-peak: no LiteLLM field for it" in skipped
    merged = json.dumps({**real, **entries})
    read = extract_prices("json", merged, "USD", JsonOptions(preset="litellm"))
    back = {(p.kind, p.tier): p.per_million for p in read.prices if p.model == "ucloud/qwen/qwen3-235b-a22b"}
    assert back[("input", "")] == pytest.approx(Decimal(2) / CNY_PER_USD, rel=Decimal("1e-9"))
    assert back[("output", "")] == pytest.approx(Decimal(8) / CNY_PER_USD, rel=Decimal("1e-9"))


def test_litellm_export_without_a_rate_leaves_cny_out_and_says_so(review: Path, tmp_path: Path) -> None:
    bare = tmp_path / "sources.toml"
    bare.write_text(f'[monitor]\ndatabase = "{review.parent / "monitor.db"}"\n', encoding="utf-8")
    entries, skipped = litellm_export(bare, "--since", "2025-01-01")
    assert not any(key.startswith("ucloud/") for key in entries)
    assert "ucloud: Qwen/Qwen3-235B-A22B input: CNY has no [fx] rate to USD" in skipped
    assert any(key.startswith("anthropic/") for key in entries)  # USD needs no rate


def test_genai_prices_export_dates_the_change_and_merges_into_the_real_yaml(review: Path) -> None:
    result = CliRunner().invoke(
        cli, ["--config", str(review), "export", "--format", "genai-prices", "--since", CUT_DAY]
    )
    assert result.exit_code == 0, result.output
    models = yaml.safe_load(result.stdout)["models"]
    qwen = next(m for m in models if m["id"] == "qwen/qwen3-235b-a22b")
    old, new = qwen["prices"]
    assert new["constraint"] == {"start_date": date(2025, 8, 19)}
    assert old["prices"]["input_mtok"] == pytest.approx(4 / 7.1) and new["prices"][
        "input_mtok"
    ] == pytest.approx(2 / 7.1)
    assert old["prices"]["output_mtok"] == pytest.approx(12 / 7.1) and new["prices"][
        "output_mtok"
    ] == pytest.approx(8 / 7.1)
    real_file = fixture("genai_prices/genai_prices_deepseek_yml__v04__2026-08-21__47df840a5a.yml")
    real = yaml.safe_load(real_file.read_text(encoding="utf-8"))
    known = {k for m in real["models"] for k in m}
    assert all(set(m) <= known for m in models), [set(m) - known for m in models]
    merged = yaml.safe_load(yaml.safe_dump({**real, "models": real["models"] + models}, sort_keys=False))
    assert len(merged["models"]) == len(real["models"]) + len(models)
    # genai-prices' data.json holds the same model objects: read ours back with that preset
    document = json.dumps([{"id": "ucloud", "models": models}], default=str)
    read = extract_prices("json", document, "USD", JsonOptions(preset="genai-prices"))
    name = "ucloud/qwen/qwen3-235b-a22b"  # the reader names a model provider/id
    back = {(p.kind, p.condition): p.per_million for p in read.prices if p.model == name}
    assert back[("input", "")] == pytest.approx(Decimal(4) / CNY_PER_USD, rel=Decimal("1e-9"))
    assert back[("input", "from 2025-08-19")] == pytest.approx(Decimal(2) / CNY_PER_USD, rel=Decimal("1e-9"))


# -- the HTML report ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def report(review: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("report")
    result = run(review, "report", "--out", str(out), "--since", "2025-08-01", "--currency", "USD")
    assert result.exit_code == 0, result.output
    return out


def test_report_holds_summary_comparison_and_charts(report: Path) -> None:
    page = LexborHTMLParser((report / "index.html").read_text(encoding="utf-8"))
    assert [h.text() for h in page.css("h2")] == [
        "Latest changes",
        "Price notices on the pricing pages",  # what the replayed pages' prose announced
        "Price comparison",
        "Charts",
    ]
    summary = page.css_first("p.summary").text()
    assert "prices changed" in summary and "cuts" in summary
    cut = [
        row.text(separator=" ")
        for row in page.css("table.changes tr")
        if [td.text() for td in row.css("td")][2:4] == ["Qwen/Qwen3-235B-A22B", "input"]
    ]
    assert (
        len(cut) == 1
        and "-50.0%" in cut[0]
        and "4 CNY / 1M tokens" in cut[0]
        and "2 CNY / 1M tokens" in cut[0]
    )
    header = [th.text() for th in page.css("table.compare tr")[0].css("th")]
    opus = next(r for r in page.css("table.compare tr") if "Claude Opus 4.5" in r.text())
    assert len(header) == len(opus.css("td")) and header[-1] == "other prices"
    assert "batch_input" in opus.css("td")[-1].text()
    assert [td.text() for td in opus.css("td")][3:6] == ["5 USD", "25 USD", "0.5 USD"]
    assert "Converted at 1 CNY = 0.140845 USD (rates of 2026-11-20)." in page.text()
    images = [img.attributes["src"] for img in page.css("figure img")]
    assert "charts/qwen-qwen3-235b-a22b.svg" in images
    for src in images:
        assert src and not src.startswith(("/", "http")) and (report / src).is_file()
    assert not page.css("script") and "http://" not in "".join(
        link.attributes.get("href") or "" for link in page.css("link")
    )


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
PROBE = """<script>
window.addEventListener("load", () => {
  const out = document.createElement("pre"); out.id = "probe";
  out.textContent = JSON.stringify({
    images: [...document.images].map(i => [i.getAttribute("src"), i.naturalWidth, i.naturalHeight]),
    compareRows: document.querySelectorAll("table.compare tr").length,
    title: document.title,
  });
  document.body.appendChild(out);
});
</script></body>"""


@pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed (apt-get install chromium)")
def test_report_renders_in_headless_chromium_from_the_file_system(report: Path, tmp_path: Path) -> None:
    """The report opened from file:// in a real browser: every chart loads (no server), the tables are
    there. A copy of the page with a probe script reports what the browser laid out."""
    page = (report / "index.html").read_text(encoding="utf-8")
    rows = len(LexborHTMLParser(page).css("table.compare tr"))
    probe = report / "probe.html"
    probe.write_text(page.replace("</body>", PROBE), encoding="utf-8")
    flags = [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        f"--user-data-dir={tmp_path / 'profile'}", "--allow-file-access-from-files",
        "--virtual-time-budget=5000",
    ]  # fmt: skip
    assert CHROMIUM is not None
    dom = subprocess.run(
        [CHROMIUM, *flags, "--dump-dom", probe.as_uri()], capture_output=True, text=True, timeout=90
    ).stdout
    found = LexborHTMLParser(dom).css_first("#probe")
    assert found is not None, dom[-2000:]
    seen = json.loads(found.text())
    assert seen["title"].startswith("LLM API prices: report of")
    assert seen["compareRows"] == rows > 50
    assert seen["images"] and all(width > 300 and height > 100 for _src, width, height in seen["images"])
    shot = tmp_path / "report.png"
    subprocess.run(
        [
            CHROMIUM,
            *flags,
            "--window-size=1280,2000",
            f"--screenshot={shot}",
            (report / "index.html").as_uri(),
        ],
        capture_output=True,
        timeout=90,
    )
    assert shot.read_bytes()[:4] == b"\x89PNG"


# -- the database as an interface ---------------------------------------------------------------


def test_datasette_canned_queries_run_on_a_real_database(review: Path) -> None:
    metadata = json.loads((Path(__file__).parents[1] / "deploy" / "datasette.json").read_text())
    queries = metadata["databases"]["monitor"]["queries"]
    assert {"changes_this_week", "cheapest_input_per_provider"} <= set(queries)
    cheapest = query(review, queries["cheapest_input_per_provider"]["sql"])
    by_provider = {(r["provider"], r["currency"]): r for r in cheapest}
    assert set(by_provider) == {("UCloud", "CNY"), ("DeepSeek", "USD"), ("Anthropic", "USD")}
    lowest = query(
        review,
        "select min(cast(per_million as real)) from latest_prices where source = 'ucloud' "
        "and kind = 'input' and unit = 'tokens'",
    )[0][0]
    assert by_provider[("UCloud", "CNY")]["input_per_million"] == lowest
    assert query(review, queries["changes_this_week"]["sql"]) == []  # the replayed changes are older
    history = query(review, queries["model_history"]["sql"].replace(":model", "?"), "qwen3-235b-a22b")
    assert any(r["change"] == "changed" and r["pct"] == "-50.0" for r in history)


def test_every_table_and_column_is_in_the_readme(review: Path) -> None:
    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    section = readme.split("## The database", 1)[1].split("\n## ", 1)[0]
    tables = [r["name"] for r in query(review, "select name from sqlite_master where type = 'table'")]
    for table in tables:
        if table.startswith(("_", "sqlite_")):
            continue
        row = next((line for line in section.splitlines() if line.startswith(f"| `{table}` |")), None)
        assert row is not None, table
        columns = [c["name"] for c in query(review, f"pragma table_info({table})")]
        if table == "latest_prices":
            columns = ["since"]  # "the columns of `prices`, and `since`"
        missing = [c for c in columns if c not in row]
        assert not missing, (table, missing)


def test_since_is_when_a_price_took_its_value(review: Path) -> None:
    """`since` in `monitor prices` is the start of the price's last step in its history (a later change
    of another price of the source does not move it, nor does a publisher added to the model's name)."""
    latest = json.loads(run(review, "prices", "--json", "--provider", "ucloud").output)
    checked = 0
    for model in sorted({r["model"] for r in latest}):
        series = json.loads(run(review, "history", model, "--json").output)
        for record in (r for r in latest if r["model"] == model):
            key = (record["model"], record["kind"], record["tier"], record["condition"])
            match = [s for s in series if (s["model"], s["kind"], s["tier"], s["condition"]) == key]
            assert len(match) == 1
            assert record["since"] == match[0]["steps"][-1]["time"], (model, record["kind"])
            checked += 1
    assert checked > 50
    sql = "select max(started) from checks where source = 'ucloud' and status = 'changed'"
    last = query(review, sql)[0][0]
    assert sum(r["since"] < last for r in latest) > 50  # most prices held through the last change


def test_without_the_charts_extra_history_says_so_and_the_report_keeps_its_tables(
    review: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """matplotlib is the `charts` extra: where it is not installed, --plot fails with what to install, and
    the report is written without charts, saying why."""
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # `import matplotlib` raises ImportError
    plot = run(review, "history", "Qwen3-235B-A22B", "--plot", str(tmp_path / "q.svg"))
    assert plot.exit_code == 2
    assert "pip install 'monitor[charts]'" in plot.output and not (tmp_path / "q.svg").exists()
    out = tmp_path / "report"
    assert run(review, "report", "--out", str(out), "--since", "2025-08-01").exit_code == 0
    page = LexborHTMLParser((out / "index.html").read_text(encoding="utf-8"))
    assert "No charts: charts need matplotlib" in page.text()
    assert len(page.css("table.changes tr")) > 10 and not page.css("figure")


def test_litellm_export_names_an_image_model_as_such() -> None:
    """An entry priced only per image is LiteLLM's `image_generation` mode, per image in USD."""
    from monitor.export import litellm
    from monitor.fx import Rates

    row = {"source": "u", "model": "flux.1-dev", "kind": "per_image", "tier": "", "condition": ""}
    latest = [{**row, "currency": "USD", "unit": "image", "per_million": "40000"}]
    changes = [
        {**row, "change": "added", "provider": "UCloud", "url": "http://x", "time": "2026-01-01T00:00"}
    ]
    entries, skipped = litellm(latest, changes, Rates())
    assert entries == {
        "ucloud/flux.1-dev": {
            "litellm_provider": "ucloud",
            "mode": "image_generation",
            "output_cost_per_image": 0.04,
            "source": "http://x",
        }
    }
    assert skipped == []


def test_unwritable_outputs_are_named_and_nothing_stored_is_touched(review: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    before = query(review, "select count(*) from changes")[0][0]
    report = run(review, "report", "--out", str(blocker / "report"))
    assert (
        report.exit_code == 1 and str(blocker / "report") in report.output and "cannot write" in report.output
    )
    export = run(review, "export", "--format", "json", "--out", str(blocker / "prices.json"))
    assert export.exit_code == 1 and str(blocker / "prices.json") in export.output
    plot = run(review, "history", "Qwen3-235B-A22B", "--plot", str(blocker / "q.svg"))
    assert plot.exit_code == 1 and str(blocker / "q.svg") in plot.output
    assert query(review, "select count(*) from changes")[0][0] == before
