"""Replayed histories: each real series served version by version through the whole pipeline.

The goldens list, for every version, what the monitor reported; each was read against the diff between
the real files (unit switches, re-padding and renames must report nothing; real cuts and rises must
report exactly themselves). Regenerate with `python -m tests.test_replay` and review the diff.
"""

from __future__ import annotations

import asyncio
import json
import re
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from monitor.config import Settings, Source
from monitor.extract import Hints, JsonOptions, extract_prices
from monitor.fetch import Fetcher
from monitor.messages import change_line
from monitor.notify import Notifier
from monitor.pipeline import CheckOutcome, Deps, check_source
from monitor.store import Store
from tests.conftest import GOLDENS, fixture, series
from tests.servers import PageServer
from tests.test_extract import captured_on
from tests.test_real_pages import OPENAI_COLUMNS

# (folder, file prefix, kind, currency, golden)
SERIES = [
    ("ucloud_modelverse_price_md", "ucloud_modelverse_price", "markdown", "CNY", "replay_ucloud.txt"),
    ("cn_price_table_markdown", "llm_price_cn_readme", "markdown", "CNY", "replay_cn_price_table.txt"),
    ("anthropic_pricing_page_mirror", "anthropic_pricing_md", "markdown", "USD", "replay_anthropic.txt"),
    ("deepseek_docs_mirror", "deepseek_pricing_en", "markdown", "USD", "replay_deepseek.txt"),
    ("mistral_pricing_page", "mistral_pricing_md", "markdown", "USD", "replay_mistral.txt"),
    ("real_pages", "gmicloud_inference-price__md-source", "markdown", "USD", "replay_gmicloud.txt"),
    ("real_pages", "openai_api-docs-pricing__mdx-components", "markdown", "USD", "replay_openai_docs.txt"),
]
# what a series' source says that no reader can infer (README: the hints)
SERIES_HINTS = {"replay_openai_docs.txt": Hints(columns=OPENAI_COLUMNS)}
# tokencost's generated table: per token (no unit written, so the source sets unit = "token"), then per 1M.
TOKENCOST = ("markdown_price_tables", "tokencost_pricing_table")


def replay_outcomes(
    versions: list[Path],
    kind: str,
    currency: str,
    database: Path,
    options: JsonOptions | None = None,
    per: int | None = None,
    hold: int = 1,
    notify: tuple[str, ...] = (),
    name: str = "replay",
    provider: str = "Replay",
    hints: Hints | None = None,
    polls: int = 1,
) -> list[CheckOutcome]:
    """Serve each version in turn through the whole pipeline; what every check reported. With `polls`,
    each version is checked that many times an hour apart, as the daemon polls a page that stays put
    (a page that lost most of its prices is believed on the third look)."""
    server = PageServer()
    settings = Settings(database=database, retries=0)
    source = Source(
        name,
        provider,
        kind,
        server.url("/page"),
        currency,
        60,
        json=options,
        per=per,
        hold=hold,
        hints=hints or Hints(),
    )
    outcomes: list[CheckOutcome] = []

    async def go() -> None:
        today = {"now": ""}  # the monitor reads each version on the day it was captured

        def clock() -> str:
            return today["now"]

        deps = Deps(Store(database), Fetcher(settings), Notifier(notify, clock, retry_base=0), clock)
        try:
            for path in versions:
                server.put("/page", path.read_bytes())
                for hour in range(polls):
                    today["now"] = f"{captured_on(path.name)}T{12 + hour:02d}:00:00+00:00"
                    outcomes.append(await check_source(source, deps))
                    await deps.notifier.flush(deps.store)
        finally:
            await deps.fetcher.aclose()
            deps.store.close()

    try:
        asyncio.run(go())
    finally:
        server.close()
    return outcomes


