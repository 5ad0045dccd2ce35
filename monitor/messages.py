"""Changes -> messages: one per source per check, as plain text, an HTML table and Slack text.

Text taken from pages (model names, prices as stated) is escaped for each format, so a page cannot put
a mention, a link or markup into a message.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from monitor.models import MILLION, Change, normalize_decimal

if TYPE_CHECKING:  # the news reader (selectolax, the extractors) is not needed to write a message
    from monitor.news import Claim

# Units priced one at a time, not per million: an image, a request, a second of video ...
PER_UNIT = (
    "image",
    "request",
    "second",
    "minute",
    "frame",
    "page",
    "song",
    "video",
    "image-hours",
    "second-hours",
)
_KIND_ORDER = {"changed": 0, "added": 1, "removed": 2, "status": 3, "flap": 4, "reread": 5, "relabelled": 6}
NOT_ALERTED = ("flap", "reread", "relabelled")  # kept in the log; not price alerts, not in the report or feed


def format_pct(pct: Decimal | None) -> str:
    if pct is None:
        return ""
    return f"{'+' if pct > 0 else ''}{pct}%"


def shown_amount(value: Decimal) -> str:
    """A normalized amount as written: exact, or to 6 significant digits marked '~' where it does not end
    ('$0.04 per 30 seconds' is ~0.00133333 per second; the stored value stays exact)."""
    value = normalize_decimal(value)
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -12:
        return f"~{format(normalize_decimal(Decimal(f'{value:.6g}')), 'f')}"
    return format(value, "f")


def amount_per(per_million: Decimal, unit: str) -> tuple[str, str]:
    """A normalized price as shown, and what it is for: ('0.0003', 'page') for an image, a second or a
    page (priced one at a time), ('0.5', '1M tokens') for anything counted by the million."""
    if unit in PER_UNIT:
        return shown_amount(per_million / MILLION), unit
    return shown_amount(per_million), f"1M {unit}"


def format_per_million(amount: Decimal | None, currency: str, unit: str, free: bool = False) -> str:
    if amount is None:
        return "-"
    if free and amount == 0:
        return "free"
    shown, per = amount_per(amount, unit)
    return f"{shown} {currency} / {per}"


def _label(change: Change) -> str:
    extra = [x for x in (change.tier, change.condition) if x]
    return f"{change.model} · {change.kind}" + (f" [{', '.join(extra)}]" if extra else "")


def change_line(change: Change) -> str:
    """One line of an alert: model · kind: old -> new as the page states it (normalized, percent)."""
    old, new = change.old, change.new
    if change.change == "changed" and old and new:
        normalized = (
            f"{format_per_million(old.per_million, change.currency, change.unit, old.free)} -> "
            f"{format_per_million(new.per_million, change.currency, change.unit, new.free)}"
        )
        pct = format_pct(change.pct)
        line = f"{_label(change)}: {old.raw} -> {new.raw} ({normalized}{', ' + pct if pct else ''})"
        if change.restructured:
            # a restructure: the price now under a new tier or condition, from the one it replaced
            was = ", ".join(x for x in (old.tier, old.condition) if x) or "one price"
            line += f" [restructured; was: {was}]"
        return f"{line} [suspect: {change.suspect}]" if change.suspect else line
    if change.change == "flap" and old:
        went = new.raw if new else "removed"
        return f"{_label(change)}: flap, went to {went} and back to {old.raw} before it held (not alerted)"
    if change.change == "flap" and new:  # a price added that was gone again before it held
        return f"{_label(change)}: flap, appeared at {new.raw} and went again before it held (not alerted)"
    if change.change == "status" and old and new:
        return f"{change.model}: status {old.status or 'none'} -> {new.status or 'none'}"
    if change.change == "relabelled" and old and new:
        was = ", ".join(x for x in (old.tier, old.condition) if x)
        was_label = f"{old.model} · {old.kind}" + (f" [{was}]" if was else "")
        return f"{_label(change)}: the page's new label for {was_label}, at the same {new.raw} (not alerted)"
    if change.change == "reread":
        # a correction (new settings, new rules, a unit the page now states): what the page was read as, and
        # what it reads as now
        was = (
            f"{old.raw} ({format_per_million(old.per_million, change.currency, change.unit, old.free)})"
            if old
            else "none"
        )
        now = (
            f"{new.raw} ({format_per_million(new.per_million, change.currency, change.unit, new.free)})"
            if new
            else "none"
        )
        return (
            f"{_label(change)}: read anew, {was} -> {now} (a correction of an earlier reading, not alerted)"
        )
    if change.change == "added" and new:
        normal = format_per_million(new.per_million, change.currency, change.unit, new.free)
        return f"{_label(change)}: added at {new.raw} ({normal})"
    assert old is not None
    normal = format_per_million(old.per_million, change.currency, change.unit, old.free)
    return f"{_label(change)}: removed (was {old.raw}, {normal})"


@dataclass(frozen=True)
class Message:
    """One alert in each form a channel takes: plain text, HTML (email), and Slack text."""

    title: str
    text: str
    html: str
    slack: str


_MENTION = re.compile(r"@(here|channel|everyone|all)\b", re.I)
_ID_MENTION = re.compile(r"<@([!&]?\d+>)")  # Discord's user and role mentions


def quiet_mentions(text: str) -> str:
    """'@here' -> '@\u2060here', '<@&123>' -> '<@\u2060&123>': shown the same, never a mention (Slack,
    Discord, Mattermost, Teams alike). Slack's <!channel> is escaped by apprise."""
    return _ID_MENTION.sub("<@\u2060\\1", _MENTION.sub("@\u2060\\1", text))


