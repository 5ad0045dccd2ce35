"""The `monitor` command: thin click commands, each calling one function of the package.

A command imports what it uses when it runs (the extractors, httpx, apprise, feedparser, the database,
rich): `monitor --help` and the review commands do not pay for the others at start-up.
"""

from __future__ import annotations

import json
import logging
import re
import sys
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click

from monitor.compare import SORTS
from monitor.errors import ConfigError, MonitorError

if TYPE_CHECKING:
    from monitor.config import Config

# monitor.extract's EXTRACTORS and PRESETS, named here so that building the commands imports no reader
# (tests/test_cli.py checks that they agree)
KINDS = ["html", "json", "markdown"]
JSON_PRESETS = ["genai-prices", "litellm", "openrouter", "simonw-llm-prices"]


def _fail(message: str, code: int) -> NoReturn:
    click.echo(f"monitor: {message}", err=True)
    sys.exit(code)


def _config(ctx: click.Context) -> Config:
    from monitor.config import config_path, load_config

    try:
        return load_config(config_path(ctx.obj["config"]))
    except ConfigError as exc:
        _fail(str(exc), 2)


def _settings(ctx: click.Context) -> Config:
    """The configuration's [monitor] and [fx] only, for the commands that read the database: the
    sources (and the page readers they need) are not loaded."""
    from monitor.config import config_path, load_settings

    try:
        return load_settings(config_path(ctx.obj["config"]))
    except ConfigError as exc:
        _fail(str(exc), 2)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--config",
    "config",
    metavar="PATH",
    help="sources.toml to use (default: $MONITOR_CONFIG, then ./sources.toml).",
)
@click.option("-v", "--verbose", is_flag=True, help="Log every check, not only problems.")
@click.version_option(package_name="monitor")
@click.pass_context
def cli(ctx: click.Context, config: str | None, verbose: bool) -> None:
    """Watch LLM API pricing pages and alert with exactly what changed."""
    ctx.obj = {"config": config}
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )


@cli.command()
@click.option("--source", "source_name", metavar="NAME", help="Check only this source.")
@click.option(
    "--dry-run",
    is_flag=True,
    help="Fetch and read with the current settings, print what would change; write nothing.",
)
@click.pass_context
def check(ctx: click.Context, source_name: str | None, dry_run: bool) -> None:
    """Poll every source once, record and alert what changed, and exit.

    Exit code 0: all good; 1: some source failed; 2: configuration error.
    """
    import asyncio

    from monitor import views
    from monitor.messages import change_line
    from monitor.pipeline import check_sources, make_deps, preview_source

    config = _config(ctx)
    try:
        sources = [config.source(source_name)] if source_name else [s for s in config.sources if s.enabled]
        deps = make_deps(config, read_only=dry_run)
    except ConfigError as exc:
        _fail(str(exc), 2)
    except MonitorError as exc:
        _fail(str(exc), 1)

    async def go(progress: Callable[[Any], None] | None) -> list[Any]:
        try:
            if dry_run:
                previews = []
                for source in sources:
                    previews.append(await preview_source(source, deps))
                    if progress:
                        progress(previews[-1])
                return previews
            return await check_sources(sources, deps, progress=progress)
        finally:
            await deps.fetcher.aclose()

    try:
        with views.progress(len(sources)) as advance:
            outcomes = asyncio.run(go(advance))
    except MonitorError as exc:
        _fail(str(exc), 1)
    for outcome in outcomes:
        line = f"{outcome.source}: {'would be ' if dry_run else ''}{outcome.status}"
        if outcome.error:
            line += f": {outcome.error}"
        elif outcome.changes:
            line += f", {len(outcome.changes)} changes"
        click.echo(line)
        for change in outcome.changes:
            click.echo(f"  {change_line(change)}")
        for notice in outcome.notices:
            click.echo(f"  notice: {notice}")
        for problem in outcome.problems:
            click.echo(f"  unreadable: {problem}", err=True)
    sys.exit(0 if all(o.ok for o in outcomes) else 1)


