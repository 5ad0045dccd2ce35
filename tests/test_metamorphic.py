"""A page edit is not a price change: every real page of the sample, edited as pages are edited without
touching a price (cells re-padded and re-wrapped, a badge beside each model's name, a heading added above
each table, rows reordered, sections numbered and reordered, a merged row split, the content moved under
a tab, tables redrawn as ARIA grids of <div>s), reads to the same prices: the diff of the two readings is
empty."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from selectolax.lexbor import LexborHTMLParser, LexborNode

from monitor.diff import diff_prices
from monitor.extract import extract_prices
from monitor.fetch import decode_body
from tests.conftest import fixture
from tests.test_extract import GOLDEN_CASES, captured_on
from tests.test_real_pages import CASES, HINTS


def repadded(text: str, kind: str) -> str:
    """Whitespace an editor or a converter adds: around cells, between tags, at line ends."""
    if kind == "html":
        text = re.sub(r"(<t[dh]\b[^>]*>)", r"\1 \n ", text)
        return re.sub(r"(</t[dh]>)", r" \n\1", text).replace("><", ">\n  <")
    return "\n".join(
        re.sub(r"\s*\|\s*", "  |  ", line) if line.lstrip().startswith("|") else f"{line}  "
        for line in text.splitlines()
    )


def badged(text: str, kind: str, models: set[str]) -> str:
    """A badge beside each model's name where the name is a cell of its own."""
    for model in sorted(models, key=len, reverse=True):
        if kind == "html":
            # the whole name: not the first line of a name written on two ('Gemini 2.5 Pro<br>Computer Use')
            text = re.sub(rf">{re.escape(model)}<(?!br)", f'>{model} <span class="badge">NEW</span><', text)
        else:
            text = re.sub(rf"\|\s*{re.escape(model)}\s*\|", f"| {model} (new) |", text)
    return text


def headed(text: str, kind: str) -> str:
    """A heading of no meaning above each table, at the deepest level (it closes no section)."""
    if kind == "html":

        def head(match: re.Match[str]) -> str:
            # a table drawn right after another with no text between is the other's body (a fixed header
            # drawn apart): one table, no heading between
            before = match.string[: match.start()]
            last = before.lower().rfind("</table>")
            joined = last >= 0 and not re.sub(r"<[^>]*>|\s", "", before[last:])
            return match.group(0) if joined else f"<h6>Overview</h6>{match.group(0)}"

        return re.sub(r"<table\b", head, text, flags=re.I)
    lines = text.splitlines()
    out: list[str] = []
    for i, line in enumerate(lines):
        separator = i + 1 < len(lines) and re.match(r"^\s*\|?\s*:?-{2,}", lines[i + 1] or "")
        if line.lstrip().startswith("|") and separator and not (out and out[-1].lstrip().startswith("|")):
            out += ["###### Overview", ""]
        out.append(line)
    return "\n".join(out)


def reordered(text: str, kind: str) -> str:
    """Each table's body rows in reverse order, where no cell spans rows (a span ties rows together)."""
    if kind == "html":

        def reverse(match: re.Match[str]) -> str:
            body = match.group(2)
            if re.search(r"rowspan|colspan", body, re.I):  # a spanning cell ties rows together
                return match.group(0)
            rows = re.findall(r"<tr\b.*?</tr>", body, flags=re.I | re.S)
            if len(rows) < 2 or "<th" in "".join(rows).lower():
                return match.group(0)
            # without a <thead>, the body's first row is the header: it stays first
            head = [] if "</thead>" in match.string[max(0, match.start() - 300) : match.start()] else rows[:1]
            rest = rows[len(head) :]
            return f"{match.group(1)}{''.join(head + rest[::-1])}{match.group(3)}"

        return re.sub(r"(<tbody\b[^>]*>)(.*?)(</tbody>)", reverse, text, flags=re.I | re.S)
    lines = text.splitlines()
    out: list[str] = []
    i = 0
    while i < len(lines):
        out.append(lines[i])
        if re.match(r"^\s*\|?\s*:?-{2,}:?\s*\|", lines[i]):
            j = i + 1
            while j < len(lines) and lines[j].lstrip().startswith("|"):
                j += 1
            body = lines[i + 1 : j]
            # a row that starts empty or has fewer cells than the others continues the row above it
            widths = {row.strip().strip("|").count("|") for row in body}
            spans = any(re.match(r"^\s*\|\s*\|", row) for row in body) or len(widths) > 1
            # a converter's blank header row: the table's real header is its first body row
            spans = spans or not lines[i - 1].replace("|", "").strip()
            out += body if spans else body[::-1]
            i = j
            continue
        i += 1
    return "\n".join(out)


