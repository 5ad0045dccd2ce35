"""Changes -> one message per source per check; delivery through apprise from the outbox.

Every alert is a row (with one delivery row per channel) before anything is sent; a channel that
fails keeps its delivery pending and is tried again at the next check, the others are not repeated.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from urllib.parse import urlsplit

import apprise

from monitor.errors import ConfigError
from monitor.models import MILLION, Change, normalize_decimal
from monitor.store import Delivery, Store, target_id

log = logging.getLogger("monitor.notify")

PER_UNIT = ("image", "request")
_KIND_ORDER = {"changed": 0, "added": 1, "removed": 2, "status": 3}


def redact(url: str) -> str:
    """'slack://T000/B000/XXXX' -> 'slack://…': enough to tell channels apart, no secrets."""
    scheme = urlsplit(url).scheme or "?"
    return f"{scheme}://…"


def format_pct(pct: Decimal | None) -> str:
    if pct is None:
        return ""
    return f"{'+' if pct > 0 else ''}{pct}%"


def format_per_million(amount: Decimal | None, currency: str, unit: str, free: bool = False) -> str:
    if amount is None:
        return "-"
    if free and amount == 0:
        return "free"
    if unit in PER_UNIT:  # an image or a request is priced one at a time, not per million
        return f"{format(normalize_decimal(amount / MILLION), 'f')} {currency} / {unit}"
    return f"{format(normalize_decimal(amount), 'f')} {currency} / 1M {unit}"


def _label(change: Change) -> str:
    extra = [x for x in (change.tier, change.condition) if x]
    return f"{change.model} · {change.kind}" + (f" [{', '.join(extra)}]" if extra else "")


def change_line(change: Change) -> str:
    """One line of an alert: model · kind: old -> new as the page states it (normalized, percent)."""
    old, new = change.old, change.new
    if change.change == "changed" and old and new:
        normalized = (
            f"{format_per_million(old.per_million, change.currency, change.unit, old.free)} -> "
            f"{format_per_million(new.per_million, change.currency, change.unit, new.free)}"
        )
        pct = format_pct(change.pct)
        line = f"{_label(change)}: {old.raw} -> {new.raw} ({normalized}{', ' + pct if pct else ''})"
        return f"{line} [suspect: {change.suspect}]" if change.suspect else line
    if change.change == "status" and old and new:
        return f"{change.model}: status {old.status or 'none'} -> {new.status or 'none'}"
    if change.change == "added" and new:
        normal = format_per_million(new.per_million, change.currency, change.unit, new.free)
        return f"{_label(change)}: added at {new.raw} ({normal})"
    assert old is not None
    normal = format_per_million(old.per_million, change.currency, change.unit, old.free)
    return f"{_label(change)}: removed (was {old.raw}, {normal})"


def render_alert(
    provider: str, source: str, url: str, observed: str, changes: Sequence[Change]
) -> tuple[str, str]:
    """The title and plain-text body of the alert for one source's changes at one check."""
    counts = {k: sum(1 for c in changes if c.change == k) for k in _KIND_ORDER}
    summary = ", ".join(f"{n} {k}" for k, n in counts.items() if n)
    title = f"{provider} prices: {summary}"
    ordered = sorted(changes, key=lambda c: (_KIND_ORDER[c.change], c.model, c.kind))
    lines = [f"{provider} ({source}): {summary}", f"observed {observed}", url, ""]
    lines += [change_line(c) for c in ordered]
    return title, "\n".join(lines)


@dataclass(frozen=True)
class SendResult:
    ok: bool
    error: str | None = None


# Sends (url, title, body) and tells how it went; apprise in production, anything in a unit test.
Sender = Callable[[str, str, str], SendResult]


