"""The systemd unit: systemd-analyze accepts it and rates its exposure (where systemd is present)."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

UNIT = Path(__file__).parents[1] / "deploy" / "monitor.service"
analyze = shutil.which("systemd-analyze")
needs_systemd = pytest.mark.skipif(analyze is None, reason="systemd-analyze is not installed on this machine")


def local_unit(tmp_path: Path) -> Path:
    """The unit with ExecStart pointing at this checkout's monitor, so verify can find the program."""
    program = Path(sys.executable).with_name("monitor")
    path = tmp_path / "monitor.service"
    path.write_text(
        UNIT.read_text().replace("/opt/monitor/.venv/bin/monitor", str(program)), encoding="utf-8"
    )
    return path


@needs_systemd
def test_unit_passes_systemd_analyze_verify(tmp_path: Path) -> None:
    """No unknown directive, no bad value, the program exists."""
    result = subprocess.run([analyze, "verify", str(local_unit(tmp_path))], capture_output=True, text=True)  # type: ignore[list-item]
    assert result.returncode == 0, result.stderr
    assert "monitor.service" not in result.stderr


@needs_systemd
def test_unit_exposure_is_low(tmp_path: Path) -> None:
    """systemd-analyze security rates the unit; the README quotes the figure (1.4 OK on systemd 252)."""
    result = subprocess.run(
        [analyze, "security", "--offline=true", str(local_unit(tmp_path))],  # type: ignore[list-item]
        capture_output=True,
        text=True,
    )
    match = re.search(r"Overall exposure level for monitor\.service: (\d+\.\d)", result.stdout)
    assert match, result.stdout[-500:] + result.stderr
    assert float(match.group(1)) <= 2.0


def test_unit_is_type_notify_with_watchdog_and_secrets_outside_the_config() -> None:
    """Type=notify with WatchdogSec, an EnvironmentFile for secrets, a StateDirectory, DynamicUser."""
    text = UNIT.read_text()
    wanted = [
        "Type=notify",
        "WatchdogSec=",
        "EnvironmentFile=",
        "StateDirectory=monitor",
        "DynamicUser=yes",
        "ProtectSystem=strict",
        "NoNewPrivileges=yes",
        "Restart=on-failure",
        "ExecReload=",
    ]
    assert [d for d in wanted if d not in text] == []
