"""Build the demo store: generate every row from (seed, today), then write them in one transaction.

Same seed and same "today" give identical data: every random draw comes from generators keyed by
the seed and a component name, and every row is produced in a fixed order.
"""

from __future__ import annotations

import time as _time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import numpy as np
from sqlalchemy import Connection, Engine, func, select, update
from sqlalchemy.orm import Session

from store.db import has_schema, migrate
from store.demo import behaviour, campaigns, loyalty, orders, pricing
from store.demo.canonical import CITY, MEMBERS, STORES
from store.demo.demand import day_weights, traffic_factor
from store.demo.people import (
    canonical_plans,
    generated_plans,
    member_row,
    product_rows,
    reference_rows,
)
from store.demo.weather import generate_weather
from store.models import Base, MetaEntry
from store.models import Store as StoreModel

GENERATOR_VERSION = "1"
HISTORY_DAYS = 365
#: The demo's clock: "now" is 10:00 on "today" (the blueberry 接龙 is open, tonight's live is ahead).
DEMO_CLOCK = time(10, 0)
#: Tables in the order they are written (foreign keys first).
TABLE_ORDER = (
    "suppliers", "stores", "staff", "products", "weather_days", "members", "member_tags",
    "live_streams", "group_buys", "orders", "order_lines", "group_buy_participants",
    "points_ledger", "coupons", "browse_events", "cart_events", "inventory", "meta",
)

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class SeedSummary:
    """What a seeding run wrote."""

    today: date
    seed: int
    counts: dict[str, int]
    seconds: float


class AlreadySeeded(RuntimeError):
    """The database already holds data; the demo is only written into an empty one."""


def demo_now(today: date) -> datetime:
    """The demo's "now" on ``today``."""
    return datetime.combine(today, DEMO_CLOCK)


def _rng(seed: int, component: str) -> np.random.Generator:
    return np.random.default_rng([seed, *component.encode()])


def generate_demo(today: date, seed: int) -> dict[str, list[dict]]:
    """Every row of the demo store, keyed by table name (no database involved)."""
    now = demo_now(today)
    window_start = today - timedelta(days=HISTORY_DAYS)
    days = [window_start + timedelta(days=i) for i in range(HISTORY_DAYS)]
    weather = generate_weather(CITY, today, _rng(seed, "weather"), HISTORY_DAYS)
    weather_by_day = {w["day"]: w for w in weather}
    day_w = day_weights(days, weather_by_day, today)
    store_ids = [s.id for s in STORES]
    traffic = {(s, d): traffic_factor(d, weather_by_day[d]) for s in store_ids for d in days}

    plans = canonical_plans(today, _rng(seed, "canon")) + generated_plans(
        today, window_start, _rng(seed, "members"))
    by_store = {s: [p for p in plans if p.store_id == s] for s in store_ids}
    drafts = orders.member_visits(plans, days, traffic, day_w, _rng(seed, "visits"))
    drafts += orders.walk_ins(store_ids, days, traffic, day_w, _rng(seed, "walkins"))
    drafts += orders.canonical_orders(today, days, day_w, _rng(seed, "canon-orders"))
    gb_rows, participants, gb_drafts = campaigns.group_buys(by_store, days, today, day_w, _rng(seed, "gb"))
    ls_rows, ls_drafts = campaigns.live_streams(by_store, days, today, day_w, _rng(seed, "live"))
    drafts += gb_drafts + ls_drafts
    order_rows, line_rows, levels = pricing.settle(drafts, today, _rng(seed, "settle"), {})
    for i, row in enumerate(participants, start=1):
        row["id"] = i
        row["order_id"] = row.pop("order").extra["id"]

    recent = day_w[-behaviour.EVENT_DAYS:]
    browse, cart = behaviour.behaviour_events(plans, drafts, recent, now, _rng(seed, "events"))
    ref = reference_rows()
    return {
        "suppliers": ref["suppliers"],
        "stores": ref["stores"],
        "staff": ref["staff"],
        "products": product_rows(today),
        "weather_days": weather,
        "members": [member_row(p, levels.get(p.id, "regular")) for p in plans],
        "member_tags": [{"member_id": m.id, "tag": t, "source": "manual", "evidence": "店员标注"}
                        for m in MEMBERS for t in m.tags],
        "live_streams": ls_rows,
        "group_buys": gb_rows,
        "orders": order_rows,
        "order_lines": line_rows,
        "group_buy_participants": participants,
        "points_ledger": loyalty.points_ledger(plans, drafts, window_start, today, _rng(seed, "points")),
        "coupons": loyalty.coupons(plans, levels, window_start, today, _rng(seed, "coupons")),
        "browse_events": browse,
        "cart_events": cart,
        "inventory": behaviour.inventory(store_ids, line_rows, order_rows, now, _rng(seed, "stock")),
        "meta": [{"key": "demo_seed", "value": str(seed)}, {"key": "demo_today", "value": today.isoformat()},
                 {"key": "demo_now", "value": now.isoformat()},
                 {"key": "generator_version", "value": GENERATOR_VERSION}],
    }


