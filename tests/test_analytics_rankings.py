"""Hot list and rising new products on hand-made sales of one store."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy.orm import Session, sessionmaker

from store.analytics.rankings import hot_list, rising_new_products
from store.db import transaction
from store.errors import InvalidInput
from store.models import Product
from tests.test_analytics_world import AS_OF, add_member, add_order, seed_catalog


@pytest.fixture
def sales(factory: sessionmaker[Session]) -> sessionmaker[Session]:
    with transaction(factory) as s:
        seed_catalog(s)
        for n in (101, 102, 103):
            add_member(s, f"M{n:04d}")
        # today: blueberries 10, rice 5 (299.50), yoghurt 5 (79.50); yesterday: yoghurt 8, blueberries 3
        add_order(s, None, [("P1001", 6), ("P2002", 5)], days_ago=0)
        add_order(s, "M0101", [("P1001", 4), ("P3003", 5)], days_ago=0)
        add_order(s, None, [("P6002", 50)], days_ago=0, status="cancelled")
        add_order(s, None, [("P6002", 50)], days_ago=0, store_id="S002")
        add_order(s, None, [("P2002", 8), ("P1001", 3)], days_ago=1)
        add_order(s, None, [("P3002", 1)], days_ago=1)
        # rising: P3001 flagged new; P3004 launched 59 days ago; P3005 first sold 50 days ago
        p3001, p3004, p3002 = (s.get_one(Product, k) for k in ("P3001", "P3004", "P3002"))
        p3001.is_new = True
        s.get_one(Product, "P6001").is_new = True  # 4 vs 1 units: growth 3, clipped to 2
        s.get_one(Product, "P6003").is_new = True  # flagged new but not sold in 14 days
        add_order(s, None, [("P6001", 4)], days_ago=2)
        add_order(s, None, [("P6001", 1)], days_ago=8)
        add_order(s, None, [("P6003", 3)], days_ago=14)
        p3004.launched_on = AS_OF - timedelta(days=59)
        p3002.launched_on = AS_OF - timedelta(days=60)  # 60 days ago: no longer new
        for mid, days in [("M0101", 1), ("M0101", 3), ("M0101", 5), ("M0102", 2),
                          ("M0103", 8), ("M0103", 10)]:
            add_order(s, mid, [("P3001", 2 if days < 7 else 1)], days_ago=days)
        add_order(s, None, [("P3001", 1)], days_ago=9)
        add_order(s, None, [("P3004", 1)], days_ago=4)
        add_order(s, "M0101", [("P3005", 1)], days_ago=50)
        add_order(s, "M0102", [("P3005", 2)], days_ago=2)
        add_order(s, "M0103", [("P3005", 2)], days_ago=9)
        add_order(s, None, [("P1003", 1)], days_ago=100)  # old product selling well now
        add_order(s, None, [("P1003", 9)], days_ago=2)
        add_order(s, None, [("P3002", 5)], days_ago=3)
        add_order(s, None, [("P3002", 1)], days_ago=70)
        add_order(s, None, [("P1001", 1), ("P2002", 1), ("P3003", 1)], days_ago=200)
    return factory


def test_hot_list_today_with_rank_change(sales: sessionmaker[Session]) -> None:
    with sales() as s:
        today = hot_list(s, store_id="S001", as_of=AS_OF, days=1, limit=3)
    assert [(h.rank, h.sku, h.units, h.sales, h.prev_rank, h.trend) for h in today] == [
        (1, "P1001", 10, Decimal("199.00"), 2, "↑1"),
        (2, "P3003", 5, Decimal("299.50"), None, "新上榜"),
        (3, "P2002", 5, Decimal("79.50"), 1, "↓2"),
    ]
    assert today[0].orders == 2 and today[0].rank_change == 1 and today[2].rank_change == -2
    assert today[0].name == "云南高原蓝莓"


def test_hot_list_of_the_week_and_other_store(sales: sessionmaker[Session]) -> None:
    with sales() as s:
        week = hot_list(s, store_id="S001", as_of=AS_OF, days=7)
        other = hot_list(s, store_id="S002", as_of=AS_OF)
        with pytest.raises(InvalidInput):
            hot_list(s, store_id="S001", as_of=AS_OF, days=0)
    units = {h.sku: h.units for h in week}
    assert units["P1001"] == 13 and units["P3001"] == 8 and units["P3002"] == 6
    assert all(h.rank == i for i, h in enumerate(week, start=1))
    assert [h.sku for h in week][:3] == ["P1001", "P2002", "P1003"]  # 13 units tie: sales decide
    p3005 = next(h for h in week if h.sku == "P3005")
    assert (p3005.rank, p3005.units, p3005.prev_rank, p3005.trend) == (8, 2, 2, "↓6")
    assert [(h.sku, h.units) for h in other] == [("P6002", 50)]


def test_rising_new_products_scores(sales: sessionmaker[Session]) -> None:
    with sales() as s:
        rising = rising_new_products(s, store_id="S001", as_of=AS_OF)
        top2 = rising_new_products(s, store_id="S001", as_of=AS_OF, limit=2)
    assert [(r.sku, r.score) for r in rising] == [
        ("P3001", 0.75),  # 8 vs 3 units: growth 5/3 -> .417; 2 of 3 buyers repeat -> .333
        ("P6001", 0.5),  # growth clipped to 2 -> .5; no member buyers
        ("P3004", 0.25),  # 1 vs 0 units: growth 1 -> .25; no member buyers
        ("P3005", 0.0),  # 2 vs 2 units: growth 0; 3 buyers, none with two orders
    ]
    assert [r.sku for r in top2] == ["P3001", "P6001"] and rising[1].growth == 2.0
    oats = rising[0]
    assert (oats.units_this_week, oats.units_last_week) == (8, 3)
    assert (oats.buyers, oats.repeat_buyers) == (3, 2)
    assert oats.name == "无蔗糖燕麦片（新品）"
    assert oats.reason == "本周售出 8 袋（上周 3 袋，+167%）；近60天 3 位会员购买，2 位复购（67%）"
    assert rising[2].reason == "本周售出 1 瓶（上周未售）；近60天 0 位会员购买"