@cli.command()
@click.pass_context
def run(ctx: click.Context) -> None:
    """Run as a daemon: check every source on its interval until SIGTERM or SIGINT."""
    import asyncio

    from monitor.daemon import run_daemon
    from monitor.pipeline import make_deps

    config = _config(ctx)
    logging.getLogger().setLevel(logging.INFO)
    try:
        deps = make_deps(config)
    except ConfigError as exc:
        _fail(str(exc), 2)
    except MonitorError as exc:
        _fail(str(exc), 1)
    asyncio.run(run_daemon(config, deps))


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print a JSON object for scripts.")
@click.pass_context
def status(ctx: click.Context, as_json: bool) -> None:
    """Per source: last check, last success, failures in a row, last error, next run, models, pending
    alerts; and alerts given up. Exit code 1 when something needs attention (a monitoring check)."""
    from monitor import views

    config = _config(ctx)
    store = _store(ctx)
    rows = []
    attention = []
    for source in config.sources:
        summary = store.source_summary(source.name)
        last = summary["last_check"]
        next_run = (
            (datetime.fromisoformat(last) + timedelta(seconds=source.interval)).isoformat(timespec="seconds")
            if last and source.enabled
            else None
        )
        rows.append({"source": source.name, "enabled": source.enabled, "next_run": next_run, **summary})
        if source.enabled and summary["failures"] >= config.settings.health_after:
            attention.append(
                f"{source.name}: {summary['failures']} failed checks in a row: {summary['last_error']}"
            )
    if config.settings.feed:
        from monitor.atom import feed_problem

        problem = feed_problem(config.settings.feed)
        if problem:
            attention.append(f"feed {config.settings.feed}: {problem}")
    counts = store.delivery_counts()
    if counts.get("gave_up"):
        attention.append(f"{counts['gave_up']} alert deliveries were given up (see the log)")
    report = {"sources": rows, "deliveries": counts, "attention": attention}
    if as_json:
        click.echo(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        header = [
            "source",
            "last check",
            "last success",
            "fails",
            "models",
            "pending",
            "next run",
            "last error",
        ]
        table = [
            [
                r["source"] + ("" if r["enabled"] else " (off)"),
                (r["last_check"] or "never")[:16],
                (r["last_success"] or "never")[:16],
                str(r["failures"]),
                str(r["models"]),
                str(r["pending_alerts"]),
                (r["next_run"] or "-")[:16],
                r["last_error"] or "",
            ]
            for r in rows
        ]
        click.echo(views.table(header, table))
        click.echo("deliveries: " + (", ".join(f"{n} {k}" for k, n in sorted(counts.items())) or "none"))
        for line in attention:
            click.echo(f"attention: {line}")
    sys.exit(1 if attention else 0)


@cli.command()
@click.option("--older-than", metavar="SPAN", help="Default: [monitor] keep_checks (90d).")
@click.pass_context
def prune(ctx: click.Context, older_than: str | None) -> None:
    """Forget old check rows and snapshots (changes are kept forever); the daemon does this daily."""
    from monitor.config import parse_duration

    config = _settings(ctx)
    span = parse_duration(older_than, "--older-than") if older_than else config.settings.keep_checks
    cutoff = (datetime.now(UTC) - timedelta(seconds=span)).isoformat(timespec="seconds")
    try:
        removed = _store(ctx).prune(cutoff)
    except MonitorError as exc:
        _fail(str(exc), 1)
    click.echo(", ".join(f"{n} {what}" for what, n in removed.items()) + f" older than {cutoff} removed")


@cli.command("notify-test")
@click.pass_context
def notify_test(ctx: click.Context) -> None:
    """Send a test message to every configured channel and say how each one really went.

    Exit code 0: every channel took it; 1: some did not; 2: configuration error.
    """
    from monitor.mail import is_email, send_email
    from monitor.notify import SendResult, apprise_send, check_urls, redact

    config = _config(ctx)
    urls = config.settings.notify
    try:
        check_urls(urls)
    except ConfigError as exc:
        _fail(str(exc), 2)
    if not urls:
        _fail("no notify URLs configured ([monitor] notify or MONITOR_NOTIFY)", 1)
    failed = 0
    for index, url in enumerate(urls, start=1):
        title, body = "monitor test message", "This is a test message from monitor."
        if is_email(url):  # the way alerts go by email: through smtplib, with a text and an HTML part
            error = send_email(url, title, body, f"<p>{body}</p>", redact)
            result = SendResult(error is None, error)
        else:
            result = apprise_send(url, title, body)
        click.echo(
            f"notify[{index}] {redact(url)}: {'sent' if result.ok else 'FAILED: ' + str(result.error)}"
        )
        failed += not result.ok
    sys.exit(1 if failed else 0)


def _since(value: str | None, option: str = "--since") -> str | None:
    """'2026-05-01', an ISO time, or a span back from now such as '7d' or '12h' -> an ISO time in UTC.

    For --until a bare date means the end of that day: `--until 2026-05-01` includes May 1st.
    """
    from monitor.config import parse_duration

    if value is None:
        return None
    if re.fullmatch(r"\d+(?:\.\d+)?\s*[smhd]", value.strip()):
        span = parse_duration(value, option)
        return (datetime.now(UTC) - timedelta(seconds=span)).isoformat(timespec="seconds")
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(
            f"{option}: expected a date (2026-05-01), a time, or a span (7d, 12h), got {value!r}"
        ) from None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    if option == "--until" and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
        when += timedelta(days=1)
    return when.astimezone(UTC).isoformat(timespec="seconds")


def _target_currency(config: Config, currency: str | None) -> str | None:
    """--currency X, upper-cased; a currency [fx] has no rate for ends the command (exit 2)."""
    target = currency.upper() if currency else None
    if target and not config.fx.known(target):
        _fail(f"{config.path}: [fx] has no rate for {target} (set e.g. [fx] date = ..., {target} = ...)", 2)
    return target


def _store(ctx: click.Context) -> Any:
    from monitor.store import Store

    config = _settings(ctx)
    try:
        return Store(config.settings.database)
    except MonitorError as exc:
        _fail(str(exc), 1)


@cli.command()
@click.option("--source", "source_name", metavar="NAME", help="Only this source.")
@click.option("--provider", metavar="TEXT", help="Only providers whose name contains TEXT (any case).")
@click.option("--model", metavar="TEXT", help="Only models whose name contains TEXT (any case).")
@click.option("--kind", metavar="KIND", help="Only this kind of price (input, output, cached_input ...).")
@click.option("--since", metavar="WHEN", help="From a date, a time, or a span back from now (7d, 12h).")
@click.option("--until", metavar="WHEN", help="Before a time, or to the end of a date (2026-05-31).")
@click.option("--changes-only", is_flag=True, help="Only the pricing pages' changes, not the news' claims.")
@click.option(
    "--news-only", "--news", "news_only", is_flag=True, help="Only the price claims read from news."
)
@click.option(
    "--notices-only",
    "notices_only",
    is_flag=True,
    help="Only the price notices read from the pricing pages' prose.",
)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list for scripts.")
@click.option("--csv", "as_csv", is_flag=True, help="Print CSV with a header row for spreadsheets.")
@click.pass_context
def log(
    ctx: click.Context,
    source_name: str | None,
    provider: str | None,
    model: str | None,
    kind: str | None,
    since: str | None,
    until: str | None,
    changes_only: bool,
    news_only: bool,
    notices_only: bool,
    as_json: bool,
    as_csv: bool,
) -> None:
    """Show the change log: every price changed, added or removed, the pricing pages' price notices and
    the news' price claims.

    --json and --csv print the changes (with --news-only: the claims; with --notices-only: the notices).
    """
    from monitor import views
    from monitor.store import LogFilter

    if changes_only + news_only + notices_only > 1:
        raise click.UsageError("--changes-only, --news-only and --notices-only exclude each other")
    if as_json and as_csv:
        raise click.UsageError("--json and --csv exclude each other")
    where = LogFilter(source_name, provider, model, kind, _since(since), _since(until, "--until"))
    store = _store(ctx)
    claims = [] if changes_only else [views.news_record(r) for r in store.find_news_claims(where)]
    notices = [] if news_only else [views.notice_record(r) for r in store.find_notices(where)]
    if notices_only:
        records, header, row, empty = notices, views.NOTICE_HEADER, views.notice_row, "no notices recorded"
    elif news_only:
        records, header, row, empty = claims, views.NEWS_HEADER, views.news_row, "no news claims recorded"
    else:
        records = [views.change_record(r) for r in store.find_changes(where)]
        header, row, empty = views.CHANGE_HEADER, views.change_row, "no changes recorded"
    if as_csv:
        from monitor.export import to_csv

        click.echo(to_csv(records), nl=False)
        return
    _show(records, as_json, header, row, empty)
    if notices and not notices_only and not as_json:  # beside the pages' price changes
        click.echo("\nPrice notices on the pricing pages:")
        click.echo(views.table(views.NOTICE_HEADER, [views.notice_row(r) for r in notices]))
    if claims and not news_only and not notices_only and not as_json:  # --json keeps its list of changes
        click.echo("\nNews claims:")
        click.echo(views.table(views.NEWS_HEADER, [views.news_row(r) for r in claims]))


@cli.command()
@click.option("--provider", metavar="TEXT", help="Only providers whose name contains TEXT (any case).")
@click.option(
    "--sort",
    "sort_by",
    type=click.Choice(SORTS),
    default="provider",
    show_default=True,
    help="Order of the rows; a price sorts cheapest first (converted, with --currency).",
)
@click.option(
    "--currency",
    metavar="CODE",
    help="Also show prices converted to USD, CNY, EUR ... at the [fx] rates of sources.toml.",
)
@click.option("--by-model", is_flag=True, help="With --json: one object per model, as the table shows.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list for scripts.")
@click.pass_context
def prices(
    ctx: click.Context,
    provider: str | None,
    sort_by: str,
    currency: str | None,
    by_model: bool,
    as_json: bool,
) -> None:
    """Show the latest price of every model: input, output and cached input side by side."""
    from monitor import views
    from monitor.compare import compare, sort_rows

    config = _settings(ctx)
    target = _target_currency(config, currency)
    latest = _store(ctx).all_latest_prices()
    if provider:
        latest = [r for r in latest if provider.lower() in (r["provider"] or "").lower()]
    rows = sort_rows(compare(latest, config.fx, target), sort_by)
    if as_json and by_model:
        click.echo(views.dumps([r.record(config.fx) for r in rows]))
        return
    if as_json:
        records = [views.latest_record(r) for r in latest]
        if target:
            records = [views.with_conversion(r, config.fx, target) for r in records]
        click.echo(views.dumps(records))
        return
    if not rows:
        click.echo("no prices recorded yet: run `monitor check`", err=True)
        return
    header, table = views.compare_table(rows, target)
    click.echo(views.table(header, table))
    for note in views.rate_notes(rows, config.fx):
        click.echo(note)


@cli.command()
@click.argument("model")
@click.option("--source", "source_name", metavar="NAME", help="Only this source's prices.")
@click.option(
    "--plot", type=click.Path(dir_okay=False, path_type=Path), help="Draw a step chart (.svg, .png)."
)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list of price series for scripts.")
@click.pass_context
def history(
    ctx: click.Context, model: str, source_name: str | None, plot: Path | None, as_json: bool
) -> None:
    """Every observed price of MODEL over time, per kind, tier and condition (any case, spaces or
    hyphens); --plot draws it as a step chart with each change annotated."""
    from monitor import charts, views
    from monitor.history import model_series

    store = _store(ctx)
    series = model_series(store, model, source_name)
    if not series:
        like = store.models_like(model)[:10]
        hint = f"; models containing {model!r}: {', '.join(like)}" if like else ""
        _fail(f"no prices recorded for model {model!r}{hint}", 1)
    if plot:
        try:
            image = charts.draw(series, series[0].model, datetime.now(UTC), charts.chart_format(plot))
            plot.write_bytes(image)
        except MonitorError as exc:
            _fail(str(exc), 2)
        except OSError as exc:
            _fail(f"{plot}: cannot write the chart: {exc.strerror or exc}", 1)
        click.echo(f"chart written to {plot}", err=True)
    if as_json:
        click.echo(views.dumps([views.series_record(s) for s in series]))
    else:
        click.echo(views.table(views.HISTORY_HEADER, views.history_rows(series)))


@cli.command()
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), required=True, help="Directory.")
@click.option("--since", default="7d", show_default=True, metavar="WHEN", help="What counts as latest.")
@click.option("--currency", metavar="CODE", help="Compare converted to this currency too ([fx] rates).")
@click.pass_context
def report(ctx: click.Context, out: Path, since: str, currency: str | None) -> None:
    """Write a static HTML report to a directory: latest changes, comparison table, charts."""
    from monitor.report import ReportInput, write_report

    config = _settings(ctx)
    target = _target_currency(config, currency)
    options = ReportInput(_since(since) or "", datetime.now(UTC), target, config.fx)
    try:
        index = write_report(_store(ctx), out, options)
    except MonitorError as exc:
        _fail(str(exc), 1)
    click.echo(f"report written to {index}")


