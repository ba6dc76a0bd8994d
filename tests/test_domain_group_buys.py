"""Group buys (接龙): joining before and after the cutoff, re-joining, the 接龙 text, closing."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from store.db import transaction
from store.errors import InvalidInput, NotAllowed, NotFound
from store.group_buys import (
    JoinResult,
    close_group_buy,
    get_group_buy,
    join_group_buy,
    list_group_buys,
    render_jielong,
)
from store.models import GroupBuy, GroupBuyParticipant, Order, OrderLine
from store.orders import mark_picked_up
from tests.test_domain_seed import NOW, seed_small_store

GB = "GB-S001-BLUEBERRY"
CUTOFF = datetime(2026, 7, 15, 22, 0)


@pytest.fixture
def seeded(factory: sessionmaker[Session]) -> sessionmaker[Session]:
    with transaction(factory) as s:
        seed_small_store(s)
        s.add(GroupBuy(id="GB-OLD", store_id="S001", sku="P1002", title="甜瓜接龙",
                       price=Decimal("22.8"), created_at=datetime(2026, 7, 1, 9, 0),
                       cutoff_at=datetime(2026, 7, 1, 22, 0),
                       pickup_start=datetime(2026, 7, 2, 15, 0),
                       pickup_end=datetime(2026, 7, 2, 21, 0), status="closed"))
    return factory


def _join(factory: sessionmaker[Session], member_id: str, qty: int, at: datetime = NOW,
          key: str | None = None) -> JoinResult:
    with transaction(factory) as s:
        return join_group_buy(s, group_buy_id=GB, member_id=member_id, qty=qty, at=at,
                              idempotency_key=key)


def _count(factory: sessionmaker[Session], model: type) -> int:
    with factory() as s:
        return s.scalar(select(func.count()).select_from(model)) or 0


def test_join_creates_a_priced_pickup_order(seeded: sessionmaker[Session]) -> None:
    result = _join(seeded, "M0002", 2, key="gb-join-M0002-1")
    assert result.created and result.participant.seq == 1
    order = result.order
    # Group-buy price 16.90 beats pickup 9 折 (17.91) and is not discounted again.
    assert (order.channel, order.fulfilment, order.status, order.group_buy_id) == (
        "group_buy", "pickup", "paid", GB
    )
    assert (order.subtotal, order.discount, order.total) == (
        Decimal("39.80"), Decimal("6.00"), Decimal("33.80")
    )
    assert order.pickup_code and len(order.pickup_code) == 6
    with seeded() as s:
        entry = s.scalar(select(GroupBuyParticipant))
        assert (entry.member_id, entry.qty, entry.order_id) == ("M0002", 2, order.id)


def test_rejoin_updates_qty_and_keeps_place_and_code(seeded: sessionmaker[Session]) -> None:
    first = _join(seeded, "M0002", 2)
    _join(seeded, "M0001", 1, at=NOW + timedelta(minutes=5))
    again = _join(seeded, "M0002", 5, at=NOW + timedelta(minutes=10))
    assert not again.created
    assert (again.participant.seq, again.participant.qty) == (1, 5)
    assert (again.order.id, again.order.pickup_code) == (first.order.id, first.order.pickup_code)
    assert again.order.total == Decimal("84.50")  # 5 × 16.90
    assert _count(seeded, GroupBuyParticipant) == 2
    assert _count(seeded, Order) == 2
    with seeded() as s:
        lines = s.scalars(select(OrderLine).where(OrderLine.order_id == first.order.id)).all()
        assert [(x.qty, x.amount) for x in lines] == [(5, Decimal("99.50"))]
        detail = get_group_buy(s, group_buy_id=GB)
        assert [(p.member_id, p.seq, p.qty) for p in detail.participants] == [
            ("M0002", 1, 5), ("M0001", 2, 1)
        ]
        assert detail.total_qty == 6


def test_retry_of_the_first_join_does_not_undo_a_later_change(
    seeded: sessionmaker[Session],
) -> None:
    _join(seeded, "M0002", 2, key="k1")
    _join(seeded, "M0002", 4, key="k2")
    retry = _join(seeded, "M0002", 2, key="k1")
    assert not retry.created and retry.participant.qty == 4
    # A retry is recognised even after the cutoff.
    late = _join(seeded, "M0002", 2, at=CUTOFF + timedelta(hours=1), key="k1")
    assert late.participant.qty == 4
    assert _count(seeded, Order) == 1


def test_join_at_or_after_cutoff_or_when_closed_is_refused(seeded: sessionmaker[Session]) -> None:
    _join(seeded, "M0003", 1, at=CUTOFF - timedelta(seconds=1))
    with pytest.raises(NotAllowed) as info:
        _join(seeded, "M0001", 1, at=CUTOFF)
    assert info.value.message_zh == "「云南高原蓝莓接龙」已截单，不能再接龙"
    with pytest.raises(NotAllowed):
        _join(seeded, "M0003", 3, at=CUTOFF + timedelta(minutes=1))  # no change after cutoff
    with pytest.raises(NotAllowed), transaction(seeded) as s:
        join_group_buy(s, group_buy_id="GB-OLD", member_id="M0001", qty=1, at=datetime(2026, 7, 1, 8))
    with seeded() as s:
        assert [(p.member_id, p.qty) for p in get_group_buy(s, group_buy_id=GB).participants] == [
            ("M0003", 1)
        ]
    assert _count(seeded, Order) == 1


@pytest.mark.parametrize("qty", [0, 21, -3])
def test_join_qty_range(seeded: sessionmaker[Session], qty: int) -> None:
    with pytest.raises(InvalidInput):
        _join(seeded, "M0002", qty)
    assert _count(seeded, GroupBuyParticipant) == 0


def test_join_unknown_and_after_pickup(seeded: sessionmaker[Session]) -> None:
    with pytest.raises(NotFound):
        _join(seeded, "M9999", 1)
    with pytest.raises(NotFound), transaction(seeded) as s:
        join_group_buy(s, group_buy_id="GB-NONE", member_id="M0001", qty=1, at=NOW)
    joined = _join(seeded, "M0002", 1)
    with transaction(seeded) as s:
        mark_picked_up(s, store_id="S001", order_id=joined.order.id, at=NOW + timedelta(hours=1))
    with pytest.raises(NotAllowed):
        _join(seeded, "M0002", 3, at=NOW + timedelta(hours=2))


def test_render_jielong_masks_names(seeded: sessionmaker[Session]) -> None:
    _join(seeded, "M0002", 2)
    _join(seeded, "M0001", 1)
    _join(seeded, "M0009", 3)
    with seeded() as s:
        detail = get_group_buy(s, group_buy_id=GB)
        names = {"M0001": "李秀英", "M0002": "张婷"}
        text = render_jielong(detail.group_buy, detail.participants, names, unit="盒")
        body = render_jielong(detail.group_buy, detail.participants, names, unit="盒", header=False)
    assert body == "1. 张* 2盒\n2. 李** 1盒\n3. 会员 3盒"
    assert text.startswith("#接龙\n云南高原蓝莓接龙  ¥16.90/盒\n07月15日 22:00 截单")
    assert text.endswith(body)
    assert "张婷" not in text and "秀英" not in text


def test_list_and_close(seeded: sessionmaker[Session]) -> None:
    with seeded() as s:
        assert [g.id for g in list_group_buys(s, store_id="S001")] == [GB, "GB-OLD"]
        assert [g.id for g in list_group_buys(s, store_id="S001", status="open", as_of=NOW)] == [GB]
        assert list_group_buys(s, store_id="S001", status="open", as_of=CUTOFF) == []
        assert list_group_buys(s, store_id="S002") == []
    early = NOW + timedelta(hours=2)
    with transaction(seeded) as s:
        closed = close_group_buy(s, group_buy_id=GB, at=early)
        assert (closed.status, closed.cutoff_at) == ("closed", early)
    with transaction(seeded) as s:
        again = close_group_buy(s, group_buy_id=GB, at=early + timedelta(hours=1))
        assert (again.status, again.cutoff_at) == ("closed", early)
    with pytest.raises(NotAllowed):
        _join(seeded, "M0001", 1, at=early - timedelta(minutes=1))
    with transaction(seeded) as s:
        s.get(GroupBuy, "GB-OLD").status = "cancelled"
    with pytest.raises(NotAllowed), transaction(seeded) as s:
        close_group_buy(s, group_buy_id="GB-OLD", at=NOW)
