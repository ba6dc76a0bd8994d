"""Behaviour tags on hand-made purchase histories, each rule checked just above and below its line."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from store.analytics.tags import DerivedTag, derive_tags, refresh_derived_tags
from store.db import transaction
from store.models import Coupon, MemberTag, Product
from tests.test_analytics_world import AS_OF, add_member, add_order, seed_catalog

RICE = ("P3003", 1)


def _buy(s: Session, mid: str, sku: str, days: list[int], **kw: object) -> None:
    for d in days:
        add_order(s, mid, [(sku, 1)], days_ago=d, **kw)  # type: ignore[arg-type]


def _filler(s: Session, sku: str, price: str) -> None:
    s.add(Product(sku=sku, name=f"测试{sku}", category="其他", spec="1件", price=Decimal(price),
                  cost=Decimal("1"), supplier_id="SUP01", shelf_life_days=30))
    s.flush()


@pytest.fixture
def shoppers(factory: sessionmaker[Session]) -> sessionmaker[Session]:
    with transaction(factory) as s:
        seed_catalog(s)
        _filler(s, "P9901", "279.30")
        _filler(s, "P9902", "279.31")
        for n in [101, 102, 103, 104, 111, 112, 113, 131, 132, 133, 134, 141, 142, 151, 152]:
            add_member(s, f"M{n:04d}")
        add_member(s, "M0121", birth_date=date(1966, 6, 30))
        add_member(s, "M0122", birth_date=date(1940, 1, 1))  # senior, nothing bought in 180 days
        add_member(s, "M0124", birth_date=date(1966, 7, 1))
        add_member(s, "M0160", consent_profiling=False)
        add_member(s, "M0170", store_id="S002")
        # 有孩家庭: ≥ 2 purchases of P3006 / P2003 / 母婴 within the 180 days (179 in, 180 out)
        _buy(s, "M0101", "P3006", [3])
        _buy(s, "M0102", "P3006", [3, 23])
        _buy(s, "M0102", "P2003", [20])
        _buy(s, "M0103", "P3006", [179, 180])
        _buy(s, "M0104", "P3006", [178, 179])
        _buy(s, "M0104", "P3006", [1], status="refunded")
        # 健身人群
        _buy(s, "M0111", "P4001", [1, 8])
        _buy(s, "M0111", "P2002", [2, 9])
        _buy(s, "M0112", "P4001", [1, 8, 15, 22])
        _buy(s, "M0112", "P2002", [2, 9, 16])
        _buy(s, "M0113", "P2002", list(range(1, 11)))
        _buy(s, "M0113", "P3001", [5])
        # 银发族: exactly 60 today vs 59
        _buy(s, "M0121", "P3003", [5, 40])
        _buy(s, "M0121", "P2004", [6])
        _buy(s, "M0122", "P3003", [200])
        _buy(s, "M0124", "P3003", [5])
        # 价格敏感: ≥ 4 orders, ≥ 60 % deals
        add_order(s, "M0131", [RICE], days_ago=1, channel="group_buy")
        add_order(s, "M0131", [RICE], days_ago=2, channel="live")
        add_order(s, "M0131", [RICE], days_ago=3, points_used=100)
        _buy(s, "M0131", "P3003", [4, 5])
        _buy(s, "M0131", "P3003", [6], channel="group_buy", status="cancelled")
        for d in (1, 2, 3):
            add_order(s, "M0132", [RICE], days_ago=d, channel="group_buy")
        add_order(s, "M0133", [RICE], days_ago=1, channel="group_buy")
        _buy(s, "M0133", "P3003", [2, 3, 4, 5])
        for d in (1, 2, 3, 4):
            order = add_order(s, "M0134", [RICE], days_ago=d)
            if d < 4:
                s.add(Coupon(id=f"C{d}", member_id="M0134", title="满39减5", amount=Decimal("5"),
                             valid_from=AS_OF, valid_to=AS_OF, status="used",
                             used_order_id=order.id))
        # 水果爱好者: fruit exactly 30 % of spend (119.70 of 399.00) vs 29.99 %
        _buy(s, "M0141", "P1003", [1, 2, 3])
        _buy(s, "M0141", "P9901", [4])
        _buy(s, "M0142", "P1003", [1, 2, 3])
        _buy(s, "M0142", "P9902", [4])
        # 爱喝咖啡
        _buy(s, "M0151", "P3005", [10, 50])
        _buy(s, "M0152", "P3005", [10])
        # no profiling consent: nothing derived, whatever they buy
        _buy(s, "M0160", "P3006", [1, 2, 3])
        _buy(s, "M0170", "P3006", [1, 2], store_id="S002")
    return factory


def _tags(result: dict[str, list[DerivedTag]], mid: str) -> set[str]:
    return {t.tag for t in result.get(mid, [])}


def test_each_rule_at_its_boundary(shoppers: sessionmaker[Session]) -> None:
    with shoppers() as s:
        got = derive_tags(s, as_of=AS_OF)
    assert {mid: sorted(t.tag for t in tags) for mid, tags in got.items()} == {
        "M0102": ["有孩家庭"],
        "M0104": ["有孩家庭"],
        "M0112": ["健身人群"],
        "M0121": ["银发族"],
        "M0131": ["价格敏感"],
        "M0134": ["价格敏感"],
        "M0141": ["水果爱好者"],
        "M0151": ["爱喝咖啡"],
        "M0170": ["有孩家庭"],
    }


def test_evidence_is_chinese_text_with_the_numbers(shoppers: sessionmaker[Session]) -> None:
    with shoppers() as s:
        got = derive_tags(s, as_of=AS_OF)
    evidence = {(mid, t.tag): t.evidence for mid, tags in got.items() for t in tags}
    assert evidence[("M0102", "有孩家庭")] == "近180天购买婴儿有机米粉 2 次、儿童奶酪棒 1 次"
    assert evidence[("M0104", "有孩家庭")] == "近180天购买婴儿有机米粉 2 次"
    assert evidence[("M0112", "健身人群")] == "近180天购买即食鸡胸肉 4 次、低糖希腊酸奶 3 次"
    assert evidence[("M0121", "银发族")] == "60 岁，常购五常大米 2 次、散养土鸡蛋 1 次"
    assert evidence[("M0131", "价格敏感")] == "近180天 5 单中 3 单为接龙/直播价/用券/积分抵扣（60%）"
    assert evidence[("M0141", "水果爱好者")] == (
        "近180天水果消费 119.70 元，占总消费 30%；常买8424 西瓜 3 次")


def test_scope_by_member_and_store(shoppers: sessionmaker[Session]) -> None:
    with shoppers() as s:
        one = derive_tags(s, as_of=AS_OF, member_id="M0112")
        s002 = derive_tags(s, as_of=AS_OF, store_id="S002")
        earlier = derive_tags(s, as_of=date(2026, 6, 29), member_id="M0103")
    assert list(one) == ["M0112"]
    assert list(s002) == ["M0170"]
    assert _tags(earlier, "M0103") == {"有孩家庭"}  # a day earlier both purchases are in window


def test_refresh_replaces_derived_tags_and_keeps_manual_ones(
    shoppers: sessionmaker[Session],
) -> None:
    with transaction(shoppers) as s:
        s.add_all([
            MemberTag(member_id="M0102", tag="有孩家庭", source="manual", evidence=None),
            MemberTag(member_id="M0152", tag="爱喝咖啡", source="derived", evidence="旧"),
            MemberTag(member_id="M0152", tag="老顾客", source="manual"),
            MemberTag(member_id="M0170", tag="水果爱好者", source="derived", evidence="旧"),
        ])
    with transaction(shoppers) as s:
        written = refresh_derived_tags(s, as_of=AS_OF, store_id="S001")
    with shoppers() as s:
        rows = {(t.member_id, t.tag): (t.source, t.evidence) for t in s.scalars(select(MemberTag))}
    assert written == 7  # 9 derived in the chain, less M0170 (S002) and M0102's manual one
    assert rows[("M0102", "有孩家庭")] == ("manual", None)
    assert ("M0152", "爱喝咖啡") not in rows  # no longer qualifies: removed
    assert rows[("M0152", "老顾客")] == ("manual", None)
    assert rows[("M0170", "水果爱好者")] == ("derived", "旧")  # other store: untouched
    assert rows[("M0112", "健身人群")] == ("derived", "近180天购买即食鸡胸肉 4 次、低糖希腊酸奶 3 次")
    assert sum(source == "derived" for source, _ in rows.values()) == 8
