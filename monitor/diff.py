"""Old prices + new prices -> changes, and the guard that tells a broken page from removed models."""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

from monitor.models import (
    MILLION,
    Change,
    ExtractResult,
    Price,
    PriceKey,
    model_id,
    relaxed_model_id,
    same_model,
)

# A page that loses more than this share of its prices at once is broken, not re-priced.
MOST_GONE = 0.5
MIN_PRICES_FOR_SHARE = 4
# A smaller price list seen on this many checks in a row is what the provider publishes, not a glitch.
CONFIRM_SHRINK = 3
FIXED_WIDTH_DECIMALS = 6


def index_prices(prices: Iterable[Price]) -> dict[PriceKey, Price]:
    return {price.key: price for price in prices}


def diff_prices(old: Iterable[Price], new: Iterable[Price]) -> list[Change]:
    """Every price changed, added or removed, compared per 1M units (a unit switch is no change)."""
    before, after = index_prices(old), index_prices(new)
    pairs = [(before[key], after[key]) for key in before.keys() & after.keys()]
    gone = [before[key] for key in before.keys() - after.keys()]
    came = [after[key] for key in after.keys() - before.keys()]
    renamed, gone, came = _pair_renames(gone, came)
    relabelled, gone, came = _pair_relabelled_models(gone, came, before.values(), after.values())
    restructured, gone, came = _pair_restructures(gone, came)
    relabelled += _pair_relabelled_conditions(gone, came)
    paired = {id(p) for pair in relabelled for p in pair}
    gone, came = [p for p in gone if id(p) not in paired], [p for p in came if id(p) not in paired]
    changes = [Change.between("changed", b, a) for b, a in pairs + renamed if _differs(b, a)]
    changes += [Change.between("changed", b, a, restructured=True) for b, a in restructured]
    changes += [Change.between("relabelled", b, a) for b, a in relabelled]
    changes += [Change.between("added", None, p) for p in came]
    changes += [Change.between("removed", p, None) for p in gone]
    changes += _status_changes(pairs + renamed)
    return sorted(changes, key=lambda c: (model_id(c.model), c.kind, c.tier, c.condition, c.currency))


# where a model is in its life, by what its status says in any phrasing: a reworded status ('deprecated'
# -> 'retiring 2026-08-31', '即将下线' -> '2026-08-31 下线') or a badge ('new', '推荐') is no change
_RETIRING = re.compile(
    r"deprecat|retir|legacy|sunset|end[- ]of[- ](?:life|sale)|\beol\b|discontinu|shut\s*down"
    r"|no longer available|available until|\buntil \d|下线|停用|停止服务|停售|废弃|弃用|退役",
    re.I,
)
_PREVIEW = re.compile(r"preview|\bbeta\b|\balpha\b|experimental|coming soon|公测|内测|预览|体验版", re.I)


def lifecycle(status: str) -> str:
    """'retiring', 'preview' or '' (generally available, whatever badge the page shows)."""
    if _RETIRING.search(status):
        return "retiring"
    return "preview" if _PREVIEW.search(status) else ""


def _status_changes(pairs: list[tuple[Price, Price]]) -> list[Change]:
    """A model newly marked deprecated (or no longer preview): one change per model, not per price."""
    seen: set[str] = set()
    changes = []
    for before, after in pairs:
        if lifecycle(before.status) != lifecycle(after.status) and model_id(after.model) not in seen:
            seen.add(model_id(after.model))
            changes.append(Change.between("status", before, after))
    return changes


def _differs(before: Price, after: Price) -> bool:
    if before.free != after.free:
        return True
    if before.per != after.per:
        # A unit switch may show the same price at another precision: '$0.00000012' per token is
        # '$0.125' per 1M cut to 8 places. A fixed-width figure (6 or more decimals, as generated
        # per-token tables print) is only as exact as its last digit; '0.004 元/千tokens' is exact.
        coarse = max(before, after, key=_last_digit_per_million)
        if _decimals(coarse.amount) >= FIXED_WIDTH_DECIMALS:
            return abs(before.per_million - after.per_million) >= _last_digit_per_million(coarse)
    return before.per_million != after.per_million


