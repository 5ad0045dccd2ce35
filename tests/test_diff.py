"""Diff and guard: pure functions over price lists, tested with data."""

from __future__ import annotations

from decimal import Decimal

from monitor.diff import diff_prices, due_day, keep_unsettled, page_problem, shown_before
from monitor.extract import extract_prices
from monitor.models import Price


def price(model: str, kind: str, amount: str, per: int = 1_000_000, **kw: object) -> Price:
    return Price(model=model, kind=kind, amount=Decimal(amount), currency="CNY", per=per, raw=amount, **kw)  # type: ignore[arg-type]


def test_change_add_remove_with_percent() -> None:
    """A cut, a new model and a dropped model are three changes, with the cut's percent."""
    old = [price("qwen-long", "input", "0.02", per=1000), price("old-model", "input", "1")]
    new = [price("qwen-long", "input", "0.0005", per=1000), price("doubao-pro", "input", "0.0008", per=1000)]
    changes = {(c.change, c.model): c for c in diff_prices(old, new)}
    assert set(changes) == {("changed", "qwen-long"), ("added", "doubao-pro"), ("removed", "old-model")}
    cut = changes[("changed", "qwen-long")]
    assert (cut.old_per_million, cut.new_per_million, cut.pct) == (
        Decimal(20),
        Decimal("0.5"),
        Decimal("-97.5"),
    )


def test_unit_switch_at_same_price_is_no_change() -> None:
    """0.004 元/千tokens and 4 元/百万tokens are one price written two ways."""
    assert diff_prices([price("m", "input", "0.004", per=1000)], [price("m", "input", "4")]) == []


def test_rename_by_case_or_publisher_prefix_is_no_change() -> None:
    """'DeepSeek-R1' -> 'deepseek-ai/DeepSeek-R1', 'Mistral Large' -> 'mistral-large': same models."""
    old = [price("DeepSeek-R1", "input", "4"), price("Mistral Large", "output", "24")]
    new = [price("deepseek-ai/DeepSeek-R1", "input", "4"), price("mistral-large", "output", "24")]
    assert diff_prices(old, new) == []


def test_tier_and_condition_are_separate_prices() -> None:
    """Two prices of a model differing only by condition are two records, never a collision."""
    old = [price("m", "input", "1", condition="peak"), price("m", "input", "0.5", condition="off-peak")]
    new = [price("m", "input", "1", condition="peak"), price("m", "input", "0.4", condition="off-peak")]
    [change] = diff_prices(old, new)
    assert (change.condition, change.pct) == ("off-peak", Decimal("-20.0"))


def test_made_free_is_a_change_without_percent_noise() -> None:
    """A price going to free is reported; its percent is -100."""
    [change] = diff_prices(
        [price("hunyuan-lite", "input", "8")], [price("hunyuan-lite", "input", "0", free=True)]
    )
    assert change.change == "changed" and change.pct == Decimal("-100.0")


def test_guard_empty_and_most_gone() -> None:
    """An empty page, or one that lost most prices at once, is a broken page, not removed models."""
    old = [price(f"m{i}", "input", "1") for i in range(10)]
    assert page_problem(old, []) == "no prices found on the page"
    assert "most prices gone (3 left of 10)" in (page_problem(old, old[:3]) or "")
    assert page_problem(old, old[:6]) is None
    assert page_problem([], old[:1]) is None


def test_suspect_changes_are_flagged() -> None:
    """A 1000x move is a likely unit error; a drop to a bare 0 the page does not call free is suspect."""
    [typo] = diff_prices(
        [price("ernie", "input", "0.0008", per=1000)], [price("ernie", "input", "0.8", per=1000)]
    )
    assert typo.suspect == "changed by a factor of 1000: a unit error?"
    [zero] = diff_prices([price("glm-4-flash", "input", "0.1")], [price("glm-4-flash", "input", "0")])
    assert zero.suspect == "crosses zero while the page does not say free"
    [free] = diff_prices(
        [price("glm-4-flash", "input", "0.1")], [price("glm-4-flash", "input", "0", free=True)]
    )
    assert free.suspect is None
    [cut] = diff_prices([price("qwen-long", "input", "20")], [price("qwen-long", "input", "0.5")])
    assert cut.suspect is None


