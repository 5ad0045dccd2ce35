"""Messages per channel: what email, Slack and webhooks get, and that pages cannot inject into them."""

from __future__ import annotations

import asyncio
from decimal import Decimal
from pathlib import Path

import apprise

from monitor.diff import diff_prices
from monitor.extract import extract_prices
from monitor.messages import Message, change_message, format_per_million
from monitor.models import MILLION, Price
from monitor.notify import Notifier, for_channel
from monitor.pipeline import utc_now
from monitor.store import Delivery, Store
from tests.servers import WebhookReceiver

HOSTILE = "<!channel> gpt-x <script>alert(1)</script> @here"


def hostile_change_message() -> tuple[str, str, str, str]:
    page = f"""<table><tr><th>Model</th><th>Input ($ / 1M tokens)</th></tr>
    <tr><td>{HOSTILE.replace("<", "&lt;").replace(">", "&gt;")}</td><td>2</td></tr></table>"""
    [new] = extract_prices("html", page, "USD").prices
    assert new.model == HOSTILE  # the page's text, as found
    old = Price(model=new.model, kind="input", amount=Decimal(3), currency="USD", raw="3")
    message = change_message(
        "Evil", "evil", "https://example.test/p", "2026-05-01T12:00:00+00:00", diff_prices([old], [new])
    )
    return message.title, message.text, message.html, message.slack


def test_html_escapes_page_text() -> None:
    """A model name carrying <script> and <!channel> is text in the email's HTML, never markup."""
    _title, _text, html, _slack = hostile_change_message()
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "&lt;!channel&gt;" in html
    assert "<td>-33.3%</td>" in html


def test_slack_text_cannot_mention_or_link() -> None:
    """What Slack would receive (apprise's plain-text escaping applied): no <!channel>, no @here."""
    _title, _text, _html, slack = hostile_change_message()
    plugin = apprise.Apprise.instantiate("slack://T1JJ3T3L2/A1BRTD4JD/TIiajkdnlazkcOXrIdevi7FQ/#prices")
    assert plugin is not None
    sent = plugin.dialect_convert(slack, apprise.NotifyFormat.TEXT)
    assert "<!channel>" not in sent and "&lt;!channel&gt;" in sent
    assert "@here" not in sent and "@\u2060here" in sent
    assert "```" in sent and "-33.3%" in sent


def test_each_channel_gets_its_own_form() -> None:
    """Email gets the HTML table, Slack the code-block table, a webhook the text; all carry the id."""
    title, text, html, slack = hostile_change_message()
    delivery = Delivery(
        7, "t", title, text, 0, "pending", "2026-05-01T12:00:00+00:00", "changes", html, slack
    )
    mail = for_channel("mailtos://smtp.example.test?to=a@b.test", delivery)
    chat = for_channel("slack://a/b/c", delivery)
    hook = for_channel("json://hook.example.test/x", delivery)
    assert mail[2] == "html" and mail[1].startswith(html) and mail[1].endswith("<p>alert #7</p>")
    assert chat[2] == "text" and chat[1].startswith(slack) and chat[1].endswith("alert #7")
    assert hook[2] == "text" and hook[1].startswith(text) and hook[1].endswith("alert #7")
    assert mail[0] == chat[0] == hook[0] == f"{title} [monitor #7]"


def test_logs_never_show_a_notification_urls_secrets(caplog: object) -> None:
    """Any log record naming a configured apprise URL shows it redacted, apprise's own records included."""
    import logging

    from monitor.notify import RedactSecrets

    secret = "slack://T1JJ3T3L2/A1BRTD4JD/TIiajkdnlazkcOXrIdevi7FQ"
    record = logging.LogRecord(
        "apprise", logging.WARNING, __file__, 1, "posting to %s failed", (secret,), None
    )
    assert RedactSecrets([secret]).filter(record)
    assert record.getMessage() == "posting to slack://… failed"


def test_a_per_unit_price_reads_per_one_unit_and_a_repeating_one_is_marked_rounded() -> None:
    """'$0.04 per 30 seconds' normalizes to a repeating per-second value: shown to 6 digits with '~';
    an exact one is shown exactly, however small."""
    per_second = Decimal("0.04") * MILLION / 30  # per million seconds, as stored
    assert format_per_million(per_second, "USD", "second") == "~0.00133333 USD / second"
    assert format_per_million(Decimal("300"), "USD", "page") == "0.0003 USD / page"
    assert format_per_million(Decimal("0.938"), "USD", "tokens") == "0.938 USD / 1M tokens"


MENTIONS = "@here @channel @everyone @all <@123> <@&456> <@!789>"


def test_no_plain_form_of_any_message_can_mention() -> None:
    """Page text carrying mentions reaches webhooks, Discord, Mattermost and Teams as plain text: in every
    plain form of every message (changes, digest, health, news) each mention is broken by a word joiner."""
    import re

    from monitor.messages import digest_message, news_message, plain_message
    from monitor.news import Claim

    old = Price(model=f"m {MENTIONS}", kind="input", amount=Decimal(3), currency="USD", raw=f"3 {MENTIONS}")
    new = Price(model=old.model, kind="input", amount=Decimal(2), currency="USD", raw=f"2 {MENTIONS}")
    [change] = diff_prices([old], [new])
    claim = Claim(
        model=f"gpt {MENTIONS}",
        provider="OpenAI",
        kind="input",
        currency="USD",
        old_per_million=None,
        new_per_million=Decimal(1),
        free=False,
        quote=f"now $1 {MENTIONS}",
    )
    messages = [
        change_message(f"P {MENTIONS}", "p", "https://example.test/p", "2026-05-01", [change]),
        digest_message([("p", change)], [f"note {MENTIONS}"], "2026-05-01"),
        plain_message(f"p: source problem {MENTIONS}", f"Last error: {MENTIONS}"),
        news_message("feed", f"title {MENTIONS}", "https://example.test/n", [(claim, "confirmed")]),
    ]
    live = re.compile(r"@(here|channel|everyone|all)\b|<@[!&]?\d")
    for message in messages:
        assert "@\u2060here" in message.text and "<@\u2060&456>" in message.text
        for form in (message.title, message.text, message.slack):
            assert not live.search(form), form


def test_a_webhook_receives_no_mention(tmp_path: Path, webhook: WebhookReceiver) -> None:
    """What a json:// webhook really receives for a hostile change (title and body) mentions nobody."""
    title, text, html, slack = hostile_change_message()
    store = Store(tmp_path / "m.db")
    notifier = Notifier([webhook.url], utc_now)
    store.add_alert("evil", utc_now(), Message(title, text, html, slack), notifier.targets, "changes")
    assert asyncio.run(notifier.flush(store)) == (1, 0)
    [received] = webhook.received
    for field in ("title", "message"):
        assert "@here" not in received[field], received[field]
    assert "@\u2060here" in received["message"]
    store.close()