def _decimals(amount: Decimal) -> int:
    exponent = amount.as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def _last_digit_per_million(price: Price) -> Decimal:
    """What one unit in the last stated digit of the amount is worth per 1M units."""
    return Decimal(1).scaleb(-_decimals(price.amount)) * MILLION / price.per


_FROM_DATE = re.compile(r"\s*\bfrom (\d{4}-\d{2}-\d{2})$")
_UNTIL = re.compile(r"\buntil (\d{4}-\d{2}-\d{2})")


def due_day(prices: Iterable[Price]) -> str | None:
    """The first day on which the same page reads as other prices, or None: the day a price announced
    'from DATE' becomes today's, and the day after a price 'until DATE' that has a successor beside it
    (extraction drops the ended one). A check reads the page again on that day whatever its bytes, so
    the day a page is read needs no place in its digests."""
    prices = list(prices)
    keys = Counter(price.key for price in prices)
    days = []
    for price in prices:
        starts = _FROM_DATE.search(price.condition)
        if starts:
            days.append(starts.group(1))
        ends = _UNTIL.search(price.note)
        if ends and keys[price.key] > 1:
            try:
                days.append((date.fromisoformat(ends.group(1)) + timedelta(days=1)).isoformat())
            except ValueError:  # '2026-02-30': not a day, so no day ends it
                continue
    return min(days, default=None)


def _pair_renames(
    gone: list[Price], came: list[Price]
) -> tuple[list[tuple[Price, Price]], list[Price], list[Price]]:
    """A price that left under one label and came back under another, one of each: the same price.

    Two relabels are known: a publisher prefix added or dropped ('DeepSeek-R1' and
    'deepseek-ai/DeepSeek-R1'), and a 'from DATE' dropped when an announced table goes live (or
    added when a page announces that today's prices hold from a date).
    """

    def relaxed(price: Price) -> tuple[str, ...]:
        _model, kind, tier, condition, currency, unit = price.key
        return (relaxed_model_id(price.model), kind, tier, _FROM_DATE.sub("", condition), currency, unit)

    gone_by: dict[tuple[str, ...], list[Price]] = {}
    came_by: dict[tuple[str, ...], list[Price]] = {}
    for price in gone:
        gone_by.setdefault(relaxed(price), []).append(price)
    for price in came:
        came_by.setdefault(relaxed(price), []).append(price)
    pairs = [
        (gone_by[k][0], came_by[k][0])
        for k in gone_by.keys() & came_by.keys()
        if len(gone_by[k]) == 1
        and len(came_by[k]) == 1
        and same_model(gone_by[k][0].model, came_by[k][0].model)
    ]
    paired = {id(p) for pair in pairs for p in pair}
    return pairs, [p for p in gone if id(p) not in paired], [p for p in came if id(p) not in paired]


def _grouped(
    prices: list[Price], key: Callable[[Price], tuple[str, ...]]
) -> dict[tuple[str, ...], list[Price]]:
    out: dict[tuple[str, ...], list[Price]] = {}
    for price in prices:
        out.setdefault(key(price), []).append(price)
    return out


def _pair_restructures(
    gone: list[Price], came: list[Price]
) -> tuple[list[tuple[Price, Price]], list[Price], list[Price]]:
    """A model's one price of a kind that left while prices of that kind came that split it, by tiers
    where it had none (one price -> '<=32K', '>32K') or by the hours or modes of its use (0.14 ->
    off-peak 0.22, peak 0.44): each new price is a change from the old one, with its percent (0% where
    one kept the amount). A price under a condition of another sort (1080p -> 480p; a new batch, flex or
    priority price; another platform) is another product: removed and added, as it is.

    Returns (changes, gone left, came left)."""

    def group(price: Price) -> tuple[str, ...]:
        return (model_id(price.model), price.kind, price.currency, price.unit)

    left, arrived = _grouped(gone, group), _grouped(came, group)
    changed: list[tuple[Price, Price]] = []
    for key in left.keys() & arrived.keys():
        old, new = left[key], arrived[key]
        if len(old) == 1 and len(new) > 1 and all(_splits(old[0], price) for price in new):
            changed += [(old[0], price) for price in new]
    paired = {id(p) for pair in changed for p in pair}
    return changed, [p for p in gone if id(p) not in paired], [p for p in came if id(p) not in paired]


