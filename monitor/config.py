"""sources.toml -> frozen dataclasses; every error names its place (`source[2] (bailian): url: ...`)."""

from __future__ import annotations

import datetime
import hashlib
import os
import re
import tomllib
from collections.abc import Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from monitor.digest import DIGEST_MODES, DigestPolicy, parse_window
from monitor.errors import ConfigError
from monitor.fx import Rates
from monitor.rules import reading_rules_digest

if TYPE_CHECKING:
    # imported where used: monitor.extract loads every page reader, which the commands that only read
    # the database (load_settings) do not need
    from monitor.extract.hints import Hints
    from monitor.extract.json_prices import JsonOptions

DEFAULT_CONFIG = "sources.toml"
SOURCE_KINDS = ("html", "markdown", "json", "feed")
FETCHES = ("http", "browser")
_PER = {"token": 1, "1k": 1_000, "10k": 10_000, "1m": 1_000_000}

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|m|h|d)\s*$")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
_CURRENCY = re.compile(r"^[A-Z]{3}$")


@dataclass(frozen=True)
class Source:
    """One page to watch."""

    name: str
    provider: str
    kind: str
    url: str
    currency: str
    interval: float  # seconds
    enabled: bool = True
    json: JsonOptions | None = None  # kind = "json" only: a preset or a mapping
    per: int | None = None  # tokens a price is for, assumed where the page does not say (`unit`)
    hold: int = 1  # observations a change must hold before it is recorded and alerted (flap control)
    alert_min_percent: Decimal = Decimal(0)  # smaller price moves are recorded but not alerted
    alert_min_absolute: Decimal = Decimal(0)  # per 1M units, in the price's currency
    alert_kinds: tuple[str, ...] = ()  # only these kinds of price are alerted; empty: all
    notify: tuple[str, ...] | None = None  # this source's channels (URLs); None: [monitor] notify
    links: str | None = None  # kind = "feed" only: a CSS selector for article links on an HTML listing page
    allow_private: bool = False  # fetch an item's link even where it resolves to a private address
    fetch: str = "http"  # "browser": loaded in headless Chromium, the rendered DOM is read (kind = "html")
    wait_for: str = ""  # fetch = "browser": a CSS selector whose presence says the prices are drawn
    timeout: float | None = None  # seconds for this page's fetch; None: [monitor] timeout
    # what no reader can infer about the page: select, labels, model_from, model (html and markdown)
    hints: Hints = field(default_factory=lambda: _hints())

    def settings_fingerprint(self) -> str:
        """A digest of what the page is read with (kind, currency, unit, json mapping, hints, a browser
        fetch, and monitor's reading rules themselves): when it changes, the next check reads the page
        again whatever its bytes, and logs the difference as a correction ('reread')."""
        # the json mapping with its prices sorted: keys written in another order are the same mapping
        mapping = replace(self.json, prices=dict(sorted(self.json.prices.items()))) if self.json else None
        read_with = f"{self.kind}\0{self.currency}\0{self.per}\0{mapping!r}\0{self.hints.fingerprint()}"
        read_with += f"\0{reading_rules_digest()}"  # and with which rules: an upgrade re-reads too
        if self.fetch != "http":  # only then: an http source's fingerprint stays what it was
            read_with += f"\0{self.fetch}"
        return hashlib.sha256(read_with.encode()).hexdigest()


@dataclass(frozen=True)
class Settings:
    """The [monitor] table: where to store, whom to tell, how to fetch."""

    database: Path
    notify: tuple[str, ...] = ()
    channels: dict[str, tuple[str, ...]] = field(default_factory=dict)  # named lists of apprise URLs
    digest: DigestPolicy = field(default_factory=DigestPolicy)  # digest mode, quiet hours, timezone
    interval: float = 3600.0
    timeout: float = 30.0
    max_bytes: int = 10 * 1024 * 1024
    per_host: int = 2
    retries: int = 2
    user_agent: str = "monitor/0.1 (LLM price-change monitor)"
    alert_retry: float = 60.0  # first wait after a failed delivery; doubles per failure, up to 6 h
    alert_max_age: float = 2 * 86400.0  # an alert not delivered by then is given up, and reported
    health_after: int = 3  # failed or broken checks in a row before a source-problem alert
    keep_checks: float = 90 * 86400.0  # check rows and snapshots are kept this long (changes: forever)
    feed: Path | None = None  # an Atom feed of changes the daemon rewrites after each check
    workers: int = 1  # processes a `monitor check` round is split over, by host (per-host limits hold)
    browser_url: str = ""  # a browser that runs elsewhere (DevTools endpoint); "": start the local Chromium
    browser_pages: int = 2  # pages open in the browser at a time
    browser_path: str = ""  # the Chromium to start; "": chromium (or chromium-browser ...) on PATH