@cli.command()
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True, help="The .xml file.")
@click.option("--limit", default=200, show_default=True, type=click.IntRange(1), help="Newest entries kept.")
@click.pass_context
def feed(ctx: click.Context, out: Path, limit: int) -> None:
    """Write an Atom feed of the change log (one entry per change, price notice or news claim, newest
    first)."""
    from monitor.atom import refresh_feed

    try:
        refresh_feed(_store(ctx), out, limit)
    except MonitorError as exc:
        _fail(str(exc), 1)
    click.echo(f"feed written to {out}")


@cli.command()
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["csv", "json", "litellm", "genai-prices"]),
    required=True,
    help="csv/json: the data as it is; litellm/genai-prices: the changed models in those catalogs' forms.",
)
@click.option(
    "--what",
    type=click.Choice(["prices", "changes"]),
    default="prices",
    show_default=True,
    help="With csv or json: the latest prices or the change log.",
)
@click.option("--since", metavar="WHEN", help="Changes from then on (catalog formats: default 7d).")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Write to a file, not stdout.")
@click.pass_context
def export(ctx: click.Context, fmt: str, what: str, since: str | None, out: Path | None) -> None:
    """Export prices or changes for other tools and for the public price catalogs.

    The catalogs hold USD: other currencies are converted at the [fx] rates, said in each entry; a price
    with no rate is left out and named on stderr.
    """
    from monitor import export as exports
    from monitor import views
    from monitor.store import LogFilter

    config = _settings(ctx)
    store = _store(ctx)
    if fmt in ("csv", "json"):
        if what == "prices":
            records = [views.latest_record(r) for r in store.all_latest_prices()]
        else:
            records = [views.change_record(r) for r in store.find_changes(LogFilter(since=_since(since)))]
        text = exports.to_csv(records) if fmt == "csv" else views.dumps(records) + "\n"
        skipped: list[str] = []
    else:
        changes = store.find_changes(LogFilter(since=_since(since or "7d")))
        latest = store.all_latest_prices()
        if fmt == "litellm":
            entries, skipped = exports.litellm(latest, changes, config.fx)
            text = json.dumps(entries, indent=4, ensure_ascii=False) + "\n"
        else:
            models, skipped = exports.genai_prices(latest, changes, config.fx)
            text = exports.genai_prices_yaml(models)
    for reason in skipped:
        click.echo(f"left out: {reason}", err=True)
    if out is None:
        click.echo(text, nl=False)
        return
    try:
        out.write_text(text, encoding="utf-8")
    except OSError as exc:
        _fail(f"{out}: cannot write: {exc.strerror or exc}", 1)
    click.echo(f"{what if fmt in ('csv', 'json') else fmt} export written to {out}", err=True)


