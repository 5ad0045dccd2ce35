"""HTML pages -> blocks in document order: headings, tab names, text lines and tables (grids with
rowspan and colspan expanded, footnote marks apart). Each table carries its context: the headings
above it, the tab it sits in, and the text lines just before and after it."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from selectolax.lexbor import LexborHTMLParser, LexborNode

from monitor.extract.cells import Cell
from monitor.extract.grid import Grid
from monitor.extract.labels import MODEL_TITLE, heading_text, section_topic
from monitor.normalize import clean_text

_HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
_MAX_SPAN = 50  # a colspan="1000" in a broken page must not build a huge grid
_SKIPPED = {"script", "style", "noscript", "template", "svg", "head"}
# elements that end a line of text (a text node inside <span> or <b> continues the line)
_BLOCKS = {
    "p", "div", "li", "ul", "ol", "section", "article", "header", "footer", "br", "tr", "dt", "dd",
    "button", "label", "nav", "aside", "main", "figure", "figcaption", "blockquote", "pre", "hr",
}  # fmt: skip
_CONTEXT_LINES = 4  # text lines kept before and after a table as its context
# a tab's name: a short label (广州, Standard, 标准, Global), not a sentence
_TAB_LABEL = re.compile(r"^[^\d.。:：,，]{1,16}$")


def parse_html(text: str) -> LexborHTMLParser:
    tree = LexborHTMLParser(text)
    for node in tree.css("script, style, noscript, template, svg"):
        node.decompose()
    return tree


@dataclass
class _Walk:
    """What the walk has seen so far."""

    headings: list[tuple[int, str]]
    lines: list[str]  # every text line, in order
    line: list[str]  # the line being built from inline text
    grids: list[Grid]
    grid_lines: list[int]  # for each grid, how many text lines came before it
    tabs: list[tuple[int, list[str]]]  # (text lines before, names) of each ARIA tab list
    heading_lines: dict[int, int]  # which of `lines` are headings, and their levels
    tables: list[LexborNode] = field(default_factory=list)  # each grid's <table>
    panes: list[list[tuple[str, LexborNode]]] = field(default_factory=list)  # each ARIA list's panels


def html_grids(tree: LexborHTMLParser) -> list[Grid]:
    """Every table of the page as a grid (a nested table is read on its own), with its context."""
    return page_blocks(tree)[0]


def page_blocks(
    tree: LexborHTMLParser, roots: list[LexborNode] | None = None
) -> tuple[list[Grid], list[str]]:
    """The page's tables with their context, and its text lines outside them; within `roots` only,
    where given (the parts a source's `select` hint chose)."""
    walk = _Walk([], [], [], [], [], [], {})
    body = tree.body or tree.root
    for root in roots if roots is not None else ([body] if body is not None else []):
        if _is_table(root):
            _table(root, walk)
        else:
            _visit(root, walk)
        _end_line(walk)
    _end_line(walk)
    _join_split_headers(walk)
    for index, grid in enumerate(walk.grids):
        at = walk.grid_lines[index]
        end = walk.grid_lines[index + 1] if index + 1 < len(walk.grids) else len(walk.lines)
        grid.lead = [x for x in walk.lines[max(0, at - _CONTEXT_LINES) : at]]
        # the lines after a table speak for it up to the next heading
        stop = next((k for k in range(at, min(end, at + _CONTEXT_LINES)) if k in walk.heading_lines), None)
        grid.trail = walk.lines[at : stop if stop is not None else min(end, at + _CONTEXT_LINES)]
    _name_tabs(walk)
    return walk.grids, walk.lines


def page_title(tree: LexborHTMLParser) -> str:
    """The page's title: its first <h1>, else its <title>."""
    for selector in ("h1", "title"):
        node = tree.css_first(selector)
        if node is not None and clean_text(node.text(separator=" ")):
            return heading_text(clean_text(node.text(separator=" ")))
    return ""


def page_text(tree: LexborHTMLParser) -> str:
    """The page's text, one text node per line (so a flattened table keeps its cells apart)."""
    body = tree.body or tree.root
    return body.text(separator="\n") if body is not None else ""


def _visit(root: LexborNode, walk: _Walk) -> None:
    """Every node below `root` in document order, without recursion (a page may nest thousands of
    <div>s deep): a block element ends the line before and after it."""
    stack: list[LexborNode | None] = [root.child]  # None: a block element's end
    while stack:
        child = stack.pop()
        if child is None:
            _end_line(walk)
            continue
        if child.next is not None:
            stack.append(child.next)
        tag = child.tag
        if tag == "-text":
            text = child.text_content
            if text and text.strip():
                walk.line.append(text)
            continue
        if tag in _SKIPPED or tag == "-comment":
            continue
        # an element's attributes, read once: selectolax builds the dict on every read
        attributes = child.attributes
        if tag in _HEADINGS or (tag in ("div", "p", "span") and _heading_level(attributes)):
            _end_line(walk)
            level = _HEADINGS.get(tag) or _heading_level(attributes)
            text = heading_text(clean_text(child.text(separator=" ")))
            if text:
                walk.headings = [h for h in walk.headings if h[0] < level] + [(level, text)]
                walk.heading_lines[len(walk.lines)] = level
                walk.lines.append(text)
        elif tag == "table":
            _end_line(walk)
            _table(child, walk)
        elif _struck(tag, attributes):
            # a list price drawn struck through beside the price ('~~¥4.2~~ ¥2.1'), as Markdown writes it
            text = clean_text(child.text(separator=" "))
            if text:
                walk.line.append(f"~~{text}~~")
        else:
            role = attributes.get("role") or ""
            if role in _ARIA_TABLES and _is_table(child):
                _end_line(walk)
                _table(child, walk)
                continue
            if role == "tablist":
                _end_line(walk)
                names = [clean_text(n.text(separator=" ")) for n in child.css('[role="tab"]')]
                walk.tabs.append((len(walk.lines), [n for n in names if n]))
                walk.panes.append(_tab_panels(child))
            block = tag in _BLOCKS
            if block:
                _end_line(walk)
                stack.append(None)
            if child.child is not None:
                stack.append(child.child)


# editors draw headings as <div class="heading-h2"> or with role="heading" aria-level="2"
_HEADING_CLASS = re.compile(r"(?:^|\s)(?:heading|title)-?h?([1-6])(?:\s|$)")


def _heading_level(attributes: dict[str, str | None]) -> int:
    if attributes.get("role") == "heading":
        level = attributes.get("aria-level") or "2"
        return int(level) if level.isdecimal() and 1 <= int(level) <= 6 else 2
    match = _HEADING_CLASS.search(attributes.get("class") or "")
    return int(match.group(1)) if match else 0


_STRUCK_TAGS = {"del", "s", "strike"}
_LINE_THROUGH = re.compile(
    r"(?:^|\s)(?:line-through|strikethrough|strike)(?:\s|$)|text-decoration[^;]*line-through"
)


def _struck(tag: str | None, attributes: dict[str, str | None]) -> bool:
    """Text drawn struck through: <del>, <s>, or a class or style that draws a line through it."""
    if tag in _STRUCK_TAGS:
        return True
    classes, style = attributes.get("class"), attributes.get("style")
    if not classes and not style:
        return False  # no class, no style (most elements)
    said = f"{classes or ''} {style or ''}"
    return "line-through" in said and bool(_LINE_THROUGH.search(said))


def _end_line(walk: _Walk) -> None:
    if walk.line:
        text = clean_text(" ".join(walk.line))
        if text:
            walk.lines.append(text)
        walk.line = []


def _is_table(node: LexborNode) -> bool:
    """A <table>, or a table drawn with ARIA roles (role="table" or "grid", its rows role="row"): a
    component library's data grid of <div>s is read as the table it shows. A role="grid" whose cells are
    cards (a heading in a cell) and that has no header cell is a layout of model cards, read as cards."""
    if node.tag == "table":
        return True
    role = node.attributes.get("role")
    if role not in _ARIA_TABLES or node.css_first('[role="row"]') is None:
        return False
    if role == "table" or node.css_first('[role="columnheader"], [role="rowheader"]') is not None:
        return True
    return node.css_first(_CARD_IN_CELL) is None  # a grid of cards: a layout, not a table


_ARIA_TABLES = {"table", "grid", "treegrid"}
_CARD_IN_CELL = ", ".join(f'[role="{r}"] h{n}' for r in ("cell", "gridcell") for n in range(1, 7))
_ARIA_CELLS = '[role="cell"], [role="gridcell"], [role="columnheader"], [role="rowheader"]'


def _rows(table: LexborNode) -> list[LexborNode]:
    """A table's own rows (not a nested table's)."""
    selector = "tr" if table.tag == "table" else '[role="row"]'
    return [row for row in table.css(selector) if _owning_table(row) == table]


def _row_cells(row: LexborNode) -> list[LexborNode]:
    if row.tag == "tr":
        return [n for n in row.iter() if n.tag in ("td", "th")]
    return [n for n in row.css(_ARIA_CELLS) if _owning_row(n) == row]


def _owning_row(cell: LexborNode) -> LexborNode | None:
    return _nearest_above(cell, lambda parent: parent.attributes.get("role") == "row")


def _table(table: LexborNode, walk: _Walk) -> None:
    rows = _rows(table)
    caption = table.css_first("caption")
    path = [text for _level, text in walk.headings]
    grid = Grid(
        rows=_expand(rows),
        section=path[-1] if path else "",
        preamble=preamble_of(walk.lines, walk.heading_lines),
        headings=path,
        caption=clean_text(caption.text(separator=" ")) if caption is not None else "",
    )
    walk.grids.append(grid)
    walk.grid_lines.append(len(walk.lines))
    walk.tables.append(table)
    for nested in table.css('table, [role="table"], [role="grid"], [role="treegrid"]'):
        if nested is not table and _is_table(nested) and _owning_table(nested) == table:
            _table(nested, walk)


_PREAMBLE_REACH = 6  # lines looked back for the sentence above a table


def preamble_of(
    lines: list[str], heading_levels: dict[int, int], is_text: Callable[[str], bool] = bool
) -> str:
    """The last sentence above a table (after `lines`, of which `heading_levels` says which are headings
    and their levels): past a heading between them only where the sentence stands in a section that
    holds that heading ('Prices per 1M tokens.' above '###### Overview' speaks for it; the last sentence
    of a sibling section, or of a section whose heading is not known, does not)."""
    crossed: int | None = None  # the shallowest heading passed on the way up
    seen = 0
    for k in range(len(lines) - 1, -1, -1):
        if seen >= _PREAMBLE_REACH:
            return ""
        if k in heading_levels:
            if MODEL_TITLE.match(lines[k].strip("#* ")):
                return ""  # a heading that names a model is what the table is about
            seen += 1
            if section_topic(lines[k]):  # a heading of no meaning ('Overview') divides nothing
                crossed = heading_levels[k] if crossed is None else min(crossed, heading_levels[k])
            continue
        if not is_text(lines[k]):
            continue
        if crossed is None:
            return lines[k]
        governing = next(
            (
                heading_levels[h]
                for h in range(k - 1, -1, -1)
                if h in heading_levels and section_topic(lines[h])
            ),
            None,
        )
        return lines[k] if governing is not None and governing < crossed else ""
    return ""


def _join_split_headers(walk: _Walk) -> None:
    """A table drawn as two (a fixed header row in one <table>, the body in the next, as UI
    libraries do) is one table: a one-row table of labels, then at once a table as wide."""
    index = 0
    while index + 1 < len(walk.grids):
        head, body = walk.grids[index], walk.grids[index + 1]
        if (
            len(head.rows) == 1
            and head.rows[0]
            and walk.grid_lines[index] == walk.grid_lines[index + 1]
            and body.rows
            and len(body.rows[0]) == len(head.rows[0])
            and not any(re.search(r"\d", c.text) and "$" in c.text for c in head.rows[0])
            and clean_text(body.rows[0][0].text) != clean_text(head.rows[0][0].text)
        ):
            head.rows.extend(body.rows)
            del walk.grids[index + 1], walk.grid_lines[index + 1], walk.tables[index + 1]
        index += 1


def _name_tabs(walk: _Walk) -> None:
    """Tables shown in tabs or panes (广州 / 新加坡, Standard / Batch) are whole copies of one table:
    each takes its tab's name as a condition. A tab list is an ARIA tablist, or a run of short labels
    right before as many tables with the same header, with no text between the tables."""
    taken: set[int] = set()
    named: dict[int, list[str]] = {}  # grid -> the tabs it is shown under, outermost first
    for panes in walk.panes:
        if panes:
            _assign_panels(walk, panes, named)
    for index, names in named.items():
        walk.grids[index].tab = " ".join(names)
        taken.add(index)
    for (at, names), panes in zip(walk.tabs, walk.panes, strict=True):
        if not panes:
            _assign_tabs(walk, at, names, taken)
    for index, grid in enumerate(walk.grids):
        if index in taken or not grid.lead:
            continue
        k = walk.grid_lines[index] - 1
        while k in walk.heading_lines and not section_topic(walk.lines[k]):
            k -= 1  # a heading of no meaning ('Overview') between the tab names and the pane
        labels: list[str] = []
        while k >= 0 and k not in walk.heading_lines and _TAB_LABEL.match(walk.lines[k]) and len(labels) < 12:
            labels.insert(0, walk.lines[k])
            k -= 1
        if len(labels) >= 2:
            _assign_tabs(walk, k + 1, labels, taken)


def _tab_panels(tablist: LexborNode) -> list[tuple[str, LexborNode]]:
    """Each tab's name and its panel, where the page's structure says which panel is a tab's: the
    element its `aria-controls` names, else the tab list's following siblings of role `tabpanel`, in
    order, one per tab. Empty where neither is there (a page that draws only the open pane)."""
    tabs = [(clean_text(t.text(separator=" ")), t) for t in tablist.css('[role="tab"]')]
    parser = tablist.parser
    controlled = []
    for name, tab in tabs:
        target = (tab.attributes.get("aria-controls") or "").strip()
        panel = parser.css_first(f'[id="{target}"]') if target and '"' not in target else None
        if panel is not None:
            controlled.append((name, panel))
    if controlled:
        return controlled
    siblings = []
    sibling = tablist.next
    while sibling is not None:
        if sibling.attributes.get("role") == "tabpanel":
            siblings.append(sibling)
        sibling = sibling.next
    if len(siblings) != len(tabs):  # panels that do not match the tabs one to one say nothing
        return []
    return [(name, panel) for (name, _tab), panel in zip(tabs, siblings, strict=True)]


def _assign_panels(walk: _Walk, panes: list[tuple[str, LexborNode]], named: dict[int, list[str]]) -> None:
    """A table inside a tab's panel is shown under that tab: where the panels of two or more tabs hold
    tables, each table takes its tab's name (after the names of the tab lists around this one: a region's
    tab holding Standard / Batch tabs). Tabs whose tables are all in one panel (a page's 'Pricing | FAQ'
    bar) tell no table apart: they name none."""
    held: dict[int, str] = {}
    for index, table in enumerate(walk.tables):
        for name, panel in panes:
            if name and _inside(table, panel):
                held[index] = name
    if len(set(held.values())) >= 2:
        for index, name in held.items():
            named.setdefault(index, []).append(name)


def _inside(node: LexborNode, ancestor: LexborNode) -> bool:
    return _nearest_above(node, lambda parent: parent.mem_id == ancestor.mem_id) is not None


def _assign_tabs(walk: _Walk, at: int, names: list[str], taken: set[int]) -> None:
    if len(names) < 2:
        return
    following = [i for i, before in enumerate(walk.grid_lines) if before >= at and i not in taken]
    group = following[: len(names)]
    if len(group) != len(names):
        return
    headers = {tuple(clean_text(c.text) for c in walk.grids[i].rows[0]) for i in group if walk.grids[i].rows}
    # the panes follow one another: nothing but the tab names (and each pane's own short lines)
    # between them, and they share one header
    if len(headers) != 1:
        return
    for name, i in zip(names, group, strict=True):
        walk.grids[i].tab = name
        taken.add(i)


def _owning_table(node: LexborNode) -> LexborNode | None:
    return _nearest_above(node, lambda p: p.tag == "table" or p.attributes.get("role") in _ARIA_TABLES)


def _nearest_above(node: LexborNode, test: Callable[[LexborNode], bool]) -> LexborNode | None:
    """The nearest element above `node` that passes `test`, or None."""
    parent = node.parent
    while parent is not None and not test(parent):
        parent = parent.parent
    return parent


def _span(attributes: dict[str, str | None], name: str) -> int:
    value = (attributes.get(name) or "1").strip()
    return max(1, min(int(value), _MAX_SPAN)) if value.isdecimal() else 1


def _cell(node: LexborNode) -> Cell:
    if next(node.iter(), None) is None:  # text only, as most cells are: no element to look for
        return Cell(text=_one_space(node.text(separator=" ")).strip())
    # the elements in the cell, walked once: a selector is asked only for what is there (each query
    # parses its selector and walks the cell again)
    inside = {n.tag for n in node.traverse()}
    # '<sup>(3)</sup>' marks a footnote: kept apart (the page's note 3 may date the price), never text
    sups = node.css("sup") if "sup" in inside else []
    marks = tuple(m for m in (_NOT_WORD.sub("", n.text()) for n in sups) if m)
    for n in sups:
        n.decompose()
    lined = not inside.isdisjoint(_STRUCK_TAGS) or "line-through" in (node.html or "")
    crossed = node.css("del, s, strike, [class*='line-through'], [style*='line-through']") if lined else []
    struck = [n.text(separator=" ") for n in crossed]
    for n in crossed:
        n.decompose()
    for br in node.css("br") if "br" in inside else []:
        br.replace_with(_BREAK)
    for block in node.css(_CELL_BLOCKS) if not inside.isdisjoint(_CELL_BLOCK_TAGS) else []:
        block.insert_before(_BREAK)
    # whitespace in the page's source (an indented, wrapped <td>) is a space, as a browser shows it; a
    # <br> and a block inside the cell (a list item, a paragraph) start a line
    text = _SOURCE_SPACE.sub(" ", node.text(separator=" ")).replace(_BREAK, "\n")
    text = "\n".join(line.strip() for line in text.split("\n"))
    return Cell(text=text, struck=" ".join(struck).strip(), marks=marks)


_CELL_BLOCKS = "p, div, li, dt, dd, tr, h1, h2, h3, h4, h5, h6, blockquote, pre"
_CELL_BLOCK_TAGS = frozenset(tag.strip() for tag in _CELL_BLOCKS.split(","))
_BREAK = "\ue000"  # a <br> while the cell's source whitespace collapses (private use: never page text)
_SOURCE_SPACE = re.compile(r"[ \t\r\n\f]+")
_NOT_WORD = re.compile(r"\W")


def _one_space(text: str) -> str:
    """Each run of source whitespace as one space; a text with no run and no other whitespace than a
    single space (most cells) is not searched."""
    if "  " in text or "\n" in text or "\t" in text or "\r" in text or "\f" in text:
        return _SOURCE_SPACE.sub(" ", text)
    return text


def _expand(rows: list[LexborNode]) -> list[list[Cell]]:
    """Lay rowspan/colspan cells out on a rectangle: a spanned cell repeats in every place it covers.

    A cell that holds only invisible characters (U+FEFF, zero-width spaces) in a row wider than the
    header is an editor's placeholder, not a column: it is left out, so the row lines up."""
    grid: list[list[Cell]] = []
    pending: dict[tuple[int, int], Cell] = {}  # (row, col) -> cell carried down by a rowspan
    for r, tr in enumerate(rows):
        out: list[Cell] = []
        col = 0
        cells = _row_cells(tr)
        covered = sum(1 for (row, _col) in pending if row == r)
        if covered:
            # an editor's placeholder for a place a rowspan above covers (rowspan="0" colspan="0",
            # U+FEFF only): the spanned cell is there already
            cells = _without_placeholders(cells, covered)
        for td in cells:
            while (r, col) in pending:
                out.append(pending.pop((r, col)))
                col += 1
            cell = _cell(td)
            attributes = td.attributes  # selectolax builds the dict on each read: read once
            rowspan, colspan = (
                (_span(attributes, "rowspan"), _span(attributes, "colspan")) if attributes else (1, 1)
            )
            for c in range(col, col + colspan):
                out.append(cell)
                for below in range(r + 1, r + rowspan):
                    pending[(below, c)] = cell
            col += colspan
        while (r, col) in pending:
            out.append(pending.pop((r, col)))
            col += 1
        grid.append(out)
    width = len(grid[0]) if grid else 0
    return [_placeholders_out(row, width) for row in grid]


def _without_placeholders(cells: list[LexborNode], covered: int) -> list[LexborNode]:
    out = []
    for cell in cells:
        spans = (cell.attributes.get("rowspan"), cell.attributes.get("colspan"))
        invisible = not clean_text(cell.text()) and cell.css_first("img") is None
        if covered and invisible and (spans == ("0", "0") or cell.text().strip()):
            covered -= 1
            continue
        out.append(cell)
    return out


def _placeholders_out(row: list[Cell], width: int) -> list[Cell]:
    if len(row) <= width:
        return row
    extra = len(row) - width
    out = []
    for cell in row:
        if extra and cell.text.strip() and not clean_text(cell.text):
            extra -= 1  # only invisible characters: U+FEFF, zero-width spaces
            continue
        out.append(cell)
    return out
