"""An Atom feed of the change log (RFC 4287): one entry per price change, per price notice of a pricing
page and per news claim, newest first, so that any feed reader can subscribe to a monitor."""

from __future__ import annotations

import os
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

from monitor.errors import MonitorError
from monitor.messages import NOT_ALERTED, change_line
from monitor.store import LogFilter, Store, change_from_row

ATOM = "http://www.w3.org/2005/Atom"
ET.register_namespace("", ATOM)


def build_feed(
    changes: list[dict[str, Any]],
    claims: list[dict[str, Any]],
    *,
    title: str = "monitor: LLM API price changes",
    limit: int = 200,
    now: str | None = None,
    notices: list[dict[str, Any]] | None = None,
) -> bytes:
    """Rows of the change log, of news claims and of price notices -> an Atom document, the newest
    `limit` entries."""
    # Newest first; rows come oldest first, so reversed they keep the later record first within a second.
    entries = [_change_entry(row) for row in reversed(changes) if row["change"] not in NOT_ALERTED]
    entries += [_claim_entry(row) for row in reversed(claims)]
    entries += [_notice_entry(row) for row in reversed(notices or [])]
    entries.sort(key=lambda e: e["updated"], reverse=True)
    entries = entries[:limit]
    updated = entries[0]["updated"] if entries else (now or datetime.now(UTC).isoformat(timespec="seconds"))
    feed = ET.Element(f"{{{ATOM}}}feed")
    _text(feed, "id", "urn:monitor:changes")
    _text(feed, "title", title)
    _text(feed, "updated", updated)
    author = ET.SubElement(feed, f"{{{ATOM}}}author")
    _text(author, "name", "monitor")
    _text(feed, "generator", "monitor")
    for entry in entries:
        element = ET.SubElement(feed, f"{{{ATOM}}}entry")
        _text(element, "id", entry["id"])
        _text(element, "title", entry["title"])
        _text(element, "updated", entry["updated"])
        if entry["link"]:
            ET.SubElement(element, f"{{{ATOM}}}link", rel="alternate", href=entry["link"])
        ET.SubElement(element, f"{{{ATOM}}}category", term=entry["category"])
        _text(element, "content", entry["content"]).set("type", "text")
    ET.indent(feed)
    return bytes(ET.tostring(feed, encoding="utf-8", xml_declaration=True)) + b"\n"


FILE_MODE = 0o640  # the owner writes, its group (a web server's) reads, no one else


def feed_problem(path: Path) -> str | None:
    """Why the feed at `path` cannot be written (it is replaced through a new file beside it), or None."""
    if path.is_dir():
        return "cannot be written: a folder is in its place"
    folder = path.parent
    while not folder.exists():
        folder = folder.parent
    if not folder.is_dir():
        return f"cannot be written: {folder} is not a folder"
    if not os.access(folder, os.W_OK | os.X_OK):
        return f"cannot be written: no permission to create files in {folder}"
    if path.exists() and not os.access(path, os.W_OK):
        return "cannot be written: the file is read-only"
    return None


def write_feed(path: Path, document: bytes) -> None:
    """Replace the file at once (a reader never sees half a feed); an error names the file."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        try:
            os.fchmod(handle, FILE_MODE)
            with os.fdopen(handle, "wb") as out:
                out.write(document)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise MonitorError(f"{path}: cannot write the feed: {exc.strerror or exc}") from None


def _text(parent: ET.Element, tag: str, text: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM}}}{tag}")
    element.text = text
    return element


def _change_entry(row: dict[str, Any]) -> dict[str, str]:
    line = change_line(change_from_row(row))
    content = [f"{row['provider']} ({row['source']}), {row['time']}", line]
    if row["url"]:
        content.append(row["url"])
    return {
        "id": f"urn:monitor:change:{row['id']}:{row['time']}",
        "title": f"{row['provider']}: {line}",
        "updated": row["time"],
        "link": row["url"] or "",
        "category": "suspect" if row["suspect"] else row["change"],
        "content": "\n".join(content),
    }


def _claim_entry(row: dict[str, Any]) -> dict[str, str]:
    new = "free" if row["free"] else f"{row['new_per_million']} {row['currency']} / 1M"
    old = f"{row['old_per_million']} {row['currency']} / 1M -> " if row["old_per_million"] else ""
    tier = f" [{row['tier']}]" if row.get("tier") else ""
    title = f"news: {row['model']} {row['kind']}{tier}: {old}{new} ({row['verdict']})"
    return {
        "id": f"urn:monitor:news:{row['id']}:{row['found']}",
        "title": title,
        "updated": row["found"],
        "link": row["link"] or "",
        "category": "news",
        "content": f"{row['source']}, {row['found']}\n{row['quote']}\n{row['link'] or ''}",
    }


def _notice_entry(row: dict[str, Any]) -> dict[str, str]:
    return {
        "id": f"urn:monitor:notice:{row['id']}:{row['found']}",
        "title": f"notice: {row['provider']}: {row['sentence']}",
        "updated": row["found"],
        "link": row["url"] or "",
        "category": "notice",
        "content": f"{row['provider']} ({row['source']}), {row['found']}\n{row['sentence']}\n{row['url']}",
    }


FEED_ENTRIES = 200  # what the daemon's feed keeps: readers poll often, they need the recent entries


def refresh_feed(store: Store, path: Path, limit: int = FEED_ENTRIES) -> None:
    """Rewrite the feed at `path` from the newest changes, price notices and news claims in the database."""
    every = LogFilter()
    changes, claims = store.find_changes(every, limit), store.find_news_claims(every, limit)
    write_feed(path, build_feed(changes, claims, limit=limit, notices=store.find_notices(every, limit)))
