"""Repurchase cycles and due reminders on hand-made purchase days."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy.orm import Session, sessionmaker

from store.analytics.repurchase import due_repurchases, repurchase_cycles
from store.db import transaction
from tests.test_analytics_world import AS_OF, add_member, add_order, seed_catalog


def _buy(s: Session, mid: str, sku: str, days: list[int], **kw: object) -> None:
    for d in days:
        add_order(s, mid, [(sku, 1)], days_ago=d, **kw)  # type: ignore[arg-type]


@pytest.fixture
def habits(factory: sessionmaker[Session]) -> sessionmaker[Session]:
    with transaction(factory) as s:
        seed_catalog(s)
        for n in (101, 102, 103, 104, 105, 106, 107, 108, 109, 111, 112, 113, 114):
            add_member(s, f"M{n:04d}", name=f"顾客{n}")
        add_member(s, "M0201", store_id="S002")
        _buy(s, "M0101", "P3006", [60, 40, 20])  # every 20 days, due today
        _buy(s, "M0101", "P3006", [10], status="refunded")
        _buy(s, "M0102", "P3006", [40, 20])  # two purchase days: no cycle
        _buy(s, "M0103", "P2002", [30, 30, 20])  # same day twice counts once: two days
        _buy(s, "M0104", "P4001", [100, 90, 80, 30])  # gaps 10, 10, 50: median 10
        _buy(s, "M0105", "P1001", [30, 10])  # fruit as a category: 30, 20, 10
        _buy(s, "M0105", "P1002", [20])
        _buy(s, "M0106", "P3005", [41, 31, 20])  # gaps 10, 11: median 10.5 -> 11 days
        _buy(s, "M0107", "P3003", [400, 380, 20])  # two of them older than 365 days
        _buy(s, "M0108", "P2002", [9, 6, 3])  # every 3 days: too short to remind, due today
        _buy(s, "M0109", "P2001", [21, 14, 7])  # every 7 days: long enough, due today
        for mid, last in [("M0111", 3), ("M0112", 2), ("M0113", 13), ("M0114", 14)]:
            _buy(s, mid, "P2004", [last + 20, last + 10, last])  # cycle 10: due in 10 - last
        _buy(s, "M0201", "P3006", [30, 20, 10], store_id="S002")
    return factory


def test_cycles_per_sku_and_category(habits: sessionmaker[Session]) -> None:
    with habits() as s:
        cycles = repurchase_cycles(s, as_of=AS_OF)
    got = {(c.member_id, c.level, c.key): c for c in cycles}
    assert {(m, lvl, k) for m, lvl, k in got if m <= "M0107"} == {
        ("M0101", "sku", "P3006"), ("M0101", "category", "母婴"),
        ("M0104", "sku", "P4001"), ("M0104", "category", "肉禽"),
        ("M0105", "category", "水果"),
        ("M0106", "sku", "P3005"), ("M0106", "category", "冲饮"),
    }
    rice_cereal = got[("M0101", "sku", "P3006")]
    assert (rice_cereal.cycle_days, rice_cereal.purchase_days) == (20.0, 3)
    assert rice_cereal.last_purchase_on == date(2026, 6, 10)
    assert rice_cereal.next_expected_on == AS_OF
    assert rice_cereal.label == "婴儿有机米粉"
    assert got[("M0104", "sku", "P4001")].cycle_days == 10.0
    assert got[("M0105", "category", "水果")].cycle_days == 10.0
    coffee = got[("M0106", "sku", "P3005")]
    assert coffee.cycle_days == 10.5
    assert coffee.next_expected_on == AS_OF - timedelta(days=20) + timedelta(days=11)


def test_cycles_scope(habits: sessionmaker[Session]) -> None:
    with habits() as s:
        mine = repurchase_cycles(s, as_of=AS_OF, member_id="M0101")
        s002 = repurchase_cycles(s, as_of=AS_OF, store_id="S002")
        before = repurchase_cycles(s, as_of=AS_OF - timedelta(days=21), member_id="M0101")
    assert [(c.level, c.key) for c in mine] == [("sku", "P3006"), ("category", "母婴")]
    assert {c.member_id for c in s002} == {"M0201"}
    assert before == []  # three weeks earlier she had only two purchase days


def test_due_window_boundaries(habits: sessionmaker[Session]) -> None:
    with habits() as s:
        due = due_repurchases(s, as_of=AS_OF, store_id="S001")
    assert [(d.member_id, d.sku, d.days_until) for d in due] == [
        ("M0113", "P2004", -3),
        ("M0101", "P3006", 0),
        ("M0109", "P2001", 0),
        ("M0111", "P2004", 7),
    ]


def test_due_reason_and_options(habits: sessionmaker[Session]) -> None:
    with habits() as s:
        due = due_repurchases(s, as_of=AS_OF, within_days=8, grace_days=9)
    by = {(d.member_id, d.sku): d for d in due}
    assert set(by) == {
        ("M0113", "P2004"), ("M0114", "P2004"), ("M0106", "P3005"), ("M0101", "P3006"),
        ("M0111", "P2004"), ("M0112", "P2004"), ("M0201", "P3006"), ("M0109", "P2001"),
    }
    her = by[("M0101", "P3006")]
    assert (her.member_name, her.store_id, her.cycle_days) == ("顾客101", "S001", 20.0)
    assert her.reason == (
        "约每 20 天买一次婴儿有机米粉（近一年 3 次），上次购买 6月10日，预计 6月30日 再次购买（就是今天）"
    )
    assert by[("M0106", "P3005")].reason.endswith("（已超过 9 天）")
    assert by[("M0112", "P2004")].reason.endswith("（还有 8 天）")
