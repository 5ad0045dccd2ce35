"""Flap control (hold): pure functions over changes and the pending ones, tested with data."""

from __future__ import annotations

import pytest

from monitor.diff import diff_prices
from monitor.hold import hold_changes
from monitor.messages import change_line
from monitor.models import Price
from tests.test_diff import price

NOW = "2026-12-02T12:00:00+00:00"


def polls(pages: list[list[Price]], hold: int) -> list[tuple[list[str], list[str], int]]:
    """Each poll of a page with `hold`: (confirmed, flaps, waiting) after it; the stored prices move only
    by confirmed changes, as the pipeline stores them."""
    stored, pending, out = pages[0], [], []
    for page in pages[1:]:
        held = hold_changes(diff_prices(stored, page), pending, hold, NOW)
        confirmed = {c.old.key if c.old else None for c in held.confirmed}
        stored = [p for p in stored if p.key not in confirmed] + [c.new for c in held.confirmed if c.new]
        pending = held.pending
        out.append(
            (
                [f"{c.model} {c.new_per_million}" for c in held.confirmed],
                [f"{c.model}" for c in held.flaps],
                len(held.pending),
            )
        )
    return out


BEFORE = [price("qwen2.5-vl-72b-instruct", "input", "16")]
CUT = [price("qwen2.5-vl-72b-instruct", "input", "4.5")]
CUT_RELABELLED = [price("qwen/qwen2.5-vl-72b-instruct", "input", "4.5")]


@pytest.mark.parametrize(
    ("pages", "expected"),
    [
        # a cut that stays two polls is confirmed on the second
        ([BEFORE, CUT, CUT], [([], [], 1), (["qwen2.5-vl-72b-instruct 4.5"], [], 0)]),
        # a cut that goes back before it held is a flap, never alerted
        ([BEFORE, CUT, BEFORE], [([], [], 1), ([], ["qwen2.5-vl-72b-instruct"], 0)]),
        # the page adds the publisher to the name while the cut waits: the same change, held
        ([BEFORE, CUT, CUT_RELABELLED], [([], [], 1), (["qwen/qwen2.5-vl-72b-instruct 4.5"], [], 0)]),
    ],
    ids=["held", "went back", "relabelled while waiting"],
)
def test_a_change_holds_for_its_observations(pages: list[list[Price]], expected: list[object]) -> None:
    """With hold = 2 a change is confirmed on its second observation, a change that goes back is a flap,
    and a label that names the same model (`same_model`) is the same change."""
    assert polls(pages, hold=2) == expected


def test_a_change_with_another_amount_starts_counting_again() -> None:
    """A waiting cut that the next poll shows at another amount is a new observation: counted from one."""
    again = [price("qwen2.5-vl-72b-instruct", "input", "3")]
    assert polls([BEFORE, CUT, again, again], hold=2) == [
        ([], [], 1),
        ([], [], 1),
        (["qwen2.5-vl-72b-instruct 3"], [], 0),
    ]


@pytest.mark.parametrize(
    ("pages", "said"),
    [
        ([BEFORE, [*BEFORE, price("new-model", "input", "2")], BEFORE], "appeared at 2"),
        ([BEFORE, [], BEFORE], "went to removed and back to 16"),
        ([BEFORE, CUT, BEFORE], "went to 4.5 and back to 16"),
    ],
    ids=["added, then gone", "removed, then back", "changed, then back"],
)
def test_every_flap_is_said_in_the_log(pages: list[list[Price]], said: str) -> None:
    """A held change that goes back is logged as a flap whatever it was: a price added and gone again, a
    price removed and back, a price changed and back (an added one had no old price to name, and the
    log line raised)."""
    held = hold_changes(diff_prices(pages[0], pages[1]), [], 2, NOW)
    flaps = hold_changes(diff_prices(pages[0], pages[2]), held.pending, 2, NOW).flaps
    assert len(flaps) == 1
    assert said in change_line(flaps[0]) and "not alerted" in change_line(flaps[0])