def _pair_relabelled_conditions(gone: list[Price], came: list[Price]) -> list[tuple[Price, Price]]:
    """A model's prices of one kind that left and came at the same amounts, each under a condition that
    keeps or drops words of the old one ('gemini系列 > openrouter' -> 'openrouter', a section renamed
    or a heading added): the page relabelled them. Paired only where each is the other's one match (a
    region's price beside others at the same amount: 'asia-east1' -> 'asia-east1 pricing', not
    'europe-west1 pricing')."""

    def group(price: Price) -> tuple[str, ...]:
        return (model_id(price.model), price.kind, price.tier, price.currency, price.unit)

    def kin(old: Price, new: Price) -> bool:
        old_words, new_words = set(old.condition.lower().split()), set(new.condition.lower().split())
        return old.per_million == new.per_million and (old_words <= new_words or new_words <= old_words)

    left, arrived = _grouped(gone, group), _grouped(came, group)
    pairs: list[tuple[Price, Price]] = []
    for key in left.keys() & arrived.keys():
        for old in left[key]:
            matches = [new for new in arrived[key] if kin(old, new)]
            if len(matches) == 1 and sum(kin(other, matches[0]) for other in left[key]) == 1:
                pairs.append((old, matches[0]))
    return pairs


def _splits(old: Price, new: Price) -> bool:
    """`new` prices a part of what `old` priced: a tier where there was none, under the same condition;
    or the same tier, under the old condition plus the hours or mode of use ('' -> 'off-peak')."""
    from monitor.extract.labels import CONDITION  # here: the review commands import no page reader

    old_words, new_words = set(old.condition.lower().split()), set(new.condition.lower().split())
    if not old.tier and new.tier:
        return old_words == new_words
    added = new_words - old_words
    return (
        old.tier == new.tier
        and old_words <= new_words
        and bool(added)
        and bool(CONDITION.fullmatch(" ".join(sorted(added))) or all(CONDITION.fullmatch(w) for w in added))
    )


def _pair_relabelled_models(
    gone: list[Price], came: list[Price], old: Iterable[Price], new: Iterable[Price]
) -> tuple[list[tuple[Price, Price]], list[Price], list[Price]]:
    """A model of which no price is left while a model of which every price is new came at exactly the
    same prices, one name holding the other with a note in brackets ('GLM-4.5' and 'GLM-4.5 (Model
    pricing)', a label the identity rules did not catch): the page relabelled it, no price moved. Paired,
    never alerted. A note that dates the model or speaks of its life ('(shutdown on 2027-01-31)',
    '(停售)') is news, never a relabel."""
    still_listed = {model_id(p.model) for p in new}
    was_listed = {model_id(p.model) for p in old}

    def prices_of(items: list[Price]) -> dict[str, dict[tuple[str, ...], Price]]:
        by_model: dict[str, dict[tuple[str, ...], Price]] = {}
        for price in items:
            _m, kind, tier, condition, currency, unit = price.key
            by_model.setdefault(model_id(price.model), {})[
                (kind, tier, condition, currency, unit, str(price.per_million))
            ] = price
        return by_model

    old_models, new_models = prices_of(gone), prices_of(came)
    pairs: list[tuple[Price, Price]] = []
    for old_name, old_prices in old_models.items():
        if old_name in still_listed:
            continue  # some of its prices are still there: the rest left, under whatever label
        matches = [
            new_name
            for new_name, new_prices in new_models.items()
            if new_name not in was_listed
            and new_prices.keys() == old_prices.keys()
            and _holds_name(old_name, new_name)
        ]
        if len(matches) == 1:
            new_prices = new_models.pop(matches[0])
            pairs += [(old_prices[k], new_prices[k]) for k in old_prices]
    paired = {id(p) for pair in pairs for p in pair}
    return pairs, [p for p in gone if id(p) not in paired], [p for p in came if id(p) not in paired]


