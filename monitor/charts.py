"""Step charts of prices over time (matplotlib, drawn off screen), for `monitor history --plot` and reports.

matplotlib is imported here only, and only when a chart is drawn: the daemon never loads it. It is the
`charts` extra (it brings numpy, which sqlite-utils imports whenever it can: 12 MB in every process).
"""

from __future__ import annotations

import math
from datetime import datetime
from io import BytesIO
from pathlib import Path
from typing import Any

from monitor.compare import kind_order
from monitor.errors import MonitorError
from monitor.history import Series, pct
from monitor.messages import format_pct

FORMATS = ("svg", "png")


class ChartsMissing(MonitorError):
    """matplotlib is an extra (`monitor[charts]`): a server that only watches prices does without it."""


def chart_format(path: Path) -> str:
    suffix = path.suffix.lower().lstrip(".")
    if suffix not in FORMATS:
        raise MonitorError(f"{path}: a chart is written as .svg or .png, not {path.suffix or 'no suffix'}")
    return suffix


def draw(series: list[Series], title: str, until: datetime, fmt: str = "svg") -> bytes:
    """One chart, a panel per kind of price (input, output, cached input ...): a step line per tier,
    condition and source, each change annotated with its percent, every line held to its source's last
    check (or `until`). Amounts are per 1M in their own currency; each line's legend says which."""
    try:
        import matplotlib
    except ImportError:
        raise ChartsMissing(
            "charts need matplotlib, which this installation lacks: pip install 'monitor[charts]'"
        ) from None
    matplotlib.use("Agg")
    from matplotlib import rc_context
    from matplotlib.dates import AutoDateLocator, ConciseDateFormatter, date2num
    from matplotlib.figure import Figure

    kinds = sorted({s.kind for s in series}, key=kind_order)
    # Same data, same bytes: no date in the file, fixed ids, text kept as text (searchable in a page).
    with rc_context({"svg.hashsalt": "monitor", "svg.fonttype": "none", "font.size": 9}):
        figure = Figure(figsize=(10, 1.0 + 2.3 * len(kinds)), layout="constrained")
        panels = figure.subplots(len(kinds), 1, sharex=True, squeeze=False)[:, 0]
        figure.suptitle(title)
        for axes, kind in zip(panels, kinds, strict=True):
            for line in (s for s in series if s.kind == kind):
                end = line.until or until.isoformat()
                times = [_x(date2num, step.time) for step in line.steps]
                times.append(_x(date2num, max(end, line.steps[-1].time)))
                values = [math.nan if step.value is None else step.value for step in line.steps]
                values.append(values[-1])
                drawn = axes.step(times, values, where="post", label=_legend(line), linewidth=1.8)
                colour = drawn[0].get_color()
                axes.plot(times[:-1], values[:-1], "o", markersize=3.5, color=colour)  # each step's start
                for before, after in line.moves():
                    change = pct(before.per_million, after.per_million)
                    if change is None and after.value is None:
                        continue  # a price gone from the page: the line's end says so
                    axes.annotate(
                        format_pct(change) if change is not None else "new",
                        (_x(date2num, after.time), after.value or 0.0),
                        textcoords="offset points",
                        xytext=(4, 5),
                        fontsize=8,
                        color=colour,
                    )
            axes.set_title(kind.replace("_", " "), loc="left", fontsize=9)
            axes.set_ylabel("per 1M")
            axes.set_ylim(bottom=0)
            axes.grid(True, alpha=0.3)
            axes.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=7, frameon=False)
        axes = panels[-1]
        axes.xaxis_date()
        locator = AutoDateLocator()  # type: ignore[no-untyped-call]
        axes.xaxis.set_major_locator(locator)
        axes.xaxis.set_major_formatter(ConciseDateFormatter(locator))  # type: ignore[no-untyped-call]
        out = BytesIO()
        metadata = {"Date": None} if fmt == "svg" else {"Software": None}
        figure.savefig(out, format=fmt, metadata=metadata, dpi=100)
    return out.getvalue()


def _legend(line: Series) -> str:
    """What tells the lines of one panel apart: tier, condition, source, and the currency and unit."""
    extra = ", ".join(x for x in (line.tier, line.condition) if x) or "base"
    return f"{extra} ({line.source}), {line.currency} / 1M {line.unit}"


def _x(date2num: Any, time: str) -> float:
    """An ISO time as matplotlib's date number."""
    return float(date2num(datetime.fromisoformat(time)))
