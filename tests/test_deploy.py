"""The systemd unit: systemd-analyze accepts it and rates its exposure (where systemd is present)."""

from __future__ import annotations

import importlib.util
import platform
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from monitor.browser import CHROMIUM_FLAGS

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


DROP_IN = UNIT.parent / "monitor.service.d" / "browser.conf"
SANDBOX = UNIT.parent / "unit_sandbox.py"
RENDER = """
import asyncio
import sys
from monitor.browser import Browsers
from monitor.errors import BrowserError

async def main():
    browsers = Browsers(url=sys.argv[1] if len(sys.argv) > 1 else "")
    try:
        page = await browsers.render(
            "data:text/html,<table><tr><td>x</td></tr></table>"
            "<script>document.title = 'drawn ' + 6 * 7</script>",
            wait_for="", timeout=60, max_bytes=10**6,
        )
        print("rendered:", page.text[:60])
    except BrowserError as error:
        print("failed:", error)
    finally:
        await browsers.aclose()

asyncio.run(main())
"""


def _sandbox_missing() -> str | None:
    """Why the unit's filters cannot be applied here, or None."""
    if analyze is None:
        return "systemd-analyze is not installed"
    if not (shutil.which("chromium") and importlib.util.find_spec("playwright")):
        return "Chromium or Playwright is not installed"
    if not Path("/usr/bin/python3").exists():
        return "Debian's /usr/bin/python3 is not there (python3-seccomp is a package for it)"
    if subprocess.run(["/usr/bin/python3", "-c", "import seccomp"], capture_output=True).returncode != 0:
        return "Debian's python3-seccomp is not installed (apt-get install python3-seccomp)"
    major, minor = (int(n) for n in re.findall(r"\d+", platform.release())[:2])
    if (major, minor) < (6, 3):
        return "Linux before 6.3 has no PR_SET_MDWE for MemoryDenyWriteExecute"
    return None


@needs_systemd
def test_unit_with_the_browser_drop_in_passes_verify_and_its_exposure_stays_low(tmp_path: Path) -> None:
    """The drop-in's settings are valid where it goes ([Service]); the README quotes the rating (1.7 OK)."""
    unit = local_unit(tmp_path)
    unit.write_text(unit.read_text() + DROP_IN.read_text(), encoding="utf-8")
    result = subprocess.run([analyze, "verify", str(unit)], capture_output=True, text=True)  # type: ignore[list-item]
    assert result.returncode == 0 and "monitor.service" not in result.stderr, result.stderr
    rating = subprocess.run(
        [analyze, "security", "--offline=true", str(unit)],  # type: ignore[list-item]
        capture_output=True,
        text=True,
    )
    match = re.search(r"Overall exposure level for monitor\.service: (\d+\.\d)", rating.stdout)
    assert match and float(match.group(1)) <= 2.0, rating.stdout[-500:]


@pytest.mark.skipif(_sandbox_missing() is not None, reason=str(_sandbox_missing()))
def test_chromium_starts_under_the_units_filters_only_with_the_drop_in(tmp_path: Path) -> None:
    """The unit's system-call filter and W^X rule, applied by deploy/unit_sandbox.py: Playwright's driver
    dies under the unit as it is, and the browser renders a page with the drop-in."""
    script = tmp_path / "render.py"
    script.write_text(RENDER, encoding="utf-8")
    outputs = []
    for files in ([UNIT], [UNIT, DROP_IN]):
        command = ["/usr/bin/python3", str(SANDBOX), *map(str, files), "--", sys.executable, str(script)]
        result = subprocess.run(command, capture_output=True, text=True, timeout=120, cwd=UNIT.parents[1])
        outputs.append(result.stdout)
    assert "failed: Playwright's driver could not be started" in outputs[0]
    assert "rendered: <html><head><title>drawn 42</title>" in outputs[1], outputs[1]


@pytest.mark.skipif(_sandbox_missing() is not None, reason=str(_sandbox_missing()))
def test_with_browser_url_the_driver_needs_only_write_execute_memory(tmp_path: Path) -> None:
    """A Chromium outside the service (browser_url): the driver in the service still dies under the unit
    as it is, and MemoryDenyWriteExecute=no alone, without the drop-in's system calls, is enough."""
    profile = tmp_path / "profile"
    chromium = subprocess.Popen(
        [str(shutil.which("chromium")), *CHROMIUM_FLAGS, "--remote-debugging-address=127.0.0.1",
         "--remote-debugging-port=0", f"--user-data-dir={profile}", "about:blank"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        port_file = profile / "DevToolsActivePort"
        for _ in range(300):
            if port_file.exists() and port_file.read_text().strip():
                break
            time.sleep(0.1)
        url = f"http://127.0.0.1:{port_file.read_text().split()[0]}"
        script = tmp_path / "render.py"
        script.write_text(RENDER, encoding="utf-8")
        write_execute = tmp_path / "write-execute.conf"
        write_execute.write_text("[Service]\nMemoryDenyWriteExecute=no\n", encoding="utf-8")
        outputs = []
        for files in ([UNIT], [UNIT, write_execute]):
            command = [
                "/usr/bin/python3",
                str(SANDBOX),
                *map(str, files),
                "--",
                sys.executable,
                str(script),
                url,
            ]
            result = subprocess.run(command, capture_output=True, text=True, timeout=120, cwd=UNIT.parents[1])
            outputs.append(result.stdout)
    finally:
        chromium.terminate()
        chromium.wait(timeout=30)
    assert "failed: Playwright's driver could not be started" in outputs[0]
    assert "rendered: <html><head><title>drawn 42</title>" in outputs[1], outputs[1]
