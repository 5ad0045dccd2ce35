"""Tables a page keeps in its scripts: JSON state (Next.js flight payloads, `window.X = {...}`,
`<script type="application/json">`) walked for rows of cells, and HTML or Markdown kept as strings.

A page drawn by JavaScript often serves its prices only there (a CMS table as
`{"rows": [{"cells": ["Model", "Input", ...]}, ...]}`); the same document is often served twice,
once as HTML and once as state, so the state is read only where the HTML holds no price.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from monitor.extract.cells import Cell
from monitor.extract.grid import Grid
from monitor.extract.html import page_blocks, parse_html
from monitor.extract.markdown import markdown_grids

# a script's body up to its end tag, taken as runs of text between '<'s (a lazy '.*?' tried the end tag
# at every character: 7x slower on a page of long scripts)
_SCRIPT = re.compile(r"<script\b[^>]*>([^<]*(?:<(?!/script>)[^<]*)*)</script>", re.I)
# Next.js's flight payload: self.__next_f.push([1,"<lines of id:json>"])
_FLIGHT = re.compile(r"self\.__next_f\.push\((\[.*\])\)\s*;?\s*$", re.S)
_FLIGHT_LINE = re.compile(r"^[0-9a-f]+:(?=[\[{])", re.M)
# window.__STATE__ = {...}; / var x = {...}
_ASSIGNED = re.compile(r"^[^\S\n]*(?:window\.|var\s+|let\s+|const\s+)?[\w$.]+\s*=\s*(?=[\[{])", re.M)
_HEADING_STYLES = {"h1", "h2", "h3", "h4", "h5", "h6"}
_MAX_SCRIPT = 8_000_000  # a script beyond this is not state worth walking
_MARKUP_TABLE = re.compile(r"<table\b", re.I)
_MARKDOWN_TABLE = re.compile(r"^\s*\|?\s*:?-{3,}", re.M)


def script_grids(html: str) -> list[Grid]:
    """Every table held in the page's scripts, with the nearest heading the state gives it."""
    grids: list[Grid] = []
    for value in _states(html):
        for item in _tables(value, ""):
            if isinstance(item, Grid):
                grids.append(item)
            elif _MARKUP_TABLE.search(item):
                grids.extend(page_blocks(parse_html(item))[0])
            else:
                grids.extend(markdown_grids(item)[0])
    return grids


def _states(html: str) -> Iterator[Any]:
    """The JSON values the page's scripts hold."""
    decoder = json.JSONDecoder()
    for match in _SCRIPT.finditer(html):
        body = match.group(1).strip()
        if not body or len(body) > _MAX_SCRIPT:
            continue
        flight = _FLIGHT.search(body)
        if flight:
            yield from _flight_values(flight.group(1), decoder)
            continue
        if body[0] in "[{":
            value = _loaded(body)
            if value is not None:
                yield value
            continue
        for assigned in _ASSIGNED.finditer(body):
            try:
                value, _end = decoder.raw_decode(body, assigned.end())
            except (ValueError, RecursionError):
                continue
            yield value


def _loaded(text: str) -> Any:
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        return None


def _flight_values(pushed: str, decoder: json.JSONDecoder) -> Iterator[Any]:
    try:
        chunk = json.loads(pushed)
    except (ValueError, RecursionError):
        return
    text = chunk[1] if isinstance(chunk, list) and len(chunk) > 1 and isinstance(chunk[1], str) else ""
    # a string that starts with '$$' is written '"$$' or with an escaped '$' ('\u0024'): where the
    # payload holds neither, there is nothing to unescape and its values are not walked for it
    escaped = '"$$' in text or "\\u0024" in text.lower()
    for line in _FLIGHT_LINE.finditer(text):
        try:
            value, _end = decoder.raw_decode(text, line.end())
        except (ValueError, RecursionError):
            continue
        yield _unflight(value) if escaped else value


def _unflight(value: Any) -> Any:
    """React's flight encoding writes a string that starts with '$' as '$$…'."""
    if isinstance(value, str):
        return value[1:] if value.startswith("$$") else value
    if isinstance(value, list):
        return [_unflight(v) for v in value]
    if isinstance(value, dict):
        return {k: _unflight(v) for k, v in value.items()}
    return value


def _tables(value: Any, heading: str, depth: int = 0) -> Iterator[Grid | str]:
    """Grids of rows of cells, and strings that hold HTML or Markdown tables, depth first; a list's
    heading blocks ({"style": "h2", ...}) name the tables after them."""
    if depth > 60:
        return
    if isinstance(value, str):
        if len(value) > 200 and (_MARKUP_TABLE.search(value) or _MARKDOWN_TABLE.search(value)):
            yield value
        return
    if isinstance(value, dict):
        rows = _rows(value.get("rows"))
        if rows:
            yield Grid(rows=rows, section=heading, headings=[heading] if heading else [])
            return
        for child in value.values():
            yield from _tables(child, heading, depth + 1)
        return
    if isinstance(value, list):
        rows = _rows(value)
        if rows:
            yield Grid(rows=rows, section=heading, headings=[heading] if heading else [])
            return
        for child in value:
            said = _heading_of(child)
            if said:
                heading = said
            yield from _tables(child, heading, depth + 1)


def _rows(value: Any) -> list[list[Cell]] | None:
    """A list of rows, each a list of scalar cells (or {"cells": [...]}), at least two rows of two
    cells whose first row is all text: a table's header and body."""
    if not isinstance(value, list) or len(value) < 2:
        return None
    rows: list[list[Cell]] = []
    for row in value:
        cells = row.get("cells") if isinstance(row, dict) else row
        if not isinstance(cells, list) or len(cells) < 2:
            return None
        if not all(isinstance(c, str | int | float) or c is None for c in cells):
            return None
        if not rows and not all(isinstance(c, str) for c in cells):
            return None  # a header is text
        rows.append([Cell("" if c is None else str(c)) for c in cells])
    return rows


def _heading_of(value: Any) -> str:
    """The text of a heading block in rich-text state ({"style": "h2", "children": [{"text": ...}]})."""
    style = value.get("style") if isinstance(value, dict) else None
    if not isinstance(style, str) or style not in _HEADING_STYLES:
        return ""
    children = value.get("children")
    if not isinstance(children, list):
        return ""
    return " ".join(c["text"] for c in children if isinstance(c, dict) and isinstance(c.get("text"), str))