def _holds_name(a: str, b: str) -> bool:
    """One model id is the other with a note in brackets before or after it ('glm-4.5' and
    'glm-4.5-(model-pricing)', '[openai]gpt-oss-120b'); a variant ('gpt-4o-mini') is another model."""
    short, long = sorted((a, b), key=len)
    if short == long:
        return False
    if long.startswith(short):
        note = re.fullmatch(r"-?[(\[（【]([^)\]）】]*)[)\]）】]", long[len(short) :])
    elif long.endswith(short):
        note = re.fullmatch(r"[(\[（【]([^)\]）】]*)[)\]）】]-?", long[: -len(short)])
    else:
        return False
    return note is not None and not lifecycle(note.group(1)) and not re.search(r"\d{4}", note.group(1))


def prices_digest(prices: Iterable[Price]) -> str:
    """A fingerprint of a price list: equal lists, in any order, have equal digests."""
    lines = sorted(f"{'|'.join(p.key)}={p.per_million}" for p in prices)
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


# What a bot check (Cloudflare's and the like) serves instead of the page asked for.
_CHALLENGE = re.compile(
    r"Just a moment\.\.\.|Enable JavaScript and cookies to continue|challenge-platform|cf_chl_opt"
    r"|Attention Required! \| Cloudflare|DDoS protection by|captcha-delivery",
    re.I,
)


def challenge_page(text: str) -> bool:
    """A bot check (Cloudflare's and the like) was served instead of the page or feed asked for."""
    return bool(_CHALLENGE.search(text[:20000]))


def page_problem(old: Iterable[Price], new: Iterable[Price], text: str = "") -> str | None:
    """Why a new price list looks like a broken page rather than the provider's choice, or None."""
    before, after = index_prices(old), index_prices(new)
    if not after and challenge_page(text):
        return "a bot-check (challenge) page was served instead of the pricing page"
    if not after:
        return "no prices found on the page"
    if len(before) >= MIN_PRICES_FOR_SHARE and len(after) < len(before) * (1 - MOST_GONE):
        return f"most prices gone ({len(after)} left of {len(before)}): the page layout probably changed"
    return None


def keep_unsettled(old: Iterable[Price], result: ExtractResult) -> ExtractResult:
    """The page's reading with the stored price kept for each price the page now lists more than once
    at different amounts (reported, not read): a price the page still shows is not removed because a
    second listing contradicts it (a copied row left with another model's figures)."""
    if not result.unsettled:
        return result

    def unsettled(price: Price) -> bool:  # by the one identity rule: a publisher dropped meanwhile
        return any(price.key[1:] == key[1:] and same_model(price.model, key[0]) for key in result.unsettled)

    return replace(result, prices=[*result.prices, *(p for p in old if unsettled(p))])


def shown_before(changes: Iterable[Change], problems: Iterable[str]) -> list[Change]:
    """Prices added that the last reading of the page showed but could not read (a problem of that
    model's row, '<model> / <column>: …', quoted the cell: '0.35' under '价格（元）' before the page
    wrote '元/张') are corrections ('reread'), never alerted: a page that states a unit it had left out
    adds no model."""
    said = list(problems)

    def unread_before(change: Change) -> bool:
        new = change.new
        return (
            change.change == "added"
            and new is not None
            and any(text.startswith(f"{new.model} / ") and f"'{new.raw}'" in text for text in said)
        )

    return [replace(c, change="reread") if unread_before(c) else c for c in changes]
