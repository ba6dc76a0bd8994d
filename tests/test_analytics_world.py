"""Builders of small hand-made data for the analytics tests, and a check that they build it right.

The other ``test_analytics_*`` modules import these builders (conftest.py belongs to another team)
and make their own fixture on the empty migrated database of ``factory``.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from store.db import transaction
from store.demo.canonical import PRODUCTS, STORES, SUPPLIERS
from store.models import Member, Order, OrderLine, Product, Store, Supplier

#: The evaluation day of the hand-made data.
AS_OF = date(2026, 6, 30)
#: "Now" on that day.
NOW = datetime.combine(AS_OF, time(18, 0))

_order_numbers = itertools.count(1)


def ago(days: int, hour: int = 10) -> datetime:
    """A moment ``days`` calendar days before :data:`AS_OF`, at ``hour`` o'clock."""
    return datetime.combine(AS_OF - timedelta(days=days), time(hour, 0))


def seed_catalog(session: Session) -> None:
    """The three canonical stores, their suppliers and the 25 canonical products."""
    session.add_all(Store(id=s.id, name=s.name, city="杭州", address=s.address) for s in STORES)
    session.add_all(Supplier(id=i, name=n, lead_time_days=d) for i, n, d in SUPPLIERS)
    session.flush()
    session.add_all(
        Product(
            sku=p.sku, name=p.name, category=p.category, spec=p.spec, unit=p.unit, price=p.price,
            live_price=p.live_price, live_bundle_qty=p.live_bundle_qty, cost=p.cost,
            supplier_id=p.supplier_id, shelf_life_days=p.shelf_life_days,
            cold_chain=p.cold_chain, case_pack=p.case_pack, is_new=False,
        )
        for p in PRODUCTS
    )
    session.flush()


def add_member(
    session: Session,
    member_id: str,
    *,
    store_id: str = "S001",
    registered_days_ago: int = 400,
    level: str = "regular",
    birth_date: date | None = None,
    consent_marketing: bool = True,
    consent_profiling: bool = True,
    name: str | None = None,
) -> Member:
    """A member registered ``registered_days_ago`` days before :data:`AS_OF`."""
    n = int(member_id[1:])
    member = Member(
        id=member_id, code=f"9{n:05d}", name=name or f"会员{n}", phone=f"1390000{n:04d}",
        store_id=store_id, registered_at=ago(registered_days_ago, hour=9), level=level,
        birth_date=birth_date, consent_marketing=consent_marketing,
        consent_profiling=consent_profiling,
    )
    session.add(member)
    session.flush()
    return member


def add_order(
    session: Session,
    member_id: str | None,
    lines: Sequence[tuple[str, int]],
    *,
    days_ago: int = 0,
    at: datetime | None = None,
    store_id: str = "S001",
    status: str = "completed",
    channel: str = "pos",
    total: Decimal | None = None,
    points_used: int = 0,
) -> Order:
    """An order of ``lines`` (sku, qty) at shelf prices; ``total`` defaults to the subtotal."""
    created = at or ago(days_ago)
    order = Order(
        id=f"SO{next(_order_numbers):012d}", store_id=store_id, member_id=member_id,
        channel=channel, fulfilment="pickup", status=status, created_at=created,
        subtotal=Decimal("0"), total=Decimal("0"), points_used=points_used,
    )
    session.add(order)
    session.flush()
    subtotal = Decimal("0")
    for sku, qty in lines:
        price = session.get(Product, sku).price  # type: ignore[union-attr]
        session.add(OrderLine(order_id=order.id, sku=sku, qty=qty, unit_price=price,
                              amount=price * qty))
        subtotal += price * qty
    order.subtotal = subtotal
    order.total = subtotal if total is None else total
    session.flush()
    return order


def test_builders_write_rows_the_tests_rely_on(factory: sessionmaker[Session]) -> None:
    with transaction(factory) as s:
        seed_catalog(s)
        add_member(s, "M0100", registered_days_ago=31)
        add_order(s, "M0100", [("P3006", 2), ("P2003", 1)], days_ago=3, total=Decimal("150"))
    with factory() as s:
        assert s.scalar(select(func.count()).select_from(Product)) == 25
        member = s.get(Member, "M0100")
        assert member is not None and member.registered_at == datetime(2026, 5, 30, 9, 0)
        order = s.scalars(select(Order)).one()
        assert order.created_at == datetime(2026, 6, 27, 10, 0)
        assert order.subtotal == Decimal("155.90") and order.total == Decimal("150.00")
        assert sorted(s.scalars(select(OrderLine.amount))) == [Decimal("39.90"), Decimal("116.00")]