@dataclass(frozen=True)
class Config:
    path: Path
    settings: Settings
    sources: tuple[Source, ...] = field(default_factory=tuple)
    fx: Rates = field(default_factory=Rates)  # [fx]: exchange rates for comparing, set by the user

    def source(self, name: str) -> Source:
        for source in self.sources:
            if source.name == name:
                return source
        known = ", ".join(s.name for s in self.sources) or "none"
        raise ConfigError(f"{self.path}: no source named {name!r} (known: {known})")


# The keys a user may write: a source's `unit` is stored as `per` (tokens a price is for).
MONITOR_KEYS = frozenset(Settings.__dataclass_fields__) - {"digest"} | {"digest", "quiet_hours", "timezone"}
HINT_KEYS = (
    "select",
    "labels",
    "model_from",
    "model",
    "columns",
)  # a source's hints, kept together as `hints`
SOURCE_KEYS = frozenset(Source.__dataclass_fields__) - {"per", "hints"} | {"unit", *HINT_KEYS}


def parse_duration(value: object, where: str) -> float:
    """'90s', '30m', '1h', '1d' or a number of seconds -> seconds."""
    if isinstance(value, bool):
        raise ConfigError(f"{where}: expected a duration such as '30m', got {value!r}")
    if isinstance(value, int | float):
        seconds = float(value)
    elif isinstance(value, str) and (match := _DURATION.match(value)):
        seconds = float(match.group(1)) * _UNIT_SECONDS[match.group(2)]
    else:
        raise ConfigError(f"{where}: expected a duration such as '90s', '30m', '1h' or '1d', got {value!r}")
    if seconds <= 0:
        raise ConfigError(f"{where}: must be greater than zero, got {value!r}")
    return seconds


def config_path(option: str | None) -> Path:
    """--config wins, then MONITOR_CONFIG, then ./sources.toml."""
    return Path(option or os.environ.get("MONITOR_CONFIG") or DEFAULT_CONFIG)


def _hints() -> Hints:
    from monitor.extract.hints import Hints

    return Hints()


def _read(path: Path) -> dict[str, Any]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: configuration file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    _reject_unknown(data, {"monitor", "source", "fx"}, f"{path}")
    return data


def load_settings(path: Path, environ: Mapping[str, str] | None = None) -> Config:
    """The [monitor] and [fx] tables only, checked as load_config checks them; no source is read. For
    the commands that only read the database (log, history, export ...): they start without the page
    readers that parsing sources needs."""
    environ = os.environ if environ is None else environ
    data = _read(path)
    settings = _parse_settings(data.get("monitor", {}), path, environ)
    return Config(path=path, settings=settings, fx=_parse_fx(data.get("fx", {}), f"{path}: fx"))


def load_config(path: Path, environ: Mapping[str, str] | None = None) -> Config:
    """Read and check the whole file; raise ConfigError at the first mistake, naming its place."""
    environ = os.environ if environ is None else environ
    data = _read(path)
    settings = _parse_settings(data.get("monitor", {}), path, environ)
    fx = _parse_fx(data.get("fx", {}), f"{path}: fx")
    raw_sources = data.get("source", [])
    if not isinstance(raw_sources, list):
        raise ConfigError(f"{path}: source: expected [[source]] tables")
    sources: dict[str, Source] = {}  # by name: one look-up per source, not a comparison with each before it
    for index, raw in enumerate(raw_sources, start=1):
        source = _parse_source(raw, index, settings, path, environ)
        if source.name in sources:
            raise ConfigError(f"{path}: source[{index}] ({source.name}): name: used twice")
        sources[source.name] = source
    return Config(path=path, settings=settings, sources=tuple(sources.values()), fx=fx)


