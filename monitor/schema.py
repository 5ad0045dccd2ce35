"""The database schema, as sqlite-utils Migrations: each change of schema is a new function, never an edit."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from monitor.diff import due_day
from monitor.models import Price
from monitor.store.rows import PRICE_KEY

migrations = Migrations("monitor")
_PRICE_COLUMNS: dict[str, Any] = {
    "source": str,
    "model": str,
    "kind": str,
    "tier": str,
    "condition": str,
    "currency": str,
    "unit": str,
    "amount": str,
    "per": int,
    "per_million": str,
    "free": int,
    "raw": str,
    "note": str,
    "status": str,
}


@migrations()
def m001_initial(db: Database) -> None:
    """Checks, snapshots, prices, changes, alerts and their deliveries."""
    db.table("sources").create(
        {
            "name": str,
            "provider": str,
            "kind": str,
            "url": str,
            "etag": str,
            "last_modified": str,
            "last_sha256": str,
        },
        pk="name",
    )
    db.table("snapshots").create(
        {"id": int, "sha256": str, "bytes": int, "content": bytes, "first_seen": str}, pk="id"
    )
    db.table("snapshots").create_index(["sha256"], unique=True)
    db.table("checks").create(
        {
            "id": int,
            "source": str,
            "started": str,
            "finished": str,
            "status": str,  # baseline | changed | unchanged | failed | broken
            "http_status": int,
            "error": str,
            "problems": str,  # JSON list of cells the grammar could not read
            "snapshot_id": int,
            "prices": int,
            "prices_digest": str,  # what a broken page yielded, to see it persist across checks
        },
        pk="id",
        foreign_keys=[("snapshot_id", "snapshots", "id")],
    )
    db.table("checks").create_index(["source", "started"])
    db.table("prices").create(
        {"check_id": int, **_PRICE_COLUMNS}, foreign_keys=[("check_id", "checks", "id")]
    )
    db.table("prices").create_index(["check_id"])
    db.table("latest_prices").create({**_PRICE_COLUMNS, "since": str, "check_id": int}, pk=PRICE_KEY)
    db.table("changes").create(
        {
            "id": int,
            "check_id": int,
            "time": str,
            "source": str,
            "provider": str,
            "url": str,
            "model": str,
            "kind": str,
            "tier": str,
            "condition": str,
            "currency": str,
            "unit": str,
            "change": str,  # changed | added | removed
            "old_amount": str,
            "new_amount": str,
            "old_per": int,
            "new_per": int,
            "old_per_million": str,
            "new_per_million": str,
            "pct": str,
            "old_raw": str,
            "new_raw": str,
            "old_free": int,
            "new_free": int,
            "suspect": str,  # why the change looks like a unit error, or NULL
            "old_status": str,
            "new_status": str,
        },
        pk="id",
        foreign_keys=[("check_id", "checks", "id")],
    )
    db.table("changes").create_index(["source", "time"])
    db.table("alerts").create(
        {"id": int, "created": str, "source": str, "check_id": int, "title": str, "body": str},
        pk="id",
    )
    # One row per alert and channel, so a channel that failed is retried without repeating the others.
    # `target` is a hash of the apprise URL: secrets in URLs never reach the database.
    db.table("deliveries").create(
        {
            "alert_id": int,
            "target": str,
            "status": str,  # pending | sent
            "attempts": int,
            "last_error": str,
            "last_attempt": str,
            "sent_at": str,
        },
        pk=("alert_id", "target"),
        foreign_keys=[("alert_id", "alerts", "id")],
    )


@migrations()
def m002_outbox_retries(db: Database) -> None:
    """Deliveries wait for their next attempt (backoff); alerts say what they are about."""
    db.table("deliveries").add_column("next_attempt", str)  # NULL: due now
    db.table("alerts").add_column("kind", str, not_null_default="changes")  # changes | health | test


@migrations()
def m003_source_health(db: Database) -> None:
    """Whether a source's problem has been alerted, so it is alerted once and its recovery once."""
    db.table("sources").add_column("health_alerted", int, not_null_default=0)


