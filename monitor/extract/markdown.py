"""Markdown pages -> grids: pipe tables as converters emit them, and HTML tables inside Markdown."""

from __future__ import annotations

import re

from monitor.extract.grid import Cell, Grid
from monitor.extract.html import html_grids, parse_html

_SEPARATOR = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$")
_BOLD_LEAD = re.compile(r"^\s*\*\*([^*|]+)\*\*")
_HTML_TABLE = re.compile(r"<table\b.*?</table>", re.I | re.S)
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_AUTOLINK = re.compile(r"<(https?://[^>]+)>")
_BREAK = re.compile(r"<br\s*/?>|<hr\s*/?>", re.I)
_TAG = re.compile(r"</?[a-zA-Z][^>]*>")
_STRUCK = re.compile(r"~~(.+?)~~|<del>(.*?)</del>", re.I)
_FOOTNOTE_SUP = re.compile(r"<sup>.*?</sup>", re.I)
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!$|~<>])")


def markdown_grids(text: str) -> tuple[list[Grid], str]:
    """The page's tables, and its text outside them (where a page states its units)."""
    grids: list[Grid] = []
    for match in _HTML_TABLE.finditer(text):
        grids.extend(html_grids(parse_html(match.group(0))))
    text = _HTML_TABLE.sub("\n", text)
    prose: list[str] = []
    section = chapter = ""
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        heading = _HEADING.match(line)
        if heading:
            section = chapter = heading.group(1).strip("* ")
        elif bold := _BOLD_LEAD.match(line):
            # '**openrouter**平台价格：' names the table below it within the chapter
            section = f"{chapter} > {bold.group(1).strip()}" if chapter else bold.group(1).strip()
        if _is_row(line) and i + 1 < len(lines) and _SEPARATOR.match(lines[i + 1]):
            rows = [_cells(line)]
            i += 2
            while i < len(lines) and _is_row(lines[i]):
                if not _SEPARATOR.match(lines[i]):
                    rows.append(_cells(lines[i]))
                i += 1
            preamble = next((p for p in reversed(prose[-4:]) if p.strip()), "")
            grids.append(Grid(rows=rows, section=section, preamble=preamble, collapsed_spans=True))
            continue
        prose.append(line)
        i += 1
    return grids, "\n".join(prose)


def _is_row(line: str) -> bool:
    stripped = line.strip()
    return stripped.startswith("|") or (stripped.count("|") >= 2 and not stripped.startswith("```"))


def _cells(line: str) -> list[Cell]:
    stripped = line.strip()
    if stripped.startswith("|"):
        stripped = stripped[1:]
    if stripped.endswith("|") and not stripped.endswith("\\|"):
        stripped = stripped[:-1]
    parts = re.split(r"(?<!\\)\|", stripped)
    return [_cell(part.replace("\\|", "|")) for part in parts]


def _cell(text: str) -> Cell:
    text = _FOOTNOTE_SUP.sub("", text)
    struck = _ESCAPE.sub(r"\1", " ".join(a or b for a, b in _STRUCK.findall(text)))
    text = _STRUCK.sub(" ", text)
    text = _BREAK.sub("\n", text)
    text = _LINK.sub(r"\1", text)
    text = _AUTOLINK.sub(r"\1", text)
    text = _TAG.sub("", text)
    text = text.replace("**", "").replace("__", "").replace("`", "")
    text = _ESCAPE.sub(r"\1", text)
    return Cell(text=text.strip(), struck=struck.strip())
