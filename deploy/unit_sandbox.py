"""Run a command under the system-call filter, address families and W^X rule of systemd unit files.

Where systemd is not PID 1 (a container, CI) the unit cannot be started; this applies the same kernel
rules its hardening settings turn into (seccomp for SystemCallFilter, SystemCallErrorNumber and
RestrictAddressFamilies, prctl(PR_SET_MDWE) for MemoryDenyWriteExecute), read from the unit and its
drop-ins in order, then runs the command. Other settings (ProtectSystem, PrivateDevices, ProcSubset,
DynamicUser ...) are not applied.

Run with Debian's python3 and python3-seccomp (apt-get install python3-seccomp), as root (to load the
filter without privileges is fine, but PR_SET_MDWE needs Linux 6.3):

    /usr/bin/python3 deploy/unit_sandbox.py deploy/monitor.service [deploy/monitor.service.d/browser.conf] \\
        -- .venv/bin/monitor check
"""

from __future__ import annotations

import ctypes
import errno
import functools
import os
import socket
import subprocess
import sys

import seccomp  # type: ignore[import-not-found]

PR_SET_MDWE, PR_MDWE_REFUSE_EXEC_GAIN = 65, 1


@functools.cache
def expand(group: str) -> frozenset[str]:
    """A systemd system-call group (@system-service) as the names of its calls, nested groups expanded."""
    if not group.startswith("@"):
        return frozenset({group})
    out = subprocess.run(["systemd-analyze", "syscall-filter", group], capture_output=True, text=True)
    names: set[str] = set()
    for line in out.stdout.splitlines():
        word = line.strip()
        if word and not word.startswith("#") and not line.startswith("@"):
            names |= expand(word)
    return frozenset(names)


def settings(paths: list[str]) -> dict[str, list[str]]:
    """Each setting's assignments across the files, in order."""
    found: dict[str, list[str]] = {}
    for path in paths:
        for line in open(path, encoding="utf-8"):
            key, sep, value = line.strip().partition("=")
            if sep and not key.startswith("#"):
                found.setdefault(key, []).append(value.strip())
    return found


def main() -> None:
    split = sys.argv.index("--")
    unit = settings(sys.argv[1:split])
    command = sys.argv[split + 1 :]
    allowed: set[str] = set()
    for value in unit.get("SystemCallFilter", []):
        deny = value.startswith("~")
        names = set().union(*(expand(word) for word in value.lstrip("~").split()))
        allowed = allowed - names if deny else allowed | names
    error = unit.get("SystemCallErrorNumber", [""])[-1]
    action = seccomp.ERRNO(getattr(errno, error)) if error else seccomp.KILL_PROCESS
    families = {getattr(socket, name) for v in unit.get("RestrictAddressFamilies", []) for name in v.split()}
    rules = seccomp.SyscallFilter(defaction=action)
    for name in sorted(allowed - {"socket"}):
        try:
            rules.add_rule(seccomp.ALLOW, name)
        except (RuntimeError, ValueError, OSError):
            pass  # a call this kernel or libseccomp does not know
    if "socket" in allowed:
        for family in range(46):  # AF_MAX on Linux
            ok = not families or family in families
            rules.add_rule(
                seccomp.ALLOW if ok else seccomp.ERRNO(errno.EAFNOSUPPORT),
                "socket",
                seccomp.Arg(0, seccomp.EQ, family),
            )
    if unit.get("MemoryDenyWriteExecute", ["no"])[-1] == "yes":
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(PR_SET_MDWE, PR_MDWE_REFUSE_EXEC_GAIN, 0, 0, 0) != 0:
            sys.exit(f"prctl(PR_SET_MDWE) failed (errno {ctypes.get_errno()}): Linux 6.3 or later is needed")
    rules.load()
    os.execvp(command[0], command)


if __name__ == "__main__":
    main()
