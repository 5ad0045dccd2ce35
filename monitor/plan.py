"""The records a check passes between its stages: what it knows of a source before deciding (`SourceView`,
one read), what it decided to record (`CheckPlan`, one write) and what it tells its caller (`CheckOutcome`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from monitor.hold import Pending
from monitor.messages import Message
from monitor.models import Change, Price

if TYPE_CHECKING:  # the news reader is not needed to open the database
    from monitor.claims import Claim
    from monitor.news import NewsItem


@dataclass(frozen=True)
class NewsRead:
    """A feed's new item as a check read it: its price claims, each with the pricing pages' verdict, and
    its alert (None: no claim, or the feed's first read, which remembers items without alerting)."""

    item: NewsItem
    claims: list[tuple[Claim, str]] = field(default_factory=list)
    alert: Message | None = None


@dataclass(frozen=True)
class Streak:
    """Failed or broken checks in a row: how many, the first one's time, the last one's error."""

    count: int = 0
    since: str | None = None
    error: str | None = None


@dataclass(frozen=True)
class SourceView:
    """Everything a check's decisions need to know of a source, as the store keeps it.

    Read at the check's start (`Store.read_source`): the state every check needs. A page whose content
    changed completes it (`Store.read_prices`): the stored prices, the page's prose and, after a settings
    change, the page of the latest prices. Those are the costly part of the read (about 0.7 ms for 100
    prices) that a round of unchanged pages never pays.
    """

    etag: str | None = None
    last_modified: str | None = None
    last_sha256: str | None = None  # of the last page's bytes
    content_sha256: str | None = None  # of what extraction read from the last good page (see extract)
    settings_sha256: str | None = None  # of the extraction settings that page was read with
    due_on: str | None = None  # the first day the stored prices read differently (see diff.due_day)
    health_alerted: bool = False  # a source-problem alert went out and no recovery yet
    baseline: bool = False  # a price list is stored (a baseline or a changed check)
    pending: tuple[Pending, ...] = ()  # changes held until they are seen `hold` times
    recent: tuple[
        tuple[str, str | None], ...
    ] = ()  # (status, prices digest) of the last checks, newest first
    failures: Streak = Streak()  # up to this check
    # completed for a read page (Store.read_prices):
    prices_read: bool = False
    latest: tuple[Price, ...] = ()  # the stored prices
    prose_keys: tuple[str, ...] | None = None  # the page's sentence keys at its last check (None: never read)
    prose_seen: frozenset[str] = frozenset()  # every sentence the page ever showed
    last_good_body: bytes | None = None  # the page of the latest prices, where the settings changed
    # the cells the last reading of the page could not read (None: not known), which tells a price first
    # read now from one the page adds (see diff.shown_before)
    last_problems: tuple[str, ...] | None = None


@dataclass(frozen=True)
class PageState:
    """What the next check compares a page with."""

    etag: str | None
    last_modified: str | None
    sha256: str  # of the page's bytes
    content: str | None  # of what extraction read (None: not known)
    settings: str | None  # the settings' fingerprint (None: keep the stored one)


@dataclass(frozen=True)
class Snapshot:
    """A page kept whole (a broken page, for diagnosis, or the page of a new price list)."""

    body: bytes
    sha256: str
    packed: bytes | None = None  # compressed already (off the event loop), or None


@dataclass(frozen=True)
class ProseUpdate:
    """A pricing page's prose as now read: its sentence keys, its sentences, and the notices among them."""

    keys: list[str]
    sentences: list[str]
    notices: list[str]
    alert: Message | None


@dataclass(frozen=True)
class HealthAlert:
    message: Message
    problem: bool  # a source problem (True) or its recovery (False)


@dataclass(frozen=True)
class CheckPlan:
    """Everything one check records, in the order it is written (`Store.record_check`, one transaction)."""

    started: str
    finished: str
    status: str  # of the check row: failed | unchanged | broken | baseline | changed
    http_status: int | None = None
    error: str | None = None
    problems: list[str] = field(default_factory=list)
    page_read: bool = False  # the page's prices were read: its problems are stored, also when there are none
    prose: ProseUpdate | None = None
    pending: list[Pending] | None = None  # the held changes from now on; None keeps them
    flaps: list[Change] = field(default_factory=list)  # logged without a check, never alerted
    snapshot: Snapshot | None = None
    prices_digest: str | None = None  # of a broken page's prices (see decide.shrink_confirmed)
    prices: list[Price] | None = None  # the new price list; None keeps the latest
    changes: list[Change] = field(default_factory=list)
    state: PageState | None = None  # None keeps it
    due_on: str | None = None  # with a new price list
    alert: Message | None = None  # of the changes
    health: HealthAlert | None = None
    news: list[NewsRead] = field(default_factory=list)  # a feed's new items, alerted once or not at all


@dataclass
class CheckOutcome:
    source: str
    status: str  # baseline | changed | unchanged | failed | broken (| reread: changed, all corrections)
    changes: list[Change] = field(default_factory=list)
    error: str | None = None
    problems: list[str] = field(default_factory=list)
    alert_id: int | None = None
    notices: list[str] = field(default_factory=list)  # sentences of the page's prose announcing prices

    @property
    def ok(self) -> bool:
        return self.status not in ("failed", "broken")


@dataclass(frozen=True)
class Decision:
    """A check's plan and its outcome; `shrink_accepted`: a smaller price list held and is taken as real."""

    plan: CheckPlan
    outcome: CheckOutcome
    shrink_accepted: bool = False
