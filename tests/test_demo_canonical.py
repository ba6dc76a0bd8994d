"""The canonical entities of shared/demo-store.md are in the database exactly as stated."""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select

from store.models import (
    GroupBuy,
    GroupBuyParticipant,
    LiveStream,
    Member,
    Order,
    Product,
    Staff,
    Store,
)
from store.points import expiring_points, points_balance
from tests.conftest import DEMO_TODAY

DEMO_DOC = Path(__file__).resolve().parents[2] / "shared" / "demo-store.md"


def _doc_table(heading: str) -> list[list[str]]:
    if not DEMO_DOC.exists():
        pytest.skip(f"{DEMO_DOC} not found (the shared folder sits beside the checkout)")
    text = DEMO_DOC.read_text(encoding="utf-8")
    section = text.split(heading, 1)[1]
    rows = []
    for line in section.splitlines()[1:]:
        if line.startswith("## "):
            break
        if line.startswith("|") and not line.startswith("| ---") and not line.startswith("| id") \
                and not line.startswith("| sku"):
            rows.append([c.strip() for c in line.strip().strip("|").split("|")])
    return rows


def test_products_match_the_document(demo_factory):
    rows = _doc_table("## Products")
    assert len(rows) == 25
    with demo_factory() as s:
        products = {p.sku: p for p in s.scalars(select(Product))}
    assert set(products) == {r[0] for r in rows}
    for sku, name, spec, price, facts in rows:
        p = products[sku]
        assert p.name == name
        assert p.spec == spec
        assert p.price == Decimal(price.split(" ")[0])
        if facts != "—":
            assert p.facts == facts
    blueberry = products["P1001"]
    assert (blueberry.live_bundle_qty, blueberry.live_price) == (2, Decimal("29.9"))
    assert products["P3001"].is_new


def test_stores_and_staff_match_the_document(demo_factory):
    rows = _doc_table("## Stores")
    with demo_factory() as s:
        stores = {st.id: st for st in s.scalars(select(Store))}
        staff = list(s.scalars(select(Staff)))
    assert set(stores) == {"S001", "S002", "S003"}
    for sid, name, owner, clerks in rows:
        store = stores[sid]
        assert name == f"{store.name} ({store.address})"
        owner_row = next(x for x in staff if x.id == store.owner_id)
        assert owner_row.role == "owner" and owner_row.store_id == sid
        assert owner.startswith(owner_row.name)
        if owner_row.nickname:
            assert f"({owner_row.nickname})" in owner
        store_clerks = {x.name for x in staff if x.store_id == sid and x.role == "clerk"}
        assert store_clerks == {c.strip() for c in clerks.split(",")}


def test_members_match_the_document(demo_factory):
    rows = _doc_table("## Members")
    with demo_factory() as s:
        members = {m.id: m for m in s.scalars(select(Member).where(Member.id.in_([r[0] for r in rows])))}
        total = s.scalar(select(func.count()).select_from(Member))
    assert 1900 <= total <= 2100
    for mid, name, store, who in rows:
        m = members[mid]
        assert name.startswith(m.name) and m.store_id == store
        if m.nickname:
            assert f"({m.nickname})" in name
        age = re.match(r"(\d+) 岁", who)
        if age:
            years = (DEMO_TODAY - m.birth_date).days // 365.25
            assert years == int(age.group(1))
        assert re.fullmatch(r"1380000\d{4}", m.phone)
    assert members["M0001"].level == "gold"
    assert members["M0002"].level == "silver"


def _last_order_day(s, member_id: str) -> date:
    return s.scalar(select(func.max(Order.created_at)).where(
        Order.member_id == member_id, Order.status.not_in(("cancelled", "refunded")))).date()


def test_member_stories(demo_factory):
    with demo_factory() as s:
        assert _last_order_day(s, "M0001") == DEMO_TODAY - timedelta(days=3)
        assert points_balance(s, member_id="M0001", as_of=DEMO_TODAY) == 1280
        expiring = dict(expiring_points(s, member_id="M0001", as_of=DEMO_TODAY, within_days=400))
        assert expiring[date(DEMO_TODAY.year, 12, 31)] == 800
        assert _last_order_day(s, "M0004") == DEMO_TODAY - timedelta(days=65)
        m5 = s.get(Member, "M0005")
        assert m5.registered_at.date() == DEMO_TODAY - timedelta(days=5)
        assert s.scalar(select(func.count()).select_from(Order).where(Order.member_id == "M0005")) == 1
        assert _last_order_day(s, "M0006") == DEMO_TODAY - timedelta(days=200)
        yogurt_weeks = s.scalar(
            select(func.count()).select_from(Order).where(Order.member_id == "M0001")
        ) / 52
        assert 1.7 <= yogurt_weeks <= 2.3  # about twice a week


def test_current_blueberry_group_buy_and_tonights_live(demo_factory):
    with demo_factory() as s:
        gb = s.scalars(select(GroupBuy).where(GroupBuy.status == "open")).one()
        assert (gb.store_id, gb.sku) == ("S001", "P1001")
        assert gb.cutoff_at.date() == DEMO_TODAY and gb.cutoff_at.hour == 22
        assert gb.pickup_start.date() == DEMO_TODAY + timedelta(days=1)
        assert (gb.pickup_start.hour, gb.pickup_end.hour) == (15, 21)
        people = list(s.scalars(select(GroupBuyParticipant).where(GroupBuyParticipant.group_buy_id == gb.id)))
        assert 20 < len(people) < 30  # 二十多位
        assert "M0002" in {p.member_id for p in people}
        codes = [s.get(Order, p.order_id).pickup_code for p in people]
        assert all(c and len(c) == 6 for c in codes) and len(set(codes)) == len(codes)
        live = s.scalars(select(LiveStream).where(LiveStream.status == "planned")).one()
        assert live.store_id == "S001" and live.starts_at.date() == DEMO_TODAY and live.starts_at.hour == 20