def is_seeded(engine: Engine) -> bool:
    """Whether the database has a schema and holds any store."""
    if not has_schema(engine):
        return False
    with engine.connect() as conn:
        return bool(conn.execute(select(func.count()).select_from(StoreModel)).scalar())


def seed_info(engine: Engine) -> dict[str, str]:
    """The ``meta`` entries (seed, today, …) of a seeded database."""
    with engine.connect() as conn:
        return {k: v for k, v in conn.execute(select(MetaEntry.key, MetaEntry.value))}


def seed_demo(engine: Engine, *, today: date, seed: int, progress: Progress | None = None,
              chunk: int = 10_000) -> SeedSummary:
    """Migrate the schema and write the demo store into an empty database, all or nothing."""
    started = _time.perf_counter()
    report = progress or (lambda step, done, total: None)
    migrate(engine)
    if is_seeded(engine):
        raise AlreadySeeded("the database already holds stores; seed only an empty database")
    report("生成演示数据", 0, 1)
    data = generate_demo(today, seed)
    report("生成演示数据", 1, 1)
    tables = Base.metadata.tables
    owners = {r["id"]: r.pop("owner_id") for r in data["stores"]}
    total = sum(len(data[t]) for t in TABLE_ORDER)
    done = 0
    with engine.begin() as conn:
        for name in TABLE_ORDER:
            rows = data[name]
            for i in range(0, len(rows), chunk):
                conn.execute(tables[name].insert(), rows[i:i + chunk])
                done += len(rows[i:i + chunk])
                report(f"写入 {name}", done, total)
            if name == "meta":
                _refresh_tags(conn, today)
            if name == "staff":
                for store_id, owner_id in owners.items():
                    conn.execute(update(StoreModel).where(StoreModel.id == store_id).values(owner_id=owner_id))
        _advance_sequences(conn)
    counts = {t: len(data[t]) for t in TABLE_ORDER}
    return SeedSummary(today=today, seed=seed, counts=counts, seconds=time_since(started))


def _advance_sequences(conn: Connection) -> None:
    """On PostgreSQL, move each integer id sequence past the explicit ids the seed wrote."""
    if conn.dialect.name != "postgresql":
        return
    for table in Base.metadata.sorted_tables:
        pk = list(table.primary_key.columns)
        if len(pk) == 1 and pk[0].autoincrement is not False and pk[0].type.python_type is int:
            conn.exec_driver_sql(
                f"SELECT setval(pg_get_serial_sequence('{table.name}', '{pk[0].name}'), "
                f"COALESCE((SELECT MAX({pk[0].name}) FROM {table.name}), 0) + 1, false)")


def _refresh_tags(conn: Connection, today: date) -> None:
    """Derive behaviour tags from the history just written (same transaction)."""
    from store.analytics.tags import refresh_derived_tags

    with Session(bind=conn) as session:
        refresh_derived_tags(session, as_of=today)
        session.flush()


def time_since(started: float) -> float:
    """Seconds elapsed since ``started`` (a ``perf_counter`` reading)."""
    return round(_time.perf_counter() - started, 2)
