"""Markdown pages -> grids: pipe tables as converters emit them, and HTML tables inside Markdown."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence

from monitor.extract.cells import Cell
from monitor.extract.grid import Grid
from monitor.extract.hints import column_label
from monitor.extract.html import html_grids, parse_html, preamble_of
from monitor.extract.labels import MODEL_TITLE, heading_text, section_topic
from monitor.normalize import clean_text

_SEPARATOR = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$")
_EMPHASIS = re.compile(r"\*\*|(?<!\w)__|__(?!\w)|(?<![\w*])\*(?=\S)|(?<=\S)\*(?![\w*])")
_BOLD_LEAD = re.compile(r"^\s*\*\*([^*|]+)\*\*")
_HTML_TABLE = re.compile(r"<table\b.*?</table>", re.I | re.S)
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_AUTOLINK = re.compile(r"<(https?://[^>]+)>")
_BREAK = re.compile(r"<br\s*/?>|<hr\s*/?>", re.I)
_TAG = re.compile(r"</?[a-zA-Z][^>]*>")
_STRUCK = re.compile(r"~~(.+?)~~|<del>(.*?)</del>", re.I)
_FOOTNOTE_SUP = re.compile(r"<sup>.*?</sup>", re.I)
_TITLE = re.compile(r"^#\s+(.+?)\s*#*\s*$")
_LIST_ITEM = re.compile(r"^\s*[-*+]\s+")
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!$|~<>])")


_BARE_TAG = re.compile(r"^\s*</?[A-Za-z][^>]*>\s*$")
_COMPONENT = re.compile(r"<([A-Z][\w.]*)\b")  # a JSX component's opening tag: '<TextTokenPricingTables'
_COMPONENT_AT = "\x00component "
# a row of a component's rows: a bracketed list whose strings may hold brackets ('"FLUX.1 Kontext [max]"')
_ROW_VALUES = re.compile(r"""\[((?:"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|[^\[\]"'])*)\]""")
_VALUE = re.compile(
    r'"((?:[^"\\]|\\.)*)"|\'((?:[^\'\\]|\\.)*)\'|(-?\d+(?:\.\d+)?(?:[eE]-?\d+)?)|\b(?:null|undefined)\b'
)
_PANE_LABEL = re.compile(r"^[A-Za-z\u4e00-\u9fff][\w \u4e00-\u9fff-]{0,15}$")


# a component's rows as a prop: <PricingTable rows={[["gpt-5.4-mini", 0.375, 0.0375, "-", 2.25], ...]}>
_ROWS_PROP = re.compile(r"\brows=\{\s*\[(.*?)\]\s*\}", re.S)


_PLACEHOLDER = "\x00html-table "


def markdown_grids(
    text: str, columns: Mapping[str, Sequence[Sequence[str]]] | None = None
) -> tuple[list[Grid], str]:
    """The page's tables, and its text outside them (where a page states its units). `columns` names the
    columns of a component's rows (`rows={[...]}`) by the component's name: the source's columns hint."""
    grids: list[Grid] = []
    components: list[tuple[str, list[list[Cell]]]] = []

    def component(match: re.Match[str]) -> str:
        rows = [_values(row) for row in _ROW_VALUES.findall(match.group(1))]
        if not rows:
            return "\n"
        opened = [m.group(1) for m in _COMPONENT.finditer(match.string, 0, match.start())]
        components.append((opened[-1] if opened else "", rows))
        return f"\n{_COMPONENT_AT}{len(components) - 1}\n"

    text = _ROWS_PROP.sub(component, text)
    # an HTML table inside Markdown stands where it is: a placeholder line, so that it has the same
    # headings and sentences around it as a pipe table
    html_tables: list[list[Grid]] = []

    def placeholder(match: re.Match[str]) -> str:
        html_tables.append(html_grids(parse_html(match.group(0))))
        return f"\n{_PLACEHOLDER}{len(html_tables) - 1}\n"

    text = _HTML_TABLE.sub(placeholder, text)
    prose: list[str] = []
    section = chapter = ""
    chapter_level = 0  # the level of the heading that named the chapter
    grids_at_lead = 0  # how many tables were read when the last bold lead was
    headings: list[tuple[int, str]] = []
    placed: list[tuple[Grid, int]] = []  # each grid, and how many prose lines came before it
    prose_levels: dict[int, int] = {}  # which prose lines are headings, and their levels
    page_model = markdown_page_model(text)
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        heading = _HEADING.match(line)
        if heading:
            # emphasis is no word of the heading ('#### **中国内地** prices')
            name = heading_text(_EMPHASIS.sub("", heading.group(1)).strip("* ")).strip("* ")
            level = len(line.lstrip()) - len(line.lstrip().lstrip("#"))
            # a heading of no meaning ('###### Overview') below a bold lead ('**openrouter**平台价格：'),
            # inside the lead's chapter and before the lead's table, closes no section: the table under
            # both is still the one the lead names
            # (a page's title, '# Pricing', closes every lead above it: '**Last updated:** …')
            lead_open = section != chapter and grids_at_lead == len(grids) and level > 1
            if not (lead_open and not section_topic(name) and level > chapter_level):
                section = chapter = name
                chapter_level = level
            headings = [h for h in headings if h[0] < level] + [(level, name)]
            prose_levels[len(prose)] = level  # the heading's line is the next prose line
        elif bold := _BOLD_LEAD.match(line):
            # '**openrouter**平台价格：' names the table below it within the chapter
            section = f"{chapter} > {bold.group(1).strip()}" if chapter else bold.group(1).strip()
            grids_at_lead = len(grids)
        standing: list[Grid] = []  # tables that stand on this line: an HTML table's, a component's
        at = len(prose)
        if line.startswith(_COMPONENT_AT):
            name, rows = components[int(line[len(_COMPONENT_AT) :])]
            # the component stands where its opening tag does: its props are no sentences about it
            at = next((k for k in range(len(prose) - 1, -1, -1) if f"<{name}" in prose[k]), len(prose))
            standing = _component_grids(name, rows, (columns or {}).get(name), prose[:at])
        elif line.startswith(_PLACEHOLDER):
            standing = html_tables[int(line[len(_PLACEHOLDER) :])]
        if line.startswith((_COMPONENT_AT, _PLACEHOLDER)):
            for grid in standing:  # under this point's headings, as a pipe table here would be
                grid.section = grid.section or section
                grid.headings = [h for _level, h in headings] + grid.headings
                grid.page_model = grid.page_model or page_model
                grids.append(grid)
                placed.append((grid, at))
            i += 1
            continue
        if _is_row(line) and i + 1 < len(lines) and _SEPARATOR.match(lines[i + 1]):
            rows = [_cells(line)]
            i += 2
            while i < len(lines) and _is_row(lines[i]):
                if not _SEPARATOR.match(lines[i]):
                    rows.append(_cells(lines[i]))
                i += 1
            # the last sentence above the table; a bare tag ('</Note>') closing a note says nothing
            preamble = preamble_of(prose, prose_levels, _is_sentence)
            grid = Grid(
                rows=rows,
                section=section,
                preamble=preamble,
                collapsed_spans=True,
                page_model=page_model,
                headings=[h for _level, h in headings],
            )
            grids.append(grid)
            placed.append((grid, len(prose)))
            continue
        items = _list_table(lines, i)
        if items:
            rows, i = items
            grids.append(Grid(rows=rows, section=section, page_model=page_model))
            continue
        prose.append(line)
        i += 1
    for grid, at in placed:
        # the sentences around a table (where a page says 'The prices are based on 1 million tokens.')
        grid.lead = grid.lead or _context_lines(reversed(prose[:at]))[::-1]
        grid.trail = grid.trail or _context_lines(prose[at:])
    return grids, "\n".join(prose)


def _component_grids(
    name: str, rows: list[list[Cell]], widths: Sequence[Sequence[str]] | None, prose: list[str]
) -> list[Grid]:
    """A component's rows under the column labels the source's columns hint gives them, in the pane the
    line above names ('Standard', 'Batch', 'Flex': a pane of tabs drawn by the component's page);
    without the hint its rows are reported, never read by position (the component draws the header)."""
    if not widths:
        unread = (
            f"a component's table of {len(rows)} rows with no column labels in the page "
            f"({name or 'component'} rows={{[...]}}); not read by position (the source's columns hint "
            "names them)"
        )
        return [Grid(rows=[], unread=unread)]
    above = next((x for x in map(_pane_text, reversed(prose[-8:])) if x), "")
    grids = []
    for meanings in widths:
        fitting = [row for row in rows if len(row) == len(meanings)]
        if not fitting:
            continue
        # the source says these columns hold prices: each header says so ('input price'), as a page's would
        header = [
            Cell(column_label(m) if m in ("model", "-") else f"{column_label(m)} price") for m in meanings
        ]
        grid = Grid(rows=[header, *fitting])
        if _PANE_LABEL.match(above):
            grid.headings = [above]  # the pane's name, as a heading the table stands under
        grids.append(grid)
    known = {len(meanings) for meanings in widths}
    misfits = ", ".join(repr(row[0].text) for row in rows if len(row) not in known and row)
    if misfits:
        said = " or ".join(str(n) for n in sorted(known))
        grids.append(
            Grid(
                rows=[], unread=f"{name}: rows of another width than its {said} columns ({misfits}); not read"
            )
        )
    return grids


def _values(row: str) -> list[Cell]:
    """'"gpt-5.4-mini", 0.75, "", null' -> cells, strings unquoted, an empty or null value empty."""
    return [Cell(next((g for g in m.groups() if g is not None), "")) for m in _VALUE.finditer(row)]


def _pane_text(line: str) -> str:
    """A line's text outside tags and component props ('<div class="hidden">Batch</div>' -> 'Batch')."""
    if "=" in _TAG.sub("", line) or _COMPONENT.search(line):
        return ""
    return clean_text(_TAG.sub(" ", line))


def _is_sentence(line: str) -> bool:
    """A line that can say something of the table below it: not blank, not a bare tag ('</Note>')."""
    return bool(line.strip()) and not _BARE_TAG.match(line)


def _context_lines(lines: Iterable[str], count: int = 4) -> list[str]:
    """Up to `count` text lines, nearest first, stopping at a heading."""
    out: list[str] = []
    for line in lines:
        if _HEADING.match(line) or len(out) >= count:
            break
        text = clean_text(_TAG.sub(" ", _LINK.sub(r"\1", line))).strip("*>- ")
        if text and not _BARE_TAG.match(line):
            out.append(text)
    return out


def markdown_title(text: str) -> str:
    """The page's title: its first '# ' heading."""
    return next((heading_text(m.group(1).strip("* ")) for m in map(_TITLE.match, text.splitlines()) if m), "")


def markdown_page_model(text: str) -> str:
    """The page's title where it names one model ('# doubao-seed-1.6'): a model's own pricing page."""
    title = markdown_title(text)
    return title if MODEL_TITLE.match(title) else ""


def _list_table(lines: list[str], start: int) -> tuple[list[list[Cell]], int] | None:
    """A table a converter turned into list items, each header cell's second line joined to the next
    cell ('- 条件', '- (千 token) | 输入', …, '- 输入长度 [0, 32]', '- 且输出长度 [0, 0.2] | 0.80 | …').

    Returns the rebuilt rows and the line after the list, or None where the list is not such a table.
    """
    items: list[str] = []
    i = start
    while i < len(lines) and _LIST_ITEM.match(lines[i]):
        items.append(_LIST_ITEM.sub("", lines[i]).strip())
        i += 1
    numeric = [x for x in items if "|" in x and re.search(r"\|\s*\d", x)]
    if len(items) < 3 or not numeric:
        return None
    width = numeric[0].count("|") + 1
    header: list[str] = []
    k = 0
    # the header: items until it has `width` cells, then a last unit line with no digits
    while k < len(items) and " ".join(header).count("|") < width - 1:
        header.append(items[k])
        k += 1
    while k < len(items) and "|" not in items[k] and not re.search(r"\d", items[k]):
        header.append(items[k])
        k += 1
    rows = [[Cell(c.strip()) for c in " ".join(header).split("|")]]
    current: list[str] = []
    for item in items[k:]:
        current.append(item)
        if " ".join(current).count("|") >= width - 1:
            rows.append([Cell(c.strip()) for c in " ".join(current).split("|")])
            current = []
    if any(len(r) != width for r in rows) or len(rows) < 2:
        return None
    return rows, i


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