def reworded(text: str) -> str:
    """A status said another way: 'deprecated' -> 'legacy', '即将下线' -> '即将停用', '(Preview)'."""
    for old, new in (
        ("deprecated", "legacy"),
        ("Deprecated", "Legacy"),
        ("下线", "停用"),
        ("(Preview)", "(Beta)"),
    ):
        text = text.replace(old, new)
    return text


def numbered(text: str, kind: str) -> str:
    """Every heading numbered in the page's outline: '## Pricing' -> '## 3. Pricing'."""
    count = iter(range(1, 100_000))
    if kind == "html":
        return re.sub(r"(<h[1-6]\b[^>]*>)", lambda m: f"{m.group(1)}{next(count)}. ", text, flags=re.I)
    return re.sub(r"^(#{1,6}) +", lambda m: f"{m.group(1)} {next(count)}. ", text, flags=re.M)


def sections_reversed(text: str, kind: str) -> str:
    """The page's sections (a heading and what follows it, up to the next heading of its level) in
    reverse order: in HTML where the headings are siblings, in Markdown at the page's top section level."""
    if kind == "html":
        tree = LexborHTMLParser(text)
        parents = [(len(_sections(list(_children(node)))), node) for node in tree.css("*")]
        most, parent = max(parents, key=lambda pair: pair[0], default=(0, None))
        if most < 2 or parent is None:
            return text
        sections = _sections(list(_children(parent)))
        first = sections[0][0]
        for section in sections[::-1]:
            for node in section:
                first.insert_before(node)  # lexbor inserts a copy; the originals go below
        for node in (node for section in sections for node in section):
            node.decompose()
        return tree.html or text
    lines = text.split("\n")
    levels = _markdown_levels(lines)
    for top in range(1, 7):
        starts = [i for i, level in enumerate(levels) if level == top]
        if len(starts) >= 2 and not any(0 < level < top for level in levels[starts[0] :]):
            break
    else:
        return text
    blocks = [
        "\n".join(lines[a:b]).rstrip("\n") + "\n"
        for a, b in zip(starts, [*starts[1:], len(lines)], strict=True)
    ]
    # a heading inside a component ('<Tabs>' ... '</Tabs>') has no section of its own to move
    if any(_unbalanced(block) for block in blocks):
        return text
    return "\n".join(lines[: starts[0]] + blocks[::-1])


def _children(node: LexborNode) -> list[LexborNode]:
    out, child = [], node.child
    while child is not None:
        out.append(child)
        child = child.next
    return out


def _sections(nodes: list[LexborNode]) -> list[list[LexborNode]]:
    levels = [int(tag[1]) if re.fullmatch(r"h[1-6]", tag := n.tag or "") else 0 for n in nodes]
    top = min((level for level in levels if level), default=0)
    starts = [i for i, level in enumerate(levels) if top and level == top]
    return (
        [nodes[a:b] for a, b in zip(starts, [*starts[1:], len(nodes)], strict=True)]
        if len(starts) >= 2
        else []
    )


def _markdown_levels(lines: list[str]) -> list[int]:
    levels, fenced = [], False
    for line in lines:
        fenced ^= line.lstrip().startswith("```")
        heading = re.match(r"^(#{1,6})\s", line)
        levels.append(len(heading.group(1)) if heading and not fenced else 0)
    return levels


