"""Delivery through apprise from the outbox: every alert to every channel, in the channel's own format.

Every alert is a row (with one delivery row per channel) before anything is sent; a channel that
fails keeps its delivery pending and is tried again at the next check, the others are not repeated.
"""

from __future__ import annotations

import asyncio
import html
import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

import apprise

from monitor.digest import DigestPolicy
from monitor.errors import ConfigError
from monitor.mail import is_email, send_email
from monitor.messages import digest_message, email_text, quiet_mentions
from monitor.store import Delivery, Store, target_id

log = logging.getLogger("monitor.notify")


def redact(url: str) -> str:
    """'slack://T000/B000/XXXX' -> 'slack://…': enough to tell channels apart, no secrets."""
    scheme = urlsplit(url).scheme or "?"
    return f"{scheme}://…"


@dataclass(frozen=True)
class SendResult:
    ok: bool
    error: str | None = None


# Sends (url, title, body, format, type) and tells how it went; apprise in production.
Sender = Callable[[str, str, str, str, str], SendResult]


def apprise_send(
    url: str, title: str, body: str, body_format: str = "text", notify_type: str = "info"
) -> SendResult:
    """Send through apprise. It answers True (sent), False (failed) or None (nothing was sent).

    `notify_type` is apprise's info / success / warning / failure: webhooks carry it as `type`, chat
    services show it as the message's colour or icon."""
    sender = apprise.Apprise()
    if not sender.add(url):
        return SendResult(False, f"{redact(url)} is not a notification URL apprise understands")
    formats = {"text": apprise.NotifyFormat.TEXT, "html": apprise.NotifyFormat.HTML}
    outcome = _outcome(
        sender.notify(
            title=title,
            body=body,
            body_format=formats[body_format],
            notify_type=apprise.NotifyType(notify_type),
        )
    )
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


class RedactSecrets(logging.Filter):
    """Replace every configured notification URL in log records (ours and apprise's) by its redaction."""

    def __init__(self, urls: Sequence[str]) -> None:
        super().__init__()
        self.urls = sorted(set(urls), key=len, reverse=True)

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if any(url in message for url in self.urls):
            for url in self.urls:
                message = message.replace(url, redact(url))
            record.msg, record.args = message, ()
        return True


