"""What a source tells extraction that no reader can infer: where on the page its prices are
(`select`), what the page's own words mean (`labels`), and where a model is named (`model_from`, or the
`model` itself)."""

from __future__ import annotations

from dataclasses import dataclass, replace

from monitor.extract.cells import Cell
from monitor.extract.grid import Grid
from monitor.extract.labels import tier_of

# what a label may mean: a kind of price, written as words the kind grammar reads back to that kind
KIND_WORDS = {
    "input": "input",
    "output": "output",
    "cached_input": "cached input",
    "cache_write": "cache write",
    "cache_write_5m": "5m cache write",
    "cache_write_1h": "1h cache write",
    "batch_input": "batch input",
    "batch_output": "batch output",
    "batch_cached_input": "batch cache hit",
    "training": "training",
}
MODEL_FROM = ("heading", "title")


@dataclass(frozen=True)
class Hints:
    """A source's hints (its `select`, `labels`, `model_from` and `model` keys); empty: none."""

    select: str = ""  # a heading's words, or a CSS selector, that scope the page to its prices
    labels: tuple[tuple[str, str], ...] = ()  # (the page's words, a kind or a tier they mean)
    model_from: str = ""  # "heading" or "title": where the page names the model of a table
    model: str = ""  # the model every table of the page prices (a model's own page)
    # what a component's rows hold, by the component's name, one list per row width the component
    # draws: (name, (("model", "input", "output"), ("model", "input", "cached_input", "output")))
    columns: tuple[tuple[str, tuple[tuple[str, ...], ...]], ...] = ()

    def fingerprint(self) -> str:
        """The hints as text, for a digest: a changed hint re-reads a page whose bytes did not change."""
        text = f"{self.select}\0{sorted(self.labels)}\0{self.model_from}\0{self.model}"
        return f"{text}\0{sorted(self.columns)}" if self.columns else text  # unchanged for sources without it


def column_label(meaning: str) -> str:
    """A columns hint's entry as a header the readers know: 'model' -> 'Model', 'cached_input' -> 'cached
    input'; '' or '-' is a column of no price."""
    if meaning == "model":
        return "Model"
    if meaning in ("", "-"):
        return "Notes"
    return label_meaning(meaning) or meaning


def label_meaning(value: str) -> str | None:
    """The words a label is rewritten to ('cached_input' -> 'cached input', '<=32K' -> '<=32K'), or
    None where `value` is neither a kind nor a tier."""
    if value in KIND_WORDS:
        return KIND_WORDS[value]
    return value if tier_of(value) else None


def scoped(grids: list[Grid], select: str) -> list[Grid]:
    """The tables under a heading whose text holds `select` (any case)."""
    wanted = select.casefold().strip()
    return [g for g in grids if any(wanted in h.casefold() for h in g.headings)]


def relabelled(grids: list[Grid], labels: tuple[tuple[str, str], ...]) -> list[Grid]:
    """Every cell with the page's words replaced by what the source says they mean."""
    if not labels:
        return grids
    words = [(word, label_meaning(meaning) or meaning) for word, meaning in _longest_first(labels)]
    return [replace(g, rows=[[_relabel(c, words) for c in row] for row in g.rows]) for g in grids]


def relabel_text(text: str, labels: tuple[tuple[str, str], ...]) -> str:
    for word, meaning in _longest_first(labels):
        text = text.replace(word, label_meaning(meaning) or meaning)
    return text


def _longest_first(labels: tuple[tuple[str, str], ...]) -> list[tuple[str, str]]:
    """Longer words first ('缓存读取' before '缓存'), so the order they are written in changes nothing."""
    return sorted(labels, key=lambda pair: (-len(pair[0]), pair[0]))


def _relabel(cell: Cell, words: list[tuple[str, str]]) -> Cell:
    text = cell.text
    for word, meaning in words:
        if word in text:
            text = text.replace(word, meaning)
    return cell if text == cell.text else replace(cell, text=text)


__all__ = [
    "KIND_WORDS",
    "MODEL_FROM",
    "Hints",
    "label_meaning",
    "relabel_text",
    "relabelled",
    "scoped",
]