def _show(
    records: list[dict[str, Any]],
    as_json: bool,
    header: list[str],
    row: Callable[[dict[str, Any]], list[str]],
    empty: str,
) -> None:
    """Records as a JSON list for scripts, or as a table for people (a note on stderr when none)."""
    from monitor import views

    if as_json:
        click.echo(views.dumps(records))
    elif records:
        click.echo(views.table(header, [row(r) for r in records]))
    else:
        click.echo(empty, err=True)


@cli.command()
@click.argument("page", required=False, metavar="[FILE|URL]")
@click.option(
    "--source",
    "source_name",
    metavar="NAME",
    help="Use this configured source's settings (kind, currency, unit, json, hints); with no FILE|URL, "
    "fetch its page. Options given here override them.",
)
@click.option("--kind", type=click.Choice(KINDS), help="How to read it (the source's kind).")
@click.option(
    "--preset", type=click.Choice(JSON_PRESETS), help="With --kind json: which JSON price list it is."
)
@click.option(
    "--mapping",
    metavar="TOML",
    help="With --kind json: where its prices are, as a source's json key says it: "
    '\'records = "data", model = "id", prices = { input = "pricing.in" }, per = "1M"\'.',
)
@click.option("--currency", help="Assumed where the page is silent (default: the source's, else USD).")
@click.option(
    "--unit",
    type=click.Choice(["token", "1K", "10K", "1M"], case_sensitive=False),
    help="Tokens a bare price is for.",
)
@click.option("--select", default="", help="Hint: a CSS selector, or a heading's words, to read under.")
@click.option(
    "--label",
    "labels",
    multiple=True,
    metavar="WORDS=MEANING",
    help="Hint: what the page's words mean, a kind or a tier ('缓存读取=cached_input'); repeatable.",
)
@click.option("--model-from", type=click.Choice(["heading", "title"]), help="Hint: where the model is named.")
@click.option("--model", default="", help="Hint: the model every table of the page prices.")
@click.option(
    "--columns",
    "columns",
    multiple=True,
    metavar="COMPONENT=MEANINGS",
    help="Hint: what a component's rows hold ('TextTokenPricingTables=model,input,cached_input,output').",
)
@click.option("--explain", is_flag=True, help="Say where each price was read, and why any amount was not.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list for scripts.")
@click.pass_context
def extract(
    ctx: click.Context,
    page: str | None,
    source_name: str | None,
    kind: str | None,
    preset: str | None,
    mapping: str | None,
    currency: str | None,
    unit: str | None,
    select: str,
    labels: tuple[str, ...],
    model_from: str | None,
    model: str,
    columns: tuple[str, ...],
    explain: bool,
    as_json: bool,
) -> None:
    """Extract the prices of a saved page or of a URL (no configuration needed): how a source is written.

    The hint options are the source keys of the same names (select, labels, model_from, model,
    columns, unit): find the ones a page needs here, then write them into sources.toml. --source NAME tries a
    configured source (its page, or FILE|URL, read with its settings)."""
    from monitor import views
    from monitor.config import Settings, parse_per
    from monitor.diff import page_problem
    from monitor.extract import extract_prices

    config = _config(ctx) if source_name else None
    try:
        source = config.source(source_name) if config and source_name else None
    except ConfigError as exc:
        _fail(str(exc), 2)
    if source and source.kind == "feed":
        _fail(f"source {source.name} is a news feed: read its articles with `monitor extract-news`", 2)
    kind = kind or (source.kind if source else None)
    if kind is None:
        raise click.UsageError("--kind is required (html, markdown or json), or --source NAME")
    where = page or (source.url if source else None)
    if where is None:
        raise click.UsageError("give a FILE or a URL to read, or --source NAME to read its page")
    hints = _extract_hints(source, select, labels, model_from, model, columns)
    options = _json_options(preset, mapping) or (source.json if source else None)
    if kind == "json" and options is None:
        _fail(
            "--kind json: say which JSON it is: --preset NAME, or --mapping 'records = ..., prices = ...'", 2
        )
    per = parse_per(unit, "--unit") if unit else (source.per if source else None)
    settings = config.settings if config else Settings(database=Path("monitor.db"))
    text = _read_page(where, settings)
    currency = (currency or (source.currency if source else "USD")).upper()
    result = extract_prices(kind, text, currency, options, per=per, hints=hints)
    records = [views.price_record(p) for p in result.prices]
    if as_json:
        click.echo(views.dumps(records))
    elif explain:
        for price in result.prices:
            click.echo(views.explained(price))
    else:
        rows = [views.price_row({**r, "source": ""})[1:] for r in records]
        click.echo(views.table(views.PRICE_HEADER[1:], rows))
    for problem in result.problems:
        click.echo(f"{'not read' if explain else 'unreadable'}: {problem}", err=True)
    if not result.prices:
        # as `monitor check` names it: a bot check, or no prices
        _fail(f"{where}: {page_problem([], [], text)}", 1)