def test_publisher_prefixes_keep_catalog_entries_apart() -> None:
    """'azure/gpt-4o' and 'gpt-4o' listed side by side are two entries; only a 1:1 relabel is paired."""
    both = [price("gpt-4o", "input", "2.5"), price("azure/gpt-4o", "input", "2.75")]
    assert diff_prices(both, both) == []
    changed = [price("gpt-4o", "input", "2.5"), price("azure/gpt-4o", "input", "3")]
    [change] = diff_prices(both, changed)
    assert (change.model, change.old_per_million, change.new_per_million) == (
        "azure/gpt-4o",
        Decimal("2.75"),
        Decimal(3),
    )
    moved = diff_prices(
        [price("databricks/llama-3.3", "input", "1")], [price("sambanova/llama-3.3", "input", "0.6")]
    )
    assert sorted(c.change for c in moved) == ["added", "removed"]
    ambiguous = diff_prices(
        [price("gpt-4o", "input", "1")], [price("a/gpt-4o", "input", "1"), price("b/gpt-4o", "input", "1")]
    )
    assert sorted(c.change for c in ambiguous) == ["added", "added", "removed"]


def test_unit_switch_at_another_precision_is_no_change() -> None:
    """'$0.00000012' per token then '$0.125' per 1M: the same price cut to 8 places (tokencost's table)."""
    assert (
        diff_prices(
            [price("chat-bison", "input", "0.00000012", per=1)], [price("chat-bison", "input", "0.125")]
        )
        == []
    )
    [cut] = diff_prices(
        [price("chat-bison", "input", "0.00000012", per=1)], [price("chat-bison", "input", "0.10")]
    )
    assert cut.pct == Decimal("-16.7")
    [same_unit] = diff_prices([price("dbrx", "input", "0.75")], [price("dbrx", "input", "0.74998")])
    assert same_unit.change == "changed"
    [hand_written] = diff_prices([price("m", "input", "0.004", per=1000)], [price("m", "input", "3.5")])
    assert hand_written.pct == Decimal("-12.5")


def test_status_change_is_reported_once_per_model() -> None:
    """'Claude Opus 3' newly '(deprecated)' on every price row is one status change, prices unchanged."""
    from monitor.messages import change_line

    old = [price("Claude Opus 3", "input", "15"), price("Claude Opus 3", "output", "75")]
    new = [
        price("Claude Opus 3", "input", "15", status="deprecated"),
        price("Claude Opus 3", "output", "75", status="deprecated"),
    ]
    [change] = diff_prices(old, new)
    assert change.change == "status"
    assert change_line(change) == "Claude Opus 3: status none -> deprecated"


# -- restructures and relabels (issue 14 #2) ----------------------------------------------------------


def usd(model: str, kind: str, amount: str, **kw: object) -> Price:
    return Price(
        model=model, kind=kind, amount=Decimal(amount), currency="USD", per=1_000_000, raw=f"${amount}", **kw
    )  # type: ignore[arg-type]


def test_one_price_split_by_condition_is_a_change_of_each_new_price_with_its_percent() -> None:
    """DeepSeek: one input price ($0.14) became off-peak $0.22 and peak $0.44."""
    old = [usd("deepseek-chat", "input", "0.14"), usd("deepseek-chat", "output", "0.28")]
    new = [
        usd("deepseek-chat", "input", "0.22", condition="off-peak"),
        usd("deepseek-chat", "input", "0.44", condition="peak"),
        usd("deepseek-chat", "output", "0.28"),
    ]
    changes = diff_prices(old, new)
    assert {(c.change, c.condition, str(c.pct)) for c in changes} == {
        ("changed", "off-peak", "57.1"),
        ("changed", "peak", "214.3"),
    }
    assert all(c.restructured for c in changes)
    from monitor.messages import change_line

    assert "[restructured; was: one price]" in change_line(changes[0])


def test_one_price_split_into_context_tiers_is_a_change_of_each() -> None:
    old = [price("qwen-plus", "input", "0.8")]
    new = [
        price("qwen-plus", "input", "0.8", tier="<=128K"),
        price("qwen-plus", "input", "2.4", tier=">128K"),
    ]
    changes = diff_prices(old, new)
    # each tier is a change from the one price, the one that kept the amount at 0%
    assert {(c.change, c.tier, str(c.pct)) for c in changes} == {
        ("changed", "<=128K", "0.0"),
        ("changed", ">128K", "200.0"),
    }
    assert all(c.restructured for c in changes)


