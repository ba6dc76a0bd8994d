"""The domain functions read the seeded demo store the way demo-store.md tells its story."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from store.catalog import search_products
from store.db import transaction
from store.group_buys import get_group_buy, list_group_buys, render_jielong
from store.membership import find_member
from store.models import Member, Order
from store.orders import get_order_by_pickup_code, mark_picked_up
from store.points import expiring_points, members_with_expiring_points, points_balance
from tests.conftest import DEMO_TODAY

DEC31 = date(DEMO_TODAY.year, 12, 31)


def test_li_ayi_points_story(demo_factory: sessionmaker[Session]) -> None:
    with demo_factory() as s:
        assert points_balance(s, member_id="M0001", as_of=DEMO_TODAY) == 1280
        assert expiring_points(s, member_id="M0001", as_of=DEMO_TODAY) == [(DEC31, 800)]
        assert points_balance(s, member_id="M0001", as_of=DEC31 + timedelta(days=1)) == 480
        due = members_with_expiring_points(s, as_of=DEMO_TODAY, store_id="S001")
        assert ("M0001", 800, DEC31) in due
        assert all(m_points >= 1 and expires == DEC31 for _, m_points, expires in due)
        stores = dict(s.execute(select(Member.id, Member.store_id)).all())
        assert {stores[m] for m, _, _ in due} == {"S001"}


def test_counter_lookups(demo_factory: sessionmaker[Session]) -> None:
    with demo_factory() as s:
        assert [m.id for m in find_member(s, query="138 0000 0001")] == ["M0001"]
        assert "M0001" in [m.id for m in find_member(s, query="0001", store_id="S001")]
        names = [p.name for p in search_products(s, query="蓝莓")]
        assert names[:2] == ["云南高原蓝莓", "门店现烤蓝莓松饼"]


def test_current_blueberry_jielong(demo_factory: sessionmaker[Session]) -> None:
    now = datetime.combine(DEMO_TODAY, datetime.min.time()) + timedelta(hours=12)
    with demo_factory() as s:
        open_buys = [g for g in list_group_buys(s, store_id="S001", status="open", as_of=now)
                     if g.sku == "P1001"]
        assert len(open_buys) == 1
        detail = get_group_buy(s, group_buy_id=open_buys[0].id)
        assert detail is not None and len(detail.participants) >= 21
        names = dict(s.execute(select(Member.id, Member.name)).all())
        text = render_jielong(detail.group_buy, detail.participants, names, unit="盒")
    assert "M0002" in {p.member_id for p in detail.participants}
    assert "张婷" not in text and "张*" in text
    assert text.count("\n") >= len(detail.participants)


def test_pick_up_a_waiting_demo_order(demo_copy_factory: sessionmaker[Session]) -> None:
    with demo_copy_factory() as s:
        waiting = s.scalar(
            select(Order).where(Order.store_id == "S001", Order.status.in_(("paid", "ready")),
                                Order.fulfilment == "pickup").order_by(Order.id).limit(1)
        )
        assert waiting is not None and waiting.pickup_code
        assert get_order_by_pickup_code(s, store_id="S001", code=waiting.pickup_code).id == waiting.id
    at = datetime.combine(DEMO_TODAY, datetime.min.time()) + timedelta(hours=16)
    with transaction(demo_copy_factory) as s:
        mark_picked_up(s, store_id="S001", code=waiting.pickup_code, at=at)
    with transaction(demo_copy_factory) as s:
        mark_picked_up(s, store_id="S001", code=waiting.pickup_code, at=at + timedelta(hours=1))
    with demo_copy_factory() as s:
        done = s.get(Order, waiting.id)
        assert (done.status, done.picked_up_at) == ("picked_up", at)