def replay(versions: list[Path], kind: str, currency: str, database: Path, hints: Hints | None = None) -> str:
    """What every check of a replay reported, one block per version."""
    lines: list[str] = []
    outcomes = replay_outcomes(versions, kind, currency, database, hints=hints)
    for path, outcome in zip(versions, outcomes, strict=True):
        version = next(part for part in path.name.split("__") if re.fullmatch(r"v\d+", part))
        lines.append(f"{version} {outcome.status}" + (f": {outcome.error}" if outcome.error else ""))
        lines.extend(f"    {change_line(c)}" for c in outcome.changes)
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize(
    ("folder", "prefix", "kind", "currency", "golden"), SERIES, ids=[x[4] for x in SERIES]
)
def test_replay(tmp_path: Path, folder: str, prefix: str, kind: str, currency: str, golden: str) -> None:
    """Every version of a real series reports exactly the reviewed changes, and nothing else."""
    versions = series(folder, prefix)
    assert len(versions) >= 3
    expected = (GOLDENS / golden).read_text(encoding="utf-8")
    assert replay(versions, kind, currency, tmp_path / "m.db", SERIES_HINTS.get(golden)) == expected


def test_tokencost_unit_switch_reports_only_real_changes(tmp_path: Path) -> None:
    """Per token -> per 1M at one precision less is no change (chat-bison's $0.00000012 is $0.125 per 1M
    cut to 8 places); what the switch did change for real (Gemini's repricing) is reported."""
    outcomes = replay_outcomes(series(*TOKENCOST), "markdown", "USD", tmp_path / "m.db", per=1)
    assert [o.status for o in outcomes] == ["baseline", "changed", "changed", "changed"]
    switch = [c for c in outcomes[1].changes if c.change == "changed"]
    assert len(switch) == 32 and all("gemini" in c.model for c in switch), [change_line(c) for c in switch]
    assert not [c for c in switch if c.model.startswith(("chat-bison", "claude-instant", "cloudflare/"))]
    assert [(c.model, c.kind, str(c.pct)) for c in outcomes[3].changes] == [
        ("gpt-4o", "input", "-50.0"),
        ("gpt-4o", "output", "-33.3"),
    ]


# tokencost's Markdown table is generated from its model_prices.json: the fixtures hold the table and the
# JSON of the same commits, so every price read from the table can be checked against its source.
TABLE_AND_SOURCE = [
    (
        "tokencost_pricing_table__v01__2024-06-05__4d27dcd151.md",
        "tokencost_model_prices__v03__2024-06-05__4d27dcd151.json",
        1,
    ),
    (
        "tokencost_pricing_table__v03__2024-11-08__32dfb47f6b.md",
        "tokencost_model_prices__v04__2024-11-08__32dfb47f6b.json",
        None,
    ),
    (
        "tokencost_pricing_table__v04__2024-11-15__1448939752.md",
        "tokencost_model_prices__v05__2024-11-15__1448939752.json",
        None,
    ),
]


@pytest.mark.parametrize(
    ("table", "source", "per"), TABLE_AND_SOURCE, ids=[t[0][24:27] for t in TABLE_AND_SOURCE]
)
def test_tokencost_table_agrees_with_the_json_it_was_generated_from(
    table: str, source: str, per: int | None
) -> None:
    """Every price cell of the 1,200-price table is read ('--' is none), and every price equals the JSON's
    per-token cost to the precision the table writes ('$0.00000012' is 1.25e-07 cut to 8 places)."""
    text = fixture(f"markdown_price_tables/{table}").read_text(encoding="utf-8")
    result = extract_prices("markdown", text, "USD", per=per)
    costs = json.loads(fixture(f"litellm_model_prices/{source}").read_text(encoding="utf-8"))
    rows = [line.split("|") for line in text.splitlines() if line.startswith("|")][2:]  # after the header
    assert result.problems == []
    assert len(result.prices) == sum("$" in cell for row in rows for cell in row[2:4])
    for price in result.prices:
        field = {"input": "input_cost_per_token", "output": "output_cost_per_token"}[price.kind]
        stated = Decimal(str(costs[price.model][field])) * price.per
        places = len(price.raw.partition(".")[2].strip())
        assert abs(price.amount - stated) <= Decimal(1).scaleb(-places) / 2, (price.model, price.raw, stated)


if __name__ == "__main__":  # regenerate, then review every changed line against the real files' diff
    import tempfile

    for folder, prefix, kind, currency, golden in SERIES:
        with tempfile.TemporaryDirectory() as tmp:
            text = replay(
                series(folder, prefix), kind, currency, Path(tmp) / "m.db", SERIES_HINTS.get(golden)
            )
        (GOLDENS / golden).write_text(text, encoding="utf-8")
        print(f"wrote {golden}", file=sys.stderr)