def redact_logs(urls: Sequence[str]) -> None:
    """Install RedactSecrets on every handler of the root logger (where all records end up)."""
    for handler in logging.getLogger().handlers:
        for old in [f for f in handler.filters if isinstance(f, RedactSecrets)]:
            handler.removeFilter(old)
        handler.addFilter(RedactSecrets(urls))


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
        routes: Mapping[str, Sequence[str]] | None = None,
        digest: DigestPolicy | None = None,
    ) -> None:
        self.digest = digest or DigestPolicy()
        self.routes = {source: [target_id(u) for u in route] for source, route in (routes or {}).items()}
        self.default = [target_id(u) for u in urls]
        every = [*urls, *(u for route in (routes or {}).values() for u in route)]
        self.urls = {target_id(u): u for u in every}
        self._clock = clock
        self._send = send
        self.retry_base = retry_base
        self.max_age = max_age
        self._lock = asyncio.Lock()
        self._stopping = False

    @classmethod
    def routing(
        cls, default: Sequence[str], routes: Mapping[str, Sequence[str]], clock: Callable[[], str]
    ) -> Notifier:
        """A notifier that only knows where each source's alerts go (channel ids, no URLs): what a worker
        process needs to record alerts; the process that started it delivers them."""
        notifier = cls((), clock)
        notifier.default = list(default)
        notifier.routes = {source: list(targets) for source, targets in routes.items()}
        return notifier

    @property
    def targets(self) -> list[str]:
        """The default channels ([monitor] notify)."""
        return list(self.default)

    def targets_for(self, source: str) -> list[str]:
        """The channels a source's alerts go to: its own `notify`, or the default ones."""
        return list(self.routes.get(source, self.default))

    def _send_email(self, url: str, title: str, text: str, html: str) -> SendResult:
        error = send_email(url, title, text, html, redact)
        return SendResult(error is None, error)

    def stop_sending(self) -> None:
        """The process is stopping: the send in flight finishes, no other starts (they stay pending)."""
        self._stopping = True

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
            if self.digest.holds:
                if self.digest.mode != "off" or self.digest.is_quiet(now):
                    store.hold_new_deliveries()
                self._release_digests(store, now)
            for delivery in store.due_deliveries(self.urls, now):
                if self._stopping:
                    break
                url = self.urls[delivery.target]
                title, body, body_format = for_channel(url, delivery)
                store.mark_sending(delivery.alert_id, delivery.target, now)
                if body_format == "html" and is_email(url):
                    text = email_text(f"{delivery.slack}\n\n{_footer(delivery)}")
                    result = await asyncio.to_thread(self._send_email, url, title, text, body)
                else:
                    result = await asyncio.to_thread(
                        self._send, url, title, body, body_format, notify_type(delivery)
                    )
                retry_at = _shift(now, min(self.retry_base * 2**delivery.attempts, MAX_RETRY_WAIT))
                store.mark_delivery(delivery.alert_id, delivery.target, self._clock(), result.error, retry_at)
                if result.ok:
                    sent += 1
                else:
                    failed += 1
                    log.warning("alert #%s not delivered: %s", delivery.alert_id, result.error)
        return sent, failed

    def _release_digests(self, store: Store, now: str) -> None:
        """Held alerts whose time has come go out as one digest per channel."""
        for target, held in store.held_alerts().items():
            if target not in self.urls or not self.digest.due(held[0]["created"], now):
                continue
            changes = store.changes_of_alerts(h["id"] for h in held if h["kind"] == "changes")
            entries = [(row["source"], change) for row, change in changes]
            notes = [h["title"] for h in held if h["kind"] != "changes"]
            digest = store.release_digest(
                target, (h["id"] for h in held), digest_message(entries, notes, now), now
            )
            log.info("digest alert #%s: %d alerts for %s", digest, len(held), redact(self.urls[target]))


MAX_RETRY_WAIT = 6 * 3600.0


def for_channel(url: str, delivery: Delivery) -> tuple[str, str, str]:
    """(title, body, format) for the channel: an HTML table by email, a code-block table to Slack,
    plain text elsewhere; each with the alert's stable id, and a word where it may be a repeat."""
    footer = _footer(delivery)
    # quieted here as well as in messages: alerts written by an older version wait in the outbox too
    title = quiet_mentions(f"{delivery.title} [monitor #{delivery.alert_id}]")
    scheme = urlsplit(url).scheme.lower()
    if scheme in ("mailto", "mailtos"):
        return title, f"{delivery.html}<p>{html.escape(footer)}</p>", "html"
    if scheme.startswith("slack"):
        return title, quiet_mentions(f"{delivery.slack}\n{footer}"), "text"
    return title, quiet_mentions(f"{delivery.body}\n\n{footer}"), "text"


def _footer(delivery: Delivery) -> str:
    """The alert's stable id, and a word where it may be a repeat."""
    footer = f"alert #{delivery.alert_id}"
    if delivery.status == "sending":
        footer += (
            f" (sent again: monitor stopped while sending it before; if you already have alert "
            f"#{delivery.alert_id}, this is the same alert)"
        )
    return quiet_mentions(footer)


def notify_type(delivery: Delivery) -> str:
    """apprise's type of an alert: a source problem is a failure, its recovery a success, the rest
    (price changes, news, digests) info."""
    if delivery.kind == "health":
        return "success" if delivery.title.endswith(": recovered") else "failure"
    return "info"


def _shift(when: str, seconds: float) -> str:
    return (datetime.fromisoformat(when) + timedelta(seconds=seconds)).isoformat(timespec="seconds")
