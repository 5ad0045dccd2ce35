"""What people read on a terminal: tables that measure wide characters and wrap instead of cutting, the
suspect mark and every kind's amount, and `monitor check`'s progress display on a terminal only."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from rich.cells import cell_len

from monitor.compare import Row
from monitor.views import CHANGE_HEADER, change_row, compare_table, table
from tests.conftest import fixture
from tests.servers import PageServer
from tests.test_review import review, run  # noqa: F401  (the module's database of real histories)

V30 = "ucloud_modelverse_price_md/ucloud_modelverse_price__v30__2025-10-16__bcd324bbf6.md"
LONG = "deepseek-ai/DeepSeek-R1-Distill-Qwen-32B-Instruct-Preview"


def starts(line: str, text: str) -> int:
    """The terminal column at which `text` starts in `line` (a wide character counts two)."""
    return cell_len(line[: line.index(text)])


@pytest.mark.parametrize("columns", [60, 80, 120])
def test_a_table_fits_the_terminal_measures_wide_characters_and_wraps_long_names(
    columns: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Chinese units take two cells each, so the columns after them stay aligned; a model name longer
    than its column is wrapped in it, every character kept; no line is wider than the terminal."""
    monkeypatch.setenv("COLUMNS", str(columns))
    rows = [
        ["2026-12-01T10:00", "bailian", LONG, "input", "4元/百万tokens", "2元/百万tokens", "X"],
        ["2026-12-01T10:00", "bailian", "qwen-max", "output", "0.5 USD", "0.25 USD", "Y"],
    ]
    lines = table(["time", "source", "model", "kind", "old", "new", "mark"], rows).splitlines()
    assert max(cell_len(line) for line in lines) <= columns
    assert sum(line.startswith("2026-12-01T10:00  ") for line in lines) == 2  # never '2026-12…'
    assert "…" not in "".join(lines)
    first = next(line for line in lines if "X" in line)
    second = next(line for line in lines if "Y" in line)
    assert starts(first, "X") == starts(second, "Y")


def test_a_long_model_name_is_wrapped_in_its_column_not_cut(monkeypatch: pytest.MonkeyPatch) -> None:
    """At 30 columns a 58-character name takes several lines of its column; read down, it is whole."""
    monkeypatch.setenv("COLUMNS", "30")
    lines = table(["model", "input"], [[LONG, "4元/百万tokens"]]).splitlines()
    assert len(lines) > 2 and max(cell_len(line) for line in lines) <= 30
    assert "".join(line.split()[0] for line in lines[1:] if line.strip()) == LONG


def test_a_table_piped_keeps_each_row_on_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    """Not a terminal and no COLUMNS: a row is one line however long (for grep and scripts)."""
    monkeypatch.delenv("COLUMNS", raising=False)
    text = table(["model", "note"], [[LONG * 3, "x" * 200]])
    assert text.splitlines()[1] == f"{LONG * 3}  {'x' * 200}"


def test_log_and_history_mark_a_suspect_change_as_alerts_do(review: Path) -> None:  # noqa: F811
    """ERNIE-4.5-Turbo-128K's real page went from 0.0008元/千tokens to 0.8元/千tokens (x1000): the log
    and the history show '(suspect)' beside the percent, as the alert's table does."""
    log = run(review, "log", "--model", "ERNIE-4.5-Turbo-128K", "--changes-only")
    assert log.exit_code == 0, log.output
    row = next(line for line in log.output.splitlines() if "0.0008元/千tokens  0.8元/千tokens" in line)
    assert "+99900.0% (suspect)" in row
    history = run(review, "history", "ERNIE-4.5-Turbo-128K")
    assert history.exit_code == 0, history.output
    assert "+99900.0% (suspect)" in history.output


def test_a_log_row_says_tier_and_condition_with_the_kind() -> None:
    """'input [<=32K, peak]', and a plain percent where the move is ordinary."""
    record = {
        "time": "2026-12-01T10:00:00+00:00",
        "source": "s",
        "model": "m",
        "kind": "input",
        "tier": "<=32K",
        "condition": "peak",
        "change": "changed",
        "old_raw": "2",
        "new_raw": "1",
        "pct": -50.0,
        "suspect": None,
    }
    assert change_row(record) == ["2026-12-01T10:00", "s", "m", "input [<=32K, peak]", "-50.0%", "2", "1"]
    assert len(CHANGE_HEADER) == len(change_row(record))


def test_prices_shows_other_kinds_with_their_amounts() -> None:
    """A model's per-image and batch prices are shown with their amounts, not only named."""
    tokens = Row(
        "s",
        "P",
        "m",
        "",
        "",
        "USD",
        "tokens",
        prices={"input": Decimal(1)},
        other=["batch_input"],
        other_prices={"batch_input": Decimal("0.5")},
    )
    images = Row(
        "s",
        "P",
        "m",
        "",
        "",
        "USD",
        "image",
        other=["per_image"],
        other_prices={"per_image": Decimal(40000)},
    )
    _header, rows = compare_table([tokens, images], None)
    assert rows[0][-1] == "batch_input 0.5 USD"
    assert rows[1][-1] == "per_image 0.04 USD/image"


def check_on_a_terminal(config: Path) -> str:
    """`monitor check` with its stdout and stderr a pseudo-terminal; all it wrote."""
    controller, terminal = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "monitor", "--config", str(config), "check"],
        stdout=terminal,
        stderr=terminal,
        env={**os.environ, "COLUMNS": "100", "TERM": "xterm"},
    )
    os.close(terminal)
    output = b""
    while True:
        ready, _w, _x = select.select([controller], [], [], 60)
        if not ready:
            break
        try:
            chunk = os.read(controller, 65536)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        output += chunk
    process.wait(timeout=60)
    os.close(controller)
    return output.decode("utf-8", "replace")


def test_check_shows_progress_on_a_terminal_and_plain_lines_elsewhere(
    tmp_path: Path, pages: PageServer
) -> None:
    """Three sources: on a terminal a progress bar counts them (then goes); piped, only the plain lines."""
    sources = ""
    for name in ("a", "b", "c"):
        pages.put(f"/{name}.md", fixture(V30).read_bytes())
        sources += f'[[source]]\nname = "{name}"\nkind = "markdown"\nurl = "{pages.url(f"/{name}.md")}"\n'
        sources += 'currency = "CNY"\n'
    config = tmp_path / "sources.toml"
    config.write_text(sources, encoding="utf-8")
    shown = check_on_a_terminal(config)
    assert "checking" in shown and "/3" in shown, shown
    assert "a: baseline" in shown and "c: baseline" in shown
    piped = subprocess.run(
        [sys.executable, "-m", "monitor", "--config", str(config), "check"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert piped.returncode == 0
    assert piped.stdout.splitlines() == ["a: unchanged", "b: unchanged", "c: unchanged"]
    assert "\x1b" not in piped.stdout + piped.stderr and "checking" not in piped.stderr
