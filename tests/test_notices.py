"""Price notices: a pricing page's own prose announcing its prices, new since the last check, alerted once
and shown in the log, the report and the feed. Replayed on two real page histories (DeepSeek's English
pricing page, a Chinese cloud's pricing document), with cosmetic prose changes that are no notice."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime
from pathlib import Path

from click.testing import CliRunner

from monitor.atom import refresh_feed
from monitor.cli import cli
from monitor.config import Settings, Source
from monitor.fetch import Fetcher
from monitor.fx import Rates
from monitor.notices import new_notices, prose, sentence_key, speaks_of_prices
from monitor.notify import Notifier
from monitor.pipeline import CheckOutcome, Deps, check_sources, utc_now
from monitor.report import ReportInput, write_report
from monitor.store import Store
from tests.conftest import series
from tests.servers import PageServer, WebhookReceiver

DEEPSEEK = series("deepseek_docs_mirror", "deepseek_pricing_en")
UCLOUD = series("ucloud_modelverse_price_md", "ucloud_modelverse_price")
RAISE = (
    "(2) We plan to raise the overall pricing for DeepSeek API services in the near future, with a "
    "significant increase expected."
)
PEAK = (
    "(1) DeepSeek API pricing will be updated to peak / off-peak billing, with off-peak rates at half the "
    "peak rates."
)
EFFECTIVE = "The new prices take effect at 16:00 UTC on August 16, 2026, as follows:"


def replay(pages: list[str], kind: str = "markdown") -> list[list[str]]:
    """The notices of each version of a page, read one after the other as checks would."""
    previous: list[str] | None = None
    seen: set[str] = set()
    found = []
    for text in pages:
        current = prose(kind, text)
        found.append(new_notices(previous, seen, current))
        previous, seen = [sentence_key(s) for s in current], seen | set(current)
    return found


def test_deepseeks_pre_announcement_is_a_notice_and_its_renumbering_is_not() -> None:
    """DeepSeek's pricing page said it would raise prices weeks before its table changed (v02), then
    renumbered that footnote (v03: '(2)' -> '(1)', another removed), then announced the peak / off-peak
    prices and their date (v04), then showed them (v05)."""
    found = replay([path.read_text(encoding="utf-8") for path in DEEPSEEK])
    assert found == [[], [RAISE], [], [PEAK, EFFECTIVE], []]


def test_a_cloud_documents_end_of_free_use_is_a_notice_and_its_reformatting_is_not() -> None:
    """UCloud's pricing document over 40 versions: the free period of its LLM API ends on a date (v10),
    then the image API's does too, in a sentence that differs from the first only in its date (v15:
    new, as it stands beside the first); spaces put between every number and word (v21) and headings
    turned from bold to '##' (v40) are no notice, nor are the prices changed in the prose (v03)."""
    found = replay([path.read_text(encoding="utf-8") for path in UCLOUD])
    notices = {index + 1: n for index, n in enumerate(found) if n}
    assert notices == {10: ["于2025年3月31日开始收费。"], 15: ["于2025年6月30日开始收费。"]}


def test_cosmetic_prose_changes_are_no_notice() -> None:
    """A page whose only prose changes are dates, counts, whitespace and markup: no notice, on a
    Markdown page and on an HTML one."""
    before = DEEPSEEK[1].read_text(encoding="utf-8")
    after = (
        before.replace("fetched: 2026-08-08", "fetched: 2026-09-01")
        .replace("(2) We plan", "(3) We  plan")
        .replace("in early August 2026", "in early September 2026")
        .replace("**", "")
    )
    assert replay([before, after]) == [[], []]
    page = (
        "<html><body><p>Prices of GLM-4 {} until {}.</p><table><tr><td>调价</td></tr></table></body></html>"
    )
    assert replay([page.format("are cut", "May 1"), page.format("are  cut", "June 30")], "html") == [[], []]


def test_a_notice_is_alerted_once_and_only_on_a_page_read_before() -> None:
    """The first reading of a page remembers its prose (announcements already there are not news); a
    notice that disappears and comes back is not new again."""
    base = "GLM-4-Plus is our flagship model."
    notice = "The price of GLM-4-Plus will be cut on June 1."
    assert replay([f"{base} {notice}"]) == [[]]
    assert replay([base, f"{base} {notice}", base, f"{base} {notice}"]) == [[], [notice], [], []]


def test_what_speaks_of_prices() -> None:
    """A price word with a change word, or a word that is both, in English, Chinese and Japanese; a
    price stated, a limit or a change of something else is not."""
    for sentence in (
        "We plan to raise the overall pricing for our API in the near future.",
        "The promotional discount ends on May 31.",
        "限时优惠将于3月1日结束。",
        "DeepSeek将于2月9日起调价。",
        "4月1日より料金を改定します。",
        "APIの値上げを予定しています。",
    ):
        assert speaks_of_prices(sentence), sentence
    for sentence in (
        "The prices listed below are in units of per 1M tokens.",
        "Rate limits will be raised for tier 3 users.",
        "我们将持续更新模型列表。",
        "モデルの一覧を更新しました。",
    ):
        assert not speaks_of_prices(sentence), sentence


def test_prose_leaves_out_tables_scripts_and_navigation() -> None:
    """Only a page's prose is read for notices: not its price tables (their changes are price changes),
    scripts, navigation or a Markdown page's front matter."""
    html = (
        "<html><body><nav>Pricing will change</nav><p>Prices rise on May 1.</p><table><tr><td>Prices "
        "rise</td></tr></table><script>var note = 'prices cut';</script></body></html>"
    )
    assert prose("html", html) == ["Prices rise on May 1."]
    markdown = "---\ndescription: prices rise\n---\n\nPrices rise on May 1.\n\n| a | prices cut |\n"
    assert prose("markdown", markdown) == ["Prices rise on May 1."]
    assert prose("json", '{"note": "prices rise"}') == []


