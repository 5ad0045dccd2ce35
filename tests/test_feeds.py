"""Feed sources with real parts: a captured RSS feed served on 127.0.0.1, SQLite on disk, a webhook."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from monitor.cli import cli
from monitor.config import Source
from monitor.news import CONFIRMED, CONTRADICTS, NOT_YET, Claim, verdict
from tests.conftest import fixture
from tests.servers import PageServer, WebhookReceiver
from tests.test_pipeline import Monitor

FEED = fixture("rss_feeds/simonw_substack_rss__v01__2024-06-01__fd4ca173bf.xml").read_bytes()
BLOCKED = fixture(
    "rss_feeds/simonw_substack_BLOCKED_cloudflare__v01__2024-01-17__d24b8a01b5.html"
).read_bytes()


def without_newest(feed: bytes, count: int) -> bytes:
    """The same feed as it was `count` items earlier: its newest items cut out."""
    text = feed.decode()
    for _ in range(count):
        text = re.sub(r"<item>.*?</item>", "", text, count=1, flags=re.S)
    return text.encode()


@pytest.fixture
def monitor(tmp_path: Path, pages: PageServer, webhook: WebhookReceiver) -> Monitor:
    watch = Monitor(tmp_path, pages, [webhook.url])
    watch.source = Source(
        name="simonw",
        provider="Simon Willison",
        kind="feed",
        url=pages.url("/feed"),
        currency="USD",
        interval=60,
    )
    return watch


def test_new_items_are_alerted_once_with_their_claims_and_link(
    monitor: Monitor, pages: PageServer, webhook: WebhookReceiver
) -> None:
    pages.put("/feed", without_newest(FEED, 3))
    assert monitor.check().status == "baseline"  # 17 old items remembered, none alerted
    assert monitor.rows("select count(*) from news_items") == [(17,)]
    assert webhook.received == []

    pages.put("/feed", FEED)
    assert monitor.check().status == "changed"
    assert monitor.rows("select count(*) from news_items") == [(20,)]
    # of the three new items, two make price claims (Gemini 1.5 Flash; GPT-4o and 3.5): one alert each
    assert len(webhook.received) == 2
    gemini = next(hook for hook in webhook.received if "Gemini 1.5 Flash" in hook["message"])
    assert "https://simonw.substack.com/p/chatgpt-in-4o-mode-doesnt-have" in gemini["message"]
    assert "0.35 USD / 1M tokens" in gemini["message"] and NOT_YET in gemini["message"]
    claims = monitor.rows(
        "select model, new_per_million, verdict from news_claims where model like 'Gemini 1.5%'"
    )
    assert ("Gemini 1.5 Flash", "0.35", NOT_YET) in claims

    pages.put(
        "/feed", FEED.replace(b"<lastBuildDate>", b"<lastBuildDate>Sat, 01 Jun 2024 10:00:00 GMT<x/>", 1)
    )
    assert monitor.check().status == "unchanged"  # read again, every item already seen
    assert len(webhook.received) == 2


def test_a_challenge_page_at_the_feed_address_is_a_source_problem(
    monitor: Monitor, pages: PageServer, webhook: WebhookReceiver
) -> None:
    pages.put("/feed", FEED)
    monitor.check()
    pages.put("/feed", BLOCKED)
    blocked = monitor.check()
    assert blocked.status == "broken" and "challenge" in (blocked.error or "")
    assert monitor.rows("select count(*) from news_items") == [(20,)]  # nothing already read is lost

    pages.put("/feed", "<html><body>Moved</body></html>")
    garbage = monitor.check()
    assert garbage.status == "broken" and "not an RSS or Atom feed" in (garbage.error or "")
    assert webhook.received == []


ROWS = [  # as Store.all_latest_prices gives them (the columns the verdict reads)
    {"model": "deepseek-ai/DeepSeek-V3", "kind": "input", "currency": "USD", "unit": "tokens", "tier": "",
     "per_million": "0.27"},
    {"model": "DeepSeek V3", "kind": "output", "currency": "USD", "unit": "tokens", "tier": "",
     "per_million": "1.1"},
    {"model": "DeepSeek V3", "kind": "input", "currency": "USD", "unit": "tokens", "tier": ">128K",
     "per_million": "0.54"},
]  # fmt: skip


def _claim(kind: str, new: str, currency: str = "USD", tier: str = "") -> Claim:
    return Claim(
        "DeepSeek-V3", "DeepSeek", kind, currency, None, Decimal(new), new == "0", "quote", tier=tier
    )


@pytest.mark.parametrize(
    ("claim", "expected"),
    [
        (_claim("input", "0.27"), CONFIRMED),
        (_claim("output", "1.1"), CONFIRMED),
        (_claim("input", "0.14"), CONTRADICTS),
        (_claim("all", "1.1"), CONFIRMED),  # a price for the model as a whole matches either kind
        (_claim("cached_input", "0.07"), NOT_YET),  # the page has no such price
        (_claim("input", "2", "CNY"), NOT_YET),  # another currency is not compared
        (_claim("input", "0.54"), CONTRADICTS),  # an untiered claim is read against the untiered price
        (_claim("input", "0.54", tier=">128K"), CONFIRMED),  # a tiered one against the same tier
        (_claim("input", "0.27", tier=">128K"), CONTRADICTS),
        (_claim("input", "0.27", tier="<=32K"), NOT_YET),  # the page has no such tier
    ],
)
def test_verdict_against_the_pricing_page(claim: Claim, expected: str) -> None:
    assert verdict(claim, ROWS) == expected


def test_log_shows_news_claims_beside_page_changes(
    monitor: Monitor, pages: PageServer, tmp_path: Path
) -> None:
    pages.put("/feed", without_newest(FEED, 3))
    monitor.check()
    pages.put("/feed", FEED)
    monitor.check()
    config = tmp_path / "sources.toml"
    config.write_text(f'[monitor]\ndatabase = "{monitor.settings.database}"\n', encoding="utf-8")
    runner = CliRunner()
    text = runner.invoke(cli, ["--config", str(config), "log"])
    assert text.exit_code == 0, text.output
    assert "News claims:" in text.output and "Gemini 1.5 Flash" in text.output and NOT_YET in text.output
    assert json.loads(runner.invoke(cli, ["--config", str(config), "log", "--json"]).output) == []
    claims = json.loads(runner.invoke(cli, ["--config", str(config), "log", "--news", "--json"]).output)
    flash = [c for c in claims if c["model"] == "Gemini 1.5 Flash"]
    assert flash and flash[0]["link"].startswith("https://simonw.substack.com/p/chatgpt-in-4o")
    assert {c["new_per_million"] for c in flash} == {"0.35", "0.7"}


R1 = fixture("deepseek_docs_mirror/news/deepseek_news250120_en__2026-08-02__e6be0b665e.md").read_text(
    encoding="utf-8"
)
R1_PAGE = (
    "<html><body><nav>Home</nav><article>"
    + "".join(f"<p>{line}</p>" for line in R1.splitlines())
    + "</article></body></html>"
)


def listing(*paths: str) -> str:
    links = "".join(f'<li><a href="{path}">{path}</a></li>' for path in paths)
    return f"<html><body><nav><a href='/about'>About</a></nav><ul class='news'>{links}</ul></body></html>"


def news_listing(pages: PageServer, allow_private: bool) -> Source:
    """DeepSeek's news as an HTML listing page on the test server (a private address: 127.0.0.1)."""
    return Source(
        name="ds-news", provider="DeepSeek", kind="feed", url=pages.url("/news/"), currency="USD",
        interval=60, links="ul.news a", allow_private=allow_private,
    )  # fmt: skip


