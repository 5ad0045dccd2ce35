"""HTML pages -> grids, with rowspan and colspan expanded, footnote marks and scripts left out."""

from __future__ import annotations

import re

from selectolax.lexbor import LexborHTMLParser, LexborNode

from monitor.extract.grid import Cell, Grid

_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_MAX_SPAN = 50  # a colspan="1000" in a broken page must not build a huge grid


def parse_html(text: str) -> LexborHTMLParser:
    tree = LexborHTMLParser(text)
    for node in tree.css("script, style, noscript, template, svg"):
        node.decompose()
    return tree


def html_grids(tree: LexborHTMLParser) -> list[Grid]:
    """Every table of the page as a grid (a nested table is read on its own)."""
    grids = []
    for table in tree.css("table"):
        rows = [tr for tr in table.css("tr") if _owning_table(tr) == table]
        grids.append(Grid(rows=_expand(rows), section=_section_of(table), preamble=_preamble_of(table)))
    return grids


def page_text(tree: LexborHTMLParser) -> str:
    """The page's text, one text node per line (so a flattened table keeps its cells apart)."""
    body = tree.body or tree.root
    return body.text(separator="\n") if body is not None else ""


def _owning_table(node: LexborNode) -> LexborNode | None:
    parent = node.parent
    while parent is not None and parent.tag != "table":
        parent = parent.parent
    return parent


def _span(node: LexborNode, name: str) -> int:
    value = (node.attributes.get(name) or "1").strip()
    return max(1, min(int(value), _MAX_SPAN)) if value.isdigit() else 1


def _cell(node: LexborNode) -> Cell:
    # '<sup>(3)</sup>' marks a footnote: kept apart (the page's note 3 may date the price), never text
    marks = tuple(m for m in (re.sub(r"\W", "", n.text()) for n in node.css("sup")) if m)
    for n in node.css("sup"):
        n.decompose()
    struck = [n.text(separator=" ") for n in node.css("del, s, strike")]
    for n in node.css("del, s, strike"):
        n.decompose()
    for br in node.css("br"):
        br.replace_with("\n")
    return Cell(text=node.text(separator=" "), struck=" ".join(struck).strip(), marks=marks)


def _expand(rows: list[LexborNode]) -> list[list[Cell]]:
    """Lay rowspan/colspan cells out on a rectangle: a spanned cell repeats in every place it covers."""
    grid: list[list[Cell]] = []
    pending: dict[tuple[int, int], Cell] = {}  # (row, col) -> cell carried down by a rowspan
    for r, tr in enumerate(rows):
        out: list[Cell] = []
        col = 0
        for td in (n for n in tr.iter() if n.tag in ("td", "th")):
            while (r, col) in pending:
                out.append(pending.pop((r, col)))
                col += 1
            cell = _cell(td)
            rowspan, colspan = _span(td, "rowspan"), _span(td, "colspan")
            for c in range(col, col + colspan):
                out.append(cell)
                for below in range(r + 1, r + rowspan):
                    pending[(below, c)] = cell
            col += colspan
        while (r, col) in pending:
            out.append(pending.pop((r, col)))
            col += 1
        grid.append(out)
    return grid


def _preamble_of(table: LexborNode) -> str:
    """The text of the element just before the table (a sentence introducing it), if any."""
    sibling = table.prev
    while sibling is not None and (sibling.tag == "-text" and not (sibling.text() or "").strip()):
        sibling = sibling.prev
    if sibling is None or sibling.tag in _HEADINGS or sibling.tag == "table":
        return ""
    return (sibling.text(separator=" ") or "").strip()[-300:]


def _section_of(table: LexborNode) -> str:
    node: LexborNode | None = table
    while node is not None:
        sibling = node.prev
        while sibling is not None:
            if sibling.tag in _HEADINGS:
                return sibling.text(separator=" ").strip()
            sibling = sibling.prev
        node = node.parent
    return ""
