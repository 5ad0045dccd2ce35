"""Start-up time of quick commands against the interpreter's own: `monitor --help` and `monitor log`
beside `python -c "import click"`, on the same machine, in fresh processes.

Run: .venv/bin/python bench/startup.py [--runs N]   (default 15 runs each, the median of each reported)
Target (issue 17): each command within 3x of `python -c "import click"`.

`monitor log` reads an empty database in a temporary folder (its start-up, not the size of a change log,
is measured). The printed import list says which heavy packages each command loaded.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HEAVY = ("apprise", "httpx", "feedparser", "matplotlib", "numpy", "sqlite_utils", "rich", "monitor.extract")
PROBE = (
    "import sys, runpy; sys.argv = {argv!r}; "
    "import atexit, json; atexit.register(lambda: print(json.dumps(sorted(m for m in {heavy!r} "
    "if m in sys.modules)), file=sys.stderr)); runpy.run_module('monitor', run_name='__main__')"
)


def timed(command: list[str], runs: int) -> tuple[float, float]:
    """The median wall time and the median CPU time (user + system) of `command` over `runs` fresh
    processes, in seconds. CPU time is what to compare on a busy shared machine."""
    walls, cpus = [], []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        walls.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return statistics.median(walls), statistics.median(cpus)


def loaded(argv: list[str]) -> list[str]:
    """The heavy packages `monitor ARGV` imports."""
    probe = PROBE.format(argv=["monitor", *argv], heavy=HEAVY)
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=False)
    return list(json.loads(result.stderr.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    runs = parser.parse_args().runs
    with tempfile.TemporaryDirectory() as folder:
        config = Path(folder) / "sources.toml"
        config.write_text('[monitor]\ndatabase = "monitor.db"\n', encoding="utf-8")
        subprocess.run([sys.executable, "-m", "monitor", "--config", str(config), "log"], capture_output=True)
        monitor = [sys.executable, "-m", "monitor"]
        click = timed([sys.executable, "-c", "import click"], runs)
        rows = [
            ("monitor --help", timed([*monitor, "--help"], runs), loaded(["--help"])),
            (
                "monitor log",
                timed([*monitor, "--config", str(config), "log"], runs),
                loaded(["--config", str(config), "log"]),
            ),
        ]
    wall, cpu = click
    print(f"python -c 'import click': {wall * 1000:.0f} ms wall, {cpu * 1000:.0f} ms CPU (medians of {runs})")
    for name, (seconds, used), heavy in rows:
        imports = ", ".join(heavy) or "none of them"
        print(
            f"{name}: {seconds * 1000:.0f} ms wall ({seconds / wall:.2f}x), {used * 1000:.0f} ms CPU "
            f"({used / cpu:.2f}x); imports {imports}"
        )


if __name__ == "__main__":
    main()
