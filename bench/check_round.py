"""The check-round benchmark: N pricing pages served on 127.0.0.1, checked by the monitor's own pipeline
(fetch, extract, normalize, diff, store) twice: a first round (every page new: its baseline), then, after
one price changed on a fraction of the pages, a change round.

Run: .venv/bin/python bench/check_round.py            (N = 200 and 1000, 3 runs each, medians)
     .venv/bin/python bench/check_round.py --n 1000 --one-core   (issue 19's figures: taskset -c 0)
     .venv/bin/python bench/check_round.py --n 1000 --runs 5 --workers 2 --fresh 0.1 --mutate 0.01

Prints per N: wall time, pages/s, CPU seconds (the monitor's processes, not the server's), peak RSS,
database and snapshot bytes added, and the changes detected against the truth (mutated pages missed,
unmutated pages reported changed). Targets (issue 8), N = 1000, change round, 10% of pages carrying a
fresh token per response: >= 1000 pages/s on both cores, >= 500 on one, peak RSS <= 80 MB, no snapshot
bytes for an unchanged page, every mutated page detected and no false change.

Beside the monitor, each run checks the same pages (a server of its own, the same seed, so the same
pages and the same mutation) with a bare loop: httpx fetches them under the same per-host limit,
selectolax parses each and takes its tables' text, and a SHA-256 of that text tells a changed page, as
urlwatch does. The ratio of the monitor's wall time to the loop's, per round, is the figure (issue 19:
first round within 2x, change round within 1.3x); this machine's absolute speed varies by 3x between days.

With --urlwatch COMMAND (the `urlwatch` command of a virtualenv holding urlwatch 2.29, `pip install
urlwatch==2.29`; not a dependency of the project), each run also checks the same pages with urlwatch, the
tool issue 19 was measured against: a job per page selecting its tables (`css: table`, then
`html2text`), its own 10 worker threads, its cache in a new file, its stdout report parsed for the changed
pages. urlwatch runs as a command, so its start-up (its `--list` of the same jobs, timed the same way) is
taken off its wall time.

The pages are spread over 10 loopback hosts (127.0.0.1 ... 127.0.0.10, a provider per host as in real
use) and the benchmark's own configuration sets one fetch per host at a time: 10 concurrent fetches in
all. With --workers 2 the round is split by host over two processes, so the per-host limit still holds.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from pages import PageServer

HOSTS = 10  # the server listens on 127.0.0.1 ... 127.0.0.10; page i is on host i % 10
PER_HOST = 1  # 10 hosts x 1 = 10 concurrent fetches in all, as in the comparison (default: 2)


def database_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in (path, Path(f"{path}-wal")) if p.exists())


def snapshot_stats(path: Path) -> tuple[int, int]:
    import sqlite3

    with sqlite3.connect(path) as db:
        count, size = db.execute(
            "select count(*), coalesce(sum(length(content)), 0) from snapshots"
        ).fetchone()
    return int(count), int(size)


async def _round(
    indices: list[int], urls: list[str], database: Path, workers: int, per_host: int
) -> dict[str, Any]:
    """One check round of pages `indices` in this process, as `monitor check` runs it."""
    from monitor.config import Settings, Source
    from monitor.fetch import Fetcher
    from monitor.notify import Notifier
    from monitor.pipeline import Deps, check_sources, utc_now
    from monitor.store import Store

    settings = Settings(database=database, per_host=per_host, retries=0, timeout=60, workers=workers)
    sources = [
        Source(f"p{i}", "Bench", "html", urls[i], "CNY" if i % 2 == 0 else "USD", 3600) for i in indices
    ]
    deps = Deps(Store(database), Fetcher(settings), Notifier((), utc_now))
    try:
        outcomes = await check_sources(sources, deps)  # split over `workers` processes by host
    finally:
        await deps.fetcher.aclose()
        deps.store.close()
    return {
        "statuses": dict(Counter(o.status for o in outcomes)),
        "changed": sorted(int(o.source[1:]) for o in outcomes if o.status == "changed"),
        "errors": [o.error for o in outcomes if o.error][:3],
    }


async def _bare_round(urls: list[str], per_host: int, seen: dict[int, str]) -> dict[str, Any]:
    """One round of the bare loop: fetch, parse, the tables' text, its digest against the last round's."""
    from selectolax.lexbor import LexborHTMLParser

    hosts = {httpx.URL(url).host for url in urls}
    limits = {host: asyncio.Semaphore(per_host) for host in hosts}
    changed: list[int] = []

    async def one(client: httpx.AsyncClient, index: int) -> None:
        url = urls[index]
        async with limits[httpx.URL(url).host]:
            response = await client.get(url)
        tree = LexborHTMLParser(response.text)
        text = "\n".join(table.text(separator=" ") for table in tree.css("table"))
        digest = hashlib.sha256(text.encode()).hexdigest()
        if index in seen and seen[index] != digest:
            changed.append(index)
        seen[index] = digest

    async with httpx.AsyncClient(timeout=60) as client:
        await asyncio.gather(*(one(client, i) for i in range(len(urls))))
    return {"statuses": {}, "changed": sorted(changed), "errors": []}


def worker(args: argparse.Namespace) -> None:
    """Both rounds in one process (the monitor as one `monitor check` after another, or the bare loop
    with --bare); JSON on stdout."""
    database = Path(args.database)
    if args.urlwatch:
        print(json.dumps(urlwatch_worker(args, database.parent)))
        return
    report: dict[str, Any] = {}
    indices = list(range(args.count))
    urls = json.loads(Path(args.urls).read_text())
    seen: dict[int, str] = {}  # the bare loop's digests
    # what either imports is loaded before the clock starts: the rounds are compared, not start-up
    if args.bare:
        import selectolax.lexbor  # noqa: F401
    else:
        import monitor.pipeline  # noqa: F401
    for name in ("first", "change"):
        if name == "change":
            truth = httpx.get(f"{args.control}/_mutate/{args.mutate}/{args.seed}").json()
            report["truth"] = truth
        before_db = database_bytes(database) if database.exists() else 0
        before_snap = snapshot_stats(database) if database.exists() else (0, 0)
        cpu = time.process_time()
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        wall = time.perf_counter()
        if args.bare:
            outcome = asyncio.run(_bare_round(urls, args.per_host, seen))
        else:
            outcome = asyncio.run(_round(indices, urls, database, args.workers, args.per_host))
        wall = time.perf_counter() - wall
        after_children = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (
            time.process_time()
            - cpu
            + (after_children.ru_utime + after_children.ru_stime - children.ru_utime - children.ru_stime)
        )
        snap = snapshot_stats(database) if database.exists() else (0, 0)
        report[name] = {
            "wall": wall,
            "pages_per_s": args.count / wall,
            "cpu": cpu,
            "db_bytes": database_bytes(database) - before_db,
            "snapshots": snap[0] - before_snap[0],
            "snapshot_bytes": snap[1] - before_snap[1],
            **outcome,
        }
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    report["peak_rss_mb"] = max(own, kids) / 1024
    report["peak_rss_total_mb"] = (own + kids) / 1024 if args.workers > 1 else own / 1024
    print(json.dumps(report))


def run_once(n: int, args: argparse.Namespace, bare: bool = False, urlwatch: bool = False) -> dict[str, Any]:
    """Both rounds over N fresh pages: by the monitor, by the bare loop, or by urlwatch."""
    server = PageServer(n, args.fresh, args.hosts)
    try:
        with tempfile.TemporaryDirectory() as folder:
            urls = Path(folder) / "urls.json"
            urls.write_text(json.dumps([server.url(i) for i in range(n)]))
            command = [
                sys.executable, __file__, "--worker", "--count", str(n), "--urls", str(urls),
                "--control", server.control(""),
                "--database", str(Path(folder) / "monitor.db"), "--mutate", str(args.mutate),
                "--seed", str(args.seed), "--workers", str(args.workers), "--per-host", str(args.per_host),
            ]  # fmt: skip
            if bare:
                command.append("--bare")
            if urlwatch:  # the worker pins the urlwatch commands it times, not itself
                command += ["--urlwatch", args.urlwatch] + (["--one-core"] if args.one_core else [])
            elif args.one_core:
                command = ["taskset", "-c", "0", *command]
            done = subprocess.run(command, capture_output=True, text=True, check=False)
            if done.returncode != 0:
                raise SystemExit(f"worker failed:\n{done.stderr[-3000:]}")
            return dict(json.loads(done.stdout.strip().splitlines()[-1]))
    finally:
        server.close()


def urlwatch_worker(args: argparse.Namespace, folder: Path) -> dict[str, Any]:
    """Both rounds by urlwatch (a command per round, children of this worker: their peak RSS is its
    children's), in the worker's JSON shape."""
    urls = json.loads(Path(args.urls).read_text())
    n = len(urls)
    jobs = "---\n".join(
        f"name: p{i}\nurl: {url}\nfilter:\n  - css: table\n  - html2text\n" for i, url in enumerate(urls)
    )
    (folder / "urls.yaml").write_text(jobs)
    command = [
        args.urlwatch, "--urls", str(folder / "urls.yaml"),
        "--config", str(folder / "config.yaml"), "--hooks", str(folder / "hooks.py"),
        "--cache", str(folder / "cache.db"),
    ]  # fmt: skip
    if args.one_core:  # the worker itself is not pinned: only what it times
        command = ["taskset", "-c", "0", *command]

    def timed(extra: list[str]) -> tuple[float, float, str]:
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        wall = time.perf_counter()
        done = subprocess.run([*command, *extra], capture_output=True, text=True, check=False)
        wall = time.perf_counter() - wall
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if done.returncode != 0:
            raise SystemExit(f"urlwatch failed:\n{done.stderr[-3000:]}")
        cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
        return wall, cpu, done.stdout

    timed(["--list"])  # writes its default config: the start-up below is measured as a round finds it
    starts = [timed(["--list"]) for _ in range(3)]  # its start-up varies by 15%: the median of three
    start_wall = statistics.median(wall for wall, _cpu, _out in starts)
    start_cpu = statistics.median(cpu for _wall, cpu, _out in starts)
    report: dict[str, Any] = {}
    for name in ("first", "change"):
        if name == "change":
            report["truth"] = httpx.get(f"{args.control}/_mutate/{args.mutate}/{args.seed}").json()
        wall, cpu, out = timed([])
        wall, cpu = max(wall - start_wall, 1e-6), max(cpu - start_cpu, 0.0)
        changed = sorted(int(m) for m in re.findall(r"^\d+\. CHANGED: p(\d+)\b", out, re.M))
        errors = re.findall(r"^\d+\. ERROR: .*$", out, re.M)[:3]
        report[name] = {
            "wall": wall, "pages_per_s": n / wall, "cpu": cpu, "db_bytes": 0, "snapshots": 0,
            "snapshot_bytes": 0, "changed": changed if name == "change" else [], "errors": errors,
        }  # fmt: skip
    rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # the largest child so far
    report["peak_rss_mb"] = report["peak_rss_total_mb"] = rss
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, action="append", help="pages (default: 200 and 1000)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--fresh", type=float, default=0.1, help="fraction of pages with a fresh token")
    parser.add_argument("--mutate", type=float, default=0.01, help="fraction of pages with a price changed")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", type=int, default=1, help="[monitor] workers: processes checking")
    parser.add_argument("--hosts", type=int, default=HOSTS, help="loopback hosts the pages are spread over")
    parser.add_argument("--per-host", type=int, default=PER_HOST, help="[monitor] per_host of the run")
    parser.add_argument("--one-core", action="store_true", help="pin the monitor to one core (taskset)")
    parser.add_argument("--urlwatch", metavar="COMMAND", help="also run this urlwatch 2.29 command")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--bare", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--urls", help=argparse.SUPPRESS)
    parser.add_argument("--control", help=argparse.SUPPRESS)
    parser.add_argument("--count", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--database", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args)
        return
    print(
        f"check rounds: {args.runs} runs each, medians; {args.fresh:.0%} of pages with a fresh token per "
        f"response, {args.mutate:.0%} mutated; {args.hosts} hosts x per_host {args.per_host}; "
        f"workers={args.workers}"
        f"{' pinned to one core' if args.one_core else ''}; "
        f"{os.cpu_count()} cores, Python {sys.version.split()[0]}"
    )
    header = (
        f"{'N':>5} {'round':<7} {'by':<8} {'wall s':>7} {'pages/s':>8} {'x bare':>7} {'CPU s':>6} "
        f"{'RSS MB':>7} {'DB +KB':>8} {'snaps':>6} {'snap +KB':>9} {'detected':>9} {'missed':>7} {'false':>6}"
    )
    print(header)
    for n in args.n or [200, 1000]:
        runs, bare, watched = [], [], []
        for _ in range(args.runs):  # one beside the other, so all see the machine as it is
            runs.append(run_once(n, args))
            bare.append(run_once(n, args, bare=True))
            if args.urlwatch:
                watched.append(run_once(n, args, urlwatch=True))
        for name in ("first", "change"):
            print_round(n, name, "monitor", runs, ratio(name, runs, bare))
            print_round(n, name, "bare", bare, 1.0)
            if watched:
                print_round(n, name, "urlwatch", watched, ratio(name, watched, bare))
                times = ratio(name, runs, watched)
                print(f"      {name} round: the monitor's wall time is {times:.2f}x urlwatch's")


def ratio(name: str, results: list[dict[str, Any]], to: list[dict[str, Any]]) -> float:
    """The median over runs of one's wall time over the other's in the same run, for round `name`."""
    pairs = zip(results, to, strict=True)
    return statistics.median(r[name]["wall"] / b[name]["wall"] for r, b in pairs)


def print_round(n: int, name: str, by: str, runs: list[dict[str, Any]], ratio: float) -> None:
    rows = [r[name] for r in runs]
    truth = [set(r.get("truth", [])) for r in runs]
    detected = [set(row["changed"]) for row in rows]
    change = name == "change"
    missed = max(len(t - d) for t, d in zip(truth, detected, strict=True)) if change else 0
    false = max(len(d - t) for t, d in zip(truth, detected, strict=True)) if change else 0

    def med(key: str) -> float:
        return statistics.median(float(r[key]) for r in rows)

    print(
        f"{n:>5} {name:<7} {by:<8} {med('wall'):>7.2f} {med('pages_per_s'):>8.0f} {ratio:>7.2f} "
        f"{med('cpu'):>6.2f} {statistics.median(r['peak_rss_total_mb'] for r in runs):>7.1f} "
        f"{med('db_bytes') / 1024:>8.0f} {med('snapshots'):>6.0f} {med('snapshot_bytes') / 1024:>9.0f} "
        f"{statistics.median(len(d) for d in detected) if change else '-':>9} "
        f"{missed if change else '-':>7} {false if change else '-':>6}"
    )
    errors = [e for row in rows for e in row["errors"]]
    if errors:
        print(f"      errors: {errors[:3]}")


if __name__ == "__main__":
    main()
