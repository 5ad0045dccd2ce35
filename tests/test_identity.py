"""A model the page relabels is one model everywhere: the change log, history, exports and the report
match names by one rule (`monitor.models.same_model`)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, tzinfo
from pathlib import Path

import pytest
from click.testing import CliRunner

from monitor.cli import cli
from monitor.models import model_groups, same_model
from tests.conftest import fixture
from tests.servers import PageServer
from tests.test_cli import V29, V30, config


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("Mistral Large", "mistral-large", True),
        ("qwen2.5-vl-72b-instruct", "qwen/qwen2.5-vl-72b-instruct", True),
        ("deepseek-ai/DeepSeek-R1", "DeepSeek-R1", True),
        ("databricks/llama-3", "sambanova/llama-3", False),
        ("qwen-max", "qwen-max-latest", False),
    ],
)
def test_one_rule_names_one_model(a: str, b: str, same: bool) -> None:
    assert same_model(a, b) is same and same_model(b, a) is same
    groups = model_groups([a, b])
    assert (groups[a] == groups[b]) is same


def test_two_publishers_of_one_name_stay_apart_and_the_bare_name_joins_neither() -> None:
    groups = model_groups(["databricks/x", "sambanova/x", "x"])
    assert len(set(groups.values())) == 3


def _On(day: int) -> type[datetime]:
    """The clock of a check on 2026-11-DAY: one check a day, as the daemon would (history tells checks
    apart by their time)."""

    class Clock(datetime):
        @classmethod
        def now(cls, tz: tzinfo | None = None) -> Clock:
            return cls(2026, 11, day, 9, tzinfo=tz or UTC)

    return Clock


def test_a_relabelled_model_keeps_its_cut_in_export_history_and_log(
    tmp_path: Path, pages: PageServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """UCloud's real v29 -> v30 cut qwen2.5-vl-72b-instruct by 71.9%; the page then names it with its
    publisher. The relabel is no change, and the export and history still know the model and its cut."""
    path = config(tmp_path, pages, [], extra="")
    fx = '\n[fx]\ndate = "2026-11-20"\nCNY = 7.1\n'
    path.write_text(path.read_text(encoding="utf-8").replace("retries = 0\n", f"retries = 0\n{fx}", 1))
    runner = CliRunner()
    days = iter([28, 29, 30])

    def check(page: bytes) -> None:
        pages.put("/price.md", page)
        monkeypatch.setattr("monitor.pipeline.datetime", _On(next(days)))
        result = runner.invoke(cli, ["--config", str(path), "check"])
        assert result.exit_code == 0, result.output

    check(fixture(V29).read_bytes())
    check(fixture(V30).read_bytes())
    # the relabel comes with another model's new price, so that the check stores the page's new names
    relabelled = (
        fixture(V30)
        .read_text(encoding="utf-8")
        .replace("| qwen2.5-vl-72b-instruct |", "| qwen/qwen2.5-vl-72b-instruct |")
        .replace("| Qwen3-Coder | 输入 9 元", "| Qwen3-Coder | 输入 8 元")
    )
    assert "qwen/qwen2.5-vl-72b-instruct" in relabelled
    check(relabelled.encode())
    latest = json.loads(runner.invoke(cli, ["--config", str(path), "prices", "--json"]).output)
    assert {p["model"] for p in latest if "72b" in p["model"]} == {"qwen/qwen2.5-vl-72b-instruct"}

    log = json.loads(runner.invoke(cli, ["--config", str(path), "log", "--json"]).output)
    assert sorted((c["model"], c["kind"], c["change"]) for c in log if "72b" in c["model"]) == [
        ("qwen2.5-vl-72b-instruct", "input", "changed"),
        ("qwen2.5-vl-72b-instruct", "output", "changed"),
    ], "the relabel adds or removes nothing"

    exported = runner.invoke(cli, ["--config", str(path), "export", "--format", "litellm"])
    assert exported.exit_code == 0, exported.output
    entries = json.loads(exported.stdout)
    named = [k for k in entries if same_model(k.partition("/")[2], "qwen2.5-vl-72b-instruct")]
    assert len(named) == 1, (entries.keys(), exported.stderr)
    entry = entries[named[0]]
    assert entry["input_cost_per_token"] == pytest.approx(4.5 / 7.1 / 1_000_000)

    series = json.loads(
        runner.invoke(cli, ["--config", str(path), "history", "qwen2.5-vl-72b-instruct", "--json"]).output
    )
    inputs = [s for s in series if s["kind"] == "input"]
    assert len(inputs) == 1, "one series across the relabel"
    assert [step["per_million"] for step in inputs[0]["steps"]] == [16, 4.5]


def test_the_export_takes_the_models_own_entry_before_a_publishers() -> None:
    """'gpt-4o' and 'azure/gpt-4o' listed side by side are two entries: gpt-4o's change exports gpt-4o's."""
    from monitor.export import litellm
    from monitor.fx import Rates

    row = {"source": "u", "kind": "input", "tier": "", "condition": "", "currency": "USD", "unit": "tokens"}
    for order in (1, -1):
        latest = [
            {**row, "model": "gpt-4o", "per_million": "2.5"},
            {**row, "model": "azure/gpt-4o", "per_million": "5"},
        ]
        change = {
            **row,
            "model": "gpt-4o",
            "change": "changed",
            "provider": "P",
            "url": "http://x",
            "time": "2026-01-01",
        }
        entries, _skipped = litellm(latest[::order], [change], Rates())
        assert entries["p/gpt-4o"]["input_cost_per_token"] == pytest.approx(2.5e-06)
