"""Replays of real series checked against the files' real differences: the series whose every price change
the fixtures' README lists ('Series with real price changes') report each listed change and no other, and
every replayed series reports no price change of a row its files did not touch.

Each version is polled three times an hour apart, as the daemon would poll a page that stays put: a page
that lost most of its prices (GMI Cloud's v02 removed 27 of 44 rows) is believed on the third look."""

from __future__ import annotations

import difflib
import re
from pathlib import Path

import pytest

from monitor.extract import Hints
from monitor.models import Price
from monitor.pipeline import CheckOutcome
from tests.conftest import series
from tests.test_real_pages import ATLAS, OPENAI_COLUMNS
from tests.test_replay import SERIES, SERIES_HINTS, replay_outcomes

POLLS = 3


def changes_by_version(outcomes: list[CheckOutcome], versions: int) -> list[list[tuple[str, ...]]]:
    """(change, model, kind, old per 1M, new per 1M) of every change, per version served."""
    out = []
    for v in range(versions):
        polled = outcomes[v * POLLS : (v + 1) * POLLS]
        out.append(
            sorted(
                (
                    c.change,
                    c.model,
                    c.kind,
                    f"{c.old_per_million.normalize():f}" if c.old_per_million is not None else "",
                    f"{c.new_per_million.normalize():f}" if c.new_per_million is not None else "",
                )
                for outcome in polled
                for c in outcome.changes
            )
        )
    return out


def test_gmi_clouds_series_reports_exactly_its_listed_changes(tmp_path: Path) -> None:
    versions = series("real_pages", "gmicloud_inference-price__md-source")
    outcomes = replay_outcomes(versions, "markdown", "USD", tmp_path / "m.db", polls=POLLS)
    v01, v02, v03, v04 = changes_by_version(outcomes, len(versions))
    assert v01 == []  # the baseline
    # v02: DeepSeek-V3's rise, and 27 rows removed (the third look believes the shorter page)
    assert [c for c in v02 if c[0] == "changed"] == [
        ("changed", "deepseek-ai/DeepSeek-V3", "input", "0.25", "1.25"),
        ("changed", "deepseek-ai/DeepSeek-V3", "output", "1", "1.25"),
    ]
    assert {c[0] for c in v02} == {"changed", "removed"}
    assert len({c[1] for c in v02 if c[0] == "removed"}) == 27
    # v03: two Llama 4 models added; the other rows only re-padded
    assert v03 == [
        ("added", "meta-llama/Llama-4-Maverick-17B-128E-Instruct", "input", "", "0.29"),
        ("added", "meta-llama/Llama-4-Maverick-17B-128E-Instruct", "output", "", "0.9"),
        ("added", "meta-llama/Llama-4-Scout-17B-16E-Instruct", "input", "", "0.15"),
        ("added", "meta-llama/Llama-4-Scout-17B-16E-Instruct", "output", "", "0.6"),
    ]
    # v04: Maverick and R1 cut; DeepSeek-V3 renamed DeepSeek-V3-0324 at a new price (another id). The
    # README's list leaves out what the files' own diff shows beside them: the five R1 Distill rows
    # repriced (e.g. Qwen-1.5B $0.02/$0.06 -> $0.2/$0.2)
    distill = [
        ("Llama-8B", "0.03", "0.14", "0.09", "0.39"),
        ("Qwen-1.5B", "0.02", "0.2", "0.06", "0.2"),
        ("Qwen-14B", "0.06", "0.2", "0.18", "0.2"),
        ("Qwen-32B", "0.13", "0.5", "0.4", "0.9"),
        ("Qwen-7B", "0.03", "0.1", "0.09", "0.2"),
    ]
    repriced = [
        ("changed", f"deepseek-ai/DeepSeek-R1-Distill-{name}", kind, old, new)
        for name, old_in, new_in, old_out, new_out in distill
        for kind, old, new in (("input", old_in, new_in), ("output", old_out, new_out))
    ]
    assert v04 == sorted(
        [
            ("added", "deepseek-ai/DeepSeek-V3-0324", "input", "", "0.9"),
            ("added", "deepseek-ai/DeepSeek-V3-0324", "output", "", "0.9"),
            ("changed", "meta-llama/Llama-4-Maverick-17B-128E-Instruct", "input", "0.29", "0.25"),
            ("changed", "meta-llama/Llama-4-Maverick-17B-128E-Instruct", "output", "0.9", "0.8"),
            ("changed", "deepseek-ai/DeepSeek-R1", "input", "2", "0.5"),
            ("changed", "deepseek-ai/DeepSeek-R1", "output", "6", "2.18"),
            ("removed", "deepseek-ai/DeepSeek-V3", "input", "1.25", ""),
            ("removed", "deepseek-ai/DeepSeek-V3", "output", "1.25", ""),
            *repriced,
        ]
    )


