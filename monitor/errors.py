"""The one exception hierarchy of monitor.

    MonitorError
    ├── ConfigError        sources.toml is missing or wrong; the message names the place (source[2] (x): url)
    ├── FetchError         a page could not be fetched (connection, timeout, HTTP status, size cap, redirects)
    │   └── BrowserError   a browser fetch failed: no Chromium, it did not start or crashed, never settled
    ├── PriceParseError    the price grammar could not read a piece of text; it never guesses a number
    └── StoreError         the database could not be opened or written; nothing half-written is kept

The CLI turns ConfigError into exit code 2 and every other MonitorError into a one-line message.
"""

from __future__ import annotations


class MonitorError(Exception):
    """Base of every error monitor raises on purpose."""


class ConfigError(MonitorError):
    """The configuration file is missing, unreadable or has a wrong value."""


class FetchError(MonitorError):
    """A page could not be fetched. `status` is the HTTP status where there was one."""

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class BrowserError(FetchError):
    """A browser fetch failed. `retry`: worth trying again now (a crash, a timeout, 429/5xx after `wait`
    seconds when the server said so); a missing browser or driver is not."""

    def __init__(
        self, message: str, *, status: int | None = None, retry: bool = False, wait: float = -1.0
    ) -> None:
        super().__init__(message, status=status)
        self.retry = retry
        self.wait = wait


class PriceParseError(MonitorError):
    """The price grammar could not read a text as a price."""


class StoreError(MonitorError):
    """The database could not be opened or written."""