def _extract_hints(
    source: Any,
    select: str,
    labels: tuple[str, ...],
    model_from: str | None,
    model: str,
    columns: tuple[str, ...],
) -> Any:
    """The source's hints (if any) with the options given on the command line in their place."""
    from monitor.config import parse_hints

    pairs = [label.partition("=") for label in labels]
    if any(not sep or not word.strip() for word, sep, _meaning in pairs):
        _fail("--label: expected WORDS=MEANING, such as '缓存读取=cached_input'", 2)
    kept = source.hints if source else None
    raw: dict[str, Any] = {
        "select": select or (kept.select if kept else ""),
        "labels": {**dict(kept.labels if kept else ()), **{w.strip(): m.strip() for w, _s, m in pairs}},
    }
    if model_from or model or not kept:
        raw.update(model_from=model_from or "", model=model)
    else:
        raw.update(model_from=kept.model_from, model=kept.model)
    named = [column.partition("=") for column in columns]
    if any(not sep or not name.strip() for name, sep, _meanings in named):
        _fail("--columns: expected COMPONENT=MEANINGS, such as 'PriceTable=model,input,output'", 2)
    given: dict[str, list[list[str]]] = {}
    for name, _sep, meanings in named:  # a component named twice: rows of two widths
        given.setdefault(name.strip(), []).append([m.strip() for m in meanings.split(",")])
    kept_columns = {name: [list(m) for m in widths] for name, widths in (kept.columns if kept else ())}
    raw["columns"] = {**kept_columns, **given}
    try:
        return parse_hints(raw, "extract")
    except ConfigError as error:
        _fail(str(error).replace("extract: ", "--", 1).replace("_from", "-from"), 2)