def test_atlas_clouds_series_reports_exactly_its_listed_token_price_changes(tmp_path: Path) -> None:
    versions = series("real_pages", "atlascloud_models-api__json-api")
    outcomes = replay_outcomes(versions, "json", "USD", tmp_path / "m.db", options=ATLAS, polls=POLLS)
    assert all(o.status != "failed" for o in outcomes)
    v01, v02, v03, v04 = changes_by_version(outcomes, len(versions))
    assert v01 == []  # the baseline
    changed = [[c for c in v if c[0] == "changed"] for v in (v02, v03, v04)]
    assert changed == [
        [("changed", "xai/grok-4.5", "cached_input", "0.5", "0.3")],
        [],
        [
            ("changed", "deepseek-ai/deepseek-v4-flash-0731", "input", "0.14", "0.44"),
            ("changed", "deepseek-ai/deepseek-v4-flash-0731", "output", "0.28", "1.32"),
        ],
    ]
    # v02 -> v03 removes google/gemini-2.0-flash and -lite; every other difference is a model added or
    # removed whole (the README's counts include media models, which this mapping does not read)
    assert {c[1] for c in v03 if c[0] == "removed"} == {
        "google/gemini-2.0-flash",
        "google/gemini-2.0-flash-lite",
    }
    for version in (v02, v03, v04):
        assert {c[0] for c in version} <= {"changed", "added", "removed"}


def test_openai_docs_series_reports_no_change_of_a_model_in_both_versions(tmp_path: Path) -> None:
    """The README's negative control: v02 -> v03 of OpenAI's MDX pricing docs adds gpt-5.6-sol, -terra
    and -luna and inserts a cache-write value before every tier's output price, and changes no price of a
    model present in both versions. Read by the rows' meanings (the `columns` hint), not by position,
    the replay reports the three models added and nothing else."""
    versions = series("real_pages", "openai_api-docs-pricing__mdx-components")
    hints = Hints(columns=OPENAI_COLUMNS)
    outcomes = replay_outcomes(versions, "markdown", "USD", tmp_path / "m.db", hints=hints, polls=POLLS)
    assert all(o.status != "failed" for o in outcomes)
    _v01, _v02, v03 = changes_by_version(outcomes, len(versions))
    assert {c[0] for c in v03} == {"added"}
    assert {c[1] for c in v03} == {"gpt-5.6-sol", "gpt-5.6-terra", "gpt-5.6-luna"}


def _changed_lines(old: Path, new: Path) -> tuple[list[str], list[str]]:
    """The lines one version of a file removed and added, without whitespace (a re-padded row is no
    difference)."""
    diff = list(
        difflib.ndiff(
            old.read_text(encoding="utf-8").splitlines(), new.read_text(encoding="utf-8").splitlines()
        )
    )
    gone = [_plain(line[2:]) for line in diff if line.startswith("- ")]
    came = [_plain(line[2:]) for line in diff if line.startswith("+ ")]
    return gone, came


@pytest.mark.parametrize(
    ("folder", "prefix", "kind", "currency", "golden"), SERIES, ids=[s[4] for s in SERIES]
)
def test_every_reported_change_is_in_the_files_own_diff(
    tmp_path: Path, folder: str, prefix: str, kind: str, currency: str, golden: str
) -> None:
    """Checked against the files' real differences, independently of the reviewed goldens: every price
    a replayed version reports changed has its new figure (a whole figure, as the page wrote it) on a
    line that version added, and every price added or removed has its model named on a line that
    version added or removed (its row, or the header of its column). A page edit that moves no price (a
    re-padded table, a reworded note, a duplicated row, a unit stated that the page had left out) never
    shows up as a price change of a row the files did not touch."""
    versions = series(folder, prefix)
    outcomes = replay_outcomes(
        versions, kind, currency, tmp_path / "m.db", hints=SERIES_HINTS.get(golden), polls=POLLS
    )
    unexplained = []
    for v in range(1, len(versions)):
        gone, came = _changed_lines(versions[v - 1], versions[v])
        for change in (c for o in outcomes[v * POLLS : (v + 1) * POLLS] for c in o.changes):
            new, old = change.new, change.old
            shown = {
                "added": new is not None and _model_on(new, came),
                "changed": new is not None and _amount_on(new, came),
                "removed": old is not None and _model_on(old, gone),
            }.get(change.change, True)
            if not shown:
                unexplained.append(f"v{v + 1:02d} {change.change} {change.model} {change.kind}")
    assert unexplained == []


def _plain(text: str) -> str:
    """A line or a name without markup, whitespace and case (a name written on two lines of a cell,
    'File search tool call <br /><small>Responses API only</small>', is the name the reader gives)."""
    return re.sub(r"<[^>]*>|\s+", "", text).lower()


def _amount_on(price: Price, lines: list[str]) -> bool:
    """Whether a changed line holds the price's figure as the page wrote it (a whole number: '0.35' is
    not found in '10.355')."""
    figure = re.escape(_plain(price.raw))
    return any(re.search(rf"(?<![\d.]){figure}(?![\d])", line) for line in lines)


def _model_on(price: Price, lines: list[str]) -> bool:
    """Whether a changed line names the price's model (a new row, or a new column's header)."""
    model = _plain(price.model)
    return any(model in line for line in lines)