def _parse_settings(raw: object, path: Path, environ: Mapping[str, str]) -> Settings:
    where = f"{path}: monitor"
    if not isinstance(raw, dict):
        raise ConfigError(f"{where}: expected a [monitor] table")
    defaults = Settings(database=Path("monitor.db"))
    _reject_unknown(raw, MONITOR_KEYS, where)
    database = _string(raw, "database", where, default="monitor.db")
    db_path = Path(database)
    if not db_path.is_absolute():
        db_path = path.parent / db_path
    notify = _urls(raw.get("notify", []), f"{where}: notify", environ)
    urls = tuple(
        dict.fromkeys(notify + _urls(environ.get("MONITOR_NOTIFY", "").split(), "MONITOR_NOTIFY", environ))
    )
    channels_raw = raw.get("channels", {})
    if not isinstance(channels_raw, dict):
        raise ConfigError(f"{where}: channels: expected a table of name = [apprise URLs]")
    channels = {
        name: tuple(_urls(value, f"{where}: channels.{name}", environ))
        for name, value in channels_raw.items()
    }
    feed = raw.get("feed")
    if feed is not None:
        # beside the database (the service's state directory), never in the read-only config directory
        feed = db_path.parent / _string(raw, "feed", where)
    browser_url = _string(raw, "browser_url", where) if "browser_url" in raw else ""
    parts = urlsplit(browser_url)
    if browser_url and (parts.scheme not in ("http", "https", "ws", "wss") or not parts.hostname):
        raise ConfigError(
            f"{where}: browser_url: expected a browser's DevTools address such as 'http://127.0.0.1:9222' "
            f"or 'ws://browserless:3000', got {browser_url!r}"
        )
    return Settings(
        database=db_path,
        feed=feed,
        notify=urls,
        channels=channels,
        digest=_parse_digest(raw, where),
        interval=parse_duration(raw.get("interval", "1h"), f"{where}: interval"),
        timeout=parse_duration(raw.get("timeout", defaults.timeout), f"{where}: timeout"),
        max_bytes=_positive_int(raw, "max_bytes", where, defaults.max_bytes),
        per_host=_positive_int(raw, "per_host", where, defaults.per_host),
        retries=_positive_int(raw, "retries", where, defaults.retries, allow_zero=True),
        user_agent=_string(raw, "user_agent", where, default=defaults.user_agent),
        health_after=_positive_int(raw, "health_after", where, defaults.health_after),
        workers=_positive_int(raw, "workers", where, defaults.workers),
        browser_url=browser_url,
        browser_pages=_positive_int(raw, "browser_pages", where, defaults.browser_pages),
        browser_path=_string(raw, "browser_path", where) if "browser_path" in raw else "",
        keep_checks=parse_duration(raw.get("keep_checks", defaults.keep_checks), f"{where}: keep_checks"),
        alert_retry=parse_duration(raw.get("alert_retry", defaults.alert_retry), f"{where}: alert_retry"),
        alert_max_age=parse_duration(
            raw.get("alert_max_age", defaults.alert_max_age), f"{where}: alert_max_age"
        ),
    )


def _parse_fx(raw: object, where: str) -> Rates:
    """[fx] date = "2026-11-20", base = "USD", CNY = 7.12, EUR = 0.86: units of each per one base."""
    if not isinstance(raw, dict):
        raise ConfigError(f"{where}: expected an [fx] table")
    if not raw:
        return Rates()
    date = raw.get("date")
    if not isinstance(date, str | datetime.date) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(date)):
        raise ConfigError(f'{where}: date: the day the rates were set, such as "2026-11-20", got {date!r}')
    base = _string(raw, "base", where, default="USD")
    if not _CURRENCY.match(base):
        raise ConfigError(f"{where}: base: expected a currency code such as USD, got {base!r}")
    per_base: dict[str, Decimal] = {}
    for key, value in raw.items():
        if key in ("date", "base"):
            continue
        if not _CURRENCY.match(key):
            raise ConfigError(
                f"{where}: unknown key {key!r} (known: date, base, and currency codes: CNY = 7.12)"
            )
        if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
            raise ConfigError(f"{where}: {key}: expected how many {key} one {base} buys (> 0), got {value!r}")
        per_base[key] = Decimal(str(value))
    if base in per_base and per_base.pop(base) != 1:
        raise ConfigError(f"{where}: {base}: the base currency is 1 by definition")
    return Rates(date=str(date), base=base, per_base=per_base)


