"""A small, realistic dataset for the domain tests, plus a check that it is what the tests assume.

Other ``test_domain_*`` modules import :func:`seed_small_store` and build their own fixture on it
(conftest.py belongs to another team).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from store.db import transaction
from store.models import (
    GroupBuy,
    Inventory,
    Member,
    MemberTag,
    Product,
    Store,
    Supplier,
)

#: "Now" of the small dataset.
NOW = datetime(2026, 7, 15, 10, 0)


def _product(
    sku: str, name: str, price: str, category: str, aliases: str = "", **extra: object
) -> Product:
    fields: dict[str, object] = {"spec": "1件", "unit": "件", "shelf_life_days": 7, **extra}
    return Product(
        sku=sku, name=name, aliases=aliases, category=category, price=Decimal(price),
        cost=Decimal(price) / 2, supplier_id="SUP01", **fields,
    )


def seed_small_store(session: Session) -> None:
    """Two stores, six products, six members, inventory and one open blueberry group buy."""
    session.add_all([
        Store(id="S001", name="邻里优选·翠苑店", city="杭州", address="杭州市西湖区翠苑街道"),
        Store(id="S002", name="邻里优选·文三店", city="杭州", address="杭州市西湖区文三路"),
        Supplier(id="SUP01", name="云南高原鲜果供应链有限公司", lead_time_days=2),
    ])
    session.flush()
    session.add_all([
        _product("P1001", "云南高原蓝莓", "19.9", "水果", "蓝莓,高原蓝莓",
                 live_price=Decimal("29.9"), live_bundle_qty=2, unit="盒"),
        _product("P1002", "山东玉菇甜瓜", "25.8", "水果", "甜瓜,玉菇"),
        _product("P2002", "低糖希腊酸奶", "15.9", "乳品", "希腊酸奶,酸奶"),
        _product("P3006", "婴儿有机米粉", "58.0", "母婴", "米粉,婴儿米粉"),
        _product("P6003", "门店现烤蓝莓松饼", "18.0", "烘焙", "蓝莓松饼,松饼,Muffin"),
        _product("P9001", "停售芒果", "9.9", "水果", "芒果", active=False),
    ])
    members = [
        ("M0001", "80001", "李秀英", "13800000001", "S001", "gold"),
        ("M0002", "80002", "张婷", "13800000002", "S001", "silver"),
        ("M0003", "80003", "刘洋", "13800000003", "S001", "regular"),
        # Same last four digits as M0001, same store: a last-4 lookup returns both.
        ("M0009", "80009", "陈晓", "13900000001", "S001", "regular"),
        # Same last four digits as M0002, other store.
        ("M0005", "80005", "赵敏", "13700000002", "S002", "regular"),
        ("M0006", "80006", "孙浩", "13800000006", "S002", "silver"),
    ]
    session.add_all([
        Member(id=mid, code=code, name=name, phone=phone, store_id=store, level=level,
               registered_at=datetime(2025, 3, 1, 9, 0))
        for mid, code, name, phone, store, level in members
    ])
    session.flush()
    session.add_all([
        MemberTag(member_id="M0001", tag="银发族", source="manual"),
        MemberTag(member_id="M0001", tag="爱买水果", source="derived", evidence="近 90 天 12 单水果"),
        MemberTag(member_id="M0002", tag="有孩家庭", source="manual"),
        Inventory(store_id="S001", sku="P1001", on_hand=40, on_order=0, lead_time_days=2, updated_at=NOW),
        Inventory(store_id="S001", sku="P1002", on_hand=3, on_order=0, lead_time_days=2, updated_at=NOW),
        Inventory(store_id="S001", sku="P2002", on_hand=2, on_order=24, lead_time_days=1, updated_at=NOW),
        Inventory(store_id="S002", sku="P1001", on_hand=0, on_order=0, lead_time_days=2, updated_at=NOW),
        GroupBuy(id="GB-S001-BLUEBERRY", store_id="S001", sku="P1001", title="云南高原蓝莓接龙",
                 price=Decimal("16.9"), created_at=datetime(2026, 7, 14, 9, 0),
                 cutoff_at=datetime(2026, 7, 15, 22, 0), pickup_start=datetime(2026, 7, 16, 15, 0),
                 pickup_end=datetime(2026, 7, 16, 21, 0), status="open"),
    ])
    session.flush()


def test_seed_builds_the_expected_rows(factory: sessionmaker[Session]) -> None:
    with transaction(factory) as s:
        seed_small_store(s)
    with factory() as s:
        assert s.scalar(select(func.count()).select_from(Member)) == 6
        assert s.scalar(select(func.count()).select_from(Product)) == 6
        assert s.get(Product, "P1001").price == Decimal("19.90")
        assert s.get(GroupBuy, "GB-S001-BLUEBERRY").status == "open"
