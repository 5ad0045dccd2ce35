"""A page edit is not a price change: every real page of the sample, edited as pages are edited without
touching a price (cells re-padded and re-wrapped, a badge beside each model's name, a heading added above
each table, rows reordered), reads to the same prices: the diff of the two readings is empty."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from monitor.diff import diff_prices
from monitor.extract import extract_prices
from monitor.fetch import decode_body
from tests.conftest import fixture
from tests.test_extract import captured_on
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
            text = text.replace(f">{model}<", f'>{model} <span class="badge">NEW</span><')
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


EDITS: dict[str, Callable[[str, str, set[str]], str]] = {
    "reworded": lambda text, _kind, _models: reworded(text),
    "repadded": lambda text, kind, _models: repadded(text, kind),
    "badged": badged,
    "headed": lambda text, kind, _models: headed(text, kind),
    "reordered": lambda text, kind, _models: reordered(text, kind),
}


PAGES = [case for case in CASES if case[1] != "json"]  # edits of a page's text; a JSON API has none


@pytest.mark.parametrize("edit", list(EDITS))
@pytest.mark.parametrize(("page", "kind", "currency", "golden"), PAGES, ids=[c[3] for c in PAGES])
def test_an_edit_that_moves_no_price_gives_no_change(
    page: str, kind: str, currency: str, golden: str, edit: str
) -> None:
    text, _encoding = decode_body(fixture(f"real_pages/{page}").read_bytes(), "")

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