_VOID = {"br", "img", "hr", "input", "meta", "link", "source", "wbr", "col"}


def _unbalanced(text: str) -> bool:
    opened = [
        t.lower() for t in re.findall(r"<([A-Za-z][\w.]*)\b[^>]*(?<!/)>", text) if t.lower() not in _VOID
    ]
    closed = [t.lower() for t in re.findall(r"</([A-Za-z][\w.]*)\s*>", text)]
    return sorted(opened) != sorted(closed)


def unmerged(text: str, kind: str) -> str:
    """A merged cell split: a cell spanning rows copied into each row it spans (HTML); a row that leaves
    its first cell empty to continue the row above given that cell (Markdown)."""
    if kind != "html":
        out, above = [], None
        for line in text.split("\n"):
            if not line.lstrip().startswith("|"):
                above = None
            elif not re.match(r"^\s*\|?\s*:?-{2,}", line):
                cells = line.strip().strip("|").split("|")
                if (
                    above
                    and not cells[0].strip()
                    and len(cells) == len(above)
                    and any(c.strip() for c in cells)
                ):
                    line = "| " + " | ".join([above[0].strip()] + [c.strip() for c in cells[1:]]) + " |"
                    cells[0] = above[0]
                above = cells
            out.append(line)
        return "\n".join(out)
    tree = LexborHTMLParser(text)
    if tree.css_first("td[rowspan], th[rowspan]") is None:
        return text
    for table in tree.css("table"):
        rows = [row for row in table.css("tr") if _table_of(row) == table.mem_id]
        places: dict[tuple[int, int], LexborNode] = {}  # (row, column) -> the cell shown there
        for r, row in enumerate(rows):
            c = 0
            for cell in (n for n in _children(row) if n.tag in ("td", "th") and not _placeholder(n)):
                while (r, c) in places:
                    c += 1
                for dr in range(min(_span(cell, "rowspan"), len(rows) - r)):
                    for dc in range(_span(cell, "colspan")):
                        places[(r + dr, c + dc)] = cell
                c += _span(cell, "colspan")
        if all(_span(cell, "rowspan") == 1 for cell in places.values()):
            continue
        for r, row in enumerate(rows):
            shown = sorted((c, cell) for (at, c), cell in places.items() if at == r)
            seen: set[int] = set()
            cells = []
            for _c, cell in shown:
                if cell.mem_id not in seen:
                    seen.add(cell.mem_id)
                    cells.append(re.sub(r'\s+rowspan="?\d+"?', "", cell.html or "", count=1))
            row.inner_html = "".join(cells)
    return tree.html or text


def _table_of(row: LexborNode) -> int:
    parent = row.parent
    while parent is not None and parent.tag != "table":
        parent = parent.parent
    return parent.mem_id if parent is not None else 0


def _placeholder(cell: LexborNode) -> bool:
    """An editor's hidden stand-in for a place a rowspan covers (rowspan="0" colspan="0", no text)."""
    spans = (cell.attributes.get("rowspan"), cell.attributes.get("colspan"))
    return spans == ("0", "0") and not cell.text().strip("\ufeff\u200b \n\t")


def _span(cell: LexborNode, name: str) -> int:
    value = (cell.attributes.get(name) or "1").strip()
    return max(1, int(value)) if value.isdecimal() else 1


def tabbed(text: str, kind: str) -> str:
    """The page's content moved into the first pane of a tab bar ('Pricing | FAQ'), as a site redesign
    does: the second pane holds no table."""
    body = re.search(r"<body\b[^>]*>", text, re.I)
    end = text.lower().rfind("</body>")
    if kind != "html" or body is None or end < body.end():
        return text
    bar = (
        '<div role="tablist"><button role="tab" aria-selected="true">Pricing</button>'
        '<button role="tab">FAQ</button></div><div role="tabpanel">'
    )
    faq = '</div><div role="tabpanel" hidden><p>Questions people ask about billing.</p></div>'
    return f"{text[: body.end()]}{bar}{text[body.end() : end]}{faq}{text[end:]}"


