"""RFM scores and lifecycle stages on hand-made members, checked at every threshold boundary."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy.orm import Session, sessionmaker

from store.analytics.lifecycle import (
    STAGES,
    lifecycle_counts,
    lifecycle_stage,
    member_rfm,
)
from store.db import transaction
from store.errors import NotFound
from tests.test_analytics_world import AS_OF, add_member, add_order, seed_catalog

RICE = [("P3003", 1)]  # 59.90 yuan

#: member -> expected stage on AS_OF, with what makes it so.
EXPECTED = {
    "M0101": "新客",  # registered 30 days ago, never bought
    "M0102": "流失",  # registered 31 days ago, never bought
    "M0103": "新客",  # registered 5 days ago, one big order: 新客 wins over VIP
    "M0104": "活跃",  # bought 30 days ago
    "M0105": "沉睡",  # bought 31 days ago
    "M0106": "沉睡",  # bought 90 days ago
    "M0107": "流失",  # bought 91 days ago
    "M0108": "VIP",  # bought 3 days ago, 12-month spend exactly 3000
    "M0109": "活跃",  # bought 3 days ago, 12-month spend 2999.99
    "M0110": "VIP",  # gold card, small spend, bought today
    "M0111": "沉睡",  # gold card, but last bought 45 days ago
    "M0112": "流失",  # only recent orders cancelled / refunded / pending; last real one 100 days ago
    "M0113": "活跃",  # 3000 spent but 365 days ago (out of window) + 2999.99 within: not VIP
    "M0201": "活跃",  # store S002
}


@pytest.fixture
def members(factory: sessionmaker[Session]) -> sessionmaker[Session]:
    with transaction(factory) as s:
        seed_catalog(s)
        for mid, reg in [("M0101", 30), ("M0102", 31), ("M0103", 5)]:
            add_member(s, mid, registered_days_ago=reg)
        add_order(s, "M0103", RICE, days_ago=1, total=Decimal("5000"))
        for mid, days in [("M0104", 30), ("M0105", 31), ("M0106", 90), ("M0107", 91)]:
            add_member(s, mid)
            add_order(s, mid, RICE, days_ago=days)
        add_member(s, "M0108")
        add_order(s, "M0108", RICE, days_ago=364, total=Decimal("1000"))
        add_order(s, "M0108", RICE, days_ago=3, total=Decimal("2000"))
        add_member(s, "M0109")
        add_order(s, "M0109", RICE, days_ago=3, total=Decimal("2999.99"))
        add_member(s, "M0110", level="gold")
        add_order(s, "M0110", RICE, days_ago=0)
        add_member(s, "M0111", level="gold")
        add_order(s, "M0111", RICE, days_ago=45, total=Decimal("4000"))
        add_member(s, "M0112")
        add_order(s, "M0112", RICE, days_ago=100)
        for status in ("cancelled", "refunded", "pending"):
            add_order(s, "M0112", RICE, days_ago=2, status=status, total=Decimal("5000"))
        add_member(s, "M0113")
        add_order(s, "M0113", RICE, days_ago=365, total=Decimal("3000"))
        add_order(s, "M0113", RICE, days_ago=10, total=Decimal("2999.99"))
        add_order(s, "M0113", RICE, days_ago=-1, total=Decimal("9000"))  # after as_of: ignored
        add_member(s, "M0201", store_id="S002")
        add_order(s, "M0201", RICE, days_ago=7, store_id="S002")
        add_member(s, "M0300", registered_days_ago=-2)  # registers after as_of: not counted yet
    return factory


def test_stage_of_every_member_at_the_boundaries(members: sessionmaker[Session]) -> None:
    with members() as s:
        rows = member_rfm(s, as_of=AS_OF)
    assert {r.member_id: r.stage for r in rows} == EXPECTED


def test_frequency_and_money_use_the_last_365_days_and_purchases_only(
    members: sessionmaker[Session],
) -> None:
    with members() as s:
        rows = {r.member_id: r for r in member_rfm(s, as_of=AS_OF)}
    assert (rows["M0108"].frequency, rows["M0108"].monetary) == (2, Decimal("3000.00"))
    assert (rows["M0113"].frequency, rows["M0113"].monetary) == (1, Decimal("2999.99"))
    assert rows["M0113"].last_purchase_on == date(2026, 6, 20)
    m112 = rows["M0112"]
    assert (m112.frequency, m112.monetary, m112.recency_days) == (1, Decimal("59.90"), 100)
    never = rows["M0102"]
    assert (never.last_purchase_on, never.recency_days, never.frequency) == (None, None, 0)


def test_rfm_scores_follow_the_documented_cut_points(members: sessionmaker[Session]) -> None:
    with members() as s:
        rows = {r.member_id: r for r in member_rfm(s, as_of=AS_OF)}
    assert rows["M0108"].rfm_code == "525"  # 3 days, 2 orders, 3000 yuan
    assert rows["M0109"].rfm_code == "514"  # 3 days, 1 order, 2999.99 yuan
    assert rows["M0104"].rfm_code == "411"  # 30 days, 1 order, 59.90 yuan
    assert rows["M0105"].r_score == 3  # 31 days
    assert rows["M0106"].r_score == 2  # 90 days
    assert rows["M0107"].r_score == 1  # 91 days
    assert rows["M0102"].rfm_code == "111"  # never bought


def test_store_scope_and_counts(members: sessionmaker[Session]) -> None:
    with members() as s:
        s002 = member_rfm(s, as_of=AS_OF, store_id="S002")
        counts = lifecycle_counts(s, as_of=AS_OF, store_id="S001")
        chain = lifecycle_counts(s, as_of=AS_OF)
    assert [r.member_id for r in s002] == ["M0201"]
    assert list(counts) == list(STAGES)
    assert counts == {"新客": 2, "活跃": 3, "VIP": 2, "沉睡": 3, "流失": 3}
    assert chain["活跃"] == 4 and sum(chain.values()) == len(EXPECTED)


@pytest.mark.parametrize(
    ("member_id", "stage", "words"),
    [
        ("M0106", "沉睡", ["90 天未消费", "31–90"]),
        ("M0107", "流失", ["91 天未消费", "超过 90 天"]),
        ("M0102", "流失", ["注册 31 天", "从未消费"]),
        ("M0101", "新客", ["注册 30 天"]),
        ("M0108", "VIP", ["3 天前消费", "3,000.00 元", "消费满 3,000 元"]),
        ("M0110", "VIP", ["今天消费", "金卡会员"]),
    ],
)
def test_lifecycle_stage_explains_itself(
    members: sessionmaker[Session], member_id: str, stage: str, words: list[str]
) -> None:
    with members() as s:
        result = lifecycle_stage(s, member_id=member_id, as_of=AS_OF)
    assert result.stage == stage == result.facts.stage
    for word in words:
        assert word in result.reason


def test_lifecycle_stage_of_an_unknown_member(members: sessionmaker[Session]) -> None:
    with members() as s, pytest.raises(NotFound) as err:
        lifecycle_stage(s, member_id="M9999", as_of=AS_OF)
    assert "M9999" in err.value.message_zh


def test_the_stage_moves_as_the_days_pass(members: sessionmaker[Session]) -> None:
    with members() as s:
        later = lifecycle_stage(s, member_id="M0104", as_of=date(2026, 7, 1))
        earlier = lifecycle_stage(s, member_id="M0107", as_of=date(2026, 6, 29))
    assert (later.stage, later.facts.recency_days) == ("沉睡", 31)
    assert (earlier.stage, earlier.facts.recency_days) == ("沉睡", 90)
