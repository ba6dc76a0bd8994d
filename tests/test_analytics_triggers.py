"""Marketing triggers on hand-made browsing, carts, purchases and points, with consent respected."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy.orm import Session, sessionmaker

from store.analytics.triggers import (
    TRIGGERS,
    abandoned_carts,
    all_triggers,
    browsed_not_bought,
    points_expiring,
    repurchase_due,
    sleeping_to_wake,
)
from store.db import transaction
from store.models import BrowseEvent, CartEvent, PointsEntry
from tests.test_analytics_world import AS_OF, NOW, add_member, add_order, ago, seed_catalog

NO_CONSENT = {"M0108", "M0132", "M0142", "M0152", "M0121"}


def _browse(s: Session, mid: str, days: list[int], sku: str = "P2001", store: str = "S001") -> None:
    s.add_all(BrowseEvent(member_id=mid, store_id=store, sku=sku, occurred_at=ago(d, hour=9))
              for d in days)


def _cart(s: Session, mid: str, action: str, at: datetime, sku: str = "P1004",
          order_id: str | None = None) -> None:
    s.add(CartEvent(member_id=mid, store_id="S001", sku=sku, qty=2 if sku == "P1004" else 1,
                    action=action, occurred_at=at, order_id=order_id))


@pytest.fixture
def behaviour(factory: sessionmaker[Session]) -> sessionmaker[Session]:
    with transaction(factory) as s:
        seed_catalog(s)
        for n in [*range(101, 110), *range(111, 122), 131, 132, 141, 142, 151, 152, 153]:
            mid = f"M{n:04d}"
            add_member(s, mid, name=f"顾客{n}", consent_marketing=mid not in NO_CONSENT)
        add_member(s, "M0201", store_id="S002")
        # browsed, not bought: the window is today and the 6 days before it
        _browse(s, "M0101", list(range(7)))
        _browse(s, "M0101", [1, 2, 3], sku="P1001")
        _browse(s, "M0102", [0, 0, 3, 6])
        _browse(s, "M0103", [1, 1, 2, 2])
        _browse(s, "M0104", [1, 2, 7])
        for mid in ("M0105", "M0106", "M0107", "M0108", "M0201"):
            _browse(s, mid, [1, 2, 3], store="S002" if mid == "M0201" else "S001")
        add_order(s, "M0105", [("P2001", 1)], days_ago=2)
        add_order(s, "M0106", [("P2001", 1)], days_ago=10)
        add_order(s, "M0107", [("P2001", 1)], days_ago=2, status="cancelled")
        _browse(s, "M0109", [1, 2])
        s.add(BrowseEvent(member_id="M0109", store_id="S001", sku="P2001",
                          occurred_at=NOW + timedelta(hours=2)))  # after now: not seen yet
        # abandoned carts
        _cart(s, "M0111", "add", NOW - timedelta(minutes=62))
        _cart(s, "M0112", "add", NOW - timedelta(minutes=59))
        _cart(s, "M0113", "add", NOW - timedelta(days=3))
        _cart(s, "M0114", "add", NOW - timedelta(days=3, minutes=1))
        _cart(s, "M0115", "add", NOW - timedelta(hours=5))
        _cart(s, "M0115", "remove", NOW - timedelta(hours=4))
        paid = add_order(s, "M0116", [("P1004", 2)], at=NOW - timedelta(hours=4), channel="mini_program")
        _cart(s, "M0116", "add", NOW - timedelta(hours=5))
        _cart(s, "M0116", "checkout", NOW - timedelta(hours=4), order_id=paid.id)
        unpaid = add_order(s, "M0117", [("P1004", 2)], at=NOW - timedelta(hours=4),
                           status="pending", channel="mini_program")
        _cart(s, "M0117", "add", NOW - timedelta(hours=5))
        _cart(s, "M0117", "checkout", NOW - timedelta(hours=4), order_id=unpaid.id)
        _cart(s, "M0118", "add", NOW - timedelta(hours=5))
        add_order(s, "M0118", [("P1004", 1)], at=NOW - timedelta(hours=3))
        _cart(s, "M0119", "add", NOW - timedelta(hours=5))
        _cart(s, "M0119", "add", NOW - timedelta(hours=2))
        _cart(s, "M0120", "add", NOW - timedelta(hours=2), sku="P1001")
        _cart(s, "M0120", "add", NOW - timedelta(hours=26), sku="P2001")
        _cart(s, "M0121", "add", NOW - timedelta(hours=2))
        # repurchase due today
        for mid in ("M0131", "M0132"):
            for d in (60, 40, 20):
                add_order(s, mid, [("P3006", 1)], days_ago=d)
        # points: 800 expiring on 31 Dec 2026
        for mid in ("M0141", "M0142"):
            s.add(PointsEntry(member_id=mid, delta=800, kind="earn", occurred_at=ago(400),
                              expires_on=date(2026, 12, 31)))
        # sleeping: last purchase 65 days ago
        for mid in ("M0151", "M0152"):
            for d in (65, 80, 95, 110, 125):
                add_order(s, mid, [("P2004", 1)] + ([("P3003", 1)] if d < 100 else []),
                          days_ago=d)
        add_order(s, "M0151", [("P2001", 1)], days_ago=300)
        add_order(s, "M0153", [("P3003", 1)], days_ago=30)
    return factory


def test_browsed_not_bought(behaviour: sessionmaker[Session]) -> None:
    with behaviour() as s:
        hits = browsed_not_bought(s, now=NOW, store_id="S001")
        chain = browsed_not_bought(s, now=NOW)
        strict = browsed_not_bought(s, now=NOW, min_days=4)
    assert [(h.member_id, h.skus) for h in hits] == [
        ("M0101", ("P2001", "P1001")), ("M0102", ("P2001",)), ("M0106", ("P2001",)),
        ("M0107", ("P2001",)),
    ]
    first = hits[0]
    assert (first.trigger, first.label, first.member_name) == ("browsed_not_bought", "浏览未购",
                                                               "顾客101")
    assert first.reason == "近7天浏览有机纯牛奶 7 天、云南高原蓝莓 3 天，一直没有下单"
    assert first.numbers["days_browsed"] == {"P2001": 7, "P1001": 3}
    assert {h.member_id for h in chain} == {"M0101", "M0102", "M0106", "M0107", "M0201"}
    assert [h.member_id for h in strict] == ["M0101"]


def test_abandoned_carts(behaviour: sessionmaker[Session]) -> None:
    with behaviour() as s:
        hits = abandoned_carts(s, now=NOW)
        younger = abandoned_carts(s, now=NOW, min_age=timedelta(minutes=30))
    by = {h.member_id: h for h in hits}
    assert sorted(by) == ["M0111", "M0113", "M0117", "M0119", "M0120"]
    assert by["M0111"].reason == "购物车里有阳光玫瑰葡萄×2（1 小时前加购），还没有付款"
    assert by["M0111"].numbers["minutes_since_add"] == {"P1004": 62}
    assert by["M0119"].numbers["minutes_since_add"] == {"P1004": 120}
    assert by["M0120"].skus == ("P1001", "P2001")
    assert by["M0120"].reason == (
        "购物车里有云南高原蓝莓×1（2 小时前加购）、有机纯牛奶×1（1 天前加购），还没有付款")
    assert "M0112" in {h.member_id for h in younger}


def test_repurchase_due_respects_consent(behaviour: sessionmaker[Session]) -> None:
    with behaviour() as s:
        hits = repurchase_due(s, now=NOW)
    assert [(h.member_id, h.skus) for h in hits] == [("M0131", ("P3006",))]
    assert hits[0].reason.startswith("约每 20 天买一次婴儿有机米粉")
    assert hits[0].numbers == {"cycle_days": {"P3006": 20.0}, "days_until": {"P3006": 0}}


def test_points_expiring_near_the_end_of_the_year(behaviour: sessionmaker[Session]) -> None:
    with behaviour() as s:
        december = points_expiring(s, now=datetime(2026, 12, 10, 10, 0))
        november = points_expiring(s, now=datetime(2026, 11, 30, 10, 0))
    assert [(h.member_id, h.numbers["points"], h.numbers["days_left"]) for h in december] == [
        ("M0141", 800, 21)]
    assert december[0].reason == "800 积分将于 12月31日 到期（还剩 21 天），可抵 8 元"
    assert november == []  # 31 days ahead: outside the 30-day window


def test_sleeping_to_wake_with_favourites(behaviour: sessionmaker[Session]) -> None:
    with behaviour() as s:
        hits = sleeping_to_wake(s, now=NOW)
    assert [(h.member_id, h.skus) for h in hits] == [("M0151", ("P2004", "P3003", "P2001"))]
    assert hits[0].reason == (
        "已 65 天未消费（上次 4月26日），过去一年常买散养土鸡蛋 5 次、五常大米 3 次、有机纯牛奶 1 次")
    assert hits[0].numbers["recency_days"] == 65


def test_all_triggers(behaviour: sessionmaker[Session]) -> None:
    with behaviour() as s:
        everything = all_triggers(s, now=NOW, store_id="S001")
    assert list(everything) == list(TRIGGERS)
    assert {k: len(v) for k, v in everything.items()} == {
        "browsed_not_bought": 4, "abandoned_cart": 5, "repurchase_due": 1,
        "points_expiring": 0, "sleeping_to_wake": 1,
    }
    members = {h.member_id for hits in everything.values() for h in hits}
    assert not members & NO_CONSENT
    assert NOW.date() == AS_OF