def test_a_price_under_another_condition_of_its_own_is_another_product() -> None:
    """1080p's price left, 480p's and 720p's came: no percent from one resolution to another."""
    old = [price("wan2.2", "per_second", "1.095", per=1, condition="1080p")]
    new = [
        price("wan2.2", "per_second", "0.18", per=1, condition="480p"),
        price("wan2.2", "per_second", "0.35", per=1, condition="720p"),
    ]
    assert sorted(c.change for c in diff_prices(old, new)) == ["added", "added", "removed"]


def test_a_model_whose_label_gained_a_bracketed_note_at_the_same_prices_is_relabelled() -> None:
    old = [usd("glm-4.5", "input", "0.6"), usd("glm-4.5", "output", "2.2")]
    new = [usd("GLM-4.5 (Model pricing)", "input", "0.6"), usd("GLM-4.5 (Model pricing)", "output", "2.2")]
    assert {c.change for c in diff_prices(old, new)} == {"relabelled"}
    # a variant at the same prices is another model: added, and the old one removed
    variant = [usd("glm-4.5-air", "input", "0.6"), usd("glm-4.5-air", "output", "2.2")]
    assert sorted(c.change for c in diff_prices(old, variant)) == ["added", "added", "removed", "removed"]
    # one price moved: no relabel, a real change stays visible
    moved = [usd("GLM-4.5 (Model pricing)", "input", "0.5"), usd("GLM-4.5 (Model pricing)", "output", "2.2")]
    assert "relabelled" not in {c.change for c in diff_prices(old, moved)}


def test_a_new_service_tier_beside_the_old_price_is_a_new_product_not_a_restructure() -> None:
    """'standard', 'priority', 'flex', 'batch' are prices of other products: no percent from the old one."""
    old = [usd("m", "input", "2")]
    new = [usd("m", "input", "2.5", condition="standard"), usd("m", "input", "5", condition="priority")]
    assert sorted(c.change for c in diff_prices(old, new)) == ["added", "added", "removed"]
    batch = [usd("m", "input", "1", condition="batch")]
    assert sorted(c.change for c in diff_prices(old, batch)) == ["added", "removed"]


def test_a_note_that_dates_or_retires_a_model_is_never_a_silent_relabel() -> None:
    old = [usd("gpt-4", "input", "30"), usd("gpt-4", "output", "60")]
    for note in ("(shutdown on 2027-01-31)", "(停售)", "(deprecated)"):
        new = [usd(f"gpt-4 {note}", "input", "30"), usd(f"gpt-4 {note}", "output", "60")]
        assert "relabelled" not in {c.change for c in diff_prices(old, new)}, note


def test_a_relabel_needs_every_price_of_the_model_gone() -> None:
    """glm-4.5 keeps a price under its own name: its output leaving is not hidden as a relabel."""
    old = [usd("glm-4.5", "input", "1"), usd("glm-4.5", "output", "2")]
    new = [usd("glm-4.5", "input", "1.5"), usd("glm-4.5 (long context)", "output", "2")]
    assert "relabelled" not in {c.change for c in diff_prices(old, new)}


def test_statuses_of_the_end_of_a_models_life_in_other_words_are_status_changes() -> None:
    from monitor.diff import lifecycle

    for status in (
        "available until 2027-01-31",
        "no longer available to new customers",
        "shutdown soon",
        "停售",
    ):
        assert lifecycle(status) == "retiring", status


def test_the_day_stored_prices_read_differently() -> None:
    """A price 'from' a day turns current that day; one 'until' a day ends the day after, where a
    successor stands beside it; an end with nothing after it, or no date, changes nothing."""
    today = price("m", "input", "2", note="until 2026-08-31")
    later = price("m", "input", "3", condition="from 2026-09-01")
    assert due_day([today, later]) == "2026-09-01"
    assert due_day([today, price("m", "input", "3")]) == "2026-09-01"
    assert due_day([today, price("m", "output", "3", condition="from 2026-10-01")]) == "2026-10-01"
    assert due_day([today]) is None
    assert due_day([price("m", "input", "2", note="until 2026-02-30"), price("m", "input", "3")]) is None
    assert due_day([]) is None