def _json_options(preset: str | None, mapping: str | None) -> Any:
    """--preset NAME or --mapping TOML (a source's json table, braces optional) -> JsonOptions, or None."""
    import tomllib

    from monitor.config import parse_json_options
    from monitor.extract import JsonOptions

    if preset and mapping:
        raise click.UsageError("--preset and --mapping exclude each other")
    if preset:
        return JsonOptions(preset=preset)
    if not mapping:
        return None
    text = mapping.strip()
    text = text if text.startswith("{") else "{ " + text + " }"
    try:
        raw = tomllib.loads(f"json = {text}")["json"]
        return parse_json_options(raw, "--mapping")
    except tomllib.TOMLDecodeError as error:
        _fail(
            f'--mapping: not a TOML table ({error}); e.g. \'records = "data", prices = {{ input = "in" }}\'',
            2,
        )
    except ConfigError as error:
        _fail(str(error), 2)


def _read_page(where: str, settings: Any) -> str:
    """A saved page's text, or a URL's as `monitor check` fetches it (charset, size cap, timeout)."""
    import asyncio

    from monitor.errors import FetchError
    from monitor.fetch import Fetcher, decode_body

    if re.match(r"https?://", where, re.I):

        async def get() -> str:
            fetcher = Fetcher(settings)
            try:
                return (await fetcher.fetch(where)).text
            finally:
                await fetcher.aclose()

        try:
            return asyncio.run(get())
        except FetchError as exc:  # its message names the URL
            _fail(str(exc), 1)
    path = Path(where)
    if not path.is_file():
        _fail(f"{where}: no such file (a URL starts with http:// or https://)", 2)
    try:
        return decode_body(path.read_bytes(), "")[0]
    except OSError as exc:
        _fail(f"{where}: cannot read: {exc.strerror or exc}", 2)