def apprise_send(url: str, title: str, body: str) -> SendResult:
    """Send through apprise. It answers True (sent), False (failed) or None (nothing was sent)."""
    sender = apprise.Apprise()
    if not sender.add(url):
        return SendResult(False, f"{redact(url)} is not a notification URL apprise understands")
    outcome = _outcome(sender.notify(title=title, body=body, body_format=apprise.NotifyFormat.TEXT))
    if outcome is True:
        return SendResult(True)
    if outcome is None:
        return SendResult(False, f"{redact(url)}: nothing was sent (apprise found no service to notify)")
    return SendResult(False, f"{redact(url)}: the service did not accept the message")


def _outcome(result: object) -> bool | None:
    """apprise 1.x answers True / False / None; 2.x an AppriseResult whose status says the same."""
    if result is None or isinstance(result, bool):
        return result
    status = getattr(getattr(result, "status", None), "name", "")
    if status == "SUCCESS":
        return True
    return None if status == "NOMATCH" else False


def check_urls(urls: Sequence[str]) -> None:
    """Reject, at start-up, a notify URL apprise cannot parse; the message never shows its secrets."""
    for index, url in enumerate(urls, start=1):
        if not apprise.Apprise().add(url):
            raise ConfigError(f"monitor: notify[{index}] ({redact(url)}): not an apprise URL")


class Notifier:
    """Delivers due alerts to every configured channel from the outbox; one flush at a time.

    A failed delivery waits `retry_base` seconds, doubling per failure up to six hours; an alert older
    than `max_age` seconds is given up and reported in the log and `monitor status`, never dropped
    silently. A delivery found 'sending' was cut off by a stopped process: it is sent again, saying so.
    """

    def __init__(
        self,
        urls: Sequence[str],
        clock: Callable[[], str],
        send: Sender = apprise_send,
        retry_base: float = 60.0,
        max_age: float = 2 * 86400.0,
    ) -> None:
        self.urls = {target_id(u): u for u in urls}
        self._clock = clock
        self._send = send
        self.retry_base = retry_base
        self.max_age = max_age
        self._lock = asyncio.Lock()

    @property
    def targets(self) -> list[str]:
        return list(self.urls)

    async def flush(self, store: Store) -> tuple[int, int]:
        """Send every due delivery; returns (sent, failed)."""
        sent = failed = 0
        async with self._lock:
            now = self._clock()
            for alert_id, target, attempts, error in store.expire_deliveries(_shift(now, -self.max_age), now):
                log.error(
                    "alert #%s: gave up on %s after %d attempts: %s",
                    alert_id,
                    redact(self.urls.get(target, "?://")),
                    attempts,
                    error or "never tried (the channel is no longer configured)",
                )
            for delivery in store.due_deliveries(self.urls, now):
                url = self.urls[delivery.target]
                title, body = _with_id(delivery)
                store.mark_sending(delivery.alert_id, delivery.target, now)
                result = await asyncio.to_thread(self._send, url, title, body)
                retry_at = _shift(now, min(self.retry_base * 2**delivery.attempts, MAX_RETRY_WAIT))
                store.mark_delivery(delivery.alert_id, delivery.target, self._clock(), result.error, retry_at)
                if result.ok:
                    sent += 1
                else:
                    failed += 1
                    log.warning("alert #%s not delivered: %s", delivery.alert_id, result.error)
        return sent, failed


MAX_RETRY_WAIT = 6 * 3600.0


def _with_id(delivery: Delivery) -> tuple[str, str]:
    """The alert's stable id in its title and body, and a word where it may be a repeat."""
    footer = f"alert #{delivery.alert_id}"
    if delivery.status == "sending":
        footer += (
            f" (sent again: monitor stopped while sending it before; if you already have alert "
            f"#{delivery.alert_id}, this is the same alert)"
        )
    return f"{delivery.title} [monitor #{delivery.alert_id}]", f"{delivery.body}\n\n{footer}"


def _shift(when: str, seconds: float) -> str:
    return (datetime.fromisoformat(when) + timedelta(seconds=seconds)).isoformat(timespec="seconds")
