"""A few domain writes on PostgreSQL (row locks, Date/Numeric types, unique keys)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from store.catalog import receive_stock, search_products
from store.db import make_session_factory, transaction
from store.errors import Conflict, NotAllowed
from store.group_buys import join_group_buy
from store.membership import find_member, register_member
from store.models import Inventory, Order, PointsEntry
from store.orders import create_order, mark_picked_up
from store.points import earn_points, members_with_expiring_points, points_balance, redeem_points
from tests.test_domain_seed import NOW, seed_small_store


@pytest.fixture
def pg(pg_engine: Engine) -> sessionmaker[Session]:
    factory = make_session_factory(pg_engine)
    with transaction(factory) as s:
        seed_small_store(s)
    return factory


def test_points_on_postgres(pg: sessionmaker[Session]) -> None:
    with transaction(pg) as s:
        earn_points(s, member_id="M0001", points=800, occurred_at=datetime(2025, 6, 1, 10, 0))
        earn_points(s, member_id="M0001", points=480, occurred_at=datetime(2026, 5, 2, 18, 0))
        rows = redeem_points(s, member_id="M0001", points=900, occurred_at=datetime(2026, 12, 1))
    assert [r.delta for r in rows] == [-800, -100]
    with pytest.raises(NotAllowed), transaction(pg) as s:
        redeem_points(s, member_id="M0001", points=381, occurred_at=datetime(2026, 12, 2))
    with pg() as s:
        assert points_balance(s, member_id="M0001", as_of=date(2027, 1, 1)) == 380
        assert s.scalar(select(func.count()).select_from(PointsEntry)) == 4
        assert members_with_expiring_points(s, as_of=date(2027, 12, 1), store_id="S001") == [
            ("M0001", 380, date(2027, 12, 31))
        ]


def test_orders_and_group_buy_on_postgres(pg: sessionmaker[Session]) -> None:
    with transaction(pg) as s:
        order = create_order(s, store_id="S001", member_id="M0001", channel="mini_program",
                             fulfilment="pickup", lines=[("P2002", 2), ("P1001", 1)],
                             created_at=NOW, idempotency_key="pg-1")
    with transaction(pg) as s:
        same = create_order(s, store_id="S001", member_id="M0001", channel="mini_program",
                            fulfilment="pickup", lines=[("P2002", 9)], created_at=NOW,
                            idempotency_key="pg-1")
        assert same.id == order.id
        joined = join_group_buy(s, group_buy_id="GB-S001-BLUEBERRY", member_id="M0002", qty=3,
                                at=NOW, idempotency_key="pg-gb-1")
    with transaction(pg) as s:
        join_group_buy(s, group_buy_id="GB-S001-BLUEBERRY", member_id="M0002", qty=1,
                       at=NOW + timedelta(minutes=1))
        mark_picked_up(s, store_id="S001", code=order.pickup_code or "", at=NOW + timedelta(hours=3))
    with pg() as s:
        stored = s.get(Order, order.id)
        assert (stored.total, stored.status) == (Decimal("46.53"), "picked_up")
        gb_order = s.get(Order, joined.order.id)
        assert (gb_order.subtotal, gb_order.total) == (Decimal("19.90"), Decimal("16.90"))
        assert s.scalar(select(func.count()).select_from(Order)) == 2


def test_members_and_stock_on_postgres(pg: sessionmaker[Session]) -> None:
    with transaction(pg) as s:
        member = register_member(s, name="周静", phone="13800000007", store_id="S001",
                                 registered_at=NOW)
        receive_stock(s, store_id="S001", sku="P1002", qty=6, at=NOW)
    assert member.id == "M0010"
    with pytest.raises(Conflict), transaction(pg) as s:
        register_member(s, name="周静", phone="+86 13800000007", store_id="S002", registered_at=NOW)
    with pg() as s:
        assert [m.id for m in find_member(s, query="0007", store_id="S001")] == ["M0010"]
        assert s.get(Inventory, ("S001", "P1002")).on_hand == 9
        assert [p.sku for p in search_products(s, query="MUFFIN")] == ["P6003"]
        assert [p.sku for p in search_products(s, query="蓝莓")] == ["P1001", "P6003"]