def test_a_listing_page_s_new_articles_are_fetched_and_read(
    monitor: Monitor, pages: PageServer, webhook: WebhookReceiver
) -> None:
    monitor.source = news_listing(pages, allow_private=True)
    pages.put("/news/", listing("/news/older"))
    assert monitor.check().status == "baseline"
    pages.put("/news/r1", R1_PAGE)
    pages.put("/news/", listing("r1", "/news/older"))  # a relative link, made absolute
    assert monitor.check().status == "changed"
    [hook] = webhook.received
    assert pages.url("/news/r1") in hook["message"]
    assert "DeepSeek-R1 (DeepSeek) output: 2.19 USD / 1M tokens" in hook["message"]
    assert pages.hits("/news/older") == 0 and pages.hits("/about") == 0  # only new items, only the selector's


def test_an_item_link_to_a_private_address_is_not_fetched(
    monitor: Monitor, pages: PageServer, webhook: WebhookReceiver
) -> None:
    monitor.source = news_listing(pages, allow_private=False)
    pages.put("/news/", listing("/news/older"))
    monitor.check()
    pages.put("/news/r1", R1_PAGE)
    pages.put("/news/", listing("/news/r1", "/news/older"))
    outcome = monitor.check()
    assert any("non-public address (127.0.0.1)" in p and "allow_private" in p for p in outcome.problems)
    assert pages.hits("/news/r1") == 0 and webhook.received == []
    assert monitor.rows("select item_id from news_items") == [(pages.url("/news/older"),)]  # r1 left unread