def _parse_source(
    raw: object, index: int, settings: Settings, path: Path, environ: Mapping[str, str]
) -> Source:
    where = f"{path}: source[{index}]"
    if not isinstance(raw, dict):
        raise ConfigError(f"{where}: expected a table")
    name = raw.get("name")
    if not isinstance(name, str) or not _NAME.match(name):
        raise ConfigError(
            f"{where}: name: expected a short id of letters, digits, '.', '_' or '-', got {name!r}"
        )
    where = f"{where} ({name})"
    _reject_unknown(raw, SOURCE_KEYS, where)
    kind = _string(raw, "kind", where)
    if kind not in SOURCE_KINDS:
        raise ConfigError(f"{where}: kind: expected one of {', '.join(SOURCE_KINDS)}, got {kind!r}")
    url = _string(raw, "url", where)
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(f"{where}: url: expected an http:// or https:// address, got {url!r}")
    currency = _string(raw, "currency", where, default="USD").upper()
    if not _CURRENCY.match(currency):
        raise ConfigError(f"{where}: currency: expected a code such as CNY or USD, got {currency!r}")
    enabled = raw.get("enabled", True)
    if not isinstance(enabled, bool):
        raise ConfigError(f"{where}: enabled: expected true or false, got {enabled!r}")
    if kind == "json":
        json_options: JsonOptions | None = parse_json_options(raw.get("json"), f"{where}: json")
    elif "json" in raw:
        raise ConfigError(f'{where}: json: only for kind = "json"')
    else:
        json_options = None
    links = raw.get("links")
    if links is not None and (kind != "feed" or not isinstance(links, str) or not links.strip()):
        raise ConfigError(f'{where}: links: expected a CSS selector, and only for kind = "feed"')
    allow_private = raw.get("allow_private", False)
    if not isinstance(allow_private, bool):
        raise ConfigError(f"{where}: allow_private: expected true or false, got {allow_private!r}")
    fetch = raw.get("fetch", "http")
    if fetch not in FETCHES:
        raise ConfigError(f"{where}: fetch: expected one of {', '.join(FETCHES)}, got {fetch!r}")
    if fetch == "browser" and kind != "html":
        raise ConfigError(f'{where}: fetch = "browser": only for kind = "html" (a page drawn by JavaScript)')
    wait_for = raw.get("wait_for", "")
    if not isinstance(wait_for, str) or ("wait_for" in raw and not wait_for.strip()):
        raise ConfigError(
            f"{where}: wait_for: expected a CSS selector such as 'table.price', got {wait_for!r}"
        )
    if wait_for and fetch != "browser":
        raise ConfigError(f'{where}: wait_for: only with fetch = "browser"')
    timeout = raw.get("timeout")
    hints = parse_hints(raw, where)
    if hints != _hints() and kind not in ("html", "markdown"):
        raise ConfigError(
            f'{where}: {", ".join(k for k in HINT_KEYS if k in raw)}: only for kind = "html" or "markdown"'
        )
    return Source(
        name=name,
        provider=_string(raw, "provider", where, default=name),
        kind=kind,
        url=url,
        currency=currency,
        interval=parse_duration(raw.get("interval", settings.interval), f"{where}: interval"),
        enabled=enabled,
        json=json_options,
        per=parse_per(raw["unit"], f"{where}: unit") if "unit" in raw else None,
        hold=_positive_int(raw, "hold", where, 1),
        alert_min_percent=_non_negative(raw, "alert_min_percent", where),
        alert_min_absolute=_non_negative(raw, "alert_min_absolute", where),
        alert_kinds=_strings(raw, "alert_kinds", where),
        notify=_route(raw["notify"], settings, f"{where}: notify", environ) if "notify" in raw else None,
        links=links,
        allow_private=allow_private,
        fetch=str(fetch),
        wait_for=wait_for.strip(),
        timeout=None if timeout is None else parse_duration(timeout, f"{where}: timeout"),
        hints=hints,
    )


