"""Every analytics function gives the same answer on PostgreSQL as on SQLite, on one small scenario."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from store.analytics.lifecycle import lifecycle_counts, lifecycle_stage, member_rfm
from store.analytics.rankings import hot_list, rising_new_products
from store.analytics.repurchase import due_repurchases, repurchase_cycles
from store.analytics.tags import derive_tags, refresh_derived_tags
from store.analytics.triggers import all_triggers
from store.db import make_session_factory, transaction
from store.models import BrowseEvent, CartEvent, MemberTag, PointsEntry, Product
from tests.test_analytics_world import AS_OF, NOW, add_member, add_order, ago, seed_catalog


def _scenario(s: Session) -> None:
    """A member for each analytics: VIP, sleeper, young family, browser, cart, points, new."""
    seed_catalog(s)
    s.get_one(Product, "P3001").is_new = True
    add_member(s, "M0101", level="gold", birth_date=date(1963, 3, 1))
    add_member(s, "M0102", birth_date=date(1956, 5, 5))
    add_member(s, "M0103")
    add_member(s, "M0104", store_id="S002")
    add_member(s, "M0105", store_id="S003")
    add_member(s, "M0106", consent_marketing=False)
    add_member(s, "M0107", registered_days_ago=5)
    for d in (3, 6, 10, 13, 17, 24, 31):
        add_order(s, "M0101", [("P2002", 2), ("P1001", 1), ("P1004", 1)], days_ago=d)
    for d in (65, 80, 95, 110):
        add_order(s, "M0102", [("P3003", 1), ("P2004", 1)], days_ago=d)
    for d in (60, 40, 20):
        add_order(s, "M0103", [("P3006", 1), ("P2003", 1)], days_ago=d, channel="group_buy")
        add_order(s, "M0106", [("P3006", 1)], days_ago=d)
    for d in (0, 1, 2, 8, 9):
        add_order(s, None, [("P3001", 2), ("P1001", 1)], days_ago=d)
        add_order(s, "M0103", [("P3001", 1)], days_ago=d, channel="live")
    add_order(s, "M0107", [("P1001", 1)], days_ago=1)
    add_order(s, "M0101", [("P6002", 9)], days_ago=0, status="refunded")
    s.add_all(BrowseEvent(member_id="M0104", store_id="S002", sku="P2001",
                          occurred_at=ago(d, hour=9)) for d in (0, 1, 2, 3))
    s.add(CartEvent(member_id="M0105", store_id="S003", sku="P1004", qty=1, action="add",
                    occurred_at=NOW - timedelta(hours=2)))
    s.add(PointsEntry(member_id="M0101", delta=800, kind="earn", occurred_at=ago(300),
                      expires_on=AS_OF + timedelta(days=20)))


def _everything(factory: sessionmaker[Session]) -> dict[str, Any]:
    with factory() as s:
        return {
            "rfm": member_rfm(s, as_of=AS_OF),
            "counts": lifecycle_counts(s, as_of=AS_OF, store_id="S001"),
            "stage": lifecycle_stage(s, member_id="M0102", as_of=AS_OF),
            "tags": derive_tags(s, as_of=AS_OF),
            "cycles": repurchase_cycles(s, as_of=AS_OF),
            "due": due_repurchases(s, as_of=AS_OF, within_days=30, grace_days=30),
            "hot": hot_list(s, store_id="S001", as_of=AS_OF),
            "hot7": hot_list(s, store_id="S001", as_of=AS_OF, days=7),
            "rising": rising_new_products(s, store_id="S001", as_of=AS_OF),
            "triggers": all_triggers(s, now=NOW),
        }


def test_same_results_on_postgres_and_sqlite(
    factory: sessionmaker[Session], pg_engine: Engine
) -> None:
    pg_factory = make_session_factory(pg_engine)
    for target in (factory, pg_factory):
        with transaction(target) as s:
            _scenario(s)
    lite, pg = _everything(factory), _everything(pg_factory)
    for key in lite:
        assert pg[key] == lite[key], key
    # and the shared answer is the story the scenario tells
    assert {r.member_id: r.stage for r in lite["rfm"]}["M0101"] == "VIP"
    assert lite["stage"].stage == "沉睡"
    assert {t.tag for t in lite["tags"]["M0103"]} == {"有孩家庭", "价格敏感"}
    assert lite["rising"][0].sku == "P3001"
    assert {k: [h.member_id for h in v] for k, v in lite["triggers"].items()} == {
        "browsed_not_bought": ["M0104"], "abandoned_cart": ["M0105"],
        "repurchase_due": ["M0103"], "points_expiring": ["M0101"],
        "sleeping_to_wake": ["M0102"],
    }


def test_refresh_derived_tags_on_postgres(pg_engine: Engine) -> None:
    factory = make_session_factory(pg_engine)
    with transaction(factory) as s:
        _scenario(s)
        s.add(MemberTag(member_id="M0103", tag="有孩家庭", source="manual"))
        s.add(MemberTag(member_id="M0101", tag="旧标签", source="derived", evidence="旧"))
    with transaction(factory) as s:
        written = refresh_derived_tags(s, as_of=AS_OF)
    with factory() as s:
        rows = {(t.member_id, t.tag): t.source for t in s.scalars(select(MemberTag))}
    assert rows[("M0103", "有孩家庭")] == "manual"
    assert ("M0101", "旧标签") not in rows
    assert written == sum(1 for source in rows.values() if source == "derived") >= 3