def test_an_article_that_failed_is_read_at_the_next_check_though_the_feed_is_unchanged(
    monitor: Monitor, pages: PageServer, webhook: WebhookReceiver
) -> None:
    monitor.source = news_listing(pages, allow_private=True)
    pages.put("/news/", listing("/news/older"))
    monitor.check()
    pages.put("/news/", listing("/news/r1", "/news/older"))
    pages.put("/news/r1", b"busy", status=503)
    outcome = monitor.check()
    assert any("HTTP 503" in p for p in outcome.problems) and webhook.received == []
    pages.put("/news/r1", R1_PAGE)  # the listing page is byte for byte the same as at the last check
    assert monitor.check().status == "changed"
    [hook] = webhook.received
    assert "DeepSeek-R1 (DeepSeek) output: 2.19 USD / 1M tokens" in hook["message"]
    assert monitor.check().status == "unchanged" and len(webhook.received) == 1  # read once, alerted once
    assert pages.hits("/news/r1") == 2


def atom(*entries: tuple[str, str, str]) -> bytes:
    """An Atom 1.0 feed of (id, title, text) entries, the article's text as the entry's content."""
    from xml.etree import ElementTree as ET

    ns = "http://www.w3.org/2005/Atom"
    feed = ET.Element(f"{{{ns}}}feed")
    for tag, text in (
        ("id", "urn:deepseek:news"),
        ("title", "DeepSeek news"),
        ("updated", "2026-08-02T00:00:00Z"),
    ):
        ET.SubElement(feed, f"{{{ns}}}{tag}").text = text
    for item_id, title, body in entries:
        entry = ET.SubElement(feed, f"{{{ns}}}entry")
        ET.SubElement(entry, f"{{{ns}}}id").text = item_id
        ET.SubElement(entry, f"{{{ns}}}title").text = title
        ET.SubElement(entry, f"{{{ns}}}updated").text = "2026-08-02T00:00:00Z"
        ET.SubElement(entry, f"{{{ns}}}link", href=f"https://api-docs.deepseek.com/news/{item_id}")
        ET.SubElement(entry, f"{{{ns}}}content", type="text").text = body
    return bytes(ET.tostring(feed, encoding="utf-8", xml_declaration=True))


def test_an_atom_feed_is_read_like_rss(monitor: Monitor, pages: PageServer, webhook: WebhookReceiver) -> None:
    """DeepSeek's own announcements (the captured mirror) as Atom entries: the new one is alerted once with
    its prices, matched to its <id>."""
    older = fixture("deepseek_docs_mirror/news/deepseek_news1226_en__2026-08-03__4617186082.md").read_text(
        encoding="utf-8"
    )
    pages.put("/feed", atom(("news1226", "DeepSeek-V3", older)))
    assert monitor.check().status == "baseline"
    pages.put("/feed", atom(("news250120", "DeepSeek-R1 Release", R1), ("news1226", "DeepSeek-V3", older)))
    assert monitor.check().status == "changed"
    [hook] = webhook.received
    assert "https://api-docs.deepseek.com/news/news250120" in hook["message"]
    assert "DeepSeek-R1 (DeepSeek) output: 2.19 USD / 1M tokens" in hook["message"]
    assert monitor.rows("select item_id from news_items order by item_id") == [("news1226",), ("news250120",)]
    assert monitor.check().status == "unchanged" and len(webhook.received) == 1
