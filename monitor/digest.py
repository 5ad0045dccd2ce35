"""Digests and quiet hours: when held alerts go out, as one message per channel.

Pure decisions over times; `Notifier.flush` applies them. With `digest = "off"` and no quiet hours
nothing is held and every alert goes out at once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time
from zoneinfo import ZoneInfo

DIGEST_MODES = ("off", "round", "hourly", "daily")
_WINDOW = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")


@dataclass(frozen=True)
class DigestPolicy:
    """`digest` mode, and quiet hours (start, end) in `timezone` (a window may cross midnight)."""

    mode: str = "off"
    quiet: tuple[time, time] | None = None
    timezone: str = "UTC"

    @property
    def holds(self) -> bool:
        return self.mode != "off" or self.quiet is not None

    def is_quiet(self, now: str) -> bool:
        if self.quiet is None:
            return False
        local = self._local(now).time()
        start, end = self.quiet
        return start <= local < end if start <= end else (local >= start or local < end)

    def due(self, oldest: str, now: str) -> bool:
        """Whether held alerts, the oldest created at `oldest`, go out at `now`."""
        if self.is_quiet(now):
            return False
        if self.mode in ("off", "round"):
            return True
        fmt = "%Y-%m-%d %H" if self.mode == "hourly" else "%Y-%m-%d"
        return self._local(oldest).strftime(fmt) < self._local(now).strftime(fmt)

    def _local(self, when: str) -> datetime:
        return datetime.fromisoformat(when).astimezone(ZoneInfo(self.timezone))


def parse_window(text: str) -> tuple[time, time]:
    """'22:00-07:00' -> (22:00, 07:00); ValueError where it is not such a window."""
    match = _WINDOW.match(text)
    if not match:
        raise ValueError(f"expected a window such as '22:00-07:00', got {text!r}")
    h1, m1, h2, m2 = (int(g) for g in match.groups())
    return time(h1, m1), time(h2, m2)