def aria_drawn(text: str, kind: str) -> str:
    """Every table redrawn as a component library draws a data grid: <div>s with ARIA roles (table,
    rowgroup, row, columnheader, cell)."""
    if kind != "html":
        return text
    # the page as a browser builds it first: a cell a page leaves unclosed ('<td>…</tr>') is closed
    text = LexborHTMLParser(text).html or text
    for tag, role in (
        ("table", "table"),
        ("thead|tbody|tfoot", "rowgroup"),
        ("tr", "row"),
        ("th", "columnheader"),
        ("td", "cell"),
    ):
        text = re.sub(rf"<(?:{tag})\b", f'<div role="{role}"', text, flags=re.I)
        text = re.sub(rf"</(?:{tag})\s*>", "</div>", text, flags=re.I)
    return text


EDITS: dict[str, Callable[[str, str, set[str]], str]] = {
    "reworded": lambda text, _kind, _models: reworded(text),
    "repadded": lambda text, kind, _models: repadded(text, kind),
    "badged": badged,
    "headed": lambda text, kind, _models: headed(text, kind),
    "reordered": lambda text, kind, _models: reordered(text, kind),
    "numbered": lambda text, kind, _models: numbered(text, kind),
    "sections reversed": lambda text, kind, _models: sections_reversed(text, kind),
    "unmerged": lambda text, kind, _models: unmerged(text, kind),
    "tabbed": lambda text, kind, _models: tabbed(text, kind),
    "aria drawn": lambda text, kind, _models: aria_drawn(text, kind),
}


# every captured page the tests keep (edits of a page's text: a JSON API has none)
PAGES = [(f"real_pages/{page}", *rest) for page, *rest in CASES if rest[0] != "json"] + GOLDEN_CASES


@pytest.mark.parametrize("edit", list(EDITS))
@pytest.mark.parametrize(("page", "kind", "currency", "golden"), PAGES, ids=[c[3] for c in PAGES])
def test_an_edit_that_moves_no_price_gives_no_change(
    page: str, kind: str, currency: str, golden: str, edit: str
) -> None:
    text, _encoding = decode_body(fixture(page).read_bytes(), "")

    def read(page_text: str) -> list:  # type: ignore[type-arg]
        return extract_prices(
            kind, page_text, currency, as_of=captured_on(page), hints=HINTS.get(golden)
        ).prices

    before = read(text)
    edited = EDITS[edit](text, kind, {p.model for p in before})
    if edit != "repadded" and edited == text:
        pytest.skip(f"the {edit} edit finds nothing to change on this page")
    changes = diff_prices(before, read(edited))
    assert [f"{c.change} {c.model} {c.kind} {c.tier} {c.condition}" for c in changes] == []


def test_the_structural_edits_change_pages_of_both_forms() -> None:
    """The edits above are real edits: each changes HTML pages and (where Markdown has the structure)
    Markdown pages of the sample, and reversing sections changes the order the prices are read in."""
    changed: dict[tuple[str, str], int] = {}
    order_moved = 0
    for page, kind, currency, golden in PAGES:
        text, _encoding = decode_body(fixture(page).read_bytes(), "")
        for edit in ("numbered", "sections reversed", "unmerged", "tabbed", "aria drawn"):
            edited = EDITS[edit](text, kind, set())
            if edited != text:
                changed[(edit, kind)] = changed.get((edit, kind), 0) + 1
                if edit == "sections reversed":
                    read = [
                        p.model
                        for p in extract_prices(kind, edited, currency, hints=HINTS.get(golden)).prices
                    ]
                    first = [
                        p.model for p in extract_prices(kind, text, currency, hints=HINTS.get(golden)).prices
                    ]
                    order_moved += read != first
    assert all(
        changed.get((edit, "html"), 0) >= 2
        for edit in ("numbered", "sections reversed", "unmerged", "tabbed", "aria drawn")
    )
    assert all(changed.get((edit, "markdown"), 0) >= 2 for edit in ("numbered", "sections reversed"))
    assert order_moved >= 2