@migrations()
def m004_alert_formats(db: Database) -> None:
    """Each alert in the forms channels take: an HTML table for email, a code-block table for Slack."""
    db.table("alerts").add_column("body_html", str)
    db.table("alerts").add_column("body_slack", str)


@migrations()
def m005_pending_changes(db: Database) -> None:
    """Changes seen but not yet held for a source's `hold` observations (flap control)."""
    db.table("pending_changes").create(
        {"source": str, "key": str, "change": str, "count": int, "first_seen": str}, pk=("source", "key")
    )


@migrations(transactional=False)
def m006_incremental_vacuum(db: Database) -> None:
    """Free pages can be given back to the disk a little at a time (PRAGMA incremental_vacuum)."""
    db.execute("PRAGMA auto_vacuum = INCREMENTAL")
    db.execute("VACUUM")


@migrations()
def m007_news(db: Database) -> None:
    """Feed items seen (each alerted once) and the price claims read out of them."""
    db.table("news_items").create(
        {"source": str, "item_id": str, "link": str, "title": str, "seen": str}, pk=("source", "item_id")
    )
    db.table("news_claims").create(
        {
            "id": int,
            "source": str,
            "item_id": str,
            "link": str,
            "found": str,
            "model": str,
            "provider": str,
            "kind": str,
            "currency": str,
            "old_per_million": str,
            "new_per_million": str,
            "free": int,
            "quote": str,
            "verdict": str,
        },
        pk="id",
    )
    db.table("news_claims").create_index(["found"])


@migrations()
def m008_content_digest(db: Database) -> None:
    """A digest of what extraction reads from the last good page (its tree without scripts, styles ...),
    so a page whose bytes differ only by a fresh token or build id is not extracted again."""
    db.table("sources").add_column("content_sha256", str)


@migrations()
def m009_claim_tiers(db: Database) -> None:
    """A news claim's context-length tier ('for prompts up to 128K tokens' -> '<=128K')."""
    db.table("news_claims").add_column("tier", str, not_null_default="")


@migrations()
def m010_page_notices(db: Database) -> None:
    """Price notices: the sentences of a pricing page's prose that announce a price change. The keys of
    the page's sentences at its last check (to tell a new sentence from one renumbered or re-dated), the
    texts it ever showed (a notice is alerted once) and the notices found."""
    db.table("page_prose").create({"source": str, "keys": str}, pk="source")
    db.table("page_prose_seen").create({"source": str, "text": str}, pk=("source", "text"))
    db.table("page_notices").create(
        {
            "id": int,
            "source": str,
            "provider": str,
            "url": str,
            "found": str,
            "model": str,  # '': a notice names no model; kept so `monitor log --model` narrows it away
            "kind": str,  # 'notice'
            "sentence": str,
        },
        pk="id",
    )
    db.table("page_notices").create_index(["found"])


@migrations()
def m011_settings_fingerprint(db: Database) -> None:
    """A fingerprint of the extraction settings the last good page was read with: a changed setting
    re-reads the page at the next check, whatever its bytes."""
    db.table("sources").add_column("settings_sha256", str)


@migrations()
def m012_due_day(db: Database) -> None:
    """The first day on which the stored prices would read differently from the same page (a price
    'from' that day): the check reads the page again that day, whatever its bytes. Set here from the
    prices stored before."""
    db.table("sources").add_column("due_on", str)
    stored: dict[str, list[Price]] = defaultdict(list)
    for row in db.query(
        "select source, model, kind, tier, condition, currency, unit, note from latest_prices"
    ):
        price = Price(
            row["model"],
            row["kind"],
            Decimal(0),
            row["currency"],
            unit=row["unit"],
            tier=row["tier"],
            condition=row["condition"],
            note=row["note"] or "",
        )
        stored[row["source"]].append(price)
    for name, prices in stored.items():
        db.execute("update sources set due_on = ? where name = ?", [due_day(prices), name])