@cli.command("extract-news")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--aliases",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A model alias table of your own (the form of monitor/news_aliases.toml).",
)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list for scripts.")
def extract_news(file: Path, aliases: Path | None, as_json: bool) -> None:
    """Print the price claims of a saved article, plain text or HTML (no configuration needed)."""
    from monitor import views
    from monitor.fetch import decode_body
    from monitor.news import article_text, extract_claims, load_aliases

    text, _encoding = decode_body(file.read_bytes(), "")
    if re.search(r"<(?:html|body|p|div|article)\b", text[:4096], re.I):
        text = article_text(text)
    try:
        table = load_aliases(aliases) if aliases else None
    except (OSError, ValueError, KeyError, AttributeError, TypeError) as error:
        _fail(f'{aliases}: not an alias table ({error}); expected [providers] name = ["alias", ...]', 2)
    claims = extract_claims(text, table)
    if as_json:
        click.echo(views.dumps([claim.to_json() for claim in claims]))
    else:
        rows = [
            [
                c.model,
                c.provider,
                c.kind + (f" [{c.tier}]" if c.tier else ""),
                "" if c.old_per_million is None else f"{c.old_per_million} {c.currency}",
                "free" if c.free else f"{c.new_per_million} {c.currency}",
                c.quote[:60],
            ]
            for c in claims
        ]
        click.echo(views.table(["model", "provider", "kind", "old /1M", "new /1M", "quote"], rows))
    if not claims:
        _fail(f"{file}: no price claims found", 1)


def main() -> None:
    cli(prog_name="monitor")
