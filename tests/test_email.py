"""The email's plain-text part is a real text table (values under their headers, an empty cell kept),
sent beside the HTML table to a real SMTP server."""

from __future__ import annotations

import asyncio
import unicodedata
from decimal import Decimal
from pathlib import Path

from monitor.diff import diff_prices
from monitor.messages import change_message
from monitor.models import Price
from monitor.notify import Notifier
from monitor.pipeline import utc_now
from monitor.store import Store
from tests.servers import SmtpSink


def column(line: str, text: str) -> int:
    """The monospaced column where `text` starts in `line` (a Chinese character takes two)."""
    head = line[: line.index(text)]
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in head)


def price(model: str, kind: str, amount: str, raw: str) -> Price:
    return Price(model=model, kind=kind, amount=Decimal(amount), currency="CNY", raw=raw, per=1_000_000)


def test_the_text_part_is_a_table_whose_columns_hold(tmp_path: Path, smtp: SmtpSink) -> None:
    """A cut (Chinese units), an added and a removed price: in the text part every row's change cell
    starts under the 'change' header, the removed row's empty 'new' cell included; the HTML table and
    the subject are as before."""
    old = [price("deepseek-chat", "input", "2", "2元/百万tokens"), price("gone-model", "input", "1", "1元")]
    new = [price("deepseek-chat", "input", "1", "1元/百万tokens"), price("new-model", "output", "8", "8元")]
    message = change_message(
        "DeepSeek", "deepseek", "https://example.test/p", utc_now(), diff_prices(old, new)
    )
    store = Store(tmp_path / "m.db")
    notifier = Notifier([smtp.url], utc_now)
    alert = store.add_alert("deepseek", utc_now(), message, notifier.targets, "changes")
    assert asyncio.run(notifier.flush(store)) == (1, 0)
    store.close()
    [text] = smtp.bodies()
    [html] = smtp.parts("text/html")
    lines = text.splitlines()
    header = next(line for line in lines if line.startswith("model "))
    rows = {
        line.split()[0]: line
        for line in lines
        if line.split()[:1] in (["deepseek-chat"], ["gone-model"], ["new-model"])
    }
    assert set(rows) == {"deepseek-chat", "gone-model", "new-model"}
    assert column(rows["deepseek-chat"], "-50.0%") == column(header, "change")
    assert column(rows["gone-model"], "removed") == column(header, "change")  # the empty 'new' kept
    assert column(rows["new-model"], "8元") == column(header, "new")
    assert column(rows["deepseek-chat"], "1元/百万tokens") == column(header, "new")
    assert not text.startswith("*") and "```" not in text
    assert "https://example.test/p" in text and text.rstrip().endswith(f"alert #{alert}")
    assert "<td>gone-model</td>" in html and f"alert #{alert}" in html
    assert smtp.messages[0]["Subject"] == f"{message.title} [monitor #{alert}]"
    assert smtp.messages[0]["To"] == "ops@example.com" and smtp.messages[0]["From"] == "monitor@example.com"


def test_an_unreachable_mail_server_is_a_failed_delivery_kept_for_later(tmp_path: Path) -> None:
    """Nothing listening on the port: the delivery fails with the reason (URL redacted) and stays."""
    from tests.servers import free_port

    url = f"mailto://127.0.0.1:{free_port()}?from=monitor@example.com&to=ops@example.com&secure=no"
    store = Store(tmp_path / "m.db")
    notifier = Notifier([url], utc_now, retry_base=0)
    from monitor.messages import plain_message

    store.add_alert("s", utc_now(), plain_message("t", "body"), notifier.targets, "health")
    assert asyncio.run(notifier.flush(store)) == (0, 1)
    [(error,)] = store.db.execute("select last_error from deliveries").fetchall()
    assert error.startswith("mailto://…: ConnectionRefusedError") and "127.0.0.1" not in error.split(":")[0]
    assert store.delivery_counts() == {"pending": 1}
    store.close()