def plain_message(title: str, text: str) -> Message:
    """A message with no table (source health, a test): the same text in every form."""
    return Message(
        title=quiet_mentions(title),
        text=quiet_mentions(text),
        html=f"<pre>{html.escape(text)}</pre>",
        slack=quiet_mentions(text),
    )


def _row(change: Change) -> tuple[str, str, str, str, str, str]:
    old, new = change.old, change.new
    extra = " ".join(x for x in (change.tier, change.condition) if x)
    kind = f"{change.kind} [{extra}]" if extra else change.kind
    shown = new or old
    assert shown is not None, "a change has an old or a new price"
    normalized = format_per_million(shown.per_million, change.currency, change.unit, shown.free)
    if change.change == "changed":
        what = format_pct(change.pct) or change.change
        if change.suspect:
            what += " (suspect)"
    else:
        what = change.change
    return (change.model, kind, old.raw if old else "", new.raw if new else "", what, normalized)


def change_message(provider: str, source: str, url: str, observed: str, changes: Sequence[Change]) -> Message:
    """The alert for one source's changes at one check, most significant first."""
    counts = {k: sum(1 for c in changes if c.change == k) for k in _KIND_ORDER}
    summary = ", ".join(f"{n} {k}" for k, n in counts.items() if n)
    title = f"{provider} prices: {summary}"
    ordered = sorted(
        changes, key=lambda c: (_KIND_ORDER[c.change], -abs(c.pct or Decimal(0)), c.model, c.kind)
    )
    head = f"{provider} ({source}): {summary}"
    text = "\n".join([head, f"observed {observed}", url, "", *(change_line(c) for c in ordered)])
    rows = [_row(c) for c in ordered]
    header = ("model", "kind", "old", "new", "change", "normalized")
    page = (
        f"<p><b>{html.escape(head)}</b><br>observed {html.escape(observed)} · "
        f'<a href="{html.escape(url, quote=True)}">{html.escape(url)}</a></p>{_html_table(header, rows)}'
    )
    slack = f"*{head}*\nobserved {observed} · {url}\n```\n{_text_table(header, rows)}\n```"
    return Message(
        title=quiet_mentions(title), text=quiet_mentions(text), html=page, slack=quiet_mentions(slack)
    )


def _html_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """An HTML table whose every cell is escaped page text."""
    cells = "".join("<tr>" + "".join(f"<td>{html.escape(x)}</td>" for x in row) + "</tr>" for row in rows)
    head = "".join(f"<th>{h}</th>" for h in header)
    return f'<table border="1" cellpadding="4" cellspacing="0"><tr>{head}</tr>{cells}</table>'


def _text_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """Columns aligned for a monospaced block (Slack's code block, an email's text part); a Chinese or
    Japanese character takes two columns there, an empty cell its column's width."""
    lines = [header, *rows]
    widths = [max(_width(r[i]) for r in lines) for i in range(len(header))]
    return "\n".join(
        "  ".join(c + " " * (w - _width(c)) for c, w in zip(r, widths, strict=True)).rstrip() for r in lines
    )


def _width(text: str) -> int:
    """Columns `text` takes in a monospaced font: East Asian wide and full-width characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def email_text(slack: str) -> str:
    """An alert's plain-text part of an email: the Slack form (head, link, the aligned table, notes)
    without Slack's bold and code-block marks."""
    lines = [line for line in slack.splitlines() if line != "```"]
    if lines and len(lines[0]) > 2 and lines[0].startswith("*") and lines[0].endswith("*"):
        lines[0] = lines[0][1:-1]
    return "\n".join(lines)


def digest_message(entries: Sequence[tuple[str, Change]], notes: Sequence[str], observed: str) -> Message:
    """One message for many held alerts: every change across sources in one table, most significant
    first (`entries` are (source, change)), then the source-health notes."""
    ordered = sorted(entries, key=lambda e: (_KIND_ORDER[e[1].change], -abs(e[1].pct or Decimal(0)), e[0]))
    sources = sorted({source for source, _ in entries})
    title = f"monitor digest: {len(entries)} changes from {len(sources)} sources" + (
        f", {len(notes)} source notes" if notes else ""
    )
    head = f"{title} (until {observed})"
    text = "\n".join([head, "", *(f"{s}: {change_line(c)}" for s, c in ordered), "", *notes]).rstrip()
    header = ("source", "model", "kind", "old", "new", "change", "normalized")
    rows = [(source, *_row(change)) for source, change in ordered]
    notes_html = "".join(f"<p>{html.escape(note)}</p>" for note in notes)
    page = f"<p><b>{html.escape(head)}</b></p>{_html_table(header, rows)}{notes_html}"
    slack = f"*{head}*\n```\n{_text_table(header, rows)}\n```" + "".join(f"\n{note}" for note in notes)
    return Message(
        title=quiet_mentions(title), text=quiet_mentions(text), html=page, slack=quiet_mentions(slack)
    )


def news_message(source: str, title: str, link: str, claims: Sequence[tuple[Claim, str]]) -> Message:
    """The alert for one news item's price claims, each with the pricing page's verdict."""
    models = ", ".join(dict.fromkeys(claim.model for claim, _v in claims))
    lines = [f"News ({source}): {title}", link, ""]
    for claim, verdict in claims:
        new = format_per_million(claim.new_per_million, claim.currency, "tokens", claim.free)
        old = claim.old_per_million
        price = f"{format_per_million(old, claim.currency, 'tokens')} -> {new}" if old is not None else new
        tier = f" [{claim.tier}]" if claim.tier else ""
        lines.append(
            f"{claim.model} ({claim.provider or 'provider unknown'}) {claim.kind}{tier}: {price}; {verdict}"
        )
        lines.append(f"  \u201c{claim.quote[:300]}\u201d")
    return plain_message(f"News: price claims for {models}", "\n".join(lines))