def parse_hints(raw: Mapping[str, Any], where: str) -> Hints:
    """select = "CSS or heading words", labels = { "缓存读取" = "cached_input" }, model_from = "heading",
    model = "step-3.7-flash": what a source says about its page."""
    from monitor.extract.hints import KIND_WORDS, MODEL_FROM, Hints, label_meaning

    select = raw.get("select", "")
    if not isinstance(select, str):
        raise ConfigError(f"{where}: select: expected a CSS selector or a heading's words, got {select!r}")
    labels = raw.get("labels", {})
    if not isinstance(labels, Mapping) or not all(isinstance(k, str) and k.strip() for k in labels):
        raise ConfigError(f'{where}: labels: expected a table such as {{ "缓存读取" = "cached_input" }}')
    for word, meaning in labels.items():
        if not isinstance(meaning, str) or label_meaning(meaning) is None:
            raise ConfigError(
                f"{where}: labels: {word!r} = {meaning!r}: expected a kind ({', '.join(KIND_WORDS)}) "
                "or a tier such as '<=32K' or '32K-128K'"
            )
    model_from = raw.get("model_from", "")
    if model_from not in ("", *MODEL_FROM):
        raise ConfigError(f"{where}: model_from: expected one of {', '.join(MODEL_FROM)}, got {model_from!r}")
    model = raw.get("model", "")
    if not isinstance(model, str):
        raise ConfigError(f"{where}: model: expected a model's name, got {model!r}")
    if model and model_from:
        raise ConfigError(f"{where}: model and model_from: give one of them")
    return Hints(
        select=select.strip(),
        labels=tuple((k, str(v)) for k, v in labels.items()),
        model_from=str(model_from),
        model=model.strip(),
        columns=_columns(raw.get("columns", {}), where),
    )


def _columns(raw: object, where: str) -> tuple[tuple[str, tuple[tuple[str, ...], ...]], ...]:
    """columns = { TextTokenPricingTables = ["model", "input", "cached_input", "output"] }: what the rows
    of a page's component hold, in order (one of them the model; '-' a column of no price); a list of
    such lists where the component draws rows of several widths."""
    from monitor.extract.hints import KIND_WORDS, label_meaning

    example = '{ TextTokenPricingTables = ["model", "input", "cached_input", "output"] }'
    if not isinstance(raw, Mapping):
        raise ConfigError(f"{where}: columns: expected a table such as {example}")
    out = []
    for name, value in raw.items():
        several = isinstance(value, list) and bool(value) and all(isinstance(v, list) for v in value)
        widths = value if several else [value]
        for meanings in widths:
            if not isinstance(meanings, list) or not all(isinstance(m, str) for m in meanings):
                raise ConfigError(f"{where}: columns: {name}: expected a list such as {example}")
            if meanings.count("model") != 1:
                raise ConfigError(f'{where}: columns: {name}: one of the columns must be "model"')
            for meaning in meanings:
                if meaning not in ("model", "-") and label_meaning(meaning) is None:
                    raise ConfigError(
                        f'{where}: columns: {name}: {meaning!r}: expected "model", "-" or a kind '
                        f"({', '.join(KIND_WORDS)})"
                    )
        out.append((str(name), tuple(tuple(m) for m in widths)))
    return tuple(out)


def _urls(value: object, where: str, environ: Mapping[str, str]) -> list[str]:
    """A list of apprise URLs; $NAME or ${NAME} is taken from the environment (keep secrets there)."""
    if not isinstance(value, list) or not all(isinstance(u, str) and u.strip() for u in value):
        raise ConfigError(f"{where}: expected a list of apprise URLs")
    urls = []
    for index, url in enumerate(value, start=1):
        missing = [m for m in re.findall(r"\$\{?(\w+)\}?", url) if m not in environ]
        if missing:
            raise ConfigError(f"{where}[{index}]: ${missing[0]} is not set in the environment")
        urls.append(re.sub(r"\$\{?(\w+)\}?", lambda m: environ[m.group(1)], url.strip()))
    return urls


def _route(value: object, settings: Settings, where: str, environ: Mapping[str, str]) -> tuple[str, ...]:
    """A source's notify list: names of [monitor] channels, or apprise URLs."""
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ConfigError(f"{where}: expected a list of channel names or apprise URLs")
    urls: list[str] = []
    for entry in value:
        if "://" in entry:
            urls.extend(_urls([entry], where, environ))
        elif entry in settings.channels:
            urls.extend(settings.channels[entry])
        else:
            known = ", ".join(sorted(settings.channels)) or "none"
            raise ConfigError(f"{where}: no channel named {entry!r} in [monitor] channels (known: {known})")
    return tuple(dict.fromkeys(urls))