def _check(settings: Settings, source: Source, notify: list[str]) -> CheckOutcome:
    async def go() -> CheckOutcome:
        store = Store(settings.database)
        fetcher = Fetcher(settings, backoff=0)
        try:
            [outcome] = await check_sources([source], Deps(store, fetcher, Notifier(notify, utc_now)))
            return outcome
        finally:
            await fetcher.aclose()
            store.close()

    return asyncio.run(go())


def test_a_notice_on_deepseeks_page_is_logged_alerted_once_and_shown(
    tmp_path: Path, pages: PageServer, webhook: WebhookReceiver
) -> None:
    """The DeepSeek page replayed through checks: v02's prices are the same ('unchanged'), its notice is
    alerted once with the sentence, and shown by `monitor log`, the report and the feed."""
    settings = Settings(database=tmp_path / "monitor.db", retries=0)
    source = Source(
        name="deepseek",
        provider="DeepSeek",
        kind="markdown",
        url=pages.url("/pricing.md"),
        currency="USD",
        interval=60,
    )
    pages.put("/pricing.md", DEEPSEEK[0].read_bytes())
    assert _check(settings, source, [webhook.url]).notices == []
    pages.put("/pricing.md", DEEPSEEK[1].read_bytes())
    outcome = _check(settings, source, [webhook.url])
    assert (outcome.status, outcome.changes, outcome.notices) == ("unchanged", [], [RAISE])
    assert len(webhook.received) == 1
    assert RAISE in webhook.received[0]["message"] and source.url in webhook.received[0]["message"]
    assert "price notice" in webhook.received[0]["title"]
    assert _check(settings, source, [webhook.url]).notices == []  # the same page again
    pages.put("/pricing.md", DEEPSEEK[2].read_bytes())
    assert _check(settings, source, [webhook.url]).notices == []  # renumbered
    assert len(webhook.received) == 1

    config = tmp_path / "sources.toml"
    config.write_text(
        f'[monitor]\ndatabase = "{settings.database}"\n\n[[source]]\nname = "deepseek"\n'
        f'provider = "DeepSeek"\nkind = "markdown"\nurl = "{source.url}"\ncurrency = "USD"\n',
        encoding="utf-8",
    )
    runner = CliRunner()
    shown = runner.invoke(cli, ["--config", str(config), "log"])
    assert shown.exit_code == 0, shown.output
    assert "Price notices on the pricing pages:" in shown.output and "We plan to raise" in shown.output
    listed = runner.invoke(cli, ["--config", str(config), "log", "--notices-only", "--json"])
    assert [(n["source"], n["notice"]) for n in json.loads(listed.output)] == [("deepseek", RAISE)]
    narrowed = runner.invoke(cli, ["--config", str(config), "log", "--notices-only", "--model", "v4"])
    assert "no notices recorded" in narrowed.output

    store = Store(settings.database)
    try:
        index = write_report(
            store, tmp_path / "report", ReportInput("2000-01-01", datetime.now(UTC), None, Rates({}))
        )
        refresh_feed(store, tmp_path / "feed.xml")
    finally:
        store.close()
    report = index.read_text(encoding="utf-8")
    assert "Price notices on the pricing pages" in report and "We plan to raise" in report
    feed = (tmp_path / "feed.xml").read_text(encoding="utf-8")
    assert 'term="notice"' in feed and "notice: DeepSeek: (2) We plan to raise" in feed
