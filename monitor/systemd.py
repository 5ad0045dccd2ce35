"""sd_notify without a dependency: READY, WATCHDOG and STOPPING for a Type=notify systemd unit.

systemd passes $NOTIFY_SOCKET (a unix datagram socket, '@' for the abstract namespace) and, with
WatchdogSec=, $WATCHDOG_USEC. Outside systemd both are unset and every call does nothing.
"""

from __future__ import annotations

import os
import socket


def notify(state: str) -> bool:
    """Tell systemd `state` ('READY=1', 'WATCHDOG=1', 'STOPPING=1'); False where not under systemd."""
    address = os.environ.get("NOTIFY_SOCKET", "")
    if not address:
        return False
    if address.startswith("@"):
        address = "\0" + address[1:]
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
        try:
            sock.sendto(state.encode(), address)
        except OSError:
            return False
    return True


def watchdog_interval() -> float | None:
    """Seconds between WATCHDOG=1 pings (half of WatchdogSec), or None without a watchdog."""
    value = os.environ.get("WATCHDOG_USEC", "")
    if not value.isdigit() or int(value) == 0:
        return None
    return int(value) / 1_000_000 / 2