def _parse_digest(raw: dict[str, Any], where: str) -> DigestPolicy:
    mode = raw.get("digest", "off")
    if mode not in DIGEST_MODES:
        raise ConfigError(f"{where}: digest: expected one of {', '.join(DIGEST_MODES)}, got {mode!r}")
    zone = _string(raw, "timezone", where, default="UTC")
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"{where}: timezone: unknown time zone {zone!r} (e.g. 'Asia/Shanghai')") from None
    quiet = raw.get("quiet_hours")
    try:
        window = parse_window(quiet) if isinstance(quiet, str) else None
    except ValueError as exc:
        raise ConfigError(f"{where}: quiet_hours: {exc}") from None
    if quiet is not None and window is None:
        raise ConfigError(f"{where}: quiet_hours: expected a window such as '22:00-07:00', got {quiet!r}")
    return DigestPolicy(mode=mode, quiet=window, timezone=zone)


def _non_negative(raw: dict[str, Any], key: str, where: str) -> Decimal:
    value = raw.get(key, 0)
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise ConfigError(f"{where}: {key}: expected a number >= 0, got {value!r}")
    return Decimal(str(value))


def _strings(raw: dict[str, Any], key: str, where: str) -> tuple[str, ...]:
    value = raw.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise ConfigError(f'{where}: {key}: expected a list of names such as ["input", "output"]')
    return tuple(value)


def parse_per(value: object, where: str) -> int:
    per = _PER.get(str(value).strip().lower())
    if per is None:
        raise ConfigError(f"{where}: expected one of token, 1K, 10K, 1M, got {value!r}")
    return per


def parse_json_options(raw: object, where: str) -> JsonOptions:
    """json = { preset = "openrouter" }, or { records = "data", model = "id", prices = {...}, per = "1M" }."""
    from monitor.extract.json_prices import PRESETS, JsonOptions

    if not isinstance(raw, dict):
        raise ConfigError(f'{where}: expected a table such as {{ preset = "openrouter" }}')
    _reject_unknown(raw, set(JsonOptions.__dataclass_fields__), where)
    preset = raw.get("preset")
    if preset is not None:
        if preset not in PRESETS:
            raise ConfigError(
                f"{where}: preset: expected one of {', '.join(sorted(PRESETS))}, got {preset!r}"
            )
        return JsonOptions(preset=preset)
    prices = raw.get("prices")
    if not isinstance(prices, dict) or not prices or not all(isinstance(v, str) for v in prices.values()):
        raise ConfigError(f'{where}: prices: expected a table of kind = "path.to.price", or a preset')
    per = parse_per(raw.get("per", "token"), f"{where}: per")
    paths = {key: raw.get(key, "") for key in ("records", "model", "currency")}
    for key, path in paths.items():
        if not isinstance(path, str):
            raise ConfigError(f'{where}: {key}: expected a dot path such as "data.models", got {path!r}')
    return JsonOptions(prices=dict(prices), per=per, **paths)


def _reject_unknown(raw: dict[str, Any], known: AbstractSet[str], where: str) -> None:
    unknown = sorted(set(raw) - known)
    if unknown:
        raise ConfigError(f"{where}: unknown key {unknown[0]!r} (known: {', '.join(sorted(known))})")


def _string(raw: dict[str, Any], key: str, where: str, default: str | None = None) -> str:
    value = raw.get(key, default)
    if value is None:
        raise ConfigError(f"{where}: {key}: missing")
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"{where}: {key}: expected a non-empty string, got {value!r}")
    return value.strip()


def _positive_int(
    raw: dict[str, Any], key: str, where: str, default: int, *, allow_zero: bool = False
) -> int:
    value = raw.get(key, default)
    low = 0 if allow_zero else 1
    if isinstance(value, bool) or not isinstance(value, int) or value < low:
        raise ConfigError(f"{where}: {key}: expected a whole number >= {low}, got {value!r}")
    return value