def test_a_price_listed_twice_at_two_amounts_is_kept_not_removed() -> None:
    """A page that copies a model's rows with another model's figures lists one price twice at two
    amounts: the reading reports it and keeps the stored price, so no 'removed' is alerted for a price
    the page still shows; a price the page really dropped is still removed."""
    table = "| 模型名称 | 分辨率 | 价格（元/秒） |\n|---|---|---|\n"
    before = extract_prices(
        "markdown", f"{table}| wan2.2-t2v | 720p | 0.35 |\n| old-model | 720p | 1 |\n", "CNY"
    )
    copied = extract_prices(
        "markdown", f"{table}| wan2.2-t2v | 720p | 0.35 |\n| wan2.2-t2v | 720p | 0.73 |\n", "CNY"
    )
    assert copied.prices == [] and copied.problems, "neither amount is read; the page is told"
    kept = keep_unsettled(before.prices, copied)
    assert [(c.change, c.model) for c in diff_prices(before.prices, kept.prices)] == [
        ("removed", "old-model")
    ]
    assert diff_prices(before.prices, copied.prices) != [], "without keeping it, both were 'removed'"


def test_a_price_first_read_that_the_last_reading_reported_is_a_correction() -> None:
    """A price added that the last reading of the page reported as unread (the problem quotes its model
    and its cell) was on the page before: a correction ('reread'), not a model added. A model the
    problems do not name, or another amount, is added as ever."""
    problems = ["Flux Dev / 价格(元): no kind of price named for '0.10'"]
    old = [price("qwen-long", "input", "0.5")]
    new = [*old, price("Flux Dev", "per_image", "0.10", per=1), price("Flux Pro", "per_image", "0.35", per=1)]
    changes = shown_before(diff_prices(old, new), problems)
    assert sorted((c.change, c.model) for c in changes) == [("added", "Flux Pro"), ("reread", "Flux Dev")]
    other = [*old, price("Flux Dev", "per_image", "0.12", per=1)]
    assert [c.change for c in shown_before(diff_prices(old, other), problems)] == ["added"]


def test_a_problem_of_another_models_row_makes_no_correction() -> None:
    """Only a problem of the model's own row ('o1 / …') makes its added price a correction: 'o1' added at
    15 is added though 'o1-pro / …' quoted '15'."""
    old = [price("qwen-long", "input", "0.5")]
    new = [*old, price("o1", "input", "15")]
    said = ["o1-pro / Input: no unit (per 1K, per 1M ...) for '15' in the cell, header or page"]
    assert [c.change for c in shown_before(diff_prices(old, new), said)] == ["added"]


def test_a_price_listed_twice_is_kept_under_the_name_the_page_now_gives_it() -> None:
    """The stored price is kept where the page lists it twice under a relabelled name of the same model
    (the publisher dropped): no 'removed' for it."""
    table = "| 模型名称 | 分辨率 | 价格（元/秒） |\n|---|---|---|\n"
    before = extract_prices(
        "markdown", f"{table}| Wan-AI/wan2.2-t2v | 720p | 0.35 |\n| old | 720p | 1 |\n", "CNY"
    )
    twice = extract_prices(
        "markdown", f"{table}| wan2.2-t2v | 720p | 0.35 |\n| wan2.2-t2v | 720p | 0.73 |\n", "CNY"
    )
    kept = keep_unsettled(before.prices, twice)
    assert [(c.change, c.model) for c in diff_prices(before.prices, kept.prices)] == [("removed", "old")]


def test_regions_at_one_price_renamed_together_are_relabelled_each_by_its_own_name() -> None:
    """A model priced alike in several regions whose section headings all gain a word ('asia-east1' ->
    'asia-east1 pricing'): each price pairs with the one new condition that keeps its words, so the
    page is relabelled, not every region removed and added."""
    regions = ["asia-east1", "europe-west1", "us-east5"]
    old = [price("claude-haiku-4.5", "input", "1", condition=r) for r in regions]
    new = [price("claude-haiku-4.5", "input", "1", condition=f"{r} pricing") for r in regions]
    changes = diff_prices(old, new)
    assert sorted((c.change, c.condition) for c in changes) == [
        ("relabelled", f"{r} pricing") for r in regions
    ]
    # a price that could be either of two new ones ('' -> 'batch' or 'flex', at one amount) is not paired
    one = [price("claude-haiku-4.5", "input", "1")]
    two = [price("claude-haiku-4.5", "input", "1", condition=c) for c in ("batch", "flex")]
    assert "relabelled" not in {c.change for c in diff_prices(one, two)}
